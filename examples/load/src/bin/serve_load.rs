//! `clawkit serve` under 1 000 concurrent streaming clients, against the
//! scripted upstream (in this process), in phases:
//!
//! 1. `direct`: the clients call the upstream itself (the baseline);
//! 2. `serve`: the clients call `clawkit serve` (a process of its own, the
//!    built `clawkit` binary beside this one) for `--seconds`;
//! 3. `stall`: the upstream stops every answer after its first delta for
//!    longer than the gateway's request timeout, then resumes;
//! 4. `die`: the upstream closes every connection mid-answer and stops
//!    listening, then listens again on the same port;
//! 5. `after`: every client makes one more request, which must succeed.
//!
//! Each phase prints its requests, how they ended (`[DONE]`, an error
//! event or an error status, by code) and how many were lost (no terminal:
//! the body ended without `[DONE]` or an error, or the client's own
//! deadline passed), with latency quantiles; `serve` also prints the
//! gateway's RSS. Exits 1 when a request was lost, a `direct`/`serve`/
//! `after` request did not succeed, or the gateway stopped serving.
//!
//! ```text
//! cargo build --release -p clawkit-load -p clawkit-cli
//! target/release/serve-load [--clients 1000] [--seconds 60] [--direct-seconds 20] [--deltas 20] [--pace-ms 50]
//! ```

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clawkit_load::upstream::{Mode, Upstream, UpstreamConfig};
use clawkit_load::{arg, mib, ms, quantile, rss};
use futures::StreamExt;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The gateway's request timeout in this run: a stalled answer ends with
/// a `timeout` error event after it.
const REQUEST_TIMEOUT_SECS: u64 = 5;
/// The longest a client waits for one answer before it counts it lost.
const CLIENT_DEADLINE: Duration = Duration::from_secs(30);
const BODY: &str = r#"{"model":"openai-compatible/gpt-4.1-nano","stream":true,"messages":[{"role":"user","content":"Hello"}]}"#;

fn main() {
    clawkit_load::exit_with("serve-load", run());
}

/// How one request ended.
struct Outcome {
    ending: String,
    succeeded: bool,
    lost: bool,
    first_delta: Option<Duration>,
    total: Duration,
}

/// What one phase saw.
#[derive(Default)]
struct Phase {
    endings: BTreeMap<String, usize>,
    requests: usize,
    succeeded: usize,
    lost: usize,
    first_delta: Vec<Duration>,
    total: Vec<Duration>,
}

impl Phase {
    fn add(&mut self, outcome: Outcome) {
        self.requests += 1;
        *self.endings.entry(outcome.ending).or_default() += 1;
        if outcome.succeeded {
            self.succeeded += 1;
            self.total.push(outcome.total);
            self.first_delta.extend(outcome.first_delta);
        }
        if outcome.lost {
            self.lost += 1;
        }
    }

    fn print(&mut self, name: &str, elapsed: Duration) {
        println!(
            "{name:>6}: {} requests in {:.1} s ({:.0}/s), {} succeeded, {} lost",
            self.requests,
            elapsed.as_secs_f64(),
            self.requests as f64 / elapsed.as_secs_f64().max(0.001),
            self.succeeded,
            self.lost
        );
        for (ending, count) in &self.endings {
            println!("        ended with {ending}: {count}");
        }
        if let (Some(p50), Some(p99)) = (
            quantile(&mut self.first_delta, 0.5),
            quantile(&mut self.first_delta, 0.99),
        ) {
            println!("        first delta: p50 {}, p99 {}", ms(p50), ms(p99));
        }
        if let (Some(p50), Some(p99)) = (
            quantile(&mut self.total, 0.5),
            quantile(&mut self.total, 0.99),
        ) {
            println!("        whole answer: p50 {}, p99 {}", ms(p50), ms(p99));
        }
    }

    fn quantiles(&mut self) -> Option<[Duration; 4]> {
        Some([
            quantile(&mut self.first_delta, 0.5)?,
            quantile(&mut self.first_delta, 0.99)?,
            quantile(&mut self.total, 0.5)?,
            quantile(&mut self.total, 0.99)?,
        ])
    }
}

fn run() -> Result<bool, Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let clients: usize = arg(&args, "--clients", 1000)?;
    let seconds: u64 = arg(&args, "--seconds", 60)?;
    let direct_seconds: u64 = arg(&args, "--direct-seconds", 20)?;
    let config = UpstreamConfig {
        deltas: arg(&args, "--deltas", 20)?,
        pace: Duration::from_millis(arg(&args, "--pace-ms", 50)?),
        ..UpstreamConfig::default()
    };
    println!(
        "{clients} clients, answers of {} deltas one every {} ms",
        config.deltas,
        config.pace.as_millis()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(phases(clients, seconds, direct_seconds, config))
}

async fn phases(
    clients: usize,
    seconds: u64,
    direct_seconds: u64,
    config: UpstreamConfig,
) -> Result<bool, Error> {
    let mut upstream = Upstream::start(0, config).await?;
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(clients)
        .build()?;
    let mut ok = true;

    let direct_url = format!("{}/chat/completions", upstream.base_url());
    let mut direct = load(
        &http,
        &direct_url,
        clients,
        Duration::from_secs(direct_seconds),
    )
    .await;
    direct.print("direct", Duration::from_secs(direct_seconds));
    ok &= direct.lost == 0 && direct.succeeded == direct.requests;

    let (mut gateway, gateway_url) = spawn_gateway(&upstream.base_url(), clients)?;
    let pid = gateway.id().to_string();
    let url = format!("{gateway_url}/v1/chat/completions");
    let rss_idle = rss(&pid).map(|(now, _)| now).unwrap_or_default();
    let peak = Arc::new(AtomicU64::new(0));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling, pid) = (Arc::clone(&peak), Arc::clone(&sampling), pid.clone());
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                if let Some((now, _)) = rss(&pid) {
                    peak.fetch_max(now, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    let mut served = load(&http, &url, clients, Duration::from_secs(seconds)).await;
    served.print("serve", Duration::from_secs(seconds));
    ok &= served.lost == 0 && served.succeeded == served.requests;
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.await;
    let (rss_after, hwm) = rss(&pid).unwrap_or_default();
    println!(
        "        gateway RSS: {:.1} MiB idle, {:.1} MiB peak sampled, {:.1} MiB VmHWM, {:.1} MiB after",
        mib(rss_idle),
        mib(peak.load(Ordering::Relaxed)),
        mib(hwm),
        mib(rss_after)
    );
    if let (Some(d), Some(s)) = (direct.quantiles(), served.quantiles()) {
        let added = |a: Duration, b: Duration| {
            format!("{:+.2} ms", (b.as_secs_f64() - a.as_secs_f64()) * 1000.0)
        };
        println!(
            "        added by the gateway: first delta p50 {}, p99 {}; whole answer p50 {}, p99 {}",
            added(d[0], s[0]),
            added(d[1], s[1]),
            added(d[2], s[2]),
            added(d[3], s[3])
        );
    }

    // Stall: every answer stops after its first delta, past the gateway's
    // request timeout, then the upstream resumes.
    let stall_for = Duration::from_secs(REQUEST_TIMEOUT_SECS + 3);
    let stall = {
        let shared = &upstream;
        let fault = async {
            tokio::time::sleep(Duration::from_secs(2)).await;
            shared.set_mode(Mode::Stall);
            tokio::time::sleep(stall_for).await;
            shared.set_mode(Mode::Serve);
        };
        let (mut phase, ()) = tokio::join!(
            load(&http, &url, clients, stall_for + Duration::from_secs(4)),
            fault
        );
        phase.print("stall", stall_for + Duration::from_secs(4));
        phase
    };
    ok &= stall.lost == 0;

    // Die: every connection closed mid-answer, nothing listening for two
    // seconds, then the same port again.
    let die = {
        let clients_run = load(&http, &url, clients, Duration::from_secs(8));
        let fault = async {
            tokio::time::sleep(Duration::from_secs(2)).await;
            upstream.kill();
            tokio::time::sleep(Duration::from_secs(2)).await;
            upstream.restart().await
        };
        let (mut phase, restarted) = tokio::join!(clients_run, fault);
        restarted?;
        phase.print("die", Duration::from_secs(8));
        phase
    };
    ok &= die.lost == 0;

    // After: one request per client, every one must succeed.
    let started = Instant::now();
    let mut after = Phase::default();
    let requests = (0..clients).map(|_| request(&http, &url));
    let mut outcomes = futures::stream::iter(requests).buffer_unordered(clients);
    while let Some(outcome) = outcomes.next().await {
        after.add(outcome);
    }
    after.print("after", started.elapsed());
    ok &= after.lost == 0 && after.succeeded == clients;

    let still_running = gateway.try_wait()?.is_none();
    println!("gateway still running: {still_running}");
    ok &= still_running;
    drop(gateway.stdin.take());
    let _ = gateway.kill();
    let _ = gateway.wait();
    println!("{}", if ok { "PASS" } else { "FAIL" });
    Ok(ok)
}

/// `clients` loops, each sending one request after the other to `url`
/// until `duration` has passed (a request under way finishes).
async fn load(http: &reqwest::Client, url: &str, clients: usize, duration: Duration) -> Phase {
    let until = Instant::now() + duration;
    let loops = (0..clients).map(|_| async move {
        let mut outcomes = Vec::new();
        while Instant::now() < until {
            outcomes.push(request(http, url).await);
        }
        outcomes
    });
    let mut phase = Phase::default();
    for outcomes in futures::future::join_all(loops).await {
        for outcome in outcomes {
            phase.add(outcome);
        }
    }
    phase
}

/// One streamed chat completion, read to its end.
async fn request(http: &reqwest::Client, url: &str) -> Outcome {
    let started = Instant::now();
    let lost = |ending: String| Outcome {
        ending,
        succeeded: false,
        lost: true,
        first_delta: None,
        total: started.elapsed(),
    };
    let answer = tokio::time::timeout(CLIENT_DEADLINE, async {
        let response = http
            .post(url)
            .header("content-type", "application/json")
            .body(BODY)
            .send()
            .await
            .map_err(|e| format!("send failed: {}", e.without_url()))?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        let mut first_delta = None;
        let mut reads = response.bytes_stream();
        while let Some(read) = reads.next().await {
            let read = read.map_err(|e| format!("body broke: {}", e.without_url()))?;
            if first_delta.is_none() && memchr::memmem::find(&read, br#""content":"w"#).is_some() {
                first_delta = Some(started.elapsed());
            }
            body.extend_from_slice(&read);
        }
        Ok::<_, String>((status, body, first_delta))
    })
    .await;
    let (status, body, first_delta) = match answer {
        Err(_) => return lost("no end before the client's deadline".into()),
        Ok(Err(broke)) => return lost(broke),
        Ok(Ok(answer)) => answer,
    };
    let text = String::from_utf8_lossy(&body);
    let error_code = || {
        let at = text.rfind(r#"{"error""#)?;
        let value: serde_json::Value = serde_json::from_str(text[at..].trim()).ok()?;
        value["error"]["code"].as_str().map(str::to_owned)
    };
    let ending = if status != 200 {
        match error_code() {
            Some(code) => format!("status {status} ({code})"),
            None => return lost(format!("status {status} without an error body")),
        }
    } else if text.trim_end().ends_with("data: [DONE]") {
        "[DONE]".to_owned()
    } else {
        match error_code() {
            Some(code) => format!("error event ({code})"),
            None => return lost("a 200 body without [DONE] or an error event".into()),
        }
    };
    Outcome {
        succeeded: ending == "[DONE]",
        ending,
        lost: false,
        first_delta,
        total: started.elapsed(),
    }
}

/// Starts `clawkit serve` (the binary beside this one) in front of the
/// upstream; its URL from its first line.
fn spawn_gateway(upstream: &str, clients: usize) -> Result<(Child, String), Error> {
    let exe = std::env::current_exe()?;
    let clawkit = exe.with_file_name(format!("clawkit{}", std::env::consts::EXE_SUFFIX));
    let config =
        std::env::temp_dir().join(format!("clawkit-serve-load-{}.json", std::process::id()));
    let mut file = std::fs::File::create(&config)?;
    write!(
        file,
        r#"{{"limits":{{"maxConcurrentStreams":{},"requestTimeoutSecs":{REQUEST_TIMEOUT_SECS}}}}}"#,
        clients * 2
    )?;
    let mut child = Command::new(&clawkit)
        .args(["serve", "--addr", "127.0.0.1:0", "--config"])
        .arg(&config)
        .args(["--base-url", &format!("openai-compatible={upstream}")])
        .env("OPENAI_COMPATIBLE_API_KEY", "sk-serve-load-0123456789")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            format!(
                "cannot start {}: {e} (build it: cargo build --release -p clawkit-cli)",
                clawkit.display()
            )
        })?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let _ = std::fs::remove_file(&config);
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("clawkit serve said {line:?}"))?
        .to_owned();
    Ok((child, url))
}
