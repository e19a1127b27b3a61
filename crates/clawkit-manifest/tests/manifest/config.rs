//! Runtime config against `configSchema`.

use clawkit_manifest::{ConfigValidator, ManifestError, PluginManifest};
use serde_json::json;

use crate::lines;

fn manifest(schema: serde_json::Value) -> PluginManifest {
    let source = json!({"id": "acme-ai", "configSchema": schema}).to_string();
    let report = PluginManifest::parse(source.as_bytes(), "openclaw.plugin.json");
    report.value().cloned().unwrap()
}

fn acme() -> PluginManifest {
    manifest(json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["apiKey"],
        "properties": {
            "apiKey": {"type": "string", "pattern": "^acme_"},
            "region": {"enum": ["us", "eu"]},
            "limits": {"type": "object", "properties": {"rpm": {"type": "integer", "minimum": 1}}}
        }
    }))
}

#[test]
fn violations_carry_json_pointers() {
    let validator = ConfigValidator::new(&acme()).unwrap();
    let mut pointers: Vec<String> = validator
        .violations(
            &json!({"apiKey": "acme_1", "region": "mars", "limits": {"rpm": 0}, "debug": true}),
        )
        .into_iter()
        .map(|v| v.pointer)
        .collect();
    pointers.sort();
    assert_eq!(pointers, ["", "/limits/rpm", "/region"]);
    assert!(
        validator
            .validate(&json!({"apiKey": "acme_1", "region": "eu"}))
            .is_ok()
    );
}

#[test]
fn a_secret_in_the_config_never_reaches_an_error() {
    let canary = "sk-CANARY-4f9a1c";
    let error = acme()
        .validate_config(&json!({"apiKey": canary, "limits": {"rpm": canary}}))
        .unwrap_err();
    let ManifestError::InvalidConfig { violations, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(violations.len(), 2);
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(canary), "{text}");
    }
    insta::assert_snapshot!(error.to_string());
}

#[test]
fn config_files_get_line_and_column() {
    let validator = ConfigValidator::new(&acme()).unwrap();
    let source = b"{\n  // JSON5 is fine here too\n  apiKey: 'acme_1',\n  region: 'mars',\n}\n";
    insta::assert_snapshot!(lines(&validator.check_source(source, "config.json5")), @r#"error 4:11 /region — config does not match the configSchema of plugin "acme-ai": the string value is not one of "us" or "eu""#);
    let broken = validator.check_source(b"{apiKey: }", "config.json5");
    insta::assert_snapshot!(lines(&broken), @"error 1:10 (document) — failed to parse config: SyntaxError: JSON5: invalid character '}' at 1:10; unexpected character '}', expected a value");
}

#[test]
fn an_unusable_schema_is_an_error_not_a_panic() {
    let broken = manifest(json!({"type": "object", "properties": {"a": {"minimum": "zero"}}}));
    let error = ConfigValidator::new(&broken).unwrap_err();
    insta::assert_snapshot!(error.to_string());
    let dialect = manifest(json!({"$schema": "urn:nobody-knows", "type": "object"}));
    let error = ConfigValidator::new(&dialect).unwrap_err();
    insta::assert_snapshot!(error.to_string(), @r#"configSchema of plugin "acme-ai" is not a valid JSON Schema (at "/$schema"): unknown JSON Schema dialect "urn:nobody-knows" (supported: drafts 4, 6, 7, 2019-09 and 2020-12)"#);
}
