//! One sweep for the key (issue 13).
//!
//! A canary key in every provider's env var, the suite's scenarios for each
//! built-in provider and acme-ai (every recording the testkit has of the
//! provider's api, plus the answers that echo the key back: a 401, a 429, a
//! plain-text 500, an HTML page with status 200 and an error inside a 200
//! stream; and a connection dropped mid-stream), and every place text
//! comes out of clawkit scanned for the key:
//!
//! - in process: every event (Debug and JSON), every error (Display and
//!   Debug), the hook trace, the turn report, the `LlmBackend` facade's
//!   answers and errors, and the Debug of the runtime and the backends;
//! - every tracing span and event, all fields, captured at every level
//!   (this test binary's global subscriber);
//! - every line `clawkit chat` prints, as text and with `--events --trace`;
//! - every `clawkit serve` response (status line, headers and body),
//!   streamed and whole, and what it prints;
//! - every committed insta snapshot of the repository, for every canary
//!   key any test of the repository uses, and this test's own snapshot of
//!   the echoed-key errors.
//!
//! Zero hits, and the key did reach each server (else nothing is proven).
//! The tracing subscriber is this test binary's global one: it records the
//! spans of every in-process test that runs beside these, and those are
//! swept too.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use clawkit_core::{Config, Context, Env, ModelApi, ProviderConfig, Runtime, RuntimeBuilder};
use clawkit_http::{BuiltinTransports, HttpClient, HttpConfig};
use clawkit_providers::{Backends, ChatRequest};
use clawkit_testkit::{Harness, Recorded, Script, ScriptedServer};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::clawkit_with_env;
use crate::serve::{spawn_serve_with, stderr_to_end};

/// The key. Shaped like a real one, so that shape-based redaction is not
/// what hides it: only knowing the request's key does.
const CANARY: &str = "sk-canary-sweep-9Xq2Lm7Tz4Rw8Vb3Nc5";

/// A provider under test: its id, a model, its key variable, its api and
/// the path its base URL has.
struct Provider {
    id: &'static str,
    model: &'static str,
    key_var: &'static str,
    api: ModelApi,
    prefix: &'static str,
}

const PROVIDERS: [Provider; 5] = [
    Provider {
        id: "openai",
        model: "gpt-5-mini",
        key_var: "OPENAI_API_KEY",
        api: ModelApi::OpenAiResponses,
        prefix: "/v1",
    },
    Provider {
        id: "anthropic",
        model: "claude-haiku-4-5",
        key_var: "ANTHROPIC_API_KEY",
        api: ModelApi::AnthropicMessages,
        prefix: "/v1",
    },
    Provider {
        id: "google",
        model: "gemini-2.5-flash",
        key_var: "GEMINI_API_KEY",
        api: ModelApi::GoogleGenerativeAi,
        prefix: "/v1beta",
    },
    Provider {
        id: "openai-compatible",
        model: "any-model",
        key_var: "OPENAI_COMPATIBLE_API_KEY",
        api: ModelApi::OpenAiCompletions,
        prefix: "/v1",
    },
    Provider {
        id: "acme-ai",
        model: "acme-large",
        key_var: "ACME_AI_API_KEY",
        api: ModelApi::OpenAiCompletions,
        prefix: "/v1",
    },
];

impl Provider {
    fn reference(&self) -> String {
        format!("{}/{}", self.id, self.model)
    }

    /// The scenarios: every testkit recording of the api, then the answers
    /// that carry the key back.
    fn scenarios(&self) -> Vec<(String, Script)> {
        let mut scenarios: Vec<(String, Script)> = Recorded::ALL
            .iter()
            .filter_map(|kind| Some((format!("{kind:?}"), kind.script(&self.api)?)))
            .collect();
        let text = Recorded::Text.script(&self.api).unwrap();
        scenarios.push(("dropped".into(), text.drop_at(150)));
        let echoed = format!(
            r#"{{"error":{{"message":"Incorrect API key provided: {CANARY}. You can find your API key at https://example.invalid/keys?key={CANARY}","type":"invalid_request_error","code":"invalid_api_key"}}}}"#
        );
        scenarios.push(("echo-401".into(), Script::json(401, echoed.clone())));
        scenarios.push((
            "echo-429".into(),
            Script::json(
                429,
                echoed.replace("Incorrect API key", "Rate limit for key"),
            )
            .header("retry-after", "0"),
        ));
        scenarios.push((
            "echo-500-text".into(),
            Script::json(500, format!("upstream refused Bearer {CANARY}\n"))
                .header("content-type", "text/plain"),
        ));
        scenarios.push((
            "echo-html-200".into(),
            Script::json(
                200,
                format!("<html><body>Proxy login failed for {CANARY}</body></html>"),
            )
            .without_header("content-type")
            .header("content-type", "text/html"),
        ));
        scenarios.push(("echo-in-stream".into(), Script::sse(self.error_in_stream())));
        scenarios
    }

    /// An error event inside a 200 stream, in the api's own shape, that
    /// quotes the key.
    fn error_in_stream(&self) -> String {
        let message = format!("API key not valid: {CANARY}");
        match self.api {
            ModelApi::AnthropicMessages => format!(
                "event: error\ndata: {{\"type\":\"error\",\"error\":{{\"type\":\"authentication_error\",\"message\":\"{message}\"}}}}\n\n"
            ),
            ModelApi::OpenAiResponses => format!(
                "event: error\ndata: {{\"type\":\"error\",\"code\":\"invalid_api_key\",\"message\":\"{message}\"}}\n\n"
            ),
            ModelApi::GoogleGenerativeAi => format!(
                "data: {{\"error\":{{\"code\":400,\"message\":\"{message}\",\"status\":\"INVALID_ARGUMENT\"}}}}\n\n"
            ),
            _ => format!(
                "data: {{\"error\":{{\"message\":\"{message}\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}}}\n\n"
            ),
        }
    }
}

/// Every variable of every provider, set to the canary.
fn canary_env() -> Env {
    PROVIDERS
        .iter()
        .fold(Env::new(), |env, p| env.with(p.key_var, CANARY))
}

fn transports() -> BuiltinTransports {
    let config = HttpConfig::default()
        .with_idle_timeout(Duration::from_millis(500))
        .with_system_proxy(false);
    BuiltinTransports::new(HttpClient::with_config(config).unwrap())
}

fn with_plugins(mut builder: RuntimeBuilder) -> RuntimeBuilder {
    for plugin in clawkit_providers::builtin_plugins().unwrap() {
        builder = builder.plugin(plugin);
    }
    builder.plugin(acme_ai::plugin().unwrap())
}

/// The places the key was found; a test fails listing them.
#[derive(Default)]
struct Sweep {
    hits: Vec<String>,
}

impl Sweep {
    fn look(&mut self, what: impl FnOnce() -> String, text: &str) {
        if text.contains(CANARY) {
            self.hits
                .push(format!("{}: …{}…", what(), around(text, CANARY)));
        }
    }

    fn assert_clean(&self) {
        assert!(
            self.hits.is_empty(),
            "the key leaked {} times:\n{}",
            self.hits.len(),
            self.hits.join("\n")
        );
    }
}

/// Up to 80 characters either side of `needle` in `text`, for the failure.
fn around(text: &str, needle: &str) -> String {
    let at = text.find(needle).unwrap_or(0);
    let start = text.floor_char_boundary(at.saturating_sub(80));
    let end = text.ceil_char_boundary((at + needle.len() + 80).min(text.len()));
    text[start..end].to_owned()
}

// ---------------------------------------------------------------------------
// Tracing: everything, from every thread, into one buffer.

static TRACED: Mutex<String> = Mutex::new(String::new());

#[derive(Default)]
struct Recorder {
    next_id: AtomicU64,
}

#[derive(Default)]
struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields::default();
        span.record(&mut fields);
        trace_line(format!("span {}{}", span.metadata().name(), fields.0));
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        trace_line(format!("record{}", fields.0));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        trace_line(format!("event {}{}", event.metadata().target(), fields.0));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn trace_line(line: String) {
    let mut traced = TRACED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    traced.push_str(&line);
    traced.push('\n');
}

fn record_tracing() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        tracing::subscriber::set_global_default(Recorder::default()).unwrap();
    });
    tracing::callsite::rebuild_interest_cache();
}

// ---------------------------------------------------------------------------
// In process: turns, the facade, tracing.

#[test]
fn in_process_the_key_reaches_the_server_and_nothing_else() {
    record_tracing();
    let mut sweep = Sweep::default();
    let harness = Harness::with_env(canary_env(), |runtime| {
        with_plugins(runtime).transports(transports())
    });
    let mut snapshot = serde_json::Map::new();
    for provider in &PROVIDERS {
        let mut reached = false;
        for (scenario, script) in provider.scenarios() {
            let streamed = harness.stream_prompt(&provider.reference(), "Hi", script);
            let what = || format!("{} {scenario}", provider.id);
            assert!(streamed.ended, "{}: the turn did not end", what());
            reached |= streamed.requests.iter().any(|r| r.contains(CANARY));
            for event in &streamed.events {
                let json = serde_json::to_string(event).unwrap();
                sweep.look(
                    || format!("{}: event {json}", what()),
                    &format!("{json} {event:?}"),
                );
            }
            if let Some(error) = &streamed.error {
                sweep.look(
                    || format!("{}: start error", what()),
                    &format!("{error} {error:?}"),
                );
            }
            let trace = serde_json::to_string(&streamed.trace).unwrap();
            sweep.look(
                || format!("{}: trace", what()),
                &format!("{trace} {:?}", streamed.trace),
            );
            if let Some(report) = &streamed.report {
                let json = serde_json::to_string(report).unwrap();
                sweep.look(
                    || format!("{}: report", what()),
                    &format!("{json} {report:?}"),
                );
            }
            if scenario.starts_with("echo-") {
                snapshot.insert(
                    format!("{} {scenario}", provider.id),
                    serde_json::to_value(streamed.terminal()).unwrap(),
                );
            }
        }
        assert!(reached, "{}: the key never reached the server", provider.id);
    }
    let catalog_trace = serde_json::to_string(&harness.catalog_trace).unwrap();
    sweep.look(
        || "the runtime, its catalog and the catalog trace".into(),
        &format!(
            "{:?} {:?} {catalog_trace}",
            harness.runtime, harness.catalog
        ),
    );
    backend_sweep(&mut sweep);
    let traced = std::mem::take(&mut *TRACED.lock().unwrap());
    assert!(traced.contains("span "), "nothing was traced: {traced}");
    sweep.look(|| "a tracing line".into(), &traced);
    sweep.assert_clean();
    // The echoed-key errors as each api's transport words them: the key
    // is never in them (this snapshot is swept below with the others).
    insta::assert_json_snapshot!("echoed_key_errors", snapshot);
}

/// The `LlmBackend` facade, whole answers: every scenario's answer or
/// error, and the Debug of the runtime and backends.
fn backend_sweep(sweep: &mut Sweep) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for provider in &PROVIDERS {
            let scenarios = provider.scenarios();
            let server = ScriptedServer::start(scenarios.iter().map(|(_, s)| s.clone()).collect())
                .await
                .unwrap();
            let endpoint = ProviderConfig::new(
                server.url(provider.prefix).parse().unwrap(),
                provider.api.clone(),
            );
            let client =
                HttpClient::with_config(HttpConfig::default().with_system_proxy(false)).unwrap();
            let core = with_plugins(Runtime::builder())
                .env(canary_env())
                .config(Config::new().with_provider(provider.id, endpoint))
                .transports(BuiltinTransports::new(client.clone()))
                .build()
                .unwrap();
            let core = Arc::new(core);
            sweep.look(|| "the runtime's Debug".into(), &format!("{core:?}"));
            let backends = Backends::from_runtime(Arc::clone(&core), client);
            sweep.look(|| "the backends' Debug".into(), &format!("{backends:?}"));
            let backend = backends.backend(provider.id).unwrap();
            for (scenario, _) in &scenarios {
                let request = ChatRequest::new(provider.reference(), Context::user("Hi"));
                let answer = tokio::time::timeout(Duration::from_secs(10), backend.chat(request))
                    .await
                    .unwrap_or_else(|_| panic!("{} {scenario}: no answer in time", provider.id));
                let shown = match &answer {
                    Ok(response) => format!("{response:?}"),
                    Err(error) => format!("{error} {error:?}"),
                };
                sweep.look(
                    || format!("{} {scenario}: the facade's answer", provider.id),
                    &shown,
                );
            }
            assert!(
                server.requests().iter().any(|r| r.contains(CANARY)),
                "{}: the facade never sent the key",
                provider.id
            );
        }
    });
}

// ---------------------------------------------------------------------------
// The binary: `clawkit chat` and `clawkit serve`.

#[tokio::test(flavor = "multi_thread")]
async fn clawkit_chat_prints_no_key_in_any_mode() {
    let mut sweep = Sweep::default();
    for provider in &PROVIDERS {
        let scenarios = provider.scenarios();
        // Each scenario answers twice: as text, then with --events --trace.
        let scripts = scenarios
            .iter()
            .flat_map(|(_, script)| [script.clone(), script.clone()])
            .collect();
        let server = ScriptedServer::start(scripts).await.unwrap();
        let base = server.url(provider.prefix);
        let reference = provider.reference();
        for (scenario, _) in &scenarios {
            for mode in [&[][..], &["--events", "--trace"][..]] {
                let mut args = vec!["chat", "--model", &reference, "--base-url", &base];
                args.extend_from_slice(mode);
                args.push("Hi");
                let env = [(provider.key_var, CANARY)];
                let output = tokio::task::block_in_place(|| clawkit_with_env(&args, &env));
                let printed = format!(
                    "{}\n{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                );
                // As text, a tool call alone prints nothing; as events, every
                // answer prints at least its terminal event.
                assert!(
                    mode.is_empty() || !printed.trim().is_empty(),
                    "{reference} {scenario}: printed nothing"
                );
                sweep.look(|| format!("chat {reference} {scenario} {mode:?}"), &printed);
            }
        }
        assert!(
            server.requests().iter().any(|r| r.contains(CANARY)),
            "{}: the key never reached the server",
            provider.id
        );
    }
    sweep.assert_clean();
}

/// A started `clawkit serve`, killed on drop.
struct Serve {
    child: std::process::Child,
    url: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[String], env: &[(&str, &str)]) -> Serve {
    let args: Vec<&str> = ["--addr", "127.0.0.1:0"]
        .into_iter()
        .chain(args.iter().map(String::as_str))
        .collect();
    let mut child = spawn_serve_with(&args, env);
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    Serve { child, url }
}

/// Status, headers and body of a POST, as one text.
async fn post(http: &reqwest::Client, url: &str, body: String, bearer: Option<&str>) -> String {
    let mut request = http
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(key) = bearer {
        request = request.bearer_auth(key);
    }
    let response = tokio::time::timeout(Duration::from_secs(10), request.send())
        .await
        .unwrap()
        .unwrap();
    let mut shown = format!("{:?} {}\n", response.version(), response.status());
    for (name, value) in response.headers() {
        let _ = writeln!(
            shown,
            "{name}: {}",
            String::from_utf8_lossy(value.as_bytes())
        );
    }
    let body = tokio::time::timeout(Duration::from_secs(10), response.bytes())
        .await
        .unwrap()
        .unwrap_or_default();
    shown.push_str(&String::from_utf8_lossy(&body));
    shown
}

#[tokio::test(flavor = "multi_thread")]
async fn clawkit_serve_answers_no_key_streamed_or_whole() {
    let mut sweep = Sweep::default();
    let mut servers = Vec::new();
    let mut args = Vec::new();
    for provider in &PROVIDERS {
        // Each scenario answers twice: streamed, then whole.
        let scripts = provider
            .scenarios()
            .into_iter()
            .flat_map(|(_, script)| [script.clone(), script])
            .collect();
        let server = ScriptedServer::start(scripts).await.unwrap();
        args.push("--base-url".to_owned());
        args.push(format!("{}={}", provider.id, server.url(provider.prefix)));
        servers.push(server);
    }
    let env: Vec<(&str, &str)> = PROVIDERS.iter().map(|p| (p.key_var, CANARY)).collect();
    let mut gateway = tokio::task::block_in_place(|| serve(&args, &env));
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let completions = format!("{}/v1/chat/completions", gateway.url);
    for provider in &PROVIDERS {
        for (scenario, _) in provider.scenarios() {
            for stream in [true, false] {
                let body = serde_json::json!({
                    "model": provider.reference(),
                    "stream": stream,
                    "messages": [{"role": "user", "content": "Hi"}],
                });
                let shown = post(&http, &completions, body.to_string(), None).await;
                sweep.look(
                    || format!("serve {} {scenario} stream={stream}", provider.id),
                    &shown,
                );
            }
        }
    }
    let models = http
        .get(format!("{}/v1/models", gateway.url))
        .send()
        .await
        .unwrap();
    sweep.look(|| "serve /v1/models".into(), &models.text().await.unwrap());
    for (provider, server) in PROVIDERS.iter().zip(&servers) {
        assert!(
            server.requests().iter().any(|r| r.contains(CANARY)),
            "{}: the gateway never sent the key",
            provider.id
        );
    }
    let _ = gateway.child.kill();
    let printed = stderr_to_end(&mut gateway.child);
    sweep.look(|| "serve's stderr".into(), &printed);
    sweep.assert_clean();
}

#[tokio::test(flavor = "multi_thread")]
async fn clawkit_serve_sidecar_never_repeats_the_callers_key() {
    // The key comes with each request (as OpenClaw's plugin sends it), not
    // from the environment.
    let mut sweep = Sweep::default();
    let provider = &PROVIDERS[3];
    let scripts: Vec<Script> = provider.scenarios().into_iter().map(|(_, s)| s).collect();
    let count = scripts.len();
    let server = ScriptedServer::start(scripts).await.unwrap();
    let args = vec![
        "--sidecar".to_owned(),
        "--base-url".to_owned(),
        format!("{}={}", provider.id, server.url(provider.prefix)),
    ];
    let mut gateway = tokio::task::block_in_place(|| serve(&args, &[]));
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let completions = format!("{}/v1/chat/completions", gateway.url);
    for at in 0..count {
        let body = serde_json::json!({
            "model": provider.reference(),
            "stream": at % 2 == 0,
            "messages": [{"role": "user", "content": "Hi"}],
        });
        let shown = post(&http, &completions, body.to_string(), Some(CANARY)).await;
        sweep.look(|| format!("sidecar request {at}"), &shown);
    }
    assert!(server.requests().iter().any(|r| r.contains(CANARY)));
    drop(gateway.child.stdin.take());
    let _ = gateway.child.kill();
    let printed = stderr_to_end(&mut gateway.child);
    sweep.look(|| "the sidecar's stderr".into(), &printed);
    sweep.assert_clean();
}

// ---------------------------------------------------------------------------
// Snapshots.

/// Every canary key the repository's tests use: a word containing
/// "canary" (any case) with at least four digits in it.
fn canary_keys(text: &str) -> Vec<String> {
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.split(|c: char| !is_key_char(c))
        .filter(|word| word.to_ascii_lowercase().contains("canary"))
        .filter(|word| word.chars().filter(char::is_ascii_digit).count() >= 4)
        .map(str::to_owned)
        .collect()
}

fn files(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !matches!(
                name.as_ref(),
                "target" | ".git" | "node_modules" | "corpus" | "artifacts"
            ) {
                files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_snapshot_holds_any_test_key() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut all = Vec::new();
    files(&root, &mut all);
    let mut keys: Vec<String> = vec![CANARY.to_owned()];
    for path in all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
    {
        keys.extend(canary_keys(
            &std::fs::read_to_string(path).unwrap_or_default(),
        ));
    }
    keys.sort();
    keys.dedup();
    // The testkit's conformance key, and this file's, are among them.
    assert!(
        keys.iter().any(|k| k == clawkit_testkit::CANARY),
        "{keys:?}"
    );
    assert!(keys.len() > 10, "{keys:?}");
    let snapshots: Vec<&PathBuf> = all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "snap"))
        .collect();
    assert!(
        snapshots
            .iter()
            .any(|p| p.ends_with("cli__secrets__echoed_key_errors.snap")),
        "this test's own snapshot is missing"
    );
    let mut sweep = Sweep::default();
    for path in &snapshots {
        let text = std::fs::read_to_string(path).unwrap();
        for key in &keys {
            if text.contains(key.as_str()) {
                sweep.hits.push(format!("{} holds {key}", path.display()));
            }
        }
    }
    assert!(snapshots.len() > 50, "{} snapshots", snapshots.len());
    sweep.assert_clean();
}

#[test]
fn canary_keys_are_words_with_canary_and_digits() {
    assert_eq!(
        canary_keys(r#"const K: &str = "sk-ant-canary-0123456789"; canary-key sk-CANARY-7f3e9a01"#),
        ["sk-ant-canary-0123456789", "sk-CANARY-7f3e9a01"]
    );
}

#[test]
fn a_hit_shows_where() {
    let mut sweep = Sweep::default();
    sweep.look(|| "here".into(), &format!("error: bad key {CANARY} given"));
    sweep.look(|| "there".into(), "nothing");
    assert_eq!(sweep.hits.len(), 1);
    assert!(sweep.hits[0].starts_with("here: …error: bad key"));
}
