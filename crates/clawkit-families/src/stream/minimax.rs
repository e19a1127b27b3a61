//! `minimax-fast-mode` (`src/llm/providers/stream-wrappers/minimax.ts`) and
//! `tool-stream-default-on` (`createToolStreamWrapper`): the two families
//! that change one thing.

use clawkit_core::{RuntimeModel, SharedStreamFn, StreamFnExt};
use serde_json::{Map, Value, json};

use super::params::coalesce;

/// `resolveBooleanFastMode`: `fastMode` / `fast_mode` when it is a boolean.
pub(crate) fn boolean_fast_mode(params: &Map<String, Value>) -> Option<bool> {
    coalesce(params, &["fastMode", "fast_mode"]).and_then(Value::as_bool)
}

/// `resolveMinimaxFastModelId`: `MiniMax-M2.7` → `MiniMax-M2.7-highspeed`
/// on MiniMax's Anthropic-messages routes.
pub(crate) fn fast_model_id(model: &RuntimeModel) -> Option<&'static str> {
    let minimax = matches!(model.provider.as_str(), "minimax" | "minimax-portal");
    let fast = match model.id.trim() {
        "MiniMax-M2.7" => Some("MiniMax-M2.7-highspeed"),
        _ => None,
    };
    fast.filter(|_| model.api.as_str() == "anthropic-messages" && minimax)
}

/// `createMinimaxFastModeWrapper`: with fast mode on, the request goes to
/// the high-speed model (the request's model is swapped, the payload is
/// left alone).
pub(crate) fn minimax_fast_mode(
    stream_fn: SharedStreamFn,
    fast_mode: Option<bool>,
) -> SharedStreamFn {
    stream_fn.map_request(move |mut request| {
        if fast_mode == Some(true)
            && let Some(fast) = fast_model_id(&request.model)
        {
            request.model.id = fast.to_owned();
        }
        request
    })
}

/// `createToolStreamWrapper`: `tool_stream: true` in the body when enabled.
pub(crate) fn tool_stream(stream_fn: SharedStreamFn, enabled: bool) -> SharedStreamFn {
    if !enabled {
        return stream_fn;
    }
    stream_fn.patch_payload(|payload, _model| {
        if let Some(body) = payload.as_object_mut() {
            body.insert("tool_stream".into(), json!(true));
        }
    })
}
