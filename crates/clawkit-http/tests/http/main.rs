//! Transports over real HTTP against in-process scripted servers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod anthropic_replay;
mod embeddings;
mod google_replay;
mod openai_replay;
mod openai_scenarios;
mod responses_replay;

use std::path::Path;

use clawkit_core::{
    Context, ModelApi, RuntimeModel, StreamEvent, StreamFn, StreamOptions, StreamRequest,
};
use clawkit_http::{HttpClient, HttpConfig};
use clawkit_testkit::{RecordedRequest, Script, ScriptedServer};
use futures::StreamExt;

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
