//! The `custom` provider: catalog from `/registry`, any model id resolved
//! against the runtime URL, an optional bearer token, and its own stream
//! function ([`crate::chat`]).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use clawkit_core::{
    ApiKey, CatalogContext, CatalogResult, CredentialKind, DynamicModelContext, ModelApi,
    ModelDefinition, PluginError, ProviderConfig, ProviderHooks, RuntimeModel, SharedStreamFn,
    SingleProviderPluginEntry, StreamFnContext, SyntheticAuth, SyntheticAuthContext,
};
use clawkit_manifest::{ManifestError, PluginManifest};
use url::Url;

use crate::chat::{Chat, ProbeCache};
use crate::client::{RuntimeClient, runtime_url};
use crate::metadata::PROVIDER_ID;
use crate::sessions::SessionStore;

/// The plugin's `openclaw.plugin.json`, as shipped.
pub const MANIFEST_JSON: &str = include_str!("../openclaw.plugin.json");

/// Where the runtime is when nothing says otherwise: Claw3D's default for
/// its `custom` profile.
pub const DEFAULT_RUNTIME_URL: &str = "http://localhost:7770";

/// The environment variable with the runtime URL.
pub const URL_ENV: &str = "CUSTOM_RUNTIME_URL";

/// The environment variable with the optional bearer token.
pub const TOKEN_ENV: &str = "CUSTOM_RUNTIME_TOKEN";

/// The environment variable with the hosts a runtime URL may name
/// (comma-separated; any host when unset), as Claw3D's proxy reads it.
pub const ALLOWLIST_ENV: &str = "CUSTOM_RUNTIME_ALLOWLIST";

/// The environment variable with the session directory.
pub const SESSION_DIR_ENV: &str = "CUSTOM_RUNTIME_SESSION_DIR";

/// What the synthetic credential says when there is no token: never sent.
const NO_TOKEN: &str = "custom-runtime-no-token";

/// How the provider is set up.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CustomRuntimeOptions {
    /// Where sessions are kept; none kept when `None`.
    pub session_dir: Option<PathBuf>,
    /// Hosts a runtime URL may name; any when `None`.
    pub allowed_hosts: Option<Vec<String>>,
}

impl CustomRuntimeOptions {
    /// The options the process environment gives: `CUSTOM_RUNTIME_SESSION_DIR`
    /// (else `$XDG_STATE_HOME/clawkit/custom-runtime`, else
    /// `~/.local/state/clawkit/custom-runtime`) and
    /// `CUSTOM_RUNTIME_ALLOWLIST`.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let session_dir = var(SESSION_DIR_ENV).map(PathBuf::from).or_else(|| {
            let state = var("XDG_STATE_HOME")
                .map(PathBuf::from)
                .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".local/state")))?;
            Some(state.join("clawkit/custom-runtime"))
        });
        let allowed_hosts = var(ALLOWLIST_ENV).map(|list| {
            list.split(',')
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
                .collect()
        });
        CustomRuntimeOptions {
            session_dir,
            allowed_hosts,
        }
    }

    /// Sessions kept in `dir`.
    pub fn session_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.session_dir = Some(dir.into());
        self
    }

    /// Runtime URLs limited to `hosts`.
    pub fn allowed_hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allowed_hosts = Some(hosts.into_iter().map(Into::into).collect());
        self
    }
}

/// The plugin entry with the options of the process environment
/// ([`CustomRuntimeOptions::from_env`]): register it with
/// `Runtime::builder().plugin(custom_runtime::plugin()?)`.
pub fn plugin() -> Result<SingleProviderPluginEntry, ManifestError> {
    plugin_with(CustomRuntimeOptions::from_env())
}

/// The plugin entry with `options`.
pub fn plugin_with(
    options: CustomRuntimeOptions,
) -> Result<SingleProviderPluginEntry, ManifestError> {
    let manifest: PluginManifest = MANIFEST_JSON.parse()?;
    Ok(SingleProviderPluginEntry::from_manifest(manifest)
        .docs_path("/providers/custom")
        .hooks(CustomHooks::new(options))
        .build())
}

/// The provider's hooks.
struct CustomHooks {
    options: CustomRuntimeOptions,
    /// The probe cache and session store, shared by every turn.
    shared: Mutex<Option<Shared>>,
}

#[derive(Clone)]
struct Shared {
    template: RuntimeClient,
    probes: Arc<ProbeCache>,
    sessions: Option<Arc<SessionStore>>,
}

impl CustomHooks {
    fn new(options: CustomRuntimeOptions) -> Self {
        CustomHooks {
            options,
            shared: Mutex::new(None),
        }
    }

    /// The runtime URL: the provider config's `baseUrl`, else
    /// `CUSTOM_RUNTIME_URL`, else none.
    fn configured_url(&self, ctx: &CatalogContext) -> Result<Option<Url>, PluginError> {
        let raw = match ctx.config.provider(PROVIDER_ID) {
            Some(config) => Some(config.base_url.to_string()),
            None => ctx.env.get(URL_ENV).map(|url| url.expose().to_owned()),
        };
        raw.map(|raw| runtime_url(&raw, self.options.allowed_hosts.as_deref()))
            .transpose()
            .map_err(plugin_error)
    }

    /// The shared parts, made on first use.
    fn shared(&self) -> Result<Shared, PluginError> {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(shared) = shared.as_ref() {
            return Ok(shared.clone());
        }
        let base = runtime_url(DEFAULT_RUNTIME_URL, None).map_err(plugin_error)?;
        let sessions = match &self.options.session_dir {
            Some(dir) => match SessionStore::open(dir) {
                Ok(store) => Some(Arc::new(store)),
                Err(error) => {
                    tracing::warn!(%error, "custom: sessions are not kept");
                    None
                }
            },
            None => None,
        };
        let made = Shared {
            template: RuntimeClient::new(base, None).map_err(plugin_error)?,
            probes: Arc::new(ProbeCache::default()),
            sessions,
        };
        *shared = Some(made.clone());
        Ok(made)
    }
}

fn plugin_error(error: crate::CustomRuntimeError) -> PluginError {
    PluginError::new(error.to_string())
}

/// A row for a registry model.
fn row(id: &str) -> ModelDefinition {
    ModelDefinition::new(id)
}

#[async_trait]
impl ProviderHooks for CustomHooks {
    /// #1: the runtime's `/registry` as `custom` rows, with the runtime URL
    /// as the provider's base URL. Without a configured URL there is no
    /// catalog (the models resolve against the default URL).
    async fn catalog(&self, ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> {
        let Some(url) = self.configured_url(ctx)? else {
            return Ok(None);
        };
        let token = ctx
            .resolve_provider_api_key(None)
            .api_key
            .filter(|key| key.expose() != NO_TOKEN);
        let client = self.shared()?.template.with_target(url.clone(), token);
        let mut provider = ProviderConfig::new(url, ModelApi::OpenAiCompletions);
        // An unreachable runtime still gives its URL, so chat can report why.
        if let Ok(Some(models)) = client.registry().await {
            provider.models = models.iter().map(|m| row(&m.id)).collect();
        }
        Ok(Some(CatalogResult::Provider(provider)))
    }

    /// #8: the token is optional; without one nothing is sent.
    fn resolve_synthetic_auth(&self, ctx: &SyntheticAuthContext) -> Option<SyntheticAuth> {
        (ctx.provider == PROVIDER_ID).then(|| {
            SyntheticAuth::new(
                NO_TOKEN,
                "custom: no CUSTOM_RUNTIME_TOKEN, no token sent",
                CredentialKind::None,
            )
        })
    }

    /// #10: any model id: the runtime routes it.
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        let base = match &ctx.provider_config {
            Some(config) => config.base_url.clone(),
            None => DEFAULT_RUNTIME_URL.parse().ok()?,
        };
        Some(RuntimeModel::new(
            PROVIDER_ID,
            &ctx.model_id,
            ModelApi::OpenAiCompletions,
            base,
        ))
    }

    /// #18: the runtime's own client, not a generic transport.
    fn create_stream_fn(&self, ctx: &StreamFnContext) -> Option<SharedStreamFn> {
        let shared = match self.shared() {
            Ok(shared) => shared,
            Err(error) => {
                tracing::warn!(%error, "custom: no stream function");
                return None;
            }
        };
        Some(Arc::new(Chat {
            client: shared.template,
            probes: shared.probes,
            sessions: shared.sessions,
            allowed_hosts: self.options.allowed_hosts.clone(),
            no_token: ApiKey::from(NO_TOKEN),
            model_ref: format!("{}/{}", ctx.provider, ctx.model_id),
        }))
    }
}
