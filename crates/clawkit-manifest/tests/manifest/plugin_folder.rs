//! `check_plugin` on real folders and files.

use std::fs;

use clawkit_manifest::{CheckOptions, ManifestError, PluginManifest, check_plugin};

use crate::{lines, temp_dir};

const MANIFEST: &str = include_str!("../../../../examples/acme-ai/openclaw.plugin.json");
const PACKAGE: &str = include_str!("../../../../examples/acme-ai/package.json");

fn relative(text: String, dir: &std::path::Path) -> String {
    text.replace(&dir.display().to_string(), "<dir>")
}

#[test]
fn the_example_folder_is_valid() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/acme-ai");
    let check = check_plugin(path, &CheckOptions::new().publish(true)).unwrap();
    assert!(check.is_valid(), "{}", check.diagnostics.render(false));
    assert!(check.diagnostics.is_empty());
    assert_eq!(check.manifest.unwrap().id, "acme-ai");
    assert!(check.package.is_some());
}

#[test]
fn a_folder_without_a_manifest_is_invalid() {
    let dir = temp_dir("no-manifest");
    let check = check_plugin(&dir, &CheckOptions::new()).unwrap();
    assert!(!check.is_valid());
    insta::assert_snapshot!(relative(lines(&check.diagnostics), &dir), @"error 1:1 (document) — plugin manifest not found: <dir>/openclaw.plugin.json");
}

#[test]
fn a_path_that_does_not_exist_is_an_error() {
    let dir = temp_dir("missing-path");
    let error = check_plugin(dir.join("nope"), &CheckOptions::new()).unwrap_err();
    assert!(matches!(error, ManifestError::NotFound { .. }), "{error:?}");
}

#[test]
fn a_manifest_file_path_finds_the_package_beside_it() {
    let dir = temp_dir("file-path");
    let file = dir.join("custom-name.json");
    fs::write(&file, MANIFEST).unwrap();
    fs::write(
        dir.join("package.json"),
        PACKAGE.replace("\"1.0.0\"", "\"one\""),
    )
    .unwrap();
    let check = check_plugin(&file, &CheckOptions::new()).unwrap();
    assert!(check.is_valid());
    insta::assert_snapshot!(relative(lines(&check.diagnostics), &dir), @r#"warning 3:14 /version — "one" is not a semver version, which npm requires: unexpected character 'o' while parsing major version number"#);
}

#[test]
fn publish_mode_requires_a_package() {
    let dir = temp_dir("publish-no-package");
    fs::write(dir.join("openclaw.plugin.json"), MANIFEST).unwrap();
    assert!(check_plugin(&dir, &CheckOptions::new()).unwrap().is_valid());
    let check = check_plugin(&dir, &CheckOptions::new().publish(true)).unwrap();
    assert!(!check.is_valid());
    insta::assert_snapshot!(relative(lines(&check.diagnostics), &dir), @"error 1:1 (document) — ClawHub publication requires a package.json with an openclaw block");
}

#[test]
fn a_huge_manifest_file_is_not_read_whole() {
    let dir = temp_dir("huge");
    let mut text = String::from(r#"{"id": "acme-ai", "configSchema": {}, "pad": ""#);
    text.push_str(&"a".repeat(10 * 1024 * 1024));
    text.push_str("\"}");
    fs::write(dir.join("openclaw.plugin.json"), text).unwrap();
    let check = check_plugin(&dir, &CheckOptions::new()).unwrap();
    insta::assert_snapshot!(relative(lines(&check.diagnostics), &dir), @"error 1:1 (document) — plugin manifest is larger than 256 KiB (262144 bytes); OpenClaw refuses to read it");
    let error = PluginManifest::load(&dir).unwrap_err();
    assert!(error.to_string().contains("larger than 256 KiB"), "{error}");
}

#[test]
fn load_returns_the_manifest_or_every_error() {
    let dir = temp_dir("load");
    fs::write(dir.join("openclaw.plugin.json"), MANIFEST).unwrap();
    assert_eq!(PluginManifest::load(&dir).unwrap().id, "acme-ai");
    fs::write(dir.join("openclaw.plugin.json"), r#"{"providers": 1}"#).unwrap();
    let error = PluginManifest::load(&dir).unwrap_err();
    assert_eq!(error.diagnostics().unwrap().errors().count(), 2);
    insta::assert_snapshot!(relative(error.to_string(), &dir), @"<dir>/openclaw.plugin.json is invalid: plugin manifest requires id (at 1:1) and 1 more errors");
}
