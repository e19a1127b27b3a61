//! Model stage: what the model-resolution hooks (`normalizeModelId`, `resolveDynamicModel`, `prepareDynamicModel`,
//! `normalizeResolvedModel`, `contributeResolvedModelCompat`, `normalizeTransport`, `onModelSelected`) are given and return,
//! and [`ModelContext`], the common context of the later per-model hooks.

use std::sync::Arc;

use serde::Serialize;
use url::Url;

use crate::config::Config;
use crate::model::{ModelApi, ProviderConfig, RuntimeModel};

/// A provider and a model id (`normalizeModelId`, `isBinaryThinking`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelRefContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
}

impl ModelRefContext {
    /// `provider/model_id`.
    pub fn new(provider: impl Into<String>, model_id: impl Into<String>) -> Self {
        ModelRefContext {
            provider: provider.into(),
            model_id: model_id.into(),
        }
    }
}

/// What `normalizeTransport` is given.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TransportContext {
    /// The provider id.
    pub provider: String,
    /// The model id, when one is being resolved.
    pub model_id: Option<String>,
    /// The current API.
    pub api: Option<ModelApi>,
    /// The current base URL.
    pub base_url: Option<Url>,
}

/// A change to a model's transport: set fields replace the current ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TransportPatch {
    /// New API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<ModelApi>,
    /// New base URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<Url>,
}

impl TransportPatch {
    /// Whether the patch changes `api` or `base_url` of `ctx`.
    pub fn changes(&self, ctx: &TransportContext) -> bool {
        self.api
            .as_ref()
            .is_some_and(|api| Some(api) != ctx.api.as_ref())
            || self
                .base_url
                .as_ref()
                .is_some_and(|url| Some(url) != ctx.base_url.as_ref())
    }
}

/// What `resolveDynamicModel` and `prepareDynamicModel` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DynamicModelContext {
    /// The provider id.
    pub provider: String,
    /// The model id asked for.
    pub model_id: String,
    /// The user config.
    pub config: Arc<Config>,
    /// The provider's merged catalog entry, if any.
    pub provider_config: Option<Arc<ProviderConfig>>,
}

impl DynamicModelContext {
    /// A context for `model_id` with an empty config.
    ///
    /// ```
    /// let ctx = clawkit_core::DynamicModelContext::new("acme-ai", "acme-beta-v3");
    /// assert_eq!(ctx.model_id, "acme-beta-v3");
    /// ```
    pub fn new(provider: impl Into<String>, model_id: impl Into<String>) -> Self {
        DynamicModelContext {
            provider: provider.into(),
            model_id: model_id.into(),
            config: Arc::new(Config::new()),
            provider_config: None,
        }
    }
}

/// The outcome of `prepareDynamicModel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Preparation {
    /// The plugin has nothing to prepare.
    NotHandled,
    /// Metadata was fetched: run `resolveDynamicModel` again.
    Prepared,
}

/// What `normalizeResolvedModel` and `contributeResolvedModelCompat` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResolvedModelContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The model so far.
    pub model: RuntimeModel,
}

/// What `onModelSelected` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ModelSelectedContext {
    /// The selected model.
    pub model: RuntimeModel,
    /// The user config.
    pub config: Arc<Config>,
}

/// A model being run: the common context of tool-schema, reasoning and
/// replay hooks (OpenClaw's `ReplayPolicyCtx`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ModelContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The model's API.
    pub model_api: Option<ModelApi>,
    /// The resolved model, when known.
    pub model: Option<RuntimeModel>,
}

impl ModelContext {
    /// A provider, a model id and its api, without a resolved model.
    pub fn new(
        provider: impl Into<String>,
        model_id: impl Into<String>,
        model_api: Option<ModelApi>,
    ) -> Self {
        ModelContext {
            provider: provider.into(),
            model_id: model_id.into(),
            model_api,
            model: None,
        }
    }

    /// The context of a resolved model.
    pub fn of(model: &RuntimeModel) -> Self {
        ModelContext {
            provider: model.provider.clone(),
            model_id: model.id.clone(),
            model_api: Some(model.api.clone()),
            model: Some(model.clone()),
        }
    }
}
