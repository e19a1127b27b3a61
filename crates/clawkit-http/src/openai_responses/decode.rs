//! The `openai-responses` response: `response.*` events mapped to blocks
//! keyed by output item, the end taken from `response.completed`,
//! `response.incomplete`, `response.failed` or `error`.

use std::borrow::Cow;

use clawkit_core::{RuntimeModel, StopReason, StreamEvent, Text, Usage};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::partial_json::parse_partial;
use crate::sse::{SseEvent, SseEventRef};
use crate::wire::text_in;
use crate::wire_decoder::{Core, WireDecoder, final_arguments};

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
    core: Core,
    blocks: Vec<Block>,
    called_tools: bool,
    /// The usage `response.completed` reported, until the end is sent.
    usage: Option<Usage>,
}

impl Decoder {
    pub(crate) fn new(model: &RuntimeModel) -> Self {
        Decoder {
            core: Core::new(model),
            blocks: Vec::new(),
            called_tools: false,
            usage: None,
        }
    }

    fn open(&mut self, key: Key<&str>, state: State, out: &mut Vec<StreamEvent>) -> usize {
        if let Some(position) = self.blocks.iter().position(|b| b.key.borrowed() == key) {
            return position;
        }
        let index = self.core.take_index();
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

    /// Closes a reasoning item's blocks, the last one carrying the item
    /// as its signature; an item with no summary text still gets an empty
    /// reasoning block for it, so the item can be sent back.
    fn close_reasoning(
        &mut self,
        item_id: &str,
        signature: Option<String>,
        out: &mut Vec<StreamEvent>,
    ) {
        let Some(signature) = signature else {
            self.close_item(item_id, out);
            return;
        };
        let (mut done, keep): (Vec<Block>, Vec<Block>) = std::mem::take(&mut self.blocks)
            .into_iter()
            .partition(|b| b.key.borrowed().item() == item_id);
        self.blocks = keep;
        let last = match done.pop() {
            Some(block) => block,
            None => {
                let key = Key::Reasoning(item_id, u64::MAX);
                let position = self.open(key, State::Reasoning(String::new()), out);
                self.blocks.remove(position)
            }
        };
        for block in done {
            emit_end(block, None, out);
        }
        let index = last.index;
        out.push(match last.state {
            State::Reasoning(text) => StreamEvent::ReasoningEnd {
                index,
                text: text.into(),
                signature: Some(signature),
            },
            other => {
                emit_end(
                    Block {
                        state: other,
                        ..last
                    },
                    None,
                    out,
                );
                return;
            }
        });
    }

    fn close_all(&mut self, out: &mut Vec<StreamEvent>) {
        for block in std::mem::take(&mut self.blocks) {
            emit_end(block, None, out);
        }
    }

    fn append(&mut self, key: Key<&str>, delta: Text, out: &mut Vec<StreamEvent>) {
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
                out.push(StreamEvent::TextDelta { index, text: delta });
            }
            State::Reasoning(text) => {
                text.push_str(&delta);
                out.push(StreamEvent::ReasoningDelta { index, text: delta });
            }
            State::Tool { args, .. } => {
                args.push_str(&delta);
                out.push(StreamEvent::ToolCallDelta {
                    index,
                    delta,
                    partial: parse_partial(args),
                });
            }
        }
    }

    fn wire_event(&mut self, event: SseEventRef<'_>, out: &mut Vec<StreamEvent>) -> bool {
        let data = event.data;
        let Ok(wire) = crate::wire::from_json::<WireEvent<'_>>(data) else {
            return false;
        };
        if self.core.response_model.is_none() {
            self.core.response_model = wire.response.as_ref().and_then(|r| r.model.clone());
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
                self.append(
                    key,
                    text_in(event.buffer, wire.delta.unwrap_or_default()),
                    out,
                );
            }
            "response.reasoning_summary_text.delta" => {
                let key = Key::Reasoning(item, wire.summary_index.unwrap_or(0));
                self.append(
                    key,
                    text_in(event.buffer, wire.delta.unwrap_or_default()),
                    out,
                );
            }
            "response.reasoning_text.delta" => {
                let key = Key::Reasoning(item, 1_000 + wire.content_index.unwrap_or(0));
                self.append(
                    key,
                    text_in(event.buffer, wire.delta.unwrap_or_default()),
                    out,
                );
            }
            "response.output_item.added" => {
                if let Some(item) = wire.item.filter(|i| i.kind == "function_call") {
                    self.called_tools = true;
                    let key = Key::Tool(item.id.as_deref().unwrap_or(""));
                    // OpenClaw's shape: `<call_id>|<item id>`, so the call
                    // can be replayed with its item id after its reasoning.
                    let call_id = item.call_id.unwrap_or_default();
                    let id = match item.id.as_deref() {
                        Some(item_id) if !item_id.is_empty() && !call_id.is_empty() => {
                            format!("{call_id}|{item_id}")
                        }
                        _ => call_id,
                    };
                    let state = State::Tool {
                        id,
                        name: item.name.unwrap_or_default(),
                        args: String::new(),
                    };
                    self.open(key, state, out);
                }
            }
            "response.function_call_arguments.delta" => {
                self.append(
                    Key::Tool(item),
                    text_in(event.buffer, wire.delta.unwrap_or_default()),
                    out,
                );
            }
            "response.function_call_arguments.done" => {
                self.close(Key::Tool(item), wire.arguments.as_deref(), out);
            }
            "response.output_item.done" => match wire.item {
                Some(item) if item.kind == "function_call" => {
                    let key = Key::Tool(item.id.as_deref().unwrap_or(""));
                    self.close(key, item.arguments.as_deref(), out);
                }
                Some(item) if item.kind == "reasoning" => {
                    let signature = reasoning_signature(data);
                    self.close_reasoning(item.id.as_deref().unwrap_or(""), signature, out);
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
                self.usage = response
                    .and_then(|r| r.usage)
                    .map(|usage| self.convert_usage(&usage));
                self.core.stop = Some(reason);
                self.finish(out);
            }
            "response.failed" | "error" => {
                // A bare `error` event's `type` names the event, not the
                // error: the metadata leaves it out.
                let payload: Value = serde_json::from_slice(data).unwrap_or(Value::Null);
                let subject = payload
                    .pointer("/response/error")
                    .cloned()
                    .map(|e| json!({"error": e}))
                    .unwrap_or(payload);
                self.fail_in_stream(&subject, out);
            }
            _ => return false,
        }
        true
    }

    fn convert_usage(&self, wire: &WireUsage) -> Usage {
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
        self.core.priced(usage)
    }
}

/// The reasoning item of a `response.output_item.done` event as OpenClaw
/// keeps it (`thinkingSignature`): the item's JSON, when it carries
/// `encrypted_content` (requested with `include`), the only form a
/// stateless (`store: false`) request can send back.
fn reasoning_signature(data: &[u8]) -> Option<String> {
    let event: Value = serde_json::from_slice(data).ok()?;
    let item = event.get("item")?;
    item.get("encrypted_content")
        .and_then(Value::as_str)
        .filter(|e| !e.is_empty())?;
    serde_json::to_string(item).ok()
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
    fn core(&self) -> &Core {
        &self.core
    }

    fn core_mut(&mut self) -> &mut Core {
        &mut self.core
    }

    fn event(&mut self, event: SseEventRef<'_>, out: &mut Vec<StreamEvent>) -> bool {
        if event.data == b"[DONE]" {
            if !self.finished() {
                self.on_end(out);
            }
            return true;
        }
        self.wire_event(event, out)
    }

    fn wind_up(&mut self, out: &mut Vec<StreamEvent>) {
        self.close_all(out);
        if let Some(usage) = self.usage.take() {
            out.push(StreamEvent::Usage { usage });
        }
    }

    fn ended_early(&self) -> &'static str {
        "the stream ended before response.completed"
    }

    fn answer_kind(&self) -> &'static str {
        super::answer::KIND
    }

    fn replay(&self, answer: &Value) -> Option<Vec<SseEvent>> {
        super::answer::replay(answer)
    }
}
