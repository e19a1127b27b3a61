//! The `gen_ai.stream` span: the OpenTelemetry GenAI attributes, never a key,
//! and prompts and completions only when the client is told to record them.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

use clawkit_core::{Context, ModelApi, StreamFn, StreamRequest};
use clawkit_http::{HttpClient, HttpConfig, OpenAiCompletions};
use clawkit_testkit::{Script, ScriptedServer};
use futures::StreamExt;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::{KEY, model_at};

thread_local! {
    /// The lines recorded on this thread, while a test captures.
    static CAPTURE: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Records every span field and event, as `name field=value` lines, into
/// the capturing thread's buffer. Installed once as the global subscriber:
/// scoped subscribers (`with_default`) race with other test threads on
/// tracing's callsite-interest cache and miss spans now and then.
#[derive(Default)]
struct Recorder {
    next_id: AtomicU64,
}

#[derive(Default)]
struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields::default();
        span.record(&mut fields);
        push(format!("span {}{}", span.metadata().name(), fields.0));
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        push(format!("record{}", fields.0));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        push(format!("event {}{}", event.metadata().target(), fields.0));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn push(line: String) {
    CAPTURE.with(|capture| {
        if let Some(lines) = capture.borrow_mut().as_mut() {
            lines.push(line);
        }
    });
}

/// Runs `f` on this thread, returning what was traced meanwhile.
fn capture(f: impl FnOnce()) -> String {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let _ = tracing::subscriber::set_global_default(Recorder::default());
    });
    tracing::callsite::rebuild_interest_cache();
    CAPTURE.with(|c| *c.borrow_mut() = Some(Vec::new()));
    f();
    CAPTURE
        .with(|c| c.borrow_mut().take())
        .unwrap_or_default()
        .join("\n")
}

const BODY: &str = concat!(
    "data: {\"id\":\"c1\",\"model\":\"gpt-x-2026\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"The answer\"},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"c1\",\"model\":\"gpt-x-2026\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" is 42.\"},\"finish_reason\":\"stop\"}]}\n\n",
    "data: {\"id\":\"c1\",\"model\":\"gpt-x-2026\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":5,\"total_tokens\":16}}\n\n",
    "data: [DONE]\n\n",
);

/// Streams one call with `config`, returning what the subscriber saw.
fn traced_call(config: HttpConfig, prompt: &str) -> String {
    capture(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let server = ScriptedServer::start(vec![
                Script::sse(BODY).header("x-request-id", "req_trace_1"),
            ])
            .await
            .unwrap();
            let model = model_at(&server, "openai", ModelApi::OpenAiCompletions);
            let transport = OpenAiCompletions::new(HttpClient::with_config(config).unwrap());
            let mut request = StreamRequest::new(
                model,
                Context::user(prompt).with_system_prompt("Answer briefly."),
            );
            request.options.api_key = Some(KEY.into());
            let events: Vec<_> = transport.stream(request).collect().await;
            assert!(matches!(
                events.last(),
                Some(clawkit_core::StreamEvent::Done { .. })
            ));
        });
    })
}

#[test]
fn the_span_has_the_genai_attributes_and_no_key_prompt_or_completion() {
    let trace = traced_call(HttpConfig::default(), "What is six times seven?");
    for expected in [
        "span gen_ai.stream gen_ai.system=openai gen_ai.operation.name=chat gen_ai.request.model=test-model",
        "request_id=req_trace_1",
        "gen_ai.response.model=gpt-x-2026",
        "gen_ai.usage.input_tokens=11",
        "gen_ai.usage.output_tokens=5",
        "gen_ai.response.finish_reasons=stop",
    ] {
        assert!(
            trace.contains(expected),
            "missing {expected:?} in:\n{trace}"
        );
    }
    for absent in [
        KEY,
        "six times seven",
        "Answer briefly",
        "The answer",
        "is 42",
    ] {
        assert!(!trace.contains(absent), "{absent:?} leaked into:\n{trace}");
    }
}

#[test]
fn prompts_and_completions_are_recorded_only_when_asked_and_without_the_key() {
    let mut config = HttpConfig::default();
    config.record_content = true;
    let trace = traced_call(config, &format!("What is six times seven? My key: {KEY}"));
    assert!(
        trace.contains(
            r#"gen_ai.system_instructions=[{"type":"text","content":"Answer briefly."}]"#
        ),
        "{trace}"
    );
    assert!(
        trace.contains(r#"gen_ai.input.messages=[{"role":"user","parts":[{"type":"text","content":"What is six times seven? My key: [redacted]"}]}]"#),
        "{trace}"
    );
    assert!(
        trace.contains(r#"gen_ai.output.messages=[{"role":"assistant","parts":[{"type":"text","content":"The answer is 42."}],"finish_reason":"stop"}]"#),
        "{trace}"
    );
    assert!(!trace.contains(KEY), "the key leaked into:\n{trace}");
}
