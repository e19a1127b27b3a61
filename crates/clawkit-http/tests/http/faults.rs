//! The fault-injection matrix (issue 13): every fault below against every
//! transport, each api answering with its own well-formed stream of the
//! text "Hello world" (two deltas) that the fault then breaks. Each case
//! pins the outcome: the typed error (or the exact answer), exactly one
//! terminal event and it last, no key in any event, the number of
//! requests the server saw, and a bound on the time (the client's
//! timeouts are 1 s where a case stalls, and a stalled server stops when
//! the client leaves). The four transports of a case run at once;
//! docs/reliability.md lists the matrix.
//!
//! The 1 GB error body's memory is measured in its own test binary
//! (tests/bounded_memory.rs), where a counting allocator sees nothing else.

use std::time::{Duration, Instant};

use clawkit_core::{Context, ErrorKind, ModelApi, RuntimeModel, StopReason, StreamEvent};
use clawkit_http::{HttpClient, HttpConfig, RetryPolicy, transport_for};
use clawkit_testkit::{RecordedRequest, Script, ScriptedServer, refused_url};

use crate::{KEY, assert_blocks, assert_contract, collect, facts};

/// The longest a case may take for one transport.
const BOUND: Duration = Duration::from_secs(20);
/// The client's first-byte or idle timeout in the cases that stall.
const QUICK: Duration = Duration::from_secs(1);
/// Both timeouts in the other cases: never reached, unless a transport hangs.
const PATIENT: Duration = Duration::from_secs(10);
/// A stall far past [`QUICK`]; the server stops it when the client leaves.
const STALL: Duration = Duration::from_secs(30);
/// The text of every well-formed answer, in two deltas.
const DELTAS: [&str; 2] = ["Hello", " world"];

/// One transport: its api, the label its errors start with, its
/// well-formed answer streaming some text deltas, and what its error
/// says when the body ends before the answer finished.
struct Wire {
    api: ModelApi,
    label: &'static str,
    body: fn(&[&str]) -> Vec<u8>,
    ended_early: &'static str,
}

fn wires() -> [Wire; 4] {
    [
        Wire {
            api: ModelApi::OpenAiCompletions,
            label: "openai",
            body: crate::openai_scenarios::text_body,
            ended_early: "the stream ended before the response finished (no finish_reason, no [DONE])",
        },
        Wire {
            api: ModelApi::OpenAiResponses,
            label: "openai",
            body: crate::responses_scenarios::text_body,
            ended_early: "the stream ended before response.completed",
        },
        Wire {
            api: ModelApi::AnthropicMessages,
            label: "anthropic",
            body: crate::anthropic_scenarios::text_body,
            ended_early: "the stream ended before message_stop",
        },
        Wire {
            api: ModelApi::GoogleGenerativeAi,
            label: "google",
            body: crate::google_scenarios::text_body,
            ended_early: "the stream ended without a finishReason",
        },
    ]
}

impl Wire {
    /// The answer streaming `deltas`, LF-framed, one event per frame.
    fn with(&self, deltas: &[&str]) -> Vec<u8> {
        String::from_utf8((self.body)(deltas))
            .unwrap()
            .replace("\r\n", "\n")
            .into_bytes()
    }

    /// The answer "Hello world".
    fn ok(&self) -> Vec<u8> {
        self.with(&DELTAS)
    }
}

/// Where the frame holding `needle` starts in `body`.
fn frame_of(body: &[u8], needle: &str) -> usize {
    let at = find(body, needle.as_bytes()).unwrap();
    body[..at]
        .windows(2)
        .rposition(|w| w == b"\n\n")
        .map_or(0, |end| end + 2)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Where the second delta's text starts in an answer.
fn second_delta(body: &[u8]) -> usize {
    find(body, b" world").unwrap()
}

/// Where the second delta's event starts in an answer.
fn second_event(body: &[u8]) -> usize {
    frame_of(body, " world")
}

/// The connection dropped after the first delta.
fn dropped_after_hello() -> Outcome {
    Outcome::Broken {
        kind: ErrorKind::ConnectionDropped,
        text: "Hello",
        message: Some("the connection dropped mid-stream"),
    }
}

/// `body` with `frame` inserted before the frame holding `needle`.
fn insert_before(body: &[u8], needle: &str, frame: &[u8]) -> Vec<u8> {
    let at = frame_of(body, needle);
    [&body[..at], frame, &body[at..]].concat()
}

/// The answer "Hello", `text`, " world": `text` goes into the JSON
/// string of the middle delta as it is (not escaped, not checked).
fn middle_delta(wire: &Wire, text: &[u8]) -> Vec<u8> {
    let body = wire.with(&["Hello", "@@", " world"]);
    let at = find(&body, b"@@").unwrap();
    [&body[..at], text, &body[at + 2..]].concat()
}

/// `body` with every LF replaced by `newline`.
fn framed(body: &[u8], newline: &str) -> Vec<u8> {
    String::from_utf8_lossy(body)
        .replace('\n', newline)
        .into_bytes()
}

/// An error payload every api's error parser reads.
fn error_json(message: &str) -> String {
    format!(r#"{{"error": {{"message": "{message}"}}}}"#)
}

/// How a case must end.
#[derive(Debug)]
enum Outcome {
    /// The whole answer: one text block with this text, one raw
    /// pass-through event holding each of `raw`, `done` with `stop`.
    Answer {
        text: &'static str,
        raw: &'static [&'static str],
    },
    /// Failed before any output: the error is the only event, its message
    /// the label's and holding `message`.
    Refused {
        kind: ErrorKind,
        message: &'static str,
    },
    /// Failed after the response started: `start` first, the text
    /// received so far closed (none when empty), then the error, whose
    /// message holds `message` (`None`: the api's "ended early" message).
    Broken {
        kind: ErrorKind,
        text: &'static str,
        message: Option<&'static str>,
    },
}

/// What else a case checks once its stream ended.
#[derive(Debug, Clone, Copy)]
enum After {
    Nothing,
    /// The client let the connection go (the server sees it close).
    ClientLeft,
    /// The client left, having been sent less than this many body bytes.
    SentAtMost(u64),
    /// The call took at least this long (a `Retry-After` waited for).
    TookAtLeast(Duration),
}

struct Case {
    /// What the server answers, given the transport.
    scripts: fn(&Wire) -> Vec<Script>,
    /// Connect to a port where nothing listens instead.
    refused: bool,
    /// The client's limits, from the matrix's quick ones.
    config: fn(HttpConfig) -> HttpConfig,
    /// Requests the server sees.
    requests: usize,
    outcome: Outcome,
    after: After,
}

impl Case {
    fn new(scripts: fn(&Wire) -> Vec<Script>, requests: usize, outcome: Outcome) -> Self {
        Case {
            scripts,
            refused: false,
            config: |config| config,
            requests,
            outcome,
            after: After::Nothing,
        }
    }

    fn config(mut self, config: fn(HttpConfig) -> HttpConfig) -> Self {
        self.config = config;
        self
    }

    fn after(mut self, after: After) -> Self {
        self.after = after;
        self
    }
}

/// The matrix's client: no proxy, timeouts far below [`BOUND`].
fn patient() -> HttpConfig {
    HttpConfig::default()
        .with_system_proxy(false)
        .with_first_byte_timeout(PATIENT)
        .with_idle_timeout(PATIENT)
}

/// Retries with millisecond backoff, `attempts` in all.
fn retrying(attempts: u32) -> RetryPolicy {
    RetryPolicy::exponential(attempts).delays(Duration::from_millis(2), Duration::from_millis(10))
}

struct Run {
    events: Vec<StreamEvent>,
    requests: Vec<RecordedRequest>,
    took: Duration,
    server: ScriptedServer,
}

/// One call of `wire`'s transport against `case`'s server, bounded.
async fn run(wire: &Wire, case: &Case) -> Run {
    let server = ScriptedServer::start((case.scripts)(wire)).await.unwrap();
    let base = if case.refused {
        refused_url("/v1").unwrap()
    } else {
        server.url("/v1")
    };
    let model = RuntimeModel::new(
        wire.label,
        "test-model",
        wire.api.clone(),
        base.parse().unwrap(),
    );
    let client = HttpClient::with_config((case.config)(patient())).unwrap();
    let transport = transport_for(&model.api, &client).unwrap();
    let mut request = clawkit_core::StreamRequest::new(model, Context::user("Hello"));
    request.options.api_key = Some(KEY.into());
    let started = Instant::now();
    let events = tokio::time::timeout(BOUND, collect(&*transport, request))
        .await
        .unwrap_or_else(|_| panic!("{:?}: no end within {BOUND:?}", wire.api));
    let took = started.elapsed();
    Run {
        events,
        requests: server.requests(),
        took,
        server,
    }
}

/// Runs `case` against the four transports at once and checks each.
async fn check(name: &str, case: Case) {
    let wires = wires();
    let runs = futures::future::join_all(wires.iter().map(|wire| run(wire, &case))).await;
    for (wire, run) in wires.iter().zip(runs) {
        let what = format!("{name} / {:?}", wire.api);
        check_run(&what, wire, &case, &run).await;
    }
}

async fn check_run(what: &str, wire: &Wire, case: &Case, run: &Run) {
    let events = &run.events;
    assert_contract(events);
    assert!(!format!("{events:?}").contains(KEY), "{what}: key leaked");
    assert_eq!(run.requests.len(), case.requests, "{what}: requests");
    let seen = facts(events);
    match &case.outcome {
        Outcome::Answer { text, raw } => {
            assert_blocks(events);
            assert_eq!(seen.text, [*text], "{what}: {events:#?}");
            assert_eq!(seen.raw.len(), raw.len(), "{what}: {events:#?}");
            for (data, piece) in seen.raw.iter().zip(raw.iter()) {
                assert!(data.contains(piece), "{what}: {data}");
            }
            assert_eq!(seen.stop, Some(StopReason::Stop), "{what}: {events:#?}");
        }
        Outcome::Refused { kind, message } => {
            let [
                StreamEvent::Error {
                    kind: got,
                    message: said,
                    ..
                },
            ] = events.as_slice()
            else {
                panic!("{what}: the error alone: {events:#?}")
            };
            assert_eq!(got, kind, "{what}: {said}");
            assert!(said.starts_with(wire.label), "{what}: {said}");
            assert!(said.contains(message), "{what}: {said}");
        }
        Outcome::Broken {
            kind,
            text,
            message,
        } => {
            assert_blocks(events);
            let kept: Vec<String> = (!text.is_empty())
                .then(|| text.to_string())
                .into_iter()
                .collect();
            assert_eq!(seen.text, kept, "{what}: {events:#?}");
            assert_eq!(seen.error.as_ref(), Some(kind), "{what}: {events:#?}");
            let Some(StreamEvent::Error { message: said, .. }) = events.last() else {
                unreachable!("the error kind was found")
            };
            let wanted = message.unwrap_or(wire.ended_early);
            assert!(
                said.starts_with(&format!("{}: ", wire.label)),
                "{what}: {said}"
            );
            assert!(said.contains(wanted), "{what}: {said}");
        }
    }
    match case.after {
        After::Nothing => {}
        After::ClientLeft => client_left(what, &run.server).await,
        After::SentAtMost(bytes) => {
            client_left(what, &run.server).await;
            let sent = run.server.body_bytes_written();
            assert!(sent <= bytes, "{what}: {sent} body bytes sent");
        }
        After::TookAtLeast(wait) => assert!(run.took >= wait, "{what}: {:?}", run.took),
    }
}

/// Waits (at most five seconds) for the server to see the client close.
async fn client_left(what: &str, server: &ScriptedServer) {
    let left = async {
        while server.closed_by_client() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), left)
        .await
        .unwrap_or_else(|_| panic!("{what}: the client kept the connection"));
}

/// One test per case, each over the four transports.
macro_rules! matrix {
    ($($(#[$doc:meta])* $name:ident => $case:expr;)*) => {
        $(
            $(#[$doc])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                check(stringify!($name), $case).await;
            }
        )*
    };
}

matrix! {
    /// Nothing listens: a connect error naming the refusal.
    connection_refused => Case {
        refused: true,
        ..Case::new(|_| vec![Script::sse("")], 0, Outcome::Refused {
            kind: ErrorKind::Connect,
            message: "connection failed: ",
        })
    };
    /// The connection is reset (RST) before any byte of the head.
    reset_before_headers => Case::new(|_| vec![Script::reset()], 1, Outcome::Refused {
        kind: ErrorKind::Connect,
        message: "request failed",
    });
    /// The head never comes within the first-byte timeout.
    stall_before_headers => Case::new(
        |wire| vec![Script::sse(wire.ok()).delay_head(STALL)],
        1,
        Outcome::Refused { kind: ErrorKind::FirstByteTimeout, message: "no response within 1000 ms" },
    )
    .config(|config| config.with_first_byte_timeout(QUICK))
    .after(After::ClientLeft);
    /// The connection closes inside the frame of the second delta.
    drop_mid_event => Case::new(
        |wire| vec![Script::sse(wire.ok()).drop_at(second_delta(&wire.ok()))],
        1,
        dropped_after_hello(),
    );
    /// The connection closes right after a whole event.
    drop_between_events => Case::new(
        |wire| vec![Script::sse(wire.ok()).drop_at(second_event(&wire.ok()))],
        1,
        dropped_after_hello(),
    );
    /// The stream stalls between two events past the idle timeout; the
    /// client ends it and lets the connection go.
    stall_past_the_idle_timeout => Case::new(
        |wire| vec![Script::sse(wire.ok()).stall_at(second_event(&wire.ok()), STALL)],
        1,
        Outcome::Broken {
            kind: ErrorKind::IdleTimeout,
            text: "Hello",
            message: Some("no data for 1000 ms; the stream stalled"),
        },
    )
    .config(|config| config.with_idle_timeout(QUICK))
    .after(After::ClientLeft);
    /// A 1 GB error body: read to the error-body cap (16 KiB), then the
    /// connection is let go; the message stays short.
    one_gigabyte_error_body => Case::new(
        |_| vec![Script::generated(500, "overloaded ", 1 << 30)],
        1,
        Outcome::Refused { kind: ErrorKind::Server, message: " (500): overloaded overloaded" },
    )
    .after(After::SentAtMost(64 << 20));
    /// A 200 answer that is an HTML page: no event, and the error names
    /// what the response was.
    html_with_status_200 => Case::new(
        |_| {
            let page = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n<body><p>Please sign in: https://portal.example/login</p></body></html>\n";
            vec![Script::sse(page).without_header("content-type").header("Content-Type", "text/html; charset=utf-8")]
        },
        1,
        Outcome::Broken {
            kind: ErrorKind::Protocol,
            text: "",
            message: Some("the response is text/html, not an event stream, and no event came in it"),
        },
    );
    /// A text delta whose JSON string holds bytes that are not UTF-8: the
    /// event is not understood and passes through raw (lossily); the
    /// answer goes on.
    invalid_utf8_inside_a_json_string => Case::new(
        |wire| vec![Script::sse(middle_delta(wire, b"\xFF\xFE"))],
        1,
        Outcome::Answer { text: "Hello world", raw: &["\"\u{FFFD}\u{FFFD}\""] },
    );
    /// A data line of bytes that are not UTF-8, not JSON: passed through
    /// raw (lossily); the answer goes on.
    invalid_utf8_outside_a_json_string => Case::new(
        |wire| vec![Script::sse(insert_before(&wire.ok(), " world", b"data: \xFF\xFEnot json\n\n"))],
        1,
        Outcome::Answer { text: "Hello world", raw: &["\u{FFFD}\u{FFFD}not json"] },
    );
    /// One 10 MB line, past the 8 MiB line cap: a protocol error, the
    /// text before it kept.
    ten_megabyte_line => Case::new(
        |wire| vec![Script::sse(middle_delta(wire, &vec![b'x'; 10 << 20]))],
        1,
        Outcome::Broken {
            kind: ErrorKind::Protocol,
            text: "Hello",
            message: Some("event-stream line longer than 8388608 bytes"),
        },
    );
    /// Lines ended by CR alone, read 7 bytes at a time.
    cr_only_framing => Case::new(
        |wire| vec![Script::sse(framed(&wire.ok(), "\r")).split_every(7)],
        1,
        Outcome::Answer { text: "Hello world", raw: &[] },
    );
    /// Lines ended by CRLF, read 7 bytes at a time (CR and LF apart).
    crlf_framing => Case::new(
        |wire| vec![Script::sse(framed(&wire.ok(), "\r\n")).split_every(7)],
        1,
        Outcome::Answer { text: "Hello world", raw: &[] },
    );
    /// `[DONE]` twice after the answer.
    duplicate_done => Case::new(
        |wire| vec![Script::sse([wire.ok(), b"data: [DONE]\n\ndata: [DONE]\n\n".to_vec()].concat())],
        1,
        Outcome::Answer { text: "Hello world", raw: &[] },
    );
    /// A whole second answer after `[DONE]`: not read.
    events_after_done => Case::new(
        |wire| vec![Script::sse([wire.ok(), b"data: [DONE]\n\n".to_vec(), wire.with(&["late"])].concat())],
        1,
        Outcome::Answer { text: "Hello world", raw: &[] },
    );
    /// Reads cut inside a 2-byte and a 3-byte character of a JSON string.
    multibyte_character_cut_across_reads => Case::new(
        |wire| {
            let body = wire.with(&["Hello", " wörld 日本"]);
            let two = find(&body, "ö".as_bytes()).unwrap() + 1;
            let three = find(&body, "日".as_bytes()).unwrap() + 2;
            vec![Script::sse(body).split_at([two, three]).paced()]
        },
        1,
        Outcome::Answer { text: "Hello wörld 日本", raw: &[] },
    );
    /// 429 with `Retry-After: 0.4`, then the answer: the retry waits.
    rate_limited_then_success => Case::new(
        |wire| vec![
            Script::json(429, error_json("slow down")).header("Retry-After", "0.4"),
            Script::sse(wire.ok()),
        ],
        2,
        Outcome::Answer { text: "Hello world", raw: &[] },
    )
    .config(|config| config.with_retry(retrying(2)))
    .after(After::TookAtLeast(Duration::from_millis(400)));
    /// 503 three times, then the answer, with four attempts allowed.
    unavailable_three_times_then_success => Case::new(
        |wire| {
            let busy = || Script::json(503, error_json("overloaded"));
            vec![busy(), busy(), busy(), Script::sse(wire.ok())]
        },
        4,
        Outcome::Answer { text: "Hello world", raw: &[] },
    )
    .config(|config| config.with_retry(retrying(4)));
    /// 503 three times with three attempts allowed: the last 503 is the error.
    unavailable_three_times_out_of_three => Case::new(
        |_| vec![Script::json(503, error_json("overloaded"))],
        3,
        Outcome::Refused { kind: ErrorKind::Server, message: " (503): overloaded" },
    )
    .config(|config| config.with_retry(retrying(3)));
    /// Every answer redirects to the server itself: three redirects are
    /// followed, the fourth refused.
    redirect_loop => Case::new(
        |_| vec![Script::json(307, "").header("Location", "/loop")],
        4,
        Outcome::Refused { kind: ErrorKind::Connect, message: "redirect refused: more than 3 redirects" },
    );
    /// A redirect to a host outside the allowlist is refused before any
    /// connection to it.
    redirect_outside_the_allowlist => Case::new(
        |_| vec![Script::json(307, "").header("Location", "http://localhost:1/v1/elsewhere")],
        1,
        Outcome::Refused {
            kind: ErrorKind::Connect,
            message: "blocked hostname (not in allowlist): localhost",
        },
    )
    .config(|mut config| {
        config.host_allowlist = Some(vec!["127.0.0.1".into()]);
        config
    });
    /// HTTP/1.0, no length, the body ended by closing the connection.
    http10_without_length => Case::new(
        |wire| vec![Script::sse(wire.ok()).http10()],
        1,
        Outcome::Answer { text: "Hello world", raw: &[] },
    );
    /// HTTP/1.0 closed inside the second delta: for HTTP/1.0 that is the
    /// end of the body, so the answer ended early.
    http10_closed_mid_answer => Case::new(
        |wire| vec![Script::sse(wire.ok()).http10().drop_at(second_delta(&wire.ok()))],
        1,
        Outcome::Broken { kind: ErrorKind::Protocol, text: "Hello", message: None },
    );
}

/// An answer of 20 000 deltas written at once, so that reads come in
/// hundreds of kilobytes: the transport decodes them 16 KiB at a time, and
/// every delta arrives, in order, in one text block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_of_hundreds_of_kilobytes_give_every_delta_in_order() {
    let deltas: Vec<String> = (0..20_000).map(|i| format!("d{i} ")).collect();
    let deltas: Vec<&str> = deltas.iter().map(String::as_str).collect();
    let text = deltas.concat();
    for wire in wires() {
        let body = wire.with(&deltas);
        assert!(
            body.len() > 400 << 10,
            "{:?}: {} bytes",
            wire.api,
            body.len()
        );
        let server = ScriptedServer::start(vec![Script::sse(body)])
            .await
            .unwrap();
        let model = RuntimeModel::new(
            wire.label,
            "test-model",
            wire.api.clone(),
            server.url("/v1").parse().unwrap(),
        );
        let client = HttpClient::with_config(patient()).unwrap();
        let transport = transport_for(&model.api, &client).unwrap();
        let request = clawkit_core::StreamRequest::new(model, Context::user("Hello"));
        let events = tokio::time::timeout(BOUND, collect(&*transport, request))
            .await
            .unwrap();
        assert_contract(&events);
        assert_blocks(&events);
        let seen = facts(&events);
        assert_eq!(seen.text.len(), 1, "{:?}", wire.api);
        assert!(seen.text[0] == text, "{:?}: the text differs", wire.api);
        let deltas_seen = events
            .iter()
            .filter(|e| matches!(e, StreamEvent::TextDelta { .. }))
            .count();
        assert_eq!(deltas_seen, 20_000, "{:?}", wire.api);
        assert_eq!(seen.stop, Some(StopReason::Stop), "{:?}", wire.api);
    }
}
