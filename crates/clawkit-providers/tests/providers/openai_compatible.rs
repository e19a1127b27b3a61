//! Any OpenAI-compatible server: base URL from config, env or default, the
//! live `/models` list, optional key (loopback vs remote), dynamic models
//! and a stream end to end.

use crate::{finished_text, stream_answer};
use clawkit_core::{
    AuthRequest, AuthSource, Catalog, Config, Context, CoreErrorKind, DynamicModelContext, Env,
    LOCAL_AUTH_MARKER, MaxTokensField, ModelApi, Runtime,
};
use clawkit_providers::openai_compatible::{self, API_KEY_ENV, BASE_URL_ENV};
use clawkit_testkit::{Script, ScriptedServer, block_on};
use serde_json::json;

const ID: &str = "openai-compatible";

const MODELS: &str = r#"{"object":"list","data":[
  {"id":"Qwen/Qwen2.5-7B-Instruct","object":"model","owned_by":"vllm","max_model_len":32768},
  {"id":"llama-3.1-8b-instruct","object":"model","owned_by":"me"},
  {"id":"tiny","object":"model","max_model_len":2048},
  {"object":"model"},
  {"id":"llama-3.1-8b-instruct","object":"model"}
]}"#;

fn runtime(env: Env, config: Config) -> Runtime {
    Runtime::builder()
        .transports(crate::transports())
        .plugin(openai_compatible::plugin().unwrap())
        .env(env)
        .config(config)
        .build()
        .unwrap()
}

/// A user config with `models.providers.openai-compatible.baseUrl = base_url`.
fn config_with_base_url(base_url: &str) -> Config {
    serde_json::from_value(json!({
        "models": {"providers": {ID: {"baseUrl": base_url}}}
    }))
    .unwrap()
}

fn entry_base_url(catalog: &Catalog) -> String {
    catalog.provider(ID).unwrap().config.base_url.to_string()
}

#[tokio::test]
async fn the_live_catalog_lists_the_servers_models() {
    let server = ScriptedServer::start(vec![Script::json(200, MODELS)])
        .await
        .unwrap();
    let runtime = runtime(Env::new(), config_with_base_url(&server.url("/v1")));
    let catalog = runtime.catalog(None).await;

    assert_eq!(
        catalog.model_ids(ID),
        ["Qwen/Qwen2.5-7B-Instruct", "llama-3.1-8b-instruct", "tiny"]
    );
    let entry = &catalog.provider(ID).unwrap().config;
    assert_eq!(entry.api, Some(ModelApi::OpenAiCompletions));
    let limits: Vec<_> = entry
        .models
        .iter()
        .map(|m| (m.context_window.unwrap(), m.max_tokens.unwrap()))
        .collect();
    assert_eq!(limits, [(32_768, 4_096), (32_768, 4_096), (2_048, 2_048)]);
    assert!(entry.models.iter().all(|m| m.cost.input == 0.0));

    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("GET", "/v1/models")
    );
    assert_eq!(
        sent[0].header("authorization"),
        None,
        "the local marker is not sent"
    );
}

#[tokio::test]
async fn the_key_is_sent_when_listing_models() {
    let server = ScriptedServer::start(vec![Script::json(200, MODELS)])
        .await
        .unwrap();
    let runtime = runtime(
        Env::new().with(API_KEY_ENV, "sk-vllm-test"),
        config_with_base_url(&server.url("/v1")),
    );
    let catalog = runtime.catalog(None).await;
    assert_eq!(catalog.model_ids(ID).len(), 3);
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer sk-vllm-test")
    );
}

#[tokio::test]
async fn the_base_url_comes_from_the_env_when_the_config_has_none() {
    let server = ScriptedServer::start(vec![Script::json(200, MODELS)])
        .await
        .unwrap();
    let runtime = runtime(
        Env::new().with(BASE_URL_ENV, server.url("/v1")),
        Config::new(),
    );
    let catalog = runtime.catalog(None).await;
    assert_eq!(entry_base_url(&catalog), server.url("/v1"));
    assert_eq!(catalog.model_ids(ID).len(), 3);
    assert_eq!(server.requests()[0].path, "/v1/models");

    // A model the server did not list still resolves, on that server.
    let model = runtime
        .resolve_model(&catalog, "openai-compatible/some-other-model", None)
        .await
        .unwrap();
    assert_eq!(model.base_url.as_str(), server.url("/v1"));
    assert_eq!(model.api, ModelApi::OpenAiCompletions);
}

#[tokio::test]
async fn the_config_wins_over_the_env() {
    let configured = ScriptedServer::start(vec![Script::json(200, MODELS)])
        .await
        .unwrap();
    let from_env = ScriptedServer::start(vec![Script::json(200, MODELS)])
        .await
        .unwrap();
    let runtime = runtime(
        Env::new().with(BASE_URL_ENV, from_env.url("/v1")),
        config_with_base_url(&configured.url("/v1")),
    );
    let catalog = runtime.catalog(None).await;
    assert_eq!(entry_base_url(&catalog), configured.url("/v1"));
    assert_eq!(configured.requests().len(), 1);
    assert!(from_env.requests().is_empty());
}

#[test]
fn without_config_or_env_the_base_url_is_vllms_default() {
    let base = openai_compatible::base_url(&Config::new(), &Env::new()).unwrap();
    assert_eq!(base.as_str(), "http://127.0.0.1:8000/v1");
    let error =
        openai_compatible::base_url(&Config::new(), &Env::new().with(BASE_URL_ENV, "not a url"))
            .unwrap_err();
    assert!(error.message().contains(BASE_URL_ENV), "{error}");
}

#[tokio::test]
async fn a_failing_server_gives_an_entry_without_rows() {
    let port = {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        listener.local_addr().unwrap().port()
    };
    let garbage = ScriptedServer::start(vec![Script::json(200, "{\"data\": 42")])
        .await
        .unwrap();
    let error = ScriptedServer::start(vec![Script::json(401, r#"{"error":"no"}"#)])
        .await
        .unwrap();
    for base_url in [
        format!("http://127.0.0.1:{port}/v1"),
        garbage.url("/v1"),
        error.url("/v1"),
    ] {
        let runtime = runtime(Env::new(), config_with_base_url(&base_url));
        let catalog = runtime.catalog(None).await;
        assert!(
            catalog.failures.is_empty(),
            "{base_url}: {:?}",
            catalog.failures
        );
        assert_eq!(entry_base_url(&catalog), base_url);
        assert!(catalog.model_ids(ID).is_empty(), "{base_url}");
    }
}

#[tokio::test]
async fn a_remote_server_without_a_key_is_not_asked() {
    let runtime = runtime(
        Env::new(),
        config_with_base_url("https://llm.corp.example/v1"),
    );
    let catalog = runtime.catalog(None).await;
    assert_eq!(entry_base_url(&catalog), "https://llm.corp.example/v1");
    assert!(catalog.model_ids(ID).is_empty());
}

#[test]
fn an_invalid_env_base_url_is_a_catalog_failure() {
    let runtime = runtime(Env::new().with(BASE_URL_ENV, "::nope"), Config::new());
    let catalog = block_on(runtime.catalog(None));
    assert!(catalog.provider(ID).is_none());
    assert_eq!(catalog.failures.len(), 1);
    assert!(
        catalog.failures[0].error.contains(BASE_URL_ENV),
        "{:?}",
        catalog.failures
    );
}

#[test]
fn auth_is_optional_on_loopback_and_required_elsewhere() {
    let resolve = |env: Env, config: Config| {
        runtime(env, config).resolve_auth(ID, &AuthRequest::default(), None)
    };

    // Loopback: the default, a configured one, one from the env.
    for (env, config) in [
        (Env::new(), Config::new()),
        (Env::new(), config_with_base_url("http://localhost:1234/v1")),
        (
            Env::new().with(BASE_URL_ENV, "http://[::1]:8080/v1"),
            Config::new(),
        ),
    ] {
        let auth = resolve(env, config).unwrap();
        assert_eq!(auth.api_key.expose(), LOCAL_AUTH_MARKER);
        assert_eq!(auth.source, AuthSource::ConfigHook);
    }

    // A key wins, wherever the server is.
    for config in [
        Config::new(),
        config_with_base_url("https://llm.corp.example/v1"),
    ] {
        let auth = resolve(Env::new().with(API_KEY_ENV, "sk-corp"), config).unwrap();
        assert_eq!(auth.api_key.expose(), "sk-corp");
        assert_eq!(
            auth.source,
            AuthSource::Env {
                name: API_KEY_ENV.to_owned()
            }
        );
    }

    // Not loopback, no key: the usual error, naming the env var.
    for (env, config) in [
        (
            Env::new(),
            config_with_base_url("https://llm.corp.example/v1"),
        ),
        (
            Env::new().with(BASE_URL_ENV, "http://10.0.0.7:8000/v1"),
            Config::new(),
        ),
    ] {
        let error = resolve(env, config).unwrap_err();
        assert_eq!(error.kind(), CoreErrorKind::MissingAuth, "{error:?}");
        assert_eq!(
            error.to_string(),
            "no API key found for provider \"openai-compatible\"; set OPENAI_COMPATIBLE_API_KEY"
        );
        assert_eq!(error.env_vars(), [API_KEY_ENV]);
    }
}

#[test]
fn any_model_id_resolves_dynamically() {
    let provider = openai_compatible::plugin().unwrap().provider();
    let model = provider
        .resolve_dynamic_model(&DynamicModelContext::new(ID, "mistralai/Mistral-7B-v0.3"))
        .unwrap();
    assert_eq!(model.id, "mistralai/Mistral-7B-v0.3");
    assert_eq!(model.api, ModelApi::OpenAiCompletions);
    assert_eq!(model.base_url.as_str(), "http://127.0.0.1:8000/v1");
    assert_eq!((model.context_window, model.max_tokens), (32_768, 4_096));
    assert!(!model.reasoning);

    let runtime = runtime(
        Env::new(),
        config_with_base_url("http://lmstudio.lan:1234/v1"),
    );
    let model = block_on(runtime.resolve_model(&Catalog::default(), "openai-compatible/x/y", None))
        .unwrap();
    assert_eq!(model.id, "x/y");
    assert_eq!(model.base_url.as_str(), "http://lmstudio.lan:1234/v1");
    assert_eq!(
        model.compat.max_tokens_field,
        Some(MaxTokensField::MaxTokens)
    );
    assert_eq!(model.compat.supports_store, Some(false));
}

#[tokio::test]
async fn a_listed_model_streams_end_to_end() {
    let body = concat!(
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Served\"}}]}\n\n",
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" locally.\"},\"finish_reason\":\"stop\"}]}\n\n",
        "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}\n\n",
        "data: [DONE]\n\n",
    );
    let server = ScriptedServer::start(vec![Script::json(200, MODELS), Script::sse(body)])
        .await
        .unwrap();
    let runtime = runtime(
        Env::new()
            .with(BASE_URL_ENV, server.url("/v1"))
            .with(API_KEY_ENV, "sk-vllm-test"),
        Config::new(),
    );
    let catalog = runtime.catalog(None).await;
    let model = runtime
        .resolve_model(&catalog, "openai-compatible/Qwen/Qwen2.5-7B-Instruct", None)
        .await
        .unwrap();
    assert_eq!(model.id, "Qwen/Qwen2.5-7B-Instruct");
    let context = Context::user("Where are you?").with_system_prompt("Be brief.");
    let events = stream_answer(&runtime, &catalog, model, context, Some(64)).await;
    assert_eq!(finished_text(&events), "Served locally.");

    let sent = &server.requests()[1];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.header("authorization"), Some("Bearer sk-vllm-test"));
    let body = sent.json();
    assert_eq!(body["model"], "Qwen/Qwen2.5-7B-Instruct");
    assert_eq!(body["stream"], true);
    assert_eq!(body["max_tokens"], 64);
    assert!(body.get("max_completion_tokens").is_none());
    assert!(body.get("store").is_none());
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["content"], "Where are you?");
}

#[tokio::test]
async fn compat_set_in_the_config_is_kept() {
    let config: Config = serde_json::from_value(json!({
        "models": {"providers": {ID: {
            "baseUrl": "https://gateway.corp.example/v1",
            "apiKey": "sk-gateway",
            "models": [{"id": "o4-mini", "reasoning": true,
                        "compat": {"maxTokensField": "max_completion_tokens"}}]
        }}}
    }))
    .unwrap();
    let runtime = runtime(Env::new(), config);
    let catalog = runtime.catalog(None).await;
    assert_eq!(catalog.model_ids(ID), ["o4-mini"]);
    let model = runtime
        .resolve_model(&catalog, "openai-compatible/o4-mini", None)
        .await
        .unwrap();
    assert_eq!(model.base_url.as_str(), "https://gateway.corp.example/v1");
    assert_eq!(
        model.compat.max_tokens_field,
        Some(MaxTokensField::MaxCompletionTokens)
    );
    assert_eq!(model.compat.supports_developer_role, Some(false));
    let auth = runtime
        .resolve_auth(ID, &AuthRequest::default(), None)
        .unwrap();
    assert_eq!(auth.source, AuthSource::Config);
}
