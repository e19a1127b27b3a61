//! The openai-responses transport on hand-made transcripts of the
//! documented Responses streaming events.

use clawkit_core::{
    ContentBlock, Context, ErrorKind, Message, ModelApi, StopReason, StreamEvent, StreamOptions,
    ThinkingLevel, Tool,
};
use clawkit_http::{HttpClient, OpenAiResponses};
use clawkit_testkit::{Script, ScriptedServer};
use futures::StreamExt;
use serde_json::json;

use crate::{KEY, assert_contract, data, model_at, render};

const FILES: &[&str] = &[
    "openai-responses/text-with-reasoning-summary.sse",
    "openai-responses/parallel-function-calls.sse",
    "openai-responses/incomplete-max-output-tokens.sse",
    "openai-responses/failed-after-output.sse",
    "openai-responses/error-event.sse",
    "openai-responses/reasoning-encrypted-function-call.sse",
];

async fn run(
    script: Script,
    context: Context,
    options: StreamOptions,
) -> (Vec<StreamEvent>, Vec<clawkit_testkit::RecordedRequest>) {
    let server = ScriptedServer::start(vec![script]).await.unwrap();
    let model = model_at(&server, "openai", ModelApi::OpenAiResponses).with_reasoning(true);
    let transport = OpenAiResponses::new(HttpClient::new().unwrap());
    let mut request = clawkit_core::StreamRequest::new(model, context);
    request.options = options;
    let events = clawkit_core::StreamFn::stream(&transport, request)
        .collect()
        .await;
    (events, server.requests())
}

#[tokio::test]
async fn transcripts_snapshot() {
    for path in FILES {
        for split in [0, 17] {
            let body = data(path);
            let script = if split == 0 {
                Script::sse(body)
            } else {
                Script::sse(body).split_every(split)
            };
            let (events, _) = run(script, Context::user("hi"), StreamOptions::default()).await;
            assert_contract(&events);
            if split == 0 {
                let name = path.replace('/', "__");
                insta::with_settings!({snapshot_suffix => name, prepend_module_to_snapshot => false}, {
                    insta::assert_snapshot!("responses_transcript", render(&events));
                });
            }
        }
    }
}

#[tokio::test]
async fn outcomes_are_mapped() {
    let last = |events: &[StreamEvent]| events.last().cloned().unwrap();
    let (events, _) = run(
        Script::sse(data("openai-responses/parallel-function-calls.sse")),
        Context::user("hi"),
        StreamOptions::default(),
    )
    .await;
    assert_eq!(
        last(&events),
        StreamEvent::Done {
            reason: StopReason::ToolUse
        }
    );
    let (events, _) = run(
        Script::sse(data("openai-responses/incomplete-max-output-tokens.sse")),
        Context::user("hi"),
        StreamOptions::default(),
    )
    .await;
    assert_eq!(
        last(&events),
        StreamEvent::Done {
            reason: StopReason::Length
        }
    );
    let (events, _) = run(
        Script::sse(data("openai-responses/error-event.sse")),
        Context::user("hi"),
        StreamOptions::default(),
    )
    .await;
    assert!(
        matches!(
            last(&events),
            StreamEvent::Error {
                kind: ErrorKind::RateLimit,
                ..
            }
        ),
        "{events:?}"
    );
    let body = data("openai-responses/text-with-reasoning-summary.sse");
    let cut = String::from_utf8_lossy(&body)
        .find("response.completed")
        .unwrap()
        - 8;
    let (events, _) = run(
        Script::sse(body[..cut].to_vec()),
        Context::user("hi"),
        StreamOptions::default(),
    )
    .await;
    assert!(
        matches!(
            last(&events),
            StreamEvent::Error {
                kind: ErrorKind::Protocol,
                ..
            }
        ),
        "no response.completed"
    );
}

#[tokio::test]
async fn the_request_body_snapshot() {
    let mut context = Context::user("Weather in Paris?").with_system_prompt("Be terse.");
    context.messages.push(Message::Assistant {
        content: vec![ContentBlock::ToolCall {
            id: "call_1".into(),
            name: "get_weather".into(),
            arguments: json!({"city": "Paris"}),
            signature: None,
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
    options.thinking_level = Some(ThinkingLevel::Medium);
    options.max_tokens = Some(500);
    let (_, requests) = run(
        Script::sse(data("openai-responses/text-with-reasoning-summary.sse")),
        context,
        options,
    )
    .await;
    assert_eq!(requests[0].path, "/v1/responses");
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    insta::assert_json_snapshot!(requests[0].json());
}

/// The assistant message a turn's events make (what a caller keeps in its
/// history): reasoning with its signature, text, tool calls.
fn assistant_of(events: &[StreamEvent]) -> Message {
    let mut content = Vec::new();
    for event in events {
        match event {
            StreamEvent::ReasoningEnd {
                text, signature, ..
            } => content.push(ContentBlock::thinking(text.to_string(), signature.clone())),
            StreamEvent::TextEnd { text, .. } => content.push(ContentBlock::text(text.to_string())),
            StreamEvent::ToolCallEnd {
                id,
                name,
                arguments,
                ..
            } => content.push(ContentBlock::tool_call(
                id.clone(),
                name.clone(),
                (**arguments).clone(),
            )),
            _ => {}
        }
    }
    Message::assistant_blocks(content)
}

#[tokio::test]
async fn encrypted_reasoning_survives_into_the_next_request_of_the_tool_loop() {
    let mut options = StreamOptions::default();
    options.api_key = Some(KEY.into());
    options.thinking_level = Some(ThinkingLevel::Medium);
    let tool = Tool::new("get_weather", "Weather", json!({"type": "object"}));
    let first = Context::user("Weather in Oslo?").with_tool(tool.clone());
    let (events, requests) = run(
        Script::sse(data(
            "openai-responses/reasoning-encrypted-function-call.sse",
        )),
        first.clone(),
        options.clone(),
    )
    .await;
    assert_eq!(
        requests[0].json()["include"],
        json!(["reasoning.encrypted_content"]),
        "the first request asks for the encrypted reasoning"
    );
    let turn = assistant_of(&events);
    let mut second = first;
    second.messages.push(turn);
    second.messages.push(Message::tool_result(
        "call_weather_3|fc_3",
        "get_weather",
        "3°C, snow",
    ));
    let (_, requests) = run(
        Script::sse(data("openai-responses/text-with-reasoning-summary.sse")),
        second,
        options,
    )
    .await;
    let input = requests[0].json()["input"].clone();
    assert_eq!(
        input,
        json!([
            {"role": "user", "content": [{"type": "input_text", "text": "Weather in Oslo?"}]},
            {
                "id": "rs_2",
                "type": "reasoning",
                "summary": [{"type": "summary_text", "text": "**Checking** the weather first."}],
                "encrypted_content": "gAAAAABpHandMadeEncryptedReasoning2=="
            },
            {
                "type": "function_call",
                "call_id": "call_weather_3",
                "name": "get_weather",
                "arguments": "{\"city\":\"Oslo\"}",
                "id": "fc_3"
            },
            {"type": "function_call_output", "call_id": "call_weather_3", "output": "3°C, snow"}
        ])
    );
}

#[tokio::test]
async fn a_reasoning_item_without_summary_still_carries_its_encrypted_content() {
    let sse = [
        r#"{"type":"response.created","response":{"id":"resp_3","model":"gpt-5-mini","output":[]}}"#,
        r#"{"type":"response.output_item.added","output_index":0,"item":{"id":"rs_3","type":"reasoning","summary":[]}}"#,
        r#"{"type":"response.output_item.done","output_index":0,"item":{"id":"rs_3","type":"reasoning","summary":[],"encrypted_content":"gAAAA3=="}}"#,
        r#"{"type":"response.completed","response":{"id":"resp_3","model":"gpt-5-mini","output":[],"usage":{"input_tokens":1,"output_tokens":1}}}"#,
    ]
    .iter()
    .map(|data| format!("data: {data}\n\n"))
    .collect::<String>();
    let (events, _) = run(
        Script::sse(sse.into_bytes()),
        Context::user("hi"),
        StreamOptions::default(),
    )
    .await;
    assert_contract(&events);
    let signature = events.iter().find_map(|e| match e {
        StreamEvent::ReasoningEnd {
            text, signature, ..
        } if text.is_empty() => signature.clone(),
        _ => None,
    });
    assert_eq!(
        signature.as_deref(),
        Some(r#"{"id":"rs_3","type":"reasoning","summary":[],"encrypted_content":"gAAAA3=="}"#)
    );
}
