//! The `clawkit serve` column of the fault-injection matrix (issue 13):
//! faults injected by acme-ai's upstream reach the gateway's client as an
//! OpenAI error response (before the stream started) or as a stream whose
//! one terminal event, last, is an error chunk (after), and the gateway
//! serves the next request. The transports' own column
//! (clawkit-http's tests/http/faults.rs) pins the decoding of every fault;
//! these are the ones the gateway itself handles: before or after its
//! status went out, the retries, the upstream connection let go.

use std::time::Duration;

use clawkit_core::ModelApi;
use clawkit_http::{HttpConfig, RetryPolicy};
use clawkit_server::GatewayLimits;
use clawkit_testkit::{Recorded, Script, ScriptedServer, refused_url};
use serde_json::{Value, json};

use crate::{ACME_KEY, Fixture, ask, data_lines, keys, runtime_with};

/// The longest one case may take.
const BOUND: Duration = Duration::from_secs(20);
/// The transports' first-byte or idle timeout in the faults that stall.
const QUICK: Duration = Duration::from_secs(1);
/// Both timeouts otherwise: never reached, unless something hangs.
const PATIENT: Duration = Duration::from_secs(10);
/// A stall far past [`QUICK`]; the upstream stops it when the gateway leaves.
const STALL: Duration = Duration::from_secs(30);

/// acme-ai's well-formed answer, "Hello world" in two deltas.
fn answer() -> String {
    let delta = |delta: Value, finish: Value| {
        json!({"id": "chatcmpl-up", "object": "chat.completion.chunk", "created": 1, "model": "acme-large",
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    };
    crate::sse(&[
        delta(json!({"role": "assistant", "content": ""}), Value::Null),
        delta(json!({"content": "Hello"}), Value::Null),
        delta(json!({"content": " world"}), Value::Null),
        delta(json!({}), json!("stop")),
    ])
}

/// Where the second delta's text starts.
fn second_delta() -> usize {
    answer().find(" world").unwrap()
}

/// Where the second delta's event starts.
fn second_event() -> usize {
    answer()[..second_delta()].rfind("\n\n").unwrap() + 2
}

fn busy(status: u16) -> Script {
    Script::json(status, r#"{"error": {"message": "overloaded"}}"#)
}

/// What the gateway's client gets.
#[derive(Debug)]
enum Expect {
    /// An error response (the stream had not started): this status and
    /// error code.
    Status(u16, &'static str),
    /// A 200 stream of this text whose last event is an error with this
    /// code, and no `[DONE]`.
    Broken(&'static str, &'static str),
    /// A 200 stream of this text ending with `[DONE]`.
    Answer(&'static str),
}

struct Fault {
    /// acme-ai's upstream answers, one per connection.
    scripts: Vec<Script>,
    /// acme-ai is sent to a port where nothing listens instead.
    refused: bool,
    /// The transports' limits, from quick timeouts.
    config: fn(HttpConfig) -> HttpConfig,
    /// Requests the upstream sees.
    requests: usize,
    expect: Expect,
    /// Whether the upstream must see the gateway let its connection go.
    left: bool,
}

impl Fault {
    fn new(scripts: Vec<Script>, requests: usize, expect: Expect) -> Self {
        Fault {
            scripts,
            refused: false,
            config: |config| config,
            requests,
            expect,
            left: false,
        }
    }
}

/// The chunks' text and the terminal events of a streamed answer.
fn read_stream(body: &str) -> (String, Vec<Value>) {
    let mut text = String::new();
    let mut terminals = Vec::new();
    let lines = data_lines(body);
    for (at, line) in lines.iter().enumerate() {
        if line == "[DONE]" {
            terminals.push(json!("[DONE]"));
            continue;
        }
        let chunk: Value = serde_json::from_str(line).unwrap();
        if chunk.get("error").is_some() {
            terminals.push(chunk);
        } else if let Some(delta) = chunk["choices"][0]["delta"]["content"].as_str() {
            text.push_str(delta);
        }
        if !terminals.is_empty() {
            assert_eq!(
                at + 1,
                lines.len(),
                "nothing after the terminal event: {body}"
            );
        }
    }
    assert_eq!(terminals.len(), 1, "exactly one terminal event: {body}");
    (text, terminals)
}

/// Streams `model` through the fixture: status and body.
async fn stream(fixture: &Fixture, model: &str) -> (u16, String) {
    let response = fixture.post(&ask(model, true)).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn check(name: &str, fault: Fault) {
    tokio::time::timeout(BOUND, run(name, fault))
        .await
        .unwrap_or_else(|_| panic!("{name}: no end within {BOUND:?}"));
}

async fn run(name: &str, fault: Fault) {
    let upstream = ScriptedServer::start(fault.scripts).await.unwrap();
    let healthy = ScriptedServer::start(vec![
        Recorded::Text.script(&ModelApi::AnthropicMessages).unwrap(),
    ])
    .await
    .unwrap();
    let acme = if fault.refused {
        refused_url("/v1").unwrap()
    } else {
        upstream.url("/v1")
    };
    let config = (fault.config)(
        HttpConfig::default()
            .with_first_byte_timeout(PATIENT)
            .with_idle_timeout(PATIENT),
    );
    let fixture = Fixture::serving(
        upstream,
        [&acme, &healthy.url("/v1")],
        runtime_with(keys(), config),
        GatewayLimits::default(),
    )
    .await;

    let (status, body) = stream(&fixture, "acme-ai/acme-large").await;
    assert!(!body.contains(ACME_KEY), "{name}: {body}");
    match fault.expect {
        Expect::Status(wanted, code) => {
            assert_eq!(status, wanted, "{name}: {body}");
            let error: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(error["error"]["code"], code, "{name}: {body}");
            let message = error["error"]["message"].as_str().unwrap();
            assert!(message.starts_with("acme-ai"), "{name}: {message}");
            assert!(message.len() < 400, "{name}: {message}");
        }
        Expect::Broken(text, code) => {
            assert_eq!(status, 200, "{name}: {body}");
            let (streamed, terminals) = read_stream(&body);
            assert_eq!(streamed, text, "{name}: {body}");
            assert_eq!(terminals[0]["error"]["code"], code, "{name}: {body}");
        }
        Expect::Answer(text) => {
            assert_eq!(status, 200, "{name}: {body}");
            let (streamed, terminals) = read_stream(&body);
            assert_eq!(streamed, text, "{name}: {body}");
            assert_eq!(terminals[0], json!("[DONE]"), "{name}: {body}");
        }
    }
    assert_eq!(
        fixture.upstream.requests().len(),
        fault.requests,
        "{name}: upstream requests"
    );
    if fault.left {
        while fixture.upstream.closed_by_client() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Not read through: at most the error-body cap and socket buffers.
        let sent = fixture.upstream.body_bytes_written();
        assert!(sent < 64 << 20, "{name}: {sent} body bytes sent");
    }

    // The gateway serves the next request.
    let (status, body) = stream(&fixture, "anthropic/claude-sonnet-4-5").await;
    assert_eq!(status, 200, "{name}: the next request: {body}");
    let (text, terminals) = read_stream(&body);
    assert_eq!(terminals[0], json!("[DONE]"), "{name}: {body}");
    let recorded = Recorded::Text
        .recording(&ModelApi::AnthropicMessages)
        .unwrap();
    assert_eq!(text, recorded.text(), "{name}: the next request");
}

/// One test per fault.
macro_rules! faults {
    ($($(#[$doc:meta])* $name:ident => $fault:expr;)*) => {
        $(
            $(#[$doc])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                check(stringify!($name), $fault).await;
            }
        )*
    };
}

faults! {
    /// Nothing listens upstream: 502 `connect`.
    upstream_refused => Fault {
        refused: true,
        ..Fault::new(vec![Script::sse("")], 0, Expect::Status(502, "connect"))
    };
    /// The upstream resets the connection before its head: 502 `connect`.
    upstream_reset_before_headers => Fault::new(
        vec![Script::reset()],
        1,
        Expect::Status(502, "connect"),
    );
    /// The upstream's head never comes: 504 `first_byte_timeout`.
    upstream_stalled_before_headers => Fault {
        left: true,
        config: |config| config.with_first_byte_timeout(QUICK),
        ..Fault::new(
            vec![Script::sse(answer()).delay_head(STALL)],
            1,
            Expect::Status(504, "first_byte_timeout"),
        )
    };
    /// The upstream drops the connection inside the second delta: the
    /// stream keeps "Hello" and ends with a `connection_dropped` error.
    upstream_dropped_mid_event => Fault::new(
        vec![Script::sse(answer()).drop_at(second_delta())],
        1,
        Expect::Broken("Hello", "connection_dropped"),
    );
    /// The upstream stalls between two events: an `idle_timeout` error
    /// ends the stream, and the upstream connection is let go.
    upstream_stalled_between_events => Fault {
        left: true,
        config: |config| config.with_idle_timeout(QUICK),
        ..Fault::new(
            vec![Script::sse(answer()).stall_at(second_event(), STALL)],
            1,
            Expect::Broken("Hello", "idle_timeout"),
        )
    };
    /// A 1 GB upstream error body: its status passes through with a short
    /// message, and the upstream connection is let go after the cap.
    upstream_one_gigabyte_error_body => Fault {
        left: true,
        ..Fault::new(
            vec![Script::generated(500, "overloaded ", 1 << 30)],
            1,
            Expect::Status(500, "server"),
        )
    };
    /// A 429 with `Retry-After`, then the answer: the transport's retry
    /// makes it one answer.
    upstream_rate_limited_then_answer => Fault {
        config: |config| config.with_retry(
            RetryPolicy::exponential(2).delays(Duration::from_millis(2), Duration::from_millis(10)),
        ),
        ..Fault::new(
            vec![busy(429).header("Retry-After", "0.2"), Script::sse(answer())],
            2,
            Expect::Answer("Hello world"),
        )
    };
    /// 503 three times, three attempts allowed: the 503 passes through.
    upstream_unavailable_three_times => Fault {
        config: |config| config.with_retry(
            RetryPolicy::exponential(3).delays(Duration::from_millis(2), Duration::from_millis(10)),
        ),
        ..Fault::new(vec![busy(503)], 3, Expect::Status(503, "server"))
    };
    /// A 200 HTML page: no event came before it failed, so the answer is
    /// the `protocol` error's status, not 200.
    upstream_html_with_status_200 => Fault::new(
        vec![Script::sse("<!DOCTYPE html>\n<html><body>Sign in</body></html>\n")
            .without_header("content-type")
            .header("Content-Type", "text/html")],
        1,
        Expect::Status(502, "protocol"),
    );
    /// A redirect to a host outside the transports' allowlist: 502 `connect`.
    upstream_redirect_outside_the_allowlist => Fault {
        config: |mut config| {
            config.host_allowlist = Some(vec!["127.0.0.1".into()]);
            config
        },
        ..Fault::new(
            vec![Script::json(307, "").header("Location", "http://localhost:1/v1/chat/completions")],
            1,
            Expect::Status(502, "connect"),
        )
    };
}
