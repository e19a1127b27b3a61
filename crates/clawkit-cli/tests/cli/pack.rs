//! `clawkit pack`: the OpenClaw plugin package, its checks and its usage
//! errors. (The package running inside the real OpenClaw is
//! `scripts/openclaw-e2e.sh`.)

use serde_json::Value;

use crate::{clawkit, stderr, stdout, temp_dir};

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn with_several_plugins_the_first_is_packed_and_the_others_named() {
    let dir = temp_dir("pack-first");
    let out = dir.join("package");
    let output = clawkit(&["pack", "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("several plugins (acme-ai, custom-runtime): packing the first, acme-ai"),
        "{err}"
    );
    assert_eq!(
        read_json(&out.join("openclaw.plugin.json"))["id"],
        "acme-ai"
    );

    let output = clawkit(&[
        "pack",
        "--plugin-id",
        "nope",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("no plugin \"nope\" here (this command line has: acme-ai, custom-runtime)")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn acme_ai_packs_into_a_package_openclaw_loads() {
    let dir = temp_dir("pack-acme");
    let out = dir.join("acme-ai-package");
    let output = clawkit(&[
        "pack",
        "--plugin-id",
        "acme-ai",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let said = stdout(&output);
    assert!(said.starts_with("packed acme-ai into "), "{said}");
    assert!(said.contains("openclaw plugins install "), "{said}");

    // package.json names a real entry; the manifest is the plugin's.
    let package = read_json(&out.join("package.json"));
    assert_eq!(
        package["openclaw"]["extensions"],
        serde_json::json!(["./index.js"])
    );
    assert_eq!(package["type"], "module");
    assert!(out.join("index.js").is_file());
    let manifest = read_json(&out.join("openclaw.plugin.json"));
    assert_eq!(manifest["id"], "acme-ai");
    assert_eq!(manifest["providers"], serde_json::json!(["acme-ai"]));
    // The sidecar is this very binary.
    let sidecar = out.join("bin").join("clawkit");
    assert_eq!(
        std::fs::metadata(&sidecar).unwrap().len(),
        std::fs::metadata(env!("CARGO_BIN_EXE_clawkit"))
            .unwrap()
            .len()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&sidecar).unwrap().permissions().mode() & 0o111,
            0o111
        );
    }
    // What index.js registers: reviewed as a snapshot.
    insta::assert_json_snapshot!(
        "pack-acme-ai-data",
        read_json(&out.join("clawkit-plugin.json"))
    );

    // OpenClaw would load it, and its entry exists.
    let checked = clawkit(&[
        "manifest",
        "check",
        out.to_str().unwrap(),
        "--publish",
        "--json",
    ]);
    let report: Value = serde_json::from_str(&stdout(&checked)).unwrap();
    assert_eq!(
        (report["valid"].clone(), report["loads"].clone()),
        (Value::Bool(true), Value::Bool(true)),
        "{report}"
    );

    // Packing again replaces the earlier package.
    let again = clawkit(&[
        "pack",
        "--plugin-id",
        "acme-ai",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_that_is_not_an_earlier_package_is_left_alone() {
    let dir = temp_dir("pack-taken");
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let output = clawkit(&[
        "pack",
        "--plugin-id",
        "acme-ai",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("is not an earlier package of \"acme-ai\""),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".clawkit-pack-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging folder left: {leftovers:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
