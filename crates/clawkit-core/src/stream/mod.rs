//! The stream-function contract: `StreamFn`: (model, context, options) → a
//! stream of normalized events, the request-body patch chain wrappers use,
//! the terminal-event layer and cancellation (`terminal.rs`), and the
//! built-in transports a runtime may be given (`transports.rs`).
//!
//! # Wrapper order
//!
//! A wrapper is a [`StreamFn`] around an inner one. `Runtime::build_stream_fn`
//! builds the chain from the inside out: the base is the owner's
//! `createStreamFn` result, else the transport for the model's API
//! (`createStreamFn` replaces the transport, it does not wrap it); around
//! the base, the generic options layer (only when the params set
//! `temperature`, `maxTokens` or `cacheRetention`); around that, the owner's
//! `wrapStreamFn` result (it may stack layers of its own inside). A turn
//! adds one layer outside them all, which applies
//! `resolveTransportTurnState` on each attempt. At call time the outermost
//! runs first and hands the request inward:
//!
//! ```text
//!   caller ──▶ outer wrapper ──▶ inner wrapper ──▶ transport ──▶ HTTP
//!   payload patches run:          inner first,  then outer  (outer wins)
//! ```
//!
//! A wrapper that patches the request body calls
//! [`StreamOptions::patch_payload`], which puts its patch *before* the ones
//! already registered by outer layers; the transport runs the chain front to
//! back, so the innermost patch runs first and the outermost last, and the
//! outermost wins — OpenClaw's order. The body is left as the patches make
//! it: OpenClaw 2026.9.6 no longer drops a `tool_choice` that has no
//! `tools` (`sanitizeToolChoicePayload` is gone).

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;

use futures::Stream;
use serde_json::{Map, Value};

use crate::context::Context;
use crate::event::StreamEvent;
use crate::model::{RuntimeModel, ThinkingLevel};
use crate::secret::ApiKey;

mod headers;
mod terminal;
mod transports;
mod wrap;

pub use self::headers::{Headers, HeadersIntoIter, HeadersIter};
pub use self::terminal::{Cancellation, Cancelled, Terminated};
pub use self::transports::Transports;
pub use self::wrap::StreamFnExt;

/// A stream of normalized events ending in exactly one terminal event.
pub type EventStream = Pin<Box<dyn Stream<Item = StreamEvent> + Send + 'static>>;

/// Everything a [`StreamFn`] needs for one call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StreamRequest {
    /// The resolved model.
    pub model: RuntimeModel,
    /// The conversation.
    pub context: Context,
    /// Call options.
    pub options: StreamOptions,
}

impl StreamRequest {
    /// A request with default options.
    pub fn new(model: RuntimeModel, context: Context) -> Self {
        StreamRequest {
            model,
            context,
            options: StreamOptions::default(),
        }
    }
}

/// Produces the event stream for a request: a transport, or a wrapper around one.
pub trait StreamFn: Send + Sync {
    /// Starts the call. Failures arrive as a terminal
    /// [`StreamEvent::Error`], never as a panic or a missing end.
    fn stream(&self, request: StreamRequest) -> EventStream;

    /// What this stream function adds around the one it wraps, outermost
    /// first, for the hook trace: the [`StreamFnExt`] layers describe
    /// themselves (`headers x-zeta-client: clawkit (defaults win)`,
    /// `patch_payload`, …) and their inner layers after them; a plain
    /// closure or a transport says nothing.
    fn layers(&self) -> Vec<String> {
        Vec::new()
    }
}

impl<F> StreamFn for F
where
    F: Fn(StreamRequest) -> EventStream + Send + Sync,
{
    fn stream(&self, request: StreamRequest) -> EventStream {
        self(request)
    }
}

/// A shareable [`StreamFn`].
pub type SharedStreamFn = Arc<dyn StreamFn>;

/// A request-body patch: gets the JSON body and the model.
pub type PayloadPatch = Arc<dyn Fn(&mut Value, &RuntimeModel) + Send + Sync>;

/// Whether caller headers or provider defaults win on a name clash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HeaderPrecedence {
    /// Headers already on the request override the ones being merged in.
    #[default]
    CallerWins,
    /// The headers being merged in override the ones already there.
    DefaultsWin,
}

crate::macros::string_enum! {
    /// How long a provider should keep the prompt cache (OpenClaw's
    /// `cacheRetention`), for models where `isCacheTtlEligible` holds.
    CacheRetention {
        /// Do not mark anything for caching.
        None => "none",
        /// The provider's default (Anthropic: 5 minutes).
        Short => "short",
        /// The longest the provider offers (Anthropic: 1 hour).
        Long => "long",
    }
}

/// Options of one call.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct StreamOptions {
    /// The credential to send (set by the pipeline after auth).
    pub api_key: Option<ApiKey>,
    /// Extra request headers; names compare in any case, so a layer that
    /// sets `authorization` replaces an `Authorization` already there.
    pub headers: Headers,
    /// Sampling temperature.
    pub temperature: Option<f64>,
    /// Output-token limit (sent in the field the model's compat names).
    pub max_tokens: Option<u64>,
    /// Reasoning level.
    pub thinking_level: Option<ThinkingLevel>,
    /// Session id, for providers that key caches or affinity on it.
    pub session_id: Option<String>,
    /// Provider-specific body parameters merged into the request.
    pub extra_params: Map<String, Value>,
    /// Cancels the call; the stream then ends with a `cancelled` error.
    pub cancellation: Option<terminal::Cancellation>,
    /// Prompt-cache retention (set by the options layer from the
    /// `cacheRetention` param where the model is eligible).
    pub cache_retention: Option<CacheRetention>,
    payload_hooks: Vec<PayloadPatch>,
}

impl fmt::Debug for StreamOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamOptions")
            .field("api_key", &self.api_key)
            // Header values may carry credentials: `Headers` prints names only.
            .field("headers", &self.headers)
            .field("temperature", &self.temperature)
            .field("max_tokens", &self.max_tokens)
            .field("thinking_level", &self.thinking_level)
            .field("session_id", &self.session_id)
            .field("extra_params", &self.extra_params)
            .field("cancellable", &self.cancellation.is_some())
            .field("cache_retention", &self.cache_retention)
            .field("payload_hooks", &self.payload_hooks.len())
            .finish()
    }
}

impl StreamOptions {
    /// Registers the caller's own `onPayload` observer; it runs after every
    /// wrapper patch and sees the final body.
    pub fn on_payload(
        &mut self,
        observer: impl Fn(&mut Value, &RuntimeModel) + Send + Sync + 'static,
    ) {
        self.payload_hooks.push(Arc::new(observer));
    }

    /// Registers a wrapper's body patch. Call it from the wrapper before
    /// handing the request inward: the patch runs before those of outer
    /// wrappers (see the module docs).
    pub fn patch_payload(
        &mut self,
        patch: impl Fn(&mut Value, &RuntimeModel) + Send + Sync + 'static,
    ) {
        self.payload_hooks.insert(0, Arc::new(patch));
    }

    /// Runs the patch chain over a request body. Transports call this once,
    /// just before sending.
    ///
    /// ```
    /// use clawkit_core::{ModelApi, RuntimeModel, StreamOptions};
    /// use serde_json::json;
    ///
    /// let model = RuntimeModel::new("acme-ai", "m", ModelApi::OpenAiCompletions, "https://a.example".parse().unwrap());
    /// let mut options = StreamOptions::default();
    /// options.patch_payload(|body, _| body["who"] = json!("outer"));   // registered first: outer layer
    /// options.patch_payload(|body, _| body["who"] = json!("inner"));   // registered later: inner layer
    /// let mut body = json!({"tool_choice": "auto"});
    /// options.apply_payload_hooks(&mut body, &model);
    /// assert_eq!(body, json!({"tool_choice": "auto", "who": "outer"})); // outermost wins
    /// ```
    pub fn apply_payload_hooks(&self, payload: &mut Value, model: &RuntimeModel) {
        for patch in &self.payload_hooks {
            patch(payload, model);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model() -> RuntimeModel {
        RuntimeModel::new(
            "p",
            "m",
            crate::model::ModelApi::OpenAiCompletions,
            "https://a.example".parse().unwrap(),
        )
    }

    #[test]
    fn inner_patches_run_first_and_the_caller_observer_last() {
        let mut options = StreamOptions::default();
        options.on_payload(|body, _| {
            let seen = body["order"].clone();
            body["caller_saw"] = seen;
        });
        // The outer wrapper runs first at call time and registers first.
        options.patch_payload(|body, _| body["order"].as_array_mut().unwrap().push(json!("outer")));
        options.patch_payload(|body, _| body["order"].as_array_mut().unwrap().push(json!("inner")));
        let mut body = json!({"order": [], "tool_choice": "auto"});
        options.apply_payload_hooks(&mut body, &model());
        assert_eq!(body["order"], json!(["inner", "outer"]));
        assert_eq!(body["caller_saw"], json!(["inner", "outer"]));
        assert_eq!(
            body["tool_choice"], "auto",
            "kept without tools too, as OpenClaw 2026.9.6 does"
        );
    }
}
