//! The parity data (`tests/data/parity/expected`: OpenClaw 2026.9.6's own
//! outputs, written by `scripts/openclaw-families-parity.sh`) as test
//! cases, for the families' parity tests.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn parity_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/parity")
}

fn read_json(path: &Path) -> Value {
    match std::fs::read_to_string(path).map(|text| serde_json::from_str(&text)) {
        Ok(Ok(value)) => value,
        other => unreachable!("{}: {other:?}", path.display()),
    }
}

/// Replaces every `{"$file": path}` by the parsed file.
fn resolve_files(value: &mut Value) {
    if let Some(file) = value.get("$file").and_then(Value::as_str) {
        *value = read_json(&parity_dir().join(file));
        return;
    }
    match value {
        Value::Array(items) => items.iter_mut().for_each(resolve_files),
        Value::Object(object) => object.values_mut().for_each(resolve_files),
        _ => {}
    }
}

/// Every expected case whose file name starts with `prefix`, its input's
/// `{"$file": …}` references resolved.
pub(crate) fn cases(prefix: &str) -> Vec<Value> {
    let dir = parity_dir().join("expected");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .collect()
        })
        .unwrap_or_default();
    paths.retain(|path| {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with(prefix) && name.ends_with(".json"))
    });
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let mut case = read_json(path);
            if let Some(input) = case.get_mut("input") {
                resolve_files(input);
            }
            case
        })
        .collect()
}
