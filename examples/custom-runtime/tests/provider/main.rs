//! The `custom` provider against runtimes started here, on 127.0.0.1:
//! a minimal one (only `/health` and a non-streaming
//! `/v1/chat/completions`), failing ones, and the reference orchestrator
//! (`live`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod live;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use clawkit_core::{Env, Runtime, StreamEvent, TurnRequest};
use clawkit_http::{BuiltinTransports, HttpClient};
use custom_runtime::CustomRuntimeOptions;
use custom_runtime::client::{RuntimeClient, runtime_url};
use custom_runtime::metadata::Capability;
use futures::StreamExt;
use serde_json::{Value, json};

/// What a test runtime saw: the chat requests' bodies.
type Seen = Arc<Mutex<Vec<Value>>>;

/// Serves `router` on 127.0.0.1, port 0.
async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

/// A runtime with only `/health` and a non-streaming chat that echoes the
/// last user message (Claw3D's own v1 shape).
async fn minimal_runtime() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let recorded = seen.clone();
    let router = Router::new()
        .route("/health", get(|| async { "OK" }))
        .route(
            "/v1/chat/completions",
            post(move |Json(body): Json<Value>| {
                let recorded = recorded.clone();
                async move {
                    let Some(messages) = body.get("messages").and_then(Value::as_array) else {
                        return (StatusCode::BAD_REQUEST, Json(json!({"error": {"message": "messages required"}})));
                    };
                    let last = messages
                        .iter()
                        .rev()
                        .find(|m| m["role"] == "user")
                        .and_then(|m| m["content"].as_str())
                        .unwrap_or_default()
                        .to_owned();
                    let turns = messages.len();
                    recorded.lock().unwrap().push(body);
                    (
                        StatusCode::OK,
                        Json(json!({
                            "id": "chatcmpl-1", "object": "chat.completion", "model": "echo",
                            "choices": [{"index": 0, "message": {"role": "assistant", "content": format!("echo: {last} ({turns} messages)")}, "finish_reason": "stop"}],
                            "usage": {"prompt_tokens": 5, "completion_tokens": 3}
                        })),
                    )
                }
            }),
        );
    (serve(router).await, seen)
}

/// A runtime whose chat fails with 503 while `/health` says degraded.
async fn degraded_runtime() -> String {
    let router = Router::new()
        .route(
            "/health",
            get(|| async { Json(json!({"ok": true, "status": "degraded", "workers": {"flaky": {"ok": false, "reason": "marked failing"}}})) }),
        )
        .route(
            "/v1/chat/completions",
            post(|| async {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Json(json!({"error": {"message": "worker flaky failing: runtime degraded", "type": "server_error", "code": "worker_failing"}})),
                )
            }),
        );
    serve(router).await
}

/// A streaming runtime whose answer breaks off after two chunks: the
/// connection is reset mid-stream.
async fn dropping_runtime() -> String {
    use axum::body::Body;
    let router = Router::new()
        .route("/health", get(|| async { "OK" }))
        .route(
            "/state",
            get(|| async {
                Json(json!({"active": {"main": "m"}, "capabilities": {"streaming": true}}))
            }),
        )
        .route(
            "/v1/chat/completions",
            post(|| async {
                let chunk = |text: &str| {
                    Ok::<_, std::io::Error>(format!(
                        "data: {}\n\n",
                        json!({"choices": [{"index": 0, "delta": {"content": text}}]})
                    ))
                };
                let parts = vec![
                    chunk("Hello "),
                    chunk("wor"),
                    Err(std::io::Error::other("worker crashed")),
                ];
                // Paced, so the head and the first chunks are on the wire
                // before the connection breaks.
                let paced = futures::stream::iter(parts).then(|part| async {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    part
                });
                axum::response::Response::builder()
                    .header("content-type", "text/event-stream")
                    .body(Body::from_stream(paced))
                    .unwrap()
            }),
        );
    serve(router).await
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clawkit-custom-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn runtime(url: &str, sessions: Option<&PathBuf>) -> Runtime {
    let mut options = CustomRuntimeOptions::default();
    if let Some(dir) = sessions {
        options = options.session_dir(dir);
    }
    Runtime::builder()
        .env(Env::new().with("CUSTOM_RUNTIME_URL", url))
        .transports(BuiltinTransports::new(HttpClient::new().unwrap()))
        .plugin(custom_runtime::plugin_with(options).unwrap())
        .build()
        .unwrap()
}

async fn turn(runtime: &Runtime, request: TurnRequest) -> Vec<StreamEvent> {
    runtime
        .stream(request)
        .await
        .unwrap()
        .into_events()
        .collect()
        .await
}

/// Each event as `type` or `runtime_event:<name>`, to read the order.
fn kinds(events: &[StreamEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            StreamEvent::RuntimeEvent { event, .. } => format!("runtime_event:{event}"),
            other => serde_json::to_value(other).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned(),
        })
        .collect()
}

fn runtime_event<'a>(events: &'a [StreamEvent], name: &str) -> &'a serde_json::Map<String, Value> {
    events
        .iter()
        .find_map(|e| match e {
            StreamEvent::RuntimeEvent { event, fields } if event == name => Some(fields),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no {name} in {:?}", kinds(events)))
}

#[tokio::test]
async fn a_minimal_runtime_shrinks_the_profile_to_what_answered() {
    let (url, _) = minimal_runtime().await;
    let client = RuntimeClient::new(runtime_url(&url, None).unwrap(), None).unwrap();
    let described = client.describe().await;
    assert!(described.endpoints.health && described.endpoints.chat);
    assert!(!described.endpoints.state && !described.endpoints.registry);
    assert!(!described.endpoints.completions && !described.endpoints.contracted);
    // Only what has a working path: chat, and config (the URL was given).
    assert_eq!(
        described.capabilities,
        [Capability::Chat, Capability::Config]
    );
    assert!(described.models.is_empty());
    assert_eq!(described.metadata.runtime_name, "Custom Runtime");
    // No roles: the one identity agent.
    assert_eq!(described.identities.len(), 1);
    assert_eq!(described.identities[0].id, "assistant");
    assert_eq!(described.office.status.as_str(), "focused");
    // The paths that are not there say so.
    let contract = custom_runtime::client::ContractRequest::new("x", json!({"type": "object"}));
    let error = client.contracted_completion(&contract).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "the custom runtime has no POST /v1/contracted-completions endpoint"
    );
    // What is claimed works, with a session store too.
    let dir = scratch("minimal-capabilities");
    let probe = client.probe().await;
    let described = custom_runtime::client::RuntimeDescription::from_probe(&probe, true, true);
    assert_eq!(
        described.capabilities,
        [Capability::Sessions, Capability::Chat, Capability::Config]
    );
    for capability in described.capabilities.clone() {
        live::exercise(capability, &url, &described, &dir).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_turn_runs_the_pipeline_and_reports_claw3d_events_in_order() {
    let (url, seen) = minimal_runtime().await;
    let runtime = runtime(&url, None);
    let events = turn(
        &runtime,
        TurnRequest::prompt("custom/echo", "hello coder").session_id("agent:coder:main"),
    )
    .await;
    assert_eq!(
        kinds(&events),
        [
            "runtime_event:run.lifecycle",
            "runtime_event:presence.changed",
            "start",
            "text_start",
            "text_delta",
            "runtime_event:chat.delta",
            "text_end",
            "usage",
            "runtime_event:chat.final",
            "runtime_event:session.activity",
            "runtime_event:run.lifecycle",
            "runtime_event:presence.changed",
            "done"
        ]
    );
    assert_eq!(
        runtime_event(&events, "chat.final")["text"],
        "echo: hello coder (1 messages)"
    );
    assert_eq!(
        runtime_event(&events, "presence.changed")["status"],
        "working"
    );
    let session = runtime_event(&events, "session.activity");
    assert_eq!(session["sessionKey"], "agent:coder:main");
    assert_eq!(session["activeRole"], "coder");
    assert_eq!(session["requestedModel"], "echo");
    // The request Claw3D's fields rode on; not streamed: the runtime does
    // not say it streams.
    let sent = seen.lock().unwrap()[0].clone();
    assert_eq!(sent["stream"], false);
    assert_eq!(sent["role"], "coder");
    assert_eq!(
        (sent["session_id"].clone(), sent["conversation_id"].clone()),
        (json!("agent:coder:main"), json!("agent:coder:main"))
    );
    assert_eq!(sent["model"], "echo");
    assert!(sent.get("stream_options").is_none());
}

/// The events as `chat --events` prints them, with what changes from run
/// to run (run ids, clocks) replaced.
fn printed(events: &[StreamEvent]) -> Vec<Value> {
    events
        .iter()
        .map(|event| {
            let mut value = serde_json::to_value(event).unwrap();
            if let Some(object) = value.as_object_mut() {
                for (key, stable) in [
                    ("runId", "[run id]"),
                    ("updatedAtMs", "[clock]"),
                    ("request_id", "[request id]"),
                    ("requestId", "[request id]"),
                ] {
                    if object.get(key).is_some_and(|v| !v.is_null()) {
                        object.insert(key.to_owned(), json!(stable));
                    }
                }
            }
            value
        })
        .collect()
}

#[tokio::test]
async fn the_claw3d_event_sequence_of_a_turn() {
    let (url, _) = minimal_runtime().await;
    let events = turn(
        &runtime(&url, None),
        TurnRequest::prompt("custom/echo", "hello").session_id("agent:reviewer:main"),
    )
    .await;
    insta::assert_json_snapshot!("minimal-runtime-turn", printed(&events));
}

#[tokio::test]
async fn a_failed_chat_names_the_status_and_the_runtime_health() {
    let url = degraded_runtime().await;
    let runtime = runtime(&url, None);
    let events = turn(&runtime, TurnRequest::prompt("custom/any", "hi")).await;
    let Some(StreamEvent::Error { message, .. }) = events.last() else {
        panic!("{:?}", kinds(&events));
    };
    assert!(message.contains("503"), "{message}");
    assert!(
        message.contains("worker flaky failing: runtime degraded"),
        "{message}"
    );
    assert!(message.contains("runtime health: degraded"), "{message}");
    let error = runtime_event(&events, "chat.error");
    assert_eq!(
        (error["status"].clone(), error["health"].clone()),
        (json!(503), json!("degraded"))
    );
    let presence: Vec<&Value> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::RuntimeEvent { event, fields } if event == "presence.changed" => {
                fields.get("status")
            }
            _ => None,
        })
        .collect();
    assert_eq!(presence, [&json!("degraded"), &json!("degraded")]);
    insta::assert_json_snapshot!("degraded-runtime-turn", printed(&events));
}

#[tokio::test]
async fn a_session_survives_a_provider_restart() {
    let (url, seen) = minimal_runtime().await;
    let dir = scratch("restart");
    let first = runtime(&url, Some(&dir));
    turn(
        &first,
        TurnRequest::prompt("custom/echo", "my name is Ada").session_id("agent:main:main"),
    )
    .await;
    drop(first);

    // A new provider on the same directory: the turn arrives without its
    // history, and the stored conversation goes in front of it.
    let second = runtime(&url, Some(&dir));
    let events = turn(
        &second,
        TurnRequest::prompt("custom/echo", "what is my name?").session_id("agent:main:main"),
    )
    .await;
    let sent = seen.lock().unwrap()[1].clone();
    let contents: Vec<&str> = sent["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        contents,
        [
            "my name is Ada",
            "echo: my name is Ada (1 messages)",
            "what is my name?"
        ]
    );
    assert_eq!(runtime_event(&events, "session.activity")["turns"], 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_unreachable_runtime_is_a_connect_error_not_a_hang() {
    // Bind then close: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let runtime = runtime(&url, None);
    let events = turn(&runtime, TurnRequest::prompt("custom/any", "hi")).await;
    let Some(StreamEvent::Error { kind, .. }) = events.last() else {
        panic!("{:?}", kinds(&events));
    };
    assert_eq!(kind.as_str(), "connect");
    assert_eq!(
        runtime_event(&events, "presence.changed")["status"],
        "blocked"
    );
}
