//! `clawkit serve`: the OpenAI-compatible gateway ([`clawkit_server`]) in
//! front of every provider this command line knows — the built-in ones,
//! those `run_with` registers, and `--plugin` folders; or, with `--runtime
//! demo|FILE`, the custom-runtime reference orchestrator
//! ([`custom_runtime::orchestrator`]), Claw3D's `custom` boundary.
//!
//! Exit status: 0 stopped by Ctrl-C or SIGTERM, 1 the runtime cannot be
//! built, a `--plugin` folder is invalid or the address cannot be bound,
//! 2 usage (a malformed `--addr`, a `--config` file that cannot be read or
//! is malformed, a `--plugin` folder that does not exist).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use clawkit_core::{Env, normalize_provider_id};
use clawkit_server::{Gateway, GatewayLimits, Server};
use serde_json::{Map, Value};
use url::Url;

use crate::input::{InFile, InputError, Pointer, Problem, kind, object, read_json};
use crate::plugin_dir::{self, Failure};
use crate::runtime::{Plugins, runtime};

/// Where `serve` listens without `--addr`.
pub(crate) const DEFAULT_ADDR: &str = "127.0.0.1:8787";

/// Where `serve --runtime` listens without `--addr`: Claw3D's default URL
/// for its `custom` profile.
pub(crate) const DEFAULT_RUNTIME_ADDR: &str = "127.0.0.1:7770";

/// How long in-flight requests get to finish once stopping.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The flag naming the config file, for messages.
const CONFIG_FLAG: &str = "--config";

/// `clawkit serve`: the gateway, or with `--runtime` the custom-runtime
/// reference orchestrator.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The address to listen on, HOST:PORT; port 0 picks a free port (the
    /// first line on stdout says which). Default 127.0.0.1:8787, or
    /// 127.0.0.1:7770 (Claw3D's default) with --runtime.
    #[arg(long, value_name = "HOST:PORT")]
    addr: Option<String>,
    /// Serve the custom-runtime reference orchestrator instead of the
    /// gateway: Claw3D's `custom` boundary (/health, /state, /registry,
    /// /v1/chat/completions, /v1/completions, /v1/contracted-completions)
    /// with roles and lanes from FILE, or the built-in `demo` set routed to
    /// scripted workers (no model, no key).
    #[arg(long, value_name = "demo|FILE", conflicts_with_all = ["config", "plugin"])]
    runtime: Option<String>,
    /// A JSON file with the gateway's limits and per-provider base URLs
    /// (see docs/cli.md).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Also serve the manifest-only providers of this plugin folder;
    /// repeatable.
    #[arg(long, value_name = "DIR")]
    plugin: Vec<PathBuf>,
    /// Send PROVIDER's requests to URL instead of its own endpoint (as
    /// `providers.<id>.baseUrl` in --config does); repeatable.
    #[arg(
        long = "base-url",
        value_name = "PROVIDER=URL",
        conflicts_with = "runtime"
    )]
    base_urls: Vec<String>,
    /// Run as a host's sidecar (what `clawkit pack` starts): each request
    /// brings its provider key (`Authorization: Bearer …`; a request
    /// without one gets 401); a provider's upstream may come from
    /// `<ID>_BASE_URL` in the environment (`ACME_AI_BASE_URL`); the server
    /// stops when its stdin closes, so it never outlives the process that
    /// started it.
    #[arg(long, conflicts_with = "runtime")]
    sidecar: bool,
}

/// What `--config` sets.
#[derive(Debug, Default, PartialEq)]
struct ServeConfig {
    limits: GatewayLimits,
    /// Per-provider base URLs, with the pointer each was read at.
    base_urls: Vec<(String, Url, String)>,
}

pub(crate) fn run(args: ServeArgs, plugins: &Plugins) -> ExitCode {
    match &args.runtime {
        Some(runtime) => orchestrator(
            runtime,
            args.addr.as_deref().unwrap_or(DEFAULT_RUNTIME_ADDR),
        ),
        None => gateway(&args, plugins),
    }
}

/// The orchestrator mode: the reference runtime of `examples/custom-runtime`.
fn orchestrator(runtime: &str, addr: &str) -> ExitCode {
    use custom_runtime::orchestrator::{Orchestrator, OrchestratorConfig};

    if let Err(message) = check_addr(addr) {
        return usage(message);
    }
    let config = if runtime == "demo" {
        OrchestratorConfig::demo()
    } else {
        match OrchestratorConfig::from_file(runtime) {
            Ok(config) => config,
            Err(error) => return usage(format!("--runtime {runtime}: {error}")),
        }
    };
    let orchestrator = match Orchestrator::new(config) {
        Ok(orchestrator) => orchestrator,
        Err(error) => return usage(format!("--runtime {runtime}: {error}")),
    };
    let served = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))
        .and_then(|tokio| {
            tokio.block_on(async {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
                let server = orchestrator.serve(listener).map_err(|e| e.to_string())?;
                let url = server.url();
                {
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "listening on {url}").and_then(|()| out.flush());
                }
                let roles: Vec<&str> = orchestrator
                    .config()
                    .roles
                    .iter()
                    .map(|role| role.id.as_str())
                    .collect();
                say(format_args!(
                    "clawkit: reference orchestrator, roles {}: GET {url}/health, /state, /registry; POST {url}/v1/chat/completions (Ctrl-C to stop)",
                    roles.join(", ")
                ));
                let why = stop_signal().await;
                say(format_args!("clawkit: {why}: stopping"));
                server.shutdown().await.map_err(|e| e.to_string())
            })
        });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => failure(message),
    }
}

/// One line on stderr, ignoring a failed write: a sidecar whose host died
/// has no stderr left to write to, and must still stop cleanly (where
/// `eprintln!` would panic on the broken pipe).
fn say(line: std::fmt::Arguments<'_>) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_fmt(line)
        .and_then(|()| stderr.write_all(b"\n"));
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    say(format_args!("clawkit: {message}"));
    ExitCode::from(crate::EXIT_USAGE)
}

fn failure(message: impl std::fmt::Display) -> ExitCode {
    say(format_args!("clawkit: {message}"));
    ExitCode::FAILURE
}

/// The gateway mode: `/v1/chat/completions` and `/v1/models`.
fn gateway(args: &ServeArgs, plugins: &Plugins) -> ExitCode {
    let addr = args.addr.as_deref().unwrap_or(DEFAULT_ADDR);
    if let Err(message) = check_addr(addr) {
        return usage(message);
    }
    let config = match &args.config {
        Some(file) => match read_config(file) {
            Ok(config) => config,
            Err(error) => return usage(error),
        },
        None => ServeConfig::default(),
    };
    let plugins = match plugin_dir::load(&args.plugin) {
        Ok(loaded) => plugins.with_manifest_only(loaded),
        Err(Failure::Usage) => return ExitCode::from(crate::EXIT_USAGE),
        Err(Failure::Invalid(message)) => return failure(message),
    };
    let runtime = match runtime(Env::from_process(), &plugins) {
        Ok(runtime) => Arc::new(runtime),
        Err(error) => return failure(error),
    };
    let known = runtime.provider_ids();
    let mut gateway = Gateway::new(Arc::clone(&runtime))
        .with_limits(config.limits.clone())
        .with_request_keys(args.sidecar)
        .on_request(|log| say(format_args!("clawkit: {log}")));
    for (provider, url, at) in &config.base_urls {
        if !known.contains(&provider.as_str()) {
            let file = args.config.as_deref().unwrap_or(Path::new(""));
            return usage(InputError::Invalid {
                flag: CONFIG_FLAG,
                file: file.to_owned(),
                pointer: at.clone(),
                problem: format!("unknown provider (serving: {})", known.join(", ")),
            });
        }
        gateway = gateway.with_base_url(provider, url.clone());
    }
    // The command line wins over the config file; a sidecar's environment
    // (`<ID>_BASE_URL`, kept out of argv, where any local user can read it)
    // wins over both.
    for given in &args.base_urls {
        match base_url_flag(given, &known) {
            Ok((provider, url)) => gateway = gateway.with_base_url(&provider, url),
            Err(message) => return usage(format!("--base-url: {message}")),
        }
    }
    if args.sidecar {
        for provider in &known {
            let name = base_url_env(provider);
            let Some(value) = std::env::var(&name).ok().filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            // The host's environment is not this command's to refuse: a
            // value that is not a URL is said and ignored.
            match base_url_flag(&format!("{provider}={value}"), &known) {
                Ok((provider, url)) => gateway = gateway.with_base_url(&provider, url),
                Err(_) => say(format_args!(
                    "clawkit: {name}: not an http(s) URL; {provider} keeps its own endpoint"
                )),
            }
        }
    }
    let served = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))
        .and_then(|tokio| tokio.block_on(serve(&gateway, addr, known.len(), args.sidecar)));
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => failure(message),
    }
}

/// The environment variable a sidecar reads `provider`'s upstream base URL
/// from: the id upper-cased, `-` and `.` as `_`, then `_BASE_URL`
/// (`acme-ai` → `ACME_AI_BASE_URL`).
fn base_url_env(provider: &str) -> String {
    format!(
        "{}_BASE_URL",
        provider.to_ascii_uppercase().replace(['-', '.'], "_")
    )
}

/// `PROVIDER=URL`: a served provider and an http(s) URL. The message
/// never repeats the URL (it may carry credentials).
fn base_url_flag(given: &str, known: &[&str]) -> Result<(String, Url), String> {
    let (provider, url) = given
        .split_once('=')
        .ok_or("expected PROVIDER=URL (such as ollama=http://gpu-box:11434/v1)")?;
    let provider = normalize_provider_id(provider);
    if !known.contains(&provider.as_str()) {
        return Err(format!(
            "unknown provider {provider:?} (serving: {})",
            known.join(", ")
        ));
    }
    match Url::parse(url.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
            Ok((provider, url))
        }
        _ => Err(format!("{provider}: not an http(s) URL")),
    }
}

/// `HOST:PORT`, before any lookup.
fn check_addr(addr: &str) -> Result<(), String> {
    let well_formed = addr
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "--addr: expected HOST:PORT (such as {DEFAULT_ADDR}, or 127.0.0.1:0 for any free port)"
        ))
    }
}

/// Listens, says where on stdout, serves until Ctrl-C or SIGTERM, then
/// stops gracefully.
async fn serve(
    gateway: &Gateway,
    addr: &str,
    providers: usize,
    sidecar: bool,
) -> Result<(), String> {
    let server = Server::bind(gateway, addr)
        .await
        .map_err(|e| e.to_string())?;
    let url = format!("http://{}", server.local_addr());
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {url}").and_then(|()| out.flush());
    }
    say(format_args!(
        "clawkit: serving {providers} providers: POST {url}/v1/chat/completions, GET {url}/v1/models (Ctrl-C to stop)"
    ));
    let why = if sidecar {
        tokio::select! {
            why = stop_signal() => why,
            () = stdin_closed() => "stdin closed",
        }
    } else {
        stop_signal().await
    };
    say(format_args!("clawkit: {why}: stopping"));
    server
        .shutdown(SHUTDOWN_GRACE)
        .await
        .map_err(|e| e.to_string())
}

/// Resolves when stdin reaches its end or fails: the process that started
/// a sidecar (and holds the other end of its stdin) has gone.
async fn stdin_closed() {
    let (closed, wait) = tokio::sync::oneshot::channel::<()>();
    let reader = std::thread::Builder::new()
        .name("stdin-watch".to_owned())
        .spawn(move || {
            let mut sink = [0_u8; 512];
            let mut stdin = std::io::stdin().lock();
            while let Ok(read) = std::io::Read::read(&mut stdin, &mut sink) {
                if read == 0 {
                    break;
                }
            }
            let _ = closed.send(());
        });
    if reader.is_err() {
        // No thread to watch with: only a signal stops the server.
        std::future::pending::<()>().await;
    }
    let _ = wait.await;
}

/// Waits for Ctrl-C (SIGINT) or, on Unix, SIGTERM; says which.
async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            return tokio::select! {
                _ = tokio::signal::ctrl_c() => "interrupted",
                _ = terminate.recv() => "terminated",
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    "interrupted"
}

/// Reads the `--config` file.
fn read_config(file: &Path) -> Result<ServeConfig, InputError> {
    let document = read_json(CONFIG_FLAG, file)?;
    parse_config(&document).map_err(|problem| problem.in_file(CONFIG_FLAG, file))
}

/// The members an object may have, or the problem with the first other.
fn only(fields: &Map<String, Value>, allowed: &[&str], at: &Pointer) -> Result<(), Problem> {
    match fields.keys().find(|key| !allowed.contains(&key.as_str())) {
        None => Ok(()),
        Some(key) => {
            let quoted: Vec<String> = allowed.iter().map(|k| format!("\"{k}\"")).collect();
            let expected = match quoted.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            Err(Problem::at(
                &at.join(key),
                format!("unknown key (expected {expected})"),
            ))
        }
    }
}

/// A positive integer member, if present.
fn positive(fields: &Map<String, Value>, key: &str, at: &Pointer) -> Result<Option<u64>, Problem> {
    match fields.get(key) {
        None => Ok(None),
        Some(value) => value.as_u64().filter(|n| *n > 0).map(Some).ok_or_else(|| {
            Problem::at(
                &at.join(key),
                format!("expected a positive integer, found {}", kind(value)),
            )
        }),
    }
}

/// The config document:
/// `{"limits": {"maxBodyBytes", "maxConcurrentStreams", "requestTimeoutSecs"},
///   "providers": {"<id>": {"baseUrl"}}}`, every member optional.
fn parse_config(document: &Value) -> Result<ServeConfig, Problem> {
    let root = Pointer::root();
    let fields = object(document, &root, "the serve config")?;
    only(fields, &["limits", "providers"], &root)?;
    let mut config = ServeConfig::default();
    if let Some(limits) = fields.get("limits") {
        let at = root.join("limits");
        let limits = object(limits, &at, "the limits")?;
        only(
            limits,
            &["maxBodyBytes", "maxConcurrentStreams", "requestTimeoutSecs"],
            &at,
        )?;
        if let Some(bytes) = positive(limits, "maxBodyBytes", &at)? {
            let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
            config.limits = config.limits.with_max_body_bytes(bytes);
        }
        if let Some(streams) = positive(limits, "maxConcurrentStreams", &at)? {
            let streams = usize::try_from(streams).unwrap_or(usize::MAX);
            config.limits = config.limits.with_max_concurrent_streams(streams);
        }
        if let Some(secs) = positive(limits, "requestTimeoutSecs", &at)? {
            config.limits = config
                .limits
                .with_request_timeout(Duration::from_secs(secs));
        }
    }
    if let Some(providers) = fields.get("providers") {
        let at = root.join("providers");
        for (id, provider) in object(providers, &at, "the providers")? {
            let at = at.join(id);
            let provider = object(provider, &at, "a provider")?;
            only(provider, &["baseUrl"], &at)?;
            let Some(url) = provider.get("baseUrl") else {
                continue;
            };
            let url_at = at.join("baseUrl");
            // The value is never repeated: a URL may carry credentials.
            let parsed = url
                .as_str()
                .and_then(|text| Url::parse(text).ok())
                .filter(|url| matches!(url.scheme(), "http" | "https"));
            match parsed {
                Some(parsed) => {
                    config
                        .base_urls
                        .push((normalize_provider_id(id), parsed, url_at.to_string()))
                }
                None => {
                    let found = match url {
                        Value::String(_) => "a string that is not one".to_owned(),
                        other => kind(other).to_owned(),
                    };
                    return Err(Problem::at(
                        &url_at,
                        format!("expected an http(s) URL, found {found}"),
                    ));
                }
            }
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problem(document: Value) -> (String, String) {
        let problem = parse_config(&document).unwrap_err();
        problem.into_parts()
    }

    #[test]
    fn a_config_sets_limits_and_base_urls() {
        let config = parse_config(&json!({
            "limits": {"maxBodyBytes": 1024, "maxConcurrentStreams": 4, "requestTimeoutSecs": 30},
            "providers": {"Ollama": {"baseUrl": "http://gpu-box:11434/v1"}, "openai": {}}
        }))
        .unwrap();
        assert_eq!(config.limits.max_body_bytes(), 1024);
        assert_eq!(config.limits.max_concurrent_streams(), 4);
        assert_eq!(config.limits.request_timeout(), Duration::from_secs(30));
        assert_eq!(
            config.base_urls,
            [(
                "ollama".to_owned(),
                Url::parse("http://gpu-box:11434/v1").unwrap(),
                "/providers/Ollama/baseUrl".to_owned()
            )]
        );
        assert_eq!(parse_config(&json!({})).unwrap(), ServeConfig::default());
    }

    #[test]
    fn every_malformed_config_names_its_pointer_and_never_a_value() {
        let secret = "https://user:sk-config-canary@example.com";
        let cases = [
            (
                json!([]),
                "",
                "expected the serve config (an object), found an array",
            ),
            (
                json!({"limit": {}}),
                "/limit",
                "unknown key (expected \"limits\" or \"providers\")",
            ),
            (
                json!({"limits": {"maxBody": 1}}),
                "/limits/maxBody",
                "unknown key (expected \"maxBodyBytes\", \"maxConcurrentStreams\" or \"requestTimeoutSecs\")",
            ),
            (
                json!({"limits": {"maxBodyBytes": "1"}}),
                "/limits/maxBodyBytes",
                "expected a positive integer, found a string",
            ),
            (
                json!({"limits": {"requestTimeoutSecs": 0}}),
                "/limits/requestTimeoutSecs",
                "expected a positive integer, found a number",
            ),
            (
                json!({"providers": {"openai": {"baseURL": secret}}}),
                "/providers/openai/baseURL",
                "unknown key (expected \"baseUrl\")",
            ),
            (
                json!({"providers": {"openai": {"baseUrl": format!("ftp{}", &secret[5..])}}}),
                "/providers/openai/baseUrl",
                "expected an http(s) URL, found a string that is not one",
            ),
            (
                json!({"providers": {"openai": {"baseUrl": 8}}}),
                "/providers/openai/baseUrl",
                "expected an http(s) URL, found a number",
            ),
        ];
        for (document, pointer, message) in cases {
            let (at, said) = problem(document.clone());
            assert_eq!(
                (at.as_str(), said.as_str()),
                (pointer, message),
                "{document}"
            );
            assert!(!said.contains("canary"));
        }
    }

    #[test]
    fn addresses_are_host_and_port() {
        for good in ["127.0.0.1:0", "localhost:8787", "[::1]:8080", "0.0.0.0:80"] {
            assert!(check_addr(good).is_ok(), "{good}");
        }
        for bad in ["8787", ":8787", "localhost", "localhost:http", "host:70000"] {
            assert!(check_addr(bad).is_err(), "{bad}");
        }
    }
}
