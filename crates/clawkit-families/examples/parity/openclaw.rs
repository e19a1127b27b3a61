//! OpenClaw's transcript JSON ↔ clawkit messages (shared with the replay
//! parity tests, `tests/families/replay/openclaw.rs`).
//!
//! The conversion keeps what clawkit's message model holds: roles, text,
//! thinking with its `thinkingSignature` (a `redacted_thinking` block is
//! empty thinking signed with its `data`), tool calls with their camelCase
//! `thoughtSignature`, results, `stopReason`. Timestamps, usage, result
//! details and snake-case `thought_signature` have no place in it.

use clawkit_core::{ContentBlock, Message, StopReason};
use serde_json::{Value, json};

fn string(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn blocks(content: &Value) -> Vec<ContentBlock> {
    match content {
        Value::String(text) => vec![ContentBlock::text(text.clone())],
        Value::Array(items) => items.iter().filter_map(block).collect(),
        _ => Vec::new(),
    }
}

fn block(value: &Value) -> Option<ContentBlock> {
    let kind = value["type"].as_str().unwrap_or("");
    Some(match kind {
        "text" => ContentBlock::text(value["text"].as_str().unwrap_or("")),
        "thinking" => ContentBlock::thinking(
            value["thinking"].as_str().unwrap_or(""),
            string(value.get("thinkingSignature")).or_else(|| string(value.get("signature"))),
        ),
        "redacted_thinking" => ContentBlock::thinking("", string(value.get("data"))),
        "toolCall" | "toolUse" | "functionCall" => ContentBlock::ToolCall {
            id: string(value.get("id")).unwrap_or_default(),
            name: value["name"].as_str().unwrap_or("").to_owned(),
            arguments: value
                .get("arguments")
                .or_else(|| value.get("input"))
                .cloned()
                .unwrap_or(Value::Null),
            signature: string(value.get("thoughtSignature")),
        },
        "image" => ContentBlock::Image {
            mime_type: value["mimeType"].as_str().unwrap_or("").to_owned(),
            data: value["data"].as_str().unwrap_or("").to_owned(),
        },
        other => panic!("unexpected block type {other:?} in {value}"),
    })
}

fn stop_reason(value: &Value) -> Option<StopReason> {
    Some(match value.as_str()? {
        "toolUse" => StopReason::ToolUse,
        "stop" => StopReason::Stop,
        "length" => StopReason::Length,
        "error" => StopReason::Error,
        "aborted" => StopReason::Aborted,
        other => StopReason::from(other),
    })
}

/// One OpenClaw message.
pub fn message(value: &Value) -> Message {
    match value["role"].as_str() {
        Some("user") => Message::User {
            content: blocks(&value["content"]),
        },
        Some("assistant") => Message::Assistant {
            content: blocks(&value["content"]),
            stop_reason: stop_reason(&value["stopReason"]),
        },
        Some("toolResult") => Message::ToolResult {
            // The primary id as OpenClaw reads it (`rewriteToolResultIds`).
            tool_call_id: [
                "call_id",
                "callId",
                "tool_call_id",
                "tool_use_id",
                "toolCallId",
                "toolUseId",
            ]
            .iter()
            .find_map(|key| string(value.get(*key)).filter(|id| !id.is_empty()))
            .unwrap_or_default(),
            tool_name: value["toolName"].as_str().unwrap_or("").to_owned(),
            content: blocks(&value["content"]),
            is_error: value["isError"].as_bool().unwrap_or(false),
        },
        other => panic!("unexpected role {other:?}"),
    }
}

/// An OpenClaw history.
pub fn messages(value: &Value) -> Vec<Message> {
    value.as_array().unwrap().iter().map(message).collect()
}

/// A clawkit message in OpenClaw's shape (for snapshots a reader can put
/// next to OpenClaw's).
pub fn to_openclaw(message: &Message) -> Value {
    let content: Vec<Value> = message
        .content()
        .iter()
        .map(|block| match block {
            ContentBlock::Text { text } => json!({"type": "text", "text": text}),
            ContentBlock::Thinking {
                thinking,
                signature,
            } => {
                let mut block = json!({"type": "thinking", "thinking": thinking});
                if let Some(signature) = signature {
                    block["thinkingSignature"] = json!(signature);
                }
                block
            }
            ContentBlock::ToolCall {
                id,
                name,
                arguments,
                signature,
            } => {
                let mut call =
                    json!({"type": "toolCall", "id": id, "name": name, "arguments": arguments});
                if let Some(signature) = signature {
                    call["thoughtSignature"] = json!(signature);
                }
                call
            }
            ContentBlock::Image { mime_type, data } => {
                json!({"type": "image", "data": data, "mimeType": mime_type})
            }
            other => json!({"type": format!("{other:?}")}),
        })
        .collect();
    match message {
        Message::Assistant { stop_reason, .. } => {
            let mut value = json!({"role": "assistant", "content": content});
            if let Some(reason) = stop_reason {
                // OpenClaw spells the tool-call stop in camelCase.
                let reason = match reason {
                    StopReason::ToolUse => "toolUse",
                    other => other.as_str(),
                };
                value["stopReason"] = json!(reason);
            }
            value
        }
        Message::ToolResult {
            tool_call_id,
            tool_name,
            is_error,
            ..
        } => json!({
            "role": "toolResult",
            "toolCallId": tool_call_id,
            "toolName": tool_name,
            "content": content,
            "isError": is_error,
        }),
        _ => json!({"role": message.role(), "content": content}),
    }
}
