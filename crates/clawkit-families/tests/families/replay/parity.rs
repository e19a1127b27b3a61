//! Every replay case of `tests/data/parity/expected/` (OpenClaw 2026.9.6's
//! own outputs, see the README there), run through clawkit and compared.

use clawkit_core::Message;
use serde_json::{Value, json};

use super::openclaw;
use super::openclaw::{messages, parity_dir, read_json, resolve_files, to_openclaw};

/// The replay dispatch of the parity example (`examples/parity`).
#[path = "../../../examples/parity/replay.rs"]
mod dispatch;

/// The expected outputs of every replay case.
fn cases() -> Vec<Value> {
    let dir = parity_dir().join("expected");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("replay.") && n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| read_json(&format!("expected/{n}")))
        .collect()
}

fn same(what: &str, ours: &Value, theirs: &Value) -> Result<(), String> {
    if ours == theirs {
        return Ok(());
    }
    Err(format!(
        "{what}\n  clawkit:  {}\n  openclaw: {}",
        serde_json::to_string(ours).unwrap(),
        serde_json::to_string(theirs).unwrap()
    ))
}

fn same_messages(what: &str, ours: &[Message], theirs: &Value) -> Result<(), String> {
    let expected = messages(theirs);
    if ours == expected {
        return Ok(());
    }
    let show = |list: &[Message]| list.iter().map(to_openclaw).collect::<Vec<_>>();
    let first = ours
        .iter()
        .zip(&expected)
        .position(|(a, b)| a != b)
        .unwrap_or(ours.len().min(expected.len()));
    Err(format!(
        "{what}: first difference at message {first} (clawkit {} messages, openclaw {})\n  clawkit:  {}\n  openclaw: {}",
        ours.len(),
        expected.len(),
        serde_json::to_string(&show(&ours[first.min(ours.len())..])).unwrap(),
        serde_json::to_string(&show(&expected[first.min(expected.len())..])).unwrap(),
    ))
}

/// clawkit's output against OpenClaw's: messages as clawkit's message model
/// holds them, `unchanged` only where OpenClaw changed nothing, the rest
/// exactly.
fn compare(function: &str, ours: &Value, theirs: &Value) -> Result<(), String> {
    match function {
        "stripThoughtSignatures" => {
            let turn = |content: &Value| json!([{"role": "assistant", "content": content}]);
            same_messages("content", &messages(&turn(ours)), &turn(theirs))
        }
        "buildProviderReplayFamilyHooks"
        | "resolveTranscriptPolicy"
        | "shouldDropClaudeThinkingBlocks" => same(function, ours, theirs),
        _ => {
            for (key, value) in ours.as_object().unwrap() {
                match key.as_str() {
                    "messages" | "sanitized" | "validated" => {
                        if theirs.get(key).is_none() {
                            return Err(format!("OpenClaw has no {key}: {theirs}"));
                        }
                        same_messages(key, &messages(value), &theirs[key])?;
                    }
                    "unchanged" => {
                        if theirs[key] == true && value == false {
                            return Err("OpenClaw changed nothing, clawkit did".into());
                        }
                    }
                    _ => same(key, value, &theirs[key])?,
                }
            }
            Ok(())
        }
    }
}

fn run(case: &Value) -> Result<(), String> {
    let input = resolve_files(&case["input"]);
    let family = case["family"].as_str().unwrap_or_default();
    let function = case["function"].as_str().unwrap();
    let ours = dispatch::run(family, function, &input)
        .ok_or_else(|| format!("no clawkit counterpart for {function}"))?;
    match (ours, case.get("error")) {
        (Err(_), Some(_)) => Ok(()),
        (Ok(ours), Some(error)) => Err(format!(
            "OpenClaw rejects it ({error}), clawkit returns {ours}"
        )),
        (Err(error), None) => Err(error),
        (Ok(ours), None) => compare(function, &ours, &case["output"]),
    }
}

#[test]
fn every_replay_case_matches_openclaw() {
    let cases = cases();
    assert!(
        cases.len() >= 80,
        "the parity data is there ({} cases)",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            run(case)
                .err()
                .map(|why| format!("{}: {why}", case["case"].as_str().unwrap()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
