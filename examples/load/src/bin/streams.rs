//! 10 000 concurrent streams through the library: the built-in
//! `openai-compatible` provider as an `LlmBackend` (a whole turn each: resolution, auth, every
//! hook, the openai-completions transport), against the scripted upstream
//! started as a process of its own, which holds every answer after its
//! first event until all the requests have arrived, so that they really
//! stream at once. Prints the peak RSS and how each stream ended; exits 1
//! when a stream did not end with exactly one terminal event or the peak
//! RSS is over `--max-rss-mb`.
//!
//! The streams are opened at most `--opening 500` at a time (a stream
//! holds its slot until its first event arrives), as a client that ramps
//! up does: a request being sent holds several kilobytes of reqwest and
//! hyper state that are freed once its answer starts.
//!
//! The streams share HTTP/2 connections (h2c with prior knowledge,
//! `HttpConfig::with_http2_prior_knowledge`), as they would share the
//! HTTP/2 connection ALPN negotiates with an HTTPS provider; `--http1`
//! gives each stream an HTTP/1.1 connection of its own instead.
//!
//! ```text
//! cargo build --release -p clawkit-load
//! target/release/streams [--streams 10000] [--deltas 20] [--pace-ms 250] [--max-rss-mb 150] [--opening 500] [--http1]
//! ```

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clawkit_core::{Config, Context, Env, ModelApi, ProviderConfig, Runtime, StreamEvent};
use clawkit_http::{BuiltinTransports, HttpClient, HttpConfig};
use clawkit_load::{arg, mib, rss};
use clawkit_providers::{ChatRequest, LlmBackend, ProviderBackend};
use futures::StreamExt;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// How long the whole run may take before it gives up.
const DEADLINE: Duration = Duration::from_secs(300);

fn main() {
    clawkit_load::exit_with("streams", run());
}

/// How one stream ended.
#[derive(Default)]
struct Ending {
    terminal_events: usize,
    last_was_terminal: bool,
    outcome: String,
    message: Option<String>,
    text_deltas: usize,
}

fn run() -> Result<bool, Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let streams: usize = arg(&args, "--streams", 10_000)?;
    let deltas: usize = arg(&args, "--deltas", 20)?;
    let pace_ms: u64 = arg(&args, "--pace-ms", 250)?;
    let max_rss_mb: f64 = arg(&args, "--max-rss-mb", 150.0)?;
    let http2 = !args.iter().any(|a| a == "--http1");
    let opening: usize = arg(&args, "--opening", 500)?;

    let mut upstream = spawn_upstream(streams, deltas, pace_ms, http2)?;
    let port = read_port(&mut upstream)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (rss_before, _) = rss("self").unwrap_or_default();
    let report = runtime.block_on(async {
        tokio::time::timeout(DEADLINE, drive(port, streams, opening, http2)).await
    });
    // Closing its stdin ends the upstream, which prints its counters.
    drop(upstream.stdin.take());
    let _ = upstream.wait();
    let (endings, sampled_peak, elapsed) = report.map_err(|_| "the run passed its deadline")??;
    let (_, peak) = rss("self").unwrap_or_default();

    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut bad = 0;
    let mut deltas_seen = 0;
    for ending in &endings {
        *outcomes.entry(&ending.outcome).or_default() += 1;
        deltas_seen += ending.text_deltas;
        if ending.terminal_events != 1 || !ending.last_was_terminal {
            bad += 1;
        }
    }
    println!(
        "streams:               {streams} ({deltas} text deltas each, one every {pace_ms} ms, over {})",
        if http2 { "HTTP/2" } else { "HTTP/1.1" }
    );
    println!("wall time:             {:.1} s", elapsed.as_secs_f64());
    println!("text deltas received:  {deltas_seen}");
    for (outcome, count) in &outcomes {
        println!("ended with {outcome:<10} {count}");
        if let Some(message) = endings
            .iter()
            .find(|e| e.outcome == *outcome)
            .and_then(|e| e.message.as_deref())
        {
            println!("    for example: {message}");
        }
    }
    println!("not exactly one terminal event, last: {bad}");
    println!("RSS before the run:    {:.1} MiB", mib(rss_before));
    println!("RSS peak (sampled):    {:.1} MiB", mib(sampled_peak));
    println!(
        "RSS peak (VmHWM):      {:.1} MiB (limit {max_rss_mb} MiB)",
        mib(peak)
    );
    let ok = bad == 0
        && endings.len() == streams
        && outcomes.get("done") == Some(&streams)
        && mib(peak) < max_rss_mb;
    println!("{}", if ok { "PASS" } else { "FAIL" });
    Ok(ok)
}

fn spawn_upstream(
    streams: usize,
    deltas: usize,
    pace_ms: u64,
    http2: bool,
) -> Result<Child, Error> {
    let exe = std::env::current_exe()?;
    let upstream = exe.with_file_name(format!("upstream{}", std::env::consts::EXE_SUFFIX));
    Ok(Command::new(&upstream)
        .args(http2.then_some("--http2"))
        .args(["--barrier", &streams.to_string()])
        .args(["--deltas", &deltas.to_string()])
        .args(["--pace-ms", &pace_ms.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "cannot start {}: {e} (build it: cargo build --release -p clawkit-load)",
                upstream.display()
            )
        })?)
}

fn read_port(upstream: &mut Child) -> Result<u16, Error> {
    let stdout = upstream.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let port = line
        .trim()
        .rsplit(':')
        .next()
        .and_then(|port| port.parse().ok())
        .ok_or_else(|| format!("the upstream said {line:?}"))?;
    Ok(port)
}

/// The built-in `openai-compatible` provider, its endpoint moved to the upstream.
fn backend(port: u16, http2: bool) -> Result<ProviderBackend, Error> {
    let base_url = format!("http://127.0.0.1:{port}/v1");
    let endpoint = ProviderConfig::new(base_url.parse()?, ModelApi::OpenAiCompletions);
    let config = HttpConfig::default()
        .with_system_proxy(false)
        .with_http2_prior_knowledge(http2);
    let client = HttpClient::with_config(config)?;
    let runtime = Runtime::builder()
        .plugin(clawkit_providers::openai_compatible::plugin()?)
        .env(Env::new().with("OPENAI_COMPATIBLE_API_KEY", "sk-load-0123456789"))
        .config(Config::new().with_provider("openai-compatible", endpoint))
        .transports(BuiltinTransports::new(client.clone()))
        .build()?;
    Ok(ProviderBackend::new(
        Arc::new(runtime),
        "openai-compatible",
        client,
    ))
}

async fn drive(
    port: u16,
    streams: usize,
    opening: usize,
    http2: bool,
) -> Result<(Vec<Ending>, u64, Duration), Error> {
    let backend = Arc::new(backend(port, http2)?);
    let opening = Arc::new(tokio::sync::Semaphore::new(opening.max(1)));
    let peak = Arc::new(AtomicU64::new(0));
    let running = Arc::new(AtomicUsize::new(streams));
    let sampler = {
        let (peak, running) = (Arc::clone(&peak), Arc::clone(&running));
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) > 0 {
                if let Some((now, _)) = rss("self") {
                    peak.fetch_max(now, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let started = Instant::now();
    let tasks: Vec<_> = (0..streams)
        .map(|_| {
            let backend = Arc::clone(&backend);
            let running = Arc::clone(&running);
            let opening = Arc::clone(&opening);
            tokio::spawn(async move {
                let slot = opening.acquire_owned().await.ok();
                let ending = one_stream(&*backend, slot).await;
                running.fetch_sub(1, Ordering::Relaxed);
                ending
            })
        })
        .collect();
    let mut endings = Vec::with_capacity(streams);
    for task in tasks {
        endings.push(task.await?);
    }
    let elapsed = started.elapsed();
    sampler.abort();
    Ok((endings, peak.load(Ordering::Relaxed), elapsed))
}

/// One stream to its end; `slot` is given back at its first event.
async fn one_stream(
    backend: &dyn LlmBackend,
    mut slot: Option<tokio::sync::OwnedSemaphorePermit>,
) -> Ending {
    let request = ChatRequest::new("openai-compatible/gpt-4.1-nano", Context::user("Hello"));
    let mut events = backend.chat_stream(request);
    let mut ending = Ending::default();
    while let Some(event) = events.next().await {
        drop(slot.take());
        ending.last_was_terminal = event.is_terminal();
        match &event {
            StreamEvent::TextDelta { .. } => ending.text_deltas += 1,
            StreamEvent::Done { .. } => {
                ending.terminal_events += 1;
                ending.outcome = "done".into();
            }
            StreamEvent::Error { kind, message, .. } => {
                ending.terminal_events += 1;
                ending.outcome = format!("error:{}", kind.as_str());
                ending.message = Some(message.clone());
            }
            _ => {}
        }
    }
    if ending.outcome.is_empty() {
        ending.outcome = "nothing".into();
    }
    ending
}
