//! `clawkit doctor`: auth status and hints per provider, local servers,
//! and never a secret.

use crate::{clawkit_with_env, stdout};

const CANARY: &str = "sk-ant-canary-doctor-0123456789";

#[test]
fn doctor_reports_each_provider_without_printing_secrets() {
    let output = clawkit_with_env(
        &["doctor"],
        &[
            ("ANTHROPIC_API_KEY", CANARY),
            ("GOOGLE_API_KEY", "AIza-canary-doctor-0123456789"),
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    let report = stdout(&output);
    let everything = format!("{report}{}", String::from_utf8_lossy(&output.stderr));
    assert!(!everything.contains(CANARY), "{everything}");
    assert!(!everything.contains("AIza-canary"), "{everything}");
    for line in [
        "anthropic: auth ok (env: ANTHROPIC_API_KEY)",
        "google: auth ok (env: GOOGLE_API_KEY)",
        "openai: auth missing: no API key found for provider \"openai\"; set OPENAI_API_KEY",
        "  hint: create a key at https://platform.openai.com/api-keys and export OPENAI_API_KEY",
        "acme-ai: auth missing: no API key found for provider \"acme-ai\"; set ACME_AI_API_KEY",
        "ollama: auth ok (ollama: local server, no key needed)",
    ] {
        assert!(
            report.lines().any(|l| l == line),
            "missing {line:?} in:\n{report}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_says_whether_a_local_server_answers() {
    let server = clawkit_testkit::ScriptedServer::start(vec![clawkit_testkit::Script::json(
        200,
        r#"{"data":[]}"#,
    )])
    .await
    .unwrap();
    let base = server.url("/v1");
    let output = tokio::task::spawn_blocking(move || {
        clawkit_with_env(&["doctor"], &[("OPENAI_COMPATIBLE_BASE_URL", &base)])
    })
    .await
    .unwrap();
    let report = stdout(&output);
    let expected = format!("  local server {}: reachable", server.url("/v1"));
    assert!(report.lines().any(|l| l == expected), "{report}");
}
