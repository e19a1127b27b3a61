//! Decoding a recorded response body without a network: the same SSE
//! decoder and wire decoders the transports use, fed from memory.

use bytes::Bytes;
use clawkit_core::{RuntimeModel, StreamEvent};

use crate::api::Api;
use crate::sse::{SseDecoder, SseEvent};
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
pub struct StreamDecoder {
    sse: SseDecoder,
    /// The SSE events of the current read; kept to reuse its allocation.
    sse_events: Vec<SseEvent>,
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
            sse: SseDecoder::new(),
            sse_events: Vec::new(),
            wire,
        })
    }

    /// Decodes one read, appending the events it completes.
    pub fn push(&mut self, read: Bytes, out: &mut Vec<StreamEvent>) {
        if self.wire.finished() {
            return;
        }
        let mut events = std::mem::take(&mut self.sse_events);
        if let Err(e) = self.sse.push(read, &mut events) {
            self.wire
                .on_failure(clawkit_core::ErrorKind::Protocol, e.to_string(), out);
        } else {
            for event in events.drain(..) {
                self.wire.on_event(event, out);
                if self.wire.finished() {
                    break;
                }
            }
        }
        events.clear();
        self.sse_events = events;
    }

    /// Ends the body: the terminal event is appended if none was yet.
    pub fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if self.wire.finished() {
            return;
        }
        let mut events = Vec::new();
        if let Err(e) = self.sse.finish(&mut events) {
            self.wire
                .on_failure(clawkit_core::ErrorKind::Protocol, e.to_string(), out);
            return;
        }
        for event in events {
            self.wire.on_event(event, out);
            if self.wire.finished() {
                return;
            }
        }
        self.wire.on_end(out);
    }

    /// Whether the terminal event was produced.
    pub fn is_finished(&self) -> bool {
        self.wire.finished()
    }
}
