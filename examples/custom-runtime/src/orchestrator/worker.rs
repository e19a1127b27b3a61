//! Workers: the scripted one and the clawkit model one, each running a job
//! as a stream of [`WorkerEvent`]s. Dropping the stream cancels the work
//! (the scripted worker stops between words, the model worker's request
//! is dropped), and the worker counts it.

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use clawkit_core::{ContentBlock, Context, Message, Runtime, StopReason, StreamEvent, TurnRequest};
use futures::stream::{self, BoxStream};
use futures::{Stream, StreamExt};
use serde_json::Value;

use super::config::{WorkerConfig, WorkerKind};
use super::contract;
use super::request::shortened;
use super::wire::Tokens;

/// One worker and what happened to it so far.
#[derive(Debug)]
pub(super) struct WorkerSlot {
    pub(super) config: WorkerConfig,
    /// Why it is failing, when it is.
    failing: Mutex<Option<String>>,
    served: AtomicU64,
    failures: AtomicU64,
    cancelled: AtomicU64,
    running: AtomicUsize,
}

/// A worker's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct WorkerStats {
    pub(super) served: u64,
    pub(super) failures: u64,
    pub(super) cancelled: u64,
    pub(super) running: usize,
}

impl WorkerSlot {
    pub(super) fn new(config: WorkerConfig) -> Self {
        let failing = config
            .failing
            .then(|| "marked failing in the config".to_owned());
        WorkerSlot {
            config,
            failing: Mutex::new(failing),
            served: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            cancelled: AtomicU64::new(0),
            running: AtomicUsize::new(0),
        }
    }

    /// Why the worker is failing, or `None` when it is healthy.
    pub(super) fn failing(&self) -> Option<String> {
        self.failing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Marks it failing (`Some(reason)`) or healthy (`None`).
    pub(super) fn set_failing(&self, reason: Option<String>) {
        *self.failing.lock().unwrap_or_else(PoisonError::into_inner) = reason;
    }

    /// `ok` or `failing`.
    pub(super) fn health(&self) -> &'static str {
        if self.failing().is_some() {
            "failing"
        } else {
            "ok"
        }
    }

    /// Counts a request refused because the worker is failing.
    pub(super) fn count_failure(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn stats(&self) -> WorkerStats {
        WorkerStats {
            served: self.served.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            cancelled: self.cancelled.load(Ordering::Relaxed),
            running: self.running.load(Ordering::Relaxed),
        }
    }
}

/// What one job asks of a worker.
#[derive(Debug, Clone)]
pub(super) struct Job {
    /// The conversation as the client sent it (never with stored history).
    pub(super) context: Context,
    /// The last user message's text.
    pub(super) prompt: String,
    /// The role's office name (`Coder`), for the scripted answer.
    pub(super) label: String,
    pub(super) session_id: Option<String>,
    pub(super) temperature: Option<f64>,
    pub(super) max_tokens: Option<u64>,
    /// The JSON Schema the answer must satisfy.
    pub(super) contract: Option<Value>,
}

/// What a worker reports, ending in exactly one `Done` or `Failed`.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum WorkerEvent {
    /// More of the answer.
    Text(String),
    /// Token counts so far.
    Usage(Tokens),
    /// Finished, with OpenAI's finish reason.
    Done(&'static str),
    /// Failed.
    Failed(WorkerFailure),
}

/// Why a worker failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum WorkerFailure {
    /// It was marked failing while it ran.
    MarkedFailing,
    /// The model run failed, with its (secret-free) message.
    Error(String),
}

/// A running job: the worker's events, ending after the first terminal
/// one. Dropped before that, the job counts as cancelled.
pub(super) struct Run {
    events: BoxStream<'static, WorkerEvent>,
    slot: Arc<WorkerSlot>,
    finished: bool,
}

impl Run {
    /// The scripted answer's words, the model's deltas.
    pub(super) fn start(slot: Arc<WorkerSlot>, runtime: Option<Arc<Runtime>>, job: Job) -> Run {
        slot.running.fetch_add(1, Ordering::Relaxed);
        let events = match (slot.config.kind, runtime) {
            (WorkerKind::Model, Some(runtime)) => model(runtime, &slot.config, job),
            (WorkerKind::Model, None) => stream::iter([WorkerEvent::Failed(WorkerFailure::Error(
                "no model runtime".to_owned(),
            ))])
            .boxed(),
            _ => scripted(Arc::clone(&slot), job),
        };
        Run {
            events,
            slot,
            finished: false,
        }
    }
}

impl Run {
    /// Gives up on the job (it ran out of time): a failure, not a
    /// cancellation.
    pub(super) fn abandon(&mut self) {
        if !self.finished {
            self.finished = true;
            self.slot.failures.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl Stream for Run {
    type Item = WorkerEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<WorkerEvent>> {
        if self.finished {
            return Poll::Ready(None);
        }
        let polled = self.events.poll_next_unpin(cx);
        if let Poll::Ready(event) = &polled {
            let counter = match event {
                Some(WorkerEvent::Done(_)) => Some(&self.slot.served),
                Some(WorkerEvent::Failed(_)) | None => Some(&self.slot.failures),
                _ => None,
            };
            if let Some(counter) = counter {
                counter.fetch_add(1, Ordering::Relaxed);
                self.finished = true;
            }
        }
        polled
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        self.slot.running.fetch_sub(1, Ordering::Relaxed);
        if !self.finished {
            self.slot.cancelled.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The scripted answer to a plain completion: who heard what.
pub(super) fn scripted_text(label: &str, context: &Context, prompt: &str) -> String {
    let prompt = shortened(prompt);
    let prompt = if prompt.is_empty() {
        "(nothing)".to_owned()
    } else {
        prompt
    };
    match context.messages.len() {
        0 | 1 => format!("{label} (scripted) heard: {prompt}"),
        n => format!("{label} (scripted) heard {n} messages, the last: {prompt}"),
    }
}

/// The scripted worker: a deterministic answer, word by word, with the
/// configured pause before each word; it stops with a failure when marked
/// failing mid-answer.
fn scripted(slot: Arc<WorkerSlot>, job: Job) -> BoxStream<'static, WorkerEvent> {
    let answer = match &job.contract {
        Some(schema) => contract::scripted_answer(&job.prompt, schema),
        None => scripted_text(&job.label, &job.context, &job.prompt),
    };
    let words: Vec<String> = answer.split_inclusive(' ').map(str::to_owned).collect();
    let tokens = Tokens {
        prompt: context_words(&job.context),
        completion: words.len() as u64,
    };
    let delay = Duration::from_millis(slot.config.word_delay_ms);
    let events = words
        .into_iter()
        .map(WorkerEvent::Text)
        .chain([WorkerEvent::Usage(tokens), WorkerEvent::Done("stop")]);
    stream::iter(events)
        .then(move |event| {
            let slot = Arc::clone(&slot);
            async move {
                if let WorkerEvent::Text(_) = event {
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    if slot.failing().is_some() {
                        return WorkerEvent::Failed(WorkerFailure::MarkedFailing);
                    }
                }
                event
            }
        })
        .boxed()
}

/// Words in the conversation: the scripted worker's prompt token count.
fn context_words(context: &Context) -> u64 {
    let system = context.system_prompt.as_deref().unwrap_or("");
    let words = |text: &str| text.split_whitespace().count() as u64;
    let in_messages: u64 = context
        .messages
        .iter()
        .flat_map(Message::content)
        .map(|block| match block {
            ContentBlock::Text { text } => words(text),
            _ => 0,
        })
        .sum();
    words(system) + in_messages
}

/// The model worker: one turn of the clawkit model through the whole
/// provider pipeline.
fn model(
    runtime: Arc<Runtime>,
    config: &WorkerConfig,
    job: Job,
) -> BoxStream<'static, WorkerEvent> {
    let model = config.model_id().to_owned();
    let base_url = config
        .base_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok());
    let max_tokens = job.max_tokens.or(config.max_tokens);
    let start = async move {
        let mut context = job.context;
        if let Some(schema) = &job.contract {
            let instruction = format!(
                "Answer with one JSON value and nothing else. It must satisfy this JSON Schema: {schema}"
            );
            context.system_prompt = Some(match context.system_prompt.take() {
                Some(system) => format!("{system}\n\n{instruction}"),
                None => instruction,
            });
        }
        let mut request = TurnRequest::new(model, context);
        if let Some(session) = job.session_id {
            request = request.session_id(session);
        }
        if let Some(url) = base_url {
            request = request.base_url(url);
        }
        if let Some(temperature) = job.temperature {
            request = request.temperature(temperature);
        }
        if let Some(max_tokens) = max_tokens {
            request = request.max_tokens(max_tokens);
        }
        match runtime.stream(request).await {
            Ok(turn) => turn
                .into_events()
                .filter_map(|e| async { event_of(e) })
                .boxed(),
            Err(error) => {
                stream::iter([WorkerEvent::Failed(WorkerFailure::Error(error.to_string()))]).boxed()
            }
        }
    };
    stream::once(start).flatten().boxed()
}

/// A clawkit stream event as a worker event; `None` for what an OpenAI
/// answer has no place for (reasoning, tool calls, runtime events).
fn event_of(event: StreamEvent) -> Option<WorkerEvent> {
    match event {
        StreamEvent::TextDelta { text, .. } => Some(WorkerEvent::Text(text.to_string())),
        StreamEvent::Usage { usage } => Some(WorkerEvent::Usage(Tokens {
            prompt: usage.input + usage.cache_read + usage.cache_write,
            completion: usage.output,
        })),
        StreamEvent::Done { reason } => Some(WorkerEvent::Done(match reason {
            StopReason::Length => "length",
            StopReason::ToolUse => "tool_calls",
            StopReason::ContentFilter => "content_filter",
            _ => "stop",
        })),
        StreamEvent::Error { message, .. } => {
            Some(WorkerEvent::Failed(WorkerFailure::Error(message)))
        }
        _ => None,
    }
}
