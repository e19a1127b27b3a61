//! The `reference-runtime` binary.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn reference_runtime_prints_its_address_first_and_serves_the_demo() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_reference-runtime"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--config",
            "demo",
            "--failing",
            "flaky",
        ])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let url = first.strip_prefix("listening on ").unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{first}"
    );
    let health: serde_json::Value = serde_json::from_str(
        &reqwest::get(format!("{url}/health"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(health["status"], "degraded");
    assert_eq!(health["workers"]["flaky"]["ok"], false);
    child.kill().await.unwrap();
}

#[tokio::test]
async fn reference_runtime_refuses_a_bad_config_file() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_reference-runtime"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--config",
            "/nonexistent/orchestrator.json",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .starts_with("reference-runtime: orchestrator config /nonexistent/orchestrator.json: "),
        "{stderr}"
    );
    let usage = tokio::process::Command::new(env!("CARGO_BIN_EXE_reference-runtime"))
        .arg("--port")
        .output()
        .await
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}
