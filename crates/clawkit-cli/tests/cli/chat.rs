//! `clawkit chat` through the built binary, against servers started here.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use clawkit_testkit::{Script, ScriptedServer};
use serde_json::Value;

use crate::{stderr, stdout};

const ANTHROPIC_KEY: &str = "sk-ant-canary-0123456789abcdef";

/// Runs `clawkit chat ARGS` with only `env`, feeding `stdin`, off the
/// async runtime that serves the test's server.
async fn chat(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clawkit"))
            .arg("chat")
            .args(&args)
            .env_clear()
            .env("NO_COLOR", "1")
            .envs(env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn sse(events: &[(&str, &str)]) -> String {
    events
        .iter()
        .map(|(name, data)| match *name {
            "" => format!("data: {data}\n\n"),
            name => format!("event: {name}\ndata: {data}\n\n"),
        })
        .collect()
}

fn anthropic_body() -> String {
    sse(&[
        (
            "message_start",
            r#"{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"usage":{"input_tokens":10,"output_tokens":1}}}"#,
        ),
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello from"}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" Claude."}}"#,
        ),
        (
            "content_block_stop",
            r#"{"type":"content_block_stop","index":0}"#,
        ),
        (
            "message_delta",
            r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":5}}"#,
        ),
        ("message_stop", r#"{"type":"message_stop"}"#),
    ])
}

#[tokio::test(flavor = "multi_thread")]
async fn anthropic_streams_text_to_stdout_through_base_url() {
    let server = ScriptedServer::start(vec![Script::sse(anthropic_body())])
        .await
        .unwrap();
    let base = server.url("/v1");
    let output = chat(
        &[
            "--model",
            "anthropic/claude-sonnet-4-5",
            "--base-url",
            &base,
            "--system",
            "Be brief.",
            "Say hello",
        ],
        &[("ANTHROPIC_API_KEY", ANTHROPIC_KEY)],
        "",
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "Hello from Claude.\n");
    let request = &server.requests()[0];
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(ANTHROPIC_KEY));
    let body = request.json();
    assert_eq!(body["model"], "claude-sonnet-4-5");
    assert_eq!(body["messages"][0]["content"][0]["text"], "Say hello");
    assert!(body["system"].to_string().contains("Be brief."));
}

#[tokio::test(flavor = "multi_thread")]
async fn events_prints_one_normalized_event_per_line() {
    let body = sse(&[
        (
            "response.created",
            r#"{"type":"response.created","response":{"id":"resp_1","model":"gpt-5-mini","status":"in_progress"}}"#,
        ),
        (
            "response.output_item.added",
            r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}"#,
        ),
        (
            "response.output_text.delta",
            r#"{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi!"}"#,
        ),
        (
            "response.output_item.done",
            r#"{"type":"response.output_item.done","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}"#,
        ),
        (
            "response.completed",
            r#"{"type":"response.completed","response":{"id":"resp_1","model":"gpt-5-mini","status":"completed","usage":{"input_tokens":9,"output_tokens":2,"total_tokens":11}}}"#,
        ),
    ]);
    let server = ScriptedServer::start(vec![Script::sse(body)])
        .await
        .unwrap();
    let base = server.url("/v1");
    let output = chat(
        &[
            "--model",
            "openai/gpt-5-mini",
            "--base-url",
            &base,
            "--events",
            "Hello",
        ],
        &[("OPENAI_API_KEY", "sk-openai-canary-0123456789")],
        "",
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let events: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "start",
            "text_start",
            "text_delta",
            "text_end",
            "usage",
            "done"
        ]
    );
    assert_eq!(events[2]["text"], "Hi!");
    assert_eq!(
        (events[4]["input"].as_u64(), events[4]["output"].as_u64()),
        (Some(9), Some(2))
    );
    assert_eq!(events[5]["reason"], "stop");
    assert_eq!(server.requests()[0].path, "/v1/responses");
}

#[tokio::test(flavor = "multi_thread")]
async fn google_and_a_keyless_local_openai_compatible_server_answer() {
    let gemini = sse(&[(
        "",
        r#"{"candidates":[{"content":{"parts":[{"text":"Hello from Gemini."}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":4,"totalTokenCount":8}}"#,
    )]);
    let server = ScriptedServer::start(vec![Script::sse(gemini)])
        .await
        .unwrap();
    let base = server.url("/v1beta");
    let output = chat(
        &[
            "--model",
            "google/gemini-2.5-flash",
            "--base-url",
            &base,
            "Hi",
        ],
        &[("GEMINI_API_KEY", "AIza-canary-0123456789")],
        "",
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "Hello from Gemini.\n");
    assert_eq!(
        server.requests()[0].path,
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );

    let completions = concat!(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Served locally.\"},\"finish_reason\":\"stop\"}]}\n\n",
        "data: [DONE]\n\n",
    );
    let local = ScriptedServer::start(vec![Script::sse(completions)])
        .await
        .unwrap();
    let base = local.url("/v1");
    let output = chat(
        &["--model", "openai-compatible/Qwen/Qwen2.5-7B-Instruct", "-"],
        &[("OPENAI_COMPATIBLE_BASE_URL", &base)],
        "a prompt from stdin",
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "Served locally.\n");
    let sent = local
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/chat/completions")
        .unwrap();
    assert_eq!(sent.json()["messages"][0]["content"], "a prompt from stdin");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_key_exits_1_naming_the_env_var() {
    let output = chat(&["--model", "anthropic/claude-sonnet-4-5", "Hi"], &[], "").await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output).trim(),
        "clawkit: no API key found for provider \"anthropic\"; set ANTHROPIC_API_KEY"
    );
    assert_eq!(stdout(&output), "");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_error_exits_1_with_status_and_request_id_and_no_key() {
    let error =
        r#"{"type":"error","error":{"type":"api_error","message":"Internal server error"}}"#;
    let server = ScriptedServer::start(vec![
        Script::json(500, error).header("request-id", "req_011CTraceMe"),
    ])
    .await
    .unwrap();
    let base = server.url("/v1");
    let output = chat(
        &[
            "--model",
            "anthropic/claude-sonnet-4-5",
            "--base-url",
            &base,
            "--trace",
            "Hi",
        ],
        &[("ANTHROPIC_API_KEY", ANTHROPIC_KEY)],
        "",
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with("clawkit: anthropic (500): Internal server error"),
        "{err}"
    );
    assert!(last.contains("req_011CTraceMe"), "{err}");
    assert!(
        err.contains("resolveDynamicModel") || err.contains("catalog"),
        "trace missing: {err}"
    );
    let everything = format!("{err}{}", stdout(&output));
    assert!(
        !everything.contains(ANTHROPIC_KEY),
        "the key leaked: {everything}"
    );
}
