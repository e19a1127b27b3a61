//! One criterion run comparing the Rust clients decoding the same OpenAI
//! chat-completions stream (20 000 content deltas) served over loopback
//! from an in-process server: a raw reqwest floor, clawkit's
//! `OpenAiCompletions`, a whole clawkit turn, async-openai, rig-core and
//! genai.

use std::hint::black_box;
use std::time::Duration;

use clawkit_peer_bench::{Client, Clients, DELTAS, Server, Stream, client_runtime};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

fn peers(c: &mut Criterion) {
    let server = Server::start(Stream::OpenAi, || {}).expect("start the loopback server");
    let rt = client_runtime().expect("client runtime");
    let clients = Clients::new(Stream::OpenAi, &server.url("/v1")).expect("build the clients");

    // All of them must rebuild the identical text before anything is timed.
    let texts: Vec<String> = Client::ALL
        .iter()
        .map(|&client| {
            rt.block_on(clients.run(client))
                .unwrap_or_else(|e| panic!("{}: {e}", client.name()))
        })
        .collect();
    assert!(!texts[0].is_empty(), "the floor decoded no text");
    for (client, text) in Client::ALL.iter().zip(&texts).skip(1) {
        assert!(
            *text == texts[0],
            "{} rebuilt {} bytes of text, the floor {}",
            client.name(),
            text.len(),
            texts[0].len()
        );
    }

    let mut group = c.benchmark_group("openai_stream_loopback");
    group
        .throughput(Throughput::Elements(DELTAS as u64))
        .sample_size(20)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(10));
    for client in Client::ALL {
        group.bench_function(client.name(), |b| {
            b.iter(|| black_box(rt.block_on(clients.run(client)).expect("request")))
        });
    }
    group.finish();
}

criterion_group!(benches, peers);
criterion_main!(benches);
