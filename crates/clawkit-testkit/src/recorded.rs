//! Recorded streams shipped with the testkit, one set per wire api, ready
//! to serve from a [`ScriptedServer`](crate::ScriptedServer).
//!
//! The files live in the crate's `data/` folder (with their provenance in
//! `data/MANIFEST.tsv` and `data/README.md`) and are compiled in, so a
//! plugin's tests reach them without a path.
//!
//! ```
//! use clawkit_core::ModelApi;
//! use clawkit_testkit::Recorded;
//!
//! let recording = Recorded::ToolCall.recording(&ModelApi::AnthropicMessages).unwrap();
//! assert_eq!(recording.tool_names(), ["get_weather"]);
//! assert_eq!(recording.status(), 200);
//! assert!(String::from_utf8(recording.body()).unwrap().starts_with("event: message_start\n"));
//! let script = Recorded::Error.script(&ModelApi::GoogleGenerativeAi).unwrap(); // a 429
//! # let _ = script;
//! assert!(Recorded::Text.script(&ModelApi::BedrockConverseStream).is_none());
//! ```

use clawkit_core::{ErrorKind, ModelApi};

use crate::server::Script;

/// A kind of recorded answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Recorded {
    /// A plain text answer with usage.
    Text,
    /// An answer calling tools.
    ToolCall,
    /// An answer with visible reasoning.
    Reasoning,
    /// An HTTP error status (4xx) with the provider's JSON error body.
    Error,
    /// A 200 stream that reports an error after some output.
    StreamError,
}

impl Recorded {
    /// Every kind.
    pub const ALL: [Recorded; 5] = [
        Recorded::Text,
        Recorded::ToolCall,
        Recorded::Reasoning,
        Recorded::Error,
        Recorded::StreamError,
    ];

    /// The recording of this kind for `api`, if the testkit has one (it
    /// has every kind for the four apis the built-in transports serve,
    /// and their variants: `ollama`, the Azure, Codex and ChatGPT
    /// Responses).
    pub fn recording(self, api: &ModelApi) -> Option<Recording> {
        let wire = Wire::of(api)?;
        RECORDINGS
            .iter()
            .find(|entry| entry.kind == self && entry.wire == wire)
            .map(|entry| Recording { entry })
    }

    /// The script serving this kind for `api`: the recorded body with the
    /// api's SSE framing, or the JSON error body with its status.
    pub fn script(self, api: &ModelApi) -> Option<Script> {
        self.recording(api).map(|recording| recording.script())
    }
}

/// One recorded answer and what it holds, for assertions.
#[derive(Debug, Clone, Copy)]
pub struct Recording {
    entry: &'static Entry,
}

impl Recording {
    /// Its kind.
    pub fn kind(&self) -> Recorded {
        self.entry.kind
    }

    /// The api it was recorded from.
    pub fn api(&self) -> ModelApi {
        self.entry.wire.api()
    }

    /// Its file under the testkit's `data/` folder (see `MANIFEST.tsv`).
    pub fn file(&self) -> &'static str {
        self.entry.file
    }

    /// The HTTP status it is served with.
    pub fn status(&self) -> u16 {
        self.entry.status
    }

    /// The body as sent on the wire.
    pub fn body(&self) -> Vec<u8> {
        match self.entry.body {
            Body::Raw(raw) => raw.as_bytes().to_vec(),
            Body::Chunks(chunks) => frame(self.entry.wire, chunks.lines()).into_bytes(),
            Body::ChunkThenError { chunks, error } => {
                let first = chunks.lines().find(|line| !line.trim().is_empty());
                let error = compact(error);
                frame(self.entry.wire, first.into_iter().chain([error.as_str()])).into_bytes()
            }
        }
    }

    /// A script serving it: SSE for a 200, JSON with the status otherwise.
    pub fn script(&self) -> Script {
        if self.entry.status == 200 {
            Script::sse(self.body())
        } else {
            Script::json(self.entry.status, self.body())
        }
    }

    /// The text the answer streams, in order (before any error).
    pub fn text(&self) -> &'static str {
        self.entry.text
    }

    /// The reasoning the answer streams.
    pub fn reasoning(&self) -> &'static str {
        self.entry.reasoning
    }

    /// The names of the tools it calls, in order.
    pub fn tool_names(&self) -> &'static [&'static str] {
        self.entry.tools
    }

    /// The message of the error it reports, as the provider wrote it
    /// ([`Recorded::Error`] and [`Recorded::StreamError`]; `None` for the
    /// other kinds). A transport that reads the error passes it on in its
    /// terminal error's message.
    ///
    /// ```
    /// use clawkit_core::ModelApi;
    /// use clawkit_testkit::Recorded;
    ///
    /// let recording = Recorded::StreamError.recording(&ModelApi::AnthropicMessages).unwrap();
    /// assert_eq!(recording.error_message(), Some("Overloaded"));
    /// assert_eq!(Recorded::Text.recording(&ModelApi::AnthropicMessages).unwrap().error_message(), None);
    /// ```
    pub fn error_message(&self) -> Option<&'static str> {
        self.entry.error.as_ref().map(|(_, message)| *message)
    }

    /// The [`ErrorKind`] the built-in transports (`clawkit-http`) map the
    /// error it reports to: `invalid_request` for a 400, `rate_limit` for
    /// a 429 (Gemini's, also inside a stream), `server` for a
    /// `server_error` or `overloaded_error` inside a stream. `None` for
    /// the kinds that report no error.
    ///
    /// ```
    /// use clawkit_core::{ErrorKind, ModelApi};
    /// use clawkit_testkit::Recorded;
    ///
    /// let recording = Recorded::Error.recording(&ModelApi::GoogleGenerativeAi).unwrap();
    /// assert_eq!((recording.status(), recording.error_kind()), (429, Some(ErrorKind::RateLimit)));
    /// ```
    pub fn error_kind(&self) -> Option<ErrorKind> {
        self.entry.error.as_ref().map(|(kind, _)| kind.clone())
    }
}

/// The wire formats the recordings cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    OpenAiCompletions,
    OpenAiResponses,
    AnthropicMessages,
    GoogleGenerativeAi,
}

impl Wire {
    /// The format `api` speaks, as the built-in transports map it.
    fn of(api: &ModelApi) -> Option<Wire> {
        Some(match api {
            ModelApi::OpenAiCompletions | ModelApi::Ollama => Wire::OpenAiCompletions,
            ModelApi::OpenAiResponses
            | ModelApi::AzureOpenAiResponses
            | ModelApi::OpenAiCodexResponses
            | ModelApi::OpenAiChatGptResponses => Wire::OpenAiResponses,
            ModelApi::AnthropicMessages => Wire::AnthropicMessages,
            ModelApi::GoogleGenerativeAi => Wire::GoogleGenerativeAi,
            _ => return None,
        })
    }

    fn api(self) -> ModelApi {
        match self {
            Wire::OpenAiCompletions => ModelApi::OpenAiCompletions,
            Wire::OpenAiResponses => ModelApi::OpenAiResponses,
            Wire::AnthropicMessages => ModelApi::AnthropicMessages,
            Wire::GoogleGenerativeAi => ModelApi::GoogleGenerativeAi,
        }
    }
}

/// How a file becomes a wire body.
#[derive(Debug)]
enum Body {
    /// Raw SSE or a JSON error body, sent as it is.
    Raw(&'static str),
    /// One JSON chunk per line, framed per api.
    Chunks(&'static str),
    /// The first chunk of a chunk file, then a JSON error body as one more
    /// chunk (Gemini's error inside a stream).
    ChunkThenError {
        chunks: &'static str,
        error: &'static str,
    },
}

#[derive(Debug)]
struct Entry {
    kind: Recorded,
    wire: Wire,
    file: &'static str,
    body: Body,
    status: u16,
    text: &'static str,
    reasoning: &'static str,
    tools: &'static [&'static str],
    /// For an error answer: the kind the built-in transports map it to,
    /// and the provider's message.
    error: Option<(ErrorKind, &'static str)>,
}

/// SSE for one JSON chunk per line: Chat Completions adds `data: [DONE]`,
/// Anthropic an `event: <type>` line per event, Gemini ends lines in CRLF.
fn frame<'a>(wire: Wire, chunks: impl Iterator<Item = &'a str>) -> String {
    let newline = if wire == Wire::GoogleGenerativeAi {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = String::new();
    for chunk in chunks.map(str::trim).filter(|c| !c.is_empty()) {
        if wire == Wire::AnthropicMessages {
            let kind = serde_json::from_str::<serde_json::Value>(chunk)
                .ok()
                .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned));
            if let Some(kind) = kind {
                out.push_str(&format!("event: {kind}{newline}"));
            }
        }
        out.push_str(&format!("data: {chunk}{newline}{newline}"));
    }
    if wire == Wire::OpenAiCompletions {
        out.push_str(&format!("data: [DONE]{newline}{newline}"));
    }
    out
}

/// A JSON document on one line.
fn compact(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .map(|value| value.to_string())
        .unwrap_or_else(|_| json.split_whitespace().collect::<Vec<_>>().join(" "))
}

const OPENAI_ERROR_400: &str = include_str!("../data/openai-completions/error-400.json");
const RESPONSES_TEXT: &str = include_str!("../data/openai-responses/text-with-reasoning.sse");
const GEMINI_TEXT: &str = include_str!("../data/google-generative-ai/text.chunks.txt");
const GEMINI_ERROR_429: &str = include_str!("../data/google-generative-ai/error-429.json");
const OPENAI_ERROR_400_MESSAGE: &str = "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.";
const ANTHROPIC_ERROR_400_MESSAGE: &str = "messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: srvtoolu_issue_17366_invalid. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.";
const GEMINI_ERROR_429_MESSAGE: &str = "You exceeded your current quota, please check your plan.";

static RECORDINGS: [Entry; 20] = [
    // openai-completions
    Entry {
        kind: Recorded::Text,
        wire: Wire::OpenAiCompletions,
        file: "openai-completions/text.sse",
        body: Body::Raw(include_str!("../data/openai-completions/text.sse")),
        status: 200,
        text: "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable weather website or a weather app.",
        reasoning: "",
        tools: &[],
        error: None,
    },
    Entry {
        kind: Recorded::ToolCall,
        wire: Wire::OpenAiCompletions,
        file: "openai-completions/tool-call.sse",
        body: Body::Raw(include_str!("../data/openai-completions/tool-call.sse")),
        status: 200,
        text: "",
        reasoning: "",
        tools: &["get_weather"],
        error: None,
    },
    Entry {
        kind: Recorded::Reasoning,
        wire: Wire::OpenAiCompletions,
        file: "openai-completions/reasoning.chunks.txt",
        body: Body::Chunks(include_str!(
            "../data/openai-completions/reasoning.chunks.txt"
        )),
        status: 200,
        text: "Hello",
        reasoning: "First, the user said",
        tools: &[],
        error: None,
    },
    Entry {
        kind: Recorded::Error,
        wire: Wire::OpenAiCompletions,
        file: "openai-completions/error-400.json",
        body: Body::Raw(OPENAI_ERROR_400),
        status: 400,
        text: "",
        reasoning: "",
        tools: &[],
        error: Some((ErrorKind::InvalidRequest, OPENAI_ERROR_400_MESSAGE)),
    },
    Entry {
        kind: Recorded::StreamError,
        wire: Wire::OpenAiCompletions,
        file: "openai-completions/stream-error.sse",
        body: Body::Raw(include_str!("../data/openai-completions/stream-error.sse")),
        status: 200,
        text: "Hello",
        reasoning: "",
        tools: &[],
        error: Some((ErrorKind::Server, "stream failed after output")),
    },
    // openai-responses
    Entry {
        kind: Recorded::Text,
        wire: Wire::OpenAiResponses,
        file: "openai-responses/text-with-reasoning.sse",
        body: Body::Raw(RESPONSES_TEXT),
        status: 200,
        text: "There are three r's.",
        reasoning: "**Counting** the letters in strawberry.",
        tools: &[],
        error: None,
    },
    Entry {
        kind: Recorded::ToolCall,
        wire: Wire::OpenAiResponses,
        file: "openai-responses/tool-call.sse",
        body: Body::Raw(include_str!("../data/openai-responses/tool-call.sse")),
        status: 200,
        text: "",
        reasoning: "",
        tools: &["get_weather", "get_time"],
        error: None,
    },
    Entry {
        kind: Recorded::Reasoning,
        wire: Wire::OpenAiResponses,
        file: "openai-responses/text-with-reasoning.sse",
        body: Body::Raw(RESPONSES_TEXT),
        status: 200,
        text: "There are three r's.",
        reasoning: "**Counting** the letters in strawberry.",
        tools: &[],
        error: None,
    },
    Entry {
        kind: Recorded::Error,
        wire: Wire::OpenAiResponses,
        file: "openai-completions/error-400.json",
        body: Body::Raw(OPENAI_ERROR_400),
        status: 400,
        text: "",
        reasoning: "",
        tools: &[],
        error: Some((ErrorKind::InvalidRequest, OPENAI_ERROR_400_MESSAGE)),
    },
    Entry {
        kind: Recorded::StreamError,
        wire: Wire::OpenAiResponses,
        file: "openai-responses/stream-error.sse",
        body: Body::Raw(include_str!("../data/openai-responses/stream-error.sse")),
        status: 200,
        text: "Partial",
        reasoning: "",
        tools: &[],
        error: Some((
            ErrorKind::Server,
            "The model failed to generate a response.",
        )),
    },
    // anthropic-messages
    Entry {
        kind: Recorded::Text,
        wire: Wire::AnthropicMessages,
        file: "anthropic-messages/text.sse",
        body: Body::Raw(include_str!("../data/anthropic-messages/text.sse")),
        status: 200,
        text: "Hello there!",
        reasoning: "",
        tools: &[],
        error: None,
    },
    Entry {
        kind: Recorded::ToolCall,
        wire: Wire::AnthropicMessages,
        file: "anthropic-messages/tool-call.sse",
        body: Body::Raw(include_str!("../data/anthropic-messages/tool-call.sse")),
        status: 200,
        text: "I'll check the current weather in Paris for you.",
        reasoning: "",
        tools: &["get_weather"],
        error: None,
    },
    Entry {
        kind: Recorded::Reasoning,
        wire: Wire::AnthropicMessages,
        file: "anthropic-messages/reasoning.chunks.txt",
        body: Body::Chunks(include_str!(
            "../data/anthropic-messages/reasoning.chunks.txt"
        )),
        status: 200,
        text: "925 ÷ 5 = 185",
        reasoning: "The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185",
        tools: &[],
        error: None,
    },
    Entry {
        kind: Recorded::Error,
        wire: Wire::AnthropicMessages,
        file: "anthropic-messages/error-400.json",
        body: Body::Raw(include_str!("../data/anthropic-messages/error-400.json")),
        status: 400,
        text: "",
        reasoning: "",
        tools: &[],
        error: Some((ErrorKind::InvalidRequest, ANTHROPIC_ERROR_400_MESSAGE)),
    },
    Entry {
        kind: Recorded::StreamError,
        wire: Wire::AnthropicMessages,
        file: "anthropic-messages/stream-error.sse",
        body: Body::Raw(include_str!("../data/anthropic-messages/stream-error.sse")),
        status: 200,
        text: "Hello",
        reasoning: "",
        tools: &[],
        error: Some((ErrorKind::Server, "Overloaded")),
    },
    // google-generative-ai
    Entry {
        kind: Recorded::Text,
        wire: Wire::GoogleGenerativeAi,
        file: "google-generative-ai/text.chunks.txt",
        body: Body::Chunks(GEMINI_TEXT),
        status: 200,
        text: "There are **3** \"r\"s in strawberry.\n\nst**r**awbe**rr**y",
        reasoning: "",
        tools: &[],
        error: None,
    },
    Entry {
        kind: Recorded::ToolCall,
        wire: Wire::GoogleGenerativeAi,
        file: "google-generative-ai/tool-call.chunks.txt",
        body: Body::Chunks(include_str!(
            "../data/google-generative-ai/tool-call.chunks.txt"
        )),
        status: 200,
        text: "",
        reasoning: "",
        tools: &["weather"],
        error: None,
    },
    Entry {
        kind: Recorded::Reasoning,
        wire: Wire::GoogleGenerativeAi,
        file: "google-generative-ai/reasoning.chunks.txt",
        body: Body::Chunks(include_str!(
            "../data/google-generative-ai/reasoning.chunks.txt"
        )),
        status: 200,
        text: "",
        reasoning: "**Processing User Requests**\n\nI've started by understanding the user's instructions. Currently, I'm focusing on the initial steps: reading the specified theme using the appropriate tool. Next, I plan to tackle reading the screens, beginning with screen \"A,\" then proceeding with \"B\" and \"C\" in parallel as instructed.\n\n\n",
        tools: &["read_theme", "read_screen", "read_screen", "read_screen"],
        error: None,
    },
    Entry {
        kind: Recorded::Error,
        wire: Wire::GoogleGenerativeAi,
        file: "google-generative-ai/error-429.json",
        body: Body::Raw(GEMINI_ERROR_429),
        status: 429,
        text: "",
        reasoning: "",
        tools: &[],
        error: Some((ErrorKind::RateLimit, GEMINI_ERROR_429_MESSAGE)),
    },
    Entry {
        kind: Recorded::StreamError,
        wire: Wire::GoogleGenerativeAi,
        file: "composed: first chunk of google-generative-ai/text.chunks.txt + google-generative-ai/error-429.json",
        body: Body::ChunkThenError {
            chunks: GEMINI_TEXT,
            error: GEMINI_ERROR_429,
        },
        status: 200,
        text: "There are **3**",
        reasoning: "",
        tools: &[],
        error: Some((ErrorKind::RateLimit, GEMINI_ERROR_429_MESSAGE)),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_has_every_kind_once() {
        for wire in [
            Wire::OpenAiCompletions,
            Wire::OpenAiResponses,
            Wire::AnthropicMessages,
            Wire::GoogleGenerativeAi,
        ] {
            for kind in Recorded::ALL {
                let found = RECORDINGS
                    .iter()
                    .filter(|e| e.wire == wire && e.kind == kind)
                    .count();
                assert_eq!(found, 1, "{wire:?} {kind:?}");
            }
        }
        assert_eq!(
            Recorded::Text
                .recording(&ModelApi::Ollama)
                .map(|r| r.file()),
            Some("openai-completions/text.sse")
        );
        assert!(Recorded::Text.recording(&ModelApi::GoogleVertex).is_none());
    }

    #[test]
    fn error_recordings_and_only_they_name_an_error_found_in_their_body() {
        for entry in &RECORDINGS {
            let recording = Recording { entry };
            let is_error = matches!(entry.kind, Recorded::Error | Recorded::StreamError);
            assert_eq!(recording.error_kind().is_some(), is_error, "{}", entry.file);
            if let Some(message) = recording.error_message() {
                let body = String::from_utf8(recording.body()).unwrap_or_default();
                assert!(body.contains(message), "{}: {message:?}", entry.file);
            }
        }
    }

    #[test]
    fn chunk_files_are_framed_per_api() {
        let openai = String::from_utf8(
            Recorded::Reasoning
                .recording(&ModelApi::OpenAiCompletions)
                .map(|r| r.body())
                .unwrap_or_default(),
        )
        .unwrap_or_default();
        assert!(openai.starts_with("data: {\"id\":\"7327b9f5"));
        assert!(openai.ends_with("\n\ndata: [DONE]\n\n"));
        let anthropic = String::from_utf8(
            Recorded::Reasoning
                .recording(&ModelApi::AnthropicMessages)
                .map(|r| r.body())
                .unwrap_or_default(),
        )
        .unwrap_or_default();
        assert!(anthropic.starts_with("event: message_start\ndata: {\"type\":\"message_start\""));
        assert!(anthropic.ends_with("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
        let gemini = String::from_utf8(
            Recorded::StreamError
                .recording(&ModelApi::GoogleGenerativeAi)
                .map(|r| r.body())
                .unwrap_or_default(),
        )
        .unwrap_or_default();
        let events: Vec<&str> = gemini.split("\r\n\r\n").filter(|e| !e.is_empty()).collect();
        assert_eq!(events.len(), 2, "{gemini}");
        assert!(events[1].starts_with("data: {\"error\":{\"code\":429,"));
    }
}
