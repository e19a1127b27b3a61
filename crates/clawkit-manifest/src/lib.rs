//! Read and check OpenClaw plugin manifests.
//!
//! An OpenClaw plugin declares itself in `openclaw.plugin.json` (its id,
//! config schema, providers, auth env vars and choices, model catalog, …) and
//! in the `openclaw` block of its `package.json` (entry points, host
//! compatibility, build versions). This crate reads both the way OpenClaw
//! 2026.9.6 does — JSON5, a 256 KiB cap, the same hard errors in the same
//! words, lenient normalization elsewhere — and reports every entry OpenClaw
//! would drop or ignore as a [`Diagnostic`] with file, JSON pointer, line and
//! column, instead of silence. Each diagnostic says whose rule it is
//! ([`DiagnosticSource`]): OpenClaw's own refusals, which decide whether
//! OpenClaw loads the plugin at all ([`PluginCheck::loads`]), or clawkit's
//! stricter lints. `scripts/openclaw-parity.sh` holds clawkit against
//! OpenClaw's loader; `tests/data/openclaw-parity` keeps its verdicts.
//!
//! ```
//! use clawkit_manifest::{PluginManifest, Severity};
//!
//! let source = br#"{
//!   "id": "acme-ai",
//!   "providers": ["acme-ai"],
//!   "providerAuthEnvVars": { "acme-ai": ["ACME_AI_API_KEY"] },
//!   "providerAuthChoices": [{
//!     "provider": "acme-ai", "method": "api-key", "choiceId": "acme-ai-api-key",
//!     "cliFlag": "--acme-ai-api-key", "cliOption": "--acme-ai-key <key>"
//!   }],
//!   "configSchema": { "type": "object", "additionalProperties": false }
//! }"#;
//! let report = PluginManifest::parse(source, "openclaw.plugin.json");
//! let problem = &report.diagnostics()[0];
//! assert_eq!(problem.severity, Severity::Error);
//! assert_eq!(problem.pointer, "/providerAuthChoices/0/cliOption");
//! assert_eq!((problem.line, problem.column), (7, 50));
//! assert!(problem.message.contains("but cliFlag is \"--acme-ai-api-key\""));
//!
//! let manifest = report.value().expect("the manifest loads despite the error");
//! assert_eq!(manifest.auth_env_vars("acme-ai"), ["ACME_AI_API_KEY"]);
//! ```
//!
//! To check a plugin folder (manifest and `package.json`) use
//! [`check_plugin`]; to validate a plugin's runtime config against its
//! `configSchema`, [`ConfigValidator`]; for the manifest's own JSON Schema,
//! [`manifest_json_schema`].

mod checks;
mod config;
mod diagnostic;
mod document;
mod error;
mod json5;
mod manifest;
mod model;
mod openclaw;
mod package;
mod plugin;
mod provider_id;
mod read;
mod schema;
mod source;

pub use config::ConfigValidator;
pub use diagnostic::{
    Diagnostic, DiagnosticSource, Diagnostics, MAX_DIAGNOSTICS_PER_FILE, Severity,
};
pub use document::Position;
pub use error::{ConfigViolation, ManifestError};
pub use json5::MAX_DEPTH;
pub use manifest::{MANIFEST_FILE_NAME, MAX_MANIFEST_BYTES, RESERVED_PLUGIN_IDS, Report};
pub use model::{
    AssistantVisibility, AuthAliasTarget, CatalogDiscovery, CatalogModel, CatalogProvider,
    CatalogSuppression, Contracts, Extra, ModelCatalog, ModelCost, ModelSupport, OnboardingScope,
    PluginManifest, ProviderAuthChoice, ScopedAuthAlias, Setup, SetupProvider, UiHint,
};
pub use package::{
    MAX_PACKAGE_BYTES, OpenClawPackage, PACKAGE_FILE_NAME, PackageBuild, PackageCompat,
    PackageManifest,
};
pub use plugin::{CheckOptions, PluginCheck, check_plugin};
pub use provider_id::{KNOWN_PROVIDER_IDS, is_known_provider, normalize_provider_id};
pub use read::edit_distance;
pub use schema::{manifest_json_schema, package_json_schema};
