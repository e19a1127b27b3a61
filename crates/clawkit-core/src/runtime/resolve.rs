//! Resolving `provider/model` to a runtime model.
//!
//! ```text
//! "acme-ai/acme-large" or a bare "acme-large" (manifest modelSupport picks the plugin)
//!   → normalizeModelId (#3)
//!   → catalog lookup
//!   → resolveDynamicModel (#10)                 if the catalog has no such row
//!   → prepareDynamicModel (#11) → resolveDynamicModel again
//!   → normalizeResolvedModel (#12)
//!   → contributeResolvedModelCompat (#13)       owner, then every other provider
//!   → normalizeTransport (#4)                   owner, then the first other that changes it
//! ```

use std::sync::Arc;

use serde::Serialize;

use clawkit_manifest::normalize_provider_id;

use crate::catalog::Catalog;
use crate::error::CoreError;
use crate::hooks::{
    DynamicModelContext, ModelRefContext, Preparation, ResolvedModelContext, TransportContext,
};
use crate::model::RuntimeModel;
use crate::trace::{HookTrace, Tracer};

use super::Runtime;

/// A parsed model reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ModelRef {
    /// The provider id (normalized).
    pub provider: String,
    /// The model id, as given.
    pub model: String,
}

impl Runtime {
    /// Parses `provider/model`, or a bare model id that a plugin claims in
    /// its manifest's `modelSupport` (patterns first, then prefixes).
    ///
    /// The model part may itself contain `/` (`openrouter/x-ai/grok-4`).
    pub fn parse_model_ref(&self, input: &str) -> Result<ModelRef, CoreError> {
        let input = input.trim();
        if let Some((provider, model)) = input.split_once('/') {
            if provider.trim().is_empty() || model.trim().is_empty() {
                return Err(CoreError::invalid_model_ref(
                    input,
                    "expected provider/model",
                ));
            }
            return Ok(ModelRef {
                provider: normalize_provider_id(provider),
                model: model.trim().to_owned(),
            });
        }
        match self.provider_for_bare_model(input) {
            Some(provider) => Ok(ModelRef {
                provider: provider.to_owned(),
                model: input.to_owned(),
            }),
            None => Err(CoreError::invalid_model_ref(
                input,
                "it is not provider/model and no plugin claims it in modelSupport",
            )),
        }
    }

    /// Resolves a model reference through the catalog and the hooks.
    pub async fn resolve_model(
        &self,
        catalog: &Catalog,
        input: &str,
        trace: Option<&mut HookTrace>,
    ) -> Result<RuntimeModel, CoreError> {
        let mut tracer = Tracer::new(trace);
        let model_ref = self.parse_model_ref(input)?;
        if tracer.is_on() {
            tracer.value("parseModelRef", None, &model_ref);
        }
        let provider = model_ref.provider.as_str();
        let owner = self.owner(provider);
        if owner.is_none()
            && catalog.provider(provider).is_none()
            && self.config.provider(provider).is_none()
        {
            let known = self
                .providers
                .iter()
                .flat_map(|r| r.ids.iter().map(String::as_str));
            return Err(CoreError::unknown_provider(
                provider,
                Runtime::suggestions(provider, known),
            ));
        }

        let model_id = self
            .with_owner(provider, "normalizeModelId", &mut tracer, |p| {
                p.normalize_model_id(&ModelRefContext::new(provider, model_ref.model.as_str()))
                    .filter(|id| !id.trim().is_empty())
            })
            .unwrap_or_else(|| model_ref.model.clone());

        let mut model = catalog.model(provider, &model_id);
        match &model {
            Some(found) if tracer.is_on() => {
                tracer.value("catalogLookup", None, &found.reference());
            }
            Some(_) => {}
            None => tracer.not_found("catalogLookup"),
        }
        if model.is_none() {
            model = self
                .resolve_dynamic(catalog, provider, &model_id, &mut tracer)
                .await?;
        }
        let Some(model) = model else {
            let known = catalog.model_ids(provider);
            return Err(CoreError::unknown_model(
                provider,
                &model_id,
                Runtime::suggestions(&model_id, known.into_iter()),
                None,
            ));
        };

        let ctx = ResolvedModelContext {
            provider: provider.to_owned(),
            model_id: model_id.clone(),
            model,
        };
        let model = self
            .with_owner(provider, "normalizeResolvedModel", &mut tracer, |p| {
                p.normalize_resolved_model(&ctx)
            })
            .unwrap_or(ctx.model);

        // Every provider may contribute compat; each sees the patches before it.
        let owner_index = self.owner_index(provider);
        let mut ctx = ResolvedModelContext {
            provider: provider.to_owned(),
            model_id: model_id.clone(),
            model,
        };
        for index in self.owner_first(provider) {
            let registered = &self.providers[index];
            let patch = registered.provider.contribute_resolved_model_compat(&ctx);
            if patch.is_some() || Some(index) == owner_index {
                tracer.option("contributeResolvedModelCompat", registered.id(), &patch);
            }
            if let Some(patch) = patch {
                ctx.model.compat.merge(&patch);
            }
        }
        let mut model = ctx.model;

        let transport = TransportContext {
            provider: provider.to_owned(),
            model_id: Some(model_id.clone()),
            api: Some(model.api.clone()),
            base_url: Some(model.base_url.clone()),
        };
        for index in self.owner_first(provider) {
            let registered = &self.providers[index];
            let patch = registered.provider.normalize_transport(&transport);
            if patch.is_some() || Some(index) == owner_index {
                tracer.option("normalizeTransport", registered.id(), &patch);
            }
            if let Some(patch) = patch.filter(|p| p.changes(&transport)) {
                if let Some(api) = patch.api {
                    model.api = api;
                }
                if let Some(base_url) = patch.base_url {
                    model.base_url = base_url;
                }
                break;
            }
        }
        if tracer.is_on() {
            tracer.value("resolvedModel", None, &model);
        }
        Ok(model)
    }

    /// `resolveDynamicModel`, then `prepareDynamicModel` and
    /// `resolveDynamicModel` again.
    async fn resolve_dynamic(
        &self,
        catalog: &Catalog,
        provider: &str,
        model_id: &str,
        tracer: &mut Tracer<'_>,
    ) -> Result<Option<RuntimeModel>, CoreError> {
        let Some(registered) = self.owner(provider) else {
            return Ok(None);
        };
        let ctx = DynamicModelContext {
            provider: provider.to_owned(),
            model_id: model_id.to_owned(),
            config: Arc::clone(&self.config),
            provider_config: catalog
                .provider(provider)
                .map(|entry| Arc::clone(&entry.config))
                .or_else(|| self.config.provider(provider).cloned().map(Arc::new)),
        };
        let first = registered.provider.resolve_dynamic_model(&ctx);
        tracer.option("resolveDynamicModel", registered.id(), &first);
        if first.is_some() {
            return Ok(first);
        }
        match registered.provider.prepare_dynamic_model(&ctx).await {
            Ok(Preparation::Prepared) => {
                tracer.value(
                    "prepareDynamicModel",
                    Some(registered.id()),
                    &Preparation::Prepared,
                );
                let second = registered.provider.resolve_dynamic_model(&ctx);
                tracer.option("resolveDynamicModel", registered.id(), &second);
                Ok(second)
            }
            Ok(Preparation::NotHandled) => {
                tracer.option::<Preparation>("prepareDynamicModel", registered.id(), &None);
                Ok(None)
            }
            Err(source) => {
                tracer.failed("prepareDynamicModel", registered.id(), &source);
                Err(CoreError::hook_failed(
                    registered.id(),
                    "prepareDynamicModel",
                    source,
                ))
            }
        }
    }
}
