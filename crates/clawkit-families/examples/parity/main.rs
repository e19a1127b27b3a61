//! The clawkit half of `scripts/openclaw-families-parity.sh`: runs every
//! parity case through clawkit and writes its output in OpenClaw's shape.
//!
//! ```text
//! cargo run -q -p clawkit-families --example parity -- --cases <dir> --out <dir>
//! ```
//!
//! For every `<cases>/<case>.json` (the expected files: `case`, `kind`,
//! `family`, `function`, `input`), the `{"$file": …}` references of `input`
//! are resolved against the parent of `<cases>`, clawkit's counterpart runs,
//! and `<out>/<case>.json` gets `{"output": …}` or `{"error": "…"}`. A case
//! clawkit has no counterpart for is not written (the diff reports it as
//! skipped).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod openclaw;
mod replay;
mod stream;
mod tools;
mod usage_compat;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Replaces every `{"$file": path}` by that file's content (relative to `dir`).
fn resolve_files(value: &Value, dir: &Path) -> Result<Value, String> {
    Ok(match value {
        Value::Object(map) if map.len() == 1 && map.contains_key("$file") => {
            let file = map["$file"].as_str().ok_or("$file is not a string")?;
            resolve_files(&read_json(&dir.join(file))?, dir)?
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), resolve_files(v, dir)?)))
                .collect::<Result<_, String>>()?,
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| resolve_files(v, dir))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

/// clawkit's output for one case: `None` when it has no counterpart.
fn run(case: &Value, input: &Value) -> Option<Result<Value, String>> {
    let family = case["family"].as_str().unwrap_or_default();
    let function = case["function"].as_str().unwrap_or_default();
    match case["kind"].as_str()? {
        "tools" => tools::run(family, function, input),
        "replay" => replay::run(family, function, input),
        "stream" => stream::run(family, function, input),
        "usage_compat" => usage_compat::run(function, input),
        _ => None,
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut cases, mut out) = (None, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--cases" => cases = args.next().map(PathBuf::from),
            "--out" => out = args.next().map(PathBuf::from),
            other => {
                eprintln!("parity: unknown argument {other} (usage: --cases DIR --out DIR)");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(cases), Some(out)) = (cases, out) else {
        eprintln!("parity: usage: --cases DIR --out DIR");
        return ExitCode::from(2);
    };
    let base = cases.parent().unwrap_or(Path::new(".")).to_path_buf();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&cases)
        .expect("the cases directory")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    std::fs::create_dir_all(&out).expect("the output directory");
    let (mut written, mut skipped) = (0, 0);
    for path in paths {
        let case = read_json(&path).expect("a case file");
        let outcome = resolve_files(&case["input"], &base).map(|input| run(&case, &input));
        let result = match outcome {
            Ok(None) => {
                skipped += 1;
                continue;
            }
            Ok(Some(Ok(output))) => json!({ "output": output }),
            Ok(Some(Err(error))) | Err(error) => json!({ "error": error }),
        };
        let target = out.join(path.file_name().expect("a file name"));
        let text = serde_json::to_string_pretty(&result).expect("JSON");
        std::fs::write(&target, text + "\n").expect("the output file");
        written += 1;
    }
    eprintln!("parity: {written} cases written, {skipped} skipped");
    ExitCode::SUCCESS
}
