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
    assert_eq!(stdout(&output), "", "no answer, not even an empty line");
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

/// Each built-in provider's API, answering "Hello there." as its wire
/// format does: the provider, the model, the key variable, the path prefix.
fn apis() -> Vec<(
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    String,
)> {
    let completions = concat!(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there.\"},\"finish_reason\":\"stop\"}]}\n\n",
        "data: [DONE]\n\n",
    )
    .to_owned();
    let responses = sse(&[
        (
            "response.output_item.added",
            r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"m","role":"assistant","content":[]}}"#,
        ),
        (
            "response.output_text.delta",
            r#"{"type":"response.output_text.delta","item_id":"m","output_index":0,"content_index":0,"delta":"Hello there."}"#,
        ),
        (
            "response.completed",
            r#"{"type":"response.completed","response":{"id":"r","status":"completed","usage":{"input_tokens":3,"output_tokens":2,"total_tokens":5}}}"#,
        ),
    ]);
    let anthropic = anthropic_body()
        .replace("Hello from", "Hello")
        .replace(" Claude.", " there.");
    let gemini = sse(&[(
        "",
        r#"{"candidates":[{"content":{"parts":[{"text":"Hello there."}],"role":"model"},"finishReason":"STOP","index":0}]}"#,
    )]);
    vec![
        (
            "openai",
            "gpt-5-mini",
            Some("OPENAI_API_KEY"),
            "/v1",
            responses,
        ),
        (
            "anthropic",
            "claude-haiku-4-5",
            Some("ANTHROPIC_API_KEY"),
            "/v1",
            anthropic,
        ),
        (
            "google",
            "gemini-2.5-flash",
            Some("GEMINI_API_KEY"),
            "/v1beta",
            gemini,
        ),
        (
            "ollama",
            "llama3.2:latest",
            None,
            "/v1",
            completions.clone(),
        ),
        ("openai-compatible", "any-model", None, "/v1", completions),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_built_in_provider_answers_as_text_and_as_events() {
    for (provider, model, key_var, prefix, body) in apis() {
        let server = ScriptedServer::start(vec![Script::sse(body)])
            .await
            .unwrap();
        let base = server.url(prefix);
        let reference = format!("{provider}/{model}");
        let env: Vec<(&str, &str)> = key_var
            .map(|var| vec![(var, "sk-canary-every-provider-0123456789")])
            .unwrap_or_default();
        let text = chat(
            &["--model", &reference, "--base-url", &base, "Hi"],
            &env,
            "",
        )
        .await;
        assert!(text.status.success(), "{reference}: {}", stderr(&text));
        assert_eq!(stdout(&text), "Hello there.\n", "{reference}");

        let events = chat(
            &["--model", &reference, "--base-url", &base, "--events", "Hi"],
            &env,
            "",
        )
        .await;
        assert!(events.status.success(), "{reference}: {}", stderr(&events));
        let lines: Vec<Value> = stdout(&events)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let text: String = lines
            .iter()
            .filter(|e| e["type"] == "text_delta")
            .map(|e| e["text"].as_str().unwrap())
            .collect();
        assert_eq!(text, "Hello there.", "{reference}");
        assert_eq!(lines.last().unwrap()["type"], "done", "{reference}");
        assert_eq!(
            lines
                .iter()
                .filter(|e| e["type"] == "done" || e["type"] == "error")
                .count(),
            1,
            "{reference}"
        );
        assert!(!stdout(&events).contains("sk-canary"), "{reference}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_cancels_the_answer_and_exits_130() {
    let body = anthropic_body();
    let first_text = body.find("Hello from").unwrap() + 40;
    let server = ScriptedServer::start(vec![
        Script::sse(body).stall_at(first_text, std::time::Duration::from_secs(30)),
    ])
    .await
    .unwrap();
    let base = server.url("/v1");
    let output = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut child = Command::new(env!("CARGO_BIN_EXE_clawkit"))
            .args([
                "chat",
                "--model",
                "anthropic/claude-haiku-4-5",
                "--base-url",
                &base,
                "Hi",
            ])
            .env_clear()
            .env("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the first text, then interrupt.
        let mut stdout = child.stdout.take().unwrap();
        let mut seen = Vec::new();
        let mut byte = [0u8; 1];
        while !String::from_utf8_lossy(&seen).contains("Hello from") {
            assert_eq!(stdout.read(&mut byte).unwrap(), 1, "stdout closed early");
            seen.push(byte[0]);
        }
        let status = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let output = child.wait_with_output().unwrap();
        (seen, output)
    })
    .await
    .unwrap();
    let (seen, output) = output;
    assert_eq!(String::from_utf8_lossy(&seen), "Hello from");
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert_eq!(stderr(&output).trim(), "clawkit: cancelled");
}

#[tokio::test(flavor = "multi_thread")]
async fn events_end_with_an_error_event_even_when_the_call_never_starts() {
    let output = chat(
        &["--model", "anthropic/claude-sonnet-4-5", "--events", "Hi"],
        &[],
        "",
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["type"], "error");
    assert_eq!(lines[0]["kind"], "auth");
    assert!(
        lines[0]["message"]
            .as_str()
            .unwrap()
            .contains("ANTHROPIC_API_KEY")
    );
}
