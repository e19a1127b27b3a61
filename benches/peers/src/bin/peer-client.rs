//! One Rust client of `peers-all`, in a process of its own, reading one
//! stream from the external server (`serve-recorded`):
//!
//! ```text
//! peer-client --client NAME --stream openai|anthropic --url http://127.0.0.1:PORT/v1
//!             --requests N [--warmup N] [--expect FILE] [--allocs]
//! ```
//!
//! After the warm-up requests (each checked against `--expect`, the text
//! every client must rebuild), it runs N requests on a current-thread
//! runtime and prints one JSON line: the process's CPU time over those
//! requests (`CLOCK_PROCESS_CPUTIME_ID`: every thread of the process, so
//! whatever a client spawns counts, and nothing of the server's) and the
//! wall time. With `--allocs` it counts allocations over them instead
//! (calls and bytes; a `realloc` is one allocation of its new size), with
//! the counting allocator on only then, so the timed runs pay nothing for
//! it.

use clawkit_peer_bench::counting::{Counting, count};
use clawkit_peer_bench::{Client, Clients, Error, Stream, client_runtime};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// CPU time of the whole process so far, in nanoseconds.
fn process_cpu_ns() -> Result<u64, Error> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    Ok(u64::try_from(ts.tv_sec)? * 1_000_000_000 + u64::try_from(ts.tv_nsec)?)
}

struct Args {
    client: Client,
    stream: Stream,
    url: String,
    requests: u32,
    warmup: u32,
    expect: Option<String>,
    allocs: bool,
}

fn args() -> Result<Args, Error> {
    let (mut client, mut stream, mut url) = (None, None, None);
    let (mut requests, mut warmup, mut expect, mut allocs) = (1, 1, None, false);
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        if arg == "--allocs" {
            allocs = true;
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{arg}: missing value"))?;
        match arg.as_str() {
            "--client" => {
                client = Some(Client::from_name(&value).ok_or(format!("no client {value}"))?)
            }
            "--stream" => {
                stream = Some(Stream::from_name(&value).ok_or(format!("no stream {value}"))?)
            }
            "--url" => url = Some(value),
            "--requests" => requests = value.parse()?,
            "--warmup" => warmup = value.parse()?,
            "--expect" => expect = Some(std::fs::read_to_string(&value)?),
            _ => return Err(format!("unknown argument {arg}").into()),
        }
    }
    if requests == 0 {
        return Err("--requests must be at least 1".into());
    }
    Ok(Args {
        client: client.ok_or("--client is required")?,
        stream: stream.ok_or("--stream is required")?,
        url: url.ok_or("--url is required")?,
        requests,
        warmup,
        expect,
        allocs,
    })
}

fn main() -> Result<(), Error> {
    let args = args()?;
    let rt = client_runtime()?;
    let clients = Clients::new(args.stream, &args.url)?;
    let check = |text: &str| -> Result<(), Error> {
        match &args.expect {
            Some(expected) if expected != text => Err(format!(
                "{}: the text differs from the expected one ({} bytes, expected {})",
                args.client.name(),
                text.len(),
                expected.len()
            )
            .into()),
            _ => Ok(()),
        }
    };
    for _ in 0..args.warmup {
        check(&rt.block_on(clients.run(args.client))?)?;
    }
    let run = || -> Result<usize, Error> {
        let mut len = 0;
        for _ in 0..args.requests {
            let text = rt.block_on(clients.run(args.client))?;
            check(&text)?;
            len = text.len();
        }
        Ok(len)
    };
    let head = format!(
        r#"{{"client":"{}","stream":"{}","requests":{}"#,
        args.client.name(),
        args.stream.name(),
        args.requests
    );
    if args.allocs {
        let (len, calls, bytes) = count(run);
        let len = len?;
        println!(r#"{head},"alloc_calls":{calls},"alloc_bytes":{bytes},"text_bytes":{len}}}"#);
    } else {
        let (cpu, wall) = (process_cpu_ns()?, std::time::Instant::now());
        let len = run()?;
        let cpu_ns = process_cpu_ns()? - cpu;
        let wall_ns = wall.elapsed().as_nanos();
        println!(r#"{head},"cpu_ns":{cpu_ns},"wall_ns":{wall_ns},"text_bytes":{len}}}"#);
    }
    Ok(())
}
