//! The gateway as a host's sidecar: keys from each request, and
//! provider-scoped routes whose model ids stay bare.

use clawkit_core::Env;
use clawkit_server::{Gateway, Server};
use clawkit_testkit::{Script, ScriptedServer};
use serde_json::{Value, json};

use crate::{data_lines, json_body, runtime, sse};

/// The key the host resolved and sends per request.
const HOST_KEY: &str = "sk-host-canary-0123456789abcdef";

fn answer() -> String {
    let chunk = |delta: Value, finish: Value| {
        json!({"id": "chatcmpl-up", "object": "chat.completion.chunk", "created": 1,
               "model": "acme-large", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    };
    sse(&[
        chunk(
            json!({"role": "assistant", "content": "Put it in the blue bas"}),
            Value::Null,
        ),
        chunk(json!({"content": "ket."}), json!("stop")),
    ])
}

/// The request log lines of a gateway, as `clawkit serve` prints them.
type Logged = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// A sidecar gateway (no key in its environment) in front of `scripts`.
async fn sidecar(scripts: Vec<Script>) -> (ScriptedServer, Server, String, reqwest::Client) {
    let (upstream, server, base, client, _) = logged_sidecar(scripts).await;
    (upstream, server, base, client)
}

async fn logged_sidecar(
    scripts: Vec<Script>,
) -> (ScriptedServer, Server, String, reqwest::Client, Logged) {
    let upstream = ScriptedServer::start(scripts).await.unwrap();
    let logged = Logged::default();
    let lines = std::sync::Arc::clone(&logged);
    let gateway = Gateway::new(runtime(Env::new()))
        .with_request_keys(true)
        .with_base_url("acme-ai", upstream.url("/v1").parse().unwrap())
        .on_request(move |log| lines.lock().unwrap().push(log.to_string()));
    let server = Server::bind(&gateway, "127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", server.local_addr());
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    (upstream, server, base, client, logged)
}

/// A whole (not streamed) chat completion for `model`, with the host's key.
async fn post_with_key(
    client: &reqwest::Client,
    url: impl reqwest::IntoUrl,
    model: &str,
) -> reqwest::Response {
    client
        .post(url)
        .bearer_auth(HOST_KEY)
        .json(&ask(model, false))
        .send()
        .await
        .unwrap()
}

fn ask(model: &str, stream: bool) -> Value {
    json!({"model": model, "stream": stream,
           "messages": [{"role": "user", "content": "put it in the red basket"}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_request_brings_its_key_and_a_bare_model_id() {
    let (upstream, _server, base, client) =
        sidecar(vec![Script::sse(answer()), Script::sse(answer())]).await;
    let url = format!("{base}/providers/acme-ai/v1/chat/completions");

    let response = post_with_key(&client, &url, "acme-large").await;
    let body = json_body(response, 200).await;
    // The Rust hooks ran: Acme's "blue basket" is the user's "red basket".
    assert_eq!(
        body["choices"][0]["message"]["content"],
        "Put it in the red basket."
    );
    assert_eq!(body["model"], "acme-large", "named as the client named it");
    let sent = &upstream.requests()[0];
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {HOST_KEY}").as_str())
    );
    assert_eq!(sent.json()["model"], "acme-large");
    assert!(
        sent.json()["messages"][0]["content"]
            .to_string()
            .contains("blue basket")
    );

    // Streamed, with the full model ref and the key in x-api-key.
    let response = client
        .post(&url)
        .header("x-api-key", HOST_KEY)
        .json(&ask("acme-ai/acme-large", true))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text: String = data_lines(&response.text().await.unwrap())
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|chunk| {
            chunk["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(text, "Put it in the red basket.");
    assert_eq!(
        upstream.requests()[1].header("authorization"),
        Some(format!("Bearer {HOST_KEY}").as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_key_or_with_an_unknown_provider_nothing_goes_upstream() {
    let (upstream, _server, base, client) = sidecar(vec![Script::sse(answer())]).await;
    let response = client
        .post(format!("{base}/providers/acme-ai/v1/chat/completions"))
        .json(&ask("acme-large", false))
        .send()
        .await
        .unwrap();
    let body = json_body(response, 401).await;
    assert_eq!(body["error"]["code"], "missing_api_key");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer")
    );

    let response = post_with_key(
        &client,
        format!("{base}/providers/nope/v1/chat/completions"),
        "acme-large",
    )
    .await;
    let body = json_body(response, 404).await;
    assert_eq!(body["error"]["code"], "model_not_found");
    assert!(upstream.requests().is_empty());
    assert!(!body.to_string().contains(HOST_KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_s_models_are_listed_with_bare_ids() {
    let (_upstream, _server, base, client) = sidecar(vec![]).await;
    let response = client
        .get(format!("{base}/providers/acme-ai/v1/models"))
        .send()
        .await
        .unwrap();
    let body = json_body(response, 200).await;
    let ids: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"acme-large"), "{ids:?}");
    assert!(ids.iter().all(|id| !id.contains('/')), "{ids:?}");
    assert!(
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row["owned_by"] == "acme-ai")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_s_key_is_in_no_log_line_and_no_error_it_comes_back_in() {
    let echoed = json!({"error": {"message": format!("Incorrect API key provided: {HOST_KEY}"),
                                  "type": "invalid_request_error", "code": "invalid_api_key"}});
    let (upstream, _server, base, client, logged) = logged_sidecar(vec![
        Script::sse(answer()),
        Script::json(401, echoed.to_string()),
    ])
    .await;
    let url = format!("{base}/providers/acme-ai/v1/chat/completions");
    let ok = post_with_key(&client, &url, "acme-large").await;
    json_body(ok, 200).await;
    let refused = post_with_key(&client, &url, "acme-large").await;
    let body = json_body(refused, 401).await;
    assert_eq!(upstream.requests().len(), 2);
    assert!(!body.to_string().contains(HOST_KEY), "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Incorrect API key provided"),
        "{body}"
    );
    let lines = logged.lock().unwrap().clone();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines.iter().all(|line| !line.contains(HOST_KEY)),
        "{lines:?}"
    );
}
