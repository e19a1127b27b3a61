//! What real third-party servers send besides the APIs' own streams
//! (issue 12), for every transport:
//!
//! - a whole JSON answer to `stream: true` (LiteLLM's `/v1/messages`, an
//!   OpenAI-compatible server sending a `chat.completion`, mocks): the
//!   events its stream would have given, up to how the deltas are cut;
//! - an error status whose body is framed as an event stream (LiteLLM's
//!   `/v1/responses`: `data: {"error": …}` then `data: [DONE]`): the error
//!   the same payload gives as plain JSON, with no frame in the message.

use std::time::Duration;

use clawkit_core::{
    Context, ErrorKind, Headers, ModelApi, ModelCost, StopReason, StreamEvent, StreamRequest, Text,
};
use clawkit_http::{HttpClient, HttpConfig, HttpError, transport_for};
use clawkit_testkit::{Script, ScriptedServer};
use serde_json::{Value, json};

use crate::{
    Facts, KEY, Tokens, assert_blocks, assert_contract, check_scenario, collect, data, facts,
    model_at, render,
};

const REQUEST_ID: &str = "req_01HZX9GATEWAY7QK";
const ANTHROPIC_SIGNATURE: &str = "EqQBCkgIBxABGAIqQKV5bN3ERZ5kwsfWHQZkSaG1uOEP9e7jRL8I4vYZD9PkUP2ZR8lGQvcTmHq3nnDXi1AvhdgVtTzS3ux7ImS2xe8SDL3nQ8FEqtUpj1UZ3BoMb2t6gVSsFM7YM4FeIjDs4Vs2DPBwj7OBmcOYvPCYukGazTJ0EXKyTZXzVHIcWY2MKP5Zsaa0t4BqEPWVCrAqHfo8K9v3PhP3fQyxN0DfDJ4THwTK9J1Dn6x2jE8Cqlty5KN+cGMVxd0=";
const GEMINI_SIGNATURE: &str = "CpwCAdHtim9Qb8lYxVXJZ3NVRk6BuyL1W0n6Ckz1sYRZ3rq5m+CWgJkP7m2XxHwCZ2tT4sI0vFqk9J1YhWn3d4LHcR8oAg==";

/// Every transport: its `api`, the provider label its messages start
/// with, and what its whole answer is called in errors.
fn apis() -> [(ModelApi, &'static str, &'static str); 4] {
    [
        (
            ModelApi::OpenAiCompletions,
            "openai",
            "a chat.completion object",
        ),
        (ModelApi::OpenAiResponses, "openai", "a response object"),
        (ModelApi::AnthropicMessages, "anthropic", "a message object"),
        (
            ModelApi::GoogleGenerativeAi,
            "google",
            "a GenerateContentResponse object or an array of them",
        ),
    ]
}

fn label_of(api: &ModelApi) -> &'static str {
    apis()
        .into_iter()
        .find(|(a, ..)| a == api)
        .map(|(_, label, _)| label)
        .unwrap()
}

/// One streaming call of `api`'s transport against a server answering `script`.
async fn run_with(api: &ModelApi, script: Script, config: HttpConfig) -> Vec<StreamEvent> {
    let server = ScriptedServer::start(vec![script]).await.unwrap();
    let model = model_at(&server, label_of(api), api.clone())
        .with_reasoning(true)
        .with_cost(ModelCost::new(1.0, 4.0, 0.1, 1.25));
    let client = HttpClient::with_config(config).unwrap();
    let transport = transport_for(&model.api, &client).unwrap();
    let mut request = StreamRequest::new(model, Context::user("What's the weather in Paris?"));
    request.options.api_key = Some(KEY.into());
    let events = collect(&*transport, request).await;
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{api:?}: one request");
    // A streaming request each time, whatever came back.
    if *api == ModelApi::GoogleGenerativeAi {
        assert!(
            requests[0].path.contains(":streamGenerateContent"),
            "{}",
            requests[0].path
        );
    } else {
        assert_eq!(requests[0].json()["stream"], json!(true), "{api:?}");
    }
    events
}

async fn run(api: &ModelApi, script: Script) -> Vec<StreamEvent> {
    run_with(api, script, HttpConfig::default()).await
}

/// Wire SSE: a JSON string is a raw `data:` line; an object is its JSON,
/// after an `event: <type>` line when `named`.
fn frame(events: &[Value], named: bool, nl: &str) -> Vec<u8> {
    let mut out = String::new();
    for event in events {
        match event {
            Value::String(line) => out.push_str(&format!("data: {line}{nl}{nl}")),
            event => {
                if named {
                    out.push_str(&format!("event: {}{nl}", event["type"].as_str().unwrap()));
                }
                out.push_str(&format!("data: {event}{nl}{nl}"));
            }
        }
    }
    out.into_bytes()
}

/// The events with consecutive deltas of one block merged into one (a tool
/// call's partial arguments then the last ones): what a stream and a whole
/// answer of the same content have in common.
fn merged(events: &[StreamEvent]) -> Vec<StreamEvent> {
    let mut out: Vec<StreamEvent> = Vec::new();
    for event in events {
        match (out.last_mut(), event) {
            (
                Some(StreamEvent::TextDelta { index, text }),
                StreamEvent::TextDelta {
                    index: next,
                    text: more,
                },
            )
            | (
                Some(StreamEvent::ReasoningDelta { index, text }),
                StreamEvent::ReasoningDelta {
                    index: next,
                    text: more,
                },
            ) if index == next => *text = Text::from(format!("{text}{more}")),
            (
                Some(StreamEvent::ToolCallDelta {
                    index,
                    delta,
                    partial,
                }),
                StreamEvent::ToolCallDelta {
                    index: next,
                    delta: more,
                    partial: latest,
                },
            ) if index == next => {
                *delta = Text::from(format!("{delta}{more}"));
                partial.clone_from(latest);
            }
            _ => out.push(event.clone()),
        }
    }
    out
}

/// Reasoning, text and a tool call as `api` streams them, and the same
/// answer as the whole JSON the API sends without `stream`.
fn stream_and_answer(api: &ModelApi) -> (Vec<u8>, Value) {
    match api {
        ModelApi::OpenAiCompletions => openai_pair(),
        ModelApi::OpenAiResponses => responses_pair(),
        ModelApi::AnthropicMessages => anthropic_pair(),
        _ => {
            let (chunks, answer) = gemini_pair();
            (frame(&chunks, false, "\r\n"), answer)
        }
    }
}

fn openai_pair() -> (Vec<u8>, Value) {
    let head = json!({"id": "chatcmpl-CIh1Pq4x", "object": "chat.completion.chunk", "created": 1757525745,
                      "model": "gpt-4o-mini-2024-07-18", "system_fingerprint": "fp_560af6e559"});
    let chunk = |delta: Value, finish: Value| {
        let mut chunk = head.clone();
        chunk["choices"] =
            json!([{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]);
        chunk
    };
    let usage = json!({"prompt_tokens": 40, "completion_tokens": 20, "total_tokens": 60,
                       "prompt_tokens_details": {"cached_tokens": 8, "audio_tokens": 0},
                       "completion_tokens_details": {"reasoning_tokens": 5, "audio_tokens": 0}});
    let mut usage_chunk = head.clone();
    usage_chunk["choices"] = json!([]);
    usage_chunk["usage"] = usage.clone();
    let stream = frame(
        &[
            chunk(
                json!({"role": "assistant", "content": null, "reasoning_content": "Weather needs"}),
                Value::Null,
            ),
            chunk(json!({"reasoning_content": " a tool."}), Value::Null),
            chunk(json!({"content": "Checking"}), Value::Null),
            chunk(json!({"content": " Paris."}), Value::Null),
            chunk(
                json!({"tool_calls": [{"index": 0, "id": "call_Hl4P9mT3tYc8aWn2", "type": "function",
                                       "function": {"name": "get_weather", "arguments": ""}}]}),
                Value::Null,
            ),
            chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}),
                Value::Null,
            ),
            chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]}),
                Value::Null,
            ),
            chunk(json!({}), json!("tool_calls")),
            usage_chunk,
            json!("[DONE]"),
        ],
        false,
        "\n",
    );
    let answer = json!({
        "id": "chatcmpl-CIh1Pq4x", "object": "chat.completion", "created": 1757525745,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "message": {
            "role": "assistant", "content": "Checking Paris.", "reasoning_content": "Weather needs a tool.",
            "tool_calls": [{"id": "call_Hl4P9mT3tYc8aWn2", "type": "function",
                            "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}],
            "refusal": null, "annotations": []},
            "logprobs": null, "finish_reason": "tool_calls"}],
        "usage": usage, "service_tier": "default", "system_fingerprint": "fp_560af6e559"});
    (stream, answer)
}

fn anthropic_pair() -> (Vec<u8>, Value) {
    const MODEL: &str = "claude-sonnet-4-5-20250929";
    let usage = json!({"input_tokens": 40, "cache_creation_input_tokens": 0,
                       "cache_read_input_tokens": 8, "output_tokens": 20, "service_tier": "standard"});
    let mut start_usage = usage.clone();
    start_usage["output_tokens"] = json!(1);
    let delta = |index: u64, delta: Value| json!({"type": "content_block_delta", "index": index, "delta": delta});
    let stream = frame(
        &[
            json!({"type": "message_start", "message": {"id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message",
                   "role": "assistant", "model": MODEL, "content": [], "stop_reason": null,
                   "stop_sequence": null, "usage": start_usage}}),
            json!({"type": "content_block_start", "index": 0,
                   "content_block": {"type": "thinking", "thinking": "", "signature": ""}}),
            delta(
                0,
                json!({"type": "thinking_delta", "thinking": "Weather needs"}),
            ),
            delta(0, json!({"type": "thinking_delta", "thinking": " a tool."})),
            delta(
                0,
                json!({"type": "signature_delta", "signature": ANTHROPIC_SIGNATURE}),
            ),
            json!({"type": "content_block_stop", "index": 0}),
            json!({"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}}),
            json!({"type": "ping"}),
            delta(1, json!({"type": "text_delta", "text": "Checking"})),
            delta(1, json!({"type": "text_delta", "text": " Paris."})),
            json!({"type": "content_block_stop", "index": 1}),
            json!({"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use",
                   "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": {}}}),
            delta(
                2,
                json!({"type": "input_json_delta", "partial_json": "{\"city\":"}),
            ),
            delta(
                2,
                json!({"type": "input_json_delta", "partial_json": "\"Paris\"}"}),
            ),
            json!({"type": "content_block_stop", "index": 2}),
            json!({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": null},
                   "usage": {"output_tokens": 20}}),
            json!({"type": "message_stop"}),
        ],
        true,
        "\n",
    );
    let answer = json!({
        "model": MODEL, "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
        "content": [
            {"type": "thinking", "thinking": "Weather needs a tool.", "signature": ANTHROPIC_SIGNATURE},
            {"type": "text", "text": "Checking Paris."},
            {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
             "input": {"city": "Paris"}}],
        "stop_reason": "tool_use", "stop_sequence": null, "usage": usage});
    (stream, answer)
}

fn responses_pair() -> (Vec<u8>, Value) {
    const RESPONSE: &str = "resp_68c1f6f1b35c8196a1d3c4e6e9b0b1a8";
    const REASONING: &str = "rs_68c1f6f2a4e88196a7b8c9d0e1f20304";
    const MESSAGE: &str = "msg_68c1f6f3d0e08196b1a2c3d4e5f60718";
    const CALL: &str = "fc_68c1f6f4b2e48196";
    let reasoning = json!({"id": REASONING, "type": "reasoning",
        "encrypted_content": "gAAAAABoxfbyZ3Jk5v0m9yq2Wd1cQb0sUeVtq7tRkQ==",
        "summary": [{"type": "summary_text", "text": "Weather needs a tool."}]});
    let message = json!({"id": MESSAGE, "type": "message", "status": "completed", "role": "assistant",
        "content": [{"type": "output_text", "annotations": [], "logprobs": [], "text": "Checking Paris."}]});
    let call = json!({"id": CALL, "type": "function_call", "status": "completed",
        "arguments": "{\"city\":\"Paris\"}", "call_id": "call_Hl4P9mT3tYc8aWn2", "name": "get_weather"});
    let usage = json!({"input_tokens": 40, "input_tokens_details": {"cached_tokens": 8},
                       "output_tokens": 20, "output_tokens_details": {"reasoning_tokens": 5},
                       "total_tokens": 60});
    let response = |status: &str, output: Value, usage: Value| {
        json!({"id": RESPONSE, "object": "response", "created_at": 1757525745, "status": status,
               "error": null, "incomplete_details": null, "model": "gpt-5-mini-2025-08-07",
               "output": output, "parallel_tool_calls": true, "store": false, "usage": usage})
    };
    let text_event = |kind: &str, fields: Value| {
        let mut event =
            json!({"type": kind, "item_id": MESSAGE, "output_index": 1, "content_index": 0});
        for (key, value) in fields.as_object().unwrap() {
            event[key] = value.clone();
        }
        event
    };
    let stream = frame(
        &[
            json!({"type": "response.created", "response": response("in_progress", json!([]), Value::Null)}),
            json!({"type": "response.output_item.added", "output_index": 0,
                   "item": {"id": REASONING, "type": "reasoning", "summary": []}}),
            json!({"type": "response.reasoning_summary_part.added", "item_id": REASONING, "output_index": 0,
                   "summary_index": 0, "part": {"type": "summary_text", "text": ""}}),
            json!({"type": "response.reasoning_summary_text.delta", "item_id": REASONING, "output_index": 0,
                   "summary_index": 0, "delta": "Weather needs"}),
            json!({"type": "response.reasoning_summary_text.delta", "item_id": REASONING, "output_index": 0,
                   "summary_index": 0, "delta": " a tool."}),
            json!({"type": "response.reasoning_summary_text.done", "item_id": REASONING, "output_index": 0,
                   "summary_index": 0, "text": "Weather needs a tool."}),
            json!({"type": "response.output_item.done", "output_index": 0, "item": reasoning}),
            json!({"type": "response.output_item.added", "output_index": 1,
                   "item": {"id": MESSAGE, "type": "message", "status": "in_progress", "content": [], "role": "assistant"}}),
            text_event(
                "response.content_part.added",
                json!({"part": {"type": "output_text", "annotations": [], "text": ""}}),
            ),
            text_event(
                "response.output_text.delta",
                json!({"delta": "Checking", "logprobs": []}),
            ),
            text_event(
                "response.output_text.delta",
                json!({"delta": " Paris.", "logprobs": []}),
            ),
            text_event(
                "response.output_text.done",
                json!({"text": "Checking Paris.", "logprobs": []}),
            ),
            json!({"type": "response.output_item.done", "output_index": 1, "item": message}),
            json!({"type": "response.output_item.added", "output_index": 2,
                   "item": {"id": CALL, "type": "function_call", "status": "in_progress", "arguments": "",
                            "call_id": "call_Hl4P9mT3tYc8aWn2", "name": "get_weather"}}),
            json!({"type": "response.function_call_arguments.delta", "item_id": CALL, "output_index": 2,
                   "delta": "{\"city\":"}),
            json!({"type": "response.function_call_arguments.delta", "item_id": CALL, "output_index": 2,
                   "delta": "\"Paris\"}"}),
            json!({"type": "response.function_call_arguments.done", "item_id": CALL, "output_index": 2,
                   "arguments": "{\"city\":\"Paris\"}"}),
            json!({"type": "response.output_item.done", "output_index": 2, "item": call}),
            json!({"type": "response.completed",
                   "response": response("completed", json!([reasoning, message, call]), usage.clone())}),
        ],
        true,
        "\n",
    );
    let answer = response("completed", json!([reasoning, message, call]), usage);
    (stream, answer)
}

/// Gemini's chunks (the stream's, also what the JSON array form holds) and
/// the one `GenerateContentResponse` of the same answer.
fn gemini_pair() -> (Vec<Value>, Value) {
    const MODEL: &str = "gemini-2.5-flash";
    let usage = |candidates: u64| {
        json!({"promptTokenCount": 40, "candidatesTokenCount": candidates, "thoughtsTokenCount": 5,
               "cachedContentTokenCount": 8, "totalTokenCount": 45 + candidates})
    };
    let chunk = |parts: Value, finish: Option<&str>, candidates: u64| {
        let mut candidate = json!({"content": {"parts": parts, "role": "model"}, "index": 0});
        if let Some(finish) = finish {
            candidate["finishReason"] = json!(finish);
        }
        json!({"candidates": [candidate], "usageMetadata": usage(candidates), "modelVersion": MODEL,
               "responseId": "AdVRaMmDCYekqtsPrb_-iAw"})
    };
    let call = json!({"functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                      "thoughtSignature": GEMINI_SIGNATURE});
    let chunks = vec![
        chunk(json!([{"text": "Weather needs", "thought": true}]), None, 0),
        chunk(json!([{"text": " a tool.", "thought": true}]), None, 0),
        chunk(json!([{"text": "Checking"}]), None, 4),
        chunk(json!([{"text": " Paris."}]), None, 8),
        chunk(json!([call]), Some("STOP"), 15),
    ];
    let answer = chunk(
        json!([{"text": "Weather needs a tool.", "thought": true}, {"text": "Checking Paris."}, call]),
        Some("STOP"),
        15,
    );
    (chunks, answer)
}

#[tokio::test]
async fn a_whole_json_answer_gives_the_events_of_its_stream() {
    for (api, label, _) in apis() {
        let (stream, answer) = stream_and_answer(&api);
        let answer = serde_json::to_vec_pretty(&answer).unwrap();
        let streamed = run(&api, Script::sse(stream).header("x-request-id", REQUEST_ID)).await;
        let script = Script::json(200, answer).header("x-request-id", REQUEST_ID);
        let events = run(&api, script.clone()).await;
        // Cut into 11-byte reads, the answer decodes to the same events.
        let split = run(&api, script.split_every(11)).await;
        assert_eq!(split, events, "{api:?}: split into small reads");

        assert_contract(&events);
        assert_blocks(&events);
        assert!(
            matches!(&events[0], StreamEvent::Start { request_id: Some(id), .. } if id == REQUEST_ID),
            "{api:?}: {:?}",
            events[0]
        );
        assert_eq!(merged(&events), merged(&streamed), "{api:?}");
        let said = facts(&events);
        assert_eq!(said.text, ["Checking Paris."], "{api:?}");
        assert_eq!(said.reasoning.len(), 1, "{api:?}");
        assert_eq!(said.reasoning[0].0, "Weather needs a tool.", "{api:?}");
        assert_eq!(said.tools.len(), 1, "{api:?}");
        assert_eq!(
            (&said.tools[0].1, &said.tools[0].2),
            (&"get_weather".to_owned(), &json!({"city": "Paris"})),
            "{api:?}"
        );
        assert_eq!(said.usage.len(), 1, "{api:?}");
        assert_eq!(said.stop, Some(StopReason::ToolUse), "{api:?}");
        assert!(!format!("{events:?}").contains(KEY), "{api:?}: key leaked");

        insta::with_settings!({snapshot_suffix => format!("{}-{label}", api.as_str())}, {
            insta::assert_snapshot!("json_answer", render(&events));
        });
    }
}

#[tokio::test]
async fn gemini_s_json_array_of_responses_gives_exactly_the_stream_s_events() {
    let api = ModelApi::GoogleGenerativeAi;
    let (chunks, _) = gemini_pair();
    let streamed = run(&api, Script::sse(frame(&chunks, false, "\r\n"))).await;
    let array = serde_json::to_vec_pretty(&Value::Array(chunks)).unwrap();
    let events = run(&api, Script::json(200, array.clone())).await;
    assert_contract(&events);
    assert_eq!(events, streamed);
    let split = run(&api, Script::json(200, array).split_every(11)).await;
    assert_eq!(split, streamed);
}

/// The recorded non-streaming answers under tests/data, each sent to a
/// streaming request.
#[tokio::test]
async fn recorded_json_answers() {
    let tokens = |input, output, cache_read, reasoning, total| Tokens {
        input,
        output,
        cache_read,
        cache_write: 0,
        reasoning,
        total,
    };
    let recordings = [
        (
            ModelApi::OpenAiCompletions,
            "openai-compatible/openai-gpt-text.json",
            Facts {
                text: vec![
                    serde_json::from_slice::<Value>(&data("openai-compatible/openai-gpt-text.json"))
                        .unwrap()["choices"][0]["message"]["content"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                ],
                usage: vec![tokens(16, 363, 0, 0, 379)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
        ),
        (
            ModelApi::OpenAiCompletions,
            "openai-compatible/deepseek-tool-call.json",
            Facts {
                reasoning: vec![(
                    "The user is asking for the weather in San Francisco. I have a weather tool available that can get weather information for a location. I should use this tool with the location parameter set to \"San Francisco\". Let me call the weather function.".into(),
                    Some("reasoning_content".into()),
                )],
                tools: vec![(
                    "call_00_9V0vrf86Pc9aelHCJMZqnJBo".into(),
                    "weather".into(),
                    json!({"location": "San Francisco"}),
                    None,
                )],
                usage: vec![tokens(19, 92, 320, 48, 431)],
                stop: Some(StopReason::ToolUse),
                ..Facts::default()
            },
        ),
        (
            ModelApi::AnthropicMessages,
            "anthropic/text.json",
            Facts {
                text: vec!["Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?".into()],
                usage: vec![tokens(12, 29, 0, 0, 41)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
        ),
        (
            ModelApi::GoogleGenerativeAi,
            "google/text.json",
            Facts {
                text: vec!["There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.".into()],
                // A signature on a plain text part has no normalized home.
                raw: vec!["EtoFCtcFAb4+9vtfe4MXRxQjw48U1WKrR/7lYsgFkVi/bepqsSPjY0VU7HEzkeCBIfy1fu5t9aUZ4IZ65aWagqbBrV45fc97olcg".into()],
                usage: vec![tokens(9, 272, 0, 244, 281)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
        ),
        (
            ModelApi::GoogleGenerativeAi,
            "google/tool-call-gemini3.json",
            Facts {
                tools: vec![(
                    "call_1".into(),
                    "weather".into(),
                    json!({"location": "San Francisco"}),
                    Some("Eqo+Cqc+Ab4+9vtgONaaz6qwy6WXdp7gCd2w0X+Wz2gaBgY0Gv6A12JKo0y5vQwf9YQFyhMbKr1E9m17VT6HXd7jXzjaGYaE".into()),
                )],
                usage: vec![tokens(29, 1816, 0, 1801, 1845)],
                stop: Some(StopReason::ToolUse),
                ..Facts::default()
            },
        ),
    ];
    for (api, file, expect) in recordings {
        let script = Script::json(200, data(file));
        let events = run(&api, script.clone()).await;
        let split = run(&api, script.split_every(11)).await;
        check_scenario(file, &split, &events, &expect, "");
        insta::with_settings!({snapshot_suffix => file.replace('/', "__")}, {
            insta::assert_snapshot!("recorded_json_answer", render(&events));
        });
    }
}

/// How the answer is labelled does not matter: JSON with a charset, no
/// `Content-Type`, `text/plain`, a leading BOM and blank lines. And an event
/// stream labelled `application/json` still streams.
#[tokio::test]
async fn a_json_answer_is_told_by_its_first_byte_whatever_its_label() {
    for (api, ..) in apis() {
        let (stream, answer) = stream_and_answer(&api);
        let answer = serde_json::to_vec(&answer).unwrap();
        let expected = run(&api, Script::json(200, answer.clone())).await;
        assert!(
            matches!(expected.last(), Some(StreamEvent::Done { .. })),
            "{api:?}"
        );
        let mut padded = b"\xEF\xBB\xBF\r\n\n  ".to_vec();
        padded.extend_from_slice(&answer);
        let variants = [
            Script::json(200, answer.clone())
                .without_header("content-type")
                .header("Content-Type", "application/json; charset=utf-8"),
            Script::json(200, answer.clone()).without_header("content-type"),
            Script::json(200, answer.clone())
                .without_header("content-type")
                .header("Content-Type", "text/plain"),
            // The padding arrives in reads of its own, before the answer.
            Script::json(200, padded).split_at([2, 4, 7]),
        ];
        for (n, script) in variants.into_iter().enumerate() {
            assert_eq!(run(&api, script).await, expected, "{api:?}: variant {n}");
        }

        let streamed = run(&api, Script::sse(stream.clone())).await;
        let mislabelled = Script::sse(stream)
            .without_header("content-type")
            .header("Content-Type", "application/json");
        assert_eq!(run(&api, mislabelled).await, streamed, "{api:?}");
    }
}

fn terminal_error(events: &[StreamEvent]) -> (ErrorKind, String) {
    match events.last() {
        Some(StreamEvent::Error { kind, message, .. }) => (kind.clone(), message.clone()),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_json_body_that_is_not_the_answer_is_a_protocol_error_naming_what_was_expected() {
    for (api, label, expected) in apis() {
        // Cut short.
        let events = run(&api, Script::json(200, r#"{"id": "x", "choices": [{"#)).await;
        assert_contract(&events);
        let (kind, message) = terminal_error(&events);
        assert_eq!(kind, ErrorKind::Protocol, "{api:?}: {message}");
        let head = format!(
            "{label}: malformed JSON response, expected {expected} or an event stream: EOF while parsing"
        );
        assert!(message.starts_with(&head), "{api:?}: {message}");

        // Valid JSON of another shape (a list endpoint's answer).
        let events = run(
            &api,
            Script::json(200, r#"{"object": "list", "data": [{"id": "m1"}]}"#),
        )
        .await;
        assert_contract(&events);
        assert_eq!(
            terminal_error(&events),
            (
                ErrorKind::Protocol,
                format!(
                    "{label}: unexpected JSON response, expected {expected} or an event stream"
                )
            ),
            "{api:?}"
        );

        // Over the client's cap for JSON bodies: refused as soon as it is.
        let (_, answer) = stream_and_answer(&api);
        let mut config = HttpConfig::default();
        config.max_json_body = 256;
        let events = run_with(
            &api,
            Script::json(200, serde_json::to_vec_pretty(&answer).unwrap()).split_every(100),
            config,
        )
        .await;
        assert_contract(&events);
        assert_eq!(
            terminal_error(&events),
            (
                ErrorKind::Protocol,
                format!("{label}: JSON response exceeds 256 bytes")
            ),
            "{api:?}"
        );
    }
}

/// A gateway reporting an error with a 200 and a JSON error body: the same
/// error as inside a stream, classified, the key scrubbed.
#[tokio::test]
async fn a_json_error_body_on_a_success_status_is_the_provider_s_error() {
    for (api, label, _) in apis() {
        let body = format!(
            r#"{{"error": {{"message": "Incorrect API key provided: {KEY}.", "type": "invalid_request_error", "code": "invalid_api_key"}}}}"#
        );
        let events = run(
            &api,
            Script::json(200, body).header("x-request-id", REQUEST_ID),
        )
        .await;
        assert_contract(&events);
        assert_eq!(
            terminal_error(&events),
            (
                ErrorKind::Auth,
                format!(
                    "{label}: Incorrect API key provided: [redacted]. [type=invalid_request_error, code=invalid_api_key] [request_id={REQUEST_ID}]"
                )
            ),
            "{api:?}"
        );
        assert!(!format!("{events:?}").contains(KEY), "{api:?}: key leaked");
    }
}

/// Each API's error payload, with the status it came with.
fn error_payloads() -> [(ModelApi, u16, Vec<u8>); 4] {
    // LiteLLM's shape: `type` and `param` null, the status as a string code;
    // the upstream's message echoes the key.
    let litellm = format!(
        r#"{{"error": {{"message": "litellm.InternalServerError: InternalServerError: OpenAIException - Incorrect API key provided: {KEY}. Received Model Group=gpt-5-mini", "type": null, "param": null, "code": "500"}}}}"#
    );
    [
        (
            ModelApi::OpenAiCompletions,
            400,
            data("errors/openai-400-legacy-parameter.json"),
        ),
        (ModelApi::OpenAiResponses, 500, litellm.into_bytes()),
        (
            ModelApi::AnthropicMessages,
            400,
            data("errors/anthropic-400-invalid-request.json"),
        ),
        (
            ModelApi::GoogleGenerativeAi,
            429,
            data("errors/google-429-retry-info.json"),
        ),
    ]
}

/// `payload` framed as an event stream, as gateways send it: one `data:`
/// line then `data: [DONE]`; with `event: error` lines; and the pretty JSON
/// as multi-line data with CRLF line ends.
fn framings(payload: &[u8]) -> [(&'static str, Vec<u8>); 3] {
    let value: Value = serde_json::from_slice(payload).unwrap();
    let compact = value.to_string();
    let multi_line: String = serde_json::to_string_pretty(&value)
        .unwrap()
        .lines()
        .map(|line| format!("data: {line}\r\n"))
        .collect();
    [
        (
            "data-then-done",
            format!("data: {compact}\n\ndata: [DONE]\n\n").into_bytes(),
        ),
        (
            "event-lines",
            format!("event: error\ndata: {compact}\n\nevent: done\ndata: [DONE]\n\n").into_bytes(),
        ),
        (
            "multi-line-crlf",
            format!("{multi_line}\r\ndata: [DONE]\r\n\r\n").into_bytes(),
        ),
    ]
}

#[tokio::test]
async fn an_sse_framed_error_body_gives_the_error_of_its_json() {
    let mut rendered = Vec::new();
    for (api, status, payload) in error_payloads() {
        let label = label_of(&api);
        let plain = run(
            &api,
            Script::json(status, payload.clone()).header("x-request-id", REQUEST_ID),
        )
        .await;
        assert_eq!(plain.len(), 1, "{api:?}: {plain:?}");
        let (kind, message) = terminal_error(&plain);
        assert!(
            message.starts_with(&format!("{label} ({status}): ")),
            "{api:?}: {message}"
        );
        assert!(
            message.ends_with(&format!(" [request_id={REQUEST_ID}]")),
            "{api:?}: {message}"
        );
        for (framing, body) in framings(&payload) {
            let framed = run(
                &api,
                Script::sse(body)
                    .status(status)
                    .header("x-request-id", REQUEST_ID),
            )
            .await;
            assert_eq!(framed, plain, "{api:?}, {framing}");
        }
        for frame in ["data:", "[DONE]", "event:", KEY] {
            assert!(!message.contains(frame), "{api:?}: {message}");
        }
        rendered.push(format!("{} {kind} {message}", api.as_str()));
    }
    insta::assert_snapshot!("sse_framed_errors", rendered.join("\n"));
}

/// The typed error of a non-streamed call, every accessor of it.
async fn http_error(script: Script) -> HttpError {
    let server = ScriptedServer::start(vec![script]).await.unwrap();
    let url = server.url("/v1/responses").parse().unwrap();
    let headers = Headers::from([("Authorization", format!("Bearer {KEY}"))]);
    HttpClient::new()
        .unwrap()
        .post_json("litellm", &url, &headers, b"{}", &[KEY])
        .await
        .unwrap_err()
}

type Typed = (
    Option<u16>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Duration>,
    ErrorKind,
    String,
);

fn typed(error: &HttpError) -> Typed {
    (
        error.status(),
        error.code().map(str::to_owned),
        error.error_type().map(str::to_owned),
        error.request_id().map(str::to_owned),
        error.retry_after(),
        error.stream_kind(),
        error.to_string(),
    )
}

#[tokio::test]
async fn an_sse_framed_error_body_is_the_same_typed_http_error() {
    for (api, status, payload) in error_payloads() {
        let plain =
            http_error(Script::json(status, payload.clone()).header("x-request-id", REQUEST_ID))
                .await;
        let expected = typed(&plain);
        assert_eq!(expected.0, Some(status));
        assert_eq!(expected.3.as_deref(), Some(REQUEST_ID));
        for (framing, body) in framings(&payload) {
            let framed = http_error(
                Script::sse(body)
                    .status(status)
                    .header("x-request-id", REQUEST_ID),
            )
            .await;
            assert_eq!(typed(&framed), expected, "{api:?}, {framing}");
            assert_eq!(framed.failover_reason(), plain.failover_reason());
            assert!(!format!("{framed:?}").contains(KEY), "{api:?}, {framing}");
        }
    }
    // What each payload says, read out of its frame.
    let (_, _, gemini) = &error_payloads()[3];
    let framed = http_error(Script::sse(framings(gemini)[0].1.clone()).status(429)).await;
    assert_eq!(framed.code(), Some("429"));
    assert_eq!(framed.retry_after(), Some(Duration::from_secs_f64(34.4)));
    assert_eq!(framed.stream_kind(), ErrorKind::RateLimit);
}

#[tokio::test]
async fn an_sse_framed_error_body_without_json_shows_its_data_not_its_frames() {
    let api = ModelApi::OpenAiResponses;
    let events = run(
        &api,
        Script::sse("event: error\ndata: upstream connect error\n\ndata: [DONE]\n\n").status(502),
    )
    .await;
    assert_eq!(
        terminal_error(&events),
        (
            ErrorKind::Server,
            "openai (502): upstream connect error".to_owned()
        )
    );
    let events = run(&api, Script::sse("data: [DONE]\n\n").status(503)).await;
    assert_eq!(
        terminal_error(&events),
        (ErrorKind::Server, "openai (503)".to_owned())
    );
}

/// A whole turn through the runtime (the hooks, the built-in transport, the
/// output and error stages): the pipeline consumes the transport's events,
/// so a JSON answer and an SSE-framed error reach the caller as the
/// transport gave them.
#[tokio::test]
async fn a_turn_through_the_runtime_gets_the_answer_and_the_error() {
    use clawkit_core::{
        ApiKeyAuthOptions, Env, ModelDefinition, ProviderConfig, Runtime,
        SingleProviderPluginEntry, TurnRequest,
    };
    use clawkit_http::BuiltinTransports;
    use futures::StreamExt;

    for (api, status, payload) in error_payloads() {
        let (_, answer) = stream_and_answer(&api);
        let server = ScriptedServer::start(vec![
            Script::json(200, serde_json::to_vec(&answer).unwrap()),
            Script::sse(framings(&payload)[1].1.clone()).status(status),
        ])
        .await
        .unwrap();
        let url = server.url("/v1");
        let served = api.clone();
        let entry = SingleProviderPluginEntry::builder("gw")
            .api_key_auth(ApiKeyAuthOptions::new("gw", "api-key", "Key").env_var("GW_API_KEY"))
            .build_provider(move || {
                Ok(ProviderConfig::new(url.parse()?, served.clone())
                    .with_model(ModelDefinition::new("gw-model")))
            })
            .build();
        let runtime = Runtime::builder()
            .plugin(entry)
            .env(Env::new().with("GW_API_KEY", KEY))
            .transports(BuiltinTransports::new(HttpClient::new().unwrap()))
            .build()
            .unwrap();
        let turn = || async {
            let turn = runtime
                .stream(TurnRequest::prompt(
                    "gw/gw-model",
                    "What's the weather in Paris?",
                ))
                .await
                .unwrap();
            turn.into_events().collect::<Vec<_>>().await
        };

        let answered = turn().await;
        assert_contract(&answered);
        assert_blocks(&answered);
        let said = facts(&answered);
        assert_eq!(said.text, ["Checking Paris."], "{api:?}");
        assert_eq!(said.tools.len(), 1, "{api:?}");
        assert_eq!(said.stop, Some(StopReason::ToolUse), "{api:?}");

        let failed = turn().await;
        assert_contract(&failed);
        let (_, message) = terminal_error(&failed);
        assert!(
            message.starts_with(&format!("gw ({status}): ")),
            "{api:?}: {message}"
        );
        for frame in ["data:", "[DONE]", "event:", KEY] {
            assert!(!message.contains(frame), "{api:?}: {message}");
        }
        assert!(!format!("{answered:?}{failed:?}").contains(KEY), "{api:?}");
    }
}
