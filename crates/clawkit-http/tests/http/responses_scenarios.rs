//! The openai-responses transport, scenario by scenario, on hand-made
//! streams of the documented Responses events (`event: <type>` + `data:`
//! with a `sequence_number`, the lifecycle of the transcripts under
//! tests/data/openai-responses): what it yields, and how every ending is
//! reported.

use clawkit_core::{
    Context, ErrorKind, ModelApi, ModelCost, StopReason, StreamEvent, StreamRequest,
};
use clawkit_http::{HttpClient, OpenAiResponses};
use clawkit_testkit::{RecordedRequest, Script, ScriptedServer};
use serde_json::{Value, json};

use crate::{Facts, KEY, Tokens, check_scenario, collect, model_at, render};

const MODEL: &str = "gpt-5-mini-2025-08-07";
const RESPONSE_ID: &str = "resp_68c1f6f1b35c8196a1d3c4e6e9b0b1a80b9b7a1c2d3e4f50";
const MESSAGE_ID: &str = "msg_68c1f6f3d0e08196b1a2c3d4e5f60718";
const REASONING_ID: &str = "rs_68c1f6f2a4e88196a7b8c9d0e1f20304";

/// Responses framing: `event: <type>` then `data: <json>`, sequence numbers
/// filled in from 0. A JSON string stands for a raw `data:` line sent as is.
fn sse(events: &[Value]) -> Vec<u8> {
    let mut out = String::new();
    for (sequence, event) in events.iter().enumerate() {
        match event {
            Value::String(line) => out.push_str(&format!("data: {line}\n\n")),
            event => {
                let mut event = event.clone();
                event["sequence_number"] = json!(sequence);
                let kind = event["type"].as_str().unwrap().to_owned();
                out.push_str(&format!("event: {kind}\ndata: {event}\n\n"));
            }
        }
    }
    out.into_bytes()
}

/// The response object as lifecycle events carry it.
fn response(status: &str, extra: Value) -> Value {
    let mut response = json!({
        "id": RESPONSE_ID, "object": "response", "created_at": 1757525745, "status": status,
        "error": null, "incomplete_details": null, "model": MODEL, "output": [],
        "parallel_tool_calls": true, "store": false, "usage": null});
    for (key, value) in extra.as_object().unwrap() {
        response[key] = value.clone();
    }
    response
}

fn created() -> Vec<Value> {
    vec![
        json!({"type": "response.created", "response": response("in_progress", json!({}))}),
        json!({"type": "response.in_progress", "response": response("in_progress", json!({}))}),
    ]
}

fn usage(input: u64, cached: u64, output: u64, reasoning: u64) -> Value {
    json!({"input_tokens": input, "input_tokens_details": {"cached_tokens": cached},
           "output_tokens": output, "output_tokens_details": {"reasoning_tokens": reasoning},
           "total_tokens": input + output})
}

fn completed(usage: Value) -> Value {
    json!({"type": "response.completed", "response": response("completed", json!({"usage": usage}))})
}

fn incomplete(reason: &str, usage: Value) -> Value {
    json!({"type": "response.incomplete", "response": response("incomplete",
        json!({"incomplete_details": {"reason": reason}, "usage": usage}))})
}

/// A message item at `output_index` streaming `deltas`, from
/// `output_item.added` to `output_item.done` (with `status`).
fn message(output_index: u64, deltas: &[&str], status: &str) -> Vec<Value> {
    let full: String = deltas.concat();
    let mut events = vec![
        json!({"type": "response.output_item.added", "output_index": output_index,
               "item": {"id": MESSAGE_ID, "type": "message", "status": "in_progress", "content": [], "role": "assistant"}}),
        json!({"type": "response.content_part.added", "item_id": MESSAGE_ID, "output_index": output_index,
               "content_index": 0, "part": {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}}),
    ];
    for delta in deltas {
        events.push(json!({"type": "response.output_text.delta", "item_id": MESSAGE_ID,
                           "output_index": output_index, "content_index": 0, "delta": delta, "logprobs": []}));
    }
    events.extend([
        json!({"type": "response.output_text.done", "item_id": MESSAGE_ID, "output_index": output_index,
               "content_index": 0, "text": full, "logprobs": []}),
        json!({"type": "response.content_part.done", "item_id": MESSAGE_ID, "output_index": output_index,
               "content_index": 0, "part": {"type": "output_text", "annotations": [], "logprobs": [], "text": full}}),
        json!({"type": "response.output_item.done", "output_index": output_index,
               "item": {"id": MESSAGE_ID, "type": "message", "status": status, "role": "assistant",
                        "content": [{"type": "output_text", "annotations": [], "logprobs": [], "text": full}]}}),
    ]);
    events
}

fn call_added(output_index: u64, item: &str, call: &str, name: &str) -> Value {
    json!({"type": "response.output_item.added", "output_index": output_index,
           "item": {"id": item, "type": "function_call", "status": "in_progress", "arguments": "",
                    "call_id": call, "name": name}})
}

fn call_delta(output_index: u64, item: &str, delta: &str) -> Value {
    json!({"type": "response.function_call_arguments.delta", "item_id": item,
           "output_index": output_index, "delta": delta})
}

/// `function_call_arguments.done` and `output_item.done` of a call.
fn call_done(output_index: u64, item: &str, call: &str, name: &str, arguments: &str) -> Vec<Value> {
    vec![
        json!({"type": "response.function_call_arguments.done", "item_id": item,
               "output_index": output_index, "arguments": arguments}),
        json!({"type": "response.output_item.done", "output_index": output_index,
               "item": {"id": item, "type": "function_call", "status": "completed",
                        "arguments": arguments, "call_id": call, "name": name}}),
    ]
}

/// A reasoning item at output 0 with one summary part per entry of
/// `parts`, each streamed in its deltas.
fn reasoning(parts: &[&[&str]]) -> Vec<Value> {
    let mut events = vec![
        json!({"type": "response.output_item.added", "output_index": 0,
        "item": {"id": REASONING_ID, "type": "reasoning", "summary": []}}),
    ];
    let mut summary = Vec::new();
    for (index, deltas) in parts.iter().enumerate() {
        let text: String = deltas.concat();
        events.push(json!({"type": "response.reasoning_summary_part.added", "item_id": REASONING_ID,
            "output_index": 0, "summary_index": index, "part": {"type": "summary_text", "text": ""}}));
        for delta in *deltas {
            events.push(
                json!({"type": "response.reasoning_summary_text.delta", "item_id": REASONING_ID,
                "output_index": 0, "summary_index": index, "delta": delta}),
            );
        }
        events.push(
            json!({"type": "response.reasoning_summary_text.done", "item_id": REASONING_ID,
            "output_index": 0, "summary_index": index, "text": text}),
        );
        events.push(json!({"type": "response.reasoning_summary_part.done", "item_id": REASONING_ID,
            "output_index": 0, "summary_index": index, "part": {"type": "summary_text", "text": text}}));
        summary.push(json!({"type": "summary_text", "text": text}));
    }
    events.push(
        json!({"type": "response.output_item.done", "output_index": 0,
        "item": {"id": REASONING_ID, "type": "reasoning", "summary": summary}}),
    );
    events
}

fn concat(parts: Vec<Vec<Value>>) -> Vec<Value> {
    parts.concat()
}

/// A well-formed answer streaming `deltas` as one message, then
/// `response.completed` (the fault matrix's body).
pub(crate) fn text_body(deltas: &[&str]) -> Vec<u8> {
    sse(&concat(vec![
        created(),
        message(0, deltas, "completed"),
        vec![completed(usage(14, 0, 9, 0))],
    ]))
}

/// "Hello! How can I help?" in two deltas, then `response.completed`.
fn plain_text() -> Vec<Value> {
    concat(vec![
        created(),
        message(0, &["Hello", "! How can I help?"], "completed"),
        vec![completed(usage(14, 0, 9, 0))],
    ])
}

fn tokens(input: u64, output: u64, cache_read: u64, reasoning: u64, total: u64) -> Tokens {
    Tokens {
        input,
        output,
        cache_read,
        cache_write: 0,
        reasoning,
        total,
    }
}

async fn run(script: Script) -> (Vec<StreamEvent>, Vec<RecordedRequest>) {
    let server = ScriptedServer::start(vec![script]).await.unwrap();
    let mut model = model_at(&server, "openai", ModelApi::OpenAiResponses)
        .with_reasoning(true)
        .with_cost(ModelCost::new(0.25, 2.0, 0.025, 0.0));
    model.id = "gpt-5-mini".into();
    let transport = OpenAiResponses::new(HttpClient::new().unwrap());
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
    vec![
        Case {
            name: "plain-text",
            script: Script::sse(plain.clone()),
            expect: Facts {
                text: vec!["Hello! How can I help?".into()],
                usage: vec![tokens(14, 9, 0, 0, 23)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
            message: "",
        },
        // A reasoning item with two summary parts, then the answer.
        Case {
            name: "reasoning",
            script: Script::sse(sse(&concat(vec![
                created(),
                reasoning(&[
                    &["**Multiplying**\n\n", "The user wants 17 × 23."],
                    &["**Checking**\n\n", "17 × 20 = 340, plus 51: 391."],
                ]),
                message(1, &["17 × 23 = ", "391."], "completed"),
                vec![completed(usage(22, 0, 150, 128))],
            ]))),
            expect: Facts {
                text: vec!["17 × 23 = 391.".into()],
                reasoning: vec![
                    ("**Multiplying**\n\nThe user wants 17 × 23.".into(), None),
                    ("**Checking**\n\n17 × 20 = 340, plus 51: 391.".into(), None),
                ],
                usage: vec![tokens(22, 150, 0, 128, 172)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
            message: "",
        },
        Case {
            name: "one-tool-call",
            script: Script::sse(sse(&concat(vec![
                created(),
                vec![
                    call_added(0, "fc_68c1f6f4b2e48196", "call_Hl4P9mT3tYc8aWn2", "get_weather"),
                    call_delta(0, "fc_68c1f6f4b2e48196", "{\"city\":"),
                    call_delta(0, "fc_68c1f6f4b2e48196", "\"Paris\",\"unit\":"),
                    call_delta(0, "fc_68c1f6f4b2e48196", "\"celsius\"}"),
                ],
                call_done(
                    0,
                    "fc_68c1f6f4b2e48196",
                    "call_Hl4P9mT3tYc8aWn2",
                    "get_weather",
                    "{\"city\":\"Paris\",\"unit\":\"celsius\"}",
                ),
                vec![completed(usage(75, 0, 24, 0))],
            ]))),
            expect: Facts {
                tools: vec![(
                    "call_Hl4P9mT3tYc8aWn2|fc_68c1f6f4b2e48196".into(),
                    "get_weather".into(),
                    json!({"city": "Paris", "unit": "celsius"}),
                    None,
                )],
                usage: vec![tokens(75, 24, 0, 0, 99)],
                stop: Some(StopReason::ToolUse),
                ..Facts::default()
            },
            message: "",
        },
        // Two calls whose argument deltas interleave, told apart by item_id.
        Case {
            name: "parallel-tool-calls",
            script: Script::sse(sse(&concat(vec![
                created(),
                vec![
                    call_added(0, "fc_68c1f6f4a1", "call_weather_7Qx", "get_weather"),
                    call_delta(0, "fc_68c1f6f4a1", "{\"city\":"),
                    call_added(1, "fc_68c1f6f4a2", "call_time_9Rk", "get_time"),
                    call_delta(1, "fc_68c1f6f4a2", "{\"timezone\":\"Europe/"),
                    call_delta(0, "fc_68c1f6f4a1", "\"Paris\"}"),
                    call_delta(1, "fc_68c1f6f4a2", "Paris\"}"),
                ],
                call_done(
                    0,
                    "fc_68c1f6f4a1",
                    "call_weather_7Qx",
                    "get_weather",
                    "{\"city\":\"Paris\"}",
                ),
                call_done(
                    1,
                    "fc_68c1f6f4a2",
                    "call_time_9Rk",
                    "get_time",
                    "{\"timezone\":\"Europe/Paris\"}",
                ),
                vec![completed(usage(80, 0, 41, 0))],
            ]))),
            expect: Facts {
                tools: vec![
                    (
                        "call_weather_7Qx|fc_68c1f6f4a1".into(),
                        "get_weather".into(),
                        json!({"city": "Paris"}),
                        None,
                    ),
                    (
                        "call_time_9Rk|fc_68c1f6f4a2".into(),
                        "get_time".into(),
                        json!({"timezone": "Europe/Paris"}),
                        None,
                    ),
                ],
                usage: vec![tokens(80, 41, 0, 0, 121)],
                stop: Some(StopReason::ToolUse),
                ..Facts::default()
            },
            message: "",
        },
        // Usage only in response.completed (null before): cached tokens
        // leave `input`, reasoning tokens stay inside `output`.
        Case {
            name: "usage-tail",
            script: Script::sse(sse(&concat(vec![
                created(),
                message(0, &["The capital of France", " is Paris."], "completed"),
                vec![completed(usage(1200, 1000, 300, 200))],
            ]))),
            expect: Facts {
                text: vec!["The capital of France is Paris.".into()],
                usage: vec![tokens(200, 300, 1000, 200, 1500)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
            message: "",
        },
        Case {
            name: "length-stop",
            script: Script::sse(sse(&concat(vec![
                created(),
                message(0, &["Once upon a time,", " in a"], "incomplete"),
                vec![incomplete("max_output_tokens", usage(10, 0, 16, 8))],
            ]))),
            expect: Facts {
                text: vec!["Once upon a time, in a".into()],
                usage: vec![tokens(10, 16, 0, 8, 26)],
                stop: Some(StopReason::Length),
                ..Facts::default()
            },
            message: "",
        },
        Case {
            name: "content-filter",
            script: Script::sse(sse(&concat(vec![
                created(),
                message(0, &["I can", "'t help with"], "incomplete"),
                vec![incomplete("content_filter", usage(18, 0, 5, 0))],
            ]))),
            expect: Facts {
                text: vec!["I can't help with".into()],
                usage: vec![tokens(18, 5, 0, 0, 23)],
                stop: Some(StopReason::ContentFilter),
                ..Facts::default()
            },
            message: "",
        },
        // The text item is still open when the response fails.
        Case {
            name: "response-failed",
            script: Script::sse(sse(&concat(vec![
                created(),
                message(0, &["Partial"], "completed")[..3].to_vec(),
                vec![json!({"type": "response.failed", "response": response("failed", json!({
                    "error": {"code": "server_error", "message": "An error occurred while processing your request."}}))})],
            ])))
            .header("x-request-id", "req_5f1c0e9a7b3d4c2e8f6a1b0c9d8e7f6a"),
            expect: Facts {
                text: vec!["Partial".into()],
                error: Some(ErrorKind::Server),
                ..Facts::default()
            },
            message: "openai: An error occurred while processing your request. [code=server_error] [request_id=req_5f1c0e9a7b3d4c2e8f6a1b0c9d8e7f6a]",
        },
        // A bare `error` event, as sent when the request cannot be served.
        Case {
            name: "error-event",
            script: Script::sse(sse(&[
                created()[0].clone(),
                json!({"type": "error", "code": "context_length_exceeded",
                       "message": "Your input exceeds the context window of this model. Please adjust your input and try again.",
                       "param": "input"}),
            ])),
            expect: Facts {
                error: Some(ErrorKind::ContextOverflow),
                ..Facts::default()
            },
            message: "openai: Your input exceeds the context window of this model.",
        },
        // Cut inside the second text delta's line: the first delta is kept.
        Case {
            name: "dropped-connection",
            script: Script::sse(plain).drop_at(cut),
            expect: Facts {
                text: vec!["Hello".into()],
                error: Some(ErrorKind::ConnectionDropped),
                ..Facts::default()
            },
            message: "openai: the connection dropped mid-stream",
        },
        // Everything but response.completed: the item closed, no terminal.
        Case {
            name: "completed-missing",
            script: Script::sse(sse(&plain_text()[..plain_text().len() - 1])),
            expect: Facts {
                text: vec!["Hello! How can I help?".into()],
                error: Some(ErrorKind::Protocol),
                ..Facts::default()
            },
            message: "openai: the stream ended before response.completed",
        },
        Case {
            name: "garbage-line",
            script: Script::sse(sse(&{
                let mut events = plain_text();
                // After the first text delta.
                events.insert(5, json!("this is not json"));
                events
            })),
            expect: Facts {
                text: vec!["Hello! How can I help?".into()],
                usage: vec![tokens(14, 9, 0, 0, 23)],
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

        // The key goes as a bearer token only.
        let [request] = requests.as_slice() else {
            panic!("{name}: one request, got {requests:?}")
        };
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", "/v1/responses")
        );
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(request.header("x-api-key"), None);
        assert_eq!(request.json()["stream"], json!(true));

        insta::with_settings!({snapshot_suffix => format!("responses-{name}")}, {
            insta::assert_snapshot!("scenario", render(&events));
        });
    }
}
