//! [`ProviderPlugin`]: the contract a provider implements.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::auth::AuthMethod;
use crate::context::{Message, Tool};
use crate::error::PluginError;
use crate::hooks::*;
use crate::model::{FailoverReason, ModelCompat, ProviderConfig, RuntimeModel, ThinkingLevel};
use crate::secret::ApiKey;
use crate::stream::SharedStreamFn;
use crate::text_transform::TextTransforms;

/// A model provider, as OpenClaw's `api.registerProvider({...})` declares one.
///
/// Only [`id`](ProviderPlugin::id) is required. Every hook has a default
/// meaning "not handled": `None`, an empty list, or
/// [`Preparation::NotHandled`]. Implement the few you need; most providers
/// need `catalog` and `resolve_dynamic_model`. The runtime calls the hooks in
/// the order of OpenClaw's table (see `docs/hooks.md`), numbered in the doc
/// comments below. Synchronous hooks are plain methods and must be cheap;
/// the async ones may do I/O.
///
/// The trait is object safe: the runtime stores `Arc<dyn ProviderPlugin>`.
#[async_trait]
pub trait ProviderPlugin: Send + Sync {
    // ----------------------------------------------------------- identity

    /// The provider id (`acme-ai`).
    fn id(&self) -> &str;

    /// Display label; also the sort key inside a catalog order group.
    fn label(&self) -> &str {
        self.id()
    }

    /// Docs path (`/providers/acme-ai`).
    fn docs_path(&self) -> Option<&str> {
        None
    }

    /// User-facing alternate ids.
    fn aliases(&self) -> Vec<String> {
        Vec::new()
    }

    /// Internal ids for hook and config routing only.
    fn hook_aliases(&self) -> Vec<String> {
        Vec::new()
    }

    /// Env vars shown in setup hints, in preferred order.
    fn env_vars(&self) -> Vec<String> {
        Vec::new()
    }

    /// Auth methods (onboarding and CLI flags).
    fn auth_methods(&self) -> Vec<AuthMethod> {
        Vec::new()
    }

    // ----------------------------------------------------------- 1. catalog

    /// When this provider's catalog merges. Without one it is `late`.
    fn catalog_order(&self) -> CatalogOrder {
        CatalogOrder::Late
    }

    /// #1 `catalog.run`: the live catalog (may use the key and the network).
    /// Return `None` when no usable credential exists.
    async fn catalog(&self, _ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> {
        Ok(None)
    }

    /// When this provider's static catalog merges.
    fn static_catalog_order(&self) -> CatalogOrder {
        self.catalog_order()
    }

    /// `staticCatalog.run`: offline rows, safe without credentials or network.
    async fn static_catalog(
        &self,
        _ctx: &CatalogContext,
    ) -> Result<Option<CatalogResult>, PluginError> {
        Ok(None)
    }

    // ----------------------------------------------------------- 2–9. config, transport, auth

    /// #2 `applyConfigDefaults`: provider-owned global defaults; the result replaces the config.
    fn apply_config_defaults(&self, _ctx: &ConfigDefaultsContext) -> Option<crate::config::Config> {
        None
    }

    /// #3 `normalizeModelId`: legacy or preview id cleanup before lookup.
    fn normalize_model_id(&self, _ctx: &ModelRefContext) -> Option<String> {
        None
    }

    /// #4 `normalizeTransport`: `api` / `baseUrl` cleanup.
    fn normalize_transport(&self, _ctx: &TransportContext) -> Option<TransportPatch> {
        None
    }

    /// #5 `normalizeConfig`: rewrite `models.providers.<id>`.
    fn normalize_config(&self, _ctx: &ProviderConfigContext) -> Option<ProviderConfig> {
        None
    }

    /// #6 `applyNativeStreamingUsageCompat`.
    fn apply_native_streaming_usage_compat(
        &self,
        _ctx: &ProviderConfigContext,
    ) -> Option<ProviderConfig> {
        None
    }

    /// #7 `resolveConfigApiKey`: provider-owned env-marker resolution.
    fn resolve_config_api_key(&self, _ctx: &AuthLookupContext) -> Option<ApiKey> {
        None
    }

    /// #8 `resolveSyntheticAuth`: local, self-hosted or config-backed auth.
    fn resolve_synthetic_auth(&self, _ctx: &SyntheticAuthContext) -> Option<SyntheticAuth> {
        None
    }

    /// #9 `shouldDeferSyntheticProfileAuth`.
    fn should_defer_synthetic_profile_auth(&self, _ctx: &SyntheticAuthContext) -> Option<bool> {
        None
    }

    // ----------------------------------------------------------- 10–13. model resolution

    /// #10 `resolveDynamicModel`: accept a model id the catalog does not list.
    /// Must be cheap and free of side effects.
    fn resolve_dynamic_model(&self, _ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        None
    }

    /// #11 `prepareDynamicModel`: async warm-up; `resolve_dynamic_model` runs
    /// again when it returns [`Preparation::Prepared`].
    async fn prepare_dynamic_model(
        &self,
        _ctx: &DynamicModelContext,
    ) -> Result<Preparation, PluginError> {
        Ok(Preparation::NotHandled)
    }

    /// #12 `normalizeResolvedModel`: the result replaces the model.
    fn normalize_resolved_model(&self, _ctx: &ResolvedModelContext) -> Option<RuntimeModel> {
        None
    }

    /// #13 `contributeResolvedModelCompat`: compat flags merged into the model
    /// (called on every plugin, owner first).
    fn contribute_resolved_model_compat(&self, _ctx: &ResolvedModelContext) -> Option<ModelCompat> {
        None
    }

    // ----------------------------------------------------------- 14–21. request assembly

    /// #14 `normalizeToolSchemas`.
    fn normalize_tool_schemas(&self, _ctx: &ToolSchemaContext) -> Option<Vec<Tool>> {
        None
    }

    /// #15 `inspectToolSchemas`: diagnostics only.
    fn inspect_tool_schemas(&self, _ctx: &ToolSchemaContext) -> Option<Vec<ToolSchemaDiagnostic>> {
        None
    }

    /// #16 `resolveReasoningOutputMode`.
    fn resolve_reasoning_output_mode(&self, _ctx: &ModelContext) -> Option<ReasoningOutputMode> {
        None
    }

    /// #17 `prepareExtraParams`: the full next params.
    fn prepare_extra_params(&self, _ctx: &ExtraParamsContext) -> Option<Map<String, Value>> {
        None
    }

    /// #18 `createStreamFn`: replaces the transport.
    fn create_stream_fn(&self, _ctx: &StreamFnContext) -> Option<SharedStreamFn> {
        None
    }

    /// #19 `wrapStreamFn`: wraps the stream function in `ctx.stream_fn`.
    fn wrap_stream_fn(&self, _ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
        None
    }

    /// #20 `resolveTransportTurnState`: per-turn headers and metadata.
    fn resolve_transport_turn_state(&self, _ctx: &TurnStateContext) -> Option<TransportTurnState> {
        None
    }

    /// #21 `resolveWebSocketSessionPolicy`.
    fn resolve_web_socket_session_policy(
        &self,
        _ctx: &TurnStateContext,
    ) -> Option<WebSocketSessionPolicy> {
        None
    }

    // ----------------------------------------------------------- 22–28. credentials and errors

    /// #22 `formatApiKey`: the runtime token shape.
    fn format_api_key(&self, _credential: &AuthCredential) -> Option<ApiKey> {
        None
    }

    /// #23 `refreshOAuth`.
    async fn refresh_oauth(
        &self,
        _credential: &OAuthCredential,
    ) -> Result<Option<OAuthCredential>, PluginError> {
        Ok(None)
    }

    /// #24 `buildAuthDoctorHint`: appended to the re-auth message.
    async fn build_auth_doctor_hint(&self, _ctx: &AuthDoctorContext) -> Option<String> {
        None
    }

    /// #25 `matchesContextOverflowError`.
    fn matches_context_overflow_error(&self, _ctx: &ErrorContext) -> Option<bool> {
        None
    }

    /// #26 `classifyFailoverReason`.
    fn classify_failover_reason(&self, _ctx: &ErrorContext) -> Option<FailoverReason> {
        None
    }

    /// #27 `isCacheTtlEligible`.
    fn is_cache_ttl_eligible(&self, _ctx: &CacheTtlContext) -> Option<bool> {
        None
    }

    /// #28 `buildMissingAuthMessage`: replaces the generic message.
    fn build_missing_auth_message(&self, _ctx: &AuthLookupContext) -> Option<String> {
        None
    }

    // ----------------------------------------------------------- 29–34. catalog and thinking

    /// #29 `augmentModelCatalog`: extra rows (all plugins, concatenated).
    async fn augment_model_catalog(
        &self,
        _ctx: &AugmentCatalogContext<'_>,
    ) -> Result<Vec<CatalogEntry>, PluginError> {
        Ok(Vec::new())
    }

    /// #30 `resolveThinkingProfile`.
    fn resolve_thinking_profile(&self, _ctx: &ThinkingContext) -> Option<ThinkingProfile> {
        None
    }

    /// #31 `isBinaryThinking`.
    fn is_binary_thinking(&self, _ctx: &ModelRefContext) -> Option<bool> {
        None
    }

    /// #32 `supportsXHighThinking`.
    fn supports_xhigh_thinking(&self, _ctx: &ModelRefContext) -> Option<bool> {
        None
    }

    /// #33 `resolveDefaultThinkingLevel`.
    fn resolve_default_thinking_level(&self, _ctx: &ThinkingContext) -> Option<ThinkingLevel> {
        None
    }

    /// #34 `isModernModelRef`.
    fn is_modern_model_ref(&self, _ctx: &ModelRefContext) -> Option<bool> {
        None
    }

    // ----------------------------------------------------------- 35–38. runtime auth, usage, embeddings

    /// #35 `prepareRuntimeAuth`: exchange the key for the runtime credential.
    async fn prepare_runtime_auth(
        &self,
        _ctx: &RuntimeAuthContext,
    ) -> Result<Option<RuntimeAuth>, PluginError> {
        Ok(None)
    }

    /// #36 `resolveUsageAuth`.
    async fn resolve_usage_auth(
        &self,
        _ctx: &UsageAuthContext,
    ) -> Result<Option<UsageAuth>, PluginError> {
        Ok(None)
    }

    /// #37 `fetchUsageSnapshot`.
    async fn fetch_usage_snapshot(
        &self,
        _ctx: &UsageSnapshotContext,
    ) -> Result<Option<Value>, PluginError> {
        Ok(None)
    }

    /// #38 `createEmbeddingProvider`.
    async fn create_embedding_provider(
        &self,
        _ctx: &EmbeddingContext,
    ) -> Result<Option<Arc<dyn EmbeddingProvider>>, PluginError> {
        Ok(None)
    }

    // ----------------------------------------------------------- 39–42. replay and selection

    /// #39 `buildReplayPolicy`: a partial policy merged over the defaults.
    /// Returning `Some` (even an empty policy) skips the per-API fallback.
    fn build_replay_policy(&self, _ctx: &ModelContext) -> Option<ReplayPolicy> {
        None
    }

    /// #40 `sanitizeReplayHistory`: the result replaces the messages.
    async fn sanitize_replay_history(
        &self,
        _ctx: &ReplayHistoryContext,
    ) -> Result<Option<Vec<Message>>, PluginError> {
        Ok(None)
    }

    /// #41 `validateReplayTurns`: the result replaces the built-in validators.
    async fn validate_replay_turns(
        &self,
        _ctx: &ReplayHistoryContext,
    ) -> Result<Option<Vec<Message>>, PluginError> {
        Ok(None)
    }

    /// #42 `onModelSelected`.
    async fn on_model_selected(&self, _ctx: &ModelSelectedContext) -> Result<(), PluginError> {
        Ok(())
    }

    // ----------------------------------------------------------- prompts and text

    /// `resolveSystemPromptContribution`: cache-aware prompt guidance.
    fn resolve_system_prompt_contribution(
        &self,
        _ctx: &SystemPromptContext,
    ) -> Option<SystemPromptContribution> {
        None
    }

    /// `transformSystemPrompt`: the input text transforms then run over the result.
    fn transform_system_prompt(&self, _ctx: &SystemPromptContext) -> Option<String> {
        None
    }

    /// `textTransforms`: this provider's rewrites, applied after the global ones.
    fn text_transforms(&self) -> Option<TextTransforms> {
        None
    }
}
