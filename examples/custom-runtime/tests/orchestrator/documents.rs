//! `/health`, `/state`, `/registry`: what the runtime says about itself,
//! read back with the provider's own boundary readers.

use custom_runtime::boundary::{Health, RuntimeState, read_registry};
use custom_runtime::orchestrator::{LaneConfig, OrchestratorConfig, RoleConfig, WorkerConfig};
use serde_json::json;

use crate::support::{demo, start};

#[tokio::test]
async fn health_is_200_ok_with_every_worker() {
    let running = start(OrchestratorConfig::demo()).await;
    let health = running.get("/health").await;
    assert_eq!(health.status, 200);
    assert_eq!(health.content_type(), "application/json");
    assert!(health.request_id().starts_with("req-"));
    assert_eq!(
        health.body,
        json!({"ok": true, "status": "ok", "workers": {
            "scripted-main": {"ok": true}, "scripted-coder": {"ok": true},
            "scripted-reviewer": {"ok": true}, "flaky": {"ok": true}
        }})
    );
    assert!(Health::read(200, &health.body).is_healthy());
}

#[tokio::test]
async fn state_says_everything_the_doc_lists() {
    let running = start(OrchestratorConfig::demo()).await;
    let state = running.get("/state").await;
    assert_eq!(state.status, 200);
    let body = &state.body;
    assert_eq!(body["profileName"], "demo");
    assert_eq!(
        body["active"],
        json!({"main": "scripted-main", "coder": "scripted-coder", "reviewer": "scripted-reviewer"})
    );
    // Several roles: no identity.lane (Claw3D would send it as every role's lane).
    assert_eq!(
        body["identity"],
        json!({"name": "clawkit reference orchestrator", "role": "assistant", "model_id": "scripted-main"})
    );
    assert_eq!(
        body["runtime"],
        json!({"name": "clawkit reference orchestrator", "version": env!("CARGO_PKG_VERSION"),
               "vendor": "clawkit", "status": "ok", "active_model": "scripted-main"})
    );
    assert_eq!(
        body["roles"][1],
        json!({"id": "coder", "label": "Coder", "lane": "build", "worker": "scripted-coder", "model": "scripted-coder"})
    );
    assert_eq!(
        body["lanes"][0],
        json!({"id": "front", "roles": ["main"], "queueDepth": 0, "label": "Front desk"})
    );
    assert_eq!(
        (body["queueDepth"].clone(), body["maxQueueDepth"].clone()),
        (json!(0), json!(8))
    );
    assert_eq!(
        body["workers"][3],
        json!({"id": "flaky", "kind": "scripted", "model": "flaky", "health": "ok", "failures": 0,
               "served": 0, "cancelled": 0, "running": 0, "scripted": true})
    );
    assert_eq!(body["capabilities"]["streaming"], true);

    // The provider half reads it as meant.
    let read = RuntimeState::read(body);
    let roles: Vec<_> = read
        .roles
        .iter()
        .map(|r| (r.id.as_str(), r.lane.as_deref()))
        .collect();
    assert_eq!(
        roles,
        [
            ("main", Some("front")),
            ("coder", Some("build")),
            ("reviewer", Some("review"))
        ]
    );
    assert_eq!(read.default_model.as_deref(), Some("scripted-main"));
    assert_eq!((read.queue_depth, read.max_queue_depth), (Some(0), Some(8)));
    assert!(read.failing_workers.is_empty());
    assert_eq!(read.streams, Some(true));
}

#[tokio::test]
async fn a_single_role_says_its_lane_in_identity() {
    let config = demo(|c| {
        c.roles = vec![RoleConfig::new("solo", "desk", "scripted-main")];
        c.lanes = vec![LaneConfig::new("desk", "Desk")];
        c.default_role = None;
    });
    let running = start(config).await;
    let identity = running.state().await["identity"].clone();
    assert_eq!(identity["lane"], "desk");
}

#[tokio::test]
async fn registry_has_both_shapes_in_one_document() {
    let running = start(OrchestratorConfig::demo()).await;
    let registry = running.get("/registry").await;
    assert_eq!(registry.status, 200);
    let body = &registry.body;
    let keys: Vec<&String> = body["models"].as_object().unwrap().keys().collect();
    let ids: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "scripted-main",
            "scripted-coder",
            "scripted-reviewer",
            "flaky"
        ]
    );
    assert_eq!(ids, keys);
    assert_eq!(
        body["models"]["scripted-coder"],
        json!({"role": "coder", "lane": "build", "worker": "scripted-coder", "kind": "scripted", "scripted": true})
    );
    // A worker no role uses has no role.
    assert_eq!(
        body["models"]["flaky"],
        json!({"worker": "flaky", "kind": "scripted", "scripted": true})
    );
    assert_eq!(
        body["data"][0],
        json!({"id": "scripted-main", "object": "model", "created": 0, "owned_by": "clawkit-reference"})
    );
    // Each form alone gives the same models.
    let claw3d_form = read_registry(&json!({"models": body["models"]}));
    let openai_form = read_registry(&json!({"data": body["data"]}));
    assert_eq!(
        claw3d_form.iter().map(|m| &m.id).collect::<Vec<_>>(),
        openai_form.iter().map(|m| &m.id).collect::<Vec<_>>()
    );
    assert_eq!(running.get("/v1/models").await.body, *body);
}

#[tokio::test]
async fn a_model_worker_is_listed_without_the_scripted_label() {
    let config = demo(|c| {
        c.workers
            .push(WorkerConfig::model("llama", "ollama/llama3.2"));
        c.roles.push(RoleConfig::new("writer", "build", "llama"));
    });
    let running = start(config).await;
    let registry = running.get("/registry").await.body;
    assert_eq!(
        registry["models"]["ollama/llama3.2"],
        json!({"role": "writer", "lane": "build", "worker": "llama", "kind": "model"})
    );
    let worker = running.worker("llama").await;
    assert_eq!(
        (worker["kind"].as_str(), worker.get("scripted")),
        (Some("model"), None)
    );
}

#[tokio::test]
async fn unknown_paths_are_openai_404s_with_request_ids_and_a_client_id_is_echoed() {
    let running = start(OrchestratorConfig::demo()).await;
    let missing = running.get("/v1/nope").await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.body,
        json!({"error": {"message": "no endpoint GET /v1/nope", "type": "invalid_request_error", "code": "not_found"}})
    );
    assert!(missing.request_id().starts_with("req-"));
    let echoed = running
        .client
        .get(format!("{}/health", running.url))
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-42");
    let replaced = running
        .client
        .get(format!("{}/health", running.url))
        .header("x-request-id", "no spaces please")
        .send()
        .await
        .unwrap();
    assert_ne!(replaced.headers()["x-request-id"], "no spaces please");
}

#[tokio::test]
async fn a_bad_config_is_refused_naming_the_field() {
    let error = custom_runtime::orchestrator::Orchestrator::new(demo(|c| {
        c.roles[2].worker = "nobody".to_owned();
    }))
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "orchestrator config: roles[2].worker: no worker \"nobody\" in workers"
    );
    let dir = std::env::temp_dir().join(format!("clawkit-orch-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.json");
    std::fs::write(&file, r#"{"roles": [], "workers": [], "maxQueue": 1}"#).unwrap();
    let error = OrchestratorConfig::from_file(&file)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(&format!(
            "orchestrator config {}: unknown field `maxQueue`",
            file.display()
        )),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_config_file_in_the_docs_is_served() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/custom-runtime.md"),
    )
    .unwrap();
    let section = &doc[doc.find("### The config file").unwrap()..];
    let json = &section[section.find("```json\n").unwrap() + 8..];
    let json = &json[..json.find("```").unwrap()];
    let mut config: OrchestratorConfig = serde_json::from_str(json).unwrap();
    assert_eq!(config.roles.len(), 3);
    assert!(config.session_dir.take().is_some());
    let running = start(config).await;
    let state = running.state().await;
    assert_eq!(state["profileName"], "office");
    assert_eq!(state["roles"][0]["label"], "Front Desk");
    assert_eq!(state["active"]["coder"], "ollama/qwen2.5-coder");
}
