//! What goes on the wire: OpenAI's error shape, completion objects and
//! chunks, and SSE framing.

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// An answer that is an OpenAI error: `{"error": {"message", "type",
/// "code"}}` (plus `pointer` for a contract violation).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ApiError {
    pub(super) status: StatusCode,
    pub(super) message: String,
    pub(super) kind: &'static str,
    pub(super) code: Option<&'static str>,
    pub(super) pointer: Option<String>,
    pub(super) retry_after_secs: Option<u64>,
}

impl ApiError {
    fn new(
        status: StatusCode,
        kind: &'static str,
        code: Option<&'static str>,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            message: message.into(),
            kind,
            code,
            pointer: None,
            retry_after_secs: None,
        }
    }

    /// 400: the request is malformed.
    pub(super) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            Some(code),
            message,
        )
    }

    /// 413: the body is larger than the limit.
    pub(super) fn too_large(limit: usize) -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            Some("body_too_large"),
            format!("the request body is larger than {limit} bytes"),
        )
    }

    /// 404: no such endpoint.
    pub(super) fn not_found(method: &str, path: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            Some("not_found"),
            format!("no endpoint {method} {path}"),
        )
    }

    /// 503: the routed worker is marked failing.
    pub(super) fn worker_failing(worker: &str) -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "server_error",
            Some("worker_failing"),
            format!("worker {worker} failing: runtime degraded"),
        )
    }

    /// 502: the worker failed while answering.
    pub(super) fn worker_error(worker: &str, message: &str) -> Self {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "server_error",
            Some("worker_error"),
            format!("worker {worker} failed: {message}"),
        )
    }

    /// 429: the queue is full.
    pub(super) fn queue_full(max: usize) -> Self {
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_error",
            Some("queue_full"),
            format!("queue full: {max} requests in flight (maxQueueDepth {max}); retry shortly"),
        );
        error.retry_after_secs = Some(1);
        error
    }

    /// 504: the worker did not finish in time.
    pub(super) fn timeout(worker: &str, ms: u64) -> Self {
        ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "server_error",
            Some("timeout"),
            format!("worker {worker} did not finish within {ms} ms"),
        )
    }

    /// 422: the answer breaks the contract at `pointer`.
    pub(super) fn contract_violation(pointer: String, message: impl Into<String>) -> Self {
        let mut error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "contract_violation",
            None,
            message,
        );
        error.pointer = Some(pointer);
        error
    }

    /// The body: `{"error": {…}}`.
    pub(super) fn body(&self) -> Value {
        let mut error = Map::new();
        error.insert("message".to_owned(), Value::from(self.message.as_str()));
        error.insert("type".to_owned(), Value::from(self.kind));
        if let Some(code) = self.code {
            error.insert("code".to_owned(), Value::from(code));
        }
        if let Some(pointer) = &self.pointer {
            error.insert("pointer".to_owned(), Value::from(pointer.as_str()));
        }
        json!({ "error": error })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = json_response(self.status, &self.body());
        if let Some(seconds) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// `value` as an `application/json` answer.
pub(super) fn json_response(status: StatusCode, value: &Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// The two OpenAI shapes an answer takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// `chat.completion` / `chat.completion.chunk`, `message` / `delta`.
    Chat,
    /// `text_completion`, `text`.
    Completion,
}

/// Who answered: the fields every object and chunk repeats.
#[derive(Debug, Clone)]
pub(super) struct Meta {
    pub(super) id: String,
    pub(super) created: u64,
    pub(super) model: String,
}

/// Token counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Tokens {
    pub(super) prompt: u64,
    pub(super) completion: u64,
}

impl Tokens {
    fn to_json(self) -> Value {
        json!({
            "prompt_tokens": self.prompt,
            "completion_tokens": self.completion,
            "total_tokens": self.prompt + self.completion,
        })
    }
}

/// The whole answer, not streamed, with its route.
pub(super) fn completion(
    shape: Shape,
    meta: &Meta,
    text: &str,
    finish_reason: &str,
    tokens: Tokens,
    route: &Value,
) -> Value {
    let (object, choice) = match shape {
        Shape::Chat => (
            "chat.completion",
            json!({
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": finish_reason,
            }),
        ),
        Shape::Completion => (
            "text_completion",
            json!({"index": 0, "text": text, "logprobs": null, "finish_reason": finish_reason}),
        ),
    };
    json!({
        "id": meta.id,
        "object": object,
        "created": meta.created,
        "model": meta.model,
        "choices": [choice],
        "usage": tokens.to_json(),
        "route": route,
    })
}

/// One streamed chunk: the assistant role (`first`), a piece of text, or
/// the finish reason.
pub(super) fn chunk(
    shape: Shape,
    meta: &Meta,
    first: bool,
    text: Option<&str>,
    finish_reason: Option<&str>,
) -> Value {
    let (object, choice) = match shape {
        Shape::Chat => {
            let mut delta = Map::new();
            if first {
                delta.insert("role".to_owned(), Value::from("assistant"));
            }
            if let Some(text) = text {
                delta.insert("content".to_owned(), Value::from(text));
            }
            (
                "chat.completion.chunk",
                json!({"index": 0, "delta": delta, "finish_reason": finish_reason}),
            )
        }
        Shape::Completion => (
            "text_completion",
            json!({"index": 0, "text": text.unwrap_or(""), "logprobs": null, "finish_reason": finish_reason}),
        ),
    };
    json!({
        "id": meta.id,
        "object": object,
        "created": meta.created,
        "model": meta.model,
        "choices": [choice],
    })
}

/// The usage chunk sent last when `stream_options.include_usage` is set:
/// no choices, only `usage`.
pub(super) fn usage_chunk(shape: Shape, meta: &Meta, tokens: Tokens) -> Value {
    let object = match shape {
        Shape::Chat => "chat.completion.chunk",
        Shape::Completion => "text_completion",
    };
    json!({
        "id": meta.id,
        "object": object,
        "created": meta.created,
        "model": meta.model,
        "choices": [],
        "usage": tokens.to_json(),
    })
}

/// `data: <json>` and a blank line.
pub(super) fn sse_data(value: &Value) -> Bytes {
    Bytes::from(format!("data: {value}\n\n"))
}

/// `event: <name>`, `data: <json>` and a blank line.
pub(super) fn sse_event(name: &str, value: &Value) -> Bytes {
    Bytes::from(format!("event: {name}\ndata: {value}\n\n"))
}

/// The stream's last frame after a success.
pub(super) fn sse_done() -> Bytes {
    Bytes::from_static(b"data: [DONE]\n\n")
}
