//! The `anthropic-messages` response: `message_*` and `content_block_*`
//! events mapped to blocks, cumulative usage snapshots merged.

use std::borrow::Cow;

use clawkit_core::{RuntimeModel, StopReason, StreamEvent, Text, Usage};
use serde::Deserialize;
use serde_json::Value;

use crate::partial_json::parse_partial;
use crate::sse::SseEvent;
use crate::wire_decoder::{Core, WireDecoder, final_arguments, raw};

#[derive(Deserialize)]
struct WireEvent<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default)]
    index: Option<u64>,
    #[serde(default, borrow)]
    delta: Option<WireDelta<'a>>,
    // Boxed: once per block or message, and it keeps the event that every
    // delta is parsed into (and moved through serde's results) small.
    #[serde(default, borrow)]
    content_block: Option<Box<WireBlock<'a>>>,
    #[serde(default)]
    message: Option<Box<WireMessage>>,
    #[serde(default)]
    usage: Option<Box<WireUsage>>,
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
    core: Core,
    /// The open blocks by their wire index, in the order they opened
    /// (a message has few open at once: a short list beats hashing).
    blocks: Vec<(u64, Block)>,
    /// The latest value of each usage counter.
    usage: WireUsage,
    saw_usage: bool,
}

impl Decoder {
    pub(crate) fn new(model: &RuntimeModel) -> Self {
        Decoder {
            core: Core::new(model),
            blocks: Vec::new(),
            usage: WireUsage::default(),
            saw_usage: false,
        }
    }

    fn block_mut(&mut self, index: u64) -> Option<&mut Block> {
        self.blocks
            .iter_mut()
            .find(|(at, _)| *at == index)
            .map(|(_, block)| block)
    }

    fn remove_block(&mut self, index: u64) -> Option<Block> {
        let at = self.blocks.iter().position(|(at, _)| *at == index)?;
        Some(self.blocks.remove(at).1)
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

    fn wire_event(&mut self, event: &SseEvent, out: &mut Vec<StreamEvent>) -> bool {
        let data = &event.data[..];
        let Ok(wire) = crate::wire::from_json::<WireEvent<'_>>(data) else {
            return false;
        };
        match wire.kind.as_ref() {
            "ping" => {}
            "message_start" => {
                // A second message_start: close what the first left open.
                self.close_all(out);
                if self.core.response_model.is_none() {
                    self.core.response_model = wire.message.as_ref().and_then(|m| m.model.clone());
                }
                if let Some(usage) = wire.message.as_ref().and_then(|m| m.usage.as_ref()) {
                    self.merge_usage(usage);
                }
            }
            "content_block_start" => {
                let (Some(index), Some(block)) = (wire.index, wire.content_block) else {
                    return false;
                };
                if let Some(previous) = self.remove_block(index) {
                    self.close(previous, out);
                }
                let ours = self.core.take_index();
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
                        out.push(raw(event));
                        BlockKind::Unmapped
                    }
                };
                self.blocks.push((index, Block { index: ours, kind }));
            }
            "content_block_delta" => {
                let (Some(index), Some(delta)) = (wire.index, wire.delta) else {
                    return false;
                };
                let Some(block) = self.block_mut(index) else {
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
                    _ => out.push(raw(event)),
                }
            }
            "content_block_stop" => {
                let Some(index) = wire.index else {
                    return false;
                };
                match self.remove_block(index) {
                    Some(block) if matches!(block.kind, BlockKind::Unmapped) => {
                        out.push(raw(event))
                    }
                    Some(block) => self.close(block, out),
                    None => return false,
                }
            }
            "message_delta" => {
                if let Some(reason) = wire.delta.as_ref().and_then(|d| d.stop_reason.as_deref()) {
                    self.core.stop = Some(stop_reason(reason));
                }
                if let Some(usage) = &wire.usage {
                    self.merge_usage(usage);
                }
            }
            "message_stop" => self.finish(out),
            "error" => {
                let payload: Value = serde_json::from_slice(data).unwrap_or(Value::Null);
                self.fail_in_stream(&payload, out);
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
        let mut open: Vec<Block> = self.blocks.drain(..).map(|(_, b)| b).collect();
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
            usage: self.core.priced(usage),
        });
    }
}

impl WireDecoder for Decoder {
    fn core(&self) -> &Core {
        &self.core
    }

    fn core_mut(&mut self) -> &mut Core {
        &mut self.core
    }

    fn event(&mut self, event: &SseEvent, out: &mut Vec<StreamEvent>) -> bool {
        self.wire_event(event, out)
    }

    fn wind_up(&mut self, out: &mut Vec<StreamEvent>) {
        self.close_all(out);
        self.usage_event(out);
    }

    fn ended_early(&self) -> &'static str {
        "the stream ended before message_stop"
    }

    fn answer_kind(&self) -> &'static str {
        super::answer::KIND
    }

    fn replay(&self, answer: &Value) -> Option<Vec<SseEvent>> {
        super::answer::replay(answer)
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
