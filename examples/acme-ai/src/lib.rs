//! The Acme AI provider from OpenClaw's "Building provider plugins" guide,
//! written with clawkit.
//!
//! This crate grows with clawkit. Today it ships the guide's plugin manifest
//! (`openclaw.plugin.json`) and `package.json`, embedded at build time and
//! checked by the tests and by `clawkit manifest check examples/acme-ai`.
//!
//! ```
//! let manifest = acme_ai::manifest()?;
//! assert_eq!(manifest.id, "acme-ai");
//! assert_eq!(manifest.auth_env_vars("acme-ai"), ["ACME_AI_API_KEY"]);
//! # Ok::<(), clawkit_manifest::ManifestError>(())
//! ```

use clawkit_manifest::{ManifestError, PackageManifest, PluginManifest};

/// The plugin's `openclaw.plugin.json`, as shipped.
pub const MANIFEST_JSON: &str = include_str!("../openclaw.plugin.json");

/// The plugin's `package.json`, as shipped.
pub const PACKAGE_JSON: &str = include_str!("../package.json");

/// The provider id this plugin registers.
pub const PROVIDER_ID: &str = "acme-ai";

/// The parsed and checked plugin manifest.
pub fn manifest() -> Result<PluginManifest, ManifestError> {
    PluginManifest::parse(MANIFEST_JSON.as_bytes(), "openclaw.plugin.json")
        .into_result("openclaw.plugin.json")
}

/// The parsed and checked `package.json`, held to ClawHub's publication rules.
pub fn package() -> Result<PackageManifest, ManifestError> {
    let manifest = manifest()?;
    PackageManifest::parse(
        PACKAGE_JSON.as_bytes(),
        "package.json",
        Some(&manifest),
        true,
    )
    .into_result("package.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_manifest_is_valid_without_warnings() {
        let report = PluginManifest::parse(MANIFEST_JSON.as_bytes(), "openclaw.plugin.json");
        assert!(
            report.diagnostics().is_empty(),
            "{}",
            report.diagnostics().render(false)
        );
        let manifest = report.value().unwrap();
        assert_eq!(manifest.providers, [PROVIDER_ID]);
        assert_eq!(
            manifest.model_support.as_ref().unwrap().model_prefixes,
            ["acme-"]
        );
        assert_eq!(
            manifest.provider_auth_aliases["acme-ai-coding"].provider(),
            PROVIDER_ID
        );
        let choice = &manifest.provider_auth_choices[0];
        assert_eq!(choice.cli_flag.as_deref(), Some("--acme-ai-api-key"));
    }

    #[test]
    fn the_guide_package_is_ready_for_clawhub() {
        let package = package().unwrap();
        let block = package.openclaw.unwrap();
        assert_eq!(block.extensions, ["./index.ts"]);
        let compat = block.compat.unwrap();
        let sdk = block.build.unwrap().plugin_sdk_version.unwrap();
        assert!(compat.plugin_api.unwrap().matches(&sdk));
    }
}
