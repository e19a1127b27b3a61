//! Hostile input: sizes, encodings, nesting. Each gets a clear diagnostic.

use clawkit_manifest::{MAX_MANIFEST_BYTES, PluginManifest, Severity};

use crate::lines;

fn parse(bytes: &[u8]) -> String {
    lines(PluginManifest::parse(bytes, "openclaw.plugin.json").diagnostics())
}

#[test]
fn empty_file() {
    insta::assert_snapshot!(parse(b""), @"error[openclaw] 1:1 (document) — failed to parse plugin manifest: SyntaxError: JSON5: invalid end of input at 1:1; the file holds no value");
}

#[test]
fn whitespace_and_comments_only() {
    insta::assert_snapshot!(parse(b"  // nothing here\n"), @"error[openclaw] 2:1 (document) — failed to parse plugin manifest: SyntaxError: JSON5: invalid end of input at 2:1; the file holds no value");
}

#[test]
fn byte_order_mark_is_a_warning_and_the_manifest_still_loads() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(br#"{"id": "acme-ai", "configSchema": {}}"#);
    let report = PluginManifest::parse(&bytes, "openclaw.plugin.json");
    assert!(report.is_valid());
    insta::assert_snapshot!(lines(report.diagnostics()), @"warning 1:1 (document) — file starts with a UTF-8 byte-order mark; it is ignored, but strict JSON tools reject it");
}

#[test]
fn invalid_utf8_is_a_warning_at_its_position_and_the_manifest_loads() {
    // OpenClaw decodes with U+FFFD in place of each invalid sequence and loads it.
    let bytes = b"{\n  \"id\": \"acme-\xFF\xFEai\",\n  \"configSchema\": {}\n}";
    let report = PluginManifest::parse(bytes, "openclaw.plugin.json");
    assert!(report.is_valid());
    assert_eq!(report.value().unwrap().id, "acme-\u{fffd}\u{fffd}ai");
    insta::assert_snapshot!(lines(report.diagnostics()), @"warning 2:15 (document) — file is not valid UTF-8 (invalid byte sequence at byte 16); OpenClaw reads it with U+FFFD in place of each invalid sequence, and so does clawkit");
}

#[test]
fn nan_and_infinity_are_warnings_and_the_manifest_loads() {
    let text = "{\n  id: 'acme-ai',\n  configSchema: {},\n  weights: [NaN, -Infinity, 1e400],\n}";
    let report = PluginManifest::parse(text.as_bytes(), "openclaw.plugin.json");
    assert!(report.is_valid());
    assert_eq!(
        report.value().unwrap().extra["weights"],
        serde_json::json!([null, null, null])
    );
    insta::assert_snapshot!(lines(report.diagnostics()), @r#"
    warning 4:3 /weights — unknown field "weights"; it is kept as written
    warning 4:13 /weights/0 — NaN is valid JSON5 and OpenClaw reads it, but JSON has no NaN; clawkit reads it as null
    warning 4:18 /weights/1 — -Infinity is valid JSON5 and OpenClaw reads it, but JSON has no infinite numbers; clawkit reads it as null
    warning 4:29 /weights/2 — 1e400 is valid JSON5 and OpenClaw reads it as Infinity, but JSON has no infinite numbers; clawkit reads it as null
    "#);
}

#[test]
fn ten_megabytes_is_refused_without_parsing() {
    let mut bytes = br#"{"id": "acme-ai", "configSchema": {}, "pad": ""#.to_vec();
    bytes.resize(10 * 1024 * 1024, b'a');
    bytes.extend_from_slice(b"\"}");
    insta::assert_snapshot!(parse(&bytes), @"error[openclaw] 1:1 (document) — unsafe plugin manifest path: openclaw.plugin.json (validation); the file is larger than 256 KiB (262144 bytes)");
}

#[test]
fn exactly_the_size_limit_is_accepted() {
    let mut bytes = br#"{"id": "acme-ai", "configSchema": {}, "$schema": ""#.to_vec();
    bytes.resize(MAX_MANIFEST_BYTES - 2, b'a');
    bytes.extend_from_slice(b"\"}");
    assert_eq!(bytes.len(), MAX_MANIFEST_BYTES);
    let report = PluginManifest::parse(&bytes, "openclaw.plugin.json");
    assert!(report.is_valid(), "{}", lines(report.diagnostics()));
}

#[test]
fn hundred_thousand_nested_arrays_do_not_overflow_the_stack() {
    let bytes = "[".repeat(100_000);
    insta::assert_snapshot!(parse(bytes.as_bytes()), @"error[openclaw] 1:100001 (document) — failed to parse plugin manifest: SyntaxError: JSON5: invalid end of input at 1:100001; unterminated array: missing `]` (the array starts at 1:100000)");
    let closed = format!(
        r#"{{"id": "acme-ai", "configSchema": {{}}, "x": {}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let report = PluginManifest::parse(closed.as_bytes(), "openclaw.plugin.json");
    assert!(report.is_valid(), "OpenClaw loads it, and so does clawkit");
}

#[test]
fn deeply_nested_objects_inside_a_manifest() {
    let deep = format!(
        r#"{{"id": "acme-ai", "configSchema": {{}}, "x": {}1{}}}"#,
        r#"{"a":"#.repeat(200),
        "}".repeat(200)
    );
    let report = PluginManifest::parse(deep.as_bytes(), "openclaw.plugin.json");
    assert!(report.is_valid());
    let warnings: Vec<_> = report
        .diagnostics()
        .iter()
        .filter(|d| d.message.contains("deeper than 128"))
        .collect();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].severity, Severity::Warning);
    assert_eq!(warnings[0].pointer, format!("/x{}", "/a".repeat(127)));
}

#[test]
fn a_minified_line_is_not_echoed_whole() {
    let mut text = String::from(r#"{"id": "acme-ai", "configSchema": {}, "$schema": ""#);
    text.push_str(&"x".repeat(5000));
    text.push_str(r#"", "providers": 1}"#);
    let report = PluginManifest::parse(text.as_bytes(), "openclaw.plugin.json");
    let rendered = report.diagnostics().render(false);
    assert!(rendered.contains("expected an array of strings, found a number"));
    assert!(rendered.len() < 400, "rendered {} bytes", rendered.len());
}

#[test]
fn diagnostics_are_capped_per_file() {
    let fields: Vec<String> = (0..500).map(|i| format!("\"unknown{i}\": 1")).collect();
    let text = format!(
        r#"{{"id": "a", "configSchema": {{}}, {}}}"#,
        fields.join(", ")
    );
    let report = PluginManifest::parse(text.as_bytes(), "openclaw.plugin.json");
    let diagnostics = report.diagnostics();
    assert_eq!(
        diagnostics.len(),
        clawkit_manifest::MAX_DIAGNOSTICS_PER_FILE + 1
    );
    assert_eq!(
        diagnostics[diagnostics.len() - 1].message,
        "300 more problems were found and not listed (at most 200 per file)"
    );
    assert!(report.is_valid(), "warnings only");
}
