//! A conformance kit: the checks every provider should pass, in one test.
//!
//! ```text
//! #[test]
//! fn conformance() {
//!     // Scripted servers are on 127.0.0.1: keep a system proxy (and the key) out of it.
//!     let config = HttpConfig::default()
//!         .with_idle_timeout(Duration::from_millis(300))
//!         .with_system_proxy(false);
//!     let transports = BuiltinTransports::new(HttpClient::with_config(config).unwrap());
//!     Conformance::new(move |runtime| runtime.plugin(acme_ai::plugin().unwrap()).transports(transports.clone()))
//!         .model("acme-ai/acme-large")
//!         .idle_timeout(Duration::from_millis(300))
//!         .run(); // panics with every failed check (and skipped core check); silent when all pass
//! }
//! ```
//!
//! [`Conformance::check`] resolves the model, then runs whole turns
//! ([`Runtime::stream`](clawkit_core::Runtime::stream)) against scripted
//! servers speaking the model's api, with the testkit's recordings
//! ([`Recorded`]), and returns a [`Report`] with one [`Check`] per line:
//!
//! | check | passes when |
//! | --- | --- |
//! | `text-stream` | a recorded text answer ends with exactly one terminal event, `done`, last, with text |
//! | `tool-call-stream` | a recorded tool-call answer ends with one terminal event, `done` with `tool_use` |
//! | `tool-calls` | every call has a non-empty id and name (the same at start and end) and complete JSON-object arguments, equal to its streamed argument deltas |
//! | `dropped-connection` | a connection cut mid-body ends with one `connection_dropped` error |
//! | `idle-timeout` | a body stalled for ten times the transports' idle timeout ends with one `idle_timeout` error, and the server sees the connection closed before the stall ends (skipped unless [`Conformance::idle_timeout`] declares it) |
//! | `http-4xx` | a recorded 4xx error answer ends with one error of the kind the built-in transports give it ([`Recording::error_kind`](crate::Recording::error_kind): `invalid_request` for a 400, `rate_limit` for a 429) |
//! | `http-5xx` | a 503 answer (a hand-written body in the common `{"error":{…}}` shape) ends with one `server` error |
//! | `error-in-200` | a recorded error inside a 200 stream ends with one error of its kind (`server`, or `rate_limit` for Gemini's 429) whose message contains the recorded one ([`Recording::error_message`](crate::Recording::error_message)) |
//! | `usage` | the text answer reports usage with input and output tokens |
//! | `pricing` | that usage carries a cost when the model has prices (skipped when it has none) |
//! | `cancellation` | cancelling through the request's [`Cancellation`] after the first delta, the turn still held, ends the stream with one `cancelled` error, and the server sees the connection closed before the turn is dropped |
//! | `canary-key` | [`CANARY`], put in every env var the provider declares, reaches the server but appears in no event, error, trace or report |
//! | `manifest` | the plugin's manifest agrees with what it registers (skipped without a manifest) |
//!
//! No error check accepts the runtime's stand-in: when the provider's
//! stream ends without a terminal event, [`Runtime::stream`](clawkit_core::Runtime::stream)
//! ends the turn with a `protocol` error of its own (recorded as
//! [`Turn::MISSING_TERMINAL`](clawkit_core::Turn::MISSING_TERMINAL) in the
//! trace, see [`Streamed::stand_in_terminal`](crate::Streamed::stand_in_terminal)),
//! and a check that ends in it fails, whatever it expected. A provider
//! that swallows its transport's errors fails every error check.
//!
//! Each stream check also fails when the turn cannot start (no model, no
//! credential, no transport) or the stream does not end in time. The
//! waits are bounded (a few seconds) and only a broken provider reaches
//! them; no check compares a duration.
//!
//! A check without what it needs is skipped, not passed. [`Conformance::run`]
//! fails when one of the [`CORE_CHECKS`] is skipped (an api the testkit
//! has no recording of skips them all), unless the test accepts it with
//! [`Conformance::allow_skipped`] or [`Conformance::allow_skips`].
//!
//! The environment holds [`CANARY`] in every env var the provider declares
//! (its `env_vars`, its auth methods' and its manifest's, in
//! `providerAuthEnvVars` and `setup.providers[].envVars`), over
//! [`Conformance::env`]. Retries are the client's business: with a retry
//! policy in the transports, the 4xx and 5xx checks wait out its backoff,
//! so keep the default (none). Turn the transports' system proxy off
//! (`HttpConfig::with_system_proxy(false)`): the scripted servers are on
//! 127.0.0.1, and a proxy would receive the test traffic, key included.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use clawkit_core::{
    Cancellation, Catalog, Env, ErrorKind, ModelApi, Runtime, RuntimeBuilder, RuntimeModel,
    StopReason, StreamEvent, Tool, TurnRequest, normalize_provider_id,
};
use clawkit_manifest::PluginManifest;
use serde_json::Value;

use crate::Harness;
use crate::exec::try_on_own_runtime;
use crate::recorded::Recorded;
use crate::server::Script;
use crate::stream::{Control, Driven, drive, with_catalog};

/// The fake key the conformance environment puts in every env var the
/// provider declares. It must reach the server and nothing else.
pub const CANARY: &str = "sk-canary-Qm7xV2pL9tR4wZ8nB1cK";

/// How long a stream check waits for the last event, and how long a
/// check waits for the server to see a connection closed.
const DEADLINE: Duration = Duration::from_secs(5);

/// How many times the declared idle timeout the `idle-timeout` stall lasts.
const STALL_FACTOR: u32 = 10;

/// A stall the cancellation check cuts short (longer than every wait, so
/// only the client ends it).
const LONG_STALL: Duration = Duration::from_secs(60);

/// The checks [`Conformance::run`] does not let pass skipped unless the
/// test allows it ([`Conformance::allow_skipped`]): without them, nothing
/// streamed through the provider.
pub const CORE_CHECKS: [&str; 4] = [
    "text-stream",
    "dropped-connection",
    "http-4xx",
    "cancellation",
];

/// Every check, in report order.
const ALL_CHECKS: [&str; 13] = [
    "text-stream",
    "tool-call-stream",
    "tool-calls",
    "dropped-connection",
    "idle-timeout",
    "http-4xx",
    "http-5xx",
    "error-in-200",
    "usage",
    "pricing",
    "cancellation",
    "canary-key",
    "manifest",
];

/// A 503 body in the shape most providers answer errors with.
const SERVER_ERROR_BODY: &str = r#"{"error":{"message":"The server is temporarily overloaded. Please try again later.","type":"server_error","code":"overloaded"}}"#;

/// Runs the conformance checks for one model of a plugin (see the module docs).
#[must_use]
pub struct Conformance {
    configure: Box<dyn Fn(RuntimeBuilder) -> RuntimeBuilder>,
    model: Option<String>,
    env: Env,
    idle_timeout: Option<Duration>,
    allowed_skips: AllowedSkips,
}

/// Which skipped checks [`Conformance::run`] lets pass.
#[derive(Debug, Clone)]
enum AllowedSkips {
    /// Those outside [`CORE_CHECKS`], and these.
    Named(Vec<String>),
    /// Every one.
    All,
}

impl fmt::Debug for Conformance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Conformance")
            .field("model", &self.model)
            .field("env", &self.env)
            .field("idle_timeout", &self.idle_timeout)
            .field("allowed_skips", &self.allowed_skips)
            .finish_non_exhaustive()
    }
}

impl Conformance {
    /// The checks for the runtime `configure` builds: register the plugin
    /// and the transports there. It is called more than once; set the
    /// environment with [`Conformance::env`], not in it (the kit's
    /// environment replaces the builder's).
    pub fn new(configure: impl Fn(RuntimeBuilder) -> RuntimeBuilder + 'static) -> Self {
        Conformance {
            configure: Box::new(configure),
            model: None,
            env: Env::new(),
            idle_timeout: None,
            allowed_skips: AllowedSkips::Named(Vec::new()),
        }
    }

    /// The model to check (`provider/model`); without one, the first model
    /// of the first registered provider's catalog.
    pub fn model(mut self, model_ref: impl Into<String>) -> Self {
        self.model = Some(model_ref.into());
        self
    }

    /// More environment (a base URL, a region); the canary is set over it.
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// The idle timeout of the transports `configure` gives the runtime
    /// (`HttpConfig::idle_timeout`; its 60 s default is too slow for a
    /// test: give the transports a short one). The `idle-timeout` check
    /// stalls a body for ten times as long (the stall ends as soon as the
    /// client closes the connection) and is skipped without it.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    /// Lets [`Conformance::run`] pass with these checks skipped, core
    /// checks ([`CORE_CHECKS`]) included: for a provider whose api the
    /// testkit has no recording of, say so here rather than have the run
    /// pass quietly. Adds to the names given before; [`Conformance::run`]
    /// fails on a name that is no check.
    ///
    /// ```
    /// use clawkit_testkit::Conformance;
    ///
    /// let kit = Conformance::new(|runtime| runtime).allow_skipped(["dropped-connection", "cancellation"]);
    /// # let _ = kit;
    /// ```
    pub fn allow_skipped<I, S>(mut self, checks: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        if let AllowedSkips::Named(names) = &mut self.allowed_skips {
            names.extend(checks.into_iter().map(Into::into));
        }
        self
    }

    /// Lets [`Conformance::run`] pass with any check skipped, core checks
    /// included (see [`Conformance::allow_skipped`] to name them instead).
    pub fn allow_skips(mut self) -> Self {
        self.allowed_skips = AllowedSkips::All;
        self
    }

    /// Runs every check and panics with the failed ones, if any, and with
    /// the skipped [`CORE_CHECKS`] the test did not allow
    /// ([`Conformance::allow_skipped`]).
    ///
    /// Panics when a check fails or a core check is skipped unallowed, and
    /// when [`Conformance::allow_skipped`] names no check (test helper).
    #[allow(clippy::panic)]
    pub fn run(&self) {
        let report = self.check();
        let mut problems = Vec::new();
        if !report.is_ok() {
            problems.push(report.failures());
        }
        if let Some(unknown) = self.unknown_allowed() {
            problems.push(unknown);
        }
        let skipped = self.unallowed_skips(&report);
        if !skipped.is_empty() {
            let names: Vec<&str> = skipped.iter().map(|check| check.name).collect();
            let mut out = format!(
                "{} core conformance check{} skipped for {}{}, so nothing proved {}:",
                skipped.len(),
                if skipped.len() == 1 { " was" } else { "s were" },
                report.model,
                report.api_suffix(),
                if skipped.len() == 1 { "it" } else { "them" },
            );
            for check in &skipped {
                out.push_str(&format!("\n  {}", line(check)));
            }
            out.push_str(&format!(
                "\n  (accept it with Conformance::allow_skipped({names:?}) or allow_skips())"
            ));
            problems.push(out);
        }
        if !problems.is_empty() {
            panic!("{}", problems.join("\n"));
        }
    }

    /// The skipped checks [`Conformance::run`] does not let pass.
    fn unallowed_skips<'r>(&self, report: &'r Report) -> Vec<&'r Check> {
        let allowed = match &self.allowed_skips {
            AllowedSkips::All => return Vec::new(),
            AllowedSkips::Named(names) => names,
        };
        report
            .checks
            .iter()
            .filter(|check| matches!(check.outcome, Outcome::Skipped(_)))
            .filter(|check| CORE_CHECKS.contains(&check.name))
            .filter(|check| !allowed.iter().any(|name| name == check.name))
            .collect()
    }

    /// The names [`Conformance::allow_skipped`] was given that are no check.
    fn unknown_allowed(&self) -> Option<String> {
        let AllowedSkips::Named(names) = &self.allowed_skips else {
            return None;
        };
        let unknown: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|name| !ALL_CHECKS.contains(name))
            .collect();
        (!unknown.is_empty()).then(|| {
            format!(
                "Conformance::allow_skipped names no check: {unknown:?} (the checks are {ALL_CHECKS:?})"
            )
        })
    }

    /// Runs every check and reports each.
    pub fn check(&self) -> Report {
        let base = match (self.configure)(Runtime::builder()).build() {
            Ok(runtime) => runtime,
            Err(error) => {
                return Report::fatal(self.model.clone(), None, format!("no runtime: {error}"));
            }
        };
        let provider = match &self.model {
            Some(model_ref) => match base.parse_model_ref(model_ref) {
                Ok(parsed) => parsed.provider,
                Err(error) => return Report::fatal(self.model.clone(), None, error.to_string()),
            },
            None => match base.provider_ids().first() {
                Some(id) => (*id).to_owned(),
                None => {
                    return Report::fatal(
                        None,
                        None,
                        "the runtime registers no provider".to_owned(),
                    );
                }
            },
        };
        let env_vars = declared_env_vars(&base, &provider);
        let mut env = self.env.clone();
        for name in &env_vars {
            env.set(name.clone(), CANARY);
        }
        let harness = match Harness::build(|builder| (self.configure)(builder).env(env)) {
            Ok(harness) => harness,
            Err(error) => {
                return Report::fatal(self.model.clone(), None, format!("no runtime: {error}"));
            }
        };
        let model_ref = match &self.model {
            Some(model_ref) => model_ref.clone(),
            None => match harness.catalog.model_ids(&provider).first() {
                Some(id) => format!("{provider}/{id}"),
                None => {
                    return Report::fatal(
                        None,
                        None,
                        format!("the catalog of {provider} lists no model: set Conformance::model"),
                    );
                }
            },
        };
        let model = match harness.resolve(&model_ref).result {
            Ok(model) => model,
            Err(error) => {
                return Report::fatal(Some(model_ref), None, format!("no model: {error}"));
            }
        };
        let runs = match self.drive_all(&harness, &model_ref, &model) {
            Ok(runs) => runs,
            Err(error) => return Report::fatal(Some(model_ref), Some(model.api), error),
        };
        let mut checks = stream_checks(&runs, &model, self.idle_timeout);
        checks.push(canary_check(&runs, &harness, &env_vars));
        checks.push(manifest_check(&harness.runtime, &provider));
        Report {
            model: model_ref,
            api: Some(model.api),
            checks,
        }
    }

    /// Every scripted turn, on one thread with its own Tokio runtime.
    fn drive_all(
        &self,
        harness: &Harness,
        model_ref: &str,
        model: &RuntimeModel,
    ) -> Result<Runs, String> {
        let plans = plans(&model.api, self.idle_timeout);
        let base_path = model.base_url.path().to_owned();
        let runtime = &harness.runtime;
        let catalog = &harness.catalog;
        try_on_own_runtime(|| async move {
            let mut runs = Runs::default();
            for plan in plans {
                let driven = run_plan(runtime, catalog, model_ref, &base_path, &plan).await?;
                runs.by_name.insert(plan.name, driven);
            }
            Ok::<Runs, String>(runs)
        })?
    }
}

/// One scripted turn to run.
struct Plan {
    name: &'static str,
    script: Script,
    tools: Vec<Tool>,
    control: Control,
}

/// The driven turns, by plan name.
#[derive(Default)]
struct Runs {
    by_name: BTreeMap<&'static str, Driven>,
}

impl Runs {
    fn get(&self, name: &str) -> Option<&Driven> {
        self.by_name.get(name)
    }
}

const TEXT: &str = "text";
const TOOL_CALL: &str = "tool-call";
const DROPPED: &str = "dropped";
const STALLED: &str = "stalled";
const HTTP_4XX: &str = "4xx";
const HTTP_5XX: &str = "5xx";
const IN_STREAM: &str = "error-in-200";
const CANCELLED: &str = "cancelled";
const ECHOED_KEY: &str = "401-echoing-the-key";

/// The turns for `api`: those needing a recording only when the testkit
/// has one for it.
fn plans(api: &ModelApi, idle_timeout: Option<Duration>) -> Vec<Plan> {
    let quick = || Control {
        deadline: DEADLINE,
        ..Control::default()
    };
    let plan = |name, script| Plan {
        name,
        script,
        tools: Vec::new(),
        control: quick(),
    };
    let mut plans = vec![
        plan(HTTP_5XX, Script::json(503, SERVER_ERROR_BODY)),
        plan(ECHOED_KEY, Script::json(401, echoing_body())),
    ];
    if let Some(recording) = Recorded::ToolCall.recording(api) {
        let mut names: Vec<&str> = recording.tool_names().to_vec();
        names.dedup();
        plans.push(Plan {
            tools: names
                .into_iter()
                .map(|name| {
                    Tool::new(
                        name,
                        "A tool of the recording",
                        serde_json::json!({"type": "object"}),
                    )
                })
                .collect(),
            ..plan(TOOL_CALL, recording.script())
        });
    }
    if let Some(script) = Recorded::Error.script(api) {
        plans.push(plan(HTTP_4XX, script));
    }
    if let Some(script) = Recorded::StreamError.script(api) {
        plans.push(plan(IN_STREAM, script));
    }
    let Some(text) = Recorded::Text.recording(api) else {
        return plans;
    };
    let body = text.body();
    plans.push(plan(TEXT, text.script()));
    if let Some(middle) = middle_boundary(&body) {
        plans.push(plan(DROPPED, text.script().drop_at(middle)));
        if let Some(idle) = idle_timeout {
            // Far longer than the idle timeout, so a loaded machine's late
            // timer still fires inside it; a client that times out closes
            // the connection, which ends the stall at once.
            let stall = idle * STALL_FACTOR;
            plans.push(Plan {
                control: Control {
                    deadline: stall + DEADLINE,
                    await_close: Some(DEADLINE),
                    ..Control::default()
                },
                ..plan(STALLED, text.script().stall_at(middle, stall))
            });
        }
        plans.push(Plan {
            control: Control {
                deadline: DEADLINE,
                cancel_on_content: Some(Cancellation::new()),
                await_close: Some(DEADLINE),
            },
            ..plan(CANCELLED, text.script().stall_at(middle, LONG_STALL))
        });
    }
    plans
}

async fn run_plan(
    runtime: &Runtime,
    catalog: &Catalog,
    model_ref: &str,
    base_path: &str,
    plan: &Plan,
) -> Result<Driven, String> {
    let request = with_catalog(
        TurnRequest::prompt(model_ref, "What is the weather in Paris?").tools(plan.tools.clone()),
        catalog,
    );
    drive(
        runtime,
        request,
        vec![plan.script.clone()],
        base_path,
        &plan.control,
    )
    .await
}

/// A 401 body echoing the key, as some providers do.
fn echoing_body() -> String {
    serde_json::json!({"error": {
        "message": format!("Incorrect API key provided: {CANARY}. You can find your API key in your dashboard."),
        "type": "invalid_request_error",
        "code": "invalid_api_key",
    }})
    .to_string()
}

/// The offset after the middle SSE event of `body` (not its end).
fn middle_boundary(body: &[u8]) -> Option<usize> {
    let mut ends = Vec::new();
    let mut at = 0;
    while at < body.len() {
        let rest = &body[at..];
        let step = if rest.starts_with(b"\r\n\r\n") {
            4
        } else if rest.starts_with(b"\n\n") {
            2
        } else {
            0
        };
        if step > 0 {
            at += step;
            if at < body.len() {
                ends.push(at);
            }
        } else {
            at += 1;
        }
    }
    ends.get(ends.len() / 2).copied()
}

/// The env vars the provider declares: its own, its auth methods', and
/// its manifests' (`providerAuthEnvVars`, `setup.providers[].envVars`).
fn declared_env_vars(runtime: &Runtime, provider: &str) -> Vec<String> {
    let mut names = runtime.auth_env_vars(provider);
    if let Some(plugin) = runtime.provider(provider) {
        let own = plugin.env_vars().into_iter().chain(
            plugin
                .auth_methods()
                .into_iter()
                .filter_map(|method| method.api_key.and_then(|options| options.env_var)),
        );
        for name in own {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The check passed.
    Passed,
    /// The check failed, and why.
    Failed(String),
    /// The check did not apply, and why.
    Skipped(String),
}

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Check {
    /// Its name (see the module docs).
    pub name: &'static str,
    /// What happened.
    pub outcome: Outcome,
}

impl Check {
    fn new(name: &'static str, outcome: Outcome) -> Self {
        Check { name, outcome }
    }
}

/// Every check of one [`Conformance::check`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Report {
    /// The model checked.
    pub model: String,
    /// Its api, once resolved.
    pub api: Option<ModelApi>,
    /// The checks, in order.
    pub checks: Vec<Check>,
}

impl Report {
    /// A report of one failed `setup` check.
    fn fatal(model: Option<String>, api: Option<ModelApi>, why: String) -> Self {
        Report {
            model: model.unwrap_or_else(|| "(no model)".to_owned()),
            api,
            checks: vec![Check::new("setup", Outcome::Failed(why))],
        }
    }

    /// Whether no check failed.
    pub fn is_ok(&self) -> bool {
        self.failed().next().is_none()
    }

    /// The failed checks.
    pub fn failed(&self) -> impl Iterator<Item = &Check> {
        self.checks
            .iter()
            .filter(|check| matches!(check.outcome, Outcome::Failed(_)))
    }

    /// The outcome of the check `name`, if it ran.
    pub fn outcome(&self, name: &str) -> Option<&Outcome> {
        self.checks
            .iter()
            .find(|check| check.name == name)
            .map(|check| &check.outcome)
    }

    /// The failed checks, one per line, under a heading.
    pub fn failures(&self) -> String {
        let mut out = format!(
            "{} of {} conformance checks failed for {}{}:",
            self.failed().count(),
            self.checks.len(),
            self.model,
            self.api_suffix()
        );
        for check in self.failed() {
            out.push_str(&format!("\n  {}", line(check)));
        }
        out
    }

    fn api_suffix(&self) -> String {
        self.api
            .as_ref()
            .map(|api| format!(" ({api})"))
            .unwrap_or_default()
    }
}

fn line(check: &Check) -> String {
    match &check.outcome {
        Outcome::Passed => format!("pass  {}", check.name),
        Outcome::Failed(why) => format!("FAIL  {}: {why}", check.name),
        Outcome::Skipped(why) => format!("skip  {}: {why}", check.name),
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = |wanted: fn(&Outcome) -> bool| {
            self.checks
                .iter()
                .filter(|check| wanted(&check.outcome))
                .count()
        };
        write!(
            f,
            "conformance of {}{}: {} passed, {} failed, {} skipped",
            self.model,
            self.api_suffix(),
            count(|o| matches!(o, Outcome::Passed)),
            count(|o| matches!(o, Outcome::Failed(_))),
            count(|o| matches!(o, Outcome::Skipped(_))),
        )?;
        for check in &self.checks {
            write!(f, "\n  {}", line(check))?;
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ checks

/// What a stream check expects its one terminal event to be.
#[derive(Clone)]
enum Ending {
    Done(Option<StopReason>),
    Error(ErrorKind),
}

/// The events as a short list of their types (`start, text_delta×3, done`).
fn summary(events: &[StreamEvent]) -> String {
    let mut parts: Vec<(String, usize)> = Vec::new();
    for event in events {
        let name = serde_json::to_value(event)
            .ok()
            .and_then(|v| v.get("type").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| "?".to_owned());
        match parts.last_mut() {
            Some((last, count)) if *last == name => *count += 1,
            _ => parts.push((name, 1)),
        }
    }
    let parts: Vec<String> = parts
        .into_iter()
        .map(|(name, count)| match count {
            1 => name,
            n => format!("{name}×{n}"),
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

/// The terminal event in brief.
fn terminal_text(event: &StreamEvent) -> String {
    match event {
        StreamEvent::Done { reason } => format!("done ({reason})"),
        StreamEvent::Error { kind, message, .. } => format!("error ({kind}: {message})"),
        other => format!("{other:?}"),
    }
}

/// Exactly one terminal event, last, of the expected kind, and the
/// provider's own (not the runtime's stand-in for a missing one).
fn ending(run: Option<&Driven>, expected: Ending) -> Outcome {
    let Some(run) = run else {
        return Outcome::Skipped("the testkit has no recording for this api".to_owned());
    };
    let streamed = &run.streamed;
    if let Some(error) = &streamed.error {
        return Outcome::Failed(format!("the turn could not start: {error}"));
    }
    if let Some(violation) = streamed.contract_violation() {
        return Outcome::Failed(format!("{violation}: {}", summary(&streamed.events)));
    }
    let Some(terminal) = streamed.terminal() else {
        return Outcome::Failed(format!("no terminal event: {}", summary(&streamed.events)));
    };
    if streamed.stand_in_terminal() {
        return Outcome::Failed(format!(
            "the provider's stream ended without a terminal event, so the turn ended with the runtime's stand-in, {} (did a wrapper drop the error?): {}",
            terminal_text(terminal),
            summary(&streamed.events)
        ));
    }
    let fits = match (&expected, terminal) {
        (Ending::Done(None), StreamEvent::Done { .. }) => true,
        (Ending::Done(Some(want)), StreamEvent::Done { reason }) => reason == want,
        (Ending::Error(want), StreamEvent::Error { kind, .. }) => kind == want,
        _ => false,
    };
    if fits {
        Outcome::Passed
    } else {
        let wanted = match expected {
            Ending::Done(None) => "done".to_owned(),
            Ending::Done(Some(reason)) => format!("done ({reason})"),
            Ending::Error(kind) => format!("a {kind} error"),
        };
        Outcome::Failed(format!(
            "ended with {}, expected {wanted}",
            terminal_text(terminal)
        ))
    }
}

/// The terminal error's message, when the terminal event is an error.
fn error_message(run: Option<&Driven>) -> Option<&str> {
    match run.and_then(|run| run.streamed.terminal()) {
        Some(StreamEvent::Error { message, .. }) => Some(message),
        _ => None,
    }
}

/// `first` unless it passed, then `then`.
fn and_then(first: Outcome, then: impl FnOnce() -> Outcome) -> Outcome {
    match first {
        Outcome::Passed => then(),
        other => other,
    }
}

fn stream_checks(runs: &Runs, model: &RuntimeModel, idle: Option<Duration>) -> Vec<Check> {
    let text = runs.get(TEXT);
    let tool = runs.get(TOOL_CALL);
    let expected_kind = |kind: Recorded| {
        kind.recording(&model.api)
            .and_then(|recording| recording.error_kind())
    };
    vec![
        Check::new(
            "text-stream",
            and_then(ending(text, Ending::Done(None)), || {
                match text.map(|run| run.streamed.text()) {
                    Some(text) if !text.is_empty() => Outcome::Passed,
                    _ => Outcome::Failed("no text delta arrived".to_owned()),
                }
            }),
        ),
        Check::new(
            "tool-call-stream",
            ending(tool, Ending::Done(Some(StopReason::ToolUse))),
        ),
        Check::new("tool-calls", tool_calls(tool, &model.api)),
        Check::new(
            "dropped-connection",
            ending(
                runs.get(DROPPED),
                Ending::Error(ErrorKind::ConnectionDropped),
            ),
        ),
        Check::new("idle-timeout", idle_timeout(runs.get(STALLED), idle)),
        Check::new(
            "http-4xx",
            match expected_kind(Recorded::Error) {
                Some(kind) => ending(runs.get(HTTP_4XX), Ending::Error(kind)),
                None => Outcome::Skipped(
                    "the testkit has no recorded 4xx answer for this api".to_owned(),
                ),
            },
        ),
        Check::new(
            "http-5xx",
            ending(runs.get(HTTP_5XX), Ending::Error(ErrorKind::Server)),
        ),
        Check::new(
            "error-in-200",
            error_in_200(runs.get(IN_STREAM), &model.api),
        ),
        Check::new("usage", usage(text)),
        Check::new("pricing", pricing(text, model)),
        Check::new("cancellation", cancellation(runs.get(CANCELLED))),
    ]
}

/// The recorded error inside a 200 stream: its kind, and its message passed on.
fn error_in_200(run: Option<&Driven>, api: &ModelApi) -> Outcome {
    let Some(recording) = Recorded::StreamError.recording(api) else {
        return Outcome::Skipped(
            "the testkit has no recorded error inside a 200 stream for this api".to_owned(),
        );
    };
    let (Some(kind), Some(recorded)) = (recording.error_kind(), recording.error_message()) else {
        return Outcome::Skipped("the recording names no error".to_owned());
    };
    and_then(ending(run, Ending::Error(kind)), || {
        match error_message(run) {
            Some(message) if message.contains(recorded) => Outcome::Passed,
            message => Outcome::Failed(format!(
                "the error's message {:?} does not pass on the recorded one, {recorded:?}",
                message.unwrap_or_default()
            )),
        }
    })
}

fn tool_calls(run: Option<&Driven>, api: &ModelApi) -> Outcome {
    let Some(run) = run else {
        return Outcome::Skipped("the testkit has no tool-call recording for this api".to_owned());
    };
    if let Some(error) = &run.streamed.error {
        return Outcome::Failed(format!("the turn could not start: {error}"));
    }
    let expected: Vec<&str> = Recorded::ToolCall
        .recording(api)
        .map(|r| r.tool_names().to_vec())
        .unwrap_or_default();
    let mut problems = Vec::new();
    let mut starts: BTreeMap<usize, (&str, &str)> = BTreeMap::new();
    let mut deltas: BTreeMap<usize, String> = BTreeMap::new();
    let mut names = Vec::new();
    for event in &run.streamed.events {
        match event {
            StreamEvent::ToolCallStart { index, id, name } => {
                starts.insert(*index, (id.as_str(), name.as_str()));
            }
            StreamEvent::ToolCallDelta { index, delta, .. } => {
                deltas.entry(*index).or_default().push_str(delta.as_str());
            }
            StreamEvent::ToolCallEnd {
                index,
                id,
                name,
                arguments,
                ..
            } => {
                names.push(name.as_str());
                let call = format!("call {index} ({name})");
                if id.trim().is_empty() {
                    problems.push(format!("{call} has an empty id"));
                }
                if name.trim().is_empty() {
                    problems.push(format!("{call} has an empty name"));
                }
                match starts.get(index) {
                    None => problems.push(format!("{call} ended without a tool_call_start")),
                    Some((start_id, start_name)) if (*start_id, *start_name) != (id, name) => {
                        problems.push(format!(
                            "{call} started as {start_id:?}/{start_name:?} but ended as {id:?}/{name:?}"
                        ));
                    }
                    Some(_) => {}
                }
                if !arguments.is_object() {
                    problems.push(format!(
                        "{call}'s arguments are not a JSON object: {arguments}"
                    ));
                }
                if let Some(streamed) = deltas.get(index) {
                    match serde_json::from_str::<Value>(streamed) {
                        Ok(parsed) if parsed == **arguments => {}
                        Ok(parsed) => problems.push(format!(
                            "{call}'s argument deltas give {parsed}, its end says {arguments}"
                        )),
                        Err(error) => problems.push(format!(
                            "{call}'s argument deltas are not complete JSON ({error}): {streamed:?}"
                        )),
                    }
                }
            }
            _ => {}
        }
    }
    if names != expected {
        problems.push(format!(
            "the calls were {names:?}, the recording holds {expected:?}"
        ));
    }
    if problems.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(problems.join("; "))
    }
}

fn idle_timeout(run: Option<&Driven>, idle: Option<Duration>) -> Outcome {
    let Some(idle) = idle else {
        return Outcome::Skipped(
            "no idle timeout declared: give the transports a short one and call Conformance::idle_timeout"
                .to_owned(),
        );
    };
    let Some(run) = run else {
        return Outcome::Skipped("the testkit has no text recording for this api".to_owned());
    };
    and_then(
        ending(Some(run), Ending::Error(ErrorKind::IdleTimeout)),
        || {
            if run.closed_while_held {
                Outcome::Passed
            } else {
                Outcome::Failed(format!(
                    "the idle_timeout error came, but the server did not see the connection closed before its {} ms stall ended",
                    (idle * STALL_FACTOR).as_millis()
                ))
            }
        },
    )
}

fn usage(run: Option<&Driven>) -> Outcome {
    and_then(ending(run, Ending::Done(None)), || {
        let usage = run.and_then(|run| run.streamed.usage());
        match usage {
            None => Outcome::Failed("no usage event".to_owned()),
            Some(usage) if usage.input + usage.cache_read + usage.cache_write == 0 => {
                Outcome::Failed(format!("no input tokens: {usage:?}"))
            }
            Some(usage) if usage.output == 0 => {
                Outcome::Failed(format!("no output tokens: {usage:?}"))
            }
            Some(_) => Outcome::Passed,
        }
    })
}

fn pricing(run: Option<&Driven>, model: &RuntimeModel) -> Outcome {
    let cost = run
        .and_then(|run| run.streamed.report.as_ref())
        .map_or(&model.cost, |report| &report.model.cost);
    let priced = [cost.input, cost.output, cost.cache_read, cost.cache_write]
        .iter()
        .any(|price| *price > 0.0);
    if !priced {
        return Outcome::Skipped("the model has no prices".to_owned());
    }
    and_then(ending(run, Ending::Done(None)), || {
        match run.and_then(|run| run.streamed.usage()) {
            None => Outcome::Failed("no usage event to price".to_owned()),
            Some(usage) => match &usage.cost {
                Some(total) if total.total > 0.0 => Outcome::Passed,
                Some(total) => Outcome::Failed(format!(
                    "the usage costs {} although the model has prices",
                    total.total
                )),
                None => Outcome::Failed(
                    "the usage has no cost although the model has prices".to_owned(),
                ),
            },
        }
    })
}

fn cancellation(run: Option<&Driven>) -> Outcome {
    let Some(driven) = run else {
        return Outcome::Skipped("the testkit has no text recording for this api".to_owned());
    };
    if driven.streamed.error.is_none() && !driven.cancelled {
        return Outcome::Failed(format!(
            "no content delta arrived to cancel after: {}",
            summary(&driven.streamed.events)
        ));
    }
    and_then(ending(run, Ending::Error(ErrorKind::Cancelled)), || {
        if driven.closed_while_held {
            Outcome::Passed
        } else {
            Outcome::Failed(format!(
                "the stream ended cancelled, but the server did not see the connection closed while the turn was held (waited {} ms): is it let go only when the turn is dropped?",
                DEADLINE.as_millis()
            ))
        }
    })
}

fn canary_check(runs: &Runs, harness: &Harness, env_vars: &[String]) -> Check {
    const NAME: &str = "canary-key";
    if env_vars.is_empty() {
        return Check::new(
            NAME,
            Outcome::Skipped("the provider declares no env var".to_owned()),
        );
    }
    let mut leaks = Vec::new();
    let mut reached = false;
    let mut look = |what: String, text: String| {
        if text.contains(CANARY) {
            leaks.push(what);
        }
    };
    look(
        "the catalog trace".to_owned(),
        serde_json::to_string(&harness.catalog_trace).unwrap_or_default(),
    );
    for (name, run) in &runs.by_name {
        let streamed = &run.streamed;
        reached |= streamed
            .requests
            .iter()
            .any(|request| request.contains(CANARY));
        for (at, event) in streamed.events.iter().enumerate() {
            let json = serde_json::to_string(event).unwrap_or_default();
            look(format!("{name}: event {at}"), format!("{json} {event:?}"));
        }
        if let Some(error) = &streamed.error {
            look(
                format!("{name}: the start error"),
                format!("{error} {error:?}"),
            );
        }
        look(
            format!("{name}: the trace"),
            serde_json::to_string(&streamed.trace).unwrap_or_default(),
        );
        if let Some(report) = &streamed.report {
            let json = serde_json::to_string(report).unwrap_or_default();
            look(format!("{name}: the report"), format!("{json} {report:?}"));
        }
    }
    let outcome = if !leaks.is_empty() {
        Outcome::Failed(format!("the key leaked into {}", leaks.join(", ")))
    } else if !reached {
        Outcome::Failed(format!(
            "the key never reached the server, so nothing was proven: the provider was given it in {}",
            env_vars.join(", ")
        ))
    } else {
        Outcome::Passed
    };
    Check::new(NAME, outcome)
}

fn manifest_check(runtime: &Runtime, provider: &str) -> Check {
    const NAME: &str = "manifest";
    let Some(plugin_id) = runtime.plugin_of(provider) else {
        return Check::new(
            NAME,
            Outcome::Failed(format!("no plugin registers {provider}")),
        );
    };
    let Some(manifest) = runtime.plugin_manifest(plugin_id) else {
        return Check::new(
            NAME,
            Outcome::Skipped(format!("the plugin {plugin_id} has no manifest")),
        );
    };
    let problems = manifest_problems(runtime, plugin_id, manifest);
    let outcome = if problems.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(problems.join("; "))
    };
    Check::new(NAME, outcome)
}

/// Where the manifest of `plugin_id` and its registrations disagree.
fn manifest_problems(runtime: &Runtime, plugin_id: &str, manifest: &PluginManifest) -> Vec<String> {
    let mut problems = Vec::new();
    if manifest.id.trim() != plugin_id {
        problems.push(format!(
            "the manifest id is {:?}, the plugin entry's {plugin_id:?}",
            manifest.id
        ));
    }
    let registered: Vec<&str> = runtime
        .provider_ids()
        .into_iter()
        .filter(|id| runtime.plugin_of(id) == Some(plugin_id))
        .collect();
    let declared = sorted(manifest.providers.iter().map(|p| normalize_provider_id(p)));
    let ids = sorted(registered.iter().map(|id| (*id).to_owned()));
    if declared != ids {
        problems.push(format!(
            "providers: the manifest lists {declared:?}, the plugin registers {ids:?}"
        ));
    }
    // The provider ids the manifest gives env vars for, as written: the
    // runtime reads both places and compares ids normalized.
    let setup_ids: Vec<&str> = manifest
        .setup
        .iter()
        .flat_map(|setup| &setup.providers)
        .map(|provider| provider.id.as_str())
        .collect();
    let mut env_ids: Vec<&str> = Vec::new();
    for (field, ids) in [
        (
            "providerAuthEnvVars",
            manifest
                .provider_auth_env_vars
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ),
        ("setup.providers", setup_ids),
    ] {
        for declared_id in ids {
            if !registered.contains(&normalize_provider_id(declared_id).as_str()) {
                problems.push(format!(
                    "{field} names {declared_id:?}, which the plugin does not register"
                ));
            }
            if !env_ids.contains(&declared_id) {
                env_ids.push(declared_id);
            }
        }
    }
    let mut choices_declared = Vec::new();
    let mut choices_registered = Vec::new();
    for id in &registered {
        let Some(provider) = runtime.provider(id) else {
            continue;
        };
        let methods = provider.auth_methods();
        let own = sorted(
            provider.env_vars().into_iter().chain(
                methods
                    .iter()
                    .filter_map(|m| m.api_key.as_ref().and_then(|o| o.env_var.clone())),
            ),
        );
        let listed = sorted(
            env_ids
                .iter()
                .filter(|declared| normalize_provider_id(declared) == *id)
                .flat_map(|declared| manifest.auth_env_vars(declared))
                .map(str::to_owned),
        );
        if own != listed {
            problems.push(format!(
                "env vars of {id}: the manifest lists {listed:?} (providerAuthEnvVars and setup.providers[].envVars), the provider declares {own:?}"
            ));
        }
        choices_registered.extend(methods.iter().map(|m| format!("{id}/{}", m.id)));
        choices_declared.extend(
            manifest
                .provider_auth_choices
                .iter()
                .filter(|choice| normalize_provider_id(&choice.provider) == *id)
                .map(|choice| format!("{id}/{}", choice.method)),
        );
    }
    for choice in &manifest.provider_auth_choices {
        if !registered.contains(&normalize_provider_id(&choice.provider).as_str()) {
            problems.push(format!(
                "providerAuthChoices: {:?} is for {:?}, which the plugin does not register",
                choice.choice_id, choice.provider
            ));
        }
    }
    let choices_declared = sorted(choices_declared);
    let choices_registered = sorted(choices_registered);
    if choices_declared != choices_registered {
        problems.push(format!(
            "providerAuthChoices: the manifest offers {choices_declared:?} (provider/method), the providers' auth methods are {choices_registered:?}"
        ));
    }
    problems
}

fn sorted(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut items: Vec<String> = items.into_iter().collect();
    items.sort();
    items.dedup();
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_is_known_and_the_core_ones_among_them() {
        let runs = Runs::default();
        let model = RuntimeModel::new(
            "zeta",
            "m",
            ModelApi::OpenAiCompletions,
            "https://api.zeta.example/v1".parse().unwrap(),
        );
        let mut names: Vec<&str> = stream_checks(&runs, &model, None)
            .iter()
            .map(|check| check.name)
            .collect();
        names.extend(["canary-key", "manifest"]);
        assert_eq!(names, ALL_CHECKS);
        assert!(CORE_CHECKS.iter().all(|name| ALL_CHECKS.contains(name)));
    }

    #[test]
    fn the_middle_boundary_is_after_an_event_and_never_the_end() {
        assert_eq!(
            middle_boundary(b"data: a\n\ndata: b\n\ndata: c\n\n"),
            Some(18)
        );
        assert_eq!(middle_boundary(b"data: a\r\n\r\ndata: b\r\n\r\n"), Some(11));
        assert_eq!(middle_boundary(b"data: only\n\n"), None);
    }

    #[test]
    fn a_report_lists_every_check_and_its_failures() {
        let report = Report {
            model: "zeta/m".to_owned(),
            api: Some(ModelApi::OpenAiCompletions),
            checks: vec![
                Check::new("text-stream", Outcome::Passed),
                Check::new("usage", Outcome::Failed("no usage event".to_owned())),
                Check::new("pricing", Outcome::Skipped("no prices".to_owned())),
            ],
        };
        assert!(!report.is_ok());
        assert_eq!(
            report.to_string(),
            "conformance of zeta/m (openai-completions): 1 passed, 1 failed, 1 skipped\n  pass  text-stream\n  FAIL  usage: no usage event\n  skip  pricing: no prices"
        );
        assert_eq!(
            report.failures(),
            "1 of 3 conformance checks failed for zeta/m (openai-completions):\n  FAIL  usage: no usage event"
        );
        assert_eq!(
            report.outcome("pricing"),
            Some(&Outcome::Skipped("no prices".to_owned()))
        );
    }
}
