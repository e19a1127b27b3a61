//! clawkit: write LLM provider plugins for OpenClaw in Rust.
//!
//! This facade re-exports the clawkit crates under one name and offers a
//! [`prelude`]:
//!
//! - [`core`]: the provider contract ([`core::ProviderPlugin`] and its
//!   hooks), plugin entries, the [`core::Runtime`] that merges catalogs,
//!   resolves models and credentials, and records hook traces;
//! - [`families`]: OpenClaw's replay, stream and tool-compat families, each
//!   installed by a provider in one line;
//! - [`http`]: the HTTP client and the streaming transports for the
//!   `openai-completions`, `openai-responses`, `anthropic-messages` and
//!   `google-generative-ai` APIs, normalized into [`core::StreamEvent`]s;
//! - [`providers`]: the built-in providers (OpenAI, Anthropic, Gemini,
//!   Ollama, any OpenAI-compatible server);
//! - [`manifest`]: reading and checking `openclaw.plugin.json` and the
//!   `package.json` `openclaw` block exactly as OpenClaw loads them.
//!
//! ```
//! use clawkit::prelude::*;
//!
//! let manifest = PluginManifest::parse(br#"{
//!   "id": "acme-ai",
//!   "providers": ["acme-ai"],
//!   "providerAuthEnvVars": { "acme-ai": ["ACME_AI_API_KEY"] },
//!   "configSchema": { "type": "object", "additionalProperties": false }
//! }"#, "openclaw.plugin.json").into_result("openclaw.plugin.json")?;
//!
//! let acme = SingleProviderPluginEntry::builder("acme-ai")
//!     .manifest(manifest)
//!     .build_provider(|| Ok(ProviderConfig::new("https://api.acme-ai.com/v1".parse()?, ModelApi::OpenAiCompletions)
//!         .with_model(ModelDefinition::new("acme-large").with_limits(200_000, 32_768))))
//!     .build();
//! let runtime = Runtime::builder().plugin(acme).env(Env::new().with("ACME_AI_API_KEY", "sk-test")).build()?;
//! let model = futures::executor::block_on(async {
//!     let catalog = runtime.catalog(None).await;
//!     runtime.resolve_model(&catalog, "acme-ai/acme-large", None).await
//! })?;
//! assert_eq!(model.max_tokens, 32_768);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use clawkit_core as core;
pub use clawkit_families as families;
pub use clawkit_http as http;
pub use clawkit_manifest as manifest;
pub use clawkit_providers as providers;

/// The types most plugin code needs, in one import.
pub mod prelude {
    pub use clawkit_core::prelude::*;
    pub use clawkit_http::{
        BuiltinTransports, HttpClient, HttpConfig, HttpError, RetryPolicy, transport_for,
    };
    pub use clawkit_manifest::{
        CheckOptions, ConfigValidator, Diagnostic, DiagnosticSource, Diagnostics, ManifestError,
        PackageManifest, PluginCheck, PluginManifest, Severity, check_plugin,
    };
}

/// The guide `docs/transports.md`, compiled as doctests so its examples keep
/// working.
#[cfg(doctest)]
#[doc = include_str!("../docs/transports.md")]
pub struct TransportsGuide;

/// The guide `docs/writing-a-provider.md`, compiled as doctests against the
/// `zeta-ai` example it builds.
#[cfg(doctest)]
#[doc = include_str!("../docs/writing-a-provider.md")]
pub struct WritingAProviderGuide;

/// `README.md`, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct Readme;

/// The guide `docs/testing.md`, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/testing.md")]
pub struct TestingGuide;
