//! [`RuntimeBuilder`]: registers the plugins and builds a [`Runtime`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::auth::AuthStore;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::env::Env;
use crate::error::CoreError;
use crate::plugin::{PluginApi, PluginEntry};
use crate::stream::Transports;
use crate::text_transform::TextTransforms;

use super::{DEFAULT_CATALOG_TIMEOUT, Runtime};

/// Builder of a [`Runtime`].
#[must_use]
pub struct RuntimeBuilder {
    entries: Vec<Box<dyn PluginEntry>>,
    config: Config,
    env: Env,
    store: AuthStore,
    clock: Arc<dyn Clock>,
    catalog_timeout: Duration,
    transports: Option<Arc<dyn Transports>>,
}

impl RuntimeBuilder {
    pub(super) fn new() -> Self {
        RuntimeBuilder {
            entries: Vec::new(),
            config: Config::new(),
            env: Env::new(),
            store: AuthStore::new(),
            clock: Arc::new(SystemClock),
            catalog_timeout: DEFAULT_CATALOG_TIMEOUT,
            transports: None,
        }
    }

    /// Registers a plugin; plugins are registered in the order given, and the
    /// first to claim a provider id owns it.
    pub fn plugin(mut self, entry: impl PluginEntry + 'static) -> Self {
        self.entries.push(Box::new(entry));
        self
    }

    /// Registers a boxed plugin.
    pub fn boxed_plugin(mut self, entry: Box<dyn PluginEntry>) -> Self {
        self.entries.push(entry);
        self
    }

    /// The user config (`models.providers`, …).
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// The environment (default: empty; use [`Env::from_process`] for the real one).
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Stored auth profiles.
    pub fn auth_store(mut self, store: AuthStore) -> Self {
        self.store = store;
        self
    }

    /// The clock used for credential expiry.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How long one catalog may run.
    pub fn catalog_timeout(mut self, timeout: Duration) -> Self {
        self.catalog_timeout = timeout;
        self
    }

    /// The stream functions of the built-in APIs (`clawkit_http` implements
    /// [`Transports`] for its four), used when a provider does not create
    /// its own.
    pub fn transports(mut self, transports: impl Transports + 'static) -> Self {
        self.transports = Some(Arc::new(transports));
        self
    }

    /// Registers every plugin, then materializes the config
    /// ([`Runtime::materialize_config`]).
    ///
    /// Fails only when a `modelSupport` pattern does not compile (the
    /// manifest check reports that too). Dropped providers and duplicate ids
    /// are listed in [`Runtime::diagnostics`].
    pub fn build(self) -> Result<Runtime, CoreError> {
        let mut runtime = Runtime {
            providers: Vec::new(),
            owners: HashMap::new(),
            model_support: Vec::new(),
            manifests: Vec::new(),
            plugin_manifests: Vec::new(),
            auth_aliases: HashMap::new(),
            text_transforms: TextTransforms::new(),
            config: Arc::new(self.config),
            env: Arc::new(self.env),
            store: self.store,
            clock: self.clock,
            catalog_timeout: self.catalog_timeout,
            transports: self.transports,
            request_credentials: Mutex::new(HashMap::new()),
            refreshed_oauth: Mutex::new(HashMap::new()),
            diagnostics: Vec::new(),
        };
        for entry in &self.entries {
            let plugin_id = entry.id().trim().to_owned();
            let manifest = entry.manifest().cloned().map(Arc::new);
            if let Some(manifest) = &manifest {
                runtime.manifests.push(manifest.clone());
                runtime
                    .plugin_manifests
                    .push((plugin_id.clone(), manifest.clone()));
            }
            let mut api = PluginApi::new(&plugin_id);
            entry.register(&mut api);
            for transforms in api.text_transforms {
                runtime.text_transforms.extend(&transforms);
            }
            let first_of_plugin = runtime.providers.len();
            for provider in api.providers {
                runtime.add_provider(&plugin_id, provider);
            }
            if let Some(manifest) = &manifest {
                runtime.add_model_support(&plugin_id, manifest, first_of_plugin)?;
            }
        }
        runtime.build_auth_aliases();
        runtime.config = Arc::new(runtime.materialize_config(None));
        Ok(runtime)
    }
}
