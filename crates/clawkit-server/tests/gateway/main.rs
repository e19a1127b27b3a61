//! The gateway driven over real HTTP: a testkit `ScriptedServer` plays the
//! upstream provider, the gateway listens on 127.0.0.1 port 0, and a plain
//! reqwest client speaks OpenAI's Chat Completions to it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cancel;
mod chat;
mod errors;
mod faults;
mod models;
mod roundtrip;
mod sidecar;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use clawkit_core::{Env, Runtime};
use clawkit_http::{BuiltinTransports, HttpClient, HttpConfig};
use clawkit_server::{Gateway, GatewayLimits, RequestLog, Server};
use clawkit_testkit::{Script, ScriptedServer};
use serde_json::{Value, json};

/// The key the upstream expects; never in anything the client sees.
pub(crate) const ACME_KEY: &str = "sk-acme-canary-0123456789abcdef";
/// Anthropic's, for the Anthropic dialect.
pub(crate) const ANTHROPIC_KEY: &str = "sk-ant-canary-0123456789abcdef";

/// Transports with `config` and no system proxy (the servers are on 127.0.0.1).
pub(crate) fn transports(config: HttpConfig) -> BuiltinTransports {
    BuiltinTransports::new(HttpClient::with_config(config.with_system_proxy(false)).unwrap())
}

/// The built-in providers and acme-ai, reading keys from `env`.
pub(crate) fn runtime(env: Env) -> Arc<Runtime> {
    runtime_with(
        env,
        HttpConfig::default().with_idle_timeout(Duration::from_secs(30)),
    )
}

/// The built-in providers and acme-ai on transports with `config`,
/// reading keys from `env`.
pub(crate) fn runtime_with(env: Env, config: HttpConfig) -> Arc<Runtime> {
    let mut builder = Runtime::builder().env(env).transports(transports(config));
    for plugin in clawkit_providers::builtin_plugins().unwrap() {
        builder = builder.plugin(plugin);
    }
    Arc::new(builder.plugin(acme_ai::plugin().unwrap()).build().unwrap())
}

/// Both keys set.
pub(crate) fn keys() -> Env {
    Env::new()
        .with("ACME_AI_API_KEY", ACME_KEY)
        .with("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
}

/// An upstream, a gateway in front of it, and a client.
pub(crate) struct Fixture {
    pub(crate) upstream: ScriptedServer,
    pub(crate) server: Option<Server>,
    pub(crate) base: String,
    pub(crate) client: reqwest::Client,
    pub(crate) logs: Arc<Mutex<Vec<RequestLog>>>,
}

impl Fixture {
    /// acme-ai and anthropic sent to `scripts`, default limits.
    pub(crate) async fn start(scripts: Vec<Script>) -> Fixture {
        Fixture::with(scripts, GatewayLimits::default(), keys()).await
    }

    pub(crate) async fn with(scripts: Vec<Script>, limits: GatewayLimits, env: Env) -> Fixture {
        let upstream = ScriptedServer::start(scripts).await.unwrap();
        let url = upstream.url("/v1");
        Fixture::serving(upstream, [&url, &url], runtime(env), limits).await
    }

    /// A gateway running `runtime`, acme-ai and anthropic sent to `urls`
    /// (in that order); `upstream` is kept for its requests.
    pub(crate) async fn serving(
        upstream: ScriptedServer,
        urls: [&str; 2],
        runtime: Arc<Runtime>,
        limits: GatewayLimits,
    ) -> Fixture {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&logs);
        let gateway = Gateway::new(runtime)
            .with_limits(limits)
            .with_base_url("acme-ai", urls[0].parse().unwrap())
            .with_base_url("anthropic", urls[1].parse().unwrap())
            .on_request(move |log| seen.lock().unwrap().push(log.clone()));
        let server = Server::bind(&gateway, "127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", server.local_addr());
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        Fixture {
            upstream,
            server: Some(server),
            base,
            client,
            logs,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs `body` to `/v1/chat/completions`.
    pub(crate) async fn post(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/v1/chat/completions"))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    /// The log records so far.
    pub(crate) fn logs(&self) -> Vec<RequestLog> {
        self.logs.lock().unwrap().clone()
    }
}

/// A one-message request for `model`.
pub(crate) fn ask(model: &str, stream: bool) -> Value {
    json!({
        "model": model,
        "messages": [{"role": "user", "content": "Where does the red basket go?"}],
        "stream": stream,
    })
}

/// A response's JSON body, after checking its status.
pub(crate) async fn json_body(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status);
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The `data:` payloads of an SSE body, in order.
pub(crate) fn data_lines(body: &str) -> Vec<String> {
    body.split("\n\n")
        .filter(|frame| !frame.trim().is_empty())
        .map(|frame| {
            frame
                .strip_prefix("data: ")
                .unwrap_or_else(|| panic!("not a data frame: {frame:?}"))
                .to_owned()
        })
        .collect()
}

/// An SSE body's chunks with their ids and timestamps redacted, one JSON
/// object per line (`[DONE]` as it is), for snapshots.
pub(crate) fn redacted(body: &str) -> String {
    let lines: Vec<String> = data_lines(body)
        .into_iter()
        .map(|line| match serde_json::from_str::<Value>(&line) {
            Ok(mut chunk) => {
                if chunk.get("id").is_some() {
                    chunk["id"] = json!("[id]");
                }
                if chunk.get("created").is_some() {
                    chunk["created"] = json!("[created]");
                }
                chunk.to_string()
            }
            Err(_) => line,
        })
        .collect();
    lines.join("\n")
}

/// An OpenAI-compatible SSE body from chunk payloads.
pub(crate) fn sse(chunks: &[Value]) -> String {
    let mut body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    body.push_str("data: [DONE]\n\n");
    body
}

/// Waits up to five seconds for `done`.
pub(crate) async fn eventually(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}
