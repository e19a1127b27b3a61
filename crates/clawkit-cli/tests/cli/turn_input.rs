//! `clawkit chat --history FILE --tools FILE --think LEVEL --param KEY=VALUE`
//! through the built binary, one test per API against a server started here
//! that records the request; and `clawkit tools check`.
//!
//! The files are `tests/fixtures/*.json`. The request bodies are insta
//! snapshots: the history, the tools, the thinking fields and the params as
//! each API's transport sends them. No provider installs the families yet,
//! so the tool schemas go out as written and OpenClaw-level params
//! (`fastMode`, `serviceTier`) go out verbatim; these snapshots change when
//! the families land.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use clawkit_testkit::{Script, ScriptedServer};
use serde_json::{Value, json};

use crate::{stderr, stdout};

const PROMPT: &str = "And tomorrow?";
const ANSWER: &str = "Tomorrow: sunny.";

/// `tests/fixtures`.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs `clawkit ARGS` in `tests/fixtures` (so files are named as given)
/// with only `env` and no stdin, off the async runtime of the test.
async fn clawkit_in_fixtures(args: &[&str], env: &[(&str, &str)]) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || run_in_fixtures(&args, &env))
        .await
        .unwrap()
}

fn run_in_fixtures(args: &[String], env: &[(String, String)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clawkit"))
        .args(args)
        .current_dir(fixtures())
        .env_clear()
        .env("NO_COLOR", "1")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The same, for tests without a server.
fn clawkit_here(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    run_in_fixtures(&args, &[])
}

fn sse(events: &[(&str, Value)]) -> String {
    events
        .iter()
        .map(|(name, data)| match *name {
            "" => format!("data: {data}\n\n"),
            name => format!("event: {name}\ndata: {data}\n\n"),
        })
        .collect()
}

/// One API: the model that speaks it, its key, where its requests go and
/// its answer, plus params only that API knows.
struct Api {
    name: &'static str,
    model: &'static str,
    key_var: &'static str,
    key: &'static str,
    prefix: &'static str,
    path: &'static str,
    answer: String,
    params: &'static [&'static str],
}

fn completions() -> Api {
    let chunk =
        json!({"choices": [{"index": 0, "delta": {"content": ANSWER}, "finish_reason": "stop"}]});
    Api {
        name: "openai-completions",
        // acme-large reasons, so the thinking level reaches the wire.
        model: "acme-ai/acme-large",
        key_var: "ACME_AI_API_KEY",
        key: "sk-acme-canary-turn-input-0123",
        prefix: "/v1",
        path: "/v1/chat/completions",
        answer: format!("data: {chunk}\n\ndata: [DONE]\n\n"),
        params: &["parallelToolCalls=false"],
    }
}

fn responses() -> Api {
    Api {
        name: "openai-responses",
        // A catalog row, which reasons, so the thinking level reaches the wire.
        model: "openai/gpt-5.4-mini",
        key_var: "OPENAI_API_KEY",
        key: "sk-openai-canary-turn-input-0123",
        prefix: "/v1",
        path: "/v1/responses",
        answer: sse(&[
            (
                "response.output_item.added",
                json!({"type": "response.output_item.added", "output_index": 0, "item": {"type": "message", "id": "m", "role": "assistant", "content": []}}),
            ),
            (
                "response.output_text.delta",
                json!({"type": "response.output_text.delta", "item_id": "m", "output_index": 0, "content_index": 0, "delta": ANSWER}),
            ),
            (
                "response.completed",
                json!({"type": "response.completed", "response": {"id": "r", "status": "completed", "usage": {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}}}),
            ),
        ]),
        params: &["parallelToolCalls=false"],
    }
}

fn anthropic() -> Api {
    Api {
        name: "anthropic-messages",
        // A catalog row, which reasons, so the thinking level reaches the wire.
        model: "anthropic/claude-haiku-4-5",
        key_var: "ANTHROPIC_API_KEY",
        key: "sk-ant-canary-turn-input-0123",
        prefix: "/v1",
        path: "/v1/messages",
        answer: sse(&[
            (
                "message_start",
                json!({"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5", "content": [], "stop_reason": null, "usage": {"input_tokens": 10, "output_tokens": 1}}}),
            ),
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": ANSWER}}),
            ),
            (
                "content_block_stop",
                json!({"type": "content_block_stop", "index": 0}),
            ),
            (
                "message_delta",
                json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 5}}),
            ),
            ("message_stop", json!({"type": "message_stop"})),
        ]),
        params: &["top_k=40"],
    }
}

fn google() -> Api {
    Api {
        name: "google-generative-ai",
        model: "google/gemini-2.5-flash",
        key_var: "GEMINI_API_KEY",
        key: "AIza-canary-turn-input-0123",
        prefix: "/v1beta",
        path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        answer: sse(&[(
            "",
            json!({"candidates": [{"content": {"parts": [{"text": ANSWER}], "role": "model"}, "finishReason": "STOP", "index": 0}]}),
        )]),
        params: &[r#"toolConfig={"functionCallingConfig":{"mode":"AUTO"}}"#],
    }
}

/// The whole turn for `api` with every flag, `--trace` on: the output, the
/// request body and stderr (the trace).
async fn turn(api: &Api) -> (Output, Value, String) {
    let server = ScriptedServer::start(vec![Script::sse(api.answer.clone())])
        .await
        .unwrap();
    let base = server.url(api.prefix);
    let mut args = vec![
        "chat",
        "--model",
        api.model,
        "--base-url",
        &base,
        "--system",
        "Answer in one sentence.",
        "--history",
        "history.json",
        "--tools",
        "tools.json",
        "--think",
        "high",
        "--param",
        "fastMode=true",
        "--param",
        r#"serviceTier="flex""#,
    ];
    for param in api.params {
        args.extend(["--param", param]);
    }
    args.extend(["--trace", PROMPT]);
    let output = clawkit_in_fixtures(&args, &[(api.key_var, api.key)]).await;
    let err = stderr(&output);
    assert!(output.status.success(), "{}: {err}", api.name);
    assert_eq!(stdout(&output), format!("{ANSWER}\n"), "{}", api.name);
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{}: {requests:?}", api.name);
    assert_eq!(requests[0].path, api.path);
    let body = requests[0].json();
    let everything = format!("{}{err}{body}", stdout(&output));
    assert!(
        !everything.contains(api.key),
        "{}: the key leaked",
        api.name
    );
    assert_stages_traced(api, &err);
    (output, body, err)
}

/// The history and tools stages in the trace: the policy's changes (the
/// tool-call id rewritten to the strict shape), the stage's summary, the
/// tool hooks; no message content.
fn assert_stages_traced(api: &Api, err: &str) {
    let provider = api.model.split('/').next().unwrap();
    let line = |hook: &str| {
        err.lines()
            .find(|l| l.starts_with(&format!("{hook} [{provider}]: ")))
            .unwrap_or_else(|| panic!("{}: no {hook} line:\n{err}", api.name))
    };
    // Strict ids: the call and its result are renamed together. The
    // Responses apis keep `call_weather_1` (OpenClaw 2026.9.6 gives them
    // their own `call_`/`fc_` rule, a no-op here).
    let renamed = json!({
        "rule": "sanitizeToolCallIds",
        "count": 2,
        "details": ["call_weather_1 → callweather1", "result call_weather_1 → callweather1"]
    });
    let strict_ids = api.name != "openai-responses";
    let policy = line("replayPolicy");
    let policy: Value = serde_json::from_str(policy.split_once(": → ").unwrap().1).unwrap();
    assert_eq!(
        policy["changes"].as_array().unwrap().contains(&renamed),
        strict_ids,
        "{}: {policy}",
        api.name
    );
    let history = line("replayHistory");
    let summary: Value = serde_json::from_str(history.split_once(": → ").unwrap().1).unwrap();
    assert_eq!(
        summary["messages"],
        json!({"given": 4, "sent": 4}),
        "{}",
        api.name
    );
    assert_eq!(
        summary["changes"].as_array().unwrap().contains(&renamed),
        strict_ids,
        "{}: {history}",
        api.name
    );
    // The tool-compat families of the built-ins: gemini on google
    // normalizes anywhere; openai's normalizes only on OpenAI's own routes,
    // not this local server (OpenClaw's gate), and still inspects;
    // acme-ai and anthropic install none.
    let normalizes = api.name == "google-generative-ai";
    let inspects = normalizes || api.name == "openai-responses";
    assert_eq!(
        !line("normalizeToolSchemas").ends_with("not handled"),
        normalizes,
        "{}",
        api.name
    );
    assert_eq!(
        !line("inspectToolSchemas").ends_with("not handled"),
        inspects,
        "{}",
        api.name
    );
    assert!(line("thinkingLevel").contains(r#""requested":"high""#));
    for content in ["18 degrees", "What is the weather", "call get_weather"] {
        assert!(
            !err.contains(content),
            "{}: the trace shows {content:?}",
            api.name
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn openai_completions_gets_the_history_tools_thinking_and_params() {
    let api = completions();
    let (_, body, _) = turn(&api).await;
    let messages = body["messages"].as_array().unwrap();
    // The history's system message, then --system, as one instruction.
    assert_eq!(messages[0]["role"], "developer");
    assert_eq!(
        messages[0]["content"],
        "You answer weather questions.\n\nAnswer in one sentence."
    );
    let call = &messages[2];
    assert_eq!(
        call["reasoning_content"],
        "The user wants the current weather: call get_weather."
    );
    let call_id = &call["tool_calls"][0]["id"];
    assert_eq!(call_id, "callweather1");
    assert_eq!(
        call["tool_calls"][0]["function"]["arguments"],
        r#"{"city":"Paris","unit":"celsius"}"#
    );
    assert_eq!(messages[3]["role"], "tool");
    assert_eq!(&messages[3]["tool_call_id"], call_id);
    assert_eq!(messages[5], json!({"role": "user", "content": PROMPT}));
    assert_eq!(body["tools"][0]["function"]["name"], "get_weather");
    assert_eq!(body["reasoning_effort"], "high");
    assert_eq!(body["parallel_tool_calls"], false);
    insta::assert_json_snapshot!("turn-input-openai-completions", body);
}

#[tokio::test(flavor = "multi_thread")]
async fn openai_responses_gets_the_history_tools_thinking_and_params() {
    let api = responses();
    let (_, body, _) = turn(&api).await;
    assert_eq!(
        body["instructions"],
        "You answer weather questions.\n\nAnswer in one sentence."
    );
    let input = body["input"].as_array().unwrap();
    let call = input.iter().find(|i| i["type"] == "function_call").unwrap();
    let output = input
        .iter()
        .find(|i| i["type"] == "function_call_output")
        .unwrap();
    assert_eq!(call["call_id"], output["call_id"]);
    assert_eq!(call["arguments"], r#"{"city":"Paris","unit":"celsius"}"#);
    assert_eq!(body["tools"][1]["name"], "get_forecast");
    assert_eq!(body["reasoning"]["effort"], "high");
    assert_eq!(body["parallel_tool_calls"], false);
    insta::assert_json_snapshot!("turn-input-openai-responses", body);
}

#[tokio::test(flavor = "multi_thread")]
async fn anthropic_messages_gets_the_history_tools_thinking_and_params() {
    let api = anthropic();
    let (_, body, _) = turn(&api).await;
    assert_eq!(
        body["system"],
        "You answer weather questions.\n\nAnswer in one sentence."
    );
    let messages = body["messages"].as_array().unwrap();
    let assistant = &messages[1]["content"];
    // OpenClaw 2026.9.6 keeps earlier thinking only for the Claude models
    // `shouldDropClaudeThinkingBlocks` names; claude-haiku-4-5 is not one,
    // so the history's thinking block is dropped and the tool call leads.
    assert!(
        assistant
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["type"] != "thinking"),
        "{assistant}"
    );
    let call = &assistant[0];
    assert_eq!(call["type"], "tool_use");
    assert_eq!(call["input"], json!({"city": "Paris", "unit": "celsius"}));
    let result = &messages[2]["content"][0];
    assert_eq!(result["type"], "tool_result");
    assert_eq!(result["tool_use_id"], call["id"]);
    assert_eq!(
        body["tools"][0]["input_schema"]["required"],
        json!(["city"])
    );
    assert_eq!(
        body["thinking"],
        json!({"type": "enabled", "budget_tokens": 16384})
    );
    assert_eq!(body["top_k"], 40);
    insta::assert_json_snapshot!("turn-input-anthropic-messages", body);
}

#[tokio::test(flavor = "multi_thread")]
async fn google_generative_ai_gets_the_history_tools_thinking_and_params() {
    let api = google();
    let (_, body, _) = turn(&api).await;
    let contents = body["contents"].as_array().unwrap();
    let model_turn = &contents[1]["parts"];
    assert_eq!(
        model_turn[0],
        json!({
            "text": "The user wants the current weather: call get_weather.",
            "thought": true,
            "thoughtSignature": "c2lnLXJlYXNvbmluZy0x"
        })
    );
    assert_eq!(
        model_turn[1],
        json!({
            "functionCall": {"name": "get_weather", "args": {"city": "Paris", "unit": "celsius"}},
            "thoughtSignature": "dGhvdWdodC1zaWctMQ=="
        })
    );
    assert_eq!(
        contents[2]["parts"][0]["functionResponse"]["name"],
        "get_weather"
    );
    assert_eq!(
        body["tools"][0]["functionDeclarations"][1]["name"],
        "get_forecast"
    );
    assert_eq!(
        body["generationConfig"]["thinkingConfig"],
        json!({"includeThoughts": true, "thinkingBudget": 16384})
    );
    assert_eq!(
        body["toolConfig"],
        json!({"functionCallingConfig": {"mode": "AUTO"}})
    );
    insta::assert_json_snapshot!("turn-input-google-generative-ai", body);
}

#[test]
fn a_malformed_history_exits_2_naming_the_file_and_the_pointer() {
    for (file, message) in [
        (
            "history-bad-arguments.json",
            "at /1/tool_calls/0/function/arguments: the arguments string is not valid JSON: EOF while parsing a value at line 1 column 9",
        ),
        (
            "history-bad-role.json",
            "at /1/role: unknown role (expected \"user\", \"assistant\", \"tool\" or \"system\")",
        ),
        (
            "history-not-json.json",
            "not valid JSON: EOF while parsing a value at line 3, column 0",
        ),
        (
            "no-such-history.json",
            "cannot read: No such file or directory (os error 2)",
        ),
    ] {
        let output = clawkit_here(&[
            "chat",
            "--model",
            "anthropic/claude-sonnet-4-5",
            "--history",
            file,
            "Hi",
        ]);
        assert_eq!(output.status.code(), Some(2), "{file}: {}", stderr(&output));
        assert_eq!(
            stderr(&output),
            format!("clawkit: --history {file}: {message}\n"),
            "{file}"
        );
        assert_eq!(stdout(&output), "", "{file}");
    }
}

#[test]
fn malformed_tools_exit_2_naming_the_file_and_the_pointer() {
    let output = clawkit_here(&[
        "chat",
        "--model",
        "anthropic/claude-sonnet-4-5",
        "--tools",
        "tools-bad.json",
        "--events",
        "Hi",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "clawkit: --tools tools-bad.json: at /1/function/parameters: expected a JSON Schema (an object), found a string\n"
    );
    assert_eq!(stdout(&output), "");
}

/// `--think max` on a model whose provider offers no `max`: the thinking
/// stage clamps it (acme-large has no xhigh either) and says why.
#[tokio::test(flavor = "multi_thread")]
async fn think_max_is_clamped_where_the_model_has_no_max() {
    let api = completions();
    let server = ScriptedServer::start(vec![Script::sse(api.answer.clone())])
        .await
        .unwrap();
    let base = server.url(api.prefix);
    let args = [
        "chat",
        "--model",
        api.model,
        "--base-url",
        &base,
        "--think",
        "max",
        "--trace",
        PROMPT,
    ];
    let output = clawkit_in_fixtures(&args, &[(api.key_var, api.key)]).await;
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    let decision = err
        .lines()
        .find_map(|l| l.strip_prefix("thinkingLevel [acme-ai]: → "))
        .unwrap_or_else(|| panic!("no thinkingLevel line:\n{err}"));
    let decision: Value = serde_json::from_str(decision).unwrap();
    assert_eq!(
        decision,
        json!({
            "requested": "max",
            "sent": "high",
            "clamped": "the model does not support max (no thinking profile offers it)"
        })
    );
    assert_eq!(server.requests()[0].json()["reasoning_effort"], "high");
}

#[test]
fn an_unknown_think_level_or_a_param_without_a_value_exits_2() {
    let output = clawkit_here(&[
        "chat",
        "--model",
        "anthropic/claude-sonnet-4-5",
        "--think",
        "maximum",
        "Hi",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("invalid value 'maximum' for '--think <LEVEL>'"),
        "{err}"
    );
    assert!(
        err.contains("[possible values: off, minimal, low, medium, high, xhigh, max, adaptive]"),
        "{err}"
    );

    let output = clawkit_here(&[
        "chat",
        "--model",
        "anthropic/claude-sonnet-4-5",
        "--param",
        "fastMode",
        "Hi",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("invalid value 'fastMode' for '--param <KEY=VALUE>': expected KEY=VALUE"),
        "{err}"
    );
}

/// Every tool of a `tools check --json` report has the documented fields.
fn assert_report_shape(report: &Value) {
    let tools = report["tools"].as_array().unwrap();
    assert_eq!(report.as_object().unwrap().len(), 1, "{report}");
    for tool in tools {
        let fields: Vec<&String> = tool.as_object().unwrap().keys().collect();
        assert_eq!(fields, ["name", "normalized", "changes", "violations"]);
        assert!(tool["name"].is_string());
        for change in tool["changes"].as_array().unwrap() {
            let fields: Vec<&String> = change.as_object().unwrap().keys().collect();
            assert_eq!(fields, ["path", "keyword", "change"]);
        }
        assert!(
            tool["violations"]
                .as_array()
                .unwrap()
                .iter()
                .all(Value::is_string)
        );
    }
}

#[test]
fn tools_check_prints_each_provider_s_view_of_the_schemas_without_a_key() {
    // What the gemini family rewrites: the `$ref` is inlined, `const`
    // becomes `enum`, `additionalProperties` and `minimum` go, the type
    // array becomes its non-null type; nothing is left to violate.
    let output = clawkit_here(&[
        "tools",
        "check",
        "--model",
        "google/gemini-2.5-flash",
        "tools.json",
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_report_shape(&report);
    let given: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("tools.json")).unwrap())
            .unwrap();
    assert_ne!(
        report["tools"][0]["normalized"]["parameters"],
        given[0]["function"]["parameters"]
    );
    assert!(
        report["tools"][0]["changes"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
    insta::assert_json_snapshot!("tools-check-gemini", report);

    for model in [
        "acme-ai/acme-large",
        "openai/gpt-5-mini",
        "anthropic/claude-sonnet-4-5",
    ] {
        let output = clawkit_here(&["tools", "check", "--model", model, "tools.json", "--json"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{model}: {}",
            stderr(&output)
        );
        let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_report_shape(&report);
        let names: Vec<&str> = report["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["get_weather", "get_forecast"], "{model}");
    }
}

#[test]
fn tools_check_of_a_clean_schema_exits_0_with_a_readable_report() {
    let output = clawkit_here(&[
        "tools",
        "check",
        "--model",
        "openai/gpt-5-mini",
        "tools-clean.json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "get_forecast: unchanged, no violation\nopenai/gpt-5-mini: 1 tool, 0 changes, 0 violations\n"
    );
}

#[test]
fn tools_check_errors_keep_the_usual_exit_codes() {
    // A model that does not resolve: the usual error, exit 1, no report.
    for (model, message) in [
        ("nope/x", "clawkit: unknown provider \"nope\"\n"),
        (
            "mystery-model",
            "clawkit: cannot resolve model \"mystery-model\": it is not provider/model and no plugin claims it in modelSupport\n",
        ),
    ] {
        let output = clawkit_here(&["tools", "check", "--model", model, "tools.json", "--json"]);
        assert_eq!(output.status.code(), Some(1), "{model}");
        assert_eq!(stderr(&output), message);
        assert_eq!(stdout(&output), "");
    }
    // A missing or malformed file: usage, exit 2.
    for (file, message) in [
        (
            "tools-bad.json",
            "at /1/function/parameters: expected a JSON Schema (an object), found a string",
        ),
        (
            "history.json",
            "at /0/name: missing \"name\" (a non-empty string)",
        ),
        (
            "no-such-tools.json",
            "cannot read: No such file or directory (os error 2)",
        ),
    ] {
        let output = clawkit_here(&["tools", "check", "--model", "google/gemini-2.5-flash", file]);
        assert_eq!(output.status.code(), Some(2), "{file}");
        assert_eq!(
            stderr(&output),
            format!("clawkit: tools file {file}: {message}\n")
        );
        assert_eq!(stdout(&output), "");
    }
    // No FILE at all: clap's usage error.
    let output = clawkit_here(&["tools", "check", "--model", "google/gemini-2.5-flash"]);
    assert_eq!(output.status.code(), Some(2));
}

/// The `replayHistory` summary of a `--trace` rendering.
fn replay_summary(err: &str, provider: &str) -> Value {
    let line = err
        .lines()
        .find(|l| l.starts_with(&format!("replayHistory [{provider}]: → ")))
        .unwrap_or_else(|| panic!("no replayHistory line:\n{err}"));
    serde_json::from_str(line.split_once(": → ").unwrap().1).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_trace_says_what_the_history_stage_merged_and_dropped() {
    // Gemini's turn validation merges the two assistant turns in a row.
    let gemini = google();
    let server = ScriptedServer::start(vec![Script::sse(gemini.answer.clone())])
        .await
        .unwrap();
    let base = server.url(gemini.prefix);
    let args = [
        "chat",
        "--model",
        gemini.model,
        "--base-url",
        &base,
        "--history",
        "history-to-merge.json",
        "--trace",
        "Paris.",
    ];
    let output = clawkit_in_fixtures(&args, &[(gemini.key_var, gemini.key)]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        replay_summary(&stderr(&output), "google"),
        json!({
            "messages": {"given": 5, "sent": 4},
            "changes": [{
                "rule": "validateGeminiTurns",
                "count": 1,
                "details": ["merged assistant message 2 into the one before"]
            }]
        })
    );
    let contents = server.requests()[0].json()["contents"].clone();
    assert_eq!(contents.as_array().unwrap().len(), 5, "{contents}");

    // Claude 3.5 does not keep thinking in context: the earlier assistant
    // turn's thinking is dropped (the latest assistant turn keeps its own).
    let claude = anthropic();
    let server = ScriptedServer::start(vec![Script::sse(claude.answer.clone())])
        .await
        .unwrap();
    let base = server.url(claude.prefix);
    let args = [
        "chat",
        "--model",
        "anthropic/claude-3-5-haiku-latest",
        "--base-url",
        &base,
        "--history",
        "history-to-merge.json",
        "--trace",
        "Paris.",
    ];
    let output = clawkit_in_fixtures(&args, &[(claude.key_var, claude.key)]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        replay_summary(&stderr(&output), "anthropic"),
        json!({
            "messages": {"given": 5, "sent": 4},
            "changes": [
                {
                    "rule": "dropThinkingBlocks",
                    "count": 1,
                    "details": ["message 1: 1 thinking block(s)"]
                },
                {
                    "rule": "validateAnthropicTurns",
                    "count": 1,
                    "details": ["merged assistant message 2 into the one before"]
                }
            ]
        })
    );
    let sent = server.requests()[0].json();
    assert!(!sent.to_string().contains("A greeting."), "{sent}");
}
