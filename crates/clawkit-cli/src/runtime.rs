//! The runtime the commands run on: the built-in providers and the
//! plugins the command line was started with, with the process environment.

use std::sync::Arc;

use clawkit_core::{CoreError, Env, Runtime, RuntimeBuilder};
use clawkit_http::{BuiltinTransports, HttpClient, HttpError};

/// Why the runtime could not be built.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SetupError {
    /// A shipped manifest does not parse (a bug in the build).
    #[error(transparent)]
    Manifest(#[from] clawkit_manifest::ManifestError),
    /// The runtime refused a plugin.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The caller's plugins could not be registered.
    #[error("cannot register the plugins: {0}")]
    Plugins(Box<dyn std::error::Error + Send + Sync>),
}

/// What registers a command line's own plugins on the runtime builder.
pub type RegisterPlugins = dyn Fn(RuntimeBuilder) -> Result<RuntimeBuilder, Box<dyn std::error::Error + Send + Sync>>
    + Send
    + Sync;

/// The plugins a command line runs with, besides the built-in providers.
#[derive(Clone)]
pub(crate) struct Plugins(pub(crate) Arc<RegisterPlugins>);

/// Every provider the CLI knows (the built-in ones, then `plugins`),
/// reading keys from `env`, with the built-in transports.
pub(crate) fn runtime(env: Env, plugins: &Plugins) -> Result<Runtime, SetupError> {
    let transports = BuiltinTransports::new(HttpClient::new()?);
    let mut builder = Runtime::builder().env(env).transports(transports);
    for plugin in clawkit_providers::builtin_plugins()? {
        builder = builder.plugin(plugin);
    }
    let builder = (plugins.0)(builder).map_err(SetupError::Plugins)?;
    Ok(builder.build()?)
}

/// A current-thread tokio runtime for one command.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> std::io::Result<F::Output> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(future))
}
