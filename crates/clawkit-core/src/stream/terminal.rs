//! The terminal-event contract as a stream layer, and cancellation.
//!
//! Every stream ends in exactly one [`StreamEvent::Done`] or
//! [`StreamEvent::Error`]. [`Terminated`] enforces it around any stream:
//! events after the first terminal one are dropped, and a stream that ends
//! without one gets an [`ErrorKind::Protocol`] error. Transports wrap their
//! output in it, so a wrapper or a transport bug cannot break the contract.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context as TaskContext, Poll};

use futures::Stream;
use futures::task::AtomicWaker;

use super::EventStream;
use crate::event::{ErrorKind, StreamEvent};

/// Enforces exactly one terminal event. Box it once at the boundary.
#[must_use = "streams do nothing unless polled"]
pub struct Terminated {
    inner: EventStream,
    finished: bool,
}

impl Terminated {
    /// Wraps `inner`.
    pub fn new(inner: EventStream) -> Self {
        Terminated {
            inner,
            finished: false,
        }
    }

    /// Wraps `inner` and boxes the result.
    ///
    /// ```
    /// use clawkit_core::{ErrorKind, StreamEvent, Terminated};
    /// use futures::StreamExt;
    ///
    /// let cut_short = futures::stream::iter([StreamEvent::TextDelta { index: 0, text: "Hi".into() }]).boxed();
    /// let events: Vec<_> = futures::executor::block_on(Terminated::boxed(cut_short).collect());
    /// assert!(matches!(events.last(), Some(StreamEvent::Error { kind: ErrorKind::Protocol, .. })));
    /// ```
    pub fn boxed(inner: EventStream) -> EventStream {
        Box::pin(Terminated::new(inner))
    }
}

impl Stream for Terminated {
    type Item = StreamEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<StreamEvent>> {
        if self.finished {
            return Poll::Ready(None);
        }
        match self.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(event)) => {
                if event.is_terminal() {
                    self.finished = true;
                }
                Poll::Ready(Some(event))
            }
            Poll::Ready(None) => {
                self.finished = true;
                Poll::Ready(Some(StreamEvent::Error {
                    kind: ErrorKind::Protocol,
                    message: "the stream ended without a terminal event".to_owned(),
                    failover: None,
                }))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A handle to cancel a running stream; cheap to clone. The stream then
/// ends with an [`ErrorKind::Cancelled`] error, keeping what was received.
#[derive(Debug, Clone, Default)]
pub struct Cancellation {
    inner: Arc<CancelState>,
}

#[derive(Debug, Default)]
struct CancelState {
    cancelled: AtomicBool,
    waker: AtomicWaker,
}

impl Cancellation {
    /// A handle not yet cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels every stream holding this handle.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        self.inner.waker.wake();
    }

    /// Whether [`Cancellation::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Completes once cancelled.
    pub fn cancelled(&self) -> Cancelled {
        Cancelled {
            handle: self.clone(),
        }
    }
}

/// The future of [`Cancellation::cancelled`].
#[must_use = "futures do nothing unless awaited"]
#[derive(Debug)]
pub struct Cancelled {
    handle: Cancellation,
}

impl std::future::Future for Cancelled {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        if self.handle.is_cancelled() {
            return Poll::Ready(());
        }
        self.handle.inner.waker.register(cx.waker());
        if self.handle.is_cancelled() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::StopReason;
    use futures::StreamExt;

    #[test]
    fn events_after_the_first_terminal_are_dropped() {
        let inner = futures::stream::iter([
            StreamEvent::Done {
                reason: StopReason::Stop,
            },
            StreamEvent::TextDelta {
                index: 0,
                text: "late".into(),
            },
            StreamEvent::Done {
                reason: StopReason::Length,
            },
        ])
        .boxed();
        let events: Vec<_> = futures::executor::block_on(Terminated::boxed(inner).collect());
        assert_eq!(
            events,
            [StreamEvent::Done {
                reason: StopReason::Stop
            }]
        );
    }

    #[test]
    fn cancellation_wakes_a_waiting_future() {
        let handle = Cancellation::new();
        let waiter = handle.cancelled();
        let thread_handle = handle.clone();
        let thread = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            thread_handle.cancel();
        });
        futures::executor::block_on(waiter);
        assert!(handle.is_cancelled());
        thread.join().unwrap();
    }
}
