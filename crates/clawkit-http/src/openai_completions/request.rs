//! The `openai-completions` request: OpenClaw's compat detection
//! ([`resolve_compat`]) and the Chat Completions body ([`request_body`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use clawkit_core::{
    ContentBlock, Context, InputKind, MaxTokensField, Message, ModelCompat, RuntimeModel,
    ThinkingFormat, ThinkingLevel, Tool,
};
use serde_json::{Map, Value, json};

use super::REASONING_FIELDS;
use crate::shared::{joined_text, openai_reasoning_effort};

/// Compat flags with OpenClaw's detection filled in where the model leaves
/// them unset.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedCompat {
    /// Send `store: false`.
    pub supports_store: bool,
    /// Use the `developer` role for reasoning models.
    pub supports_developer_role: bool,
    /// Send `reasoning_effort`.
    pub supports_reasoning_effort: bool,
    /// Send `stream_options.include_usage`.
    pub supports_usage_in_streaming: bool,
    /// Which field carries the output limit.
    pub max_tokens_field: MaxTokensField,
    /// Tool results need `name`.
    pub requires_tool_result_name: bool,
    /// A tool result must be followed by an assistant turn.
    pub requires_assistant_after_tool_result: bool,
    /// Replay thinking as `<thinking>` text.
    pub requires_thinking_as_text: bool,
    /// How reasoning is requested.
    pub thinking_format: ThinkingFormat,
    /// Tool schemas may be `strict`.
    pub supports_strict_mode: bool,
    /// The reasoning efforts the endpoint accepts (`None`: up to `high`).
    pub supported_reasoning_efforts: Option<Vec<String>>,
    /// Send the session id as `prompt_cache_key` (default off).
    pub supports_prompt_cache_key: bool,
    /// Send the session id as the `session_id`, `x-client-request-id` and
    /// `x-session-affinity` headers (default off).
    pub send_session_affinity_headers: bool,
    /// Send the session id as the `session_id` header (default off).
    pub send_session_id_header: bool,
}

/// `getCompat(model)`: the model's compat, else what the provider and base
/// URL imply.
pub fn resolve_compat(model: &RuntimeModel) -> ResolvedCompat {
    let host = model.base_url.host_str().unwrap_or("").to_ascii_lowercase();
    let provider = model.provider.as_str();
    let is = |id: &str, host_part: &str| {
        provider == id || (!host_part.is_empty() && host.contains(host_part))
    };
    let mistral = is("mistral", "mistral.ai");
    let chutes = is("chutes", "chutes.ai");
    let xai = is("xai", "api.x.ai");
    let zai = is("zai", "api.z.ai");
    let non_standard = mistral
        || chutes
        || xai
        || zai
        || is("cerebras", "cerebras.ai")
        || is("deepseek", "deepseek.com")
        || is("opencode", "");
    let c: &ModelCompat = &model.compat;
    ResolvedCompat {
        supports_store: c.supports_store.unwrap_or(!non_standard),
        supports_developer_role: c.supports_developer_role.unwrap_or(!non_standard),
        supports_reasoning_effort: c.supports_reasoning_effort.unwrap_or(!(xai || zai)),
        supports_usage_in_streaming: c.supports_usage_in_streaming.unwrap_or(true),
        max_tokens_field: c.max_tokens_field.clone().unwrap_or(if mistral || chutes {
            MaxTokensField::MaxTokens
        } else {
            MaxTokensField::MaxCompletionTokens
        }),
        requires_tool_result_name: c.requires_tool_result_name.unwrap_or(mistral),
        requires_assistant_after_tool_result: c
            .requires_assistant_after_tool_result
            .unwrap_or(false),
        requires_thinking_as_text: c.requires_thinking_as_text.unwrap_or(mistral),
        thinking_format: c.thinking_format.clone().unwrap_or(if zai {
            ThinkingFormat::Zai
        } else {
            ThinkingFormat::OpenAi
        }),
        supports_strict_mode: c.supports_strict_mode.unwrap_or(true),
        supported_reasoning_efforts: c.supported_reasoning_efforts.clone(),
        supports_prompt_cache_key: c.supports_prompt_cache_key.unwrap_or(false),
        send_session_affinity_headers: c.send_session_affinity_headers.unwrap_or(false),
        send_session_id_header: c.send_session_id_header.unwrap_or(false),
    }
}

/// The JSON body for `model`, `context` and `options`, before payload hooks.
/// Identical input gives byte-identical output (field order is fixed), so
/// prompt caches keep hitting.
pub fn request_body(
    model: &RuntimeModel,
    compat: &ResolvedCompat,
    context: &Context,
    options: &clawkit_core::StreamOptions,
) -> Value {
    let mut body = Map::new();
    body.insert("model".into(), Value::from(model.id.clone()));
    body.insert(
        "messages".into(),
        Value::Array(messages(model, compat, context)),
    );
    body.insert("stream".into(), Value::Bool(true));
    if compat.supports_usage_in_streaming {
        body.insert("stream_options".into(), json!({"include_usage": true}));
    }
    if compat.supports_store {
        body.insert("store".into(), Value::Bool(false));
    }
    if compat.supports_prompt_cache_key
        && let Some(session) = options.session_id.as_deref().filter(|s| !s.is_empty())
    {
        body.insert("prompt_cache_key".into(), Value::from(session));
    }
    if let Some(max) = options.max_tokens {
        let field = match compat.max_tokens_field {
            MaxTokensField::MaxTokens => "max_tokens",
            _ => "max_completion_tokens",
        };
        body.insert(field.into(), Value::from(max.min(model.max_tokens)));
    }
    if let Some(temperature) = options.temperature {
        body.insert("temperature".into(), Value::from(temperature));
    }
    if !context.tools.is_empty() {
        let tools = context.tools.iter().map(tool_json).collect();
        body.insert("tools".into(), Value::Array(tools));
    } else if history_has_tools(context) {
        // Proxies reject tool history without a tools field.
        body.insert("tools".into(), Value::Array(Vec::new()));
    }
    reasoning(model, compat, options.thinking_level, &mut body);
    for (key, value) in &options.extra_params {
        body.insert(key.clone(), value.clone());
    }
    Value::Object(body)
}

fn tool_json(tool: &Tool) -> Value {
    json!({
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.parameters,
        }
    })
}

fn history_has_tools(context: &Context) -> bool {
    context.messages.iter().any(|m| match m {
        Message::ToolResult { .. } => true,
        other => other
            .content()
            .iter()
            .any(|b| matches!(b, ContentBlock::ToolCall { .. })),
    })
}

fn reasoning(
    model: &RuntimeModel,
    compat: &ResolvedCompat,
    level: Option<ThinkingLevel>,
    body: &mut Map<String, Value>,
) {
    let effort = level.and_then(|level| {
        openai_reasoning_effort(level, compat.supported_reasoning_efforts.as_deref())
    });
    let openrouter = model
        .base_url
        .host_str()
        .is_some_and(|h| h.contains("openrouter.ai"));
    match compat.thinking_format {
        ThinkingFormat::Zai | ThinkingFormat::Qwen if model.reasoning => {
            body.insert("enable_thinking".into(), Value::Bool(effort.is_some()));
        }
        _ if compat.thinking_format == ThinkingFormat::OpenRouter || openrouter => {
            if let Some(effort) = effort {
                body.insert("reasoning".into(), json!({"effort": effort}));
            }
        }
        _ => {
            if let Some(effort) = effort
                && model.reasoning
                && compat.supports_reasoning_effort
            {
                body.insert("reasoning_effort".into(), Value::from(effort));
            }
        }
    }
}

/// OpenClaw's message conversion (§12.3).
fn messages(model: &RuntimeModel, compat: &ResolvedCompat, context: &Context) -> Vec<Value> {
    let mut out = Vec::with_capacity(context.messages.len() + 1);
    if let Some(prompt) = context.system_prompt.as_deref().filter(|p| !p.is_empty()) {
        let role = if model.reasoning && compat.supports_developer_role {
            "developer"
        } else {
            "system"
        };
        out.push(json!({"role": role, "content": prompt}));
    }
    let images = model.input.contains(&InputKind::Image);
    let mut ids = ToolCallIds::new(model);
    let mut pending_images: Vec<Value> = Vec::new();
    let mut after_tool_result = false;
    for message in &context.messages {
        if !matches!(message, Message::ToolResult { .. }) {
            flush_tool_images(&mut out, &mut pending_images, compat);
        }
        match message {
            Message::User { content } => {
                if after_tool_result && compat.requires_assistant_after_tool_result {
                    out.push(json!({"role": "assistant", "content": "I have processed the tool results."}));
                }
                if let Some(content) = user_content(content, images) {
                    out.push(json!({"role": "user", "content": content}));
                }
                after_tool_result = false;
            }
            Message::Assistant { content, .. } => {
                if let Some(message) = assistant_message(content, compat, &mut ids) {
                    out.push(message);
                }
                after_tool_result = false;
            }
            Message::ToolResult {
                tool_call_id,
                tool_name,
                content,
                ..
            } => {
                let text = joined_text(content);
                let mut result = Map::new();
                result.insert("role".into(), Value::from("tool"));
                result.insert("tool_call_id".into(), Value::from(ids.result(tool_call_id)));
                result.insert(
                    "content".into(),
                    Value::from(if text.is_empty() {
                        "(see attached image)".to_owned()
                    } else {
                        text
                    }),
                );
                if compat.requires_tool_result_name {
                    result.insert("name".into(), Value::from(tool_name.clone()));
                }
                out.push(Value::Object(result));
                if images {
                    pending_images.extend(content.iter().filter_map(image_part));
                }
                after_tool_result = true;
            }
            _ => {}
        }
    }
    flush_tool_images(&mut out, &mut pending_images, compat);
    out
}

fn flush_tool_images(out: &mut Vec<Value>, images: &mut Vec<Value>, compat: &ResolvedCompat) {
    if images.is_empty() {
        return;
    }
    if compat.requires_assistant_after_tool_result {
        out.push(json!({"role": "assistant", "content": "I have processed the tool results."}));
    }
    let mut parts = vec![json!({"type": "text", "text": "Attached image(s) from tool result:"})];
    parts.append(images);
    out.push(json!({"role": "user", "content": parts}));
}

fn image_part(block: &ContentBlock) -> Option<Value> {
    match block {
        ContentBlock::Image { mime_type, data } => Some(
            json!({"type": "image_url", "image_url": {"url": format!("data:{mime_type};base64,{data}")}}),
        ),
        _ => None,
    }
}

fn user_content(content: &[ContentBlock], images: bool) -> Option<Value> {
    let parts: Vec<Value> = content
        .iter()
        .filter_map(|block| match block {
            ContentBlock::Text { text } => Some(json!({"type": "text", "text": sanitize(text)})),
            ContentBlock::Image { .. } if images => image_part(block),
            _ => None,
        })
        .collect();
    match parts.as_slice() {
        [] => None,
        [only] if only["type"] == "text" => Some(only["text"].clone()),
        _ => Some(Value::Array(parts)),
    }
}

/// Tool-call ids as Chat Completions servers take them (OpenClaw's
/// `normalizeToolCallId` in `convertMessages`): an id that pairs a call
/// with a Responses item (`call_…|fc_…`) keeps its call part, with
/// `[^A-Za-z0-9_-]` turned into `_`, at most 40 characters; on the `openai`
/// provider any id is cut to 40 (UTF-16 units). Ids are trimmed, and a
/// result takes its call's new id.
///
/// OpenClaw applies this to turns of another model only; clawkit's messages
/// do not say which model wrote them, so it applies it to every turn (a
/// turn of the same model has no `|` in its ids, and OpenAI's own ids are
/// shorter than 40). Mistral's 9-character ids are not made here: OpenClaw
/// 2026.9.6 retired `requiresMistralToolIds` and gives Mistral models the
/// `strict9` replay policy instead.
struct ToolCallIds {
    openai: bool,
    rewritten: HashMap<String, String>,
}

impl ToolCallIds {
    fn new(model: &RuntimeModel) -> Self {
        ToolCallIds {
            openai: model.provider == "openai",
            rewritten: HashMap::new(),
        }
    }

    fn normalize(&self, id: &str) -> String {
        if let Some(at) = id.find('|') {
            // JavaScript replaces each UTF-16 unit: a character outside
            // the BMP becomes two underscores.
            let call: String = id[..at]
                .chars()
                .flat_map(|c| {
                    let keep = c.is_ascii_alphanumeric() || c == '_' || c == '-';
                    let (c, n) = if keep { (c, 1) } else { ('_', c.len_utf16()) };
                    std::iter::repeat_n(c, n)
                })
                .take(40)
                .collect();
            return call;
        }
        if self.openai {
            return truncate_utf16(id, 40).to_owned();
        }
        id.to_owned()
    }

    fn call(&mut self, id: &str) -> String {
        let trimmed = id.trim();
        let next = self.normalize(trimmed);
        if next != trimmed {
            self.rewritten.insert(trimmed.to_owned(), next.clone());
        }
        next
    }

    fn result(&self, id: &str) -> String {
        let trimmed = id.trim();
        self.rewritten
            .get(trimmed)
            .cloned()
            .unwrap_or_else(|| trimmed.to_owned())
    }
}

/// The longest prefix of `text` of at most `units` UTF-16 code units that
/// does not split a character (`truncateUtf16Safe`).
fn truncate_utf16(text: &str, units: usize) -> &str {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        used += c.len_utf16();
        if used > units {
            return &text[..at];
        }
    }
    text
}

fn assistant_message(
    content: &[ContentBlock],
    compat: &ResolvedCompat,
    ids: &mut ToolCallIds,
) -> Option<Value> {
    let mut text = String::new();
    let mut thinking: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut tool_calls = Vec::new();
    for block in content {
        match block {
            ContentBlock::Text { text: t } if !t.is_empty() => text.push_str(&sanitize(t)),
            ContentBlock::Thinking { thinking: t, signature } if !t.is_empty() => {
                if compat.requires_thinking_as_text {
                    text.push_str(&format!("<thinking>{t}</thinking>"));
                } else {
                    let field = signature
                        .as_deref()
                        .filter(|s| REASONING_FIELDS.contains(s))
                        .unwrap_or("reasoning_content");
                    thinking.entry(field.to_owned()).or_default().push(t);
                }
            }
            ContentBlock::ToolCall { id, name, arguments, .. } => tool_calls.push(json!({
                "id": ids.call(id),
                "type": "function",
                "function": {"name": name, "arguments": serde_json::to_string(arguments).unwrap_or_default()},
            })),
            _ => {}
        }
    }
    if text.is_empty() && tool_calls.is_empty() {
        return None;
    }
    let mut message = Map::new();
    message.insert("role".into(), Value::from("assistant"));
    let content = if !text.is_empty() {
        Value::from(text)
    } else if compat.requires_assistant_after_tool_result {
        Value::from("")
    } else {
        Value::Null
    };
    message.insert("content".into(), content);
    for (field, parts) in thinking {
        message.insert(field, Value::from(parts.join("\n")));
    }
    if !tool_calls.is_empty() {
        message.insert("tool_calls".into(), Value::Array(tool_calls));
    }
    Some(Value::Object(message))
}

/// Replaces lone surrogates (impossible in Rust strings) — and NULs, which
/// some servers reject.
fn sanitize(text: &str) -> Cow<'_, str> {
    if text.contains('\0') {
        Cow::Owned(text.replace('\0', ""))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::model;
    use super::*;

    #[test]
    fn compat_detection_follows_openclaw() {
        let mistral = resolve_compat(&model("mistral", "https://api.mistral.ai/v1"));
        assert!(!mistral.supports_store && mistral.requires_tool_result_name);
        assert_eq!(mistral.max_tokens_field, MaxTokensField::MaxTokens);
        let xai = resolve_compat(&model("my-grok", "https://api.x.ai/v1"));
        assert!(!xai.supports_reasoning_effort && !xai.supports_developer_role);
        let openai = resolve_compat(&model("openai", "https://api.openai.com/v1"));
        assert!(openai.supports_store && openai.supports_usage_in_streaming);
        assert_eq!(
            resolve_compat(&model("zai", "https://api.z.ai/api")).thinking_format,
            ThinkingFormat::Zai
        );
    }

    fn call_then_result(id: &str) -> Context {
        let mut context = Context::user("go");
        context
            .messages
            .push(Message::assistant_blocks(vec![ContentBlock::tool_call(
                id,
                "read",
                json!({}),
            )]));
        context
            .messages
            .push(Message::tool_result(id, "read", "ok"));
        context
    }

    fn sent_ids(provider: &str, id: &str) -> (String, String) {
        let model = model(provider, "https://api.example.com/v1");
        let sent = messages(&model, &resolve_compat(&model), &call_then_result(id));
        let call = sent[1]["tool_calls"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let result = sent[2]["tool_call_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        (call, result)
    }

    #[test]
    fn a_responses_pair_id_keeps_its_call_part() {
        let (call, result) = sent_ids("acme", "call_abc|fc_123");
        assert_eq!((call.as_str(), result.as_str()), ("call_abc", "call_abc"));
        let long = format!("call x.{}|fc_1", "y".repeat(50));
        let (call, result) = sent_ids("acme", &long);
        assert_eq!(call, format!("call_x_{}", "y".repeat(33)));
        assert_eq!(result, call);
    }

    #[test]
    fn openai_ids_are_cut_to_40_and_others_kept() {
        let long = format!("call_{}", "z".repeat(60));
        let (call, result) = sent_ids("openai", &long);
        assert_eq!(call.len(), 40);
        assert_eq!(result, call);
        assert_eq!(sent_ids("acme", &long).0, long);
        assert_eq!(
            sent_ids("openai", " call_1 "),
            ("call_1".to_owned(), "call_1".to_owned())
        );
        assert_eq!(
            truncate_utf16("ab😀cd", 3),
            "ab",
            "a surrogate pair is not split"
        );
    }
}
