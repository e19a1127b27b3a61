//! A whole Messages API `message` answering a streaming request (LiteLLM's
//! `/v1/messages` does this), replayed as its stream: `message_start` with
//! the model and usage; per content block `content_block_start`, its
//! deltas (`text_delta` and `citations_delta`, `thinking_delta` and
//! `signature_delta`, `input_json_delta`) and `content_block_stop`; then
//! `message_delta` with the stop reason and `message_stop`.

use serde_json::{Value, json};

use crate::sse::SseEvent;
use crate::wire_decoder::typed_event as event;

/// What the answer is, for errors.
pub(super) const KIND: &str = "a message object";

/// The wire events of `answer`; `None` when it has no `content` list or
/// names itself something else than a `message`.
pub(super) fn replay(answer: &Value) -> Option<Vec<SseEvent>> {
    if answer
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t != "message")
    {
        return None;
    }
    let content = answer.get("content")?.as_array()?;
    let mut events = Vec::new();
    let mut message = answer.clone();
    if let Some(fields) = message.as_object_mut() {
        fields.insert("content".to_owned(), json!([]));
        fields.insert("stop_reason".to_owned(), Value::Null);
        fields.insert("stop_sequence".to_owned(), Value::Null);
    }
    events.push(event("message_start", json!({"message": message})));
    for (index, block) in content.iter().enumerate() {
        block_events(index, block, &mut events);
    }
    let stop_reason = answer.get("stop_reason").filter(|r| !r.is_null());
    if let Some(stop_reason) = stop_reason {
        let stop_sequence = answer.get("stop_sequence").cloned().unwrap_or(Value::Null);
        let mut fields =
            json!({"delta": {"stop_reason": stop_reason, "stop_sequence": stop_sequence}});
        if let (Some(fields), Some(output)) = (
            fields.as_object_mut(),
            answer.pointer("/usage/output_tokens"),
        ) {
            fields.insert("usage".to_owned(), json!({"output_tokens": output}));
        }
        events.push(event("message_delta", fields));
    }
    events.push(event("message_stop", json!({})));
    Some(events)
}

/// The events of content block `index`.
fn block_events(index: usize, block: &Value, events: &mut Vec<SseEvent>) {
    let kind = block.get("type").and_then(Value::as_str).unwrap_or("");
    let text = |key: &str| block.get(key).and_then(Value::as_str).unwrap_or("");
    let delta = |delta: Value| {
        event(
            "content_block_delta",
            json!({"index": index, "delta": delta}),
        )
    };
    let start = |block: Value| {
        event(
            "content_block_start",
            json!({"index": index, "content_block": block}),
        )
    };
    match kind {
        "text" => {
            events.push(start(json!({"type": "text", "text": ""})));
            if !text("text").is_empty() {
                events.push(delta(json!({"type": "text_delta", "text": text("text")})));
            }
            for citation in block
                .get("citations")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                events.push(delta(
                    json!({"type": "citations_delta", "citation": citation}),
                ));
            }
        }
        "thinking" => {
            events.push(start(
                json!({"type": "thinking", "thinking": "", "signature": ""}),
            ));
            if !text("thinking").is_empty() {
                events.push(delta(
                    json!({"type": "thinking_delta", "thinking": text("thinking")}),
                ));
            }
            if !text("signature").is_empty() {
                events.push(delta(
                    json!({"type": "signature_delta", "signature": text("signature")}),
                ));
            }
        }
        "tool_use" => {
            let mut opening = block.clone();
            if let Some(opening) = opening.as_object_mut() {
                opening.insert("input".to_owned(), json!({}));
            }
            events.push(start(opening));
            // A call without arguments streams no fragment (its input is `{}`).
            let input = block.get("input").filter(|input| {
                !input.is_null() && input.as_object().is_none_or(|o| !o.is_empty())
            });
            if let Some(input) = input {
                events.push(delta(
                    json!({"type": "input_json_delta", "partial_json": input.to_string()}),
                ));
            }
        }
        // `redacted_thinking` carries its data on the start; blocks clawkit
        // does not map (server tools, their results) pass through raw whole.
        _ => events.push(start(block.clone())),
    }
    events.push(event("content_block_stop", json!({"index": index})));
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use clawkit_core::{ModelApi, RuntimeModel, StopReason, StreamEvent};
    use serde_json::json;

    use crate::StreamDecoder;

    fn decode(answer: serde_json::Value) -> Vec<StreamEvent> {
        let model = RuntimeModel::new(
            "anthropic",
            "claude",
            ModelApi::AnthropicMessages,
            "https://api.anthropic.com/v1".parse().unwrap(),
        );
        let mut decoder = StreamDecoder::new(&model).unwrap();
        let mut events = Vec::new();
        decoder.push(Bytes::from(answer.to_string()), &mut events);
        decoder.finish(&mut events);
        events
    }

    #[test]
    fn redacted_thinking_server_tools_and_a_call_without_arguments() {
        let events = decode(
            json!({"type": "message", "role": "assistant", "model": "claude", "content": [
            {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"},
            {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "paris"}},
            {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
            {"type": "text", "text": "Paris.", "citations": [{"type": "web_search_result_location", "url": "https://example.com"}]},
            {"type": "tool_use", "id": "toolu_1", "name": "now", "input": {}}],
            "stop_reason": "tool_use", "usage": {"input_tokens": 5, "output_tokens": 7}}),
        );
        let kinds: Vec<String> = events
            .iter()
            .map(|e| match e {
                StreamEvent::Raw { event, .. } => format!("raw {}", event.as_deref().unwrap_or("")),
                other => serde_json::to_value(other).unwrap()["type"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "reasoning_start",
                "reasoning_end",
                "raw content_block_start",
                "raw content_block_stop",
                "raw content_block_start",
                "raw content_block_stop",
                "text_start",
                "text_delta",
                "raw content_block_delta",
                "text_end",
                "tool_call_start",
                "tool_call_end",
                "usage",
                "done"
            ]
        );
        assert!(events.iter().any(|e| matches!(e,
            StreamEvent::ReasoningEnd { signature: Some(data), .. } if data == "EmwKAhgBEgy3va3pzix")));
        assert!(events.iter().any(|e| matches!(e,
            StreamEvent::ToolCallEnd { arguments, .. } if **arguments == json!({}))));
        assert_eq!(
            events.last(),
            Some(&StreamEvent::Done {
                reason: StopReason::ToolUse
            })
        );
    }

    #[test]
    fn another_object_is_not_an_answer() {
        assert!(super::replay(&json!({"type": "error", "content": []})).is_none());
        assert!(super::replay(&json!({"type": "message", "content": "text"})).is_none());
    }
}
