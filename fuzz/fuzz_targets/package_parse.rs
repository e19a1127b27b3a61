//! Any bytes given to the package.json reader produce diagnostics, never a panic.

#![no_main]

use clawkit_manifest::PackageManifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = PackageManifest::parse(data, "package.json", None, true);
    let _ = report.diagnostics().render(false);
});
