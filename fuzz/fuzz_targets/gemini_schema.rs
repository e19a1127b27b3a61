//! Any JSON given to the Gemini tool-schema cleaner is cleaned without a
//! panic, and the in-place cleaner agrees with the borrowing one.

#![no_main]

use clawkit_families::tools::gemini;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(schema) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let borrowed = gemini::normalize(&schema);
    let owned = gemini::normalize_owned(schema);
    assert_eq!(borrowed.schema, owned.schema);
    assert_eq!(borrowed.changes.len(), owned.changes.len());
});
