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

/// `clawkit serve --runtime demo` on a free port, and its URL.
fn spawn_reference_runtime() -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_clawkit"))
        .args(["serve", "--runtime", "demo", "--addr", "127.0.0.1:0"])
        .env_clear()
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();
    (child, url)
}

#[test]
fn serve_runtime_demo_serves_the_claw3d_boundary_and_chat_events_show_its_runtime_events() {
    let (mut child, url) = spawn_reference_runtime();
    let output = clawkit_with_env(
        &[
            "chat",
            "--model",
            "custom/demo",
            "--base-url",
            &url,
            "--param",
            "role=coder",
            "--events",
            "hello coder",
        ],
        &[],
    );
    let listed = clawkit_with_env(
        &["models", "list", "--json"],
        &[("CUSTOM_RUNTIME_URL", &url)],
    );
    let failing = clawkit_with_env(
        &["chat", "--model", "custom/flaky", "--base-url", &url, "hi"],
        &[],
    );
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let stopped = child.wait().unwrap();

    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let runtime_events: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "runtime_event")
        .map(|l| l["event"].as_str().unwrap())
        .collect();
    for expected in [
        "run.lifecycle",
        "presence.changed",
        "chat.delta",
        "chat.final",
        "session.activity",
    ] {
        assert!(runtime_events.contains(&expected), "{runtime_events:?}");
    }
    let final_event = lines.iter().find(|l| l["event"] == "chat.final").unwrap();
    assert_eq!(final_event["text"], "Coder (scripted) heard: hello coder");
    assert_eq!(final_event["route"]["lane"], "build");
    assert_eq!(
        lines.last().unwrap()["type"],
        "done",
        "done stays the last line"
    );

    let rows: Vec<Value> = serde_json::from_str(&stdout(&listed)).unwrap();
    let custom: Vec<&str> = rows
        .iter()
        .filter(|r| r["provider"] == "custom")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(
        custom.contains(&"scripted-coder") && custom.contains(&"flaky"),
        "{custom:?}"
    );

    // The demo's `flaky` worker answers; the orchestrator has it healthy.
    assert!(failing.status.success(), "{}", stderr(&failing));
    assert_eq!(stopped.code(), Some(0));
}

#[test]
fn serve_runtime_with_a_bad_file_is_a_usage_error() {
    let dir = crate::temp_dir("serve-runtime-bad");
    let file = dir.join("office.json");
    std::fs::write(
        &file,
        r#"{"roles": [{"id": "main", "lane": "front", "worker": "ghost"}], "workers": []}"#,
    )
    .unwrap();
    let output = clawkit_with_env(&["serve", "--runtime", file.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("ghost"), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let conflict = clawkit_with_env(&["serve", "--runtime", "demo", "--config", "x.json"], &[]);
    assert_eq!(conflict.status.code(), Some(2));
}
