//! [`GatewayLimits`]: how much one request may send, how many may run at
//! once, and for how long.

use std::time::Duration;

/// The bounds a [`Gateway`](crate::Gateway) keeps.
///
/// | limit | default | over it |
/// | --- | --- | --- |
/// | [`max_body_bytes`](Self::max_body_bytes) | 16 MiB | `413`, `request_too_large` |
/// | [`max_concurrent_streams`](Self::max_concurrent_streams) | 64 | `429`, `concurrency_limit_exceeded`, `Retry-After: 1` |
/// | [`request_timeout`](Self::request_timeout) | 10 min | `504`, `timeout` (an error event once streaming) |
///
/// ```
/// use std::time::Duration;
/// use clawkit_server::GatewayLimits;
///
/// let limits = GatewayLimits::default()
///     .with_max_body_bytes(1024 * 1024)
///     .with_max_concurrent_streams(8)
///     .with_request_timeout(Duration::from_secs(120));
/// assert_eq!(limits.max_concurrent_streams(), 8);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GatewayLimits {
    max_body_bytes: usize,
    max_concurrent_streams: usize,
    request_timeout: Duration,
}

impl Default for GatewayLimits {
    fn default() -> Self {
        GatewayLimits {
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            max_concurrent_streams: Self::DEFAULT_MAX_CONCURRENT_STREAMS,
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

impl GatewayLimits {
    /// 16 MiB: a request carries its images inline, base64-encoded.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
    /// 64 turns at once.
    pub const DEFAULT_MAX_CONCURRENT_STREAMS: usize = 64;
    /// Ten minutes: a long answer of a reasoning model takes minutes.
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(600);

    /// The largest request body read, in bytes; a larger one is refused
    /// with `413` before it is parsed (at least 1).
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes.max(1);
        self
    }

    /// How many chat completions may run at once, streaming or not (each
    /// holds one upstream stream); one more is refused with `429` at once
    /// rather than queued (at least 1).
    pub fn with_max_concurrent_streams(mut self, streams: usize) -> Self {
        self.max_concurrent_streams = streams.max(1);
        self
    }

    /// How long one chat completion may take, from its body read to its
    /// last byte, stream included; then the upstream request is cancelled
    /// and the client gets `504` (or, once streaming, a final error event).
    /// At least one millisecond.
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The largest request body read, in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// How many chat completions may run at once.
    pub fn max_concurrent_streams(&self) -> usize {
        self.max_concurrent_streams
    }

    /// How long one chat completion may take.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }
}
