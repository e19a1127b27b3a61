//! The `openai-completions` response: chunks parsed in place, choice 0's
//! deltas mapped to text, reasoning and tool-call blocks, usage and the
//! finish reason kept for the end.

use std::borrow::Cow;

use bytes::Bytes;
use clawkit_core::{RuntimeModel, StopReason, StreamEvent, Text, Usage};
use serde::Deserialize;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::REASONING_FIELDS;
use crate::partial_json::parse_partial;
use crate::sse::{SseEvent, SseEventRef};
use crate::wire::{InPlace, next_str, text_in};
use crate::wire_decoder::{Core, WireDecoder, final_arguments};

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
    core: Core,
    open: Option<OpenBlock>,
    tools: Vec<ToolState>,
    usage: Option<Usage>,
}

impl Decoder {
    pub(crate) fn new(model: &RuntimeModel) -> Self {
        Decoder {
            core: Core::new(model),
            open: None,
            tools: Vec::new(),
            usage: None,
        }
    }

    fn chunk(&mut self, event: SseEventRef<'_>, out: &mut Vec<StreamEvent>) -> Result<bool, ()> {
        let data = event.data;
        let mut chunk = Chunk::default();
        chunk.parse_into(data).map_err(|_| ())?;
        if chunk.error {
            let payload: Value = serde_json::from_slice(data).map_err(|_| ())?;
            self.fail_in_stream(&payload, out);
            return Ok(true);
        }
        if self.core.response_model.is_none()
            && let Some(model) = chunk.model.take().filter(|m| !m.is_empty())
        {
            self.core.response_model = Some(model.into_owned());
        }
        let mut understood = false;
        if let Some(usage) = chunk.usage.take() {
            self.usage = Some(self.convert_usage(&usage));
            understood = true;
        }
        understood |= chunk.any_choice;
        if chunk.chosen {
            self.delta(&mut chunk.choice.delta, event.buffer, out);
            if let Some(reason) = chunk.choice.finish_reason {
                self.core.stop = Some(stop_reason(&reason));
            }
        }
        Ok(understood)
    }

    /// Choice 0's delta; its strings are borrowed from the event's data,
    /// which lies in `buffer`.
    fn delta(&mut self, delta: &mut Delta<'_>, buffer: &Bytes, out: &mut Vec<StreamEvent>) {
        let reasoning = delta
            .reasoning
            .iter_mut()
            .enumerate()
            .find_map(|(field, text)| text.take().filter(|t| !t.is_empty()).map(|t| (field, t)));
        if let Some((field, text)) = reasoning {
            self.append(Open::Reasoning(field), text_in(buffer, text), out);
        }
        for text in [delta.content.take(), delta.refusal.take()]
            .into_iter()
            .flatten()
        {
            if !text.is_empty() {
                self.append(Open::Text, text_in(buffer, text), out);
            }
        }
        if let Some(calls) = delta.tool_calls.take() {
            self.close_open(out);
            for call in calls {
                self.tool_delta(call, buffer, out);
            }
        }
    }

    fn append(&mut self, kind: Open, text: Text, out: &mut Vec<StreamEvent>) {
        let same = matches!(&self.open, Some(open) if std::mem::discriminant(&open.kind) == std::mem::discriminant(&kind));
        if !same {
            self.close_open(out);
            let index = self.core.take_index();
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

    fn tool_delta(&mut self, call: WireToolCall<'_>, buffer: &Bytes, out: &mut Vec<StreamEvent>) {
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
                let block = self.core.take_index();
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
                delta: text_in(buffer, fragment),
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
        self.core.priced(usage)
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
        if event.data == b"[DONE]" {
            self.finish(out);
            return true;
        }
        // Valid JSON of an unknown shape, or not JSON at all, passes through.
        matches!(self.chunk(event, out), Ok(true))
    }

    fn wind_up(&mut self, out: &mut Vec<StreamEvent>) {
        self.close_open(out);
        self.close_tools(out);
        if let Some(usage) = self.usage.take() {
            out.push(StreamEvent::Usage { usage });
        }
    }

    /// No `[DONE]`, but a finish reason: many servers omit `[DONE]`.
    fn ended_early(&self) -> &'static str {
        "the stream ended before the response finished (no finish_reason, no [DONE])"
    }

    fn answer_kind(&self) -> &'static str {
        super::answer::KIND
    }

    fn replay(&self, answer: &Value) -> Option<Vec<SseEvent>> {
        super::answer::replay(answer)
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

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use clawkit_core::ErrorKind;
    use serde_json::json;

    use super::super::test_support::model;

    fn decode(lines: &[&str]) -> Vec<StreamEvent> {
        let mut decoder = Decoder::new(&model("acme", "https://api.acme.example/v1"));
        let mut out = Vec::new();
        for line in lines {
            let event = SseEvent {
                event: None,
                data: Bytes::copy_from_slice(line.as_bytes()),
                id: None,
            };
            decoder.on_event(event.view(), &mut out);
        }
        if !decoder.finished() {
            decoder.on_end(&mut out);
        }
        out
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
                } => Some((name.clone(), (**arguments).clone())),
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
