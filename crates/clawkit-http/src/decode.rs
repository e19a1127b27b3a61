//! Decoding a recorded response body without a network: the same body
//! decoder and wire decoders the transports use, fed from memory.

use bytes::Bytes;
use clawkit_core::{RuntimeModel, StreamEvent};

use crate::api::Api;
use crate::body::BodyDecoder;
use crate::client::DEFAULT_MAX_JSON_BODY;
use crate::wire_decoder::WireDecoder;

/// Turns the bytes of a streamed response into normalized events.
///
/// ```
/// use bytes::Bytes;
/// use clawkit_core::{ModelApi, RuntimeModel, StreamEvent};
/// use clawkit_http::StreamDecoder;
///
/// let model = RuntimeModel::new("openai", "gpt-4o", ModelApi::OpenAiCompletions, "https://api.openai.com/v1".parse().unwrap());
/// let mut decoder = StreamDecoder::new(&model).unwrap();
/// let mut events = Vec::new();
/// decoder.push(Bytes::from_static(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"), &mut events);
/// decoder.finish(&mut events);
/// assert_eq!(events.last(), Some(&StreamEvent::Done { reason: clawkit_core::StopReason::Stop }));
/// ```
///
/// As a transport does with a body not labelled `text/event-stream`, a
/// body whose first byte that is not whitespace is `{` or `[` is taken for
/// the API's whole non-streaming answer (what a gateway that ignored
/// `stream: true` sends, up to 16 MiB) and gives the events its stream
/// would have; anything else is decoded as an event stream.
///
/// ```
/// use bytes::Bytes;
/// use clawkit_core::{ModelApi, RuntimeModel, StopReason, StreamEvent};
/// use clawkit_http::StreamDecoder;
///
/// let model = RuntimeModel::new("anthropic", "claude-sonnet-4-5", ModelApi::AnthropicMessages,
///                               "https://api.anthropic.com/v1".parse().unwrap());
/// let answer = r#"{"type": "message", "role": "assistant", "content": [{"type": "text", "text": "Hi"}],
///                  "stop_reason": "end_turn", "usage": {"input_tokens": 9, "output_tokens": 2}}"#;
/// let mut decoder = StreamDecoder::new(&model).unwrap();
/// let mut events = Vec::new();
/// decoder.push(Bytes::from_static(answer.as_bytes()), &mut events);
/// decoder.finish(&mut events);
/// assert!(matches!(&events[1], StreamEvent::TextDelta { text, .. } if text == "Hi"));
/// assert_eq!(events.last(), Some(&StreamEvent::Done { reason: StopReason::Stop }));
/// ```
pub struct StreamDecoder {
    body: BodyDecoder,
    wire: Box<dyn WireDecoder>,
}

impl std::fmt::Debug for StreamDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamDecoder").finish_non_exhaustive()
    }
}

impl StreamDecoder {
    /// A decoder for `model`'s API; `None` when clawkit has no transport for it.
    pub fn new(model: &RuntimeModel) -> Option<Self> {
        let wire = Api::of(&model.api)?.decoder(model);
        Some(StreamDecoder {
            body: BodyDecoder::new(None, DEFAULT_MAX_JSON_BODY),
            wire,
        })
    }

    /// Decodes one read, appending the events it completes.
    pub fn push(&mut self, read: Bytes, out: &mut Vec<StreamEvent>) {
        if self.wire.finished() {
            return;
        }
        self.body.push(read, &mut *self.wire, out);
    }

    /// Ends the body: the terminal event is appended if none was yet.
    pub fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        self.body.finish(&mut *self.wire, out);
    }

    /// Whether the terminal event was produced.
    pub fn is_finished(&self) -> bool {
        self.wire.finished()
    }
}
