//! The part of OpenClaw's user config the pipeline reads: `models.providers`.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::{Extra, ProviderConfig};
use clawkit_manifest::normalize_provider_id;

/// OpenClaw's config as far as providers are concerned. Other sections are
/// kept verbatim in `extra`.
///
/// ```
/// use clawkit_core::Config;
///
/// let config: Config = serde_json::from_str(r#"{
///   "models": {"providers": {"acme-ai": {"baseUrl": "https://proxy.example/v1", "models": []}}}
/// }"#).unwrap();
/// assert!(config.provider("Acme-AI").is_some());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Config {
    /// `models`.
    #[serde(default)]
    pub models: ModelsConfig,
    /// Other sections, verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `models` in OpenClaw's config.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ModelsConfig {
    /// `merge` (default) or `replace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Explicit provider configs, by provider id.
    #[serde(default)]
    pub providers: IndexMap<String, ProviderConfig>,
    /// Other fields, verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Config {
    /// An empty config (what static catalogs get).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an explicit provider config.
    pub fn with_provider(mut self, id: impl Into<String>, provider: ProviderConfig) -> Self {
        self.models.providers.insert(id.into(), provider);
        self
    }

    /// The explicit config of `provider`, matched after id normalization.
    pub fn provider(&self, provider: &str) -> Option<&ProviderConfig> {
        let wanted = normalize_provider_id(provider);
        self.models.providers.get(provider).or_else(|| {
            self.models
                .providers
                .iter()
                .find(|(id, _)| normalize_provider_id(id) == wanted)
                .map(|(_, config)| config)
        })
    }
}
