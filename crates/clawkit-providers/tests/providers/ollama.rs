//! Ollama: live `/api/tags` catalog, the static fallback, dynamic models,
//! key-less auth, the `/v1` transport rewrite and a stream end to end.

use crate::{finished_text, stream_answer};
use std::time::{Duration, Instant};

use clawkit_core::{
    AuthRequest, AuthSource, Catalog, Config, Context, CredentialKind, DynamicModelContext, Env,
    MaxTokensField, ModelApi, RowSource, Runtime,
};
use clawkit_providers::ollama;
use clawkit_testkit::{Script, ScriptedServer, block_on};
use serde_json::json;

const TAGS: &str = r#"{"models":[
  {"name":"llama3.2:latest","model":"llama3.2:latest","size":2019393189,
   "details":{"family":"llama","parameter_size":"3.2B","quantization_level":"Q4_K_M"}},
  {"name":"deepseek-r1:8b","model":"deepseek-r1:8b","size":4920753328,
   "details":{"family":"qwen3","parameter_size":"8.2B"}},
  {"name":"","model":"nameless:latest"},
  {"size":1},
  {"name":"llama3.2:latest","model":"llama3.2:latest"}
]}"#;

fn runtime(env: Env, config: Config) -> Runtime {
    Runtime::builder()
        .transports(crate::transports())
        .plugin(ollama::plugin().unwrap())
        .env(env)
        .config(config)
        .build()
        .unwrap()
}

/// A user config with `models.providers.ollama.baseUrl = base_url`.
fn config_with_base_url(base_url: &str) -> Config {
    serde_json::from_value(json!({
        "models": {"providers": {"ollama": {"baseUrl": base_url}}}
    }))
    .unwrap()
}

/// A loopback port nothing listens on.
fn unused_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    listener.local_addr().unwrap().port()
}

fn ids(catalog: &Catalog) -> Vec<&str> {
    catalog.model_ids("ollama")
}

fn source(catalog: &Catalog) -> RowSource {
    catalog.provider("ollama").unwrap().source
}

fn static_ids() -> Vec<String> {
    ollama::static_catalog()
        .unwrap()
        .models
        .into_iter()
        .map(|m| m.id)
        .collect()
}

#[tokio::test]
async fn the_live_catalog_lists_the_pulled_models() {
    let server = ScriptedServer::start(vec![Script::json(200, TAGS)])
        .await
        .unwrap();
    let runtime = runtime(Env::new(), config_with_base_url(&server.url("")));
    let catalog = runtime.catalog(None).await;

    // A blank `name` falls back to `model`; no id at all, or a repeat, is skipped.
    assert_eq!(
        ids(&catalog),
        ["llama3.2:latest", "deepseek-r1:8b", "nameless:latest"]
    );
    assert_eq!(source(&catalog), RowSource::Live);
    let entry = &catalog.provider("ollama").unwrap().config;
    assert_eq!(entry.api, Some(ModelApi::OpenAiCompletions));
    let llama = &entry.models[0];
    assert_eq!(llama.name, "llama3.2:latest");
    assert_eq!(
        (llama.context_window, llama.max_tokens),
        (Some(128_000), Some(8_192))
    );
    assert_eq!((llama.cost.input, llama.cost.output), (0.0, 0.0));
    assert!(!llama.reasoning);
    assert!(entry.models[1].reasoning, "deepseek-r1 thinks");

    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("GET", "/api/tags")
    );
    assert_eq!(sent[0].header("authorization"), None, "no key: none sent");

    // A listed model resolves onto the OpenAI-compatible endpoint, whatever
    // the configured base URL looked like.
    let model = runtime
        .resolve_model(&catalog, "ollama/llama3.2:latest", None)
        .await
        .unwrap();
    assert_eq!(model.api, ModelApi::OpenAiCompletions);
    assert_eq!(model.base_url.as_str(), server.url("/v1"));
    assert_eq!(model.context_window, 128_000);
    assert_eq!(model.compat.supports_developer_role, Some(false));
    assert_eq!(model.compat.supports_store, Some(false));
    assert_eq!(
        model.compat.max_tokens_field,
        Some(MaxTokensField::MaxTokens)
    );
}

#[tokio::test]
async fn a_configured_v1_base_url_is_queried_at_the_api_root_and_a_key_is_sent() {
    let server = ScriptedServer::start(vec![Script::json(200, TAGS)])
        .await
        .unwrap();
    let runtime = runtime(
        Env::new().with("OLLAMA_API_KEY", "proxy-secret"),
        config_with_base_url(&server.url("/v1/")),
    );
    let catalog = runtime.catalog(None).await;
    assert_eq!(ids(&catalog).len(), 3);
    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/api/tags");
    assert_eq!(sent.header("authorization"), Some("Bearer proxy-secret"));
}

#[tokio::test]
async fn an_empty_tag_list_is_an_empty_live_catalog() {
    let server = ScriptedServer::start(vec![Script::json(200, r#"{"models":[]}"#)])
        .await
        .unwrap();
    let runtime = runtime(Env::new(), config_with_base_url(&server.url("")));
    let catalog = runtime.catalog(None).await;
    assert!(ids(&catalog).is_empty());
    assert_eq!(source(&catalog), RowSource::Live);
}

#[tokio::test]
async fn a_failing_server_falls_back_to_the_static_catalog() {
    let oversized = format!(
        r#"{{"models":[{{"name":"huge:latest"}}],"pad":"{}"}}"#,
        "x".repeat(ollama_cap() + 1)
    );
    let answers = [
        ("500", Script::json(500, r#"{"error":"boom"}"#)),
        ("garbage", Script::json(200, "<html>not json")),
        ("wrong shape", Script::json(200, r#"{"models":"llama3.2"}"#)),
        ("oversized", Script::json(200, oversized)),
    ];
    for (what, script) in answers {
        let server = ScriptedServer::start(vec![script]).await.unwrap();
        let runtime = runtime(Env::new(), config_with_base_url(&server.url("")));
        let catalog = runtime.catalog(None).await;
        assert_eq!(ids(&catalog), static_ids(), "{what}");
        assert_eq!(source(&catalog), RowSource::Static, "{what}");
        assert!(
            catalog.failures.is_empty(),
            "{what}: {:?}",
            catalog.failures
        );
        assert_eq!(server.requests().len(), 1, "{what}");
        // The configured host still wins over the static entry's default.
        let model = runtime
            .resolve_model(&catalog, "ollama/gpt-oss:20b", None)
            .await
            .unwrap();
        assert_eq!(model.base_url.as_str(), server.url("/v1"), "{what}");
        assert!(model.reasoning, "{what}");
    }
}

fn ollama_cap() -> usize {
    clawkit_providers::openai_compatible::DISCOVERY_MAX_BYTES
}

#[tokio::test]
async fn an_unreachable_server_falls_back_to_the_static_catalog() {
    let base_url = format!("http://127.0.0.1:{}", unused_port());
    let runtime = runtime(Env::new(), config_with_base_url(&base_url));
    let catalog = runtime.catalog(None).await;
    assert_eq!(ids(&catalog), static_ids());
    assert_eq!(source(&catalog), RowSource::Static);
    assert!(catalog.failures.is_empty());
}

#[tokio::test]
async fn a_silent_server_is_given_up_on_after_the_timeout() {
    let server = ScriptedServer::start(vec![
        Script::json(200, TAGS).delay_head(Duration::from_secs(10)),
    ])
    .await
    .unwrap();
    let runtime = runtime(Env::new(), config_with_base_url(&server.url("")));
    let started = Instant::now();
    let catalog = runtime.catalog(None).await;
    let took = started.elapsed();
    assert_eq!(ids(&catalog), static_ids());
    assert!(
        took >= Duration::from_millis(2_900) && took < Duration::from_secs(6),
        "{took:?}"
    );
}

#[test]
fn the_catalog_works_without_a_tokio_runtime() {
    // Polled by `futures`' executor, as the test kit does: the request runs
    // on its own runtime, so an unreachable server still falls back.
    let base_url = format!("http://127.0.0.1:{}", unused_port());
    let runtime = runtime(Env::new(), config_with_base_url(&base_url));
    let catalog = block_on(runtime.catalog(None));
    assert_eq!(ids(&catalog), static_ids());
}

#[test]
fn the_static_catalog_is_offline_and_free() {
    let runtime = runtime(Env::new(), Config::new());
    let catalog = block_on(runtime.static_catalog(None));
    assert_eq!(ids(&catalog), ["llama3.2", "qwen2.5-coder", "gpt-oss:20b"]);
    let entry = &catalog.provider("ollama").unwrap().config;
    assert_eq!(entry.base_url.as_str(), "http://127.0.0.1:11434/v1");
    assert_eq!(entry.api, Some(ModelApi::OpenAiCompletions));
    assert!(
        entry
            .models
            .iter()
            .all(|m| m.cost.input == 0.0 && m.cost.output == 0.0)
    );
}

#[tokio::test]
async fn an_explicit_model_list_is_used_as_is_without_asking_the_server() {
    let server = ScriptedServer::start(vec![Script::json(200, TAGS)])
        .await
        .unwrap();
    let config: Config = serde_json::from_value(json!({
        "models": {"providers": {"ollama": {
            "baseUrl": server.url(""),
            "api": "ollama",
            "models": [{"id": "my-finetune:q8", "name": "Mine", "contextWindow": 16384, "maxTokens": 2048}]
        }}}
    }))
    .unwrap();
    let runtime = runtime(Env::new(), config);
    let catalog = runtime.catalog(None).await;
    assert_eq!(ids(&catalog), ["my-finetune:q8"]);
    assert!(server.requests().is_empty());

    // `api: "ollama"` and the bare host are rewritten for the transport.
    let model = runtime
        .resolve_model(&catalog, "ollama/my-finetune:q8", None)
        .await
        .unwrap();
    assert_eq!(model.api, ModelApi::OpenAiCompletions);
    assert_eq!(model.base_url.as_str(), server.url("/v1"));
    assert_eq!((model.context_window, model.max_tokens), (16_384, 2_048));
    assert_eq!(model.compat.supports_developer_role, Some(false));
}

#[test]
fn any_model_id_resolves_dynamically() {
    let provider = ollama::plugin().unwrap().provider();
    let model = provider
        .resolve_dynamic_model(&DynamicModelContext::new("ollama", "mistral-nemo:12b"))
        .unwrap();
    assert_eq!(
        (model.provider.as_str(), model.id.as_str()),
        ("ollama", "mistral-nemo:12b")
    );
    assert_eq!(model.api, ModelApi::OpenAiCompletions);
    assert_eq!(model.base_url.as_str(), "http://127.0.0.1:11434/v1");
    assert_eq!((model.context_window, model.max_tokens), (128_000, 8_192));
    assert_eq!(model.cost.input, 0.0);
    assert!(!model.reasoning);

    // Through the runtime, on the configured host, with the local compat.
    let runtime = runtime(Env::new(), config_with_base_url("http://gpu-box:11434"));
    let model =
        block_on(runtime.resolve_model(&Catalog::default(), "ollama/qwen3:30b", None)).unwrap();
    assert_eq!(model.base_url.as_str(), "http://gpu-box:11434/v1");
    assert!(model.reasoning);
    assert_eq!(
        model.compat.max_tokens_field,
        Some(MaxTokensField::MaxTokens)
    );
}

#[test]
fn auth_resolves_without_any_env_var() {
    for config in [Config::new(), config_with_base_url("http://gpu-box:11434")] {
        let runtime = runtime(Env::new(), config);
        let auth = runtime
            .resolve_auth("ollama", &AuthRequest::default(), None)
            .unwrap();
        assert_eq!(auth.api_key.expose(), ollama::LOCAL_MARKER);
        assert_eq!(auth.mode, CredentialKind::None);
        assert!(
            matches!(auth.source, AuthSource::Plugin { .. }),
            "{:?}",
            auth.source
        );
    }

    let with_key = runtime(
        Env::new().with("OLLAMA_API_KEY", "proxy-secret"),
        Config::new(),
    );
    let auth = with_key
        .resolve_auth("ollama", &AuthRequest::default(), None)
        .unwrap();
    assert_eq!(auth.api_key.expose(), "proxy-secret");
    assert_eq!(
        auth.source,
        AuthSource::Env {
            name: "OLLAMA_API_KEY".to_owned()
        }
    );
}

#[tokio::test]
async fn a_pulled_model_streams_through_the_openai_compatible_endpoint() {
    let body = concat!(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello from\"}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" llama.\"},\"finish_reason\":\"stop\"}]}\n\n",
        "data: [DONE]\n\n",
    );
    let server = ScriptedServer::start(vec![Script::json(200, TAGS), Script::sse(body)])
        .await
        .unwrap();
    let runtime = runtime(Env::new(), config_with_base_url(&server.url("")));
    let catalog = runtime.catalog(None).await;
    let model = runtime
        .resolve_model(&catalog, "ollama/llama3.2:latest", None)
        .await
        .unwrap();
    let events = stream_answer(&runtime, &catalog, model, Context::user("Hi"), Some(256)).await;
    assert_eq!(finished_text(&events), "Hello from llama.");
    let sent = &server.requests()[1];
    assert_eq!(sent.path, "/v1/chat/completions");
    let body = sent.json();
    assert_eq!(body["model"], "llama3.2:latest");
    assert_eq!(body["max_tokens"], 256);
    assert!(body.get("max_completion_tokens").is_none());
    assert!(body.get("store").is_none());
}
