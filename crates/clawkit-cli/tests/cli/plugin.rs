//! `clawkit chat --plugin DIR` and `clawkit models list --plugin DIR`: a
//! manifest-only provider, written into a fresh folder, whose `baseUrl`
//! points at a server started here replaying a recorded stream
//! (`tests/data`, provenance in its `MANIFEST.tsv`).

use std::path::{Path, PathBuf};

use clawkit_testkit::{Script, ScriptedServer};
use serde_json::{Value, json};

use crate::{chat_off_runtime as chat, clawkit_with_env, stderr, stdout, temp_dir};

const KEY: &str = "sk-labs-canary-0123456789abcdef";

/// A real gpt-4o Chat Completions stream (openai/openai-python).
const RECORDED_COMPLETIONS: &str =
    include_str!("../data/openai-python-recorded/gpt4o-text-basic.sse");

/// An Anthropic Messages stream (anthropics/anthropic-sdk-python).
const RECORDED_MESSAGES: &str = include_str!("../data/anthropic-sdk-python/basic_response.sse");

/// A plugin folder `name` holding `manifest` as its `openclaw.plugin.json`.
fn plugin_dir(name: &str, manifest: &Value) -> PathBuf {
    let dir = temp_dir(&format!("plugin-{name}"));
    std::fs::write(
        dir.join("openclaw.plugin.json"),
        serde_json::to_string_pretty(manifest).unwrap(),
    )
    .unwrap();
    dir
}

fn arg(dir: &Path) -> &str {
    dir.to_str().unwrap()
}

/// The `labs` plugin: a Chat Completions row and an Anthropic Messages row
/// at `base_url` with `LABS_API_KEY`, and a row clawkit cannot serve.
fn labs(base_url: &str) -> Value {
    json!({
        "id": "labs",
        "name": "Labs",
        "providers": ["labs"],
        "providerAuthEnvVars": {"labs": ["LABS_API_KEY"]},
        "providerAuthChoices": [{
            "provider": "labs", "method": "api-key", "choiceId": "labs-api-key",
            "choiceLabel": "Labs API key", "cliFlag": "--labs-api-key",
            "cliOption": "--labs-api-key <key>"
        }],
        "modelCatalog": {"providers": {"labs": {
            "api": "openai-completions",
            "baseUrl": base_url,
            "models": [
                {"id": "labs-chat", "name": "Labs Chat", "input": ["text", "image"],
                 "cost": {"input": 2.5, "output": 10}, "contextWindow": 128000, "maxTokens": 16384},
                {"id": "labs-claude", "api": "anthropic-messages",
                 "contextWindow": 200000, "maxTokens": 8192},
                {"id": "labs-rpc", "api": "acme-rpc", "contextWindow": 32000, "maxTokens": 4096}
            ]
        }}},
        "configSchema": {"type": "object", "additionalProperties": false}
    })
}

const SKIPPED_RPC: &str =
    "provider \"labs\", model \"labs-rpc\": skipped: api \"acme-rpc\" has no clawkit transport";

#[tokio::test(flavor = "multi_thread")]
async fn a_manifest_only_completions_row_streams_with_the_key_its_env_var_holds() {
    let server = ScriptedServer::start(vec![Script::sse(RECORDED_COMPLETIONS)])
        .await
        .unwrap();
    let dir = plugin_dir("completions", &labs(&server.url("/v1")));
    let output = chat(
        &[
            "--plugin",
            arg(&dir),
            "--model",
            "labs/labs-chat",
            "--events",
            "What's the weather in San Francisco?",
        ],
        &[("LABS_API_KEY", KEY)],
    )
    .await;
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    // The row clawkit cannot serve is said, not dropped silently.
    let warnings: Vec<&str> = err.lines().collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].starts_with("clawkit: warning: "), "{err}");
    assert!(warnings[0].contains(SKIPPED_RPC), "{err}");

    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let request = &requests[0];
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let body = request.json();
    assert_eq!(body["model"], "labs-chat");
    assert_eq!(body["stream"], true);

    let out = stdout(&output);
    assert!(!format!("{out}{err}").contains(KEY), "the key leaked");
    let events: Vec<Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let text: String = events
        .iter()
        .filter(|e| e["type"] == "text_delta")
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(text.starts_with("I'm unable to provide real-time weather updates."));
    assert_eq!(events.last().unwrap()["type"], "done");
    // The recorded deltas, regrouped where a delta ends in what could start
    // one of acme-ai's output rewrites (registered for every provider by the
    // `clawkit` binary: " weathe" + "r updates" waits to rule out "right
    // shelf"); the usage priced with the row's cost; one `done`.
    insta::assert_json_snapshot!("plugin-completions-events", events);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_anthropic_messages_row_and_a_keyless_provider_answer_too() {
    let server = ScriptedServer::start(vec![Script::sse(RECORDED_MESSAGES)])
        .await
        .unwrap();
    let dir = plugin_dir("messages", &labs(&server.url("/v1")));
    let output = chat(
        &["--plugin", arg(&dir), "--model", "labs/labs-claude", "Hi"],
        &[("LABS_API_KEY", KEY)],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "Hello there!\n");
    let request = &server.requests()[0];
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.json()["model"], "labs-claude");

    // No providerAuthEnvVars: a local server that wants no key.
    let local = ScriptedServer::start(vec![Script::sse(RECORDED_COMPLETIONS)])
        .await
        .unwrap();
    let manifest = json!({
        "id": "local-llm",
        "providers": ["local-llm"],
        "modelCatalog": {"providers": {"local-llm": {
            "api": "openai-completions", "baseUrl": local.url("/v1"),
            "models": [{"id": "qwen2.5-7b", "contextWindow": 32768, "maxTokens": 4096}]
        }}},
        "configSchema": {"type": "object"}
    });
    let dir = plugin_dir("keyless", &manifest);
    let output = chat(
        &[
            "--plugin",
            arg(&dir),
            "--model",
            "local-llm/qwen2.5-7b",
            "Hi",
        ],
        &[],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("I'm unable to provide"));
    assert_eq!(local.requests()[0].json()["model"], "qwen2.5-7b");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_key_exits_1_naming_the_env_var_before_any_request() {
    // The server is on this machine: the declared key is still required.
    let server = ScriptedServer::start(vec![Script::sse(RECORDED_COMPLETIONS)])
        .await
        .unwrap();
    let dir = plugin_dir("missing-key", &labs(&server.url("/v1")));
    let decoy = ("ANTHROPIC_API_KEY", "sk-ant-decoy-canary-0123456789");
    let output = chat(
        &["--plugin", arg(&dir), "--model", "labs/labs-chat", "Hi"],
        &[decoy],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    let err = stderr(&output);
    assert_eq!(
        err.lines().last(),
        Some("clawkit: no API key found for provider \"labs\"; set LABS_API_KEY"),
        "{err}"
    );
    assert!(!err.contains(decoy.1));

    let output = chat(
        &[
            "--plugin",
            arg(&dir),
            "--model",
            "labs/labs-chat",
            "--events",
            "Hi",
        ],
        &[decoy],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["kind"], "auth");
    assert!(
        lines[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("set LABS_API_KEY")
    );
    assert!(server.requests().is_empty(), "a request went out");
}

/// A manifest whose row lacks `maxTokens` (the row opens on line 9, column 20).
const INVALID: &str = r#"{
  "id": "labs",
  "providers": ["labs"],
  "providerAuthEnvVars": { "labs": ["LABS_API_KEY"] },
  "modelCatalog": {
    "providers": {
      "labs": {
        "api": "openai-completions", "baseUrl": "https://api.labs.example/v1",
        "models": [{ "id": "labs-chat", "contextWindow": 128000 }]
      }
    }
  },
  "configSchema": { "type": "object" }
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_manifest_with_errors_exits_1_with_the_manifest_check_report() {
    let dir = temp_dir("plugin-invalid");
    std::fs::write(dir.join("openclaw.plugin.json"), INVALID).unwrap();
    let output = chat(
        &["--plugin", arg(&dir), "--model", "labs/labs-chat", "Hi"],
        &[("LABS_API_KEY", KEY)],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    let err = stderr(&output);
    let file = dir.join("openclaw.plugin.json").display().to_string();
    // Rendered as `clawkit manifest check` renders it, then one summary line.
    let message =
        "modelCatalog row \"labs-chat\" is missing maxTokens; OpenClaw refuses the row at runtime";
    let report = format!(
        "error: {message}\n \
         --> {file}:9:20 (at /modelCatalog/providers/labs/models/0/maxTokens)\n  \
         |\n\
         9 |         \"models\": [{{ \"id\": \"labs-chat\", \"contextWindow\": 128000 }}]\n  \
         |                    ^\n\n\
         clawkit: {file} is invalid: {message} (at 9:20)\n"
    );
    assert_eq!(err, report);

    let output = chat(
        &[
            "--plugin",
            arg(&dir),
            "--model",
            "labs/labs-chat",
            "--events",
            "Hi",
        ],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let event: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(event["type"], "error");
    assert_eq!(event["kind"], "invalid_request");
    assert!(event["message"].as_str().unwrap().contains(message));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_folder_is_a_usage_error_and_a_folder_without_manifest_is_invalid() {
    let missing = temp_dir("plugin-missing").join("nowhere");
    let output = chat(
        &["--plugin", arg(&missing), "--model", "labs/labs-chat", "Hi"],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        format!(
            "clawkit: --plugin: path does not exist: {}",
            missing.display()
        )
    );

    let empty = temp_dir("plugin-empty");
    let output = chat(
        &["--plugin", arg(&empty), "--model", "labs/labs-chat", "Hi"],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    let file = empty.join("openclaw.plugin.json").display().to_string();
    assert!(
        err.starts_with(&format!(
            "error[openclaw]: plugin manifest not found: {file}\n"
        )),
        "{err}"
    );
    assert!(
        err.lines().last().unwrap().starts_with("clawkit: "),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plugin_with_nothing_clawkit_can_serve_exits_1() {
    let manifest = json!({
        "id": "rpc-only",
        "providers": ["rpc-only"],
        "modelCatalog": {"providers": {"rpc-only": {
            "api": "acme-rpc", "baseUrl": "https://rpc.example/v1",
            "models": [{"id": "m", "contextWindow": 1000, "maxTokens": 100}]
        }}},
        "configSchema": {"type": "object"}
    });
    let dir = plugin_dir("nothing-servable", &manifest);
    let output = chat(&["--plugin", arg(&dir), "--model", "rpc-only/m", "Hi"], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        lines[0].contains("model \"m\": skipped: api \"acme-rpc\""),
        "{err}"
    );
    assert!(
        lines[1].contains("provider \"rpc-only\": not registered"),
        "{err}"
    );
    assert!(
        lines[2].ends_with(
            "no modelCatalog row clawkit can serve (1 row skipped); a row needs contextWindow, maxTokens, an api clawkit streams and an http(s) baseUrl, on the row or its provider"
        ),
        "{err}"
    );
}

#[test]
fn models_list_takes_plugin_folders_too() {
    let dir = plugin_dir("models-list", &labs("https://api.labs.example/v1"));
    let rows = |args: &[&str], env: &[(&str, &str)]| -> Vec<Value> {
        let output = clawkit_with_env(args, env);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(stderr(&output).contains(SKIPPED_RPC));
        let rows: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
        rows.into_iter()
            .filter(|row| row["provider"] == "labs")
            .collect()
    };
    let listed = rows(
        &["models", "list", "--all", "--json", "--plugin", arg(&dir)],
        &[],
    );
    let ids: Vec<&str> = listed.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["labs-chat", "labs-claude"]);
    assert!(listed.iter().all(|r| r["source"] == "static"));
    assert_eq!(listed[0]["name"], "Labs Chat");
    assert_eq!(listed[0]["api"], "openai-completions");
    assert_eq!(listed[0]["input"], json!(["text", "image"]));
    assert_eq!(listed[0]["cost"]["output"], 10.0);
    assert_eq!(listed[1]["api"], "anthropic-messages");
    assert_eq!(
        (&listed[1]["contextWindow"], &listed[1]["maxTokens"]),
        (&json!(200000), &json!(8192))
    );

    assert!(rows(&["models", "list", "--json", "--plugin", arg(&dir)], &[]).is_empty());
    let live = rows(
        &["models", "list", "--json", "--plugin", arg(&dir)],
        &[("LABS_API_KEY", KEY)],
    );
    assert_eq!(live.len(), 2);
    assert!(live.iter().all(|r| r["source"] == "live"));
}

#[test]
fn a_plugin_provider_id_already_taken_is_said_on_stderr() {
    let mut manifest = labs("https://api.labs.example/v1");
    manifest["providers"] = json!(["labs", "openai"]);
    manifest["modelCatalog"]["providers"]["openai"] = json!({
        "api": "openai-completions", "baseUrl": "https://proxy.example/v1",
        "models": [{"id": "gpt-proxy", "contextWindow": 1000, "maxTokens": 100}]
    });
    let dir = plugin_dir("taken-id", &manifest);
    let output = clawkit_with_env(
        &["models", "list", "--all", "--json", "--plugin", arg(&dir)],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains(
            "provider \"openai\" is not registered: plugin \"openai\" already provides it"
        ),
        "{err}"
    );
    assert!(!stdout(&output).contains("gpt-proxy"));
}

/// A folder whose plugin id is the owner's own (`"id": "openai"`) still
/// loses the provider to the built-in registration, and stderr says so.
#[test]
fn a_plugin_with_the_owners_id_is_also_told_its_provider_is_taken() {
    let mut manifest = labs("https://api.labs.example/v1");
    manifest["id"] = json!("openai");
    manifest["providers"] = json!(["labs", "openai"]);
    manifest["modelCatalog"]["providers"]["openai"] = json!({
        "api": "openai-completions", "baseUrl": "https://proxy.example/v1",
        "models": [{"id": "gpt-proxy", "contextWindow": 1000, "maxTokens": 100}]
    });
    let dir = plugin_dir("same-plugin-id", &manifest);
    let output = clawkit_with_env(
        &["models", "list", "--all", "--json", "--plugin", arg(&dir)],
        &[],
    );
    let err = stderr(&output);
    assert!(
        err.contains(
            "provider \"openai\" is not registered: plugin \"openai\" already provides it"
        ),
        "{err}"
    );
    assert!(!stdout(&output).contains("gpt-proxy"));
}
