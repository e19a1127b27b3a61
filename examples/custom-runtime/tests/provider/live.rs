//! The provider against the reference orchestrator, both in-process:
//! the whole boundary, streamed answers with their route, contracted
//! completions, degraded and overloaded runtimes, a dropped stream.

use std::time::Duration;

use clawkit_core::{StreamEvent, TurnRequest};
use custom_runtime::CustomRuntimeError;
use custom_runtime::client::{ContractRequest, RuntimeClient, runtime_url};
use custom_runtime::metadata::Capability;
use custom_runtime::orchestrator::{Orchestrator, OrchestratorConfig, Server};
use serde_json::{Value, json};

use crate::{kinds, printed, runtime, runtime_event, scratch, turn};

async fn start(config: OrchestratorConfig) -> (Orchestrator, Server) {
    let orchestrator = Orchestrator::new(config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = orchestrator.serve(listener).unwrap();
    (orchestrator, server)
}

/// The demo with a slow reviewer and room for one request at a time.
fn slow_single_lane() -> OrchestratorConfig {
    serde_json::from_value(json!({
        "profileName": "slow",
        "roles": [
            {"id": "main", "lane": "front", "worker": "scripted-main"},
            {"id": "reviewer", "lane": "review", "worker": "slow-reviewer"}
        ],
        "workers": [
            {"id": "scripted-main", "kind": "scripted"},
            {"id": "slow-reviewer", "kind": "scripted", "wordDelayMs": 150}
        ],
        "maxQueueDepth": 1
    }))
    .unwrap()
}

fn client(server: &Server) -> RuntimeClient {
    RuntimeClient::new(runtime_url(&server.url(), None).unwrap(), None).unwrap()
}

#[tokio::test]
async fn the_demo_runtime_is_described_with_every_capability_it_backs() {
    let (_, server) = start(OrchestratorConfig::demo()).await;
    let described = client(&server).describe().await;
    assert_eq!(
        described.capabilities,
        [
            Capability::Agents,
            Capability::Chat,
            Capability::Streaming,
            Capability::AgentRoles,
            Capability::Models,
            Capability::Completions,
            Capability::ContractedCompletions,
            Capability::Config,
        ]
    );
    let names: Vec<&str> = described
        .identities
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["Main", "Coder", "Reviewer"]);
    assert_eq!(described.identities[1].lane.as_deref(), Some("build"));
    assert!(described.models.contains(&"scripted-coder".to_owned()));
    assert_eq!(described.metadata.vendor.as_deref(), Some("clawkit"));
    assert_eq!(described.metadata.route_profile.as_deref(), Some("demo"));
    assert_eq!(described.office.status.as_str(), "focused");
    // Each claimed capability has a working path: a completion and a
    // contracted completion answer.
    let client = client(&server);
    let text = client
        .completion(None, "say hi", Some("coder"))
        .await
        .unwrap();
    assert!(text.starts_with("Coder (scripted)"), "{text}");
}

#[tokio::test]
async fn a_streamed_turn_carries_the_route_on_its_claw3d_events() {
    let (_, server) = start(OrchestratorConfig::demo()).await;
    let dir = scratch("live-stream");
    let events = turn(
        &runtime(&server.url(), Some(&dir)),
        TurnRequest::prompt("custom/scripted-coder", "review http.rs")
            .session_id("agent:coder:main"),
    )
    .await;
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Coder (scripted) heard: review http.rs");
    assert!(matches!(events.last(), Some(StreamEvent::Done { .. })));
    let delta = runtime_event(&events, "chat.delta");
    assert_eq!(delta["route"]["selectedRole"], "coder");
    assert_eq!(delta["route"]["lane"], "build");
    assert_eq!(delta["route"]["routingReason"], "requested role");
    let session = runtime_event(&events, "session.activity");
    assert_eq!(session["resolvedModel"], "scripted-coder");
    assert_eq!(session["lane"], "build");
    insta::assert_json_snapshot!("orchestrator-streamed-turn", printed(&events));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn contracted_completions_pass_or_name_the_failing_pointer() {
    let (_, server) = start(OrchestratorConfig::demo()).await;
    let client = client(&server);
    let contract = json!({"type": "object", "required": ["verdict"],
        "properties": {"verdict": {"enum": ["approve", "reject"]}}});
    let valid = client
        .contracted_completion(
            &ContractRequest::new("Review PR 12", contract.clone()).role("reviewer"),
        )
        .await
        .unwrap();
    assert_eq!(valid.output, json!({"verdict": "approve"}));
    assert_eq!(valid.route.selected_role.as_deref(), Some("reviewer"));
    // The scripted worker answers a JSON literal in the prompt verbatim.
    let error = client
        .contracted_completion(
            &ContractRequest::new(r#"answer {"verdict": "maybe"}"#, contract).role("reviewer"),
        )
        .await
        .unwrap_err();
    let CustomRuntimeError::ContractViolation { pointer, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(pointer, "/verdict");
}

#[tokio::test]
async fn a_degraded_worker_fails_its_turn_with_status_and_health() {
    let (orchestrator, server) = start(OrchestratorConfig::demo()).await;
    orchestrator
        .mark_failing("scripted-reviewer", "maintenance")
        .unwrap();
    let runtime = runtime(&server.url(), None);
    let events = turn(
        &runtime,
        TurnRequest::prompt("custom/any", "review").param("role", "reviewer"),
    )
    .await;
    let Some(StreamEvent::Error { message, .. }) = events.last() else {
        panic!("{:?}", kinds(&events));
    };
    assert!(message.contains("503"), "{message}");
    assert!(
        message.contains("worker scripted-reviewer failing: runtime degraded"),
        "{message}"
    );
    assert!(message.contains("runtime health: degraded"), "{message}");
    assert_eq!(
        runtime_event(&events, "presence.changed")["status"],
        "degraded"
    );
    // Other roles still answer.
    let events = turn(
        &runtime,
        TurnRequest::prompt("custom/any", "hi").param("role", "main"),
    )
    .await;
    assert!(
        matches!(events.last(), Some(StreamEvent::Done { .. })),
        "{:?}",
        kinds(&events)
    );
}

#[tokio::test]
async fn a_full_queue_makes_the_office_overloaded() {
    let (_, server) = start(slow_single_lane()).await;
    let runtime = std::sync::Arc::new(runtime(&server.url(), None));
    let busy = {
        let runtime = runtime.clone();
        tokio::spawn(async move {
            turn(
                &runtime,
                TurnRequest::prompt("custom/any", "a long review please").param("role", "reviewer"),
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let events = turn(
        &runtime,
        TurnRequest::prompt("custom/any", "hi").param("role", "main"),
    )
    .await;
    let Some(StreamEvent::Error { message, .. }) = events.last() else {
        panic!("{:?}", kinds(&events));
    };
    assert!(message.contains("429"), "{message}");
    let presence: Vec<Value> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::RuntimeEvent { event, fields } if event == "presence.changed" => {
                Some(json!([fields["status"], fields["reason"]]))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        presence.last(),
        Some(&json!(["overloaded", "rate limited (429)"]))
    );
    let first = busy.await.unwrap();
    assert!(
        matches!(first.last(), Some(StreamEvent::Done { .. })),
        "{:?}",
        kinds(&first)
    );
}

#[tokio::test]
async fn a_stream_the_runtime_drops_ends_in_one_error_not_a_hang() {
    let url = crate::dropping_runtime().await;
    let events = tokio::time::timeout(
        Duration::from_secs(30),
        turn(&runtime(&url, None), TurnRequest::prompt("custom/m", "hi")),
    )
    .await
    .unwrap();
    let terminal: Vec<&StreamEvent> = events.iter().filter(|e| e.is_terminal()).collect();
    assert_eq!(terminal.len(), 1, "{:?}", kinds(&events));
    let Some(StreamEvent::Error { kind, .. }) = events.last() else {
        panic!("{:?}", kinds(&events));
    };
    assert_eq!(kind.as_str(), "connection_dropped", "{:?}", kinds(&events));
    // What arrived before the break is kept, then the run says it failed.
    assert_eq!(runtime_event(&events, "chat.delta")["text"], "Hello ");
    let tail: Vec<String> = kinds(&events).into_iter().rev().take(4).collect();
    assert_eq!(
        tail,
        [
            "error",
            "runtime_event:presence.changed",
            "runtime_event:run.lifecycle",
            "runtime_event:chat.error"
        ]
    );
}

#[tokio::test]
async fn the_readme_demo_tells_the_whole_story() {
    let mut out = Vec::new();
    custom_runtime::demo::run(&mut out).await.unwrap();
    let out = String::from_utf8(out).unwrap();
    for expected in [
        "office: Main (front), Coder (build), Reviewer (review)",
        "[main] Main (scripted) heard: Plan the release of clawkit 0.2",
        "event chat.final: \"Coder (scripted) heard: Implement the release checklist\" (role coder, lane build, model scripted-coder)",
        "event session.activity: session agent:coder:main has 1 turn(s)",
        "[reviewer] contracted answer: {\"verdict\":\"approve\",\"notes\":[]}",
        "[reviewer] a breach of contract is refused: the answer breaks its contract at \"/verdict\"",
        "event presence.changed: reviewer is degraded (worker scripted-reviewer failing: maintenance)",
        "[reviewer] failed as expected: custom (503): worker scripted-reviewer failing: runtime degraded",
        "(runtime health: degraded)",
        "done: the orchestrator stopped",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

/// A provider whose runtime URL comes from its config (`baseUrl`), not the
/// environment, keeping sessions in `sessions`.
fn configured_runtime(url: &str, sessions: &std::path::Path) -> clawkit_core::Runtime {
    let base = url.parse().unwrap();
    clawkit_core::Runtime::builder()
        .config(clawkit_core::Config::new().with_provider(
            "custom",
            clawkit_core::ProviderConfig::new(base, clawkit_core::ModelApi::OpenAiCompletions),
        ))
        .transports(clawkit_http::BuiltinTransports::new(
            clawkit_http::HttpClient::new().unwrap(),
        ))
        .plugin(
            custom_runtime::plugin_with(
                custom_runtime::CustomRuntimeOptions::default().session_dir(sessions),
            )
            .unwrap(),
        )
        .build()
        .unwrap()
}

fn answer_text(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// Uses the path that backs `capability` on the runtime at `url` and
/// checks it works; `described` is what the probe made of the runtime.
pub(crate) async fn exercise(
    capability: Capability,
    url: &str,
    described: &custom_runtime::client::RuntimeDescription,
    dir: &std::path::Path,
) {
    let client = RuntimeClient::new(runtime_url(url, None).unwrap(), None).unwrap();
    let model = described
        .models
        .first()
        .cloned()
        .unwrap_or_else(|| "any".to_owned());
    match capability {
        Capability::Agents => {
            assert!(!described.identities.is_empty());
            for identity in &described.identities {
                let text = client
                    .completion(None, "who are you?", Some(&identity.role))
                    .await
                    .unwrap();
                assert!(
                    text.starts_with(&identity.name),
                    "{} answered {text:?}",
                    identity.name
                );
            }
        }
        Capability::Sessions => {
            let key = "agent:main:capabilities";
            let first = configured_runtime(url, dir);
            turn(
                &first,
                TurnRequest::prompt(format!("custom/{model}"), "remember 7").session_id(key),
            )
            .await;
            drop(first);
            let second = configured_runtime(url, dir);
            let events = turn(
                &second,
                TurnRequest::prompt(format!("custom/{model}"), "what was it?").session_id(key),
            )
            .await;
            assert_eq!(runtime_event(&events, "session.activity")["turns"], 2);
        }
        Capability::Chat => {
            let events = turn(
                &configured_runtime(url, dir),
                TurnRequest::prompt(format!("custom/{model}"), "hello"),
            )
            .await;
            assert!(
                matches!(events.last(), Some(StreamEvent::Done { .. })),
                "{events:?}"
            );
            assert!(!answer_text(&events).is_empty());
        }
        Capability::Streaming => {
            let events = turn(
                &configured_runtime(url, dir),
                TurnRequest::prompt(format!("custom/{model}"), "stream a few words"),
            )
            .await;
            let deltas = events
                .iter()
                .filter(|e| matches!(e, StreamEvent::TextDelta { .. }))
                .count();
            assert!(deltas > 1, "one delta is not a stream: {events:?}");
        }
        Capability::AgentRoles => {
            let runtime = configured_runtime(url, dir);
            let mut selected = Vec::new();
            for identity in described.identities.iter().take(2) {
                let events = turn(
                    &runtime,
                    TurnRequest::prompt(format!("custom/{model}"), "route me")
                        .session_id(format!("agent:{}:main", identity.id)),
                )
                .await;
                let route = &runtime_event(&events, "chat.final")["route"];
                selected.push(route["selectedRole"].as_str().unwrap().to_owned());
            }
            assert_eq!(selected.len(), 2);
            assert_ne!(selected[0], selected[1], "two roles, one route");
        }
        Capability::Models => {
            assert!(!described.models.is_empty());
            let runtime = configured_runtime(url, dir);
            for id in &described.models {
                let events = turn(
                    &runtime,
                    TurnRequest::prompt(format!("custom/{id}"), "which model?"),
                )
                .await;
                assert_eq!(
                    runtime_event(&events, "chat.final")["route"]["resolvedModel"],
                    id.as_str()
                );
            }
        }
        Capability::Completions => {
            let text = client.completion(None, "complete me", None).await.unwrap();
            assert!(!text.is_empty());
        }
        Capability::ContractedCompletions => {
            let contract = json!({"type": "object", "required": ["ok"],
                "properties": {"ok": {"type": "boolean"}}});
            let answer = client
                .contracted_completion(&ContractRequest::new(r#"answer {"ok": true}"#, contract))
                .await
                .unwrap();
            assert_eq!(answer.output, json!({"ok": true}));
        }
        Capability::Config => {
            // The provider reaches the runtime with the URL of its config
            // alone (no CUSTOM_RUNTIME_URL).
            let events = turn(
                &configured_runtime(url, dir),
                TurnRequest::prompt(format!("custom/{model}"), "configured?"),
            )
            .await;
            assert!(
                matches!(events.last(), Some(StreamEvent::Done { .. })),
                "{events:?}"
            );
        }
        other => panic!("{other:?} is claimed and has no path test here"),
    }
}

#[tokio::test]
async fn every_capability_claimed_has_a_working_path() {
    let (_, server) = start(OrchestratorConfig::demo()).await;
    let dir = scratch("capabilities");
    let probe = client(&server).probe().await;
    // As the provider describes it: with a session store, URL configured.
    let described = custom_runtime::client::RuntimeDescription::from_probe(&probe, true, true);
    assert!(described.capabilities.contains(&Capability::Sessions));
    assert_eq!(
        described.capabilities.len(),
        9,
        "{:?}",
        described.capabilities
    );
    for capability in described.capabilities.clone() {
        exercise(capability, &server.url(), &described, &dir).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}
