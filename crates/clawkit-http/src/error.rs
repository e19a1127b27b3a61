//! [`HttpError`]: every way a provider HTTP call can fail, with the
//! provider's status, code, type, request id and Retry-After kept.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use clawkit_core::{ErrorKind, FailoverReason};
use serde_json::Value;

use crate::redact::redact;
use crate::shared::{failover_of, status_kind};
use crate::sse::SseDecoder;

/// What kind of failure an [`HttpError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// No connection could be made (DNS, refused, TLS).
    Connect,
    /// The connection was not established in time.
    ConnectTimeout,
    /// No response headers in time.
    FirstByteTimeout,
    /// Too long between two reads of the body.
    IdleTimeout,
    /// The whole call took too long.
    Timeout,
    /// The server answered with an error status.
    Status,
    /// A body exceeded its size cap.
    BodyTooLarge,
    /// A successful body was not the JSON expected.
    Decode,
    /// The connection broke while reading the body.
    Body,
    /// A redirect was refused (too many, or to a host not allowed).
    Redirect,
    /// The URL's host is not in the allowlist.
    Blocked,
    /// The request could not be built.
    Request,
}

/// A provider HTTP failure.
///
/// The message follows OpenClaw's format — `"<label> (<status>): <detail>
/// [request_id=<id>]"` for an error status — and never contains the
/// request's credentials: the body is redacted and truncated.
#[derive(Debug)]
pub struct HttpError {
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    kind: HttpErrorKind,
    message: String,
    status: Option<u16>,
    code: Option<String>,
    error_type: Option<String>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    body: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl HttpError {
    pub(crate) fn new(kind: HttpErrorKind, message: impl Into<String>) -> Self {
        HttpError {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                status: None,
                code: None,
                error_type: None,
                request_id: None,
                retry_after: None,
                body: None,
                source: None,
            }),
        }
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    pub(crate) fn with_request_id(mut self, request_id: Option<String>) -> Self {
        if self.inner.request_id.is_none() {
            self.inner.request_id = request_id;
        }
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> HttpErrorKind {
        self.inner.kind
    }

    /// The HTTP status, for [`HttpErrorKind::Status`].
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The provider's error code (`rate_limit_exceeded`, `429`, …).
    pub fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// The provider's error type (`invalid_request_error`, …).
    pub fn error_type(&self) -> Option<&str> {
        self.inner.error_type.as_deref()
    }

    /// The request id from `x-request-id` / `request-id` (or the body).
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// How long the provider asked to wait (`Retry-After`, or Gemini's `RetryInfo`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// The error body, redacted and cut to [`MAX_ERROR_BODY_CHARS`] characters.
    pub fn body(&self) -> Option<&str> {
        self.inner.body.as_deref()
    }

    /// Whether a retry may succeed: 408, 409, 429, 5xx, connection failures
    /// and timeouts before a response.
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            HttpErrorKind::Connect
            | HttpErrorKind::ConnectTimeout
            | HttpErrorKind::FirstByteTimeout => true,
            HttpErrorKind::Status => matches!(self.inner.status, Some(408 | 409 | 429 | 500..=599)),
            _ => false,
        }
    }

    /// The stream error kind this failure maps to.
    pub fn stream_kind(&self) -> ErrorKind {
        match self.inner.kind {
            HttpErrorKind::Connect | HttpErrorKind::Blocked | HttpErrorKind::Redirect => {
                ErrorKind::Connect
            }
            HttpErrorKind::ConnectTimeout => ErrorKind::ConnectTimeout,
            HttpErrorKind::FirstByteTimeout | HttpErrorKind::Timeout => ErrorKind::FirstByteTimeout,
            HttpErrorKind::IdleTimeout => ErrorKind::IdleTimeout,
            HttpErrorKind::Body => ErrorKind::ConnectionDropped,
            HttpErrorKind::Decode | HttpErrorKind::BodyTooLarge | HttpErrorKind::Request => {
                ErrorKind::Protocol
            }
            HttpErrorKind::Status => status_kind(
                self.inner.status.unwrap_or(0),
                self.code(),
                &self.inner.message,
            ),
        }
    }

    /// The failover reason this failure suggests: the one its stream kind
    /// implies, refined by what the response says (billing, overloaded, a
    /// missing model).
    pub fn failover_reason(&self) -> Option<FailoverReason> {
        let kind = self.stream_kind();
        match kind {
            ErrorKind::RateLimit if self.looks_like_billing() => Some(FailoverReason::Billing),
            ErrorKind::Server if self.inner.status == Some(529) || self.mentions("overloaded") => {
                Some(FailoverReason::Overloaded)
            }
            ErrorKind::InvalidRequest if self.inner.status == Some(404) => {
                Some(FailoverReason::ModelNotFound)
            }
            // Unlike a timeout inside a stream, a connect timeout has
            // suggested no failover so far; kept as it was.
            ErrorKind::ConnectTimeout => None,
            _ => failover_of(&kind),
        }
    }

    fn mentions(&self, needle: &str) -> bool {
        [
            Some(self.inner.message.as_str()),
            self.code(),
            self.error_type(),
        ]
        .into_iter()
        .flatten()
        .any(|s| s.to_ascii_lowercase().contains(needle))
    }

    fn looks_like_billing(&self) -> bool {
        self.mentions("quota") || self.mentions("billing") || self.mentions("credit")
    }
}

/// The HTTP status an error message of the built-in transports names.
///
/// A failed call ends its stream with a [`StreamEvent::Error`](clawkit_core::StreamEvent::Error)
/// whose message is the [`HttpError`]'s: `"<label> (<status>): <detail>
/// [request_id=<id>]"` for an error status, where the label is the
/// provider id. This reads the status back (for a gateway that answers
/// with the upstream's status); `None` when the message is not of that
/// form (a failure with no status, an error inside a 200 stream).
///
/// ```
/// use clawkit_http::status_in_message;
///
/// assert_eq!(status_in_message("acme", "acme (429): slow down [request_id=req_1]"), Some(429));
/// assert_eq!(status_in_message("acme", "acme (500)"), Some(500));
/// assert_eq!(status_in_message("acme", "acme: Overloaded"), None);
/// assert_eq!(status_in_message("other", "acme (429): slow down"), None);
/// ```
pub fn status_in_message(label: &str, message: &str) -> Option<u16> {
    let rest = message.strip_prefix(label)?.strip_prefix(" (")?;
    let (digits, after) = rest.split_at_checked(3)?;
    let after = after.strip_prefix(')')?;
    if !(after.is_empty() || after.starts_with(": ") || after.starts_with(" [")) {
        return None;
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse()
        .ok()
        .filter(|status| (100..600).contains(status))
}

/// The provider's request id at the end of an error message of the
/// built-in transports (`… [request_id=<id>]`), if it has one.
///
/// ```
/// use clawkit_http::request_id_in_message;
///
/// assert_eq!(request_id_in_message("acme (500): boom [request_id=req_42]"), Some("req_42"));
/// assert_eq!(request_id_in_message("anthropic: Overloaded [type=overloaded_error] [request_id=req_9]"), Some("req_9"));
/// assert_eq!(request_id_in_message("acme (500): boom"), None);
/// ```
pub fn request_id_in_message(message: &str) -> Option<&str> {
    let (_, tail) = message.rsplit_once(" [request_id=")?;
    tail.strip_suffix(']').filter(|id| !id.is_empty())
}

/// The error body kept on an [`HttpError`], in characters.
pub const MAX_ERROR_BODY_CHARS: usize = 500;
/// The detail shown in the message, in characters.
pub const MAX_ERROR_DETAIL_CHARS: usize = 220;

/// Builds the error of a non-success response from its (capped) body.
pub(crate) fn status_error(
    label: &str,
    status: u16,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    body: &[u8],
    secrets: &[&str],
) -> HttpError {
    let text = redact(&String::from_utf8_lossy(body), secrets);
    let text = text.trim();
    let (parsed, plain) = match error_body(text) {
        ErrorBody::Json(payload) => (Some(payload), None),
        ErrorBody::Text(data) => (None, Some(data)),
        ErrorBody::Framed => (None, None),
        ErrorBody::Plain => (None, Some(text.to_owned())),
    };
    let meta = parsed.as_ref().map(payload_metadata).unwrap_or_default();
    let detail = match (&meta.message, meta.tags()) {
        (Some(message), tags) => Some(format!(
            "{}{tags}",
            truncate(message, MAX_ERROR_DETAIL_CHARS)
        )),
        (None, tags) if !tags.is_empty() => Some(tags.trim_start().to_owned()),
        (None, _) => plain
            .filter(|plain| !plain.is_empty())
            .map(|plain| truncate(&collapse(&plain), MAX_ERROR_DETAIL_CHARS)),
    };
    let retry_after = retry_after.or_else(|| parsed.as_ref().and_then(google_retry_delay));
    let request_id = request_id.or_else(|| {
        parsed
            .as_ref()
            .and_then(|v| v.get("request_id").and_then(Value::as_str))
            .map(str::to_owned)
    });
    let mut message = format!("{label} ({status})");
    if let Some(detail) = &detail {
        message.push_str(": ");
        message.push_str(detail);
    }
    if let Some(id) = &request_id {
        message.push_str(&format!(" [request_id={id}]"));
    }
    HttpError {
        inner: Box::new(Inner {
            kind: HttpErrorKind::Status,
            message,
            status: Some(status),
            code: meta.code,
            error_type: meta.error_type,
            request_id,
            retry_after,
            body: (!text.is_empty()).then(|| truncate(text, MAX_ERROR_BODY_CHARS)),
            source: None,
        }),
    }
}

/// What an error body holds.
enum ErrorBody {
    /// The error payload: the body's JSON, or the first JSON object among
    /// the events of an SSE-framed body.
    Json(Value),
    /// The data of an SSE-framed body's events, none of them JSON.
    Text(String),
    /// An SSE-framed body with no data but `[DONE]`.
    Framed,
    /// Neither JSON nor an event stream: text (an HTML page, a proxy's message).
    Plain,
}

/// Reads an error body. Some servers frame their error as an event stream
/// even on an error status (LiteLLM's `/v1/responses`: `data: {"error":
/// …}` then `data: [DONE]`, possibly with `event:` lines): the error is
/// then read out of the events, so it gives the same error as the same
/// payload sent as plain JSON, and no frame shows in the message.
fn error_body(text: &str) -> ErrorBody {
    if let Ok(payload) = serde_json::from_str(text) {
        return ErrorBody::Json(payload);
    }
    let mut sse = SseDecoder::new();
    let mut events = Vec::new();
    let framed = sse
        .push(Bytes::copy_from_slice(text.as_bytes()), &mut events)
        .and_then(|()| sse.finish(&mut events));
    if framed.is_err() || events.is_empty() {
        return ErrorBody::Plain;
    }
    let data: Vec<&[u8]> = events
        .iter()
        .map(|event| event.data.trim_ascii())
        .filter(|data| !data.is_empty() && *data != b"[DONE]")
        .collect();
    if let Some(payload) = data.iter().find_map(|data| {
        serde_json::from_slice::<Value>(data)
            .ok()
            .filter(Value::is_object)
    }) {
        return ErrorBody::Json(payload);
    }
    if data.is_empty() {
        return ErrorBody::Framed;
    }
    let texts: Vec<String> = data
        .iter()
        .map(|data| String::from_utf8_lossy(data).into_owned())
        .collect();
    ErrorBody::Text(texts.join(" "))
}

/// An error reported inside a 200 stream (`data: {"error": …}`, an
/// Anthropic `error` event, a JSON error body on a 2xx status); `secrets`
/// and anything shaped like a key are scrubbed from the message.
pub(crate) fn in_stream_error(
    label: &str,
    payload: &Value,
    request_id: Option<&str>,
    secrets: &[&str],
) -> (ErrorKind, String) {
    let meta = payload_metadata(payload);
    let status = meta
        .code
        .as_deref()
        .and_then(|c| c.parse::<u16>().ok())
        .filter(|c| (400..600).contains(c));
    let message = match &meta.message {
        Some(message) => redact(message, secrets),
        None => "unknown error".to_owned(),
    };
    // Type and code both name the failure (`rate_limit_error`, `rate_limit_exceeded`, …).
    let hint = format!(
        "{} {}",
        meta.error_type.as_deref().unwrap_or(""),
        meta.code.as_deref().unwrap_or("")
    )
    .to_ascii_lowercase();
    let names = |words: &[&str]| words.iter().any(|w| hint.contains(w));
    let kind = match status {
        Some(status) => status_kind(status, meta.code.as_deref(), &message),
        None if names(&["rate_limit", "quota"]) => ErrorKind::RateLimit,
        None if names(&[
            "authentication",
            "permission",
            "invalid_api_key",
            "unauthorized",
        ]) =>
        {
            ErrorKind::Auth
        }
        None if names(&["invalid_request", "not_found"]) => {
            status_kind(400, meta.code.as_deref(), &message)
        }
        // Anything else is a provider-side failure, unless it names a context overflow.
        None => match status_kind(400, meta.code.as_deref(), &message) {
            ErrorKind::ContextOverflow => ErrorKind::ContextOverflow,
            _ => ErrorKind::Server,
        },
    };
    let mut text = format!(
        "{label}: {}{}",
        truncate(&message, MAX_ERROR_DETAIL_CHARS),
        redact(&meta.tags(), secrets)
    );
    if let Some(id) = request_id {
        text.push_str(&format!(" [request_id={id}]"));
    }
    (kind, text)
}

#[derive(Debug, Default)]
struct PayloadMetadata {
    message: Option<String>,
    error_type: Option<String>,
    code: Option<String>,
}

impl PayloadMetadata {
    fn tags(&self) -> String {
        match (&self.error_type, &self.code) {
            (Some(t), Some(c)) => format!(" [type={t}, code={c}]"),
            (Some(t), None) => format!(" [type={t}]"),
            (None, Some(c)) => format!(" [code={c}]"),
            (None, None) => String::new(),
        }
    }
}

/// OpenClaw's `resolveProviderErrorPayloadMetadata`.
fn payload_metadata(root: &Value) -> PayloadMetadata {
    let subject = root
        .get("error")
        .filter(|e| e.is_object())
        .or_else(|| root.get("detail").filter(|d| d.is_object()))
        .unwrap_or(root);
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let message = text(subject.get("message"))
        .or_else(|| text(subject.get("detail")))
        .or_else(|| text(subject.get("error_description")))
        .or_else(|| text(root.get("error_description")))
        .or_else(|| text(root.get("message")))
        .or_else(|| text(root.get("error")))
        .or_else(|| text(root.get("detail")));
    let scalar = |v: Option<&Value>| match v {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let code = scalar(subject.get("code"))
        .or_else(|| scalar(subject.get("status")))
        .or_else(|| {
            root.get("error_description")
                .and_then(|_| scalar(root.get("error")))
        });
    // A bare error event's `type` (`{"type": "error", "message": …}`)
    // names the event, not the error.
    let error_type =
        scalar(subject.get("type")).filter(|t| !(t == "error" && std::ptr::eq(subject, root)));
    PayloadMetadata {
        message,
        error_type,
        code,
    }
}

/// Gemini's `error.details[].retryDelay` (`"3s"`, `"1.5s"`).
fn google_retry_delay(root: &Value) -> Option<Duration> {
    root.pointer("/error/details")?
        .as_array()?
        .iter()
        .filter_map(|d| d.get("retryDelay").and_then(Value::as_str))
        .find_map(|delay| delay.strip_suffix('s')?.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// Parses `Retry-After`: seconds, or an HTTP date (relative to now).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_millis((seconds * 1000.0).ceil() as u64));
    }
    let at = httpdate_to_unix(value)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` → seconds since the epoch.
fn httpdate_to_unix(value: &str) -> Option<u64> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)? as u64
        + 1;
    let (day, year): (u64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let hms: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = (y - era * 400) as u64;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe as i64 - 719_468;
    u64::try_from(days)
        .ok()
        .map(|d| d * 86_400 + h * 3600 + m * 60 + s)
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts to `max` characters, marking the cut with `…`.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut cut: String = s.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_400_message_has_label_status_detail_and_request_id() {
        let body = br#"{"error": {"message": "Unsupported parameter: 'max_tokens'", "type": "invalid_request_error", "param": "max_tokens", "code": "unsupported_parameter"}}"#;
        let error = status_error("OpenAI", 400, Some("req_123".into()), None, body, &[]);
        assert_eq!(
            error.to_string(),
            "OpenAI (400): Unsupported parameter: 'max_tokens' [type=invalid_request_error, code=unsupported_parameter] [request_id=req_123]"
        );
        assert_eq!(error.code(), Some("unsupported_parameter"));
        assert_eq!(error.stream_kind(), ErrorKind::InvalidRequest);
        assert!(!error.is_retryable());
    }

    #[test]
    fn status_and_request_id_read_back_from_every_message_shape() {
        let body = br#"{"error": {"message": "Rate limit reached", "type": "requests"}}"#;
        let cases = [
            status_error("acme-ai", 429, Some("req_7".into()), None, body, &[]),
            status_error("acme-ai", 500, None, None, b"", &[]),
            status_error("acme-ai", 503, Some("req_8".into()), None, b"", &[]),
            status_error("acme-ai", 400, None, None, b"plain text", &[]),
        ];
        let read: Vec<(Option<u16>, Option<String>)> = cases
            .iter()
            .map(|error| {
                let message = error.to_string();
                let id = request_id_in_message(&message).map(str::to_owned);
                (status_in_message("acme-ai", &message), id)
            })
            .collect();
        let id = |id: &str| Some(id.to_owned());
        assert_eq!(
            read,
            [
                (Some(429), id("req_7")),
                (Some(500), None),
                (Some(503), id("req_8")),
                (Some(400), None)
            ]
        );
        let (_, in_stream) = in_stream_error(
            "acme-ai",
            &serde_json::json!({"error": {"message": "boom (500)", "code": "500"}}),
            Some("req_9"),
            &[],
        );
        assert_eq!(status_in_message("acme-ai", &in_stream), None);
        assert_eq!(request_id_in_message(&in_stream), Some("req_9"));
        assert_eq!(status_in_message("acme", "acme-ai (429): x"), None);
        assert_eq!(status_in_message("acme", "acme (42x): x"), None);
        assert_eq!(status_in_message("acme", "acme (4290): x"), None);
    }

    #[test]
    fn gemini_retry_info_and_numeric_codes() {
        let body = br#"{"error": {"code": 429, "message": "Resource has been exhausted", "status": "RESOURCE_EXHAUSTED",
            "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}]}}"#;
        let error = status_error("Gemini", 429, None, None, body, &[]);
        assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(error.code(), Some("429"));
        assert_eq!(error.stream_kind(), ErrorKind::RateLimit);
        assert!(error.is_retryable());
    }

    #[test]
    fn non_json_bodies_are_collapsed_redacted_and_cut() {
        let key = "sk-live-abcdefghijklmnopqrstuvwx";
        let body = format!(
            "<html>\n  bad gateway for key {key} and Bearer sk-proj-zzzzzzzzzzzzzzzzzzzzzzzzzz {}</html>",
            "x".repeat(600)
        );
        let error = status_error("Acme", 502, None, None, body.as_bytes(), &[key]);
        let text = error.to_string();
        assert!(
            !text.contains("sk-live") && !text.contains("sk-proj"),
            "{text}"
        );
        assert!(
            text.starts_with(
                "Acme (502): <html> bad gateway for key [redacted] and Bearer [redacted]"
            ),
            "{text}"
        );
        assert!(text.chars().count() < 260);
        assert_eq!(error.body().unwrap().chars().count(), MAX_ERROR_BODY_CHARS);
        assert_eq!(error.stream_kind(), ErrorKind::Server);
    }

    #[test]
    fn an_sse_framed_error_body_gives_the_error_of_its_json() {
        let json = br#"{"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}"#;
        let plain = status_error("acme", 429, Some("req_1".into()), None, json, &[]);
        let mut framed_bodies = Vec::new();
        for (head, nl) in [("", "\n"), ("event: error\n", "\n"), ("", "\r\n")] {
            let json = std::str::from_utf8(json).unwrap();
            framed_bodies.push(format!("{head}data: {json}{nl}{nl}data: [DONE]{nl}{nl}"));
        }
        // Comments, a keep-alive and the payload split over two data lines.
        framed_bodies.push(
            ": keep-alive\n\ndata: {\"error\": {\"message\": \"Rate limit reached\",\ndata: \"type\": \"requests\", \"code\": \"rate_limit_exceeded\"}}\n\n".into(),
        );
        for body in framed_bodies {
            let framed = status_error(
                "acme",
                429,
                Some("req_1".into()),
                None,
                body.as_bytes(),
                &[],
            );
            assert_eq!(framed.to_string(), plain.to_string(), "{body:?}");
            assert_eq!(
                (framed.code(), framed.error_type(), framed.request_id()),
                (plain.code(), plain.error_type(), plain.request_id())
            );
            assert_eq!(framed.stream_kind(), ErrorKind::RateLimit);
            // The body is kept as it came.
            assert_eq!(framed.body(), Some(body.trim()));
        }
        assert_eq!(
            plain.to_string(),
            "acme (429): Rate limit reached [type=requests, code=rate_limit_exceeded] [request_id=req_1]"
        );
    }

    #[test]
    fn an_sse_framed_body_shows_its_data_never_its_frames() {
        let key = "sk-live-abcdefghijklmnopqrstuvwx";
        let body = format!("data: upstream failed for {key}\n\ndata: [DONE]\n\n");
        let error = status_error("acme", 502, None, None, body.as_bytes(), &[key]);
        assert_eq!(
            error.to_string(),
            "acme (502): upstream failed for [redacted]"
        );
        let error = status_error("acme", 503, None, None, b"data: [DONE]\n\n", &[]);
        assert_eq!(error.to_string(), "acme (503)");
        // Not an event stream: the text as it is.
        let error = status_error("acme", 502, None, None, b"error: bad gateway", &[]);
        assert_eq!(error.to_string(), "acme (502): error: bad gateway");
    }

    #[test]
    fn a_bare_error_event_s_type_is_not_the_error_s_type() {
        let body = br#"{"type": "error", "code": "server_error", "message": "boom"}"#;
        let error = status_error("acme", 500, None, None, body, &[]);
        assert_eq!(error.to_string(), "acme (500): boom [code=server_error]");
        assert_eq!(error.error_type(), None);
        let (_, message) = in_stream_error(
            "acme",
            &serde_json::json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
            None,
            &[],
        );
        assert_eq!(message, "acme: Overloaded [type=overloaded_error]");
    }

    #[test]
    fn in_stream_errors_never_show_the_key() {
        let key = "gw-0123456789-secret";
        let (_, message) = in_stream_error(
            "acme",
            &serde_json::json!({"error": {"message": format!("bad key {key} and sk-proj-zzzzzzzzzzzzzzzzzzzzzzzz"), "code": key}}),
            None,
            &[key],
        );
        assert_eq!(
            message,
            "acme: bad key [redacted] and [redacted] [code=[redacted]]"
        );
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(
            httpdate_to_unix("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn context_overflow_is_recognized() {
        let body = br#"{"error": {"message": "This model's maximum context length is 128000 tokens", "code": "context_length_exceeded"}}"#;
        let error = status_error("OpenAI", 400, None, None, body, &[]);
        assert_eq!(error.stream_kind(), ErrorKind::ContextOverflow);
        assert_eq!(
            error.failover_reason(),
            Some(FailoverReason::ContextOverflow)
        );
    }

    #[test]
    fn each_timeout_is_its_own_stream_error_kind() {
        let kinds = [
            (HttpErrorKind::ConnectTimeout, ErrorKind::ConnectTimeout),
            (HttpErrorKind::FirstByteTimeout, ErrorKind::FirstByteTimeout),
            (HttpErrorKind::IdleTimeout, ErrorKind::IdleTimeout),
            (HttpErrorKind::Connect, ErrorKind::Connect),
        ];
        for (http, stream) in kinds {
            assert_eq!(HttpError::new(http, "x").stream_kind(), stream);
        }
    }

    #[test]
    fn in_stream_errors_are_classified() {
        let (kind, message) = in_stream_error(
            "Anthropic",
            &serde_json::json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
            Some("req_9"),
            &[],
        );
        assert_eq!(kind, ErrorKind::Server);
        assert_eq!(
            message,
            "Anthropic: Overloaded [type=overloaded_error] [request_id=req_9]"
        );
        let (kind, _) = in_stream_error(
            "x",
            &serde_json::json!({"error": {"message": "m", "code": 400}}),
            None,
            &[],
        );
        assert_eq!(kind, ErrorKind::InvalidRequest);
        let (kind, _) = in_stream_error(
            "x",
            &serde_json::json!({"error": {"message": "too long", "code": "CONTEXT_LENGTH_EXCEEDED"}}),
            None,
            &[],
        );
        assert_eq!(kind, ErrorKind::ContextOverflow);
    }
}
