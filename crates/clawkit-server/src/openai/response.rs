//! A turn's events in OpenAI's shapes: one `chat.completion` object
//! ([`Collected`]) or a sequence of `chat.completion.chunk`s
//! ([`ChunkEncoder`]).
//!
//! clawkit's own fields ride along where OpenAI's format has none, as
//! `clawkit chat --history` reads them back: `reasoning_content`, the
//! reasoning's `reasoning_signature`, and a tool call's
//! `thought_signature`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use clawkit_core::{StopReason, StreamEvent, Usage};
use serde_json::{Map, Value, json};

/// What every object of one response repeats.
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    /// `chatcmpl-…`, unique per response.
    pub(crate) id: String,
    /// Unix seconds.
    pub(crate) created: u64,
    /// The model as the request named it.
    pub(crate) model: String,
}

impl Meta {
    /// A fresh id and the current time for a response of `model`.
    pub(crate) fn new(model: &str) -> Meta {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let serial = NEXT.fetch_add(1, Ordering::Relaxed);
        Meta {
            id: format!("chatcmpl-{:x}{serial:04x}", now.as_micros()),
            created: now.as_secs(),
            model: model.to_owned(),
        }
    }
}

/// OpenAI's `finish_reason` for a stop reason.
pub(crate) fn finish_reason(reason: &StopReason) -> &'static str {
    match reason {
        StopReason::Length => "length",
        StopReason::ToolUse => "tool_calls",
        StopReason::ContentFilter => "content_filter",
        _ => "stop",
    }
}

/// OpenAI's `usage`: `prompt_tokens` counts every input token, cached or
/// not (`prompt_tokens_details.cached_tokens` are those read from the
/// cache); `completion_tokens` include the reasoning tokens
/// (`completion_tokens_details.reasoning_tokens`).
pub(crate) fn usage_json(usage: &Usage) -> Value {
    let prompt = usage.input + usage.cache_read + usage.cache_write;
    json!({
        "prompt_tokens": prompt,
        "completion_tokens": usage.output,
        "total_tokens": prompt + usage.output,
        "prompt_tokens_details": {"cached_tokens": usage.cache_read},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning},
    })
}

/// A finished tool call.
#[derive(Debug, Clone)]
struct Call {
    id: String,
    name: String,
    arguments: Value,
    signature: Option<String>,
}

impl Call {
    fn json(&self) -> Value {
        let mut call = json!({
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": arguments_text(&self.arguments)},
        });
        if let Some(signature) = &self.signature {
            call["thought_signature"] = Value::from(signature.clone());
        }
        call
    }
}

/// Tool arguments as OpenAI sends them: a JSON string.
fn arguments_text(arguments: &Value) -> String {
    match arguments {
        Value::Null => "{}".to_owned(),
        other => other.to_string(),
    }
}

/// A whole answer, gathered for a non-streaming response.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    text: String,
    reasoning: String,
    reasoning_signature: Option<String>,
    calls: Vec<Call>,
    /// The last usage sent (each is a running total).
    usage: Option<Usage>,
}

impl Collected {
    /// Takes in one non-terminal event.
    pub(crate) fn push(&mut self, event: StreamEvent) {
        match event {
            StreamEvent::TextDelta { text, .. } => self.text.push_str(&text),
            StreamEvent::ReasoningDelta { text, .. } => self.reasoning.push_str(&text),
            StreamEvent::ReasoningEnd {
                signature: Some(signature),
                ..
            } => self.reasoning_signature = Some(signature),
            StreamEvent::ToolCallEnd {
                id,
                name,
                arguments,
                signature,
                ..
            } => self.calls.push(Call {
                id,
                name,
                arguments: *arguments,
                signature,
            }),
            StreamEvent::Usage { usage } => self.usage = Some(usage),
            _ => {}
        }
    }

    /// The `chat.completion` object, finished for `reason`.
    pub(crate) fn into_json(self, meta: &Meta, reason: &StopReason) -> Value {
        let mut message = Map::new();
        message.insert("role".into(), json!("assistant"));
        let content = if self.text.is_empty() && !self.calls.is_empty() {
            Value::Null
        } else {
            Value::from(self.text)
        };
        message.insert("content".into(), content);
        if !self.calls.is_empty() {
            let calls = self.calls.iter().map(Call::json).collect();
            message.insert("tool_calls".into(), Value::Array(calls));
        }
        if !self.reasoning.is_empty() {
            message.insert("reasoning_content".into(), Value::from(self.reasoning));
        }
        if let Some(signature) = self.reasoning_signature {
            message.insert("reasoning_signature".into(), Value::from(signature));
        }
        let mut completion = json!({
            "id": meta.id,
            "object": "chat.completion",
            "created": meta.created,
            "model": meta.model,
            "choices": [{
                "index": 0,
                "message": message,
                "finish_reason": finish_reason(reason),
            }],
        });
        if let Some(usage) = &self.usage {
            completion["usage"] = usage_json(usage);
        }
        completion
    }
}

/// A tool call being streamed.
#[derive(Debug)]
struct StreamedCall {
    /// clawkit's block index.
    block: usize,
    /// Whether argument text was sent for it.
    sent_arguments: bool,
}

/// A turn's events as `chat.completion.chunk` payloads (the JSON after
/// `data: `), in order.
#[derive(Debug)]
pub(crate) struct ChunkEncoder {
    meta: Meta,
    include_usage: bool,
    /// Send a call's arguments whole at its end instead of as they stream
    /// (the provider's output transforms may rewrite them at the end).
    hold_arguments: bool,
    /// Tool calls by OpenAI index.
    calls: Vec<StreamedCall>,
    usage: Option<Usage>,
}

impl ChunkEncoder {
    /// An encoder for one response.
    pub(crate) fn new(meta: Meta, include_usage: bool, hold_arguments: bool) -> Self {
        ChunkEncoder {
            meta,
            include_usage,
            hold_arguments,
            calls: Vec::new(),
            usage: None,
        }
    }

    fn chunk(&self, delta: Value, finish: Option<&str>) -> String {
        json!({
            "id": self.meta.id,
            "object": "chat.completion.chunk",
            "created": self.meta.created,
            "model": self.meta.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        })
        .to_string()
    }

    /// The first chunk: the assistant's role.
    pub(crate) fn role(&self) -> String {
        self.chunk(json!({"role": "assistant", "content": ""}), None)
    }

    fn call_index(&self, block: usize) -> Option<usize> {
        self.calls.iter().position(|c| c.block == block)
    }

    /// The chunks of one non-terminal event (often none: block starts and
    /// ends, usage).
    pub(crate) fn event(&mut self, event: StreamEvent, out: &mut Vec<String>) {
        match event {
            StreamEvent::TextDelta { text, .. } if !text.is_empty() => {
                out.push(self.chunk(json!({"content": &*text}), None));
            }
            StreamEvent::ReasoningDelta { text, .. } if !text.is_empty() => {
                out.push(self.chunk(json!({"reasoning_content": &*text}), None));
            }
            StreamEvent::ReasoningEnd {
                signature: Some(signature),
                ..
            } => {
                out.push(self.chunk(json!({"reasoning_signature": signature}), None));
            }
            StreamEvent::ToolCallStart { index, id, name } => {
                let at = self.calls.len();
                self.calls.push(StreamedCall {
                    block: index,
                    sent_arguments: false,
                });
                let call = json!({"index": at, "id": id, "type": "function",
                                  "function": {"name": name, "arguments": ""}});
                out.push(self.chunk(json!({ "tool_calls": [call] }), None));
            }
            StreamEvent::ToolCallDelta { index, delta, .. }
                if !self.hold_arguments && !delta.is_empty() =>
            {
                if let Some(at) = self.call_index(index) {
                    self.calls[at].sent_arguments = true;
                    let call = json!({"index": at, "function": {"arguments": &*delta}});
                    out.push(self.chunk(json!({ "tool_calls": [call] }), None));
                }
            }
            StreamEvent::ToolCallEnd {
                index,
                id,
                name,
                arguments,
                signature,
            } => {
                let at = match self.call_index(index) {
                    Some(at) => at,
                    None => {
                        // A call that never started (a transport that sends
                        // calls whole): announce it here.
                        let at = self.calls.len();
                        self.calls.push(StreamedCall {
                            block: index,
                            sent_arguments: false,
                        });
                        let call = json!({"index": at, "id": id, "type": "function",
                                          "function": {"name": name, "arguments": ""}});
                        out.push(self.chunk(json!({ "tool_calls": [call] }), None));
                        at
                    }
                };
                let mut call = json!({"index": at});
                if !self.calls[at].sent_arguments {
                    call["function"] = json!({"arguments": arguments_text(&arguments)});
                    self.calls[at].sent_arguments = true;
                }
                if let Some(signature) = signature {
                    call["thought_signature"] = Value::from(signature);
                }
                if call.as_object().is_some_and(|c| c.len() > 1) {
                    out.push(self.chunk(json!({ "tool_calls": [call] }), None));
                }
            }
            StreamEvent::Usage { usage } => self.usage = Some(usage),
            _ => {}
        }
    }

    /// The last chunks of a finished answer: the finish reason, then the
    /// usage (when asked for and known).
    pub(crate) fn done(&self, reason: &StopReason, out: &mut Vec<String>) {
        out.push(self.chunk(json!({}), Some(finish_reason(reason))));
        if self.include_usage
            && let Some(usage) = &self.usage
        {
            out.push(
                json!({
                    "id": self.meta.id,
                    "object": "chat.completion.chunk",
                    "created": self.meta.created,
                    "model": self.meta.model,
                    "choices": [],
                    "usage": usage_json(usage),
                })
                .to_string(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clawkit_core::Text;

    fn meta() -> Meta {
        Meta {
            id: "chatcmpl-1".into(),
            created: 7,
            model: "p/m".into(),
        }
    }

    #[test]
    fn usage_counts_cached_tokens_in_the_prompt() {
        let mut usage = Usage::new(10, 5, 3, 2);
        usage.reasoning = 4;
        assert_eq!(
            usage_json(&usage),
            json!({"prompt_tokens": 15, "completion_tokens": 5, "total_tokens": 20,
                   "prompt_tokens_details": {"cached_tokens": 3},
                   "completion_tokens_details": {"reasoning_tokens": 4}})
        );
    }

    #[test]
    fn the_last_usage_wins_and_calls_keep_their_signature() {
        let mut collected = Collected::default();
        for event in [
            StreamEvent::Usage {
                usage: Usage::new(1, 1, 0, 0),
            },
            StreamEvent::ToolCallEnd {
                index: 0,
                id: "c1".into(),
                name: "f".into(),
                arguments: Box::new(json!({"a": 1})),
                signature: Some("sig".into()),
            },
            StreamEvent::Usage {
                usage: Usage::new(9, 4, 0, 0),
            },
        ] {
            collected.push(event);
        }
        let completion = collected.into_json(&meta(), &StopReason::ToolUse);
        assert_eq!(completion["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(completion["choices"][0]["message"]["content"], Value::Null);
        assert_eq!(
            completion["choices"][0]["message"]["tool_calls"][0],
            json!({"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"a\":1}"}, "thought_signature": "sig"})
        );
        assert_eq!(completion["usage"]["total_tokens"], 13);
    }

    #[test]
    fn held_arguments_are_sent_whole_at_the_end() {
        let mut encoder = ChunkEncoder::new(meta(), false, true);
        let mut out = Vec::new();
        encoder.event(
            StreamEvent::ToolCallStart {
                index: 2,
                id: "c".into(),
                name: "f".into(),
            },
            &mut out,
        );
        encoder.event(
            StreamEvent::ToolCallDelta {
                index: 2,
                delta: Text::from("{\"a\""),
                partial: None,
            },
            &mut out,
        );
        encoder.event(
            StreamEvent::ToolCallEnd {
                index: 2,
                id: "c".into(),
                name: "f".into(),
                arguments: Box::new(json!({"a": "REWRITTEN"})),
                signature: None,
            },
            &mut out,
        );
        let deltas: Vec<Value> = out
            .iter()
            .map(|c| serde_json::from_str::<Value>(c).unwrap()["choices"][0]["delta"].clone())
            .collect();
        assert_eq!(
            deltas,
            [
                json!({"tool_calls": [{"index": 0, "id": "c", "type": "function", "function": {"name": "f", "arguments": ""}}]}),
                json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"a\":\"REWRITTEN\"}"}}]}),
            ]
        );
    }
}
