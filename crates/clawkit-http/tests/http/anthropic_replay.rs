//! Every recorded Anthropic Messages stream, replayed through the transport,
//! checked against what the recording holds (read here from the raw events).

use clawkit_core::{
    ContentBlock, Context, ErrorKind, Message, ModelApi, StreamEvent, StreamOptions, ThinkingLevel,
    Tool,
};
use clawkit_http::{AnthropicMessages, HttpClient};
use clawkit_testkit::{Script, ScriptedServer};
use futures::StreamExt;
use serde_json::{Value, json};

use crate::{KEY, assert_contract, chunks_to_sse, data, model_at, render};

const FILES: &[&str] = &[
    "anthropic/text-with-ping.chunks.txt",
    "anthropic/thinking-signature.chunks.txt",
    "anthropic/thinking-long.chunks.txt",
    "anthropic/text-then-tool-use.chunks.txt",
    "anthropic/tool-use-many-pings.chunks.txt",
    "anthropic/tool-no-args.chunks.txt",
    "anthropic/message-delta-input-tokens.chunks.txt",
    "anthropic/HANDWRITTEN-refusal.chunks.txt",
    "anthropic/web-search-citations.chunks.txt",
    "anthropic/mcp-tool.chunks.txt",
    "anthropic/HANDWRITTEN-spliced-message-start.chunks.txt",
    "anthropic/tool-input-escaped-quotes-split.chunks.txt",
    "anthropic/text-then-tool-use-2.chunks.txt",
    "anthropic-sdk-python/basic_response.sse",
    "anthropic-sdk-python/tool_use_response.sse",
    "anthropic-sdk-python/incomplete_partial_json_response.sse",
    "anthropic-sdk-python/refusal_response.sse",
    "anthropic-sdk-python/compaction_response.sse",
    "anthropic-sdk-python/fallback_response.sse",
    "vercel-inline/anthropic-thinking-signature.sse",
    "vercel-inline/anthropic-redacted-thinking.sse",
    "vercel-inline/anthropic-tool-deltas-whitespace.sse",
    "vercel-inline/anthropic-error-event-after-start.sse",
    "vercel-inline/anthropic-pause-turn.sse",
    "vercel-inline/anthropic-overloaded-first-event.sse",
    "vercel-inline/anthropic-overloaded-mid-stream.sse",
];

#[derive(Debug, Default, PartialEq)]
struct Content {
    text: String,
    thinking: String,
    tools: Vec<(String, String)>,
    usage: Option<(u64, u64)>,
    stop: Option<String>,
    error: bool,
}

fn expected(sse: &[u8]) -> Content {
    let mut exp = Content::default();
    let (mut input, mut output) = (None, None);
    let mut tool_blocks: Vec<(u64, usize)> = Vec::new();
    for line in String::from_utf8_lossy(sse).lines() {
        let Some(payload) = line.strip_prefix("data:") else {
            continue;
        };
        let Ok(event) = serde_json::from_str::<Value>(payload.trim()) else {
            continue;
        };
        let usage = event
            .get("usage")
            .or_else(|| event.pointer("/message/usage"));
        if let Some(usage) = usage {
            input = usage["input_tokens"].as_u64().or(input);
            output = usage["output_tokens"].as_u64().or(output);
        }
        match event["type"].as_str().unwrap_or("") {
            "message_start" => tool_blocks.clear(),
            "content_block_start" => {
                let block = &event["content_block"];
                match block["type"].as_str() {
                    Some("text") => exp.text.push_str(block["text"].as_str().unwrap_or("")),
                    Some("tool_use") => {
                        exp.tools.push((
                            block["name"].as_str().unwrap_or("").to_owned(),
                            String::new(),
                        ));
                        tool_blocks.push((event["index"].as_u64().unwrap(), exp.tools.len() - 1));
                    }
                    _ => {}
                }
            }
            "content_block_delta" => {
                let delta = &event["delta"];
                match delta["type"].as_str() {
                    Some("text_delta") => exp.text.push_str(delta["text"].as_str().unwrap_or("")),
                    Some("thinking_delta") => exp
                        .thinking
                        .push_str(delta["thinking"].as_str().unwrap_or("")),
                    Some("input_json_delta") => {
                        let index = event["index"].as_u64().unwrap();
                        if let Some((_, tool)) = tool_blocks.iter().rev().find(|(i, _)| *i == index)
                        {
                            exp.tools[*tool]
                                .1
                                .push_str(delta["partial_json"].as_str().unwrap_or(""));
                        }
                    }
                    _ => {}
                }
            }
            "message_delta" => {
                exp.stop = event
                    .pointer("/delta/stop_reason")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            }
            "error" => {
                exp.error = true;
                break;
            }
            _ => {}
        }
    }
    if input.is_some() || output.is_some() {
        exp.usage = Some((input.unwrap_or(0), output.unwrap_or(0)));
    }
    exp
}

fn observed(events: &[StreamEvent]) -> Content {
    let mut obs = Content::default();
    for event in events {
        match event {
            StreamEvent::TextDelta { text, .. } => obs.text.push_str(text),
            StreamEvent::ReasoningDelta { text, .. } => obs.thinking.push_str(text),
            StreamEvent::ToolCallEnd {
                name, arguments, ..
            } => obs.tools.push((name.clone(), arguments.to_string())),
            StreamEvent::Usage { usage } => obs.usage = Some((usage.input, usage.output)),
            StreamEvent::Done { reason } => obs.stop = Some(reason.to_string()),
            StreamEvent::Error { .. } => obs.error = true,
            _ => {}
        }
    }
    obs
}

fn wire(path: &str, crlf: bool) -> Vec<u8> {
    let raw = data(path);
    if path.ends_with(".chunks.txt") {
        chunks_to_sse(&raw, "anthropic", crlf)
    } else if crlf {
        String::from_utf8(raw)
            .unwrap()
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
            .into_bytes()
    } else {
        raw
    }
}

async fn run(
    script: Script,
    context: Context,
    options: StreamOptions,
) -> (Vec<StreamEvent>, Vec<clawkit_testkit::RecordedRequest>) {
    let server = ScriptedServer::start(vec![script]).await.unwrap();
    let model = model_at(&server, "anthropic", ModelApi::AnthropicMessages).with_reasoning(true);
    let transport = AnthropicMessages::new(HttpClient::new().unwrap());
    let mut request = clawkit_core::StreamRequest::new(model, context);
    request.options = options;
    let events = clawkit_core::StreamFn::stream(&transport, request)
        .collect()
        .await;
    (events, server.requests())
}

fn normalize_args(args: &str) -> String {
    if args.trim().is_empty() {
        return "{}".to_owned();
    }
    serde_json::from_str::<Value>(args).map_or_else(
        |_| Value::String(args.to_owned()).to_string(),
        |v| v.to_string(),
    )
}

#[tokio::test]
async fn every_recording_decodes_with_its_content_and_one_terminal_event() {
    for path in FILES {
        for (crlf, split) in [(false, 0), (true, 0), (false, 13), (true, 61)] {
            let body = wire(path, crlf);
            let script = match split {
                0 => Script::sse(body.clone()),
                61 if body.len() < 8 * 1024 => Script::sse(body.clone()).split_every(split).paced(),
                _ => Script::sse(body.clone()).split_every(split),
            };
            let (events, _) = run(script, Context::user("hi"), StreamOptions::default()).await;
            let context = format!("{path} (crlf={crlf}, split={split})");
            assert_contract(&events);
            let exp = expected(&body);
            let obs = observed(&events);
            assert_eq!(obs.text, exp.text, "{context}: text");
            assert_eq!(obs.thinking, exp.thinking, "{context}: thinking");
            let tools: Vec<(String, String)> = exp
                .tools
                .iter()
                .map(|(n, a)| (n.clone(), normalize_args(a)))
                .collect();
            assert_eq!(obs.tools, tools, "{context}: tools");
            assert_eq!(obs.error, exp.error, "{context}: error");
            if !exp.error {
                assert_eq!(obs.usage, exp.usage, "{context}: usage");
                let want = match exp.stop.as_deref() {
                    None | Some("end_turn") | Some("stop_sequence") => "stop",
                    Some("max_tokens") => "length",
                    Some("tool_use") => "tool_use",
                    Some("refusal") => "content_filter",
                    Some(other) => other,
                };
                assert_eq!(obs.stop.as_deref(), Some(want), "{context}: stop");
            }
        }
    }
}

#[tokio::test]
async fn recordings_snapshot() {
    for path in FILES {
        let (events, _) = run(
            Script::sse(wire(path, false)),
            Context::user("hi"),
            StreamOptions::default(),
        )
        .await;
        let name = path.replace('/', "__");
        insta::with_settings!({snapshot_suffix => name, prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("anthropic_recording", render(&events));
        });
    }
}

#[tokio::test]
async fn errors_are_classified_and_the_request_carries_anthropic_headers() {
    let (events, requests) = run(
        Script::sse(data("vercel-inline/anthropic-overloaded-mid-stream.sse")),
        Context::user("hi"),
        {
            let mut options = StreamOptions::default();
            options.api_key = Some(KEY.into());
            options
        },
    )
    .await;
    match events.last().unwrap() {
        StreamEvent::Error { kind, .. } => assert_eq!(*kind, ErrorKind::Server),
        other => panic!("{other:?}"),
    }
    let request = &requests[0];
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(request.header("authorization"), None);
}

#[tokio::test]
async fn the_request_body_snapshot() {
    let mut context = Context::user("Weather in Paris?").with_system_prompt("Be terse.");
    context.messages.push(Message::Assistant {
        content: vec![
            ContentBlock::Thinking {
                thinking: "Call the tool.".into(),
                signature: Some("sig-1".into()),
            },
            ContentBlock::ToolCall {
                id: "toolu_1".into(),
                name: "get_weather".into(),
                arguments: json!({"city": "Paris"}),
                signature: None,
            },
        ],
        stop_reason: None,
    });
    context.messages.push(Message::ToolResult {
        tool_call_id: "toolu_1".into(),
        tool_name: "get_weather".into(),
        content: vec![ContentBlock::text("18°C")],
        is_error: false,
    });
    context.messages.push(Message::user("Thanks. Tomorrow?"));
    let context = context.with_tool(Tool::new(
        "get_weather",
        "Weather",
        json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    ));
    let mut options = StreamOptions::default();
    options.thinking_level = Some(ThinkingLevel::Medium);
    options.max_tokens = Some(2_000);
    let (_, requests) = run(
        Script::sse(data("anthropic-sdk-python/basic_response.sse")),
        context,
        options,
    )
    .await;
    let mut body = requests[0].json();
    body["model"] = json!("claude-test");
    insta::assert_json_snapshot!(body);
}
