//! The `anthropic-messages` request: the Messages API body.

use clawkit_core::{
    CacheRetention, ContentBlock, Context, Message, RuntimeModel, StreamOptions, ThinkingLevel,
};
use serde_json::{Map, Value, json};

/// Thinking budget per `/think` level, in tokens.
///
/// This transport sends budgeted thinking only (`thinking: {type:
/// "enabled", budget_tokens}`), which has no effort names: `max`, like
/// `xhigh`, gets the largest budget of the table. (OpenClaw's transport
/// sends `output_config.effort: "max"` to Claude models with adaptive
/// thinking and native `max`; on its budget path it sends `max` and `xhigh`
/// as `high`.)
fn thinking_budget(level: ThinkingLevel) -> Option<u64> {
    match level {
        ThinkingLevel::Off => None,
        ThinkingLevel::Minimal => Some(1_024),
        ThinkingLevel::Low => Some(2_048),
        ThinkingLevel::Medium | ThinkingLevel::Adaptive => Some(8_192),
        ThinkingLevel::High => Some(16_384),
        ThinkingLevel::XHigh | ThinkingLevel::Max => Some(32_768),
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
    let cache_control = options.cache_retention.as_ref().and_then(cache_control);
    if let Some(prompt) = context.system_prompt.as_deref().filter(|p| !p.is_empty()) {
        let system = match &cache_control {
            // A cached prefix needs the block form of `system`.
            Some(control) => json!([{"type": "text", "text": prompt, "cache_control": control}]),
            None => Value::from(prompt),
        };
        body.insert("system".into(), system);
    }
    let mut messages = messages(context);
    if let Some(control) = &cache_control {
        mark_last_user_block(&mut messages, control);
    }
    body.insert("messages".into(), Value::Array(messages));
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

/// The `cache_control` marker of a retention: ephemeral, for an hour when
/// `long`; none for `none` (or a value clawkit does not know).
fn cache_control(retention: &CacheRetention) -> Option<Value> {
    match retention {
        CacheRetention::Short => Some(json!({"type": "ephemeral"})),
        CacheRetention::Long => Some(json!({"type": "ephemeral", "ttl": "1h"})),
        _ => None,
    }
}

/// Marks the last block of the last user turn, so the conversation so far
/// becomes the cached prefix of the next request.
fn mark_last_user_block(messages: &mut [Value], control: &Value) {
    let last_user = messages
        .iter_mut()
        .rev()
        .find(|m| m["role"] == "user")
        .and_then(|m| m["content"].as_array_mut())
        .and_then(|content| content.last_mut())
        .and_then(Value::as_object_mut);
    if let Some(block) = last_user {
        block.insert("cache_control".into(), control.clone());
    }
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
            Message::Assistant { content, .. } => (
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

#[cfg(test)]
mod tests {
    use super::*;
    use clawkit_core::ModelApi;

    fn body(retention: Option<CacheRetention>) -> Value {
        let model = RuntimeModel::new(
            "anthropic",
            "claude-sonnet-4-5",
            ModelApi::AnthropicMessages,
            "https://api.anthropic.com".parse().unwrap(),
        );
        let context = Context::user("first").with_system_prompt("Be brief.");
        let mut context = context;
        context.messages.push(Message::assistant("ok"));
        context.messages.push(Message::user("second"));
        let mut options = StreamOptions::default();
        options.cache_retention = retention;
        request_body(&model, &context, &options)
    }

    #[test]
    fn cache_retention_marks_the_system_prompt_and_the_last_user_block() {
        let long = body(Some(CacheRetention::Long));
        let control = json!({"type": "ephemeral", "ttl": "1h"});
        assert_eq!(
            long["system"],
            json!([{"type": "text", "text": "Be brief.", "cache_control": control}])
        );
        assert_eq!(long["messages"][2]["content"][0]["cache_control"], control);
        assert!(
            long["messages"][0]["content"][0]
                .get("cache_control")
                .is_none()
        );

        let short = body(Some(CacheRetention::Short));
        assert_eq!(
            short["messages"][2]["content"][0]["cache_control"],
            json!({"type": "ephemeral"})
        );
    }

    #[test]
    fn without_retention_or_with_none_nothing_is_marked() {
        for retention in [None, Some(CacheRetention::None)] {
            let plain = body(retention);
            assert_eq!(plain["system"], "Be brief.");
            assert!(!plain.to_string().contains("cache_control"));
        }
    }

    #[test]
    fn max_thinking_takes_the_largest_budget() {
        let mut model = RuntimeModel::new(
            "anthropic",
            "claude-opus-4-6",
            ModelApi::AnthropicMessages,
            "https://api.anthropic.com".parse().unwrap(),
        )
        .with_limits(200_000, 64_000);
        model.reasoning = true;
        let mut options = StreamOptions::default();
        options.thinking_level = Some(ThinkingLevel::Max);
        let body = request_body(&model, &Context::user("hi"), &options);
        assert_eq!(
            body["thinking"],
            json!({"type": "enabled", "budget_tokens": 32_768})
        );
        assert_eq!(
            thinking_budget(ThinkingLevel::Max),
            thinking_budget(ThinkingLevel::XHigh)
        );
    }
}
