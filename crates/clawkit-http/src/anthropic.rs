//! The `anthropic-messages` transport: Anthropic's Messages API over SSE.
//!
//! Events: `message_start` (usage snapshot), `content_block_start` /
//! `content_block_delta` (`text_delta`, `input_json_delta`,
//! `thinking_delta`, `signature_delta`) / `content_block_stop`,
//! `message_delta` (stop reason, cumulative output tokens), `message_stop`,
//! `ping`, `error`. Usage arrives as cumulative snapshots: the latest value
//! of each counter wins, nothing is added up. Block types clawkit does not
//! map (`server_tool_use`, `web_search_tool_result`, `mcp_tool_use`, …)
//! and `citations_delta` pass through as raw events. A second
//! `message_start` closes what the first message left open and continues.
//!
//! Usage convention: `input` is `input_tokens` (which excludes cache reads
//! and writes), `cache_read` / `cache_write` are Anthropic's cache counters,
//! `output` is `output_tokens`.

use std::borrow::Cow;
use std::collections::HashMap;

use clawkit_core::{
    ContentBlock, Context, ErrorKind, EventStream, Message, ModelApi, ModelCost, RuntimeModel,
    StopReason, StreamEvent, StreamFn, StreamOptions, StreamRequest, Text, ThinkingLevel, Usage,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::client::HttpClient;
use crate::driver::{Call, KeyHeader, WireDecoder, drive};
use crate::error::in_stream_error;
use crate::openai_completions::{endpoint, failover_of, final_arguments, priced};
use crate::partial_json::parse_partial;
use crate::sse::SseEvent;

/// The `anthropic-version` header sent.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// The `anthropic-messages` transport.
#[derive(Debug, Clone)]
pub struct AnthropicMessages {
    client: HttpClient,
}

impl AnthropicMessages {
    /// A transport sending through `client`.
    pub fn new(client: HttpClient) -> Self {
        AnthropicMessages { client }
    }
}

impl StreamFn for AnthropicMessages {
    fn stream(&self, request: StreamRequest) -> EventStream {
        let model = &request.model;
        let body = request_body(model, &request.context, &request.options);
        let call = Call::new(
            &self.client,
            "anthropic",
            endpoint(&model.base_url, "messages"),
            body,
            &[("anthropic-version", ANTHROPIC_VERSION)],
            KeyHeader::Named("x-api-key"),
            &request,
        );
        drive(self.client.clone(), call, Decoder::new(model))
    }
}

/// Whether `api` is served by this transport.
pub(crate) fn handles(api: &ModelApi) -> bool {
    matches!(api, ModelApi::AnthropicMessages)
}

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

// ------------------------------------------------------------------ response

#[derive(Deserialize)]
struct WireEvent<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default)]
    index: Option<u64>,
    #[serde(default, borrow)]
    delta: Option<WireDelta<'a>>,
    #[serde(default, borrow)]
    content_block: Option<WireBlock<'a>>,
    #[serde(default)]
    message: Option<WireMessage>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct WireDelta<'a> {
    #[serde(
        rename = "type",
        default,
        borrow,
        deserialize_with = "crate::wire::opt_str"
    )]
    kind: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    text: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    partial_json: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    thinking: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    signature: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    stop_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct WireBlock<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    name: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    text: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    data: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct WireMessage {
    #[serde(default)]
    usage: Option<WireUsage>,
    #[serde(default)]
    model: Option<String>,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct WireUsage {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
}

enum BlockKind {
    Text(String),
    Thinking {
        text: String,
        signature: Option<String>,
    },
    Redacted(String),
    Tool {
        id: String,
        name: String,
        args: String,
    },
    /// A block type clawkit does not map: its events pass through raw.
    Unmapped,
}

struct Block {
    index: usize,
    kind: BlockKind,
}

/// The anthropic-messages wire decoder.
pub(crate) struct Decoder {
    label: String,
    request_id: Option<String>,
    prices: ModelCost,
    next_index: usize,
    blocks: HashMap<u64, Block>,
    /// The latest value of each usage counter.
    usage: WireUsage,
    saw_usage: bool,
    stop: Option<StopReason>,
    /// The model named by the response.
    response_model: Option<String>,
    finished: bool,
}

impl Decoder {
    pub(crate) fn new(model: &RuntimeModel) -> Self {
        Decoder {
            label: model.provider.clone(),
            request_id: None,
            prices: model.cost.clone(),
            next_index: 0,
            blocks: HashMap::new(),
            usage: WireUsage::default(),
            saw_usage: false,
            stop: None,
            response_model: None,
            finished: false,
        }
    }

    fn merge_usage(&mut self, wire: &WireUsage) {
        self.saw_usage = true;
        let keep = |new: Option<u64>, old: Option<u64>| new.or(old);
        self.usage = WireUsage {
            input_tokens: keep(wire.input_tokens, self.usage.input_tokens),
            output_tokens: keep(wire.output_tokens, self.usage.output_tokens),
            cache_read_input_tokens: keep(
                wire.cache_read_input_tokens,
                self.usage.cache_read_input_tokens,
            ),
            cache_creation_input_tokens: keep(
                wire.cache_creation_input_tokens,
                self.usage.cache_creation_input_tokens,
            ),
        };
    }

    fn event(&mut self, event: &SseEvent, out: &mut Vec<StreamEvent>) -> bool {
        let data = &event.data[..];
        let Ok(wire) = crate::wire::from_json::<WireEvent<'_>>(data) else {
            return false;
        };
        match wire.kind.as_ref() {
            "ping" => {}
            "message_start" => {
                // A second message_start: close what the first left open.
                self.close_all(out);
                if self.response_model.is_none() {
                    self.response_model = wire.message.as_ref().and_then(|m| m.model.clone());
                }
                if let Some(usage) = wire.message.as_ref().and_then(|m| m.usage.as_ref()) {
                    self.merge_usage(usage);
                }
            }
            "content_block_start" => {
                let (Some(index), Some(block)) = (wire.index, wire.content_block) else {
                    return false;
                };
                if let Some(previous) = self.blocks.remove(&index) {
                    self.close(previous, out);
                }
                let ours = self.next_index;
                self.next_index += 1;
                let kind = match block.kind.as_ref() {
                    "text" => {
                        out.push(StreamEvent::TextStart { index: ours });
                        let text = block.text.map(Cow::into_owned).unwrap_or_default();
                        if !text.is_empty() {
                            out.push(StreamEvent::TextDelta {
                                index: ours,
                                text: Text::from(&text),
                            });
                        }
                        BlockKind::Text(text)
                    }
                    "thinking" => {
                        out.push(StreamEvent::ReasoningStart { index: ours });
                        BlockKind::Thinking {
                            text: String::new(),
                            signature: None,
                        }
                    }
                    "redacted_thinking" => {
                        out.push(StreamEvent::ReasoningStart { index: ours });
                        BlockKind::Redacted(block.data.map(Cow::into_owned).unwrap_or_default())
                    }
                    "tool_use" => {
                        let id = block.id.map(Cow::into_owned).unwrap_or_default();
                        let name = block.name.map(Cow::into_owned).unwrap_or_default();
                        out.push(StreamEvent::ToolCallStart {
                            index: ours,
                            id: id.clone(),
                            name: name.clone(),
                        });
                        BlockKind::Tool {
                            id,
                            name,
                            args: String::new(),
                        }
                    }
                    _ => {
                        raw(event, out);
                        BlockKind::Unmapped
                    }
                };
                self.blocks.insert(index, Block { index: ours, kind });
            }
            "content_block_delta" => {
                let (Some(index), Some(delta)) = (wire.index, wire.delta) else {
                    return false;
                };
                let Some(block) = self.blocks.get_mut(&index) else {
                    return false;
                };
                let ours = block.index;
                match (&mut block.kind, delta.kind.as_deref()) {
                    (BlockKind::Text(text), Some("text_delta")) => {
                        let piece = delta.text.unwrap_or_default();
                        text.push_str(&piece);
                        out.push(StreamEvent::TextDelta {
                            index: ours,
                            text: piece.into(),
                        });
                    }
                    (BlockKind::Thinking { text, .. }, Some("thinking_delta")) => {
                        let piece = delta.thinking.unwrap_or_default();
                        text.push_str(&piece);
                        out.push(StreamEvent::ReasoningDelta {
                            index: ours,
                            text: piece.into(),
                        });
                    }
                    (BlockKind::Thinking { signature, .. }, Some("signature_delta")) => {
                        let piece = delta.signature.unwrap_or_default();
                        signature.get_or_insert_with(String::new).push_str(&piece);
                    }
                    (BlockKind::Tool { args, .. }, Some("input_json_delta")) => {
                        let piece = delta.partial_json.unwrap_or_default();
                        if !piece.is_empty() {
                            args.push_str(&piece);
                            out.push(StreamEvent::ToolCallDelta {
                                index: ours,
                                delta: piece.into(),
                                partial: parse_partial(args),
                            });
                        }
                    }
                    _ => raw(event, out),
                }
            }
            "content_block_stop" => {
                let Some(index) = wire.index else {
                    return false;
                };
                match self.blocks.remove(&index) {
                    Some(block) if matches!(block.kind, BlockKind::Unmapped) => raw(event, out),
                    Some(block) => self.close(block, out),
                    None => return false,
                }
            }
            "message_delta" => {
                if let Some(reason) = wire.delta.as_ref().and_then(|d| d.stop_reason.as_deref()) {
                    self.stop = Some(stop_reason(reason));
                }
                if let Some(usage) = &wire.usage {
                    self.merge_usage(usage);
                }
            }
            "message_stop" => self.finish(out),
            "error" => {
                let payload: Value = serde_json::from_slice(data).unwrap_or(Value::Null);
                let (kind, message) =
                    in_stream_error(&self.label, &payload, self.request_id.as_deref());
                self.fail(kind, message, out);
            }
            _ => return false,
        }
        true
    }

    fn close(&mut self, block: Block, out: &mut Vec<StreamEvent>) {
        let index = block.index;
        match block.kind {
            BlockKind::Text(text) => out.push(StreamEvent::TextEnd {
                index,
                text: text.into(),
            }),
            BlockKind::Thinking { text, signature } => out.push(StreamEvent::ReasoningEnd {
                index,
                text: text.into(),
                signature,
            }),
            BlockKind::Redacted(data) => out.push(StreamEvent::ReasoningEnd {
                index,
                text: Text::new(),
                signature: Some(data),
            }),
            BlockKind::Tool { id, name, args } => out.push(StreamEvent::ToolCallEnd {
                index,
                id,
                name,
                arguments: final_arguments(&args),
                signature: None,
            }),
            BlockKind::Unmapped => {}
        }
    }

    fn close_all(&mut self, out: &mut Vec<StreamEvent>) {
        let mut open: Vec<Block> = self.blocks.drain().map(|(_, b)| b).collect();
        open.sort_by_key(|b| b.index);
        for block in open {
            self.close(block, out);
        }
    }

    fn usage_event(&self, out: &mut Vec<StreamEvent>) {
        if !self.saw_usage {
            return;
        }
        let u = self.usage;
        let usage = Usage::new(
            u.input_tokens.unwrap_or(0),
            u.output_tokens.unwrap_or(0),
            u.cache_read_input_tokens.unwrap_or(0),
            u.cache_creation_input_tokens.unwrap_or(0),
        );
        out.push(StreamEvent::Usage {
            usage: priced(usage, &self.prices),
        });
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        self.close_all(out);
        self.usage_event(out);
        out.push(StreamEvent::Done {
            reason: self.stop.take().unwrap_or(StopReason::Stop),
        });
        self.finished = true;
    }

    fn fail(&mut self, kind: ErrorKind, message: String, out: &mut Vec<StreamEvent>) {
        self.close_all(out);
        self.usage_event(out);
        let failover = failover_of(&kind);
        out.push(StreamEvent::Error {
            kind,
            message,
            failover,
        });
        self.finished = true;
    }
}

fn raw(event: &SseEvent, out: &mut Vec<StreamEvent>) {
    out.push(StreamEvent::Raw {
        event: event.event_name().map(str::to_owned),
        data: String::from_utf8_lossy(&event.data).into_owned(),
    });
}

impl WireDecoder for Decoder {
    fn start(&mut self, request_id: Option<String>) {
        self.request_id = request_id;
    }

    fn on_event(&mut self, event: SseEvent, out: &mut Vec<StreamEvent>) {
        if !self.event(&event, out) {
            raw(&event, out);
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
            self.finish(out);
        } else {
            let message = format!("{}: the stream ended before message_stop", self.label);
            self.fail(ErrorKind::Protocol, message, out);
        }
    }

    fn on_failure(&mut self, kind: ErrorKind, message: String, out: &mut Vec<StreamEvent>) {
        let message = format!("{}: {message}", self.label);
        self.fail(kind, message, out);
    }
}

/// Anthropic `stop_reason` → stop reason.
fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "end_turn" | "stop_sequence" => StopReason::Stop,
        "max_tokens" | "model_context_window_exceeded" => StopReason::Length,
        "tool_use" => StopReason::ToolUse,
        "refusal" => StopReason::ContentFilter,
        other => StopReason::Other(other.to_owned()),
    }
}
