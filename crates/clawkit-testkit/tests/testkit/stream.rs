//! `Harness::stream`: every shipped recording through the real transport of
//! its api, the request it sends, explicit scripts, and the async story.

use clawkit_core::{ErrorKind, ModelApi, StopReason, StreamEvent, TurnRequest};
use clawkit_testkit::{Recorded, Script};

use crate::{APIS, KEY, harness};

/// The path each api's transport appends to the base URL.
fn path(api: &ModelApi) -> &'static str {
    match api {
        ModelApi::OpenAiCompletions => "/v1/chat/completions",
        ModelApi::OpenAiResponses => "/v1/responses",
        ModelApi::AnthropicMessages => "/v1/messages",
        _ => "/v1beta/models/zeta-exp-7:streamGenerateContent?alt=sse",
    }
}

#[test]
fn every_recording_streams_what_it_holds_with_one_terminal_event() {
    for (api, _) in APIS {
        let harness = harness(&api);
        for kind in Recorded::ALL {
            let recording = kind.recording(&api).unwrap();
            let streamed = harness.stream_prompt("zeta/zeta-exp-7", "hi", kind);
            let what = format!("{api} {kind:?} ({})", recording.file());
            assert!(streamed.error.is_none(), "{what}: {:?}", streamed.error);
            assert_eq!(streamed.contract_violation(), None, "{what}");
            assert_eq!(streamed.text(), recording.text(), "{what}");
            assert_eq!(streamed.reasoning(), recording.reasoning(), "{what}");
            let names: Vec<String> = streamed.tool_calls().into_iter().map(|c| c.name).collect();
            assert_eq!(names, recording.tool_names(), "{what}");
            match kind {
                Recorded::Text | Recorded::Reasoning => {
                    assert!(
                        matches!(streamed.terminal(), Some(StreamEvent::Done { .. })),
                        "{what}: {:?}",
                        streamed.terminal()
                    );
                    let usage = streamed.usage().unwrap();
                    assert!(
                        usage.input + usage.cache_read > 0 && usage.output > 0,
                        "{what}"
                    );
                }
                Recorded::ToolCall => assert_eq!(
                    streamed.terminal(),
                    Some(&StreamEvent::Done {
                        reason: StopReason::ToolUse
                    }),
                    "{what}"
                ),
                _ => assert!(
                    matches!(streamed.terminal(), Some(StreamEvent::Error { .. })),
                    "{what}: {:?}",
                    streamed.terminal()
                ),
            }
            let request = streamed.request().unwrap();
            assert_eq!(request.path, path(&api), "{what}");
            assert!(request.contains(KEY), "{what}: the harness key is sent");
            assert!(
                !format!("{request:?}").contains(KEY),
                "{what}: Debug hides it"
            );
        }
    }
}

#[test]
fn an_explicit_script_and_the_trace_of_the_whole_turn() {
    let harness = harness(&ModelApi::OpenAiCompletions);
    let request = TurnRequest::prompt("zeta/zeta-exp-7", "hi").system_prompt("Be brief.");
    let streamed = harness.stream(
        request,
        Script::json(503, r#"{"error":{"message":"busy","type":"server_error"}}"#),
    );
    assert!(
        matches!(
            streamed.terminal(),
            Some(StreamEvent::Error {
                kind: ErrorKind::Server,
                ..
            })
        ),
        "{:?}",
        streamed.events
    );
    assert_eq!(streamed.requests.len(), 1, "no retry by default");
    assert_eq!(
        streamed.request().unwrap().json()["messages"][0]["content"],
        "Be brief."
    );
    let hooks = streamed.trace.hooks();
    assert!(
        hooks.contains(&"resolveDynamicModel") && hooks.contains(&"prepareExtraParams"),
        "{hooks:?}"
    );
    assert_eq!(streamed.report.unwrap().model.id, "zeta-exp-7");
}

#[test]
fn a_turn_that_cannot_start_says_why() {
    let harness = harness(&ModelApi::OpenAiCompletions);
    let streamed = harness.stream_prompt("nobody/model", "hi", Recorded::Text);
    let error = streamed.error.as_ref().unwrap();
    assert!(error.to_string().contains("nobody"), "{error}");
    assert!(streamed.events.is_empty() && streamed.report.is_none());
    assert!(streamed.trace.hooks().contains(&"parseModelRef"));
}

#[tokio::test]
async fn streams_from_inside_a_current_thread_tokio_test() {
    let streamed = harness(&ModelApi::AnthropicMessages).stream_prompt(
        "zeta/zeta-exp-7",
        "hi",
        Recorded::Text,
    );
    assert_eq!(streamed.text(), "Hello there!");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_from_inside_a_multi_thread_tokio_test() {
    let streamed = harness(&ModelApi::GoogleGenerativeAi).stream_prompt(
        "zeta/zeta-exp-7",
        "hi",
        Recorded::ToolCall,
    );
    let calls = streamed.tool_calls();
    assert_eq!(calls[0].name, "weather");
    assert_eq!(calls[0].arguments["location"], "San Francisco");
}
