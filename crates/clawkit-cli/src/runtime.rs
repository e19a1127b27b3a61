//! The runtime the commands run on: the built-in providers and the example
//! `acme-ai` plugin, with the process environment.

use clawkit_core::{CoreError, Env, Runtime};
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
}

/// Every provider the CLI knows, reading keys from `env`, with the
/// built-in transports.
pub(crate) fn runtime(env: Env) -> Result<Runtime, SetupError> {
    let transports = BuiltinTransports::new(HttpClient::new()?);
    let mut builder = Runtime::builder().env(env).transports(transports);
    for plugin in clawkit_providers::builtin_plugins()? {
        builder = builder.plugin(plugin);
    }
    builder = builder.plugin(acme_ai::plugin()?);
    Ok(builder.build()?)
}

/// A current-thread tokio runtime for one command.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> std::io::Result<F::Output> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(future))
}
