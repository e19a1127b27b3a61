//! A 1 GB error body costs a bounded amount of memory, measured: a
//! counting global allocator (this test binary's own, so no other test
//! shares it) records the peak of live heap bytes during each transport's
//! call, server included, and the server counts the body bytes it was able
//! to hand over before the client let the connection go.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use clawkit_core::{Context, ErrorKind, ModelApi, RuntimeModel, StreamEvent, StreamRequest};
use clawkit_http::{HttpClient, HttpConfig, transport_for};
use clawkit_testkit::{Script, ScriptedServer};
use futures::StreamExt;
use peak_alloc::PeakAlloc;

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// The error body: 1 GiB.
const BODY: u64 = 1 << 30;
/// What the call may add to the live heap at its peak.
const MAX_PEAK: usize = 2 << 20;
/// What the server may have handed over: the error-body cap (16 KiB) plus
/// the socket buffers of both ends, far below the body.
const MAX_SENT: u64 = 16 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_gigabyte_error_body_is_read_to_its_cap_in_bounded_memory() {
    let client = HttpClient::with_config(HttpConfig::default().with_system_proxy(false)).unwrap();
    let apis = [
        (ModelApi::OpenAiCompletions, "openai"),
        (ModelApi::OpenAiResponses, "openai"),
        (ModelApi::AnthropicMessages, "anthropic"),
        (ModelApi::GoogleGenerativeAi, "google"),
    ];
    let mut report = Vec::new();
    for (api, label) in apis {
        let server = ScriptedServer::start(vec![Script::generated(500, "overloaded ", BODY)])
            .await
            .unwrap();
        let model = RuntimeModel::new(
            label,
            "test-model",
            api.clone(),
            server.url("/v1").parse().unwrap(),
        );
        let transport = transport_for(&model.api, &client).unwrap();
        let request = StreamRequest::new(model, Context::user("Hello"));

        let baseline = ALLOCATOR.current_usage();
        ALLOCATOR.reset_peak_usage();
        let started = Instant::now();
        let events: Vec<StreamEvent> =
            tokio::time::timeout(Duration::from_secs(20), transport.stream(request).collect())
                .await
                .unwrap_or_else(|_| panic!("{api:?}: no end within 20 s"));
        let took = started.elapsed();
        // The server sees the client leave once its next write fails.
        tokio::time::timeout(Duration::from_secs(5), async {
            while server.closed_by_client() == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{api:?}: the client kept reading"));
        let peak = ALLOCATOR.peak_usage().saturating_sub(baseline);
        let sent = server.body_bytes_written();

        let [StreamEvent::Error { kind, message, .. }] = events.as_slice() else {
            panic!("{api:?}: one error event: {events:#?}")
        };
        assert_eq!(*kind, ErrorKind::Server, "{api:?}: {message}");
        assert!(
            message.starts_with(&format!("{label} (500): overloaded overloaded"))
                && message.len() < 300,
            "{api:?}: {message}"
        );
        assert!(
            peak < MAX_PEAK,
            "{api:?}: the heap grew by {peak} bytes at its peak"
        );
        assert!(sent < MAX_SENT, "{api:?}: {sent} body bytes were sent");
        report.push(format!(
            "{api:?}: peak +{} KiB, {} KiB sent of {} MiB, {} ms",
            peak / 1024,
            sent / 1024,
            BODY >> 20,
            took.as_millis()
        ));
    }
    // Shown with --nocapture: the figures docs/reliability.md quotes.
    println!("{}", report.join("\n"));
}
