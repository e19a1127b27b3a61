//! A scripted OpenAI-compatible upstream for load runs: raw HTTP/1.1 on
//! tokio, a few kilobytes per connection, every answer a chat-completions
//! stream of `deltas` text deltas (chunked, keep-alive), with switches a run
//! flips mid-load: stall every stream after its first delta, or kill every
//! open connection and stop listening, then listen again on the same port.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

/// The largest request head (and body) the upstream reads.
const MAX_REQUEST: usize = 1 << 20;

/// How the upstream answers.
#[derive(Clone, Debug)]
pub struct UpstreamConfig {
    /// Text deltas per answer.
    pub deltas: usize,
    /// Pause before each delta.
    pub pace: Duration,
    /// Hold every answer after its first event until this many requests
    /// have arrived (0: no barrier), so that they all stream at once.
    pub barrier: usize,
    /// The longest a request waits at the barrier.
    pub barrier_deadline: Duration,
    /// Speak HTTP/2 in the clear (h2c, prior knowledge) instead of HTTP/1.1.
    pub http2: bool,
}

impl Default for UpstreamConfig {
    fn default() -> Self {
        UpstreamConfig {
            deltas: 20,
            pace: Duration::from_millis(5),
            barrier: 0,
            barrier_deadline: Duration::from_secs(30),
            http2: false,
        }
    }
}

/// What the upstream does with the answers it streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Stream every answer to its end.
    Serve = 0,
    /// Stop every answer after its first delta (until the mode changes).
    Stall = 1,
}

/// Counters, read with [`Upstream::stats`].
#[derive(Clone, Copy, Debug, Default)]
pub struct UpstreamStats {
    /// Connections accepted.
    pub connections: usize,
    /// Requests read.
    pub requests: usize,
    /// Answers streamed to their last byte.
    pub completed: usize,
    /// Answers streaming right now.
    pub streaming: usize,
    /// The most answers streaming at once.
    pub peak_streaming: usize,
}

struct Shared {
    config: UpstreamConfig,
    frames: Frames,
    mode: AtomicU8,
    connections: AtomicUsize,
    requests: AtomicUsize,
    completed: AtomicUsize,
    streaming: AtomicUsize,
    peak_streaming: AtomicUsize,
    barrier_open: AtomicBool,
    barrier: Notify,
    mode_changed: Notify,
    /// Bumped by [`Upstream::kill`]: every connection task ends when it moves.
    generation: watch::Sender<u64>,
}

/// The answer, framed once: HTTP/1.1 chunks of one SSE event each, and
/// the same events unframed for HTTP/2.
struct Frames {
    head: Bytes,
    role: Bytes,
    deltas: Vec<Bytes>,
    tail: Bytes,
    events: Events,
}

/// The SSE events of the answer, for HTTP/2 data frames.
struct Events {
    role: Bytes,
    deltas: Vec<Bytes>,
    tail: Bytes,
}

impl Frames {
    fn new(count: usize) -> Frames {
        let sse = |event: &str| format!("data: {event}\n\n");
        let chunk = |event: &str| {
            let data = sse(event);
            Bytes::from(format!("{:x}\r\n{data}\r\n", data.len()))
        };
        let event = |delta: &str, finish: &str| {
            format!(
                r#"{{"id":"chatcmpl-load","object":"chat.completion.chunk","created":1764680000,"model":"gpt-4.1-nano","choices":[{{"index":0,"delta":{delta},"finish_reason":{finish}}}]}}"#
            )
        };
        let role_event = event(r#"{"role":"assistant","content":""}"#, "null");
        let delta_events: Vec<String> = (0..count)
            .map(|i| event(&format!(r#"{{"content":"w{i} "}}"#), "null"))
            .collect();
        let role = chunk(&role_event);
        let deltas = delta_events.iter().map(|e| chunk(e)).collect();
        let usage = format!(
            r#"{{"id":"chatcmpl-load","object":"chat.completion.chunk","created":1764680000,"model":"gpt-4.1-nano","choices":[],"usage":{{"prompt_tokens":9,"completion_tokens":{count},"total_tokens":{}}}}}"#,
            count + 9
        );
        let finish = event("{}", r#""stop""#);
        let mut tail = Vec::new();
        tail.extend_from_slice(&chunk(&finish));
        tail.extend_from_slice(&chunk(&usage));
        tail.extend_from_slice(&chunk("[DONE]"));
        tail.extend_from_slice(b"0\r\n\r\n");
        let events = Events {
            role: Bytes::from(sse(&role_event)),
            deltas: delta_events.iter().map(|e| Bytes::from(sse(e))).collect(),
            tail: Bytes::from(format!("{}{}{}", sse(&finish), sse(&usage), sse("[DONE]"))),
        };
        Frames {
            head: Bytes::from_static(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n",
            ),
            role,
            deltas,
            tail: Bytes::from(tail),
            events,
        }
    }
}

/// A running upstream on 127.0.0.1.
pub struct Upstream {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl Upstream {
    /// Listens on `127.0.0.1:port` (0: any free port).
    pub async fn start(port: u16, config: UpstreamConfig) -> io::Result<Upstream> {
        let (generation, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            frames: Frames::new(config.deltas),
            config,
            mode: AtomicU8::new(Mode::Serve as u8),
            connections: AtomicUsize::new(0),
            requests: AtomicUsize::new(0),
            completed: AtomicUsize::new(0),
            streaming: AtomicUsize::new(0),
            peak_streaming: AtomicUsize::new(0),
            barrier_open: AtomicBool::new(false),
            barrier: Notify::new(),
            mode_changed: Notify::new(),
            generation,
        });
        let mut upstream = Upstream {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            shared,
            acceptor: None,
        };
        upstream.listen()?;
        Ok(upstream)
    }

    fn listen(&mut self) -> io::Result<()> {
        let socket = TcpSocket::new_v4()?;
        socket.set_reuseaddr(true)?;
        socket.bind(self.addr)?;
        let listener = socket.listen(4096)?;
        self.addr = listener.local_addr()?;
        let shared = Arc::clone(&self.shared);
        self.acceptor = Some(tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    // Out of descriptors or similar: let the client see it, retry.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                shared.connections.fetch_add(1, Ordering::Relaxed);
                let killed = shared.generation.subscribe();
                if shared.config.http2 {
                    tokio::spawn(http2::connection(stream, Arc::clone(&shared), killed));
                } else {
                    tokio::spawn(connection(stream, Arc::clone(&shared), killed));
                }
            }
        }));
        Ok(())
    }

    /// The base URL clients use (`http://127.0.0.1:PORT/v1`).
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Switches how answers stream from now on (a stalled answer resumes
    /// when the mode goes back to [`Mode::Serve`]).
    pub fn set_mode(&self, mode: Mode) {
        self.shared.mode.store(mode as u8, Ordering::SeqCst);
        self.shared.mode_changed.notify_waiters();
    }

    /// Dies: stops listening and closes every open connection, mid-answer.
    pub fn kill(&mut self) {
        if let Some(acceptor) = self.acceptor.take() {
            acceptor.abort();
        }
        self.shared
            .generation
            .send_modify(|generation| *generation += 1);
    }

    /// Listens again on the same port after [`Upstream::kill`].
    pub async fn restart(&mut self) -> io::Result<()> {
        if self.acceptor.is_some() {
            return Ok(());
        }
        // The aborted acceptor drops its listener when the runtime next
        // polls it: until then the port is still taken.
        let mut attempts = 0;
        loop {
            match self.listen() {
                Err(error) if error.kind() == io::ErrorKind::AddrInUse && attempts < 100 => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                other => return other,
            }
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> UpstreamStats {
        let s = &self.shared;
        UpstreamStats {
            connections: s.connections.load(Ordering::Relaxed),
            requests: s.requests.load(Ordering::Relaxed),
            completed: s.completed.load(Ordering::Relaxed),
            streaming: s.streaming.load(Ordering::Relaxed),
            peak_streaming: s.peak_streaming.load(Ordering::Relaxed),
        }
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The HTTP/2 side: one task per connection, one body stream per request.
mod http2 {
    use std::convert::Infallible;

    use futures::StreamExt;
    use http_body_util::StreamBody;
    use hyper::body::{Frame, Incoming};
    use hyper::service::service_fn;
    use hyper_util::rt::{TokioExecutor, TokioIo};

    use super::*;

    pub(super) async fn connection(
        stream: TcpStream,
        shared: Arc<Shared>,
        mut killed: watch::Receiver<u64>,
    ) {
        let _ = stream.set_nodelay(true);
        let service = service_fn(move |request: hyper::Request<Incoming>| {
            let shared = Arc::clone(&shared);
            async move {
                // The request body is not needed: drop it unread.
                drop(request);
                Ok::<_, Infallible>(answer(shared))
            }
        });
        let mut builder = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
        builder.max_concurrent_streams(20_000);
        let serving = builder.serve_connection(TokioIo::new(stream), service);
        tokio::select! {
            _ = serving => {}
            _ = killed.changed() => {}
        }
    }

    type Body = StreamBody<futures::stream::BoxStream<'static, Result<Frame<Bytes>, Infallible>>>;

    fn answer(shared: Arc<Shared>) -> hyper::Response<Body> {
        shared.requests.fetch_add(1, Ordering::Relaxed);
        let streaming = shared.streaming.fetch_add(1, Ordering::Relaxed) + 1;
        shared
            .peak_streaming
            .fetch_max(streaming, Ordering::Relaxed);
        // 0: the role event; 1..=n: wait, then delta i-1; n+1: the tail.
        let frames = futures::stream::unfold((shared, 0usize), |(shared, step)| async move {
            let events = &shared.frames.events;
            let count = events.deltas.len();
            let data = match step {
                0 => events.role.clone(),
                step if step <= count => {
                    if step == 1 {
                        wait_at_barrier(&shared).await;
                    }
                    if !shared.config.pace.is_zero() {
                        tokio::time::sleep(shared.config.pace).await;
                    }
                    if step > 1 {
                        wait_while_stalled(&shared).await;
                    }
                    events.deltas[step - 1].clone()
                }
                step if step == count + 1 => {
                    shared.streaming.fetch_sub(1, Ordering::Relaxed);
                    shared.completed.fetch_add(1, Ordering::Relaxed);
                    events.tail.clone()
                }
                _ => return None,
            };
            Some((Ok(Frame::data(data)), (shared, step + 1)))
        });
        let mut response = hyper::Response::new(StreamBody::new(frames.boxed()));
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/event-stream"),
        );
        response
    }
}

async fn connection(stream: TcpStream, shared: Arc<Shared>, mut killed: watch::Receiver<u64>) {
    tokio::select! {
        _ = serve_connection(stream, &shared) => {}
        _ = killed.changed() => {}
    }
}

/// Reads requests and streams an answer to each, until the client closes.
async fn serve_connection(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer = Vec::with_capacity(2048);
    loop {
        let Some(request_len) = read_request(&mut stream, &mut buffer).await? else {
            return Ok(());
        };
        buffer.drain(..request_len);
        shared.requests.fetch_add(1, Ordering::Relaxed);
        let streaming = shared.streaming.fetch_add(1, Ordering::Relaxed) + 1;
        shared
            .peak_streaming
            .fetch_max(streaming, Ordering::Relaxed);
        let answered = answer(&mut stream, shared).await;
        shared.streaming.fetch_sub(1, Ordering::Relaxed);
        answered?;
        shared.completed.fetch_add(1, Ordering::Relaxed);
    }
}

/// Reads one whole request (head and `content-length` body) into `buffer`;
/// its length, or `None` when the client closed between requests.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> io::Result<Option<usize>> {
    loop {
        if let Some(end) = memchr::memmem::find(buffer, b"\r\n\r\n") {
            let total = end + 4 + content_length(&buffer[..end]);
            if total > MAX_REQUEST {
                return Err(io::Error::other("request too large"));
            }
            while buffer.len() < total {
                if stream.read_buf(buffer).await? == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
            }
            return Ok(Some(total));
        }
        if buffer.len() > MAX_REQUEST {
            return Err(io::Error::other("request head too large"));
        }
        if stream.read_buf(buffer).await? == 0 {
            return if buffer.is_empty() {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
    }
}

fn content_length(head: &[u8]) -> usize {
    head.split(|&b| b == b'\n')
        .filter_map(|line| {
            let line = std::str::from_utf8(line).ok()?.trim();
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .next()
        .unwrap_or(0)
}

async fn answer(stream: &mut TcpStream, shared: &Shared) -> io::Result<()> {
    let frames = &shared.frames;
    stream.write_all(&frames.head).await?;
    stream.write_all(&frames.role).await?;
    wait_at_barrier(shared).await;
    for (i, delta) in frames.deltas.iter().enumerate() {
        if !shared.config.pace.is_zero() {
            tokio::time::sleep(shared.config.pace).await;
        }
        if i > 0 {
            wait_while_stalled(shared).await;
        }
        stream.write_all(delta).await?;
    }
    stream.write_all(&frames.tail).await
}

async fn wait_at_barrier(shared: &Shared) {
    let needed = shared.config.barrier;
    if needed == 0 || shared.barrier_open.load(Ordering::SeqCst) {
        return;
    }
    let opened = shared.barrier.notified();
    tokio::pin!(opened);
    opened.as_mut().enable();
    if shared.requests.load(Ordering::SeqCst) >= needed {
        shared.barrier_open.store(true, Ordering::SeqCst);
        shared.barrier.notify_waiters();
        return;
    }
    let _ = tokio::time::timeout(shared.config.barrier_deadline, opened).await;
}

async fn wait_while_stalled(shared: &Shared) {
    loop {
        let changed = shared.mode_changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        if shared.mode.load(Ordering::SeqCst) != Mode::Stall as u8 {
            return;
        }
        changed.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_length_is_read_case_blind() {
        assert_eq!(
            content_length(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 42\r"),
            42
        );
        assert_eq!(content_length(b"GET / HTTP/1.1\r\nHost: x\r"), 0);
    }

    #[test]
    fn frames_are_chunks_of_one_event_each() {
        let frames = Frames::new(2);
        let first = std::str::from_utf8(&frames.deltas[0]).unwrap_or_default();
        let (size, rest) = first.split_once("\r\n").unwrap_or_default();
        assert_eq!(usize::from_str_radix(size, 16).ok(), Some(rest.len() - 2));
        assert!(rest.contains(r#""content":"w0 ""#));
        assert!(frames.tail.ends_with(b"data: [DONE]\n\n\r\n0\r\n\r\n"));
    }
}
