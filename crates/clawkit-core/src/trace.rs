//! The hook trace: which hook ran, who answered, what it returned.
//!
//! A trace is deterministic — no timings, no addresses — and redacted:
//! returned values are recorded through their `Serialize` impls, which write
//! every [`ApiKey`](crate::ApiKey) as `"[redacted]"`. Snapshot it with insta
//! (see `clawkit-testkit`) to pin what each hook produced.

use serde::Serialize;
use serde_json::Value;

/// The ordered record of one pipeline run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct HookTrace {
    entries: Vec<TraceEntry>,
}

/// One hook call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TraceEntry {
    /// OpenClaw's hook name (`resolveDynamicModel`, …) or a pipeline step.
    pub hook: &'static str,
    /// The provider whose hook ran (absent for pipeline steps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// What happened.
    #[serde(flatten)]
    pub outcome: TraceOutcome,
}

/// What a hook call produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum TraceOutcome {
    /// The hook had no opinion (returned `None`).
    NotHandled,
    /// The hook returned this value (redacted).
    Returned {
        /// The value.
        value: Value,
    },
    /// A lookup found nothing (`catalogLookup` for a model not in the
    /// catalog); the pipeline goes on to the next source.
    NotFound,
    /// The hook failed.
    Failed {
        /// The error message.
        error: String,
    },
}

impl HookTrace {
    /// An empty trace.
    pub fn new() -> Self {
        Self::default()
    }

    /// The entries in call order.
    pub fn entries(&self) -> &[TraceEntry] {
        &self.entries
    }

    /// The hook names in call order.
    pub fn hooks(&self) -> Vec<&'static str> {
        self.entries.iter().map(|e| e.hook).collect()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Appends an entry.
    pub fn push(&mut self, hook: &'static str, provider: Option<&str>, outcome: TraceOutcome) {
        self.entries.push(TraceEntry {
            hook,
            provider: provider.map(str::to_owned),
            outcome,
        });
    }

    /// Appends the entries of `other`.
    pub fn append(&mut self, other: HookTrace) {
        self.entries.extend(other.entries);
    }

    /// A compact text rendering: one line per hook.
    pub fn render(&self) -> String {
        self.entries
            .iter()
            .map(|e| {
                let who = e
                    .provider
                    .as_deref()
                    .map(|p| format!(" [{p}]"))
                    .unwrap_or_default();
                let what = match &e.outcome {
                    TraceOutcome::NotHandled => "not handled".to_owned(),
                    TraceOutcome::NotFound => "not found".to_owned(),
                    TraceOutcome::Returned { value } => format!("→ {value}"),
                    TraceOutcome::Failed { error } => format!("failed: {error}"),
                };
                format!("{}{who}: {what}", e.hook)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Records into a trace when one is attached; costs nothing otherwise.
pub(crate) struct Tracer<'t> {
    trace: Option<&'t mut HookTrace>,
}

impl<'t> Tracer<'t> {
    pub(crate) fn new(trace: Option<&'t mut HookTrace>) -> Self {
        Tracer { trace }
    }

    /// The trace, to hand to a nested step that records its own entries.
    pub(crate) fn reborrow(&mut self) -> Option<&mut HookTrace> {
        self.trace.as_deref_mut()
    }

    pub(crate) fn is_on(&self) -> bool {
        self.trace.is_some()
    }

    /// Records the result of an `Option`-returning hook.
    pub(crate) fn option<T: Serialize>(
        &mut self,
        hook: &'static str,
        provider: &str,
        result: &Option<T>,
    ) {
        if let Some(trace) = self.trace.as_deref_mut() {
            let outcome = match result {
                None => TraceOutcome::NotHandled,
                Some(value) => returned(value),
            };
            trace.push(hook, Some(provider), outcome);
        }
    }

    /// Records a value.
    pub(crate) fn value<T: Serialize>(
        &mut self,
        hook: &'static str,
        provider: Option<&str>,
        value: &T,
    ) {
        if let Some(trace) = self.trace.as_deref_mut() {
            trace.push(hook, provider, returned(value));
        }
    }

    /// Records a lookup that found nothing.
    pub(crate) fn not_found(&mut self, hook: &'static str) {
        if let Some(trace) = self.trace.as_deref_mut() {
            trace.push(hook, None, TraceOutcome::NotFound);
        }
    }

    /// Records a failure.
    pub(crate) fn failed(
        &mut self,
        hook: &'static str,
        provider: &str,
        error: &dyn std::fmt::Display,
    ) {
        if let Some(trace) = self.trace.as_deref_mut() {
            trace.push(
                hook,
                Some(provider),
                TraceOutcome::Failed {
                    error: error.to_string(),
                },
            );
        }
    }

    /// Records an outcome built only when tracing.
    pub(crate) fn with(
        &mut self,
        hook: &'static str,
        provider: Option<&str>,
        outcome: impl FnOnce() -> TraceOutcome,
    ) {
        if let Some(trace) = self.trace.as_deref_mut() {
            trace.push(hook, provider, outcome());
        }
    }
}

fn returned<T: Serialize>(value: &T) -> TraceOutcome {
    match serde_json::to_value(value) {
        Ok(value) => TraceOutcome::Returned { value },
        Err(e) => TraceOutcome::Failed {
            error: format!("value could not be recorded: {e}"),
        },
    }
}
