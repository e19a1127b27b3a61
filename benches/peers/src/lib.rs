//! Shared pieces of the peer benchmark: the two recorded stream bodies
//! (OpenAI chat completions, Anthropic messages), the in-process loopback
//! server, the counting allocator and the clients (a raw reqwest floor,
//! clawkit's transports, a whole clawkit turn through the `LlmBackend`
//! facade, async-openai, rig-core, genai), each rebuilding the whole text of
//! one streamed answer.

use std::borrow::Cow;

use bytes::Bytes;
use clawkit_core::{
    Config, Context, Env, ModelApi, ProviderConfig, Runtime, RuntimeModel, StreamEvent, StreamFn,
    StreamRequest,
};
use clawkit_http::{AnthropicMessages, BuiltinTransports, HttpClient, OpenAiCompletions};
use clawkit_providers::{ChatRequest, LlmBackend, ProviderBackend};
use clawkit_testkit::{Script, ScriptedServer};
use futures::StreamExt;
use serde::Deserialize;

pub mod counting;

/// Text deltas in each served stream.
pub const DELTAS: usize = 20_000;
/// The size of the pieces the server writes (and of the in-memory reads).
pub const READ: usize = 16 * 1024;
/// The OpenAI model id every client asks for.
pub const MODEL: &str = "gpt-4.1-nano";
/// The Anthropic model id every client asks for.
pub const ANTHROPIC_MODEL: &str = "claude-sonnet-4-5";
/// The API key every client sends.
pub const API_KEY: &str = "sk-test";

/// A boxed error.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

const RECORDED_OPENAI: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../crates/clawkit-http/tests/data/openai-compatible/openai-gpt-text.chunks.txt"
);

const RECORDED_ANTHROPIC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../crates/clawkit-http/tests/data/anthropic/text-with-ping.chunks.txt"
);

/// One of the two recorded streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// OpenAI chat completions (`openai-gpt-text.chunks.txt`).
    OpenAi,
    /// Anthropic messages (`text-with-ping.chunks.txt`).
    Anthropic,
}

impl Stream {
    /// Both, in report order.
    pub const ALL: [Stream; 2] = [Stream::OpenAi, Stream::Anthropic];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Stream::OpenAi => "openai",
            Stream::Anthropic => "anthropic",
        }
    }

    /// The stream named `name` ([`Stream::name`]).
    pub fn from_name(name: &str) -> Option<Stream> {
        Stream::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The SSE body served for this stream, built from a real recorded
    /// stream: its opening events, its text deltas repeated in order until
    /// there are [`DELTAS`] of them, and its closing events.
    pub fn body(self) -> Result<Vec<u8>, Error> {
        match self {
            Stream::OpenAi => openai_body(),
            Stream::Anthropic => anthropic_body(),
        }
    }

    /// The text every client must rebuild from [`Stream::body`] (decoded by
    /// the floor's decoder in memory).
    pub fn expected_text(self) -> Result<String, Error> {
        let body = self.body()?;
        floor_decode(self, body.chunks(READ))
    }

    /// The model clawkit streams from, at `base_url` (`…/v1`).
    pub fn clawkit_model(self, base_url: &str) -> Result<RuntimeModel, Error> {
        let (provider, id, api) = match self {
            Stream::OpenAi => ("openai", MODEL, ModelApi::OpenAiCompletions),
            Stream::Anthropic => ("anthropic", ANTHROPIC_MODEL, ModelApi::AnthropicMessages),
        };
        Ok(RuntimeModel::new(provider, id, api, base_url.parse()?))
    }
}

/// The non-empty, trimmed lines of a recorded `*.chunks.txt` file.
fn recorded_lines(path: &str) -> Result<Vec<String>, Error> {
    let recorded = std::fs::read_to_string(path)?;
    Ok(recorded
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// The role chunk, the recorded content chunks repeated in order until there
/// are [`DELTAS`] of them, the finish chunk, the usage chunk and `[DONE]`.
fn openai_body() -> Result<Vec<u8>, Error> {
    let lines = recorded_lines(RECORDED_OPENAI)?;
    let [role, content @ .., finish, usage] = lines.as_slice() else {
        return Err(format!("{RECORDED_OPENAI}: fewer than 3 chunks").into());
    };
    if content.is_empty() {
        return Err(format!("{RECORDED_OPENAI}: no content chunks").into());
    }
    let mut out = Vec::new();
    let mut event = |line: &str| {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\n\n");
    };
    event(role);
    for line in content.iter().cycle().take(DELTAS) {
        event(line);
    }
    event(finish);
    event(usage);
    event("[DONE]");
    Ok(out)
}

/// `message_start`, `content_block_start` and the `ping` as recorded, the
/// recorded `content_block_delta` text deltas repeated in order until there
/// are [`DELTAS`] of them, then `content_block_stop`, `message_delta` (with
/// the usage) and `message_stop`. Each event is sent as Anthropic does:
/// `event: <type>` then `data: <json>`.
fn anthropic_body() -> Result<Vec<u8>, Error> {
    #[derive(Deserialize)]
    struct Typed<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
    }
    let lines = recorded_lines(RECORDED_ANTHROPIC)?;
    let kinds = lines
        .iter()
        .map(|l| Ok(serde_json::from_str::<Typed<'_>>(l)?.kind))
        .collect::<Result<Vec<&str>, Error>>()?;
    let is_delta = |kind: &&str| *kind == "content_block_delta";
    let (Some(first), Some(last)) = (
        kinds.iter().position(is_delta),
        kinds.iter().rposition(is_delta),
    ) else {
        return Err(format!("{RECORDED_ANTHROPIC}: no content_block_delta").into());
    };
    let mut out = Vec::new();
    let mut event = |i: usize| {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(kinds[i].as_bytes());
        out.extend_from_slice(b"\ndata: ");
        out.extend_from_slice(lines[i].as_bytes());
        out.extend_from_slice(b"\n\n");
    };
    (0..first).for_each(&mut event);
    (first..=last).cycle().take(DELTAS).for_each(&mut event);
    (last + 1..lines.len()).for_each(&mut event);
    Ok(out)
}

/// The body cut into [`READ`]-byte reads, as the server sends it.
pub fn reads(body: &[u8]) -> Vec<Bytes> {
    body.chunks(READ).map(Bytes::copy_from_slice).collect()
}

/// The loopback server for one stream, on a runtime of its own (one worker
/// thread) so that its work is never charged to the client's thread.
pub struct Server {
    // Dropped before the runtime: aborts the accept loop.
    server: ScriptedServer,
    _runtime: tokio::runtime::Runtime,
}

impl Server {
    /// Serves `stream`'s body in [`READ`]-byte chunks to every connection;
    /// `on_thread_start` runs on each of the server runtime's threads.
    pub fn start(
        stream: Stream,
        on_thread_start: impl Fn() + Send + Sync + 'static,
    ) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("peer-bench-server")
            .on_thread_start(on_thread_start)
            .enable_all()
            .build()?;
        let server = runtime.block_on(Self::serve(stream))?;
        Ok(Server {
            server,
            _runtime: runtime,
        })
    }

    /// A [`ScriptedServer`] serving `stream`'s body, on the current runtime.
    pub async fn serve(stream: Stream) -> Result<ScriptedServer, Error> {
        let script = Script::sse(stream.body()?).split_every(READ);
        Ok(ScriptedServer::start(vec![script]).await?)
    }

    /// `http://127.0.0.1:<port>` + `path`.
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }
}

/// The runtime the clients run on: one thread, so a client's whole cost
/// (socket reads, HTTP framing, SSE, JSON, its own tasks) is on it.
pub fn client_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// The model clawkit streams the OpenAI stream from, at `base_url` (`…/v1`).
pub fn clawkit_model(base_url: &str) -> Result<RuntimeModel, Error> {
    Stream::OpenAi.clawkit_model(base_url)
}

/// Every Rust client, built once, pointed at one server serving one stream.
pub struct Clients {
    stream: Stream,
    base_url: String,
    reqwest: reqwest::Client,
    clawkit_openai: OpenAiCompletions,
    clawkit_anthropic: AnthropicMessages,
    model: RuntimeModel,
    turn: ProviderBackend,
    async_openai: async_openai::Client<async_openai::config::OpenAIConfig>,
    rig_openai: rig_core::Model<rig_core::providers::openai::wire::Chat>,
    rig_anthropic: rig_core::Model<rig_core::providers::anthropic::Messages>,
    genai: genai::Client,
}

/// acme-ai (with its three output transforms) as an `LlmBackend`, its
/// endpoint moved to `base_url` by user config.
fn acme_backend(base_url: &str) -> Result<ProviderBackend, Error> {
    let endpoint = ProviderConfig::new(base_url.parse()?, ModelApi::OpenAiCompletions);
    let client = HttpClient::new()?;
    let runtime = Runtime::builder()
        .plugin(acme_ai::plugin()?)
        .env(Env::new().with("ACME_AI_API_KEY", API_KEY))
        .config(Config::new().with_provider("acme-ai", endpoint))
        .transports(BuiltinTransports::new(client.clone()))
        .build()?;
    Ok(ProviderBackend::new(
        std::sync::Arc::new(runtime),
        "acme-ai",
        client,
    ))
}

/// genai with every model sent to `base_url` (`…/v1`) as `stream`'s adapter.
fn genai_client(stream: Stream, base_url: &str) -> Result<genai::Client, Error> {
    use genai::adapter::AdapterKind;
    use genai::resolver::{AuthData, Endpoint, ServiceTargetResolver};
    use genai::{ModelIden, ServiceTarget};
    let kind = match stream {
        Stream::OpenAi => AdapterKind::OpenAI,
        Stream::Anthropic => AdapterKind::Anthropic,
    };
    // genai joins paths onto an endpoint that ends with a slash.
    let endpoint: std::sync::Arc<str> = format!("{}/", base_url.trim_end_matches('/')).into();
    let resolver = ServiceTargetResolver::from_resolver_fn(
        move |target: ServiceTarget| -> Result<ServiceTarget, genai::resolver::Error> {
            Ok(ServiceTarget {
                endpoint: Endpoint::from_owned(endpoint.clone()),
                auth: AuthData::from_single(API_KEY),
                model: ModelIden::new(kind, target.model.model_name),
            })
        },
    );
    Ok(genai::Client::builder()
        .with_service_target_resolver(resolver)
        .build()?)
}

impl Clients {
    /// Clients for `stream` served at `base_url` (`http://…/v1`).
    pub fn new(stream: Stream, base_url: &str) -> Result<Self, Error> {
        let config = async_openai::config::OpenAIConfig::new()
            .with_api_base(base_url)
            .with_api_key(API_KEY);
        let rig_openai = rig_core::providers::openai::OpenAIConfig::new(API_KEY)
            .with_base_url(base_url)
            .client()
            .chat(MODEL);
        let rig_anthropic = rig_core::providers::anthropic::AnthropicConfig::new(API_KEY)
            .with_base_url(base_url)
            .client()
            .completion(ANTHROPIC_MODEL);
        let http = HttpClient::new()?;
        Ok(Clients {
            stream,
            base_url: base_url.to_owned(),
            reqwest: reqwest::Client::builder().build()?,
            clawkit_openai: OpenAiCompletions::new(http.clone()),
            clawkit_anthropic: AnthropicMessages::new(http),
            model: stream.clawkit_model(base_url)?,
            turn: acme_backend(base_url)?,
            async_openai: async_openai::Client::with_config(config),
            rig_openai,
            rig_anthropic,
            genai: genai_client(stream, base_url)?,
        })
    }

    /// The stream these clients read.
    pub fn stream(&self) -> Stream {
        self.stream
    }

    /// Runs one request with `client` and returns the text.
    pub async fn run(&self, client: Client) -> Result<String, Error> {
        if !client.supports(self.stream) {
            return Err(format!(
                "{} does not read the {} stream",
                client.name(),
                self.stream.name()
            )
            .into());
        }
        match client {
            Client::RawReqwest => self.raw_reqwest().await,
            Client::Clawkit => self.clawkit().await,
            Client::ClawkitTurn => self.clawkit_turn().await,
            Client::AsyncOpenai => self.async_openai().await,
            Client::Rig => self.rig().await,
            Client::Genai => self.genai().await,
        }
    }

    /// The floor: reqwest's byte stream, lines split with memchr, `data:`
    /// payloads parsed into borrowed structs.
    pub async fn raw_reqwest(&self) -> Result<String, Error> {
        const OPENAI: &str = r#"{"model":"gpt-4.1-nano","messages":[{"role":"user","content":"Hello"}],"stream":true}"#;
        const ANTHROPIC: &str = r#"{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":"Hello"}],"stream":true}"#;
        let request = match self.stream {
            Stream::OpenAi => self
                .reqwest
                .post(format!("{}/chat/completions", self.base_url))
                .bearer_auth(API_KEY)
                .body(OPENAI),
            Stream::Anthropic => self
                .reqwest
                .post(format!("{}/messages", self.base_url))
                .header("x-api-key", API_KEY)
                .header("anthropic-version", "2023-06-01")
                .body(ANTHROPIC),
        };
        let response = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .send()
            .await?
            .error_for_status()?;
        let mut reads = response.bytes_stream();
        let mut decoder = raw::Decoder::new(self.stream);
        let mut text = String::new();
        while let Some(read) = reads.next().await {
            if decoder.push(&read?, &mut text)? {
                break;
            }
        }
        Ok(text)
    }

    /// clawkit's transport for the stream (`OpenAiCompletions` or
    /// `AnthropicMessages`), used as a `StreamFn`.
    pub async fn clawkit(&self) -> Result<String, Error> {
        let mut request = StreamRequest::new(self.model.clone(), Context::user("Hello"));
        request.options.api_key = Some(API_KEY.into());
        let events = match self.stream {
            Stream::OpenAi => self.clawkit_openai.stream(request),
            Stream::Anthropic => self.clawkit_anthropic.stream(request),
        };
        clawkit_text(events).await
    }

    /// A whole clawkit turn through the `LlmBackend` facade: acme-ai's
    /// catalog (built once), resolution, auth, every hook and its three
    /// output transforms over each delta.
    pub async fn clawkit_turn(&self) -> Result<String, Error> {
        let request = ChatRequest::new("acme-large", Context::user("Hello"));
        clawkit_text(self.turn.chat_stream(request)).await
    }

    /// async-openai's `chat().create_stream`.
    pub async fn async_openai(&self) -> Result<String, Error> {
        use async_openai::types::chat::{
            ChatCompletionRequestUserMessage, CreateChatCompletionRequest,
        };
        let request = CreateChatCompletionRequest {
            model: MODEL.to_owned(),
            messages: vec![ChatCompletionRequestUserMessage::from("Hello").into()],
            stream: Some(true),
            ..Default::default()
        };
        let mut chunks = self.async_openai.chat().create_stream(request).await?;
        let mut text = String::new();
        while let Some(chunk) = chunks.next().await {
            if let Some(content) = chunk?
                .choices
                .first()
                .and_then(|c| c.delta.content.as_deref())
            {
                text.push_str(content);
            }
        }
        Ok(text)
    }

    /// rig-core's model for the stream (OpenAI's chat-completions wire or
    /// Anthropic's messages wire), `Model::stream`, text from
    /// `StreamEvent::Text`.
    pub async fn rig(&self) -> Result<String, Error> {
        use rig_core::completion::CompletionRequest;
        match self.stream {
            Stream::OpenAi => {
                rig_text(self.rig_openai.stream(CompletionRequest::new("Hello"))?).await
            }
            Stream::Anthropic => {
                rig_text(self.rig_anthropic.stream(CompletionRequest::new("Hello"))?).await
            }
        }
    }

    /// genai's `exec_chat_stream`, text from `ChatStreamEvent::Chunk`.
    pub async fn genai(&self) -> Result<String, Error> {
        use genai::chat::{ChatRequest, ChatStreamEvent};
        let model = match self.stream {
            Stream::OpenAi => MODEL,
            Stream::Anthropic => ANTHROPIC_MODEL,
        };
        let mut events = self
            .genai
            .exec_chat_stream(model, ChatRequest::from_user("Hello"), None)
            .await?
            .stream;
        let mut text = String::new();
        while let Some(event) = events.next().await {
            if let ChatStreamEvent::Chunk(chunk) = event? {
                text.push_str(&chunk.content);
            }
        }
        Ok(text)
    }
}

/// The text of a clawkit event stream; its error event as an error.
async fn clawkit_text(
    mut events: impl futures::Stream<Item = StreamEvent> + Unpin,
) -> Result<String, Error> {
    let mut text = String::new();
    while let Some(event) = events.next().await {
        match event {
            StreamEvent::TextDelta { text: delta, .. } => text.push_str(&delta),
            StreamEvent::Error { message, .. } => return Err(message.into()),
            _ => {}
        }
    }
    Ok(text)
}

/// The text of a rig stream.
async fn rig_text(
    mut items: rig_core::streaming::Streamed<rig_core::operation::Completion>,
) -> Result<String, Error> {
    use rig_core::streaming::{Item, StreamEvent as RigEvent};
    let mut text = String::new();
    while let Some(item) = items.next().await {
        if let Item::Event(RigEvent::Text { text: delta, .. }) = item? {
            text.push_str(&delta);
        }
    }
    Ok(text)
}

/// One of the Rust clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// [`Clients::raw_reqwest`].
    RawReqwest,
    /// [`Clients::clawkit`].
    Clawkit,
    /// [`Clients::clawkit_turn`].
    ClawkitTurn,
    /// [`Clients::async_openai`].
    AsyncOpenai,
    /// [`Clients::rig`].
    Rig,
    /// [`Clients::genai`].
    Genai,
}

impl Client {
    /// All of them, in report order.
    pub const ALL: [Client; 6] = [
        Client::RawReqwest,
        Client::Clawkit,
        Client::ClawkitTurn,
        Client::AsyncOpenai,
        Client::Rig,
        Client::Genai,
    ];

    /// The benchmark name.
    pub fn name(self) -> &'static str {
        match self {
            Client::RawReqwest => "raw_reqwest_floor",
            Client::Clawkit => "clawkit",
            Client::ClawkitTurn => "clawkit_turn_acme",
            Client::AsyncOpenai => "async_openai",
            Client::Rig => "rig",
            Client::Genai => "genai",
        }
    }

    /// The client named `name` ([`Client::name`]).
    pub fn from_name(name: &str) -> Option<Client> {
        Client::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether this client reads `stream`: async-openai speaks only
    /// OpenAI's API, and acme-ai (the whole turn) is an OpenAI-compatible
    /// provider.
    pub fn supports(self, stream: Stream) -> bool {
        match self {
            Client::ClawkitTurn | Client::AsyncOpenai => stream == Stream::OpenAi,
            Client::RawReqwest | Client::Clawkit | Client::Rig | Client::Genai => true,
        }
    }
}

/// The floor's decoder (memchr lines, borrowed serde_json) over `reads` of
/// `stream`'s body, in memory, rebuilding the text.
pub fn floor_decode<'a>(
    stream: Stream,
    reads: impl IntoIterator<Item = &'a [u8]>,
) -> Result<String, Error> {
    let mut decoder = raw::Decoder::new(stream);
    let mut text = String::new();
    for read in reads {
        if decoder.push(read, &mut text)? {
            return Ok(text);
        }
    }
    Err(format!("{}: the body has no end event", stream.name()).into())
}

/// clawkit's in-memory decoder over `reads`, rebuilding the text.
pub fn clawkit_decode(model: &RuntimeModel, reads: &[Bytes]) -> Result<String, Error> {
    let mut decoder = clawkit_http::StreamDecoder::new(model).ok_or("no decoder")?;
    let mut events = Vec::new();
    let mut text = String::new();
    for read in reads {
        decoder.push(read.clone(), &mut events);
        for event in events.drain(..) {
            if let StreamEvent::TextDelta { text: delta, .. } = event {
                text.push_str(&delta);
            }
        }
    }
    decoder.finish(&mut events);
    Ok(text)
}

/// The hand-written floor decoder.
mod raw {
    use super::*;

    /// Splits reads into lines with memchr, carrying a partial line over to
    /// the next read.
    pub(crate) struct Decoder {
        stream: Stream,
        carry: Vec<u8>,
    }

    impl Decoder {
        /// A decoder for `stream`'s events.
        pub(crate) fn new(stream: Stream) -> Self {
            Decoder {
                stream,
                carry: Vec::new(),
            }
        }

        /// Appends the text of every complete `data:` line in `read` to
        /// `text`; `true` once the stream's end (`[DONE]`, `message_stop`)
        /// was seen.
        pub(crate) fn push(&mut self, read: &[u8], text: &mut String) -> Result<bool, Error> {
            let line = match self.stream {
                Stream::OpenAi => openai_line,
                Stream::Anthropic => anthropic_line,
            };
            let mut rest = read;
            while let Some(end) = memchr::memchr(b'\n', rest) {
                let done = if self.carry.is_empty() {
                    line(&rest[..end], text)?
                } else {
                    self.carry.extend_from_slice(&rest[..end]);
                    let done = line(&self.carry, text)?;
                    self.carry.clear();
                    done
                };
                if done {
                    return Ok(true);
                }
                rest = &rest[end + 1..];
            }
            self.carry.extend_from_slice(rest);
            Ok(false)
        }
    }

    /// The payload of a `data:` line.
    fn data(line: &[u8]) -> Option<&[u8]> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        line.strip_prefix(b"data: ")
    }

    fn openai_line(line: &[u8], text: &mut String) -> Result<bool, Error> {
        let Some(data) = data(line) else {
            return Ok(false);
        };
        if data == b"[DONE]" {
            return Ok(true);
        }
        let chunk: Chunk<'_> = serde_json::from_slice(data)?;
        if let Some(content) = chunk.choices.0 {
            text.push_str(&content);
        }
        Ok(false)
    }

    fn anthropic_line(line: &[u8], text: &mut String) -> Result<bool, Error> {
        let Some(data) = data(line) else {
            return Ok(false);
        };
        let event: AnthropicEvent<'_> = serde_json::from_slice(data)?;
        match event.kind {
            "content_block_delta" => {
                if let Some(AnthropicDelta {
                    kind: Some("text_delta"),
                    text: Some(delta),
                }) = event.delta
                {
                    text.push_str(&delta.0);
                }
                Ok(false)
            }
            "message_stop" => Ok(true),
            _ => Ok(false),
        }
    }

    /// An Anthropic event: its type and, for a delta, the delta's type and
    /// text (borrowed unless it has escapes).
    #[derive(Deserialize)]
    struct AnthropicEvent<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        #[serde(borrow, default)]
        delta: Option<AnthropicDelta<'a>>,
    }

    #[derive(Deserialize)]
    struct AnthropicDelta<'a> {
        #[serde(rename = "type", borrow, default)]
        kind: Option<&'a str>,
        #[serde(borrow, default)]
        text: Option<Text<'a>>,
    }

    #[derive(Deserialize)]
    struct Chunk<'a> {
        #[serde(borrow, default)]
        choices: FirstContent<'a>,
    }

    #[derive(Deserialize)]
    struct Choice<'a> {
        #[serde(borrow)]
        delta: Delta<'a>,
    }

    #[derive(Deserialize)]
    struct Delta<'a> {
        #[serde(borrow, default)]
        content: Option<Text<'a>>,
    }

    /// A string borrowed from the input unless it has escapes. serde only
    /// borrows a field typed exactly `Cow<'a, str>`; inside an `Option` it
    /// would always copy, hence this newtype.
    struct Text<'a>(Cow<'a, str>);

    impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Visit<'a>(std::marker::PhantomData<&'a ()>);
            impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
                type Value = Text<'a>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a string")
                }
                fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Text<'a>, E> {
                    Ok(Text(Cow::Borrowed(value)))
                }
                fn visit_str<E>(self, value: &str) -> Result<Text<'a>, E> {
                    Ok(Text(Cow::Owned(value.to_owned())))
                }
            }
            deserializer.deserialize_str(Visit(std::marker::PhantomData))
        }
    }

    /// The first choice's content, read without collecting the choices.
    #[derive(Default)]
    struct FirstContent<'a>(Option<Cow<'a, str>>);

    impl<'de: 'a, 'a> Deserialize<'de> for FirstContent<'a> {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Visit<'a>(std::marker::PhantomData<&'a ()>);
            impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
                type Value = FirstContent<'a>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a list of choices")
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut seq: A,
                ) -> Result<FirstContent<'a>, A::Error> {
                    let mut first = None;
                    while let Some(choice) = seq.next_element::<Choice<'a>>()? {
                        if first.is_none() {
                            first = choice.delta.content.map(|c| c.0);
                        }
                    }
                    Ok(FirstContent(first))
                }
            }
            deserializer.deserialize_seq(Visit(std::marker::PhantomData))
        }
    }
}
