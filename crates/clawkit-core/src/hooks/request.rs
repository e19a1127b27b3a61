//! Stream stage, per request: what `prepareExtraParams`, `resolveTransportTurnState` and the host-called
//! `resolveWebSocketSessionPolicy` are given and return.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::ThinkingLevel;

/// What `prepareExtraParams` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ExtraParamsContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The merged params so far.
    pub extra_params: Map<String, Value>,
    /// The `/think` level.
    pub thinking_level: Option<ThinkingLevel>,
}

/// Transport of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum TransportKind {
    /// HTTP streaming.
    Stream,
    /// WebSocket.
    Websocket,
}

/// What `resolveTransportTurnState` and `resolveWebSocketSessionPolicy` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TurnStateContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The session, if any.
    pub session_id: Option<String>,
    /// This turn's id.
    pub turn_id: String,
    /// Attempt number, from 1.
    pub attempt: u32,
    /// The transport.
    pub transport: TransportKind,
}

/// Per-session WebSocket headers and cool-down.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebSocketSessionPolicy {
    /// Headers (serialized with their values redacted).
    #[serde(serialize_with = "crate::secret::headers::serialize")]
    pub headers: BTreeMap<String, String>,
    /// How long to stay on HTTP after a WebSocket failure.
    pub degrade_cooldown_ms: Option<u64>,
}

/// Native per-turn headers and metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TransportTurnState {
    /// Headers for this turn (serialized with their values redacted).
    #[serde(serialize_with = "crate::secret::headers::serialize")]
    pub headers: BTreeMap<String, String>,
    /// Metadata for this turn.
    pub metadata: BTreeMap<String, String>,
    /// WebSocket policy for this turn.
    pub websocket: Option<WebSocketSessionPolicy>,
}
