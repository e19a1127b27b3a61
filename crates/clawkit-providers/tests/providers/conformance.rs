//! The testkit's conformance kit on every built-in provider, with a
//! representative model of each (a priced catalog row for the hosted ones;
//! every OpenAI row is on the Responses API since the 2026.9.6 catalogs,
//! and Chat Completions is checked through `ollama` and
//! `openai-compatible`). Each test states
//! the checks it expects skipped, exactly. The local servers' catalogs are
//! pointed at a loopback port held bound (and not listening) for the whole
//! test, so connections to it are refused, no other test can take it, and
//! no test reaches a real server.

use std::time::Duration;

use clawkit_core::{Config, RuntimeBuilder};
use clawkit_http::{BuiltinTransports, HttpClient, HttpConfig};
use clawkit_providers::{anthropic, google, ollama, openai, openai_compatible};
use clawkit_testkit::{Conformance, Outcome};
use serde_json::json;
use tokio::net::TcpSocket;

/// The idle timeout of the transports under test: short, so that a stalled
/// body times out quickly.
const IDLE: Duration = Duration::from_millis(300);

fn transports() -> BuiltinTransports {
    let config = HttpConfig::default()
        .with_idle_timeout(IDLE)
        .with_system_proxy(false);
    BuiltinTransports::new(HttpClient::with_config(config).unwrap())
}

/// Runs the conformance checks of `model`, the runtime configured by
/// `configure`: every check passes but those in `skipped`, which are
/// skipped (and nothing else is).
fn conforms(
    model: &str,
    skipped: &[&str],
    configure: impl Fn(RuntimeBuilder) -> RuntimeBuilder + 'static,
) {
    let transports = transports();
    let report = Conformance::new(move |runtime| configure(runtime).transports(transports.clone()))
        .model(model)
        .idle_timeout(IDLE)
        .check();
    assert!(report.is_ok(), "{}", report.failures());
    let were_skipped: Vec<&str> = report
        .checks
        .iter()
        .filter(|check| matches!(check.outcome, Outcome::Skipped(_)))
        .map(|check| check.name)
        .collect();
    assert_eq!(were_skipped, skipped, "{report}");
}

/// `models.providers.<id>.baseUrl` on a loopback port, and the socket
/// holding that port: bound, not listening, so a connection is refused.
/// Keep the socket for the whole test (dropping it frees the port for
/// another test's server).
fn unreachable_base_url(provider: &str, path: &str) -> (Config, TcpSocket) {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(([127, 0, 0, 1], 0).into()).unwrap();
    let port = socket.local_addr().unwrap().port();
    let config = serde_json::from_value(json!({
        "models": {"providers": {provider: {"baseUrl": format!("http://127.0.0.1:{port}{path}")}}}
    }))
    .unwrap();
    (config, socket)
}

#[test]
fn openai_responses_conforms() {
    conforms("openai/gpt-5.6-luna", &[], |runtime| {
        runtime.plugin(openai::plugin().unwrap())
    });
}

#[test]
fn anthropic_conforms() {
    conforms("anthropic/claude-sonnet-5", &[], |runtime| {
        runtime.plugin(anthropic::plugin().unwrap())
    });
}

#[test]
fn google_conforms() {
    conforms("google/gemini-2.5-flash", &[], |runtime| {
        runtime.plugin(google::plugin().unwrap())
    });
}

#[test]
fn ollama_conforms() {
    let (config, _held) = unreachable_base_url("ollama", "");
    conforms("ollama/llama3.2", &["pricing"], move |runtime| {
        runtime
            .plugin(ollama::plugin().unwrap())
            .config(config.clone())
    });
}

#[test]
fn openai_compatible_conforms() {
    let (config, _held) = unreachable_base_url("openai-compatible", "/v1");
    conforms(
        "openai-compatible/qwen2.5-7b-instruct",
        &["pricing"],
        move |runtime| {
            runtime
                .plugin(openai_compatible::plugin().unwrap())
                .config(config.clone())
        },
    );
}
