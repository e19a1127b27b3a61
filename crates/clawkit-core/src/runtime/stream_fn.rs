//! Stream construction, in OpenClaw's order: `prepareExtraParams`, then the
//! base stream function (`createStreamFn`, else the transport for the
//! model's `api`), then the generic options layer (`temperature` and
//! `maxTokens` from the params), then `wrapStreamFn` around all of it.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::CoreError;
use crate::hooks::{ExtraParamsContext, StreamFnContext, WrapStreamFnContext};
use crate::model::{RuntimeModel, ThinkingLevel};
use crate::stream::{CacheRetention, EventStream, SharedStreamFn, StreamFn, StreamRequest};
use crate::trace::{HookTrace, Tracer};

use super::Runtime;

/// What a stream function is built for: the resolved model, the merged
/// extra params and the `/think` level.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StreamSetup {
    /// The resolved model.
    pub model: RuntimeModel,
    /// Extra params (model params, agent params and call-site overrides,
    /// already merged).
    pub extra_params: Map<String, Value>,
    /// The `/think` level.
    pub thinking_level: Option<ThinkingLevel>,
}

impl StreamSetup {
    /// A setup for `model` with no params.
    pub fn new(model: RuntimeModel) -> Self {
        StreamSetup {
            model,
            extra_params: Map::new(),
            thinking_level: None,
        }
    }

    /// With these extra params.
    pub fn with_extra_params(mut self, extra_params: Map<String, Value>) -> Self {
        self.extra_params = extra_params;
        self
    }

    /// With this `/think` level.
    pub fn with_thinking_level(mut self, level: ThinkingLevel) -> Self {
        self.thinking_level = Some(level);
        self
    }
}

/// A built stream function and the params it was built with.
#[derive(Clone)]
#[non_exhaustive]
pub struct PreparedStreamFn {
    /// Call this to stream.
    pub stream_fn: SharedStreamFn,
    /// The extra params after `prepareExtraParams`.
    pub extra_params: Map<String, Value>,
}

impl std::fmt::Debug for PreparedStreamFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedStreamFn")
            .field("extra_params", &self.extra_params)
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// Builds the stream function for `setup.model`, as OpenClaw does when a
    /// turn runs: the owner's `prepareExtraParams`; its `createStreamFn`,
    /// else `transport` (the core transport for the model's `api`, e.g.
    /// `clawkit_http::transport_for`); the generic options layer, which
    /// fills `temperature` and `max_tokens` from the params when the call
    /// does not set them; then the owner's `wrapStreamFn` around the result.
    ///
    /// Fails with [`CoreErrorKind::NoTransport`](crate::CoreErrorKind::NoTransport) when neither the provider nor
    /// `transport` supplies a stream function.
    pub fn build_stream_fn(
        &self,
        setup: &StreamSetup,
        transport: Option<SharedStreamFn>,
        trace: Option<&mut HookTrace>,
    ) -> Result<PreparedStreamFn, CoreError> {
        let mut tracer = Tracer::new(trace);
        let model = &setup.model;
        let owner = self.owner(&model.provider);
        let mut extra_params = setup.extra_params.clone();
        if let Some(owner) = owner {
            let ctx = ExtraParamsContext {
                provider: model.provider.clone(),
                model_id: model.id.clone(),
                extra_params: extra_params.clone(),
                thinking_level: setup.thinking_level,
            };
            let prepared = owner.provider.prepare_extra_params(&ctx);
            tracer.option("prepareExtraParams", owner.id(), &prepared);
            if let Some(prepared) = prepared {
                extra_params = prepared;
            }
        }

        let created = owner.and_then(|owner| {
            let ctx = StreamFnContext {
                provider: model.provider.clone(),
                model_id: model.id.clone(),
                model: model.clone(),
            };
            let created = owner.provider.create_stream_fn(&ctx);
            tracer.option(
                "createStreamFn",
                owner.id(),
                &created.as_deref().map(described),
            );
            created
        });
        let base = created.or(transport).ok_or_else(|| {
            CoreError::no_transport(&model.provider, &model.id, model.api.as_str())
        })?;

        let mut stream_fn = OptionDefaults::layer(base, &extra_params);
        if let Some(owner) = owner {
            let ctx = WrapStreamFnContext {
                provider: model.provider.clone(),
                model_id: model.id.clone(),
                model: model.clone(),
                extra_params: extra_params.clone(),
                thinking_level: setup.thinking_level,
                stream_fn: stream_fn.clone(),
            };
            let wrapped = owner.provider.wrap_stream_fn(&ctx);
            tracer.option(
                "wrapStreamFn",
                owner.id(),
                &wrapped.as_deref().map(described),
            );
            if let Some(wrapped) = wrapped {
                stream_fn = wrapped;
            }
        }
        Ok(PreparedStreamFn {
            stream_fn,
            extra_params,
        })
    }
}

/// The generic options layer: `temperature`, `maxTokens` (or
/// `max_tokens`) and `cacheRetention` from the extra params, where the call
/// leaves them unset. (A turn drops `cacheRetention` first when the model
/// is not `isCacheTtlEligible`.)
/// A stream function in the trace: its [`StreamFn::layers`] when it has
/// any, else just that it is one.
fn described(stream_fn: &dyn StreamFn) -> serde_json::Value {
    let layers = stream_fn.layers();
    if layers.is_empty() {
        serde_json::Value::from("a stream function")
    } else {
        serde_json::json!({ "layers": layers })
    }
}

struct OptionDefaults {
    inner: SharedStreamFn,
    temperature: Option<f64>,
    max_tokens: Option<u64>,
    cache_retention: Option<CacheRetention>,
}

impl OptionDefaults {
    fn layer(inner: SharedStreamFn, params: &Map<String, Value>) -> SharedStreamFn {
        let temperature = params.get("temperature").and_then(Value::as_f64);
        let max_tokens = params
            .get("maxTokens")
            .or_else(|| params.get("max_tokens"))
            .and_then(Value::as_u64);
        let cache_retention = params
            .get("cacheRetention")
            .and_then(Value::as_str)
            .map(CacheRetention::from);
        if temperature.is_none() && max_tokens.is_none() && cache_retention.is_none() {
            return inner;
        }
        Arc::new(OptionDefaults {
            inner,
            temperature,
            max_tokens,
            cache_retention,
        })
    }
}

impl StreamFn for OptionDefaults {
    fn stream(&self, mut request: StreamRequest) -> EventStream {
        if request.options.temperature.is_none() {
            request.options.temperature = self.temperature;
        }
        if request.options.max_tokens.is_none() {
            request.options.max_tokens = self.max_tokens;
        }
        if request.options.cache_retention.is_none() {
            request.options.cache_retention = self.cache_retention.clone();
        }
        self.inner.stream(request)
    }

    /// The runtime's own layer does not show; what it wraps does.
    fn layers(&self) -> Vec<String> {
        self.inner.layers()
    }
}
