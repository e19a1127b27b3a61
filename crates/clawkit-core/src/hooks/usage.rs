//! Host-called usage hooks: what `resolveUsageAuth` and `fetchUsageSnapshot` are given and return.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::config::Config;
use crate::env::Env;
use crate::secret::ApiKey;

/// What `resolveUsageAuth` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UsageAuthContext {
    /// The provider id.
    pub provider: String,
    /// The environment.
    pub env: Arc<Env>,
    /// The user config.
    pub config: Arc<Config>,
    /// Billing-only env vars the manifest declares (`providerUsageAuthEnvVars`).
    pub usage_env_vars: Vec<String>,
}

/// The credential for a provider's usage API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum UsageAuth {
    /// Use this token.
    Token {
        /// The token.
        token: ApiKey,
        /// The account, if the API needs it.
        account_id: Option<String>,
    },
    /// The plugin handled it: do not fall back to the generic lookup.
    Handled,
}

/// What `fetchUsageSnapshot` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UsageSnapshotContext {
    /// The provider id.
    pub provider: String,
    /// The usage token.
    pub token: ApiKey,
    /// The account, if any.
    pub account_id: Option<String>,
    /// How long the call may take.
    pub timeout: Duration,
}
