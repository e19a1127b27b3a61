//! The external loopback server of `peers-all`: serves the two recorded
//! streams from a process of its own, so that every client (the Rust ones
//! and the Node one) reads the same server and the CPU time each client
//! measures is its own.
//!
//! Two `ScriptedServer`s on 127.0.0.1, port 0: one answers every request
//! with the OpenAI stream, the other with the Anthropic stream (16 KiB
//! chunks, one request per connection). It prints one line per stream,
//! `<stream> http://127.0.0.1:<port>/v1`, then serves until its standard
//! input closes (the parent ending, or closing the pipe) or `--max-secs`
//! (default 3600) pass, whichever comes first.

use std::io::{Read, Write};
use std::time::Duration;

use clawkit_peer_bench::{Error, Server, Stream};

fn main() -> Result<(), Error> {
    let mut max_secs = 3600u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--max-secs", Some(v)) => max_secs = v.parse()?,
            _ => return Err(format!("usage: serve-recorded [--max-secs N] (got {arg})").into()),
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let servers = Stream::ALL
        .into_iter()
        .map(|stream| Ok((stream, runtime.block_on(Server::serve(stream))?)))
        .collect::<Result<Vec<_>, Error>>()?;
    let mut out = std::io::stdout().lock();
    for (stream, server) in &servers {
        writeln!(out, "{} {}", stream.name(), server.url("/v1"))?;
    }
    out.flush()?;
    drop(out);

    // Serve until stdin reaches its end (or fails), bounded in time.
    let (done, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sink = [0u8; 256];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        let _ = done.send(());
    });
    let _ = wait.recv_timeout(Duration::from_secs(max_secs));
    drop(servers);
    Ok(())
}
