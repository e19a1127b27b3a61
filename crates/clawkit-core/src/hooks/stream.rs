//! Stream stage: what `createStreamFn`, `wrapStreamFn` and `isCacheTtlEligible` are given.

use std::fmt;

use serde_json::{Map, Value};
use url::Url;

use crate::model::{ModelApi, RuntimeModel, ThinkingLevel};
use crate::stream::SharedStreamFn;

/// What `createStreamFn` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StreamFnContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The resolved model.
    pub model: RuntimeModel,
}

/// What `wrapStreamFn` is given: the stream function to wrap.
#[derive(Clone)]
#[non_exhaustive]
pub struct WrapStreamFnContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The resolved model.
    pub model: RuntimeModel,
    /// The request params.
    pub extra_params: Map<String, Value>,
    /// The `/think` level.
    pub thinking_level: Option<ThinkingLevel>,
    /// The stream function to wrap (the transport or the previous layer).
    pub stream_fn: SharedStreamFn,
}

impl fmt::Debug for WrapStreamFnContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrapStreamFnContext")
            .field("provider", &self.provider)
            .field("model_id", &self.model_id)
            .finish_non_exhaustive()
    }
}

/// What `isCacheTtlEligible` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CacheTtlContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The model's API.
    pub model_api: Option<ModelApi>,
    /// The endpoint.
    pub base_url: Option<Url>,
}
