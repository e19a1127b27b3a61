//! The families each built-in provider installs, as OpenClaw installs them:
//! google `google-gemini` replay (reasoning native) and `google-thinking`;
//! anthropic `native-anthropic-by-model`; openai `openai-compatible` replay
//! and `openai-responses-defaults`; ollama and openai-compatible the
//! `openai-compatible` replay.

use clawkit_core::{
    Env, HookTrace, ModelApi, ModelContext, ProviderPlugin, ReasoningOutputMode, TraceOutcome,
};
use clawkit_http::{BuiltinTransports, HttpClient, HttpConfig};
use clawkit_testkit::{Harness, Recorded};

fn provider(id: &str) -> std::sync::Arc<dyn ProviderPlugin> {
    let plugin = match id {
        "openai" => clawkit_providers::openai::plugin(),
        "anthropic" => clawkit_providers::anthropic::plugin(),
        "google" => clawkit_providers::google::plugin(),
        "ollama" => clawkit_providers::ollama::plugin(),
        _ => clawkit_providers::openai_compatible::plugin(),
    };
    plugin.unwrap().provider()
}

#[test]
fn each_provider_builds_its_replay_familys_policy() {
    let policy = |id: &str, model: &str, api: ModelApi| {
        provider(id)
            .build_replay_policy(&ModelContext::new(id, model, Some(api)))
            .unwrap()
    };
    let google = policy("google", "gemini-2.5-pro", ModelApi::GoogleGenerativeAi);
    assert_eq!(google.validate_gemini_turns, Some(true), "google-gemini");
    let anthropic = policy(
        "anthropic",
        "claude-sonnet-4-5",
        ModelApi::AnthropicMessages,
    );
    assert_eq!(
        anthropic.preserve_native_anthropic_tool_use_ids,
        Some(true),
        "native-anthropic-by-model"
    );
    let openai = policy("openai", "gpt-5-mini", ModelApi::OpenAiResponses);
    assert_eq!(
        openai.allow_synthetic_tool_results,
        Some(true),
        "openai-compatible, Responses"
    );
    for id in ["ollama", "openai-compatible"] {
        let local = policy(id, "llama3.2", ModelApi::OpenAiCompletions);
        assert_eq!(
            local.drop_reasoning_from_history,
            Some(true),
            "{id}: openai-compatible"
        );
    }
}

#[test]
fn the_direct_google_provider_reads_reasoning_natively() {
    let ctx = ModelContext::new(
        "google",
        "gemini-2.5-pro",
        Some(ModelApi::GoogleGenerativeAi),
    );
    assert_eq!(
        provider("google").resolve_reasoning_output_mode(&ctx),
        Some(ReasoningOutputMode::Native),
        "google-gemini says tagged; the provider overrides it"
    );
}

/// The `wrapStreamFn` entry of a turn's trace.
fn wrap_outcome(model: &str, env: (&str, &str)) -> TraceOutcome {
    let config = HttpConfig::default().with_system_proxy(false);
    let transports = BuiltinTransports::new(HttpClient::with_config(config).unwrap());
    let harness = Harness::with_env(Env::new().with(env.0, env.1), |runtime| {
        clawkit_providers::builtin_plugins()
            .unwrap()
            .into_iter()
            .fold(runtime, |runtime, plugin| runtime.plugin(plugin))
            .transports(transports)
    });
    let trace: HookTrace = harness.stream_prompt(model, "hi", Recorded::Text).trace;
    let entry = trace
        .entries()
        .iter()
        .find(|e| e.hook == "wrapStreamFn")
        .unwrap();
    entry.outcome.clone()
}

#[test]
fn openai_and_google_wrap_their_streams_and_anthropic_does_not() {
    for (model, env) in [
        ("openai/gpt-5-mini", ("OPENAI_API_KEY", "sk-test")),
        ("google/gemini-2.5-flash", ("GEMINI_API_KEY", "g-test")),
    ] {
        assert!(
            matches!(wrap_outcome(model, env), TraceOutcome::Returned { .. }),
            "{model}"
        );
    }
    assert_eq!(
        wrap_outcome(
            "anthropic/claude-sonnet-4-5",
            ("ANTHROPIC_API_KEY", "a-test")
        ),
        TraceOutcome::NotHandled
    );
}

#[test]
fn google_and_openai_normalize_tool_schemas_and_anthropic_does_not() {
    let tool = clawkit_core::Tool::new(
        "lookup",
        "Looks a thing up",
        serde_json::json!({
            "type": "object",
            "properties": {"kind": {"const": "city"}, "name": {"type": "string"}},
            "required": ["kind", "name"],
            "additionalProperties": false
        }),
    );
    let normalized = |id: &str, model: &str, api: ModelApi| {
        let ctx = clawkit_core::ToolSchemaContext::new(
            ModelContext::new(id, model, Some(api)),
            vec![tool.clone()],
        );
        provider(id).normalize_tool_schemas(&ctx)
    };
    let gemini = normalized("google", "gemini-2.5-flash", ModelApi::GoogleGenerativeAi).unwrap();
    let kind = &gemini[0].parameters["properties"]["kind"];
    assert_eq!(
        kind["enum"],
        serde_json::json!(["city"]),
        "gemini: const → enum"
    );
    assert!(gemini[0].parameters.get("additionalProperties").is_none());
    assert!(normalized("openai", "gpt-5-mini", ModelApi::OpenAiResponses).is_some());
    assert!(
        normalized(
            "anthropic",
            "claude-sonnet-4-5",
            ModelApi::AnthropicMessages
        )
        .is_none()
    );
}
