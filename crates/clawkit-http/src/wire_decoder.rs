//! The decoder core the four APIs share. Each API's decoder maps its own
//! wire events (the [`WireDecoder::event`] it supplies) and knows how to
//! close what it has open ([`WireDecoder::wind_up`]); everything else is
//! the same for all and lives here:
//!
//! - the terminal event: `Done` with the stop reason seen, or `Error` with
//!   its failover reason, each after what was open was closed and usage
//!   sent, and never more than one;
//! - what the driver reports: a failure mid-stream (prefixed with the
//!   label), the body ending before the response finished (a protocol
//!   error), an error reported inside a 200 stream;
//! - a wire event that is not understood passes through as
//!   [`StreamEvent::Raw`];
//! - a whole JSON answer to a streaming request (a gateway that ignored
//!   `stream: true`): an error payload ends as an error inside a 200
//!   stream, an answer is replayed as the wire events of its stream
//!   (which each API supplies, [`WireDecoder::replay`]), anything else is a
//!   protocol error naming what was expected;
//! - the per-call state ([`Core`]): label, request id, prices, the model the
//!   response names, the stop reason, the next block index;
//! - tool arguments at the end of a call ([`final_arguments`]).

use bytes::Bytes;
use clawkit_core::{ApiKey, ErrorKind, ModelCost, RuntimeModel, StopReason, StreamEvent, Usage};
use serde_json::{Map, Value};

use crate::error::in_stream_error;
use crate::shared::{failover_of, priced};
use crate::sse::{SseEvent, SseEventRef};

/// What every API's decoder keeps about the call.
pub(crate) struct Core {
    /// Prefix of error messages: the provider id, as OpenClaw's transports use.
    pub(crate) label: String,
    /// The provider's request id, once the response started.
    pub(crate) request_id: Option<String>,
    /// The call's credentials, scrubbed from the errors a response reports.
    secrets: Vec<ApiKey>,
    prices: ModelCost,
    /// The model named by the response.
    pub(crate) response_model: Option<String>,
    /// The stop reason the response gave, once it gave one.
    pub(crate) stop: Option<StopReason>,
    next_index: usize,
    finished: bool,
}

impl Core {
    /// The state of a call to `model`, before any event.
    pub(crate) fn new(model: &RuntimeModel) -> Self {
        Core {
            label: model.provider.clone(),
            request_id: None,
            secrets: Vec::new(),
            prices: model.cost.clone(),
            response_model: None,
            stop: None,
            next_index: 0,
            finished: false,
        }
    }

    /// The index of the next content block.
    pub(crate) fn take_index(&mut self) -> usize {
        let index = self.next_index;
        self.next_index += 1;
        index
    }

    /// `usage` with its cost, when the model has prices.
    pub(crate) fn priced(&self, usage: Usage) -> Usage {
        priced(usage, &self.prices)
    }
}

/// Maps one API's wire events to normalized events. An API supplies
/// [`core`](Self::core), [`event`](Self::event), [`wind_up`](Self::wind_up),
/// [`ended_early`](Self::ended_early), [`answer_kind`](Self::answer_kind)
/// and [`replay`](Self::replay); the driver and [`crate::StreamDecoder`]
/// call the provided methods.
pub(crate) trait WireDecoder: Send + 'static {
    /// The state shared by every API.
    fn core(&self) -> &Core;

    /// The state shared by every API, to change.
    fn core_mut(&mut self) -> &mut Core;

    /// Maps one SSE event; `false` when it is not understood (it then
    /// passes through as [`StreamEvent::Raw`]).
    fn event(&mut self, event: SseEventRef<'_>, out: &mut Vec<StreamEvent>) -> bool;

    /// Closes every block still open and sends the usage not yet sent: what
    /// comes before the terminal event, whichever it is.
    fn wind_up(&mut self, out: &mut Vec<StreamEvent>);

    /// What the body ending before the response finished is called in the
    /// error message, after the label.
    fn ended_early(&self) -> &'static str;

    /// What this API's whole (non-streaming) answer is, for the error
    /// naming what was expected: `a chat.completion object`.
    fn answer_kind(&self) -> &'static str;

    /// A whole JSON answer as the wire events its stream would have
    /// carried, in order, ending with what ends that stream; `None` when
    /// `answer` is not this API's answer.
    fn replay(&self, answer: &Value) -> Option<Vec<SseEvent>>;

    /// The reason `Done` carries, given the stop reason the response gave.
    fn done_reason(&self, stop: Option<StopReason>) -> StopReason {
        stop.unwrap_or(StopReason::Stop)
    }

    /// The response started; `request_id` is the provider's, if sent, and
    /// `secrets` the call's credentials, never to show in an error.
    fn start(&mut self, request_id: Option<String>, secrets: &[ApiKey]) {
        let core = self.core_mut();
        core.request_id = request_id;
        core.secrets = secrets.to_vec();
    }

    /// One SSE event: mapped, or passed through raw.
    fn on_event(&mut self, event: SseEventRef<'_>, out: &mut Vec<StreamEvent>) {
        if !self.event(event, out) {
            out.push(raw(event));
        }
    }

    /// Whether the terminal event was emitted.
    fn finished(&self) -> bool {
        self.core().finished
    }

    /// The model that answered, as the response names it.
    fn response_model(&self) -> Option<&str> {
        self.core().response_model.as_deref()
    }

    /// The body ended: `Done` if the response had given its stop reason,
    /// else a protocol error.
    fn on_end(&mut self, out: &mut Vec<StreamEvent>) {
        if self.core().stop.is_some() {
            self.finish(out);
        } else {
            let message = format!("{}: {}", self.core().label, self.ended_early());
            self.fail(ErrorKind::Protocol, message, out);
        }
    }

    /// The body was one JSON document instead of an event stream: an error
    /// payload (`{"error": …}`) ends as an error inside a 200 stream; this
    /// API's whole answer gives the events its stream would have; anything
    /// else is a protocol error naming what was expected.
    fn on_answer(&mut self, body: &[u8], out: &mut Vec<StreamEvent>) {
        let answer: Value = match serde_json::from_slice(body) {
            Ok(answer) => answer,
            Err(e) => {
                let message = format!(
                    "{}: malformed JSON response, expected {} or an event stream: {e}",
                    self.core().label,
                    self.answer_kind()
                );
                self.fail(ErrorKind::Protocol, message, out);
                return;
            }
        };
        if answer.get("error").is_some_and(|e| !e.is_null()) {
            self.fail_in_stream(&answer, out);
            return;
        }
        let Some(events) = self.replay(&answer) else {
            let message = format!(
                "{}: unexpected JSON response, expected {} or an event stream",
                self.core().label,
                self.answer_kind()
            );
            self.fail(ErrorKind::Protocol, message, out);
            return;
        };
        for event in &events {
            self.on_event(event.view(), out);
            if self.finished() {
                return;
            }
        }
        self.on_end(out);
    }

    /// The call failed mid-stream: close what is open, then `Error`.
    fn on_failure(&mut self, kind: ErrorKind, message: String, out: &mut Vec<StreamEvent>) {
        let message = format!("{}: {message}", self.core().label);
        self.fail(kind, message, out);
    }

    /// Ends with `Done`, after closing what is open and sending usage.
    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        self.wind_up(out);
        let stop = self.core_mut().stop.take();
        out.push(StreamEvent::Done {
            reason: self.done_reason(stop),
        });
        self.core_mut().finished = true;
    }

    /// Ends with `Error`, after closing what is open and sending usage.
    fn fail(&mut self, kind: ErrorKind, message: String, out: &mut Vec<StreamEvent>) {
        self.wind_up(out);
        let failover = failover_of(&kind);
        out.push(StreamEvent::Error {
            kind,
            message,
            failover,
        });
        self.core_mut().finished = true;
    }

    /// Ends with the error `payload` reports inside a 200 stream.
    fn fail_in_stream(&mut self, payload: &Value, out: &mut Vec<StreamEvent>) {
        let core = self.core();
        let secrets: Vec<&str> = core.secrets.iter().map(ApiKey::expose).collect();
        let (kind, message) =
            in_stream_error(&core.label, payload, core.request_id.as_deref(), &secrets);
        self.fail(kind, message, out);
    }
}

/// `event` passed through as it came.
pub(crate) fn raw(event: SseEventRef<'_>) -> StreamEvent {
    StreamEvent::Raw {
        event: event.event_name().map(str::to_owned),
        data: String::from_utf8_lossy(event.data).into_owned(),
    }
}

/// A wire event of a replayed answer: `data` as its JSON, named `event`
/// as the API's stream names it.
pub(crate) fn wire_event(event: Option<&'static str>, data: &Value) -> SseEvent {
    SseEvent {
        event: event.map(|name| Bytes::from_static(name.as_bytes())),
        data: Bytes::from(serde_json::to_vec(data).unwrap_or_default()),
        id: None,
    }
}

/// A wire event of type `kind` with `fields`, as the Messages and
/// Responses streams send them: `event: <kind>`, data `{"type": <kind>, …}`.
pub(crate) fn typed_event(kind: &'static str, fields: Value) -> SseEvent {
    let mut data = Map::new();
    data.insert("type".to_owned(), Value::from(kind));
    if let Value::Object(fields) = fields {
        data.extend(fields);
    }
    wire_event(Some(kind), &Value::Object(data))
}

/// Tool arguments at the end: strict JSON; an empty text is `{}`; text that
/// does not parse is kept as a string so nothing is lost.
pub(crate) fn final_arguments(args: &str) -> Box<Value> {
    if args.trim().is_empty() {
        return Box::new(Value::Object(Map::new()));
    }
    serde_json::from_str(args).unwrap_or_else(|_| Box::new(Value::String(args.to_owned())))
}
