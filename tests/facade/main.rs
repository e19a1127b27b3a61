//! Workspace-level tests of the `clawkit` facade.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use clawkit::prelude::*;

#[test]
fn the_prelude_checks_the_example_plugin() {
    // The crate's folder is the plugin's source, not its package: the
    // package (with the `index.js` its package.json names) is what
    // `clawkit pack` writes, and that is checked with `publish(true)` in the
    // CLI's pack tests.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/acme-ai");
    let check = check_plugin(path, &CheckOptions::new()).unwrap();
    assert!(check.is_valid(), "{}", check.diagnostics.render(false));
    let manifest: &PluginManifest = check.manifest.as_ref().unwrap();
    assert_eq!(manifest.providers, ["acme-ai"]);
}

#[test]
fn errors_are_reachable_through_the_facade() {
    let report = PluginManifest::parse(b"[]", "openclaw.plugin.json");
    let error: ManifestError = report.into_result("openclaw.plugin.json").unwrap_err();
    let diagnostics: &Diagnostics = error.diagnostics().unwrap();
    assert_eq!(diagnostics[0].severity, Severity::Error);
    assert_eq!(diagnostics[0].message, "plugin manifest must be an object");
    assert_eq!(
        clawkit::manifest::MANIFEST_FILE_NAME,
        "openclaw.plugin.json"
    );
}
