//! Any bytes given to the manifest reader produce diagnostics, never a panic.

#![no_main]

use clawkit_manifest::PluginManifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = PluginManifest::parse(data, "fuzz.json");
    // Rendering walks every position: it must not panic either.
    let _ = report.diagnostics().render(false);
    if let Some(manifest) = report.value() {
        let _ = clawkit_manifest::ConfigValidator::new(manifest);
    }
});
