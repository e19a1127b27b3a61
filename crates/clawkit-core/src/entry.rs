//! Plugin entries: `register(api)` (OpenClaw's `definePluginEntry`) and the
//! single-provider builder (`defineSingleProviderPluginEntry`).

use std::sync::Arc;

use async_trait::async_trait;
use futures::future::BoxFuture;
use serde_json::{Map, Value};

use clawkit_manifest::PluginManifest;

use crate::auth::{ApiKeyAuthOptions, AuthMethod, create_provider_api_key_auth_method};
use crate::context::{Message, Tool};
use crate::error::PluginError;
use crate::hooks::*;
use crate::model::{FailoverReason, ModelCompat, ProviderConfig, RuntimeModel, ThinkingLevel};
use crate::plugin::ProviderPlugin;
use crate::secret::ApiKey;
use crate::stream::SharedStreamFn;
use crate::text_transform::TextTransforms;

/// What `register` receives: the registrar of one plugin.
pub struct PluginApi {
    plugin_id: String,
    pub(crate) providers: Vec<Arc<dyn ProviderPlugin>>,
    pub(crate) text_transforms: Vec<TextTransforms>,
}

impl PluginApi {
    pub(crate) fn new(plugin_id: &str) -> Self {
        PluginApi {
            plugin_id: plugin_id.to_owned(),
            providers: Vec::new(),
            text_transforms: Vec::new(),
        }
    }

    /// The id of the plugin registering.
    pub fn plugin_id(&self) -> &str {
        &self.plugin_id
    }

    /// `api.registerProvider(...)`.
    pub fn register_provider(&mut self, provider: impl ProviderPlugin + 'static) {
        self.providers.push(Arc::new(provider));
    }

    /// Registers an already shared provider.
    pub fn register_provider_arc(&mut self, provider: Arc<dyn ProviderPlugin>) {
        self.providers.push(provider);
    }

    /// `api.registerTextTransforms(...)`: rewrites applied for every provider.
    pub fn register_text_transforms(&mut self, transforms: TextTransforms) {
        self.text_transforms.push(transforms);
    }
}

/// A plugin: its identity, its manifest, and what it registers.
pub trait PluginEntry: Send + Sync {
    /// The plugin id.
    fn id(&self) -> &str;

    /// The plugin's `openclaw.plugin.json`, when it has one; the runtime
    /// reads env vars, aliases and `modelSupport` from it.
    fn manifest(&self) -> Option<&PluginManifest> {
        None
    }

    /// Registers providers and text transforms.
    fn register(&self, api: &mut PluginApi);
}

type RegisterFn = dyn Fn(&mut PluginApi) + Send + Sync;

/// A plugin entry made of an id, an optional manifest and a `register` closure.
pub struct FnPluginEntry {
    id: String,
    manifest: Option<PluginManifest>,
    register: Box<RegisterFn>,
}

/// `definePluginEntry({ id, register(api) { … } })`.
///
/// ```
/// use clawkit_core::{ProviderPlugin, define_plugin_entry};
///
/// struct Acme;
/// impl ProviderPlugin for Acme {
///     fn id(&self) -> &str { "acme-ai" }
/// }
/// let entry = define_plugin_entry("acme-ai", None, |api| api.register_provider(Acme));
/// # let _ = entry;
/// ```
pub fn define_plugin_entry(
    id: impl Into<String>,
    manifest: Option<PluginManifest>,
    register: impl Fn(&mut PluginApi) + Send + Sync + 'static,
) -> FnPluginEntry {
    FnPluginEntry {
        id: id.into(),
        manifest,
        register: Box::new(register),
    }
}

impl PluginEntry for FnPluginEntry {
    fn id(&self) -> &str {
        &self.id
    }

    fn manifest(&self) -> Option<&PluginManifest> {
        self.manifest.as_ref()
    }

    fn register(&self, api: &mut PluginApi) {
        (self.register)(api);
    }
}

/// Builds the live catalog entry from the key the runtime resolved.
pub type ProviderBuilder = Arc<
    dyn Fn(&ProviderKey) -> BoxFuture<'static, Result<ProviderConfig, PluginError>> + Send + Sync,
>;

/// Builds the offline catalog entry.
pub type StaticProviderBuilder = Arc<dyn Fn() -> Result<ProviderConfig, PluginError> + Send + Sync>;

/// Hooks of a single provider beyond its identity and catalog; the default
/// implementation handles nothing.
pub struct NoHooks;

#[async_trait]
impl ProviderPlugin for NoHooks {
    fn id(&self) -> &str {
        ""
    }
}

/// `defineSingleProviderPluginEntry`: one text provider with API-key auth and
/// a catalog-backed runtime.
///
/// - the catalog order is `simple`;
/// - [`build_provider`](SingleProviderBuilder::build_provider) is the live
///   path: it runs only when a key resolves (the entry gets the key and the
///   explicit base URL when allowed), and may do discovery;
/// - [`build_static_provider`](SingleProviderBuilder::build_static_provider)
///   is the offline path: no credentials, no network;
/// - each API-key auth option becomes an auth method, and its env var joins
///   the provider's env vars;
/// - every other hook comes from [`hooks`](SingleProviderBuilder::hooks).
///
/// ```
/// use clawkit_core::{ApiKeyAuthOptions, ModelApi, ModelDefinition, PluginError, ProviderConfig,
///                    SingleProviderPluginEntry};
///
/// fn acme() -> Result<ProviderConfig, PluginError> {
///     Ok(ProviderConfig::new("https://api.acme-ai.com/v1".parse()?, ModelApi::OpenAiCompletions)
///         .with_model(ModelDefinition::new("acme-large").with_name("Acme Large")))
/// }
///
/// let entry = SingleProviderPluginEntry::builder("acme-ai")
///     .label("Acme AI")
///     .docs_path("/providers/acme-ai")
///     .api_key_auth(ApiKeyAuthOptions::new("acme-ai", "api-key", "Acme AI API key").env_var("ACME_AI_API_KEY"))
///     .build_provider(acme)
///     .build_static_provider(acme)
///     .build();
/// # let _ = entry;
/// ```
pub struct SingleProviderPluginEntry {
    id: String,
    manifest: Option<PluginManifest>,
    provider: Arc<SingleProvider>,
    text_transforms: Option<TextTransforms>,
}

impl SingleProviderPluginEntry {
    /// Starts an entry for provider (and plugin) `id`.
    pub fn builder(id: impl Into<String>) -> SingleProviderBuilder {
        let id = id.into();
        SingleProviderBuilder {
            label: id.clone(),
            id,
            manifest: None,
            docs_path: None,
            aliases: Vec::new(),
            env_vars: Vec::new(),
            auth: Vec::new(),
            build_provider: None,
            build_static_provider: None,
            allow_explicit_base_url: false,
            hooks: Arc::new(NoHooks),
            text_transforms: None,
        }
    }

    /// The provider this entry registers, for calling its hooks in tests.
    pub fn provider(&self) -> Arc<dyn ProviderPlugin> {
        self.provider.clone()
    }
}

impl PluginEntry for SingleProviderPluginEntry {
    fn id(&self) -> &str {
        &self.id
    }

    fn manifest(&self) -> Option<&PluginManifest> {
        self.manifest.as_ref()
    }

    fn register(&self, api: &mut PluginApi) {
        api.register_provider_arc(self.provider.clone());
        if let Some(transforms) = &self.text_transforms {
            api.register_text_transforms(transforms.clone());
        }
    }
}

/// Builder of a [`SingleProviderPluginEntry`].
#[must_use]
pub struct SingleProviderBuilder {
    id: String,
    label: String,
    manifest: Option<PluginManifest>,
    docs_path: Option<String>,
    aliases: Vec<String>,
    env_vars: Vec<String>,
    auth: Vec<ApiKeyAuthOptions>,
    build_provider: Option<ProviderBuilder>,
    build_static_provider: Option<StaticProviderBuilder>,
    allow_explicit_base_url: bool,
    hooks: Arc<dyn ProviderPlugin>,
    text_transforms: Option<TextTransforms>,
}

impl SingleProviderBuilder {
    /// The plugin manifest.
    pub fn manifest(mut self, manifest: PluginManifest) -> Self {
        self.manifest = Some(manifest);
        self
    }

    /// Display label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Docs path.
    pub fn docs_path(mut self, path: impl Into<String>) -> Self {
        self.docs_path = Some(path.into());
        self
    }

    /// Adds a user-facing alias.
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.aliases.push(alias.into());
        self
    }

    /// Adds a setup env var.
    pub fn env_var(mut self, name: impl Into<String>) -> Self {
        self.env_vars.push(name.into());
        self
    }

    /// Adds an API-key auth method.
    pub fn api_key_auth(mut self, options: ApiKeyAuthOptions) -> Self {
        self.auth.push(options);
        self
    }

    /// The live catalog entry, built when a key resolves.
    pub fn build_provider(
        mut self,
        build: impl Fn() -> Result<ProviderConfig, PluginError> + Send + Sync + 'static,
    ) -> Self {
        let build = Arc::new(build);
        self.build_provider = Some(Arc::new(move |_key: &ProviderKey| {
            let config = build();
            Box::pin(async move { config })
        }));
        self
    }

    /// The live catalog entry, discovered with the resolved key (may do I/O).
    pub fn discover_provider(
        mut self,
        discover: impl Fn(&ProviderKey) -> BoxFuture<'static, Result<ProviderConfig, PluginError>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.build_provider = Some(Arc::new(discover));
        self
    }

    /// The offline catalog entry: no credentials, no network.
    pub fn build_static_provider(
        mut self,
        build: impl Fn() -> Result<ProviderConfig, PluginError> + Send + Sync + 'static,
    ) -> Self {
        self.build_static_provider = Some(Arc::new(build));
        self
    }

    /// Keep an explicit `models.providers.<id>.baseUrl` from the user config.
    pub fn allow_explicit_base_url(mut self, allow: bool) -> Self {
        self.allow_explicit_base_url = allow;
        self
    }

    /// Every other hook (`resolve_dynamic_model`, `wrap_stream_fn`, …).
    pub fn hooks(mut self, hooks: impl ProviderPlugin + 'static) -> Self {
        self.hooks = Arc::new(hooks);
        self
    }

    /// Text transforms, registered with the plugin.
    pub fn text_transforms(mut self, transforms: TextTransforms) -> Self {
        self.text_transforms = Some(transforms);
        self
    }

    /// The entry.
    pub fn build(self) -> SingleProviderPluginEntry {
        let mut env_vars: Vec<String> = Vec::new();
        for name in self
            .env_vars
            .iter()
            .chain(self.auth.iter().filter_map(|a| a.env_var.as_ref()))
        {
            if !env_vars.contains(name) {
                env_vars.push(name.clone());
            }
        }
        let auth = self
            .auth
            .into_iter()
            .map(|mut options| {
                if options.expected_providers.is_empty() {
                    options.expected_providers.push(self.id.clone());
                }
                create_provider_api_key_auth_method(options)
            })
            .collect();
        SingleProviderPluginEntry {
            id: self.id.clone(),
            manifest: self.manifest,
            provider: Arc::new(SingleProvider {
                id: self.id,
                label: self.label,
                docs_path: self.docs_path,
                aliases: self.aliases,
                env_vars,
                auth,
                build_provider: self.build_provider,
                build_static_provider: self.build_static_provider,
                allow_explicit_base_url: self.allow_explicit_base_url,
                hooks: self.hooks,
            }),
            text_transforms: self.text_transforms,
        }
    }
}

/// The provider a [`SingleProviderPluginEntry`] registers.
struct SingleProvider {
    id: String,
    label: String,
    docs_path: Option<String>,
    aliases: Vec<String>,
    env_vars: Vec<String>,
    auth: Vec<AuthMethod>,
    build_provider: Option<ProviderBuilder>,
    build_static_provider: Option<StaticProviderBuilder>,
    allow_explicit_base_url: bool,
    hooks: Arc<dyn ProviderPlugin>,
}

#[async_trait]
impl ProviderPlugin for SingleProvider {
    fn id(&self) -> &str {
        &self.id
    }
    fn label(&self) -> &str {
        &self.label
    }
    fn docs_path(&self) -> Option<&str> {
        self.docs_path.as_deref()
    }
    fn aliases(&self) -> Vec<String> {
        self.aliases.clone()
    }
    fn hook_aliases(&self) -> Vec<String> {
        self.hooks.hook_aliases()
    }
    fn env_vars(&self) -> Vec<String> {
        self.env_vars.clone()
    }
    fn auth_methods(&self) -> Vec<AuthMethod> {
        let mut methods = self.auth.clone();
        methods.extend(self.hooks.auth_methods());
        methods
    }
    fn catalog_order(&self) -> CatalogOrder {
        CatalogOrder::Simple
    }

    /// `buildSingleProviderApiKeyCatalog`: no key, no catalog.
    async fn catalog(&self, ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> {
        let Some(build) = &self.build_provider else {
            return self.hooks.catalog(ctx).await;
        };
        let key = ctx.resolve_provider_api_key(Some(&self.id));
        let Some(api_key) = key.api_key.clone() else {
            return Ok(None);
        };
        let mut provider = build(&key).await?;
        if self.allow_explicit_base_url
            && let Some(explicit) = ctx.config.provider(&self.id)
        {
            provider.base_url = explicit.base_url.clone();
        }
        provider.api_key = Some(crate::model::ApiKeyInput::Literal(api_key));
        Ok(Some(CatalogResult::Provider(provider)))
    }

    async fn static_catalog(
        &self,
        ctx: &CatalogContext,
    ) -> Result<Option<CatalogResult>, PluginError> {
        match &self.build_static_provider {
            Some(build) => build().map(|config| Some(CatalogResult::Provider(config))),
            None => self.hooks.static_catalog(ctx).await,
        }
    }

    fn apply_config_defaults(&self, ctx: &ConfigDefaultsContext) -> Option<crate::config::Config> {
        self.hooks.apply_config_defaults(ctx)
    }
    fn normalize_model_id(&self, ctx: &ModelRefContext) -> Option<String> {
        self.hooks.normalize_model_id(ctx)
    }
    fn normalize_transport(&self, ctx: &TransportContext) -> Option<TransportPatch> {
        self.hooks.normalize_transport(ctx)
    }
    fn normalize_config(&self, ctx: &ProviderConfigContext) -> Option<ProviderConfig> {
        self.hooks.normalize_config(ctx)
    }
    fn apply_native_streaming_usage_compat(
        &self,
        ctx: &ProviderConfigContext,
    ) -> Option<ProviderConfig> {
        self.hooks.apply_native_streaming_usage_compat(ctx)
    }
    fn resolve_config_api_key(&self, ctx: &AuthLookupContext) -> Option<ApiKey> {
        self.hooks.resolve_config_api_key(ctx)
    }
    fn resolve_synthetic_auth(&self, ctx: &SyntheticAuthContext) -> Option<SyntheticAuth> {
        self.hooks.resolve_synthetic_auth(ctx)
    }
    fn should_defer_synthetic_profile_auth(&self, ctx: &SyntheticAuthContext) -> Option<bool> {
        self.hooks.should_defer_synthetic_profile_auth(ctx)
    }
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        self.hooks.resolve_dynamic_model(ctx)
    }
    async fn prepare_dynamic_model(
        &self,
        ctx: &DynamicModelContext,
    ) -> Result<Preparation, PluginError> {
        self.hooks.prepare_dynamic_model(ctx).await
    }
    fn normalize_resolved_model(&self, ctx: &ResolvedModelContext) -> Option<RuntimeModel> {
        self.hooks.normalize_resolved_model(ctx)
    }
    fn contribute_resolved_model_compat(&self, ctx: &ResolvedModelContext) -> Option<ModelCompat> {
        self.hooks.contribute_resolved_model_compat(ctx)
    }
    fn normalize_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<Tool>> {
        self.hooks.normalize_tool_schemas(ctx)
    }
    fn inspect_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<ToolSchemaDiagnostic>> {
        self.hooks.inspect_tool_schemas(ctx)
    }
    fn resolve_reasoning_output_mode(&self, ctx: &ModelContext) -> Option<ReasoningOutputMode> {
        self.hooks.resolve_reasoning_output_mode(ctx)
    }
    fn prepare_extra_params(&self, ctx: &ExtraParamsContext) -> Option<Map<String, Value>> {
        self.hooks.prepare_extra_params(ctx)
    }
    fn create_stream_fn(&self, ctx: &StreamFnContext) -> Option<SharedStreamFn> {
        self.hooks.create_stream_fn(ctx)
    }
    fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
        self.hooks.wrap_stream_fn(ctx)
    }
    fn resolve_transport_turn_state(&self, ctx: &TurnStateContext) -> Option<TransportTurnState> {
        self.hooks.resolve_transport_turn_state(ctx)
    }
    fn resolve_web_socket_session_policy(
        &self,
        ctx: &TurnStateContext,
    ) -> Option<WebSocketSessionPolicy> {
        self.hooks.resolve_web_socket_session_policy(ctx)
    }
    fn format_api_key(&self, credential: &AuthCredential) -> Option<ApiKey> {
        self.hooks.format_api_key(credential)
    }
    async fn refresh_oauth(
        &self,
        credential: &OAuthCredential,
    ) -> Result<Option<OAuthCredential>, PluginError> {
        self.hooks.refresh_oauth(credential).await
    }
    async fn build_auth_doctor_hint(&self, ctx: &AuthDoctorContext) -> Option<String> {
        self.hooks.build_auth_doctor_hint(ctx).await
    }
    fn matches_context_overflow_error(&self, ctx: &ErrorContext) -> Option<bool> {
        self.hooks.matches_context_overflow_error(ctx)
    }
    fn classify_failover_reason(&self, ctx: &ErrorContext) -> Option<FailoverReason> {
        self.hooks.classify_failover_reason(ctx)
    }
    fn is_cache_ttl_eligible(&self, ctx: &CacheTtlContext) -> Option<bool> {
        self.hooks.is_cache_ttl_eligible(ctx)
    }
    fn build_missing_auth_message(&self, ctx: &AuthLookupContext) -> Option<String> {
        self.hooks.build_missing_auth_message(ctx)
    }
    async fn augment_model_catalog(
        &self,
        ctx: &AugmentCatalogContext<'_>,
    ) -> Result<Vec<CatalogEntry>, PluginError> {
        self.hooks.augment_model_catalog(ctx).await
    }
    fn resolve_thinking_profile(&self, ctx: &ThinkingContext) -> Option<ThinkingProfile> {
        self.hooks.resolve_thinking_profile(ctx)
    }
    fn is_binary_thinking(&self, ctx: &ModelRefContext) -> Option<bool> {
        self.hooks.is_binary_thinking(ctx)
    }
    fn supports_xhigh_thinking(&self, ctx: &ModelRefContext) -> Option<bool> {
        self.hooks.supports_xhigh_thinking(ctx)
    }
    fn resolve_default_thinking_level(&self, ctx: &ThinkingContext) -> Option<ThinkingLevel> {
        self.hooks.resolve_default_thinking_level(ctx)
    }
    fn is_modern_model_ref(&self, ctx: &ModelRefContext) -> Option<bool> {
        self.hooks.is_modern_model_ref(ctx)
    }
    async fn prepare_runtime_auth(
        &self,
        ctx: &RuntimeAuthContext,
    ) -> Result<Option<RuntimeAuth>, PluginError> {
        self.hooks.prepare_runtime_auth(ctx).await
    }
    async fn resolve_usage_auth(
        &self,
        ctx: &UsageAuthContext,
    ) -> Result<Option<UsageAuth>, PluginError> {
        self.hooks.resolve_usage_auth(ctx).await
    }
    async fn fetch_usage_snapshot(
        &self,
        ctx: &UsageSnapshotContext,
    ) -> Result<Option<Value>, PluginError> {
        self.hooks.fetch_usage_snapshot(ctx).await
    }
    async fn create_embedding_provider(
        &self,
        ctx: &EmbeddingContext,
    ) -> Result<Option<Arc<dyn EmbeddingProvider>>, PluginError> {
        self.hooks.create_embedding_provider(ctx).await
    }
    fn build_replay_policy(&self, ctx: &ModelContext) -> Option<ReplayPolicy> {
        self.hooks.build_replay_policy(ctx)
    }
    async fn sanitize_replay_history(
        &self,
        ctx: &ReplayHistoryContext,
    ) -> Result<Option<Vec<Message>>, PluginError> {
        self.hooks.sanitize_replay_history(ctx).await
    }
    async fn validate_replay_turns(
        &self,
        ctx: &ReplayHistoryContext,
    ) -> Result<Option<Vec<Message>>, PluginError> {
        self.hooks.validate_replay_turns(ctx).await
    }
    async fn on_model_selected(&self, ctx: &ModelSelectedContext) -> Result<(), PluginError> {
        self.hooks.on_model_selected(ctx).await
    }
    fn resolve_system_prompt_contribution(
        &self,
        ctx: &SystemPromptContext,
    ) -> Option<SystemPromptContribution> {
        self.hooks.resolve_system_prompt_contribution(ctx)
    }
    fn transform_system_prompt(&self, ctx: &SystemPromptContext) -> Option<String> {
        self.hooks.transform_system_prompt(ctx)
    }
    fn text_transforms(&self) -> Option<TextTransforms> {
        self.hooks.text_transforms()
    }
}
