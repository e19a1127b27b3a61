//! A client that leaves, and a server that stops: the upstream request is
//! cancelled, never left running.

use std::time::Duration;

use clawkit_server::GatewayLimits;
use clawkit_testkit::Script;
use futures::StreamExt;
use serde_json::{Value, json};

use crate::{Fixture, ask, data_lines, eventually, keys, sse};

/// An answer that sends one delta, then stalls for ten seconds (the
/// scripted server notices a client closing the connection meanwhile).
fn stalling() -> Script {
    let body = sse(&[
        json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hello"}}]}),
        json!({"choices": [{"index": 0, "delta": {"content": " again"}}]}),
    ]);
    let first = body.find("\n\n").unwrap() + 2;
    Script::sse(body).stall_at(first, Duration::from_secs(10))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_leaves_a_stream_cancels_the_upstream_request() {
    let fixture = Fixture::start(vec![stalling()]).await;
    let response = fixture.post(&ask("acme-ai/acme-large", true)).await;
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("Hello") {
        let bytes = body.next().await.unwrap().unwrap();
        seen.push_str(std::str::from_utf8(&bytes).unwrap());
    }
    assert_eq!(fixture.upstream.closed_by_client(), 0);
    // The client hangs up mid-answer.
    drop(body);
    eventually("the upstream to see its connection closed", || {
        fixture.upstream.closed_by_client() == 1
    })
    .await;
    eventually("the log record", || !fixture.logs().is_empty()).await;
    assert_eq!(fixture.logs()[0].outcome, "client_closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_leaves_a_whole_answer_cancels_it_too() {
    let fixture = Fixture::start(vec![stalling()]).await;
    let impatient = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let gave_up = impatient
        .post(fixture.url("/v1/chat/completions"))
        .body(ask("acme-ai/acme-large", false).to_string())
        .send()
        .await;
    assert!(gave_up.unwrap_err().is_timeout());
    eventually("the upstream to see its connection closed", || {
        fixture.upstream.closed_by_client() == 1
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_a_stream_finish_within_the_grace_then_cancels_it() {
    let mut fixture = Fixture::with(vec![stalling()], GatewayLimits::default(), keys()).await;
    let response = fixture.post(&ask("acme-ai/acme-large", true)).await;
    assert_eq!(response.status(), 200);
    let reading = tokio::spawn(async move { response.text().await.unwrap() });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let server = fixture.server.take().unwrap();
    server.shutdown(Duration::from_millis(200)).await.unwrap();
    let text = reading.await.unwrap();
    let last: Value = serde_json::from_str(data_lines(&text).last().unwrap()).unwrap();
    assert_eq!(last["error"]["code"], "shutting_down", "{text}");
    eventually("the upstream to see its connection closed", || {
        fixture.upstream.closed_by_client() == 1
    })
    .await;
    // No new connection is accepted.
    let refused = fixture.client.get(fixture.url("/v1/models")).send().await;
    assert!(refused.is_err());
}
