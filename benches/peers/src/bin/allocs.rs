//! Heap allocations per text delta on the OpenAI stream: each Rust client
//! runs one request (after one warm-up request) against the in-process
//! loopback server, plus clawkit's in-memory `StreamDecoder` on the same
//! body in 16 KiB reads. (`peers-all` counts both streams, each client in
//! its own process against the external server.)
//!
//! Every allocation on every thread is counted except on the server
//! runtime's threads, so a client's spawned tasks count, the server does not.

use clawkit_core::StreamEvent;
use clawkit_http::StreamDecoder;
use clawkit_peer_bench::counting::{Counting, count, ignore_this_thread};
use clawkit_peer_bench::{
    Client, Clients, DELTAS, Error, Server, Stream, clawkit_decode, clawkit_model, client_runtime,
    reads,
};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() -> Result<(), Error> {
    let server = Server::start(Stream::OpenAi, ignore_this_thread)?;
    let rt = client_runtime()?;
    let base_url = server.url("/v1");
    let clients = Clients::new(Stream::OpenAi, &base_url)?;

    let mut rows = Vec::new();
    let mut expected: Option<String> = None;
    let mut check = |name: &str, text: &str| -> Result<(), Error> {
        match &expected {
            None if text.is_empty() => Err(format!("{name}: no text").into()),
            None => {
                expected = Some(text.to_owned());
                Ok(())
            }
            Some(e) if e == text => Ok(()),
            Some(_) => Err(format!("{name}: the text differs").into()),
        }
    };

    for client in Client::ALL {
        rt.block_on(clients.run(client))?;
        let (text, calls, bytes) = count(|| rt.block_on(clients.run(client)));
        check(client.name(), &text?)?;
        rows.push((client.name(), calls, bytes));
    }

    // In memory: only the decode is counted (the reads are built, and
    // promoted to shared `Bytes` by the warm-up, beforehand).
    let model = clawkit_model(&base_url)?;
    let reads = reads(&Stream::OpenAi.body()?);
    check("StreamDecoder", &clawkit_decode(&model, &reads)?)?;
    let mut events: Vec<StreamEvent> = Vec::with_capacity(64);
    let (deltas, calls, bytes) = count(|| -> Result<usize, Error> {
        let mut decoder = StreamDecoder::new(&model).ok_or("no decoder")?;
        let mut deltas = 0;
        for read in &reads {
            decoder.push(read.clone(), &mut events);
            deltas += events
                .iter()
                .filter(|e| matches!(e, StreamEvent::TextDelta { .. }))
                .count();
            events.clear();
        }
        decoder.finish(&mut events);
        events.clear();
        Ok(deltas)
    });
    let deltas = deltas?;
    if deltas != DELTAS {
        return Err(format!("StreamDecoder: {deltas} text deltas, expected {DELTAS}").into());
    }
    rows.push(("clawkit StreamDecoder (in memory)", calls, bytes));

    println!("{DELTAS} text deltas per request; per delta:");
    println!(
        "{:<34} {:>14} {:>14}",
        "client", "allocs/delta", "bytes/delta"
    );
    for (name, calls, bytes) in rows {
        let per = |n: u64| n as f64 / DELTAS as f64;
        println!("{name:<34} {:>14.2} {:>14.1}", per(calls), per(bytes));
    }
    Ok(())
}
