//! Integration tests of the clawkit-core pipeline: one binary, one module
//! per concern. Plugins here are small test doubles of real providers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod auth;
mod catalog;
mod config;
mod dispatch;
mod hooks_doc;
mod resolve;
mod secrets;
mod stream_build;

use std::sync::Arc;

use clawkit_core::{
    Catalog, HookTrace, ModelApi, ModelDefinition, PluginApi, PluginEntry, ProviderConfig,
    ProviderPlugin, Runtime, RuntimeBuilder, define_plugin_entry,
};

/// A plugin entry registering one provider.
pub(crate) fn entry(provider: impl ProviderPlugin + 'static) -> impl PluginEntry {
    let provider: Arc<dyn ProviderPlugin> = Arc::new(provider);
    let id = provider.id().to_owned();
    define_plugin_entry(id, None, move |api: &mut PluginApi| {
        api.register_provider_arc(provider.clone())
    })
}

/// A provider config at `url` with models `ids`.
pub(crate) fn provider_config(url: &str, ids: &[&str]) -> ProviderConfig {
    ids.iter().fold(
        ProviderConfig::new(url.parse().unwrap(), ModelApi::OpenAiCompletions),
        |config, id| config.with_model(ModelDefinition::new(*id).with_limits(100_000, 4_096)),
    )
}

pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}

pub(crate) fn build(builder: RuntimeBuilder) -> Runtime {
    builder.build().unwrap()
}

pub(crate) fn catalog(runtime: &Runtime) -> Catalog {
    block_on(runtime.catalog(None))
}

pub(crate) fn traced_catalog(runtime: &Runtime) -> (Catalog, HookTrace) {
    let mut trace = HookTrace::new();
    let catalog = block_on(runtime.catalog(Some(&mut trace)));
    (catalog, trace)
}
