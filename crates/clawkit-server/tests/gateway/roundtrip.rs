//! clawkit's own `openai-completions` transport, pointed at the gateway,
//! gets the answer it gets from the upstream directly: the gateway speaks
//! the wire format clawkit (and OpenClaw) read.

use std::sync::Arc;
use std::time::Duration;

use clawkit_core::{ErrorKind, ModelApi, Runtime, StopReason, StreamEvent, TurnRequest};
use clawkit_server::{Gateway, Server};
use clawkit_testkit::{Recorded, ScriptedServer};
use futures::StreamExt;
use serde_json::Value;

use crate::{keys, runtime};

/// What a caller keeps of a turn: its text, reasoning, tool calls, the
/// token counts of the last usage, and how it ended.
#[derive(Debug, PartialEq)]
struct Summary {
    text: String,
    reasoning: String,
    calls: Vec<(String, String, Value)>,
    usage: Option<(u64, u64, u64, u64)>,
    end: End,
}

#[derive(Debug, PartialEq)]
enum End {
    Done(StopReason),
    Failed(ErrorKind),
}

async fn summary(runtime: &Runtime, request: TurnRequest) -> Summary {
    let mut turn = runtime.stream(request).await.unwrap();
    let mut summary = Summary {
        text: String::new(),
        reasoning: String::new(),
        calls: Vec::new(),
        usage: None,
        end: End::Failed(ErrorKind::Protocol),
    };
    while let Some(event) = turn.next().await {
        match event {
            StreamEvent::TextDelta { text, .. } => summary.text.push_str(&text),
            StreamEvent::ReasoningDelta { text, .. } => summary.reasoning.push_str(&text),
            StreamEvent::ToolCallEnd {
                id,
                name,
                arguments,
                ..
            } => summary.calls.push((id, name, *arguments)),
            StreamEvent::Usage { usage } => {
                summary.usage =
                    Some((usage.input, usage.output, usage.cache_read, usage.reasoning));
            }
            StreamEvent::Done { reason } => summary.end = End::Done(reason),
            StreamEvent::Error { kind, .. } => summary.end = End::Failed(kind),
            _ => {}
        }
    }
    summary
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clawkit_through_the_gateway_gets_what_it_gets_directly() {
    let api = ModelApi::OpenAiCompletions;
    for kind in [
        Recorded::Text,
        Recorded::ToolCall,
        Recorded::Reasoning,
        Recorded::StreamError,
        Recorded::Error,
    ] {
        let script = kind.script(&api).unwrap();
        let upstream = ScriptedServer::start(vec![script]).await.unwrap();
        let upstream_url: url::Url = upstream.url("/v1").parse().unwrap();
        let gateway = Gateway::new(runtime(keys()))
            .with_base_url("acme-ai", upstream_url.clone())
            .with_catalog_ttl(Duration::from_secs(600));
        let server = Server::bind(&gateway, "127.0.0.1:0").await.unwrap();
        let gateway_url: url::Url = format!("http://{}/v1", server.local_addr())
            .parse()
            .unwrap();
        let client: Arc<Runtime> = runtime(keys());

        let direct = summary(
            &client,
            TurnRequest::prompt("acme-ai/acme-large", "Weather in New York?")
                .base_url(upstream_url),
        )
        .await;
        // The gateway as any OpenAI-compatible server: the built-in
        // `openai-compatible` provider, model `acme-ai/acme-large`.
        let through = summary(
            &client,
            TurnRequest::prompt(
                "openai-compatible/acme-ai/acme-large",
                "Weather in New York?",
            )
            .base_url(gateway_url),
        )
        .await;
        assert_eq!(through, direct, "{kind:?}");
        let expected = kind.recording(&api).unwrap();
        assert_eq!(direct.text, expected.text(), "{kind:?}");
        assert_eq!(direct.reasoning, expected.reasoning(), "{kind:?}");
        // The same request reached the upstream both times.
        let requests = upstream.requests();
        assert_eq!(requests.len(), 2, "{kind:?}");
        assert_eq!(
            requests[0].json()["messages"],
            requests[1].json()["messages"],
            "{kind:?}"
        );
        server.shutdown(Duration::from_secs(1)).await.unwrap();
    }
}
