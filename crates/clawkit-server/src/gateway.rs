//! [`Gateway`]: the routes, and one chat completion from body to last byte.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use clawkit_core::{
    ApiKey, AuthRequest, Cancellation, Catalog, ErrorKind, Runtime, StreamEvent, Turn,
    normalize_provider_id,
};
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;
use url::Url;

use crate::api_error::{ApiError, request_id_header};
use crate::limits::GatewayLimits;
use crate::openai::request::ChatRequest;
use crate::openai::response::{ChunkEncoder, Collected, Meta};

/// What a request log callback is given.
type LogFn = dyn Fn(&RequestLog) + Send + Sync;

/// An OpenAI-compatible gateway in front of every provider of a clawkit
/// [`Runtime`]: `POST /v1/chat/completions` (streaming or not) and
/// `GET /v1/models`.
///
/// Each chat completion is one turn through the whole pipeline
/// ([`Runtime::stream`]): model resolution, auth, the system-prompt,
/// history, tools and text hooks, the provider's stream wrappers and
/// families. Configure it here, then serve it with
/// [`Server`](crate::Server) or mount [`router`](Self::router) in an axum
/// app of your own.
///
/// ```
/// use std::sync::Arc;
/// use clawkit_core::Runtime;
/// use clawkit_server::{Gateway, GatewayLimits};
///
/// let runtime = Arc::new(Runtime::builder().build()?);
/// let gateway = Gateway::new(runtime)
///     .with_limits(GatewayLimits::default().with_max_concurrent_streams(8))
///     .with_base_url("ollama", "http://gpu-box:11434/v1".parse()?);
/// let app: axum::Router = gateway.router();
/// # let _ = app;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct Gateway {
    runtime: Arc<Runtime>,
    limits: GatewayLimits,
    base_urls: Vec<(String, Url)>,
    catalog_ttl: Duration,
    log: Option<Arc<LogFn>>,
    request_keys: bool,
}

impl fmt::Debug for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gateway")
            .field("providers", &self.runtime.provider_ids())
            .field("limits", &self.limits)
            .field(
                "base_urls",
                &self
                    .base_urls
                    .iter()
                    .map(|(provider, url)| (provider, url.origin().ascii_serialization()))
                    .collect::<Vec<_>>(),
            )
            .field("catalog_ttl", &self.catalog_ttl)
            .field("request_keys", &self.request_keys)
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// How long a built catalog is reused by default.
    pub const DEFAULT_CATALOG_TTL: Duration = Duration::from_secs(60);

    /// A gateway serving every provider of `runtime`, with the default
    /// [`GatewayLimits`].
    pub fn new(runtime: Arc<Runtime>) -> Self {
        Gateway {
            runtime,
            limits: GatewayLimits::default(),
            base_urls: Vec::new(),
            catalog_ttl: Self::DEFAULT_CATALOG_TTL,
            log: None,
            request_keys: false,
        }
    }

    /// Takes each chat completion's provider key from the request itself
    /// (`Authorization: Bearer …`, else `x-api-key`) instead of the
    /// environment: a request without one is refused with `401
    /// missing_api_key`. This is how a host that resolves keys itself
    /// (OpenClaw, with a plugin packed by `clawkit pack`) hands them over:
    /// per request, never in argv or a file. The key is used for that one
    /// turn and never logged.
    pub fn with_request_keys(mut self, on: bool) -> Self {
        self.request_keys = on;
        self
    }

    /// Its limits.
    pub fn with_limits(mut self, limits: GatewayLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Sends every request for a model of `provider` to `url` instead of
    /// the provider's own endpoint (as `clawkit chat --base-url` does),
    /// with the same API and key. Applies to models named
    /// `provider/model`, and to bare ids `provider` claims.
    pub fn with_base_url(mut self, provider: &str, url: Url) -> Self {
        let provider = normalize_provider_id(provider);
        self.base_urls.retain(|(id, _)| *id != provider);
        self.base_urls.push((provider, url));
        self
    }

    /// How long a built catalog (the provider catalogs, which may call the
    /// network) is reused by `/v1/models` and the turns before it is built
    /// again; [`DEFAULT_CATALOG_TTL`](Self::DEFAULT_CATALOG_TTL) by default.
    pub fn with_catalog_ttl(mut self, ttl: Duration) -> Self {
        self.catalog_ttl = ttl;
        self
    }

    /// Calls `log` once per request, when its response has ended (for a
    /// stream: its last byte, or the client leaving). The record holds no
    /// message content and no key.
    pub fn on_request(mut self, log: impl Fn(&RequestLog) + Send + Sync + 'static) -> Self {
        self.log = Some(Arc::new(log));
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> &GatewayLimits {
        &self.limits
    }

    /// The routes: `POST /v1/chat/completions` and `GET /v1/models`,
    /// without a fallback (mount or merge it into a router of your own;
    /// [`Server`](crate::Server) adds an OpenAI-shaped 404).
    ///
    /// Each call builds an independent router: its own stream limit and
    /// catalog cache.
    pub fn router(&self) -> Router {
        self.router_with(never_closing())
    }

    /// The routes, watching `closing` for the server's shutdown.
    pub(crate) fn router_with(&self, closing: watch::Receiver<bool>) -> Router {
        let state = Arc::new(Shared {
            gateway: self.clone(),
            streams: Arc::new(Semaphore::new(
                self.limits
                    .max_concurrent_streams()
                    .min(Semaphore::MAX_PERMITS),
            )),
            catalog: tokio::sync::Mutex::new(None),
            closing,
        });
        Router::new()
            .route("/v1/chat/completions", post(chat_completions))
            .route("/v1/models", get(models))
            .route(
                "/providers/{provider}/v1/chat/completions",
                post(provider_chat_completions),
            )
            .route("/providers/{provider}/v1/models", get(provider_models))
            .with_state(state)
    }
}

/// One request, as [`Gateway::on_request`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestLog {
    /// `POST`, `GET`.
    pub method: String,
    /// `/v1/chat/completions`, `/v1/models`.
    pub path: String,
    /// The status answered.
    pub status: u16,
    /// The model asked for, once the body was read.
    pub model: Option<String>,
    /// Whether the answer streamed.
    pub stream: bool,
    /// From the request to the last byte.
    pub duration: Duration,
    /// The upstream's request id, when known.
    pub request_id: Option<String>,
    /// How it ended: a finish reason (`stop`, `tool_calls`, …), `ok`, an
    /// error code (`rate_limit`, `model_not_found`, …) or
    /// `client_closed`.
    pub outcome: String,
}

impl fmt::Display for RequestLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.method, self.path, self.status)?;
        if let Some(model) = &self.model {
            write!(f, " model={model}")?;
        }
        if self.stream {
            f.write_str(" stream")?;
        }
        write!(
            f,
            " {}.{:03}s {}",
            self.duration.as_secs(),
            self.duration.subsec_millis(),
            self.outcome
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " request_id={id}")?;
        }
        Ok(())
    }
}

/// A router's state.
struct Shared {
    gateway: Gateway,
    streams: Arc<Semaphore>,
    catalog: tokio::sync::Mutex<Option<(Instant, Arc<Catalog>)>>,
    closing: watch::Receiver<bool>,
}

/// The shutdown signal of a router served by someone else: never. (The
/// sender is dropped: `wait_for` then fails, which [`interrupted`] takes
/// as "never".)
fn never_closing() -> watch::Receiver<bool> {
    watch::channel(false).1
}

impl Shared {
    /// The catalog, built at most once per TTL.
    async fn catalog(&self) -> Arc<Catalog> {
        let mut cached = self.catalog.lock().await;
        if let Some((built, catalog)) = cached.as_ref()
            && built.elapsed() < self.gateway.catalog_ttl
        {
            return Arc::clone(catalog);
        }
        let catalog = Arc::new(self.gateway.runtime.catalog(None).await);
        *cached = Some((Instant::now(), Arc::clone(&catalog)));
        catalog
    }

    /// The base URL override for `model`'s provider, if any.
    fn base_url_for(&self, model: &str) -> Option<Url> {
        if self.gateway.base_urls.is_empty() {
            return None;
        }
        let provider = self.gateway.runtime.parse_model_ref(model).ok()?.provider;
        self.gateway
            .base_urls
            .iter()
            .find(|(id, _)| *id == provider)
            .map(|(_, url)| url.clone())
    }

    fn log(&self, record: RequestLog) {
        if let Some(log) = &self.gateway.log {
            log(&record);
        }
    }
}

/// Why a request stopped waiting for its turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Interrupt {
    Timeout,
    Shutdown,
}

/// Resolves when the deadline passes or the server starts cancelling.
async fn interrupted(deadline: Instant, mut closing: watch::Receiver<bool>) -> Interrupt {
    let closed = async move {
        let closed = closing.wait_for(|closing| *closing).await.is_ok();
        if !closed {
            // No server watches this router: never.
            std::future::pending::<()>().await;
        }
        Interrupt::Shutdown
    };
    tokio::select! {
        () = tokio::time::sleep_until(deadline) => Interrupt::Timeout,
        why = closed => why,
    }
}

impl Interrupt {
    fn error(self, limits: &GatewayLimits) -> ApiError {
        match self {
            Interrupt::Timeout => ApiError::timeout(limits.request_timeout()),
            Interrupt::Shutdown => ApiError::shutting_down(),
        }
    }
}

/// Cancels the turn when the request's work is dropped (the client left).
struct CancelOnDrop(Cancellation);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// What is known of a chat completion, for its log record.
struct Record {
    started: Instant,
    model: Option<String>,
    stream: bool,
    request_id: Option<String>,
}

impl Record {
    fn finish(&self, status: StatusCode, outcome: &str) -> RequestLog {
        RequestLog {
            method: Method::POST.to_string(),
            path: "/v1/chat/completions".to_owned(),
            status: status.as_u16(),
            model: self.model.clone(),
            stream: self.stream,
            duration: self.started.elapsed(),
            request_id: self.request_id.clone(),
            outcome: outcome.to_owned(),
        }
    }
}

/// `POST /v1/chat/completions`.
async fn chat_completions(State(state): State<Arc<Shared>>, request: Request) -> Response {
    answer_completion(state, None, request).await
}

/// `POST /providers/{provider}/v1/chat/completions`: `model` is one of
/// `provider`'s model ids, bare (`acme-large`) or in full
/// (`acme-ai/acme-large`); the answer names it as the client did.
async fn provider_chat_completions(
    State(state): State<Arc<Shared>>,
    Path(provider): Path<String>,
    request: Request,
) -> Response {
    answer_completion(state, Some(provider), request).await
}

async fn answer_completion(
    state: Arc<Shared>,
    scope: Option<String>,
    request: Request,
) -> Response {
    let mut record = Record {
        started: Instant::now(),
        model: None,
        stream: false,
        request_id: None,
    };
    match completion(&state, scope.as_deref(), request, &mut record).await {
        Ok(Answer::Whole(response, outcome)) => {
            state.log(record.finish(response.status(), &outcome));
            response
        }
        // A stream logs itself when it ends.
        Ok(Answer::Streaming(response)) => response,
        Err(error) => {
            record.request_id = record
                .request_id
                .take()
                .or_else(|| error.request_id().map(str::to_owned));
            state.log(record.finish(error.status(), error.code()));
            error.into_response()
        }
    }
}

/// A response, and whether it logs itself.
enum Answer {
    /// A whole response, with its outcome for the log.
    Whole(Response, String),
    /// A stream, which logs when it ends.
    Streaming(Response),
}

/// Reads at most `limit` bytes of `body`.
async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ApiError::unreadable_body())?;
        if bytes.len() + chunk.len() > limit {
            return Err(ApiError::too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(bytes))
}

/// The key a request carries for its provider: `Authorization: Bearer
/// …`, else `x-api-key`.
fn request_key(headers: &axum::http::HeaderMap) -> Option<ApiKey> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    let key = bearer.or_else(|| {
        headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    })?;
    (!key.is_empty()).then(|| ApiKey::new(key))
}

/// `model` as a model of `provider`: `provider/model` unless it already
/// names `provider`.
fn scoped_model(provider: &str, model: &str) -> String {
    match model.split_once('/') {
        Some((prefix, _)) if normalize_provider_id(prefix) == normalize_provider_id(provider) => {
            model.to_owned()
        }
        _ => format!("{provider}/{model}"),
    }
}

async fn completion(
    state: &Arc<Shared>,
    scope: Option<&str>,
    request: Request,
    record: &mut Record,
) -> Result<Answer, ApiError> {
    let limits = &state.gateway.limits;
    if let Some(provider) = scope
        && state.gateway.runtime.provider(provider).is_none()
    {
        return Err(ApiError::unknown_provider(provider));
    }
    let key = if state.gateway.request_keys {
        Some(request_key(request.headers()).ok_or_else(ApiError::missing_request_key)?)
    } else {
        None
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limits.max_body_bytes() as u64) {
        return Err(ApiError::too_large(limits.max_body_bytes()));
    }
    let deadline = record.started + limits.request_timeout();
    let body = tokio::time::timeout_at(
        deadline,
        read_body(request.into_body(), limits.max_body_bytes()),
    )
    .await
    .map_err(|_| ApiError::body_timeout(limits.request_timeout()))??;
    let document: Value = serde_json::from_slice(&body).map_err(|e| ApiError::not_json(&e))?;
    drop(body);
    let mut chat = ChatRequest::parse(&document).map_err(ApiError::bad_request)?;
    drop(document);
    let client_model = chat.model.clone();
    if let Some(provider) = scope {
        chat.model = scoped_model(provider, &chat.model);
    }
    record.model = Some(chat.model.clone());
    record.stream = chat.stream;
    let permit = Arc::clone(&state.streams)
        .try_acquire_owned()
        .map_err(|_| ApiError::busy(limits.max_concurrent_streams()))?;

    let runtime = &state.gateway.runtime;
    let cancellation = Cancellation::new();
    let guard = CancelOnDrop(cancellation.clone());
    let start = async {
        let catalog = state.catalog().await;
        let api = if chat.needs_api() {
            let model = runtime
                .resolve_model(&catalog, &chat.model, None)
                .await
                .map_err(|e| ApiError::from_core(&e))?;
            Some(model.api)
        } else {
            None
        };
        let mut turn = chat
            .turn(api.as_ref())
            .map_err(ApiError::bad_request)?
            .catalog(catalog)
            .cancellation(cancellation.clone());
        if let Some(url) = state.base_url_for(&chat.model) {
            turn = turn.base_url(url);
        }
        if let Some(key) = key {
            turn = turn.auth(AuthRequest::with_key(key));
        }
        let mut turn = runtime
            .stream(turn)
            .await
            .map_err(|e| ApiError::from_core(&e))?;
        let first = turn.next().await;
        Ok::<_, ApiError>((turn, first))
    };
    let interrupt = interrupted(deadline, state.closing.clone());
    let (turn, first) = tokio::select! {
        started = start => started?,
        why = interrupt => return Err(why.error(limits)),
    };
    let label = turn.report().model.provider.clone();
    let first = match first {
        Some(StreamEvent::Error { kind, message, .. }) => {
            return Err(ApiError::from_stream(&kind, &message, &label));
        }
        Some(event) => event,
        None => return Err(ended_early(&label)),
    };
    if let StreamEvent::Start { request_id, .. } = &first {
        record.request_id.clone_from(request_id);
    }
    let meta = Meta::new(&client_model);
    if chat.stream {
        let mut turn = turn;
        let mut held = vec![first];
        // The status is sent with the first frame: the upstream's event after
        // `start` is waited for, so that a stream failing before any output
        // (an error event first, a page that is not an event stream, a drop)
        // is answered with the error's status, as a failure before the
        // upstream's head is, rather than 200 and an error event.
        if matches!(held[0], StreamEvent::Start { .. }) {
            let interrupt = interrupted(deadline, state.closing.clone());
            let next = tokio::select! {
                next = turn.next() => next,
                why = interrupt => {
                    return Err(why.error(limits).with_request_id(record.request_id.clone()));
                }
            };
            match next {
                Some(StreamEvent::Error { kind, message, .. }) => {
                    return Err(ApiError::from_stream(&kind, &message, &label)
                        .with_request_id(record.request_id.clone()));
                }
                Some(event) => held.push(event),
                None => return Err(ended_early(&label).with_request_id(record.request_id.clone())),
            }
        }
        let hold_arguments = !runtime.text_transforms_for(&label).output.is_empty();
        let encoder = ChunkEncoder::new(meta, chat.include_usage, hold_arguments);
        let streamed = Streamed {
            state: Arc::clone(state),
            turn,
            held,
            encoder,
            pending: VecDeque::new(),
            interrupt: Box::pin(interrupted(deadline, state.closing.clone())),
            label,
            record: Record {
                started: record.started,
                model: record.model.clone(),
                stream: true,
                request_id: record.request_id.clone(),
            },
            outcome: None,
            _permit: permit,
            cancel: guard,
        };
        let mut response = Response::new(Body::from_stream(streamed.into_stream()));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if let Some((name, value)) = record.request_id.as_deref().and_then(request_id_header) {
            headers.insert(name, value);
        }
        return Ok(Answer::Streaming(response));
    }

    let collect = async move {
        let mut turn = turn;
        let mut collected = Collected::default();
        let mut next = Some(first);
        loop {
            match next {
                Some(StreamEvent::Done { reason }) => return Ok((collected, reason)),
                Some(StreamEvent::Error { kind, message, .. }) => {
                    return Err(ApiError::from_stream(&kind, &message, &label));
                }
                Some(event) => collected.push(event),
                None => return Err(ended_early(&label)),
            }
            next = turn.next().await;
        }
    };
    let interrupt = interrupted(deadline, state.closing.clone());
    let (collected, reason) = tokio::select! {
        collected = collect => collected.map_err(|e| e.with_request_id(record.request_id.clone()))?,
        why = interrupt => return Err(why.error(limits).with_request_id(record.request_id.clone())),
    };
    drop((permit, guard));
    let outcome = crate::openai::response::finish_reason(&reason).to_owned();
    let mut response = (
        [(header::CONTENT_TYPE, "application/json")],
        collected.into_json(&meta, &reason).to_string(),
    )
        .into_response();
    if let Some((name, value)) = record.request_id.as_deref().and_then(request_id_header) {
        response.headers_mut().insert(name, value);
    }
    Ok(Answer::Whole(response, outcome))
}

/// A turn that ended without a terminal event (the runtime always sends
/// one; kept for a plugin's stream function that does not).
fn ended_early(label: &str) -> ApiError {
    ApiError::from_stream(
        &ErrorKind::Protocol,
        "the stream ended without a terminal event",
        label,
    )
}

/// A streaming answer: the turn's events as SSE `data:` lines.
struct Streamed {
    state: Arc<Shared>,
    turn: Turn,
    /// The events read before the answer was committed, sent first.
    held: Vec<StreamEvent>,
    encoder: ChunkEncoder,
    pending: VecDeque<String>,
    interrupt: std::pin::Pin<Box<dyn std::future::Future<Output = Interrupt> + Send>>,
    label: String,
    record: Record,
    /// How it ended; `None` while running (and when the client left).
    outcome: Option<String>,
    _permit: OwnedSemaphorePermit,
    cancel: CancelOnDrop,
}

impl Drop for Streamed {
    fn drop(&mut self) {
        let outcome = self.outcome.as_deref().unwrap_or("client_closed");
        self.state.log(self.record.finish(StatusCode::OK, outcome));
    }
}

/// `data: …\n\n`.
fn frame(payload: &str) -> Bytes {
    Bytes::from(format!("data: {payload}\n\n"))
}

impl Streamed {
    fn into_stream(self) -> impl futures::Stream<Item = Result<Bytes, Infallible>> + Send {
        futures::stream::unfold(self, |mut streamed| async move {
            let bytes = streamed.next_frame().await?;
            Some((Ok(bytes), streamed))
        })
    }

    /// The next bytes to send, `None` once the answer has ended.
    async fn next_frame(&mut self) -> Option<Bytes> {
        loop {
            if let Some(payload) = self.pending.pop_front() {
                return Some(frame(&payload));
            }
            if self.outcome.is_some() {
                return None;
            }
            if !self.held.is_empty() {
                self.pending.push_back(self.encoder.role());
                for event in std::mem::take(&mut self.held) {
                    self.take(event);
                }
                continue;
            }
            let next = tokio::select! {
                event = self.turn.next() => Ok(event),
                why = &mut self.interrupt => Err(why),
            };
            match next {
                Ok(Some(event)) => self.take(event),
                Ok(None) => self.fail(ended_early(&self.label)),
                Err(why) => {
                    // Cancel the upstream request now; the turn is dropped
                    // with the stream.
                    self.cancel.0.cancel();
                    let error = why.error(&self.state.gateway.limits);
                    self.fail(error);
                }
            }
        }
    }

    fn take(&mut self, event: StreamEvent) {
        match event {
            StreamEvent::Done { reason } => {
                let mut out = Vec::new();
                self.encoder.done(&reason, &mut out);
                self.pending.extend(out);
                self.pending.push_back("[DONE]".to_owned());
                self.outcome = Some(crate::openai::response::finish_reason(&reason).to_owned());
            }
            StreamEvent::Error { kind, message, .. } => {
                let error = ApiError::from_stream(&kind, &message, &self.label);
                self.fail(error);
            }
            event => {
                let mut out = Vec::new();
                self.encoder.event(event, &mut out);
                self.pending.extend(out);
            }
        }
    }

    /// Ends the stream with an error event (and no `[DONE]`).
    fn fail(&mut self, error: ApiError) {
        self.pending.push_back(error.body().to_string());
        self.outcome = Some(error.code().to_owned());
        if self.record.request_id.is_none() {
            self.record.request_id = error.request_id().map(str::to_owned);
        }
    }
}

/// `GET /v1/models`: the catalog's rows.
async fn models(State(state): State<Arc<Shared>>) -> Response {
    let started = Instant::now();
    let catalog = state.catalog().await;
    let data: Vec<Value> = catalog
        .rows()
        .into_iter()
        .map(|(provider, model, _)| {
            json!({
                "id": format!("{provider}/{}", model.id),
                "object": "model",
                "created": 0,
                "owned_by": provider,
            })
        })
        .collect();
    let body = json!({"object": "list", "data": data}).to_string();
    state.log(RequestLog {
        method: Method::GET.to_string(),
        path: "/v1/models".to_owned(),
        status: 200,
        model: None,
        stream: false,
        duration: started.elapsed(),
        request_id: None,
        outcome: "ok".to_owned(),
    });
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `GET /providers/{provider}/v1/models`: `provider`'s rows, with bare ids.
async fn provider_models(
    State(state): State<Arc<Shared>>,
    Path(provider): Path<String>,
) -> Response {
    if state.gateway.runtime.provider(&provider).is_none() {
        return ApiError::unknown_provider(&provider).into_response();
    }
    let wanted = normalize_provider_id(&provider);
    let catalog = state.catalog().await;
    let data: Vec<Value> = catalog
        .rows()
        .into_iter()
        .filter(|(owner, _, _)| normalize_provider_id(owner) == wanted)
        .map(|(owner, model, _)| {
            json!({"id": model.id, "object": "model", "created": 0, "owned_by": owner})
        })
        .collect();
    let body = json!({"object": "list", "data": data}).to_string();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The OpenAI-shaped 404 of a path no route serves.
pub(crate) async fn no_route(request: Request) -> Response {
    ApiError::no_route(request.uri().path()).into_response()
}
