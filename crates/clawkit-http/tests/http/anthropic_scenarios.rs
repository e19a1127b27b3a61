//! The anthropic-messages transport, scenario by scenario, on hand-made
//! streams in the Messages API's wire format (`event: <type>` + `data:`,
//! the event order and fields of the recordings under tests/data/anthropic):
//! what it yields, and how every ending is reported.

use clawkit_core::{
    Context, ErrorKind, ModelApi, ModelCost, StopReason, StreamEvent, StreamRequest,
};
use clawkit_http::{AnthropicMessages, HttpClient};
use clawkit_testkit::{RecordedRequest, Script, ScriptedServer};
use serde_json::{Value, json};

use crate::{Facts, KEY, Tokens, check_scenario, collect, model_at, render};

const MODEL: &str = "claude-sonnet-4-5-20250929";
const SIGNATURE: &str = "EqQBCkgIBxABGAIqQKV5bN3ERZ5kwsfWHQZkSaG1uOEP9e7jRL8I4vYZD9PkUP2ZR8lGQvcTmHq3nnDXi1AvhdgVtTzS3ux7ImS2xe8SDL3nQ8FEqtUpj1UZ3BoMb2t6gVSsFM7YM4FeIjDs4Vs2DPBwj7OBmcOYvPCYukGazTJ0EXKyTZXzVHIcWY2MKP5Zsaa0t4BqEPWVCrAqHfo8K9v3PhP3fQyxN0DfDJ4THwTK9J1Dn6x2jE8Cqlty5KN+cGMVxd0=";

/// Anthropic framing: `event: <type>` then `data: <json>`; a JSON string
/// stands for a raw `data:` line sent as is, without an event name.
fn sse(events: &[Value]) -> Vec<u8> {
    let mut out = String::new();
    for event in events {
        match event {
            Value::String(line) => out.push_str(&format!("data: {line}\n\n")),
            event => out.push_str(&format!(
                "event: {}\ndata: {event}\n\n",
                event["type"].as_str().unwrap()
            )),
        }
    }
    out.into_bytes()
}

fn message_start(id: &str, usage: Value) -> Value {
    json!({"type": "message_start", "message": {
        "id": id, "type": "message", "role": "assistant", "model": MODEL, "content": [],
        "stop_reason": null, "stop_sequence": null, "usage": usage}})
}

/// The usage `message_start` carries: the prompt's counts, one output token.
fn start_usage(input: u64) -> Value {
    json!({"input_tokens": input, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
           "output_tokens": 1, "service_tier": "standard"})
}

fn block_start(index: u64, block: Value) -> Value {
    json!({"type": "content_block_start", "index": index, "content_block": block})
}

fn text_start(index: u64) -> Value {
    block_start(index, json!({"type": "text", "text": ""}))
}

fn tool_start(index: u64, id: &str, name: &str) -> Value {
    block_start(
        index,
        json!({"type": "tool_use", "id": id, "name": name, "input": {}}),
    )
}

fn delta(index: u64, delta: Value) -> Value {
    json!({"type": "content_block_delta", "index": index, "delta": delta})
}

fn text(index: u64, text: &str) -> Value {
    delta(index, json!({"type": "text_delta", "text": text}))
}

fn args(index: u64, partial_json: &str) -> Value {
    delta(
        index,
        json!({"type": "input_json_delta", "partial_json": partial_json}),
    )
}

fn block_stop(index: u64) -> Value {
    json!({"type": "content_block_stop", "index": index})
}

fn message_delta(stop_reason: &str, usage: Value) -> Value {
    json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null}, "usage": usage})
}

fn message_stop() -> Value {
    json!({"type": "message_stop"})
}

/// A well-formed answer streaming `deltas` as one text block (the fault
/// matrix's body).
pub(crate) fn text_body(deltas: &[&str]) -> Vec<u8> {
    let mut events = vec![
        message_start("msg_01XFDUDYJgAACzvnptvVoYEL", start_usage(21)),
        text_start(0),
    ];
    events.extend(deltas.iter().map(|d| text(0, d)));
    events.extend([
        block_stop(0),
        message_delta("end_turn", json!({"output_tokens": 12})),
        message_stop(),
    ]);
    sse(&events)
}

fn ping() -> Value {
    json!({"type": "ping"})
}

/// "Hello! How can I help?" in two deltas, 21 tokens in and 12 out.
fn plain_text() -> Vec<Value> {
    vec![
        message_start("msg_01XFDUDYJgAACzvnptvVoYEL", start_usage(21)),
        text_start(0),
        ping(),
        text(0, "Hello"),
        text(0, "! How can I help?"),
        block_stop(0),
        message_delta("end_turn", json!({"output_tokens": 12})),
        message_stop(),
    ]
}

fn tokens(input: u64, output: u64, cache_read: u64, cache_write: u64) -> Tokens {
    Tokens {
        input,
        output,
        cache_read,
        cache_write,
        reasoning: 0,
        total: input + output + cache_read + cache_write,
    }
}

async fn run(script: Script) -> (Vec<StreamEvent>, Vec<RecordedRequest>) {
    let server = ScriptedServer::start(vec![script]).await.unwrap();
    let mut model = model_at(&server, "anthropic", ModelApi::AnthropicMessages)
        .with_reasoning(true)
        .with_cost(ModelCost::new(3.0, 15.0, 0.3, 3.75));
    model.id = MODEL.into();
    let transport = AnthropicMessages::new(HttpClient::new().unwrap());
    let mut request = StreamRequest::new(model, Context::user("What's the weather in Paris?"));
    request.options.api_key = Some(KEY.into());
    let events = collect(&transport, request).await;
    (events, server.requests())
}

struct Case {
    name: &'static str,
    script: Script,
    expect: Facts,
    /// A piece of the terminal error's message.
    message: &'static str,
}

fn cases() -> Vec<Case> {
    let plain = sse(&plain_text());
    let cut = String::from_utf8_lossy(&plain).find("How can").unwrap();
    let hello_usage = vec![tokens(21, 1, 0, 0)];
    vec![
        Case {
            name: "plain-text",
            script: Script::sse(plain.clone()),
            expect: Facts {
                text: vec!["Hello! How can I help?".into()],
                usage: vec![tokens(21, 12, 0, 0)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
            message: "",
        },
        Case {
            name: "reasoning",
            script: Script::sse(sse(&[
                message_start("msg_01Fz8BRaPdzMr6VJbnu7ZJ6W", start_usage(48)),
                block_start(0, json!({"type": "thinking", "thinking": "", "signature": ""})),
                delta(0, json!({"type": "thinking_delta", "thinking": "The user wants 17 × 23. "})),
                delta(0, json!({"type": "thinking_delta", "thinking": "17 × 20 = 340, 17 × 3 = 51, total 391."})),
                delta(0, json!({"type": "signature_delta", "signature": SIGNATURE})),
                block_stop(0),
                text_start(1),
                text(1, "17 × 23 = 391."),
                block_stop(1),
                message_delta("end_turn", json!({"output_tokens": 62})),
                message_stop(),
            ])),
            expect: Facts {
                text: vec!["17 × 23 = 391.".into()],
                reasoning: vec![(
                    "The user wants 17 × 23. 17 × 20 = 340, 17 × 3 = 51, total 391.".into(),
                    Some(SIGNATURE.into()),
                )],
                usage: vec![tokens(48, 62, 0, 0)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
            message: "",
        },
        Case {
            name: "one-tool-call",
            script: Script::sse(sse(&[
                message_start("msg_014p7gG3wDgGV9EUtLvnow3U", start_usage(384)),
                text_start(0),
                text(0, "I'll check the weather"),
                text(0, " in Paris."),
                block_stop(0),
                tool_start(1, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather"),
                args(1, ""),
                args(1, "{\"city\": \"Par"),
                ping(),
                args(1, "is\", \"unit\": \"celsius\"}"),
                block_stop(1),
                message_delta("tool_use", json!({"output_tokens": 89})),
                message_stop(),
            ])),
            expect: Facts {
                text: vec!["I'll check the weather in Paris.".into()],
                tools: vec![(
                    "toolu_01T1x1fJ34qAmk2tNTrN7Up6".into(),
                    "get_weather".into(),
                    json!({"city": "Paris", "unit": "celsius"}),
                    None,
                )],
                usage: vec![tokens(384, 89, 0, 0)],
                stop: Some(StopReason::ToolUse),
                ..Facts::default()
            },
            message: "",
        },
        // The API never interleaves blocks: parallel calls are consecutive
        // tool_use blocks.
        Case {
            name: "parallel-tool-calls",
            script: Script::sse(sse(&[
                message_start("msg_01AqGBC5S3pTvAnCDHpsWoQt", start_usage(420)),
                text_start(0),
                text(0, "Checking both."),
                block_stop(0),
                tool_start(1, "toolu_01A09q90qw90lq917835lq9", "get_weather"),
                args(1, ""),
                args(1, "{\"city\": \"Paris\"}"),
                block_stop(1),
                tool_start(2, "toolu_01RCwqEK2dmrXFEFaZb5zZXN", "get_time"),
                args(2, ""),
                args(2, "{\"timezone\": \"Europe/"),
                args(2, "Paris\"}"),
                block_stop(2),
                message_delta("tool_use", json!({"output_tokens": 112})),
                message_stop(),
            ])),
            expect: Facts {
                text: vec!["Checking both.".into()],
                tools: vec![
                    (
                        "toolu_01A09q90qw90lq917835lq9".into(),
                        "get_weather".into(),
                        json!({"city": "Paris"}),
                        None,
                    ),
                    (
                        "toolu_01RCwqEK2dmrXFEFaZb5zZXN".into(),
                        "get_time".into(),
                        json!({"timezone": "Europe/Paris"}),
                        None,
                    ),
                ],
                usage: vec![tokens(420, 112, 0, 0)],
                stop: Some(StopReason::ToolUse),
                ..Facts::default()
            },
            message: "",
        },
        // message_start holds the prompt's counts; message_delta repeats them
        // with the final output count. Both are cumulative snapshots: the
        // latest value of each counter wins, nothing is added up.
        Case {
            name: "usage-tail",
            script: Script::sse(sse(&[
                message_start(
                    "msg_01Pc4j3bMo2rZrG8hXqgvBZa",
                    json!({"input_tokens": 20, "cache_creation_input_tokens": 300,
                           "cache_read_input_tokens": 1800, "output_tokens": 1,
                           "service_tier": "standard"}),
                ),
                text_start(0),
                text(0, "Paris."),
                block_stop(0),
                message_delta(
                    "end_turn",
                    json!({"input_tokens": 20, "cache_creation_input_tokens": 300,
                           "cache_read_input_tokens": 1800, "output_tokens": 87}),
                ),
                message_stop(),
            ])),
            expect: Facts {
                text: vec!["Paris.".into()],
                usage: vec![tokens(20, 87, 1800, 300)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
            message: "",
        },
        Case {
            name: "length-stop",
            script: Script::sse(sse(&[
                message_start("msg_01Lx7N9Vq1vBf3gS6hJ2kP4m", start_usage(15)),
                text_start(0),
                text(0, "Once upon a time,"),
                text(0, " in a"),
                block_stop(0),
                message_delta("max_tokens", json!({"output_tokens": 8})),
                message_stop(),
            ])),
            expect: Facts {
                text: vec!["Once upon a time, in a".into()],
                usage: vec![tokens(15, 8, 0, 0)],
                stop: Some(StopReason::Length),
                ..Facts::default()
            },
            message: "",
        },
        // The streaming classifier cuts the answer off with stop_reason refusal.
        Case {
            name: "content-filter",
            script: Script::sse(sse(&[
                message_start("msg_01RefusalTestMessage123456789", start_usage(20)),
                text_start(0),
                text(0, "I can"),
                text(0, "'t help with"),
                block_stop(0),
                message_delta("refusal", json!({"output_tokens": 5})),
                message_stop(),
            ])),
            expect: Facts {
                text: vec!["I can't help with".into()],
                usage: vec![tokens(20, 5, 0, 0)],
                stop: Some(StopReason::ContentFilter),
                ..Facts::default()
            },
            message: "",
        },
        Case {
            name: "error-inside-stream",
            script: Script::sse(sse(&[
                message_start("msg_01KfpJoAEabmH2iHRRFjQMAG", start_usage(21)),
                text_start(0),
                text(0, "Hello"),
                json!({"type": "error", "error": {"details": null, "type": "overloaded_error", "message": "Overloaded"}}),
            ]))
            .header("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy"),
            expect: Facts {
                text: vec!["Hello".into()],
                usage: hello_usage.clone(),
                error: Some(ErrorKind::Server),
                ..Facts::default()
            },
            message: "anthropic: Overloaded [type=overloaded_error] [request_id=req_011CSHoEeqs5C35K2UUqR7Fy]",
        },
        // Cut inside the second text delta's line: the first delta is kept.
        Case {
            name: "dropped-connection",
            script: Script::sse(plain).drop_at(cut),
            expect: Facts {
                text: vec!["Hello".into()],
                usage: hello_usage.clone(),
                error: Some(ErrorKind::ConnectionDropped),
                ..Facts::default()
            },
            message: "anthropic: the connection dropped mid-stream",
        },
        // The stop reason arrived: only message_stop is missing.
        Case {
            name: "message-stop-missing-after-delta",
            script: Script::sse(sse(&plain_text()[..7])),
            expect: Facts {
                text: vec!["Hello! How can I help?".into()],
                usage: vec![tokens(21, 12, 0, 0)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
            message: "",
        },
        Case {
            name: "message-stop-missing-mid-answer",
            script: Script::sse(sse(&plain_text()[..4])),
            expect: Facts {
                text: vec!["Hello".into()],
                usage: hello_usage,
                error: Some(ErrorKind::Protocol),
                ..Facts::default()
            },
            message: "anthropic: the stream ended before message_stop",
        },
        Case {
            name: "garbage-line",
            script: Script::sse(sse(&{
                let mut events = plain_text();
                events.insert(4, json!("this is not json"));
                events
            })),
            expect: Facts {
                text: vec!["Hello! How can I help?".into()],
                usage: vec![tokens(21, 12, 0, 0)],
                raw: vec!["this is not json".into()],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
            message: "",
        },
    ]
}

#[tokio::test]
async fn scenarios_snapshot() {
    for case in cases() {
        let name = case.name;
        // Cut into 11-byte reads, the stream decodes to the same events.
        let (split, _) = run(case.script.clone().split_every(11)).await;
        let (events, requests) = run(case.script).await;
        check_scenario(name, &split, &events, &case.expect, case.message);

        // The key goes in x-api-key only, with the API version pinned.
        let [request] = requests.as_slice() else {
            panic!("{name}: one request, got {requests:?}")
        };
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", "/v1/messages")
        );
        assert_eq!(request.header("x-api-key"), Some(KEY));
        assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
        assert_eq!(request.header("authorization"), None);
        assert_eq!(request.json()["stream"], json!(true));
        assert_eq!(request.json()["model"], json!(MODEL));

        insta::with_settings!({snapshot_suffix => format!("anthropic-{name}")}, {
            insta::assert_snapshot!("scenario", render(&events));
        });
    }
}
