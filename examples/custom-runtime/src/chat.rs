//! A chat turn through the runtime: the request (OpenAI's Chat Completions
//! body plus the routing fields Claw3D sends), the answer (SSE when the
//! runtime streams, one JSON completion when it does not), and the Claw3D
//! runtime events beside the answer.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use clawkit_core::{
    ApiKey, Cancellation, ContentBlock, ErrorKind, EventStream, Message, StreamEvent, StreamFn,
    StreamRequest, Terminated,
};
use clawkit_http::{HttpError, StreamDecoder, openai_completions_body, resolve_compat};
use futures::{Stream, StreamExt};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::boundary::{Health, RouteMetadata};
use crate::client::{Probe, RuntimeClient, endpoint, from_http, runtime_url};
use crate::error::CustomRuntimeError;
use crate::events::{EventBody, RunPhase, RuntimeEvent, ToolPhase};
use crate::office::{OfficeState, Signals};
use crate::sessions::{SessionRecord, SessionStore};

/// How long a probe of the runtime is reused.
pub const PROBE_TTL: Duration = Duration::from_secs(5);

/// The last probe of the runtime, shared by the provider's turns.
#[derive(Debug, Default)]
pub(crate) struct ProbeCache {
    last: Mutex<Option<(url::Url, Instant, Arc<Probe>)>>,
}

impl ProbeCache {
    /// The last probe of the client's runtime if it is fresh, else a new one.
    pub(crate) async fn get(&self, client: &RuntimeClient) -> Arc<Probe> {
        let mut last = self.last.lock().await;
        if let Some((url, at, probe)) = last.as_ref()
            && url == client.base()
            && at.elapsed() < PROBE_TTL
        {
            return probe.clone();
        }
        let probe = Arc::new(client.probe().await);
        *last = Some((client.base().clone(), Instant::now(), probe.clone()));
        probe
    }

    /// Forgets the last probe (after a failure, the next turn looks again).
    pub(crate) async fn forget(&self) {
        *self.last.lock().await = None;
    }
}

/// The `custom` provider's stream function.
#[derive(Debug, Clone)]
pub(crate) struct Chat {
    /// A client whose connections every turn shares; each turn aims it at
    /// the model's runtime URL with the turn's token.
    pub(crate) client: RuntimeClient,
    pub(crate) probes: Arc<ProbeCache>,
    pub(crate) sessions: Option<Arc<SessionStore>>,
    pub(crate) allowed_hosts: Option<Vec<String>>,
    /// The synthetic credential that means "no token".
    pub(crate) no_token: ApiKey,
    /// `custom/<model>`, for the start event.
    pub(crate) model_ref: String,
}

impl StreamFn for Chat {
    fn stream(&self, request: StreamRequest) -> EventStream {
        let events = futures::stream::unfold(State::Start(Box::new((self.clone(), request))), step)
            .flat_map(futures::stream::iter);
        Terminated::boxed(Box::pin(events))
    }
}

/// Where Claw3D's routing fields come from: extra params (`--param
/// role=coder`), else the session key `agent:<role>:…` when the caller
/// gave one; with neither, no role is sent and the runtime routes by the
/// model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Routing {
    pub(crate) role: Option<String>,
    pub(crate) lane: Option<String>,
    pub(crate) session_key: String,
    pub(crate) conversation_id: String,
}

impl Routing {
    pub(crate) fn of(request: &StreamRequest) -> Routing {
        let param = |key: &str| {
            request
                .options
                .extra_params
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let explicit_role = param("role");
        let given_key = request
            .options
            .session_id
            .clone()
            .or_else(|| param("session_id"));
        // The role in a session key the caller gave; a key made up here
        // names no role, so the runtime routes by the model.
        let role = explicit_role.clone().or_else(|| {
            given_key
                .as_deref()?
                .strip_prefix("agent:")
                .and_then(|rest| rest.split(':').next())
                .filter(|role| !role.is_empty())
                .map(str::to_owned)
        });
        let session_key = given_key.unwrap_or_else(|| {
            format!("agent:{}:main", explicit_role.as_deref().unwrap_or("main"))
        });
        Routing {
            lane: param("lane"),
            conversation_id: param("conversation_id").unwrap_or_else(|| session_key.clone()),
            role,
            session_key,
        }
    }
}

enum State {
    Start(Box<(Chat, StreamRequest)>),
    Reading(Box<Reading>),
    Done,
}

struct Reading {
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    decoder: StreamDecoder,
    run: Run,
    idle: Duration,
    cancellation: Option<Cancellation>,
}

async fn step(state: State) -> Option<(Vec<StreamEvent>, State)> {
    match state {
        State::Done => None,
        State::Start(parts) => {
            let (chat, request) = *parts;
            Some(start(chat, request).await)
        }
        State::Reading(reading) => Some(read(reading).await),
    }
}

static RUNS: AtomicU64 = AtomicU64::new(0);

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

async fn start(mut chat: Chat, request: StreamRequest) -> (Vec<StreamEvent>, State) {
    let routing = Routing::of(&request);
    let base = match runtime_url(
        request.model.base_url.as_str(),
        chat.allowed_hosts.as_deref(),
    ) {
        Ok(base) => base,
        Err(error) => {
            let event = StreamEvent::Error {
                kind: ErrorKind::InvalidRequest,
                message: error.to_string(),
                failover: None,
            };
            return (vec![event], State::Done);
        }
    };
    let token = request
        .options
        .api_key
        .clone()
        .filter(|key| key.expose() != chat.no_token.expose());
    chat.client = chat.client.with_target(base, token);
    let probe = chat.probes.get(&chat.client).await;
    let streams = probe.state.as_ref().and_then(|s| s.streams) == Some(true);
    let mut run = Run {
        id: format!(
            "run-{}-{}",
            now_ms(),
            RUNS.fetch_add(1, Ordering::Relaxed) + 1
        ),
        agent_id: routing.role.clone().unwrap_or_else(|| "main".to_owned()),
        route: RouteMetadata::default(),
        answer: String::new(),
        chat: chat.clone(),
        routing: routing.clone(),
        record: None,
        context: Vec::new(),
        requested_model: request.model.id.clone(),
        resolved_model: None,
        request_id: None,
        probe: probe.clone(),
    };
    let mut out = Vec::new();

    // The session: stored metadata and history, which a restarted provider
    // puts back in front of a turn that arrives without it.
    let mut context = request.context.clone();
    if let Some(store) = &chat.sessions {
        match store.load(&routing.session_key) {
            Ok(record) => run.record = record,
            Err(error @ CustomRuntimeError::CorruptSession(_)) => {
                let mut fields = serde_json::Map::new();
                fields.insert("storeWarning".to_owned(), json!(error.to_string()));
                run.push(&mut out, EventBody::SessionActivity { session: fields });
            }
            // The store is an aid, not a condition of chatting.
            Err(error) => tracing::warn!(%error, "custom: the session store could not be read"),
        }
    }
    if let Some(record) = &run.record
        && !record.messages.is_empty()
        && !context.messages.starts_with(&record.messages)
        && !context
            .messages
            .iter()
            .any(|m| matches!(m, Message::Assistant { .. }))
    {
        let mut messages = record.messages.clone();
        messages.append(&mut context.messages);
        context.messages = messages;
    }
    run.context = context.messages.clone();

    let model = &request.model;
    let mut body =
        openai_completions_body(model, &resolve_compat(model), &context, &request.options);
    body["stream"] = json!(streams);
    if !streams && let Some(object) = body.as_object_mut() {
        object.remove("stream_options");
    }
    for (key, value) in [
        ("role", routing.role.as_deref()),
        ("lane", routing.lane.as_deref()),
        ("session_id", Some(routing.session_key.as_str())),
        ("conversation_id", Some(routing.conversation_id.as_str())),
    ] {
        if let Some(value) = value {
            body[key] = json!(value);
        }
    }
    request.options.apply_payload_hooks(&mut body, model);

    run.push(
        &mut out,
        EventBody::RunLifecycle {
            phase: RunPhase::Start,
        },
    );
    run.presence(&mut out, true, None);

    let url = endpoint(chat.client.base(), "/v1/chat/completions");
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let mut headers = chat.client.headers();
    for (name, value) in request.options.headers.iter() {
        headers.insert(name, value);
    }
    let secrets = chat.client.secrets();
    let send = chat
        .client
        .http()
        .post_json("custom", &url, &headers, &bytes, &secrets);
    let sent = match &request.options.cancellation {
        Some(cancel) => {
            futures::pin_mut!(send);
            match futures::future::select(send, cancel.cancelled()).await {
                futures::future::Either::Left((result, _)) => Some(result),
                futures::future::Either::Right(_) => None,
            }
        }
        None => Some(send.await),
    };
    let ok = match sent {
        None => {
            run.fail(
                &mut out,
                ErrorKind::Cancelled,
                "custom: the request was cancelled".to_owned(),
                None,
                None,
            );
            return (out, State::Done);
        }
        Some(Err(error)) => {
            run.fail_http(&mut out, &error).await;
            return (out, State::Done);
        }
        Some(Ok(ok)) => ok,
    };
    run.request_id = ok.request_id.clone();
    if let Some(id) = &ok.request_id {
        run.id = id.clone();
    }
    out.push(StreamEvent::Start {
        model: chat.model_ref.clone(),
        response_id: None,
        request_id: ok.request_id.clone(),
    });
    let Some(mut decoder) = StreamDecoder::new(model) else {
        run.fail(
            &mut out,
            ErrorKind::Protocol,
            "custom: no decoder for the model's api".to_owned(),
            None,
            None,
        );
        return (out, State::Done);
    };
    let is_sse = ok
        .response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"));
    if !is_sse {
        // One JSON completion: fed to the same decoder as one chunk.
        let answer: Result<Value, HttpError> = chat.client.http().read_json("custom", ok).await;
        match answer {
            Ok(answer) => {
                if let Some(route) = answer.get("route") {
                    run.route = RouteMetadata::read(route);
                }
                run.resolved_model = answer
                    .get("model")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let mut events = Vec::new();
                decoder.push(completion_as_chunk(&answer), &mut events);
                decoder.finish(&mut events);
                for event in events {
                    run.map(event, &mut out);
                }
            }
            Err(error) => run.fail_http(&mut out, &error).await,
        }
        return (out, State::Done);
    }
    let reading = Reading {
        body: Box::pin(ok.response.bytes_stream()),
        decoder,
        run,
        idle: chat.client.http().config().idle_timeout,
        cancellation: request.options.cancellation.clone(),
    };
    (out, State::Reading(Box::new(reading)))
}

async fn read(mut reading: Box<Reading>) -> (Vec<StreamEvent>, State) {
    let mut out = Vec::new();
    loop {
        let next = async {
            match tokio::time::timeout(reading.idle, reading.body.next()).await {
                Err(_) => Next::Stalled,
                Ok(None) => Next::End,
                Ok(Some(Err(e))) => Next::Broken(e.to_string()),
                Ok(Some(Ok(bytes))) => Next::Chunk(bytes),
            }
        };
        let next = match reading.cancellation.clone() {
            Some(cancel) => {
                futures::pin_mut!(next);
                match futures::future::select(next, cancel.cancelled()).await {
                    futures::future::Either::Left((next, _)) => next,
                    futures::future::Either::Right(_) => Next::Cancelled,
                }
            }
            None => next.await,
        };
        let r = &mut *reading;
        let mut events = Vec::new();
        match next {
            Next::Chunk(bytes) => r.decoder.push(bytes, &mut events),
            Next::End => r.decoder.finish(&mut events),
            Next::Broken(why) => {
                r.run.fail(
                    &mut out,
                    ErrorKind::ConnectionDropped,
                    format!("custom: the answer broke off: {why}"),
                    None,
                    None,
                );
                return (out, State::Done);
            }
            Next::Stalled => {
                let message = format!("custom: no data for {} ms", r.idle.as_millis());
                r.run
                    .fail(&mut out, ErrorKind::IdleTimeout, message, None, None);
                return (out, State::Done);
            }
            Next::Cancelled => {
                r.run.fail(
                    &mut out,
                    ErrorKind::Cancelled,
                    "custom: the request was cancelled".to_owned(),
                    None,
                    None,
                );
                return (out, State::Done);
            }
        }
        let mut finished = false;
        for event in events {
            finished |= event.is_terminal();
            r.run.map(event, &mut out);
            if finished {
                break;
            }
        }
        if finished {
            return (out, State::Done);
        }
        if !out.is_empty() {
            return (out, State::Reading(reading));
        }
    }
}

enum Next {
    Chunk(Bytes),
    End,
    Broken(String),
    Stalled,
    Cancelled,
}

/// One run: what the events need to say and what the session keeps.
struct Run {
    id: String,
    agent_id: String,
    route: RouteMetadata,
    answer: String,
    chat: Chat,
    routing: Routing,
    record: Option<SessionRecord>,
    context: Vec<Message>,
    requested_model: String,
    resolved_model: Option<String>,
    request_id: Option<String>,
    probe: Arc<Probe>,
}

impl Run {
    fn push(&self, out: &mut Vec<StreamEvent>, body: EventBody) {
        let event = RuntimeEvent::new(&self.id, &self.routing.session_key, body, &self.route);
        out.push(event.to_stream_event());
    }

    /// `presence.changed` for the agent, from the probe's signals.
    fn presence(&self, out: &mut Vec<StreamEvent>, running: bool, failure: Option<u16>) {
        let signals = Signals {
            health: self.probe.health.as_ref(),
            state: self.probe.state.as_ref(),
            running,
            last_failure_status: failure,
            unreachable: !self.probe.endpoints.health && !self.probe.endpoints.chat,
        };
        let state = OfficeState::from_signals(&signals);
        self.push(
            out,
            EventBody::PresenceChanged {
                agent_id: self.agent_id.clone(),
                state,
            },
        );
    }

    /// A decoded event, and the runtime events it means.
    fn map(&mut self, event: StreamEvent, out: &mut Vec<StreamEvent>) {
        match &event {
            StreamEvent::Raw {
                event: Some(name),
                data,
            } if name == "route" => {
                if let Ok(value) = serde_json::from_str::<Value>(data) {
                    self.route = RouteMetadata::read(value.get("route").unwrap_or(&value));
                }
                return;
            }
            StreamEvent::TextDelta { text, .. } => {
                self.answer.push_str(text);
                let body = EventBody::ChatDelta {
                    text: text.as_str().to_owned(),
                };
                out.push(event);
                self.push(out, body);
                return;
            }
            StreamEvent::ToolCallStart { id, name, .. } => {
                let body = EventBody::ToolProgress {
                    tool_call_id: id.clone(),
                    name: name.clone(),
                    phase: ToolPhase::Started,
                };
                out.push(event);
                self.push(out, body);
                return;
            }
            StreamEvent::ToolCallEnd { id, name, .. } => {
                let body = EventBody::ToolProgress {
                    tool_call_id: id.clone(),
                    name: name.clone(),
                    phase: ToolPhase::Ready,
                };
                out.push(event);
                self.push(out, body);
                return;
            }
            StreamEvent::Done { reason } => {
                let reason = reason.clone();
                self.push(
                    out,
                    EventBody::ChatFinal {
                        text: self.answer.clone(),
                        stop_reason: reason.as_str().to_owned(),
                    },
                );
                self.save(out);
                self.push(
                    out,
                    EventBody::RunLifecycle {
                        phase: RunPhase::End,
                    },
                );
                self.presence(out, false, None);
                out.push(event);
                return;
            }
            StreamEvent::Error {
                kind,
                message,
                failover,
            } => {
                let (kind, message, failover) = (kind.clone(), message.clone(), *failover);
                self.fail(out, kind, message, None, failover);
                return;
            }
            _ => {}
        }
        out.push(event);
    }

    /// Ends the run with an error: `chat.error`, `run.lifecycle` error and
    /// the agent's presence, then the terminal `Error`.
    fn fail(
        &mut self,
        out: &mut Vec<StreamEvent>,
        kind: ErrorKind,
        message: String,
        status: Option<u16>,
        failover: Option<clawkit_core::FailoverReason>,
    ) {
        let health = self.probe.health.as_ref().map(Health::summary);
        self.push(
            out,
            EventBody::ChatError {
                message: message.clone(),
                status,
                health,
            },
        );
        self.push(
            out,
            EventBody::RunLifecycle {
                phase: RunPhase::Error,
            },
        );
        self.presence(out, false, status);
        out.push(StreamEvent::Error {
            kind,
            message,
            failover,
        });
    }

    /// Ends the run with an HTTP failure, its message naming the status and
    /// the runtime's health (asked again now).
    async fn fail_http(&mut self, out: &mut Vec<StreamEvent>, error: &HttpError) {
        self.chat.probes.forget().await;
        let health = self.chat.client.health().await.ok();
        let message = match from_http(error, health.as_ref()) {
            CustomRuntimeError::Runtime { message, .. } => message,
            other => other.to_string(),
        };
        if let Some(health) = health {
            let mut probe = (*self.probe).clone();
            probe.health = Some(health);
            self.probe = Arc::new(probe);
        }
        self.fail(
            out,
            error.stream_kind(),
            message,
            error.status(),
            error.failover_reason(),
        );
    }

    /// Stores the session after a finished turn and says so.
    fn save(&mut self, out: &mut Vec<StreamEvent>) {
        let mut record = self.record.take().unwrap_or_else(|| {
            SessionRecord::new(&self.routing.session_key, &self.routing.conversation_id)
        });
        record.conversation_id = self.routing.conversation_id.clone();
        record.active_role = self
            .route
            .selected_role
            .clone()
            .or(self.routing.role.clone());
        record.lane = self.route.lane.clone().or(self.routing.lane.clone());
        record.requested_model = Some(self.requested_model.clone());
        record.resolved_model = self
            .route
            .resolved_model
            .clone()
            .or(self.resolved_model.clone());
        record.request_id = self.request_id.clone();
        record.turns += 1;
        record.messages = std::mem::take(&mut self.context);
        record
            .messages
            .push(Message::assistant_blocks(vec![ContentBlock::text(
                &self.answer,
            )]));
        record.updated_at_ms = now_ms();
        let mut fields = serde_json::Map::new();
        if let Ok(Value::Object(mut stored)) = serde_json::to_value(&record) {
            // The event carries the metadata, not the conversation.
            stored.remove("messages");
            fields = stored;
        }
        if let Some(store) = &self.chat.sessions
            && let Err(error) = store.save(&record)
        {
            fields.insert("storeWarning".to_owned(), json!(error.to_string()));
        }
        self.push(out, EventBody::SessionActivity { session: fields });
    }
}

/// A `chat.completion` answer as the one `chat.completion.chunk` that says
/// the same, followed by `[DONE]`, for the streaming decoder.
fn completion_as_chunk(answer: &Value) -> Bytes {
    let choice = answer.pointer("/choices/0").cloned().unwrap_or(Value::Null);
    let message = choice.get("message").cloned().unwrap_or(Value::Null);
    let mut delta = json!({"role": "assistant"});
    for key in ["content", "reasoning_content", "reasoning"] {
        if let Some(value) = message.get(key).filter(|v| !v.is_null()) {
            delta[key] = value.clone();
        }
    }
    if let Some(Value::Array(calls)) = message.get("tool_calls") {
        let calls: Vec<Value> = calls
            .iter()
            .enumerate()
            .map(|(index, call)| {
                let mut call = call.clone();
                call["index"] = json!(index);
                call
            })
            .collect();
        delta["tool_calls"] = Value::Array(calls);
    }
    let finish = choice
        .get("finish_reason")
        .cloned()
        .filter(|v| !v.is_null())
        .unwrap_or(json!("stop"));
    let mut chunk = json!({
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    });
    for key in ["id", "model", "usage", "error"] {
        if let Some(value) = answer.get(key).filter(|v| !v.is_null()) {
            chunk[key] = value.clone();
        }
    }
    if answer.get("choices").is_none() {
        // Not a completion at all: let the decoder report what it is.
        chunk = answer.clone();
    }
    let mut bytes = b"data: ".to_vec();
    bytes.extend(serde_json::to_vec(&chunk).unwrap_or_default());
    bytes.extend_from_slice(b"\n\ndata: [DONE]\n\n");
    Bytes::from(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clawkit_core::{Context, ModelApi, RuntimeModel};

    fn request() -> StreamRequest {
        let model = RuntimeModel::new(
            "custom",
            "m",
            ModelApi::OpenAiCompletions,
            "http://127.0.0.1:9".parse().unwrap(),
        );
        StreamRequest::new(model, Context::default())
    }

    #[test]
    fn routing_comes_from_params_then_the_session_key() {
        let mut plain = request();
        assert_eq!(
            Routing::of(&plain),
            // Claw3D's default session key; no role: the runtime routes
            // by the model.
            Routing {
                role: None,
                lane: None,
                session_key: "agent:main:main".into(),
                conversation_id: "agent:main:main".into()
            }
        );
        plain.options.session_id = Some("agent:coder:main".into());
        assert_eq!(Routing::of(&plain).role.as_deref(), Some("coder"));
        let mut params = request();
        params
            .options
            .extra_params
            .insert("role".into(), json!("reviewer"));
        params
            .options
            .extra_params
            .insert("lane".into(), json!("qa"));
        params
            .options
            .extra_params
            .insert("conversation_id".into(), json!("thread-9"));
        let routing = Routing::of(&params);
        assert_eq!(routing.session_key, "agent:reviewer:main");
        assert_eq!(
            (routing.lane.as_deref(), routing.conversation_id.as_str()),
            (Some("qa"), "thread-9")
        );
    }

    #[test]
    fn a_completion_reads_as_one_chunk() {
        let answer = json!({"id": "c1", "model": "m", "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi",
            "tool_calls": [{"id": "t1", "type": "function", "function": {"name": "look", "arguments": "{}"}}]}, "finish_reason": "tool_calls"}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1}});
        let bytes = completion_as_chunk(&answer);
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let data = text
            .strip_prefix("data: ")
            .unwrap()
            .split("\n\n")
            .next()
            .unwrap();
        let chunk: Value = serde_json::from_str(data).unwrap();
        assert_eq!(chunk["choices"][0]["delta"]["content"], "Hi");
        assert_eq!(chunk["choices"][0]["delta"]["tool_calls"][0]["index"], 0);
        assert_eq!(chunk["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(chunk["usage"]["prompt_tokens"], 3);
        assert!(text.ends_with("data: [DONE]\n\n"));
    }
}
