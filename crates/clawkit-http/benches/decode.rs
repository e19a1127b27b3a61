//! Stream decoding cost, in memory (no sockets): the SSE framing throughput
//! and a full openai-completions decode into normalized events next to the
//! raw floor (memchr line split + borrowed serde_json), on the same body cut
//! into the same 16 KiB reads. Targets (docs/benchmarks.md): framing
//! ≥ 1 GB/s, the full decode ≤ 1.2× the floor.
//!
//! The body is a real recorded gpt-4.1-nano stream (~330-byte
//! `chat.completion.chunk` events with `obfuscation` padding), its content
//! chunks repeated to 20 000 deltas.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::borrow::Cow;
use std::hint::black_box;

use bytes::Bytes;
use clawkit_core::{ModelApi, RuntimeModel, StreamEvent};
use clawkit_http::StreamDecoder;
use clawkit_http::sse::SseDecoder;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;

const DELTAS: usize = 20_000;
const READ: usize = 16 * 1024;

/// A real recorded stream (tests/data/openai-compatible/openai-gpt-text):
/// its role chunk, its content chunks repeated in order up to `DELTAS`, its
/// finish and usage chunks, then `[DONE]`.
fn body() -> Vec<u8> {
    let recorded = include_str!("../tests/data/openai-compatible/openai-gpt-text.chunks.txt");
    let lines: Vec<&str> = recorded.lines().filter(|l| !l.trim().is_empty()).collect();
    let (role, rest) = lines.split_first().unwrap();
    let (content, tail) = rest.split_at(rest.len() - 2);
    let mut out = format!("data: {role}\n\n");
    for line in content.iter().cycle().take(DELTAS) {
        out.push_str("data: ");
        out.push_str(line);
        out.push_str("\n\n");
    }
    for line in tail {
        out.push_str("data: ");
        out.push_str(line);
        out.push_str("\n\n");
    }
    out.push_str("data: [DONE]\n\n");
    out.into_bytes()
}

fn reads(body: &[u8]) -> Vec<Bytes> {
    body.chunks(READ).map(Bytes::copy_from_slice).collect()
}

/// The floor: the least work that still yields the text, as a hand-written
/// client would do it.
mod raw {
    use super::*;

    #[derive(Deserialize)]
    struct Chunk<'a> {
        #[serde(borrow, deserialize_with = "first_content")]
        choices: Option<Cow<'a, str>>,
    }

    #[derive(Deserialize)]
    struct Choice<'a> {
        #[serde(borrow)]
        delta: Delta<'a>,
    }

    #[derive(Deserialize)]
    struct Delta<'a> {
        #[serde(borrow)]
        content: Option<Content<'a>>,
    }

    /// Borrowed from the input unless the string has escapes. (A plain
    /// `Option<Cow<str>>` field would always copy.)
    struct Content<'a>(Cow<'a, str>);

    impl<'de: 'a, 'a> Deserialize<'de> for Content<'a> {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Visit<'a>(std::marker::PhantomData<&'a ()>);
            impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
                type Value = Content<'a>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a string")
                }
                fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
                    Ok(Content(Cow::Borrowed(value)))
                }
                fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
                    Ok(Content(Cow::Owned(value.to_owned())))
                }
            }
            deserializer.deserialize_str(Visit(std::marker::PhantomData))
        }
    }

    fn first_content<'de: 'a, 'a, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Cow<'a, str>>, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = Option<Cow<'a, str>>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("choices")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut first = None;
                while let Some(choice) = seq.next_element::<Choice<'a>>()? {
                    first = first.or(choice.delta.content.map(|c| c.0));
                }
                Ok(first)
            }
        }
        deserializer.deserialize_seq(Visit(std::marker::PhantomData))
    }

    /// Splits lines with memchr, carrying a partial line to the next read.
    pub fn decode(reads: &[Bytes]) -> String {
        let mut text = String::new();
        let mut carry: Vec<u8> = Vec::new();
        for read in reads {
            let mut rest: &[u8] = read;
            while let Some(end) = memchr::memchr(b'\n', rest) {
                let line = if carry.is_empty() {
                    &rest[..end]
                } else {
                    carry.extend_from_slice(&rest[..end]);
                    &carry[..]
                };
                if let Some(data) = line.strip_prefix(b"data: ")
                    && data != b"[DONE]"
                    && let Ok(chunk) = serde_json::from_slice::<Chunk<'_>>(data)
                    && let Some(content) = chunk.choices
                {
                    text.push_str(&content);
                }
                carry.clear();
                rest = &rest[end + 1..];
            }
            carry.extend_from_slice(rest);
        }
        text
    }
}

/// clawkit: SSE framing, the openai-completions wire decoder and normalized
/// events, rebuilding the text from the deltas.
fn clawkit_decode(model: &RuntimeModel, reads: &[Bytes]) -> String {
    let mut decoder = StreamDecoder::new(model).unwrap();
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
    text
}

fn bench(c: &mut Criterion) {
    let body = body();
    let reads = reads(&body);
    let model = RuntimeModel::new(
        "openai",
        "gpt-4o-mini",
        ModelApi::OpenAiCompletions,
        "https://api.openai.com/v1".parse().unwrap(),
    );
    assert_eq!(raw::decode(&reads), clawkit_decode(&model, &reads));

    let mut framing = c.benchmark_group("sse_framing");
    framing.throughput(Throughput::Bytes(body.len() as u64));
    framing.bench_function("16KiB_reads", |b| {
        b.iter(|| {
            let mut decoder = SseDecoder::new();
            let mut events = Vec::new();
            let mut count = 0;
            for read in &reads {
                decoder.push(read.clone(), &mut events).unwrap();
                count += events.len();
                events.clear();
            }
            black_box(count)
        })
    });
    framing.finish();

    let mut decode = c.benchmark_group("openai_decode_in_memory");
    decode.throughput(Throughput::Elements(DELTAS as u64));
    decode.bench_function("raw_floor", |b| b.iter(|| black_box(raw::decode(&reads))));
    decode.bench_function("clawkit", |b| {
        b.iter(|| black_box(clawkit_decode(&model, &reads)))
    });
    decode.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
