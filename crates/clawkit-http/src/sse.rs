//! A Server-Sent Events decoder shared by every transport.
//!
//! It follows the WHATWG event-stream rules: lines end in LF, CR or CRLF
//! (also when a CRLF is split across reads); `:` starts a comment; `data:`
//! lines accumulate joined by LF; `event:`, `id:` and `retry:` set their
//! fields; a blank line dispatches. A leading UTF-8 byte-order mark is
//! skipped. The decoder works on [`Bytes`]: a complete event inside one
//! network read is handed out as a slice of that read, without copying;
//! only what crosses a read boundary (a line split across reads, the
//! fields of an event the read ends inside) is copied, once, so the
//! decoder never holds on to a read. A line longer than the configured cap
//! is an error instead of unbounded buffering.
//!
//! One deliberate leniency: at the end of the stream, an event whose data
//! was received but that lacks its final blank line is still dispatched
//! (the spec drops it); servers that close right after their last `data:`
//! line exist, and dropping their last event would lose output.

use std::ops::Range;

use bytes::{Bytes, BytesMut};

use crate::wire::range_in;

/// Default cap on one line (and on one event's data): 8 MiB.
pub const DEFAULT_MAX_LINE_BYTES: usize = 8 * 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, if any (absent means `message`).
    pub event: Option<Bytes>,
    /// The data, lines joined by `\n`.
    pub data: Bytes,
    /// The last event id seen so far.
    pub id: Option<Bytes>,
}

impl SseEvent {
    /// The event name as text, if valid UTF-8.
    pub fn event_name(&self) -> Option<&str> {
        self.event
            .as_deref()
            .and_then(|e| std::str::from_utf8(e).ok())
    }

    /// The data as text.
    pub fn data_str(&self) -> Result<&str, std::str::Utf8Error> {
        std::str::from_utf8(&self.data)
    }

    /// This event as the transports read one.
    pub(crate) fn view(&self) -> SseEventRef<'_> {
        SseEventRef {
            event: self.event.as_deref(),
            data: &self.data,
            buffer: &self.data,
            id: self.id.as_ref(),
        }
    }
}

/// One dispatched event, borrowed from the read it was decoded from: what
/// the transports decode. Unlike an [`SseEvent`], making one costs no
/// reference count per field (up to 7 % of the CPU time of a stream of
/// small events).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SseEventRef<'a> {
    /// The `event:` field, if any.
    pub(crate) event: Option<&'a [u8]>,
    /// The data, lines joined by `\n`.
    pub(crate) data: &'a [u8],
    /// The buffer `data` lies in: a part of the data can be handed out as
    /// a slice of it (see `crate::wire::text_in`) instead of a copy.
    pub(crate) buffer: &'a Bytes,
    /// The last event id seen so far.
    pub(crate) id: Option<&'a Bytes>,
}

impl SseEventRef<'_> {
    /// The event name as text, if valid UTF-8.
    pub(crate) fn event_name(&self) -> Option<&str> {
        self.event.and_then(|e| std::str::from_utf8(e).ok())
    }

    /// An owned event: the fields are slices of the buffer where they lie
    /// in it, copies otherwise (an `event:` line in an earlier read).
    fn to_event(self) -> SseEvent {
        let share = |part: &[u8]| match range_in(self.buffer, part) {
            Some(range) => self.buffer.slice(range),
            None => Bytes::copy_from_slice(part),
        };
        SseEvent {
            event: self.event.map(share),
            data: share(self.data),
            id: self.id.cloned(),
        }
    }
}

/// A stream the decoder refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SseError {
    /// A line (or one event's data) exceeded the cap.
    #[error("event-stream line longer than {limit} bytes")]
    LineTooLong {
        /// The cap.
        limit: usize,
    },
}

/// The data of the event being decoded.
#[derive(Debug, Default)]
enum Data {
    #[default]
    None,
    /// One line, in the read being decoded.
    InRead(Range<usize>),
    /// One line, from an earlier read.
    One(Bytes),
    /// Several lines, joined.
    Many(BytesMut),
}

/// The `event:` field of the event being decoded.
#[derive(Debug)]
enum Name {
    /// In the read being decoded.
    InRead(Range<usize>),
    /// From an earlier read.
    Kept(Bytes),
}

impl Name {
    fn bytes<'a>(&'a self, read: &'a [u8]) -> &'a [u8] {
        match self {
            Name::InRead(range) => read.get(range.clone()).unwrap_or_default(),
            Name::Kept(name) => name,
        }
    }
}

/// Incremental event-stream decoder.
///
/// ```
/// use bytes::Bytes;
/// use clawkit_http::sse::SseDecoder;
///
/// let mut decoder = SseDecoder::new();
/// let mut events = Vec::new();
/// decoder.push(Bytes::from_static(b"event: ping\r\ndata: {\"a\":"), &mut events).unwrap();
/// decoder.push(Bytes::from_static(b"1}\r\n\r\ndata: [DONE]\n\n"), &mut events).unwrap();
/// assert_eq!(events[0].event_name(), Some("ping"));
/// assert_eq!(events[0].data_str().unwrap(), "{\"a\":1}");
/// assert_eq!(events[1].data_str().unwrap(), "[DONE]");
/// ```
#[derive(Debug)]
pub struct SseDecoder {
    pending: BytesMut,
    max_line: usize,
    /// The previous read ended with a CR: a leading LF belongs to it.
    skip_lf: bool,
    /// Whether the start of the stream (BOM check) has been seen.
    started: bool,
    /// The event being decoded: its fields refer into the read being
    /// decoded until the read ends, then are copied out of it.
    data: Data,
    event: Option<Name>,
    id: Option<Bytes>,
    retry: Option<u64>,
}

/// A line's field name and where its value starts: after the first colon
/// and one space, if any. `data:` and `event:` (every line of most streams)
/// are recognized without a search for the colon.
fn split_field(line: &[u8]) -> (&[u8], usize) {
    let after_colon = |colon: usize| {
        if line.get(colon + 1) == Some(&b' ') {
            colon + 2
        } else {
            colon + 1
        }
    };
    if line.starts_with(b"data:") {
        return (b"data", after_colon(4));
    }
    if line.starts_with(b"event:") {
        return (b"event", after_colon(5));
    }
    match memchr::memchr(b':', line) {
        Some(colon) => (&line[..colon], after_colon(colon)),
        None => (line, line.len()),
    }
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl SseDecoder {
    /// A decoder with the default line cap.
    pub fn new() -> Self {
        Self::with_max_line(DEFAULT_MAX_LINE_BYTES)
    }

    /// A decoder refusing lines longer than `max_line` bytes.
    pub fn with_max_line(max_line: usize) -> Self {
        SseDecoder {
            pending: BytesMut::new(),
            max_line,
            skip_lf: false,
            started: false,
            data: Data::None,
            event: None,
            id: None,
            retry: None,
        }
    }

    /// The last `retry:` value, in milliseconds.
    pub fn retry_ms(&self) -> Option<u64> {
        self.retry
    }

    /// The last event id.
    pub fn last_event_id(&self) -> Option<&Bytes> {
        self.id.as_ref()
    }

    /// Decodes one read, appending every completed event to `out`.
    pub fn push(&mut self, chunk: Bytes, out: &mut Vec<SseEvent>) -> Result<(), SseError> {
        self.push_with(chunk, &mut |event: SseEventRef<'_>| {
            out.push(event.to_event())
        })
    }

    /// Decodes one read, handing every completed event to `sink` as it is
    /// completed, borrowed from the read; on an error, the events before
    /// it were handed out.
    pub(crate) fn push_with<F: FnMut(SseEventRef<'_>)>(
        &mut self,
        chunk: Bytes,
        sink: &mut F,
    ) -> Result<(), SseError> {
        if self.pending.is_empty() {
            return self.scan(chunk, sink);
        }
        // Complete the pending line with this read's first line only; the
        // rest of the read is decoded in place, without copying it.
        let Some(terminator) = memchr::memchr2(b'\n', b'\r', &chunk) else {
            self.pending.extend_from_slice(&chunk);
            if self.pending.len() > self.max_line {
                return Err(SseError::LineTooLong {
                    limit: self.max_line,
                });
            }
            return Ok(());
        };
        let mut end = terminator + 1;
        if chunk[terminator] == b'\r' && chunk.get(end) == Some(&b'\n') {
            end += 1;
        }
        self.pending.extend_from_slice(&chunk[..end]);
        let head = self.pending.split().freeze();
        self.scan(head, sink)?;
        self.scan(chunk.slice(end..), sink)
    }

    /// Decodes `buf`, which follows everything decoded so far; an incomplete
    /// last line is kept in `pending`.
    fn scan<F: FnMut(SseEventRef<'_>)>(
        &mut self,
        mut buf: Bytes,
        sink: &mut F,
    ) -> Result<(), SseError> {
        if buf.is_empty() {
            return Ok(());
        }
        if !self.started {
            if buf.len() < BOM.len() && BOM.starts_with(&buf) {
                // Not enough bytes yet to tell whether this is a BOM.
                self.pending.extend_from_slice(&buf);
                return Ok(());
            }
            self.started = true;
            if buf.starts_with(BOM) {
                buf = buf.slice(BOM.len()..);
            }
        }
        let mut pos = 0;
        if self.skip_lf {
            self.skip_lf = false;
            if buf.first() == Some(&b'\n') {
                pos = 1;
            }
        }
        while let Some(offset) = memchr::memchr2(b'\n', b'\r', &buf[pos..]) {
            let end = pos + offset;
            let mut next = end + 1;
            if buf[end] == b'\r' {
                match buf.get(next) {
                    Some(b'\n') => next += 1,
                    Some(_) => {}
                    None => self.skip_lf = true,
                }
            }
            let line = self.line(&buf, pos, end, sink);
            if line.is_err() {
                self.keep(&buf);
                return line;
            }
            pos = next;
        }
        self.keep(&buf);
        let rest = &buf[pos..];
        if rest.len() > self.max_line {
            return Err(SseError::LineTooLong {
                limit: self.max_line,
            });
        }
        self.pending.extend_from_slice(rest);
        Ok(())
    }

    /// Ends the stream: a last unterminated line is processed and an event
    /// with data but no closing blank line is dispatched.
    pub fn finish(&mut self, out: &mut Vec<SseEvent>) -> Result<(), SseError> {
        self.finish_with(&mut |event: SseEventRef<'_>| out.push(event.to_event()))
    }

    /// [`finish`](Self::finish), handing the last event to `sink`.
    pub(crate) fn finish_with<F: FnMut(SseEventRef<'_>)>(
        &mut self,
        sink: &mut F,
    ) -> Result<(), SseError> {
        let mut line = Bytes::new();
        if !self.pending.is_empty() {
            line = self.pending.split().freeze();
            if !self.started && line.starts_with(BOM) {
                line = line.slice(BOM.len()..);
            }
            self.started = true;
            self.line(&line, 0, line.len(), sink)?;
        }
        self.dispatch(&line, sink);
        Ok(())
    }

    /// The read `buf` ends: what the event being decoded refers to in it
    /// is copied. Not sliced: a slice would keep the read's buffer alive
    /// into the next read, and the HTTP client, unable to reuse its
    /// buffer, would take a fresh one for every read (a third more page
    /// faults in a stream of small events).
    fn keep(&mut self, buf: &Bytes) {
        if let Data::InRead(range) = &self.data {
            self.data = Data::One(Bytes::copy_from_slice(&buf[range.clone()]));
        }
        if let Some(Name::InRead(range)) = &self.event {
            self.event = Some(Name::Kept(Bytes::copy_from_slice(&buf[range.clone()])));
        }
    }

    /// Handles the line `buf[start..end]`; the event's fields are kept as
    /// ranges of `buf` (see [`keep`](Self::keep)).
    fn line<F: FnMut(SseEventRef<'_>)>(
        &mut self,
        buf: &Bytes,
        start: usize,
        end: usize,
        sink: &mut F,
    ) -> Result<(), SseError> {
        let line = &buf[start..end];
        // Also for lines that arrived whole, so the result never depends on
        // where the reads were cut.
        if line.len() > self.max_line {
            return Err(SseError::LineTooLong {
                limit: self.max_line,
            });
        }
        if line.is_empty() {
            self.dispatch(buf, sink);
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(());
        }
        let (field, value_start) = split_field(line);
        let text = &line[value_start..];
        let value = start + value_start..end;
        match field {
            b"data" => self.append_data(buf, value)?,
            b"event" => self.event = Some(Name::InRead(value)),
            // Copied, as `keep` copies: the id outlives the read.
            b"id" if !text.contains(&0) => {
                self.id = Some(Bytes::copy_from_slice(text));
            }
            b"retry" if !text.is_empty() && text.iter().all(u8::is_ascii_digit) => {
                self.retry = std::str::from_utf8(text).ok().and_then(|v| v.parse().ok());
            }
            _ => {}
        }
        Ok(())
    }

    /// A `data:` line whose value is `buf[value]`.
    fn append_data(&mut self, buf: &Bytes, value: Range<usize>) -> Result<(), SseError> {
        let join = |first: &[u8]| {
            let mut joined = BytesMut::with_capacity(first.len() + 1 + value.len());
            joined.extend_from_slice(first);
            joined.extend_from_slice(b"\n");
            joined.extend_from_slice(&buf[value.clone()]);
            Data::Many(joined)
        };
        self.data = match std::mem::take(&mut self.data) {
            Data::None => Data::InRead(value),
            Data::InRead(first) => join(&buf[first]),
            Data::One(first) => join(&first),
            Data::Many(mut joined) => {
                joined.extend_from_slice(b"\n");
                joined.extend_from_slice(&buf[value]);
                Data::Many(joined)
            }
        };
        if let Data::Many(joined) = &self.data
            && joined.len() > self.max_line
        {
            return Err(SseError::LineTooLong {
                limit: self.max_line,
            });
        }
        Ok(())
    }

    /// A blank line in the read `buf`: the event decoded so far, if it has
    /// data, goes to `sink`.
    fn dispatch<F: FnMut(SseEventRef<'_>)>(&mut self, buf: &Bytes, sink: &mut F) {
        let name = self.event.take();
        let event = name.as_ref().map(|name| name.bytes(buf));
        let id = self.id.as_ref();
        match std::mem::take(&mut self.data) {
            Data::None => {}
            Data::InRead(range) => sink(SseEventRef {
                event,
                data: buf.get(range).unwrap_or_default(),
                buffer: buf,
                id,
            }),
            Data::One(data) => sink(SseEventRef {
                event,
                data: &data,
                buffer: &data,
                id,
            }),
            Data::Many(joined) => {
                let data = joined.freeze();
                sink(SseEventRef {
                    event,
                    data: &data,
                    buffer: &data,
                    id,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(chunks: &[&[u8]]) -> Vec<(Option<String>, String, Option<String>)> {
        let mut decoder = SseDecoder::new();
        let mut events = Vec::new();
        for chunk in chunks {
            decoder
                .push(Bytes::copy_from_slice(chunk), &mut events)
                .unwrap();
        }
        decoder.finish(&mut events).unwrap();
        events
            .into_iter()
            .map(|e| {
                (
                    e.event_name().map(str::to_owned),
                    e.data_str().unwrap().to_owned(),
                    e.id.map(|id| String::from_utf8(id.to_vec()).unwrap()),
                )
            })
            .collect()
    }

    fn data(chunks: &[&[u8]]) -> Vec<String> {
        decode(chunks).into_iter().map(|(_, d, _)| d).collect()
    }

    #[test]
    fn line_endings_lf_cr_crlf_and_split_crlf() {
        assert_eq!(
            data(&[b"data: a\n\ndata: b\r\rdata: c\r\n\r\n"]),
            ["a", "b", "c"]
        );
        assert_eq!(
            data(&[b"data: a\r", b"\n\r", b"\ndata: b\r\n", b"\r\n"]),
            ["a", "b"]
        );
    }

    #[test]
    fn multi_line_data_comments_and_fields() {
        let events =
            decode(&[b": keep-alive\nevent: update\nid: 7\ndata: one\ndata:two\ndata\n\n"]);
        assert_eq!(
            events,
            [(Some("update".into()), "one\ntwo\n".into(), Some("7".into()))]
        );
    }

    #[test]
    fn field_names_and_values_with_and_without_the_fast_path() {
        let cases: [(&[u8], &[u8], &[u8]); 10] = [
            (b"data:x", b"data", b"x"),
            (b"data: x", b"data", b"x"),
            (b"data:  x", b"data", b" x"),
            (b"data:", b"data", b""),
            (b"event: ping", b"event", b"ping"),
            (b"event:", b"event", b""),
            (b"datax: y", b"datax", b"y"),
            (b"eventful:y", b"eventful", b"y"),
            (b"data", b"data", b""),
            (b"id: 7", b"id", b"7"),
        ];
        for (line, field, value) in cases {
            let (got, start) = split_field(line);
            assert_eq!((got, &line[start..]), (field, value), "{line:?}");
        }
    }

    #[test]
    fn empty_data_line_dispatches_an_empty_event_but_no_data_dispatches_nothing() {
        assert_eq!(data(&[b"data:\n\nevent: x\n\n"]), [""]);
        // The event name without data is discarded and does not leak into the next event.
        let events = decode(&[b"event: lost\n\ndata: next\n\n"]);
        assert_eq!(events[0].0, None);
    }

    #[test]
    fn ids_persist_and_retry_is_parsed() {
        let mut decoder = SseDecoder::new();
        let mut events = Vec::new();
        decoder
            .push(
                Bytes::from_static(
                    b"id: 1\nretry: 3000\ndata: a\n\ndata: b\n\nretry: x\nid: bad\0\n\n",
                ),
                &mut events,
            )
            .unwrap();
        assert_eq!(events[1].id.as_deref(), Some(&b"1"[..]));
        assert_eq!(decoder.retry_ms(), Some(3000));
        assert_eq!(decoder.last_event_id().map(|b| &b[..]), Some(&b"1"[..]));
    }

    #[test]
    fn byte_order_mark_is_skipped_even_when_split() {
        assert_eq!(data(&[b"\xEF\xBB", b"\xBFdata: x\n\n"]), ["x"]);
        assert_eq!(data(&[b"\xEF\xBB\xBFdata: y\n\n"]), ["y"]);
    }

    #[test]
    fn utf8_split_across_reads_is_reassembled() {
        let text = "data: héllo 😀\n\n".as_bytes();
        for split in 0..text.len() {
            assert_eq!(
                data(&[&text[..split], &text[split..]]),
                ["héllo 😀"],
                "split at {split}"
            );
        }
    }

    #[test]
    fn an_unterminated_last_event_is_still_delivered() {
        assert_eq!(data(&[b"data: a\n\ndata: tail"]), ["a", "tail"]);
        assert_eq!(data(&[b"data: a\n\ndata: tail\n"]), ["a", "tail"]);
    }

    #[test]
    fn long_lines_are_refused() {
        let mut decoder = SseDecoder::with_max_line(16);
        let mut events = Vec::new();
        assert!(
            decoder
                .push(Bytes::from(vec![b'x'; 17]), &mut events)
                .is_err()
        );
        let mut decoder = SseDecoder::with_max_line(16);
        let err = decoder.push(
            Bytes::from_static(b"data: 0123456789\ndata: 0123456789\n"),
            &mut events,
        );
        assert_eq!(err, Err(SseError::LineTooLong { limit: 16 }));
    }

    #[test]
    fn whole_events_in_one_read_are_not_copied() {
        let chunk = Bytes::from_static(b"data: {\"x\":1}\n\n");
        let mut decoder = SseDecoder::new();
        let mut events = Vec::new();
        decoder.push(chunk.clone(), &mut events).unwrap();
        let start = chunk.as_ptr() as usize;
        let data = events[0].data.as_ptr() as usize;
        assert!(
            data > start && data < start + chunk.len(),
            "data points into the read"
        );
    }

    #[test]
    fn a_line_growing_over_many_reads_is_refused() {
        let mut decoder = SseDecoder::with_max_line(16);
        let mut events = Vec::new();
        decoder
            .push(Bytes::from_static(b"data: 01234"), &mut events)
            .unwrap();
        assert_eq!(
            decoder.push(Bytes::from_static(b"56789abcdef"), &mut events),
            Err(SseError::LineTooLong { limit: 16 })
        );
    }

    #[test]
    fn after_a_split_line_the_rest_of_the_read_is_not_copied() {
        let mut decoder = SseDecoder::new();
        let mut events = Vec::new();
        decoder
            .push(Bytes::from_static(b"data: {\"x\""), &mut events)
            .unwrap();
        let read = Bytes::from_static(b":1}\n\ndata: {\"y\":2}\n\n");
        decoder.push(read.clone(), &mut events).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(&events[0].data[..], b"{\"x\":1}");
        let start = read.as_ptr() as usize;
        let data = events[1].data.as_ptr() as usize;
        assert!(data > start && data < start + read.len());
    }

    #[test]
    fn events_are_handed_out_borrowed_from_their_read() {
        let read = Bytes::from(b"event: delta\ndata: {\"x\":1}\n\ndata: two\n\n".to_vec());
        let mut decoder = SseDecoder::new();
        let mut seen = Vec::new();
        decoder
            .push_with(read.clone(), &mut |event: SseEventRef<'_>| {
                let inside = read.as_ptr_range();
                assert!(inside.contains(&event.data.as_ptr()), "data is in the read");
                assert_eq!(
                    event.buffer.as_ptr_range(),
                    inside,
                    "its buffer is the read"
                );
                seen.push((event.event_name().map(str::to_owned), event.data.to_vec()));
            })
            .unwrap();
        assert_eq!(
            seen,
            [
                (Some("delta".to_owned()), b"{\"x\":1}".to_vec()),
                (None, b"two".to_vec()),
            ]
        );
    }

    #[test]
    fn nothing_of_a_read_is_kept_once_it_is_decoded() {
        // An event cut after its `event:` and `data:` lines, and an id:
        // what the next read needs is copied, so the read's buffer is free
        // again (the HTTP client reuses it for its next read).
        let read = Bytes::from(b"id: 7\nevent: delta\ndata: {\"x\":1}\n".to_vec());
        let mut decoder = SseDecoder::new();
        let mut events = Vec::new();
        decoder.push(read.clone(), &mut events).unwrap();
        assert!(events.is_empty());
        assert!(read.is_unique(), "the decoder holds no part of the read");
        decoder
            .push(Bytes::from_static(b"\n"), &mut events)
            .unwrap();
        assert_eq!(events[0].event_name(), Some("delta"));
        assert_eq!(&events[0].data[..], b"{\"x\":1}");
        assert_eq!(events[0].id.as_deref(), Some(&b"7"[..]));
    }

    #[test]
    fn the_events_before_a_framing_error_are_handed_out() {
        let mut decoder = SseDecoder::with_max_line(16);
        let mut events = Vec::new();
        let result = decoder.push(
            Bytes::from_static(b"data: a\n\ndata: 0123456789abcdef\n"),
            &mut events,
        );
        assert_eq!(result, Err(SseError::LineTooLong { limit: 16 }));
        assert_eq!(events.len(), 1);
        assert_eq!(&events[0].data[..], b"a");
    }

    #[test]
    fn a_carriage_return_then_an_empty_read_then_a_line_feed_is_one_line_end() {
        assert_eq!(
            data(&[b"data: a\r", b"", b"\ndata: b\n\n"]),
            vec!["a\nb".to_owned()]
        );
    }

    /// An event's `event`, `data` and `id` as raw bytes.
    type RawEvent = (Option<Vec<u8>>, Vec<u8>, Option<Vec<u8>>);

    /// Raw fields of every event, for comparing decodes byte for byte.
    fn decode_raw(reads: &[&[u8]]) -> Result<Vec<RawEvent>, SseError> {
        let mut decoder = SseDecoder::with_max_line(64);
        let mut events = Vec::new();
        for read in reads {
            decoder.push(Bytes::copy_from_slice(read), &mut events)?;
        }
        decoder.finish(&mut events)?;
        Ok(events
            .into_iter()
            .map(|e| {
                (
                    e.event.map(|b| b.to_vec()),
                    e.data.to_vec(),
                    e.id.map(|b| b.to_vec()),
                )
            })
            .collect())
    }

    proptest::proptest! {
        /// However a body is cut into reads, it decodes to the same events
        /// (or the same error).
        #[test]
        fn any_split_of_the_reads_decodes_the_same(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    &b"data: "[..], b"data:", b"event: e", b"id: 7", b"retry: 5", b": c",
                    b"\n", b"\r", b"\r\n", b"x", b"\xef\xbb\xbf", b"{\"a\":1}", b"\xc3\xa9",
                ]),
                0..60,
            ),
            cuts in proptest::collection::vec(0usize..400, 0..8),
        ) {
            let body: Vec<u8> = pieces.concat();
            let whole = decode_raw(&[&body]);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(body.len())).collect();
            cuts.sort_unstable();
            let mut reads = Vec::new();
            let mut start = 0;
            for cut in cuts {
                reads.push(&body[start..cut]);
                start = cut;
            }
            reads.push(&body[start..]);
            proptest::prop_assert_eq!(decode_raw(&reads), whole);
        }
    }
}
