//! OpenAI-style chat messages mapped onto clawkit's messages: the
//! `messages` of a Chat Completions request, and `clawkit chat --history`.
//!
//! | OpenAI | clawkit |
//! | --- | --- |
//! | `system` / `developer` message | its text joins the system prompt |
//! | `user` message, text / `image_url` (data URL) parts | `Message::User`, `Text` / `Image` blocks |
//! | `assistant` `reasoning_content` + `reasoning_signature` | a `Thinking` block first |
//! | `assistant` `content` (text / `refusal` parts), `refusal` | `Text` blocks |
//! | `assistant` `tool_calls[]` (`id`, `function.name`, `function.arguments`, `thought_signature`) | `ToolCall` blocks, arguments parsed |
//! | `tool` message (`tool_call_id`, `content`) | `Message::ToolResult`, named after the call it answers |

use std::collections::HashMap;

use clawkit_core::{ContentBlock, Message};
use serde_json::Value;

use super::RequestError;
use clawkit_core::json_input::{
    JsonPointer as Pointer, expect_array as array, expect_object as object, optional_string,
    required_string, value_kind as kind,
};

/// OpenAI-style chat messages as clawkit takes them: the system prompt's
/// parts apart, every other message in order.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ChatMessages {
    /// The text of each `system` (or `developer`) message, in order (a
    /// message's text parts joined by a newline). A turn's system prompt
    /// is these joined by a blank line.
    pub system: Vec<String>,
    /// Every other message, in order.
    pub messages: Vec<Message>,
}

/// Maps an array of OpenAI-style chat messages (the `messages` of a Chat
/// Completions request) onto clawkit's messages.
///
/// Besides OpenAI's fields it reads three clawkit fields that carry what
/// the format cannot: an assistant message's `reasoning_content` and
/// `reasoning_signature`, and a tool call's `thought_signature`. The
/// mapping is the one `docs/cli.md` tabulates ("The history file"); other
/// members are ignored. An error names the RFC 6901 pointer of the
/// offending value (relative to `document`) and what kind of value was
/// found there, never the value.
///
/// ```
/// use clawkit_core::{ContentBlock, Message};
/// use clawkit_server::openai::messages_from_json;
/// use serde_json::json;
///
/// let mapped = messages_from_json(&json!([
///     {"role": "system", "content": "Be brief."},
///     {"role": "user", "content": "Weather in Paris?"},
///     {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
///         "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
///     {"role": "tool", "tool_call_id": "call_1", "content": "18 degrees"}
/// ]))?;
/// assert_eq!(mapped.system, ["Be brief."]);
/// assert_eq!(mapped.messages.len(), 3);
/// assert!(matches!(&mapped.messages[2], Message::ToolResult { tool_name, .. } if tool_name == "get_weather"));
///
/// let error = messages_from_json(&json!([{"role": "robot", "content": "hi"}])).unwrap_err();
/// assert_eq!(error.pointer(), Some("/0/role"));
/// assert_eq!(error.to_string(), "at /0/role: unknown role (expected \"user\", \"assistant\", \"tool\" or \"system\")");
/// # Ok::<(), clawkit_server::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidRequest`](crate::Error::InvalidRequest), with the
/// pointer and what is wrong there.
pub fn messages_from_json(document: &Value) -> Result<ChatMessages, crate::Error> {
    Ok(parse_at(document, &Pointer::root())?)
}

/// Maps the array of chat messages at `root`.
pub(crate) fn parse_at(document: &Value, root: &Pointer) -> Result<ChatMessages, RequestError> {
    let messages = array(document, root, "an array of chat messages")?;
    let mut history = ChatMessages::default();
    // The tool name of every call so far, by call id: a tool message names
    // only the call it answers.
    let mut calls: HashMap<String, String> = HashMap::new();
    for (index, message) in messages.iter().enumerate() {
        let at = root.join(index);
        let fields = object(message, &at, "a chat message")?;
        let role = required_string(fields, "role", &at)?;
        match role {
            "system" | "developer" => {
                let text = system_text(fields, &at)?;
                if !text.is_empty() {
                    history.system.push(text);
                }
            }
            "user" => {
                let content = match fields.get("content") {
                    Some(content) if !content.is_null() => {
                        parts(content, &at.join("content"), Parts::USER)?
                    }
                    _ => return Err(missing_content(&at)),
                };
                history.messages.push(Message::User { content });
            }
            "assistant" => history.messages.push(assistant(fields, &at, &mut calls)?),
            "tool" => history.messages.push(tool_result(fields, &at, &calls)?),
            _ => {
                return Err(RequestError::at(
                    &at.join("role"),
                    "unknown role (expected \"user\", \"assistant\", \"tool\" or \"system\")",
                ));
            }
        }
    }
    Ok(history)
}

fn missing_content(at: &Pointer) -> RequestError {
    RequestError::at(
        &at.join("content"),
        "missing \"content\" (a string or an array of parts)",
    )
}

/// The text of a system message: a string, or its text parts one per line.
fn system_text(
    fields: &serde_json::Map<String, Value>,
    at: &Pointer,
) -> Result<String, RequestError> {
    let content = match fields.get("content") {
        Some(content) if !content.is_null() => content,
        _ => return Err(missing_content(at)),
    };
    let blocks = parts(content, &at.join("content"), Parts::TEXT)?;
    let texts: Vec<String> = blocks
        .into_iter()
        .filter_map(|block| match block {
            ContentBlock::Text { text } => Some(text),
            _ => None,
        })
        .collect();
    Ok(texts.join("\n"))
}

/// Which content parts a role takes besides `text`.
#[derive(Clone, Copy)]
struct Parts {
    images: bool,
    refusal: bool,
}

impl Parts {
    const TEXT: Parts = Parts {
        images: false,
        refusal: false,
    };
    const USER: Parts = Parts {
        images: true,
        refusal: false,
    };
    const ASSISTANT: Parts = Parts {
        images: false,
        refusal: true,
    };
}

/// A `content` value: a string (one text block) or an array of parts.
fn parts(content: &Value, at: &Pointer, allowed: Parts) -> Result<Vec<ContentBlock>, RequestError> {
    let parts = match content {
        Value::String(text) => return Ok(vec![ContentBlock::text(text.clone())]),
        Value::Array(parts) => parts,
        other => {
            return Err(RequestError::at(
                at,
                format!(
                    "expected a string or an array of parts, found {}",
                    kind(other)
                ),
            ));
        }
    };
    let mut blocks = Vec::with_capacity(parts.len());
    for (index, part) in parts.iter().enumerate() {
        let at = at.join(index);
        let fields = object(part, &at, "a content part")?;
        let block = match required_string(fields, "type", &at)? {
            "text" => ContentBlock::text(text_field(fields, "text", &at)?),
            "refusal" if allowed.refusal => ContentBlock::text(text_field(fields, "refusal", &at)?),
            "image_url" if allowed.images => image(fields, &at)?,
            _ => {
                let mut expected = vec!["\"text\""];
                if allowed.images {
                    expected.push("\"image_url\"");
                }
                if allowed.refusal {
                    expected.push("\"refusal\"");
                }
                return Err(RequestError::at(
                    &at.join("type"),
                    format!(
                        "unsupported content part type here (expected {})",
                        expected.join(" or ")
                    ),
                ));
            }
        };
        blocks.push(block);
    }
    Ok(blocks)
}

/// The string member `key` of a part (it may be empty).
fn text_field(
    fields: &serde_json::Map<String, Value>,
    key: &str,
    at: &Pointer,
) -> Result<String, RequestError> {
    optional_string(fields, key, at)?
        .map(str::to_owned)
        .ok_or_else(|| RequestError::at(&at.join(key), format!("missing \"{key}\" (a string)")))
}

/// An `image_url` part whose URL is a base64 `data:` URL.
fn image(
    fields: &serde_json::Map<String, Value>,
    at: &Pointer,
) -> Result<ContentBlock, RequestError> {
    let at = at.join("image_url");
    let image = match fields.get("image_url") {
        Some(image) => object(image, &at, "an image")?,
        None => {
            return Err(RequestError::at(
                &at,
                "missing \"image_url\" (an object with \"url\")",
            ));
        }
    };
    let url = required_string(image, "url", &at)?;
    let at = at.join("url");
    let not_inline = || {
        RequestError::at(
            &at,
            "expected a data URL of a base64 image (data:image/png;base64,…): clawkit sends images inline and fetches nothing",
        )
    };
    let rest = url.strip_prefix("data:").ok_or_else(not_inline)?;
    let (media, data) = rest.split_once(',').ok_or_else(not_inline)?;
    let mime_type = media.strip_suffix(";base64").ok_or_else(not_inline)?;
    let base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
    if !mime_type.starts_with("image/") || data.is_empty() || !data.chars().all(base64) {
        return Err(not_inline());
    }
    Ok(ContentBlock::Image {
        mime_type: mime_type.to_owned(),
        data: data.to_owned(),
    })
}

/// An assistant message: its reasoning, its text, then its tool calls.
fn assistant(
    fields: &serde_json::Map<String, Value>,
    at: &Pointer,
    calls: &mut HashMap<String, String>,
) -> Result<Message, RequestError> {
    let mut content = Vec::new();
    let reasoning = optional_string(fields, "reasoning_content", at)?.unwrap_or_default();
    let signature = optional_string(fields, "reasoning_signature", at)?;
    // A signature alone stands for reasoning the provider keeps redacted.
    if !reasoning.is_empty() || signature.is_some() {
        content.push(ContentBlock::Thinking {
            thinking: reasoning.to_owned(),
            signature: signature.map(str::to_owned),
        });
    }
    if let Some(text) = fields.get("content").filter(|c| !c.is_null()) {
        content.extend(parts(text, &at.join("content"), Parts::ASSISTANT)?);
    }
    if let Some(refusal) = optional_string(fields, "refusal", at)?.filter(|r| !r.is_empty()) {
        content.push(ContentBlock::text(refusal));
    }
    if let Some(tool_calls) = fields.get("tool_calls").filter(|c| !c.is_null()) {
        let list_at = at.join("tool_calls");
        for (index, call) in array(tool_calls, &list_at, "a list of tool calls")?
            .iter()
            .enumerate()
        {
            let block = tool_call(call, &list_at.join(index))?;
            if let ContentBlock::ToolCall { id, name, .. } = &block {
                calls.insert(id.clone(), name.clone());
            }
            content.push(block);
        }
    }
    if content.is_empty() {
        return Err(RequestError::at(
            at,
            "an assistant message needs \"content\", \"tool_calls\", \"reasoning_content\" or \"reasoning_signature\"",
        ));
    }
    Ok(Message::Assistant {
        content,
        stop_reason: None,
    })
}

/// One entry of `tool_calls`.
fn tool_call(call: &Value, at: &Pointer) -> Result<ContentBlock, RequestError> {
    let fields = object(call, at, "a tool call")?;
    let id = required_string(fields, "id", at)?;
    if let Some(kind) = optional_string(fields, "type", at)?
        && kind != "function"
    {
        return Err(RequestError::at(
            &at.join("type"),
            "unsupported tool call type (expected \"function\")",
        ));
    }
    let function_at = at.join("function");
    let function = match fields.get("function") {
        Some(function) => object(function, &function_at, "the called function")?,
        None => {
            return Err(RequestError::at(
                &function_at,
                "missing \"function\" (an object with \"name\" and \"arguments\")",
            ));
        }
    };
    let name = required_string(function, "name", &function_at)?;
    let arguments_at = function_at.join("arguments");
    let arguments = match function.get("arguments") {
        Some(Value::String(text)) if text.trim().is_empty() => Value::Object(Default::default()),
        Some(Value::String(text)) => serde_json::from_str(text).map_err(|e| {
            RequestError::at(
                &arguments_at,
                format!("the arguments string is not valid JSON: {e}"),
            )
        })?,
        Some(other) => {
            return Err(RequestError::at(
                &arguments_at,
                format!(
                    "expected the arguments encoded as a JSON string, found {}",
                    kind(other)
                ),
            ));
        }
        None => {
            return Err(RequestError::at(
                &arguments_at,
                "missing \"arguments\" (the arguments encoded as a JSON string, \"{}\" for none)",
            ));
        }
    };
    let signature = optional_string(fields, "thought_signature", at)?;
    Ok(ContentBlock::ToolCall {
        id: id.to_owned(),
        name: name.to_owned(),
        arguments,
        signature: signature.map(str::to_owned),
    })
}

/// A tool message: the result of the call `tool_call_id`.
fn tool_result(
    fields: &serde_json::Map<String, Value>,
    at: &Pointer,
    calls: &HashMap<String, String>,
) -> Result<Message, RequestError> {
    let id = required_string(fields, "tool_call_id", at)?;
    let content = match fields.get("content") {
        Some(content) if !content.is_null() => parts(content, &at.join("content"), Parts::USER)?,
        _ => return Err(missing_content(at)),
    };
    let named = optional_string(fields, "name", at)?.filter(|n| !n.trim().is_empty());
    let tool_name = match calls.get(id) {
        Some(name) => name.clone(),
        None => named.map(str::to_owned).ok_or_else(|| {
            RequestError::at(
                &at.join("tool_call_id"),
                "matches no tool call of an earlier assistant message (give the tool's \"name\" to keep the result)",
            )
        })?,
    };
    Ok(Message::ToolResult {
        tool_call_id: id.to_owned(),
        tool_name,
        content,
        is_error: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problem(document: Value) -> (String, String) {
        let problem = parse_at(&document, &Pointer::root()).unwrap_err();
        (problem.pointer().to_owned(), problem.message().to_owned())
    }

    #[test]
    fn a_tool_conversation_maps_onto_clawkit_messages() {
        let history = messages_from_json(&json!([
            {"role": "system", "content": "Be brief."},
            {"role": "developer", "content": [{"type": "text", "text": "Use metric units."}]},
            {"role": "user", "content": [
                {"type": "text", "text": "Weather in Paris?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}}
            ]},
            {"role": "assistant", "content": null,
             "reasoning_content": "I should call the tool.", "reasoning_signature": "sig-1",
             "tool_calls": [{"id": "call_1", "type": "function", "thought_signature": "dHM=",
                             "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "18°C, cloudy"},
            {"role": "assistant", "content": [{"type": "text", "text": "18°C."}, {"type": "refusal", "refusal": "No more."}]},
            {"role": "assistant", "reasoning_signature": "redacted-only"}
        ]))
        .unwrap();
        assert_eq!(history.system, ["Be brief.", "Use metric units."]);
        assert_eq!(
            history.messages,
            [
                Message::User {
                    content: vec![
                        ContentBlock::text("Weather in Paris?"),
                        ContentBlock::Image {
                            mime_type: "image/png".to_owned(),
                            data: "iVBORw0KGgo=".to_owned()
                        },
                    ]
                },
                Message::Assistant {
                    content: vec![
                        ContentBlock::Thinking {
                            thinking: "I should call the tool.".to_owned(),
                            signature: Some("sig-1".to_owned())
                        },
                        ContentBlock::ToolCall {
                            id: "call_1".to_owned(),
                            name: "get_weather".to_owned(),
                            arguments: json!({"city": "Paris"}),
                            signature: Some("dHM=".to_owned())
                        },
                    ],
                    stop_reason: None
                },
                Message::ToolResult {
                    tool_call_id: "call_1".to_owned(),
                    tool_name: "get_weather".to_owned(),
                    content: vec![ContentBlock::text("18°C, cloudy")],
                    is_error: false
                },
                Message::Assistant {
                    content: vec![ContentBlock::text("18°C."), ContentBlock::text("No more.")],
                    stop_reason: None
                },
                Message::Assistant {
                    content: vec![ContentBlock::Thinking {
                        thinking: String::new(),
                        signature: Some("redacted-only".to_owned())
                    }],
                    stop_reason: None
                },
            ]
        );
    }

    #[test]
    fn empty_arguments_and_a_named_orphan_result_are_accepted() {
        let history = messages_from_json(&json!([
            {"role": "assistant", "tool_calls": [{"id": "c", "function": {"name": "now", "arguments": ""}}]},
            {"role": "tool", "tool_call_id": "elsewhere", "name": "lookup", "content": [{"type": "text", "text": "ok"}]}
        ]))
        .unwrap();
        let Message::Assistant { content, .. } = &history.messages[0] else {
            panic!("{history:?}")
        };
        assert!(
            matches!(&content[0], ContentBlock::ToolCall { arguments, .. } if *arguments == json!({}))
        );
        assert!(
            matches!(&history.messages[1], Message::ToolResult { tool_name, .. } if tool_name == "lookup")
        );
        assert_eq!(
            messages_from_json(&json!([])).unwrap(),
            ChatMessages::default()
        );
    }

    #[test]
    fn every_malformed_shape_names_its_pointer_and_never_a_value() {
        let secret = "sk-history-canary-0123456789";
        let cases = [
            (
                json!({"role": "user"}),
                "",
                "expected an array of chat messages (an array), found an object",
            ),
            (
                json!([7]),
                "/0",
                "expected a chat message (an object), found a number",
            ),
            (
                json!([{"content": "hi"}]),
                "/0/role",
                "missing \"role\" (a non-empty string)",
            ),
            (
                json!([{"role": secret, "content": "hi"}]),
                "/0/role",
                "unknown role (expected \"user\", \"assistant\", \"tool\" or \"system\")",
            ),
            (
                json!([{"role": "user"}]),
                "/0/content",
                "missing \"content\" (a string or an array of parts)",
            ),
            (
                json!([{"role": "user", "content": 3}]),
                "/0/content",
                "expected a string or an array of parts, found a number",
            ),
            (
                json!([{"role": "user", "content": [{"type": "input_audio"}]}]),
                "/0/content/0/type",
                "unsupported content part type here (expected \"text\" or \"image_url\")",
            ),
            (
                json!([{"role": "system", "content": [{"type": "image_url"}]}]),
                "/0/content/0/type",
                "unsupported content part type here (expected \"text\")",
            ),
            (
                json!([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": format!("https://example.com/{secret}.png")}}]}]),
                "/0/content/0/image_url/url",
                "expected a data URL of a base64 image (data:image/png;base64,…): clawkit sends images inline and fetches nothing",
            ),
            (
                json!([{"role": "assistant"}]),
                "/0",
                "an assistant message needs \"content\", \"tool_calls\", \"reasoning_content\" or \"reasoning_signature\"",
            ),
            (
                json!([{"role": "assistant", "reasoning_content": 1}]),
                "/0/reasoning_content",
                "expected a string, found a number",
            ),
            (
                json!([{"role": "assistant", "tool_calls": {}}]),
                "/0/tool_calls",
                "expected a list of tool calls (an array), found an object",
            ),
            (
                json!([{"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]}]),
                "/0/tool_calls/0/id",
                "missing \"id\" (a non-empty string)",
            ),
            (
                json!([{"role": "assistant", "tool_calls": [{"id": "c", "type": "custom", "function": {}}]}]),
                "/0/tool_calls/0/type",
                "unsupported tool call type (expected \"function\")",
            ),
            (
                json!([{"role": "assistant", "tool_calls": [{"id": "c"}]}]),
                "/0/tool_calls/0/function",
                "missing \"function\" (an object with \"name\" and \"arguments\")",
            ),
            (
                json!([{"role": "assistant", "tool_calls": [{"id": "c", "function": {"name": "", "arguments": "{}"}}]}]),
                "/0/tool_calls/0/function/name",
                "expected a non-empty string, found an empty string",
            ),
            (
                json!([{"role": "assistant", "tool_calls": [{"id": "c", "function": {"name": "f", "arguments": {"a": 1}}}]}]),
                "/0/tool_calls/0/function/arguments",
                "expected the arguments encoded as a JSON string, found an object",
            ),
            (
                json!([{"role": "assistant", "tool_calls": [{"id": "c", "function": {"name": "f"}}]}]),
                "/0/tool_calls/0/function/arguments",
                "missing \"arguments\" (the arguments encoded as a JSON string, \"{}\" for none)",
            ),
            (
                json!([{"role": "assistant", "tool_calls": [{"id": "c", "thought_signature": 5, "function": {"name": "f", "arguments": "{}"}}]}]),
                "/0/tool_calls/0/thought_signature",
                "expected a string, found a number",
            ),
            (
                json!([{"role": "tool", "content": "x"}]),
                "/0/tool_call_id",
                "missing \"tool_call_id\" (a non-empty string)",
            ),
            (
                json!([{"role": "tool", "tool_call_id": "c", "content": "x"}]),
                "/0/tool_call_id",
                "matches no tool call of an earlier assistant message (give the tool's \"name\" to keep the result)",
            ),
        ];
        for (document, pointer, message) in cases {
            let (at, said) = problem(document.clone());
            assert_eq!(
                (at.as_str(), said.as_str()),
                (pointer, message),
                "{document}"
            );
            assert!(!said.contains(secret));
        }
        let (at, said) = problem(json!([
            {"role": "assistant", "tool_calls": [{"id": "c", "function": {"name": "f", "arguments": format!("{{\"key\": \"{secret}\"")}}]}
        ]));
        assert_eq!(at, "/0/tool_calls/0/function/arguments");
        assert!(
            said.starts_with("the arguments string is not valid JSON: "),
            "{said}"
        );
        assert!(!said.contains(secret), "{said}");
    }
}
