//! Client-thread CPU time per text delta, the raw floor, clawkit's
//! transport and a whole clawkit turn (acme-ai through `LlmBackend`)
//! interleaved: `ROUNDS` rounds of one request each (after one warm-up
//! request each), summing the CPU time of the client's thread
//! (`/proc/thread-self/schedstat`, Linux) around every request.
//!
//! On a shared machine criterion's wall-clock rows run one after the other
//! and can land in different load; CPU time of the one thread that does a
//! client's work (the runtime is current-thread), taken in alternation, is
//! much steadier. It does not replace the criterion comparison.

use clawkit_peer_bench::{Client, Clients, DELTAS, Error, Server, Stream, client_runtime};

/// Requests per client.
const ROUNDS: u64 = 40;

/// CPU time of the calling thread so far, in nanoseconds.
fn thread_cpu_ns() -> Result<u64, Error> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat")?;
    let first = stat.split_whitespace().next().ok_or("empty schedstat")?;
    Ok(first.parse()?)
}

fn main() -> Result<(), Error> {
    let server = Server::start(Stream::OpenAi, || {})?;
    let rt = client_runtime()?;
    let clients = Clients::new(Stream::OpenAi, &server.url("/v1"))?;
    let pair = [Client::RawReqwest, Client::Clawkit, Client::ClawkitTurn];
    let expected = rt.block_on(clients.run(Client::RawReqwest))?;
    for client in &pair[1..] {
        if rt.block_on(clients.run(*client))? != expected {
            return Err(format!("{}: the text differs from the floor's", client.name()).into());
        }
    }
    let mut totals = [0u64; 3];
    for _ in 0..ROUNDS {
        for (total, client) in totals.iter_mut().zip(pair) {
            let start = thread_cpu_ns()?;
            let text = rt.block_on(clients.run(client))?;
            *total += thread_cpu_ns()? - start;
            std::hint::black_box(text);
        }
    }
    let per_delta = |ns: u64| ns as f64 / (ROUNDS * DELTAS as u64) as f64;
    println!("client-thread CPU per delta, {ROUNDS} interleaved requests each:");
    for (client, total) in pair.iter().zip(totals) {
        println!("{:<20} {:>8.0} ns", client.name(), per_delta(total));
    }
    for (client, total) in pair.iter().zip(totals).skip(1) {
        println!(
            "{:<20} {:>8.3}× the floor",
            client.name(),
            total as f64 / totals[0] as f64
        );
    }
    Ok(())
}
