//! The `anthropic-messages` request: the Messages API body.

use clawkit_core::{ContentBlock, Context, Message, RuntimeModel, StreamOptions, ThinkingLevel};
use serde_json::{Map, Value, json};

/// Thinking budget per `/think` level, in tokens.
fn thinking_budget(level: ThinkingLevel) -> Option<u64> {
    match level {
        ThinkingLevel::Off => None,
        ThinkingLevel::Minimal => Some(1_024),
        ThinkingLevel::Low => Some(2_048),
        ThinkingLevel::Medium | ThinkingLevel::Adaptive => Some(8_192),
        ThinkingLevel::High => Some(16_384),
        ThinkingLevel::XHigh => Some(32_768),
        _ => Some(8_192),
    }
}

/// The Messages API body. `max_tokens` is required by the API: the
/// requested limit, else the model's, raised to leave room for a thinking
/// budget.
pub fn request_body(model: &RuntimeModel, context: &Context, options: &StreamOptions) -> Value {
    let mut body = Map::new();
    body.insert("model".into(), Value::from(model.id.clone()));
    let budget = options
        .thinking_level
        .filter(|_| model.reasoning)
        .and_then(thinking_budget);
    let mut max_tokens = options
        .max_tokens
        .unwrap_or(model.max_tokens)
        .min(model.max_tokens);
    if let Some(budget) = budget {
        max_tokens = max_tokens.max(budget + 1_024);
    }
    body.insert("max_tokens".into(), Value::from(max_tokens));
    if let Some(prompt) = context.system_prompt.as_deref().filter(|p| !p.is_empty()) {
        body.insert("system".into(), Value::from(prompt));
    }
    body.insert("messages".into(), Value::Array(messages(context)));
    if !context.tools.is_empty() {
        let tools = context
            .tools
            .iter()
            .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.parameters}))
            .collect();
        body.insert("tools".into(), Value::Array(tools));
    }
    if let Some(budget) = budget {
        body.insert(
            "thinking".into(),
            json!({"type": "enabled", "budget_tokens": budget}),
        );
    } else if let Some(temperature) = options.temperature {
        // Anthropic refuses a temperature together with thinking.
        body.insert("temperature".into(), Value::from(temperature));
    }
    body.insert("stream".into(), Value::Bool(true));
    for (key, value) in &options.extra_params {
        body.insert(key.clone(), value.clone());
    }
    Value::Object(body)
}

/// Messages with consecutive same-role turns merged (tool results are user
/// turns), as the API requires alternation.
fn messages(context: &Context) -> Vec<Value> {
    let mut out: Vec<(String, Vec<Value>)> = Vec::new();
    for message in &context.messages {
        let (role, blocks) = match message {
            Message::User { content } => (
                "user",
                content.iter().filter_map(user_block).collect::<Vec<_>>(),
            ),
            Message::Assistant { content } => (
                "assistant",
                content.iter().filter_map(assistant_block).collect(),
            ),
            Message::ToolResult {
                tool_call_id,
                content,
                is_error,
                ..
            } => {
                let inner: Vec<Value> = content.iter().filter_map(user_block).collect();
                let mut result =
                    json!({"type": "tool_result", "tool_use_id": tool_call_id, "content": inner});
                if *is_error {
                    result["is_error"] = Value::Bool(true);
                }
                ("user", vec![result])
            }
            _ => continue,
        };
        if blocks.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some((last, existing)) if last == role => existing.extend(blocks),
            _ => out.push((role.to_owned(), blocks)),
        }
    }
    out.into_iter()
        .map(|(role, content)| json!({"role": role, "content": content}))
        .collect()
}

fn user_block(block: &ContentBlock) -> Option<Value> {
    match block {
        ContentBlock::Text { text } if !text.is_empty() => {
            Some(json!({"type": "text", "text": text}))
        }
        ContentBlock::Image { mime_type, data } => Some(json!({
            "type": "image",
            "source": {"type": "base64", "media_type": mime_type, "data": data},
        })),
        _ => None,
    }
}

fn assistant_block(block: &ContentBlock) -> Option<Value> {
    match block {
        ContentBlock::Text { text } if !text.is_empty() => {
            Some(json!({"type": "text", "text": text}))
        }
        // Thinking is replayed only with its signature; without one the API refuses it.
        ContentBlock::Thinking {
            thinking,
            signature: Some(signature),
        } if thinking.is_empty() => Some(json!({"type": "redacted_thinking", "data": signature})),
        ContentBlock::Thinking {
            thinking,
            signature: Some(signature),
        } => Some(json!({"type": "thinking", "thinking": thinking, "signature": signature})),
        ContentBlock::ToolCall {
            id,
            name,
            arguments,
            ..
        } => Some(json!({"type": "tool_use", "id": id, "name": name, "input": arguments})),
        _ => None,
    }
}
