//! The HTTP side: the router, request ids, bounded bodies, and the three
//! completion endpoints (routing, the failing-worker and queue checks,
//! streamed or whole answers).

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::contract::Contract;
use super::request::{self, CompletionRequest};
use super::wire::{self, ApiError, Meta, Shape, Tokens};
use super::worker::{Job, Run, WorkerEvent, WorkerFailure};
use super::{QueueSlot, Routed, Shared};
use crate::sessions::SessionRecord;

/// The header every answer carries.
const REQUEST_ID: &str = "x-request-id";

/// The longest client-sent request id kept (longer ones are replaced).
const MAX_REQUEST_ID_LEN: usize = 128;

/// This request's id.
#[derive(Debug, Clone)]
struct RequestId(String);

pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/state", get(state))
        .route("/registry", get(registry))
        .route("/v1/models", get(registry))
        .route("/v1/chat/completions", post(chat))
        .route("/v1/completions", post(completions))
        .route("/v1/contracted-completions", post(contracted))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            request_id,
        ))
        .with_state(shared)
}

/// Gives every request an id (the client's `x-request-id` when it is a
/// sane one) and every answer the `x-request-id` header.
async fn request_id(
    State(shared): State<Arc<Shared>>,
    mut request: Request,
    next: Next,
) -> Response {
    let given = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| {
            !id.is_empty()
                && id.len() <= MAX_REQUEST_ID_LEN
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map(str::to_owned);
    let id = given.unwrap_or_else(|| {
        let n = shared.requests.fetch_add(1, Ordering::Relaxed);
        format!("req-{:x}-{n}", now_millis())
    });
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

async fn health(State(shared): State<Arc<Shared>>) -> Response {
    wire::json_response(StatusCode::OK, &shared.health_document())
}

async fn state(State(shared): State<Arc<Shared>>) -> Response {
    wire::json_response(StatusCode::OK, &shared.state_document())
}

async fn registry(State(shared): State<Arc<Shared>>) -> Response {
    wire::json_response(StatusCode::OK, &shared.registry_document())
}

async fn not_found(request: Request) -> Response {
    ApiError::not_found(request.method().as_str(), request.uri().path()).into_response()
}

async fn chat(
    State(shared): State<Arc<Shared>>,
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    answer(shared, id, headers, body, Shape::Chat, request::chat).await
}

async fn completions(
    State(shared): State<Arc<Shared>>,
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    answer(
        shared,
        id,
        headers,
        body,
        Shape::Completion,
        request::completion,
    )
    .await
}

/// Reads the body, parses it with `parse` and answers in `shape`.
async fn answer(
    shared: Arc<Shared>,
    id: RequestId,
    headers: HeaderMap,
    body: Body,
    shape: Shape,
    parse: fn(&Value) -> Result<CompletionRequest, ApiError>,
) -> Response {
    let request = match read_json(&shared, &headers, body).await {
        Ok(body) => parse(&body),
        Err(error) => Err(error),
    };
    match request {
        Ok(request) => complete(shared, id.0, shape, request).await,
        Err(error) => error.into_response(),
    }
}

async fn contracted(
    State(shared): State<Arc<Shared>>,
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match contracted_answer(shared, id.0, headers, body).await {
        Ok(answer) => wire::json_response(StatusCode::OK, &answer),
        Err(error) => error.into_response(),
    }
}

/// The body as JSON, read up to `maxBodyBytes` (413 beyond).
async fn read_json(shared: &Shared, headers: &HeaderMap, body: Body) -> Result<Value, ApiError> {
    let limit = shared.config.max_body_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::too_large(limit));
    }
    let mut bytes = Vec::new();
    let mut frames = body.into_data_stream();
    while let Some(frame) = frames.next().await {
        let frame = frame.map_err(|e| {
            ApiError::bad_request(
                "invalid_body",
                format!("the request body could not be read: {e}"),
            )
        })?;
        if bytes.len() + frame.len() > limit {
            return Err(ApiError::too_large(limit));
        }
        bytes.extend_from_slice(&frame);
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::bad_request("invalid_json", format!("the request body is not JSON: {e}"))
    })
}

/// A routed request with its place in the queue and its running worker.
struct Started {
    routed: Routed,
    route: Value,
    run: Run,
    slot: QueueSlot,
    deadline: Instant,
    note: SessionNote,
}

/// Routes `request`, refuses it when its worker is failing (503) or the
/// queue is full (429), and starts the worker.
fn start(shared: &Arc<Shared>, id: &str, request: &CompletionRequest) -> Result<Started, ApiError> {
    let routed = shared.route(request.role.as_deref(), request.model.as_deref());
    let worker = &shared.workers[routed.worker];
    let route = serde_json::to_value(shared.route_metadata(routed)).unwrap_or(Value::Null);
    if worker.failing().is_some() {
        worker.count_failure();
        return Err(ApiError::worker_failing(&worker.config.id));
    }
    let role = &shared.roles[routed.role];
    let slot = shared
        .enqueue(role.lane)
        .ok_or_else(|| ApiError::queue_full(shared.config.max_queue_depth))?;
    let job = Job {
        context: request.context.clone(),
        prompt: request.prompt.clone(),
        label: role.label.clone(),
        session_id: request.session_id.clone(),
        temperature: request.temperature,
        max_tokens: request.max_tokens,
        contract: request.contract.clone(),
    };
    let run = Run::start(Arc::clone(worker), shared.runtime.clone(), job);
    let note = SessionNote {
        session_id: request.session_id.clone(),
        conversation_id: request.conversation_id.clone(),
        role: role.config.id.clone(),
        lane: shared.lanes[role.lane].id.clone(),
        requested_model: request.model.clone(),
        resolved_model: worker.config.model_id().to_owned(),
        request_id: id.to_owned(),
    };
    Ok(Started {
        routed,
        route,
        run,
        slot,
        deadline: Instant::now() + Duration::from_millis(shared.config.request_timeout_ms),
        note,
    })
}

/// A chat or plain completion: streamed when asked, else whole.
async fn complete(
    shared: Arc<Shared>,
    id: String,
    shape: Shape,
    request: CompletionRequest,
) -> Response {
    let started = match start(&shared, &id, &request) {
        Ok(started) => started,
        Err(error) => return error.into_response(),
    };
    let prefix = match shape {
        Shape::Chat => "chatcmpl",
        Shape::Completion => "cmpl",
    };
    let meta = Meta {
        id: format!("{prefix}-{id}"),
        created: now_millis() / 1000,
        model: started.note.resolved_model.clone(),
    };
    if request.stream {
        return stream(shared, shape, meta, request.include_usage, started);
    }
    let Started {
        routed,
        route,
        mut run,
        slot,
        deadline,
        note,
    } = started;
    let answer = collect(&shared, routed, &mut run, deadline).await;
    drop(slot);
    save_session(&shared, note, answer.is_ok()).await;
    match answer {
        Ok(answer) => wire::json_response(
            StatusCode::OK,
            &wire::completion(
                shape,
                &meta,
                &answer.text,
                answer.finish,
                answer.tokens,
                &route,
            ),
        ),
        Err(error) => error.into_response(),
    }
}

/// `/v1/contracted-completions`: the worker's whole answer, checked
/// against the contract.
async fn contracted_answer(
    shared: Arc<Shared>,
    id: String,
    headers: HeaderMap,
    body: Body,
) -> Result<Value, ApiError> {
    let request = request::contracted(&read_json(&shared, &headers, body).await?)?;
    let schema = request.contract.clone().unwrap_or(Value::Bool(true));
    let contract = Contract::compile(&schema).map_err(|reason| {
        ApiError::bad_request(
            "invalid_contract",
            format!("the contract is not a valid JSON Schema: {reason}"),
        )
    })?;
    let Started {
        routed,
        route,
        mut run,
        slot,
        deadline,
        note,
    } = start(&shared, &id, &request)?;
    let answer = collect(&shared, routed, &mut run, deadline).await;
    drop(slot);
    let checked = answer.and_then(|answer| {
        contract
            .check(&answer.text)
            .map(|output| (output, answer.text))
            .map_err(|v| ApiError::contract_violation(v.pointer, v.message))
    });
    save_session(&shared, note.clone(), checked.is_ok()).await;
    let (output, text) = checked?;
    Ok(json!({
        "id": format!("ccmpl-{id}"),
        "model": note.resolved_model,
        "output": output,
        "text": text,
        "route": route,
    }))
}

/// A whole answer.
struct Answer {
    text: String,
    finish: &'static str,
    tokens: Tokens,
}

/// Runs the worker to its end, or to the deadline.
async fn collect(
    shared: &Shared,
    routed: Routed,
    run: &mut Run,
    deadline: Instant,
) -> Result<Answer, ApiError> {
    let worker = &shared.workers[routed.worker].config.id;
    let mut text = String::new();
    let mut tokens = Tokens::default();
    loop {
        match tokio::time::timeout_at(deadline, run.next()).await {
            Err(_elapsed) => {
                run.abandon();
                return Err(ApiError::timeout(worker, shared.config.request_timeout_ms));
            }
            Ok(Some(WorkerEvent::Text(piece))) => text.push_str(&piece),
            Ok(Some(WorkerEvent::Usage(counted))) => tokens = counted,
            Ok(Some(WorkerEvent::Done(finish))) => {
                return Ok(Answer {
                    text,
                    finish,
                    tokens,
                });
            }
            Ok(Some(WorkerEvent::Failed(failure))) => return Err(failure_error(worker, failure)),
            Ok(None) => {
                return Err(ApiError::worker_error(
                    worker,
                    "the answer ended unfinished",
                ));
            }
        }
    }
}

fn failure_error(worker: &str, failure: WorkerFailure) -> ApiError {
    match failure {
        WorkerFailure::MarkedFailing => ApiError::worker_failing(worker),
        WorkerFailure::Error(message) => ApiError::worker_error(worker, &message),
    }
}

/// Where a stream is.
enum Phase {
    /// Nothing sent yet: the route event and the role chunk come first.
    Start,
    /// Relaying the worker's text.
    Running,
    /// Sent `[DONE]` or an error.
    Over,
}

/// A streamed answer: the worker, what it said so far and what to send.
/// Dropping it (the client went away) drops the worker: cancellation.
struct Streaming {
    phase: Phase,
    shared: Arc<Shared>,
    shape: Shape,
    meta: Meta,
    include_usage: bool,
    tokens: Tokens,
    started: Started,
}

/// The SSE answer: `event: route`, the chunks, `[DONE]`; or a last
/// `data: {"error": …}` when the worker fails once streaming.
fn stream(
    shared: Arc<Shared>,
    shape: Shape,
    meta: Meta,
    include_usage: bool,
    started: Started,
) -> Response {
    let state = Streaming {
        phase: Phase::Start,
        shared,
        shape,
        meta,
        include_usage,
        tokens: Tokens::default(),
        started,
    };
    let frames = futures::stream::unfold(state, next_frames).map(Ok::<Bytes, Infallible>);
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/event-stream"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        Body::from_stream(frames),
    )
        .into_response()
}

/// The next bytes of the stream; `None` once it is over.
async fn next_frames(mut s: Streaming) -> Option<(Bytes, Streaming)> {
    match s.phase {
        Phase::Over => None,
        Phase::Start => {
            s.phase = Phase::Running;
            let mut frames = vec![wire::sse_event("route", &json!({"route": s.started.route}))];
            // Chat streams open with the assistant's role, as OpenAI's do.
            if s.shape == Shape::Chat {
                frames.push(wire::sse_data(&wire::chunk(
                    s.shape,
                    &s.meta,
                    true,
                    Some(""),
                    None,
                )));
            }
            Some((frames.concat().into(), s))
        }
        Phase::Running => loop {
            let next = tokio::time::timeout_at(s.started.deadline, s.started.run.next()).await;
            let frames = match next {
                Ok(Some(WorkerEvent::Text(text))) => {
                    wire::sse_data(&wire::chunk(s.shape, &s.meta, false, Some(&text), None))
                }
                Ok(Some(WorkerEvent::Usage(tokens))) => {
                    s.tokens = tokens;
                    continue;
                }
                Ok(Some(WorkerEvent::Done(finish))) => {
                    let mut frames = vec![wire::sse_data(&wire::chunk(
                        s.shape,
                        &s.meta,
                        false,
                        None,
                        Some(finish),
                    ))];
                    if s.include_usage {
                        frames.push(wire::sse_data(&wire::usage_chunk(
                            s.shape, &s.meta, s.tokens,
                        )));
                    }
                    frames.push(wire::sse_done());
                    s.finish(true).await;
                    frames.concat().into()
                }
                other => {
                    let worker = &s.shared.workers[s.started.routed.worker].config.id;
                    let error = match other {
                        Ok(Some(WorkerEvent::Failed(failure))) => failure_error(worker, failure),
                        Err(_elapsed) => {
                            s.started.run.abandon();
                            ApiError::timeout(worker, s.shared.config.request_timeout_ms)
                        }
                        _ => ApiError::worker_error(worker, "the answer ended unfinished"),
                    };
                    s.finish(false).await;
                    wire::sse_data(&error.body())
                }
            };
            return Some((frames, s));
        },
    }
}

impl Streaming {
    /// The stream is over: record the session (before the last frame, so
    /// a client's next turn finds it), free the queue place.
    async fn finish(&mut self, ok: bool) {
        self.phase = Phase::Over;
        save_session(&self.shared, self.started.note.clone(), ok).await;
        // The queue place goes back when the stream is dropped, which is
        // right after its last frame is written.
    }
}

/// What a finished request says about its session.
#[derive(Debug, Clone)]
struct SessionNote {
    session_id: Option<String>,
    conversation_id: Option<String>,
    role: String,
    lane: String,
    requested_model: Option<String>,
    resolved_model: String,
    request_id: String,
}

/// Records the request in its session (when there is a session store and
/// a `session_id`), off the async threads, one update at a time. Only
/// metadata: the client owns the conversation and resends it whole.
async fn save_session(shared: &Arc<Shared>, note: SessionNote, ok: bool) {
    let (Some(store), Some(session_id)) = (shared.sessions.clone(), note.session_id.clone()) else {
        return;
    };
    let shared = Arc::clone(shared);
    let saving = tokio::task::spawn_blocking(move || {
        let _one_at_a_time = shared
            .session_updates
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A file that does not parse is set aside by `load`; start afresh.
        let mut record = store.load(&session_id).ok().flatten().unwrap_or_else(|| {
            SessionRecord::new(
                session_id.clone(),
                note.conversation_id
                    .clone()
                    .unwrap_or_else(|| session_id.clone()),
            )
        });
        if let Some(conversation) = note.conversation_id {
            record.conversation_id = conversation;
        }
        record.active_role = Some(note.role);
        record.lane = Some(note.lane);
        record.requested_model = note.requested_model;
        record.resolved_model = Some(note.resolved_model);
        record.request_id = Some(note.request_id);
        if ok {
            record.turns += 1;
        }
        record.updated_at_ms = now_millis();
        if store.save(&record).is_err() {
            shared.session_errors.fetch_add(1, Ordering::Relaxed);
        }
    });
    // A panic in there is not ours to propagate; the record is just not kept.
    let _ = saving.await;
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
