//! The `anthropic-messages` transport: Anthropic's Messages API over SSE.
//!
//! Events: `message_start` (usage snapshot), `content_block_start` /
//! `content_block_delta` (`text_delta`, `input_json_delta`,
//! `thinking_delta`, `signature_delta`) / `content_block_stop`,
//! `message_delta` (stop reason, cumulative output tokens), `message_stop`,
//! `ping`, `error`. Usage arrives as cumulative snapshots: the latest value
//! of each counter wins, nothing is added up. Block types clawkit does not
//! map (`server_tool_use`, `web_search_tool_result`, `mcp_tool_use`, …)
//! and `citations_delta` pass through as raw events. A second
//! `message_start` closes what the first message left open and continues.
//! A whole `message` sent instead of a stream (LiteLLM's `/v1/messages`;
//! `answer.rs`) is replayed as the events of its stream.
//!
//! Usage convention: `input` is `input_tokens` (which excludes cache reads
//! and writes), `cache_read` / `cache_write` are Anthropic's cache counters,
//! `output` is `output_tokens`.

mod answer;
mod decode;
mod request;

use clawkit_core::{EventStream, ModelApi, StreamFn, StreamRequest};

use crate::client::HttpClient;
use crate::driver::{Call, KeyHeader, drive};
use crate::shared::endpoint;

pub(crate) use decode::Decoder;
pub use request::request_body;

/// The `anthropic-version` header sent.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// The `anthropic-messages` transport.
#[derive(Debug, Clone)]
pub struct AnthropicMessages {
    client: HttpClient,
}

impl AnthropicMessages {
    /// A transport sending through `client`.
    pub fn new(client: HttpClient) -> Self {
        AnthropicMessages { client }
    }
}

impl StreamFn for AnthropicMessages {
    fn stream(&self, request: StreamRequest) -> EventStream {
        let model = &request.model;
        let body = request_body(model, &request.context, &request.options);
        let call = Call::new(
            &self.client,
            "anthropic",
            endpoint(&model.base_url, "messages"),
            body,
            &[("anthropic-version", ANTHROPIC_VERSION)],
            KeyHeader::Named("x-api-key"),
            &request,
        );
        drive(self.client.clone(), call, Decoder::new(model))
    }
}

/// Whether `api` is served by this transport.
pub(crate) fn handles(api: &ModelApi) -> bool {
    matches!(api, ModelApi::AnthropicMessages)
}
