//! Bodies captured from real servers by `scripts/interop.sh` (LiteLLM's
//! proxy and llama-cpp-python's server; `tests/data/interop/README.md`),
//! replayed through the openai-completions transport: what those servers
//! really send, and what clawkit must make of it.

use std::time::Duration;

use clawkit_core::{ErrorKind, StopReason, StreamEvent};
use clawkit_http::HttpConfig;
use clawkit_testkit::Script;
use serde_json::{Value, json};

use crate::{assert_blocks, assert_contract, data, error_text, facts, run_openai};

/// llama-cpp-python labels its streams with a charset.
const LLAMA_CONTENT_TYPE: &str = "text/event-stream; charset=utf-8";

/// `body` as llama-cpp-python serves it: 200, its content type, in reads
/// of `split` bytes (0: one read).
fn llama(body: Vec<u8>, split: usize) -> Script {
    let script = Script::sse(body)
        .without_header("Content-Type")
        .header("Content-Type", LLAMA_CONTENT_TYPE);
    if split == 0 {
        script
    } else {
        script.split_every(split)
    }
}

/// The events of one call answered by `script`, bounded in time.
async fn events_of(script: Script) -> Vec<StreamEvent> {
    let (events, _) = tokio::time::timeout(
        Duration::from_secs(20),
        run_openai(script, |_, _, _| {}, HttpConfig::default()),
    )
    .await
    .expect("the call ends in time");
    assert_contract(&events);
    events
}

/// Every `data:` payload of an SSE body that is JSON.
fn chunks(sse: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(sse)
        .lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .filter_map(|payload| serde_json::from_str(payload.trim()).ok())
        .collect()
}

/// The text of choice 0's content deltas, read straight from the chunks.
fn content_of(sse: &[u8]) -> String {
    chunks(sse)
        .iter()
        .filter_map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn a_llama_cpp_forced_tool_call_repeating_id_and_name_on_every_delta_is_one_call() {
    let body = data("interop/llama-cpp-python-tool-call.sse");
    // What the capture holds: every tool-call delta repeats index 0, the
    // call's id and its name (and the legacy `function_call` beside it).
    let deltas: Vec<Value> = chunks(&body)
        .iter()
        .filter_map(|c| {
            c["choices"][0]["delta"]["tool_calls"][0]
                .as_object()
                .cloned()
        })
        .map(Value::Object)
        .collect();
    assert!(deltas.len() > 2, "{} tool-call deltas", deltas.len());
    let id = deltas[0]["id"].as_str().unwrap().to_owned();
    assert!(
        deltas
            .iter()
            .all(|d| d["id"] == id.as_str() && d["function"]["name"] == "get_weather"),
        "every delta repeats the id and the name"
    );
    let arguments: String = deltas
        .iter()
        .map(|d| d["function"]["arguments"].as_str().unwrap())
        .collect();
    let arguments: Value = serde_json::from_str(&arguments).unwrap();

    for split in [0, 7] {
        let events = events_of(llama(body.clone(), split)).await;
        assert_blocks(&events);
        let starts = events
            .iter()
            .filter(|e| matches!(e, StreamEvent::ToolCallStart { .. }))
            .count();
        assert_eq!(starts, 1, "one call, not one per delta: {events:#?}");
        let facts = facts(&events);
        assert_eq!(
            facts.tools,
            [(
                id.clone(),
                "get_weather".to_owned(),
                arguments.clone(),
                None
            )]
        );
        assert_eq!(facts.text, Vec::<String>::new());
        assert_eq!(facts.stop, Some(StopReason::ToolUse));
        let argument_deltas = events
            .iter()
            .filter(|e| matches!(e, StreamEvent::ToolCallDelta { .. }))
            .count();
        let fragments = deltas
            .iter()
            .filter(|d| d["function"]["arguments"] != "")
            .count();
        assert_eq!(
            argument_deltas, fragments,
            "one delta per non-empty fragment"
        );
    }
}

#[tokio::test]
async fn a_llama_cpp_text_stream_has_no_usage_and_clawkit_invents_none() {
    for (file, stop) in [
        ("interop/llama-cpp-python-text-stop.sse", StopReason::Stop),
        (
            "interop/llama-cpp-python-text-length.sse",
            StopReason::Length,
        ),
    ] {
        let body = data(file);
        assert!(
            chunks(&body).iter().all(|c| c.get("usage").is_none()),
            "{file}: llama-cpp-python sends no usage in a stream"
        );
        let events = events_of(llama(body.clone(), 0)).await;
        assert_blocks(&events);
        let facts = facts(&events);
        assert_eq!(facts.text, [content_of(&body)], "{file}");
        assert_eq!(facts.stop, Some(stop), "{file}");
        assert!(facts.usage.is_empty(), "{file}: no usage event");
    }
}

#[tokio::test]
async fn a_llama_cpp_overflow_answered_with_200_and_an_empty_body_is_an_error() {
    // llama-cpp-python's answer to a streamed request whose prompt exceeds
    // n_ctx: the status and headers, then the connection closes (its log:
    // "ValueError: Requested tokens (1114) exceed context window of 512").
    let events = events_of(llama(Vec::new(), 0)).await;
    let last = events.last().unwrap();
    assert!(
        matches!(
            last,
            StreamEvent::Error {
                kind: ErrorKind::Protocol,
                ..
            }
        ),
        "an error, not an empty success: {events:#?}"
    );
    let message = error_text(&events).unwrap();
    assert!(
        message.starts_with("acme: the server answered with an empty body"),
        "{message}"
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, StreamEvent::TextStart { .. })),
        "{events:#?}"
    );
}

#[tokio::test]
async fn a_litellm_mock_stream_gives_text_usage_and_stop() {
    let body = data("interop/litellm-mock-text.sse");
    // LiteLLM sends usage in a chunk of its own after the finish reason,
    // with a choice whose delta is empty (OpenAI sends `choices: []`).
    let usage_chunk = chunks(&body)
        .into_iter()
        .find(|c| c.get("usage").is_some())
        .unwrap();
    assert_eq!(usage_chunk["choices"], json!([{"index": 0, "delta": {}}]));
    let events = events_of(Script::sse(body.clone()).split_every(13)).await;
    assert_blocks(&events);
    let facts = facts(&events);
    assert_eq!(facts.text, ["Hello from the LiteLLM mock."]);
    assert_eq!(facts.stop, Some(StopReason::Stop));
    let usage = facts.usage.last().unwrap();
    assert_eq!(
        (usage.input, usage.output),
        (
            usage_chunk["usage"]["prompt_tokens"].as_u64().unwrap(),
            usage_chunk["usage"]["completion_tokens"].as_u64().unwrap()
        )
    );
}

#[tokio::test]
async fn litellm_error_models_map_to_their_error_kinds() {
    // LiteLLM's `code` is the HTTP status as a string, its `type` its own
    // (`throttling_error`): the kind comes from the status, and the
    // context-window error (a 400) from its message.
    for (file, status, kind) in [
        (
            "interop/litellm-mock-rate-limit.json",
            429,
            ErrorKind::RateLimit,
        ),
        (
            "interop/litellm-mock-context-window.json",
            400,
            ErrorKind::ContextOverflow,
        ),
        (
            "interop/litellm-mock-internal-error.json",
            500,
            ErrorKind::Server,
        ),
        (
            "interop/litellm-mock-streaming-error.json",
            529,
            ErrorKind::Server,
        ),
    ] {
        let body = data(file);
        let litellm_message: Value = serde_json::from_slice(&body).unwrap();
        let litellm_message = litellm_message["error"]["message"].as_str().unwrap();
        let events = events_of(Script::json(status, body.clone())).await;
        assert_eq!(facts(&events).error, Some(kind), "{file}: {events:#?}");
        let message = error_text(&events).unwrap();
        let first_line = litellm_message.lines().next().unwrap();
        assert!(
            message.starts_with(&format!("acme ({status}): {}", &first_line[..40])),
            "{file}: {message}"
        );
    }
}
