//! The whole path for Acme AI against a local server: catalog, model
//! resolution, API-key auth, stream construction and the built-in
//! openai-completions transport.

use clawkit_core::{
    AuthRequest, Context, Env, StopReason, StreamEvent, StreamRequest, StreamSetup,
};
use clawkit_http::{HttpClient, transport_for};
use clawkit_testkit::{Harness, Script, ScriptedServer};
use futures::StreamExt;
use serde_json::json;

const KEY: &str = "sk-acme-test-0123456789";

#[tokio::test]
async fn a_resolved_acme_model_streams_through_the_built_in_transport() {
    let body = concat!(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Blue baskets\"}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" are here.\"},\"finish_reason\":\"stop\"}]}\n\n",
        "data: [DONE]\n\n",
    );
    let server = ScriptedServer::start(vec![Script::sse(body)])
        .await
        .unwrap();
    let harness = Harness::with_env(Env::new().with("ACME_AI_API_KEY", KEY), |runtime| {
        runtime.plugin(acme_ai::plugin().unwrap())
    });
    let runtime = &harness.runtime;
    let mut model = runtime
        .resolve_model(&harness.catalog, "acme-ai/acme-large", None)
        .await
        .unwrap();
    model.base_url = server.url("/v1").parse().unwrap();
    let auth = runtime
        .resolve_auth("acme-ai", &AuthRequest::default(), None)
        .unwrap();

    let client = HttpClient::new().unwrap();
    let setup = StreamSetup::new(model.clone())
        .with_extra_params(json!({"temperature": 0.2}).as_object().cloned().unwrap());
    let built = runtime
        .build_stream_fn(&setup, transport_for(&model.api, &client), None)
        .unwrap();
    let mut request = StreamRequest::new(model, Context::user("Where are the baskets?"));
    request.options.api_key = Some(auth.api_key);
    let events: Vec<StreamEvent> = built.stream_fn.stream(request).collect().await;

    let text: String = events
        .iter()
        .filter_map(|event| match event {
            StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Blue baskets are here.");
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
    assert_eq!(body["messages"][0]["content"], "Where are the baskets?");
}
