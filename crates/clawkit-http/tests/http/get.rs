//! `HttpClient::get_json`: a bounded GET against scripted servers.

use std::time::Duration;

use clawkit_core::Headers;
use clawkit_http::{HttpClient, HttpConfig, HttpErrorKind};
use clawkit_testkit::{Script, ScriptedServer};
use serde::Deserialize;
use serde_json::Value;

const CAP: usize = 4 * 1024;

#[derive(Debug, Deserialize, PartialEq)]
struct Models {
    data: Vec<Model>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Model {
    id: String,
}

fn bearer(key: &str) -> Headers {
    Headers::from([("Authorization", format!("Bearer {key}"))])
}

fn url(server: &ScriptedServer, path: &str) -> url::Url {
    server.url(path).parse().unwrap()
}

fn quick() -> HttpConfig {
    let mut config = HttpConfig::default();
    config.connect_timeout = Duration::from_millis(500);
    config.first_byte_timeout = Duration::from_millis(300);
    config.idle_timeout = Duration::from_millis(300);
    config
}

#[tokio::test]
async fn a_json_answer_is_read_into_a_typed_value() {
    let server = ScriptedServer::start(vec![
        Script::json(200, r#"{"data":[{"id":"m1"},{"id":"m2"}]}"#).split_every(5),
    ])
    .await
    .unwrap();
    let models: Models = HttpClient::new()
        .unwrap()
        .get_json(
            "acme",
            &url(&server, "/v1/models"),
            &bearer(crate::KEY),
            CAP,
        )
        .await
        .unwrap();
    assert_eq!(
        models
            .data
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        ["m1", "m2"]
    );
    let sent = &server.requests()[0];
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.path, "/v1/models");
    assert_eq!(sent.header("accept"), Some("application/json"));
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {}", crate::KEY).as_str())
    );
    assert_eq!(sent.header("content-type"), None);
    assert!(sent.body.is_empty());
}

#[tokio::test]
async fn the_callers_accept_header_is_kept() {
    let server = ScriptedServer::start(vec![Script::json(200, "{}")])
        .await
        .unwrap();
    let headers = Headers::from([("accept", "application/vnd.acme+json")]);
    let _: Value = HttpClient::new()
        .unwrap()
        .get_json("acme", &url(&server, "/x"), &headers, CAP)
        .await
        .unwrap();
    let sent = &server.requests()[0];
    let accepts: Vec<&str> = sent
        .headers
        .iter()
        .filter(|(name, _)| name == "accept")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(accepts, ["application/vnd.acme+json"]);
}

#[tokio::test]
async fn an_error_status_keeps_status_and_request_id_and_never_the_key() {
    let echoed = format!(
        r#"{{"error":{{"message":"bad key {} for Bearer {}","type":"invalid_request_error"}}}}"#,
        crate::KEY,
        crate::KEY
    );
    let server = ScriptedServer::start(vec![
        Script::json(401, echoed).header("x-request-id", "req_get_1"),
    ])
    .await
    .unwrap();
    let error = HttpClient::new()
        .unwrap()
        .get_json::<Value>(
            "acme",
            &url(&server, "/v1/models"),
            &bearer(crate::KEY),
            CAP,
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Status);
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.request_id(), Some("req_get_1"));
    let shown = format!("{error} {error:?} {}", error.body().unwrap_or(""));
    assert!(!shown.contains(crate::KEY), "{shown}");
    assert!(
        error
            .to_string()
            .starts_with("acme (401): bad key [redacted]"),
        "{error}"
    );
}

#[tokio::test]
async fn a_secret_that_does_not_look_like_a_key_is_scrubbed_too() {
    let token = "local-proxy-token-42";
    let server = ScriptedServer::start(vec![Script::json(
        500,
        format!("upstream refused token {token}"),
    )])
    .await
    .unwrap();
    let error = HttpClient::new()
        .unwrap()
        .get_json::<Value>("acme", &url(&server, "/x"), &bearer(token), CAP)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(500));
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(token), "{shown}");
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused_without_reading_it_all() {
    let big = format!(r#"{{"data":[{{"id":"{}"}}]}}"#, "x".repeat(CAP * 4));
    let server = ScriptedServer::start(vec![Script::json(200, big).split_every(512)])
        .await
        .unwrap();
    let error = HttpClient::new()
        .unwrap()
        .get_json::<Models>("acme", &url(&server, "/v1/models"), &Headers::new(), CAP)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::BodyTooLarge);
    assert_eq!(
        error.to_string(),
        format!("acme: JSON response exceeds {CAP} bytes")
    );
}

#[tokio::test]
async fn garbage_and_the_wrong_shape_are_decode_errors() {
    for body in ["<html>not json", r#"{"data":"m1"}"#] {
        let server = ScriptedServer::start(vec![Script::json(200, body)])
            .await
            .unwrap();
        let error = HttpClient::new()
            .unwrap()
            .get_json::<Models>("acme", &url(&server, "/"), &Headers::new(), CAP)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), HttpErrorKind::Decode, "{body}");
        assert_eq!(error.to_string(), "acme: malformed JSON response");
    }
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_first_byte_timeout() {
    let server = ScriptedServer::start(vec![
        Script::json(200, "{}").delay_head(Duration::from_secs(10)),
    ])
    .await
    .unwrap();
    let started = std::time::Instant::now();
    let error = HttpClient::with_config(quick())
        .unwrap()
        .get_json::<Value>("acme", &url(&server, "/"), &Headers::new(), CAP)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::FirstByteTimeout);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_body_that_stalls_hits_the_idle_timeout() {
    let server = ScriptedServer::start(vec![
        Script::json(200, r#"{"data":[{"id":"m1"}]}"#).stall_at(4, Duration::from_secs(10)),
    ])
    .await
    .unwrap();
    let error = HttpClient::with_config(quick())
        .unwrap()
        .get_json::<Models>("acme", &url(&server, "/"), &Headers::new(), CAP)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::IdleTimeout);
}

#[tokio::test]
async fn an_unreachable_server_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let target: url::Url = format!("http://127.0.0.1:{port}/v1/models?key=AIzaQUERYSECRET")
        .parse()
        .unwrap();
    let error = HttpClient::with_config(quick())
        .unwrap()
        .get_json::<Value>("acme", &target, &Headers::new(), CAP)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Connect);
    assert!(!error.to_string().contains("AIzaQUERYSECRET"), "{error}");
    assert!(
        error.to_string().to_lowercase().contains("refused"),
        "the cause says what to fix: {error}"
    );
}

#[tokio::test]
async fn a_host_outside_the_allowlist_is_never_contacted() {
    let server = ScriptedServer::start(vec![Script::json(200, "{}")])
        .await
        .unwrap();
    let mut config = HttpConfig::default();
    config.host_allowlist = Some(vec!["api.acme.example".to_owned()]);
    let error = HttpClient::with_config(config)
        .unwrap()
        .get_json::<Value>("acme", &url(&server, "/"), &Headers::new(), CAP)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Blocked);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn redirects_follow_the_clients_rules() {
    let target = ScriptedServer::start(vec![Script::json(200, r#"{"data":[{"id":"m1"}]}"#)])
        .await
        .unwrap();
    let moved = |to: String| Script::json(302, "").header("Location", to);
    let hop = ScriptedServer::start(vec![moved(target.url("/v1/models"))])
        .await
        .unwrap();

    // Followed within the limit.
    let models: Models = HttpClient::new()
        .unwrap()
        .get_json("acme", &url(&hop, "/old"), &Headers::new(), CAP)
        .await
        .unwrap();
    assert_eq!(models.data[0].id, "m1");

    // Refused when no redirect is allowed.
    let mut none = HttpConfig::default();
    none.max_redirects = 0;
    let error = HttpClient::with_config(none)
        .unwrap()
        .get_json::<Models>("acme", &url(&hop, "/old"), &Headers::new(), CAP)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Redirect);

    // Refused when it leaves the allowlist (localhost is not 127.0.0.1).
    let elsewhere = ScriptedServer::start(vec![moved(
        target.url("/v1/models").replace("127.0.0.1", "localhost"),
    )])
    .await
    .unwrap();
    let mut allowlisted = HttpConfig::default();
    allowlisted.host_allowlist = Some(vec!["127.0.0.1".to_owned()]);
    let error = HttpClient::with_config(allowlisted)
        .unwrap()
        .get_json::<Models>("acme", &url(&elsewhere, "/old"), &Headers::new(), CAP)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Blocked);
}
