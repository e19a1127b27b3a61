//! The openai-completions transport, scenario by scenario: what it sends,
//! what it yields, and how every failure ends.

use std::time::Duration;

use clawkit_core::{
    Cancellation, ContentBlock, Context, ErrorKind, InputKind, Message, ModelCost, StopReason,
    StreamEvent, StreamOptions, ThinkingLevel, Tool,
};
use clawkit_http::{
    HttpClient, HttpConfig, OpenAiCompletions, RetryPolicy, openai_completions_body, resolve_compat,
};
use clawkit_testkit::{Script, ScriptedServer};
use futures::StreamExt;
use serde_json::{Value, json};

use crate::{KEY, assert_contract, data, model_at, render, run_openai};

fn sse(lines: &[&str]) -> Vec<u8> {
    lines
        .iter()
        .map(|l| format!("data: {l}\n\n"))
        .collect::<String>()
        .into_bytes()
}

fn chunk(delta: Value, finish: Option<&str>) -> String {
    json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    .to_string()
}

/// A well-formed answer streaming `deltas` as text, one chunk each, then
/// the finish reason and `[DONE]` (the fault matrix's body).
pub(crate) fn text_body(deltas: &[&str]) -> Vec<u8> {
    let mut lines = vec![chunk(json!({"role": "assistant", "content": ""}), None)];
    lines.extend(deltas.iter().map(|d| chunk(json!({"content": d}), None)));
    lines.push(chunk(json!({}), Some("stop")));
    lines.push("[DONE]".to_owned());
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    sse(&lines)
}

fn error_message(events: &[StreamEvent]) -> (ErrorKind, String) {
    match events.last() {
        Some(StreamEvent::Error { kind, message, .. }) => (kind.clone(), message.clone()),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// A conversation with every kind of turn, for the request-body snapshot.
fn rich_context() -> Context {
    let mut context =
        Context::user("What's the weather in Paris?").with_system_prompt("You are terse.");
    context.messages.push(Message::Assistant {
        content: vec![
            ContentBlock::Thinking {
                thinking: "Use the tool.".into(),
                signature: Some("reasoning_content".into()),
            },
            ContentBlock::Text {
                text: "Checking.".into(),
            },
            ContentBlock::ToolCall {
                id: "call_1".into(),
                name: "get_weather".into(),
                arguments: json!({"city": "Paris"}),
                signature: None,
            },
        ],
        stop_reason: None,
    });
    context.messages.push(Message::ToolResult {
        tool_call_id: "call_1".into(),
        tool_name: "get_weather".into(),
        content: vec![
            ContentBlock::text("18°C, cloudy"),
            ContentBlock::Image {
                mime_type: "image/png".into(),
                data: "iVBORw0KGgo=".into(),
            },
        ],
        is_error: false,
    });
    context.messages.push(Message::User {
        content: vec![
            ContentBlock::text("And this picture?"),
            ContentBlock::Image {
                mime_type: "image/jpeg".into(),
                data: "/9j/4AAQ".into(),
            },
        ],
    });
    context.with_tool(Tool::new(
        "get_weather",
        "Weather for a city",
        json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    ))
}

#[tokio::test]
async fn the_request_body_follows_openclaw_and_validates_against_openai_s_schema() {
    let body = sse(&[&chunk(json!({"content": "ok"}), Some("stop")), "[DONE]"]);
    let (events, requests) = run_openai(
        Script::sse(body),
        |model, context, options| {
            *model = model
                .clone()
                .with_reasoning(true)
                .with_input([InputKind::Text, InputKind::Image])
                .with_limits(200_000, 4_096);
            *context = rich_context();
            options.max_tokens = Some(100_000);
            options.temperature = Some(0.2);
            options.thinking_level = Some(ThinkingLevel::High);
            options.headers.insert("X-Trace", "t-1");
        },
        HttpConfig::default(),
    )
    .await;
    assert_contract(&events);
    let request = &requests[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(request.header("x-trace"), Some("t-1"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    let sent = request.json();
    insta::assert_json_snapshot!(sent);

    let schema: Value =
        serde_json::from_slice(&data("openapi/create-chat-completion-request.schema.json"))
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sent)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn identical_input_gives_byte_identical_bodies() {
    let model = clawkit_core::RuntimeModel::new(
        "openai",
        "gpt-4o",
        clawkit_core::ModelApi::OpenAiCompletions,
        "https://api.openai.com/v1".parse().unwrap(),
    );
    let compat = resolve_compat(&model);
    let body = || {
        serde_json::to_vec(&openai_completions_body(
            &model,
            &compat,
            &rich_context(),
            &StreamOptions::default(),
        ))
        .unwrap()
    };
    assert_eq!(body(), body());
}

#[tokio::test]
async fn payload_patches_run_inner_first_and_leave_tool_choice_as_set() {
    let body = sse(&[&chunk(json!({"content": "ok"}), Some("stop")), "[DONE]"]);
    let (_, requests) = run_openai(
        Script::sse(body),
        |_, _, options| {
            // An outer wrapper registers first, an inner one second.
            options.patch_payload(|body, _| {
                body["tool_choice"] = json!("auto");
                body["who"] = json!("outer");
            });
            options.patch_payload(|body, _| body["who"] = json!("inner"));
        },
        HttpConfig::default(),
    )
    .await;
    let sent = requests[0].json();
    assert_eq!(
        sent["who"], "outer",
        "the outermost patch runs last and wins"
    );
    assert_eq!(
        sent["tool_choice"], "auto",
        "kept without tools, as OpenClaw 2026.9.6 does (no sanitizeToolChoicePayload)"
    );
}

#[tokio::test]
async fn scenarios_snapshot() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "plain-text",
            sse(&[
                &chunk(json!({"role": "assistant", "content": ""}), None),
                &chunk(json!({"content": "Hello"}), None),
                &chunk(json!({"content": " world"}), Some("stop")),
                r#"{"id":"c1","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14,"prompt_tokens_details":{"cached_tokens":4}}}"#,
                "[DONE]",
            ]),
        ),
        (
            "reasoning",
            sse(&[
                &chunk(json!({"reasoning_content": "Think"}), None),
                &chunk(json!({"reasoning_content": "ing."}), None),
                &chunk(json!({"content": "Answer."}), Some("stop")),
                "[DONE]",
            ]),
        ),
        (
            "one-tool-call",
            sse(&[
                &chunk(
                    json!({"tool_calls": [{"index": 0, "id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}),
                    None,
                ),
                &chunk(
                    json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}),
                    None,
                ),
                &chunk(
                    json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]}),
                    Some("tool_calls"),
                ),
                "[DONE]",
            ]),
        ),
        (
            "length-stop",
            sse(&[
                &chunk(json!({"content": "Once upon"}), Some("length")),
                "[DONE]",
            ]),
        ),
        (
            "content-filter",
            sse(&[
                &chunk(json!({"content": "I can"}), Some("content_filter")),
                "[DONE]",
            ]),
        ),
        (
            "done-missing-after-finish",
            sse(&[&chunk(json!({"content": "Bye"}), Some("stop"))]),
        ),
        (
            "done-missing-mid-answer",
            sse(&[&chunk(json!({"content": "Bye"}), None)]),
        ),
        (
            "garbage-line",
            sse(&[
                &chunk(json!({"content": "a"}), None),
                "this is not json",
                &chunk(json!({"content": "b"}), Some("stop")),
                "[DONE]",
            ]),
        ),
        (
            "error-inside-stream",
            sse(&[
                &chunk(json!({"content": "partial"}), None),
                r#"{"error":{"message":"Rate limit reached for gpt-4o","type":"rate_limit_error","code":"rate_limit_exceeded"}}"#,
            ]),
        ),
    ];
    for (name, body) in cases {
        let (events, _) = run_openai(
            Script::sse(body),
            |model, _, _| {
                *model = model
                    .clone()
                    .with_cost(ModelCost::new(2.5, 10.0, 1.25, 0.0))
            },
            HttpConfig::default(),
        )
        .await;
        assert_contract(&events);
        insta::with_settings!({snapshot_suffix => name}, {
            insta::assert_snapshot!("scenario", render(&events));
        });
    }
}

#[tokio::test]
async fn error_statuses_carry_status_request_id_and_no_secret() {
    let body = format!(
        r#"{{"error": {{"message": "Incorrect API key provided: {KEY}", "type": "invalid_request_error", "code": "invalid_api_key"}}}}"#
    );
    let (events, _) = run_openai(
        Script::json(401, body).header("x-request-id", "req_abc"),
        |_, _, _| {},
        HttpConfig::default(),
    )
    .await;
    assert_contract(&events);
    let (kind, message) = error_message(&events);
    assert_eq!(kind, ErrorKind::Auth);
    assert_eq!(
        message,
        "acme (401): Incorrect API key provided: [redacted] [type=invalid_request_error, code=invalid_api_key] [request_id=req_abc]"
    );
    assert!(!format!("{events:?}").contains(KEY));

    let (events, _) = run_openai(
        Script::json(
            500,
            r#"{"error": {"message": "boom", "type": "server_error"}}"#,
        )
        .header("request-id", "req_500"),
        |_, _, _| {},
        HttpConfig::default(),
    )
    .await;
    let (kind, message) = error_message(&events);
    assert_eq!(kind, ErrorKind::Server);
    assert!(message.ends_with("[request_id=req_500]"), "{message}");

    let huge = "x".repeat(5 * 1024 * 1024);
    let (events, _) =
        run_openai(Script::json(502, huge), |_, _, _| {}, HttpConfig::default()).await;
    let (_, message) = error_message(&events);
    assert!(
        message.len() < 400,
        "a 5 MB error body is read through the cap: {} bytes",
        message.len()
    );
}

#[tokio::test]
async fn cancellation_ends_the_stream_with_what_was_received() {
    let first = sse(&[&chunk(json!({"content": "Hello"}), None)]);
    let mut body = first.clone();
    body.extend(sse(&[
        &chunk(json!({"content": " world"}), Some("stop")),
        "[DONE]",
    ]));
    let server = ScriptedServer::start(vec![
        Script::sse(body).stall_at(first.len(), Duration::from_secs(5)),
    ])
    .await
    .unwrap();
    let transport = OpenAiCompletions::new(HttpClient::new().unwrap());
    let mut request = clawkit_core::StreamRequest::new(
        model_at(&server, "acme", clawkit_core::ModelApi::OpenAiCompletions),
        Context::user("hi"),
    );
    let cancel = Cancellation::new();
    request.options.cancellation = Some(cancel.clone());
    let mut stream = clawkit_core::StreamFn::stream(&transport, request);
    let mut events = Vec::new();
    while let Some(event) = stream.next().await {
        if matches!(event, StreamEvent::TextDelta { .. }) {
            cancel.cancel();
        }
        events.push(event);
    }
    assert_contract(&events);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, StreamEvent::TextEnd { text, .. } if text == "Hello"))
    );
    assert_eq!(error_message(&events).0, ErrorKind::Cancelled);
}

#[tokio::test]
async fn retries_are_opt_in_and_only_before_output() {
    let ok = sse(&[&chunk(json!({"content": "ok"}), Some("stop")), "[DONE]"]);
    let failing =
        || Script::json(503, r#"{"error": {"message": "overloaded"}}"#).header("retry-after", "0");

    // Default: no retry.
    let server = ScriptedServer::start(vec![failing(), Script::sse(ok.clone())])
        .await
        .unwrap();
    let transport = OpenAiCompletions::new(HttpClient::new().unwrap());
    let request = clawkit_core::StreamRequest::new(
        model_at(&server, "acme", clawkit_core::ModelApi::OpenAiCompletions),
        Context::user("hi"),
    );
    let events: Vec<_> = clawkit_core::StreamFn::stream(&transport, request)
        .collect()
        .await;
    assert_eq!(error_message(&events).0, ErrorKind::Server);
    assert_eq!(server.requests().len(), 1);

    // With a policy: two 503s, then success.
    let server = ScriptedServer::start(vec![failing(), failing(), Script::sse(ok.clone())])
        .await
        .unwrap();
    let mut config = HttpConfig::default();
    config.retry =
        RetryPolicy::exponential(3).delays(Duration::from_millis(5), Duration::from_millis(20));
    let transport = OpenAiCompletions::new(HttpClient::with_config(config.clone()).unwrap());
    let request = clawkit_core::StreamRequest::new(
        model_at(&server, "acme", clawkit_core::ModelApi::OpenAiCompletions),
        Context::user("hi"),
    );
    let events: Vec<_> = clawkit_core::StreamFn::stream(&transport, request)
        .collect()
        .await;
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Done {
            reason: StopReason::Stop
        })
    );
    assert_eq!(server.requests().len(), 3);

    // A stream that fails after output started is never retried.
    let server = ScriptedServer::start(vec![
        Script::sse(ok.clone()).drop_at(ok.len() / 2),
        Script::sse(ok),
    ])
    .await
    .unwrap();
    let transport = OpenAiCompletions::new(HttpClient::with_config(config).unwrap());
    let request = clawkit_core::StreamRequest::new(
        model_at(&server, "acme", clawkit_core::ModelApi::OpenAiCompletions),
        Context::user("hi"),
    );
    let events: Vec<_> = clawkit_core::StreamFn::stream(&transport, request)
        .collect()
        .await;
    assert_eq!(error_message(&events).0, ErrorKind::ConnectionDropped);
    assert_eq!(server.requests().len(), 1);
}

/// (A redirect to a host outside the allowlist is a case of the fault
/// matrix, tests/http/faults.rs, for every transport.)
#[tokio::test]
async fn the_host_allowlist_is_checked_on_the_first_url() {
    let ok = sse(&[&chunk(json!({"content": "ok"}), Some("stop")), "[DONE]"]);
    let target = ScriptedServer::start(vec![Script::sse(ok)]).await.unwrap();
    let mut config = HttpConfig::default();
    config.host_allowlist = Some(vec!["127.0.0.1".into()]);
    let transport = OpenAiCompletions::new(HttpClient::with_config(config).unwrap());
    let mut model = model_at(&target, "acme", clawkit_core::ModelApi::OpenAiCompletions);
    model.base_url = target
        .url("/v1")
        .replace("127.0.0.1", "localhost")
        .parse()
        .unwrap();
    let request = clawkit_core::StreamRequest::new(model, Context::user("hi"));
    let events: Vec<_> = clawkit_core::StreamFn::stream(&transport, request)
        .collect()
        .await;
    assert!(error_message(&events).1.contains("not in allowlist"));
    assert!(
        target.requests().is_empty(),
        "no request left for a blocked host"
    );
}

#[tokio::test]
async fn caller_headers_win_over_model_headers_whatever_their_case_and_the_key_wins_over_both() {
    let (events, requests) = run_openai(
        Script::sse(sse(&[
            &chunk(json!({"content": "ok"}), Some("stop")),
            "[DONE]",
        ])),
        |model, _, options| {
            model.headers.insert("x-team".into(), "model".into());
            options.headers.insert("X-Team", "caller");
            options.headers.insert("authorization", "Bearer stale");
        },
        HttpConfig::default(),
    )
    .await;
    assert_contract(&events);
    let headers = &requests[0].headers;
    let values = |name: &str| -> Vec<&str> {
        headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    assert_eq!(values("x-team"), ["caller"]);
    assert_eq!(values("authorization"), [format!("Bearer {KEY}").as_str()]);
}

#[tokio::test]
async fn the_session_id_is_sent_only_where_the_compat_flags_ask_for_it() {
    let body = || {
        Script::sse(sse(&[
            &chunk(json!({"content": "ok"}), Some("stop")),
            "[DONE]",
        ]))
    };
    let (_, plain) = run_openai(
        body(),
        |_, _, options| options.session_id = Some("sess-42".into()),
        HttpConfig::default(),
    )
    .await;
    assert_eq!(plain[0].json().get("prompt_cache_key"), None);
    assert_eq!(plain[0].header("session_id"), None);

    let (_, flagged) = run_openai(
        body(),
        |model, _, options| {
            model.compat.supports_prompt_cache_key = Some(true);
            model.compat.send_session_affinity_headers = Some(true);
            options.session_id = Some("sess-42".into());
        },
        HttpConfig::default(),
    )
    .await;
    assert_eq!(flagged[0].json()["prompt_cache_key"], "sess-42");
    for name in ["session_id", "x-client-request-id", "x-session-affinity"] {
        assert_eq!(flagged[0].header(name), Some("sess-42"), "{name}");
    }

    let (_, id_only) = run_openai(
        body(),
        |model, _, options| {
            model.compat.send_session_id_header = Some(true);
            options.session_id = Some("sess-42".into());
        },
        HttpConfig::default(),
    )
    .await;
    assert_eq!(id_only[0].header("session_id"), Some("sess-42"));
    assert_eq!(id_only[0].header("x-session-affinity"), None);
}
