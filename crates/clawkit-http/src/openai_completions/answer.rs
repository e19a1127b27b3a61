//! A whole `chat.completion` answering a streaming request, replayed as
//! its stream: one chunk whose choice-0 delta is the answer's message (tool
//! calls numbered by position), with the model and usage, then `[DONE]`.

use bytes::Bytes;
use serde_json::{Map, Value, json};

use crate::sse::SseEvent;
use crate::wire_decoder::wire_event;

/// What the answer is, for errors.
pub(super) const KIND: &str = "a chat.completion object";

/// The wire events of `answer`; `None` when it has no `choices` list or
/// names itself something else than a `chat.completion`.
pub(super) fn replay(answer: &Value) -> Option<Vec<SseEvent>> {
    let object = answer.get("object").and_then(Value::as_str);
    if object.is_some_and(|o| o != "chat.completion") {
        return None;
    }
    let choices = answer.get("choices")?.as_array()?;
    let mut chunk = Map::new();
    for key in ["model", "usage"] {
        if let Some(value) = answer.get(key) {
            chunk.insert(key.to_owned(), value.clone());
        }
    }
    // Choice 0, as in a stream: the one with index 0, else the first.
    let chosen = choices
        .iter()
        .find(|c| c.get("index").and_then(Value::as_u64) == Some(0))
        .or_else(|| choices.first());
    let replayed: Vec<Value> = chosen
        .map(|choice| {
            let message = choice.get("message").map(delta).unwrap_or(Value::Null);
            json!({"index": 0, "delta": message,
                   "finish_reason": choice.get("finish_reason").cloned().unwrap_or(Value::Null)})
        })
        .into_iter()
        .collect();
    chunk.insert("choices".to_owned(), Value::Array(replayed));
    Some(vec![
        wire_event(None, &Value::Object(chunk)),
        SseEvent {
            event: None,
            data: Bytes::from_static(b"[DONE]"),
            id: None,
        },
    ])
}

/// A message as the delta of one chunk: text parts joined, tool calls
/// numbered by position, arguments sent as JSON text.
fn delta(message: &Value) -> Value {
    let Some(fields) = message.as_object() else {
        return Value::Null;
    };
    let mut delta = fields.clone();
    // Some servers send content as a list of text parts.
    if let Some(Value::Array(parts)) = fields.get("content") {
        let text: String = parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect();
        delta.insert("content".to_owned(), Value::String(text));
    }
    if let Some(Value::Array(calls)) = fields.get("tool_calls") {
        let calls = calls
            .iter()
            .enumerate()
            .map(|(position, call)| {
                let mut call = call.clone();
                if let Some(call) = call.as_object_mut() {
                    call.entry("index").or_insert_with(|| Value::from(position));
                    // Arguments are JSON text; some servers send the object.
                    if let Some(function) = call.get_mut("function").and_then(Value::as_object_mut)
                        && let Some(arguments) = function
                            .get_mut("arguments")
                            .filter(|a| !a.is_string() && !a.is_null())
                    {
                        *arguments = Value::String(arguments.to_string());
                    }
                }
                call
            })
            .collect();
        delta.insert("tool_calls".to_owned(), Value::Array(calls));
    }
    Value::Object(delta)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use clawkit_core::{StopReason, StreamEvent};
    use serde_json::json;

    use super::super::test_support::model;
    use crate::StreamDecoder;

    fn decode(answer: serde_json::Value) -> Vec<StreamEvent> {
        let mut decoder =
            StreamDecoder::new(&model("acme", "https://api.acme.example/v1")).unwrap();
        let mut events = Vec::new();
        decoder.push(Bytes::from(answer.to_string()), &mut events);
        decoder.finish(&mut events);
        events
    }

    #[test]
    fn lenient_servers_text_parts_object_arguments_and_calls_without_ids() {
        let events = decode(
            json!({"object": "chat.completion", "model": "local", "choices": [
            {"index": 1, "message": {"content": "other choice"}, "finish_reason": "stop"},
            {"index": 0, "message": {"role": "assistant",
                "content": [{"type": "text", "text": "Two "}, {"type": "text", "text": "calls."}],
                "tool_calls": [
                    {"type": "function", "function": {"name": "a", "arguments": {"x": 1}}},
                    {"type": "function", "function": {"name": "b", "arguments": "{\"y\":2}"}}]},
             "finish_reason": "tool_calls"}]}),
        );
        let text: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::TextEnd { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(text, ["Two calls."]);
        let calls: Vec<(&str, serde_json::Value)> = events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::ToolCallEnd {
                    name, arguments, ..
                } => Some((name.as_str(), (**arguments).clone())),
                _ => None,
            })
            .collect();
        assert_eq!(calls, [("a", json!({"x": 1})), ("b", json!({"y": 2}))]);
        assert_eq!(
            events.last(),
            Some(&StreamEvent::Done {
                reason: StopReason::ToolUse
            })
        );
    }

    #[test]
    fn another_object_is_not_an_answer() {
        assert!(
            super::replay(&json!({"object": "chat.completion.chunk", "choices": []})).is_none()
        );
        assert!(super::replay(&json!({"object": "chat.completion", "choices": {}})).is_none());
        assert!(super::replay(&json!([{"choices": []}])).is_none());
        // No choice at all (a filtered prompt): usage, then `stop`.
        let events = decode(json!({"object": "chat.completion", "choices": [],
                                   "usage": {"prompt_tokens": 3, "completion_tokens": 0}}));
        assert!(matches!(events.first(), Some(StreamEvent::Usage { .. })));
        assert_eq!(
            events.last(),
            Some(&StreamEvent::Done {
                reason: StopReason::Stop
            })
        );
    }
}
