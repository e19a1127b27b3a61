//! Shared pieces of the peer benchmark: the stream body, the loopback server
//! and the clients (a raw reqwest floor, clawkit's transport, a whole
//! clawkit turn through the `LlmBackend` facade, async-openai), each
//! rebuilding the whole text of one streamed answer.

use std::borrow::Cow;

use bytes::Bytes;
use clawkit_core::{
    Config, Context, Env, ModelApi, ProviderConfig, Runtime, RuntimeModel, StreamEvent, StreamFn,
    StreamRequest,
};
use clawkit_http::{BuiltinTransports, HttpClient, OpenAiCompletions};
use clawkit_providers::{ChatRequest, LlmBackend, ProviderBackend};
use clawkit_testkit::{Script, ScriptedServer};
use futures::StreamExt;
use serde::Deserialize;

/// Content deltas in the served stream.
pub const DELTAS: usize = 20_000;
/// The size of the pieces the server writes (and of the in-memory reads).
pub const READ: usize = 16 * 1024;
/// The model id every client asks for.
pub const MODEL: &str = "gpt-4.1-nano";
/// The API key every client sends.
pub const API_KEY: &str = "sk-test";

/// A boxed error.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

const RECORDED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../crates/clawkit-http/tests/data/openai-compatible/openai-gpt-text.chunks.txt"
);

/// The SSE body built from the recorded stream: the role chunk, the recorded
/// content chunks repeated in order until there are [`DELTAS`] of them, the
/// finish chunk, the usage chunk and `[DONE]`.
pub fn body() -> Result<Vec<u8>, Error> {
    let recorded = std::fs::read_to_string(RECORDED)?;
    let lines: Vec<&str> = recorded
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let [role, content @ .., finish, usage] = lines.as_slice() else {
        return Err(format!("{RECORDED}: fewer than 3 chunks").into());
    };
    if content.is_empty() {
        return Err(format!("{RECORDED}: no content chunks").into());
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

/// The body cut into [`READ`]-byte reads, as the server sends it.
pub fn reads(body: &[u8]) -> Vec<Bytes> {
    body.chunks(READ).map(Bytes::copy_from_slice).collect()
}

/// The loopback server, on a runtime of its own (one worker thread) so that
/// its work is never charged to the client's thread.
pub struct Server {
    // Dropped before the runtime: aborts the accept loop.
    server: ScriptedServer,
    _runtime: tokio::runtime::Runtime,
}

impl Server {
    /// Serves [`body`] in [`READ`]-byte chunks to every connection;
    /// `on_thread_start` runs on each of the server runtime's threads.
    pub fn start(on_thread_start: impl Fn() + Send + Sync + 'static) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("peer-bench-server")
            .on_thread_start(on_thread_start)
            .enable_all()
            .build()?;
        let script = Script::sse(body()?).split_every(READ);
        let server = runtime.block_on(ScriptedServer::start(vec![script]))?;
        Ok(Server {
            server,
            _runtime: runtime,
        })
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

/// The model clawkit streams from, at `base_url` (`…/v1`).
pub fn clawkit_model(base_url: &str) -> Result<RuntimeModel, Error> {
    Ok(RuntimeModel::new(
        "openai",
        MODEL,
        ModelApi::OpenAiCompletions,
        base_url.parse()?,
    ))
}

/// The three clients, built once, pointed at one server.
pub struct Clients {
    base_url: String,
    reqwest: reqwest::Client,
    clawkit: OpenAiCompletions,
    model: RuntimeModel,
    turn: ProviderBackend,
    async_openai: async_openai::Client<async_openai::config::OpenAIConfig>,
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

impl Clients {
    /// Clients for the API at `base_url` (`http://…/v1`).
    pub fn new(base_url: &str) -> Result<Self, Error> {
        let config = async_openai::config::OpenAIConfig::new()
            .with_api_base(base_url)
            .with_api_key(API_KEY);
        Ok(Clients {
            base_url: base_url.to_owned(),
            reqwest: reqwest::Client::builder().build()?,
            clawkit: OpenAiCompletions::new(HttpClient::new()?),
            model: clawkit_model(base_url)?,
            turn: acme_backend(base_url)?,
            async_openai: async_openai::Client::with_config(config),
        })
    }

    /// Runs one request with `client` and returns the text.
    pub async fn run(&self, client: Client) -> Result<String, Error> {
        match client {
            Client::RawReqwest => self.raw_reqwest().await,
            Client::Clawkit => self.clawkit().await,
            Client::ClawkitTurn => self.clawkit_turn().await,
            Client::AsyncOpenai => self.async_openai().await,
        }
    }

    /// The floor: reqwest's byte stream, lines split with memchr, `data:`
    /// payloads parsed into borrowed structs.
    pub async fn raw_reqwest(&self) -> Result<String, Error> {
        const REQUEST: &str = r#"{"model":"gpt-4.1-nano","messages":[{"role":"user","content":"Hello"}],"stream":true}"#;
        let response = self
            .reqwest
            .post(format!("{}/chat/completions", self.base_url))
            .bearer_auth(API_KEY)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(REQUEST)
            .send()
            .await?
            .error_for_status()?;
        let mut reads = response.bytes_stream();
        let mut decoder = raw::Decoder::default();
        let mut text = String::new();
        while let Some(read) = reads.next().await {
            if decoder.push(&read?, &mut text)? {
                break;
            }
        }
        Ok(text)
    }

    /// clawkit's openai-completions transport, used as a `StreamFn`.
    pub async fn clawkit(&self) -> Result<String, Error> {
        let mut request = StreamRequest::new(self.model.clone(), Context::user("Hello"));
        request.options.api_key = Some(API_KEY.into());
        let mut events = self.clawkit.stream(request);
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

    /// A whole clawkit turn through the `LlmBackend` facade: acme-ai's
    /// catalog (built once), resolution, auth, every hook and its three
    /// output transforms over each delta.
    pub async fn clawkit_turn(&self) -> Result<String, Error> {
        let request = ChatRequest::new("acme-large", Context::user("Hello"));
        let mut events = self.turn.chat_stream(request);
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
}

/// One of the three clients.
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
}

impl Client {
    /// All of them, in report order.
    pub const ALL: [Client; 4] = [
        Client::RawReqwest,
        Client::Clawkit,
        Client::ClawkitTurn,
        Client::AsyncOpenai,
    ];

    /// The benchmark name.
    pub fn name(self) -> &'static str {
        match self {
            Client::RawReqwest => "raw_reqwest_floor",
            Client::Clawkit => "clawkit",
            Client::ClawkitTurn => "clawkit_turn_acme",
            Client::AsyncOpenai => "async_openai",
        }
    }
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
    #[derive(Default)]
    pub(crate) struct Decoder {
        carry: Vec<u8>,
    }

    impl Decoder {
        /// Appends the content of every complete `data:` line in `read` to
        /// `text`; `true` once `[DONE]` was seen.
        pub(crate) fn push(&mut self, read: &[u8], text: &mut String) -> Result<bool, Error> {
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

    fn line(line: &[u8], text: &mut String) -> Result<bool, Error> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(data) = line.strip_prefix(b"data: ") else {
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
