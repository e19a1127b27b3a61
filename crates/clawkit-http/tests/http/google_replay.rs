//! Every recorded Gemini stream, replayed through the transport and checked
//! against the recording (read here from the raw chunks, arguments rebuilt
//! through JSON pointers).

use clawkit_core::{
    ContentBlock, Context, Message, ModelApi, StreamEvent, StreamOptions, ThinkingLevel, Tool,
};
use clawkit_http::{GoogleGenerativeAi, HttpClient};
use clawkit_testkit::{Script, ScriptedServer};
use futures::StreamExt;
use serde_json::{Map, Value, json};

use crate::{KEY, assert_contract, chunks_to_sse, data, model_at, render};

const FILES: &[&str] = &[
    "google/text.chunks.txt",
    "google/reasoning.chunks.txt",
    "google/reasoning-gemini3.chunks.txt",
    "google/tool-call.chunks.txt",
    "google/tool-call-gemini3.chunks.txt",
    "google/stream-tool-call-arguments.chunks.txt",
    "google/stream-no-args-tool-call.chunks.txt",
    "google/stream-tool-call-array-arguments-missing-terminal-function-call.chunks.txt",
    "google/vertex-stream-tool-call-arguments-nested.1.chunks.txt",
];

#[derive(Debug, Default, PartialEq)]
struct Content {
    text: String,
    thoughts: String,
    tools: Vec<(String, Value)>,
    usage: Option<(u64, u64)>,
}

/// `$.a.b[0]` → `/a/b/0`, and set through pointers, creating containers.
fn set(root: &mut Value, path: &str, value: Value) {
    let pointer = path
        .trim_start_matches('$')
        .replace(['.', '['], "/")
        .replace(']', "");
    let tokens: Vec<&str> = pointer.split('/').filter(|t| !t.is_empty()).collect();
    let mut node = root;
    for (i, token) in tokens.iter().enumerate() {
        let next_is_index = tokens
            .get(i + 1)
            .is_some_and(|t| t.parse::<usize>().is_ok());
        let fresh = || {
            if next_is_index {
                Value::Array(vec![])
            } else {
                Value::Object(Map::new())
            }
        };
        let last = i + 1 == tokens.len();
        node = match token.parse::<usize>() {
            Ok(index) => {
                let items = node.as_array_mut().unwrap();
                while items.len() <= index {
                    items.push(Value::Null);
                }
                if last {
                    items[index] = value;
                    return;
                }
                if items[index].is_null() {
                    items[index] = fresh();
                }
                &mut items[index]
            }
            Err(_) => {
                let map = node.as_object_mut().unwrap();
                if last {
                    map.insert((*token).to_owned(), value);
                    return;
                }
                map.entry((*token).to_owned()).or_insert_with(fresh)
            }
        };
    }
}

fn expected(chunks: &[u8]) -> Content {
    let mut exp = Content::default();
    let mut strings: Option<String> = None;
    for line in String::from_utf8_lossy(chunks)
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let chunk: Value = serde_json::from_str(line).unwrap();
        if let Some(usage) = chunk
            .get("usageMetadata")
            .filter(|u| u.get("promptTokenCount").is_some())
        {
            let prompt = usage["promptTokenCount"].as_u64().unwrap_or(0);
            let output = usage["candidatesTokenCount"].as_u64().unwrap_or(0)
                + usage["thoughtsTokenCount"].as_u64().unwrap_or(0);
            exp.usage = Some((prompt, output));
        }
        for part in chunk
            .pointer("/candidates/0/content/parts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(call) = part.get("functionCall") {
                if let Some(name) = call["name"].as_str() {
                    exp.tools.push((
                        name.to_owned(),
                        call.get("args").cloned().unwrap_or_else(|| json!({})),
                    ));
                    strings = None;
                }
                for piece in call["partialArgs"].as_array().into_iter().flatten() {
                    let path = piece["jsonPath"].as_str().unwrap();
                    let args = &mut exp.tools.last_mut().unwrap().1;
                    if let Some(text) = piece["stringValue"].as_str() {
                        let before = if strings.as_deref() == Some(path) {
                            args.pointer(
                                &path
                                    .trim_start_matches('$')
                                    .replace(['.', '['], "/")
                                    .replace(']', ""),
                            )
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned()
                        } else {
                            String::new()
                        };
                        set(args, path, Value::from(before + text));
                        strings = piece["willContinue"]
                            .as_bool()
                            .unwrap_or(false)
                            .then(|| path.to_owned());
                    } else {
                        let value = piece
                            .get("numberValue")
                            .or(piece.get("boolValue"))
                            .cloned()
                            .unwrap_or(Value::Null);
                        set(args, path, value);
                        strings = None;
                    }
                }
            } else if let Some(text) = part["text"].as_str() {
                if part["thought"].as_bool() == Some(true) {
                    exp.thoughts.push_str(text);
                } else {
                    exp.text.push_str(text);
                }
            }
        }
    }
    exp
}

fn observed(events: &[StreamEvent]) -> Content {
    let mut obs = Content::default();
    for event in events {
        match event {
            StreamEvent::TextDelta { text, .. } => obs.text.push_str(text),
            StreamEvent::ReasoningDelta { text, .. } => obs.thoughts.push_str(text),
            StreamEvent::ToolCallEnd {
                name, arguments, ..
            } => obs.tools.push((name.clone(), (**arguments).clone())),
            StreamEvent::Usage { usage } => {
                obs.usage = Some((usage.input + usage.cache_read, usage.output))
            }
            _ => {}
        }
    }
    obs
}

async fn run(
    script: Script,
    context: Context,
    options: StreamOptions,
) -> (Vec<StreamEvent>, Vec<clawkit_testkit::RecordedRequest>) {
    let server = ScriptedServer::start(vec![script]).await.unwrap();
    let mut model = model_at(&server, "google", ModelApi::GoogleGenerativeAi).with_reasoning(true);
    model.id = "gemini-test".into();
    let transport = GoogleGenerativeAi::new(HttpClient::new().unwrap());
    let mut request = clawkit_core::StreamRequest::new(model, context);
    request.options = options;
    let events = clawkit_core::StreamFn::stream(&transport, request)
        .collect()
        .await;
    (events, server.requests())
}

#[tokio::test]
async fn every_recording_decodes_with_its_content_and_one_terminal_event() {
    for path in FILES {
        let chunks = data(path);
        for (crlf, split) in [(false, 0), (true, 0), (false, 29)] {
            let body = chunks_to_sse(&chunks, "gemini", crlf);
            let script = if split == 0 {
                Script::sse(body)
            } else {
                Script::sse(body).split_every(split)
            };
            let (events, _) = run(script, Context::user("hi"), StreamOptions::default()).await;
            let context = format!("{path} (crlf={crlf}, split={split})");
            assert_contract(&events);
            assert!(
                matches!(events.last(), Some(StreamEvent::Done { .. })),
                "{context}: {:?}",
                events.last()
            );
            assert_eq!(observed(&events), expected(&chunks), "{context}");
        }
    }
}

#[tokio::test]
async fn recordings_snapshot() {
    for path in FILES {
        let (events, _) = run(
            Script::sse(chunks_to_sse(&data(path), "gemini", false)),
            Context::user("hi"),
            StreamOptions::default(),
        )
        .await;
        let mut events = events;
        // Signatures are long base64: keep their length, not their bytes.
        for event in &mut events {
            match event {
                StreamEvent::ToolCallEnd {
                    signature: Some(s), ..
                }
                | StreamEvent::ReasoningEnd {
                    signature: Some(s), ..
                } => {
                    *s = format!("<{} bytes>", s.len());
                }
                StreamEvent::Raw {
                    event: Some(name),
                    data,
                } if name == "thoughtSignature" => *data = format!("<{} bytes>", data.len()),
                _ => {}
            }
        }
        let name = path.replace('/', "__");
        insta::with_settings!({snapshot_suffix => name, prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("google_recording", render(&events));
        });
    }
}

#[tokio::test]
async fn the_request_uses_the_key_header_and_a_snapshot_body() {
    let mut context = Context::user("Weather in Paris?").with_system_prompt("Be terse.");
    context.messages.push(Message::Assistant {
        content: vec![ContentBlock::ToolCall {
            id: "call_1".into(),
            name: "get_weather".into(),
            arguments: json!({"city": "Paris"}),
            signature: Some("c2lnLTE=".into()),
        }],
        stop_reason: None,
    });
    context.messages.push(Message::ToolResult {
        tool_call_id: "call_1".into(),
        tool_name: "get_weather".into(),
        content: vec![ContentBlock::text("18°C")],
        is_error: false,
    });
    let context = context.with_tool(Tool::new(
        "get_weather",
        "Weather",
        json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    ));
    let mut options = StreamOptions::default();
    options.api_key = Some(KEY.into());
    options.thinking_level = Some(ThinkingLevel::Low);
    options.max_tokens = Some(1_000);
    let (events, requests) = run(
        Script::sse(chunks_to_sse(
            &data("google/text.chunks.txt"),
            "gemini",
            false,
        )),
        context,
        options,
    )
    .await;
    assert_contract(&events);
    let request = &requests[0];
    assert_eq!(
        request.path,
        "/v1/models/gemini-test:streamGenerateContent?alt=sse"
    );
    assert_eq!(request.header("x-goog-api-key"), Some(KEY));
    assert!(!request.path.contains(KEY), "the key never goes in the URL");
    insta::assert_json_snapshot!(request.json());
}

#[tokio::test]
async fn safety_blocks_end_as_content_filter() {
    let body = chunks_to_sse(
        br#"{"candidates":[{"content":{"parts":[{"text":"I can"}],"role":"model"},"finishReason":"SAFETY","index":0}]}
{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5}}"#,
        "gemini",
        false,
    );
    let (events, _) = run(
        Script::sse(body),
        Context::user("hi"),
        StreamOptions::default(),
    )
    .await;
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Done {
            reason: clawkit_core::StopReason::ContentFilter
        })
    );
}
