//! Every client, in one run (`benches/peers/run.sh` builds and starts it):
//!
//! ```text
//! peers-all [--rounds R] [--requests N] [--warmup W] [--node PATH] [--node-dir DIR]
//! ```
//!
//! Starts `serve-recorded` (the external loopback server), then for each of
//! R rounds runs every client once, each in a process of its own
//! (`peer-client` for the Rust ones, `node client.mjs` for `@openclaw/ai`):
//! W warm-up requests, then N timed requests, the client measuring its own
//! process CPU time over them. The order of the clients turns by one every
//! round. Every text a client rebuilds is checked against the floor
//! decoder's, byte for byte. Then one more process per Rust client counts
//! its allocations over N requests. It prints, for each stream, the median
//! CPU time per text delta (and the range over the rounds), the median of
//! each round's ratio to that round's floor, the allocations per delta, and
//! the issue's targets, met or missed (clawkit's margin over the fastest
//! peer is also the median of the rounds' paired ratios).
//!
//! Without `--node` the `@openclaw/ai` row is left out (said in the output).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use clawkit_peer_bench::{Client, DELTAS, Error, Stream};

/// One row: a Rust client or the Node one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Rust(Client),
    OpenclawAi,
}

impl Who {
    fn name(self) -> &'static str {
        match self {
            Who::Rust(client) => client.name(),
            Who::OpenclawAi => "openclaw_ai (Node)",
        }
    }

    /// A peer: not the floor, not clawkit.
    fn is_peer(self) -> bool {
        !matches!(
            self,
            Who::Rust(Client::RawReqwest | Client::Clawkit | Client::ClawkitTurn)
        )
    }
}

struct Options {
    rounds: usize,
    requests: u32,
    warmup: u32,
    node: Option<PathBuf>,
    node_dir: PathBuf,
}

fn options() -> Result<Options, Error> {
    let mut o = Options {
        rounds: 5,
        requests: 5,
        warmup: 2,
        node: None,
        node_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("node"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let value = it.next().ok_or_else(|| format!("{arg}: missing value"))?;
        match arg.as_str() {
            "--rounds" => o.rounds = value.parse()?,
            "--requests" => o.requests = value.parse()?,
            "--warmup" => o.warmup = value.parse()?,
            "--node" => o.node = Some(value.into()),
            "--node-dir" => o.node_dir = value.into(),
            _ => return Err(format!("unknown argument {arg}").into()),
        }
    }
    if o.rounds == 0 || o.requests == 0 {
        return Err("--rounds and --requests must be at least 1".into());
    }
    Ok(o)
}

/// The external server, ended (stdin closed, then killed) when dropped.
struct ServerProcess {
    child: Child,
    urls: Vec<(Stream, String)>,
}

impl ServerProcess {
    fn start(bin_dir: &Path) -> Result<Self, Error> {
        let mut child = Command::new(bin_dir.join("serve-recorded"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("serve-recorded: {e} (build it: cargo build --release --bins)"))?;
        let stdout = child.stdout.take().ok_or("serve-recorded: no stdout")?;
        let mut server = ServerProcess {
            child,
            urls: Vec::new(),
        };
        for line in BufReader::new(stdout).lines().take(Stream::ALL.len()) {
            let line = line?;
            let (name, url) = line
                .split_once(' ')
                .ok_or_else(|| format!("serve-recorded said {line:?}"))?;
            let stream = Stream::from_name(name).ok_or_else(|| format!("no stream {name}"))?;
            server.urls.push((stream, url.to_owned()));
        }
        if server.urls.len() != Stream::ALL.len() {
            return Err("serve-recorded ended before printing its URLs".into());
        }
        Ok(server)
    }

    fn url(&self, stream: Stream) -> Result<&str, Error> {
        self.urls
            .iter()
            .find(|(s, _)| *s == stream)
            .map(|(_, url)| url.as_str())
            .ok_or_else(|| format!("no URL for {}", stream.name()).into())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            std::thread::sleep(std::time::Duration::from_millis(200));
            if !matches!(self.child.try_wait(), Ok(Some(_))) {
                let _ = self.child.kill();
            }
        }
        let _ = self.child.wait();
    }
}

/// Runs one client process and returns its JSON line.
fn run_client(
    o: &Options,
    bin_dir: &Path,
    who: Who,
    stream: Stream,
    url: &str,
    expect: &Path,
    allocs: bool,
) -> Result<serde_json::Value, Error> {
    let mut command = match who {
        Who::Rust(client) => {
            let mut c = Command::new(bin_dir.join("peer-client"));
            c.args(["--client", client.name()]);
            if allocs {
                c.arg("--allocs");
            }
            c
        }
        Who::OpenclawAi => {
            let node = o.node.as_ref().ok_or("no --node")?;
            let mut c = Command::new(node);
            c.current_dir(&o.node_dir).arg("client.mjs");
            c
        }
    };
    command
        .args(["--stream", stream.name(), "--url", url])
        .args(["--requests", &o.requests.to_string()])
        .args(["--warmup", &o.warmup.to_string()])
        .arg("--expect")
        .arg(expect);
    let out = command.stderr(Stdio::piped()).output()?;
    if !out.status.success() {
        return Err(format!(
            "{} on {}: {}: {}",
            who.name(),
            stream.name(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    let stdout = String::from_utf8(out.stdout)?;
    let line = stdout.lines().last().ok_or("no output")?;
    Ok(serde_json::from_str(line)?)
}

fn number(v: &serde_json::Value, key: &str) -> Result<f64, Error> {
    v.get(key)
        .and_then(serde_json::Value::as_f64)
        .ok_or_else(|| format!("no {key} in {v}").into())
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// What was measured for one row.
#[derive(Default)]
struct Measured {
    /// CPU ns per delta, one per round.
    ns: Vec<f64>,
    /// This round's CPU over the same round's floor, one per round.
    ratio: Vec<f64>,
    /// CPU ns per delta in every round, `None` where it was not measured.
    rounds: Vec<Option<f64>>,
    /// Allocation calls and bytes per delta.
    allocs: Option<(f64, f64)>,
    /// Why the row has no figures.
    failed: Option<String>,
}

fn rows(stream: Stream, node: bool) -> Vec<Who> {
    let mut rows: Vec<Who> = Client::ALL
        .into_iter()
        .filter(|c| c.supports(stream))
        .map(Who::Rust)
        .collect();
    if node {
        rows.push(Who::OpenclawAi);
    }
    rows
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn main() -> Result<(), Error> {
    let o = options()?;
    let exe = std::env::current_exe()?;
    let bin_dir = exe.parent().ok_or("no bin dir")?.to_path_buf();
    let server = ServerProcess::start(&bin_dir)?;
    let dir = std::env::temp_dir().join(format!("clawkit-peers-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut expect = Vec::new();
    for stream in Stream::ALL {
        let path = dir.join(format!("{}.txt", stream.name()));
        std::fs::write(&path, stream.expected_text()?)?;
        expect.push((stream, path));
    }
    let expect_for = |s: Stream| {
        &expect
            .iter()
            .find(|(t, _)| *t == s)
            .expect("every stream")
            .1
    };

    let load_start = loadavg();
    let mut results: Vec<(Stream, Vec<(Who, Measured)>)> = Stream::ALL
        .into_iter()
        .map(|s| {
            let rows = rows(s, o.node.is_some());
            (
                s,
                rows.into_iter().map(|w| (w, Measured::default())).collect(),
            )
        })
        .collect();

    let mut err = std::io::stderr().lock();
    for round in 0..o.rounds {
        write!(err, "round {}/{}:", round + 1, o.rounds)?;
        for (stream, rows) in &mut results {
            let url = server.url(*stream)?;
            let n = rows.len();
            let mut this_round = vec![None; n];
            for k in 0..n {
                let i = (k + round) % n;
                let (who, measured) = &mut rows[i];
                if measured.failed.is_some() {
                    continue;
                }
                match run_client(&o, &bin_dir, *who, *stream, url, expect_for(*stream), false) {
                    Ok(v) => {
                        let per = number(&v, "cpu_ns")? / (f64::from(o.requests) * DELTAS as f64);
                        measured.ns.push(per);
                        this_round[i] = Some(per);
                    }
                    Err(e) => measured.failed = Some(e.to_string()),
                }
                write!(err, ".")?;
            }
            for (i, (_, measured)) in rows.iter_mut().enumerate() {
                if let (Some(floor), Some(ns)) = (this_round[0], this_round[i]) {
                    measured.ratio.push(ns / floor);
                }
                measured.rounds.push(this_round[i]);
            }
        }
        writeln!(err, " load {}", loadavg())?;
    }
    for (stream, rows) in &mut results {
        let url = server.url(*stream)?;
        for (who, measured) in rows.iter_mut() {
            if matches!(who, Who::Rust(_)) && measured.failed.is_none() {
                let v = run_client(&o, &bin_dir, *who, *stream, url, expect_for(*stream), true)?;
                let per = f64::from(o.requests) * DELTAS as f64;
                measured.allocs = Some((
                    number(&v, "alloc_calls")? / per,
                    number(&v, "alloc_bytes")? / per,
                ));
            }
        }
    }
    let load_end = loadavg();
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);

    report(&o, &results, &load_start, &load_end);
    Ok(())
}

fn report(
    o: &Options,
    results: &[(Stream, Vec<(Who, Measured)>)],
    load_start: &str,
    load_end: &str,
) {
    println!(
        "{DELTAS} text deltas per request; {} rounds × {} timed requests per client (after {} warm-up), \
         each client in its own process against one external server; load average {load_start} at the start, {load_end} at the end.",
        o.rounds, o.requests, o.warmup
    );
    if o.node.is_none() {
        println!("(no --node: the @openclaw/ai row is left out)");
    }
    let mut targets = Vec::new();
    for (stream, rows) in results {
        println!();
        println!("{} stream: process CPU time per text delta", stream.name());
        println!(
            "| {:<20} | {:>12} | {:>17} | {:>9} | {:>12} | {:>11} |",
            "client", "ns / delta", "range", "× floor", "allocs/delta", "bytes/delta"
        );
        println!(
            "| {:-<20} | {:->11}: | {:->16}: | {:->8}: | {:->11}: | {:->10}: |",
            "", "", "", "", "", ""
        );
        for (who, m) in rows {
            if let Some(why) = &m.failed {
                println!("| {:<20} | failed: {why}", who.name());
                continue;
            }
            let (lo, hi) =
                m.ns.iter()
                    .fold((f64::MAX, f64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            let (allocs, bytes) = match m.allocs {
                Some((a, b)) => (format!("{a:.2}"), format!("{b:.0}")),
                None => ("—".into(), "—".into()),
            };
            println!(
                "| {:<20} | {:>12.0} | {:>17} | {:>9} | {allocs:>12} | {bytes:>11} |",
                who.name(),
                median(&m.ns),
                format!("{lo:.0}–{hi:.0}"),
                format!("{:.2}×", median(&m.ratio)),
            );
        }
        let find = |w: Who| {
            rows.iter()
                .find(|(x, m)| *x == w && m.failed.is_none())
                .map(|(_, m)| m)
        };
        // The ratio to the floor and the allocations of clawkit's rows.
        let mut against_floor = |what: &str, m: &Measured, limit: f64| {
            let r = median(&m.ratio);
            targets.push(format!(
                "{}: {what} ≤ {limit}× the floor: {r:.2}× — {}",
                stream.name(),
                verdict(r <= limit)
            ));
            if let Some((a, _)) = m.allocs {
                targets.push(format!(
                    "{}: {what} ≤ 1 allocation per text delta: {a:.2} — {}",
                    stream.name(),
                    verdict(a <= 1.0)
                ));
            }
        };
        if let Some(clawkit) = find(Who::Rust(Client::Clawkit)) {
            against_floor("clawkit transport", clawkit, 1.2);
        }
        if let Some(turn) = find(Who::Rust(Client::ClawkitTurn)) {
            against_floor("whole turn through LlmBackend", turn, 1.35);
        }
        // The fastest peer by median; the margin is the median of the
        // rounds' paired ratios, like the ratios to the floor.
        let fastest = rows
            .iter()
            .filter(|(w, m)| w.is_peer() && m.failed.is_none())
            .min_by(|a, b| median(&a.1.ns).total_cmp(&median(&b.1.ns)));
        if let (Some(clawkit), Some((peer, p))) = (find(Who::Rust(Client::Clawkit)), fastest) {
            let paired: Vec<f64> = p
                .rounds
                .iter()
                .zip(&clawkit.rounds)
                .filter_map(|(p, c)| Some((*p)? / (*c)?))
                .collect();
            let x = median(&paired);
            targets.push(format!(
                "{}: clawkit ≥ 2× faster than the fastest peer ({}): {x:.2}× (ratio of medians {:.2}×) — {}",
                stream.name(),
                peer.name(),
                median(&p.ns) / median(&clawkit.ns),
                verdict(x >= 2.0)
            ));
        }
    }
    println!();
    println!("Targets (medians over the rounds of each round's paired ratio):");
    for t in targets {
        println!("- {t}");
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}
