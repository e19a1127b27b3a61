//! Integration tests of the built-in providers, against local servers only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod backend;
mod catalog;
mod conformance;
mod families;
mod hosted;
mod ollama;
mod openai_compatible;

use clawkit_core::{Catalog, Context, Runtime, RuntimeModel, StopReason, StreamEvent, TurnRequest};
use futures::StreamExt;

/// Streams one answer to `context` from `model` (at its base URL) as one
/// turn through the whole pipeline, with the catalog already built.
pub(crate) async fn stream_answer(
    runtime: &Runtime,
    catalog: &Catalog,
    model: RuntimeModel,
    context: Context,
    max_tokens: Option<u64>,
) -> Vec<StreamEvent> {
    let mut request = TurnRequest::new(model.reference(), context)
        .base_url(model.base_url.clone())
        .catalog(std::sync::Arc::new(catalog.clone()));
    if let Some(max_tokens) = max_tokens {
        request = request.max_tokens(max_tokens);
    }
    runtime.stream(request).await.unwrap().collect().await
}

/// The built-in transports, for runtimes that stream.
pub(crate) fn transports() -> clawkit_http::BuiltinTransports {
    clawkit_http::BuiltinTransports::new(clawkit_http::HttpClient::new().unwrap())
}

/// The streamed text, after checking the stream finished normally.
pub(crate) fn finished_text(events: &[StreamEvent]) -> String {
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Done {
            reason: StopReason::Stop
        }),
        "{events:#?}"
    );
    events
        .iter()
        .filter_map(|event| match event {
            StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}
