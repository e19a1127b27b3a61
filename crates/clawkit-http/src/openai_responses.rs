//! The `openai-responses` transport: OpenAI's Responses API over SSE.
//!
//! Events mapped: `response.output_text.delta` / `.done` (text),
//! `response.refusal.delta` (text), `response.reasoning_summary_text.delta`
//! and `response.reasoning_text.delta` (reasoning), `response.output_item.added`
//! / `.done` for `function_call` items with
//! `response.function_call_arguments.delta` / `.done` (tool calls),
//! `response.completed` (usage, stop), `response.incomplete` (length or
//! content filter), `response.failed` and `error` (terminal errors).
//! Lifecycle events (`response.created`, `response.in_progress`,
//! `response.content_part.*`, `response.output_item.*` of messages) are
//! understood and produce nothing; anything else passes through raw.
//!
//! Usage convention: `input` excludes cached tokens (`cache_read` holds
//! them), `output` is `output_tokens` (reasoning included, also in
//! `reasoning`).

use std::borrow::Cow;

use clawkit_core::{
    ContentBlock, Context, ErrorKind, EventStream, Message, ModelApi, ModelCost, RuntimeModel,
    StopReason, StreamEvent, StreamFn, StreamOptions, StreamRequest, ThinkingLevel, Usage,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::client::HttpClient;
use crate::driver::{Call, KeyHeader, WireDecoder, drive};
use crate::error::in_stream_error;
use crate::openai_completions::{endpoint, failover_of, final_arguments, priced};
use crate::partial_json::parse_partial;
use crate::sse::SseEvent;

/// The `openai-responses` transport.
#[derive(Debug, Clone)]
pub struct OpenAiResponses {
    client: HttpClient,
}

impl OpenAiResponses {
    /// A transport sending through `client`.
    pub fn new(client: HttpClient) -> Self {
        OpenAiResponses { client }
    }
}

impl StreamFn for OpenAiResponses {
    fn stream(&self, request: StreamRequest) -> EventStream {
        let model = &request.model;
        let body = request_body(model, &request.context, &request.options);
        let call = Call::new(
            &self.client,
            "openai",
            endpoint(&model.base_url, "responses"),
            body,
            &[],
            KeyHeader::Bearer,
            &request,
        );
        drive(self.client.clone(), call, Decoder::new(model))
    }
}

/// Whether `api` is served by this transport.
pub(crate) fn handles(api: &ModelApi) -> bool {
    matches!(
        api,
        ModelApi::OpenAiResponses
            | ModelApi::AzureOpenAiResponses
            | ModelApi::OpenAiCodexResponses
            | ModelApi::OpenAiChatGptResponses
    )
}

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
        let effort = match options.thinking_level {
            Some(ThinkingLevel::Off) => None,
            Some(ThinkingLevel::Minimal) => Some("minimal"),
            Some(ThinkingLevel::Low) => Some("low"),
            Some(ThinkingLevel::High | ThinkingLevel::XHigh) => Some("high"),
            Some(_) => Some("medium"),
            None => None,
        };
        if let Some(effort) = effort {
            body.insert(
                "reasoning".into(),
                json!({"effort": effort, "summary": "auto"}),
            );
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
            Message::Assistant { content } => {
                let text: String = content
                    .iter()
                    .filter_map(|b| match b {
                        ContentBlock::Text { text } => Some(text.as_str()),
                        _ => None,
                    })
                    .collect();
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
                        items.push(json!({
                            "type": "function_call",
                            "call_id": id,
                            "name": name,
                            "arguments": serde_json::to_string(arguments).unwrap_or_default(),
                        }));
                    }
                }
            }
            Message::ToolResult {
                tool_call_id,
                content,
                ..
            } => {
                let output: String = content
                    .iter()
                    .filter_map(|b| match b {
                        ContentBlock::Text { text } => Some(text.as_str()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                items.push(json!({"type": "function_call_output", "call_id": tool_call_id, "output": output}));
            }
            _ => {}
        }
    }
    items
}

// ------------------------------------------------------------------ response

#[derive(Deserialize)]
struct WireEvent<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    item_id: Option<Cow<'a, str>>,
    #[serde(default)]
    content_index: Option<u64>,
    #[serde(default)]
    summary_index: Option<u64>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    delta: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    arguments: Option<Cow<'a, str>>,
    #[serde(default)]
    item: Option<WireItem>,
    #[serde(default)]
    response: Option<WireResponse>,
}

#[derive(Deserialize)]
struct WireItem {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    call_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

#[derive(Deserialize)]
struct WireResponse {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    usage: Option<WireUsage>,
    #[serde(default)]
    incomplete_details: Option<IncompleteDetails>,
}

#[derive(Deserialize)]
struct IncompleteDetails {
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize, Default)]
struct WireUsage {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    input_tokens_details: Option<InputDetails>,
    #[serde(default)]
    output_tokens_details: Option<OutputDetails>,
}

#[derive(Deserialize, Default)]
struct InputDetails {
    #[serde(default)]
    cached_tokens: Option<u64>,
}

#[derive(Deserialize, Default)]
struct OutputDetails {
    #[serde(default)]
    reasoning_tokens: Option<u64>,
}

/// Which block a wire event belongs to: the output item's id and the part
/// within it. Blocks own their key; events look blocks up with a borrowed
/// one, so a delta allocates nothing to be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key<I> {
    Text(I, u64),
    Reasoning(I, u64),
    Tool(I),
}

impl Key<String> {
    fn borrowed(&self) -> Key<&str> {
        match self {
            Key::Text(id, n) => Key::Text(id, *n),
            Key::Reasoning(id, n) => Key::Reasoning(id, *n),
            Key::Tool(id) => Key::Tool(id),
        }
    }
}

impl<'a> Key<&'a str> {
    fn item(self) -> &'a str {
        match self {
            Key::Text(id, _) | Key::Reasoning(id, _) | Key::Tool(id) => id,
        }
    }

    fn owned(self) -> Key<String> {
        match self {
            Key::Text(id, n) => Key::Text(id.to_owned(), n),
            Key::Reasoning(id, n) => Key::Reasoning(id.to_owned(), n),
            Key::Tool(id) => Key::Tool(id.to_owned()),
        }
    }
}

enum State {
    Text(String),
    Reasoning(String),
    Tool {
        id: String,
        name: String,
        args: String,
    },
}

struct Block {
    key: Key<String>,
    index: usize,
    state: State,
}

/// The openai-responses wire decoder.
pub(crate) struct Decoder {
    label: String,
    request_id: Option<String>,
    prices: ModelCost,
    next_index: usize,
    blocks: Vec<Block>,
    called_tools: bool,
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
            blocks: Vec::new(),
            called_tools: false,
            response_model: None,
            finished: false,
        }
    }

    fn open(&mut self, key: Key<&str>, state: State, out: &mut Vec<StreamEvent>) -> usize {
        if let Some(position) = self.blocks.iter().position(|b| b.key.borrowed() == key) {
            return position;
        }
        let index = self.next_index;
        self.next_index += 1;
        out.push(match &state {
            State::Text(_) => StreamEvent::TextStart { index },
            State::Reasoning(_) => StreamEvent::ReasoningStart { index },
            State::Tool { id, name, .. } => StreamEvent::ToolCallStart {
                index,
                id: id.clone(),
                name: name.clone(),
            },
        });
        self.blocks.push(Block {
            key: key.owned(),
            index,
            state,
        });
        self.blocks.len() - 1
    }

    fn close(&mut self, key: Key<&str>, final_args: Option<&str>, out: &mut Vec<StreamEvent>) {
        if let Some(position) = self.blocks.iter().position(|b| b.key.borrowed() == key) {
            let block = self.blocks.remove(position);
            emit_end(block, final_args, out);
        }
    }

    fn close_item(&mut self, item_id: &str, out: &mut Vec<StreamEvent>) {
        let (done, keep): (Vec<Block>, Vec<Block>) = std::mem::take(&mut self.blocks)
            .into_iter()
            .partition(|b| b.key.borrowed().item() == item_id);
        self.blocks = keep;
        for block in done {
            emit_end(block, None, out);
        }
    }

    fn close_all(&mut self, out: &mut Vec<StreamEvent>) {
        for block in std::mem::take(&mut self.blocks) {
            emit_end(block, None, out);
        }
    }

    fn append(&mut self, key: Key<&str>, delta: Cow<'_, str>, out: &mut Vec<StreamEvent>) {
        if delta.is_empty() {
            return;
        }
        let state = match key {
            Key::Text(..) => State::Text(String::new()),
            Key::Reasoning(..) => State::Reasoning(String::new()),
            Key::Tool(_) => State::Tool {
                id: String::new(),
                name: String::new(),
                args: String::new(),
            },
        };
        let position = self.open(key, state, out);
        let block = &mut self.blocks[position];
        let index = block.index;
        match &mut block.state {
            State::Text(text) => {
                text.push_str(&delta);
                out.push(StreamEvent::TextDelta {
                    index,
                    text: delta.into(),
                });
            }
            State::Reasoning(text) => {
                text.push_str(&delta);
                out.push(StreamEvent::ReasoningDelta {
                    index,
                    text: delta.into(),
                });
            }
            State::Tool { args, .. } => {
                args.push_str(&delta);
                out.push(StreamEvent::ToolCallDelta {
                    index,
                    delta: delta.into(),
                    partial: parse_partial(args),
                });
            }
        }
    }

    fn event(&mut self, data: &[u8], out: &mut Vec<StreamEvent>) -> bool {
        let Ok(wire) = crate::wire::from_json::<WireEvent<'_>>(data) else {
            return false;
        };
        if self.response_model.is_none() {
            self.response_model = wire.response.as_ref().and_then(|r| r.model.clone());
        }
        let item = wire.item_id.as_deref().unwrap_or("");
        match wire.kind.as_ref() {
            "response.created"
            | "response.in_progress"
            | "response.queued"
            | "response.content_part.added"
            | "response.content_part.done"
            | "response.reasoning_summary_part.added"
            | "response.reasoning_summary_part.done"
            | "response.output_text.done"
            | "response.reasoning_summary_text.done"
            | "response.reasoning_text.done"
            | "response.refusal.done" => {}
            "response.output_text.delta" | "response.refusal.delta" => {
                let key = Key::Text(item, wire.content_index.unwrap_or(0));
                self.append(key, wire.delta.unwrap_or_default(), out);
            }
            "response.reasoning_summary_text.delta" => {
                let key = Key::Reasoning(item, wire.summary_index.unwrap_or(0));
                self.append(key, wire.delta.unwrap_or_default(), out);
            }
            "response.reasoning_text.delta" => {
                let key = Key::Reasoning(item, 1_000 + wire.content_index.unwrap_or(0));
                self.append(key, wire.delta.unwrap_or_default(), out);
            }
            "response.output_item.added" => {
                if let Some(item) = wire.item.filter(|i| i.kind == "function_call") {
                    self.called_tools = true;
                    let key = Key::Tool(item.id.as_deref().unwrap_or(""));
                    let state = State::Tool {
                        id: item.call_id.unwrap_or_default(),
                        name: item.name.unwrap_or_default(),
                        args: String::new(),
                    };
                    self.open(key, state, out);
                }
            }
            "response.function_call_arguments.delta" => {
                self.append(Key::Tool(item), wire.delta.unwrap_or_default(), out);
            }
            "response.function_call_arguments.done" => {
                self.close(Key::Tool(item), wire.arguments.as_deref(), out);
            }
            "response.output_item.done" => match wire.item {
                Some(item) if item.kind == "function_call" => {
                    let key = Key::Tool(item.id.as_deref().unwrap_or(""));
                    self.close(key, item.arguments.as_deref(), out);
                }
                Some(item) => self.close_item(item.id.as_deref().unwrap_or(""), out),
                None => return false,
            },
            "response.completed" | "response.incomplete" => {
                let response = wire.response;
                let reason = match response
                    .as_ref()
                    .and_then(|r| r.incomplete_details.as_ref())
                    .and_then(|d| d.reason.as_deref())
                {
                    Some("max_output_tokens") => StopReason::Length,
                    Some("content_filter") => StopReason::ContentFilter,
                    Some(other) => StopReason::Other(other.to_owned()),
                    None if self.called_tools => StopReason::ToolUse,
                    None => StopReason::Stop,
                };
                self.close_all(out);
                if let Some(usage) = response.and_then(|r| r.usage) {
                    out.push(StreamEvent::Usage {
                        usage: self.usage(&usage),
                    });
                }
                out.push(StreamEvent::Done { reason });
                self.finished = true;
            }
            "response.failed" | "error" => {
                let mut payload: Value = serde_json::from_slice(data).unwrap_or(Value::Null);
                // A bare `error` event's `type` names the event, not the error.
                if let Some(object) = payload.as_object_mut()
                    && object.get("type").and_then(Value::as_str) == Some("error")
                {
                    object.remove("type");
                }
                let subject = payload
                    .pointer("/response/error")
                    .cloned()
                    .map(|e| json!({"error": e}))
                    .unwrap_or(payload);
                let (kind, message) =
                    in_stream_error(&self.label, &subject, self.request_id.as_deref());
                self.fail(kind, message, out);
            }
            _ => return false,
        }
        true
    }

    fn usage(&self, wire: &WireUsage) -> Usage {
        let input = wire.input_tokens.unwrap_or(0);
        let cached = wire
            .input_tokens_details
            .as_ref()
            .and_then(|d| d.cached_tokens)
            .unwrap_or(0)
            .min(input);
        let mut usage = Usage::new(input - cached, wire.output_tokens.unwrap_or(0), cached, 0);
        usage.reasoning = wire
            .output_tokens_details
            .as_ref()
            .and_then(|d| d.reasoning_tokens)
            .unwrap_or(0);
        priced(usage, &self.prices)
    }

    fn fail(&mut self, kind: ErrorKind, message: String, out: &mut Vec<StreamEvent>) {
        self.close_all(out);
        let failover = failover_of(&kind);
        out.push(StreamEvent::Error {
            kind,
            message,
            failover,
        });
        self.finished = true;
    }
}

fn emit_end(block: Block, final_args: Option<&str>, out: &mut Vec<StreamEvent>) {
    let index = block.index;
    out.push(match block.state {
        State::Text(text) => StreamEvent::TextEnd {
            index,
            text: text.into(),
        },
        State::Reasoning(text) => StreamEvent::ReasoningEnd {
            index,
            text: text.into(),
            signature: None,
        },
        State::Tool { id, name, args } => StreamEvent::ToolCallEnd {
            index,
            id,
            name,
            arguments: final_arguments(final_args.unwrap_or(&args)),
            signature: None,
        },
    });
}

impl WireDecoder for Decoder {
    fn start(&mut self, request_id: Option<String>) {
        self.request_id = request_id;
    }

    fn on_event(&mut self, event: SseEvent, out: &mut Vec<StreamEvent>) {
        let data = event.data.as_ref();
        if data == b"[DONE]" {
            if !self.finished {
                self.on_end(out);
            }
            return;
        }
        if !self.event(data, out) {
            out.push(StreamEvent::Raw {
                event: event.event_name().map(str::to_owned),
                data: String::from_utf8_lossy(data).into_owned(),
            });
        }
    }

    fn response_model(&self) -> Option<&str> {
        self.response_model.as_deref()
    }

    fn finished(&self) -> bool {
        self.finished
    }

    fn on_end(&mut self, out: &mut Vec<StreamEvent>) {
        let message = format!("{}: the stream ended before response.completed", self.label);
        self.fail(ErrorKind::Protocol, message, out);
    }

    fn on_failure(&mut self, kind: ErrorKind, message: String, out: &mut Vec<StreamEvent>) {
        let message = format!("{}: {message}", self.label);
        self.fail(kind, message, out);
    }
}
