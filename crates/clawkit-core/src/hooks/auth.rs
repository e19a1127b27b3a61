//! Auth stage: what `resolveConfigApiKey`, `resolveSyntheticAuth`, `shouldDeferSyntheticProfileAuth`, `formatApiKey`,
//! `refreshOAuth`, `prepareRuntimeAuth`, `buildMissingAuthMessage` and the host-called `buildAuthDoctorHint` are given and return.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use url::Url;

use crate::auth::CredentialKind;
use crate::config::Config;
use crate::env::Env;
use crate::model::{ProviderConfig, RuntimeModel};
use crate::secret::ApiKey;

/// What `resolveConfigApiKey` and `buildMissingAuthMessage` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthLookupContext {
    /// The provider id.
    pub provider: String,
    /// The environment.
    pub env: Arc<Env>,
    /// The user config.
    pub config: Arc<Config>,
    /// The env vars the manifest declares for the provider.
    pub env_vars: Vec<String>,
}

/// What `resolveSyntheticAuth` and `shouldDeferSyntheticProfileAuth` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SyntheticAuthContext {
    /// The provider id.
    pub provider: String,
    /// The user config.
    pub config: Arc<Config>,
    /// The provider's config, if any.
    pub provider_config: Option<ProviderConfig>,
    /// The key resolved so far, if any.
    pub resolved_api_key: Option<ApiKey>,
    /// The environment.
    pub env: Arc<Env>,
}

/// A credential made up by a plugin (local servers, config-backed auth).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SyntheticAuth {
    /// The key or marker to send.
    pub api_key: ApiKey,
    /// Where it came from, for `doctor`.
    pub source: String,
    /// How it authenticates.
    pub mode: CredentialKind,
}

impl SyntheticAuth {
    /// A synthetic credential.
    pub fn new(
        api_key: impl Into<ApiKey>,
        source: impl Into<String>,
        mode: CredentialKind,
    ) -> Self {
        SyntheticAuth {
            api_key: api_key.into(),
            source: source.into(),
            mode,
        }
    }
}

/// What `buildAuthDoctorHint` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthDoctorContext {
    /// The provider id.
    pub provider: String,
    /// The auth profile concerned, if any.
    pub profile_id: Option<String>,
    /// The user config.
    pub config: Arc<Config>,
}

/// What `prepareRuntimeAuth` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RuntimeAuthContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The resolved model.
    pub model: RuntimeModel,
    /// The credential resolved so far.
    pub api_key: ApiKey,
    /// How it authenticates.
    pub auth_mode: CredentialKind,
    /// The auth profile, if any.
    pub profile_id: Option<String>,
    /// The environment.
    pub env: Arc<Env>,
}

/// The credential to use at runtime, from `prepareRuntimeAuth`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RequestCredential {
    /// The key or token to send.
    pub api_key: ApiKey,
    /// A different base URL to send it to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<Url>,
    /// Extra request headers (serialized and printed with their values redacted).
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        serialize_with = "crate::secret::headers::serialize"
    )]
    pub headers: BTreeMap<String, String>,
    /// Expiry in milliseconds since the Unix epoch; the runtime refreshes after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
}

impl std::fmt::Debug for RequestCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestCredential")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url.as_ref().map(Url::host_str))
            .field("headers", &crate::secret::headers::Names(&self.headers))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl RequestCredential {
    /// A runtime credential.
    pub fn new(api_key: impl Into<ApiKey>) -> Self {
        RequestCredential {
            api_key: api_key.into(),
            base_url: None,
            headers: BTreeMap::new(),
            expires_at: None,
        }
    }

    /// Sets the expiry (milliseconds since the Unix epoch).
    pub fn expires_at(mut self, epoch_ms: u64) -> Self {
        self.expires_at = Some(epoch_ms);
        self
    }

    /// Sets the base URL.
    pub fn with_base_url(mut self, base_url: Url) -> Self {
        self.base_url = Some(base_url);
        self
    }
}
