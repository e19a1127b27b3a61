//! The LlmBackend facade: providers as backends by name, a custom backend,
//! chat, streaming chat, embeddings and health, against local servers.

use std::sync::Arc;
use std::time::Duration;

use clawkit_core::{
    Config, Context, Env, ErrorKind, EventStream, Runtime, StopReason, StreamEvent, Text,
    async_trait,
};
use clawkit_http::HttpClient;
use clawkit_providers::{
    BackendError, Backends, ChatRequest, Health, LlmBackend, ProviderBackend, builtin_plugins,
};
use clawkit_testkit::{Script, ScriptedServer};
use futures::StreamExt;
use serde_json::json;

fn runtime(env: Env, config: Config) -> Arc<Runtime> {
    let builder = builtin_plugins().unwrap().into_iter().fold(
        Runtime::builder()
            .env(env)
            .transports(crate::transports())
            .config(config),
        |builder, plugin| builder.plugin(plugin),
    );
    Arc::new(builder.build().unwrap())
}

fn base_url_config(provider: &str, base_url: &str) -> Config {
    serde_json::from_value(json!({"models": {"providers": {provider: {"baseUrl": base_url}}}}))
        .unwrap()
}

fn anthropic_answer() -> String {
    [
        ("message_start", r#"{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":12,"output_tokens":1}}}"#),
        ("content_block_start", r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
        ("content_block_delta", r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Backends work."}}"#),
        ("content_block_stop", r#"{"type":"content_block_stop","index":0}"#),
        ("message_delta", r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}"#),
        ("message_stop", r#"{"type":"message_stop"}"#),
    ]
    .iter()
    .map(|(name, data)| format!("event: {name}\ndata: {data}\n\n"))
    .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_registered_provider_is_a_backend_by_name() {
    let server = ScriptedServer::start(vec![Script::sse(anthropic_answer())])
        .await
        .unwrap();
    let runtime = runtime(
        Env::new().with("ANTHROPIC_API_KEY", "sk-ant-backend-0123456789"),
        base_url_config("anthropic", &server.url("/v1")),
    );
    let backends = Backends::from_runtime(runtime, HttpClient::new().unwrap());
    let anthropic = backends.backend("anthropic").unwrap();
    let request = ChatRequest::new("claude-haiku-4-5", Context::user("Do backends work?"))
        .with_max_tokens(100)
        .with_temperature(0.2);
    let response = anthropic.chat(request.clone()).await.unwrap();
    assert_eq!(response.text(), "Backends work.");
    assert_eq!(response.stop_reason, StopReason::Stop);
    let usage = response.usage.unwrap();
    assert_eq!((usage.input, usage.output), (12, 4));
    let sent = server.requests()[0].json();
    assert_eq!(sent["model"], "claude-haiku-4-5");
    assert_eq!(sent["max_tokens"], 100);
    assert_eq!(sent["temperature"], 0.2);

    let events: Vec<StreamEvent> = anthropic.chat_stream(request).collect().await;
    assert!(matches!(events.last(), Some(StreamEvent::Done { .. })));
}

#[tokio::test(flavor = "multi_thread")]
async fn extra_params_reach_the_request_body() {
    let answer = [
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        "[DONE]",
    ]
    .iter()
    .map(|data| format!("data: {data}\n\n"))
    .collect::<String>();
    // The live catalog asks for the model list first.
    let server = ScriptedServer::start(vec![
        Script::json(200, r#"{"data":[{"id":"local-model"}]}"#),
        Script::sse(answer),
    ])
    .await
    .unwrap();
    let runtime = runtime(
        Env::new().with("OPENAI_COMPATIBLE_BASE_URL", server.url("/v1")),
        Config::default(),
    );
    let backend = Backends::from_runtime(runtime, HttpClient::new().unwrap())
        .backend("openai-compatible")
        .unwrap();
    let forced = json!({"type": "function", "function": {"name": "get_weather"}});
    let context = Context::user("Weather in Paris?").with_tool(clawkit_core::Tool::new(
        "get_weather",
        "The weather of a city",
        json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    ));
    let request = ChatRequest::new("local-model", context)
        .with_param("tool_choice", "auto")
        .with_param("tool_choice", forced.clone());
    let response = tokio::time::timeout(Duration::from_secs(10), backend.chat(request))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.stop_reason, StopReason::ToolUse);
    assert!(matches!(
        &response.content[..],
        [clawkit_core::ContentBlock::ToolCall { name, arguments, .. }]
            if name == "get_weather" && arguments == &json!({"city": "Paris"})
    ));
    let sent = server
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap()
        .json();
    assert_eq!(sent["tool_choice"], forced, "the later param wins");
    assert_eq!(sent["tools"][0]["function"]["name"], "get_weather");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_key_is_an_auth_error_naming_the_env_var() {
    let backends = Backends::from_runtime(
        runtime(Env::new(), Config::default()),
        HttpClient::new().unwrap(),
    );
    let error = backends
        .backend("anthropic")
        .unwrap()
        .chat(ChatRequest::new("claude-haiku-4-5", Context::user("Hi")))
        .await
        .unwrap_err();
    match error {
        BackendError::Stream { kind, message } => {
            assert_eq!(kind, ErrorKind::Auth);
            assert!(message.contains("ANTHROPIC_API_KEY"), "{message}");
        }
        other => panic!("expected an auth error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn embeddings_go_to_the_providers_embeddings_endpoint() {
    let server = ScriptedServer::start(vec![Script::json(
        200,
        r#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-0.25]},{"object":"embedding","index":1,"embedding":[0.0,1.0]}],"model":"bge-small","usage":{"prompt_tokens":4,"total_tokens":4}}"#,
    )])
    .await
    .unwrap();
    let runtime = runtime(
        Env::new().with("OPENAI_COMPATIBLE_BASE_URL", server.url("/v1")),
        Config::default(),
    );
    let backend = ProviderBackend::new(
        runtime.clone(),
        "openai-compatible",
        HttpClient::new().unwrap(),
    )
    .with_embedding_model("bge-small");
    let vectors = backend
        .embed(&["first".to_owned(), "second".to_owned()])
        .await
        .unwrap();
    assert_eq!(vectors, vec![vec![0.5, -0.25], vec![0.0, 1.0]]);
    let sent = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/embeddings")
        .unwrap();
    assert_eq!(sent.json()["model"], "bge-small");
    assert_eq!(sent.json()["input"], json!(["first", "second"]));

    let anthropic = ProviderBackend::new(runtime, "anthropic", HttpClient::new().unwrap());
    assert!(matches!(
        anthropic.embed(&["x".to_owned()]).await,
        Err(BackendError::Unsupported {
            operation: "embed",
            ..
        })
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn health_reports_reachability_and_missing_credentials() {
    let server = ScriptedServer::start(vec![Script::json(200, r#"{"data":[]}"#)])
        .await
        .unwrap();
    let up = runtime(
        Env::new().with("OPENAI_COMPATIBLE_BASE_URL", server.url("/v1")),
        Config::default(),
    );
    let health = Backends::from_runtime(up, HttpClient::new().unwrap())
        .backend("openai-compatible")
        .unwrap()
        .health()
        .await;
    assert!(health.ok, "{health:?}");

    // A port nothing listens on: bind one, then free it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", closed.local_addr().unwrap());
    drop(closed);
    let down = runtime(
        Env::new().with("OPENAI_COMPATIBLE_BASE_URL", &url),
        Config::default(),
    );
    let backends = Backends::from_runtime(down, HttpClient::new().unwrap());
    let health = backends
        .backend("openai-compatible")
        .unwrap()
        .health()
        .await;
    assert!(!health.ok);
    assert!(health.detail.unwrap().contains("cannot connect"));

    let health = backends.backend("anthropic").unwrap().health().await;
    assert!(!health.ok);
    assert!(health.detail.unwrap().contains("ANTHROPIC_API_KEY"));
}

/// A custom backend: answers with the prompt, reversed.
struct Mirror;

#[async_trait]
impl LlmBackend for Mirror {
    fn name(&self) -> &str {
        "mirror"
    }

    fn chat_stream(&self, request: ChatRequest) -> EventStream {
        let prompt = match request.context.messages.first() {
            Some(clawkit_core::Message::User { content }) => content
                .iter()
                .filter_map(|b| match b {
                    clawkit_core::ContentBlock::Text { text } => Some(text.as_str()),
                    _ => None,
                })
                .collect::<String>(),
            _ => String::new(),
        };
        let text = Text::from(prompt.chars().rev().collect::<String>());
        Box::pin(futures::stream::iter([
            StreamEvent::TextStart { index: 0 },
            StreamEvent::TextDelta {
                index: 0,
                text: text.clone(),
            },
            StreamEvent::TextEnd { index: 0, text },
            StreamEvent::Done {
                reason: StopReason::Stop,
            },
        ]))
    }

    async fn health(&self) -> Health {
        Health::ready(Duration::ZERO)
    }
}

#[tokio::test]
async fn a_custom_backend_is_registered_and_found_by_name() {
    let mut backends = Backends::new();
    backends.register_backend(Mirror);
    let mirror = backends.backend("mirror").unwrap();
    let response = mirror
        .chat(ChatRequest::new("any", Context::user("stressed")))
        .await
        .unwrap();
    assert_eq!(response.text(), "desserts");
    assert!(mirror.health().await.ok);
    assert!(matches!(
        mirror.embed(&[]).await,
        Err(BackendError::Unsupported { .. })
    ));
    let error = backends.backend("mycorp-gateway").err().unwrap();
    assert_eq!(
        error.to_string(),
        "no backend named \"mycorp-gateway\" (known: mirror)"
    );
}
