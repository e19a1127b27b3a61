//! The `anthropic-messages` response: `message_*` and `content_block_*`
//! events mapped to blocks, cumulative usage snapshots merged.

use std::borrow::Cow;

use clawkit_core::{RuntimeModel, StopReason, StreamEvent, Text, Usage};
use serde::Deserialize;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::partial_json::parse_partial;
use crate::sse::{SseEvent, SseEventRef};
use crate::wire::{InPlace, Named, next_str, text_in};
use crate::wire_decoder::{Core, WireDecoder, final_arguments, raw};

/// One event, parsed in place: the decoder keeps it on its stack and the
/// visitors below fill it, so nothing is moved up through serde's nested
/// `Result`s (a derived struct of every event kind's fields cost more in
/// moves than the JSON did), and strings stay borrowed from the data.
#[derive(Default)]
struct WireEvent<'a> {
    kind: Option<EventKind>,
    index: Option<u64>,
    /// A `delta` object was present (not absent, not null).
    has_delta: bool,
    delta: WireDelta<'a>,
    // Boxed: once per block or message, and they keep the event that every
    // delta is parsed into small.
    content_block: Option<Box<WireBlock<'a>>>,
    message: Option<Box<WireMessage>>,
    usage: Option<WireUsage>,
}

/// An event's `type`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum EventKind {
    Ping,
    MessageStart,
    ContentBlockStart,
    ContentBlockDelta,
    ContentBlockStop,
    MessageDelta,
    MessageStop,
    Error,
    Other,
}

impl EventKind {
    fn named(name: &str) -> Self {
        match name {
            "ping" => EventKind::Ping,
            "message_start" => EventKind::MessageStart,
            "content_block_start" => EventKind::ContentBlockStart,
            "content_block_delta" => EventKind::ContentBlockDelta,
            "content_block_stop" => EventKind::ContentBlockStop,
            "message_delta" => EventKind::MessageDelta,
            "message_stop" => EventKind::MessageStop,
            "error" => EventKind::Error,
            _ => EventKind::Other,
        }
    }
}

#[derive(Default)]
struct WireDelta<'a> {
    kind: Option<DeltaKind>,
    text: Option<Cow<'a, str>>,
    partial_json: Option<Cow<'a, str>>,
    thinking: Option<Cow<'a, str>>,
    signature: Option<Cow<'a, str>>,
    stop_reason: Option<Cow<'a, str>>,
}

/// A `delta`'s `type`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum DeltaKind {
    TextDelta,
    ThinkingDelta,
    SignatureDelta,
    InputJsonDelta,
    Other,
}

impl DeltaKind {
    fn named(name: &str) -> Self {
        match name {
            "text_delta" => DeltaKind::TextDelta,
            "thinking_delta" => DeltaKind::ThinkingDelta,
            "signature_delta" => DeltaKind::SignatureDelta,
            "input_json_delta" => DeltaKind::InputJsonDelta,
            _ => DeltaKind::Other,
        }
    }
}

impl<'a> WireEvent<'a> {
    /// Parses `data` into this event (which must be fresh): a delta in the
    /// form the API sends it is read directly ([`compact_delta`]), anything
    /// else by the JSON parser.
    fn parse_into(&mut self, data: &'a [u8]) -> serde_json::Result<()> {
        let Some((index, kind, piece)) = compact_delta(data) else {
            return crate::wire::from_json_seed(data, InPlace(self));
        };
        self.kind = Some(EventKind::ContentBlockDelta);
        self.index = Some(index);
        self.has_delta = true;
        self.delta.kind = Some(kind);
        let piece = Some(piece);
        match kind {
            DeltaKind::TextDelta => self.delta.text = piece,
            DeltaKind::ThinkingDelta => self.delta.thinking = piece,
            DeltaKind::InputJsonDelta => self.delta.partial_json = piece,
            DeltaKind::SignatureDelta | DeltaKind::Other => {}
        }
        Ok(())
    }
}

/// How a compact delta starts, up to its index.
const COMPACT_DELTA: &[u8] = br#"{"type":"content_block_delta","index":"#;

/// What follows the index of a compact delta of each kind, up to the
/// opening quote of its string.
const COMPACT_DELTA_KINDS: [(&[u8], DeltaKind); 3] = [
    (
        br#","delta":{"type":"text_delta","text":""#,
        DeltaKind::TextDelta,
    ),
    (
        br#","delta":{"type":"thinking_delta","thinking":""#,
        DeltaKind::ThinkingDelta,
    ),
    (
        br#","delta":{"type":"input_json_delta","partial_json":""#,
        DeltaKind::InputJsonDelta,
    ),
];

/// A text, thinking or tool-input delta written exactly as the Anthropic
/// API writes one, `{"type":"content_block_delta","index":0,"delta":
/// {"type":"text_delta","text":"Hi"}}` (no spaces, keys in that order): its
/// index, kind and string, read without the JSON parser, which costs
/// several times more. A string without escapes is found with one search
/// and borrowed; one with escapes is unescaped by serde_json. Anything else
/// (another form, a control character, a number JSON does not allow,
/// invalid UTF-8) is `None`, and left to the JSON parser, which reads the
/// same event the same way; a property test holds the two to that.
fn compact_delta(data: &[u8]) -> Option<(u64, DeltaKind, Cow<'_, str>)> {
    let rest = data.strip_prefix(COMPACT_DELTA)?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    // At most 19 digits cannot overflow; JSON has no leading zeros.
    if digits == 0 || digits > 19 || (digits > 1 && rest.first() == Some(&b'0')) {
        return None;
    }
    let (number, rest) = rest.split_at(digits);
    let index = number
        .iter()
        .fold(0u64, |n, digit| n * 10 + u64::from(digit - b'0'));
    let (kind, rest) = COMPACT_DELTA_KINDS
        .iter()
        .find_map(|(head, kind)| rest.strip_prefix(*head).map(|rest| (*kind, rest)))?;
    let end = memchr::memchr2(b'"', b'\\', rest)?;
    let (piece, tail) = if rest.get(end) == Some(&b'"') {
        let (piece, rest) = rest.split_at(end);
        if piece.iter().any(|&b| b < 0x20) {
            return None;
        }
        (Cow::Borrowed(std::str::from_utf8(piece).ok()?), &rest[1..])
    } else {
        // From the string's opening quote, which the kind's head ends with.
        let quoted = data.get(data.len() - rest.len() - 1..)?;
        let quoted = std::str::from_utf8(quoted).ok()?;
        let mut strings = serde_json::Deserializer::from_str(quoted).into_iter::<Unescaped<'_>>();
        let Unescaped(piece) = strings.next()?.ok()?;
        (piece, quoted.as_bytes().get(strings.byte_offset()..)?)
    };
    let tail = tail.strip_prefix(b"}}")?;
    if !tail
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return None;
    }
    Some((index, kind, piece))
}

/// A JSON string, unescaped.
struct Unescaped<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Unescaped<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::wire::str_of(deserializer).map(Unescaped)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum EventKey {
    Type,
    Index,
    Delta,
    ContentBlock,
    Message,
    Usage,
    #[serde(other)]
    Other,
}

impl<'de: 'a, 'a> Visitor<'de> for InPlace<'_, WireEvent<'a>> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an anthropic-messages event object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let event = self.0;
        while let Some(key) = map.next_key::<EventKey>()? {
            match key {
                EventKey::Type => event.kind = map.next_value_seed(Named(EventKind::named))?,
                EventKey::Index => event.index = map.next_value()?,
                EventKey::Delta => {
                    event.has_delta = map.next_value_seed(OptionalDelta(&mut event.delta))?;
                }
                EventKey::ContentBlock => event.content_block = map.next_value()?,
                EventKey::Message => event.message = map.next_value()?,
                EventKey::Usage => event.usage = map.next_value()?,
                EventKey::Other => {
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
    Type,
    Text,
    PartialJson,
    Thinking,
    Signature,
    StopReason,
    #[serde(other)]
    Other,
}

/// `delta`: null or an object; the value is whether it was an object.
struct OptionalDelta<'s, 'a>(&'s mut WireDelta<'a>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for OptionalDelta<'_, 'a> {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for OptionalDelta<'_, 'a> {
    type Value = bool;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a delta object or null")
    }
    fn visit_none<E>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let delta = self.0;
        while let Some(key) = map.next_key::<DeltaKey>()? {
            match key {
                DeltaKey::Type => delta.kind = map.next_value_seed(Named(DeltaKind::named))?,
                DeltaKey::Text => delta.text = next_str(&mut map)?,
                DeltaKey::PartialJson => delta.partial_json = next_str(&mut map)?,
                DeltaKey::Thinking => delta.thinking = next_str(&mut map)?,
                DeltaKey::Signature => delta.signature = next_str(&mut map)?,
                DeltaKey::StopReason => delta.stop_reason = next_str(&mut map)?,
                DeltaKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(true)
    }
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

    fn wire_event(&mut self, event: SseEventRef<'_>, out: &mut Vec<StreamEvent>) -> bool {
        let data = event.data;
        let mut wire = WireEvent::default();
        if wire.parse_into(data).is_err() {
            return false;
        }
        let Some(kind) = wire.kind else {
            return false;
        };
        match kind {
            EventKind::Ping => {}
            EventKind::MessageStart => {
                // A second message_start: close what the first left open.
                self.close_all(out);
                if self.core.response_model.is_none() {
                    self.core.response_model = wire.message.as_ref().and_then(|m| m.model.clone());
                }
                if let Some(usage) = wire.message.as_ref().and_then(|m| m.usage.as_ref()) {
                    self.merge_usage(usage);
                }
            }
            EventKind::ContentBlockStart => {
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
            EventKind::ContentBlockDelta => {
                let (Some(index), true) = (wire.index, wire.has_delta) else {
                    return false;
                };
                let delta = wire.delta;
                let Some(block) = self.block_mut(index) else {
                    return false;
                };
                let ours = block.index;
                match (&mut block.kind, delta.kind) {
                    (BlockKind::Text(text), Some(DeltaKind::TextDelta)) => {
                        let piece = delta.text.unwrap_or_default();
                        text.push_str(&piece);
                        out.push(StreamEvent::TextDelta {
                            index: ours,
                            text: text_in(event.buffer, piece),
                        });
                    }
                    (BlockKind::Thinking { text, .. }, Some(DeltaKind::ThinkingDelta)) => {
                        let piece = delta.thinking.unwrap_or_default();
                        text.push_str(&piece);
                        out.push(StreamEvent::ReasoningDelta {
                            index: ours,
                            text: text_in(event.buffer, piece),
                        });
                    }
                    (BlockKind::Thinking { signature, .. }, Some(DeltaKind::SignatureDelta)) => {
                        let piece = delta.signature.unwrap_or_default();
                        signature.get_or_insert_with(String::new).push_str(&piece);
                    }
                    (BlockKind::Tool { args, .. }, Some(DeltaKind::InputJsonDelta)) => {
                        let piece = delta.partial_json.unwrap_or_default();
                        if !piece.is_empty() {
                            args.push_str(&piece);
                            out.push(StreamEvent::ToolCallDelta {
                                index: ours,
                                delta: text_in(event.buffer, piece),
                                partial: parse_partial(args),
                            });
                        }
                    }
                    _ => out.push(raw(event)),
                }
            }
            EventKind::ContentBlockStop => {
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
            EventKind::MessageDelta => {
                if let Some(reason) = wire.delta.stop_reason.as_deref() {
                    self.core.stop = Some(stop_reason(reason));
                }
                if let Some(usage) = &wire.usage {
                    self.merge_usage(usage);
                }
            }
            EventKind::MessageStop => self.finish(out),
            EventKind::Error => {
                let payload: Value = serde_json::from_slice(data).unwrap_or(Value::Null);
                self.fail_in_stream(&payload, out);
            }
            EventKind::Other => return false,
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

    fn event(&mut self, event: SseEventRef<'_>, out: &mut Vec<StreamEvent>) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What an event parsed into, to compare.
    type Parsed = (
        Option<EventKind>,
        Option<u64>,
        bool,
        Option<DeltaKind>,
        [Option<String>; 3],
    );

    /// `data` as the JSON parser reads it.
    fn by_the_json_parser(data: &[u8]) -> Option<Parsed> {
        let mut event = WireEvent::default();
        crate::wire::from_json_seed(data, InPlace(&mut event)).ok()?;
        Some(parsed(event))
    }

    /// `data` as `parse_into` reads it.
    fn by_parse_into(data: &[u8]) -> Option<Parsed> {
        let mut event = WireEvent::default();
        event.parse_into(data).ok()?;
        Some(parsed(event))
    }

    fn parsed(event: WireEvent<'_>) -> Parsed {
        let delta = event.delta;
        let own = |piece: Option<Cow<'_, str>>| piece.map(Cow::into_owned);
        (
            event.kind,
            event.index,
            event.has_delta,
            delta.kind,
            [
                own(delta.text),
                own(delta.thinking),
                own(delta.partial_json),
            ],
        )
    }

    #[test]
    fn a_delta_as_the_api_sends_it_is_read_without_the_json_parser() {
        let data = br#"{"type":"content_block_delta","index":12,"delta":{"type":"text_delta","text":"Hello"}}"#;
        assert_eq!(
            compact_delta(data),
            Some((12, DeltaKind::TextDelta, Cow::Borrowed("Hello")))
        );
        let tool = br#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\u00e9\n"}}"#;
        assert_eq!(
            compact_delta(tool),
            Some((1, DeltaKind::InputJsonDelta, Cow::Borrowed("{\"a\u{e9}\n")))
        );
        let thinking = b"{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"caf\xc3\xa9\"}}\r\n";
        assert_eq!(
            compact_delta(thinking),
            Some((0, DeltaKind::ThinkingDelta, Cow::Borrowed("caf\u{e9}")))
        );
        for declined in [
            &br#"{"type":"content_block_delta","index":01,"delta":{"type":"text_delta","text":"a"}}"#[..],
            br#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}x"#,
            br#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a","x":1}}"#,
            br#"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"a"}}"#,
            br#"{"type": "content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}"#,
            b"{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\tb\"}}",
            b"{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\xff\"}}",
            br#"{"type":"content_block_delta","index":99999999999999999999,"delta":{"type":"text_delta","text":"a"}}"#,
        ] {
            assert_eq!(compact_delta(declined), None, "{}", String::from_utf8_lossy(declined));
            assert_eq!(by_parse_into(declined), by_the_json_parser(declined));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// Wherever the direct reading accepts an event, the JSON parser
        /// reads it the same way; and `parse_into` always agrees with it.
        #[test]
        fn the_direct_reading_agrees_with_the_json_parser(
            head in proptest::sample::select(vec![
                &br#"{"type":"content_block_delta","index":"#[..],
                br#"{"type":"content_block_delta", "index":"#,
                br#"{"type":"content_block_stop","index":"#,
                br#"{"index":"#,
            ]),
            index in proptest::sample::select(vec![
                &b"0"[..], b"7", b"42", b"01", b"00", b"-1", b"1.5", b"1e2", b"",
                b"9999999999999999999", b"18446744073709551615", b"18446744073709551616",
            ]),
            kind in proptest::sample::select(vec![
                &br#","delta":{"type":"text_delta","text":""#[..],
                br#","delta":{"type":"thinking_delta","thinking":""#,
                br#","delta":{"type":"input_json_delta","partial_json":""#,
                br#","delta":{"type":"signature_delta","signature":""#,
                br#","delta":{"type":"text_delta","thinking":""#,
                br#","delta":{"text":""#,
            ]),
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    &b"a"[..], b" ", b"\xc3\xa9", b"\\n", b"\\\"", b"\"", b"\x01", b"\x7f",
                    b"\xff", b"}}", b"\\u00e9", b"\\",
                ]),
                0..8,
            ),
            tail in proptest::sample::select(vec![
                &b"\"}}"[..], b"\"}} ", b"\"}}\r\n", b"\"}}x", b"\"}", b"\",\"x\":1}}",
                b"\"}}}", b"", b"\"} }",
            ]),
        ) {
            let data = [head, index, kind, &pieces.concat(), tail].concat();
            let parser = by_the_json_parser(&data);
            if let Some((index, kind, piece)) = compact_delta(&data) {
                let field = match kind {
                    DeltaKind::TextDelta => 0,
                    DeltaKind::ThinkingDelta => 1,
                    _ => 2,
                };
                let mut pieces = [None, None, None];
                pieces[field] = Some(piece.into_owned());
                let direct = (
                    Some(EventKind::ContentBlockDelta),
                    Some(index),
                    true,
                    Some(kind),
                    pieces,
                );
                proptest::prop_assert_eq!(Some(direct), parser.clone());
            }
            proptest::prop_assert_eq!(by_parse_into(&data), parser);
        }
    }
}
