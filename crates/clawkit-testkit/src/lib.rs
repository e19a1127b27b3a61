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
//!
//! # Streaming a whole turn
//!
//! [`Harness::stream`] runs one turn ([`Runtime::stream`]) through your
//! plugin against a local [`ScriptedServer`] and hands back every event,
//! the requests the server received, the trace and the report
//! ([`Streamed`]). The server answers a [`Recorded`] stream (real
//! recordings of each wire api, shipped with this crate: text, tool calls,
//! reasoning, an error status, an error inside a 200 stream) or your own
//! [`Script`]s. The runtime needs transports: give it
//! `clawkit_http::BuiltinTransports` (a dev-dependency of your plugin) in
//! the configure closure. The key sent is the one the harness environment
//! gives.
//!
//! Build the transports' client with `.with_system_proxy(false)`: the
//! scripted servers listen on 127.0.0.1, and with the system proxy on
//! (the default, from `HTTPS_PROXY` and friends) the test's traffic, key
//! included, would go to the proxy instead.
//!
//! ```text
//! let config = HttpConfig::default().with_system_proxy(false);
//! let transports = BuiltinTransports::new(HttpClient::with_config(config).unwrap());
//! let harness = Harness::with_env(Env::new().with("ACME_AI_API_KEY", "sk-test"), |runtime| {
//!     runtime.plugin(acme_ai::plugin().unwrap()).transports(transports)
//! });
//! let streamed = harness.stream_prompt("acme-ai/acme-large", "hi", Recorded::Text);
//! assert!(matches!(streamed.terminal(), Some(StreamEvent::Done { .. })));
//! assert_eq!(streamed.request().unwrap().path, "/v1/chat/completions");
//! ```
//!
//! [`Conformance`] runs the checks every provider should pass in one test:
//! one terminal event of the right kind whatever fails (a dropped
//! connection, a stall, 4xx and 5xx answers, an error inside a 200 stream,
//! a cancellation), the provider's own and not the runtime's stand-in for
//! a missing one; usage and prices, complete tool calls, a key that
//! reaches the server and nothing else, and a manifest that agrees with
//! the registrations. [`Conformance::run`] also fails when a core check
//! ([`CORE_CHECKS`]) was skipped, unless the test allows it.
//!
//! # Async
//!
//! Nothing here needs an async runtime from you. [`Harness`] methods and
//! [`Conformance::check`] are plain functions: each runs its async work on a
//! thread of its own with a current-thread Tokio runtime (I/O and timers
//! on) and waits for it. So they work from a `#[test]` and from inside a
//! `#[tokio::test]` of either flavor (no runtime is nested), and catalogs,
//! hooks and transports may use Tokio I/O. Build a [`ScriptedServer`]
//! yourself only in async tests ([`ScriptedServer::start`] needs a Tokio
//! runtime). [`block_on`] runs a future that needs no reactor, such as a
//! hook called directly.

pub mod conformance;
mod exec;
pub mod recorded;
pub mod server;
mod stream;

pub use conformance::{CANARY, CORE_CHECKS, Check, Conformance, Outcome, Report};
pub use recorded::{Recorded, Recording};
pub use server::{RecordedRequest, Script, ScriptedServer, refused_url};
pub use stream::{Reply, STREAM_DEADLINE, Streamed, ToolCall};

use clawkit_core::{
    AuthRequest, Catalog, CoreError, Env, HookTrace, ResolvedAuth, Runtime, RuntimeBuilder,
    RuntimeModel, TurnRequest,
};

use crate::exec::on_own_runtime;
use crate::stream::{Control, drive, with_catalog};

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
    /// The catalog is built on a thread of its own with a Tokio runtime, so
    /// a catalog hook may do Tokio I/O, and this works inside
    /// `#[tokio::test]` too.
    ///
    /// Panics when the runtime cannot be built (test helper).
    #[allow(clippy::panic)]
    pub fn new(configure: impl FnOnce(RuntimeBuilder) -> RuntimeBuilder) -> Self {
        match Harness::build(configure) {
            Ok(harness) => harness,
            Err(error) => panic!("runtime could not be built: {error}"),
        }
    }

    /// [`Harness::new`] without the panic.
    pub(crate) fn build(
        configure: impl FnOnce(RuntimeBuilder) -> RuntimeBuilder,
    ) -> Result<Self, CoreError> {
        let runtime = configure(Runtime::builder()).build()?;
        let (catalog, catalog_trace) = on_own_runtime(|| async {
            let mut trace = HookTrace::new();
            let catalog = runtime.catalog(Some(&mut trace)).await;
            (catalog, trace)
        });
        Ok(Harness {
            runtime,
            catalog,
            catalog_trace,
        })
    }

    /// Like [`Harness::new`] with an environment.
    pub fn with_env(env: Env, configure: impl FnOnce(RuntimeBuilder) -> RuntimeBuilder) -> Self {
        Harness::new(|builder| configure(builder.env(env)))
    }

    /// Resolves `model_ref`, recording the hooks.
    pub fn resolve(&self, model_ref: &str) -> Run<RuntimeModel> {
        on_own_runtime(|| async {
            let mut trace = HookTrace::new();
            let result = self
                .runtime
                .resolve_model(&self.catalog, model_ref, Some(&mut trace))
                .await;
            Run { result, trace }
        })
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
        on_own_runtime(|| async {
            let mut trace = HookTrace::new();
            let catalog = self.runtime.static_catalog(Some(&mut trace)).await;
            (catalog, trace)
        })
    }

    /// Runs one whole turn ([`Runtime::stream`]) against a [`ScriptedServer`]
    /// answering `reply`, and collects everything it produced.
    ///
    /// The request goes to the server: its base URL becomes the server's
    /// address with the path of the resolved model's base URL (so
    /// `https://api.acme-ai.com/v1` becomes `http://127.0.0.1:<port>/v1` and
    /// the transport appends its own path, `/chat/completions`, as in
    /// production). A base URL set on `request` is replaced, and one a
    /// `prepareRuntimeAuth` credential would set is overridden (the
    /// caller's wins). The turn uses the harness catalog, records its trace
    /// into [`Streamed::trace`], and sends the credential the harness
    /// environment gives ([`Harness::with_env`]). A [`Recorded`] reply picks
    /// the recording of the resolved model's api.
    ///
    /// Synchronous, usable from `#[test]` and from inside `#[tokio::test]`:
    /// the turn runs on a thread of its own with its own Tokio runtime. It
    /// waits at most [`STREAM_DEADLINE`] for the last event.
    ///
    /// Panics when the server cannot start, or when `reply` is a
    /// [`Recorded`] kind the testkit has no recording of for the model's
    /// api (test helper).
    #[allow(clippy::panic)]
    pub fn stream(&self, request: TurnRequest, reply: impl Into<Reply>) -> Streamed {
        let resolved = self.resolve(request.model());
        let base_path = match &resolved.result {
            Ok(model) => model.base_url.path().to_owned(),
            Err(_) => "/".to_owned(),
        };
        let scripts = match (reply.into(), resolved.result) {
            (Reply::Scripts(scripts), _) => scripts,
            (Reply::Recorded(_), Err(error)) => {
                return Streamed::not_started(error, resolved.trace);
            }
            (Reply::Recorded(kind), Ok(model)) => match kind.script(&model.api) {
                Some(script) => vec![script],
                None => panic!(
                    "clawkit-testkit has no {kind:?} recording for the api {}",
                    model.api
                ),
            },
        };
        let request = with_catalog(request, &self.catalog);
        let driven = on_own_runtime(|| async {
            drive(
                &self.runtime,
                request,
                scripts,
                &base_path,
                &Control::default(),
            )
            .await
        });
        match driven {
            Ok(driven) => driven.streamed,
            Err(error) => panic!("{error}"),
        }
    }

    /// [`Harness::stream`] of a one-message prompt: the common case in one line.
    ///
    /// ```text
    /// let streamed = harness.stream_prompt("acme-ai/acme-large", "hi", Recorded::Text);
    /// assert_eq!(streamed.text(), Recorded::Text.recording(&ModelApi::OpenAiCompletions).unwrap().text());
    /// ```
    pub fn stream_prompt(
        &self,
        model_ref: &str,
        prompt: &str,
        reply: impl Into<Reply>,
    ) -> Streamed {
        self.stream(TurnRequest::prompt(model_ref, prompt), reply)
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
