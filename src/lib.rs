//! clawkit: write LLM provider plugins for OpenClaw in Rust.
//!
//! This facade re-exports the clawkit crates under one name and offers a
//! [`prelude`]. Today it holds the manifest layer: reading and checking
//! `openclaw.plugin.json` and the `package.json` `openclaw` block exactly as
//! OpenClaw loads them, with diagnostics a plugin author can act on.
//!
//! ```
//! use clawkit::prelude::*;
//!
//! let source = br#"{
//!   "id": "acme-ai",
//!   "providers": ["acme-ai"],
//!   "providerAuthEnvVars": { "acme-ai": ["ACME_AI_API_KEY"] },
//!   "configSchema": { "type": "object", "additionalProperties": false }
//! }"#;
//! let report = PluginManifest::parse(source, "openclaw.plugin.json");
//! assert!(report.is_valid());
//! let manifest = report.value().unwrap();
//! assert_eq!(manifest.auth_env_vars("acme-ai"), ["ACME_AI_API_KEY"]);
//! ```

pub use clawkit_manifest as manifest;

/// The types most plugin code needs, in one import.
pub mod prelude {
    pub use clawkit_manifest::{
        CheckOptions, ConfigValidator, Diagnostic, Diagnostics, ManifestError, PackageManifest,
        PluginCheck, PluginManifest, Severity, check_plugin,
    };
}
