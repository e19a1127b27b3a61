//! The `openai-completions` transport: OpenAI Chat Completions over SSE, and
//! every server that copies it (DeepSeek, Groq, Mistral, xAI, Qwen, vLLM,
//! llama.cpp, LM Studio, gateways).
//!
//! Request: OpenClaw's compat detection and knobs (§12.1–12.3): system vs
//! developer role, images, assistant tool calls and thinking, tool results
//! with the synthetic assistant turn, `stream_options.include_usage`,
//! `store`, the max-tokens field, reasoning effort per thinking format.
//!
//! Response: text, reasoning (`reasoning_content`, `reasoning`,
//! `reasoning_text`), tool calls keyed by their `index` (so parallel calls
//! stream interleaved; without an index, by id), usage from any chunk
//! (the last one wins: a usage-only tail chunk, the finish chunk, or every
//! chunk), finish reasons, `[DONE]`, and `{"error": …}` chunks inside a 200
//! stream. Only choice 0 of an `n > 1` stream is decoded. A whole
//! `chat.completion` sent instead of a stream (`answer.rs`) is replayed as
//! one chunk carrying its message, then `[DONE]`.
//!
//! Usage convention: `input` excludes cached prompt tokens (`cache_read`
//! holds them), `output` is `completion_tokens` (reasoning included, also
//! reported in `reasoning`), `total = prompt_tokens + completion_tokens`.

mod answer;
mod decode;
mod request;

use clawkit_core::{EventStream, ModelApi, StreamFn, StreamRequest};

use crate::client::HttpClient;
use crate::driver::{Call, KeyHeader, drive};
use crate::shared::endpoint;

pub(crate) use decode::Decoder;
pub use request::{ResolvedCompat, request_body, resolve_compat};

/// The `openai-completions` transport.
#[derive(Debug, Clone)]
pub struct OpenAiCompletions {
    client: HttpClient,
}

impl OpenAiCompletions {
    /// A transport sending through `client`.
    pub fn new(client: HttpClient) -> Self {
        OpenAiCompletions { client }
    }
}

impl StreamFn for OpenAiCompletions {
    fn stream(&self, request: StreamRequest) -> EventStream {
        let model = &request.model;
        let compat = resolve_compat(model);
        let body = request_body(model, &compat, &request.context, &request.options);
        // OpenClaw's newest transport: the session id as affinity headers.
        let session_headers: &[&str] = if compat.send_session_affinity_headers {
            &["session_id", "x-client-request-id", "x-session-affinity"]
        } else if compat.send_session_id_header {
            &["session_id"]
        } else {
            &[]
        };
        let defaults: Vec<(&str, &str)> = match request.options.session_id.as_deref() {
            Some(session) if !session.is_empty() => session_headers
                .iter()
                .map(|name| (*name, session))
                .collect(),
            _ => Vec::new(),
        };
        let call = Call::new(
            &self.client,
            "openai",
            endpoint(&model.base_url, "chat/completions"),
            body,
            &defaults,
            KeyHeader::Bearer,
            &request,
        );
        drive(self.client.clone(), call, Decoder::new(model))
    }
}

/// Whether `api` is served by this transport.
pub(crate) fn handles(api: &ModelApi) -> bool {
    matches!(api, ModelApi::OpenAiCompletions | ModelApi::Ollama)
}

/// The delta fields that carry reasoning, in order of preference; a
/// reasoning block's signature names the field it came in, so that it is
/// replayed in the same one.
const REASONING_FIELDS: [&str; 3] = ["reasoning_content", "reasoning", "reasoning_text"];

#[cfg(test)]
mod test_support {
    use clawkit_core::{ModelApi, RuntimeModel};

    /// A Chat Completions model of `provider` at `url`.
    pub(super) fn model(provider: &str, url: &str) -> RuntimeModel {
        RuntimeModel::new(
            provider,
            "m",
            ModelApi::OpenAiCompletions,
            url.parse().unwrap(),
        )
    }
}
