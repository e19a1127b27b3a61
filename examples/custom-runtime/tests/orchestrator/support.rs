//! Starting an orchestrator and talking to it.

use std::time::Duration;

use custom_runtime::orchestrator::{Orchestrator, OrchestratorConfig, Server};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// An orchestrator serving on an ephemeral port.
pub struct Running {
    pub orchestrator: Orchestrator,
    pub server: Server,
    pub url: String,
    pub client: reqwest::Client,
}

/// An answer: status, headers, body as JSON (`Value::Null` when it is not).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn request_id(&self) -> &str {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .expect("every answer has an x-request-id")
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// The demo, edited by `edit`.
pub fn demo(edit: impl FnOnce(&mut OrchestratorConfig)) -> OrchestratorConfig {
    let mut config = OrchestratorConfig::demo();
    edit(&mut config);
    config
}

pub async fn start(config: OrchestratorConfig) -> Running {
    let orchestrator = Orchestrator::new(config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = orchestrator.serve(listener).unwrap();
    let url = server.url();
    Running {
        orchestrator,
        server,
        url,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap(),
    }
}

impl Running {
    pub async fn get(&self, path: &str) -> Answer {
        answer(
            self.client
                .get(format!("{}{path}", self.url))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.post_bytes(path, serde_json::to_vec(body).unwrap())
            .await
    }

    pub async fn post_bytes(&self, path: &str, body: Vec<u8>) -> Answer {
        let response = self
            .client
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        answer(response).await
    }

    /// Starts a request and returns the response as soon as its headers
    /// are in (a stream to read, or to drop).
    pub async fn post_open(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).unwrap())
            .send()
            .await
            .unwrap()
    }

    pub async fn state(&self) -> Value {
        self.get("/state").await.body
    }

    /// The `/state` entry of worker `id`.
    pub async fn worker(&self, id: &str) -> Value {
        self.state().await["workers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["id"] == id)
            .cloned()
            .unwrap()
    }

    /// Polls `/state` until `done` holds (at most 10 s).
    pub async fn wait_for_state(&self, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..200 {
            let state = self.state().await;
            if done(&state) {
                return state;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("/state never showed {what}: {}", self.state().await);
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    Answer {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

/// A chat request body of user messages.
pub fn chat(extra: Value, messages: &[&str]) -> Value {
    let mut body = extra;
    body["messages"] = messages
        .iter()
        .map(|text| serde_json::json!({"role": "user", "content": text}))
        .collect();
    body
}

/// The frames of an SSE body: `(event name, data)`.
pub fn sse_frames(text: &str) -> Vec<(Option<String>, String)> {
    text.split("\n\n")
        .filter(|frame| !frame.trim().is_empty())
        .map(|frame| {
            let mut event = None;
            let mut data = Vec::new();
            for line in frame.lines() {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = Some(name.to_owned());
                } else if let Some(value) = line.strip_prefix("data: ") {
                    data.push(value);
                }
            }
            (event, data.join("\n"))
        })
        .collect()
}
