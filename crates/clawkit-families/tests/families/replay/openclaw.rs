//! OpenClaw's transcript JSON (`tests/data/parity/histories/`) ↔ clawkit
//! messages: the parity data's files here, the conversion in the parity
//! example (`examples/parity/openclaw.rs`), shared.
//!
//! The conversion keeps what clawkit's message model holds: roles, text,
//! thinking with its `thinkingSignature` (a `redacted_thinking` block is
//! empty thinking signed with its `data`), tool calls with their camelCase
//! `thoughtSignature`, results, `stopReason`. Timestamps, usage, result
//! details and snake-case `thought_signature` have no place in it and are
//! left out, on both sides of a comparison.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The parity data folder.
pub fn parity_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/parity")
}

/// A JSON file of the parity data.
pub fn read_json(relative: &str) -> Value {
    let path = parity_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Replaces every `{"$file": path}` with that file's content.
pub fn resolve_files(value: &Value) -> Value {
    match value {
        Value::Object(map) if map.len() == 1 && map.contains_key("$file") => {
            resolve_files(&read_json(map["$file"].as_str().unwrap()))
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), resolve_files(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(resolve_files).collect()),
        other => other.clone(),
    }
}

#[path = "../../../examples/parity/openclaw.rs"]
mod convert;

pub use convert::{messages, to_openclaw};
