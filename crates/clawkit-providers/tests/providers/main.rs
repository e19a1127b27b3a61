//! Integration tests of the built-in providers, against local servers only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod backend;
mod hosted;
mod ollama;
mod openai_compatible;

use clawkit_core::{
    AuthRequest, Context, Runtime, RuntimeModel, StopReason, StreamEvent, StreamRequest,
    StreamSetup,
};
use clawkit_http::{HttpClient, transport_for};
use futures::StreamExt;

/// Resolves auth for `model`'s provider, builds its stream function around
/// the built-in transport, and streams one answer to `context`.
pub(crate) async fn stream_answer(
    runtime: &Runtime,
    model: RuntimeModel,
    context: Context,
    max_tokens: Option<u64>,
) -> Vec<StreamEvent> {
    let auth = runtime
        .resolve_auth(&model.provider, &AuthRequest::default(), None)
        .unwrap();
    let client = HttpClient::new().unwrap();
    let built = runtime
        .build_stream_fn(
            &StreamSetup::new(model.clone()),
            transport_for(&model.api, &client),
            None,
        )
        .unwrap();
    let mut request = StreamRequest::new(model, context);
    request.options.api_key = Some(auth.api_key);
    request.options.max_tokens = max_tokens;
    built.stream_fn.stream(request).collect().await
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
