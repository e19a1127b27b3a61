//! A whole `GenerateContentResponse` answering a streaming request, or a
//! JSON array of them (what `streamGenerateContent` sends without
//! `alt=sse`), replayed as its stream: each response is one chunk, as the
//! stream's chunks have the same shape.

use serde_json::Value;

use crate::sse::SseEvent;
use crate::wire_decoder::wire_event;

/// What the answer is, for errors.
pub(super) const KIND: &str = "a GenerateContentResponse object or an array of them";

/// The wire events of `answer`; `None` when it is not a response (an
/// object with `candidates`, `promptFeedback` or `usageMetadata`) or a
/// non-empty array of them.
pub(super) fn replay(answer: &Value) -> Option<Vec<SseEvent>> {
    let chunks = match answer {
        Value::Array(chunks) if !chunks.is_empty() => chunks.as_slice(),
        Value::Object(_) => std::slice::from_ref(answer),
        _ => return None,
    };
    let is_chunk = |chunk: &Value| {
        ["candidates", "promptFeedback", "usageMetadata", "error"]
            .iter()
            .any(|key| chunk.get(key).is_some())
    };
    if !chunks.iter().all(is_chunk) {
        return None;
    }
    Some(chunks.iter().map(|chunk| wire_event(None, chunk)).collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn a_response_or_a_non_empty_array_of_responses() {
        let chunk = json!({"candidates": [{"content": {"parts": [{"text": "Hi"}]}, "finishReason": "STOP"}]});
        assert_eq!(super::replay(&chunk).map(|events| events.len()), Some(1));
        let array = json!([chunk, {"usageMetadata": {"promptTokenCount": 1}}]);
        assert_eq!(super::replay(&array).map(|events| events.len()), Some(2));
        assert!(super::replay(&json!([])).is_none());
        assert!(super::replay(&json!([chunk, {"object": "list"}])).is_none());
        assert!(super::replay(&json!({"models": []})).is_none());
    }
}
