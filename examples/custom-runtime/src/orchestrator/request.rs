//! Reading a completion request: OpenAI's body plus the routing fields
//! Claw3D sends (`role`, `lane`, `session_id`, `conversation_id`), read
//! leniently: unknown fields are ignored, a routing field of the wrong type
//! counts as absent, `model` may be missing, and consecutive user messages
//! are fine (Claw3D sends them after a failed turn).

use clawkit_core::{Context, Message};
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
        Some(Value::Array(messages)) if !messages.is_empty() => messages,
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

/// OpenAI chat messages onto a clawkit [`Context`], minimally: `system`
/// and `developer` become the system prompt, `user` and `assistant`
/// messages with string or text-part content become messages, anything
/// else (tool calls and results, images) is left out. The second value is
/// the last user message's text.
///
/// This is the one place the orchestrator reads OpenAI messages; a full
/// parser (tools, images, reasoning) can replace it without touching the
/// rest.
fn to_context(messages: &[Value]) -> Result<(Context, String), ApiError> {
    let mut system: Vec<String> = Vec::new();
    let mut context = Context::default();
    let mut prompt = String::new();
    for (i, message) in messages.iter().enumerate() {
        let role = message.get("role").and_then(Value::as_str).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_messages",
                format!("messages[{i}].role: a string is required"),
            )
        })?;
        let content = content_text(message.get("content")).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_messages",
                format!("messages[{i}].content: a string or an array of text parts is required"),
            )
        })?;
        match role {
            "system" | "developer" => system.push(content),
            "user" => {
                prompt.clone_from(&content);
                context.messages.push(Message::user(content));
            }
            "assistant" if !content.is_empty() => {
                context.messages.push(Message::assistant(content));
            }
            _ => {}
        }
    }
    if !system.is_empty() {
        context.system_prompt = Some(system.join("\n\n"));
    }
    Ok((context, prompt))
}

/// The text of a message's content: a string, or the text parts of an
/// array joined; `null` or absent is empty.
fn content_text(content: Option<&Value>) -> Option<String> {
    match content {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(text)) => Some(text.clone()),
        Some(Value::Array(parts)) => Some(
            parts
                .iter()
                .filter_map(|part| match part {
                    Value::String(text) => Some(text.as_str()),
                    other => other.get("text").and_then(Value::as_str),
                })
                .collect(),
        ),
        Some(_) => None,
    }
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
    fn openai_messages_map_minimally() {
        let (context, prompt) = to_context(&[
            json!({"role": "system", "content": "Be brief."}),
            json!({"role": "developer", "content": [{"type": "text", "text": "Really."}]}),
            json!({"role": "user", "content": [{"type": "text", "text": "part1 "}, "part2", {"type": "image_url"}]}),
            json!({"role": "assistant", "content": null, "tool_calls": []}),
            json!({"role": "tool", "content": "42", "tool_call_id": "c"}),
        ])
        .unwrap();
        assert_eq!(
            context.system_prompt.as_deref(),
            Some("Be brief.\n\nReally.")
        );
        assert_eq!(context.messages, [Message::user("part1 part2")]);
        assert_eq!(prompt, "part1 part2");
        let bad = to_context(&[json!({"role": "user", "content": 3})]).unwrap_err();
        assert_eq!(
            bad.message,
            "messages[0].content: a string or an array of text parts is required"
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
