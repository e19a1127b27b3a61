//! Every tool-compat case of `tests/data/parity` against OpenClaw
//! 2026.9.6's own output (see `tests/data/parity/README.md`).

use std::path::{Path, PathBuf};

use clawkit_families::tools::{Normalized, deepseek, gemini, llamacpp, openai, xai};
use serde_json::{Value, json};

fn parity_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/parity")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Replaces each `{"$file": "rel/path.json"}` by the file's content.
fn resolve_files(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            if let (1, Some(Value::String(file))) = (map.len(), map.get("$file")) {
                return read_json(&parity_dir().join(file));
            }
            Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k, resolve_files(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(resolve_files).collect()),
        other => other,
    }
}

/// The tool-compat dispatch of the parity example (`examples/parity`).
#[path = "../../../examples/parity/tools.rs"]
mod dispatch;

/// What clawkit returns for one case, in the shape of OpenClaw's output.
fn run(case: &Value) -> Result<Value, String> {
    let input = resolve_files(case["input"].clone());
    let family = case["family"].as_str().unwrap_or_default();
    let function = case["function"].as_str().unwrap();
    dispatch::run(family, function, &input)
        .unwrap_or_else(|| panic!("no clawkit counterpart for {function}"))
}

/// Serialized with sorted keys, so that key order does not matter but
/// everything else does.
fn canonical(value: &Value) -> String {
    fn sort(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sort(v)))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string_pretty(&sort(value)).unwrap()
}

#[test]
fn every_tool_case_matches_openclaw() {
    let dir = parity_dir();
    let cases = read_json(&dir.join("cases/tools.json"));
    let cases = cases.as_array().unwrap();
    assert!(cases.len() >= 40, "only {} tool cases", cases.len());
    let mut mismatches = Vec::new();
    for listed in cases {
        let name = listed["case"].as_str().unwrap();
        let expected = read_json(&dir.join(format!("expected/{name}.json")));
        assert_eq!(
            expected["input"], listed["input"],
            "{name}: expected/ is stale, regenerate it"
        );
        let got = run(&expected);
        match (&got, expected.get("output"), expected.get("error")) {
            (Ok(out), Some(want), _) if canonical(out) == canonical(want) => {}
            (Err(_), None, Some(_)) => {}
            _ => mismatches.push(format!(
                "{name}:\n  clawkit:  {}\n  openclaw: {}",
                got.map_or_else(|e| format!("error {e}"), |v| canonical(&v)),
                expected
                    .get("output")
                    .map_or_else(|| format!("error {}", expected["error"]), canonical),
            )),
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
}

#[test]
fn output_key_order_matches_openclaw_for_cleaned_schemas() {
    // OpenClaw builds objects in insertion order; so does clawkit. Object
    // keys that look like array indexes are the exception (JavaScript
    // orders them first), and these cases have none.
    let dir = parity_dir();
    for entry in std::fs::read_dir(dir.join("expected")).unwrap() {
        let path = entry.unwrap().path();
        let case = read_json(&path);
        let function = case["function"].as_str().unwrap();
        if !function.starts_with("clean") && function != "normalizeOpenAIStrictCompatSchema" {
            continue;
        }
        let got = run(&case).unwrap();
        assert_eq!(
            serde_json::to_string(&got).unwrap(),
            serde_json::to_string(&case["output"]).unwrap(),
            "{}",
            path.display()
        );
    }
}

/// The realistic schemas of `tests/data/schemas`, through every family, against
/// what OpenClaw 2026.9.6 made of them (`tests/data/schemas/openclaw`,
/// written by `generate.mjs` there).
#[test]
fn the_golden_schemas_match_openclaw_in_every_family() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/schemas");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap();
        let schema = read_json(&path);
        let expected = read_json(&dir.join("openclaw").join(name));
        let families: [(&str, Normalized, Vec<String>); 5] = [
            (
                "gemini",
                gemini::normalize(&schema),
                gemini::inspect(&schema, "tool.parameters"),
            ),
            (
                "openai",
                openai::normalize(&schema),
                openai::inspect(&schema, "tool.parameters"),
            ),
            (
                "deepseek",
                deepseek::normalize(&schema),
                deepseek::inspect(&schema, "tool.parameters"),
            ),
            (
                "llamacpp-gbnf",
                llamacpp::normalize(&schema),
                llamacpp::inspect(&schema, "tool.parameters"),
            ),
            (
                "xai",
                xai::normalize(&schema),
                xai::inspect(&schema, "tool.parameters"),
            ),
        ];
        for (family, normalized, violations) in families {
            let want = &expected[family];
            assert_eq!(
                serde_json::to_string_pretty(&normalized.schema).unwrap(),
                serde_json::to_string_pretty(&want["schema"]).unwrap(),
                "{family} on {name}"
            );
            assert_eq!(
                json!(violations),
                want["violations"],
                "{family} violations on {name}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 7 * 5);
}

#[test]
fn html_entities_decode_as_openclaw_decodes_them() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/schemas/openclaw/html-entities.json");
    let cases = read_json(&path);
    let cases = cases.as_array().unwrap();
    // Every HTML5 named reference ending in `;`, and the edge cases.
    assert!(cases.len() > 2_125, "{}", cases.len());
    for case in cases {
        let (input, output) = (case[0].as_str().unwrap(), case[1].as_str().unwrap());
        assert_eq!(xai::decode_html_entities(input), output, "{input}");
    }
}
