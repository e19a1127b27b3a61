//! The successful body of a streaming request, in whichever form it came.
//!
//! Most servers answer `stream: true` with an event stream, decoded event
//! by event as it arrives. Some gateways and mocks answer with the API's
//! whole non-streaming JSON answer instead (LiteLLM's `/v1/messages`, an
//! OpenAI-compatible server sending a `chat.completion`). [`BodyDecoder`]
//! tells the two apart and hands either to the same wire decoder:
//!
//! - a body labelled `text/event-stream` is an event stream, as labelled;
//! - any other body is an event stream unless its first byte that is not
//!   whitespace (after a UTF-8 byte-order mark) is `{` or `[`, which no
//!   event stream starts with: then it is one JSON answer, read up to a cap
//!   and replayed through the wire decoder as the events its stream would
//!   have carried ([`WireDecoder::on_answer`]).
//!
//! The event-stream path is the one it always was: a read is decoded in
//! place, and telling the form costs one look at the first bytes.

use bytes::{Bytes, BytesMut};
use clawkit_core::{ErrorKind, StreamEvent};

use crate::sse::{SseDecoder, SseEventRef};
use crate::wire_decoder::WireDecoder;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What the body has shown itself to be so far.
enum Form {
    /// Nothing but whitespace (or part of a byte-order mark) yet; those
    /// bytes are kept for whichever form follows.
    Unknown(BytesMut),
    /// An event stream.
    Sse,
    /// One JSON answer, collected until the body ends.
    Json(BytesMut),
}

/// Decodes the body of a streaming request into normalized events through
/// a wire decoder: an event stream as it arrives, or a whole JSON answer at
/// its end.
pub(crate) struct BodyDecoder {
    form: Form,
    sse: SseDecoder,
    /// The most bytes a JSON answer may have.
    max_json: usize,
    /// Whether any byte of the body arrived.
    received: bool,
    /// Whether the event stream gave any event.
    saw_event: bool,
    /// The media type the response gave its body, when it is not an event
    /// stream (`text/html`, …): named in the error of a body with no event.
    media_type: Option<String>,
}

/// The error of a successful status with an empty body. llama-cpp-python's
/// server answers a streamed request whose prompt does not fit its context
/// window this way (HTTP 200, then the connection closes), so it must not
/// read as a stream that merely ended early.
const EMPTY_BODY: &str = "the server answered with an empty body, before any event (llama-cpp-python does this when the prompt does not fit the context window)";

impl BodyDecoder {
    /// A decoder for a body whose `Content-Type` is `content_type` (`None`
    /// when unknown): labelled `text/event-stream`, it is an event stream;
    /// otherwise its form is told by its first bytes. A body of another
    /// media type in which no event comes ends with an error naming that
    /// type (an HTML login page answering with 200 reads as what it is);
    /// only a plain `type/subtype` is kept, never the header's other text.
    /// A JSON answer may have at most `max_json` bytes.
    pub(crate) fn new(content_type: Option<&[u8]>, max_json: usize) -> Self {
        let event_stream = content_type.is_some_and(is_event_stream);
        BodyDecoder {
            form: if event_stream {
                Form::Sse
            } else {
                Form::Unknown(BytesMut::new())
            },
            sse: SseDecoder::new(),
            max_json,
            received: false,
            saw_event: false,
            media_type: content_type
                .filter(|_| !event_stream)
                .and_then(|value| std::str::from_utf8(value).ok())
                .and_then(media_type),
        }
    }

    /// Decodes one read, appending the events it completes.
    pub(crate) fn push<W: WireDecoder + ?Sized>(
        &mut self,
        read: Bytes,
        wire: &mut W,
        out: &mut Vec<StreamEvent>,
    ) {
        self.received |= !read.is_empty();
        match &mut self.form {
            Form::Sse => self.push_sse(read, wire, out),
            Form::Json(answer) => {
                if answer.len() + read.len() <= self.max_json {
                    answer.extend_from_slice(&read);
                } else {
                    self.too_large(wire, out);
                }
            }
            Form::Unknown(pending) => {
                let held = if pending.is_empty() {
                    Held::Read(read)
                } else {
                    pending.extend_from_slice(&read);
                    Held::Pending(std::mem::take(pending))
                };
                match sniff(held.as_slice()) {
                    Sniffed::Json if held.len() <= self.max_json => {
                        self.form = Form::Json(held.into_mut());
                    }
                    Sniffed::Json => self.too_large(wire, out),
                    // Only whitespace so far, which neither form minds:
                    // held, within the cap a JSON answer has.
                    Sniffed::Undecided if held.len() <= self.max_json => {
                        self.form = Form::Unknown(held.into_mut());
                    }
                    Sniffed::Sse | Sniffed::Undecided => {
                        self.form = Form::Sse;
                        self.push_sse(held.into_bytes(), wire, out);
                    }
                }
            }
        }
    }

    /// Ends the body: the terminal event is appended if none was yet.
    pub(crate) fn finish<W: WireDecoder + ?Sized>(
        &mut self,
        wire: &mut W,
        out: &mut Vec<StreamEvent>,
    ) {
        if wire.finished() {
            return;
        }
        if !self.received {
            wire.on_failure(ErrorKind::Protocol, EMPTY_BODY.to_owned(), out);
            return;
        }
        match std::mem::replace(&mut self.form, Form::Sse) {
            Form::Json(answer) => {
                let answer = answer.strip_prefix(BOM).unwrap_or(&answer);
                wire.on_answer(answer, out);
                return;
            }
            // A blank body: an event stream with no event.
            Form::Unknown(pending) if !pending.is_empty() => {
                self.push_sse(pending.freeze(), wire, out);
                if wire.finished() {
                    return;
                }
            }
            Form::Unknown(_) | Form::Sse => {}
        }
        let mut saw_event = self.saw_event;
        let framed = self.sse.finish_with(&mut |event: SseEventRef<'_>| {
            saw_event = true;
            if !wire.finished() {
                wire.on_event(event, out);
            }
        });
        if wire.finished() {
            return;
        }
        match (framed, &self.media_type) {
            (Err(e), _) => wire.on_failure(ErrorKind::Protocol, e.to_string(), out),
            (Ok(()), Some(media_type)) if !saw_event => {
                let message = format!(
                    "the response is {media_type}, not an event stream, and no event came in it"
                );
                wire.on_failure(ErrorKind::Protocol, message, out);
            }
            (Ok(()), _) => wire.on_end(out),
        }
    }

    /// One read of an event stream: decoded in place, each event mapped as
    /// it is completed. The events before a framing error are mapped, then
    /// the error ends the stream (unless one of them already did).
    #[inline]
    fn push_sse<W: WireDecoder + ?Sized>(
        &mut self,
        read: Bytes,
        wire: &mut W,
        out: &mut Vec<StreamEvent>,
    ) {
        let saw_event = &mut self.saw_event;
        let framed = self.sse.push_with(read, &mut |event: SseEventRef<'_>| {
            *saw_event = true;
            if !wire.finished() {
                wire.on_event(event, out);
            }
        });
        if let Err(e) = framed
            && !wire.finished()
        {
            wire.on_failure(ErrorKind::Protocol, e.to_string(), out);
        }
    }

    fn too_large<W: WireDecoder + ?Sized>(&mut self, wire: &mut W, out: &mut Vec<StreamEvent>) {
        let max = self.max_json;
        self.form = Form::Json(BytesMut::new());
        wire.on_failure(
            ErrorKind::Protocol,
            format!("JSON response exceeds {max} bytes"),
            out,
        );
    }
}

/// Whether a `Content-Type` value says event stream.
fn is_event_stream(content_type: &[u8]) -> bool {
    const EVENT_STREAM: &[u8] = b"text/event-stream";
    content_type
        .get(..EVENT_STREAM.len())
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(EVENT_STREAM))
}

/// The `type/subtype` of a `Content-Type` value, lowercased, if it is a
/// plain one (RFC 9110 token characters, at most 64 bytes).
fn media_type(content_type: &str) -> Option<String> {
    let essence = content_type.split(';').next()?.trim();
    let token = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    let (kind, subtype) = essence.split_once('/')?;
    (essence.len() <= 64 && token(kind) && token(subtype)).then(|| essence.to_ascii_lowercase())
}

/// The bytes held while the form was being told: the read itself (not
/// copied) or what was pending with the read appended.
enum Held {
    Read(Bytes),
    Pending(BytesMut),
}

impl Held {
    fn as_slice(&self) -> &[u8] {
        match self {
            Held::Read(read) => read,
            Held::Pending(pending) => pending,
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Held::Read(read) => read,
            Held::Pending(pending) => pending.freeze(),
        }
    }

    fn into_mut(self) -> BytesMut {
        match self {
            Held::Read(read) => BytesMut::from(read),
            Held::Pending(pending) => pending,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Sniffed {
    Json,
    Sse,
    Undecided,
}

/// The form the start of a body shows: JSON when its first byte that is
/// not whitespace (after a byte-order mark) opens an object or an array.
fn sniff(start: &[u8]) -> Sniffed {
    let rest = match start.strip_prefix(BOM) {
        Some(rest) => rest,
        None if BOM.starts_with(start) => return Sniffed::Undecided,
        None => start,
    };
    match rest.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => Sniffed::Json,
        Some(_) => Sniffed::Sse,
        None => Sniffed::Undecided,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Api;
    use clawkit_core::{ModelApi, RuntimeModel};

    /// The events of `reads` through a body decoder whose lines are capped
    /// at 64 bytes.
    fn decode_capped(reads: &[&'static [u8]]) -> Vec<StreamEvent> {
        let mut body = BodyDecoder::new(Some(b"text/event-stream"), 1024);
        body.sse = SseDecoder::with_max_line(64);
        let model = RuntimeModel::new(
            "acme",
            "m",
            ModelApi::OpenAiCompletions,
            "https://api.acme.example/v1".parse().unwrap(),
        );
        let mut wire = Api::of(&model.api).unwrap().decoder(&model);
        let mut out = Vec::new();
        for read in reads {
            body.push(Bytes::from_static(read), &mut *wire, &mut out);
        }
        body.finish(&mut *wire, &mut out);
        out
    }

    #[test]
    fn the_events_before_a_framing_error_are_kept_and_one_error_ends_the_stream() {
        let events = decode_capped(&[
            b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [\"a line far longer than the sixty-four bytes allowed here\"]\n",
            b"data: [DONE]\n\n",
        ]);
        assert!(
            matches!(&events[1], StreamEvent::TextDelta { text, .. } if text == "Hi"),
            "{events:?}"
        );
        let terminals = events.iter().filter(|e| e.is_terminal()).count();
        assert_eq!(terminals, 1, "{events:?}");
        assert!(
            matches!(
                events.last(),
                Some(StreamEvent::Error {
                    kind: ErrorKind::Protocol,
                    ..
                })
            ),
            "{events:?}"
        );
    }

    #[test]
    fn a_framing_error_after_the_end_of_the_answer_changes_nothing() {
        let events = decode_capped(&[
            b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\ndata: [\"a line far longer than the sixty-four bytes allowed here\"]\n",
        ]);
        let terminals = events.iter().filter(|e| e.is_terminal()).count();
        assert_eq!(terminals, 1, "{events:?}");
        assert!(
            matches!(events.last(), Some(StreamEvent::Done { .. })),
            "{events:?}"
        );
    }

    #[test]
    fn only_a_plain_media_type_is_kept_from_a_content_type() {
        assert_eq!(
            media_type("text/html; charset=utf-8").as_deref(),
            Some("text/html")
        );
        assert_eq!(media_type(" Text/Plain ").as_deref(), Some("text/plain"));
        assert_eq!(media_type("text/html sk-live-123"), None);
        assert_eq!(media_type("html"), None);
        assert_eq!(media_type("text/"), None);
        assert_eq!(media_type(&format!("text/{}", "x".repeat(80))), None);
    }

    #[test]
    fn a_body_of_another_media_type_with_no_event_names_it() {
        let model = RuntimeModel::new(
            "acme",
            "m",
            ModelApi::OpenAiCompletions,
            "https://api.acme.example/v1".parse().unwrap(),
        );
        let decode = |content_type: Option<&str>, body: &'static [u8]| {
            let mut body_decoder = BodyDecoder::new(content_type.map(str::as_bytes), 1024);
            let mut wire = Api::of(&model.api).unwrap().decoder(&model);
            let mut out = Vec::new();
            body_decoder.push(Bytes::from_static(body), &mut *wire, &mut out);
            body_decoder.finish(&mut *wire, &mut out);
            match out.pop() {
                Some(StreamEvent::Error { kind, message, .. }) => (kind, message),
                other => panic!("{other:?}"),
            }
        };
        let page = b"<!DOCTYPE html>\n<html><body>Sign in</body></html>\n";
        assert_eq!(
            decode(Some("text/html; charset=utf-8"), page),
            (
                ErrorKind::Protocol,
                "acme: the response is text/html, not an event stream, and no event came in it"
                    .to_owned()
            )
        );
        // Unlabelled: the API's own message, as before.
        let (kind, message) = decode(None, page);
        assert_eq!(kind, ErrorKind::Protocol);
        assert!(message.contains("the stream ended before"), "{message}");
        // Labelled an event stream, with no event: the API's message.
        let (_, message) = decode(Some("text/event-stream; charset=utf-8"), b": ping\n\n");
        assert!(message.contains("the stream ended before"), "{message}");
        // Another media type that did carry events: the API's message.
        let (_, message) = decode(
            Some("text/plain"),
            b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n",
        );
        assert!(message.contains("the stream ended before"), "{message}");
    }

    #[test]
    fn a_body_is_json_only_when_it_opens_an_object_or_an_array() {
        assert_eq!(sniff(b"{\"id\":1}"), Sniffed::Json);
        assert_eq!(sniff(b"\r\n  [{}]"), Sniffed::Json);
        assert_eq!(sniff(b"\xEF\xBB\xBF{}"), Sniffed::Json);
        assert_eq!(sniff(b"data: {}\n\n"), Sniffed::Sse);
        assert_eq!(sniff(b": keep-alive\n\n"), Sniffed::Sse);
        assert_eq!(sniff(b"\xEF\xBB\xBFdata: x\n\n"), Sniffed::Sse);
        assert_eq!(sniff(b""), Sniffed::Undecided);
        assert_eq!(sniff(b"\n\r\n \t"), Sniffed::Undecided);
        assert_eq!(sniff(b"\xEF\xBB"), Sniffed::Undecided);
        assert_eq!(sniff(b"\xEF\xBB\xBF\n"), Sniffed::Undecided);
    }
}
