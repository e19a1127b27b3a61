//! What each hook is given and what it may return.
//!
//! Contexts are plain structs with public fields and a `new` for the fields
//! a test needs, so a hook can be called directly in a unit test, as
//! OpenClaw's guide does. Returned types serialize (secrets redacted) so
//! that the hook trace can record them.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use crate::config::Config;
use crate::context::{Message, Tool};
use crate::env::Env;
use crate::error::PluginError;
use crate::model::{ModelApi, ModelDefinition, ProviderConfig, RuntimeModel, ThinkingLevel};
use crate::secret::ApiKey;
use crate::stream::SharedStreamFn;

// ---------------------------------------------------------------- catalog

/// When a catalog merges relative to the others; a later order wins on an
/// id collision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CatalogOrder {
    /// First pass: plain API-key providers.
    Simple,
    /// After simple: providers gated on auth profiles.
    Profile,
    /// After profile: providers that synthesize several related entries.
    Paired,
    /// Last pass: overrides (the default when no order is given).
    Late,
}

impl CatalogOrder {
    /// Every order, in merge order.
    pub const ALL: [CatalogOrder; 4] = [
        CatalogOrder::Simple,
        CatalogOrder::Profile,
        CatalogOrder::Paired,
        CatalogOrder::Late,
    ];
}

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
    /// One provider, stored under the plugin's id and all its aliases.
    Provider(ProviderConfig),
    /// Several providers by id.
    Providers(IndexMap<String, ProviderConfig>),
}

/// A model row contributed by `augmentModelCatalog`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CatalogEntry {
    /// The provider id.
    pub provider: String,
    /// The row.
    pub model: ModelDefinition,
}

impl CatalogEntry {
    /// A row of `provider`.
    pub fn new(provider: impl Into<String>, model: ModelDefinition) -> Self {
        CatalogEntry {
            provider: provider.into(),
            model,
        }
    }
}

/// What `augmentModelCatalog` is given: the catalog merged so far.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AugmentCatalogContext<'a> {
    /// The user config.
    pub config: Arc<Config>,
    /// The environment.
    pub env: Arc<Env>,
    /// The catalog merged so far (see [`Catalog::rows`](crate::Catalog::rows)).
    pub catalog: &'a crate::catalog::Catalog,
}

// ---------------------------------------------------------------- config and transport

/// A provider and a model id (`normalizeModelId`, `isBinaryThinking`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelRefContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
}

impl ModelRefContext {
    /// `provider/model_id`.
    pub fn new(provider: impl Into<String>, model_id: impl Into<String>) -> Self {
        ModelRefContext {
            provider: provider.into(),
            model_id: model_id.into(),
        }
    }
}

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

/// What `normalizeTransport` is given.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TransportContext {
    /// The provider id.
    pub provider: String,
    /// The model id, when one is being resolved.
    pub model_id: Option<String>,
    /// The current API.
    pub api: Option<ModelApi>,
    /// The current base URL.
    pub base_url: Option<Url>,
}

/// A change to a model's transport: set fields replace the current ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TransportPatch {
    /// New API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<ModelApi>,
    /// New base URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<Url>,
}

impl TransportPatch {
    /// Whether the patch changes `api` or `base_url` of `ctx`.
    pub fn changes(&self, ctx: &TransportContext) -> bool {
        self.api
            .as_ref()
            .is_some_and(|api| Some(api) != ctx.api.as_ref())
            || self
                .base_url
                .as_ref()
                .is_some_and(|url| Some(url) != ctx.base_url.as_ref())
    }
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

// ---------------------------------------------------------------- auth

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
}

/// How a credential authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AuthKind {
    /// An API key.
    ApiKey,
    /// An OAuth access token.
    OAuth,
    /// A bearer token.
    Token,
    /// No secret: a local endpoint or a marker.
    None,
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
    pub mode: AuthKind,
}

impl SyntheticAuth {
    /// A synthetic credential.
    pub fn new(api_key: impl Into<ApiKey>, source: impl Into<String>, mode: AuthKind) -> Self {
        SyntheticAuth {
            api_key: api_key.into(),
            source: source.into(),
            mode,
        }
    }
}

/// A stored credential, as `formatApiKey` sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AuthCredential {
    /// The provider id.
    pub provider: String,
    /// How it authenticates.
    pub kind: AuthKind,
    /// The secret.
    pub key: ApiKey,
    /// The auth profile it came from, if any.
    pub profile_id: Option<String>,
}

impl AuthCredential {
    /// An API-key credential.
    pub fn api_key(provider: impl Into<String>, key: impl Into<ApiKey>) -> Self {
        AuthCredential {
            provider: provider.into(),
            kind: AuthKind::ApiKey,
            key: key.into(),
            profile_id: None,
        }
    }
}

/// An OAuth credential, as `refreshOAuth` sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OAuthCredential {
    /// The provider id.
    pub provider: String,
    /// The access token.
    pub access: ApiKey,
    /// The refresh token.
    pub refresh: Option<ApiKey>,
    /// Expiry, in milliseconds since the Unix epoch.
    pub expires_at: Option<u64>,
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
    pub auth_mode: AuthKind,
    /// The auth profile, if any.
    pub profile_id: Option<String>,
    /// The environment.
    pub env: Arc<Env>,
}

/// The credential to use at runtime, from `prepareRuntimeAuth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RuntimeAuth {
    /// The key or token to send.
    pub api_key: ApiKey,
    /// A different base URL to send it to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<Url>,
    /// Extra request headers.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Expiry in milliseconds since the Unix epoch; the runtime refreshes after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
}

impl RuntimeAuth {
    /// A runtime credential.
    pub fn new(api_key: impl Into<ApiKey>) -> Self {
        RuntimeAuth {
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

// ---------------------------------------------------------------- model resolution

/// What `resolveDynamicModel` and `prepareDynamicModel` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DynamicModelContext {
    /// The provider id.
    pub provider: String,
    /// The model id asked for.
    pub model_id: String,
    /// The user config.
    pub config: Arc<Config>,
    /// The provider's merged catalog entry, if any.
    pub provider_config: Option<Arc<ProviderConfig>>,
}

impl DynamicModelContext {
    /// A context for `model_id` with an empty config.
    ///
    /// ```
    /// let ctx = clawkit_core::DynamicModelContext::new("acme-ai", "acme-beta-v3");
    /// assert_eq!(ctx.model_id, "acme-beta-v3");
    /// ```
    pub fn new(provider: impl Into<String>, model_id: impl Into<String>) -> Self {
        DynamicModelContext {
            provider: provider.into(),
            model_id: model_id.into(),
            config: Arc::new(Config::new()),
            provider_config: None,
        }
    }
}

/// The outcome of `prepareDynamicModel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Preparation {
    /// The plugin has nothing to prepare.
    NotHandled,
    /// Metadata was fetched: run `resolveDynamicModel` again.
    Prepared,
}

/// What `normalizeResolvedModel` and `contributeResolvedModelCompat` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResolvedModelContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The model so far.
    pub model: RuntimeModel,
}

// ---------------------------------------------------------------- request assembly

/// A model being run: the common context of tool-schema, reasoning and
/// replay hooks (OpenClaw's `ReplayPolicyCtx`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ModelContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The model's API.
    pub model_api: Option<ModelApi>,
    /// The resolved model, when known.
    pub model: Option<RuntimeModel>,
}

impl ModelContext {
    /// The context of a resolved model.
    pub fn of(model: &RuntimeModel) -> Self {
        ModelContext {
            provider: model.provider.clone(),
            model_id: model.id.clone(),
            model_api: Some(model.api.clone()),
            model: Some(model.clone()),
        }
    }
}

/// What `normalizeToolSchemas` and `inspectToolSchemas` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ToolSchemaContext {
    /// The model.
    pub model: ModelContext,
    /// The tools.
    pub tools: Vec<Tool>,
}

/// A problem `inspectToolSchemas` found in one tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ToolSchemaDiagnostic {
    /// The tool.
    pub tool_name: String,
    /// Its index.
    pub tool_index: Option<usize>,
    /// What is wrong.
    pub violations: Vec<String>,
}

/// How reasoning reaches the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ReasoningOutputMode {
    /// In native reasoning fields.
    Native,
    /// Inside `<think>` tags in the text.
    Tagged,
}

/// What `prepareExtraParams` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ExtraParamsContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The merged params so far.
    pub extra_params: Map<String, Value>,
    /// The `/think` level.
    pub thinking_level: Option<ThinkingLevel>,
}

/// What `createStreamFn` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StreamFnContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The resolved model.
    pub model: RuntimeModel,
}

/// What `wrapStreamFn` is given: the stream function to wrap.
#[derive(Clone)]
#[non_exhaustive]
pub struct WrapStreamFnContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The resolved model.
    pub model: RuntimeModel,
    /// The request params.
    pub extra_params: Map<String, Value>,
    /// The `/think` level.
    pub thinking_level: Option<ThinkingLevel>,
    /// The stream function to wrap (the transport or the previous layer).
    pub stream_fn: SharedStreamFn,
}

impl fmt::Debug for WrapStreamFnContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrapStreamFnContext")
            .field("provider", &self.provider)
            .field("model_id", &self.model_id)
            .finish_non_exhaustive()
    }
}

/// Transport of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum TransportKind {
    /// HTTP streaming.
    Stream,
    /// WebSocket.
    Websocket,
}

/// What `resolveTransportTurnState` and `resolveWebSocketSessionPolicy` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TurnStateContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The session, if any.
    pub session_id: Option<String>,
    /// This turn's id.
    pub turn_id: String,
    /// Attempt number, from 1.
    pub attempt: u32,
    /// The transport.
    pub transport: TransportKind,
}

/// Per-session WebSocket headers and cool-down.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebSocketSessionPolicy {
    /// Headers.
    pub headers: BTreeMap<String, String>,
    /// How long to stay on HTTP after a WebSocket failure.
    pub degrade_cooldown_ms: Option<u64>,
}

/// Native per-turn headers and metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TransportTurnState {
    /// Headers for this turn.
    pub headers: BTreeMap<String, String>,
    /// Metadata for this turn.
    pub metadata: BTreeMap<String, String>,
    /// WebSocket policy for this turn.
    pub websocket: Option<WebSocketSessionPolicy>,
}

// ---------------------------------------------------------------- errors, caching, thinking

/// A failed request, for `matchesContextOverflowError` and `classifyFailoverReason`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorContext {
    /// The provider, when known.
    pub provider: Option<String>,
    /// The model, when known.
    pub model_id: Option<String>,
    /// The error message.
    pub error_message: String,
    /// HTTP status.
    pub status: Option<u16>,
    /// Provider error code.
    pub code: Option<String>,
    /// Provider error type.
    pub error_type: Option<String>,
}

impl ErrorContext {
    /// An error message, optionally scoped to a provider.
    pub fn new(provider: Option<&str>, message: impl Into<String>) -> Self {
        ErrorContext {
            provider: provider.map(str::to_owned),
            error_message: message.into(),
            ..ErrorContext::default()
        }
    }
}

/// What `isCacheTtlEligible` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CacheTtlContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The model's API.
    pub model_api: Option<ModelApi>,
    /// The endpoint.
    pub base_url: Option<Url>,
}

/// What `resolveThinkingProfile` and `resolveDefaultThinkingLevel` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ThinkingContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// Whether the catalog says the model reasons.
    pub reasoning: Option<bool>,
}

/// One `/think` option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThinkingOption {
    /// The level.
    pub id: ThinkingLevel,
    /// Its label.
    pub label: Option<String>,
    /// Sort rank.
    pub rank: Option<u32>,
}

/// The `/think` options of a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThinkingProfile {
    /// The levels offered.
    pub levels: Vec<ThinkingOption>,
    /// The default level.
    pub default_level: Option<ThinkingLevel>,
    /// Whether this overrides the catalog's `reasoning` flag.
    pub overrides_catalog_reasoning: bool,
}

// ---------------------------------------------------------------- embeddings

/// What `createEmbeddingProvider` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EmbeddingContext {
    /// The provider id.
    pub provider: String,
    /// The embedding model.
    pub model: String,
    /// The provider key, if resolved.
    pub api_key: Option<ApiKey>,
    /// Requested output size.
    pub output_dimensionality: Option<u32>,
}

/// An embedding adapter a plugin provides.
#[async_trait]
pub trait EmbeddingProvider: Send + Sync {
    /// Adapter id.
    fn id(&self) -> &str;
    /// The model.
    fn model(&self) -> &str;
    /// Input limit, if known.
    fn max_input_tokens(&self) -> Option<u64> {
        None
    }
    /// Embeds one query.
    async fn embed_query(&self, text: &str) -> Result<Vec<f32>, PluginError>;
    /// Embeds many texts.
    async fn embed_batch(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, PluginError>;
}

// ---------------------------------------------------------------- replay

/// How much of the history is sanitized before replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SanitizeMode {
    /// Only images.
    ImagesOnly,
    /// Every content sanitizer.
    Full,
}

/// How tool-call ids are rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ToolCallIdMode {
    /// `[A-Za-z0-9]`, at most 40 characters, unique.
    Strict,
    /// Exactly 9 alphanumeric characters.
    Strict9,
    /// Anthropic's `toolu_` shape.
    StrictAnthropic,
}

/// Thought-signature sanitation options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThoughtSignaturePolicy {
    /// Keep only base64 signatures.
    pub allow_base64_only: bool,
    /// Also look at camelCase fields.
    pub include_camel_case: bool,
}

/// A transcript replay policy. Every field is optional: a plugin's policy
/// is a partial overlaid on [`ReplayPolicy::defaults`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[allow(missing_docs)] // OpenClaw's field names; see docs/families.md.
pub struct ReplayPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanitize_mode: Option<SanitizeMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanitize_tool_call_ids: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_call_id_mode: Option<ToolCallIdMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_tool_call_id_style: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preserve_native_anthropic_tool_use_ids: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repair_tool_use_result_pairing: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preserve_signatures: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanitize_thought_signatures: Option<ThoughtSignaturePolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_thinking_blocks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_reasoning_from_history: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply_assistant_first_ordering_fix: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validate_gemini_turns: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validate_anthropic_turns: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_synthetic_tool_results: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub append_only_runtime_context: Option<bool>,
}

impl ReplayPolicy {
    /// OpenClaw's `DEFAULT_TRANSCRIPT_POLICY`.
    pub fn defaults() -> Self {
        ReplayPolicy {
            sanitize_mode: Some(SanitizeMode::ImagesOnly),
            sanitize_tool_call_ids: Some(false),
            tool_call_id_mode: None,
            duplicate_tool_call_id_style: None,
            preserve_native_anthropic_tool_use_ids: Some(false),
            repair_tool_use_result_pairing: Some(true),
            preserve_signatures: Some(false),
            sanitize_thought_signatures: None,
            drop_thinking_blocks: Some(false),
            drop_reasoning_from_history: Some(false),
            apply_assistant_first_ordering_fix: Some(false),
            validate_gemini_turns: Some(false),
            validate_anthropic_turns: Some(false),
            allow_synthetic_tool_results: Some(false),
            append_only_runtime_context: Some(false),
        }
    }

    /// Overlays `patch`: each field it sets wins.
    pub fn merged(mut self, patch: &ReplayPolicy) -> Self {
        macro_rules! overlay {
            ($($field:ident),+) => { $( if patch.$field.is_some() { self.$field = patch.$field.clone(); } )+ };
        }
        overlay!(
            sanitize_mode,
            sanitize_tool_call_ids,
            tool_call_id_mode,
            duplicate_tool_call_id_style,
            preserve_native_anthropic_tool_use_ids,
            repair_tool_use_result_pairing,
            preserve_signatures,
            sanitize_thought_signatures,
            drop_thinking_blocks,
            drop_reasoning_from_history,
            apply_assistant_first_ordering_fix,
            validate_gemini_turns,
            validate_anthropic_turns,
            allow_synthetic_tool_results,
            append_only_runtime_context
        );
        self
    }
}

/// What `sanitizeReplayHistory` and `validateReplayTurns` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReplayHistoryContext {
    /// The model.
    pub model: ModelContext,
    /// The session.
    pub session_id: Option<String>,
    /// The history.
    pub messages: Vec<Message>,
    /// Tools that may appear in the history.
    pub allowed_tool_names: Option<Vec<String>>,
}

// ---------------------------------------------------------------- selection and prompts

/// What `onModelSelected` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ModelSelectedContext {
    /// The selected model.
    pub model: RuntimeModel,
    /// The user config.
    pub config: Arc<Config>,
}

/// What `transformSystemPrompt` and `resolveSystemPromptContribution` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SystemPromptContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// OpenClaw's prompt mode (`full`, `minimal`, …), if any.
    pub prompt_mode: Option<String>,
    /// The system prompt so far.
    pub system_prompt: String,
}

/// Cache-aware system-prompt guidance from a provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SystemPromptContribution {
    /// Text for the stable (cached) prefix.
    pub stable_prefix: Option<String>,
    /// Text for the dynamic suffix.
    pub dynamic_suffix: Option<String>,
    /// Replacement text per named section.
    pub section_overrides: BTreeMap<String, String>,
}
