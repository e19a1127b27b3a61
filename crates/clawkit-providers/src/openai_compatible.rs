//! `openai-compatible`: any server that speaks OpenAI Chat Completions —
//! vLLM, the llama.cpp server, LM Studio, a corporate gateway.
//!
//! # Base URL
//!
//! The first of:
//!
//! 1. `models.providers.openai-compatible.baseUrl` in the user config;
//! 2. the `OPENAI_COMPATIBLE_BASE_URL` env var (a value that is not a URL
//!    fails this provider's live catalog, naming the variable, and never
//!    counts as a loopback server for key-less auth);
//! 3. [`DEFAULT_BASE_URL`], vLLM's default `http://127.0.0.1:8000/v1`.
//!
//! The URL includes the API version (`…/v1`): requests go to
//! `{base}/chat/completions` and the model list is read from
//! `{base}/models`.
//!
//! # Auth
//!
//! `OPENAI_COMPATIBLE_API_KEY` (or any other source the runtime checks, such
//! as `models.providers.openai-compatible.apiKey`) when set. Without one, a
//! base URL on this machine (loopback) still resolves, to
//! [`LOCAL_AUTH_MARKER`]; any other base URL gets the usual missing-auth
//! error naming `OPENAI_COMPATIBLE_API_KEY`.
//!
//! The loopback decision is made in `resolveConfigApiKey` (hook #7), not in
//! `resolveSyntheticAuth` (#8) as OpenClaw's §4.5 step 6 would suggest:
//! the base URL may come from the environment, and only the #7 context
//! carries it. The resolved auth therefore reports the source
//! `provider config hook`.
//!
//! # Catalog
//!
//! The live catalog always has an entry (so that the base URL taken from
//! the environment reaches model resolution). When a credential resolved —
//! a key, or the local marker — it lists the server's models with
//! `GET {base}/models` (OpenAI's `{"data":[{"id":…}]}`; vLLM's
//! `max_model_len` becomes the row's context window), bounded by
//! [`DISCOVERY_TIMEOUT`] and [`DISCOVERY_MAX_BYTES`]. A server that is down
//! or answers anything else gives an entry without rows, never an error.
//! When the user config lists models, they are the rows and the server is
//! not asked. There is no static catalog: nothing is known offline.
//!
//! Any model id resolves, with Chat Completions and
//! [`DYNAMIC_LIMITS`]. Requests leave out `store`, send the system prompt
//! with the `system` role and the output limit as `max_tokens` — what every
//! compatible server accepts — unless the model's `compat` says otherwise.

use std::future::Future;
use std::time::Duration;

use clawkit_core::{
    ApiKey, ApiKeyAuthOptions, AuthLookupContext, CatalogContext, CatalogResult,
    DynamicModelContext, Env, Headers, InputKind, LOCAL_AUTH_MARKER, MaxTokensField, ModelApi,
    ModelCompat, ModelContext, ModelCost, ModelDefinition, PluginError, ProviderConfig,
    ProviderHooks, ReplayPolicy, ResolvedModelContext, RuntimeModel, SingleProviderPluginEntry,
    async_trait, is_loopback_url,
};
use clawkit_families::replay::{ReplayFamily, ReplayFamilyHooks};
use clawkit_http::{HttpClient, HttpConfig};
use clawkit_manifest::{ManifestError, PluginManifest};
use serde_json::Value;
use url::Url;

/// The provider id.
pub const PROVIDER_ID: &str = "openai-compatible";

/// The plugin's `openclaw.plugin.json`.
pub const MANIFEST_JSON: &str = include_str!("../plugins/openai-compatible/openclaw.plugin.json");

/// vLLM's default address, used when neither the config nor the
/// environment names a server.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8000/v1";

/// The env var holding the optional API key.
pub const API_KEY_ENV: &str = "OPENAI_COMPATIBLE_API_KEY";

/// The env var naming the server when the user config does not.
pub const BASE_URL_ENV: &str = "OPENAI_COMPATIBLE_BASE_URL";

/// Context window and output limit of a model the server does not
/// describe: small enough for most self-hosted deployments.
pub const DYNAMIC_LIMITS: (u64, u64) = (32_768, 4_096);

/// How long listing a server's models may take, connecting included.
pub const DISCOVERY_TIMEOUT: Duration = Duration::from_secs(3);

/// A model list larger than this is ignored.
pub const DISCOVERY_MAX_BYTES: usize = 4 * 1024 * 1024;

/// The plugin entry.
pub fn plugin() -> Result<SingleProviderPluginEntry, ManifestError> {
    Ok(SingleProviderPluginEntry::builder(PROVIDER_ID)
        .manifest(manifest()?)
        .label("OpenAI-compatible server")
        .docs_path(format!("/providers/{PROVIDER_ID}"))
        .api_key_auth(
            ApiKeyAuthOptions::new(PROVIDER_ID, "api-key", "OpenAI-compatible server API key")
                .hint(format!(
                    "Reads {API_KEY_ENV}; optional for a server on this machine"
                ))
                .flag_name(format!("--{PROVIDER_ID}-api-key"))
                .env_var(API_KEY_ENV)
                .prompt_message("Enter the API key of your OpenAI-compatible server"),
        )
        // No `build_provider`: the live catalog needs the config and the
        // environment (for the base URL), which only the `catalog` hook gets.
        .hooks(OpenAiCompatibleHooks)
        .build())
}

/// The parsed and checked plugin manifest.
pub fn manifest() -> Result<PluginManifest, ManifestError> {
    PluginManifest::parse(MANIFEST_JSON.as_bytes(), "openclaw.plugin.json")
        .into_result("openclaw.plugin.json")
}

/// The server to use: the user config's `baseUrl`, else
/// `OPENAI_COMPATIBLE_BASE_URL`, else [`DEFAULT_BASE_URL`].
///
/// Fails only when the env var is set to something that is not a URL.
pub fn base_url(config: &clawkit_core::Config, env: &Env) -> Result<Url, PluginError> {
    if let Some(explicit) = config.provider(PROVIDER_ID) {
        return Ok(explicit.base_url.clone());
    }
    if let Some(value) = env.non_empty(BASE_URL_ENV) {
        return value.expose().trim().parse().map_err(|error| {
            PluginError::with_source(format!("{BASE_URL_ENV} is not a valid URL"), error)
        });
    }
    Ok(DEFAULT_BASE_URL.parse()?)
}

/// Reads `GET {base}/models` (OpenAI's list format) into catalog rows, or
/// `None` when the server is unreachable, slow, too large or answers
/// anything but such a list.
pub async fn discover(base_url: &Url, api_key: Option<&ApiKey>) -> Option<Vec<ModelDefinition>> {
    let body = get_json(join(base_url, "models"), api_key.cloned()).await?;
    parse_models(&body)
}

/// Catalog rows from an OpenAI-style model list (`{"data":[{"id":…}]}`),
/// or `None` if `body` is not one. Entries without an id are skipped,
/// duplicates dropped; vLLM's `max_model_len` sets the context window.
pub fn parse_models(body: &Value) -> Option<Vec<ModelDefinition>> {
    let data = body.get("data")?.as_array()?;
    let mut rows: Vec<ModelDefinition> = Vec::new();
    for entry in data {
        let Some(id) = entry.get("id").and_then(Value::as_str).map(str::trim) else {
            continue;
        };
        if id.is_empty() || rows.iter().any(|row| row.id == id) {
            continue;
        }
        let (default_window, default_max) = DYNAMIC_LIMITS;
        let context_window = entry
            .get("max_model_len")
            .and_then(Value::as_u64)
            .filter(|&n| n > 0)
            .unwrap_or(default_window);
        rows.push(
            ModelDefinition::new(id)
                .with_name(id)
                .with_input([InputKind::Text])
                .with_cost(ModelCost::default())
                .with_limits(context_window, default_max.min(context_window)),
        );
    }
    Some(rows)
}

/// The hooks beyond identity and the API-key method.
struct OpenAiCompatibleHooks;

#[async_trait]
impl ProviderHooks for OpenAiCompatibleHooks {
    /// #39: the `openai-compatible` replay family, as OpenClaw installs it.
    fn build_replay_policy(&self, ctx: &ModelContext) -> Option<ReplayPolicy> {
        ReplayFamilyHooks::new(ReplayFamily::OpenAiCompatible).build_replay_policy(ctx)
    }

    /// #1: the server's entry, with its models when a credential resolved
    /// and the server lists them.
    async fn catalog(&self, ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> {
        let base_url = base_url(&ctx.config, &ctx.env)?;
        let mut provider = ProviderConfig::new(base_url, ModelApi::OpenAiCompletions);
        let listed_by_user = ctx
            .config
            .provider(PROVIDER_ID)
            .is_some_and(|explicit| !explicit.models.is_empty());
        let key = ctx.resolve_provider_api_key(None).api_key;
        if !listed_by_user && let Some(key) = key {
            let bearer = (key.expose() != LOCAL_AUTH_MARKER).then_some(&key);
            provider.models = discover(&provider.base_url, bearer)
                .await
                .unwrap_or_default();
        }
        Ok(Some(CatalogResult::Provider(provider)))
    }

    /// #7: a server on this machine needs no key.
    fn resolve_config_api_key(&self, ctx: &AuthLookupContext) -> Option<ApiKey> {
        let base_url = base_url(&ctx.config, &ctx.env).ok()?;
        is_loopback_url(&base_url).then(|| ApiKey::new(LOCAL_AUTH_MARKER))
    }

    /// #10: any model id, with Chat Completions and conservative limits.
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        let base_url = ctx
            .provider_config
            .as_ref()
            .map(|config| config.base_url.clone())
            .or_else(|| DEFAULT_BASE_URL.parse().ok())?;
        let (context_window, max_tokens) = DYNAMIC_LIMITS;
        Some(
            RuntimeModel::new(
                PROVIDER_ID,
                &ctx.model_id,
                ModelApi::OpenAiCompletions,
                base_url,
            )
            .with_limits(context_window, max_tokens),
        )
    }

    /// #13: the request shape every compatible server accepts.
    fn contribute_resolved_model_compat(&self, ctx: &ResolvedModelContext) -> Option<ModelCompat> {
        if ctx.provider != PROVIDER_ID || ctx.model.api != ModelApi::OpenAiCompletions {
            return None;
        }
        local_server_compat(&ctx.model.compat)
    }
}

// ---------------------------------------------------------------- shared with `ollama`

/// Compat flags for a self-hosted Chat Completions server, filling only the
/// flags `current` leaves unset: no `store` (OpenAI's own), the `system`
/// role rather than `developer` (which many chat templates do not know), and
/// `max_tokens` rather than `max_completion_tokens` (which older servers
/// ignore).
pub(crate) fn local_server_compat(current: &ModelCompat) -> Option<ModelCompat> {
    let mut patch = ModelCompat::default();
    if current.supports_store.is_none() {
        patch.supports_store = Some(false);
    }
    if current.supports_developer_role.is_none() {
        patch.supports_developer_role = Some(false);
    }
    if current.max_tokens_field.is_none() {
        patch.max_tokens_field = Some(MaxTokensField::MaxTokens);
    }
    (!patch.is_empty()).then_some(patch)
}

/// `base` with `path` appended to its path, whatever the slashes (the query
/// is kept, as the Chat Completions transport keeps it).
pub(crate) fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!("{}/{path}", base.path().trim_end_matches('/'));
    url.set_path(&joined);
    url
}

/// A bounded `GET` of a JSON document through
/// [`HttpClient::get_json`]: [`DISCOVERY_TIMEOUT`] to connect, for the
/// headers, between reads and for the whole exchange, at most
/// [`DISCOVERY_MAX_BYTES`] of body, no redirects, no proxy for a loopback
/// URL. `None` on any failure.
///
/// Catalog hooks may be polled by any executor (the core's own timeouts do
/// not need Tokio; the test kit polls with `futures`), while reqwest needs a
/// Tokio reactor driven while it waits. So the request runs on a short-lived
/// thread with its own current-thread runtime, and the caller just awaits
/// the answer: no executor is ever blocked, and a caller that gives up
/// early leaves a thread that ends at the timeout.
pub(crate) async fn get_json(url: Url, bearer: Option<ApiKey>) -> Option<Value> {
    on_own_runtime(move || async move {
        tokio::time::timeout(DISCOVERY_TIMEOUT, fetch_json(url, bearer))
            .await
            .ok()
            .flatten()
    })
    .await
}

async fn fetch_json(url: Url, bearer: Option<ApiKey>) -> Option<Value> {
    let mut config = HttpConfig::default();
    config.connect_timeout = DISCOVERY_TIMEOUT;
    config.first_byte_timeout = DISCOVERY_TIMEOUT;
    config.idle_timeout = DISCOVERY_TIMEOUT;
    config.max_redirects = 0;
    config.use_system_proxy = !is_loopback_url(&url);
    let client = HttpClient::with_config(config).ok()?;
    let mut headers = Headers::new();
    if let Some(key) = bearer {
        headers.insert("Authorization", format!("Bearer {}", key.expose()));
    }
    client
        .get_json("model discovery", &url, &headers, DISCOVERY_MAX_BYTES)
        .await
        .ok()
}

/// Runs `task` to completion on a new thread with a current-thread Tokio
/// runtime; `None` if the thread or the runtime cannot be started.
async fn on_own_runtime<F, Fut, T>(task: F) -> Option<T>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Option<T>>,
    T: Send + 'static,
{
    let (sender, receiver) = futures::channel::oneshot::channel();
    std::thread::Builder::new()
        .name("clawkit-discovery".to_owned())
        .spawn(move || {
            let result = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()
                .and_then(|runtime| runtime.block_on(task()));
            // The receiver is gone when the caller gave up: nothing to do.
            let _ = sender.send(result);
        })
        .ok()?;
    receiver.await.ok().flatten()
}
