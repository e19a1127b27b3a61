//! Catalog stage: what `catalog`, `staticCatalog` and `augmentModelCatalog` are given and return.

use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;
use serde::Serialize;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::env::Env;
use crate::model::ProviderConfig;
use crate::secret::ApiKey;

/// A key found for a provider, as `ctx.resolveProviderApiKey` returns it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProviderKey {
    /// The key for inference, if any.
    pub api_key: Option<ApiKey>,
    /// A key usable for listing models when `api_key` is only a marker.
    pub discovery_api_key: Option<ApiKey>,
    /// Where the key came from (`env: ACME_AI_API_KEY`, …).
    pub source: Option<String>,
}

impl ProviderKey {
    /// A key from `source`.
    pub fn new(api_key: ApiKey, source: impl Into<String>) -> Self {
        ProviderKey {
            discovery_api_key: Some(api_key.clone()),
            api_key: Some(api_key),
            source: Some(source.into()),
        }
    }
}

type KeyResolver = Arc<dyn Fn(&str) -> ProviderKey + Send + Sync>;

/// What a catalog hook is given.
#[derive(Clone)]
#[non_exhaustive]
pub struct CatalogContext {
    /// The provider whose catalog runs.
    pub provider: String,
    /// The user config.
    pub config: Arc<Config>,
    /// The environment.
    pub env: Arc<Env>,
    /// When set, only these providers are wanted.
    pub provider_ids: Option<Vec<String>>,
    resolver: KeyResolver,
}

impl fmt::Debug for CatalogContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CatalogContext")
            .field("provider", &self.provider)
            .field("provider_ids", &self.provider_ids)
            .finish_non_exhaustive()
    }
}

impl CatalogContext {
    /// A context with an empty config and environment, where no key resolves
    /// (what a static catalog gets).
    pub fn new(provider: impl Into<String>) -> Self {
        CatalogContext {
            provider: provider.into(),
            config: Arc::new(Config::new()),
            env: Arc::new(Env::new()),
            provider_ids: None,
            resolver: Arc::new(|_| ProviderKey::default()),
        }
    }

    /// Makes every key lookup return `key` (for tests: the guide's
    /// `resolveProviderApiKey: () => ({ apiKey: "test-key" })`).
    ///
    /// ```
    /// use clawkit_core::CatalogContext;
    ///
    /// let ctx = CatalogContext::new("acme-ai").with_api_key("test-key");
    /// assert_eq!(ctx.resolve_provider_api_key(None).api_key.unwrap().expose(), "test-key");
    /// assert!(CatalogContext::new("acme-ai").resolve_provider_api_key(None).api_key.is_none());
    /// ```
    pub fn with_api_key(mut self, key: impl Into<ApiKey>) -> Self {
        let key = key.into();
        self.resolver = Arc::new(move |_| ProviderKey::new(key.clone(), "test"));
        self
    }

    /// Uses `resolver` for key lookups.
    pub fn with_key_resolver(
        mut self,
        resolver: impl Fn(&str) -> ProviderKey + Send + Sync + 'static,
    ) -> Self {
        self.resolver = Arc::new(resolver);
        self
    }

    /// Sets the config and the environment.
    pub fn with_config(mut self, config: Arc<Config>, env: Arc<Env>) -> Self {
        self.config = config;
        self.env = env;
        self
    }

    /// The key for `provider` (default: this catalog's provider).
    pub fn resolve_provider_api_key(&self, provider: Option<&str>) -> ProviderKey {
        (self.resolver)(provider.unwrap_or(&self.provider))
    }
}

/// What a catalog returns: one provider, or several by id.
// Built once per catalog run; boxing would only make plugin code noisier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum CatalogResult {
    /// One provider, stored under the provider's id and all its aliases
    /// (not the plugin's id, when the two differ).
    Provider(ProviderConfig),
    /// Several providers by id.
    Providers(IndexMap<String, ProviderConfig>),
}

/// What `augmentModelCatalog` is given: the catalog merged so far.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AugmentCatalogContext<'a> {
    /// The user config.
    pub config: Arc<Config>,
    /// The environment.
    pub env: Arc<Env>,
    /// The catalog merged so far (see [`Catalog::rows`](Catalog::rows)).
    pub catalog: &'a Catalog,
}
