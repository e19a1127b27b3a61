//! A scripted HTTP/1.1 server for transport tests, on 127.0.0.1 port 0.
//!
//! Each connection is answered by the next [`Script`] (the last one repeats).
//! A script sets the status and headers, then sends its body as chunked
//! transfer encoding in pieces: split at chosen byte offsets, with stalls
//! between pieces, or cut off mid-body (the connection closes without the
//! final chunk, which the client sees as a dropped connection). Every
//! request is recorded for snapshotting the outbound body. During a stall
//! (or a delayed head) the server watches the connection: when the client closes it (a
//! cancelled or timed-out stream), the script stops there and
//! [`ScriptedServer::closed_by_client`] counts it.
//!
//! For fault injection a script can also reset the connection before the
//! head ([`Script::reset`]), answer in HTTP/1.0 with no length, the body
//! ended by closing the connection ([`Script::http10`]), or send a body
//! generated piece by piece and never held whole ([`Script::generated`],
//! a gigabyte costs 64 KiB); [`ScriptedServer::body_bytes_written`] counts
//! what the client was sent, and [`refused_url`] names a port where nothing
//! listens.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One step of a scripted body.
#[derive(Debug, Clone)]
enum Step {
    Write(Vec<u8>),
    Stall(Duration),
    Drop,
}

/// How the server frames the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// HTTP/1.1, chunked transfer encoding.
    Chunked,
    /// HTTP/1.0 with no length: the body is sent as it is and ends when
    /// the connection closes.
    Eof,
    /// No answer at all: the connection is reset (RST) once the request
    /// was read.
    Reset,
}

/// A body made on the fly: `piece` repeated up to `len` bytes.
#[derive(Debug, Clone)]
struct Generated {
    piece: Vec<u8>,
    len: u64,
}

/// The pieces a generated body is sent in.
const GENERATED_PIECE: usize = 64 * 1024;

/// How the server answers one request.
#[derive(Debug, Clone)]
#[must_use]
pub struct Script {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    generated: Option<Generated>,
    framing: Framing,
    splits: Vec<usize>,
    stalls: Vec<(usize, Duration)>,
    drop_at: Option<usize>,
    head_delay: Option<Duration>,
    paced: bool,
}

impl Script {
    /// A 200 `text/event-stream` answer with this body.
    pub fn sse(body: impl Into<Vec<u8>>) -> Self {
        Script {
            status: 200,
            headers: vec![("Content-Type".into(), "text/event-stream".into())],
            body: body.into(),
            generated: None,
            framing: Framing::Chunked,
            splits: Vec::new(),
            stalls: Vec::new(),
            drop_at: None,
            head_delay: None,
            paced: false,
        }
    }

    /// An answer with `status` and a JSON body.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Script {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            ..Script::sse(body)
        }
    }

    /// An answer with `status` whose body is `piece` repeated up to `len`
    /// bytes, made and sent 64 KiB at a time: a body of any size (a
    /// gigabyte error page) costs the server one piece of memory. Splits,
    /// stalls and drops do not apply to it.
    ///
    /// ```
    /// use clawkit_testkit::Script;
    ///
    /// let huge = Script::generated(500, "overloaded ", 1 << 30);
    /// # let _ = huge;
    /// ```
    pub fn generated(status: u16, piece: impl Into<Vec<u8>>, len: u64) -> Self {
        let piece = piece.into();
        let piece = if piece.is_empty() { vec![b' '] } else { piece };
        Script {
            generated: Some(Generated { piece, len }),
            ..Script::json(status, Vec::new()).without_header("content-type")
        }
    }

    /// No answer: once the request was read, the connection is reset
    /// (RST), before any byte of a response head.
    pub fn reset() -> Self {
        Script {
            framing: Framing::Reset,
            ..Script::sse(Vec::new())
        }
    }

    /// Answers in HTTP/1.0 with neither `Content-Length` nor chunked
    /// encoding: the body bytes go out as they are (still split, stalled
    /// and dropped as scripted) and the body ends when the server closes
    /// the connection, so a drop looks like the end of the body.
    pub fn http10(mut self) -> Self {
        self.framing = Framing::Eof;
        self
    }

    /// Adds a response header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Answers with `status` instead (an event stream on an error status,
    /// as some gateways send).
    ///
    /// ```
    /// use clawkit_testkit::Script;
    ///
    /// let framed_error = Script::sse("data: {\"error\": {\"message\": \"boom\"}}\n\ndata: [DONE]\n\n").status(500);
    /// # let _ = framed_error;
    /// ```
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Removes the response headers named `name` (in any case), such as the
    /// `Content-Type` the constructors set.
    pub fn without_header(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// Sends the body in pieces split at these byte offsets.
    pub fn split_at(mut self, offsets: impl IntoIterator<Item = usize>) -> Self {
        self.splits.extend(offsets);
        self
    }

    /// Sends the body in pieces of `size` bytes.
    pub fn split_every(mut self, size: usize) -> Self {
        let size = size.max(1);
        self.splits.extend((size..self.body.len()).step_by(size));
        self
    }

    /// Pauses for `duration` once `offset` bytes were sent; the pause ends
    /// early, and the script with it, when the client closes the connection.
    pub fn stall_at(mut self, offset: usize, duration: Duration) -> Self {
        self.stalls.push((offset, duration));
        self.splits.push(offset);
        self
    }

    /// Closes the connection once `offset` bytes were sent, without ending the body.
    pub fn drop_at(mut self, offset: usize) -> Self {
        self.drop_at = Some(offset);
        self.splits.push(offset);
        self
    }

    /// Pauses 1 ms after each piece so that the client reads pieces one by
    /// one instead of the kernel coalescing them (slow for many pieces).
    pub fn paced(mut self) -> Self {
        self.paced = true;
        self
    }

    /// Waits this long before sending the response head; the wait ends
    /// early, and the script with it, when the client closes the connection.
    pub fn delay_head(mut self, delay: Duration) -> Self {
        self.head_delay = Some(delay);
        self
    }

    fn steps(&self) -> Vec<Step> {
        let mut cuts: Vec<usize> = self
            .splits
            .iter()
            .copied()
            .filter(|&o| o < self.body.len())
            .collect();
        cuts.push(self.body.len());
        cuts.sort_unstable();
        cuts.dedup();
        let mut steps = Vec::new();
        let mut start = 0;
        for cut in cuts {
            if cut > start {
                steps.push(Step::Write(self.body[start..cut].to_vec()));
            }
            for (_, stall) in self.stalls.iter().filter(|(at, _)| *at == cut) {
                steps.push(Step::Stall(*stall));
            }
            if self.drop_at == Some(cut) {
                steps.push(Step::Drop);
                return steps;
            }
            start = cut;
        }
        steps
    }
}

/// A request the server received. Its `Debug` shows as `[redacted]` the
/// value of every header whose name contains `key`, `token`, `secret`,
/// `auth`, `cookie` or `signature`, in any case (`Authorization`,
/// `x-api-key`, `X-Amz-Security-Token`, `Cookie`, …). The fields keep
/// every value.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `POST`, …
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Header names (lower-case) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// Whether `needle` occurs in the path, a header value or the body.
    pub fn contains(&self, needle: &str) -> bool {
        !needle.is_empty()
            && (self.path.contains(needle)
                || self.headers.iter().any(|(_, value)| value.contains(needle))
                || find(&self.body, needle.as_bytes()).is_some())
    }
}

/// Parts of a header name that mark its value as a credential.
const CREDENTIAL_PARTS: [&str; 6] = ["key", "token", "secret", "auth", "cookie", "signature"];

/// Whether the value of the header `name` may be a credential: its name
/// contains `key`, `token`, `secret`, `auth`, `cookie` or `signature`, in
/// any case (`Authorization`, `x-api-key`, `X-Amz-Security-Token`,
/// `Set-Cookie`, …).
fn is_credential_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    CREDENTIAL_PARTS.iter().any(|part| name.contains(part))
}

impl std::fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if is_credential_header(name) {
                    "[redacted]"
                } else {
                    value.as_str()
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// The running server; stops when dropped.
#[derive(Debug)]
pub struct ScriptedServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    closed_by_client: Arc<AtomicUsize>,
    body_bytes: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl ScriptedServer {
    /// Starts on 127.0.0.1, port 0, answering with `scripts` in turn.
    pub async fn start(scripts: Vec<Script>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        let closed_by_client = Arc::new(AtomicUsize::new(0));
        let closed = closed_by_client.clone();
        let body_bytes = Arc::new(AtomicU64::new(0));
        let written = body_bytes.clone();
        let task = tokio::spawn(async move {
            let mut served = 0usize;
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let script = scripts
                    .get(served)
                    .or_else(|| scripts.last())
                    .cloned()
                    .unwrap_or_else(|| Script::json(500, "no script"));
                served += 1;
                let recorded = recorded.clone();
                let closed = closed.clone();
                let written = written.clone();
                tokio::spawn(async move {
                    let served = serve(socket, script, recorded, &written).await;
                    if let Ok(Served::ClosedByClient) = served {
                        closed.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        Ok(ScriptedServer {
            addr,
            requests,
            closed_by_client,
            body_bytes,
            task,
        })
    }

    /// `http://127.0.0.1:<port>` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// How many connections the client closed before their script ended,
    /// as noticed during a stall or a delayed head (or by a failed write).
    pub fn closed_by_client(&self) -> usize {
        self.closed_by_client.load(Ordering::SeqCst)
    }

    /// How many body bytes the server has handed to the connections so
    /// far (each write the kernel took; framing not counted): what a client
    /// that stops reading at its cap was sent, up to what the socket
    /// buffers hold.
    pub fn body_bytes_written(&self) -> u64 {
        self.body_bytes.load(Ordering::SeqCst)
    }
}

/// `http://127.0.0.1:<port>` + `path`, at a port where nothing listens (it
/// was bound, then let go): connecting to it is refused.
pub fn refused_url(path: &str) -> std::io::Result<String> {
    let addr = std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?;
    Ok(format!("http://{addr}{path}"))
}

/// How a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Served {
    /// The script ran to its end (or to its drop).
    Finished,
    /// The client closed the connection first.
    ClosedByClient,
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut socket: TcpStream,
    script: Script,
    recorded: Arc<Mutex<Vec<RecordedRequest>>>,
    written: &AtomicU64,
) -> std::io::Result<Served> {
    socket.set_nodelay(true)?;
    if let Some(request) = read_request(&mut socket).await?
        && let Ok(mut list) = recorded.lock()
    {
        list.push(request);
    }
    if let Some(delay) = script.head_delay
        && stall(&mut socket, delay).await == Served::ClosedByClient
    {
        return Ok(Served::ClosedByClient);
    }
    let version = match script.framing {
        Framing::Reset => {
            // SO_LINGER 0: closing sends RST, not FIN.
            socket.set_zero_linger()?;
            return Ok(Served::Finished);
        }
        Framing::Chunked => "HTTP/1.1",
        Framing::Eof => "HTTP/1.0",
    };
    let mut head = format!("{version} {} {}\r\n", script.status, reason(script.status));
    for (name, value) in &script.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if script.framing == Framing::Chunked {
        head.push_str("Transfer-Encoding: chunked\r\nConnection: close\r\n");
    }
    head.push_str("\r\n");
    socket.write_all(head.as_bytes()).await?;
    socket.flush().await?;
    let mut out = BodyWriter {
        socket: &mut socket,
        chunked: script.framing == Framing::Chunked,
        written,
    };
    if let Some(generated) = &script.generated {
        let mut piece = Vec::with_capacity(GENERATED_PIECE + generated.piece.len());
        let mut left = generated.len;
        while left > 0 {
            while piece.len() < GENERATED_PIECE {
                piece.extend_from_slice(&generated.piece);
            }
            let take = piece.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            if !out.write(&piece[..take]).await {
                return Ok(Served::ClosedByClient);
            }
            piece.drain(..take);
            left -= take as u64;
        }
    }
    for step in script.steps() {
        match step {
            Step::Write(bytes) => {
                if !out.write(&bytes).await {
                    return Ok(Served::ClosedByClient);
                }
                if script.paced {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
            Step::Stall(duration) => {
                if stall(&mut *out.socket, duration).await == Served::ClosedByClient {
                    return Ok(Served::ClosedByClient);
                }
            }
            Step::Drop => return Ok(Served::Finished),
        }
    }
    let chunked = out.chunked;
    if chunked && (socket.write_all(b"0\r\n\r\n").await.is_err() || socket.flush().await.is_err()) {
        return Ok(Served::ClosedByClient);
    }
    Ok(Served::Finished)
}

/// Writes body bytes in the response's framing, counting them.
struct BodyWriter<'a> {
    socket: &'a mut TcpStream,
    chunked: bool,
    written: &'a AtomicU64,
}

impl BodyWriter<'_> {
    /// Sends `bytes` (one chunk when chunked); `false` when the client
    /// closed the connection.
    async fn write(&mut self, bytes: &[u8]) -> bool {
        let sent = if self.chunked {
            let mut frame = format!("{:x}\r\n", bytes.len()).into_bytes();
            frame.extend_from_slice(bytes);
            frame.extend_from_slice(b"\r\n");
            self.socket.write_all(&frame).await
        } else {
            self.socket.write_all(bytes).await
        };
        if sent.is_err() || self.socket.flush().await.is_err() {
            return false;
        }
        self.written.fetch_add(bytes.len() as u64, Ordering::SeqCst);
        true
    }
}

/// Waits `duration`, or less when the client closes the connection (the
/// request was read whole, so a read that ends means the client left).
async fn stall(socket: &mut TcpStream, duration: Duration) -> Served {
    let watch = async {
        let mut buf = [0u8; 1024];
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return Served::ClosedByClient,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(duration, watch)
        .await
        .unwrap_or(Served::Finished)
}

/// Reads the request head and a `Content-Length` body.
async fn read_request(socket: &mut TcpStream) -> std::io::Result<Option<RecordedRequest>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            break end;
        }
        let n = socket.read(&mut chunk).await?;
        if n == 0 || buf.len() > 1 << 20 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut start = lines.next().unwrap_or("").split(' ');
    let method = start.next().unwrap_or("").to_owned();
    let path = start.next().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok(Some(RecordedRequest {
        method,
        path,
        headers,
        body,
    }))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_stall_and_drop_at_offsets() {
        let script = Script::sse(b"abcdefgh".to_vec())
            .split_at([2, 5])
            .stall_at(5, Duration::from_millis(3))
            .drop_at(7);
        let steps: Vec<String> = script
            .steps()
            .iter()
            .map(|s| match s {
                Step::Write(b) => String::from_utf8_lossy(b).into_owned(),
                Step::Stall(d) => format!("stall {}ms", d.as_millis()),
                Step::Drop => "drop".to_owned(),
            })
            .collect();
        assert_eq!(steps, ["ab", "cde", "stall 3ms", "fg", "drop"]);
    }

    /// Sends a request over a raw connection and reads the answer to its
    /// end: the bytes, or the read error.
    async fn raw_exchange(server: &ScriptedServer) -> std::io::Result<Vec<u8>> {
        let mut socket = TcpStream::connect(server.addr).await?;
        socket
            .write_all(b"POST /v1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
            .await?;
        let mut answer = Vec::new();
        socket.read_to_end(&mut answer).await?;
        Ok(answer)
    }

    #[tokio::test]
    async fn faults_reset_answer_in_http10_and_generate_bodies() -> std::io::Result<()> {
        let server = ScriptedServer::start(vec![
            Script::reset(),
            Script::sse("data: a\n\ndata: b\n\n").http10().drop_at(9),
            Script::generated(500, "ab", 5).http10(),
            Script::generated(503, "xyz", 200_000),
        ])
        .await?;
        let reset = raw_exchange(&server).await.map_err(|e| e.kind());
        assert_eq!(reset, Err(std::io::ErrorKind::ConnectionReset));

        let http10 = String::from_utf8(raw_exchange(&server).await?).unwrap_or_default();
        assert_eq!(
            http10,
            "HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: a\n\n"
        );

        let generated = String::from_utf8(raw_exchange(&server).await?).unwrap_or_default();
        assert_eq!(generated, "HTTP/1.0 500 Internal Server Error\r\n\r\nababa");

        let chunked = raw_exchange(&server).await?;
        let body_start = find(&chunked, b"\r\n\r\n").map_or(0, |at| at + 4);
        assert!(chunked.len() > 200_000 + body_start && chunked.ends_with(b"0\r\n\r\n"));
        assert_eq!(server.body_bytes_written(), 9 + 5 + 200_000);
        assert_eq!(server.requests().len(), 4);
        Ok(())
    }

    #[test]
    fn a_recorded_request_prints_no_credential() {
        let credentials = [
            "authorization",
            "Proxy-Authorization",
            "x-api-key",
            "x-goog-api-key",
            "X-Amz-Security-Token",
            "x-client-secret",
            "cookie",
            "Set-Cookie",
            "x-amz-content-signature",
            "X-Auth-Email",
            "api-key",
        ];
        let mut headers: Vec<(String, String)> = credentials
            .iter()
            .enumerate()
            .map(|(at, name)| ((*name).to_owned(), format!("sk-secret-{at:02}")))
            .collect();
        headers.push(("content-type".into(), "application/json".into()));
        headers.push(("x-request-id".into(), "req-visible-7".into()));
        let request = RecordedRequest {
            method: "POST".into(),
            path: "/v1/chat/completions".into(),
            headers,
            body: b"{}".to_vec(),
        };
        let printed = format!("{request:?}");
        assert!(!printed.contains("sk-secret-"), "{printed}");
        assert_eq!(
            printed.matches("[redacted]").count(),
            credentials.len(),
            "{printed}"
        );
        for name in credentials {
            assert!(printed.contains(name), "the name {name} stays: {printed}");
        }
        assert!(printed.contains("application/json") && printed.contains("req-visible-7"));
        assert!(request.contains("sk-secret-04") && !request.contains("sk-other"));
        assert_eq!(request.header("x-amz-security-token"), Some("sk-secret-04"));
    }
}
