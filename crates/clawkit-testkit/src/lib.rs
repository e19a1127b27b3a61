//! Test helpers for clawkit provider plugins.
//!
//! A [`Harness`] builds a [`Runtime`] from your plugins with a controlled
//! environment, builds the catalog once, and runs resolutions and auth with a
//! [`HookTrace`] recorded. [`assert_trace_snapshot!`] pins the trace with
//! insta, so a change in what any hook returns shows up as a snapshot diff.
//! Traces are deterministic and redacted: keys appear as `"[redacted]"`.
//!
//! ```
//! use clawkit_core::{DynamicModelContext, ModelApi, ProviderPlugin, RuntimeModel, define_plugin_entry};
//! use clawkit_testkit::Harness;
//!
//! struct Acme;
//! impl ProviderPlugin for Acme {
//!     fn id(&self) -> &str { "acme-ai" }
//!     fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
//!         Some(RuntimeModel::new("acme-ai", &ctx.model_id, ModelApi::OpenAiCompletions,
//!                                "https://api.acme-ai.com/v1".parse().ok()?))
//!     }
//! }
//!
//! let harness = Harness::new(|runtime| runtime.plugin(define_plugin_entry("acme-ai", None, |api| api.register_provider(Acme))));
//! let run = harness.resolve("acme-ai/acme-beta-v3");
//! assert_eq!(run.model().id, "acme-beta-v3");
//! assert_eq!(run.trace.hooks(), ["parseModelRef", "normalizeModelId", "catalogLookup",
//!     "resolveDynamicModel", "normalizeResolvedModel", "contributeResolvedModelCompat",
//!     "normalizeTransport", "resolvedModel"]);
//! // In a test: clawkit_testkit::assert_trace_snapshot!(run.trace);
//! ```

pub mod server;

pub use server::{RecordedRequest, Script, ScriptedServer};

use clawkit_core::{
    AuthRequest, Catalog, CoreError, Env, HookTrace, ResolvedAuth, Runtime, RuntimeBuilder,
    RuntimeModel,
};

#[doc(hidden)]
pub use insta;

/// A runtime with its catalog built, for tests.
pub struct Harness {
    /// The runtime.
    pub runtime: Runtime,
    /// The merged live catalog.
    pub catalog: Catalog,
    /// The trace of building the catalog.
    pub catalog_trace: HookTrace,
}

/// The outcome of one traced pipeline step.
#[derive(Debug)]
pub struct Run<T> {
    /// What the step returned.
    pub result: Result<T, CoreError>,
    /// Every hook it called.
    pub trace: HookTrace,
}

impl Run<RuntimeModel> {
    /// The resolved model; panics with the error otherwise (test helper).
    #[allow(clippy::panic)]
    pub fn model(&self) -> &RuntimeModel {
        match &self.result {
            Ok(model) => model,
            Err(error) => panic!("resolution failed: {error}"),
        }
    }
}

impl Harness {
    /// Builds a runtime (empty environment unless `configure` sets one) and
    /// its catalog. `configure` adds plugins, config and env to the builder.
    ///
    /// Panics when the runtime cannot be built (test helper).
    #[allow(clippy::panic)]
    pub fn new(configure: impl FnOnce(RuntimeBuilder) -> RuntimeBuilder) -> Self {
        let runtime = match configure(Runtime::builder()).build() {
            Ok(runtime) => runtime,
            Err(error) => panic!("runtime could not be built: {error}"),
        };
        let mut catalog_trace = HookTrace::new();
        let catalog = futures::executor::block_on(runtime.catalog(Some(&mut catalog_trace)));
        Harness {
            runtime,
            catalog,
            catalog_trace,
        }
    }

    /// Like [`Harness::new`] with an environment.
    pub fn with_env(env: Env, configure: impl FnOnce(RuntimeBuilder) -> RuntimeBuilder) -> Self {
        Harness::new(|builder| configure(builder.env(env)))
    }

    /// Resolves `model_ref`, recording the hooks.
    pub fn resolve(&self, model_ref: &str) -> Run<RuntimeModel> {
        let mut trace = HookTrace::new();
        let result = futures::executor::block_on(self.runtime.resolve_model(
            &self.catalog,
            model_ref,
            Some(&mut trace),
        ));
        Run { result, trace }
    }

    /// Resolves the credential of `provider` from the environment, config
    /// and profiles, recording the hooks.
    pub fn resolve_auth(&self, provider: &str) -> Run<ResolvedAuth> {
        let mut trace = HookTrace::new();
        let result = self
            .runtime
            .resolve_auth(provider, &AuthRequest::default(), Some(&mut trace));
        Run { result, trace }
    }

    /// The static catalog (no credentials, no network) and its trace.
    pub fn static_catalog(&self) -> (Catalog, HookTrace) {
        let mut trace = HookTrace::new();
        let catalog = futures::executor::block_on(self.runtime.static_catalog(Some(&mut trace)));
        (catalog, trace)
    }
}

/// Runs a future to completion on the current thread (for sync tests).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}

/// Snapshots a [`HookTrace`] as JSON with insta: one entry per hook, in
/// call order, with the provider that answered and what it returned.
///
/// ```text
/// clawkit_testkit::assert_trace_snapshot!(harness.resolve("acme-ai/acme-large").trace);
/// clawkit_testkit::assert_trace_snapshot!("named", trace);
/// ```
#[macro_export]
macro_rules! assert_trace_snapshot {
    ($trace:expr $(,)?) => {
        $crate::insta::assert_json_snapshot!(&$trace)
    };
    ($name:expr, $trace:expr $(,)?) => {
        $crate::insta::assert_json_snapshot!($name, &$trace)
    };
}
