//! The guide's three tests in Rust, plus hook-trace snapshots of the whole
//! pipeline for the Acme AI provider.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod conformance;
mod stream;

use clawkit_core::{
    CatalogContext, CatalogResult, Context, DynamicModelContext, Env, KeySource, Message, RowSource,
};
use clawkit_testkit::{Harness, assert_trace_snapshot, block_on};

fn harness(env: Env) -> Harness {
    Harness::with_env(env, |runtime| runtime.plugin(acme_ai::plugin().unwrap()))
}

// ---------------------------------------------------------------- the guide's tests

#[test]
fn resolves_dynamic_models() {
    let provider = acme_ai::plugin().unwrap().provider();
    let model = provider
        .resolve_dynamic_model(&DynamicModelContext::new("acme-ai", "acme-beta-v3"))
        .unwrap();
    assert_eq!(model.id, "acme-beta-v3");
    assert_eq!(model.provider, "acme-ai");
}

#[test]
fn returns_catalog_when_key_is_available() {
    let provider = acme_ai::plugin().unwrap().provider();
    let result =
        block_on(provider.catalog(&CatalogContext::new("acme-ai").with_api_key("test-key")))
            .unwrap();
    let Some(CatalogResult::Provider(config)) = result else {
        panic!("expected a provider, got {result:?}")
    };
    assert_eq!(config.models.len(), 2);
}

#[test]
fn returns_null_catalog_when_no_key() {
    let provider = acme_ai::plugin().unwrap().provider();
    let result = block_on(provider.catalog(&CatalogContext::new("acme-ai"))).unwrap();
    assert!(result.is_none());
}

// ---------------------------------------------------------------- the pipeline, snapshotted

#[test]
fn catalog_with_a_key_from_the_environment() {
    let harness = harness(Env::new().with("ACME_AI_API_KEY", "sk-acme-test"));
    let entry = harness.catalog.provider("acme-ai").unwrap();
    assert_eq!(entry.source, RowSource::Live);
    assert_trace_snapshot!(harness.catalog_trace);
}

#[test]
fn catalog_without_a_key_falls_back_to_static_rows() {
    let harness = harness(Env::new());
    assert_eq!(
        harness.catalog.provider("acme-ai").unwrap().source,
        RowSource::Static
    );
    let (statics, trace) = harness.static_catalog();
    assert_eq!(statics.model_ids("acme-ai"), ["acme-large", "acme-small"]);
    insta::assert_snapshot!(trace.render(), @r#"staticCatalog [acme-ai]: → {"provider":{"baseUrl":"https://api.acme-ai.com/v1","api":"openai-completions","models":[{"id":"acme-large","name":"Acme Large","reasoning":true,"input":["text","image"],"cost":{"input":3.0,"output":15.0,"cacheRead":0.3,"cacheWrite":3.75},"contextWindow":200000,"maxTokens":32768},{"id":"acme-small","name":"Acme Small","reasoning":false,"input":["text"],"cost":{"input":1.0,"output":5.0,"cacheRead":0.1,"cacheWrite":1.25},"contextWindow":128000,"maxTokens":8192}]}}"#);
}

#[test]
fn resolving_a_catalog_model() {
    let harness = harness(Env::new().with("ACME_AI_API_KEY", "sk-acme-test"));
    let run = harness.resolve("acme-ai/acme-large");
    assert_eq!(run.model().context_window, 200_000);
    assert_trace_snapshot!(run.trace);
}

#[test]
fn resolving_a_bare_dynamic_model_through_model_support() {
    let harness = harness(Env::new().with("ACME_AI_API_KEY", "sk-acme-test"));
    let run = harness.resolve("acme-beta-v3");
    assert_eq!(run.model().reference(), "acme-ai/acme-beta-v3");
    assert_trace_snapshot!(run.trace);
}

#[test]
fn auth_comes_from_the_manifest_env_var_and_the_alias_reuses_it() {
    let harness = harness(Env::new().with("ACME_AI_API_KEY", "sk-acme-test"));
    let run = harness.resolve_auth("acme-ai-coding");
    assert_eq!(
        run.result.as_ref().unwrap().source.to_string(),
        "env: ACME_AI_API_KEY"
    );
    assert_trace_snapshot!(run.trace);
    let missing = harness_without_key().resolve_auth("acme-ai");
    assert_eq!(
        missing.result.unwrap_err().to_string(),
        "no API key found for provider \"acme-ai\"; set ACME_AI_API_KEY"
    );
}

fn harness_without_key() -> Harness {
    harness(Env::new())
}

#[test]
fn the_cli_flag_resolves_non_interactively() {
    let provider = acme_ai::plugin().unwrap().provider();
    let method = provider.auth_methods().into_iter().next().unwrap();
    let flags = [("acmeAiApiKey".to_owned(), "sk-from-flag".to_owned())].into();
    let result = method
        .run_non_interactive(&flags, &Env::new(), &clawkit_core::AuthStore::new())
        .unwrap();
    assert_eq!(result.source, KeySource::Flag("--acme-ai-api-key".into()));
    assert_eq!(result.profile_id, "acme-ai:default");
    assert_eq!(result.default_model.as_deref(), Some("acme-ai/acme-large"));
    assert_eq!(provider.env_vars(), ["ACME_AI_API_KEY"]);
}

#[test]
fn text_transforms_rewrite_both_ways() {
    let harness = harness(Env::new());
    let transforms = harness.runtime.text_transforms_for("acme-ai");
    let mut context = Context::user("Put the red basket on the left shelf, then the red basket");
    transforms.apply_input_to_context(&mut context);
    assert_eq!(
        context.messages[0],
        Message::user("Put the blue basket on the right shelf, then the blue basket")
    );
    assert_eq!(
        transforms.apply_output("Here is your digital ticket"),
        "Here is your paper ticket"
    );
}

#[test]
fn the_manifest_and_package_are_valid() {
    let report = clawkit_manifest::PluginManifest::parse(
        acme_ai::MANIFEST_JSON.as_bytes(),
        "openclaw.plugin.json",
    );
    assert!(
        report.diagnostics().is_empty(),
        "{}",
        report.diagnostics().render(false)
    );
    let package = acme_ai::package().unwrap();
    let block = package.openclaw.unwrap();
    assert_eq!(block.extensions, ["./index.ts"]);
}
