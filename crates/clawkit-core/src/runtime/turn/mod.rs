//! One turn: [`Runtime::stream`] runs every stage of OpenClaw's pipeline for
//! a [`TurnRequest`] and returns the answer as a [`Turn`], a stream of
//! normalized events.
//!
//! ```text
//!  1 model    parse ref → normalizeModelId → catalog → resolveDynamicModel
//!             (→ prepareDynamicModel → again) → normalizeResolvedModel
//!             → contributeResolvedModelCompat → normalizeTransport → onModelSelected
//!  2 thinking resolveThinkingProfile, isBinaryThinking, supportsXHighThinking,
//!             resolveDefaultThinkingLevel → the level sent; resolveReasoningOutputMode
//!  3 auth     credential (env, config, profiles, synthetic) → formatApiKey;
//!             refreshOAuth for an expired OAuth profile → prepareRuntimeAuth;
//!             base URL: caller → request credential → model
//!  4 system   resolveSystemPromptContribution → transformSystemPrompt
//!  5 history  buildReplayPolicy (or the api's fallback) → generic sanitation
//!             → sanitizeReplayHistory → validateReplayTurns (or built-in validators)
//!  6 tools    normalizeToolSchemas → inspectToolSchemas (diagnostics and changes in
//!             the report; Runtime::tool_schemas runs this stage alone)
//!  7 text     input transforms over the system prompt and every message
//!  8 stream   prepareExtraParams → createStreamFn | transport → options layer
//!             (temperature, max tokens, isCacheTtlEligible) → wrapStreamFn;
//!             resolveTransportTurnState when the request is sent
//!  9 output   <think> tags → reasoning (tagged mode); output transforms over
//!             text deltas, TextEnd and the final text
//! 10 errors   matchesContextOverflowError, classifyFailoverReason on the error
//! ```

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};

use futures::Stream;
use serde::Serialize;
use serde_json::{Map, Value};
use url::Url;

use crate::catalog::Catalog;
use crate::context::{Context, Message, Tool};
use crate::error::CoreError;
use crate::event::StreamEvent;
use crate::hooks::ToolSchemaChange;
use crate::hooks::{
    CacheTtlContext, ModelContext, ModelRefContext, ModelSelectedContext, ReasoningOutputMode,
    ReplayHistoryContext, ReplayPolicy, SystemPromptContext, ThinkingContext, ThinkingOption,
    ThinkingProfile, ToolSchemaDiagnostic, TransportKind,
};
use crate::model::{RuntimeModel, ThinkingLevel};
use crate::plugin::ProviderPlugin;
use crate::replay::{
    ReplayChange, ReplayTarget, fallback_policy, finish_sanitation, sanitize_history,
    validate_turns,
};
use crate::runtime::{AuthRequest, Runtime, StreamSetup};
use crate::stream::{
    Cancellation, EventStream, HeaderPrecedence, Headers, SharedStreamFn, StreamOptions,
    StreamRequest,
};
use crate::text_transform::TextTransforms;
use crate::trace::{HookTrace, TraceOutcome, Tracer};

mod output;
mod tagged;
mod turn_state;

use self::output::TurnOutput;
use self::turn_state::TurnStateLayer;

/// Extra params the generic options layer consumes instead of sending them.
const OPTION_PARAMS: [&str; 5] = [
    "temperature",
    "maxTokens",
    "max_tokens",
    "cacheRetention",
    "transport",
];

/// Everything one turn needs: the model, the conversation and the options.
///
/// ```
/// use clawkit_core::{ThinkingLevel, TurnRequest};
///
/// let request = TurnRequest::prompt("acme-ai/acme-large", "put it in the red basket")
///     .system_prompt("Be brief.")
///     .thinking(ThinkingLevel::High)
///     .param("parallelToolCalls", false)
///     .record_trace();
/// # let _ = request;
/// ```
#[derive(Clone)]
#[must_use]
pub struct TurnRequest {
    model: String,
    context: Context,
    thinking: Option<ThinkingLevel>,
    extra_params: Map<String, Value>,
    base_url: Option<Url>,
    session_id: Option<String>,
    turn_id: String,
    headers: Headers,
    temperature: Option<f64>,
    max_tokens: Option<u64>,
    cancellation: Option<Cancellation>,
    catalog: Option<Arc<Catalog>>,
    auth: AuthRequest,
    prompt_mode: Option<String>,
    trace: Option<TraceHandle>,
}

impl TurnRequest {
    /// A turn of `model` (`provider/model`, or a bare id a plugin claims)
    /// continuing `context`.
    pub fn new(model: impl Into<String>, context: Context) -> Self {
        TurnRequest {
            model: model.into(),
            context,
            thinking: None,
            extra_params: Map::new(),
            base_url: None,
            session_id: None,
            turn_id: "turn-1".to_owned(),
            headers: Headers::new(),
            temperature: None,
            max_tokens: None,
            cancellation: None,
            catalog: None,
            auth: AuthRequest::default(),
            prompt_mode: None,
            trace: None,
        }
    }

    /// A turn of one user message.
    pub fn prompt(model: impl Into<String>, text: impl Into<String>) -> Self {
        TurnRequest::new(model, Context::user(text))
    }

    /// The model asked for, as given (`provider/model` or a bare id).
    ///
    /// ```
    /// use clawkit_core::TurnRequest;
    ///
    /// assert_eq!(TurnRequest::prompt("acme-ai/acme-large", "hi").model(), "acme-ai/acme-large");
    /// ```
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The system prompt.
    pub fn system_prompt(mut self, prompt: impl Into<String>) -> Self {
        self.context.system_prompt = Some(prompt.into());
        self
    }

    /// Earlier turns, placed before the conversation's own messages.
    pub fn history(mut self, history: Vec<Message>) -> Self {
        let own = std::mem::take(&mut self.context.messages);
        self.context.messages = history;
        self.context.messages.extend(own);
        self
    }

    /// Tools the model may call.
    pub fn tools(mut self, tools: Vec<Tool>) -> Self {
        self.context.tools = tools;
        self
    }

    /// The `/think` level asked for (clamped to what the model can do).
    pub fn thinking(mut self, level: ThinkingLevel) -> Self {
        self.thinking = Some(level);
        self
    }

    /// One extra param (`--param KEY=VALUE`).
    pub fn param(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra_params.insert(key.into(), value.into());
        self
    }

    /// Extra params, merged over those set so far.
    pub fn extra_params(mut self, params: Map<String, Value>) -> Self {
        self.extra_params.extend(params);
        self
    }

    /// Sends the request to this endpoint instead of the provider's.
    pub fn base_url(mut self, url: Url) -> Self {
        self.base_url = Some(url);
        self
    }

    /// The session, for providers that key caches or affinity on it.
    pub fn session_id(mut self, id: impl Into<String>) -> Self {
        self.session_id = Some(id.into());
        self
    }

    /// This turn's id (`turn-1` by default), for `resolveTransportTurnState`.
    pub fn turn_id(mut self, id: impl Into<String>) -> Self {
        self.turn_id = id.into();
        self
    }

    /// A request header; it wins over the provider's. Names compare in
    /// any case: a second call with `authorization` replaces the value of
    /// an `Authorization` set before.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sampling temperature.
    pub fn temperature(mut self, temperature: f64) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Output-token limit.
    pub fn max_tokens(mut self, max_tokens: u64) -> Self {
        self.max_tokens = Some(max_tokens);
        self
    }

    /// Cancels the turn; the stream then ends with a `cancelled` error.
    pub fn cancellation(mut self, cancellation: Cancellation) -> Self {
        self.cancellation = Some(cancellation);
        self
    }

    /// A catalog built earlier ([`Runtime::catalog`]); without one the turn
    /// builds it.
    pub fn catalog(mut self, catalog: Arc<Catalog>) -> Self {
        self.catalog = Some(catalog);
        self
    }

    /// How to find the credential (an explicit key, a profile).
    pub fn auth(mut self, auth: AuthRequest) -> Self {
        self.auth = auth;
        self
    }

    /// OpenClaw's prompt mode (`full`, `minimal`, …), given to the system-prompt hooks.
    pub fn prompt_mode(mut self, mode: impl Into<String>) -> Self {
        self.prompt_mode = Some(mode.into());
        self
    }

    /// Records the hook trace of the whole turn ([`Turn::trace`]).
    pub fn record_trace(self) -> Self {
        self.trace_into(TraceHandle::default())
    }

    /// Records the hook trace of the whole turn into `handle`, which also
    /// keeps what ran when the turn fails before streaming.
    pub fn trace_into(mut self, handle: TraceHandle) -> Self {
        self.trace = Some(handle);
        self
    }
}

/// Where a turn records its hook trace: shared by the stages before the
/// stream and the stream itself. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct TraceHandle(Arc<Mutex<HookTrace>>);

impl TraceHandle {
    /// A copy of the trace recorded so far.
    pub fn snapshot(&self) -> HookTrace {
        lock(&self.0).clone()
    }
}

impl std::fmt::Debug for TurnRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnRequest")
            .field("model", &self.model)
            .field("messages", &self.context.messages.len())
            .field("tools", &self.context.tools.len())
            .field("thinking", &self.thinking)
            .field(
                "extra_params",
                &self.extra_params.keys().collect::<Vec<_>>(),
            )
            .field("base_url", &self.base_url.as_ref().map(without_userinfo))
            .field("session_id", &self.session_id)
            .field("turn_id", &self.turn_id)
            // Header values may carry credentials: `Headers` prints names only.
            .field("headers", &self.headers)
            .field("auth", &self.auth)
            .field("record_trace", &self.trace.is_some())
            .finish_non_exhaustive()
    }
}

/// `url` without a user name or password, for Debug output.
fn without_userinfo(url: &Url) -> String {
    strip_userinfo(url).to_string()
}

/// `url` without a user name or password.
fn strip_userinfo(url: &Url) -> Url {
    let mut url = url.clone();
    // Both only fail for URLs that cannot have credentials.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url
}

/// What the thinking stage decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThinkingDecision {
    /// The level asked for, if any.
    pub requested: Option<ThinkingLevel>,
    /// The level sent.
    pub sent: Option<ThinkingLevel>,
    /// Why `sent` differs from `requested`, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clamped: Option<String>,
}

/// What the stages before the stream decided, for the caller.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TurnReport {
    /// The resolved model, with the base URL the request goes to (without
    /// any user name or password it carries).
    pub model: RuntimeModel,
    /// The thinking level sent.
    pub thinking: ThinkingDecision,
    /// Native reasoning fields, or `<think>` tags in the text.
    pub reasoning_output: ReasoningOutputMode,
    /// The replay policy in force for the history (the provider's
    /// `buildReplayPolicy` over the defaults, or the api's fallback).
    pub replay_policy: ReplayPolicy,
    /// What the generic history rules changed, rule by rule and edit by
    /// edit (see [`crate::replay`]).
    pub replay_changes: Vec<ReplayChange>,
    /// Problems `inspectToolSchemas` found.
    pub tool_diagnostics: Vec<ToolSchemaDiagnostic>,
    /// What `normalizeToolSchemas` changed, path by path.
    pub tool_changes: Vec<ToolSchemaChange>,
    /// Whether prompt-cache retention applies (`isCacheTtlEligible`).
    pub cache_ttl_eligible: bool,
}

/// A running turn: the answer's events, ending in exactly one `Done` or
/// `Error`, plus what the pipeline decided and its trace.
pub struct Turn {
    events: EventStream,
    report: TurnReport,
    trace: Option<TraceHandle>,
}

impl std::fmt::Debug for Turn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Turn")
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

impl Turn {
    /// The trace entry ([`TraceEntry::hook`](crate::TraceEntry::hook)) the
    /// turn records when the stream function's events end without a
    /// terminal event: the turn then ends with a `protocol` error of its
    /// own, a stand-in, not an error the provider reported. A test can
    /// tell the two apart with it (the conformance kit of
    /// `clawkit-testkit` fails an error check that ends in the stand-in).
    ///
    /// ```
    /// use clawkit_core::Turn;
    ///
    /// assert_eq!(Turn::MISSING_TERMINAL, "missingTerminalEvent");
    /// ```
    pub const MISSING_TERMINAL: &'static str = "missingTerminalEvent";

    /// What the stages before the stream decided.
    pub fn report(&self) -> &TurnReport {
        &self.report
    }

    /// The hook trace so far (complete once the stream has ended); empty
    /// unless the request asked for [`TurnRequest::record_trace`].
    pub fn trace(&self) -> HookTrace {
        self.trace
            .as_ref()
            .map(TraceHandle::snapshot)
            .unwrap_or_default()
    }

    /// The events alone, boxed.
    pub fn into_events(self) -> EventStream {
        self.events
    }
}

impl Stream for Turn {
    type Item = StreamEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<StreamEvent>> {
        self.events.as_mut().poll_next(cx)
    }
}

fn lock(trace: &Mutex<HookTrace>) -> std::sync::MutexGuard<'_, HookTrace> {
    match trace.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// `Some(trace)` when recording.
fn on(recording: bool, trace: &mut HookTrace) -> Option<&mut HookTrace> {
    recording.then_some(trace)
}

impl Runtime {
    /// Runs one turn through every stage (see the module docs) and returns
    /// its events. Fails before any request when the model, the credential
    /// or the transport cannot be found, or a hook fails; once streaming,
    /// every failure is a terminal [`StreamEvent::Error`].
    pub async fn stream(&self, request: TurnRequest) -> Result<Turn, CoreError> {
        let handle = request.trace.clone();
        let mut trace = HookTrace::new();
        let started = self.start_turn(request, handle.is_some(), &mut trace).await;
        if let Some(handle) = &handle {
            lock(&handle.0).append(trace);
        }
        let Started {
            stream_fn,
            request,
            turn_id,
            report,
            owner,
            transforms,
        } = started?;
        let stream_fn: SharedStreamFn = match &owner {
            Some((id, provider)) => Arc::new(TurnStateLayer {
                inner: stream_fn,
                owner_id: id.clone(),
                owner: Arc::clone(provider),
                turn_id,
                attempt: std::sync::atomic::AtomicU32::new(0),
                trace: handle.clone(),
            }),
            None => stream_fn,
        };
        let events = stream_fn.stream(request);
        // 9 and 10: output and errors.
        let output = TurnOutput::new(
            events,
            report.reasoning_output == ReasoningOutputMode::Tagged,
            transforms,
            owner,
            report.model.id.clone(),
            handle.clone(),
        );
        Ok(Turn {
            events: Box::pin(output),
            report,
            trace: handle,
        })
    }

    /// Stages 1 to 8: everything before the request.
    async fn start_turn(
        &self,
        request: TurnRequest,
        recording: bool,
        trace: &mut HookTrace,
    ) -> Result<Started, CoreError> {
        // 1. model
        let catalog = match &request.catalog {
            Some(catalog) => Arc::clone(catalog),
            None => Arc::new(self.catalog(on(recording, trace)).await),
        };
        let mut model = self
            .resolve_model(&catalog, &request.model, on(recording, trace))
            .await?;
        let owner = self
            .owner(&model.provider)
            .map(|r| (r.id().to_owned(), Arc::clone(&r.provider)));
        if let Some((id, provider)) = &owner {
            let ctx = ModelSelectedContext {
                model: model.clone(),
                config: Arc::clone(&self.config),
            };
            let selected = provider.on_model_selected(&ctx).await;
            let mut tracer = Tracer::new(on(recording, trace));
            match selected {
                Ok(()) => tracer.with("onModelSelected", Some(id), || TraceOutcome::NotHandled),
                Err(source) => {
                    tracer.failed("onModelSelected", id, &source);
                    return Err(CoreError::hook_failed(id, "onModelSelected", source));
                }
            }
        }

        // 2. thinking
        let thinking = {
            let mut tracer = Tracer::new(on(recording, trace));
            self.decide_thinking(&model, request.thinking, &mut tracer)
        };
        let reasoning_output = {
            let mut tracer = Tracer::new(on(recording, trace));
            self.with_owner(
                &model.provider,
                "resolveReasoningOutputMode",
                &mut tracer,
                |p| p.resolve_reasoning_output_mode(&ModelContext::of(&model)),
            )
            .unwrap_or(ReasoningOutputMode::Native)
        };

        // 3. auth
        let mut auth_request = request.auth.clone();
        if auth_request.provider_config.is_none() {
            auth_request.provider_config = catalog
                .provider(&model.provider)
                .map(|entry| Arc::clone(&entry.config));
        }
        let auth = self.resolve_auth(&model.provider, &auth_request, on(recording, trace))?;
        let auth = self
            .refresh_expired_oauth(auth, on(recording, trace))
            .await?;
        let credential = self
            .request_credential(&model, &auth, on(recording, trace))
            .await?;
        if let Some(url) = request.base_url.clone().or(credential.base_url.clone()) {
            model.base_url = url;
        }

        let mut context = request.context.clone();
        // 4. system prompt
        self.system_prompt_stage(&model, &request, &mut context, on(recording, trace));
        // 5. history
        let (replay_policy, replay_changes) = self
            .history_stage(&model, &request, &mut context, on(recording, trace))
            .await?;
        // 6. tools
        let (tool_diagnostics, tool_changes) =
            self.tools_stage(&model, &mut context, on(recording, trace));
        // 7. input text transforms
        let transforms = self.text_transforms_for(&model.provider);
        let before = recording.then(|| context.clone());
        transforms.apply_input_to_context(&mut context);
        let mut tracer = Tracer::new(on(recording, trace));
        tracer.with(
            "textTransforms",
            owner.as_ref().map(|o| o.0.as_str()),
            || TraceOutcome::Returned {
                value: serde_json::json!({
                    "rules": &transforms,
                    "inputChanged": before.as_ref() != Some(&context),
                }),
            },
        );

        // 8. stream
        let mut params = request.extra_params.clone();
        if let Some(flag) = params.remove("parallelToolCalls") {
            params.entry("parallel_tool_calls").or_insert(flag);
        }
        // `transport`: clawkit streams over HTTP (SSE); a WebSocket request
        // falls back to it, and the trace says so.
        if let Some(asked) = params.get("transport").and_then(Value::as_str)
            && asked == "websocket"
        {
            let mut tracer = Tracer::new(on(recording, trace));
            tracer.value(
                "transport",
                Some(model.provider.as_str()),
                &serde_json::json!({
                    "requested": asked,
                    "used": TransportKind::Stream,
                    "reason": "clawkit has no WebSocket transport",
                }),
            );
        }
        let cache_ttl_eligible = {
            let mut tracer = Tracer::new(on(recording, trace));
            let ctx = CacheTtlContext {
                provider: model.provider.clone(),
                model_id: model.id.clone(),
                model_api: Some(model.api.clone()),
                base_url: Some(model.base_url.clone()),
            };
            self.with_owner(&model.provider, "isCacheTtlEligible", &mut tracer, |p| {
                p.is_cache_ttl_eligible(&ctx)
            })
            .unwrap_or(matches!(
                model.api,
                crate::model::ModelApi::AnthropicMessages
            ))
        };
        if !cache_ttl_eligible {
            params.remove("cacheRetention");
        }
        let mut setup = StreamSetup::new(model.clone()).with_extra_params(params);
        if let Some(level) = thinking.sent {
            setup = setup.with_thinking_level(level);
        }
        let prepared =
            self.build_stream_fn(&setup, self.transport_for(&model.api), on(recording, trace))?;
        let mut options = StreamOptions::default();
        options.api_key = Some(credential.api_key.clone());
        options.headers = request.headers.clone();
        options
            .headers
            .merge(&credential.headers, HeaderPrecedence::CallerWins);
        options.temperature = request.temperature;
        options.max_tokens = request.max_tokens;
        options.thinking_level = thinking.sent;
        options.session_id = request.session_id.clone();
        options.cancellation = request.cancellation.clone();
        if !cache_ttl_eligible {
            // Also over a `cacheRetention` that `prepareExtraParams` added:
            // the options layer fills only what is unset.
            options.cache_retention = Some(crate::stream::CacheRetention::None);
        }
        options.extra_params = prepared
            .extra_params
            .iter()
            .filter(|(key, _)| !OPTION_PARAMS.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();

        Ok(Started {
            stream_fn: prepared.stream_fn,
            request: StreamRequest {
                model: model.clone(),
                context,
                options,
            },
            turn_id: request.turn_id.clone(),
            report: TurnReport {
                // The report is for showing: no credentials in its URL.
                model: RuntimeModel {
                    base_url: strip_userinfo(&model.base_url),
                    ..model
                },
                thinking,
                reasoning_output,
                replay_policy,
                replay_changes,
                tool_diagnostics,
                tool_changes,
                cache_ttl_eligible,
            },
            owner,
            transforms,
        })
    }

    /// The thinking level sent for `requested` (see [`ThinkingDecision`]).
    fn decide_thinking(
        &self,
        model: &RuntimeModel,
        requested: Option<ThinkingLevel>,
        tracer: &mut Tracer<'_>,
    ) -> ThinkingDecision {
        let provider = model.provider.as_str();
        let ctx = ThinkingContext {
            provider: provider.to_owned(),
            model_id: model.id.clone(),
            reasoning: Some(model.reasoning),
        };
        let model_ref = ModelRefContext::new(provider, model.id.as_str());
        let profile = self.with_owner(provider, "resolveThinkingProfile", tracer, |p| {
            p.resolve_thinking_profile(&ctx)
        });
        let binary = self.with_owner(provider, "isBinaryThinking", tracer, |p| {
            p.is_binary_thinking(&model_ref)
        });
        let xhigh = self.with_owner(provider, "supportsXHighThinking", tracer, |p| {
            p.supports_xhigh_thinking(&model_ref)
        });
        let default = self.with_owner(provider, "resolveDefaultThinkingLevel", tracer, |p| {
            p.resolve_default_thinking_level(&ctx)
        });
        let wanted = requested
            .or(profile.as_ref().and_then(|p| p.default_level))
            .or(default);
        let (sent, clamped) = clamp_thinking(
            wanted,
            model.reasoning,
            profile.as_ref(),
            binary == Some(true),
            xhigh == Some(true),
        );
        let decision = ThinkingDecision {
            requested,
            sent,
            clamped,
        };
        tracer.value("thinkingLevel", Some(provider), &decision);
        decision
    }

    fn system_prompt_stage(
        &self,
        model: &RuntimeModel,
        request: &TurnRequest,
        context: &mut Context,
        trace: Option<&mut HookTrace>,
    ) {
        let mut tracer = Tracer::new(trace);
        let provider = model.provider.as_str();
        let mut ctx = SystemPromptContext {
            provider: provider.to_owned(),
            model_id: model.id.clone(),
            prompt_mode: request.prompt_mode.clone(),
            system_prompt: context.system_prompt.clone().unwrap_or_default(),
        };
        let contribution = self.with_owner(
            provider,
            "resolveSystemPromptContribution",
            &mut tracer,
            |p| p.resolve_system_prompt_contribution(&ctx),
        );
        if let Some(contribution) = contribution {
            let mut sections: Vec<String> = Vec::new();
            let parts = [
                contribution.stable_prefix.as_deref(),
                Some(ctx.system_prompt.as_str()),
                contribution.dynamic_suffix.as_deref(),
            ];
            for part in parts.into_iter().flatten() {
                let part = part.trim();
                if !part.is_empty() && !sections.iter().any(|s| s == part) {
                    sections.push(part.to_owned());
                }
            }
            ctx.system_prompt = sections.join("\n\n");
        }
        let transformed = self.with_owner(provider, "transformSystemPrompt", &mut tracer, |p| {
            p.transform_system_prompt(&ctx)
        });
        let prompt = transformed.unwrap_or(ctx.system_prompt);
        context.system_prompt = (!prompt.is_empty()).then_some(prompt);
    }

    async fn history_stage(
        &self,
        model: &RuntimeModel,
        request: &TurnRequest,
        context: &mut Context,
        trace: Option<&mut HookTrace>,
    ) -> Result<(ReplayPolicy, Vec<ReplayChange>), CoreError> {
        let mut tracer = Tracer::new(trace);
        let provider = model.provider.as_str();
        let model_ctx = ModelContext::of(model);
        let policy = match self.with_owner(provider, "buildReplayPolicy", &mut tracer, |p| {
            p.build_replay_policy(&model_ctx)
        }) {
            Some(partial) => ReplayPolicy::defaults().merged(&partial),
            None => fallback_policy(model),
        };
        // The new user turn is not history: only earlier messages are replayed.
        let mut messages = std::mem::take(&mut context.messages);
        let current = split_current_turn(&mut messages);
        let given = messages.len();
        let allowed: Vec<String> = context.tools.iter().map(|t| t.name.clone()).collect();
        let target = ReplayTarget::of(model).with_allowed_tool_names(allowed.iter().cloned());
        let (sanitized, mut changes) = sanitize_history(&policy, &target, messages);
        tracer.value(
            "replayPolicy",
            Some(provider),
            &serde_json::json!({
                "policy": &policy,
                "changes": &changes,
            }),
        );
        let mut history = sanitized;
        let before_plugin = changes.len();
        let owner = self.owner(provider);
        if let Some(owner) = owner {
            let ctx = ReplayHistoryContext {
                model: model_ctx.clone(),
                session_id: request.session_id.clone(),
                messages: history.clone(),
                allowed_tool_names: Some(allowed),
            };
            match owner.provider.sanitize_replay_history(&ctx).await {
                Ok(result) => {
                    tracer.option(
                        "sanitizeReplayHistory",
                        owner.id(),
                        &result.as_ref().map(Vec::len),
                    );
                    if let Some(messages) = result {
                        history = messages;
                    }
                }
                Err(source) => {
                    return Err(hook_failed(
                        &mut tracer,
                        owner.id(),
                        "sanitizeReplayHistory",
                        source,
                    ));
                }
            }
            let (finished, more) = finish_sanitation(&policy, &target, history);
            history = finished;
            changes.extend(more);
            let ctx = ReplayHistoryContext {
                messages: history.clone(),
                ..ctx
            };
            match owner.provider.validate_replay_turns(&ctx).await {
                Ok(Some(messages)) => {
                    tracer.option("validateReplayTurns", owner.id(), &Some(messages.len()));
                    history = messages;
                }
                Ok(None) => {
                    tracer.option::<usize>("validateReplayTurns", owner.id(), &None);
                    let (validated, more) = validate_turns(&policy, &target, history);
                    history = validated;
                    changes.extend(more);
                }
                Err(source) => {
                    return Err(hook_failed(
                        &mut tracer,
                        owner.id(),
                        "validateReplayTurns",
                        source,
                    ));
                }
            }
        } else {
            let (finished, more) = finish_sanitation(&policy, &target, history);
            changes.extend(more);
            let (validated, more) = validate_turns(&policy, &target, finished);
            history = validated;
            changes.extend(more);
        }
        if changes.len() > before_plugin {
            // What the rules after the plugin's sanitizeReplayHistory did
            // (assistant-first fix, validators, the Responses repair).
            tracer.value(
                "replayTurns",
                Some(provider),
                &serde_json::json!({ "changes": &changes[before_plugin..] }),
            );
        }
        // What the whole stage did to the history, by rule and count (never
        // the messages' content).
        if given > 0 {
            tracer.value(
                "replayHistory",
                Some(provider),
                &serde_json::json!({
                    "messages": {"given": given, "sent": history.len()},
                    "changes": &changes,
                }),
            );
        }
        history.extend(current);
        context.messages = history;
        Ok((policy, changes))
    }

    fn tools_stage(
        &self,
        model: &RuntimeModel,
        context: &mut Context,
        trace: Option<&mut HookTrace>,
    ) -> (Vec<ToolSchemaDiagnostic>, Vec<ToolSchemaChange>) {
        let tools = std::mem::take(&mut context.tools);
        let stage = self.tool_schemas(model, tools, trace);
        context.tools = stage.tools;
        (stage.diagnostics, stage.changes)
    }
}

/// What stages 1 to 8 produced.
struct Started {
    stream_fn: SharedStreamFn,
    request: StreamRequest,
    turn_id: String,
    report: TurnReport,
    owner: Option<(String, Arc<dyn ProviderPlugin>)>,
    transforms: TextTransforms,
}

fn hook_failed(
    tracer: &mut Tracer<'_>,
    provider: &str,
    hook: &'static str,
    source: crate::error::PluginError,
) -> CoreError {
    tracer.failed(hook, provider, &source);
    CoreError::hook_failed(provider, hook, source)
}

/// Splits off the trailing user messages (the turn being asked) from the history.
fn split_current_turn(messages: &mut Vec<Message>) -> Vec<Message> {
    let start = messages
        .iter()
        .rposition(|m| !matches!(m, Message::User { .. }))
        .map_or(0, |i| i + 1);
    messages.split_off(start)
}

/// The level a model can take for `wanted`, and why it changed.
fn clamp_thinking(
    wanted: Option<ThinkingLevel>,
    reasoning: bool,
    profile: Option<&ThinkingProfile>,
    binary: bool,
    xhigh: bool,
) -> (Option<ThinkingLevel>, Option<String>) {
    let Some(level) = wanted else {
        return (None, None);
    };
    if let Some(profile) = profile.filter(|p| !p.levels.is_empty()) {
        if profile.offers(level) {
            return (Some(level), None);
        }
        return (
            Some(supported_level(profile, level)),
            Some(format!("{level:?} is not in the provider's thinking profile").to_lowercase()),
        );
    }
    if level == ThinkingLevel::Off {
        return (Some(level), None);
    }
    let overrides = profile.is_some_and(|p| p.overrides_catalog_reasoning);
    if !reasoning && !overrides {
        return (
            Some(ThinkingLevel::Off),
            Some("the model does not reason".to_owned()),
        );
    }
    if binary && level != ThinkingLevel::Low {
        return (
            Some(ThinkingLevel::Low),
            Some("the model's thinking is on or off".to_owned()),
        );
    }
    if level == ThinkingLevel::XHigh && !xhigh {
        return (
            Some(ThinkingLevel::High),
            Some("the model does not support xhigh".to_owned()),
        );
    }
    if level == ThinkingLevel::Max {
        // Only a thinking profile offers `max` (OpenClaw's base levels stop
        // at `high`, `xhigh` where the model has it): the strongest below.
        let sent = if xhigh {
            ThinkingLevel::XHigh
        } else {
            ThinkingLevel::High
        };
        return (
            Some(sent),
            Some("the model does not support max (no thinking profile offers it)".to_owned()),
        );
    }
    (Some(level), None)
}

/// OpenClaw's `resolveSupportedThinkingLevelFromProfile`, for a level the
/// profile does not offer: `adaptive` becomes the profile's default (when
/// that is not `off`); any other level the strongest offered level, other
/// than `off`, whose rank is not above it (`adaptive` ranks as `medium`);
/// else the weakest offered level other than `off`; else `off`. So a
/// model whose profile has no `off` (thinking always on) gets its weakest
/// level for `off`.
fn supported_level(profile: &ThinkingProfile, level: ThinkingLevel) -> ThinkingLevel {
    if level == ThinkingLevel::Adaptive
        && let Some(default) = profile.default_level.filter(|d| *d != ThinkingLevel::Off)
    {
        return default;
    }
    let requested = ThinkingOption::new(level).effective_rank();
    let mut ranked: Vec<&ThinkingOption> = profile.levels.iter().collect();
    // Strongest first; equal ranks keep the profile's order, as a stable
    // sort does in OpenClaw.
    ranked.sort_by_key(|option| std::cmp::Reverse(option.effective_rank()));
    let thinking = || ranked.iter().filter(|o| o.id != ThinkingLevel::Off);
    thinking()
        .find(|option| option.effective_rank() <= requested)
        .or_else(|| thinking().next_back())
        .map_or(ThinkingLevel::Off, |option| option.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_turn_request_prints_no_secret() {
        let canary = "sk-canary-turn-0123456789";
        let request = TurnRequest::prompt("p/m", "hi")
            .header("Authorization", format!("Bearer {canary}"))
            .base_url(
                format!("https://user:{canary}@example.com/v1")
                    .parse()
                    .unwrap(),
            )
            .auth(AuthRequest::with_key(canary));
        let printed = format!("{request:?}");
        assert!(!printed.contains(canary), "{printed}");
        assert!(printed.contains("Authorization") && printed.contains("example.com"));
        let mut options = StreamOptions::default();
        options.headers.insert("x-api-key", canary);
        assert!(!format!("{options:?}").contains(canary));
        let mut credential = crate::hooks::RequestCredential::new("k");
        credential
            .headers
            .insert("Authorization".into(), canary.into());
        let mut state = crate::hooks::TransportTurnState::default();
        state.headers.insert("x-api-key".into(), canary.into());
        for printed in [
            format!("{credential:?}"),
            serde_json::to_string(&credential).unwrap(),
            serde_json::to_string(&state).unwrap(),
        ] {
            assert!(!printed.contains(canary), "{printed}");
        }
    }

    #[test]
    fn a_turn_request_header_in_another_case_replaces_the_first() {
        let request = TurnRequest::prompt("p/m", "hi")
            .header("Authorization", "Bearer a")
            .header("authorization", "Bearer b");
        assert_eq!(
            request.headers.iter().collect::<Vec<_>>(),
            [("Authorization", "Bearer b")]
        );
    }

    #[test]
    fn thinking_is_clamped_to_what_the_model_can_do() {
        use ThinkingLevel::*;
        assert_eq!(
            clamp_thinking(Some(High), false, None, false, false).0,
            Some(Off)
        );
        assert_eq!(
            clamp_thinking(Some(XHigh), true, None, false, false).0,
            Some(High)
        );
        assert_eq!(
            clamp_thinking(Some(XHigh), true, None, false, true),
            (Some(XHigh), None)
        );
        assert_eq!(
            clamp_thinking(Some(Max), true, None, false, true).0,
            Some(XHigh)
        );
        assert_eq!(
            clamp_thinking(Some(Max), true, None, false, false),
            (
                Some(High),
                Some("the model does not support max (no thinking profile offers it)".to_owned())
            )
        );
        assert_eq!(
            clamp_thinking(Some(High), true, None, true, false).0,
            Some(Low)
        );
        assert_eq!(clamp_thinking(None, true, None, false, false), (None, None));
        let profile = ThinkingProfile {
            levels: [Off, Low, Medium]
                .into_iter()
                .map(|id| ThinkingOption {
                    id,
                    label: None,
                    rank: None,
                })
                .collect(),
            default_level: Some(Low),
            overrides_catalog_reasoning: true,
        };
        let (sent, why) = clamp_thinking(Some(High), false, Some(&profile), false, false);
        assert_eq!(sent, Some(Medium));
        assert_eq!(
            why.as_deref(),
            Some("high is not in the provider's thinking profile")
        );
        let mut with_max = profile.clone();
        with_max.levels.push(ThinkingOption {
            id: Max,
            label: None,
            rank: None,
        });
        assert_eq!(
            clamp_thinking(Some(Max), true, Some(&with_max), false, false),
            (Some(Max), None),
            "a profile that offers max keeps it"
        );
        assert_eq!(
            clamp_thinking(Some(Max), true, Some(&profile), false, true).0,
            Some(Medium),
            "else the strongest level of the profile below it"
        );
    }

    /// The profile rules of OpenClaw's `resolveSupportedThinkingLevelFromProfile`,
    /// on the profiles of the built-in catalogs (2026.9.6).
    #[test]
    fn a_profile_without_a_level_gives_the_closest_one_it_has() {
        use ThinkingLevel::*;
        // Claude Fable 5: thinking always on, no `off`, `minimal` or `adaptive`.
        let fable =
            ThinkingProfile::new([Low, Medium, High, XHigh, Max]).with_default_level(Medium);
        let sent = |profile: &ThinkingProfile, level| {
            clamp_thinking(Some(level), true, Some(profile), false, false)
        };
        assert_eq!(
            sent(&fable, Off),
            (
                Some(Low),
                Some("off is not in the provider's thinking profile".to_owned())
            ),
            "off on an always-thinking model is its weakest level"
        );
        assert_eq!(
            sent(&fable, Minimal).0,
            Some(Low),
            "nothing below: the weakest"
        );
        assert_eq!(
            sent(&fable, Adaptive).0,
            Some(Medium),
            "adaptive: the default"
        );
        // Gemini 3.1 Pro: `adaptive` ranks as `medium`.
        let pro = ThinkingProfile::new([Off, Low, Adaptive, High]);
        assert_eq!(sent(&pro, Medium).0, Some(Adaptive));
        assert_eq!(sent(&pro, Minimal).0, Some(Low));
        assert_eq!(sent(&pro, Max).0, Some(High));
        assert_eq!(sent(&pro, Off), (Some(Off), None));
        // Claude Haiku 4.5: no `adaptive`, no default.
        let haiku = ThinkingProfile::new([Off, Minimal, Low, Medium, High]);
        assert_eq!(sent(&haiku, Adaptive).0, Some(Medium));
        assert_eq!(sent(&haiku, XHigh).0, Some(High));
    }
}
