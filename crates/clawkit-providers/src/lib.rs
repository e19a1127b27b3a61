//! The built-in clawkit providers, each a normal plugin with its own
//! `openclaw.plugin.json` (under `plugins/<id>/`):
//!
//! - [`openai`] (`OPENAI_API_KEY`; Responses and Chat Completions),
//! - [`anthropic`] (`ANTHROPIC_API_KEY`),
//! - [`google`] (`GEMINI_API_KEY` or `GOOGLE_API_KEY`),
//! - [`ollama`] (a local Ollama server, no key needed; its pulled models are
//!   listed live from `/api/tags`),
//! - [`openai_compatible`] (`openai-compatible`: any OpenAI-compatible
//!   server such as vLLM, llama.cpp, LM Studio or a gateway; base URL from
//!   the config or `OPENAI_COMPATIBLE_BASE_URL`, optional
//!   `OPENAI_COMPATIBLE_API_KEY`).
//!
//! [`ManifestOnlyPlugin`] adds the providers a plugin declares only in its
//! manifest's `modelCatalog` (rows with an `api` and a `baseUrl`), served by
//! the built-in transports with the keys its `providerAuthEnvVars` name.
//!
//! [`Backends`] makes every registered provider (and any custom
//! [`LlmBackend`]) usable by name through `chat`, `chat_stream`, `embed`
//! and `health`, for applications that never touch hooks.
//!
//! The hosted providers' static catalogs carry the context windows, output
//! limits and prices the vendors published on [`PRICES_TAKEN_ON`]; a model
//! id the catalog does not list still resolves, with the provider's API.
//! The local ones list what the server reports, with a short timeout and a
//! fallback, and resolve any model id.
//!
//! ```
//! use clawkit_core::{Env, Runtime};
//!
//! let mut builder = Runtime::builder().env(Env::new().with("ANTHROPIC_API_KEY", "sk-ant-test"));
//! for plugin in clawkit_providers::builtin_plugins()? {
//!     builder = builder.plugin(plugin);
//! }
//! let runtime = builder.build()?;
//! let catalog = clawkit_testkit::block_on(runtime.catalog(None));
//! let model = clawkit_testkit::block_on(runtime.resolve_model(&catalog, "anthropic/claude-sonnet-4-5", None))?;
//! assert_eq!(model.context_window, 200_000);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod backend;
mod hosted;
mod manifest_only;
mod rows;

pub mod anthropic;
pub mod google;
pub mod ollama;
pub mod openai;
pub mod openai_compatible;

use clawkit_core::SingleProviderPluginEntry;
use clawkit_manifest::ManifestError;

pub use backend::{
    BackendError, Backends, ChatRequest, ChatResponse, Health, LlmBackend, ProviderBackend,
};
pub use manifest_only::{ManifestOnlyNotice, ManifestOnlyPlugin};
pub use rows::PRICES_TAKEN_ON;

/// Every built-in provider's plugin entry, in registration order.
pub fn builtin_plugins() -> Result<Vec<SingleProviderPluginEntry>, ManifestError> {
    Ok(vec![
        openai::plugin()?,
        anthropic::plugin()?,
        google::plugin()?,
        ollama::plugin()?,
        openai_compatible::plugin()?,
    ])
}
