//! A whole Responses API `response` answering a streaming request, replayed
//! as its stream: per output item `response.output_item.added`, its deltas
//! (`output_text` / `refusal` per content part, `reasoning_summary_text`
//! per summary part and `reasoning_text` per content part, the function
//! call's arguments) and `response.output_item.done`; then, by the
//! response's `status`, `response.completed`, `response.incomplete` or
//! `response.failed` carrying the response (a status still in progress has
//! no ending: the answer did not finish).

use serde_json::{Value, json};

use crate::sse::SseEvent;
use crate::wire_decoder::typed_event as event;

/// What the answer is, for errors.
pub(super) const KIND: &str = "a response object";

/// The wire events of `answer`; `None` when it has no `output` list or
/// names itself something else than a `response`.
pub(super) fn replay(answer: &Value) -> Option<Vec<SseEvent>> {
    let object = answer.get("object").and_then(Value::as_str);
    if object.is_some_and(|o| o != "response") {
        return None;
    }
    let output = answer.get("output")?.as_array()?;
    let mut events = Vec::new();
    for (output_index, item) in output.iter().enumerate() {
        item_events(output_index, item, &mut events);
    }
    let ending = match answer.get("status").and_then(Value::as_str) {
        Some("completed") | None => Some("response.completed"),
        Some("incomplete") => Some("response.incomplete"),
        Some("failed") => Some("response.failed"),
        Some(_) => None,
    };
    if let Some(ending) = ending {
        events.push(event(ending, json!({"response": answer})));
    }
    Some(events)
}

/// The events of output item `output_index`.
fn item_events(output_index: usize, item: &Value, events: &mut Vec<SseEvent>) {
    let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
    let item_id = item.get("id").and_then(Value::as_str).unwrap_or("");
    let parts = |key: &str| {
        item.get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let text = |part: &Value, key: &str| {
        part.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let mut item = item.clone();
    if kind == "function_call"
        && let Some(fields) = item.as_object_mut()
        && let Some(arguments) = fields
            .get_mut("arguments")
            .filter(|a| !a.is_string() && !a.is_null())
    {
        // Arguments are JSON text; a gateway may send the object.
        *arguments = Value::String(arguments.to_string());
    }
    let mut added = item.clone();
    if kind == "function_call"
        && let Some(fields) = added.as_object_mut()
    {
        fields.insert("arguments".to_owned(), Value::from(""));
    }
    events.push(event(
        "response.output_item.added",
        json!({"output_index": output_index, "item": added}),
    ));
    let on_item = |mut fields: Value| {
        if let Some(fields) = fields.as_object_mut() {
            fields.insert("item_id".to_owned(), Value::from(item_id));
            fields.insert("output_index".to_owned(), Value::from(output_index));
        }
        fields
    };
    match kind {
        "message" => {
            for (content_index, part) in parts("content").iter().enumerate() {
                let (name, key) = match part.get("type").and_then(Value::as_str) {
                    Some("output_text") => ("response.output_text.delta", "text"),
                    Some("refusal") => ("response.refusal.delta", "refusal"),
                    _ => continue,
                };
                let delta = text(part, key);
                events.push(event(
                    name,
                    on_item(json!({"content_index": content_index, "delta": delta})),
                ));
            }
        }
        "reasoning" => {
            for (summary_index, part) in parts("summary").iter().enumerate() {
                let delta = text(part, "text");
                events.push(event(
                    "response.reasoning_summary_text.delta",
                    on_item(json!({"summary_index": summary_index, "delta": delta})),
                ));
            }
            for (content_index, part) in parts("content").iter().enumerate() {
                let delta = text(part, "text");
                events.push(event(
                    "response.reasoning_text.delta",
                    on_item(json!({"content_index": content_index, "delta": delta})),
                ));
            }
        }
        "function_call" => {
            let arguments = text(&item, "arguments");
            if !arguments.is_empty() {
                events.push(event(
                    "response.function_call_arguments.delta",
                    on_item(json!({"delta": arguments})),
                ));
            }
            events.push(event(
                "response.function_call_arguments.done",
                on_item(json!({"arguments": arguments})),
            ));
        }
        _ => {}
    }
    events.push(event(
        "response.output_item.done",
        json!({"output_index": output_index, "item": item}),
    ));
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use clawkit_core::{ErrorKind, ModelApi, RuntimeModel, StopReason, StreamEvent};
    use serde_json::json;

    use crate::StreamDecoder;

    fn decode(answer: serde_json::Value) -> Vec<StreamEvent> {
        let model = RuntimeModel::new(
            "openai",
            "gpt-5",
            ModelApi::OpenAiResponses,
            "https://api.openai.com/v1".parse().unwrap(),
        );
        let mut decoder = StreamDecoder::new(&model).unwrap();
        let mut events = Vec::new();
        decoder.push(Bytes::from(answer.to_string()), &mut events);
        decoder.finish(&mut events);
        events
    }

    fn answer(status: &str) -> serde_json::Value {
        json!({"object": "response", "status": status, "incomplete_details": {"reason": "max_output_tokens"},
            "output": [
                {"type": "web_search_call", "id": "ws_1", "status": "completed"},
                {"type": "message", "id": "msg_1", "content": [
                    {"type": "refusal", "refusal": "I can't"}, {"type": "output_text", "text": " do that."}]},
                {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "f", "arguments": {"x": 1}}]})
    }

    #[test]
    fn every_status_ends_as_its_stream_would() {
        let events = decode(answer("incomplete"));
        let texts: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::TextEnd { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        // Refusal and text are two parts of the message: two blocks.
        assert_eq!(texts, ["I can't", " do that."]);
        assert!(events.iter().any(|e| matches!(e,
            StreamEvent::ToolCallEnd { id, arguments, .. } if id == "call_1|fc_1" && **arguments == json!({"x": 1}))));
        assert_eq!(
            events.last(),
            Some(&StreamEvent::Done {
                reason: StopReason::Length
            })
        );

        // Still in progress (a background response): it did not finish.
        let events = decode(answer("in_progress"));
        assert!(matches!(
            events.last(),
            Some(StreamEvent::Error { kind: ErrorKind::Protocol, message, .. })
                if message == "openai: the stream ended before response.completed"
        ));
    }

    #[test]
    fn another_object_is_not_an_answer() {
        assert!(super::replay(&json!({"object": "list", "output": []})).is_none());
        assert!(super::replay(&json!({"object": "response"})).is_none());
    }
}
