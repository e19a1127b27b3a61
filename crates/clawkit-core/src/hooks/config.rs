//! Config stage: what `applyConfigDefaults`, `normalizeConfig` and `applyNativeStreamingUsageCompat` are given.

use std::sync::Arc;

use crate::config::Config;
use crate::env::Env;
use crate::model::ProviderConfig;

/// What `applyConfigDefaults` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConfigDefaultsContext {
    /// The provider id.
    pub provider: String,
    /// The user config.
    pub config: Config,
    /// The environment.
    pub env: Arc<Env>,
}

/// What `normalizeConfig` and `applyNativeStreamingUsageCompat` are given.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ProviderConfigContext {
    /// The provider id.
    pub provider: String,
    /// Its config.
    pub provider_config: ProviderConfig,
}
