//! Reading a completion request: OpenAI's body plus the routing fields
//! Claw3D sends (`role`, `lane`, `session_id`, `conversation_id`). The
//! body is read leniently: unknown fields are ignored, a routing field of
//! the wrong type counts as absent, `model` may be missing, and
//! consecutive user messages are fine (Claw3D sends them after a failed
//! turn). Each message is read as `clawkit serve` reads it (OpenAI's
//! shapes; Claw3D sends string contents), and one that is not OpenAI's
//! shape is a 400 naming its pointer.

use clawkit_core::{ContentBlock, Context, Message};
use clawkit_server::openai::messages_from_json;
use serde_json::Value;

use super::wire::ApiError;

/// The longest prompt text the scripted worker repeats.
const MAX_ECHO_CHARS: usize = 200;

/// One completion request, whichever endpoint it came to. (`lane` is
/// accepted and not read: the routed role decides the lane.)
#[derive(Debug, Clone)]
pub(super) struct CompletionRequest {
    pub(super) model: Option<String>,
    pub(super) role: Option<String>,
    pub(super) session_id: Option<String>,
    pub(super) conversation_id: Option<String>,
    pub(super) stream: bool,
    pub(super) include_usage: bool,
    pub(super) temperature: Option<f64>,
    pub(super) max_tokens: Option<u64>,
    /// The conversation, as the model worker sends it.
    pub(super) context: Context,
    /// The last user message's text (what the scripted worker answers).
    pub(super) prompt: String,
    /// The JSON Schema the answer must satisfy (contracted completions).
    pub(super) contract: Option<Value>,
}

/// `POST /v1/chat/completions`: `messages` is required.
pub(super) fn chat(body: &Value) -> Result<CompletionRequest, ApiError> {
    let object = object(body)?;
    let messages = match object.get("messages") {
        Some(messages @ Value::Array(items)) if !items.is_empty() => messages,
        Some(Value::Array(_)) => {
            return Err(ApiError::bad_request(
                "invalid_messages",
                "messages: at least one message is needed",
            ));
        }
        _ => {
            return Err(ApiError::bad_request(
                "invalid_messages",
                "messages: an array of chat messages is required",
            ));
        }
    };
    let (context, prompt) = to_context(messages)?;
    Ok(common(body, context, prompt))
}

/// `POST /v1/completions`: `prompt` (a string or strings) is required.
pub(super) fn completion(body: &Value) -> Result<CompletionRequest, ApiError> {
    object(body)?;
    let prompt = prompt_text(body.get("prompt")).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_prompt",
            "prompt: a string or an array of strings is required",
        )
    })?;
    Ok(common(body, Context::user(prompt.clone()), prompt))
}

/// `POST /v1/contracted-completions`: `messages` or `prompt`, and
/// `contract` (a JSON Schema: an object or a boolean).
pub(super) fn contracted(body: &Value) -> Result<CompletionRequest, ApiError> {
    let object = object(body)?;
    let contract = match object.get("contract") {
        Some(contract @ (Value::Object(_) | Value::Bool(_))) => contract.clone(),
        _ => {
            return Err(ApiError::bad_request(
                "invalid_contract",
                "contract: a JSON Schema (an object) is required",
            ));
        }
    };
    let mut request = if object.contains_key("messages") {
        chat(body)?
    } else {
        completion(body)?
    };
    request.stream = false;
    request.contract = Some(contract);
    Ok(request)
}

fn object(body: &Value) -> Result<&serde_json::Map<String, Value>, ApiError> {
    body.as_object().ok_or_else(|| {
        ApiError::bad_request("invalid_body", "the request body is not a JSON object")
    })
}

/// The fields every endpoint shares.
fn common(body: &Value, context: Context, prompt: String) -> CompletionRequest {
    CompletionRequest {
        model: text(body, "model"),
        role: text(body, "role"),
        session_id: text(body, "session_id"),
        conversation_id: text(body, "conversation_id"),
        stream: body.get("stream").and_then(Value::as_bool) == Some(true),
        include_usage: body
            .get("stream_options")
            .and_then(|o| o.get("include_usage"))
            .and_then(Value::as_bool)
            == Some(true),
        temperature: body.get("temperature").and_then(Value::as_f64),
        max_tokens: body
            .get("max_completion_tokens")
            .or_else(|| body.get("max_tokens"))
            .and_then(Value::as_u64),
        context,
        prompt,
        contract: None,
    }
}

/// OpenAI chat messages onto a clawkit [`Context`], with the mapping
/// `clawkit serve` and `clawkit chat --history` use
/// ([`messages_from_json`]): the system and developer messages become the
/// system prompt; user, assistant and tool messages (text, images, tool
/// calls and results, reasoning) become clawkit messages. The second value
/// is the last user message's text (what the scripted worker answers).
fn to_context(messages: &Value) -> Result<(Context, String), ApiError> {
    let mapped = messages_from_json(messages).map_err(|error| {
        let pointer = error.pointer().unwrap_or("");
        let message = match &error {
            clawkit_server::Error::InvalidRequest { message, .. } => message.as_str(),
            _ => "not a list of chat messages",
        };
        ApiError::bad_request(
            "invalid_messages",
            format!("at /messages{pointer}: {message}"),
        )
    })?;
    let prompt = mapped
        .messages
        .iter()
        .rev()
        .find_map(|message| match message {
            Message::User { content } => Some(
                content
                    .iter()
                    .filter_map(|block| match block {
                        ContentBlock::Text { text } => Some(text.as_str()),
                        _ => None,
                    })
                    .collect::<String>(),
            ),
            _ => None,
        })
        .unwrap_or_default();
    let mut context = Context::default();
    context.messages = mapped.messages;
    if !mapped.system.is_empty() {
        context.system_prompt = Some(mapped.system.join("\n\n"));
    }
    Ok((context, prompt))
}

/// `prompt`: a string, or an array of strings joined by newlines.
fn prompt_text(prompt: Option<&Value>) -> Option<String> {
    match prompt? {
        Value::String(text) => Some(text.clone()),
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(|items| items.join("\n")),
        _ => None,
    }
}

/// The non-blank, trimmed string at `key`.
fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `text` cut to [`MAX_ECHO_CHARS`] characters, with `…` when cut.
pub(super) fn shortened(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(MAX_ECHO_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claw3d_bodies_are_read_with_their_routing_fields() {
        let request = chat(&json!({
            "stream": false, "role": "coder", "lane": "main",
            "conversation_id": "agent:coder:main", "session_id": "agent:coder:main",
            "messages": [{"role": "user", "content": "m"}, {"role": "user", "content": "m"}],
            "unknown": {"x": 1}
        }))
        .unwrap();
        assert_eq!(request.model, None);
        assert_eq!(request.role.as_deref(), Some("coder"));
        assert_eq!(request.session_id.as_deref(), Some("agent:coder:main"));
        assert_eq!(request.context.messages.len(), 2);
        assert_eq!(request.prompt, "m");
    }

    #[test]
    fn openai_messages_map_as_the_gateway_maps_them() {
        let (context, prompt) = to_context(&json!([
            {"role": "system", "content": "Be brief."},
            {"role": "developer", "content": [{"type": "text", "text": "Really."}]},
            {"role": "user", "content": [{"type": "text", "text": "part1 "}, {"type": "text", "text": "part2"}]},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function",
                "function": {"name": "add", "arguments": "{\"a\":40,\"b\":2}"}}]},
            {"role": "tool", "content": "42", "tool_call_id": "c"},
        ]))
        .unwrap();
        assert_eq!(
            context.system_prompt.as_deref(),
            Some("Be brief.\n\nReally.")
        );
        assert_eq!(context.messages.len(), 3);
        assert!(matches!(
            &context.messages[1],
            Message::Assistant { content, .. }
                if matches!(&content[0], ContentBlock::ToolCall { name, .. } if name == "add")
        ));
        assert!(matches!(
            &context.messages[2],
            Message::ToolResult { tool_name, .. } if tool_name == "add"
        ));
        assert_eq!(prompt, "part1 part2");
        let bad = to_context(&json!([{"role": "user", "content": 3}])).unwrap_err();
        assert_eq!(bad.status.as_u16(), 400);
        assert!(
            bad.message.starts_with("at /messages/0/content: "),
            "{}",
            bad.message
        );
    }

    #[test]
    fn malformed_bodies_are_400s_that_say_why() {
        for (body, message) in [
            (json!([1]), "the request body is not a JSON object"),
            (
                json!({"model": "m"}),
                "messages: an array of chat messages is required",
            ),
            (
                json!({"messages": []}),
                "messages: at least one message is needed",
            ),
        ] {
            let error = chat(&body).unwrap_err();
            assert_eq!(
                (error.status.as_u16(), error.message.as_str()),
                (400, message)
            );
        }
        assert_eq!(
            completion(&json!({"prompt": ["a", "b"]})).unwrap().prompt,
            "a\nb"
        );
        assert!(contracted(&json!({"prompt": "x"})).is_err());
        assert_eq!(
            shortened(&"é".repeat(300)).chars().count(),
            MAX_ECHO_CHARS + 1
        );
    }
}
