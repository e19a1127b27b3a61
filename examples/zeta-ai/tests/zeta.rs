//! Zeta through whole turns against recorded Anthropic streams: no network,
//! no async runtime, no SSE written by hand.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use clawkit::prelude::*;
use clawkit_testkit::{Conformance, Harness, Recorded, assert_trace_snapshot};

/// The transports: a short idle timeout for the conformance stall, and no
/// system proxy between the test and its local server.
fn transports() -> BuiltinTransports {
    let config = HttpConfig::default()
        .with_idle_timeout(Duration::from_millis(300))
        .with_system_proxy(false); // the scripted server is on 127.0.0.1
    BuiltinTransports::new(HttpClient::with_config(config).unwrap())
}

fn harness() -> Harness {
    Harness::with_env(Env::new().with("ZETA_API_KEY", "zk-test"), |runtime| {
        runtime
            .plugin(zeta_ai::plugin().unwrap())
            .transports(transports())
    })
}

#[test]
fn a_zeta_exp_model_streams_with_the_client_header() {
    let streamed = harness().stream_prompt("zeta/zeta-exp-7", "hi", Recorded::Text);
    assert_eq!(streamed.text(), "Hello there!"); // the recorded Anthropic answer
    let request = streamed.request().unwrap();
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.header("x-zeta-client"), Some("clawkit"));
    assert_eq!(request.header("x-api-key"), Some("zk-test"));
    assert_eq!(request.json()["model"], "zeta-exp-7");
}

#[test]
fn the_whole_turn_trace() {
    let streamed = harness().stream_prompt("zeta/zeta-large", "hi", Recorded::ToolCall);
    assert!(matches!(
        streamed.terminal(),
        Some(StreamEvent::Done { .. })
    ));
    assert_trace_snapshot!(streamed.trace);
}

#[test]
fn zeta_conforms() {
    Conformance::new(|runtime| {
        runtime
            .plugin(zeta_ai::plugin().unwrap())
            .transports(transports())
    })
    .model("zeta/zeta-large")
    .idle_timeout(Duration::from_millis(300))
    .run();
}
