//! Stages 9 and 10 of a turn as one stream layer: tagged reasoning,
//! output text transforms over each text block as it streams, and the
//! failure hooks on the terminal error. The layer also ends the turn with
//! exactly one terminal event.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use futures::Stream;

use crate::event::{ErrorKind, StreamEvent};
use crate::hooks::ErrorContext;
use crate::output_text::BlockRewriter;
use crate::plugin::ProviderPlugin;
use crate::stream::EventStream;
use crate::text::Text;
use crate::text_transform::TextTransforms;
use crate::trace::{TraceOutcome, Tracer};

use super::tagged::TagSplitter;
use super::{TraceHandle, Turn, lock};

/// Stages 9 and 10 over the transport's events.
pub(super) struct TurnOutput {
    inner: EventStream,
    tagged: Option<TagSplitter>,
    transforms: TextTransforms,
    /// Text held back per block index by the output transforms.
    /// (A short list: a turn has few text blocks open at once.)
    rewriters: Vec<(usize, BlockRewriter)>,
    owner: Option<(String, Arc<dyn ProviderPlugin>)>,
    model_id: String,
    trace: Option<TraceHandle>,
    /// The next event for the caller, before those in `queue`.
    ready: Option<StreamEvent>,
    queue: std::collections::VecDeque<StreamEvent>,
    /// The tag splitter's output for one event (kept for its capacity).
    split: Vec<StreamEvent>,
    finished: bool,
}

impl TurnOutput {
    /// The output and error stages over `inner`.
    pub(super) fn new(
        inner: EventStream,
        tagged: bool,
        transforms: TextTransforms,
        owner: Option<(String, Arc<dyn ProviderPlugin>)>,
        model_id: String,
        trace: Option<TraceHandle>,
    ) -> Self {
        TurnOutput {
            inner,
            tagged: tagged.then(TagSplitter::default),
            transforms,
            rewriters: Vec::new(),
            owner,
            model_id,
            trace,
            ready: None,
            queue: std::collections::VecDeque::new(),
            split: Vec::new(),
            finished: false,
        }
    }

    /// What the output transforms produced goes on to the tag splitter.
    fn after_rewrite(&mut self, event: StreamEvent) {
        let Some(splitter) = &mut self.tagged else {
            return self.finish_event(event);
        };
        // The split events go through a buffer kept between events.
        let mut split = std::mem::take(&mut self.split);
        splitter.push(event, &mut split);
        for event in split.drain(..) {
            self.finish_event(event);
        }
        self.split = split;
    }

    /// Whether `event` leaves the output and error stages untouched: no
    /// `<think>` splitting, nothing queued before it, not terminal, and not
    /// text or tool arguments the output transforms could change or hold
    /// back.
    fn passes_unchanged(&mut self, event: &StreamEvent) -> bool {
        if self.tagged.is_some() || self.ready.is_some() || !self.queue.is_empty() {
            return false;
        }
        match event {
            StreamEvent::TextDelta { index, text } => {
                if self.transforms.output.is_empty() {
                    return true;
                }
                let Some(at) = self.rewriters.iter().position(|(i, _)| i == index) else {
                    return false;
                };
                self.rewriters[at].1.passes(&self.transforms, text)
            }
            StreamEvent::TextEnd { .. } | StreamEvent::ToolCallEnd { .. } => {
                self.transforms.output.is_empty()
            }
            other => !other.is_terminal(),
        }
    }

    /// Output transforms first, on the text as the model wrote it (as
    /// OpenClaw runs them before `<think>` parsing), then the tag
    /// splitting ([`after_rewrite`](Self::after_rewrite)), then the error
    /// stage.
    fn rewrite(&mut self, event: StreamEvent) {
        if self.transforms.output.is_empty() {
            return self.after_rewrite(event);
        }
        match event {
            StreamEvent::TextDelta { index, text } => {
                let at = match self.rewriters.iter().position(|(i, _)| *i == index) {
                    Some(at) => at,
                    None => {
                        self.rewriters.push((index, BlockRewriter::default()));
                        self.rewriters.len() - 1
                    }
                };
                let rewriter = &mut self.rewriters[at].1;
                // `None`: the delta passes unchanged, so its own text is sent
                // on without a copy; a shorter piece of it (a possible match
                // held back) is short enough to stay inline most of the time.
                let rewritten = match rewriter.push(&self.transforms, &text) {
                    std::borrow::Cow::Borrowed(out) if out.len() == text.len() => None,
                    std::borrow::Cow::Borrowed(out) => Some(Text::from(out)),
                    std::borrow::Cow::Owned(out) => Some(Text::from(out)),
                };
                match rewritten {
                    None => self.after_rewrite(StreamEvent::TextDelta { index, text }),
                    Some(out) if !out.is_empty() => {
                        self.after_rewrite(StreamEvent::TextDelta { index, text: out })
                    }
                    Some(_) => {}
                }
            }
            StreamEvent::TextEnd { index, text } => {
                self.flush_block(index);
                let rewritten = self.transforms.apply_output(&text).into_owned();
                if rewritten != text
                    && let Some(trace) = &self.trace
                {
                    lock(&trace.0).push(
                        "textTransforms (output)",
                        self.owner.as_ref().map(|o| o.0.as_str()),
                        TraceOutcome::Returned {
                            value: serde_json::json!({"index": index, "text": &rewritten}),
                        },
                    );
                }
                self.after_rewrite(StreamEvent::TextEnd {
                    index,
                    text: rewritten.into(),
                });
            }
            // A tool call's final arguments are rewritten like text (its
            // argument deltas pass as they are: `ToolCallEnd` is the one
            // to act on).
            mut call @ StreamEvent::ToolCallEnd { .. } => {
                if let StreamEvent::ToolCallEnd { arguments, .. } = &mut call {
                    self.transforms.apply_output_to_value(arguments);
                }
                self.after_rewrite(call);
            }
            other => {
                if other.is_terminal() {
                    let open: Vec<usize> = self.rewriters.iter().map(|(i, _)| *i).collect();
                    for index in open {
                        self.flush_block(index);
                    }
                }
                self.after_rewrite(other);
            }
        }
    }

    fn flush_block(&mut self, index: usize) {
        let at = self.rewriters.iter().position(|(i, _)| *i == index);
        if let Some((_, mut rewriter)) = at.map(|at| self.rewriters.swap_remove(at)) {
            let rest = rewriter.finish(&self.transforms);
            if !rest.is_empty() {
                self.after_rewrite(StreamEvent::TextDelta {
                    index,
                    text: rest.into(),
                });
            }
        }
    }

    /// Stage 10 on the terminal error; everything else passes.
    fn finish_event(&mut self, event: StreamEvent) {
        if !event.is_terminal() {
            return self.emit(event);
        }
        self.finished = true;
        let event = match (event, &self.owner) {
            (
                StreamEvent::Error {
                    kind,
                    message,
                    failover,
                },
                Some((id, provider)),
            ) => {
                let ctx = ErrorContext {
                    provider: Some(id.clone()),
                    model_id: Some(self.model_id.clone()),
                    error_message: message.clone(),
                    ..ErrorContext::default()
                };
                let overflow = provider.matches_context_overflow_error(&ctx);
                let reason = provider.classify_failover_reason(&ctx);
                if let Some(trace) = &self.trace {
                    let mut trace = lock(&trace.0);
                    let mut tracer = Tracer::new(Some(&mut trace));
                    tracer.option("matchesContextOverflowError", id, &overflow);
                    tracer.option("classifyFailoverReason", id, &reason);
                }
                let kind = if overflow == Some(true) {
                    ErrorKind::ContextOverflow
                } else {
                    kind
                };
                StreamEvent::Error {
                    kind,
                    message,
                    failover: reason.or(failover),
                }
            }
            (event, _) => event,
        };
        self.emit(event);
    }

    /// Queues an event for the caller: the first one waits in `ready`, so
    /// the common case (one event in, one out) never touches the queue.
    fn emit(&mut self, event: StreamEvent) {
        if self.ready.is_none() && self.queue.is_empty() {
            self.ready = Some(event);
        } else {
            self.queue.push_back(event);
        }
    }
}

impl Stream for TurnOutput {
    type Item = StreamEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<StreamEvent>> {
        loop {
            if let Some(event) = self.ready.take().or_else(|| self.queue.pop_front()) {
                return Poll::Ready(Some(event));
            }
            if self.finished {
                return Poll::Ready(None);
            }
            match self.inner.as_mut().poll_next(cx) {
                // Most events pass as they are: hand them on without the
                // moves through the stages (an event is ~150 bytes).
                Poll::Ready(Some(event)) if self.passes_unchanged(&event) => {
                    return Poll::Ready(Some(event));
                }
                Poll::Ready(Some(event)) => self.rewrite(event),
                // Exactly one terminal event ends a turn, whatever the
                // stream function did (a plugin's `createStreamFn` too).
                // The stand-in is recorded in the trace ([`Turn::MISSING_TERMINAL`]),
                // so a test can tell it from an error the provider reported.
                Poll::Ready(None) => {
                    let message = "the stream ended without a terminal event";
                    if let Some(trace) = &self.trace {
                        lock(&trace.0).push(
                            Turn::MISSING_TERMINAL,
                            self.owner.as_ref().map(|o| o.0.as_str()),
                            TraceOutcome::Returned {
                                value: serde_json::json!({
                                    "kind": ErrorKind::Protocol.as_str(),
                                    "message": message,
                                }),
                            },
                        );
                    }
                    self.rewrite(StreamEvent::Error {
                        kind: ErrorKind::Protocol,
                        message: message.to_owned(),
                        failover: None,
                    });
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(events: Vec<StreamEvent>, tagged: bool, transforms: TextTransforms) -> TurnOutput {
        let events = Box::pin(futures::stream::iter(events));
        TurnOutput::new(events, tagged, transforms, None, "m".to_owned(), None)
    }

    fn collect(output: TurnOutput) -> Vec<StreamEvent> {
        futures::executor::block_on(futures::StreamExt::collect(output))
    }

    #[test]
    fn output_transforms_run_before_think_tags_are_read() {
        let transforms = TextTransforms::new()
            .output(crate::text_transform::Replacement::literal_global(
                "<t>", "<think>",
            ))
            .output(crate::text_transform::Replacement::literal_global(
                "blue", "red",
            ));
        let events = collect(output(
            vec![
                StreamEvent::TextStart { index: 0 },
                StreamEvent::TextDelta {
                    index: 0,
                    text: "<t>a blue plan</think>the blue".into(),
                },
                StreamEvent::TextEnd {
                    index: 0,
                    text: "<t>a blue plan</think>the blue".into(),
                },
                StreamEvent::Done {
                    reason: crate::event::StopReason::Stop,
                },
            ],
            true,
            transforms,
        ));
        let reasoning: String = events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::ReasoningDelta { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        let text: String = events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            (reasoning.as_str(), text.as_str()),
            ("a red plan", "the red")
        );
    }

    #[test]
    fn a_tool_call_s_final_arguments_are_rewritten() {
        let transforms = TextTransforms::new().output(
            crate::text_transform::Replacement::literal_global("blue basket", "red basket"),
        );
        let events = collect(output(
            vec![
                StreamEvent::ToolCallEnd {
                    index: 0,
                    id: "c1".into(),
                    name: "put".into(),
                    arguments: Box::new(serde_json::json!({"into": "the blue basket", "n": 1})),
                    signature: None,
                },
                StreamEvent::Done {
                    reason: crate::event::StopReason::ToolUse,
                },
            ],
            false,
            transforms,
        ));
        assert!(matches!(
            &events[0],
            StreamEvent::ToolCallEnd { arguments, .. }
                if **arguments == serde_json::json!({"into": "the red basket", "n": 1})
        ));
    }

    #[test]
    fn a_stream_that_stops_without_a_terminal_event_ends_in_a_protocol_error() {
        let cut_short = vec![
            StreamEvent::TextStart { index: 0 },
            StreamEvent::TextDelta {
                index: 0,
                text: "the blue bas".into(),
            },
        ];
        let transforms = TextTransforms::new().output(crate::text_transform::Replacement::literal(
            "blue basket",
            "red basket",
        ));
        let events = collect(output(cut_short, false, transforms));
        assert_eq!(
            events[1..],
            [
                StreamEvent::TextDelta {
                    index: 0,
                    text: "the ".into()
                },
                // What was held back is flushed before the end.
                StreamEvent::TextDelta {
                    index: 0,
                    text: "blue bas".into()
                },
                StreamEvent::Error {
                    kind: ErrorKind::Protocol,
                    message: "the stream ended without a terminal event".to_owned(),
                    failover: None,
                },
            ]
        );
    }

    #[test]
    fn the_stand_in_terminal_is_recorded_in_the_trace_and_a_real_one_is_not() {
        let run = |events: Vec<StreamEvent>| {
            let handle = TraceHandle::default();
            let output = TurnOutput::new(
                Box::pin(futures::stream::iter(events)),
                false,
                TextTransforms::new(),
                None,
                "m".to_owned(),
                Some(handle.clone()),
            );
            let events = collect(output);
            (events, handle.snapshot().hooks())
        };
        let (events, hooks) = run(vec![StreamEvent::TextDelta {
            index: 0,
            text: "Hi".into(),
        }]);
        assert!(matches!(
            events.last(),
            Some(StreamEvent::Error {
                kind: ErrorKind::Protocol,
                ..
            })
        ));
        assert_eq!(hooks, [Turn::MISSING_TERMINAL]);
        let (events, hooks) = run(vec![StreamEvent::Error {
            kind: ErrorKind::Protocol,
            message: "the stream ended without a terminal event".to_owned(),
            failover: None,
        }]);
        assert_eq!(events.len(), 1);
        assert!(hooks.is_empty(), "{hooks:?}");
    }
}
