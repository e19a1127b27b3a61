//! The `LlmBackend` facade: chat, streaming chat, embeddings and a health
//! probe by backend name, for applications that never touch hooks.
//!
//! Every provider registered in a [`Runtime`] is a backend of the same name
//! ([`Backends::from_runtime`]); each call is one turn through the whole
//! pipeline ([`Runtime::stream`]), so the runtime needs its transports
//! (`RuntimeBuilder::transports(clawkit_http::BuiltinTransports::new(client))`); a custom backend (a gateway with its own auth,
//! an instrumented client) implements [`LlmBackend`] and is added with
//! [`Backends::register_backend`].

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clawkit_core::{
    AuthRequest, Catalog, ContentBlock, Context, CoreError, ErrorKind, EventStream, Runtime,
    RuntimeModel, StopReason, StreamEvent, TurnRequest, Usage, async_trait,
};
use clawkit_http::{HttpClient, HttpError, OpenAiEmbeddings, accepts_connections};
use clawkit_manifest::ManifestError;
use futures::StreamExt;
use tokio::sync::OnceCell;

use crate::manifest_only::ManifestOnlyNotice;

/// How long [`LlmBackend::health`] waits for a connection.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(3);

/// What can go wrong in this crate: a backend call, or loading a
/// [`ManifestOnlyPlugin`](crate::ManifestOnlyPlugin).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError {
    /// No backend has this name.
    #[error("no backend named \"{name}\" (known: {})", known.join(", "))]
    UnknownBackend {
        /// The name asked for.
        name: String,
        /// The registered names.
        known: Vec<String>,
    },
    /// Model resolution, auth or stream construction failed.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// An HTTP call outside a stream (embeddings) failed.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The stream ended with an error.
    #[error("{message}")]
    Stream {
        /// The classified failure.
        kind: ErrorKind,
        /// The message, as the stream's `Error` event gave it.
        message: String,
    },
    /// A manifest-only plugin's path does not exist or cannot be read, or
    /// its manifest (or `package.json`) has errors: every diagnostic is in
    /// [`ManifestError::diagnostics`], to render as `clawkit manifest check` does.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A manifest-only plugin has no `modelCatalog` row clawkit can serve;
    /// `notices` says why each row was skipped.
    #[error(
        "{file}: no modelCatalog row clawkit can serve ({} skipped); a row needs contextWindow, maxTokens, an api clawkit streams and an http(s) baseUrl, on the row or its provider",
        plural_rows(notices.iter().filter(|n| n.model.is_some()).count())
    )]
    NoServableModels {
        /// The manifest file.
        file: String,
        /// What was skipped, and why.
        notices: Vec<ManifestOnlyNotice>,
    },
    /// The backend does not offer this operation.
    #[error("backend \"{backend}\" does not support {operation}")]
    Unsupported {
        /// The backend.
        backend: String,
        /// `embed`, …
        operation: &'static str,
    },
}

fn plural_rows(n: usize) -> String {
    match n {
        1 => "1 row".to_owned(),
        n => format!("{n} rows"),
    }
}

/// One model call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ChatRequest {
    /// The model id (`gpt-5.4-mini`) or `provider/model`.
    pub model: String,
    /// The system prompt, the messages and the tools.
    pub context: Context,
    /// The output limit.
    pub max_tokens: Option<u64>,
    /// The sampling temperature.
    pub temperature: Option<f64>,
    /// Extra params for the turn (`TurnRequest::param`): `tool_choice`,
    /// `top_p`, … go through `prepareExtraParams` and the stream wrappers,
    /// and whatever no layer consumes is sent as a top-level member of the
    /// request body.
    pub params: serde_json::Map<String, serde_json::Value>,
}

impl ChatRequest {
    /// A request for `model` with `context`.
    pub fn new(model: impl Into<String>, context: Context) -> Self {
        ChatRequest {
            model: model.into(),
            context,
            max_tokens: None,
            temperature: None,
            params: serde_json::Map::new(),
        }
    }

    /// With an output limit.
    pub fn with_max_tokens(mut self, max_tokens: u64) -> Self {
        self.max_tokens = Some(max_tokens);
        self
    }

    /// With a temperature.
    pub fn with_temperature(mut self, temperature: f64) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// With an extra param (`tool_choice`, …); a later one of the same key
    /// wins.
    pub fn with_param(
        mut self,
        key: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.params.insert(key.into(), value.into());
        self
    }
}

/// A finished answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ChatResponse {
    /// Text, reasoning and tool calls, in block order.
    pub content: Vec<ContentBlock>,
    /// Why the model stopped.
    pub stop_reason: StopReason,
    /// Token counts and cost, when reported.
    pub usage: Option<Usage>,
}

impl ChatResponse {
    /// The text blocks, joined.
    pub fn text(&self) -> String {
        self.content
            .iter()
            .filter_map(|block| match block {
                ContentBlock::Text { text } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Collects a normalized event stream into a response; the stream's
    /// `Error` event becomes [`BackendError::Stream`].
    pub async fn collect(mut events: EventStream) -> Result<Self, BackendError> {
        let mut blocks: BTreeMap<usize, ContentBlock> = BTreeMap::new();
        let mut usage = None;
        while let Some(event) = events.next().await {
            match event {
                StreamEvent::TextEnd { index, text } => {
                    blocks.insert(
                        index,
                        ContentBlock::Text {
                            text: text.into_string(),
                        },
                    );
                }
                StreamEvent::ReasoningEnd {
                    index,
                    text,
                    signature,
                } => {
                    blocks.insert(
                        index,
                        ContentBlock::Thinking {
                            thinking: text.into_string(),
                            signature,
                        },
                    );
                }
                StreamEvent::ToolCallEnd {
                    index,
                    id,
                    name,
                    arguments,
                    signature,
                } => {
                    blocks.insert(
                        index,
                        ContentBlock::ToolCall {
                            id,
                            name,
                            arguments: *arguments,
                            signature,
                        },
                    );
                }
                StreamEvent::Usage { usage: reported } => usage = Some(reported),
                StreamEvent::Done { reason } => {
                    return Ok(ChatResponse {
                        content: blocks.into_values().collect(),
                        stop_reason: reason,
                        usage,
                    });
                }
                StreamEvent::Error { kind, message, .. } => {
                    return Err(BackendError::Stream { kind, message });
                }
                _ => {}
            }
        }
        Err(BackendError::Stream {
            kind: ErrorKind::Protocol,
            message: "the stream ended without a terminal event".to_owned(),
        })
    }
}

/// The readiness probe's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Health {
    /// Whether the backend can take calls.
    pub ok: bool,
    /// How long the probe took.
    pub latency: Duration,
    /// Why it is not ok (never a secret).
    pub detail: Option<String>,
}

impl Health {
    /// Ready; the probe took `latency`.
    pub fn ready(latency: Duration) -> Self {
        Health {
            ok: true,
            latency,
            detail: None,
        }
    }

    /// Not ready, because of `detail`.
    pub fn failing(latency: Duration, detail: impl Into<String>) -> Self {
        Health {
            ok: false,
            latency,
            detail: Some(detail.into()),
        }
    }
}

/// A model backend usable by name.
#[async_trait]
pub trait LlmBackend: Send + Sync {
    /// The name applications use (`anthropic`, `mycorp-gateway`).
    fn name(&self) -> &str;

    /// Streams the answer as normalized events, ending with exactly one
    /// `Done` or `Error`.
    fn chat_stream(&self, request: ChatRequest) -> EventStream;

    /// The whole answer.
    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse, BackendError> {
        ChatResponse::collect(self.chat_stream(request)).await
    }

    /// One vector per text, in order.
    async fn embed(&self, _texts: &[String]) -> Result<Vec<Vec<f32>>, BackendError> {
        Err(BackendError::Unsupported {
            backend: self.name().to_owned(),
            operation: "embed",
        })
    }

    /// Whether the backend is ready, and how long asking took.
    async fn health(&self) -> Health;
}

/// Backends by name.
#[derive(Default, Clone)]
pub struct Backends {
    backends: BTreeMap<String, Arc<dyn LlmBackend>>,
}

impl std::fmt::Debug for Backends {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backends")
            .field("names", &self.names())
            .finish()
    }
}

impl Backends {
    /// No backends.
    pub fn new() -> Self {
        Backends::default()
    }

    /// A [`ProviderBackend`] for every provider `runtime` knows.
    pub fn from_runtime(runtime: Arc<Runtime>, client: HttpClient) -> Self {
        let mut backends = Backends::new();
        for provider in runtime.provider_ids() {
            backends.register_backend(ProviderBackend::new(
                runtime.clone(),
                provider,
                client.clone(),
            ));
        }
        backends
    }

    /// Adds `backend` under its name, replacing one of the same name.
    pub fn register_backend(&mut self, backend: impl LlmBackend + 'static) -> &mut Self {
        self.backends
            .insert(backend.name().to_owned(), Arc::new(backend));
        self
    }

    /// The backend named `name`.
    pub fn backend(&self, name: &str) -> Result<Arc<dyn LlmBackend>, BackendError> {
        self.backends
            .get(name)
            .cloned()
            .ok_or_else(|| BackendError::UnknownBackend {
                name: name.to_owned(),
                known: self.names(),
            })
    }

    /// The registered names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.backends.keys().cloned().collect()
    }
}

/// A registered provider used as a backend: its catalog (built once), model
/// resolution, auth with `prepareRuntimeAuth`, its stream hooks and the
/// built-in transport for the model's API. Cheap to clone; clones share
/// the catalog.
#[derive(Clone)]
pub struct ProviderBackend {
    runtime: Arc<Runtime>,
    provider: String,
    client: HttpClient,
    catalog: Arc<OnceCell<Arc<Catalog>>>,
    embedding_model: Option<String>,
}

impl std::fmt::Debug for ProviderBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderBackend")
            .field("provider", &self.provider)
            .field("embedding_model", &self.embedding_model)
            .finish_non_exhaustive()
    }
}

impl ProviderBackend {
    /// The backend for `provider`, with the provider's default embedding
    /// model (`text-embedding-3-small` for `openai`, `nomic-embed-text` for
    /// `ollama`; none elsewhere).
    pub fn new(runtime: Arc<Runtime>, provider: impl Into<String>, client: HttpClient) -> Self {
        let provider = provider.into();
        let embedding_model = match provider.as_str() {
            "openai" => Some("text-embedding-3-small".to_owned()),
            "ollama" => Some("nomic-embed-text".to_owned()),
            _ => None,
        };
        ProviderBackend {
            runtime,
            provider,
            client,
            catalog: Arc::new(OnceCell::new()),
            embedding_model,
        }
    }

    /// Embeds with `model` through the provider's OpenAI-compatible
    /// `/embeddings` endpoint.
    pub fn with_embedding_model(mut self, model: impl Into<String>) -> Self {
        self.embedding_model = Some(model.into());
        self
    }

    async fn catalog(&self) -> &Arc<Catalog> {
        self.catalog
            .get_or_init(|| async { Arc::new(self.runtime.catalog(None).await) })
            .await
    }

    /// `provider/model` for a model id of this provider.
    fn reference(&self, model: &str) -> String {
        if model.starts_with(&format!("{}/", self.provider)) {
            model.to_owned()
        } else {
            format!("{}/{model}", self.provider)
        }
    }

    /// The model and the credential to call it with.
    async fn prepare(
        &self,
        model: &str,
    ) -> Result<(RuntimeModel, clawkit_core::RequestCredential), CoreError> {
        let reference = self.reference(model);
        let mut model = self
            .runtime
            .resolve_model(self.catalog().await, &reference, None)
            .await?;
        let auth = self
            .runtime
            .resolve_auth(&self.provider, &AuthRequest::default(), None)?;
        let prepared = self.runtime.request_credential(&model, &auth, None).await?;
        if let Some(base_url) = prepared.base_url.clone() {
            model.base_url = base_url;
        }
        Ok((model, prepared))
    }

    /// One turn through the runtime's whole pipeline.
    async fn stream(&self, request: ChatRequest) -> Result<EventStream, CoreError> {
        let mut turn = TurnRequest::new(self.reference(&request.model), request.context)
            .catalog(Arc::clone(self.catalog().await));
        if let Some(max_tokens) = request.max_tokens {
            turn = turn.max_tokens(max_tokens);
        }
        if let Some(temperature) = request.temperature {
            turn = turn.temperature(temperature);
        }
        if !request.params.is_empty() {
            turn = turn.extra_params(request.params);
        }
        Ok(self.runtime.stream(turn).await?.into_events())
    }
}

#[async_trait]
impl LlmBackend for ProviderBackend {
    fn name(&self) -> &str {
        &self.provider
    }

    fn chat_stream(&self, request: ChatRequest) -> EventStream {
        // The stream outlives `&self`: it owns a clone (sharing the catalog),
        // runs the setup, then hands the turn's stream on (which ends in
        // exactly one terminal event), or ends with the setup's error. The
        // setup future is boxed on its own so that its memory (it is
        // several kilobytes) is freed once it is done, not held for as long
        // as the answer streams.
        let backend = self.clone();
        let events = futures::stream::once(Box::pin(async move {
            match backend.stream(request).await {
                Ok(events) => events,
                Err(error) => {
                    let failed = StreamEvent::Error {
                        kind: error.stream_kind(),
                        message: error.to_string(),
                        failover: None,
                    };
                    Box::pin(futures::stream::iter([failed])) as EventStream
                }
            }
        }))
        .flatten();
        Box::pin(events)
    }

    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, BackendError> {
        let Some(model_id) = self.embedding_model.clone() else {
            return Err(BackendError::Unsupported {
                backend: self.provider.clone(),
                operation: "embed",
            });
        };
        let catalog = self.catalog().await;
        let base_url = match catalog.provider(&self.provider) {
            Some(entry) => entry.config.base_url.clone(),
            None => self.prepare(&model_id).await?.0.base_url,
        };
        let auth = self
            .runtime
            .resolve_auth(&self.provider, &AuthRequest::default(), None)?;
        let embeddings = OpenAiEmbeddings::new(self.client.clone())
            .embed(
                &self.provider,
                &base_url,
                Some(&auth.api_key),
                &model_id,
                texts,
                None,
            )
            .await?;
        Ok(embeddings.vectors)
    }

    async fn health(&self) -> Health {
        let started = Instant::now();
        let failing = |detail: String| Health::failing(started.elapsed(), detail);
        if let Err(error) = self
            .runtime
            .resolve_auth(&self.provider, &AuthRequest::default(), None)
        {
            return failing(error.to_string());
        }
        let Some(base_url) = self
            .catalog()
            .await
            .provider(&self.provider)
            .map(|entry| entry.config.base_url.clone())
        else {
            return failing(format!("no catalog entry for \"{}\"", self.provider));
        };
        match accepts_connections(&base_url, HEALTH_TIMEOUT).await {
            Ok(()) => Health::ready(started.elapsed()),
            // These already name the URL.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::InvalidInput
                ) =>
            {
                failing(e.to_string())
            }
            Err(e) => failing(format!("cannot connect to {base_url}: {e}")),
        }
    }
}
