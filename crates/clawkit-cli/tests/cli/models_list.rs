//! `clawkit models list [--all] [--json]`.

use serde_json::Value;

use crate::{clawkit_with_env, stdout};

fn rows(output: &std::process::Output) -> Vec<Value> {
    assert!(output.status.success(), "{output:?}");
    match serde_json::from_str(&stdout(output)).unwrap() {
        Value::Array(rows) => rows,
        other => panic!("expected an array, got {other}"),
    }
}

fn of<'a>(rows: &'a [Value], provider: &str) -> Vec<&'a Value> {
    rows.iter().filter(|r| r["provider"] == provider).collect()
}

#[test]
fn all_lists_every_hosted_provider_statically_without_credentials() {
    let rows = rows(&clawkit_with_env(
        &["models", "list", "--all", "--json"],
        &[],
    ));
    for provider in ["openai", "anthropic", "google", "acme-ai"] {
        let listed = of(&rows, provider);
        assert!(!listed.is_empty(), "{provider} missing");
        assert!(listed.iter().all(|r| r["source"] == "static"), "{provider}");
    }
    let sonnet = rows
        .iter()
        .find(|r| r["provider"] == "anthropic" && r["id"] == "claude-sonnet-5")
        .unwrap();
    insta::assert_json_snapshot!("models-list-row", sonnet);
    for row in &rows {
        for field in [
            "provider",
            "id",
            "name",
            "api",
            "contextWindow",
            "maxTokens",
            "input",
            "cost",
            "source",
        ] {
            assert!(row.get(field).is_some(), "{field} missing in {row}");
        }
    }
}

#[test]
fn without_all_only_providers_with_credentials_are_listed_live() {
    let rows = rows(&clawkit_with_env(
        &["models", "list", "--json"],
        &[("ANTHROPIC_API_KEY", "sk-ant-canary-4242424242")],
    ));
    let anthropic = of(&rows, "anthropic");
    assert!(!anthropic.is_empty());
    assert!(anthropic.iter().all(|r| r["source"] == "live"));
    for provider in ["openai", "google", "acme-ai"] {
        assert!(
            of(&rows, provider).is_empty(),
            "{provider} listed without a key"
        );
    }
    let with_all = rows_text(&["models", "list", "--all", "--json"]);
    assert!(!with_all.contains("sk-ant-canary"));
}

fn rows_text(args: &[&str]) -> String {
    stdout(&clawkit_with_env(
        args,
        &[("ANTHROPIC_API_KEY", "sk-ant-canary-4242424242")],
    ))
}

#[test]
fn the_table_names_each_model_with_its_provider() {
    let output = clawkit_with_env(&["models", "list", "--all"], &[]);
    assert!(output.status.success());
    let table = stdout(&output);
    assert!(table.starts_with("MODEL"), "{table}");
    assert!(table.contains("openai/gpt-6-astra "), "{table}");
    assert!(table.contains("google/gemini-2.5-flash "), "{table}");
}
