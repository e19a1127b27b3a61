//! `package.json` and the `openclaw` block.

use clawkit_manifest::{PackageManifest, PluginManifest};

use crate::lines;

fn manifest() -> PluginManifest {
    PluginManifest::parse(
        br#"{"id": "acme-ai", "providers": ["acme-ai"], "configSchema": {}}"#,
        "openclaw.plugin.json",
    )
    .value()
    .cloned()
    .unwrap()
}

fn check(source: &str, publish: bool) -> String {
    let report = PackageManifest::parse(
        source.as_bytes(),
        "package.json",
        Some(&manifest()),
        publish,
    );
    lines(report.diagnostics())
}

const GUIDE: &str = include_str!("../../../../examples/acme-ai/package.json");

#[test]
fn the_guide_package_is_clean_even_for_publication() {
    assert_eq!(check(GUIDE, true), "");
}

#[test]
fn publication_requirements_are_warnings_then_errors_with_publish() {
    let source = r#"{
  "name": "@acme/openclaw-acme-ai",
  "openclaw": {
    "extensions": ["./index.ts"],
    "compat": {"pluginApi": ">=2026.3.24"}
  }
}"#;
    insta::assert_snapshot!("publication_warnings", check(source, false));
    insta::assert_snapshot!("publication_errors", check(source, true));
}

#[test]
fn versions_must_be_semver() {
    let source = r#"{
  "name": "@acme/openclaw-acme-ai",
  "version": "1.0",
  "openclaw": {
    "extensions": ["./index.ts"],
    "compat": {"pluginApi": "at least 2026", "minGatewayVersion": "2026.03.24"},
    "build": {"openclawVersion": "2026.3.24-beta.2", "pluginSdkVersion": "latest", "bundledDist": true}
  }
}"#;
    insta::assert_snapshot!(check(source, false));
}

#[test]
fn built_versions_must_satisfy_the_compat_floors() {
    let source = r#"{
  "name": "@acme/openclaw-acme-ai",
  "version": "1.0.0",
  "openclaw": {
    "extensions": ["./index.ts"],
    "compat": {"pluginApi": ">=2026.4.0", "minGatewayVersion": "2026.4.0"},
    "build": {"openclawVersion": "2026.3.24", "pluginSdkVersion": "2026.3.24"}
  }
}"#;
    insta::assert_snapshot!(check(source, false));
}

#[test]
fn entry_points_stay_inside_the_package() {
    let source = r#"{
  "name": "@acme/openclaw-acme-ai",
  "version": "1.0.0",
  "openclaw": {
    "extensions": ["./index.ts", "../elsewhere/index.ts", "/abs/index.js", 3],
    "runtimeSetupEntry": "./dist/setup.js",
    "providers": ["acme-ai", "acme-cloud"],
    "compat": {"pluginApi": ">=2026.3.24", "minGatewayVersion": "2026.3.24"},
    "build": {"openclawVersion": "2026.3.24", "pluginSdkVersion": "2026.3.24"}
  }
}"#;
    insta::assert_snapshot!(check(source, false));
}

#[test]
fn a_package_without_an_openclaw_block_cannot_be_loaded() {
    insta::assert_snapshot!(check(r#"{"name": "x", "version": "1.0.0"}"#, false), @"error[openclaw] 1:1 (document) — package.json missing openclaw.extensions");
}

#[test]
fn json5_in_package_json_is_flagged_for_npm() {
    let source = GUIDE.replacen(
        "\"version\": \"1.0.0\",",
        "// comment\n  \"version\": \"1.0.0\",",
        1,
    );
    insta::assert_snapshot!(check(&source, false), @"warning 1:1 (document) — package.json uses JSON5 syntax (comments, trailing commas, …); npm needs strict JSON");
}

#[test]
fn unmodelled_package_fields_are_kept() {
    let report = PackageManifest::parse(GUIDE.as_bytes(), "package.json", None, false);
    let package = report.value().unwrap();
    assert_eq!(package.extra["type"], "module");
    let block = package.openclaw.as_ref().unwrap();
    assert_eq!(block.extra["providers"], serde_json::json!(["acme-ai"]));
    let written = serde_json::to_value(package).unwrap();
    let original: serde_json::Value = serde_json::from_str(GUIDE).unwrap();
    assert_eq!(written, original);
}
