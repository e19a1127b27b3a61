//! The testkit's conformance kit on every built-in provider, with a
//! representative model of each (both APIs of OpenAI). The local servers'
//! catalogs are pointed at a loopback port nothing listens on, so no test
//! reaches a real server.

use std::time::Duration;

use clawkit_core::{Config, RuntimeBuilder};
use clawkit_http::{BuiltinTransports, HttpClient, HttpConfig};
use clawkit_providers::{anthropic, google, ollama, openai, openai_compatible};
use clawkit_testkit::Conformance;
use serde_json::json;

/// The idle timeout of the transports under test: short, so that a stalled
/// body times out quickly.
const IDLE: Duration = Duration::from_millis(300);

fn transports() -> BuiltinTransports {
    let mut config = HttpConfig::default();
    config.idle_timeout = IDLE;
    config.use_system_proxy = false;
    BuiltinTransports::new(HttpClient::with_config(config).unwrap())
}

/// The conformance checks of `model` with `plugin` and `config`.
fn conformance(
    model: &str,
    configure: impl Fn(RuntimeBuilder) -> RuntimeBuilder + 'static,
) -> Conformance {
    let transports = transports();
    Conformance::new(move |runtime| configure(runtime).transports(transports.clone()))
        .model(model)
        .idle_timeout(IDLE)
}

/// `models.providers.<id>.baseUrl` on a loopback port nothing listens on.
fn unreachable_base_url(provider: &str, path: &str) -> Config {
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    serde_json::from_value(json!({
        "models": {"providers": {provider: {"baseUrl": format!("http://127.0.0.1:{port}{path}")}}}
    }))
    .unwrap()
}

#[test]
fn openai_responses_conforms() {
    conformance("openai/gpt-5-mini", |runtime| {
        runtime.plugin(openai::plugin().unwrap())
    })
    .run();
}

#[test]
fn openai_chat_completions_conforms() {
    conformance("openai/gpt-4o-mini", |runtime| {
        runtime.plugin(openai::plugin().unwrap())
    })
    .run();
}

#[test]
fn anthropic_conforms() {
    conformance("anthropic/claude-sonnet-4-5", |runtime| {
        runtime.plugin(anthropic::plugin().unwrap())
    })
    .run();
}

#[test]
fn google_conforms() {
    conformance("google/gemini-2.5-flash", |runtime| {
        runtime.plugin(google::plugin().unwrap())
    })
    .run();
}

#[test]
fn ollama_conforms() {
    let config = unreachable_base_url("ollama", "");
    conformance("ollama/llama3.2", move |runtime| {
        runtime
            .plugin(ollama::plugin().unwrap())
            .config(config.clone())
    })
    .run();
}

#[test]
fn openai_compatible_conforms() {
    let config = unreachable_base_url("openai-compatible", "/v1");
    conformance("openai-compatible/qwen2.5-7b-instruct", move |runtime| {
        runtime
            .plugin(openai_compatible::plugin().unwrap())
            .config(config.clone())
    })
    .run();
}
