//! One whole turn for Acme AI against a local server, through the one call
//! (`Runtime::stream`): catalog, model resolution, API-key auth, the prompt
//! and history stages, the input transforms on the way out, the built-in
//! openai-completions transport, and the output transforms on the way back
//! — also when a rewritten phrase arrives cut across two deltas.

use clawkit_core::{Env, Runtime, StopReason, StreamEvent, TurnRequest};
use clawkit_http::{BuiltinTransports, HttpClient, HttpConfig};
use clawkit_testkit::{Script, ScriptedServer, assert_trace_snapshot};
use futures::StreamExt;
use serde_json::json;

const KEY: &str = "sk-acme-test-0123456789";

fn chunk(text: &str) -> String {
    format!(
        "data: {}\n\n",
        json!({"choices": [{"index": 0, "delta": {"content": text}}]})
    )
}

fn runtime() -> Runtime {
    // The server is on 127.0.0.1: no system proxy between it and the test.
    let client = HttpClient::with_config(HttpConfig::default().with_system_proxy(false)).unwrap();
    Runtime::builder()
        .env(Env::new().with("ACME_AI_API_KEY", KEY))
        .transports(BuiltinTransports::new(client))
        .plugin(acme_ai::plugin().unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_turn_rewrites_the_prompt_on_the_way_out_and_the_answer_on_the_way_back() {
    // Acme says "blue basket" and "right shelf"; OpenClaw's side says "red" and "left".
    let body = [
        chunk("Your things are in the blue bas"),
        chunk("ket on the right"),
        chunk(" shelf."),
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            .to_owned(),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    let server = ScriptedServer::start(vec![Script::sse(body)])
        .await
        .unwrap();
    let request = TurnRequest::prompt("acme-ai/acme-large", "put it in the red basket")
        .system_prompt("Always print a paper ticket.")
        .param("temperature", 0.2)
        .base_url(server.url("/v1").parse().unwrap())
        .record_trace();
    let mut turn = runtime().stream(request).await.unwrap();
    let mut events = Vec::new();
    while let Some(event) = turn.next().await {
        events.push(event);
    }

    let deltas: Vec<&str> = events
        .iter()
        .filter_map(|event| match event {
            StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        deltas.concat(),
        "Your things are in the red basket on the left shelf."
    );
    assert_eq!(
        deltas[0], "Your things are in the ",
        "only the start of a possible match is held back"
    );
    assert!(events.iter().any(|event| matches!(
        event,
        StreamEvent::TextEnd { text, .. } if text == "Your things are in the red basket on the left shelf."
    )));
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Done {
            reason: StopReason::Stop
        })
    );

    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let body = sent.json();
    assert_eq!(body["model"], "acme-large");
    assert_eq!(body["temperature"], 0.2);
    assert_eq!(
        body["messages"][0]["content"],
        "Always print a digital ticket."
    );
    assert_eq!(body["messages"][1]["content"], "put it in the blue basket");

    assert_trace_snapshot!("acme_whole_turn", turn.trace());
}
