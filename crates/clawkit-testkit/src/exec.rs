//! Running async code from sync tests without nesting runtimes: each call
//! gets a scoped thread with its own current-thread Tokio runtime (I/O and
//! timers enabled), so it works from `#[test]`, from inside
//! `#[tokio::test]` of either flavor, and for catalogs and transports that
//! need Tokio's reactor.

use std::future::Future;

/// Runs the future `task` makes on a new thread with its own current-thread
/// Tokio runtime, and waits for it. A panic inside the task is resumed on
/// the caller's thread; `Err` when the thread or the runtime cannot start.
pub(crate) fn try_on_own_runtime<T, Fut>(task: impl FnOnce() -> Fut + Send) -> Result<T, String>
where
    Fut: Future<Output = T>,
    T: Send,
{
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("clawkit-testkit".to_owned())
            .spawn_scoped(scope, move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map(|runtime| runtime.block_on(task()))
                    .map_err(|error| format!("no Tokio runtime: {error}"))
            })
            .map_err(|error| format!("no thread: {error}"))?;
        match spawned.join() {
            Ok(result) => result,
            Err(payload) => std::panic::resume_unwind(payload),
        }
    })
}

/// [`try_on_own_runtime`] for test helpers.
///
/// Panics when the thread or the runtime cannot start (test helper).
#[allow(clippy::panic)]
pub(crate) fn on_own_runtime<T, Fut>(task: impl FnOnce() -> Fut + Send) -> T
where
    Fut: Future<Output = T>,
    T: Send,
{
    match try_on_own_runtime(task) {
        Ok(value) => value,
        Err(error) => panic!("clawkit-testkit could not run the task: {error}"),
    }
}
