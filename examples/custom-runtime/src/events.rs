//! Claw3D's runtime events, typed: what the provider reports beside the
//! answer (`presence.changed`, `session.activity`, `chat.delta`,
//! `chat.final`, `chat.error`, `run.lifecycle`, `tool.progress`), each
//! with the run and session it belongs to and the route metadata as
//! additive fields.
//!
//! They travel in the turn's event stream as
//! [`StreamEvent::RuntimeEvent`](clawkit_core::StreamEvent::RuntimeEvent),
//! which `clawkit chat --events` prints as `{"type": "runtime_event",
//! "event": "chat.delta", …}`.

use clawkit_core::StreamEvent;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::boundary::RouteMetadata;
use crate::office::OfficeState;

/// The phase of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum RunPhase {
    /// The request was sent.
    Start,
    /// The answer finished.
    End,
    /// The run failed.
    Error,
}

/// Where a tool call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ToolPhase {
    /// The model began a call.
    Started,
    /// The call's arguments are complete.
    Ready,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", untagged)]
#[non_exhaustive]
pub enum EventBody {
    /// `presence.changed`: the agent's office state changed.
    PresenceChanged {
        /// The agent (office identity) id.
        #[serde(rename = "agentId")]
        agent_id: String,
        /// Its state and the reason.
        #[serde(flatten)]
        state: OfficeState,
    },
    /// `session.activity`: the session was used; its metadata now.
    SessionActivity {
        /// The session as stored.
        #[serde(flatten)]
        session: Map<String, Value>,
    },
    /// `chat.delta`: more answer text.
    ChatDelta {
        /// The new text.
        text: String,
    },
    /// `chat.final`: the whole answer.
    ChatFinal {
        /// Its text.
        text: String,
        /// Why it stopped (`stop`, `length`, `tool_use`, …).
        #[serde(rename = "stopReason")]
        stop_reason: String,
    },
    /// `chat.error`: the run failed.
    ChatError {
        /// What went wrong, with the runtime's health when known.
        message: String,
        /// The HTTP status, when the runtime answered with one.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        /// The runtime's health summary at the time.
        #[serde(skip_serializing_if = "Option::is_none")]
        health: Option<String>,
    },
    /// `run.lifecycle`: start, end or error.
    RunLifecycle {
        /// The phase.
        phase: RunPhase,
    },
    /// `tool.progress`: a tool call's progress.
    ToolProgress {
        /// The call id.
        #[serde(rename = "toolCallId")]
        tool_call_id: String,
        /// The tool.
        name: String,
        /// Where it is.
        phase: ToolPhase,
    },
}

impl EventBody {
    /// The event's Claw3D name.
    pub fn name(&self) -> &'static str {
        match self {
            EventBody::PresenceChanged { .. } => "presence.changed",
            EventBody::SessionActivity { .. } => "session.activity",
            EventBody::ChatDelta { .. } => "chat.delta",
            EventBody::ChatFinal { .. } => "chat.final",
            EventBody::ChatError { .. } => "chat.error",
            EventBody::RunLifecycle { .. } => "run.lifecycle",
            EventBody::ToolProgress { .. } => "tool.progress",
        }
    }
}

/// One Claw3D runtime event of a run.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RuntimeEvent {
    /// The run (one request to the runtime).
    pub run_id: String,
    /// The session it belongs to.
    pub session_key: String,
    /// What happened.
    pub body: EventBody,
    /// How the runtime routed the run, as far as known.
    pub route: RouteMetadata,
}

impl RuntimeEvent {
    /// An event of run `run_id` in session `session_key`.
    pub fn new(run_id: &str, session_key: &str, body: EventBody, route: &RouteMetadata) -> Self {
        RuntimeEvent {
            run_id: run_id.to_owned(),
            session_key: session_key.to_owned(),
            body,
            route: route.clone(),
        }
    }

    /// The event's Claw3D name (`chat.delta`, …).
    pub fn name(&self) -> &'static str {
        self.body.name()
    }

    /// The event as a turn event: `runId`, `sessionKey`, the body's fields,
    /// then the route metadata under `route` when any is known.
    ///
    /// ```
    /// use custom_runtime::boundary::RouteMetadata;
    /// use custom_runtime::events::{EventBody, RunPhase, RuntimeEvent};
    /// use serde_json::json;
    ///
    /// let event = RuntimeEvent::new("run-1", "agent:coder:main",
    ///     EventBody::RunLifecycle { phase: RunPhase::Start }, &RouteMetadata::default());
    /// assert_eq!(serde_json::to_value(event.to_stream_event())?, json!({
    ///     "type": "runtime_event", "event": "run.lifecycle",
    ///     "runId": "run-1", "sessionKey": "agent:coder:main", "phase": "start",
    /// }));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn to_stream_event(&self) -> StreamEvent {
        let mut fields = Map::new();
        fields.insert("runId".to_owned(), Value::String(self.run_id.clone()));
        fields.insert(
            "sessionKey".to_owned(),
            Value::String(self.session_key.clone()),
        );
        if let Ok(Value::Object(body)) = serde_json::to_value(&self.body) {
            fields.extend(body);
        }
        if !self.route.is_empty() {
            fields.insert("route".to_owned(), Value::Object(self.route.to_map()));
        }
        StreamEvent::runtime_event(self.name(), Value::Object(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::OfficeStatus;
    use serde_json::json;

    #[test]
    fn every_event_has_its_name_and_fields() {
        let route = RouteMetadata::read(&json!({"selectedRole": "coder", "lane": "build"}));
        let events = [
            EventBody::PresenceChanged {
                agent_id: "coder".to_owned(),
                state: OfficeState {
                    status: OfficeStatus::Working,
                    reason: "run in progress".to_owned(),
                },
            },
            EventBody::ChatDelta {
                text: "Hi".to_owned(),
            },
            EventBody::ChatFinal {
                text: "Hi".to_owned(),
                stop_reason: "stop".to_owned(),
            },
            EventBody::ChatError {
                message: "503".to_owned(),
                status: Some(503),
                health: Some("degraded".to_owned()),
            },
            EventBody::ToolProgress {
                tool_call_id: "c1".to_owned(),
                name: "look".to_owned(),
                phase: ToolPhase::Ready,
            },
        ];
        let got: Vec<Value> = events
            .into_iter()
            .map(|body| {
                serde_json::to_value(RuntimeEvent::new("r", "s", body, &route).to_stream_event())
                    .unwrap()
            })
            .collect();
        let route = json!({"selectedRole": "coder", "lane": "build"});
        assert_eq!(
            got[0],
            json!({"type": "runtime_event", "event": "presence.changed", "runId": "r", "sessionKey": "s", "agentId": "coder", "status": "working", "reason": "run in progress", "route": route})
        );
        assert_eq!(got[1]["event"], "chat.delta");
        assert_eq!(got[1]["text"], "Hi");
        assert_eq!(got[2]["stopReason"], "stop");
        assert_eq!(
            (got[3]["status"].clone(), got[3]["health"].clone()),
            (json!(503), json!("degraded"))
        );
        assert_eq!(
            (got[4]["toolCallId"].clone(), got[4]["phase"].clone()),
            (json!("c1"), json!("ready"))
        );
    }
}
