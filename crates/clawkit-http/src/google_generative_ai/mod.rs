//! The `google-generative-ai` transport: Gemini
//! `models/{model}:streamGenerateContent?alt=sse`.
//!
//! The key goes in the `x-goog-api-key` header, never in the URL. Each
//! chunk carries candidate parts: text (a delta), `thought: true` text
//! (reasoning), and function calls — complete (`args`), or streamed as
//! `partialArgs` JSON-path pieces (`willContinue`) and closed by an empty
//! `functionCall`. `thoughtSignature`s are kept on the reasoning or tool
//! call they came with, for replay. `usageMetadata` is a running snapshot:
//! the latest one with counts wins. There is no `[DONE]`: the stream ends
//! after the chunk with a `finishReason` (a `[DONE]` that a gateway adds
//! ends it there, and nothing after it is read). Safety finishes and a blocked
//! prompt end as `content_filter`. A whole `GenerateContentResponse` (or
//! an array of them) sent instead of a stream (`answer.rs`) is replayed
//! one chunk per response.
//!
//! Usage convention: `input` is `promptTokenCount − cachedContentTokenCount`,
//! `cache_read` the cached count, `output` is `candidatesTokenCount +
//! thoughtsTokenCount`, `reasoning` the thoughts count.

mod answer;
mod decode;
mod request;

use clawkit_core::{EventStream, ModelApi, StreamFn, StreamRequest};

use crate::client::HttpClient;
use crate::driver::{Call, KeyHeader, drive};
use crate::shared::endpoint;

pub(crate) use decode::Decoder;
pub use request::request_body;

/// The `google-generative-ai` transport.
#[derive(Debug, Clone)]
pub struct GoogleGenerativeAi {
    client: HttpClient,
}

impl GoogleGenerativeAi {
    /// A transport sending through `client`.
    pub fn new(client: HttpClient) -> Self {
        GoogleGenerativeAi { client }
    }
}

impl StreamFn for GoogleGenerativeAi {
    fn stream(&self, request: StreamRequest) -> EventStream {
        let model = &request.model;
        let body = request_body(model, &request.context, &request.options);
        let mut url = endpoint(
            &model.base_url,
            &format!("models/{}:streamGenerateContent", model.id),
        );
        url.set_query(Some("alt=sse"));
        let call = Call::new(
            &self.client,
            "gcp.gemini",
            url,
            body,
            &[],
            KeyHeader::Named("x-goog-api-key"),
            &request,
        );
        drive(self.client.clone(), call, Decoder::new(model))
    }
}

/// Whether `api` is served by this transport.
pub(crate) fn handles(api: &ModelApi) -> bool {
    matches!(api, ModelApi::GoogleGenerativeAi)
}
