//! The OpenAI Responses history rules: tool-call ids in the `call_…` /
//! `fc_…` shape the API accepts (`normalizeOpenAIResponsesToolCallIds`),
//! and function calls stripped of their item id when the reasoning item
//! they were paired with is gone (`downgradeOpenAIFunctionCallReasoningPairs`).
//!
//! A Responses tool call is stored as `"<call_id>|<item id>"`, and a
//! reasoning item as a thinking block whose signature is the item's JSON
//! (`{"type":"reasoning","id":"rs_…",…}`).

use std::collections::HashMap;

use serde_json::Value;

use crate::context::{ContentBlock, Message};

use super::ReplayChange;
use super::tool_ids::sha256_hex_prefix;

const MAX_ID_LEN: usize = 64;

/// Whether `signature` is a replayable Responses reasoning item: a JSON
/// object with an `rs_…` id and type `reasoning` or `reasoning.*`
/// (`parseOpenAIReasoningSignature`).
pub fn is_openai_reasoning_signature(signature: &str) -> bool {
    let trimmed = signature.trim();
    if !trimmed.starts_with('{') || !trimmed.ends_with('}') {
        return false;
    }
    let Ok(Value::Object(item)) = serde_json::from_str::<Value>(trimmed) else {
        return false;
    };
    let id = item.get("id").and_then(Value::as_str).unwrap_or("");
    let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
    id.starts_with("rs_") && (kind == "reasoning" || kind.starts_with("reasoning."))
}

/// `call_id|item_id` → (call id, item id), when both sides are non-empty.
fn split_pairing(id: &str) -> (&str, Option<&str>) {
    match id.find('|') {
        Some(at) if at > 0 && at < id.len() - 1 => (&id[..at], Some(&id[at + 1..])),
        _ => (id, None),
    }
}

fn valid_part(value: &str, prefix: &str, max_tail: usize) -> bool {
    value.strip_prefix(prefix).is_some_and(|tail| {
        !tail.is_empty()
            && tail.len() <= max_tail
            && tail
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

fn valid_call_id(value: &str) -> bool {
    valid_part(value, "call_", 59)
}

fn valid_item_id(value: &str) -> bool {
    valid_part(value, "fc_", 61)
}

/// One side of an id in its prefix's shape: kept when valid, else the
/// sanitized tail plus `_` and 10 hex digits of SHA-256, at most 64 long
/// (`normalizeOpenAIResponsesIdPart`).
fn normalize_part(value: &str, prefix: &str, valid: fn(&str) -> bool) -> String {
    let trimmed = value.trim();
    if valid(trimmed) {
        return trimmed.to_owned();
    }
    let raw_tail = trimmed.strip_prefix(prefix).unwrap_or(trimmed);
    let hash = sha256_hex_prefix(if trimmed.is_empty() { prefix } else { trimmed }, 10);
    let max_tail = MAX_ID_LEN - prefix.len();
    let suffix = format!("_{hash}");
    let cleaned: String = raw_tail
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('_');
    let room = max_tail.saturating_sub(suffix.len()).max(1);
    let head = cleaned.get(..room.min(cleaned.len())).unwrap_or(cleaned);
    let mut tail = if head.is_empty() {
        "id".to_owned()
    } else {
        head.to_owned()
    };
    tail.push_str(&suffix);
    tail.truncate(max_tail);
    format!("{prefix}{tail}")
}

fn needs_normalizing(id: &str) -> bool {
    let (call, item) = split_pairing(id);
    !valid_call_id(call) || item.is_some_and(|item| !valid_item_id(item))
}

fn normalize_id(id: &str) -> String {
    let (call, item) = split_pairing(id);
    let call_part = match item {
        Some(item) => normalize_part(&format!("{call}|{item}"), "call_", valid_call_id),
        None => normalize_part(call, "call_", valid_call_id),
    };
    match item {
        Some(item) => format!("{call_part}|{}", normalize_part(item, "fc_", valid_item_id)),
        None => call_part,
    }
}

/// Rewrites tool-call ids the Responses API would refuse (longer than 64,
/// not `call_[A-Za-z0-9_-]+` / `fc_[A-Za-z0-9_-]+`), and their results
/// with them (`normalizeOpenAIResponsesToolCallIds`).
pub fn normalize_openai_responses_tool_call_ids(messages: &mut [Message]) -> Option<ReplayChange> {
    let mut rewritten: HashMap<String, String> = HashMap::new();
    let mut details = Vec::new();
    let mut resolve = |id: &str| -> String {
        if let Some(next) = rewritten.get(id) {
            return next.clone();
        }
        if !needs_normalizing(id) {
            return id.to_owned();
        }
        let next = normalize_id(id);
        rewritten.insert(id.to_owned(), next.clone());
        next
    };
    for message in messages.iter_mut() {
        match message {
            Message::Assistant { content, .. } => {
                for block in content.iter_mut() {
                    if let ContentBlock::ToolCall { id, .. } = block {
                        let next = resolve(id);
                        if next != *id {
                            details.push(format!("{id} → {next}"));
                            *id = next;
                        }
                    }
                }
            }
            Message::ToolResult { tool_call_id, .. } if !tool_call_id.is_empty() => {
                let next = resolve(tool_call_id);
                if next != *tool_call_id {
                    details.push(format!("result {tool_call_id} → {next}"));
                    *tool_call_id = next;
                }
            }
            _ => {}
        }
    }
    ReplayChange::of("normalizeOpenAIResponsesToolCallIds", details)
}

/// Strips the `|fc_…` item id from a function call that no reasoning item
/// precedes in its turn, and from the results that follow it, so the
/// transport sends no `function_call.id` the API would reject
/// (`downgradeOpenAIFunctionCallReasoningPairs`).
pub fn downgrade_openai_function_call_reasoning_pairs(
    messages: &mut [Message],
) -> Option<ReplayChange> {
    let mut details = Vec::new();
    let mut pending: HashMap<String, String> = HashMap::new();
    for message in messages.iter_mut() {
        match message {
            Message::Assistant { content, .. } => {
                pending.clear();
                let mut reasoning = false;
                for block in content.iter_mut() {
                    match block {
                        ContentBlock::Thinking {
                            signature: Some(signature),
                            ..
                        } if is_openai_reasoning_signature(signature) => reasoning = true,
                        ContentBlock::ToolCall { id, .. } => {
                            let (call, item) = split_pairing(id);
                            if reasoning || !item.is_some_and(|item| item.starts_with("fc_")) {
                                continue;
                            }
                            let call = call.to_owned();
                            details.push(format!("{id} → {call}"));
                            pending.insert(std::mem::replace(id, call.clone()), call);
                        }
                        _ => {}
                    }
                }
            }
            Message::ToolResult { tool_call_id, .. } if !pending.is_empty() => {
                if let Some(next) = pending.get(tool_call_id.as_str()) {
                    details.push(format!("result {tool_call_id} → {next}"));
                    *tool_call_id = next.clone();
                }
            }
            _ => pending.clear(),
        }
    }
    ReplayChange::of("downgradeOpenAIFunctionCallReasoningPairs", details)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ids_are_kept_and_others_get_a_hash() {
        assert!(!needs_normalizing("call_abc|fc_def"));
        assert!(!needs_normalizing("call_abc"));
        let long = format!("call_{}", "x".repeat(70));
        let next = normalize_id(&long);
        assert!(next.len() <= 64 && next.starts_with("call_x"));
        assert!(next.ends_with(&sha256_hex_prefix(&long, 10)));
        assert_eq!(
            normalize_id("toolu 1"),
            format!("call_toolu_1_{}", sha256_hex_prefix("toolu 1", 10))
        );
    }

    #[test]
    fn a_reasoning_item_is_an_rs_object() {
        assert!(is_openai_reasoning_signature(
            r#"{"type":"reasoning","id":"rs_1"}"#
        ));
        assert!(!is_openai_reasoning_signature(
            r#"{"type":"message","id":"rs_1"}"#
        ));
        assert!(!is_openai_reasoning_signature("rs_1"));
    }
}
