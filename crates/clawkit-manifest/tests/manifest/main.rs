//! Integration tests of clawkit-manifest: one binary, one module per concern.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod config;
mod corpus;
mod edge_cases;
mod openclaw_parity;
mod package;
mod plugin_folder;
mod properties;
mod roundtrip;
mod schema;

use clawkit_manifest::Diagnostics;

/// One line per diagnostic: `severity line:column pointer message`, the
/// severity of OpenClaw's own errors written `error[openclaw]`.
pub(crate) fn lines(diagnostics: &Diagnostics) -> String {
    diagnostics
        .iter()
        .map(|d| {
            let pointer = if d.pointer.is_empty() {
                "(document)"
            } else {
                &d.pointer
            };
            let severity = if d.is_openclaw() {
                format!("{}[openclaw]", d.severity)
            } else {
                d.severity.to_string()
            };
            format!(
                "{severity} {}:{} {} — {}",
                d.line, d.column, pointer, d.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A fresh, empty folder under Cargo's per-test temporary directory.
pub(crate) fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("manifest-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
