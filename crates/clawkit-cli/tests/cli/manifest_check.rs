//! `clawkit manifest check PATH [--json]`: exit 0 valid, 1 invalid, 2 usage;
//! `loads` is OpenClaw's verdict, `source` whose rule each diagnostic is.

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
    assert_eq!(
        value,
        json!({"valid": true, "loads": true, "diagnostics": []})
    );
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
        json!({"valid": false, "loads": false, "diagnostics": [{
            "severity": "error", "file": file, "pointer": "", "line": 1, "column": 1,
            "message": format!("plugin manifest not found: {file}"), "source": "openclaw"
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
    assert_eq!(diagnostic["source"], "clawkit");
    // A clawkit lint: OpenClaw would load the manifest and drop the choice.
    assert_eq!(
        (value["valid"].clone(), value["loads"].clone()),
        (json!(false), json!(true))
    );
}

#[test]
fn openclaw_refusals_are_marked_and_loads_is_false() {
    let dir = temp_dir("refused");
    let manifest = GOOD.replace(
        "\"id\": \"acme-ai\",",
        "\"id\": \"Node-MCP\",\n  \"categories\": [\"robots\"],",
    );
    fs::write(dir.join("openclaw.plugin.json"), manifest).unwrap();
    let (code, value) = json_output(&["manifest", "check", dir.to_str().unwrap(), "--json"]);
    assert_eq!(code, 1);
    assert_eq!(
        (value["valid"].clone(), value["loads"].clone()),
        (json!(false), json!(false))
    );
    let found: Vec<(&str, &str, &str)> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["source"].as_str().unwrap(),
                d["pointer"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "openclaw",
                "/id",
                "plugin manifest id \"Node-MCP\" is reserved by OpenClaw core"
            ),
            (
                "openclaw",
                "/categories/0",
                "invalid plugin manifest categories: contains unknown category \"robots\""
            ),
        ]
    );
    let output = clawkit(&["manifest", "check", dir.to_str().unwrap()]);
    let report = stderr(&output).replace(&dir.display().to_string(), "<dir>");
    insta::assert_snapshot!(report, @r#"
    error[openclaw]: plugin manifest id "Node-MCP" is reserved by OpenClaw core
     --> <dir>/openclaw.plugin.json:2:9 (at /id)
      |
    2 |   "id": "Node-MCP",
      |         ^

    error[openclaw]: invalid plugin manifest categories: contains unknown category "robots"
     --> <dir>/openclaw.plugin.json:3:18 (at /categories/0)
      |
    3 |   "categories": ["robots"],
      |                  ^
    "#);
    assert_eq!(
        stdout(&output).replace(&dir.display().to_string(), "<dir>"),
        "invalid: <dir>/openclaw.plugin.json (2 errors, 0 warnings); OpenClaw refuses to load the manifest\n"
    );
}

#[test]
fn a_clawkit_error_alone_still_exits_1_but_openclaw_would_load_it() {
    let dir = temp_dir("lint-only");
    let manifest = GOOD.replace("\"provider\": \"acme-ai\",", "\"provider\": \"acme-labs\",");
    fs::write(dir.join("openclaw.plugin.json"), manifest).unwrap();
    let output = clawkit(&["manifest", "check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("error: auth choice names provider \"acme-labs\""),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        stdout(&output).replace(&dir.display().to_string(), "<dir>"),
        "invalid: <dir>/openclaw.plugin.json (1 error, 0 warnings); OpenClaw would still load the manifest\n"
    );
}

#[test]
fn nan_and_infinity_are_warnings_as_openclaw_loads_them() {
    let dir = temp_dir("nan");
    let manifest = GOOD.replace(
        "\"configSchema\": {",
        "\"weights\": [NaN, -Infinity],\n  \"configSchema\": {",
    );
    fs::write(dir.join("openclaw.plugin.json"), manifest).unwrap();
    let (code, value) = json_output(&["manifest", "check", dir.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    assert_eq!(
        (value["valid"].clone(), value["loads"].clone()),
        (json!(true), json!(true))
    );
    let nan = &value["diagnostics"][1];
    assert_eq!(
        (
            nan["severity"].as_str(),
            nan["pointer"].as_str(),
            nan["source"].as_str()
        ),
        (Some("warning"), Some("/weights/0"), Some("clawkit"))
    );
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
    assert!(
        stdout(&output)
            .ends_with("(2 errors, 2 warnings); OpenClaw refuses to load the manifest\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn publish_reports_the_missing_entry_of_the_example() {
    // examples/acme-ai names ./index.ts, which its source folder does not
    // have (`clawkit pack` writes the installable package; see pack.rs):
    // `openclaw plugins validate` refuses it with these words.
    let path = acme_ai();
    let (code, value) = json_output(&[
        "manifest",
        "check",
        path.to_str().unwrap(),
        "--json",
        "--publish",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        (value["valid"].clone(), value["loads"].clone()),
        (json!(false), json!(true))
    );
    let diagnostics = value["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(
        diagnostics[0]["message"],
        "plugin entry not found: ./index.ts"
    );
    assert_eq!(diagnostics[0]["pointer"], "/openclaw/extensions/0");
    assert_eq!(diagnostics[0]["source"], "openclaw");
    assert!(
        diagnostics[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("package.json")
    );
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
            "ClawHub publication requires openclaw.build",
            "plugin entry not found: ./index.ts"
        ]
    );
    fs::write(dir.join("index.ts"), "export default {};\n").unwrap();
    let (code, value) = json_output(&["manifest", "check", path, "--json", "--publish"]);
    assert_eq!(code, 1);
    assert_eq!(value["diagnostics"].as_array().unwrap().len(), 2);
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
    // (name, bytes, exit code, expected text): OpenClaw reads invalid UTF-8
    // (with U+FFFD) and so a warning is right.
    let cases: [(&str, Vec<u8>, i32, &str); 5] = [
        (
            "empty",
            Vec::new(),
            1,
            "failed to parse plugin manifest: SyntaxError: JSON5: invalid end of input at 1:1",
        ),
        (
            "bom",
            b"\xEF\xBB\xBF{\"id\": \"a\"}".to_vec(),
            1,
            "plugin manifest requires configSchema",
        ),
        (
            "utf8",
            b"{\"id\": \"\xC3\x28\", \"configSchema\": {}}".to_vec(),
            0,
            "file is not valid UTF-8",
        ),
        (
            "nested",
            "[".repeat(100_000).into_bytes(),
            1,
            "invalid end of input at 1:100001",
        ),
        (
            "huge",
            vec![b' '; 10 * 1024 * 1024],
            1,
            "larger than 256 KiB",
        ),
    ];
    for (name, bytes, expected_code, expected) in cases {
        let dir = temp_dir(&format!("hostile-{name}"));
        fs::write(dir.join("openclaw.plugin.json"), bytes).unwrap();
        let (code, value) = json_output(&["manifest", "check", dir.to_str().unwrap(), "--json"]);
        assert_eq!(code, expected_code, "{name}");
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
