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
    let check = check_plugin(path, &CheckOptions::new()).unwrap();
    assert!(check.is_valid(), "{}", check.diagnostics.render(false));
    assert!(check.diagnostics.is_empty());
    assert!(check.loads());
    assert_eq!(check.manifest.unwrap().id, "acme-ai");
    assert!(check.package.is_some());
}

#[test]
fn publish_finds_that_the_example_entry_does_not_exist() {
    // examples/acme-ai/package.json (the guide's) names ./index.ts, which the
    // crate's source folder does not have: its installable package is what
    // `clawkit pack` writes. `openclaw plugins validate` says exactly this.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/acme-ai");
    let check = check_plugin(path, &CheckOptions::new().publish(true)).unwrap();
    assert!(!check.is_valid());
    assert!(check.loads(), "the manifest itself loads");
    let package = format!("{path}/package.json");
    insta::assert_snapshot!(lines(&check.diagnostics).replace(&package, "package.json"), @"error[openclaw] 6:20 /openclaw/extensions/0 — plugin entry not found: ./index.ts");
    assert!(check.diagnostics.iter().all(|d| d.file == package));
}

#[test]
fn publish_checks_every_extension_entry_where_it_resolves() {
    let dir = temp_dir("publish-entries");
    fs::write(dir.join("openclaw.plugin.json"), MANIFEST).unwrap();
    fs::create_dir_all(dir.join("dist")).unwrap();
    fs::write(dir.join("dist/index.js"), "export default {};\n").unwrap();
    let package = PACKAGE.replace(
        r#""extensions": ["./index.ts"]"#,
        r#""extensions": [7, "dist/./index.js", "./src/../dist/setup.js", "dist/missing.js", "../outside.js"]"#,
    );
    fs::write(dir.join("package.json"), package).unwrap();
    let check = check_plugin(&dir, &CheckOptions::new()).unwrap();
    assert!(
        !check
            .diagnostics
            .iter()
            .any(|d| d.message.contains("plugin entry not found")),
        "only --publish looks for the files"
    );
    let check = check_plugin(&dir, &CheckOptions::new().publish(true)).unwrap();
    let found: Vec<(&str, &str)> = check
        .diagnostics
        .iter()
        .filter(|d| d.is_openclaw())
        .map(|d| (d.pointer.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "/openclaw/extensions/2",
                "plugin entry not found: ./dist/setup.js"
            ),
            (
                "/openclaw/extensions/3",
                "plugin entry not found: ./dist/missing.js"
            ),
        ]
    );
}

#[test]
fn a_folder_without_a_manifest_is_invalid() {
    let dir = temp_dir("no-manifest");
    let check = check_plugin(&dir, &CheckOptions::new()).unwrap();
    assert!(!check.is_valid());
    assert!(!check.loads());
    insta::assert_snapshot!(relative(lines(&check.diagnostics), &dir), @"error[openclaw] 1:1 (document) — plugin manifest not found: <dir>/openclaw.plugin.json");
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
    insta::assert_snapshot!(relative(lines(&check.diagnostics), &dir), @"error[openclaw] 1:1 (document) — unsafe plugin manifest path: <dir>/openclaw.plugin.json (validation); the file is larger than 256 KiB (262144 bytes)");
    let error = PluginManifest::load(&dir).unwrap_err();
    assert!(error.to_string().contains("larger than 256 KiB"), "{error}");
}

#[cfg(unix)]
#[test]
fn links_and_folders_are_refused_as_openclaw_refuses_them() {
    type Setup = fn(&std::path::Path);
    let cases: [(&str, Setup); 3] = [
        ("symlink", |dir| {
            fs::write(dir.join("real.json"), MANIFEST).unwrap();
            std::os::unix::fs::symlink("real.json", dir.join("openclaw.plugin.json")).unwrap();
        }),
        ("hardlink", |dir| {
            fs::write(dir.join("openclaw.plugin.json"), MANIFEST).unwrap();
            fs::hard_link(dir.join("openclaw.plugin.json"), dir.join("copy.json")).unwrap();
        }),
        ("folder", |dir| {
            fs::create_dir(dir.join("openclaw.plugin.json")).unwrap();
        }),
    ];
    let mut report = Vec::new();
    for (name, setup) in cases {
        let dir = temp_dir(&format!("unsafe-{name}"));
        setup(&dir);
        let check = check_plugin(&dir, &CheckOptions::new()).unwrap();
        assert!(!check.loads(), "{name}");
        report.push(relative(lines(&check.diagnostics), &dir));
        let error = PluginManifest::load(&dir).unwrap_err();
        assert!(
            error.to_string().contains("unsafe plugin manifest path"),
            "{error}"
        );
    }
    insta::assert_snapshot!(report.join("\n"), @r"
    error[openclaw] 1:1 (document) — unsafe plugin manifest path: <dir>/openclaw.plugin.json (validation); it is a symbolic link, which OpenClaw does not follow
    error[openclaw] 1:1 (document) — unsafe plugin manifest path: <dir>/openclaw.plugin.json (validation); it has 2 hard links and OpenClaw refuses a hard-linked manifest
    error[openclaw] 1:1 (document) — unsafe plugin manifest path: <dir>/openclaw.plugin.json (validation); it is not a regular file
    ");
    let dangling = temp_dir("unsafe-dangling");
    std::os::unix::fs::symlink("nowhere.json", dangling.join("openclaw.plugin.json")).unwrap();
    let check = check_plugin(&dangling, &CheckOptions::new()).unwrap();
    insta::assert_snapshot!(relative(lines(&check.diagnostics), &dangling), @"error[openclaw] 1:1 (document) — plugin manifest not found: <dir>/openclaw.plugin.json");
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
