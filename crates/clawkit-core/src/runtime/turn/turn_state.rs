//! The turn's outermost stream layer: `resolveTransportTurnState` each time
//! the stream function is called (once per turn: clawkit's opt-in HTTP
//! retries resend the same request), its headers (the caller's win) and
//! metadata (merged into the `metadata` param) applied to the request.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::hooks::{TransportKind, TurnStateContext};
use crate::plugin::ProviderPlugin;
use crate::stream::{EventStream, HeaderPrecedence, SharedStreamFn, StreamFn, StreamRequest};
use crate::trace::Tracer;

use super::{TraceHandle, lock};

/// Calls `resolveTransportTurnState` on each attempt and applies its
/// headers and metadata.
pub(super) struct TurnStateLayer {
    pub(super) inner: SharedStreamFn,
    pub(super) owner_id: String,
    pub(super) owner: Arc<dyn ProviderPlugin>,
    pub(super) turn_id: String,
    pub(super) attempt: std::sync::atomic::AtomicU32,
    pub(super) trace: Option<TraceHandle>,
}

impl StreamFn for TurnStateLayer {
    fn stream(&self, mut request: StreamRequest) -> EventStream {
        let attempt = self
            .attempt
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        let ctx = TurnStateContext {
            provider: request.model.provider.clone(),
            model_id: request.model.id.clone(),
            session_id: request.options.session_id.clone(),
            turn_id: self.turn_id.clone(),
            attempt,
            transport: TransportKind::Stream,
        };
        let state = self.owner.resolve_transport_turn_state(&ctx);
        if let Some(trace) = &self.trace {
            let mut trace = lock(&trace.0);
            Tracer::new(Some(&mut trace)).option(
                "resolveTransportTurnState",
                &self.owner_id,
                &state,
            );
        }
        if let Some(state) = state {
            request
                .options
                .headers
                .merge(&state.headers, HeaderPrecedence::CallerWins);
            if !state.metadata.is_empty() {
                // Merged into a `metadata` object the params may already hold.
                let metadata = request
                    .options
                    .extra_params
                    .entry("metadata")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(metadata) = metadata {
                    for (key, value) in state.metadata {
                        metadata.insert(key, Value::String(value));
                    }
                }
            }
        }
        self.inner.stream(request)
    }
}
