//! The conformance kit on a provider that passes, and on providers that
//! break one rule each (so every check is shown to bite).

use std::sync::Arc;
use std::time::{Duration, Instant};

use clawkit_core::{
    ApiKeyAuthOptions, DynamicModelContext, ModelApi, ModelCost, ProviderHooks, RuntimeModel,
    SingleProviderPluginEntry, StreamEvent, StreamRequest, WrapStreamFnContext,
};
use clawkit_manifest::PluginManifest;
use clawkit_testkit::{CANARY, Conformance, Outcome, Report};
use futures::StreamExt;

use crate::{APIS, transports};

const IDLE: Duration = Duration::from_millis(300);

const MANIFEST: &str = r#"{
  "id": "zeta",
  "providers": ["zeta"],
  "providerAuthEnvVars": {"zeta": ["ZETA_API_KEY"]},
  "providerAuthChoices": [{"provider": "zeta", "method": "api-key", "choiceId": "zeta-api-key"}],
  "configSchema": {"type": "object", "additionalProperties": false}
}"#;

/// How a variant of zeta misbehaves.
#[derive(Clone, Copy, Default)]
struct Zeta {
    /// Wraps the transport and puts the key into error messages.
    leaks_key: bool,
    /// Swallows the transport's usage events.
    drops_usage: bool,
    /// Ships a manifest naming another env var.
    wrong_manifest: bool,
}

struct Hooks {
    api: ModelApi,
    base_url: &'static str,
    zeta: Zeta,
}

impl ProviderHooks for Hooks {
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        Some(
            RuntimeModel::new(
                "zeta",
                &ctx.model_id,
                self.api.clone(),
                self.base_url.parse().ok()?,
            )
            .with_cost(ModelCost::new(3.0, 15.0, 0.3, 3.75)),
        )
    }

    fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<clawkit_core::SharedStreamFn> {
        if !self.zeta.leaks_key && !self.zeta.drops_usage {
            return None;
        }
        let inner = ctx.stream_fn.clone();
        let zeta = self.zeta;
        Some(Arc::new(move |request: StreamRequest| {
            let key = request
                .options
                .api_key
                .as_ref()
                .map(|key| key.expose().to_owned())
                .unwrap_or_default();
            inner
                .stream(request)
                .filter_map(move |event| {
                    let event = match event {
                        StreamEvent::Usage { .. } if zeta.drops_usage => None,
                        StreamEvent::Error {
                            kind,
                            message,
                            failover,
                        } if zeta.leaks_key => Some(StreamEvent::Error {
                            kind,
                            message: format!("{message} (sent with {key})"),
                            failover,
                        }),
                        other => Some(other),
                    };
                    futures::future::ready(event)
                })
                .boxed()
        }))
    }
}

impl Zeta {
    fn plugin(self, api: &ModelApi) -> SingleProviderPluginEntry {
        let base_url = APIS
            .iter()
            .find(|(a, _)| a == api)
            .map(|(_, url)| *url)
            .unwrap();
        let manifest = if self.wrong_manifest {
            MANIFEST.replace("\"ZETA_API_KEY\"", "\"ZETA_KEY\"")
        } else {
            MANIFEST.to_owned()
        };
        let manifest = PluginManifest::parse(manifest.as_bytes(), "openclaw.plugin.json")
            .into_result("openclaw.plugin.json")
            .unwrap();
        SingleProviderPluginEntry::builder("zeta")
            .manifest(manifest)
            .api_key_auth(
                ApiKeyAuthOptions::new("zeta", "api-key", "Zeta API key").env_var("ZETA_API_KEY"),
            )
            .hooks(Hooks {
                api: api.clone(),
                base_url,
                zeta: self,
            })
            .build()
    }

    fn check(self, api: &ModelApi) -> Report {
        let api = api.clone();
        let transports = transports();
        Conformance::new(move |runtime| {
            runtime
                .plugin(self.plugin(&api))
                .transports(transports.clone())
        })
        .model("zeta/zeta-exp-7")
        .idle_timeout(IDLE)
        .check()
    }
}

fn failed(report: &Report, check: &str) -> String {
    match report.outcome(check) {
        Some(Outcome::Failed(why)) => why.clone(),
        other => panic!("{check} should fail, got {other:?}\n{report}"),
    }
}

#[test]
fn a_sound_provider_passes_every_check_for_every_api() {
    for (api, _) in APIS {
        let started = Instant::now();
        let report = Zeta::default().check(&api);
        assert!(report.is_ok(), "{report}");
        assert!(
            report
                .checks
                .iter()
                .all(|check| check.outcome == Outcome::Passed),
            "nothing skipped: {report}"
        );
        assert_eq!(report.checks.len(), 13, "{report}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{api}: {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn run_is_silent_when_every_check_passes() {
    let transports = transports();
    Conformance::new(move |runtime| {
        runtime
            .plugin(Zeta::default().plugin(&ModelApi::AnthropicMessages))
            .transports(transports.clone())
    })
    .model("zeta/zeta-exp-7")
    .idle_timeout(IDLE)
    .run();
}

#[test]
fn a_key_in_an_error_message_fails_the_canary_check() {
    let report = Zeta {
        leaks_key: true,
        ..Zeta::default()
    }
    .check(&ModelApi::OpenAiCompletions);
    let why = failed(&report, "canary-key");
    assert!(why.starts_with("the key leaked into "), "{why}");
    assert!(
        why.contains("4xx: event") && why.contains("5xx: event"),
        "{why}"
    );
    assert!(
        !report.to_string().contains(CANARY),
        "the report itself is clean"
    );
    // Everything else still holds.
    assert_eq!(report.failed().count(), 1, "{report}");
}

#[test]
fn swallowed_usage_fails_usage_and_pricing() {
    let report = Zeta {
        drops_usage: true,
        ..Zeta::default()
    }
    .check(&ModelApi::GoogleGenerativeAi);
    assert_eq!(failed(&report, "usage"), "no usage event");
    assert_eq!(failed(&report, "pricing"), "no usage event to price");
    assert_eq!(report.failed().count(), 2, "{report}");
}

#[test]
fn a_manifest_naming_another_env_var_fails_the_manifest_check() {
    let report = Zeta {
        wrong_manifest: true,
        ..Zeta::default()
    }
    .check(&ModelApi::OpenAiResponses);
    assert_eq!(
        failed(&report, "manifest"),
        r#"providerAuthEnvVars of zeta: the manifest lists ["ZETA_KEY"], the provider declares ["ZETA_API_KEY"]"#
    );
}

#[test]
fn without_a_manifest_or_an_idle_timeout_those_checks_are_skipped() {
    let transports = transports();
    let report = Conformance::new(move |runtime| {
        runtime
            .plugin(crate::zeta(&ModelApi::OpenAiCompletions))
            .transports(transports.clone())
    })
    .model("zeta/zeta-exp-7")
    .check();
    assert!(report.is_ok(), "{report}");
    for check in ["manifest", "idle-timeout", "pricing"] {
        assert!(
            matches!(report.outcome(check), Some(Outcome::Skipped(_))),
            "{check}: {report}"
        );
    }
}

#[test]
fn a_model_that_does_not_resolve_fails_setup() {
    let report =
        Conformance::new(|runtime| runtime.plugin(crate::zeta(&ModelApi::OpenAiCompletions)))
            .model("nobody/model")
            .check();
    assert!(failed(&report, "setup").contains("nobody"), "{report}");
}
