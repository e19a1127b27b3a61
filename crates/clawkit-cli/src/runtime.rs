//! The runtime the commands run on: the built-in providers and the
//! plugins the command line was started with, with the process environment.

use std::sync::Arc;

use clawkit_core::{CoreError, Env, PluginEntry, Runtime, RuntimeBuilder};
use clawkit_http::{BuiltinTransports, HttpClient, HttpError};
use clawkit_providers::ManifestOnlyPlugin;

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
pub(crate) struct Plugins {
    /// What `run_with` was given.
    register: Arc<RegisterPlugins>,
    /// The manifest-only plugins of `--plugin DIR`, registered last.
    manifest_only: Vec<ManifestOnlyPlugin>,
}

impl Plugins {
    /// The plugins `register` adds.
    pub(crate) fn new(register: Arc<RegisterPlugins>) -> Self {
        Plugins {
            register,
            manifest_only: Vec::new(),
        }
    }

    /// A runtime of these plugins alone (no built-in provider, no
    /// `--plugin` folder): what `clawkit pack` packs.
    pub(crate) fn own_runtime(&self, env: Env) -> Result<Runtime, SetupError> {
        let builder = (self.register)(Runtime::builder().env(env)).map_err(SetupError::Plugins)?;
        Ok(builder.build()?)
    }

    /// These plugins, then `loaded`.
    pub(crate) fn with_manifest_only(&self, loaded: Vec<ManifestOnlyPlugin>) -> Self {
        let mut plugins = self.clone();
        plugins.manifest_only.extend(loaded);
        plugins
    }
}

/// Every provider the CLI knows (the built-in ones, then `plugins`),
/// reading keys from `env`, with the built-in transports.
///
/// A provider of a `--plugin` folder whose id an earlier plugin already
/// owns is not registered (the first registration wins); that is said on
/// stderr.
pub(crate) fn runtime(env: Env, plugins: &Plugins) -> Result<Runtime, SetupError> {
    let transports = BuiltinTransports::new(HttpClient::new()?);
    let mut builder = Runtime::builder().env(env).transports(transports);
    for plugin in clawkit_providers::builtin_plugins()? {
        builder = builder.plugin(plugin);
    }
    let mut builder = (plugins.register)(builder).map_err(SetupError::Plugins)?;
    for plugin in &plugins.manifest_only {
        builder = builder.plugin(plugin.clone());
    }
    let runtime = builder.build()?;
    // The runtime's own registration report says which provider ids a
    // folder lost, whoever owned them first (even a plugin of the same id).
    for plugin in &plugins.manifest_only {
        for provider in plugin.provider_ids() {
            let claimed = format!("provider id \"{provider}\" is already owned by plugin ");
            for diagnostic in runtime
                .diagnostics()
                .iter()
                .filter(|d| d.plugin_id == plugin.id() && d.message.starts_with(&claimed))
            {
                let owner = diagnostic.message[claimed.len()..]
                    .split(';')
                    .next()
                    .unwrap_or_default();
                eprintln!(
                    "clawkit: warning: {}: provider \"{provider}\" is not registered: plugin {owner} already provides it",
                    plugin.manifest_file().display()
                );
            }
        }
    }
    Ok(runtime)
}

/// A current-thread tokio runtime for one command.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> std::io::Result<F::Output> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(future))
}
