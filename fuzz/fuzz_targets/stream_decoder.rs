//! Any response body, for each of the four apis and cut into reads
//! anywhere, gives normalized events that end with exactly one terminal
//! event (`done` or `error`), never a panic.

#![no_main]

use bytes::Bytes;
use clawkit_core::{ModelApi, RuntimeModel, StreamEvent};
use clawkit_http::StreamDecoder;
use libfuzzer_sys::fuzz_target;

const APIS: [(ModelApi, &str); 4] = [
    (ModelApi::OpenAiCompletions, "https://api.openai.com/v1"),
    (ModelApi::OpenAiResponses, "https://api.openai.com/v1"),
    (ModelApi::AnthropicMessages, "https://api.anthropic.com/v1"),
    (
        ModelApi::GoogleGenerativeAi,
        "https://generativelanguage.googleapis.com/v1beta",
    ),
];

fuzz_target!(|data: &[u8]| {
    let Some((&head, body)) = data.split_first() else {
        return;
    };
    let (api, base) = &APIS[usize::from(head & 3)];
    let at = usize::from(head >> 2) * (body.len() + 1) / 64;
    let Ok(url) = base.parse() else {
        return;
    };
    let model = RuntimeModel::new("fuzz", "fuzz-model", api.clone(), url);
    let Some(mut decoder) = StreamDecoder::new(&model) else {
        return;
    };
    let mut events = Vec::new();
    let at = at.min(body.len());
    decoder.push(Bytes::copy_from_slice(&body[..at]), &mut events);
    decoder.push(Bytes::copy_from_slice(&body[at..]), &mut events);
    decoder.finish(&mut events);
    let terminal =
        |e: &StreamEvent| matches!(e, StreamEvent::Done { .. } | StreamEvent::Error { .. });
    assert_eq!(
        events.iter().filter(|e| terminal(e)).count(),
        1,
        "{events:?}"
    );
    assert!(events.last().is_some_and(terminal), "{events:?}");
});
