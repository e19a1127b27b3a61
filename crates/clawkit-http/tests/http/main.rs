//! Transports over real HTTP against in-process scripted servers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod anthropic_replay;
mod anthropic_scenarios;
mod embeddings;
mod faults;
mod gateway_answers;
mod get;
mod google_replay;
mod google_scenarios;
mod headers;
mod interop;
mod openai_replay;
mod openai_scenarios;
mod responses_replay;
mod responses_scenarios;
mod tracing_span;

use std::path::Path;

use clawkit_core::{
    Context, ErrorKind, ModelApi, RuntimeModel, StopReason, StreamEvent, StreamFn, StreamOptions,
    StreamRequest,
};
use clawkit_http::{HttpClient, HttpConfig};
use clawkit_testkit::{RecordedRequest, Script, ScriptedServer};
use futures::StreamExt;
use serde_json::Value;

pub(crate) const KEY: &str = "sk-test-0123456789abcdef";

/// A file under tests/data.
pub(crate) fn data(path: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(path),
    )
    .unwrap()
}

/// Wire SSE for a vercel `*.chunks.txt`.
pub(crate) fn chunks_to_sse(chunks: &[u8], api: &str, crlf: bool) -> Vec<u8> {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    for line in String::from_utf8_lossy(chunks)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if api == "anthropic" {
            let kind = serde_json::from_str::<serde_json::Value>(line).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned();
            out.push_str(&format!("event: {kind}{nl}"));
        }
        out.push_str(&format!("data: {line}{nl}{nl}"));
    }
    if api == "openai" {
        out.push_str(&format!("data: [DONE]{nl}{nl}"));
    }
    out.into_bytes()
}

/// A model of `provider` at the server.
pub(crate) fn model_at(server: &ScriptedServer, provider: &str, api: ModelApi) -> RuntimeModel {
    RuntimeModel::new(
        provider,
        "test-model",
        api,
        server.url("/v1").parse().unwrap(),
    )
}

/// Streams `request` through `transport`, collecting every event.
pub(crate) async fn collect(transport: &dyn StreamFn, request: StreamRequest) -> Vec<StreamEvent> {
    transport.stream(request).collect().await
}

/// One call against a server answering `script`.
pub(crate) async fn run_openai(
    script: Script,
    configure: impl FnOnce(&mut RuntimeModel, &mut Context, &mut StreamOptions),
    config: HttpConfig,
) -> (Vec<StreamEvent>, Vec<RecordedRequest>) {
    let server = ScriptedServer::start(vec![script]).await.unwrap();
    let mut model = model_at(&server, "acme", ModelApi::OpenAiCompletions);
    let mut context = Context::user("Hello");
    let mut options = StreamOptions::default();
    options.api_key = Some(KEY.into());
    configure(&mut model, &mut context, &mut options);
    let transport = clawkit_http::OpenAiCompletions::new(HttpClient::with_config(config).unwrap());
    let mut request = StreamRequest::new(model, context);
    request.options = options;
    let events = collect(&transport, request).await;
    (events, server.requests())
}

/// Exactly one terminal event, and it is the last; `start` first when present.
pub(crate) fn assert_contract(events: &[StreamEvent]) {
    let terminals = events.iter().filter(|e| e.is_terminal()).count();
    assert_eq!(terminals, 1, "exactly one terminal event: {events:#?}");
    assert!(
        events.last().unwrap().is_terminal(),
        "the terminal event is last"
    );
}

/// A compact, reviewable rendering of an event sequence: consecutive deltas
/// of one block are merged.
pub(crate) fn render(events: &[StreamEvent]) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut last_delta: Option<(String, usize)> = None;
    for event in events {
        let (kind, index, text) = match event {
            StreamEvent::TextDelta { index, text } => ("text_delta", *index, text.clone()),
            StreamEvent::ReasoningDelta { index, text } => {
                ("reasoning_delta", *index, text.clone())
            }
            StreamEvent::ToolCallDelta { index, delta, .. } => {
                ("tool_call_delta", *index, delta.clone())
            }
            other => {
                last_delta = None;
                let mut json = serde_json::to_value(other).unwrap();
                if let Some(data) = json.get_mut("data")
                    && data.as_str().is_some_and(|d| d.len() > 120)
                {
                    *data = serde_json::Value::from(format!("{}…", &data.as_str().unwrap()[..120]));
                }
                lines.push(json.to_string());
                continue;
            }
        };
        let key = (kind.to_owned(), index);
        if last_delta.as_ref() == Some(&key) {
            let line = lines.last_mut().unwrap();
            let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
            let merged = format!("{}{}", value["text"].as_str().unwrap(), text);
            value["text"] = serde_json::Value::from(merged);
            value["deltas"] = serde_json::Value::from(value["deltas"].as_u64().unwrap() + 1);
            *line = value.to_string();
        } else {
            lines.push(
                serde_json::json!({"type": kind, "index": index, "deltas": 1, "text": text})
                    .to_string(),
            );
            last_delta = Some(key);
        }
    }
    lines.join("\n")
}

/// The token counts of a usage event (its cost left out).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tokens {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write: u64,
    pub reasoning: u64,
    pub total: u64,
}

/// What a stream said, block by block: the facts a scenario asserts
/// besides its snapshot.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Facts {
    /// The full text of every closed text block, in order.
    pub text: Vec<String>,
    /// Every closed reasoning block: its text and signature.
    pub reasoning: Vec<(String, Option<String>)>,
    /// Every finished tool call: id, name, arguments and signature.
    pub tools: Vec<(String, String, Value, Option<String>)>,
    /// Every usage event.
    pub usage: Vec<Tokens>,
    /// The data of every raw (pass-through) event.
    pub raw: Vec<String>,
    /// The stop reason, when the stream ended with `done`.
    pub stop: Option<StopReason>,
    /// The error kind, when the stream ended with `error`.
    pub error: Option<ErrorKind>,
}

pub(crate) fn facts(events: &[StreamEvent]) -> Facts {
    let mut facts = Facts::default();
    for event in events {
        match event {
            StreamEvent::TextEnd { text, .. } => facts.text.push(text.to_string()),
            StreamEvent::ReasoningEnd {
                text, signature, ..
            } => facts.reasoning.push((text.to_string(), signature.clone())),
            StreamEvent::ToolCallEnd {
                id,
                name,
                arguments,
                signature,
                ..
            } => facts.tools.push((
                id.clone(),
                name.clone(),
                (**arguments).clone(),
                signature.clone(),
            )),
            StreamEvent::Usage { usage } => facts.usage.push(Tokens {
                input: usage.input,
                output: usage.output,
                cache_read: usage.cache_read,
                cache_write: usage.cache_write,
                reasoning: usage.reasoning,
                total: usage.total,
            }),
            StreamEvent::Raw { data, .. } => facts.raw.push(data.clone()),
            StreamEvent::Done { reason } => facts.stop = Some(reason.clone()),
            StreamEvent::Error { kind, .. } => facts.error = Some(kind.clone()),
            _ => {}
        }
    }
    facts
}

/// The terminal error's message.
pub(crate) fn error_text(events: &[StreamEvent]) -> Option<&str> {
    match events.last() {
        Some(StreamEvent::Error { message, .. }) => Some(message),
        _ => None,
    }
}

/// Block bookkeeping of a successful response: `start` first; block indices
/// numbered 0, 1, 2… in opening order; every delta and end inside an open
/// block of its kind; an end carries exactly what its deltas said; every
/// block closed before the terminal event.
pub(crate) fn assert_blocks(events: &[StreamEvent]) {
    #[derive(PartialEq, Debug)]
    enum Kind {
        Text,
        Reasoning,
        Tool(String, String),
    }
    assert!(
        matches!(events.first(), Some(StreamEvent::Start { .. })),
        "start first: {events:#?}"
    );
    let mut open: std::collections::BTreeMap<usize, (Kind, String)> = Default::default();
    let mut opened = 0;
    for event in events {
        let (index, kind) = match event {
            StreamEvent::TextStart { index } => (*index, Kind::Text),
            StreamEvent::ReasoningStart { index } => (*index, Kind::Reasoning),
            StreamEvent::ToolCallStart { index, id, name } => {
                (*index, Kind::Tool(id.clone(), name.clone()))
            }
            StreamEvent::TextDelta { index, text } => {
                let block = open.get_mut(index).expect("text delta of an open block");
                assert_eq!(block.0, Kind::Text, "{event:?}");
                block.1.push_str(text);
                continue;
            }
            StreamEvent::ReasoningDelta { index, text } => {
                let block = open
                    .get_mut(index)
                    .expect("reasoning delta of an open block");
                assert_eq!(block.0, Kind::Reasoning, "{event:?}");
                block.1.push_str(text);
                continue;
            }
            StreamEvent::ToolCallDelta { index, .. } => {
                let block = open.get(index).expect("tool delta of an open block");
                assert!(matches!(block.0, Kind::Tool(..)), "{event:?}");
                continue;
            }
            StreamEvent::TextEnd { index, text } => {
                let block = open.remove(index).expect("end of an open block");
                assert_eq!(block, (Kind::Text, text.to_string()), "{event:?}");
                continue;
            }
            StreamEvent::ReasoningEnd { index, text, .. } => {
                let block = open.remove(index).expect("end of an open block");
                assert_eq!(block, (Kind::Reasoning, text.to_string()), "{event:?}");
                continue;
            }
            StreamEvent::ToolCallEnd {
                index, id, name, ..
            } => {
                let block = open.remove(index).expect("end of an open block");
                assert_eq!(block.0, Kind::Tool(id.clone(), name.clone()), "{event:?}");
                continue;
            }
            other => {
                if other.is_terminal() {
                    assert!(open.is_empty(), "blocks left open: {open:?}");
                }
                continue;
            }
        };
        assert_eq!(index, opened, "blocks are numbered in opening order");
        opened += 1;
        open.insert(index, (kind, String::new()));
    }
}

/// What every scenario case checks: reads cut small decode the same, the
/// terminal-event contract, the block structure, the expected facts, the
/// start of the error message, and no key anywhere.
pub(crate) fn check_scenario(
    name: &str,
    split: &[StreamEvent],
    events: &[StreamEvent],
    expect: &Facts,
    message: &str,
) {
    assert_eq!(split, events, "{name}: split into small reads");
    assert_contract(events);
    assert_blocks(events);
    assert_eq!(&facts(events), expect, "{name}: {events:#?}");
    if expect.error.is_some() {
        let text = error_text(events).unwrap();
        assert!(text.starts_with(message), "{name}: {text}");
    }
    assert!(!format!("{events:?}").contains(KEY), "{name}: key leaked");
}
