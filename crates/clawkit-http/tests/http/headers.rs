//! Request headers on the wire: one header per name whatever the case the
//! layers wrote it in, and invalid ones refused with a typed error before
//! anything is sent.

use std::sync::Arc;

use clawkit_core::{
    Context, ErrorKind, HeaderPrecedence, ModelApi, SharedStreamFn, StreamEvent, StreamFnExt,
    StreamRequest,
};
use clawkit_http::{HttpClient, OpenAiCompletions};
use clawkit_testkit::{RecordedRequest, Script, ScriptedServer};
use serde_json::json;

use crate::{KEY, assert_contract, collect, model_at};

fn ok_stream() -> Script {
    let chunk = json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
                       "choices": [{"index": 0, "delta": {"content": "ok"}, "finish_reason": "stop"}]});
    Script::sse(format!("data: {chunk}\n\ndata: [DONE]\n\n"))
}

/// Every value sent under `name` (the server records names lowercased, so
/// two spellings of one name would show up as two entries here).
fn values<'a>(request: &'a RecordedRequest, name: &str) -> Vec<&'a str> {
    request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Streams one request through `wrap(transport)` against a fresh server.
async fn send(
    wrap: impl FnOnce(SharedStreamFn) -> SharedStreamFn,
    configure: impl FnOnce(&mut StreamRequest),
) -> (Vec<StreamEvent>, Vec<RecordedRequest>) {
    let server = ScriptedServer::start(vec![ok_stream()]).await.unwrap();
    let transport: SharedStreamFn = Arc::new(OpenAiCompletions::new(HttpClient::new().unwrap()));
    let wrapped = wrap(transport);
    let mut request = StreamRequest::new(
        model_at(&server, "acme", ModelApi::OpenAiCompletions),
        Context::user("Hello"),
    );
    configure(&mut request);
    let events = collect(wrapped.as_ref(), request).await;
    (events, server.requests())
}

#[tokio::test]
async fn a_wrapper_s_authorization_over_a_transport_default_authorization_is_sent_once() {
    // The transport's default (here a static model header) spells it
    // `Authorization`; the wrapper, `authorization`.
    let (events, requests) = send(
        |transport| {
            transport.with_headers(
                [("authorization", "Bearer wrapper")],
                HeaderPrecedence::DefaultsWin,
            )
        },
        |request| {
            request
                .model
                .headers
                .insert("Authorization".into(), "Bearer transport-default".into());
        },
    )
    .await;
    assert_contract(&events);
    assert_eq!(values(&requests[0], "authorization"), ["Bearer wrapper"]);
}

#[tokio::test]
async fn layered_wrappers_setting_authorization_in_two_cases_send_it_once() {
    // An inner layer sets the transport's `Authorization` default; an outer
    // one (it runs first) inserts `authorization` straight into the options.
    let (events, requests) = send(
        |transport| {
            transport
                .with_headers(
                    [("Authorization", "Bearer inner-default")],
                    HeaderPrecedence::CallerWins,
                )
                .map_request(|mut request| {
                    request
                        .options
                        .headers
                        .insert("authorization", "Bearer outer");
                    request
                })
        },
        |_| {},
    )
    .await;
    assert_contract(&events);
    assert_eq!(
        values(&requests[0], "authorization"),
        ["Bearer outer"],
        "caller wins: the inner default only fills a missing header"
    );
}

#[tokio::test]
async fn of_two_layers_writing_authorization_in_two_cases_the_later_write_is_sent() {
    // Both write straight into the options: the outer layer (it runs
    // first) `authorization`, the inner one `Authorization` after it.
    let (events, requests) = send(
        |transport| {
            transport
                .map_request(|mut request| {
                    request
                        .options
                        .headers
                        .insert("Authorization", "Bearer inner");
                    request
                })
                .map_request(|mut request| {
                    request
                        .options
                        .headers
                        .insert("authorization", "Bearer outer");
                    request
                })
        },
        |_| {},
    )
    .await;
    assert_contract(&events);
    assert_eq!(values(&requests[0], "authorization"), ["Bearer inner"]);
}

#[tokio::test]
async fn the_api_key_s_authorization_replaces_a_wrapper_s_authorization() {
    let (events, requests) = send(
        |transport| {
            transport.with_headers(
                [("authorization", "Bearer wrapper")],
                HeaderPrecedence::DefaultsWin,
            )
        },
        |request| request.options.api_key = Some(KEY.into()),
    )
    .await;
    assert_contract(&events);
    let expected = format!("Bearer {KEY}");
    assert_eq!(values(&requests[0], "authorization"), [expected.as_str()]);
}

#[tokio::test]
async fn an_invalid_header_ends_the_stream_with_one_error_and_sends_nothing() {
    let secret = "sk-canary-wire-0123456789abcdef";
    for (name, value, message) in [
        (
            "x-acme",
            format!("ok\r\nX-Injected: {secret}"),
            "invalid value for header \"x-acme\"",
        ),
        (
            "x acme",
            secret.to_owned(),
            "invalid header name \"x acme\"",
        ),
        (
            "x-acme:",
            secret.to_owned(),
            "invalid header name \"x-acme:\"",
        ),
    ] {
        let (events, requests) = send(
            |transport| transport,
            |request| {
                request.options.headers.insert(name, value.clone());
            },
        )
        .await;
        assert_contract(&events);
        assert!(
            matches!(
                events.as_slice(),
                [StreamEvent::Error { kind: ErrorKind::Protocol, message: m, .. }] if m == message
            ),
            "{name:?}: {events:?}"
        );
        assert!(requests.is_empty(), "{name:?}: nothing sent");
        assert!(!format!("{events:?}").contains(secret), "{name:?}");
    }
}
