//! The `google-generative-ai` response: candidate parts mapped to text,
//! reasoning and function calls (whole, or streamed as `partialArgs`), the
//! latest `usageMetadata` kept for the end.

use std::borrow::Cow;

use bytes::Bytes;
use clawkit_core::{RuntimeModel, StopReason, StreamEvent, Usage};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::sse::{SseEvent, SseEventRef};
use crate::wire::text_in;
use crate::wire_decoder::{Core, WireDecoder};

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(default, borrow)]
    candidates: Option<Vec<Candidate<'a>>>,
    #[serde(default, rename = "usageMetadata")]
    usage: Option<WireUsage>,
    #[serde(default, rename = "promptFeedback")]
    prompt_feedback: Option<PromptFeedback>,
    #[serde(default)]
    error: Option<serde::de::IgnoredAny>,
    #[serde(
        default,
        rename = "modelVersion",
        borrow,
        deserialize_with = "crate::wire::opt_str"
    )]
    model_version: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Candidate<'a> {
    #[serde(default)]
    index: Option<u64>,
    #[serde(default, borrow)]
    content: Option<WireContent<'a>>,
    #[serde(
        default,
        rename = "finishReason",
        borrow,
        deserialize_with = "crate::wire::opt_str"
    )]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct WireContent<'a> {
    #[serde(default, borrow)]
    parts: Vec<Part<'a>>,
}

#[derive(Deserialize)]
struct Part<'a> {
    #[serde(default, borrow, deserialize_with = "crate::wire::opt_str")]
    text: Option<Cow<'a, str>>,
    #[serde(default)]
    thought: Option<bool>,
    #[serde(
        default,
        rename = "thoughtSignature",
        borrow,
        deserialize_with = "crate::wire::opt_str"
    )]
    thought_signature: Option<Cow<'a, str>>,
    #[serde(default, rename = "functionCall")]
    function_call: Option<FunctionCall>,
}

#[derive(Deserialize)]
struct FunctionCall {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    args: Option<Value>,
    #[serde(default, rename = "partialArgs")]
    partial_args: Option<Vec<PartialArg>>,
    #[serde(default, rename = "willContinue")]
    will_continue: Option<bool>,
}

#[derive(Deserialize)]
struct PartialArg {
    #[serde(rename = "jsonPath")]
    json_path: String,
    #[serde(default, rename = "stringValue")]
    string_value: Option<String>,
    #[serde(default, rename = "numberValue")]
    number_value: Option<serde_json::Number>,
    #[serde(default, rename = "boolValue")]
    bool_value: Option<bool>,
    #[serde(default, rename = "nullValue")]
    null_value: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "willContinue")]
    will_continue: Option<bool>,
}

#[derive(Deserialize)]
struct PromptFeedback {
    #[serde(default, rename = "blockReason")]
    block_reason: Option<String>,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct WireUsage {
    #[serde(default, rename = "promptTokenCount")]
    prompt: Option<u64>,
    #[serde(default, rename = "candidatesTokenCount")]
    candidates: Option<u64>,
    #[serde(default, rename = "thoughtsTokenCount")]
    thoughts: Option<u64>,
    #[serde(default, rename = "cachedContentTokenCount")]
    cached: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpenKind {
    Text,
    Reasoning,
}

struct Open {
    kind: OpenKind,
    index: usize,
    text: String,
    signature: Option<String>,
}

/// A function call whose arguments are still streaming.
struct Streaming {
    index: usize,
    id: String,
    name: String,
    args: Value,
    signature: Option<String>,
    /// The path of a string still being continued.
    open_string: Option<String>,
}

/// The google-generative-ai wire decoder.
pub(crate) struct Decoder {
    core: Core,
    calls: usize,
    open: Option<Open>,
    streaming: Option<Streaming>,
    usage: Option<WireUsage>,
    called_tools: bool,
}

impl Decoder {
    pub(crate) fn new(model: &RuntimeModel) -> Self {
        Decoder {
            core: Core::new(model),
            calls: 0,
            open: None,
            streaming: None,
            usage: None,
            called_tools: false,
        }
    }

    fn chunk(&mut self, event: SseEventRef<'_>, out: &mut Vec<StreamEvent>) -> Result<bool, ()> {
        let data = event.data;
        let mut chunk: Chunk<'_> = crate::wire::from_json(data).map_err(|_| ())?;
        if self.core.response_model.is_none() {
            self.core.response_model = chunk.model_version.take().map(Cow::into_owned);
        }
        if chunk.error.is_some() {
            let payload: Value = serde_json::from_slice(data).map_err(|_| ())?;
            self.fail_in_stream(&payload, out);
            return Ok(true);
        }
        let mut understood = false;
        if let Some(usage) = chunk.usage {
            understood = true;
            if usage.prompt.is_some() || usage.candidates.is_some() {
                self.usage = Some(usage);
            }
        }
        if chunk.prompt_feedback.and_then(|f| f.block_reason).is_some() {
            // The prompt itself was blocked: no candidates follow.
            understood = true;
            self.core.stop = Some(StopReason::ContentFilter);
        }
        for candidate in chunk.candidates.into_iter().flatten() {
            understood = true;
            if candidate.index.unwrap_or(0) != 0 {
                continue;
            }
            for part in candidate.content.map(|c| c.parts).unwrap_or_default() {
                self.part(part, event.buffer, out);
            }
            if let Some(reason) = candidate.finish_reason {
                self.core.stop = Some(stop_reason(&reason));
            }
        }
        Ok(understood)
    }

    /// One part of candidate 0; its strings are borrowed from the event's
    /// data, which lies in `buffer`.
    fn part(&mut self, part: Part<'_>, buffer: &Bytes, out: &mut Vec<StreamEvent>) {
        let signature = part.thought_signature.map(Cow::into_owned);
        if let Some(call) = part.function_call {
            self.close_open(out);
            self.function_call(call, signature, out);
            return;
        }
        let Some(text) = part.text else {
            if let Some(signature) = signature {
                self.signature_without_home(signature, out);
            }
            return;
        };
        let kind = if part.thought == Some(true) {
            OpenKind::Reasoning
        } else {
            OpenKind::Text
        };
        if self.open.as_ref().is_none_or(|o| o.kind != kind)
            && (!text.is_empty() || kind == OpenKind::Reasoning)
        {
            self.close_open(out);
            let index = self.core.take_index();
            out.push(match kind {
                OpenKind::Text => StreamEvent::TextStart { index },
                OpenKind::Reasoning => StreamEvent::ReasoningStart { index },
            });
            self.open = Some(Open {
                kind,
                index,
                text: String::new(),
                signature: None,
            });
        }
        match (self.open.as_mut(), signature) {
            (Some(open), Some(signature)) if open.kind == OpenKind::Reasoning => {
                open.signature = Some(signature)
            }
            (_, Some(signature)) => self.signature_without_home(signature, out),
            _ => {}
        }
        if text.is_empty() {
            return;
        }
        let Some(open) = self.open.as_mut() else {
            return;
        };
        open.text.push_str(&text);
        let index = open.index;
        let text = text_in(buffer, text);
        out.push(match kind {
            OpenKind::Text => StreamEvent::TextDelta { index, text },
            OpenKind::Reasoning => StreamEvent::ReasoningDelta { index, text },
        });
    }

    /// A signature on a plain text part has no place in the normalized
    /// events; it passes through raw rather than being dropped.
    fn signature_without_home(&mut self, signature: String, out: &mut Vec<StreamEvent>) {
        out.push(StreamEvent::Raw {
            event: Some("thoughtSignature".to_owned()),
            data: signature,
        });
    }

    fn function_call(
        &mut self,
        call: FunctionCall,
        signature: Option<String>,
        out: &mut Vec<StreamEvent>,
    ) {
        self.called_tools = true;
        if let Some(name) = call.name.filter(|n| !n.is_empty()) {
            // A named call starts a new call (closing one still streaming).
            self.close_streaming(out);
            let index = self.core.take_index();
            self.calls += 1;
            let id = call.id.unwrap_or_else(|| format!("call_{}", self.calls));
            out.push(StreamEvent::ToolCallStart {
                index,
                id: id.clone(),
                name: name.clone(),
            });
            let args = call.args.unwrap_or_else(|| Value::Object(Map::new()));
            let mut streaming = Streaming {
                index,
                id,
                name,
                args,
                signature,
                open_string: None,
            };
            if let Some(partial) = call.partial_args {
                apply_partial(&mut streaming, partial, out);
            }
            if call.will_continue == Some(true) {
                self.streaming = Some(streaming);
            } else {
                self.streaming = Some(streaming);
                self.close_streaming(out);
            }
            return;
        }
        let Some(streaming) = self.streaming.as_mut() else {
            return;
        };
        if streaming.signature.is_none() {
            streaming.signature = signature;
        }
        let pieces = call.partial_args.unwrap_or_default();
        let empty = pieces.is_empty();
        apply_partial(streaming, pieces, out);
        // An empty functionCall without willContinue closes the streamed call.
        if empty && call.will_continue != Some(true) {
            self.close_streaming(out);
        }
    }

    fn close_streaming(&mut self, out: &mut Vec<StreamEvent>) {
        if let Some(call) = self.streaming.take() {
            out.push(StreamEvent::ToolCallEnd {
                index: call.index,
                id: call.id,
                name: call.name,
                arguments: Box::new(call.args),
                signature: call.signature,
            });
        }
    }

    fn close_open(&mut self, out: &mut Vec<StreamEvent>) {
        if let Some(open) = self.open.take() {
            out.push(match open.kind {
                OpenKind::Text => StreamEvent::TextEnd {
                    index: open.index,
                    text: open.text.into(),
                },
                OpenKind::Reasoning => StreamEvent::ReasoningEnd {
                    index: open.index,
                    text: open.text.into(),
                    signature: open.signature,
                },
            });
        }
    }

    fn usage_event(&mut self, out: &mut Vec<StreamEvent>) {
        if let Some(u) = self.usage.take() {
            let prompt = u.prompt.unwrap_or(0);
            let cached = u.cached.unwrap_or(0).min(prompt);
            let thoughts = u.thoughts.unwrap_or(0);
            let mut usage = Usage::new(
                prompt - cached,
                u.candidates.unwrap_or(0) + thoughts,
                cached,
                0,
            );
            usage.reasoning = thoughts;
            out.push(StreamEvent::Usage {
                usage: self.core.priced(usage),
            });
        }
    }
}

/// Applies `partialArgs` pieces to a streaming call, emitting a delta per
/// piece with the arguments so far.
fn apply_partial(call: &mut Streaming, pieces: Vec<PartialArg>, out: &mut Vec<StreamEvent>) {
    for piece in pieces {
        let continuing = call.open_string.as_deref() == Some(piece.json_path.as_str());
        let (value, fragment) = if let Some(text) = piece.string_value {
            let existing = if continuing {
                value_at(&call.args, &piece.json_path)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            } else {
                String::new()
            };
            (Value::String(existing + &text), text)
        } else if let Some(number) = piece.number_value {
            (Value::Number(number.clone()), number.to_string())
        } else if let Some(flag) = piece.bool_value {
            (Value::Bool(flag), flag.to_string())
        } else if piece.null_value.is_some() {
            (Value::Null, "null".to_owned())
        } else {
            continue;
        };
        let is_string = value.is_string();
        set_at(&mut call.args, &piece.json_path, value);
        call.open_string =
            (is_string && piece.will_continue == Some(true)).then(|| piece.json_path.clone());
        if !fragment.is_empty() {
            out.push(StreamEvent::ToolCallDelta {
                index: call.index,
                delta: fragment.into(),
                partial: Some(call.args.clone()),
            });
        }
    }
}

#[derive(Debug, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// `$.a.b[0].c` → keys and indices.
fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let rest = path.strip_prefix('$').unwrap_or(path);
    for raw in rest.split('.').filter(|s| !s.is_empty()) {
        let (key, mut indices) = match raw.find('[') {
            Some(bracket) => (&raw[..bracket], &raw[bracket..]),
            None => (raw, ""),
        };
        if !key.is_empty() {
            out.push(Segment::Key(key.to_owned()));
        }
        while let Some(close) = indices.find(']') {
            if let Ok(index) = indices[1..close].parse() {
                out.push(Segment::Index(index));
            }
            indices = &indices[close + 1..];
        }
    }
    out
}

fn value_at<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    segments(path)
        .iter()
        .try_fold(root, |node, segment| match segment {
            Segment::Key(key) => node.get(key),
            Segment::Index(index) => node.get(index),
        })
}

/// Sets `value` at `path`, creating objects and arrays on the way.
fn set_at(root: &mut Value, path: &str, value: Value) {
    let segments = segments(path);
    let mut node = root;
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match segment {
            Segment::Key(key) => {
                if !node.is_object() {
                    *node = Value::Object(Map::new());
                }
                let Some(map) = node.as_object_mut() else {
                    return;
                };
                if last {
                    map.insert(key.clone(), value);
                    return;
                }
                node = map.entry(key.clone()).or_insert(Value::Null);
            }
            Segment::Index(index) => {
                if !node.is_array() {
                    *node = Value::Array(Vec::new());
                }
                let Some(items) = node.as_array_mut() else {
                    return;
                };
                // Cap growth: a hostile index must not allocate gigabytes.
                if *index > items.len() + 1024 {
                    return;
                }
                while items.len() <= *index {
                    items.push(Value::Null);
                }
                if last {
                    items[*index] = value;
                    return;
                }
                node = &mut items[*index];
            }
        }
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
        // Gemini sends no `[DONE]`, but gateways in front of it add one:
        // the stream ends there, as the body ending would end it, and
        // anything a gateway sends after it is not read.
        if event.data == b"[DONE]" {
            if !self.finished() {
                self.on_end(out);
            }
            return true;
        }
        matches!(self.chunk(event, out), Ok(true))
    }

    fn wind_up(&mut self, out: &mut Vec<StreamEvent>) {
        self.close_open(out);
        self.close_streaming(out);
        self.usage_event(out);
    }

    fn ended_early(&self) -> &'static str {
        "the stream ended without a finishReason"
    }

    fn answer_kind(&self) -> &'static str {
        super::answer::KIND
    }

    fn replay(&self, answer: &Value) -> Option<Vec<SseEvent>> {
        super::answer::replay(answer)
    }

    /// A response that called tools stops for them, whatever
    /// `finishReason` says (Gemini sends `STOP`).
    fn done_reason(&self, stop: Option<StopReason>) -> StopReason {
        match stop {
            Some(StopReason::Stop) | None if self.called_tools => StopReason::ToolUse,
            Some(reason) => reason,
            None => StopReason::Stop,
        }
    }
}

/// Gemini `finishReason` → stop reason.
fn stop_reason(reason: &str) -> StopReason {
    match reason {
        "STOP" => StopReason::Stop,
        "MAX_TOKENS" => StopReason::Length,
        "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY" => {
            StopReason::ContentFilter
        }
        other => StopReason::Other(other.to_ascii_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_paths_build_nested_arguments() {
        let mut args = Value::Object(Map::new());
        set_at(&mut args, "$.recipe.ingredients[1].name", json!("beef"));
        set_at(&mut args, "$.recipe.ingredients[0].name", json!("noodles"));
        set_at(&mut args, "$.recipe.steps[0]", json!("Preheat"));
        assert_eq!(
            args,
            json!({"recipe": {"ingredients": [{"name": "noodles"}, {"name": "beef"}], "steps": ["Preheat"]}})
        );
        assert_eq!(
            value_at(&args, "$.recipe.ingredients[1].name"),
            Some(&json!("beef"))
        );
        set_at(&mut args, "$.x[999999999]", json!(1));
        assert!(
            args.get("x")
                .is_some_and(|x| x.as_array().is_some_and(Vec::is_empty)),
            "huge indices are refused"
        );
    }
}
