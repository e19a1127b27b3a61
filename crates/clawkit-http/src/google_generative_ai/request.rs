//! The `google-generative-ai` request: the `generateContent` body.

use clawkit_core::{ContentBlock, Context, Message, RuntimeModel, StreamOptions, ThinkingLevel};
use serde_json::{Map, Value, json};

use crate::shared::joined_text;

/// The `generateContent` body.
pub fn request_body(model: &RuntimeModel, context: &Context, options: &StreamOptions) -> Value {
    let mut body = Map::new();
    body.insert("contents".into(), Value::Array(contents(context)));
    if let Some(prompt) = context.system_prompt.as_deref().filter(|p| !p.is_empty()) {
        body.insert(
            "systemInstruction".into(),
            json!({"parts": [{"text": prompt}]}),
        );
    }
    if !context.tools.is_empty() {
        let declarations: Vec<Value> = context
            .tools
            .iter()
            .map(|t| json!({"name": t.name, "description": t.description, "parameters": t.parameters}))
            .collect();
        body.insert(
            "tools".into(),
            json!([{"functionDeclarations": declarations}]),
        );
    }
    let mut config = Map::new();
    if let Some(max) = options.max_tokens {
        config.insert(
            "maxOutputTokens".into(),
            Value::from(max.min(model.max_tokens)),
        );
    }
    if let Some(temperature) = options.temperature {
        config.insert("temperature".into(), Value::from(temperature));
    }
    if model.reasoning
        && let Some(level) = options.thinking_level
    {
        // Gemini has no effort above `HIGH`: `xhigh` and `max` get the
        // largest budget Gemini takes (32 768, Gemini 2.5 Pro's ceiling;
        // OpenClaw sends `max` as `high`, whose 2.5 Pro budget this is).
        let budget = match level {
            ThinkingLevel::Off => 0,
            ThinkingLevel::Minimal => 512,
            ThinkingLevel::Low => 1_024,
            ThinkingLevel::Medium => 8_192,
            ThinkingLevel::High => 16_384,
            ThinkingLevel::XHigh | ThinkingLevel::Max => 32_768,
            _ => -1,
        };
        config.insert(
            "thinkingConfig".into(),
            json!({"includeThoughts": budget != 0, "thinkingBudget": budget}),
        );
    }
    if !config.is_empty() {
        body.insert("generationConfig".into(), Value::Object(config));
    }
    for (key, value) in &options.extra_params {
        body.insert(key.clone(), value.clone());
    }
    Value::Object(body)
}

/// Contents with consecutive same-role turns merged; tool results are
/// `user` turns of `functionResponse` parts.
fn contents(context: &Context) -> Vec<Value> {
    let mut out: Vec<(&'static str, Vec<Value>)> = Vec::new();
    for message in &context.messages {
        let (role, parts): (&'static str, Vec<Value>) = match message {
            Message::User { content } => ("user", content.iter().filter_map(part).collect()),
            Message::Assistant { content, .. } => {
                ("model", content.iter().filter_map(part).collect())
            }
            Message::ToolResult {
                tool_name,
                content,
                is_error,
                ..
            } => {
                let key = if *is_error { "error" } else { "content" };
                let response = json!({"name": tool_name, "response": {key: joined_text(content)}});
                ("user", vec![json!({"functionResponse": response})])
            }
            _ => continue,
        };
        if parts.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some((last, existing)) if *last == role => existing.extend(parts),
            _ => out.push((role, parts)),
        }
    }
    out.into_iter()
        .map(|(role, parts)| json!({"role": role, "parts": parts}))
        .collect()
}

fn part(block: &ContentBlock) -> Option<Value> {
    match block {
        ContentBlock::Text { text } if !text.is_empty() => Some(json!({"text": text})),
        ContentBlock::Image { mime_type, data } => {
            Some(json!({"inlineData": {"mimeType": mime_type, "data": data}}))
        }
        ContentBlock::Thinking {
            thinking,
            signature,
        } if !thinking.is_empty() || signature.is_some() => {
            let mut part = json!({"text": thinking, "thought": true});
            if let Some(signature) = signature {
                part["thoughtSignature"] = Value::from(signature.clone());
            }
            Some(part)
        }
        ContentBlock::ToolCall {
            name,
            arguments,
            signature,
            ..
        } => {
            let mut part = json!({"functionCall": {"name": name, "args": arguments}});
            if let Some(signature) = signature {
                part["thoughtSignature"] = Value::from(signature.clone());
            }
            Some(part)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clawkit_core::ModelApi;

    #[test]
    fn max_thinking_takes_the_largest_budget() {
        let mut model = RuntimeModel::new(
            "google",
            "gemini-2.5-pro",
            ModelApi::GoogleGenerativeAi,
            "https://generativelanguage.googleapis.com/v1beta"
                .parse()
                .unwrap(),
        );
        model.reasoning = true;
        let mut options = StreamOptions::default();
        options.thinking_level = Some(ThinkingLevel::Max);
        let body = request_body(&model, &Context::user("hi"), &options);
        assert_eq!(
            body["generationConfig"]["thinkingConfig"],
            json!({"includeThoughts": true, "thinkingBudget": 32_768})
        );
    }
}
