//! `clawkit manifest check PATH [--json]`: exit 0 valid, 1 invalid, 2 usage.

use std::fs;

use serde_json::{Value, json};

use crate::{acme_ai, clawkit, stderr, stdout, temp_dir};

const GOOD: &str = include_str!("../../../../examples/acme-ai/openclaw.plugin.json");

fn json_output(args: &[&str]) -> (i32, Value) {
    let output = clawkit(args);
    let value: Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(&output)));
    (output.status.code().unwrap(), value)
}

#[test]
fn the_example_plugin_is_valid() {
    let path = acme_ai();
    let output = clawkit(&["manifest", "check", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("valid: plugin \"acme-ai\""),
        "{}",
        stdout(&output)
    );
    assert_eq!(stderr(&output), "");
}

#[test]
fn json_output_has_the_contract_shape() {
    let path = acme_ai();
    let (code, value) = json_output(&["manifest", "check", path.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    assert_eq!(value, json!({"valid": true, "diagnostics": []}));
}

#[test]
fn a_manifest_file_can_be_named_directly() {
    let path = acme_ai().join("openclaw.plugin.json");
    let output = clawkit(&["manifest", "check", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_path_that_does_not_exist_is_a_usage_error() {
    let dir = temp_dir("missing");
    let missing = dir.join("nowhere");
    for extra in [&[][..], &["--json"][..]] {
        let mut args = vec!["manifest", "check", missing.to_str().unwrap()];
        args.extend_from_slice(extra);
        let output = clawkit(&args);
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(stdout(&output), "");
        assert!(
            stderr(&output).contains("path does not exist"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn a_folder_without_a_manifest_is_invalid() {
    let dir = temp_dir("empty-folder");
    let (code, value) = json_output(&["manifest", "check", dir.to_str().unwrap(), "--json"]);
    assert_eq!(code, 1);
    let file = dir.join("openclaw.plugin.json").display().to_string();
    assert_eq!(
        value,
        json!({"valid": false, "diagnostics": [{
            "severity": "error", "file": file, "pointer": "", "line": 1, "column": 1,
            "message": format!("plugin manifest not found: {file}")
        }]})
    );
}

#[test]
fn errors_are_reported_with_pointer_line_and_column() {
    let dir = temp_dir("bad-choice");
    let manifest = GOOD.replace("\"method\": \"api-key\",", "\"method\": \"\",");
    fs::write(dir.join("openclaw.plugin.json"), manifest).unwrap();
    let (code, value) = json_output(&["manifest", "check", dir.to_str().unwrap(), "--json"]);
    assert_eq!(code, 1);
    let diagnostic = &value["diagnostics"][0];
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["pointer"], "/providerAuthChoices/0/method");
    assert_eq!(
        (diagnostic["line"].as_u64(), diagnostic["column"].as_u64()),
        (Some(18), Some(17))
    );
    assert_eq!(
        diagnostic["message"],
        "an auth choice requires a non-empty string \"method\", found an empty string"
    );
    assert_eq!(value["valid"], false);
}

#[test]
fn warnings_alone_keep_the_plugin_valid() {
    let dir = temp_dir("warnings");
    let manifest = GOOD.replace(
        "\"id\": \"acme-ai\",",
        "\"id\": \"acme-ai\",\n  \"provider\": [],",
    );
    fs::write(dir.join("openclaw.plugin.json"), manifest).unwrap();
    let output = clawkit(&["manifest", "check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let report = stderr(&output).replace(&dir.display().to_string(), "<dir>");
    insta::assert_snapshot!(report, @r#"
    warning: unknown field "provider" (did you mean "providers"?); it is kept as written
     --> <dir>/openclaw.plugin.json:3:3 (at /provider)
      |
    3 |   "provider": [],
      |   ^
    "#);
    assert!(
        stdout(&output).contains("(0 errors, 1 warning)"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn the_human_report_goes_to_stderr() {
    let dir = temp_dir("human");
    fs::write(
        dir.join("openclaw.plugin.json"),
        "{\n  \"id\": \"acme-ai\"\n}\n",
    )
    .unwrap();
    fs::write(
        dir.join("package.json"),
        "{\"name\": \"x\", \"version\": \"1.0.0\", \"openclaw\": {}}",
    )
    .unwrap();
    let output = clawkit(&["manifest", "check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output).replace(&dir.display().to_string(), "<dir>");
    insta::assert_snapshot!(report);
    assert!(stdout(&output).starts_with("invalid: "));
}

#[test]
fn publish_turns_clawhub_requirements_into_errors() {
    let dir = temp_dir("publish");
    fs::write(dir.join("openclaw.plugin.json"), GOOD).unwrap();
    fs::write(
        dir.join("package.json"),
        r#"{"name": "@acme/openclaw-acme-ai", "version": "1.0.0", "openclaw": {"extensions": ["./index.ts"]}}"#,
    )
    .unwrap();
    let path = dir.to_str().unwrap();
    let (code, value) = json_output(&["manifest", "check", path, "--json"]);
    assert_eq!((code, value["valid"].clone()), (0, json!(true)));
    let (code, value) = json_output(&["manifest", "check", path, "--json", "--publish"]);
    assert_eq!((code, value["valid"].clone()), (1, json!(false)));
    let messages: Vec<&str> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "ClawHub publication requires openclaw.compat",
            "ClawHub publication requires openclaw.build"
        ]
    );
}

#[test]
fn config_files_are_validated_against_the_config_schema() {
    let dir = temp_dir("config");
    let manifest = GOOD.replace(
        "\"additionalProperties\": false",
        "\"additionalProperties\": false,\n    \"properties\": {\"region\": {\"enum\": [\"us\", \"eu\"]}}",
    );
    fs::write(dir.join("openclaw.plugin.json"), manifest).unwrap();
    let good = dir.join("good.json");
    fs::write(&good, r#"{"region": "eu"}"#).unwrap();
    let bad = dir.join("bad.json");
    fs::write(&bad, "{\n  \"region\": \"mars\"\n}").unwrap();
    let path = dir.to_str().unwrap();
    let (code, _) = json_output(&[
        "manifest",
        "check",
        path,
        "--json",
        "--config",
        good.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let (code, value) = json_output(&[
        "manifest",
        "check",
        path,
        "--json",
        "--config",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let diagnostic = &value["diagnostics"][0];
    assert_eq!(diagnostic["file"], bad.display().to_string());
    assert_eq!(diagnostic["pointer"], "/region");
    assert_eq!(
        (diagnostic["line"].as_u64(), diagnostic["column"].as_u64()),
        (Some(2), Some(13))
    );
    let missing = dir.join("missing.json");
    let output = clawkit(&[
        "manifest",
        "check",
        path,
        "--config",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn hostile_files_give_a_diagnostic_not_a_crash() {
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "empty",
            Vec::new(),
            "failed to parse plugin manifest: unexpected end of input",
        ),
        (
            "bom",
            b"\xEF\xBB\xBF{\"id\": \"a\"}".to_vec(),
            "plugin manifest requires configSchema",
        ),
        (
            "utf8",
            b"{\"id\": \"\xC3\x28\", \"configSchema\": {}}".to_vec(),
            "file is not valid UTF-8",
        ),
        (
            "nested",
            "[".repeat(100_000).into_bytes(),
            "nesting is deeper than 128 levels",
        ),
        ("huge", vec![b' '; 10 * 1024 * 1024], "larger than 256 KiB"),
    ];
    for (name, bytes, expected) in cases {
        let dir = temp_dir(&format!("hostile-{name}"));
        fs::write(dir.join("openclaw.plugin.json"), bytes).unwrap();
        let (code, value) = json_output(&["manifest", "check", dir.to_str().unwrap(), "--json"]);
        assert_eq!(code, 1, "{name}");
        let messages = value["diagnostics"].to_string();
        assert!(messages.contains(expected), "{name}: {messages}");
    }
}

#[test]
fn usage_errors_exit_with_2() {
    for args in [
        &["manifest", "check"][..],
        &["manifest", "check", ".", "--no-such-flag"][..],
        &["manifest"][..],
        &["no-such-command"][..],
        &[][..],
    ] {
        let output = clawkit(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    assert_eq!(clawkit(&["--help"]).status.code(), Some(0));
    assert_eq!(
        clawkit(&["manifest", "check", "--help"]).status.code(),
        Some(0)
    );
}
