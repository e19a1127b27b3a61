//! HTTP and streaming transports for clawkit providers.
//!
//! - [`HttpClient`]: reqwest (rustls) with per-phase timeouts, at most three
//!   redirects, an optional host allowlist checked on every hop, capped body
//!   reads, provider error parsing ([`HttpError`]: status, code, type,
//!   request id, Retry-After, redacted body) and opt-in [`RetryPolicy`].
//! - [`sse::SseDecoder`]: one spec-compliant event-stream decoder for all.
//! - [`OpenAiEmbeddings`]: `embeddings` for OpenAI-compatible APIs.
//! - Transports implementing [`clawkit_core::StreamFn`]:
//!   [`OpenAiCompletions`] (`openai-completions`),
//!   [`AnthropicMessages`] (`anthropic-messages`),
//!   [`GoogleGenerativeAi`] (`google-generative-ai`),
//!   [`OpenAiResponses`] (`openai-responses`). Each ends its stream with
//!   exactly one terminal event, whatever fails.
//!
//! ```no_run
//! use clawkit_core::{Context, ModelApi, RuntimeModel, StreamFn, StreamRequest};
//! use clawkit_http::{HttpClient, OpenAiCompletions};
//! use futures::StreamExt;
//!
//! # async fn run() -> Result<(), clawkit_http::HttpError> {
//! let transport = OpenAiCompletions::new(HttpClient::new()?);
//! let model = RuntimeModel::new("openai", "gpt-4o-mini", ModelApi::OpenAiCompletions,
//!                               "https://api.openai.com/v1".parse().unwrap());
//! let mut request = StreamRequest::new(model, Context::user("Say hi"));
//! request.options.api_key = Some(std::env::var("OPENAI_API_KEY").unwrap_or_default().into());
//! let mut events = transport.stream(request);
//! while let Some(event) = events.next().await {
//!     println!("{}", serde_json::to_string(&event).unwrap());
//! }
//! # Ok(()) }
//! ```

mod anthropic_messages;
mod api;
mod body;
mod client;
mod content;
mod decode;
mod driver;
mod embeddings;
mod error;
mod google_generative_ai;
mod openai_completions;
mod openai_responses;
pub mod partial_json;
mod probe;
mod redact;
mod retry;
mod shared;
pub mod sse;
mod wire;
mod wire_decoder;

pub use anthropic_messages::{
    ANTHROPIC_VERSION, AnthropicMessages, request_body as anthropic_messages_body,
};
pub use api::{has_transport, transport_for};
pub use client::{HttpClient, HttpConfig, OkResponse};
pub use decode::StreamDecoder;
pub use embeddings::{Embeddings, OpenAiEmbeddings};
pub use error::{
    HttpError, HttpErrorKind, MAX_ERROR_BODY_CHARS, MAX_ERROR_DETAIL_CHARS, request_id_in_message,
    status_in_message,
};
pub use google_generative_ai::{GoogleGenerativeAi, request_body as google_generative_ai_body};
pub use openai_completions::{
    OpenAiCompletions, ResolvedCompat, request_body as openai_completions_body, resolve_compat,
};
pub use openai_responses::{OpenAiResponses, request_body as openai_responses_body};
pub use probe::accepts_connections;
pub use retry::RetryPolicy;

/// The built-in transports for a runtime: give them to
/// `RuntimeBuilder::transports` and every turn of an
/// `openai-completions`, `openai-responses`, `anthropic-messages` or
/// `google-generative-ai` model streams over `client`.
///
/// ```
/// use clawkit_core::{ModelApi, Runtime, Transports};
/// use clawkit_http::{BuiltinTransports, HttpClient};
///
/// let transports = BuiltinTransports::new(HttpClient::new()?);
/// assert!(transports.transport_for(&ModelApi::AnthropicMessages).is_some());
/// let runtime = Runtime::builder().transports(transports).build()?;
/// # let _ = runtime;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct BuiltinTransports {
    client: HttpClient,
}

impl BuiltinTransports {
    /// The built-in transports over `client`.
    pub fn new(client: HttpClient) -> Self {
        BuiltinTransports { client }
    }
}

impl clawkit_core::Transports for BuiltinTransports {
    fn transport_for(&self, api: &clawkit_core::ModelApi) -> Option<clawkit_core::SharedStreamFn> {
        transport_for(api, &self.client)
    }
}
