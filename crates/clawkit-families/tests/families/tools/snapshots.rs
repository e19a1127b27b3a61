//! Each family over the realistic schemas of `tests/data/schemas`: the
//! schema it sends, every change it reports, and what its inspector finds
//! before and after. (That the schemas equal OpenClaw's is `parity.rs`.)

use clawkit_families::tools::{Normalized, deepseek, gemini, llamacpp, openai, xai};
use serde_json::{Value, json};

fn report(
    normalized: Normalized,
    inspect: fn(&Value, &str) -> Vec<String>,
    input: &Value,
) -> Value {
    json!({
        "schema": normalized.schema,
        "changes": normalized.changes.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "violations before": inspect(input, "tool.parameters"),
        "violations after": inspect(&normalized.schema, "tool.parameters"),
    })
}

fn each_schema(
    family: &str,
    normalize: fn(&Value) -> Normalized,
    inspect: fn(&Value, &str) -> Vec<String>,
) {
    insta::glob!("../../data/schemas", "*.json", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        insta::assert_json_snapshot!(family, report(normalize(&schema), inspect, &schema));
    });
}

#[test]
fn gemini() {
    each_schema("gemini", gemini::normalize, gemini::inspect);
}

#[test]
fn openai() {
    each_schema("openai", openai::normalize, openai::inspect);
}

#[test]
fn deepseek() {
    each_schema("deepseek", deepseek::normalize, deepseek::inspect);
}

#[test]
fn llamacpp_gbnf() {
    each_schema("llamacpp-gbnf", llamacpp::normalize, llamacpp::inspect);
}

#[test]
fn xai() {
    each_schema("xai", xai::normalize, xai::inspect);
}
