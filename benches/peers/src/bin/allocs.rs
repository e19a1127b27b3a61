//! Heap allocations per text delta: each client runs one request (after one
//! warm-up request) against the loopback server, plus clawkit's in-memory
//! `StreamDecoder` on the same body in 16 KiB reads.
//!
//! Every allocation on every thread is counted except on the server
//! runtime's threads, so a client's spawned tasks count, the server does not.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use clawkit_core::StreamEvent;
use clawkit_http::StreamDecoder;
use clawkit_peer_bench::{
    Client, Clients, DELTAS, Error, Server, body, clawkit_decode, clawkit_model, client_runtime,
    reads,
};

/// `System`, counting allocation calls and requested bytes.
struct Counting;

static CALLS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    // Set on the server's threads. `const` and drop-free: reading it never
    // allocates, so it is safe to use from inside the allocator.
    static IGNORED: Cell<bool> = const { Cell::new(false) };
}

fn record(size: usize) {
    if !IGNORED.try_with(Cell::get).unwrap_or(false) {
        CALLS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(size as u64, Ordering::Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged; the counting touches only atomics and a const thread-local.
// A `realloc` counts as one allocation of its new size.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocation calls and bytes made while `f` runs.
fn count<T>(f: impl FnOnce() -> T) -> (T, u64, u64) {
    let (calls, bytes) = (CALLS.load(Ordering::SeqCst), BYTES.load(Ordering::SeqCst));
    let out = f();
    (
        out,
        CALLS.load(Ordering::SeqCst) - calls,
        BYTES.load(Ordering::SeqCst) - bytes,
    )
}

fn main() -> Result<(), Error> {
    let server = Server::start(|| IGNORED.with(|i| i.set(true)))?;
    let rt = client_runtime()?;
    let base_url = server.url("/v1");
    let clients = Clients::new(&base_url)?;

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
    let reads = reads(&body()?);
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
