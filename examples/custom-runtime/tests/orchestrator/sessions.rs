//! Session records, when `sessionDir` is set.

use custom_runtime::sessions::SessionStore;
use serde_json::json;

use crate::support::{chat, demo, start};

#[tokio::test]
async fn a_session_record_is_kept_per_session_id() {
    let dir = std::env::temp_dir().join(format!("clawkit-orch-sessions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let running = start(demo(|c| c.session_dir = Some(dir.clone()))).await;
    let fields = json!({"role": "coder", "model": "scripted-main", "stream": false,
                        "session_id": "agent:coder:main", "conversation_id": "agent:coder:main"});
    let first = running
        .post("/v1/chat/completions", &chat(fields.clone(), &["one"]))
        .await;
    assert_eq!(first.status, 200);
    // The client resends the whole history; the answer sees exactly that.
    let second = running
        .post(
            "/v1/chat/completions",
            &chat(fields.clone(), &["one", "two"]),
        )
        .await;
    assert_eq!(
        second.body["choices"][0]["message"]["content"],
        "Coder (scripted) heard 2 messages, the last: two"
    );
    // Streamed turns count too.
    let mut streamed = chat(fields, &["one", "two", "three"]);
    streamed["stream"] = json!(true);
    let third = running.post("/v1/chat/completions", &streamed).await;
    assert!(third.text.ends_with("data: [DONE]\n\n"));

    let store = SessionStore::open(&dir).unwrap();
    let mut record = None;
    for _ in 0..100 {
        record = store
            .load("agent:coder:main")
            .unwrap()
            .filter(|r| r.turns == 3);
        if record.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let record = record.expect("the session record reaches 3 turns");
    assert_eq!(record.conversation_id, "agent:coder:main");
    assert_eq!(record.active_role.as_deref(), Some("coder"));
    assert_eq!(record.lane.as_deref(), Some("build"));
    assert_eq!(record.requested_model.as_deref(), Some("scripted-main"));
    assert_eq!(record.resolved_model.as_deref(), Some("scripted-coder"));
    assert_eq!(record.request_id.as_deref(), Some(third.request_id()));
    // Metadata only: the conversation is the client's.
    assert!(record.messages.is_empty());
    assert_eq!(store.keys().unwrap(), ["agent:coder:main"]);
    assert_eq!(
        running.state().await["sessions"],
        json!({"stored": true, "writeErrors": 0})
    );
    let _ = std::fs::remove_dir_all(&dir);
}
