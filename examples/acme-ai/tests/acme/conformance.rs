//! The testkit's conformance kit on Acme AI: streams against scripted
//! servers (text, tool calls, a dropped connection, a stall, 4xx and 5xx,
//! an error inside a 200 stream, a cancellation), usage and its price, a
//! canary key that reaches the server and nothing else, and the manifest
//! against the registrations.

use std::time::Duration;

use clawkit_http::{BuiltinTransports, HttpClient, HttpConfig};
use clawkit_testkit::{Conformance, Outcome};

/// The transports' idle timeout: short, so the stall check is quick.
const IDLE: Duration = Duration::from_millis(300);

fn conformance() -> Conformance {
    let mut config = HttpConfig::default();
    config.idle_timeout = IDLE;
    config.use_system_proxy = false;
    let transports = BuiltinTransports::new(HttpClient::with_config(config).unwrap());
    Conformance::new(move |runtime| {
        runtime
            .plugin(acme_ai::plugin().unwrap())
            .transports(transports.clone())
    })
    .model("acme-ai/acme-large")
    .idle_timeout(IDLE)
}

#[test]
fn acme_ai_conforms() {
    conformance().run();
}

#[test]
fn every_check_applies_to_acme_large() {
    let report = conformance().check();
    let skipped: Vec<&str> = report
        .checks
        .iter()
        .filter(|check| matches!(check.outcome, Outcome::Skipped(_)))
        .map(|check| check.name)
        .collect();
    assert!(skipped.is_empty(), "{report}");
    assert_eq!(report.outcome("pricing"), Some(&Outcome::Passed));
    assert_eq!(report.outcome("manifest"), Some(&Outcome::Passed));
}
