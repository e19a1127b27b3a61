//! The `openai-responses` request: the Responses API body.

use clawkit_core::{ContentBlock, Context, Message, RuntimeModel, StreamOptions};
use serde_json::{Map, Value, json};

use crate::shared::{joined_text, openai_reasoning_effort, texts};

/// The Responses API body.
pub fn request_body(model: &RuntimeModel, context: &Context, options: &StreamOptions) -> Value {
    let mut body = Map::new();
    body.insert("model".into(), Value::from(model.id.clone()));
    if let Some(prompt) = context.system_prompt.as_deref().filter(|p| !p.is_empty()) {
        body.insert("instructions".into(), Value::from(prompt));
    }
    body.insert("input".into(), Value::Array(input(context)));
    body.insert("stream".into(), Value::Bool(true));
    body.insert("store".into(), Value::Bool(false));
    if let Some(max) = options.max_tokens {
        body.insert(
            "max_output_tokens".into(),
            Value::from(max.min(model.max_tokens)),
        );
    }
    if let Some(temperature) = options.temperature {
        body.insert("temperature".into(), Value::from(temperature));
    }
    if !context.tools.is_empty() {
        let tools: Vec<Value> = context
            .tools
            .iter()
            .map(|t| json!({"type": "function", "name": t.name, "description": t.description, "parameters": t.parameters}))
            .collect();
        body.insert("tools".into(), Value::Array(tools));
    }
    if model.reasoning {
        let supported = model.compat.supported_reasoning_efforts.as_deref();
        let effort = options
            .thinking_level
            .and_then(|level| openai_reasoning_effort(level, supported));
        if let Some(effort) = effort {
            body.insert(
                "reasoning".into(),
                json!({"effort": effort, "summary": "auto"}),
            );
            // Stateless requests (`store: false`) get reasoning back only
            // encrypted; a later request of the tool loop sends it back.
            body.insert("include".into(), json!(["reasoning.encrypted_content"]));
        }
    }
    for (key, value) in &options.extra_params {
        body.insert(key.clone(), value.clone());
    }
    Value::Object(body)
}

fn input(context: &Context) -> Vec<Value> {
    let mut items = Vec::new();
    for message in &context.messages {
        match message {
            Message::User { content } => {
                let parts: Vec<Value> = content
                    .iter()
                    .filter_map(|block| match block {
                        ContentBlock::Text { text } => Some(json!({"type": "input_text", "text": text})),
                        ContentBlock::Image { mime_type, data } => {
                            Some(json!({"type": "input_image", "image_url": format!("data:{mime_type};base64,{data}")}))
                        }
                        _ => None,
                    })
                    .collect();
                if !parts.is_empty() {
                    items.push(json!({"role": "user", "content": parts}));
                }
            }
            Message::Assistant { content, .. } => {
                let calls = content
                    .iter()
                    .any(|b| matches!(b, ContentBlock::ToolCall { .. }));
                // The reasoning of a turn that called tools goes back with
                // the calls, so the model keeps it through the tool loop
                // (the API drops reasoning of earlier turns anyway).
                if calls {
                    items.extend(content.iter().filter_map(reasoning_item));
                }
                let text: String = texts(content).collect();
                if !text.is_empty() {
                    items.push(json!({"role": "assistant", "content": [{"type": "output_text", "text": text}]}));
                }
                for block in content {
                    if let ContentBlock::ToolCall {
                        id,
                        name,
                        arguments,
                        ..
                    } = block
                    {
                        let (call_id, item_id) = split_call_id(id);
                        let mut call = json!({
                            "type": "function_call",
                            "call_id": call_id,
                            "name": name,
                            "arguments": serde_json::to_string(arguments).unwrap_or_default(),
                        });
                        if let Some(item_id) = item_id {
                            call["id"] = Value::from(item_id);
                        }
                        items.push(call);
                    }
                }
            }
            Message::ToolResult {
                tool_call_id,
                content,
                ..
            } => {
                let output = joined_text(content);
                let (call_id, _) = split_call_id(tool_call_id);
                items.push(
                    json!({"type": "function_call_output", "call_id": call_id, "output": output}),
                );
            }
            _ => {}
        }
    }
    items
}

/// `call_…|fc_…` → the call id and the function-call item id (OpenClaw's
/// shape of a Responses tool-call id).
fn split_call_id(id: &str) -> (&str, Option<&str>) {
    match id.split_once('|') {
        Some((call, item)) if !call.is_empty() && !item.is_empty() => (call, Some(item)),
        _ => (id, None),
    }
}

/// A thinking block that holds an encrypted Responses reasoning item, as
/// the item to send back.
fn reasoning_item(block: &ContentBlock) -> Option<Value> {
    let ContentBlock::Thinking {
        signature: Some(signature),
        ..
    } = block
    else {
        return None;
    };
    let item: Value = serde_json::from_str(signature).ok()?;
    let replayable = item["type"] == "reasoning"
        && item["id"].as_str().is_some_and(|id| id.starts_with("rs_"))
        && item["encrypted_content"]
            .as_str()
            .is_some_and(|e| !e.is_empty());
    replayable.then_some(item)
}
