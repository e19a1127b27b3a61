//! Errors in OpenAI's shape: the request's, the gateway's limits', the
//! upstream's (before and after the stream started).

use std::time::Duration;

use clawkit_core::{Env, ModelApi};
use clawkit_server::GatewayLimits;
use clawkit_testkit::{Recorded, Script};
use serde_json::{Value, json};

use crate::{ACME_KEY, Fixture, ask, data_lines, json_body, keys};

/// The `error` member, after checking it has OpenAI's four fields and no key.
fn error_of(body: &Value) -> &Value {
    let error = &body["error"];
    for field in ["message", "type", "param", "code"] {
        assert!(error.get(field).is_some(), "no {field} in {body}");
    }
    assert!(!body.to_string().contains(ACME_KEY), "{body}");
    error
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_is_413_declared_or_not() {
    let limits = GatewayLimits::default().with_max_body_bytes(1024);
    let fixture = Fixture::with(vec![Script::sse("")], limits, keys()).await;
    let mut big = ask("acme-ai/acme-large", false);
    big["messages"][0]["content"] = json!("x".repeat(4096));
    let declared = json_body(fixture.post(&big).await, 413).await;
    assert_eq!(error_of(&declared)["code"], "request_too_large");
    assert_eq!(
        error_of(&declared)["message"],
        "the request body is larger than 1024 bytes"
    );
    // Chunked: no Content-Length, the limit is kept while reading.
    let pieces: Vec<Result<String, std::io::Error>> = big
        .to_string()
        .as_bytes()
        .chunks(512)
        .map(|c| Ok(String::from_utf8(c.to_vec()).unwrap()))
        .collect();
    let chunked = fixture
        .client
        .post(fixture.url("/v1/chat/completions"))
        .body(reqwest::Body::wrap_stream(futures::stream::iter(pieces)))
        .send()
        .await
        .unwrap();
    let chunked = json_body(chunked, 413).await;
    assert_eq!(error_of(&chunked)["code"], "request_too_large");
    assert!(fixture.upstream.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_request_is_400_naming_the_pointer() {
    let fixture = Fixture::start(vec![Script::sse("")]).await;
    let not_json = fixture
        .client
        .post(fixture.url("/v1/chat/completions"))
        .body("{\"model\": ")
        .send()
        .await
        .unwrap();
    let not_json = json_body(not_json, 400).await;
    assert_eq!(
        error_of(&not_json)["message"],
        "the body is not valid JSON: EOF while parsing a value at line 1, column 10"
    );
    assert_eq!(error_of(&not_json)["code"], "invalid_json");

    let secret = "sk-in-the-arguments-0123456789";
    let bad = json!({
        "model": "acme-ai/acme-large",
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "tool_calls": [{"id": "c", "type": "function",
              "function": {"name": "f", "arguments": format!("{{\"key\": \"{secret}\"")}}]}
        ]
    });
    let bad = json_body(fixture.post(&bad).await, 400).await;
    let error = error_of(&bad);
    assert_eq!(error["type"], "invalid_request_error");
    assert_eq!(
        error["param"],
        "/messages/1/tool_calls/0/function/arguments"
    );
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "at /messages/1/tool_calls/0/function/arguments: the arguments string is not valid JSON: "
        ),
        "{message}"
    );
    assert!(!message.contains(secret));
    assert!(fixture.upstream.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_provider_or_model_is_404_model_not_found() {
    let fixture = Fixture::start(vec![Script::sse("")]).await;
    for model in ["nope/some-model", "no-such-bare-model"] {
        let body = json_body(fixture.post(&ask(model, true)).await, 404).await;
        let error = error_of(&body);
        assert_eq!(error["code"], "model_not_found");
        assert_eq!(error["param"], "/model");
        assert_eq!(error["type"], "invalid_request_error");
    }
    let body = json_body(fixture.post(&ask("nope/some-model", false)).await, 404).await;
    assert!(
        error_of(&body)["message"]
            .as_str()
            .unwrap()
            .starts_with("unknown provider \"nope\""),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_key_is_401_naming_the_env_var() {
    let fixture = Fixture::with(vec![Script::sse("")], GatewayLimits::default(), Env::new()).await;
    let body = json_body(fixture.post(&ask("acme-ai/acme-large", false)).await, 401).await;
    let error = error_of(&body);
    assert_eq!(error["type"], "authentication_error");
    assert_eq!(error["code"], "missing_api_key");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("ACME_AI_API_KEY"),
        "{body}"
    );
    assert!(fixture.upstream.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_error_status_passes_through_with_its_request_id() {
    let limited = json!({"error": {"message": format!("Rate limit reached for key {ACME_KEY}"),
                                   "type": "requests", "code": "rate_limit_exceeded"}});
    let scripts = vec![
        Script::json(429, limited.to_string()).header("x-request-id", "req_429"),
        Script::json(429, limited.to_string()).header("x-request-id", "req_429"),
        Script::json(500, "{\"error\": {\"message\": \"boom\"}}").header("request-id", "req_500"),
        Script::json(500, "{\"error\": {\"message\": \"boom\"}}").header("request-id", "req_500"),
        Script::json(503, "upstream overloaded"),
    ];
    let fixture = Fixture::start(scripts).await;
    // Streamed or not: the error comes before the first byte of the
    // stream, so it is an HTTP status, not an event.
    for (stream, status, request_id, code) in [
        (false, 429, Some("req_429"), "rate_limit"),
        (true, 429, Some("req_429"), "rate_limit"),
        (false, 500, Some("req_500"), "server"),
        (true, 500, Some("req_500"), "server"),
        (false, 503, None, "server"),
    ] {
        let response = fixture.post(&ask("acme-ai/acme-large", stream)).await;
        assert_eq!(
            response
                .headers()
                .get("x-request-id")
                .map(|v| v.to_str().unwrap()),
            request_id
        );
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "application/json"
        );
        let body = json_body(response, status).await;
        let error = error_of(&body);
        assert_eq!(error["code"], code, "{body}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("acme-ai ({status})")),
            "{message}"
        );
    }
    let body = json_body(fixture.post(&ask("acme-ai/acme-large", false)).await, 503).await;
    assert_eq!(error_of(&body)["type"], "server_error");
    let limited = fixture.logs()[0].clone();
    assert_eq!(
        (
            limited.status,
            limited.outcome.as_str(),
            limited.request_id.as_deref()
        ),
        (429, "rate_limit", Some("req_429"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_after_the_stream_started_is_its_last_event() {
    let fixture = Fixture::start(vec![
        Recorded::StreamError
            .script(&ModelApi::OpenAiCompletions)
            .unwrap(),
    ])
    .await;
    let response = fixture.post(&ask("acme-ai/acme-large", true)).await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    let lines = data_lines(&body);
    assert!(!lines.contains(&"[DONE]".to_owned()), "{body}");
    let last: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(
        last,
        json!({"error": {"message": "acme-ai: stream failed after output [type=server_error]",
                         "type": "server_error", "param": null, "code": "server"}})
    );
    let text: String = lines[..lines.len() - 1]
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter_map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(text, "Hello", "what came before the error was sent");
    crate::eventually("the log record", || !fixture.logs().is_empty()).await;
    assert_eq!(fixture.logs()[0].outcome, "server");

    // Not streamed, the same failure is a whole error response.
    let fixture = Fixture::start(vec![
        Recorded::StreamError
            .script(&ModelApi::OpenAiCompletions)
            .unwrap(),
    ])
    .await;
    let body = json_body(fixture.post(&ask("acme-ai/acme-large", false)).await, 502).await;
    assert_eq!(error_of(&body)["code"], "server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_before_the_first_output_is_an_error_status() {
    // The upstream answers 200, then its first event is an error.
    let rate_limited = Script::sse(
        "data: {\"error\": {\"message\": \"Rate limit reached for requests\", \"type\": \"rate_limit_error\", \"code\": \"rate_limit_exceeded\"}}\n\n",
    )
    .header("x-request-id", "req_in_stream");
    let fixture = Fixture::start(vec![rate_limited]).await;
    let response = fixture.post(&ask("acme-ai/acme-large", true)).await;
    assert_eq!(
        response.headers().get("x-request-id").unwrap(),
        "req_in_stream"
    );
    let body = json_body(response, 429).await;
    assert_eq!(error_of(&body)["type"], "rate_limit_error");
    assert_eq!(error_of(&body)["code"], "rate_limit");
    crate::eventually("the log record", || !fixture.logs().is_empty()).await;
    assert_eq!(fixture.logs()[0].status, 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_turn_over_the_limit_is_429_at_once() {
    let stalled = stalled_after_its_first_event(Duration::from_secs(10));
    let limits = GatewayLimits::default().with_max_concurrent_streams(1);
    let fixture = Fixture::with(vec![stalled], limits, keys()).await;
    let first = fixture.post(&ask("acme-ai/acme-large", true)).await;
    assert_eq!(first.status(), 200);
    let second = fixture.post(&ask("acme-ai/acme-large", true)).await;
    assert_eq!(second.headers().get("retry-after").unwrap(), "1");
    let body = json_body(second, 429).await;
    assert_eq!(error_of(&body)["code"], "concurrency_limit_exceeded");
    assert_eq!(error_of(&body)["type"], "rate_limit_error");
    assert_eq!(fixture.upstream.requests().len(), 1);
    // The slot is free again once the first client leaves.
    drop(first);
    crate::eventually("the slot to free", || {
        fixture.upstream.closed_by_client() == 1
    })
    .await;
    let third = fixture.post(&ask("acme-ai/acme-large", true)).await;
    assert_eq!(third.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_its_deadline_is_504_or_a_timeout_event() {
    let limits = GatewayLimits::default().with_request_timeout(Duration::from_millis(300));
    let slow_head = Script::sse("data: [DONE]\n\n").delay_head(Duration::from_secs(5));
    // The head, then nothing: no event before the deadline.
    let slow_first_event = Script::sse(crate::sse(&[
        json!({"choices": [{"index": 0, "delta": {"content": "a"}}]}),
    ]))
    .stall_at(10, Duration::from_secs(5));
    let slow_body = stalled_after_its_first_event(Duration::from_secs(5));
    let fixture = Fixture::with(vec![slow_head, slow_first_event, slow_body], limits, keys()).await;
    for _ in 0..2 {
        let body = json_body(fixture.post(&ask("acme-ai/acme-large", true)).await, 504).await;
        assert_eq!(error_of(&body)["code"], "timeout");
        assert_eq!(error_of(&body)["type"], "timeout_error");
    }

    // Past the upstream's first event the answer is committed: the
    // deadline is its last event.
    let response = fixture.post(&ask("acme-ai/acme-large", true)).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let last: Value = serde_json::from_str(data_lines(&text).last().unwrap()).unwrap();
    assert_eq!(last["error"]["code"], "timeout", "{text}");
    // Every upstream request was cancelled, not left running.
    crate::eventually("the upstream to see the cancels", || {
        fixture.upstream.closed_by_client() == 3
    })
    .await;
}

/// A stream that sends one text delta, then stalls for `stall`.
fn stalled_after_its_first_event(stall: Duration) -> Script {
    let body = crate::sse(&[json!({"choices": [{"index": 0, "delta": {"content": "a"}}]})]);
    let first_event_ends = body.find("\n\n").unwrap() + 2;
    Script::sse(body).stall_at(first_event_ends, stall)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_does_not_arrive_in_time_is_408() {
    let limits = GatewayLimits::default().with_request_timeout(Duration::from_millis(300));
    let fixture = Fixture::with(vec![Script::sse("")], limits, keys()).await;
    let first: Result<&'static str, std::io::Error> = Ok("{\"model\": ");
    let slow =
        futures::StreamExt::chain(futures::stream::iter([first]), futures::stream::pending());
    let response = fixture
        .client
        .post(fixture.url("/v1/chat/completions"))
        .body(reqwest::Body::wrap_stream(slow))
        .send()
        .await
        .unwrap();
    let body = json_body(response, 408).await;
    assert_eq!(error_of(&body)["code"], "timeout");
    assert!(fixture.upstream.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_path_no_route_serves_is_an_openai_404() {
    let fixture = Fixture::start(vec![Script::sse("")]).await;
    let response = fixture
        .client
        .get(fixture.url("/v1/embeddings"))
        .send()
        .await
        .unwrap();
    let body = json_body(response, 404).await;
    assert_eq!(error_of(&body)["code"], "unknown_url");
}
