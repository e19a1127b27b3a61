//! One whole turn against a scripted server: [`Harness::stream`](crate::Harness::stream)
//! and what it returns, [`Streamed`].

use std::sync::Arc;
use std::time::Duration;

use clawkit_core::{
    Cancellation, CoreError, HookTrace, Runtime, StreamEvent, TraceHandle, Turn, TurnReport,
    TurnRequest, Usage,
};
use futures::StreamExt;
use serde_json::Value;

use crate::recorded::Recorded;
use crate::server::{RecordedRequest, Script, ScriptedServer};

/// How long [`Harness::stream`](crate::Harness::stream) waits for a turn's
/// last event before giving up ([`Streamed::ended`] is then `false`).
pub const STREAM_DEADLINE: Duration = Duration::from_secs(30);

/// What the scripted server answers a turn with.
///
/// ```
/// use clawkit_testkit::{Recorded, Reply, Script};
///
/// let recorded: Reply = Recorded::Text.into();
/// let scripted: Reply = Script::json(503, r#"{"error":{"message":"busy"}}"#).into();
/// let retried: Reply = vec![Script::json(503, "{}"), Script::sse("data: [DONE]\n\n")].into();
/// # let _ = (recorded, scripted, retried);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Reply {
    /// The testkit's recording of this kind for the model's api.
    Recorded(Recorded),
    /// These scripts, one per connection (the last one repeats).
    Scripts(Vec<Script>),
}

impl From<Recorded> for Reply {
    fn from(kind: Recorded) -> Self {
        Reply::Recorded(kind)
    }
}

impl From<Script> for Reply {
    fn from(script: Script) -> Self {
        Reply::Scripts(vec![script])
    }
}

impl From<Vec<Script>> for Reply {
    fn from(scripts: Vec<Script>) -> Self {
        Reply::Scripts(scripts)
    }
}

/// A finished tool call ([`StreamEvent::ToolCallEnd`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolCall {
    /// The call id.
    pub id: String,
    /// The tool name.
    pub name: String,
    /// The parsed arguments.
    pub arguments: Value,
}

/// Everything one streamed turn produced.
#[derive(Debug)]
#[non_exhaustive]
pub struct Streamed {
    /// Every event, in order.
    pub events: Vec<StreamEvent>,
    /// The requests the scripted server received.
    pub requests: Vec<RecordedRequest>,
    /// The hook trace of the whole turn (also when it could not start).
    pub trace: HookTrace,
    /// What the stages before the stream decided; `None` when the turn
    /// could not start.
    pub report: Option<TurnReport>,
    /// Why the turn could not start (no model, no credential, no transport,
    /// a failed hook); the stream's own failures are its terminal event.
    pub error: Option<CoreError>,
    /// Whether the event stream ended; `false` when the harness stopped
    /// waiting after its deadline ([`STREAM_DEADLINE`]).
    pub ended: bool,
}

impl Streamed {
    /// A turn that could not start.
    pub(crate) fn not_started(error: CoreError, trace: HookTrace) -> Self {
        Streamed {
            events: Vec::new(),
            requests: Vec::new(),
            trace,
            report: None,
            error: Some(error),
            ended: true,
        }
    }

    /// The streamed text: every text delta, joined.
    pub fn text(&self) -> String {
        self.events
            .iter()
            .filter_map(|event| match event {
                StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The streamed reasoning: every reasoning delta, joined.
    pub fn reasoning(&self) -> String {
        self.events
            .iter()
            .filter_map(|event| match event {
                StreamEvent::ReasoningDelta { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The finished tool calls, in order.
    pub fn tool_calls(&self) -> Vec<ToolCall> {
        self.events
            .iter()
            .filter_map(|event| match event {
                StreamEvent::ToolCallEnd {
                    id,
                    name,
                    arguments,
                    ..
                } => Some(ToolCall {
                    id: id.clone(),
                    name: name.clone(),
                    arguments: (**arguments).clone(),
                }),
                _ => None,
            })
            .collect()
    }

    /// The first terminal event (`done` or `error`), if any.
    pub fn terminal(&self) -> Option<&StreamEvent> {
        self.events.iter().find(|event| event.is_terminal())
    }

    /// Whether the terminal event is the runtime's stand-in, not an event
    /// of the provider: its stream (transport, wrappers, `createStreamFn`)
    /// ended without a terminal event, and [`Runtime::stream`] ended the
    /// turn with a `protocol` error of its own, recorded in the trace as
    /// [`Turn::MISSING_TERMINAL`]. A provider that swallows its
    /// transport's errors ends every failure this way.
    pub fn stand_in_terminal(&self) -> bool {
        self.trace
            .entries()
            .iter()
            .any(|entry| entry.hook == Turn::MISSING_TERMINAL)
    }

    /// The last usage event's counts and cost.
    pub fn usage(&self) -> Option<&Usage> {
        self.events.iter().rev().find_map(|event| match event {
            StreamEvent::Usage { usage } => Some(usage),
            _ => None,
        })
    }

    /// The first request the server received.
    pub fn request(&self) -> Option<&RecordedRequest> {
        self.requests.first()
    }

    /// What breaks the stream contract, if anything: a turn that started
    /// must end, with exactly one terminal event, and that event last.
    pub fn contract_violation(&self) -> Option<String> {
        if self.error.is_some() {
            return None;
        }
        let terminals = self.events.iter().filter(|e| e.is_terminal()).count();
        let last_is_terminal = self.events.last().is_some_and(StreamEvent::is_terminal);
        if !self.ended {
            Some(format!(
                "the stream did not end ({} events, {terminals} terminal)",
                self.events.len()
            ))
        } else if terminals != 1 {
            Some(format!("{terminals} terminal events, not one"))
        } else if !last_is_terminal {
            Some("events followed the terminal event".to_owned())
        } else {
            None
        }
    }
}

/// How the harness drives one turn.
#[derive(Debug, Clone)]
pub(crate) struct Control {
    /// Give up waiting for the last event after this long.
    pub(crate) deadline: Duration,
    /// Cancel with this handle once the first content delta arrives.
    pub(crate) cancel_on_content: Option<Cancellation>,
    /// Once the stream has ended in an error, and while the turn is still
    /// held (not dropped), wait at most this long for the server to see a
    /// connection closed by the client ([`Driven::closed_while_held`]).
    pub(crate) await_close: Option<Duration>,
}

impl Default for Control {
    fn default() -> Self {
        Control {
            deadline: STREAM_DEADLINE,
            cancel_on_content: None,
            await_close: None,
        }
    }
}

/// One driven turn: what it streamed, and what the server saw.
#[derive(Debug)]
pub(crate) struct Driven {
    pub(crate) streamed: Streamed,
    /// Whether the harness cancelled the turn.
    pub(crate) cancelled: bool,
    /// Whether the server saw the client close a connection before its
    /// script ended (mid-stall), while the turn was still held: within
    /// [`Control::await_close`] after the stream ended, before the turn
    /// was dropped. Always `false` without `await_close`.
    pub(crate) closed_while_held: bool,
}

/// Whether `event` carries content (the point a cancellation is "mid-stream").
fn is_content(event: &StreamEvent) -> bool {
    matches!(
        event,
        StreamEvent::TextDelta { .. }
            | StreamEvent::ReasoningDelta { .. }
            | StreamEvent::ToolCallStart { .. }
            | StreamEvent::ToolCallDelta { .. }
    )
}

/// Runs `request` against a scripted server answering `scripts`, the
/// request's base URL pointed at the server with `base_path` as its path.
/// `Err` when the server cannot start.
pub(crate) async fn drive(
    runtime: &Runtime,
    request: TurnRequest,
    scripts: Vec<Script>,
    base_path: &str,
    control: &Control,
) -> Result<Driven, String> {
    let server = ScriptedServer::start(scripts)
        .await
        .map_err(|error| format!("the scripted server could not start: {error}"))?;
    let url = server
        .url(base_path)
        .parse()
        .map_err(|error| format!("no server URL with the path {base_path:?}: {error}"))?;
    let handle = TraceHandle::default();
    let mut request = request.base_url(url).trace_into(handle.clone());
    if let Some(cancellation) = &control.cancel_on_content {
        request = request.cancellation(cancellation.clone());
    }
    let mut turn = match runtime.stream(request).await {
        Ok(turn) => turn,
        Err(error) => {
            let mut streamed = Streamed::not_started(error, handle.snapshot());
            streamed.requests = server.requests();
            return Ok(Driven {
                streamed,
                cancelled: false,
                closed_while_held: false,
            });
        }
    };
    let report = turn.report().clone();
    let mut events = Vec::new();
    let mut cancelled = false;
    let collect = async {
        while let Some(event) = turn.next().await {
            if !cancelled
                && is_content(&event)
                && let Some(cancellation) = &control.cancel_on_content
            {
                cancellation.cancel();
                cancelled = true;
            }
            events.push(event);
        }
    };
    let ended = tokio::time::timeout(control.deadline, collect)
        .await
        .is_ok();
    // The turn is still held here: a provider that lets the connection go
    // only when its stream is dropped is not seen closing it.
    // Only a stream that ended in an error has a connection to close
    // early: one that ended otherwise fails its check anyway.
    let ended_in_error = ended && matches!(events.last(), Some(StreamEvent::Error { .. }));
    let mut closed_while_held = false;
    if let Some(wait) = control.await_close.filter(|_| ended_in_error) {
        let seen = async {
            while server.closed_by_client() == 0 {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        };
        closed_while_held = tokio::time::timeout(wait, seen).await.is_ok();
    }
    drop(turn);
    Ok(Driven {
        streamed: Streamed {
            events,
            requests: server.requests(),
            trace: handle.snapshot(),
            report: Some(report),
            error: None,
            ended,
        },
        cancelled,
        closed_while_held,
    })
}

/// `request` with a prebuilt catalog.
pub(crate) fn with_catalog(request: TurnRequest, catalog: &clawkit_core::Catalog) -> TurnRequest {
    request.catalog(Arc::new(catalog.clone()))
}
