//! The stage table: every hook of [`ProviderPlugin`](crate::ProviderPlugin)
//! in pipeline order, written once in [`provider_hooks!`]. The trait, the
//! single-provider forwarding and [`PROVIDER_HOOKS`] are all generated from
//! that one list, so they cannot disagree (the hooks also form
//! [`ProviderHooks`](crate::ProviderHooks), the trait without identity).

/// A stage of the pipeline, in the order a turn meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum HookStage {
    /// Catalogs run and merge.
    Catalog,
    /// The user config is materialized.
    Config,
    /// `provider/model` resolves to a runtime model.
    Model,
    /// The `/think` options of the model.
    Thinking,
    /// The credential is found and prepared.
    Auth,
    /// The system prompt is contributed to and rewritten.
    SystemPrompt,
    /// The history is replayed.
    History,
    /// Tool schemas are normalized.
    Tools,
    /// Text transforms.
    Text,
    /// The stream function is built and called.
    Stream,
    /// Failures are classified.
    Errors,
    /// Called by the host outside a turn (doctor, usage, embeddings, sessions).
    Host,
}

impl HookStage {
    /// The stage's name: `catalog`, `config`, `model`, `thinking`, `auth`,
    /// `system-prompt`, `history`, `tools`, `text`, `stream`, `errors`, `host`.
    pub fn as_str(self) -> &'static str {
        match self {
            HookStage::Catalog => "catalog",
            HookStage::Config => "config",
            HookStage::Model => "model",
            HookStage::Thinking => "thinking",
            HookStage::Auth => "auth",
            HookStage::SystemPrompt => "system-prompt",
            HookStage::History => "history",
            HookStage::Tools => "tools",
            HookStage::Text => "text",
            HookStage::Stream => "stream",
            HookStage::Errors => "errors",
            HookStage::Host => "host",
        }
    }
}

/// One hook of the provider contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HookInfo {
    /// OpenClaw's camelCase name (`normalizeModelId`), as the hook trace records it.
    pub name: &'static str,
    /// The number in OpenClaw's hook table (1–42); `None` for the hooks it
    /// does not number (`staticCatalog`, `textTransforms`,
    /// `resolveSystemPromptContribution`, `transformSystemPrompt`).
    pub number: Option<u8>,
    /// The stage it belongs to.
    pub stage: HookStage,
}

/// Calls `$callback! { … }` with the one list of provider hooks, in stage
/// order (catalog → config → model → thinking → auth → system prompt →
/// history → tools → text → stream → errors → host-called).
///
/// Each entry is the hook's docs, a header `[Stage, "openClawName",
/// number, async]` (`async` only for async hooks; `number` is `None` for
/// the unnumbered ones), then the method without `&self` and its default
/// body, which means "not handled". Types are resolved where the callback
/// expands. To add a hook, add an entry at its place in its stage: the
/// trait method, the single-provider forwarding and [`PROVIDER_HOOKS`]
/// follow; then add its row to `docs/hooks.md` (a test compares the two).
macro_rules! provider_hooks {
    ($callback:ident) => {
        $callback! {
            // ------------------------------------------------------- catalog

            /// #1 `catalog.run`: the live catalog (may use the key and the network).
            /// Return `None` when no usable credential exists.
            [Catalog, "catalog", Some(1), async]
            fn catalog(ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> { Ok(None) }

            /// `staticCatalog.run`: offline rows, safe without credentials or network.
            [Catalog, "staticCatalog", None, async]
            fn static_catalog(ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> { Ok(None) }

            /// #29 `augmentModelCatalog`: extra rows (all plugins, concatenated).
            [Catalog, "augmentModelCatalog", Some(29), async]
            fn augment_model_catalog(ctx: &AugmentCatalogContext<'_>) -> Result<Vec<CatalogEntry>, PluginError> { Ok(Vec::new()) }

            // ------------------------------------------------------- config

            /// #2 `applyConfigDefaults`: provider-owned global defaults; the result replaces the config.
            [Config, "applyConfigDefaults", Some(2)]
            fn apply_config_defaults(ctx: &ConfigDefaultsContext) -> Option<Config> { None }

            /// #5 `normalizeConfig`: rewrite `models.providers.<id>`.
            [Config, "normalizeConfig", Some(5)]
            fn normalize_config(ctx: &ProviderConfigContext) -> Option<ProviderConfig> { None }

            /// #6 `applyNativeStreamingUsageCompat`: the result replaces the provider's config.
            [Config, "applyNativeStreamingUsageCompat", Some(6)]
            fn apply_native_streaming_usage_compat(ctx: &ProviderConfigContext) -> Option<ProviderConfig> { None }

            // ------------------------------------------------------- model

            /// #3 `normalizeModelId`: legacy or preview id cleanup before lookup.
            [Model, "normalizeModelId", Some(3)]
            fn normalize_model_id(ctx: &ModelRefContext) -> Option<String> { None }

            /// #10 `resolveDynamicModel`: accept a model id the catalog does not list.
            /// Must be cheap and free of side effects.
            [Model, "resolveDynamicModel", Some(10)]
            fn resolve_dynamic_model(ctx: &DynamicModelContext) -> Option<RuntimeModel> { None }

            /// #11 `prepareDynamicModel`: async warm-up; `resolve_dynamic_model` runs
            /// again when it returns [`Preparation::Prepared`].
            [Model, "prepareDynamicModel", Some(11), async]
            fn prepare_dynamic_model(ctx: &DynamicModelContext) -> Result<Preparation, PluginError> { Ok(Preparation::NotHandled) }

            /// #12 `normalizeResolvedModel`: the result replaces the model.
            [Model, "normalizeResolvedModel", Some(12)]
            fn normalize_resolved_model(ctx: &ResolvedModelContext) -> Option<RuntimeModel> { None }

            /// #13 `contributeResolvedModelCompat`: compat flags merged into the model
            /// (called on every plugin, owner first).
            [Model, "contributeResolvedModelCompat", Some(13)]
            fn contribute_resolved_model_compat(ctx: &ResolvedModelContext) -> Option<ModelCompat> { None }

            /// #4 `normalizeTransport`: `api` / `baseUrl` cleanup.
            [Model, "normalizeTransport", Some(4)]
            fn normalize_transport(ctx: &TransportContext) -> Option<TransportPatch> { None }

            /// #42 `onModelSelected`.
            [Model, "onModelSelected", Some(42), async]
            fn on_model_selected(ctx: &ModelSelectedContext) -> Result<(), PluginError> { Ok(()) }

            // ------------------------------------------------------- thinking

            /// #30 `resolveThinkingProfile`.
            [Thinking, "resolveThinkingProfile", Some(30)]
            fn resolve_thinking_profile(ctx: &ThinkingContext) -> Option<ThinkingProfile> { None }

            /// #31 `isBinaryThinking`.
            [Thinking, "isBinaryThinking", Some(31)]
            fn is_binary_thinking(ctx: &ModelRefContext) -> Option<bool> { None }

            /// #32 `supportsXHighThinking`.
            [Thinking, "supportsXHighThinking", Some(32)]
            fn supports_xhigh_thinking(ctx: &ModelRefContext) -> Option<bool> { None }

            /// #33 `resolveDefaultThinkingLevel`.
            [Thinking, "resolveDefaultThinkingLevel", Some(33)]
            fn resolve_default_thinking_level(ctx: &ThinkingContext) -> Option<ThinkingLevel> { None }

            /// #16 `resolveReasoningOutputMode`.
            [Thinking, "resolveReasoningOutputMode", Some(16)]
            fn resolve_reasoning_output_mode(ctx: &ModelContext) -> Option<ReasoningOutputMode> { None }

            // ------------------------------------------------------- auth

            /// #7 `resolveConfigApiKey`: provider-owned env-marker resolution.
            [Auth, "resolveConfigApiKey", Some(7)]
            fn resolve_config_api_key(ctx: &AuthLookupContext) -> Option<ApiKey> { None }

            /// #8 `resolveSyntheticAuth`: local, self-hosted or config-backed auth.
            [Auth, "resolveSyntheticAuth", Some(8)]
            fn resolve_synthetic_auth(ctx: &SyntheticAuthContext) -> Option<SyntheticAuth> { None }

            /// #9 `shouldDeferSyntheticProfileAuth`.
            [Auth, "shouldDeferSyntheticProfileAuth", Some(9)]
            fn should_defer_synthetic_profile_auth(ctx: &SyntheticAuthContext) -> Option<bool> { None }

            /// #22 `formatApiKey`: the runtime token shape.
            [Auth, "formatApiKey", Some(22)]
            fn format_api_key(credential: &AuthCredential) -> Option<ApiKey> { None }

            /// #23 `refreshOAuth`.
            [Auth, "refreshOAuth", Some(23), async]
            fn refresh_oauth(credential: &OAuthCredential) -> Result<Option<OAuthCredential>, PluginError> { Ok(None) }

            /// #35 `prepareRuntimeAuth`: exchange the key for the credential sent
            /// with requests.
            [Auth, "prepareRuntimeAuth", Some(35), async]
            fn prepare_runtime_auth(ctx: &RuntimeAuthContext) -> Result<Option<RequestCredential>, PluginError> { Ok(None) }

            /// #28 `buildMissingAuthMessage`: replaces the generic message.
            [Auth, "buildMissingAuthMessage", Some(28)]
            fn build_missing_auth_message(ctx: &AuthLookupContext) -> Option<String> { None }

            // ------------------------------------------------------- system prompt

            /// `resolveSystemPromptContribution`: cache-aware prompt guidance.
            [SystemPrompt, "resolveSystemPromptContribution", None]
            fn resolve_system_prompt_contribution(ctx: &SystemPromptContext) -> Option<SystemPromptContribution> { None }

            /// `transformSystemPrompt`: the input text transforms then run over the result.
            [SystemPrompt, "transformSystemPrompt", None]
            fn transform_system_prompt(ctx: &SystemPromptContext) -> Option<String> { None }

            // ------------------------------------------------------- history

            /// #39 `buildReplayPolicy`: a partial policy merged over the defaults.
            /// Returning `Some` (even an empty policy) skips the per-API fallback.
            [History, "buildReplayPolicy", Some(39)]
            fn build_replay_policy(ctx: &ModelContext) -> Option<ReplayPolicy> { None }

            /// #40 `sanitizeReplayHistory`: the result replaces the messages.
            [History, "sanitizeReplayHistory", Some(40), async]
            fn sanitize_replay_history(ctx: &ReplayHistoryContext) -> Result<Option<Vec<Message>>, PluginError> { Ok(None) }

            /// #41 `validateReplayTurns`: the result replaces the built-in validators.
            [History, "validateReplayTurns", Some(41), async]
            fn validate_replay_turns(ctx: &ReplayHistoryContext) -> Result<Option<Vec<Message>>, PluginError> { Ok(None) }

            // ------------------------------------------------------- tools

            /// #14 `normalizeToolSchemas`.
            [Tools, "normalizeToolSchemas", Some(14)]
            fn normalize_tool_schemas(ctx: &ToolSchemaContext) -> Option<Vec<Tool>> { None }

            /// #15 `inspectToolSchemas`: diagnostics only.
            [Tools, "inspectToolSchemas", Some(15)]
            fn inspect_tool_schemas(ctx: &ToolSchemaContext) -> Option<Vec<ToolSchemaDiagnostic>> { None }

            // ------------------------------------------------------- text

            /// `textTransforms`: this provider's rewrites, applied after the global ones.
            [Text, "textTransforms", None]
            fn text_transforms() -> Option<TextTransforms> { None }

            // ------------------------------------------------------- stream

            /// #17 `prepareExtraParams`: the full next params.
            [Stream, "prepareExtraParams", Some(17)]
            fn prepare_extra_params(ctx: &ExtraParamsContext) -> Option<Map<String, Value>> { None }

            /// #18 `createStreamFn`: replaces the transport.
            [Stream, "createStreamFn", Some(18)]
            fn create_stream_fn(ctx: &StreamFnContext) -> Option<SharedStreamFn> { None }

            /// #27 `isCacheTtlEligible`.
            [Stream, "isCacheTtlEligible", Some(27)]
            fn is_cache_ttl_eligible(ctx: &CacheTtlContext) -> Option<bool> { None }

            /// #19 `wrapStreamFn`: wraps the stream function in `ctx.stream_fn`.
            [Stream, "wrapStreamFn", Some(19)]
            fn wrap_stream_fn(ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> { None }

            /// #20 `resolveTransportTurnState`: per-turn headers and metadata.
            [Stream, "resolveTransportTurnState", Some(20)]
            fn resolve_transport_turn_state(ctx: &TurnStateContext) -> Option<TransportTurnState> { None }

            // ------------------------------------------------------- errors

            /// #25 `matchesContextOverflowError`.
            [Errors, "matchesContextOverflowError", Some(25)]
            fn matches_context_overflow_error(ctx: &ErrorContext) -> Option<bool> { None }

            /// #26 `classifyFailoverReason`.
            [Errors, "classifyFailoverReason", Some(26)]
            fn classify_failover_reason(ctx: &ErrorContext) -> Option<FailoverReason> { None }

            // ------------------------------------------------------- host-called

            /// #24 `buildAuthDoctorHint` (host-called, by `doctor`): appended to
            /// the re-auth message.
            [Host, "buildAuthDoctorHint", Some(24), async]
            fn build_auth_doctor_hint(ctx: &AuthDoctorContext) -> Option<String> { None }

            /// #21 `resolveWebSocketSessionPolicy` (host-called, when a WebSocket
            /// session opens).
            [Host, "resolveWebSocketSessionPolicy", Some(21)]
            fn resolve_web_socket_session_policy(ctx: &TurnStateContext) -> Option<WebSocketSessionPolicy> { None }

            /// #34 `isModernModelRef` (host-called, by model pickers).
            [Host, "isModernModelRef", Some(34)]
            fn is_modern_model_ref(ctx: &ModelRefContext) -> Option<bool> { None }

            /// #36 `resolveUsageAuth` (host-called, by usage reporting).
            [Host, "resolveUsageAuth", Some(36), async]
            fn resolve_usage_auth(ctx: &UsageAuthContext) -> Result<Option<UsageAuth>, PluginError> { Ok(None) }

            /// #37 `fetchUsageSnapshot` (host-called, by usage reporting).
            [Host, "fetchUsageSnapshot", Some(37), async]
            fn fetch_usage_snapshot(ctx: &UsageSnapshotContext) -> Result<Option<Value>, PluginError> { Ok(None) }

            /// #38 `createEmbeddingProvider` (host-called, by memory search).
            [Host, "createEmbeddingProvider", Some(38), async]
            fn create_embedding_provider(ctx: &EmbeddingContext) -> Result<Option<Arc<dyn EmbeddingProvider>>, PluginError> { Ok(None) }
        }
    };
}

pub(crate) use provider_hooks;

macro_rules! hook_table {
    ($(
        $(#[doc = $doc:literal])*
        [$stage:ident, $name:literal, $number:expr $(, $async:ident)?]
        fn $method:ident($($arg:ident: $argty:ty)?) -> $ret:ty $default:block
    )*) => {
        /// Every hook of [`ProviderPlugin`](crate::ProviderPlugin), in stage
        /// order (the order of `docs/hooks.md`).
        ///
        /// ```
        /// use clawkit_core::{HookStage, PROVIDER_HOOKS};
        ///
        /// assert_eq!(PROVIDER_HOOKS.len(), 46);
        /// assert_eq!(PROVIDER_HOOKS[0].name, "catalog");
        /// assert_eq!(PROVIDER_HOOKS[0].stage, HookStage::Catalog);
        /// ```
        pub const PROVIDER_HOOKS: &[HookInfo] = &[
            $(HookInfo { name: $name, number: $number, stage: HookStage::$stage },)*
        ];
    };
}

provider_hooks!(hook_table);

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn forty_six_hooks_with_unique_names_and_every_number_once() {
        assert_eq!(PROVIDER_HOOKS.len(), 46);
        let names: HashSet<&str> = PROVIDER_HOOKS.iter().map(|h| h.name).collect();
        assert_eq!(names.len(), 46);
        let mut numbers: Vec<u8> = PROVIDER_HOOKS.iter().filter_map(|h| h.number).collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=42).collect::<Vec<u8>>());
        let unnumbered: Vec<&str> = PROVIDER_HOOKS
            .iter()
            .filter(|h| h.number.is_none())
            .map(|h| h.name)
            .collect();
        assert_eq!(
            unnumbered,
            [
                "staticCatalog",
                "resolveSystemPromptContribution",
                "transformSystemPrompt",
                "textTransforms"
            ]
        );
    }

    #[test]
    fn stages_come_in_pipeline_order() {
        let stages: Vec<HookStage> = PROVIDER_HOOKS.iter().map(|h| h.stage).collect();
        let mut sorted = stages.clone();
        sorted.sort();
        assert_eq!(stages, sorted);
        let named: Vec<&str> = PROVIDER_HOOKS.iter().map(|h| h.stage.as_str()).collect();
        assert_eq!(named.first(), Some(&"catalog"));
        assert_eq!(named.last(), Some(&"host"));
    }
}
