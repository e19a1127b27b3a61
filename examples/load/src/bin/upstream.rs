//! The scripted upstream in a process of its own, so that a load run's
//! connections and memory are the client's alone. Prints
//! `listening on 127.0.0.1:PORT` and serves until stdin closes.
//!
//! ```text
//! upstream [--port 0] [--deltas 20] [--pace-ms 5] [--barrier 0] [--http2]
//! ```

use std::time::Duration;

use clawkit_load::arg;
use clawkit_load::upstream::{Upstream, UpstreamConfig};

fn main() {
    if let Err(error) = run() {
        eprintln!("upstream: {error}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = UpstreamConfig {
        deltas: arg(&args, "--deltas", 20)?,
        pace: Duration::from_millis(arg(&args, "--pace-ms", 5)?),
        barrier: arg(&args, "--barrier", 0)?,
        http2: args.iter().any(|a| a == "--http2"),
        ..UpstreamConfig::default()
    };
    let port = arg(&args, "--port", 0)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let upstream = runtime.block_on(Upstream::start(port, config))?;
    println!("listening on {}", upstream.addr());
    // The runtime's workers serve; this thread waits for the parent to
    // close stdin (or to die).
    std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink())?;
    let stats = upstream.stats();
    eprintln!(
        "upstream: {} connections, {} requests, {} answered in full, at most {} streaming at once",
        stats.connections, stats.requests, stats.completed, stats.peak_streaming
    );
    Ok(())
}
