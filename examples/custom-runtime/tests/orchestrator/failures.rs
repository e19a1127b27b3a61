//! Failing workers, a full queue, bounds, and clients that go away.

use std::time::Duration;

use custom_runtime::boundary::{Health, RuntimeState};
use custom_runtime::orchestrator::OrchestratorConfig;
use futures::StreamExt;
use serde_json::{Value, json};

use crate::support::{chat, demo, sse_frames, start};

/// The demo with `worker` pausing `ms` before each word.
fn slow(worker: &str, ms: u64) -> OrchestratorConfig {
    demo(|c| {
        for w in &mut c.workers {
            if w.id == worker {
                w.word_delay_ms = ms;
            }
        }
    })
}

#[tokio::test]
async fn a_failing_worker_is_a_503_and_health_and_state_say_so() {
    let running = start(OrchestratorConfig::demo()).await;
    running
        .orchestrator
        .mark_failing("scripted-coder", "marked failing")
        .unwrap();

    let refused = running
        .post(
            "/v1/chat/completions",
            &chat(json!({"role": "coder"}), &["hi"]),
        )
        .await;
    assert_eq!(refused.status, 503);
    assert_eq!(refused.content_type(), "application/json");
    assert_eq!(
        refused.text,
        r#"{"error":{"message":"worker scripted-coder failing: runtime degraded","type":"server_error","code":"worker_failing"}}"#
    );
    assert!(!refused.request_id().is_empty());
    // Other roles still answer.
    let main = running
        .post(
            "/v1/chat/completions",
            &chat(json!({"role": "main"}), &["hi"]),
        )
        .await;
    assert_eq!(main.status, 200);

    let health = running.get("/health").await;
    assert_eq!(health.status, 200);
    assert_eq!(health.body["status"], "degraded");
    assert_eq!(
        health.body["workers"]["scripted-coder"],
        json!({"ok": false, "reason": "marked failing"})
    );
    let read = Health::read(200, &health.body);
    assert_eq!(
        (read.summary().as_str(), read.failing_workers.clone()),
        (
            "degraded",
            vec![("scripted-coder".to_owned(), "marked failing".to_owned())]
        )
    );

    let state = running.state().await;
    assert_eq!(state["runtime"]["status"], "degraded");
    let coder = running.worker("scripted-coder").await;
    assert_eq!(
        (
            coder["health"].clone(),
            coder["failures"].clone(),
            coder["reason"].clone()
        ),
        (json!("failing"), json!(1), json!("marked failing"))
    );
    assert_eq!(
        RuntimeState::read(&state).failing_workers,
        ["scripted-coder"]
    );

    running.orchestrator.mark_healthy("scripted-coder").unwrap();
    assert_eq!(running.get("/health").await.body["status"], "ok");
    let again = running
        .post(
            "/v1/chat/completions",
            &chat(json!({"role": "coder"}), &["hi"]),
        )
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["route"]["workerHealth"], "ok");
    assert!(running.orchestrator.mark_failing("nobody", "x").is_err());
}

#[tokio::test]
async fn a_worker_failing_mid_stream_ends_it_with_an_error_event_and_no_done() {
    let running = start(slow("scripted-coder", 40)).await;
    let response = running
        .post_open(
            "/v1/chat/completions",
            &chat(
                json!({"role": "coder", "stream": true}),
                &["one two three four five six"],
            ),
        )
        .await;
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut text = String::new();
    // The route event and the role chunk, then the first word.
    while sse_frames(&text).len() < 3 {
        text.push_str(std::str::from_utf8(&body.next().await.unwrap().unwrap()).unwrap());
    }
    running
        .orchestrator
        .mark_failing("scripted-coder", "went away")
        .unwrap();
    while let Some(chunk) = body.next().await {
        text.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
    }
    let frames = sse_frames(&text);
    let (event, last) = frames.last().unwrap();
    assert_eq!(event, &None);
    assert_eq!(
        serde_json::from_str::<Value>(last).unwrap(),
        json!({"error": {"message": "worker scripted-coder failing: runtime degraded", "type": "server_error", "code": "worker_failing"}})
    );
    assert!(!text.contains("[DONE]"));
    assert_eq!(running.worker("scripted-coder").await["failures"], 1);
}

#[tokio::test]
async fn a_full_queue_is_a_429_and_state_shows_the_depth() {
    let running = start({
        let mut config = slow("scripted-reviewer", 100);
        config.max_queue_depth = 1;
        config
    })
    .await;
    let holding = running
        .post_open(
            "/v1/chat/completions",
            &chat(
                json!({"role": "reviewer", "stream": true}),
                &["a b c d e f g h"],
            ),
        )
        .await;
    assert_eq!(holding.status(), 200);
    let state = running.state().await;
    assert_eq!(
        (state["queueDepth"].clone(), state["maxQueueDepth"].clone()),
        (json!(1), json!(1))
    );
    let review_lane = state["lanes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "review")
        .unwrap();
    assert_eq!(review_lane["queueDepth"], 1);
    assert!(RuntimeState::read(&state).queue_full());

    let refused = running
        .post(
            "/v1/chat/completions",
            &chat(json!({"role": "main"}), &["me too"]),
        )
        .await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.headers["retry-after"], "1");
    assert_eq!(
        refused.body,
        json!({"error": {"message": "queue full: 1 requests in flight (maxQueueDepth 1); retry shortly",
                         "type": "rate_limit_error", "code": "queue_full"}})
    );
    // The documents never wait behind a completion.
    assert_eq!(running.get("/health").await.status, 200);

    let finished = holding.text().await.unwrap();
    assert!(finished.ends_with("data: [DONE]\n\n"));
    running
        .wait_for_state("an empty queue", |s| s["queueDepth"] == 0)
        .await;
    let after = running
        .post(
            "/v1/chat/completions",
            &chat(json!({"role": "main"}), &["now"]),
        )
        .await;
    assert_eq!(after.status, 200);
}

#[tokio::test]
async fn an_oversized_body_is_a_413_declared_or_streamed() {
    let running = start(demo(|c| c.max_body_bytes = 1024)).await;
    let big = "x".repeat(2000);
    let declared = running
        .post("/v1/chat/completions", &chat(json!({}), &[&big]))
        .await;
    assert_eq!(declared.status, 413);
    assert_eq!(
        declared.body,
        json!({"error": {"message": "the request body is larger than 1024 bytes", "type": "invalid_request_error", "code": "body_too_large"}})
    );
    // No content-length: the body is cut off while it is read.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..10).map(|_| Ok(vec![b' '; 200])).collect();
    let streamed = running
        .client
        .post(format!("{}/v1/chat/completions", running.url))
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), 413);

    // The default limit is 4 MiB.
    let running = start(OrchestratorConfig::demo()).await;
    let huge = running
        .post_bytes("/v1/chat/completions", vec![b' '; 4 * 1024 * 1024 + 1])
        .await;
    assert_eq!(huge.status, 413);
}

#[tokio::test]
async fn malformed_requests_are_400s_that_say_why() {
    let running = start(OrchestratorConfig::demo()).await;
    let not_json = running
        .post_bytes("/v1/chat/completions", b"{nope".to_vec())
        .await;
    assert_eq!(not_json.status, 400);
    assert_eq!(not_json.body["error"]["code"], "invalid_json");
    let no_messages = running
        .post("/v1/chat/completions", &json!({"model": "scripted-main"}))
        .await;
    assert_eq!(
        (
            no_messages.status.as_u16(),
            no_messages.body["error"]["message"].as_str()
        ),
        (400, Some("messages: an array of chat messages is required"))
    );
    let no_prompt = running.post("/v1/completions", &json!({"prompt": 3})).await;
    assert_eq!(no_prompt.status, 400);
}

#[tokio::test]
async fn a_client_that_goes_away_cancels_the_work() {
    let running = start(slow("scripted-main", 50)).await;
    // Streamed: read the first frames, then hang up.
    let response = running
        .post_open(
            "/v1/chat/completions",
            &chat(
                json!({"stream": true}),
                &["a b c d e f g h i j k l m n o p"],
            ),
        )
        .await;
    let mut body = response.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(first.starts_with(b"event: route"));
    drop(body);
    running
        .wait_for_state("the streamed run cancelled", |s| {
            s["workers"][0]["cancelled"] == 1
                && s["workers"][0]["running"] == 0
                && s["queueDepth"] == 0
        })
        .await;

    // Whole: give up before the answer (Claw3D's chat.abort does this).
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let gave_up = impatient
        .post(format!("{}/v1/chat/completions", running.url))
        .body(serde_json::to_vec(&chat(json!({}), &["a b c d e f g h i j k l m n o p"])).unwrap())
        .send()
        .await;
    assert!(gave_up.unwrap_err().is_timeout());
    let state = running
        .wait_for_state("the whole run cancelled", |s| {
            s["workers"][0]["cancelled"] == 2
                && s["workers"][0]["running"] == 0
                && s["queueDepth"] == 0
        })
        .await;
    assert_eq!(
        (
            state["workers"][0]["served"].clone(),
            state["workers"][0]["failures"].clone()
        ),
        (json!(0), json!(0))
    );
}

#[tokio::test]
async fn a_request_that_runs_too_long_times_out() {
    let running = start({
        let mut config = slow("scripted-main", 100);
        config.request_timeout_ms = 250;
        config
    })
    .await;
    let whole = running
        .post(
            "/v1/chat/completions",
            &chat(json!({}), &["a b c d e f g h"]),
        )
        .await;
    assert_eq!(whole.status, 504);
    assert_eq!(
        whole.body,
        json!({"error": {"message": "worker scripted-main did not finish within 250 ms", "type": "server_error", "code": "timeout"}})
    );
    let streamed = running
        .post(
            "/v1/chat/completions",
            &chat(json!({"stream": true}), &["a b c d e f g h"]),
        )
        .await;
    let frames = sse_frames(&streamed.text);
    assert_eq!(
        serde_json::from_str::<Value>(&frames.last().unwrap().1).unwrap()["error"]["code"],
        "timeout"
    );
    assert!(!streamed.text.contains("[DONE]"));
    let worker = running.worker("scripted-main").await;
    assert_eq!(
        (worker["failures"].clone(), worker["cancelled"].clone()),
        (json!(2), json!(0))
    );
}

#[tokio::test]
async fn shutdown_lets_a_running_stream_finish_then_refuses_connections() {
    let running = start(slow("scripted-main", 30)).await;
    let response = running
        .post_open(
            "/v1/chat/completions",
            &chat(json!({"stream": true}), &["a b c d"]),
        )
        .await;
    let url = running.url.clone();
    let stopping = tokio::spawn(running.server.shutdown());
    let text = response.text().await.unwrap();
    assert!(text.ends_with("data: [DONE]\n\n"), "{text}");
    stopping.await.unwrap().unwrap();
    let refused = running.client.get(format!("{url}/health")).send().await;
    assert!(refused.unwrap_err().is_connect());
}
