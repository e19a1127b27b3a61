//! OpenAI, Anthropic and Google: manifests, catalogs, resolution, auth, and a
//! real stream through each one's API against a local server.

use crate::{finished_text, stream_answer};
use clawkit_core::{
    AuthRequest, Context, CoreErrorKind, Env, ModelApi, RowSource, Runtime, RuntimeModel,
    StreamEvent,
};
use clawkit_providers::{anthropic, builtin_plugins, google, ollama, openai, openai_compatible};
use clawkit_testkit::{Script, ScriptedServer, block_on};

fn runtime(env: Env) -> Runtime {
    builtin_plugins()
        .unwrap()
        .into_iter()
        .fold(
            Runtime::builder().env(env).transports(crate::transports()),
            |builder, plugin| builder.plugin(plugin),
        )
        .build()
        .unwrap()
}

#[test]
fn every_builtin_manifest_parses_without_warnings_and_is_registered() {
    let manifests = [
        (openai::PROVIDER_ID, openai::MANIFEST_JSON),
        (anthropic::PROVIDER_ID, anthropic::MANIFEST_JSON),
        (google::PROVIDER_ID, google::MANIFEST_JSON),
        (ollama::PROVIDER_ID, ollama::MANIFEST_JSON),
        (
            openai_compatible::PROVIDER_ID,
            openai_compatible::MANIFEST_JSON,
        ),
    ];
    for (id, json) in manifests {
        let parsed =
            clawkit_manifest::PluginManifest::parse(json.as_bytes(), "openclaw.plugin.json");
        assert!(parsed.is_valid(), "{id}");
        assert!(
            parsed.diagnostics().is_empty(),
            "{id}: {:?}",
            parsed.diagnostics()
        );
    }
    let registered: Vec<String> = builtin_plugins()
        .unwrap()
        .iter()
        .map(|p| clawkit_core::PluginEntry::id(p).to_owned())
        .collect();
    let expected: Vec<String> = manifests.iter().map(|(id, _)| (*id).to_owned()).collect();
    assert_eq!(registered, expected);
}

#[test]
fn the_static_catalog_needs_no_credentials_and_has_the_published_limits() {
    let runtime = runtime(Env::new());
    let catalog = block_on(runtime.static_catalog(None));
    let rows = catalog.rows();
    let find = |provider: &str, id: &str| {
        rows.iter()
            .find(|(p, row, _)| *p == provider && row.id == id)
            .map(|(_, row, _)| (*row).clone())
            .unwrap_or_else(|| panic!("{provider}/{id} missing"))
    };
    // Every field against OpenClaw's catalogs: the `catalog` tests.
    let astra = find("openai", "gpt-6-astra");
    assert_eq!(
        (astra.context_window, astra.context_tokens, astra.max_tokens),
        (Some(1_050_000), Some(272_000), Some(128_000))
    );
    assert_eq!(astra.api, None, "the provider's openai-responses");
    assert_eq!(astra.cost.tiered_pricing.len(), 2);
    let sonnet = find("anthropic", "claude-sonnet-5");
    assert_eq!((sonnet.cost.input, sonnet.cost.output), (2.0, 10.0));
    let flash = find("google", "gemini-2.5-flash");
    assert_eq!(flash.context_window, Some(1_048_576));
    for (provider, count) in [("openai", 12), ("anthropic", 8), ("google", 10)] {
        assert_eq!(
            rows.iter().filter(|(p, _, _)| *p == provider).count(),
            count,
            "{provider}"
        );
    }
}

#[test]
fn the_live_catalog_lists_only_providers_with_a_key() {
    let runtime = runtime(Env::new().with("OPENAI_API_KEY", "sk-test-openai-0123456789"));
    let catalog = block_on(runtime.catalog(None));
    // Providers without a key fall back to their static rows.
    let providers: std::collections::BTreeSet<&str> = catalog
        .rows()
        .iter()
        .filter(|(_, _, source)| *source == RowSource::Live)
        .map(|(p, _, _)| *p)
        .collect();
    assert!(providers.contains("openai"));
    assert!(!providers.contains("anthropic"));
    assert!(!providers.contains("google"));
}

#[test]
fn models_resolve_by_reference_by_bare_id_and_dynamically() {
    let runtime = runtime(
        Env::new()
            .with("OPENAI_API_KEY", "sk-test-openai-0123456789")
            .with("ANTHROPIC_API_KEY", "sk-ant-test-0123456789"),
    );
    let catalog = block_on(runtime.catalog(None));
    let gpt6 = block_on(runtime.resolve_model(&catalog, "openai/gpt-6-sol", None)).unwrap();
    assert_eq!(gpt6.api, ModelApi::OpenAiResponses);
    assert_eq!(gpt6.base_url.as_str(), "https://api.openai.com/v1");
    assert_eq!(gpt6.context_tokens, Some(272_000));
    let bare = block_on(runtime.resolve_model(&catalog, "claude-haiku-4-5", None)).unwrap();
    assert_eq!(bare.provider, "anthropic");
    let unlisted = block_on(runtime.resolve_model(&catalog, "openai/gpt-9-preview", None)).unwrap();
    assert_eq!(
        (unlisted.api, unlisted.context_window),
        (ModelApi::OpenAiResponses, 128_000)
    );
}

#[test]
fn auth_reads_each_providers_env_vars_and_names_them_when_missing() {
    let runtime = runtime(Env::new().with("GOOGLE_API_KEY", "AIza-test-0123456789"));
    let google = runtime
        .resolve_auth("google", &AuthRequest::default(), None)
        .unwrap();
    assert_eq!(google.api_key.expose(), "AIza-test-0123456789");
    let missing = runtime
        .resolve_auth("anthropic", &AuthRequest::default(), None)
        .unwrap_err();
    assert_eq!(missing.kind(), CoreErrorKind::MissingAuth);
    assert!(
        missing.to_string().contains("ANTHROPIC_API_KEY"),
        "{missing}"
    );
}

/// Resolves `reference`, points it at `server`, and streams one answer.
async fn stream_through(
    env: Env,
    reference: &str,
    server: &ScriptedServer,
) -> (RuntimeModel, Vec<StreamEvent>) {
    let runtime = runtime(env);
    let catalog = runtime.catalog(None).await;
    let mut model = runtime
        .resolve_model(&catalog, reference, None)
        .await
        .unwrap();
    model.base_url = server.url("/v1").parse().unwrap();
    let events = stream_answer(
        &runtime,
        &catalog,
        model.clone(),
        Context::user("Say hello"),
        None,
    )
    .await;
    (model, events)
}

fn sse(events: &[(&str, &str)]) -> String {
    events
        .iter()
        .map(|(name, data)| match name {
            &"" => format!("data: {data}\n\n"),
            name => format!("event: {name}\ndata: {data}\n\n"),
        })
        .collect()
}

#[tokio::test]
async fn openai_streams_through_the_responses_api() {
    let body = sse(&[
        (
            "response.created",
            r#"{"type":"response.created","response":{"id":"resp_1","model":"gpt-5-mini-2025-08-07","status":"in_progress"}}"#,
        ),
        (
            "response.output_item.added",
            r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}"#,
        ),
        (
            "response.output_text.delta",
            r#"{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hello"}"#,
        ),
        (
            "response.output_text.delta",
            r#"{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":" there."}"#,
        ),
        (
            "response.output_item.done",
            r#"{"type":"response.output_item.done","output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}"#,
        ),
        (
            "response.completed",
            r#"{"type":"response.completed","response":{"id":"resp_1","model":"gpt-5-mini-2025-08-07","status":"completed","usage":{"input_tokens":9,"output_tokens":3,"total_tokens":12}}}"#,
        ),
    ]);
    let server = ScriptedServer::start(vec![Script::sse(body)])
        .await
        .unwrap();
    let (model, events) = stream_through(
        Env::new().with("OPENAI_API_KEY", "sk-test-openai-0123456789"),
        "openai/gpt-5-mini",
        &server,
    )
    .await;
    assert_eq!(model.api, ModelApi::OpenAiResponses);
    assert_eq!(finished_text(&events), "Hello there.");
    let request = &server.requests()[0];
    assert_eq!(request.path, "/v1/responses");
    assert_eq!(request.json()["model"], "gpt-5-mini");
}

#[tokio::test]
async fn anthropic_streams_through_the_messages_api() {
    let body = sse(&[
        (
            "message_start",
            r#"{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"usage":{"input_tokens":10,"output_tokens":1}}}"#,
        ),
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello from Claude."}}"#,
        ),
        (
            "content_block_stop",
            r#"{"type":"content_block_stop","index":0}"#,
        ),
        (
            "message_delta",
            r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":5}}"#,
        ),
        ("message_stop", r#"{"type":"message_stop"}"#),
    ]);
    let server = ScriptedServer::start(vec![Script::sse(body)])
        .await
        .unwrap();
    let (_, events) = stream_through(
        Env::new().with("ANTHROPIC_API_KEY", "sk-ant-test-0123456789"),
        "anthropic/claude-sonnet-4-5",
        &server,
    )
    .await;
    assert_eq!(finished_text(&events), "Hello from Claude.");
    let request = &server.requests()[0];
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.header("x-api-key"), Some("sk-ant-test-0123456789"));
}

#[tokio::test]
async fn google_streams_through_generate_content() {
    let body = sse(&[
        (
            "",
            r#"{"candidates":[{"content":{"parts":[{"text":"Hello from"}],"role":"model"},"index":0}],"modelVersion":"gemini-2.5-flash"}"#,
        ),
        (
            "",
            r#"{"candidates":[{"content":{"parts":[{"text":" Gemini."}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":4,"totalTokenCount":8},"modelVersion":"gemini-2.5-flash"}"#,
        ),
    ]);
    let server = ScriptedServer::start(vec![Script::sse(body)])
        .await
        .unwrap();
    let (_, events) = stream_through(
        Env::new().with("GEMINI_API_KEY", "AIza-test-0123456789"),
        "google/gemini-2.5-flash",
        &server,
    )
    .await;
    assert_eq!(finished_text(&events), "Hello from Gemini.");
    let request = &server.requests()[0];
    assert_eq!(
        request.path,
        "/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );
    assert_eq!(
        request.header("x-goog-api-key"),
        Some("AIza-test-0123456789")
    );
}
