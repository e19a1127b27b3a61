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
