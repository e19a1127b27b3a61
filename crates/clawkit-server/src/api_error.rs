//! Errors answered to a client, in OpenAI's shape:
//! `{"error": {"message", "type", "param", "code"}}` with an HTTP status.
//!
//! | what | status | `type` | `code` |
//! | --- | --- | --- | --- |
//! | body not JSON, or not a chat completion request | 400 | `invalid_request_error` | `invalid_request` (`param`: the JSON pointer) |
//! | body over the limit | 413 | `invalid_request_error` | `request_too_large` |
//! | unknown provider (also in a `/providers/{id}/…` path) or model | 404 | `invalid_request_error` | `model_not_found` (`param`: `/model`) |
//! | no API key (from the environment, or from the request with [`Gateway::with_request_keys`](crate::Gateway::with_request_keys)) | 401 | `authentication_error` | `missing_api_key` |
//! | too many turns at once | 429 | `rate_limit_error` | `concurrency_limit_exceeded` |
//! | the request took too long | 504 | `timeout_error` | `timeout` |
//! | its body took too long to arrive | 408 | `timeout_error` | `timeout` |
//! | the upstream answered an error status | that status | by status | the error kind (`rate_limit`, `server`, `context_length_exceeded`, …) |
//! | the upstream failed without a status | 502 (timeouts 504) | `server_error` … | the error kind |

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clawkit_core::{CoreError, CoreErrorKind, ErrorKind};
use serde_json::{Value, json};

use crate::openai::RequestError;

/// An error for the client: status, OpenAI's body, and the headers that go
/// with it.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    kind: &'static str,
    param: Option<String>,
    code: String,
    request_id: Option<String>,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            kind,
            param: None,
            code: code.to_owned(),
            request_id: None,
            retry_after: None,
        }
    }

    fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// This error with the upstream's request id, when known.
    pub(crate) fn with_request_id(mut self, request_id: Option<String>) -> Self {
        if self.request_id.is_none() {
            self.request_id = request_id;
        }
        self
    }

    /// The HTTP status.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// The `code` member.
    pub(crate) fn code(&self) -> &str {
        &self.code
    }

    /// The upstream's request id, when known.
    pub(crate) fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// A request that does not have OpenAI's shape.
    pub(crate) fn bad_request(error: RequestError) -> Self {
        let param = error.pointer().to_owned();
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "invalid_request",
            error.to_string(),
        )
        .with_param(param)
    }

    /// A body that is not JSON (serde's message says where, never what).
    pub(crate) fn not_json(error: &serde_json::Error) -> Self {
        let full = error.to_string();
        let message = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(head, _)| head);
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "invalid_json",
            format!(
                "the body is not valid JSON: {message} at line {}, column {}",
                error.line(),
                error.column()
            ),
        )
    }

    /// A body that could not be read.
    pub(crate) fn unreadable_body() -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "invalid_request",
            "the request body could not be read",
        )
    }

    /// A body over `limit` bytes.
    pub(crate) fn too_large(limit: usize) -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            "request_too_large",
            format!("the request body is larger than {limit} bytes"),
        )
    }

    /// Every stream slot taken.
    pub(crate) fn busy(limit: usize) -> Self {
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_error",
            "concurrency_limit_exceeded",
            format!("the gateway is already running {limit} chat completions; retry shortly"),
        );
        error.retry_after = Some(1);
        error
    }

    /// The request ran past its deadline.
    pub(crate) fn timeout(limit: std::time::Duration) -> Self {
        ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "timeout_error",
            "timeout",
            format!(
                "the request took longer than the gateway's limit ({} ms); it was cancelled",
                limit.as_millis()
            ),
        )
    }

    /// The client took too long to send its request.
    pub(crate) fn body_timeout(limit: std::time::Duration) -> Self {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout_error",
            "timeout",
            format!(
                "the request body did not arrive within the gateway's limit ({} ms)",
                limit.as_millis()
            ),
        )
    }

    /// The gateway is shutting down.
    pub(crate) fn shutting_down() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "server_error",
            "shutting_down",
            "the gateway is shutting down; the request was cancelled",
        )
    }

    /// No route.
    pub(crate) fn no_route(path: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "unknown_url",
            format!(
                "no route for {path} (this gateway serves POST /v1/chat/completions and GET /v1/models, also under /providers/<id>)"
            ),
        )
    }

    /// A `/providers/{provider}/…` path naming a provider not served.
    pub(crate) fn unknown_provider(provider: &str) -> Self {
        let shown: String = provider.chars().take(64).collect();
        ApiError::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "model_not_found",
            format!("unknown provider {shown:?}"),
        )
    }

    /// A gateway that takes keys from requests got none.
    pub(crate) fn missing_request_key() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "missing_api_key",
            "this gateway takes the provider's key from each request: send it as \"Authorization: Bearer <key>\"",
        )
    }

    /// A turn that could not start (model, credentials, a hook).
    pub(crate) fn from_core(error: &CoreError) -> Self {
        let message = error.to_string();
        match error.kind() {
            CoreErrorKind::UnknownProvider
            | CoreErrorKind::UnknownModel
            | CoreErrorKind::InvalidModelRef => ApiError::new(
                StatusCode::NOT_FOUND,
                "invalid_request_error",
                "model_not_found",
                message,
            )
            .with_param("/model"),
            CoreErrorKind::MissingAuth => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "authentication_error",
                "missing_api_key",
                message,
            ),
            CoreErrorKind::NoTransport => ApiError::new(
                StatusCode::NOT_IMPLEMENTED,
                "invalid_request_error",
                "model_not_supported",
                message,
            )
            .with_param("/model"),
            CoreErrorKind::Hook => ApiError::new(
                StatusCode::BAD_GATEWAY,
                "server_error",
                "provider_hook_failed",
                message,
            ),
            _ => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "internal_error",
                message,
            ),
        }
    }

    /// A turn's terminal error. `label` is the provider id the transport
    /// names in its messages: an upstream error status in the message
    /// (`"<label> (429): …"`) is kept as the status.
    pub(crate) fn from_stream(kind: &ErrorKind, message: &str, label: &str) -> Self {
        let code = match kind {
            ErrorKind::ContextOverflow => "context_length_exceeded",
            other => other.as_str(),
        };
        let upstream = clawkit_http::status_in_message(label, message)
            .and_then(|status| StatusCode::from_u16(status).ok())
            .filter(|status| status.is_client_error() || status.is_server_error());
        let status = upstream.unwrap_or(match kind {
            ErrorKind::Auth => StatusCode::UNAUTHORIZED,
            ErrorKind::RateLimit => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::InvalidRequest | ErrorKind::ContextOverflow => StatusCode::BAD_REQUEST,
            ErrorKind::ConnectTimeout | ErrorKind::FirstByteTimeout | ErrorKind::IdleTimeout => {
                StatusCode::GATEWAY_TIMEOUT
            }
            ErrorKind::Cancelled => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_GATEWAY,
        });
        let kind_name = match status.as_u16() {
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            429 => "rate_limit_error",
            504 => "timeout_error",
            400..=499 => "invalid_request_error",
            _ => "server_error",
        };
        ApiError::new(status, kind_name, code, message)
            .with_request_id(clawkit_http::request_id_in_message(message).map(str::to_owned))
    }

    /// `{"error": {…}}`.
    pub(crate) fn body(&self) -> Value {
        json!({
            "error": {
                "message": self.message,
                "type": self.kind,
                "param": self.param,
                "code": self.code,
            }
        })
    }
}

/// The `x-request-id` header, when `id` makes a valid header value.
pub(crate) fn request_id_header(id: &str) -> Option<(HeaderName, HeaderValue)> {
    HeaderValue::from_str(id)
        .ok()
        .map(|value| (HeaderName::from_static("x-request-id"), value))
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            self.body().to_string(),
        )
            .into_response();
        let headers = response.headers_mut();
        if let Some((name, value)) = self.request_id.as_deref().and_then(request_id_header) {
            headers.insert(name, value);
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_statuses_are_kept_and_others_follow_the_kind() {
        let cases = [
            (
                ErrorKind::RateLimit,
                "acme (429): slow down [request_id=req_1]",
                429,
                "rate_limit_error",
                Some("req_1"),
            ),
            (
                ErrorKind::Server,
                "acme (500): boom",
                500,
                "server_error",
                None,
            ),
            (ErrorKind::Server, "acme (503)", 503, "server_error", None),
            (
                ErrorKind::InvalidRequest,
                "acme (404): no such model",
                404,
                "not_found_error",
                None,
            ),
            (
                ErrorKind::Server,
                "acme: Overloaded [request_id=req_2]",
                502,
                "server_error",
                Some("req_2"),
            ),
            (
                ErrorKind::ContextOverflow,
                "acme: prompt is too long",
                400,
                "invalid_request_error",
                None,
            ),
            (
                ErrorKind::IdleTimeout,
                "no data for 30000 ms; the stream stalled",
                504,
                "timeout_error",
                None,
            ),
            (
                ErrorKind::Connect,
                "acme: cannot connect",
                502,
                "server_error",
                None,
            ),
        ];
        for (kind, message, status, type_, id) in cases {
            let error = ApiError::from_stream(&kind, message, "acme");
            assert_eq!(error.status().as_u16(), status, "{message}");
            assert_eq!(error.body()["error"]["type"], type_, "{message}");
            assert_eq!(error.body()["error"]["message"], message);
            assert_eq!(error.request_id(), id, "{message}");
        }
        assert_eq!(
            ApiError::from_stream(&ErrorKind::ContextOverflow, "x", "acme").code(),
            "context_length_exceeded"
        );
    }
}
