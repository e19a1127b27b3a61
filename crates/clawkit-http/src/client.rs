//! [`HttpClient`]: reqwest with the limits a provider call needs — timeouts
//! per phase, at most three redirects, an optional host allowlist checked on
//! every hop, capped body reads, and an opt-in retry policy.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use clawkit_core::Headers;
use futures::StreamExt;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{HttpError, HttpErrorKind, parse_retry_after, status_error};
use crate::redact::{header_secrets, is_sensitive_header, redacted_url};
use crate::retry::RetryPolicy;

/// The default of [`HttpConfig::max_json_body`]: 16 MiB.
pub(crate) const DEFAULT_MAX_JSON_BODY: usize = 16 * 1024 * 1024;

/// Limits of an [`HttpClient`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HttpConfig {
    /// Establishing the connection (default 10 s).
    pub connect_timeout: Duration,
    /// From sending the request to its response headers (default 60 s).
    pub first_byte_timeout: Duration,
    /// Between two reads of a body (default 60 s; 10 s for error bodies).
    pub idle_timeout: Duration,
    /// Redirects followed at most (default 3).
    pub max_redirects: usize,
    /// When set, only these hosts (and their subdomains) may be contacted,
    /// checked on the first URL and on every redirect.
    pub host_allowlist: Option<Vec<String>>,
    /// Error bodies are read up to this many bytes (default 16 KiB).
    pub max_error_body: usize,
    /// How long an error body read may stall (default 10 s).
    pub error_body_stall: Duration,
    /// Successful JSON bodies are read up to this many bytes (default 16
    /// MiB): those of non-streamed calls, and the whole JSON answer a
    /// server may send to a streaming request.
    pub max_json_body: usize,
    /// Retries (default: none — POSTs may create billable work).
    pub retry: RetryPolicy,
    /// Connect through the proxy the environment names (`HTTP_PROXY`,
    /// `HTTPS_PROXY`, `ALL_PROXY`, minus `NO_PROXY`; default on). Off,
    /// every request connects directly — what a call to this machine's
    /// loopback wants, since a proxy cannot reach it.
    pub use_system_proxy: bool,
    /// Record prompts and completions on the `gen_ai.stream` span as
    /// `gen_ai.system_instructions`, `gen_ai.input.messages` and
    /// `gen_ai.output.messages` (default off). The call's API key is scrubbed,
    /// but prompts may hold personal data: enable it only where your traces
    /// may hold them.
    pub record_content: bool,
    /// Speak HTTP/2 in the clear from the first byte (h2c with prior
    /// knowledge; default off), so that concurrent streams to one server
    /// share one connection: for a local server or gateway known to speak
    /// HTTP/2 without TLS. Over HTTPS, HTTP/2 is negotiated (ALPN) without it.
    pub http2_prior_knowledge: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            first_byte_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(60),
            max_redirects: 3,
            host_allowlist: None,
            max_error_body: 16 * 1024,
            error_body_stall: Duration::from_secs(10),
            max_json_body: DEFAULT_MAX_JSON_BODY,
            retry: RetryPolicy::none(),
            use_system_proxy: true,
            record_content: false,
            http2_prior_knowledge: false,
        }
    }
}

impl HttpConfig {
    /// Sets [`connect_timeout`](HttpConfig::connect_timeout).
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets [`first_byte_timeout`](HttpConfig::first_byte_timeout).
    pub fn with_first_byte_timeout(mut self, timeout: Duration) -> Self {
        self.first_byte_timeout = timeout;
        self
    }

    /// Sets [`idle_timeout`](HttpConfig::idle_timeout): how long a stream
    /// may stay silent before it ends with an `idle_timeout` error.
    ///
    /// ```
    /// use std::time::Duration;
    /// use clawkit_http::{HttpClient, HttpConfig};
    ///
    /// let config = HttpConfig::default().with_idle_timeout(Duration::from_millis(300));
    /// let client = HttpClient::with_config(config)?;
    /// # let _ = client;
    /// # Ok::<(), clawkit_http::HttpError>(())
    /// ```
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Sets [`retry`](HttpConfig::retry).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets [`use_system_proxy`](HttpConfig::use_system_proxy).
    pub fn with_system_proxy(mut self, use_it: bool) -> Self {
        self.use_system_proxy = use_it;
        self
    }

    /// Sets [`http2_prior_knowledge`](HttpConfig::http2_prior_knowledge).
    pub fn with_http2_prior_knowledge(mut self, on: bool) -> Self {
        self.http2_prior_knowledge = on;
        self
    }
}

/// An HTTP client for provider calls. Cheap to clone.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    config: Arc<HttpConfig>,
}

/// A response whose status was a success, with its request id.
#[derive(Debug)]
pub struct OkResponse {
    /// The response.
    pub response: reqwest::Response,
    /// `x-request-id` or `request-id`, if sent.
    pub request_id: Option<String>,
}

impl HttpClient {
    /// A client with the default limits.
    pub fn new() -> Result<Self, HttpError> {
        Self::with_config(HttpConfig::default())
    }

    /// A client with these limits.
    pub fn with_config(config: HttpConfig) -> Result<Self, HttpError> {
        let max_redirects = config.max_redirects;
        let allowlist = config.host_allowlist.clone();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                return attempt.error(format!("more than {max_redirects} redirects"));
            }
            if let Some(list) = &allowlist
                && !host_allowed(attempt.url(), list)
            {
                let host = attempt.url().host_str().unwrap_or("").to_owned();
                return attempt.error(format!("blocked hostname (not in allowlist): {host}"));
            }
            attempt.follow()
        });
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .redirect(policy);
        if !config.use_system_proxy {
            builder = builder.no_proxy();
        }
        if config.http2_prior_knowledge {
            builder = builder.http2_prior_knowledge();
        }
        let inner = builder.build().map_err(|e| {
            HttpError::new(HttpErrorKind::Request, "failed to build the HTTP client").with_source(e)
        })?;
        Ok(HttpClient {
            inner,
            config: Arc::new(config),
        })
    }

    /// The limits.
    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// POSTs `body` as JSON and returns the response once its status is a
    /// success. An error status becomes an [`HttpError`] built from the
    /// capped error body; `label` prefixes its message and `secrets` are
    /// removed from it. Retries follow the client's [`RetryPolicy`], and only
    /// happen before any response body was handed out.
    pub async fn post_json(
        &self,
        label: &str,
        url: &Url,
        headers: &Headers,
        body: &[u8],
        secrets: &[&str],
    ) -> Result<OkResponse, HttpError> {
        let body = Some(Bytes::copy_from_slice(body));
        self.send(label, Method::POST, url, headers, body, secrets)
            .await
    }

    /// GETs `url` and reads its JSON body into `T`, with the limits of
    /// [`post_json`](Self::post_json) — the connect and first-byte
    /// timeouts, the redirect limit and host allowlist, the client's
    /// [`RetryPolicy`], errors built from the capped, redacted error body —
    /// and a body of at most `max_bytes`, each read within the idle
    /// timeout. `Accept: application/json` is sent unless `headers` name an
    /// `Accept`; the values of credential headers (`Authorization`,
    /// `x-api-key`, …) are scrubbed from every error. `label` prefixes
    /// error messages. A header name or value that HTTP does not allow (a
    /// space or a colon in a name, CR or LF in a value) is
    /// [`HttpErrorKind::Request`], before anything is sent.
    ///
    /// A body over `max_bytes` is [`HttpErrorKind::BodyTooLarge`] (told by
    /// `Content-Length` before reading when the server sends one), a body
    /// that is not the JSON of `T` is [`HttpErrorKind::Decode`].
    ///
    /// ```no_run
    /// use clawkit_core::Headers;
    ///
    /// # async fn run() -> Result<(), clawkit_http::HttpError> {
    /// let client = clawkit_http::HttpClient::new()?;
    /// let url = "http://127.0.0.1:11434/api/tags".parse().unwrap();
    /// let tags: serde_json::Value = client
    ///     .get_json("ollama", &url, &Headers::new(), 4 * 1024 * 1024)
    ///     .await?;
    /// println!("{tags}");
    /// # Ok(()) }
    /// ```
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        label: &str,
        url: &Url,
        headers: &Headers,
        max_bytes: usize,
    ) -> Result<T, HttpError> {
        let mut headers = headers.clone();
        if !headers.contains("accept") {
            headers.insert("Accept", "application/json");
        }
        let secrets = header_secrets(&headers);
        let ok = self
            .send(label, Method::GET, url, &headers, None, &secrets)
            .await?;
        if ok
            .response
            .content_length()
            .is_some_and(|length| length > max_bytes as u64)
        {
            return Err(too_large(label, max_bytes).with_request_id(ok.request_id));
        }
        self.read_json_capped(label, ok, max_bytes).await
    }

    /// Sends one request (retried as the client's [`RetryPolicy`] says) and
    /// returns the response once its status is a success.
    async fn send(
        &self,
        label: &str,
        method: Method,
        url: &Url,
        headers: &Headers,
        body: Option<Bytes>,
        secrets: &[&str],
    ) -> Result<OkResponse, HttpError> {
        if let Some(list) = &self.config.host_allowlist
            && !host_allowed(url, list)
        {
            return Err(HttpError::new(
                HttpErrorKind::Blocked,
                format!(
                    "{label}: blocked hostname (not in allowlist): {}",
                    url.host_str().unwrap_or("")
                ),
            ));
        }
        let header_map = header_map(headers)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self
                .send_once(
                    label,
                    method.clone(),
                    url,
                    &header_map,
                    body.clone(),
                    secrets,
                )
                .await;
            match result {
                Err(error) if error.is_retryable() => {
                    match self.config.retry.delay(attempt, error.retry_after()) {
                        Some(delay) => {
                            tracing::debug!(label, attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying provider request");
                            tokio::time::sleep(delay).await;
                        }
                        None => return Err(error),
                    }
                }
                other => return other,
            }
        }
    }

    async fn send_once(
        &self,
        label: &str,
        method: Method,
        url: &Url,
        headers: &HeaderMap,
        body: Option<Bytes>,
        secrets: &[&str],
    ) -> Result<OkResponse, HttpError> {
        let mut request = self
            .inner
            .request(method, url.clone())
            .headers(headers.clone());
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response =
            match tokio::time::timeout(self.config.first_byte_timeout, request.send()).await {
                Err(_) => {
                    return Err(HttpError::new(
                        HttpErrorKind::FirstByteTimeout,
                        format!(
                            "{label}: no response within {} ms",
                            self.config.first_byte_timeout.as_millis()
                        ),
                    ));
                }
                Ok(Err(e)) => return Err(send_error(label, e)),
                Ok(Ok(response)) => response,
            };
        let request_id = request_id(response.headers());
        let status = response.status();
        if status.is_success() {
            return Ok(OkResponse {
                response,
                request_id,
            });
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let body = read_capped(
            response,
            self.config.max_error_body,
            self.config.error_body_stall,
            true,
        )
        .await
        .map(|read| read.bytes)
        .unwrap_or_default();
        Err(status_error(
            label,
            status.as_u16(),
            request_id,
            retry_after,
            &body,
            secrets,
        ))
    }

    /// Reads a successful JSON response (capped, stall-limited) into `T`.
    pub async fn read_json<T: DeserializeOwned>(
        &self,
        label: &str,
        ok: OkResponse,
    ) -> Result<T, HttpError> {
        self.read_json_capped(label, ok, self.config.max_json_body)
            .await
    }

    /// Reads a successful JSON response of at most `cap` bytes into `T`.
    async fn read_json_capped<T: DeserializeOwned>(
        &self,
        label: &str,
        ok: OkResponse,
        cap: usize,
    ) -> Result<T, HttpError> {
        let request_id = ok.request_id.clone();
        let read = read_capped(ok.response, cap, self.config.idle_timeout, false)
            .await
            .map_err(|e| e.with_request_id(request_id.clone()))?;
        if read.truncated {
            return Err(too_large(label, cap).with_request_id(request_id));
        }
        serde_json::from_slice(&read.bytes).map_err(|e| {
            HttpError::new(
                HttpErrorKind::Decode,
                format!("{label}: malformed JSON response"),
            )
            .with_source(e)
            .with_request_id(request_id)
        })
    }
}

/// A successful body over its cap.
fn too_large(label: &str, cap: usize) -> HttpError {
    HttpError::new(
        HttpErrorKind::BodyTooLarge,
        format!("{label}: JSON response exceeds {cap} bytes"),
    )
}

/// Whether `url`'s host is in `list` (exactly, or as a subdomain).
fn host_allowed(url: &Url, list: &[String]) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    list.iter().any(|allowed| {
        let allowed = allowed.trim_end_matches('.').to_ascii_lowercase();
        host == allowed || host.ends_with(&format!(".{allowed}"))
    })
}

/// `headers` for reqwest: one entry per name (names are lowercased), the
/// values of credential headers marked sensitive. An invalid name or value
/// is an [`HttpErrorKind::Request`] naming the header, never its value.
fn header_map(headers: &Headers) -> Result<HeaderMap, HttpError> {
    let mut map = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            HttpError::new(
                HttpErrorKind::Request,
                format!("invalid header name \"{name}\""),
            )
        })?;
        // The value may be a credential: never echo it.
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            HttpError::new(
                HttpErrorKind::Request,
                format!("invalid value for header \"{name}\""),
            )
        })?;
        if is_sensitive_header(name.as_str()) {
            value.set_sensitive(true);
        }
        map.insert(name, value);
    }
    Ok(map)
}

/// `x-request-id`, else `request-id`.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "request-id"]
        .into_iter()
        .filter_map(|name| headers.get(name))
        .filter_map(|v| v.to_str().ok())
        .map(str::trim)
        .find(|v| !v.is_empty())
        .map(str::to_owned)
}

fn send_error(label: &str, error: reqwest::Error) -> HttpError {
    let (kind, what) = if error.is_redirect() {
        let blocked = std::error::Error::source(&error)
            .map(|s| s.to_string())
            .unwrap_or_default();
        if blocked.contains("allowlist") {
            (HttpErrorKind::Blocked, blocked)
        } else {
            (
                HttpErrorKind::Redirect,
                format!("redirect refused: {blocked}"),
            )
        }
    } else if error.is_timeout() {
        (
            HttpErrorKind::ConnectTimeout,
            "connection timed out".to_owned(),
        )
    } else if error.is_connect() {
        let what = match root_cause(&error) {
            Some(cause) => format!("connection failed: {cause}"),
            None => "connection failed".to_owned(),
        };
        (HttpErrorKind::Connect, what)
    } else if error.is_builder() {
        (HttpErrorKind::Request, "invalid request".to_owned())
    } else {
        // A connection reset or closed before the response head.
        let what = match root_cause(&error) {
            Some(cause) => format!("request failed: {cause}"),
            None => "request failed".to_owned(),
        };
        (HttpErrorKind::Connect, what)
    };
    let url = error.url().map(redacted_url).unwrap_or_default();
    let message = if url.is_empty() {
        format!("{label}: {what}")
    } else {
        format!("{label}: {what} ({url})")
    };
    HttpError::new(kind, message).with_source(error.without_url())
}

/// The innermost cause of a connect error (`Connection refused`, a failed
/// DNS lookup) or of a broken connection (`connection reset`, a body cut
/// short), which says what happened; none when there is no chain. It
/// names hosts and addresses, never credentials.
pub(crate) fn root_cause(error: &reqwest::Error) -> Option<String> {
    let mut cause = std::error::Error::source(error)?;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let text = cause.to_string();
    (!text.is_empty()).then_some(text)
}

pub(crate) struct CappedRead {
    pub(crate) bytes: Bytes,
    pub(crate) truncated: bool,
}

/// Reads at most `cap` bytes of a body, failing if a read stalls for
/// `stall`. With `lenient`, read errors keep what was read.
pub(crate) async fn read_capped(
    response: reqwest::Response,
    cap: usize,
    stall: Duration,
    lenient: bool,
) -> Result<CappedRead, HttpError> {
    let mut stream = response.bytes_stream();
    let mut buf = BytesMut::new();
    loop {
        match tokio::time::timeout(stall, stream.next()).await {
            Err(_) => {
                if lenient {
                    break;
                }
                return Err(HttpError::new(
                    HttpErrorKind::IdleTimeout,
                    format!("response body stalled for {} ms", stall.as_millis()),
                ));
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                if lenient {
                    break;
                }
                return Err(HttpError::new(
                    HttpErrorKind::Body,
                    "the connection broke while reading the body",
                )
                .with_source(e.without_url()));
            }
            Ok(Some(Ok(chunk))) => {
                let room = cap.saturating_sub(buf.len());
                if chunk.len() > room {
                    buf.extend_from_slice(&chunk[..room]);
                    return Ok(CappedRead {
                        bytes: buf.freeze(),
                        truncated: true,
                    });
                }
                buf.extend_from_slice(&chunk);
            }
        }
    }
    Ok(CappedRead {
        bytes: buf.freeze(),
        truncated: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist_matches_hosts_and_subdomains_only() {
        let list = vec!["acme-ai.com".to_owned()];
        for ok in [
            "https://acme-ai.com/v1",
            "https://api.acme-ai.com/v1",
            "https://API.ACME-AI.COM./x",
        ] {
            assert!(host_allowed(&ok.parse().unwrap(), &list), "{ok}");
        }
        for blocked in [
            "https://evil-acme-ai.com",
            "https://acme-ai.com.evil.net",
            "http://169.254.169.254/",
        ] {
            assert!(!host_allowed(&blocked.parse().unwrap(), &list), "{blocked}");
        }
    }

    #[test]
    fn credential_headers_are_marked_sensitive() {
        let headers = Headers::from([("Authorization", "Bearer sk-x"), ("x-custom", "v")]);
        let map = header_map(&headers).unwrap();
        assert!(map["authorization"].is_sensitive());
        assert!(!map["x-custom"].is_sensitive());
        assert!(!format!("{map:?}").contains("sk-x"));
        let bad = Headers::from([("x-key", "line\nbreak sk-secret")]);
        let error = header_map(&bad).unwrap_err();
        assert_eq!(error.to_string(), "invalid value for header \"x-key\"");
    }

    #[test]
    fn one_entry_per_name_whatever_its_case() {
        let mut headers = Headers::new();
        headers.insert("Authorization", "Bearer transport");
        headers.insert("authorization", "Bearer wrapper");
        let map = header_map(&headers).unwrap();
        assert_eq!(map.len(), 1);
        let sent: Vec<_> = map.get_all("authorization").iter().collect();
        assert_eq!(sent, ["Bearer wrapper"]);
    }

    #[test]
    fn invalid_names_and_values_are_request_errors_that_never_echo_the_value() {
        let secret = "sk-canary-header-0123456789";
        for (name, value, message) in [
            (
                "x-key",
                format!("a\r\nX-Injected: {secret}"),
                "invalid value for header \"x-key\"",
            ),
            (
                "x-key",
                format!("{secret}\n"),
                "invalid value for header \"x-key\"",
            ),
            (
                "x-key",
                format!("nul\0{secret}"),
                "invalid value for header \"x-key\"",
            ),
            ("x key", secret.to_owned(), "invalid header name \"x key\""),
            (
                "x-key:",
                secret.to_owned(),
                "invalid header name \"x-key:\"",
            ),
            (
                "x-key\r\n",
                secret.to_owned(),
                "invalid header name \"x-key\r\n\"",
            ),
            ("", secret.to_owned(), "invalid header name \"\""),
            (
                "x-\u{e9}",
                secret.to_owned(),
                "invalid header name \"x-\u{e9}\"",
            ),
        ] {
            let error = header_map(&Headers::from([(name, value)])).unwrap_err();
            assert_eq!(error.kind(), HttpErrorKind::Request, "{name:?}");
            assert_eq!(error.to_string(), message, "{name:?}");
            assert!(!format!("{error:?}").contains(secret), "{name:?}");
        }
    }
}
