//! Claw3D's own client against the orchestrator: `CustomRuntimeProvider`
//! and its Next.js proxy route, vendored unmodified in `tests/claw3d/`,
//! run under Node by `tests/claw3d/driver.ts`.
//!
//! Needs Node >= 24.16: `CLAWKIT_NODE` when set, else `node` on `PATH` if
//! it is recent enough. Without one, the test says why on stderr and
//! passes without running anything (CI may have no Node).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use custom_runtime::orchestrator::OrchestratorConfig;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::support::start;

/// The oldest Node the driver runs on (`module.registerHooks`,
/// `--experimental-transform-types`).
const MIN_NODE: (u64, u64) = (24, 16);

/// The Node to run the driver with, or why there is none.
fn node() -> Result<PathBuf, String> {
    let (candidate, source) = match std::env::var_os("CLAWKIT_NODE") {
        Some(path) => (PathBuf::from(path), "CLAWKIT_NODE"),
        None => (PathBuf::from("node"), "PATH"),
    };
    let output = std::process::Command::new(&candidate)
        .arg("--version")
        .output()
        .map_err(|e| format!("no Node ({source}: {}: {e})", candidate.display()))?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let mut parts = version
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse::<u64>().unwrap_or(0));
    let found = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if found < MIN_NODE {
        return Err(format!(
            "{} ({source}) is Node {version}; the driver needs >= {}.{} (set CLAWKIT_NODE)",
            candidate.display(),
            MIN_NODE.0,
            MIN_NODE.1
        ));
    }
    Ok(candidate)
}

fn driver_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/claw3d")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claw3d_client_runs_against_the_orchestrator_or_skips_without_node_24() {
    let node = match node() {
        Ok(node) => node,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let running = start(OrchestratorConfig::demo()).await;
    running
        .orchestrator
        .mark_failing("scripted-reviewer", "marked failing")
        .unwrap();

    let mut child = tokio::process::Command::new(&node)
        .args([
            "--no-warnings",
            "--experimental-transform-types",
            "--import",
            "./hooks.mjs",
            "driver.ts",
            &running.url,
        ])
        .current_dir(driver_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut steps: Vec<Value> = Vec::new();
    let driven = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let step: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("the driver printed {line:?}: {e}"));
            if step["step"] == "paused" {
                // The reviewer's worker is back: Claw3D retries with the
                // failed user turn still in its history.
                running
                    .orchestrator
                    .mark_healthy("scripted-reviewer")
                    .unwrap();
                stdin.write_all(b"go\n").await.unwrap();
                stdin.flush().await.unwrap();
            }
            steps.push(step);
        }
        child.wait().await.unwrap()
    })
    .await
    .expect("the Claw3D driver finished within 2 minutes");
    assert!(driven.success(), "driver exit status {driven}");

    let step = |name: &str| -> Value {
        steps
            .iter()
            .find(|s| s["step"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no step {name} in {steps:#?}"))
    };
    assert_eq!(step("connect"), json!({"step": "connect", "result": null}));
    assert_eq!(
        step("agents.list")["result"]["agents"],
        json!([
            {"id": "main", "name": "Main", "role": "main"},
            {"id": "coder", "name": "Coder", "role": "coder"},
            {"id": "reviewer", "name": "Reviewer", "role": "reviewer"}
        ])
    );
    let models_step = step("models.list");
    let models: Vec<&str> = models_step["result"]["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    let registry = running.get("/registry").await.body;
    let registry_ids: Vec<&str> = registry["models"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(models, registry_ids);
    assert_eq!(
        step("describeRuntime.metadata")["result"],
        json!({"id": "custom", "label": "Custom Runtime", "runtimeName": "clawkit reference orchestrator",
               "vendor": "clawkit", "routeProfile": "demo", "runtimeVersion": env!("CARGO_PKG_VERSION")})
    );
    assert_eq!(
        step("chat.send coder")["result"],
        json!({"status": "completed", "runId": "run-1", "text": "Coder (scripted) heard: hello coder"})
    );
    assert_eq!(
        step("chat.send coder again")["result"]["text"],
        "Coder (scripted) heard 3 messages, the last: second"
    );
    // The failing worker's error text reaches Claw3D verbatim.
    assert_eq!(
        step("chat.send reviewer (failing worker)")["error"],
        r#"{"error":{"message":"worker scripted-reviewer failing: runtime degraded","type":"server_error","code":"worker_failing"}}"#
    );
    // Two user turns in a row after the failure: accepted.
    assert_eq!(
        step("chat.send reviewer (retry)")["result"]["text"],
        "Reviewer (scripted) heard 2 messages, the last: review PR 12"
    );
    let reviewer = running.worker("scripted-reviewer").await;
    assert_eq!(
        (reviewer["failures"].clone(), reviewer["served"].clone()),
        (json!(1), json!(1))
    );
}
