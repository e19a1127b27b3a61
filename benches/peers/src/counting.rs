//! A counting global allocator for the bins that report allocations per
//! delta: `System`, counting allocation calls and requested bytes while
//! counting is on. A bin registers it with
//! `#[global_allocator] static A: Counting = Counting;`.
//!
//! Off (the start), it costs one relaxed atomic load per allocation, so the
//! same binary can time a client with counting off and count it afterwards.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// `System`, counting allocation calls and requested bytes.
pub struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
static CALLS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    // Set on threads whose allocations are not the client's (an in-process
    // server). `const` and drop-free: reading it never allocates, so it is
    // safe to use from inside the allocator.
    static IGNORED: Cell<bool> = const { Cell::new(false) };
}

/// Leaves the calling thread's allocations out of every count.
pub fn ignore_this_thread() {
    IGNORED.with(|i| i.set(true));
}

fn record(size: usize) {
    if ON.load(Ordering::Relaxed) && !IGNORED.try_with(Cell::get).unwrap_or(false) {
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

/// Allocation calls and bytes made (on every thread not ignored) while `f`
/// runs, with counting on. Only meaningful in a binary whose global
/// allocator is [`Counting`].
pub fn count<T>(f: impl FnOnce() -> T) -> (T, u64, u64) {
    let (calls, bytes) = (CALLS.load(Ordering::SeqCst), BYTES.load(Ordering::SeqCst));
    ON.store(true, Ordering::SeqCst);
    let out = f();
    ON.store(false, Ordering::SeqCst);
    (
        out,
        CALLS.load(Ordering::SeqCst) - calls,
        BYTES.load(Ordering::SeqCst) - bytes,
    )
}
