//! The normalized stream events every transport produces.
//!
//! A stream is a sequence of these events ending in exactly one terminal
//! event: [`StreamEvent::Done`] or [`StreamEvent::Error`]. The serde shape is
//! the one `clawkit chat --events` prints: one object per event with a
//! `"type"` field (`text_delta`, `tool_call_end`, `usage`, `done`, …).

use serde::{Deserialize, Serialize};

use crate::macros::string_enum;
use serde_json::Value;

use crate::model::{FailoverReason, Usage};
use crate::text::Text;

/// One normalized event of a model's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum StreamEvent {
    /// The response started.
    Start {
        /// `provider/model` as requested.
        model: String,
        /// The provider's response id, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        response_id: Option<String>,
        /// The provider's request id (its `x-request-id` or `request-id`
        /// response header), when it sent one: what its support asks for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_id: Option<String>,
    },
    /// A text block opened.
    TextStart {
        /// Block index within the message.
        index: usize,
    },
    /// More text.
    TextDelta {
        /// Block index.
        index: usize,
        /// The new text.
        text: Text,
    },
    /// A text block closed; `text` is the whole block.
    TextEnd {
        /// Block index.
        index: usize,
        /// The full text of the block.
        text: Text,
    },
    /// A reasoning (thinking) block opened.
    ReasoningStart {
        /// Block index.
        index: usize,
    },
    /// More reasoning.
    ReasoningDelta {
        /// Block index.
        index: usize,
        /// The new reasoning text.
        text: Text,
    },
    /// A reasoning block closed.
    ReasoningEnd {
        /// Block index.
        index: usize,
        /// The full reasoning text.
        text: Text,
        /// Signature that lets the block be replayed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
    /// A tool call began.
    ToolCallStart {
        /// Block index.
        index: usize,
        /// Call id.
        id: String,
        /// Tool name.
        name: String,
    },
    /// More of a tool call's JSON arguments.
    ToolCallDelta {
        /// Block index.
        index: usize,
        /// The new argument text.
        delta: Text,
        /// Best-effort parse of the arguments so far.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partial: Option<Value>,
    },
    /// A tool call is complete.
    ToolCallEnd {
        /// Block index.
        index: usize,
        /// Call id.
        id: String,
        /// Tool name.
        name: String,
        /// The parsed arguments (boxed: once per call, and it keeps every
        /// event small enough to be copied inline rather than by `memcpy`).
        arguments: Box<Value>,
        /// Provider state to replay with the call (Gemini's `thoughtSignature`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
    /// Token usage (a running total when sent more than once).
    Usage {
        /// The counts and cost.
        #[serde(flatten)]
        usage: Usage,
    },
    /// Terminal: the response finished.
    Done {
        /// Why it finished.
        reason: StopReason,
    },
    /// Terminal: the response failed.
    Error {
        /// What kind of failure.
        kind: ErrorKind,
        /// One-line description, without secrets.
        message: String,
        /// The failover classification, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failover: Option<FailoverReason>,
    },
    /// An event of the orchestration runtime behind a provider, beside the
    /// answer and not part of it: Claw3D's `run.lifecycle`, `chat.delta`,
    /// `presence.changed`, … as the `custom` provider maps them. Printed by
    /// `clawkit chat --events` as `{"type": "runtime_event", "event":
    /// "chat.delta", …}`; never terminal.
    ///
    /// ```
    /// use clawkit_core::StreamEvent;
    /// use serde_json::json;
    ///
    /// let event = StreamEvent::runtime_event("run.lifecycle", json!({"phase": "start"}));
    /// assert_eq!(serde_json::to_value(&event)?,
    ///            json!({"type": "runtime_event", "event": "run.lifecycle", "phase": "start"}));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    RuntimeEvent {
        /// The event's name (`run.lifecycle`, `chat.delta`, …).
        event: String,
        /// Its fields, beside `type` and `event`.
        #[serde(flatten)]
        fields: serde_json::Map<String, Value>,
    },
    /// A wire event clawkit does not map, passed through instead of dropped.
    Raw {
        /// The SSE event name, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<String>,
        /// The event data.
        data: String,
    },
}

impl StreamEvent {
    /// A [`StreamEvent::RuntimeEvent`] named `event` with the members of
    /// `fields` (an object; anything else gives no fields, and a `type` or
    /// `event` member is dropped, since those names are the event's own).
    pub fn runtime_event(event: impl Into<String>, fields: Value) -> Self {
        let mut fields = match fields {
            Value::Object(fields) => fields,
            _ => serde_json::Map::new(),
        };
        fields.remove("type");
        fields.remove("event");
        StreamEvent::RuntimeEvent {
            event: event.into(),
            fields,
        }
    }

    /// Whether this event ends the stream.
    pub fn is_terminal(&self) -> bool {
        matches!(self, StreamEvent::Done { .. } | StreamEvent::Error { .. })
    }
}

string_enum! {
    /// Why a response finished.
    StopReason {
        /// The model finished its answer.
        Stop => "stop",
        /// The output-token limit was reached.
        Length => "length",
        /// The model called tools and waits for their results.
        ToolUse => "tool_use",
        /// A safety filter stopped the answer.
        ContentFilter => "content_filter",
        /// The turn failed. Only on a stored assistant message
        /// ([`Message::Assistant`](crate::Message::Assistant)); a stream
        /// ends with [`StreamEvent::Error`] instead.
        Error => "error",
        /// The turn was cancelled. Only on a stored assistant message, as
        /// `Error`.
        Aborted => "aborted",
    }
}

string_enum! {
    /// What kind of failure ended a stream.
    ErrorKind {
        /// The provider rejected the credentials.
        Auth => "auth",
        /// Rate limited (HTTP 429 and the like).
        RateLimit => "rate_limit",
        /// The provider failed (HTTP 5xx, `overloaded`, …).
        Server => "server",
        /// The request was malformed or refused (HTTP 4xx).
        InvalidRequest => "invalid_request",
        /// The prompt does not fit the context window.
        ContextOverflow => "context_overflow",
        /// No connection could be made.
        Connect => "connect",
        /// The connection was not established in time.
        ConnectTimeout => "connect_timeout",
        /// No first byte in time.
        FirstByteTimeout => "first_byte_timeout",
        /// Too long between two events.
        IdleTimeout => "idle_timeout",
        /// The connection dropped mid-stream.
        ConnectionDropped => "connection_dropped",
        /// The stream broke the protocol (bad frame, missing end).
        Protocol => "protocol",
        /// The caller cancelled.
        Cancelled => "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_event_is_small_enough_to_be_copied_inline() {
        // Every stage moves events; above 128 bytes each move is a call to
        // `memcpy` (issue 13's benchmarks). Box what comes once per block.
        assert!(std::mem::size_of::<StreamEvent>() <= 128);
    }

    #[test]
    fn runtime_events_round_trip_and_keep_their_own_names() {
        let event = StreamEvent::runtime_event(
            "chat.delta",
            json!({"type": "x", "event": "y", "text": "Hi", "route": {"role": "coder"}}),
        );
        let value = serde_json::to_value(&event).unwrap();
        assert_eq!(
            value,
            json!({"type": "runtime_event", "event": "chat.delta", "text": "Hi", "route": {"role": "coder"}})
        );
        let back: StreamEvent = serde_json::from_value(value).unwrap();
        assert_eq!(back, event);
        assert!(!back.is_terminal());
        assert_eq!(
            StreamEvent::runtime_event("presence.changed", json!("not an object")),
            StreamEvent::RuntimeEvent {
                event: "presence.changed".to_owned(),
                fields: serde_json::Map::new()
            }
        );
    }

    #[test]
    fn events_have_the_cli_contract_shape() {
        let events = [
            StreamEvent::TextDelta {
                index: 0,
                text: "Hi".into(),
            },
            StreamEvent::ToolCallEnd {
                index: 1,
                id: "call_1".into(),
                name: "get_weather".into(),
                arguments: Box::new(json!({"city": "Paris"})),
                signature: None,
            },
            StreamEvent::Usage {
                usage: Usage::new(10, 5, 0, 0),
            },
            StreamEvent::Done {
                reason: StopReason::ToolUse,
            },
            StreamEvent::Error {
                kind: ErrorKind::RateLimit,
                message: "acme (429): slow down".into(),
                failover: Some(FailoverReason::RateLimit),
            },
        ];
        let lines: Vec<Value> = events
            .iter()
            .map(|e| serde_json::to_value(e).unwrap())
            .collect();
        assert_eq!(
            lines[0],
            json!({"type": "text_delta", "index": 0, "text": "Hi"})
        );
        assert_eq!(lines[1]["arguments"], json!({"city": "Paris"}));
        assert_eq!(
            (
                lines[2]["type"].clone(),
                lines[2]["input"].clone(),
                lines[2]["output"].clone()
            ),
            (json!("usage"), json!(10), json!(5))
        );
        assert_eq!(lines[3], json!({"type": "done", "reason": "tool_use"}));
        assert_eq!(lines[4]["message"], "acme (429): slow down");
        for (event, line) in events.iter().zip(lines) {
            assert_eq!(&serde_json::from_value::<StreamEvent>(line).unwrap(), event);
        }
        assert!(events[3].is_terminal() && events[4].is_terminal() && !events[0].is_terminal());
    }
}
