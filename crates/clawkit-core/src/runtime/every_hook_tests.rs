//! A plugin that implements all 46 hooks and records every call proves that
//! the runtime calls each hook where the table below says: at build (the
//! config stage), in a catalog, in a given stage of a turn, or from one
//! host-called method.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use futures::executor::block_on;
use serde_json::{Map, Value, json};

use crate::auth::{AuthCredential, AuthStore, CredentialKind};
use crate::catalog::{Catalog, CatalogEntry, CatalogOrder};
use crate::config::Config;
use crate::context::{ContentBlock, Message, Tool};
use crate::error::PluginError;
use crate::event::{ErrorKind, StopReason, StreamEvent};
use crate::hooks::*;
use crate::model::{
    FailoverReason, ModelApi, ModelCompat, ModelDefinition, ProviderConfig, RuntimeModel,
    ThinkingLevel,
};
use crate::plugin::{ProviderPlugin, define_plugin_entry};
use crate::runtime::{Runtime, TurnRequest};
use crate::secret::ApiKey;
use crate::stream::{EventStream, SharedStreamFn, StreamFn, StreamRequest};
use crate::text_transform::{Replacement, TextTransforms};
use crate::trace::HookTrace;

const ID: &str = "every";

/// Where a hook is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Where {
    /// `RuntimeBuilder::build` (the config stage, `Runtime::materialize_config`).
    Build,
    /// `Runtime::catalog`.
    Catalog,
    /// `Runtime::static_catalog`.
    StaticCatalog,
    /// A stage of `Runtime::stream`.
    Turn(HookStage),
    /// A host-called runtime method.
    Method(&'static str),
}

/// Every hook, with the stage or method that calls it.
const TABLE: [(&str, Where); 46] = [
    ("catalog", Where::Catalog),
    ("staticCatalog", Where::StaticCatalog),
    ("augmentModelCatalog", Where::Catalog),
    ("applyConfigDefaults", Where::Build),
    ("normalizeConfig", Where::Build),
    ("applyNativeStreamingUsageCompat", Where::Build),
    ("normalizeModelId", Where::Turn(HookStage::Model)),
    ("resolveDynamicModel", Where::Turn(HookStage::Model)),
    ("prepareDynamicModel", Where::Turn(HookStage::Model)),
    ("normalizeResolvedModel", Where::Turn(HookStage::Model)),
    (
        "contributeResolvedModelCompat",
        Where::Turn(HookStage::Model),
    ),
    ("normalizeTransport", Where::Turn(HookStage::Model)),
    ("onModelSelected", Where::Turn(HookStage::Model)),
    ("resolveThinkingProfile", Where::Turn(HookStage::Thinking)),
    ("isBinaryThinking", Where::Turn(HookStage::Thinking)),
    ("supportsXHighThinking", Where::Turn(HookStage::Thinking)),
    (
        "resolveDefaultThinkingLevel",
        Where::Turn(HookStage::Thinking),
    ),
    (
        "resolveReasoningOutputMode",
        Where::Turn(HookStage::Thinking),
    ),
    ("resolveConfigApiKey", Where::Turn(HookStage::Auth)),
    ("resolveSyntheticAuth", Where::Turn(HookStage::Auth)),
    (
        "shouldDeferSyntheticProfileAuth",
        Where::Turn(HookStage::Auth),
    ),
    ("formatApiKey", Where::Turn(HookStage::Auth)),
    ("refreshOAuth", Where::Method("Runtime::refresh_oauth")),
    ("prepareRuntimeAuth", Where::Turn(HookStage::Auth)),
    (
        "buildMissingAuthMessage",
        Where::Method("Runtime::missing_auth_message"),
    ),
    (
        "resolveSystemPromptContribution",
        Where::Turn(HookStage::SystemPrompt),
    ),
    (
        "transformSystemPrompt",
        Where::Turn(HookStage::SystemPrompt),
    ),
    ("buildReplayPolicy", Where::Turn(HookStage::History)),
    ("sanitizeReplayHistory", Where::Turn(HookStage::History)),
    ("validateReplayTurns", Where::Turn(HookStage::History)),
    ("normalizeToolSchemas", Where::Turn(HookStage::Tools)),
    ("inspectToolSchemas", Where::Turn(HookStage::Tools)),
    ("textTransforms", Where::Turn(HookStage::Text)),
    ("prepareExtraParams", Where::Turn(HookStage::Stream)),
    ("createStreamFn", Where::Turn(HookStage::Stream)),
    ("isCacheTtlEligible", Where::Turn(HookStage::Stream)),
    ("wrapStreamFn", Where::Turn(HookStage::Stream)),
    ("resolveTransportTurnState", Where::Turn(HookStage::Stream)),
    (
        "matchesContextOverflowError",
        Where::Turn(HookStage::Errors),
    ),
    ("classifyFailoverReason", Where::Turn(HookStage::Errors)),
    (
        "buildAuthDoctorHint",
        Where::Method("Runtime::auth_doctor_hint"),
    ),
    (
        "resolveWebSocketSessionPolicy",
        Where::Method("Runtime::web_socket_session_policy"),
    ),
    (
        "isModernModelRef",
        Where::Method("Runtime::is_modern_model_ref"),
    ),
    ("resolveUsageAuth", Where::Method("Runtime::usage_auth")),
    (
        "fetchUsageSnapshot",
        Where::Method("Runtime::usage_snapshot"),
    ),
    (
        "createEmbeddingProvider",
        Where::Method("Runtime::embedding_provider"),
    ),
];

/// Implements every hook; each records its name, then answers so that the
/// pipeline goes on to the next one.
#[derive(Clone, Default)]
struct Everything {
    calls: Arc<Mutex<Vec<&'static str>>>,
    prepared: Arc<AtomicBool>,
}

impl Everything {
    fn call(&self, hook: &'static str) {
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(hook);
        }
    }

    fn take(&self) -> Vec<&'static str> {
        self.calls
            .lock()
            .map(|mut c| std::mem::take(&mut *c))
            .unwrap_or_default()
    }

    fn base_url() -> url::Url {
        "https://every.example/v1".parse().unwrap()
    }

    fn config() -> ProviderConfig {
        ProviderConfig::new(Everything::base_url(), ModelApi::OpenAiCompletions)
            .with_model(ModelDefinition::new("listed").with_reasoning(true))
    }
}

/// The transport `createStreamFn` returns: a tagged-reasoning answer that
/// ends in a context-overflow error.
struct Scripted;

impl StreamFn for Scripted {
    fn stream(&self, _request: StreamRequest) -> EventStream {
        let events = vec![
            StreamEvent::TextStart { index: 0 },
            StreamEvent::TextDelta {
                index: 0,
                text: "<think>plan</think>the blue".into(),
            },
            StreamEvent::TextDelta {
                index: 0,
                text: " basket".into(),
            },
            StreamEvent::TextEnd {
                index: 0,
                text: "<think>plan</think>the blue basket".into(),
            },
            StreamEvent::Error {
                kind: ErrorKind::InvalidRequest,
                message: "prompt is too long: context length exceeded".into(),
                failover: None,
            },
        ];
        Box::pin(futures::stream::iter(events))
    }
}

struct Embedder;

#[async_trait]
impl EmbeddingProvider for Embedder {
    fn id(&self) -> &str {
        "every-embed"
    }
    fn model(&self) -> &str {
        "e1"
    }
    async fn embed_query(&self, _text: &str) -> Result<Vec<f32>, PluginError> {
        Ok(vec![1.0])
    }
    async fn embed_batch(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, PluginError> {
        Ok(texts.iter().map(|_| vec![1.0]).collect())
    }
}

#[async_trait]
impl ProviderPlugin for Everything {
    fn id(&self) -> &str {
        ID
    }
    fn catalog_order(&self) -> CatalogOrder {
        CatalogOrder::Simple
    }
    async fn catalog(&self, _ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> {
        self.call("catalog");
        Ok(Some(CatalogResult::Provider(Everything::config())))
    }
    async fn static_catalog(
        &self,
        _ctx: &CatalogContext,
    ) -> Result<Option<CatalogResult>, PluginError> {
        self.call("staticCatalog");
        Ok(Some(CatalogResult::Provider(Everything::config())))
    }
    async fn augment_model_catalog(
        &self,
        _ctx: &AugmentCatalogContext<'_>,
    ) -> Result<Vec<CatalogEntry>, PluginError> {
        self.call("augmentModelCatalog");
        Ok(vec![CatalogEntry::new(
            ID,
            ModelDefinition::new("augmented"),
        )])
    }
    fn apply_config_defaults(&self, ctx: &ConfigDefaultsContext) -> Option<Config> {
        self.call("applyConfigDefaults");
        Some(ctx.config.clone())
    }
    fn normalize_config(&self, ctx: &ProviderConfigContext) -> Option<ProviderConfig> {
        self.call("normalizeConfig");
        Some(ctx.provider_config.clone())
    }
    fn apply_native_streaming_usage_compat(
        &self,
        ctx: &ProviderConfigContext,
    ) -> Option<ProviderConfig> {
        self.call("applyNativeStreamingUsageCompat");
        Some(ctx.provider_config.clone())
    }
    fn normalize_model_id(&self, ctx: &ModelRefContext) -> Option<String> {
        self.call("normalizeModelId");
        Some(ctx.model_id.trim().to_owned())
    }
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        self.call("resolveDynamicModel");
        self.prepared.load(Ordering::SeqCst).then(|| {
            RuntimeModel::new(
                ID,
                &ctx.model_id,
                ModelApi::OpenAiCompletions,
                Everything::base_url(),
            )
            .with_reasoning(true)
        })
    }
    async fn prepare_dynamic_model(
        &self,
        _ctx: &DynamicModelContext,
    ) -> Result<Preparation, PluginError> {
        self.call("prepareDynamicModel");
        self.prepared.store(true, Ordering::SeqCst);
        Ok(Preparation::Prepared)
    }
    fn normalize_resolved_model(&self, ctx: &ResolvedModelContext) -> Option<RuntimeModel> {
        self.call("normalizeResolvedModel");
        Some(ctx.model.clone())
    }
    fn contribute_resolved_model_compat(&self, _ctx: &ResolvedModelContext) -> Option<ModelCompat> {
        self.call("contributeResolvedModelCompat");
        None
    }
    fn normalize_transport(&self, _ctx: &TransportContext) -> Option<TransportPatch> {
        self.call("normalizeTransport");
        None
    }
    async fn on_model_selected(&self, _ctx: &ModelSelectedContext) -> Result<(), PluginError> {
        self.call("onModelSelected");
        Ok(())
    }
    fn resolve_thinking_profile(&self, _ctx: &ThinkingContext) -> Option<ThinkingProfile> {
        self.call("resolveThinkingProfile");
        None
    }
    fn is_binary_thinking(&self, _ctx: &ModelRefContext) -> Option<bool> {
        self.call("isBinaryThinking");
        Some(false)
    }
    fn supports_xhigh_thinking(&self, _ctx: &ModelRefContext) -> Option<bool> {
        self.call("supportsXHighThinking");
        Some(false)
    }
    fn resolve_default_thinking_level(&self, _ctx: &ThinkingContext) -> Option<ThinkingLevel> {
        self.call("resolveDefaultThinkingLevel");
        Some(ThinkingLevel::Low)
    }
    fn resolve_reasoning_output_mode(&self, _ctx: &ModelContext) -> Option<ReasoningOutputMode> {
        self.call("resolveReasoningOutputMode");
        Some(ReasoningOutputMode::Tagged)
    }
    fn resolve_config_api_key(&self, _ctx: &AuthLookupContext) -> Option<ApiKey> {
        self.call("resolveConfigApiKey");
        None
    }
    fn resolve_synthetic_auth(&self, _ctx: &SyntheticAuthContext) -> Option<SyntheticAuth> {
        self.call("resolveSyntheticAuth");
        Some(SyntheticAuth::new(
            "synthetic-key",
            "every: synthetic",
            CredentialKind::ApiKey,
        ))
    }
    fn should_defer_synthetic_profile_auth(&self, _ctx: &SyntheticAuthContext) -> Option<bool> {
        self.call("shouldDeferSyntheticProfileAuth");
        Some(true)
    }
    fn format_api_key(&self, credential: &AuthCredential) -> Option<ApiKey> {
        self.call("formatApiKey");
        Some(credential.key.clone())
    }
    async fn refresh_oauth(
        &self,
        credential: &OAuthCredential,
    ) -> Result<Option<OAuthCredential>, PluginError> {
        self.call("refreshOAuth");
        Ok(Some(credential.clone()))
    }
    async fn prepare_runtime_auth(
        &self,
        ctx: &RuntimeAuthContext,
    ) -> Result<Option<RequestCredential>, PluginError> {
        self.call("prepareRuntimeAuth");
        Ok(Some(RequestCredential::new(ctx.api_key.clone())))
    }
    fn build_missing_auth_message(&self, _ctx: &AuthLookupContext) -> Option<String> {
        self.call("buildMissingAuthMessage");
        Some("sign in to every first".to_owned())
    }
    fn resolve_system_prompt_contribution(
        &self,
        _ctx: &SystemPromptContext,
    ) -> Option<SystemPromptContribution> {
        self.call("resolveSystemPromptContribution");
        Some(SystemPromptContribution {
            stable_prefix: Some("You are Every.".to_owned()),
            ..SystemPromptContribution::default()
        })
    }
    fn transform_system_prompt(&self, ctx: &SystemPromptContext) -> Option<String> {
        self.call("transformSystemPrompt");
        Some(format!("{}\n\n(transformed)", ctx.system_prompt))
    }
    fn build_replay_policy(&self, _ctx: &ModelContext) -> Option<ReplayPolicy> {
        self.call("buildReplayPolicy");
        Some(ReplayPolicy {
            drop_thinking_blocks: Some(true),
            ..ReplayPolicy::default()
        })
    }
    async fn sanitize_replay_history(
        &self,
        _ctx: &ReplayHistoryContext,
    ) -> Result<Option<Vec<Message>>, PluginError> {
        self.call("sanitizeReplayHistory");
        Ok(None)
    }
    async fn validate_replay_turns(
        &self,
        _ctx: &ReplayHistoryContext,
    ) -> Result<Option<Vec<Message>>, PluginError> {
        self.call("validateReplayTurns");
        Ok(None)
    }
    fn normalize_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<Tool>> {
        self.call("normalizeToolSchemas");
        Some(ctx.tools.clone())
    }
    fn inspect_tool_schemas(&self, _ctx: &ToolSchemaContext) -> Option<Vec<ToolSchemaDiagnostic>> {
        self.call("inspectToolSchemas");
        Some(vec![ToolSchemaDiagnostic {
            tool_name: "lookup".to_owned(),
            tool_index: Some(0),
            violations: vec!["/properties/q: no description".to_owned()],
        }])
    }
    fn text_transforms(&self) -> Option<TextTransforms> {
        self.call("textTransforms");
        Some(TextTransforms::new().output(Replacement::literal_global("blue basket", "red basket")))
    }
    fn prepare_extra_params(&self, ctx: &ExtraParamsContext) -> Option<Map<String, Value>> {
        self.call("prepareExtraParams");
        let mut params = ctx.extra_params.clone();
        params.insert("every".to_owned(), json!(true));
        Some(params)
    }
    fn create_stream_fn(&self, _ctx: &StreamFnContext) -> Option<SharedStreamFn> {
        self.call("createStreamFn");
        Some(Arc::new(Scripted))
    }
    fn is_cache_ttl_eligible(&self, _ctx: &CacheTtlContext) -> Option<bool> {
        self.call("isCacheTtlEligible");
        Some(false)
    }
    fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
        self.call("wrapStreamFn");
        Some(ctx.stream_fn.clone())
    }
    fn resolve_transport_turn_state(&self, ctx: &TurnStateContext) -> Option<TransportTurnState> {
        self.call("resolveTransportTurnState");
        let mut state = TransportTurnState::default();
        state.headers.insert(
            "x-every-turn".to_owned(),
            format!("{}#{}", ctx.turn_id, ctx.attempt),
        );
        Some(state)
    }
    fn matches_context_overflow_error(&self, ctx: &ErrorContext) -> Option<bool> {
        self.call("matchesContextOverflowError");
        Some(ctx.error_message.contains("context length"))
    }
    fn classify_failover_reason(&self, _ctx: &ErrorContext) -> Option<FailoverReason> {
        self.call("classifyFailoverReason");
        Some(FailoverReason::ContextOverflow)
    }
    async fn build_auth_doctor_hint(&self, _ctx: &AuthDoctorContext) -> Option<String> {
        self.call("buildAuthDoctorHint");
        Some("run every login".to_owned())
    }
    fn resolve_web_socket_session_policy(
        &self,
        _ctx: &TurnStateContext,
    ) -> Option<WebSocketSessionPolicy> {
        self.call("resolveWebSocketSessionPolicy");
        Some(WebSocketSessionPolicy::default())
    }
    fn is_modern_model_ref(&self, _ctx: &ModelRefContext) -> Option<bool> {
        self.call("isModernModelRef");
        Some(true)
    }
    async fn resolve_usage_auth(
        &self,
        _ctx: &UsageAuthContext,
    ) -> Result<Option<UsageAuth>, PluginError> {
        self.call("resolveUsageAuth");
        Ok(Some(UsageAuth::Handled))
    }
    async fn fetch_usage_snapshot(
        &self,
        _ctx: &UsageSnapshotContext,
    ) -> Result<Option<Value>, PluginError> {
        self.call("fetchUsageSnapshot");
        Ok(Some(json!({"used": 1})))
    }
    async fn create_embedding_provider(
        &self,
        _ctx: &EmbeddingContext,
    ) -> Result<Option<Arc<dyn EmbeddingProvider>>, PluginError> {
        self.call("createEmbeddingProvider");
        Ok(Some(Arc::new(Embedder)))
    }
}

fn runtime(plugin: &Everything, store: AuthStore) -> Runtime {
    let registered = plugin.clone();
    let config = Config::new().with_provider(ID, Everything::config());
    Runtime::builder()
        .plugin(define_plugin_entry(ID, None, move |api| {
            api.register_provider(registered.clone())
        }))
        .config(config)
        .auth_store(store)
        .build()
        .unwrap()
}

fn turn_request() -> TurnRequest {
    let history = vec![
        Message::user("earlier"),
        Message::Assistant {
            content: vec![
                ContentBlock::Thinking {
                    thinking: "hmm".into(),
                    signature: None,
                },
                ContentBlock::text("answer"),
            ],
            stop_reason: None,
        },
        Message::user("and then?"),
        Message::assistant("then this"),
    ];
    TurnRequest::prompt(format!("{ID}/ dyn-1 "), "put it in the red basket")
        .system_prompt("Be brief.")
        .history(history)
        .tools(vec![Tool::new("lookup", "", json!({"type": "object"}))])
        .thinking(ThinkingLevel::XHigh)
        .record_trace()
}

/// Runs a turn on a catalog built beforehand, returning its events, trace
/// and report.
fn run_turn(
    runtime: &Runtime,
    catalog: &Arc<Catalog>,
) -> (Vec<StreamEvent>, HookTrace, crate::runtime::TurnReport) {
    block_on(async {
        let catalog = Arc::clone(catalog);
        let mut turn = runtime
            .stream(turn_request().catalog(catalog))
            .await
            .unwrap();
        let mut events = Vec::new();
        while let Some(event) = turn.next().await {
            events.push(event);
        }
        (events, turn.trace(), turn.report().clone())
    })
}

fn stage_of(hook: &str) -> HookStage {
    PROVIDER_HOOKS
        .iter()
        .find(|info| info.name == hook)
        .map(|info| info.stage)
        .unwrap()
}

#[test]
fn the_table_lists_every_hook_once_at_its_stage() {
    let names: Vec<&str> = TABLE.iter().map(|(name, _)| *name).collect();
    let known: Vec<&str> = PROVIDER_HOOKS.iter().map(|info| info.name).collect();
    assert_eq!(names, known, "the table follows PROVIDER_HOOKS");
    for (name, place) in TABLE {
        let stage = stage_of(name);
        match place {
            Where::Build => assert_eq!(stage, HookStage::Config, "{name}"),
            Where::Catalog | Where::StaticCatalog => {
                assert_eq!(stage, HookStage::Catalog, "{name}")
            }
            Where::Turn(turn_stage) => assert_eq!(stage, turn_stage, "{name}"),
            Where::Method(_) => assert!(
                matches!(stage, HookStage::Host | HookStage::Auth),
                "{name} is called by a method but its stage is {stage:?}"
            ),
        }
    }
}

#[test]
fn every_hook_is_called_where_the_table_says() {
    let plugin = Everything::default();
    let with_profile = AuthStore::new().with_api_key("every:default", ID, "profile-key");
    let mut seen: Vec<(&'static str, Where)> = Vec::new();

    // Build: the config stage.
    let runtime = runtime(&plugin, with_profile);
    seen.extend(plugin.take().into_iter().map(|h| (h, Where::Build)));

    // Catalogs.
    block_on(runtime.catalog(None));
    seen.extend(plugin.take().into_iter().map(|h| (h, Where::Catalog)));
    block_on(runtime.static_catalog(None));
    seen.extend(plugin.take().into_iter().map(|h| (h, Where::StaticCatalog)));

    // A turn with a stored profile (deferred to synthetic auth)…
    let catalog = Arc::new(block_on(runtime.catalog(None)));
    plugin.take();
    let (events, _, report) = run_turn(&runtime, &catalog);
    let turn_calls = plugin.take();
    // …and one without, which asks for synthetic auth.
    let bare = runtime_without_profile(&plugin);
    let bare_catalog = Arc::new(block_on(bare.catalog(None)));
    plugin.take();
    run_turn(&bare, &bare_catalog);
    let bare_calls = plugin.take();
    for calls in [turn_calls, bare_calls] {
        let stages: Vec<usize> = calls
            .iter()
            .map(|h| {
                // Stages are in pipeline order in PROVIDER_HOOKS.
                PROVIDER_HOOKS
                    .iter()
                    .position(|i| i.stage == stage_of(h))
                    .unwrap()
            })
            .collect();
        assert!(
            stages.windows(2).all(|w| w[0] <= w[1]),
            "a turn calls its hooks stage by stage: {calls:?}"
        );
        seen.extend(calls.into_iter().map(|h| (h, Where::Turn(stage_of(h)))));
    }

    // Host-called methods.
    type HostCall = Box<dyn Fn(&Runtime)>;
    let hosted: [(&'static str, HostCall); 8] = [
        (
            "Runtime::refresh_oauth",
            Box::new(|r: &Runtime| {
                let credential = OAuthCredential {
                    provider: ID.to_owned(),
                    access: ApiKey::new("access"),
                    refresh: None,
                    expires_at: Some(1),
                };
                assert!(
                    block_on(r.refresh_oauth(&credential, None))
                        .unwrap()
                        .is_some()
                );
            }),
        ),
        (
            "Runtime::missing_auth_message",
            Box::new(|r: &Runtime| {
                assert_eq!(r.missing_auth_message(ID, None), "sign in to every first");
            }),
        ),
        (
            "Runtime::auth_doctor_hint",
            Box::new(|r: &Runtime| {
                assert_eq!(
                    block_on(r.auth_doctor_hint(ID, None)).as_deref(),
                    Some("run every login")
                );
            }),
        ),
        (
            "Runtime::web_socket_session_policy",
            Box::new(|r: &Runtime| {
                let ctx = TurnStateContext {
                    provider: ID.to_owned(),
                    model_id: "m".to_owned(),
                    session_id: None,
                    turn_id: "t".to_owned(),
                    attempt: 1,
                    transport: TransportKind::Websocket,
                };
                assert!(r.web_socket_session_policy(&ctx, None).is_some());
            }),
        ),
        (
            "Runtime::is_modern_model_ref",
            Box::new(|r: &Runtime| {
                assert!(r.is_modern_model_ref(ID, "m", None));
            }),
        ),
        (
            "Runtime::usage_auth",
            Box::new(|r: &Runtime| {
                assert_eq!(
                    block_on(r.usage_auth(ID, None)).unwrap(),
                    Some(UsageAuth::Handled)
                );
            }),
        ),
        (
            "Runtime::usage_snapshot",
            Box::new(|r: &Runtime| {
                let ctx = UsageSnapshotContext {
                    provider: ID.to_owned(),
                    token: ApiKey::new("t"),
                    account_id: None,
                    timeout: Duration::from_secs(1),
                };
                assert_eq!(
                    block_on(r.usage_snapshot(&ctx, None)).unwrap(),
                    Some(json!({"used": 1}))
                );
            }),
        ),
        (
            "Runtime::embedding_provider",
            Box::new(|r: &Runtime| {
                let ctx = EmbeddingContext {
                    provider: ID.to_owned(),
                    model: "e1".to_owned(),
                    api_key: None,
                    output_dimensionality: None,
                };
                let adapter = block_on(r.embedding_provider(&ctx, None)).unwrap().unwrap();
                assert_eq!(adapter.id(), "every-embed");
            }),
        ),
    ];
    for (method, call) in &hosted {
        call(&runtime);
        seen.extend(
            plugin
                .take()
                .into_iter()
                .map(|h| (h, Where::Method(method))),
        );
    }

    for (hook, place) in TABLE {
        assert!(
            seen.contains(&(hook, place)),
            "{hook} was not called at {place:?}; calls: {:?}",
            seen.iter().filter(|(h, _)| *h == hook).collect::<Vec<_>>()
        );
    }

    // What the answers did to the turn.
    assert_eq!(report.thinking.requested, Some(ThinkingLevel::XHigh));
    assert_eq!(
        report.thinking.sent,
        Some(ThinkingLevel::High),
        "xhigh unsupported: clamped"
    );
    assert_eq!(report.reasoning_output, ReasoningOutputMode::Tagged);
    assert_eq!(report.tool_diagnostics.len(), 1);
    assert!(
        report
            .replay_changes
            .iter()
            .any(|c| c.rule == "dropThinkingBlocks")
    );
    let reasoning: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ReasoningDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        (reasoning.as_str(), text.as_str()),
        ("plan", "the red basket")
    );
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Error {
            kind: ErrorKind::ContextOverflow,
            message: "prompt is too long: context length exceeded".into(),
            failover: Some(FailoverReason::ContextOverflow),
        })
    );
    assert!(!events.iter().any(|e| matches!(
        e,
        StreamEvent::Done {
            reason: StopReason::Stop
        }
    )));
}

fn runtime_without_profile(plugin: &Everything) -> Runtime {
    plugin.prepared.store(false, Ordering::SeqCst);
    runtime(plugin, AuthStore::new())
}

#[test]
fn the_whole_turn_trace_of_the_every_hook_plugin() {
    let plugin = Everything::default();
    let runtime = runtime(
        &plugin,
        AuthStore::new().with_api_key("every:default", ID, "profile-key"),
    );
    let catalog = Arc::new(block_on(runtime.catalog(None)));
    let (_, trace, _) = run_turn(&runtime, &catalog);
    insta::assert_json_snapshot!("every_hook_whole_turn", trace);
}

#[test]
fn a_websocket_transport_request_streams_over_http_and_the_trace_says_so() {
    let plugin = Everything::default();
    let runtime = runtime(&plugin, AuthStore::new());
    let trace = block_on(async {
        let mut turn = runtime
            .stream(turn_request().param("transport", "websocket"))
            .await
            .unwrap();
        while turn.next().await.is_some() {}
        turn.trace()
    });
    let entry = trace
        .entries()
        .iter()
        .find(|e| e.hook == "transport")
        .map(|e| serde_json::to_value(e).unwrap());
    let entry = entry.unwrap();
    assert_eq!(entry["value"]["used"], "stream");
    assert_eq!(entry["value"]["requested"], "websocket");
}

/// An OAuth provider whose refresh hands out `fresh-<n>` tokens valid for
/// one minute, and whose stream function records the key it is given.
#[derive(Default)]
struct OAuthed {
    refreshes: Arc<Mutex<u32>>,
    sent: Arc<Mutex<Vec<String>>>,
}

struct Recording(Arc<Mutex<Vec<String>>>);

impl StreamFn for Recording {
    fn stream(&self, request: StreamRequest) -> EventStream {
        let key = request
            .options
            .api_key
            .map(|k| k.expose().to_owned())
            .unwrap_or_default();
        if let Ok(mut sent) = self.0.lock() {
            sent.push(key);
        }
        Box::pin(futures::stream::iter([StreamEvent::Done {
            reason: StopReason::Stop,
        }]))
    }
}

#[async_trait]
impl ProviderPlugin for OAuthed {
    fn id(&self) -> &str {
        "oauthed"
    }
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        Some(RuntimeModel::new(
            "oauthed",
            &ctx.model_id,
            ModelApi::OpenAiResponses,
            Everything::base_url(),
        ))
    }
    async fn refresh_oauth(
        &self,
        credential: &OAuthCredential,
    ) -> Result<Option<OAuthCredential>, PluginError> {
        // A real refresh waits on the network: let other turns run meanwhile.
        YieldOnce(false).await;
        let n = {
            let mut refreshes = self.refreshes.lock().unwrap();
            *refreshes += 1;
            *refreshes
        };
        let mut renewed = credential.clone();
        renewed.access = ApiKey::new(format!("fresh-{n}"));
        renewed.expires_at = Some(2_000_000 + 60_000 * u64::from(n));
        Ok(Some(renewed))
    }
    fn create_stream_fn(&self, _ctx: &StreamFnContext) -> Option<SharedStreamFn> {
        Some(Arc::new(Recording(Arc::clone(&self.sent))))
    }
    fn format_api_key(&self, credential: &AuthCredential) -> Option<ApiKey> {
        Some(ApiKey::new(format!("fmt:{}", credential.key.expose())))
    }
}

/// Returns `Pending` once (waking itself), then `Ready`.
struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

/// A runtime with `OAuthed` and one OAuth profile whose token expired long
/// before `clock`; with the plugin, to read its refresh count and sent keys.
fn oauth_runtime(clock: &crate::clock::ManualClock) -> (Runtime, Arc<OAuthed>) {
    let plugin = Arc::new(OAuthed::default());
    let registered = Arc::clone(&plugin);
    let expired = OAuthCredential::new(
        "oauthed",
        "stale",
        Some(ApiKey::new("refresh")),
        Some(1_000),
    );
    let runtime = Runtime::builder()
        .plugin(define_plugin_entry("oauthed", None, move |api| {
            api.register_provider_arc(registered.clone())
        }))
        .auth_store(AuthStore::new().with_oauth("oauthed:me", expired))
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    (runtime, plugin)
}

#[test]
fn concurrent_turns_share_one_refresh_of_an_expired_token() {
    let clock = crate::clock::ManualClock::new(2_000_000);
    let (runtime, plugin) = oauth_runtime(&clock);
    let turn = || async {
        let mut turn = runtime
            .stream(TurnRequest::prompt("oauthed/m", "hi"))
            .await
            .unwrap();
        while turn.next().await.is_some() {}
    };
    block_on(async { futures::join!(turn(), turn(), turn()) });
    assert_eq!(*plugin.refreshes.lock().unwrap(), 1);
    assert_eq!(
        *plugin.sent.lock().unwrap(),
        ["fmt:fresh-1", "fmt:fresh-1", "fmt:fresh-1"]
    );
}

#[test]
fn an_expired_oauth_profile_is_refreshed_once_and_its_new_token_sent() {
    let clock = crate::clock::ManualClock::new(2_000_000);
    let (runtime, plugin) = oauth_runtime(&clock);
    let turn = |runtime: &Runtime| {
        block_on(async {
            let mut turn = runtime
                .stream(TurnRequest::prompt("oauthed/m", "hi").record_trace())
                .await
                .unwrap();
            while turn.next().await.is_some() {}
            turn.trace()
        })
    };
    let trace = turn(&runtime);
    assert!(trace.hooks().contains(&"refreshOAuth"));
    // Still valid a little later: no second refresh, the renewed token is reused.
    clock.advance_ms(10_000);
    turn(&runtime);
    // Past its expiry: refreshed again.
    clock.advance_ms(60_000);
    turn(&runtime);
    assert_eq!(*plugin.refreshes.lock().unwrap(), 2);
    // Each token formatted once (formatApiKey), never twice.
    assert_eq!(
        *plugin.sent.lock().unwrap(),
        ["fmt:fresh-1", "fmt:fresh-1", "fmt:fresh-2"]
    );
}

/// Sends per-turn headers and metadata; its stream function records what
/// the request carried.
/// What each request carried: its headers and its `metadata` param.
type Seen = Arc<Mutex<Vec<(Vec<(String, String)>, Value)>>>;

struct Stateful(Seen);

struct Capture(Seen);

impl StreamFn for Capture {
    fn stream(&self, request: StreamRequest) -> EventStream {
        let headers = request
            .options
            .headers
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let metadata = request
            .options
            .extra_params
            .get("metadata")
            .cloned()
            .unwrap_or_default();
        if let Ok(mut seen) = self.0.lock() {
            seen.push((headers, metadata));
        }
        Box::pin(futures::stream::iter([StreamEvent::Done {
            reason: StopReason::Stop,
        }]))
    }
}

#[async_trait]
impl ProviderPlugin for Stateful {
    fn id(&self) -> &str {
        "stateful"
    }
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        Some(RuntimeModel::new(
            "stateful",
            &ctx.model_id,
            ModelApi::OpenAiCompletions,
            Everything::base_url(),
        ))
    }
    fn resolve_synthetic_auth(&self, _ctx: &SyntheticAuthContext) -> Option<SyntheticAuth> {
        Some(SyntheticAuth::new(
            "local",
            "stateful: local",
            CredentialKind::None,
        ))
    }
    fn create_stream_fn(&self, _ctx: &StreamFnContext) -> Option<SharedStreamFn> {
        Some(Arc::new(Capture(Arc::clone(&self.0))))
    }
    fn resolve_transport_turn_state(&self, ctx: &TurnStateContext) -> Option<TransportTurnState> {
        let mut state = TransportTurnState::default();
        state
            .headers
            .insert("X-Turn".to_owned(), ctx.turn_id.clone());
        state
            .headers
            .insert("X-Affinity".to_owned(), "provider".to_owned());
        state
            .metadata
            .insert("turn".to_owned(), ctx.turn_id.clone());
        Some(state)
    }
}

#[test]
fn turn_state_headers_yield_to_the_caller_and_metadata_merges_into_the_params() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let plugin = Stateful(Arc::clone(&seen));
    let registered = Arc::new(plugin);
    let runtime = Runtime::builder()
        .plugin(define_plugin_entry("stateful", None, move |api| {
            api.register_provider_arc(registered.clone())
        }))
        .build()
        .unwrap();
    let canary = "sk-canary-url-0123456789";
    let request = TurnRequest::prompt("stateful/m", "hi")
        .turn_id("t-7")
        .header("x-affinity", "caller")
        .param("metadata", json!({"user_id": "u-1"}))
        .base_url(
            format!("https://me:{canary}@every.example/v1")
                .parse()
                .unwrap(),
        );
    let turn = block_on(async {
        let mut turn = runtime.stream(request).await.unwrap();
        while turn.next().await.is_some() {}
        turn
    });
    assert!(
        !format!("{turn:?}").contains(canary),
        "no URL password in Debug"
    );
    let seen = seen.lock().unwrap();
    let (headers, metadata) = &seen[0];
    assert!(
        headers.contains(&("x-affinity".to_owned(), "caller".to_owned())),
        "{headers:?}"
    );
    assert_eq!(
        headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("x-affinity"))
            .count(),
        1,
        "the caller's x-affinity and the provider's X-Affinity are one header: {headers:?}"
    );
    assert!(
        headers.contains(&("X-Turn".to_owned(), "t-7".to_owned())),
        "{headers:?}"
    );
    assert_eq!(*metadata, json!({"user_id": "u-1", "turn": "t-7"}));
}
