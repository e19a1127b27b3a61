//! The one loop that runs every streaming call: send, read with an idle
//! timeout, decode the body (an event stream, or a whole JSON answer from a
//! server that ignored `stream: true`: see [`crate::body`]), hand each
//! event to the wire decoder, and end with exactly one terminal event
//! whatever happens — an error status, a dropped connection, a stall, a
//! cancellation or a protocol violation. Wire decoders only map wire
//! events to normalized ones; failure policy lives here.

use std::time::Duration;

use bytes::Bytes;
use clawkit_core::{
    ApiKey, Cancellation, ErrorKind, EventStream, Headers, StreamEvent, StreamRequest, Terminated,
};
use futures::{Stream, StreamExt};
use tracing::Instrument;
use url::Url;

use crate::body::BodyDecoder;
use crate::client::{HttpClient, root_cause};
use crate::content::{OutputRecorder, RecordedInput};
use crate::error::HttpError;
use crate::wire_decoder::WireDecoder;

/// How a transport sends the API key.
pub(crate) enum KeyHeader {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// The key as the value of this header (`x-api-key`, `x-goog-api-key`).
    Named(&'static str),
}

/// One streaming call.
pub(crate) struct Call {
    /// Prefix of error messages: the provider id, as OpenClaw's transports use.
    pub(crate) label: String,
    /// `gen_ai.system` (`openai`, `anthropic`, `gcp.gemini`).
    pub(crate) system: &'static str,
    pub(crate) url: Url,
    pub(crate) headers: Headers,
    pub(crate) body: Vec<u8>,
    /// Values to scrub from error messages.
    pub(crate) secrets: Vec<ApiKey>,
    /// `provider/model`, for the `start` event.
    pub(crate) model_ref: String,
    pub(crate) model_id: String,
    pub(crate) cancellation: Option<Cancellation>,
    /// The prompt, when the client records content.
    pub(crate) recorded_input: Option<RecordedInput>,
}

impl Call {
    /// The call for `request`, the same for every transport apart from the
    /// arguments: the payload hooks run on `body`; the headers are the
    /// model's, then the transport's `defaults`, then the caller's, then the
    /// key (each replacing the value of its name in any case, so one header
    /// per name is sent); the key is kept for
    /// scrubbing; the prompt is recorded when `client` records content.
    pub(crate) fn new(
        client: &HttpClient,
        system: &'static str,
        url: Url,
        mut body: serde_json::Value,
        defaults: &[(&str, &str)],
        key: KeyHeader,
        request: &StreamRequest,
    ) -> Self {
        let StreamRequest {
            model,
            context,
            options,
            ..
        } = request;
        options.apply_payload_hooks(&mut body, model);
        let mut headers: Headers = model.headers.iter().collect();
        headers.extend(defaults.iter().copied());
        headers.extend(&options.headers);
        let mut secrets = Vec::new();
        if let Some(api_key) = &options.api_key {
            match key {
                KeyHeader::Bearer => {
                    headers.insert("Authorization", format!("Bearer {}", api_key.expose()));
                }
                KeyHeader::Named(name) => {
                    headers.insert(name, api_key.expose());
                }
            }
            secrets.push(api_key.clone());
        }
        let recorded_input = crate::content::input_if(client, context, &secrets);
        Call {
            label: model.provider.clone(),
            system,
            url,
            headers,
            body: serde_json::to_vec(&body).unwrap_or_default(),
            secrets,
            model_ref: model.reference(),
            model_id: model.id.clone(),
            cancellation: options.cancellation.clone(),
            recorded_input,
        }
    }
}

type Body = std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

enum State<D> {
    Connect(Box<(HttpClient, Call, D)>),
    Read(Box<Reading<D>>),
    Done,
}

struct Reading<D> {
    body: Body,
    /// What is left of a read larger than [`MAX_PIECE`], decoded next.
    rest: Bytes,
    /// How many events the last piece gave: the next one's are reserved at
    /// that, since one vector grown event by event cost more than its
    /// events did (a reallocation and copy at every doubling).
    last_events: usize,
    /// The body's form (event stream or JSON answer) and its decoding.
    frames: BodyDecoder,
    decoder: D,
    idle: Duration,
    cancellation: Option<Cancellation>,
    span: tracing::Span,
    /// The completion, when the client records content.
    output: Option<OutputRecorder>,
    response_model_recorded: bool,
}

/// Runs `call`, decoding its body with `decoder`.
pub(crate) fn drive<D: WireDecoder>(client: HttpClient, call: Call, decoder: D) -> EventStream {
    let state = State::Connect(Box::new((client, call, decoder)));
    let events = futures::stream::unfold(state, step).flat_map(futures::stream::iter);
    Terminated::boxed(Box::pin(events))
}

async fn step<D: WireDecoder>(state: State<D>) -> Option<(Vec<StreamEvent>, State<D>)> {
    match state {
        State::Done => None,
        State::Connect(parts) => {
            let (client, call, decoder) = *parts;
            Some(connect(client, call, decoder).await)
        }
        State::Read(reading) => Some(read(reading).await),
    }
}

async fn connect<D: WireDecoder>(
    client: HttpClient,
    call: Call,
    mut decoder: D,
) -> (Vec<StreamEvent>, State<D>) {
    let span = tracing::info_span!(
        "gen_ai.stream",
        gen_ai.system = call.system,
        gen_ai.operation.name = "chat",
        gen_ai.request.model = %call.model_id,
        gen_ai.response.model = tracing::field::Empty,
        gen_ai.usage.input_tokens = tracing::field::Empty,
        gen_ai.usage.output_tokens = tracing::field::Empty,
        gen_ai.response.finish_reasons = tracing::field::Empty,
        request_id = tracing::field::Empty,
        error.type = tracing::field::Empty,
        gen_ai.system_instructions = tracing::field::Empty,
        gen_ai.input.messages = tracing::field::Empty,
        gen_ai.output.messages = tracing::field::Empty,
    );
    if let Some(input) = &call.recorded_input {
        if let Some(system) = &input.system_instructions {
            span.record("gen_ai.system_instructions", system.as_str());
        }
        span.record("gen_ai.input.messages", input.messages.as_str());
    }
    let secrets: Vec<&str> = call.secrets.iter().map(ApiKey::expose).collect();
    let send = client.post_json(&call.label, &call.url, &call.headers, &call.body, &secrets);
    let result = match &call.cancellation {
        Some(cancel) => {
            futures::pin_mut!(send);
            match futures::future::select(send, cancel.cancelled()).await {
                futures::future::Either::Left((result, _)) => Some(result),
                futures::future::Either::Right(_) => None,
            }
        }
        None => Some(send.await),
    }
    .map(|r| r.map_err(Box::new));
    let mut out = Vec::new();
    match result {
        None => {
            decoder.on_failure(
                ErrorKind::Cancelled,
                format!("{}: the request was cancelled", call.label),
                &mut out,
            );
            (out, State::Done)
        }
        Some(Err(error)) => {
            record_error(&span, &error);
            out.push(error_event(&error));
            (out, State::Done)
        }
        Some(Ok(ok)) => {
            if let Some(id) = &ok.request_id {
                span.record("request_id", id.as_str());
            }
            decoder.start(ok.request_id.clone(), &call.secrets);
            out.push(StreamEvent::Start {
                model: call.model_ref.clone(),
                response_id: None,
                request_id: ok.request_id.clone(),
            });
            let frames = BodyDecoder::new(
                ok.response
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .map(|value| value.as_bytes()),
                client.config().max_json_body,
            );
            let reading = Reading {
                body: Box::pin(ok.response.bytes_stream()),
                rest: Bytes::new(),
                last_events: 0,
                frames,
                decoder,
                idle: client.config().idle_timeout,
                cancellation: call.cancellation,
                span,
                output: call
                    .recorded_input
                    .is_some()
                    .then(|| OutputRecorder::new(&secrets)),
                response_model_recorded: false,
            };
            (out, State::Read(Box::new(reading)))
        }
    }
}

enum Next {
    Chunk(Bytes),
    End,
    Broken(String),
    Stalled,
    Cancelled,
}

/// The most bytes of one read decoded at once. A fast server on loopback
/// fills reads of hundreds of kilobytes; decoded whole, their events (128
/// bytes each) would not fit in the processor's first-level cache before
/// the client reads them, and the first of them would wait for the last.
/// TLS records, and so reads from an HTTPS server, are at most 16 KiB.
const MAX_PIECE: usize = 16 * 1024;

/// Where to cut a read longer than [`MAX_PIECE`]: after its last line
/// end within that many bytes (so no line is split), or at that many
/// bytes when a line is longer.
fn piece_len(read: &[u8]) -> usize {
    let head = &read[..MAX_PIECE.min(read.len())];
    memchr::memrchr(b'\n', head).map_or(head.len(), |end| end + 1)
}

async fn read<D: WireDecoder>(mut reading: Box<Reading<D>>) -> (Vec<StreamEvent>, State<D>) {
    let mut out = Vec::with_capacity(reading.last_events);
    loop {
        let next = next_piece(&mut reading).await;
        let r = &mut *reading;
        match next {
            Next::Chunk(mut chunk) => {
                if chunk.len() > MAX_PIECE {
                    r.rest = chunk.split_off(piece_len(&chunk));
                }
                r.frames.push(chunk, &mut r.decoder, &mut out);
            }
            Next::End => r.frames.finish(&mut r.decoder, &mut out),
            Next::Broken(reason) => {
                r.decoder.on_failure(
                    ErrorKind::ConnectionDropped,
                    format!("the connection dropped mid-stream: {reason}"),
                    &mut out,
                );
            }
            Next::Stalled => {
                let ms = r.idle.as_millis();
                r.decoder.on_failure(
                    ErrorKind::IdleTimeout,
                    format!("no data for {ms} ms; the stream stalled"),
                    &mut out,
                );
            }
            Next::Cancelled => {
                r.decoder.on_failure(
                    ErrorKind::Cancelled,
                    "the stream was cancelled".to_owned(),
                    &mut out,
                );
            }
        }
        if !r.response_model_recorded
            && let Some(model) = r.decoder.response_model()
        {
            r.span.record("gen_ai.response.model", model);
            r.response_model_recorded = true;
        }
        record_events(&r.span, &out, r.output.as_mut());
        if r.decoder.finished() {
            return (out, State::Done);
        }
        if !out.is_empty() {
            r.last_events = out.len();
            return (out, State::Read(reading));
        }
    }
}

/// The rest of the last read, if any, else the next read.
async fn next_piece<D>(reading: &mut Reading<D>) -> Next {
    if reading.rest.is_empty() {
        return next_chunk(reading).await;
    }
    if reading
        .cancellation
        .as_ref()
        .is_some_and(Cancellation::is_cancelled)
    {
        return Next::Cancelled;
    }
    Next::Chunk(std::mem::take(&mut reading.rest))
}

async fn next_chunk<D>(reading: &mut Reading<D>) -> Next {
    let idle = reading.idle;
    let span = reading.span.clone();
    let read = async {
        match tokio::time::timeout(idle, reading.body.next()).await {
            Err(_) => Next::Stalled,
            Ok(None) => Next::End,
            // The innermost cause says how the body broke (reqwest's own
            // message is "error decoding response body" whatever happened).
            Ok(Some(Err(e))) => {
                Next::Broken(root_cause(&e).unwrap_or_else(|| e.without_url().to_string()))
            }
            Ok(Some(Ok(chunk))) => Next::Chunk(chunk),
        }
    }
    .instrument(span);
    match &reading.cancellation {
        Some(cancel) if cancel.is_cancelled() => Next::Cancelled,
        Some(cancel) => {
            let cancelled = cancel.cancelled();
            futures::pin_mut!(read);
            match futures::future::select(read, cancelled).await {
                futures::future::Either::Left((next, _)) => next,
                futures::future::Either::Right(_) => Next::Cancelled,
            }
        }
        None => read.await,
    }
}

/// The terminal event of a failed request.
pub(crate) fn error_event(error: &HttpError) -> StreamEvent {
    StreamEvent::Error {
        kind: error.stream_kind(),
        message: error.to_string(),
        failover: error.failover_reason(),
    }
}

fn record_error(span: &tracing::Span, error: &HttpError) {
    span.record("error.type", format!("{:?}", error.kind()).as_str());
    if let Some(id) = error.request_id() {
        span.record("request_id", id);
    }
}

/// Records usage and the finish reason on the span (never any text).
fn record_events(
    span: &tracing::Span,
    events: &[StreamEvent],
    mut output: Option<&mut OutputRecorder>,
) {
    for event in events {
        if let Some(recorded) = output.as_deref_mut().and_then(|o| o.observe(event)) {
            span.record("gen_ai.output.messages", recorded.as_str());
        }
        match event {
            StreamEvent::Usage { usage } => {
                span.record(
                    "gen_ai.usage.input_tokens",
                    usage.input + usage.cache_read + usage.cache_write,
                );
                span.record("gen_ai.usage.output_tokens", usage.output);
            }
            StreamEvent::Done { reason } => {
                span.record("gen_ai.response.finish_reasons", reason.as_str());
            }
            StreamEvent::Error { kind, .. } => {
                span.record("error.type", kind.as_str());
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_read_is_cut_after_its_last_line_end_within_a_piece() {
        // Ten-byte events: the last that ends within 16 KiB ends at 16 380.
        let mut large = b"data: ab\n\n".repeat(MAX_PIECE / 10 + 5);
        assert_eq!(piece_len(&large), MAX_PIECE / 10 * 10);
        large.truncate(0);
        large.resize(MAX_PIECE * 2, b'x');
        assert_eq!(piece_len(&large), MAX_PIECE, "one long line: at the limit");
    }
}
