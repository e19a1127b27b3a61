//! One whole turn of `clawkit chat` through `Runtime::stream`, shown with the
//! `acme-ai` example provider: its text transforms rewrite the prompt on the
//! way out and the answer on the way back, even when a rewritten phrase is
//! cut across stream deltas, and `--trace` lists every stage's hooks.

use std::process::Output;

use clawkit_testkit::{Script, ScriptedServer};
use serde_json::Value;

use crate::{chat_off_runtime as chat, stderr, stdout};

const ACME_KEY: &str = "sk-acme-canary-0123456789";

const SYSTEM: &str = "Always print a paper ticket.";
const PROMPT: &str = "put it in the red basket";

/// What the server says: the provider's words, which the output transform
/// rewrites back into ours.
const ANSWER: &str = "Your things are in the red basket on the left shelf.";

/// OpenAI chat-completion chunks whose content deltas cut "blue basket"
/// (and "right shelf") in the middle, then a stop chunk and `[DONE]`.
fn acme_answer() -> String {
    let chunk = |delta: &str| {
        let chunk = serde_json::json!({
            "id": "chatcmpl-acme-1",
            "object": "chat.completion.chunk",
            "model": "acme-large",
            "choices": [{"index": 0, "delta": {"content": delta}, "finish_reason": null}],
        });
        format!("data: {chunk}\n\n")
    };
    let stop = serde_json::json!({
        "id": "chatcmpl-acme-1",
        "object": "chat.completion.chunk",
        "model": "acme-large",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
    });
    [
        chunk("Your things are in the blue bas"),
        chunk("ket on the right"),
        chunk(" shelf."),
        format!("data: {stop}\n\n"),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat()
}

/// Runs the acme-ai turn against a fresh server with `extra` flags, returning
/// the output and the one request the server received.
async fn acme_turn(extra: &[&str]) -> (Output, Value) {
    let server = ScriptedServer::start(vec![Script::sse(acme_answer())])
        .await
        .unwrap();
    let base = server.url("/v1");
    let mut args = vec![
        "--model",
        "acme-ai/acme-large",
        "--base-url",
        &base,
        "--system",
        SYSTEM,
    ];
    args.extend_from_slice(extra);
    args.push(PROMPT);
    let output = chat(&args, &[("ACME_AI_API_KEY", ACME_KEY)]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].path, "/v1/chat/completions");
    (output, requests[0].json())
}

/// The content of the one message with `role`.
fn message<'a>(body: &'a Value, role: &str) -> &'a Value {
    let messages: Vec<&Value> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == role)
        .collect();
    assert_eq!(messages.len(), 1, "{role} in {body}");
    &messages[0]["content"]
}

/// A content field as text: a string, or the text parts of an array.
fn text_of(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<String>(),
        other => panic!("unexpected content {other}"),
    }
}

/// The hook names of a `--trace` rendering (`hook [provider]: outcome`), in
/// order; other stderr lines (`clawkit: …`) are skipped.
fn traced_hooks(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| !line.starts_with("clawkit: "))
        .filter_map(|line| {
            let head = line.split(": ").next()?;
            Some(head.split(" [").next().unwrap_or(head))
        })
        .collect()
}

/// The position of `hook`'s first call in `hooks`.
fn first(hooks: &[&str], hook: &str, stderr: &str) -> usize {
    hooks
        .iter()
        .position(|h| *h == hook)
        .unwrap_or_else(|| panic!("{hook} missing from the trace:\n{stderr}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn acme_rewrites_the_prompt_out_and_the_answer_back_across_deltas() {
    let (output, body) = acme_turn(&[]).await;
    assert_eq!(body["model"], "acme-large");
    assert_eq!(text_of(message(&body, "user")), "put it in the blue basket");
    // The system prompt goes first, as `system` (or `developer`, which the
    // completions API uses for reasoning models such as acme-large).
    let instructions = &body["messages"][0];
    assert!(
        instructions["role"] == "system" || instructions["role"] == "developer",
        "{body}"
    );
    assert_eq!(
        text_of(&instructions["content"]),
        "Always print a digital ticket."
    );
    let instruction_messages = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "system" || m["role"] == "developer")
        .count();
    assert_eq!(instruction_messages, 1, "{body}");
    assert_eq!(stdout(&output), format!("{ANSWER}\n"));
    assert_eq!(output.status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn acme_events_carry_the_rewritten_text() {
    let (output, body) = acme_turn(&["--events"]).await;
    assert_eq!(text_of(message(&body, "user")), "put it in the blue basket");
    let events: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let deltas: String = events
        .iter()
        .filter(|e| e["type"] == "text_delta")
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(deltas, ANSWER);
    let ends: Vec<&Value> = events.iter().filter(|e| e["type"] == "text_end").collect();
    assert_eq!(ends.len(), 1, "{events:?}");
    assert_eq!(ends[0]["text"], ANSWER);
    let last = events.last().unwrap();
    assert_eq!(last["type"], "done", "{events:?}");
    assert_eq!(
        events
            .iter()
            .filter(|e| e["type"] == "done" || e["type"] == "error")
            .count(),
        1
    );
    assert!(!stdout(&output).contains(ACME_KEY));
    insta::assert_json_snapshot!("acme-turn-events", events);
}

#[tokio::test(flavor = "multi_thread")]
async fn acme_trace_lists_the_whole_turn_in_stage_order_without_the_key() {
    let (output, _) = acme_turn(&["--trace"]).await;
    assert_eq!(stdout(&output), format!("{ANSWER}\n"));
    let err = stderr(&output);
    let hooks = traced_hooks(&err);
    // acme-large is in the catalog: the lookup finds it.
    let order = [
        "catalog",
        "normalizeModelId",
        "catalogLookup",
        "onModelSelected",
        "resolveThinkingProfile",
        "prepareRuntimeAuth",
        "transformSystemPrompt",
        "buildReplayPolicy",
        "validateReplayTurns",
        "textTransforms",
        "prepareExtraParams",
        "wrapStreamFn",
        "resolveTransportTurnState",
        "textTransforms (output)",
    ];
    let positions: Vec<usize> = order.iter().map(|h| first(&hooks, h, &err)).collect();
    for (pair, at) in order.windows(2).zip(positions.windows(2)) {
        assert!(
            at[0] < at[1],
            "{} (line {}) should come before {} (line {}):\n{err}",
            pair[0],
            at[0],
            pair[1],
            at[1]
        );
    }
    let everything = format!("{}{err}", stdout(&output));
    assert!(
        !everything.contains(ACME_KEY),
        "the key leaked: {everything}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_acme_key_fails_before_streaming_and_keeps_its_trace() {
    let server = ScriptedServer::start(vec![Script::sse(acme_answer())])
        .await
        .unwrap();
    let base = server.url("/v1");
    let output = chat(
        &[
            "--model",
            "acme-ai/acme-large",
            "--base-url",
            &base,
            "--trace",
            PROMPT,
        ],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    let err = stderr(&output);
    assert_eq!(
        err.lines().last(),
        Some("clawkit: no API key found for provider \"acme-ai\"; set ACME_AI_API_KEY"),
        "{err}"
    );
    let hooks = traced_hooks(&err);
    assert!(
        hooks.contains(&"resolveDynamicModel") || hooks.contains(&"catalogLookup"),
        "no model resolution in the trace:\n{err}"
    );
    assert!(hooks.contains(&"buildMissingAuthMessage"), "{err}");
    assert!(!hooks.contains(&"wrapStreamFn"), "{err}");
    assert!(server.requests().is_empty(), "a request went out");
}
