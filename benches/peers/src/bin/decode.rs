//! In memory, no socket: the floor's decoder and clawkit's `StreamDecoder`
//! over one stream's body in 16 KiB reads, interleaved, CPU time of this
//! thread per text delta (`/proc/thread-self/schedstat`, Linux).
//!
//! ```text
//! decode [--stream openai|anthropic] [--rounds N]
//! ```
//!
//! It separates the decoding (SSE, JSON, events) from the HTTP and socket
//! work under it, and is the binary to run under callgrind for an
//! instruction count that does not depend on the load.

use std::hint::black_box;

use clawkit_peer_bench::{DELTAS, Error, Stream, clawkit_decode, floor_decode, reads};

fn thread_cpu_ns() -> Result<u64, Error> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat")?;
    let first = stat.split_whitespace().next().ok_or("empty schedstat")?;
    Ok(first.parse()?)
}

fn main() -> Result<(), Error> {
    let (mut stream, mut rounds) = (Stream::OpenAi, 20u32);
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let value = it.next().ok_or_else(|| format!("{arg}: missing value"))?;
        match arg.as_str() {
            "--stream" => stream = Stream::from_name(&value).ok_or("no such stream")?,
            "--rounds" => rounds = value.parse()?,
            _ => return Err(format!("unknown argument {arg}").into()),
        }
    }
    let reads = reads(&stream.body()?);
    let model = stream.clawkit_model("http://127.0.0.1:9/v1")?;
    let floor = || floor_decode(stream, reads.iter().map(|r| &r[..]));
    let clawkit = || clawkit_decode(&model, &reads);
    let expected = floor()?;
    if clawkit()? != expected {
        return Err("clawkit's text differs from the floor's".into());
    }
    let mut totals = [0u64; 2];
    for _ in 0..rounds {
        let start = thread_cpu_ns()?;
        black_box(floor()?);
        let mid = thread_cpu_ns()?;
        black_box(clawkit()?);
        let end = thread_cpu_ns()?;
        totals[0] += mid - start;
        totals[1] += end - mid;
    }
    let per = |ns: u64| ns as f64 / (f64::from(rounds) * DELTAS as f64);
    println!(
        "{} stream in memory, {rounds} interleaved decodes each: floor {:.0} ns / delta, clawkit StreamDecoder {:.0} ns / delta ({:.2}×)",
        stream.name(),
        per(totals[0]),
        per(totals[1]),
        totals[1] as f64 / totals[0] as f64
    );
    Ok(())
}
