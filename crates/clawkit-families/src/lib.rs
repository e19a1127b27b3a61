//! OpenClaw's provider families, for clawkit providers.
//!
//! A family is a reusable rule set that a provider installs in one line, so
//! that no plugin author rewrites Gemini's schema cleaning or Anthropic's
//! turn rules. OpenClaw's plugin SDK exports three kinds, and so does this
//! crate:
//!
//! - [`replay`]: the transcript policy a provider's `buildReplayPolicy`
//!   returns, and the family's `sanitizeReplayHistory` /
//!   `resolveReasoningOutputMode` where it has them
//!   (`buildProviderReplayFamilyHooks`);
//! - [`stream`]: `wrapStreamFn` layers (thinking payloads, attribution
//!   headers, fast mode, …) and their composition in OpenClaw's order
//!   (`buildProviderStreamFamilyHooks`, `composeProviderStreamWrappers`);
//! - [`tools`]: tool-schema normalization and inspection per wire
//!   (`normalizeToolSchemas` / `inspectToolSchemas`,
//!   `buildProviderToolCompatFamilyHooks`), each change reported path by
//!   path;
//!
//! and [`usage_compat`], the native streaming-usage compat of a provider
//! config. The reference is OpenClaw 2026.9.6.
//!
//! A Gemini-style provider with all three, one line per hook:
//!
//! ```
//! use clawkit_core::prelude::*;
//! use clawkit_core::{ModelContext, ReplayPolicy, Tool, ToolSchemaContext};
//! use clawkit_families::replay::{ReplayFamily, ReplayFamilyHooks};
//! use clawkit_families::stream::StreamFamily;
//! use clawkit_families::tools::ToolCompatFamily;
//!
//! struct Gemini;
//!
//! impl ProviderHooks for Gemini {
//!     fn build_replay_policy(&self, ctx: &ModelContext) -> Option<ReplayPolicy> {
//!         ReplayFamilyHooks::new(ReplayFamily::GoogleGemini).build_replay_policy(ctx)
//!     }
//!     fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
//!         StreamFamily::GoogleThinking.wrap(ctx)
//!     }
//!     fn normalize_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<Tool>> {
//!         ToolCompatFamily::Gemini.hooks().normalize_tool_schemas(ctx)
//!     }
//! }
//!
//! let provider = SingleProviderPluginEntry::builder("gemini-like").hooks(Gemini).build().provider();
//! let model = ModelContext::new("gemini-like", "gemini-2.5-pro", Some(ModelApi::GoogleGenerativeAi));
//! let tool = Tool::new("lookup", "", serde_json::json!({"type": "object", "properties": {"k": {"const": "x"}}}));
//! let tools = provider.normalize_tool_schemas(&ToolSchemaContext::new(model.clone(), vec![tool]));
//! assert_eq!(tools.unwrap()[0].parameters["properties"]["k"]["enum"], serde_json::json!(["x"]));
//! assert_eq!(provider.build_replay_policy(&model).and_then(|p| p.validate_gemini_turns), Some(true));
//! ```

// The parity example's shared dispatch names this crate by its name, also
// when the stream parity test includes it.
#[cfg(test)]
extern crate self as clawkit_families;

pub mod error;
#[cfg(test)]
mod parity;
pub mod replay;
pub mod stream;
pub mod tools;
pub mod usage_compat;

pub use error::FamiliesError;
