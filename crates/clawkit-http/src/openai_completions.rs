//! The `openai-completions` transport: OpenAI Chat Completions over SSE, and
//! every server that copies it (DeepSeek, Groq, Mistral, xAI, Qwen, vLLM,
//! llama.cpp, LM Studio, gateways).
//!
//! Request: OpenClaw's compat detection and knobs (§12.1–12.3): system vs
//! developer role, images, assistant tool calls and thinking, tool results
//! with the synthetic assistant turn, `stream_options.include_usage`,
//! `store`, the max-tokens field, reasoning effort per thinking format.
//!
//! Response: text, reasoning (`reasoning_content`, `reasoning`,
//! `reasoning_text`), tool calls keyed by their `index` (so parallel calls
//! stream interleaved; without an index, by id), usage from any chunk
//! (the last one wins: a usage-only tail chunk, the finish chunk, or every
//! chunk), finish reasons, `[DONE]`, and `{"error": …}` chunks inside a 200
//! stream. Only choice 0 of an `n > 1` stream is decoded.
//!
//! Usage convention: `input` excludes cached prompt tokens (`cache_read`
//! holds them), `output` is `completion_tokens` (reasoning included, also
//! reported in `reasoning`), `total = prompt_tokens + completion_tokens`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::marker::PhantomData;

use clawkit_core::{
    ContentBlock, Context, ErrorKind, EventStream, InputKind, MaxTokensField, Message, ModelApi,
    ModelCompat, ModelCost, RuntimeModel, StopReason, StreamEvent, StreamFn, StreamRequest, Text,
    ThinkingFormat, ThinkingLevel, Tool, Usage,
};
use serde::Deserialize;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value, json};

use crate::client::HttpClient;
use crate::driver::{Call, KeyHeader, WireDecoder, drive};
use crate::error::in_stream_error;
use crate::partial_json::parse_partial;
use crate::sse::SseEvent;

/// The `openai-completions` transport.
#[derive(Debug, Clone)]
pub struct OpenAiCompletions {
    client: HttpClient,
}

impl OpenAiCompletions {
    /// A transport sending through `client`.
    pub fn new(client: HttpClient) -> Self {
        OpenAiCompletions { client }
    }
}

impl StreamFn for OpenAiCompletions {
    fn stream(&self, request: StreamRequest) -> EventStream {
        let model = &request.model;
        let compat = resolve_compat(model);
        let body = request_body(model, &compat, &request.context, &request.options);
        // OpenClaw's newest transport: the session id as affinity headers.
        let session_headers: &[&str] = if compat.send_session_affinity_headers {
            &["session_id", "x-client-request-id", "x-session-affinity"]
        } else if compat.send_session_id_header {
            &["session_id"]
        } else {
            &[]
        };
        let defaults: Vec<(&str, &str)> = match request.options.session_id.as_deref() {
            Some(session) if !session.is_empty() => session_headers
                .iter()
                .map(|name| (*name, session))
                .collect(),
            _ => Vec::new(),
        };
        let call = Call::new(
            &self.client,
            "openai",
            endpoint(&model.base_url, "chat/completions"),
            body,
            &defaults,
            KeyHeader::Bearer,
            &request,
        );
        drive(self.client.clone(), call, Decoder::new(model))
    }
}

/// The error-message label of a provider: its id, as OpenClaw's transports use.
fn label(model: &RuntimeModel) -> String {
    model.provider.clone()
}

/// `base` + `/path`, whatever trailing slash `base` has.
pub(crate) fn endpoint(base: &url::Url, path: &str) -> url::Url {
    let mut url = base.clone();
    let joined = format!("{}/{}", base.path().trim_end_matches('/'), path);
    url.set_path(&joined);
    url
}

// ------------------------------------------------------------------ compat

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

// ------------------------------------------------------------------ request

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
    let effort = level.and_then(|level| match level {
        ThinkingLevel::Off => None,
        ThinkingLevel::Minimal => Some("minimal"),
        ThinkingLevel::Low => Some("low"),
        ThinkingLevel::Medium | ThinkingLevel::Adaptive => Some("medium"),
        ThinkingLevel::High => Some("high"),
        ThinkingLevel::XHigh => Some("xhigh"),
        _ => Some("medium"),
    });
    let effort = effort.map(|e| {
        let allowed = |e: &str| {
            compat
                .supported_reasoning_efforts
                .as_ref()
                .is_none_or(|list| list.iter().any(|x| x == e))
        };
        if e == "xhigh" && !(compat.supported_reasoning_efforts.is_some() && allowed("xhigh")) {
            "high"
        } else {
            e
        }
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
            Message::Assistant { content } => {
                if let Some(message) = assistant_message(content, compat) {
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
                let text: Vec<&str> = content
                    .iter()
                    .filter_map(|b| match b {
                        ContentBlock::Text { text } => Some(text.as_str()),
                        _ => None,
                    })
                    .collect();
                let text = text.join("\n");
                let mut result = Map::new();
                result.insert("role".into(), Value::from("tool"));
                result.insert("tool_call_id".into(), Value::from(tool_call_id.clone()));
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

fn assistant_message(content: &[ContentBlock], compat: &ResolvedCompat) -> Option<Value> {
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
                "id": id,
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

/// The delta fields that carry reasoning, in order of preference.
const REASONING_FIELDS: [&str; 3] = ["reasoning_content", "reasoning", "reasoning_text"];

// ------------------------------------------------------------------ response

#[derive(Deserialize)]
struct WireToolCall<'a> {
    #[serde(default)]
    index: Option<u64>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    function: Option<WireFunction<'a>>,
}

#[derive(Deserialize)]
struct WireFunction<'a> {
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    name: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    arguments: Option<Cow<'a, str>>,
}

#[derive(Deserialize, Default)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
    #[serde(default)]
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Deserialize, Default)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: Option<u64>,
}

#[derive(Deserialize, Default)]
struct CompletionDetails {
    #[serde(default)]
    reasoning_tokens: Option<u64>,
}

/// One chunk, parsed in place: strings stay borrowed from the event data,
/// only choice 0 is decoded, and nothing is moved up through nested
/// `Result`s (which made derived nested structs cost as much as the JSON).
#[derive(Default)]
struct Chunk<'a> {
    /// The chunk had a `choices` list with at least one entry.
    any_choice: bool,
    /// Choice 0 (or the first choice without an index) was found.
    chosen: bool,
    choice: Choice<'a>,
    usage: Option<WireUsage>,
    /// A non-null `error` member.
    error: bool,
    /// The model that answered.
    model: Option<Cow<'a, str>>,
}

#[derive(Default)]
struct Choice<'a> {
    index: Option<u64>,
    delta: Delta<'a>,
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Default)]
struct Delta<'a> {
    content: Option<Cow<'a, str>>,
    refusal: Option<Cow<'a, str>>,
    /// `reasoning_content`, `reasoning`, `reasoning_text`: see [`REASONING_FIELDS`].
    reasoning: [Option<Cow<'a, str>>; 3],
    tool_calls: Option<Vec<WireToolCall<'a>>>,
}

impl<'a> Chunk<'a> {
    /// Parses `data` into this chunk, which the caller keeps on its stack:
    /// a chunk returned by value was copied whole (264 bytes) every event.
    fn parse_into(&mut self, data: &'a [u8]) -> serde_json::Result<()> {
        crate::wire::from_json_seed(data, InPlace(self))
    }
}

/// A seed that fills the value it points to.
struct InPlace<'s, T>(&'s mut T);

/// The optional string of `key` in a map, borrowed when possible.
fn next_str<'de: 'a, 'a, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Cow<'a, str>>, A::Error> {
    map.next_value_seed(OptStr(PhantomData))
}

struct OptStr<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for OptStr<'a> {
    type Value = Option<Cow<'a, str>>;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        crate::wire::opt_str(deserializer)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ChunkKey {
    Choices,
    Usage,
    Error,
    Model,
    #[serde(other)]
    Other,
}

impl<'de: 'a, 'a> DeserializeSeed<'de> for InPlace<'_, Chunk<'a>> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for InPlace<'_, Chunk<'a>> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a chat.completion.chunk object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<ChunkKey>()? {
            match key {
                ChunkKey::Choices => map.next_value_seed(ChoicesSeed(&mut *self.0))?,
                ChunkKey::Usage => self.0.usage = map.next_value()?,
                ChunkKey::Model => self.0.model = next_str(&mut map)?,
                ChunkKey::Error => {
                    self.0.error = map.next_value::<Option<IgnoredAny>>()?.is_some();
                }
                ChunkKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `choices`: null, or a list whose choice 0 is decoded into the chunk.
struct ChoicesSeed<'s, 'a>(&'s mut Chunk<'a>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for ChoicesSeed<'_, 'a> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for ChoicesSeed<'_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of choices")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let chunk = self.0;
        loop {
            if chunk.chosen {
                // Other choices of an n > 1 stream are known, and deliberately not decoded.
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    return Ok(());
                }
                continue;
            }
            if seq.next_element_seed(InPlace(&mut chunk.choice))?.is_none() {
                return Ok(());
            }
            chunk.any_choice = true;
            if chunk.choice.index.unwrap_or(0) == 0 {
                chunk.chosen = true;
            } else {
                chunk.choice = Choice::default();
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ChoiceKey {
    Index,
    Delta,
    FinishReason,
    #[serde(other)]
    Other,
}

impl<'de: 'a, 'a> DeserializeSeed<'de> for InPlace<'_, Choice<'a>> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for InPlace<'_, Choice<'a>> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a choice object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<ChoiceKey>()? {
            match key {
                ChoiceKey::Index => self.0.index = map.next_value()?,
                ChoiceKey::Delta => map.next_value_seed(OptionalDelta(&mut self.0.delta))?,
                ChoiceKey::FinishReason => self.0.finish_reason = next_str(&mut map)?,
                ChoiceKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum DeltaKey {
    Content,
    Refusal,
    ReasoningContent,
    Reasoning,
    ReasoningText,
    ToolCalls,
    #[serde(other)]
    Other,
}

/// `delta`: null or an object.
struct OptionalDelta<'s, 'a>(&'s mut Delta<'a>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for OptionalDelta<'_, 'a> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for OptionalDelta<'_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a delta object or null")
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let delta = self.0;
        while let Some(key) = map.next_key::<DeltaKey>()? {
            match key {
                DeltaKey::Content => delta.content = next_str(&mut map)?,
                DeltaKey::Refusal => delta.refusal = next_str(&mut map)?,
                DeltaKey::ReasoningContent => delta.reasoning[0] = next_str(&mut map)?,
                DeltaKey::Reasoning => delta.reasoning[1] = next_str(&mut map)?,
                DeltaKey::ReasoningText => delta.reasoning[2] = next_str(&mut map)?,
                DeltaKey::ToolCalls => delta.tool_calls = map.next_value()?,
                DeltaKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Text,
    Reasoning(usize),
}

struct OpenBlock {
    kind: Open,
    index: usize,
    text: String,
}

struct ToolState {
    wire_index: Option<u64>,
    block: usize,
    id: String,
    name: String,
    args: String,
    started: bool,
}

/// The openai-completions wire decoder.
pub(crate) struct Decoder {
    label: String,
    request_id: Option<String>,
    prices: ModelCost,
    next_block: usize,
    open: Option<OpenBlock>,
    tools: Vec<ToolState>,
    stop: Option<StopReason>,
    usage: Option<Usage>,
    /// The model named by the response.
    response_model: Option<String>,
    finished: bool,
}

impl Decoder {
    pub(crate) fn new(model: &RuntimeModel) -> Self {
        Decoder {
            label: label(model),
            request_id: None,
            prices: model.cost.clone(),
            next_block: 0,
            open: None,
            tools: Vec::new(),
            stop: None,
            usage: None,
            response_model: None,
            finished: false,
        }
    }

    fn chunk(&mut self, data: &[u8], out: &mut Vec<StreamEvent>) -> Result<bool, ()> {
        let mut chunk = Chunk::default();
        chunk.parse_into(data).map_err(|_| ())?;
        if chunk.error {
            let payload: Value = serde_json::from_slice(data).map_err(|_| ())?;
            let (kind, message) =
                in_stream_error(&self.label, &payload, self.request_id.as_deref());
            self.fail(kind, message, out);
            return Ok(true);
        }
        if self.response_model.is_none()
            && let Some(model) = chunk.model.take().filter(|m| !m.is_empty())
        {
            self.response_model = Some(model.into_owned());
        }
        let mut understood = false;
        if let Some(usage) = chunk.usage.take() {
            self.usage = Some(self.convert_usage(&usage));
            understood = true;
        }
        understood |= chunk.any_choice;
        if chunk.chosen {
            self.delta(&mut chunk.choice.delta, out);
            if let Some(reason) = chunk.choice.finish_reason {
                self.stop = Some(stop_reason(&reason));
            }
        }
        Ok(understood)
    }

    fn delta(&mut self, delta: &mut Delta<'_>, out: &mut Vec<StreamEvent>) {
        let reasoning = delta
            .reasoning
            .iter_mut()
            .enumerate()
            .find_map(|(field, text)| text.take().filter(|t| !t.is_empty()).map(|t| (field, t)));
        if let Some((field, text)) = reasoning {
            self.append(Open::Reasoning(field), text, out);
        }
        for text in [delta.content.take(), delta.refusal.take()]
            .into_iter()
            .flatten()
        {
            if !text.is_empty() {
                self.append(Open::Text, text, out);
            }
        }
        if let Some(calls) = delta.tool_calls.take() {
            self.close_open(out);
            for call in calls {
                self.tool_delta(call, out);
            }
        }
    }

    fn append(&mut self, kind: Open, text: Cow<'_, str>, out: &mut Vec<StreamEvent>) {
        let same = matches!(&self.open, Some(open) if std::mem::discriminant(&open.kind) == std::mem::discriminant(&kind));
        if !same {
            self.close_open(out);
            let index = self.take_index();
            out.push(match kind {
                Open::Text => StreamEvent::TextStart { index },
                Open::Reasoning(_) => StreamEvent::ReasoningStart { index },
            });
            self.open = Some(OpenBlock {
                kind,
                index,
                text: String::new(),
            });
        }
        let Some(open) = self.open.as_mut() else {
            return;
        };
        open.text.push_str(&text);
        let text = Text::from(text);
        out.push(match kind {
            Open::Text => StreamEvent::TextDelta {
                index: open.index,
                text,
            },
            Open::Reasoning(_) => StreamEvent::ReasoningDelta {
                index: open.index,
                text,
            },
        });
    }

    fn take_index(&mut self) -> usize {
        let index = self.next_block;
        self.next_block += 1;
        index
    }

    fn close_open(&mut self, out: &mut Vec<StreamEvent>) {
        if let Some(open) = self.open.take() {
            out.push(match open.kind {
                Open::Text => StreamEvent::TextEnd {
                    index: open.index,
                    text: open.text.into(),
                },
                Open::Reasoning(field) => StreamEvent::ReasoningEnd {
                    index: open.index,
                    text: open.text.into(),
                    signature: Some(REASONING_FIELDS[field].to_owned()),
                },
            });
        }
    }

    fn tool_delta(&mut self, call: WireToolCall<'_>, out: &mut Vec<StreamEvent>) {
        let id = call.id.as_deref().filter(|id| !id.is_empty());
        let position = match call.index {
            Some(index) => self.tools.iter().position(|t| t.wire_index == Some(index)),
            // No index (Mistral): a new id starts a new call, otherwise it continues the last.
            None => match id {
                Some(id) => self.tools.iter().position(|t| t.id == id).or_else(|| {
                    self.tools
                        .last()
                        .filter(|t| t.id.is_empty())
                        .map(|_| self.tools.len() - 1)
                }),
                None => self.tools.len().checked_sub(1),
            },
        };
        let position = match position {
            Some(position) => position,
            None => {
                let block = self.take_index();
                self.tools.push(ToolState {
                    wire_index: call.index,
                    block,
                    id: String::new(),
                    name: String::new(),
                    args: String::new(),
                    started: false,
                });
                self.tools.len() - 1
            }
        };
        let tool = &mut self.tools[position];
        if let Some(id) = id
            && tool.id.is_empty()
        {
            tool.id = id.to_owned();
        }
        let (name, fragment) = match call.function {
            Some(f) => (f.name, f.arguments),
            None => (None, None),
        };
        if let Some(name) = name.filter(|n| !n.is_empty())
            && tool.name.is_empty()
        {
            tool.name = name.into_owned();
        }
        let fragment = fragment.filter(|f| !f.is_empty());
        if let Some(fragment) = &fragment {
            tool.args.push_str(fragment);
        }
        if !tool.started && !tool.name.is_empty() {
            tool.started = true;
            out.push(StreamEvent::ToolCallStart {
                index: tool.block,
                id: tool.id.clone(),
                name: tool.name.clone(),
            });
            if !tool.args.is_empty() {
                out.push(StreamEvent::ToolCallDelta {
                    index: tool.block,
                    delta: Text::from(&tool.args),
                    partial: parse_partial(&tool.args),
                });
            }
        } else if tool.started
            && let Some(fragment) = fragment
        {
            out.push(StreamEvent::ToolCallDelta {
                index: tool.block,
                delta: fragment.into(),
                partial: parse_partial(&tool.args),
            });
        }
    }

    fn close_tools(&mut self, out: &mut Vec<StreamEvent>) {
        for tool in std::mem::take(&mut self.tools) {
            if !tool.started {
                out.push(StreamEvent::ToolCallStart {
                    index: tool.block,
                    id: tool.id.clone(),
                    name: tool.name.clone(),
                });
            }
            out.push(StreamEvent::ToolCallEnd {
                index: tool.block,
                id: tool.id,
                name: tool.name,
                arguments: final_arguments(&tool.args),
                signature: None,
            });
        }
    }

    fn convert_usage(&self, wire: &WireUsage) -> Usage {
        let prompt = wire.prompt_tokens.unwrap_or(0);
        let cached = wire
            .prompt_tokens_details
            .as_ref()
            .and_then(|d| d.cached_tokens)
            .unwrap_or(0)
            .min(prompt);
        let mut usage = Usage::new(
            prompt - cached,
            wire.completion_tokens.unwrap_or(0),
            cached,
            0,
        );
        usage.reasoning = wire
            .completion_tokens_details
            .as_ref()
            .and_then(|d| d.reasoning_tokens)
            .unwrap_or(0);
        priced(usage, &self.prices)
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        self.close_open(out);
        self.close_tools(out);
        if let Some(usage) = self.usage.take() {
            out.push(StreamEvent::Usage { usage });
        }
        out.push(StreamEvent::Done {
            reason: self.stop.take().unwrap_or(StopReason::Stop),
        });
        self.finished = true;
    }

    fn fail(&mut self, kind: ErrorKind, message: String, out: &mut Vec<StreamEvent>) {
        self.close_open(out);
        self.close_tools(out);
        if let Some(usage) = self.usage.take() {
            out.push(StreamEvent::Usage { usage });
        }
        let failover = failover_of(&kind);
        out.push(StreamEvent::Error {
            kind,
            message,
            failover,
        });
        self.finished = true;
    }
}

impl WireDecoder for Decoder {
    fn start(&mut self, request_id: Option<String>) {
        self.request_id = request_id;
    }

    fn on_event(&mut self, event: SseEvent, out: &mut Vec<StreamEvent>) {
        let data = event.data.as_ref();
        if data == b"[DONE]" {
            self.finish(out);
            return;
        }
        match self.chunk(data, out) {
            Ok(true) => {}
            // Valid JSON of an unknown shape, or not JSON at all: pass it through.
            Ok(false) | Err(()) => out.push(StreamEvent::Raw {
                event: event.event_name().map(str::to_owned),
                data: String::from_utf8_lossy(data).into_owned(),
            }),
        }
    }

    fn response_model(&self) -> Option<&str> {
        self.response_model.as_deref()
    }

    fn finished(&self) -> bool {
        self.finished
    }

    fn on_end(&mut self, out: &mut Vec<StreamEvent>) {
        if self.stop.is_some() {
            // No `[DONE]`, but the response had finished: many servers omit it.
            self.finish(out);
        } else {
            let message = format!(
                "{}: the stream ended before the response finished (no finish_reason, no [DONE])",
                self.label
            );
            self.fail(ErrorKind::Protocol, message, out);
        }
    }

    fn on_failure(&mut self, kind: ErrorKind, message: String, out: &mut Vec<StreamEvent>) {
        let message = format!("{}: {message}", self.label);
        self.fail(kind, message, out);
    }
}

/// `finish_reason` → stop reason.
fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "stop" | "end" | "eos" | "end_turn" | "stop_sequence" => StopReason::Stop,
        "length" | "max_tokens" => StopReason::Length,
        "tool_calls" | "function_call" | "tool_use" => StopReason::ToolUse,
        "content_filter" | "safety" => StopReason::ContentFilter,
        other => StopReason::Other(other.to_owned()),
    }
}

/// Tool arguments at the end: strict JSON; an empty text is `{}`; text that
/// does not parse is kept as a string so nothing is lost.
pub(crate) fn final_arguments(args: &str) -> Value {
    if args.trim().is_empty() {
        return Value::Object(Map::new());
    }
    serde_json::from_str(args).unwrap_or_else(|_| Value::String(args.to_owned()))
}

/// Prices usage when the model has prices.
pub(crate) fn priced(usage: Usage, prices: &ModelCost) -> Usage {
    if prices.input > 0.0
        || prices.output > 0.0
        || prices.cache_read > 0.0
        || prices.cache_write > 0.0
    {
        usage.priced(prices)
    } else {
        usage
    }
}

/// The failover reason implied by an error kind.
pub(crate) fn failover_of(kind: &ErrorKind) -> Option<clawkit_core::FailoverReason> {
    use clawkit_core::FailoverReason as F;
    Some(match kind {
        ErrorKind::Auth => F::Auth,
        ErrorKind::RateLimit => F::RateLimit,
        ErrorKind::Server => F::ServerError,
        ErrorKind::ContextOverflow => F::ContextOverflow,
        ErrorKind::ConnectTimeout | ErrorKind::FirstByteTimeout | ErrorKind::IdleTimeout => {
            F::Timeout
        }
        ErrorKind::InvalidRequest => F::Format,
        _ => return None,
    })
}

/// Whether `api` is served by this transport.
pub fn handles(api: &ModelApi) -> bool {
    matches!(api, ModelApi::OpenAiCompletions | ModelApi::Ollama)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn model(provider: &str, url: &str) -> RuntimeModel {
        RuntimeModel::new(
            provider,
            "m",
            ModelApi::OpenAiCompletions,
            url.parse().unwrap(),
        )
    }

    fn decode(lines: &[&str]) -> Vec<StreamEvent> {
        let mut decoder = Decoder::new(&model("acme", "https://api.acme.example/v1"));
        let mut out = Vec::new();
        for line in lines {
            decoder.on_event(
                SseEvent {
                    event: None,
                    data: Bytes::copy_from_slice(line.as_bytes()),
                    id: None,
                },
                &mut out,
            );
        }
        if !decoder.finished() {
            decoder.on_end(&mut out);
        }
        out
    }

    #[test]
    fn endpoints_join_whatever_the_slashes() {
        assert_eq!(
            endpoint(&"https://a.example/v1".parse().unwrap(), "chat/completions").as_str(),
            "https://a.example/v1/chat/completions"
        );
        assert_eq!(
            endpoint(
                &"https://a.example/v1/".parse().unwrap(),
                "chat/completions"
            )
            .as_str(),
            "https://a.example/v1/chat/completions"
        );
        assert_eq!(
            endpoint(
                &"http://127.0.0.1:8080".parse().unwrap(),
                "chat/completions"
            )
            .as_str(),
            "http://127.0.0.1:8080/chat/completions"
        );
    }

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

    #[test]
    fn parallel_tool_calls_are_keyed_by_index() {
        let events = decode(&[
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"one","arguments":""}},{"index":1,"id":"b","type":"function","function":{"name":"two","arguments":""}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"y\":"}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":1}"}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"2}"}}]},"finish_reason":"tool_calls"}]}"#,
            "[DONE]",
        ]);
        let ends: Vec<(String, Value)> = events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::ToolCallEnd {
                    name, arguments, ..
                } => Some((name.clone(), arguments.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            ends,
            [
                ("one".into(), json!({"x": 1})),
                ("two".into(), json!({"y": 2}))
            ]
        );
        assert_eq!(
            events.last(),
            Some(&StreamEvent::Done {
                reason: StopReason::ToolUse
            })
        );
    }

    #[test]
    fn a_stream_cut_before_finishing_is_a_protocol_error_that_keeps_the_text() {
        let events = decode(&[r#"{"choices":[{"index":0,"delta":{"content":"Hel"}}]}"#]);
        assert!(matches!(&events[2], StreamEvent::TextEnd { text, .. } if text == "Hel"));
        assert!(matches!(
            events.last(),
            Some(StreamEvent::Error {
                kind: ErrorKind::Protocol,
                ..
            })
        ));
    }
}
