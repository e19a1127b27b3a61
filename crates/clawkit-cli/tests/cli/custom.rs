//! The Claw3D `custom` provider through the binary.

use clawkit_testkit::{Script, ScriptedServer};
use serde_json::Value;

use crate::{clawkit_with_env, stderr, stdout};

#[tokio::test(flavor = "multi_thread")]
async fn models_list_shows_the_runtime_registry_as_custom_rows() {
    let registry = r#"{"models": {"scripted-main": {"role": "main"}, " scripted-coder ": {}}, "data": [{"id": "scripted-main"}]}"#;
    let server = ScriptedServer::start(vec![Script::json(200, registry)])
        .await
        .unwrap();
    let url = server.url("");
    let output = tokio::task::spawn_blocking(move || {
        clawkit_with_env(
            &["models", "list", "--json"],
            &[("CUSTOM_RUNTIME_URL", &url)],
        )
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let rows: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    let custom: Vec<(&str, &str)> = rows
        .iter()
        .filter(|row| row["provider"] == "custom")
        .map(|row| (row["id"].as_str().unwrap(), row["source"].as_str().unwrap()))
        .collect();
    assert_eq!(
        custom,
        [("scripted-main", "live"), ("scripted-coder", "live")]
    );
    let asked: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(asked, ["/registry"]);
}

#[test]
fn a_runtime_url_that_is_not_http_is_refused_with_a_clear_message() {
    let output = clawkit_with_env(
        &[
            "chat",
            "--model",
            "custom/any",
            "--base-url",
            "ftp://user:hunter2@runtime.example",
            "hi",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("only http and https runtimes are called"),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
    assert!(stdout(&output).is_empty());
}
