//! The `openai-responses` transport: OpenAI's Responses API over SSE.
//!
//! Events mapped: `response.output_text.delta` / `.done` (text),
//! `response.refusal.delta` (text), `response.reasoning_summary_text.delta`
//! and `response.reasoning_text.delta` (reasoning), `response.output_item.added`
//! / `.done` for `function_call` items with
//! `response.function_call_arguments.delta` / `.done` (tool calls),
//! `response.completed` (usage, stop), `response.incomplete` (length or
//! content filter), `response.failed` and `error` (terminal errors).
//! Lifecycle events (`response.created`, `response.in_progress`,
//! `response.content_part.*`, `response.output_item.*` of messages) are
//! understood and produce nothing; anything else passes through raw. A
//! whole `response` object sent instead of a stream (`answer.rs`) is
//! replayed as the events of its stream.
//!
//! Usage convention: `input` excludes cached tokens (`cache_read` holds
//! them), `output` is `output_tokens` (reasoning included, also in
//! `reasoning`).

mod answer;
mod decode;
mod request;

use clawkit_core::{EventStream, ModelApi, StreamFn, StreamRequest};

use crate::client::HttpClient;
use crate::driver::{Call, KeyHeader, drive};
use crate::shared::endpoint;

pub(crate) use decode::Decoder;
pub use request::request_body;

/// The `openai-responses` transport.
#[derive(Debug, Clone)]
pub struct OpenAiResponses {
    client: HttpClient,
}

impl OpenAiResponses {
    /// A transport sending through `client`.
    pub fn new(client: HttpClient) -> Self {
        OpenAiResponses { client }
    }
}

impl StreamFn for OpenAiResponses {
    fn stream(&self, request: StreamRequest) -> EventStream {
        let model = &request.model;
        let body = request_body(model, &request.context, &request.options);
        let call = Call::new(
            &self.client,
            "openai",
            endpoint(&model.base_url, "responses"),
            body,
            &[],
            KeyHeader::Bearer,
            &request,
        );
        drive(self.client.clone(), call, Decoder::new(model))
    }
}

/// Whether `api` is served by this transport.
pub(crate) fn handles(api: &ModelApi) -> bool {
    matches!(
        api,
        ModelApi::OpenAiResponses
            | ModelApi::AzureOpenAiResponses
            | ModelApi::OpenAiCodexResponses
            | ModelApi::OpenAiChatGptResponses
    )
}
