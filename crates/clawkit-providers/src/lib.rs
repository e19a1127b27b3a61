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
//! The hosted providers' static catalogs are the rows of the provider
//! plugins bundled with OpenClaw ([`CATALOG_TAKEN_FROM`]): model ids,
//! context windows, output limits, prices and each model's thinking
//! profile (the `/think` levels it takes, and its default). Where that
//! catalog states no price, a model clawkit listed before keeps its
//! vendor's price of [`PRICES_TAKEN_ON`]. A model id the catalog does not
//! list still resolves, with the provider's API. The local ones list what
//! the server reports, with a short timeout and a fallback, and resolve
//! any model id.
//!
//! ```
//! use clawkit_core::{Env, Runtime, ThinkingLevel};
//!
//! let mut builder = Runtime::builder().env(Env::new().with("ANTHROPIC_API_KEY", "sk-ant-test"));
//! for plugin in clawkit_providers::builtin_plugins()? {
//!     builder = builder.plugin(plugin);
//! }
//! let runtime = builder.build()?;
//! let catalog = clawkit_testkit::block_on(runtime.catalog(None));
//! let model = clawkit_testkit::block_on(runtime.resolve_model(&catalog, "anthropic/claude-sonnet-5", None))?;
//! assert_eq!((model.context_window, model.max_tokens), (1_000_000, 128_000));
//! let profile = runtime.thinking_profile("anthropic", "claude-sonnet-5", Some(true), None).unwrap();
//! assert_eq!(profile.default_level, Some(ThinkingLevel::High));
//! assert!(profile.offers(ThinkingLevel::Max));
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
pub use rows::{CATALOG_TAKEN_FROM, PRICES_TAKEN_ON};

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
