//! The provider-plugin contract of clawkit and the pipeline that runs it.
//!
//! A provider is a value implementing [`ProviderPlugin`] — OpenClaw's
//! `registerProvider({...})` in Rust. Every hook has a default meaning "not
//! handled", so a provider implements only what it needs. A plugin entry
//! ([`PluginEntry`], or [`SingleProviderPluginEntry`] for the common case)
//! registers providers and text transforms into a [`Runtime`], which builds
//! the merged [`Catalog`], resolves `provider/model` references, resolves
//! credentials, and can record a [`HookTrace`] of every hook it called.
//! [`Runtime::stream`] runs one whole turn through every hook, stage by
//! stage, and returns the normalized [`StreamEvent`]s.
//!
//! ```
//! use clawkit_core::prelude::*;
//!
//! struct Acme;
//!
//! impl ProviderPlugin for Acme {
//!     fn id(&self) -> &str { "acme-ai" }
//!
//!     // Accept any model id the catalog does not list.
//!     fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
//!         let base = "https://api.acme-ai.com/v1".parse().ok()?;
//!         Some(RuntimeModel::new("acme-ai", &ctx.model_id, ModelApi::OpenAiCompletions, base))
//!     }
//! }
//!
//! let runtime = Runtime::builder()
//!     .plugin(define_plugin_entry("acme-ai", None, |api| api.register_provider(Acme)))
//!     .build()?;
//! let mut trace = HookTrace::new();
//! let model = futures::executor::block_on(async {
//!     let catalog = runtime.catalog(None).await;
//!     runtime.resolve_model(&catalog, "acme-ai/acme-beta-v3", Some(&mut trace)).await
//! })?;
//! assert_eq!(model.reference(), "acme-ai/acme-beta-v3");
//! assert!(trace.hooks().contains(&"resolveDynamicModel"));
//! # Ok::<(), clawkit_core::CoreError>(())
//! ```
//!
//! A whole turn needs a stream function: the transports of `clawkit_http`
//! ([`RuntimeBuilder::transports`]), or the provider's own `createStreamFn`,
//! as here (core itself does no HTTP):
//!
//! ```
//! use std::sync::Arc;
//! use clawkit_core::prelude::*;
//! use clawkit_core::{SharedStreamFn, StreamFnContext};
//! use futures::StreamExt;
//!
//! struct Echo;
//!
//! impl ProviderPlugin for Echo {
//!     fn id(&self) -> &str { "echo" }
//!     fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
//!         Some(RuntimeModel::new("echo", &ctx.model_id, ModelApi::OpenAiCompletions,
//!                                "http://127.0.0.1:9/v1".parse().ok()?))
//!     }
//!     fn create_stream_fn(&self, _ctx: &StreamFnContext) -> Option<SharedStreamFn> {
//!         Some(Arc::new(|request: StreamRequest| {
//!             let said = request.context.messages.len().to_string();
//!             futures::stream::iter([
//!                 StreamEvent::TextDelta { index: 0, text: said.into() },
//!                 StreamEvent::Done { reason: StopReason::Stop },
//!             ]).boxed()
//!         }))
//!     }
//!     fn text_transforms(&self) -> Option<TextTransforms> {
//!         Some(TextTransforms::new().output(Replacement::literal("1", "one message")))
//!     }
//! }
//!
//! let runtime = Runtime::builder()
//!     .plugin(define_plugin_entry("echo", None, |api| api.register_provider(Echo)))
//!     .build()?;
//! let events: Vec<StreamEvent> = futures::executor::block_on(async {
//!     let request = TurnRequest::prompt("echo/any", "hello").auth(AuthRequest::with_key("sk-test"));
//!     let turn = runtime.stream(request).await?;
//!     Ok::<_, CoreError>(turn.collect().await)
//! })?;
//! assert_eq!(events[0], StreamEvent::TextDelta { index: 0, text: "one message".into() });
//! assert!(events[1].is_terminal());
//! # Ok::<(), CoreError>(())
//! ```
//!
//! # Layout
//!
//! The folders follow the pipeline:
//!
//! - `plugin/`: the contract, [`ProviderPlugin`] (hooks in stage order) and the plugin entries;
//! - `hooks/`: what each hook is given and returns, one file per stage, and the stage
//!   table [`PROVIDER_HOOKS`], generated with the trait from one list (`hooks/table.rs`);
//! - `runtime/`: the engine: registration (`builder.rs`), config, catalog merge, model
//!   resolution, auth and stream-function construction, one file each; `turn/`, the
//!   one call that runs a whole turn; `host.rs`, the hooks a host calls outside a turn;
//! - `stream/`: the [`StreamFn`] contract, the terminal-event layer, [`Transports`];
//! - `replay.rs`: the history stage's fallback policies and generic rules; `output_text.rs`:
//!   output transforms over a streamed block;
//! - leaves: `catalog`, `auth` (data), `model`, `config`, `context`, `event`, `text`, `trace`,
//!   `error`, `text_transform`, `secret`, `env`, `clock`.
//!
//! The guides in `docs/` describe the hook order, dispatch rules, catalog
//! merge, auth order and testing with snapshots.

mod auth;
mod catalog;
mod clock;
mod config;
mod context;
mod env;
mod error;
mod event;
mod hooks;
pub mod json_input;
mod macros;
mod model;
mod output_text;
mod plugin;
pub mod replay;
mod runtime;
mod secret;
mod stream;
mod text;
mod text_transform;
mod trace;

pub use auth::{
    ApiKeyAuthOptions, ApiKeyAuthResult, AuthMethod, AuthMethodKind, AuthProfile, AuthSource,
    AuthStore, KeySource, LOCAL_AUTH_MARKER, ResolvedAuth, create_provider_api_key_auth_method,
    is_loopback_url,
};
pub use catalog::{Catalog, CatalogFailure, CatalogProvider, RowSource};
pub use clawkit_manifest::normalize_provider_id;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{Config, ModelsConfig};
pub use context::{ContentBlock, Context, Message, Tool};
pub use env::Env;
pub use error::{CoreError, CoreErrorKind, PluginError};
pub use event::{ErrorKind, StopReason, StreamEvent};
pub use hooks::*;
pub use model::{
    ApiKeyInput, AuthMode, CostTier, DEFAULT_CONTEXT_WINDOW, DEFAULT_MAX_TOKENS, Extra,
    FailoverReason, InputKind, MaxTokensField, ModelApi, ModelCompat, ModelCost, ModelDefinition,
    ProviderConfig, RuntimeModel, ThinkingFormat, ThinkingLevel, Usage, UsageCost,
};
pub use plugin::{
    FnPluginEntry, NoHooks, PluginApi, PluginEntry, ProviderBuilder, ProviderHooks, ProviderPlugin,
    SingleProviderBuilder, SingleProviderPluginEntry, StaticProviderBuilder, define_plugin_entry,
};
pub use replay::{
    ReplayChange, ReplayTarget, fallback_policy, finish_sanitation, fix_turn_ordering,
    sanitize_history, validate_turns,
};
pub use runtime::{
    AuthRequest, DEFAULT_CATALOG_TIMEOUT, ModelRef, PreparedStreamFn,
    RUNTIME_AUTH_REFRESH_MARGIN_MS, RegistrationDiagnostic, Runtime, RuntimeBuilder, StreamSetup,
    ThinkingDecision, ToolStage, TraceHandle, Turn, TurnReport, TurnRequest,
    generic_missing_auth_message,
};
pub use secret::{ApiKey, REDACTED};
pub use stream::{
    CacheRetention, Cancellation, Cancelled, EventStream, HeaderPrecedence, Headers,
    HeadersIntoIter, HeadersIter, PayloadPatch, SharedStreamFn, StreamFn, StreamFnExt,
    StreamOptions, StreamRequest, Terminated, Transports,
};
pub use text::Text;
pub use text_transform::{Pattern, Replacement, TextTransforms};
pub use trace::{HookTrace, TraceEntry, TraceOutcome};

/// Re-exported so plugin crates can `#[async_trait]` their impls without a
/// direct dependency.
pub use async_trait::async_trait;

/// The types a provider plugin needs, in one import.
pub mod prelude {
    pub use crate::{
        ApiKey, ApiKeyAuthOptions, AuthRequest, Catalog, CatalogContext, CatalogOrder,
        CatalogResult, Config, Context, CoreError, DynamicModelContext, Env, HeaderPrecedence,
        Headers, HookTrace, InputKind, ModelApi, ModelCost, ModelDefinition, PluginApi,
        PluginEntry, PluginError, ProviderConfig, ProviderHooks, ProviderPlugin, Replacement,
        Runtime, RuntimeModel, SharedStreamFn, SingleProviderPluginEntry, StopReason, StreamEvent,
        StreamFn, StreamFnExt, StreamOptions, StreamRequest, StreamSetup, Text, TextTransforms,
        Transports, Turn, TurnRequest, WrapStreamFnContext, async_trait, define_plugin_entry,
    };
}
