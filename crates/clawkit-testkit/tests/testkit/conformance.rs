//! The conformance kit on a provider that passes, and on providers that
//! break one rule each (so every check is shown to bite).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use clawkit_core::{
    ApiKeyAuthOptions, Cancelled, DynamicModelContext, ErrorKind, EventStream, ModelApi, ModelCost,
    ProviderHooks, RuntimeModel, SharedStreamFn, SingleProviderPluginEntry, StreamEvent,
    StreamRequest, Transports, WrapStreamFnContext,
};
use clawkit_http::{BuiltinTransports, HttpClient, HttpConfig};
use clawkit_manifest::PluginManifest;
use clawkit_testkit::{CANARY, CORE_CHECKS, Conformance, Outcome, Report};
use futures::{Stream, StreamExt};

use crate::{APIS, transports};

const IDLE: Duration = Duration::from_millis(300);

const MANIFEST: &str = r#"{
  "id": "zeta",
  "providers": ["zeta"],
  "providerAuthEnvVars": {"zeta": ["ZETA_API_KEY"]},
  "providerAuthChoices": [{"provider": "zeta", "method": "api-key", "choiceId": "zeta-api-key"}],
  "configSchema": {"type": "object", "additionalProperties": false}
}"#;

/// The manifest a variant of zeta ships.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Manifest {
    /// [`MANIFEST`].
    #[default]
    Sound,
    /// Names another env var in `providerAuthEnvVars`.
    OtherEnvVar,
    /// Declares its env var only in `setup.providers[].envVars`, under the
    /// id `Zeta` (which the runtime normalizes to `zeta`).
    EnvVarInSetup,
    /// Adds an env var the provider does not declare in
    /// `setup.providers[].envVars`, under the id `Zeta`.
    ExtraEnvVarInSetup,
}

impl Manifest {
    fn json(self) -> String {
        let setup = |vars: &str| {
            format!(r#""setup": {{"providers": [{{"id": "Zeta", "envVars": [{vars}]}}]}},"#)
        };
        match self {
            Manifest::Sound => MANIFEST.to_owned(),
            Manifest::OtherEnvVar => MANIFEST.replace("\"ZETA_API_KEY\"", "\"ZETA_KEY\""),
            Manifest::EnvVarInSetup => MANIFEST.replace(
                r#""providerAuthEnvVars": {"zeta": ["ZETA_API_KEY"]},"#,
                &setup(r#""ZETA_API_KEY""#),
            ),
            Manifest::ExtraEnvVarInSetup => MANIFEST.replace(
                r#""providerAuthChoices""#,
                &format!(r#"{} "providerAuthChoices""#, setup(r#""ZETA_TOKEN""#)),
            ),
        }
    }
}

/// How a variant of zeta misbehaves.
#[derive(Clone, Copy, Default)]
struct Zeta {
    /// Wraps the transport and puts the key into error messages.
    leaks_key: bool,
    /// Swallows the transport's usage events.
    drops_usage: bool,
    /// Swallows the transport's error events (the turn then ends in the
    /// runtime's stand-in for a missing terminal event).
    swallows_errors: bool,
    /// Reports every error as `server`, "the provider failed".
    vague_errors: bool,
    /// Keeps the cancellation from the transport and ends the stream
    /// itself when cancelled, holding the transport's stream (and its
    /// connection) until the turn is dropped.
    holds_connection: bool,
    /// The manifest it ships.
    manifest: Manifest,
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

    fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
        let zeta = self.zeta;
        let wraps = zeta.leaks_key
            || zeta.drops_usage
            || zeta.swallows_errors
            || zeta.vague_errors
            || zeta.holds_connection;
        if !wraps {
            return None;
        }
        let inner = ctx.stream_fn.clone();
        Some(Arc::new(move |mut request: StreamRequest| {
            let key = request
                .options
                .api_key
                .as_ref()
                .map(|key| key.expose().to_owned())
                .unwrap_or_default();
            if zeta.holds_connection {
                let cancelled = request.options.cancellation.take().map(|c| c.cancelled());
                return Box::pin(HoldsConnection {
                    inner: inner.stream(request),
                    cancelled,
                    done: false,
                }) as EventStream;
            }
            inner
                .stream(request)
                .filter_map(move |event| {
                    let event = match event {
                        StreamEvent::Usage { .. } if zeta.drops_usage => None,
                        StreamEvent::Error { .. } if zeta.swallows_errors => None,
                        StreamEvent::Error { .. } if zeta.vague_errors => {
                            Some(StreamEvent::Error {
                                kind: ErrorKind::Server,
                                message: "the provider failed".to_owned(),
                                failover: None,
                            })
                        }
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

/// Ends with a `cancelled` error of its own once cancelled, without
/// dropping the transport's stream: the connection stays open until this
/// stream is dropped.
struct HoldsConnection {
    inner: EventStream,
    cancelled: Option<Cancelled>,
    done: bool,
}

impl Stream for HoldsConnection {
    type Item = StreamEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<StreamEvent>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Some(cancelled) = &mut self.cancelled
            && Pin::new(cancelled).poll(cx).is_ready()
        {
            self.done = true;
            return Poll::Ready(Some(StreamEvent::Error {
                kind: ErrorKind::Cancelled,
                message: "cancelled".to_owned(),
                failover: None,
            }));
        }
        let next = self.inner.as_mut().poll_next(cx);
        if let Poll::Ready(event) = &next {
            self.done = event.as_ref().is_none_or(StreamEvent::is_terminal);
        }
        next
    }
}

/// The built-in transports, every api served by the Chat Completions one
/// (so an api the testkit has no recording of still streams).
#[derive(Clone)]
struct AsChatCompletions(BuiltinTransports);

impl Transports for AsChatCompletions {
    fn transport_for(&self, _: &ModelApi) -> Option<SharedStreamFn> {
        self.0.transport_for(&ModelApi::OpenAiCompletions)
    }
}

impl Zeta {
    fn plugin(self, api: &ModelApi) -> SingleProviderPluginEntry {
        let base_url = APIS
            .iter()
            .find(|(a, _)| a == api)
            .map_or("https://api.zeta.example/v1", |(_, url)| *url);
        let manifest = self.manifest.json();
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

    /// The kit for this variant speaking `api`, with the test transports.
    fn conformance(self, api: &ModelApi) -> Conformance {
        let api = api.clone();
        let transports = transports();
        Conformance::new(move |runtime| {
            runtime
                .plugin(self.plugin(&api))
                .transports(transports.clone())
        })
        .model("zeta/zeta-exp-7")
        .idle_timeout(IDLE)
    }

    fn check(self, api: &ModelApi) -> Report {
        self.conformance(api).check()
    }
}

fn failed(report: &Report, check: &str) -> String {
    match report.outcome(check) {
        Some(Outcome::Failed(why)) => why.clone(),
        other => panic!("{check} should fail, got {other:?}\n{report}"),
    }
}

/// The names of the checks with this outcome.
fn names(report: &Report, wanted: fn(&Outcome) -> bool) -> Vec<&'static str> {
    report
        .checks
        .iter()
        .filter(|check| wanted(&check.outcome))
        .map(|check| check.name)
        .collect()
}

/// The message `run` panics with.
fn run_panic(conformance: Conformance) -> String {
    let panicked = std::panic::catch_unwind(AssertUnwindSafe(|| conformance.run()))
        .expect_err("run should fail");
    match panicked.downcast::<String>() {
        Ok(message) => *message,
        Err(other) => panic!("not a message: {other:?}"),
    }
}

#[test]
fn a_sound_provider_passes_every_check_for_every_api() {
    for (api, _) in APIS {
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
    }
}

#[test]
fn run_is_silent_when_every_check_passes() {
    Zeta::default()
        .conformance(&ModelApi::AnthropicMessages)
        .run();
}

#[test]
fn swallowed_errors_fail_every_error_check_for_every_api() {
    let zeta = Zeta {
        swallows_errors: true,
        ..Zeta::default()
    };
    for (api, _) in APIS {
        let report = zeta.check(&api);
        assert_eq!(
            names(&report, |o| matches!(o, Outcome::Failed(_))),
            [
                "dropped-connection",
                "idle-timeout",
                "http-4xx",
                "http-5xx",
                "error-in-200",
                "cancellation"
            ],
            "{report}"
        );
        for check in report.failed() {
            let why = failed(&report, check.name);
            assert!(
                why.starts_with("the provider's stream ended without a terminal event, so the turn ended with the runtime's stand-in, error (protocol: "),
                "{api} {}: {why}",
                check.name
            );
        }
    }
}

#[test]
fn errors_of_the_wrong_kind_or_without_the_provider_s_message_fail() {
    let report = Zeta {
        vague_errors: true,
        ..Zeta::default()
    }
    .check(&ModelApi::AnthropicMessages);
    assert_eq!(
        names(&report, |o| matches!(o, Outcome::Failed(_))),
        [
            "dropped-connection",
            "idle-timeout",
            "http-4xx",
            "error-in-200",
            "cancellation"
        ],
        "{report}"
    );
    assert_eq!(
        failed(&report, "dropped-connection"),
        "ended with error (server: the provider failed), expected a connection_dropped error"
    );
    assert_eq!(
        failed(&report, "http-4xx"),
        "ended with error (server: the provider failed), expected a invalid_request error"
    );
    // The kind fits (an overloaded_error is `server`), the message does not.
    assert_eq!(
        failed(&report, "error-in-200"),
        r#"the error's message "the provider failed" does not pass on the recorded one, "Overloaded""#
    );
    // Gemini's error inside a stream is a 429: `rate_limit`.
    let report = Zeta {
        vague_errors: true,
        ..Zeta::default()
    }
    .check(&ModelApi::GoogleGenerativeAi);
    assert_eq!(
        failed(&report, "error-in-200"),
        "ended with error (server: the provider failed), expected a rate_limit error"
    );
}

#[test]
fn a_connection_held_until_the_turn_is_dropped_fails_the_cancellation_check() {
    let report = Zeta {
        holds_connection: true,
        ..Zeta::default()
    }
    .check(&ModelApi::OpenAiCompletions);
    let why = failed(&report, "cancellation");
    assert!(
        why.starts_with("the stream ended cancelled, but the server did not see the connection closed while the turn was held"),
        "{why}"
    );
    assert_eq!(report.failed().count(), 1, "{report}");
}

#[test]
fn a_stall_the_transports_do_not_time_out_fails_the_idle_check() {
    // The kit is told 100 ms, the transports wait 5 s: the 1 s stall runs
    // out and the answer ends normally.
    let config = HttpConfig::default()
        .with_idle_timeout(Duration::from_secs(5))
        .with_system_proxy(false);
    let transports = BuiltinTransports::new(HttpClient::with_config(config).unwrap());
    let report = Conformance::new(move |runtime| {
        runtime
            .plugin(Zeta::default().plugin(&ModelApi::OpenAiCompletions))
            .transports(transports.clone())
    })
    .model("zeta/zeta-exp-7")
    .idle_timeout(Duration::from_millis(100))
    .check();
    assert_eq!(
        failed(&report, "idle-timeout"),
        "ended with done (stop), expected a idle_timeout error"
    );
    assert_eq!(report.failed().count(), 1, "{report}");
}

#[test]
fn run_fails_when_a_core_check_is_skipped_unless_the_test_allows_it() {
    // An api the testkit has no recording of: only the 5xx, canary and
    // manifest checks have anything to run.
    let conformance = || {
        let api = ModelApi::Other("zeta-wire".to_owned());
        let transports = AsChatCompletions(transports());
        Conformance::new(move |runtime| {
            runtime
                .plugin(Zeta::default().plugin(&api))
                .transports(transports.clone())
        })
        .model("zeta/zeta-exp-7")
        .idle_timeout(IDLE)
    };
    let report = conformance().check();
    assert!(report.is_ok(), "{report}");
    assert_eq!(
        names(&report, |o| *o == Outcome::Passed),
        ["http-5xx", "canary-key", "manifest"],
        "{report}"
    );

    let message = run_panic(conformance());
    assert!(
        message.starts_with(
            "4 core conformance checks were skipped for zeta/zeta-exp-7 (zeta-wire), so nothing proved them:\n  skip  text-stream: "
        ),
        "{message}"
    );
    assert!(
        message.ends_with(r#"(accept it with Conformance::allow_skipped(["text-stream", "dropped-connection", "http-4xx", "cancellation"]) or allow_skips())"#),
        "{message}"
    );

    let message = run_panic(conformance().allow_skipped(["text-stream", "http-4xx"]));
    assert!(
        message.starts_with("2 core conformance checks were skipped"),
        "{message}"
    );
    assert!(!message.contains("skip  text-stream"), "{message}");
    assert!(message.contains("skip  cancellation"), "{message}");

    let message = run_panic(conformance().allow_skipped(["text-streams"]));
    assert!(
        message.starts_with(r#"Conformance::allow_skipped names no check: ["text-streams"]"#),
        "{message}"
    );

    conformance().allow_skipped(CORE_CHECKS).run();
    conformance().allow_skips().run();
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
        manifest: Manifest::OtherEnvVar,
        ..Zeta::default()
    }
    .check(&ModelApi::OpenAiResponses);
    assert_eq!(
        failed(&report, "manifest"),
        r#"env vars of zeta: the manifest lists ["ZETA_KEY"] (providerAuthEnvVars and setup.providers[].envVars), the provider declares ["ZETA_API_KEY"]"#
    );
}

#[test]
fn the_manifest_check_reads_setup_env_vars_under_normalized_ids() {
    // Declared only in `setup.providers[].envVars` of `Zeta`: as the
    // runtime reads it, the manifest agrees with the provider.
    let report = Zeta {
        manifest: Manifest::EnvVarInSetup,
        ..Zeta::default()
    }
    .check(&ModelApi::OpenAiCompletions);
    assert_eq!(
        report.outcome("manifest"),
        Some(&Outcome::Passed),
        "{report}"
    );
    // One more env var there, which the provider does not declare.
    let report = Zeta {
        manifest: Manifest::ExtraEnvVarInSetup,
        ..Zeta::default()
    }
    .check(&ModelApi::OpenAiCompletions);
    assert_eq!(
        failed(&report, "manifest"),
        r#"env vars of zeta: the manifest lists ["ZETA_API_KEY", "ZETA_TOKEN"] (providerAuthEnvVars and setup.providers[].envVars), the provider declares ["ZETA_API_KEY"]"#
    );
    assert_eq!(report.failed().count(), 1, "{report}");
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
