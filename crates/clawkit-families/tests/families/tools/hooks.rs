//! The families as installed hooks: names, one-line installation, and a
//! whole turn through the runtime.

use clawkit_core::prelude::*;
use clawkit_core::{ModelContext, Tool, ToolSchemaContext};
use clawkit_families::FamiliesError;
use clawkit_families::tools::{ChangeKind, ToolCompatFamily, ToolCompatHooks, xai};
use clawkit_http::{BuiltinTransports, HttpClient};
use clawkit_testkit::{Harness, Recorded};
use serde_json::json;

const BASE_URL: &str = "https://api.acme.example/v1";

fn context(provider: &str, api: ModelApi, tools: Vec<Tool>) -> ToolSchemaContext {
    let model = RuntimeModel::new(provider, "m", api, BASE_URL.parse().unwrap());
    ToolSchemaContext::new(ModelContext::of(&model), tools)
}

#[test]
fn families_go_by_their_openclaw_names() {
    for family in ToolCompatFamily::ALL {
        assert_eq!(family.as_str().parse::<ToolCompatFamily>().unwrap(), family);
        assert_eq!(family.to_string(), family.as_str());
        assert_eq!(family.hooks().family(), Some(family));
    }
    let error = "xai".parse::<ToolCompatFamily>().unwrap_err();
    assert_eq!(
        error,
        FamiliesError::UnknownFamily {
            kind: "tool-compat",
            name: "xai".to_owned(),
            known: "deepseek, gemini, llamacpp-gbnf, openai".to_owned(),
        }
    );
    assert_eq!(
        error.to_string(),
        "unknown tool-compat family \"xai\"; known: deepseek, gemini, llamacpp-gbnf, openai"
    );
    // Exact names only, as in OpenClaw.
    assert!("Gemini".parse::<ToolCompatFamily>().is_err());
}

#[test]
fn a_provider_installs_a_family_in_one_line() {
    let entry = SingleProviderPluginEntry::builder("acme-ai")
        .hooks(ToolCompatFamily::DeepSeek.hooks())
        .build();
    let provider = entry.provider();
    let tool = Tool::new(
        "pick",
        "Pick a colour",
        json!({"type": "object", "properties": {"colour": {"oneOf": [{"const": "red"}, {"const": "blue"}]}}}),
    );
    let ctx = context("acme-ai", ModelApi::OpenAiCompletions, vec![tool]);
    let found = provider.inspect_tool_schemas(&ctx).unwrap();
    assert_eq!(
        found[0].violations,
        ["pick.parameters.properties.colour.oneOf"]
    );
    let tools = provider.normalize_tool_schemas(&ctx).unwrap();
    assert_eq!(
        tools[0].parameters,
        json!({"type": "object", "properties": {"colour": {"type": "string", "enum": ["red", "blue"]}}})
    );
    assert_eq!(tools[0].description, "Pick a colour");
}

#[test]
fn the_report_comes_with_the_tools_and_names_each_change() {
    let tools = vec![
        Tool::new(
            "clean",
            "",
            json!({"type": "object", "properties": {"q": {"type": "string"}}}),
        ),
        Tool::new(
            "dirty",
            "",
            json!({"type": "object", "properties": {"q": {"type": "string", "pattern": "^a"}}}),
        ),
        Tool::new("none", "", json!(null)),
    ];
    let ctx = context("acme-ai", ModelApi::OpenAiCompletions, tools);
    let out = ToolCompatFamily::LlamacppGbnf
        .hooks()
        .normalize_tools(&ctx)
        .unwrap();
    assert_eq!(out.tools.len(), 3);
    assert_eq!(out.tools[2].parameters, json!(null));
    assert_eq!(out.changes.len(), 1);
    let dirty = &out.changes[0];
    assert_eq!((dirty.tool_name.as_str(), dirty.tool_index), ("dirty", 1));
    assert_eq!(dirty.changes[0].path, "/properties/q/pattern");
    assert_eq!(dirty.changes[0].change, ChangeKind::Removed);
    assert_eq!(
        dirty.changes[0].to_string(),
        "/properties/q/pattern: removed: llama.cpp grammars cannot match patterns"
    );

    // The hook hands the same report to the runtime, in its terms.
    assert_eq!(ctx.reported_changes(), None);
    ToolCompatFamily::LlamacppGbnf
        .hooks()
        .normalize_tool_schemas(&ctx)
        .unwrap();
    let reported = ctx.reported_changes().unwrap();
    assert_eq!(reported.len(), 1);
    assert_eq!(
        (reported[0].tool_name.as_str(), reported[0].tool_index),
        ("dirty", Some(1))
    );
    assert_eq!(reported[0].path, "/parameters/properties/q/pattern");
    assert_eq!(reported[0].keyword, "pattern");
    assert_eq!(reported[0].change, clawkit_core::SchemaChangeKind::Removed);
    assert_eq!(
        reported[0].detail.as_deref(),
        Some("llama.cpp grammars cannot match patterns")
    );
}

#[test]
fn openai_normalizes_only_on_native_routes_and_never_reports() {
    let tools = || {
        vec![
            Tool::new("t", "", json!(null)),
            Tool::new("u", "", json!({"type": "object"})),
        ]
    };
    let hooks = ToolCompatFamily::OpenAi.hooks();
    let proxy = context("openai", ModelApi::OpenAiResponses, tools());
    assert_eq!(hooks.normalize_tool_schemas(&proxy), None);
    let native = RuntimeModel::new(
        "openai",
        "gpt",
        ModelApi::OpenAiResponses,
        "https://api.openai.com/v1".parse().unwrap(),
    );
    let native = ToolSchemaContext::new(ModelContext::of(&native), tools());
    let strict =
        json!({"type": "object", "properties": {}, "required": [], "additionalProperties": false});
    let normalized = hooks.normalize_tool_schemas(&native).unwrap();
    assert_eq!(normalized[0].parameters, strict);
    assert_eq!(normalized[1].parameters, strict);
    assert_eq!(hooks.inspect_tool_schemas(&native), Some(Vec::new()));
}

#[test]
fn xai_hooks_strip_its_keywords() {
    let hooks = ToolCompatHooks::xai();
    assert_eq!(hooks.family(), None);
    let schema = json!({"type": "array", "contains": {"type": "string"}, "minContains": 1, "maxContains": 3});
    let ctx = context(
        "xai",
        ModelApi::OpenAiCompletions,
        vec![Tool::new("tags", "", schema)],
    );
    let found = hooks.inspect_tool_schemas(&ctx).unwrap();
    assert_eq!(
        found[0].violations,
        ["tags.parameters.minContains", "tags.parameters.maxContains"]
    );
    let tools = hooks.normalize_tool_schemas(&ctx).unwrap();
    assert_eq!(
        tools[0].parameters,
        json!({"type": "array", "contains": {"type": "string"}})
    );
    assert_eq!(xai::TOOL_CALL_ARGUMENTS_ENCODING, "html-entities");
    let custom = ToolCompatHooks::strip_keywords(["contains"]);
    assert_eq!(
        custom.normalize_tool_schemas(&ctx).unwrap()[0].parameters,
        json!({"type": "array", "minContains": 1, "maxContains": 3})
    );
}

/// A provider on an OpenAI-compatible Gemini endpoint: catalog from the
/// builder, tool compat from the family.
fn gemini_harness() -> Harness {
    let entry = SingleProviderPluginEntry::builder("acme-gemini")
        .env_var("ACME_GEMINI_API_KEY")
        .build_static_provider(|| {
            Ok(
                ProviderConfig::new(BASE_URL.parse()?, ModelApi::OpenAiCompletions)
                    .with_model(ModelDefinition::new("gemini-flash")),
            )
        })
        .hooks(ToolCompatFamily::Gemini.hooks())
        .build();
    let transports = BuiltinTransports::new(HttpClient::new().unwrap());
    Harness::with_env(
        Env::new().with("ACME_GEMINI_API_KEY", "sk-test"),
        |runtime| runtime.plugin(entry).transports(transports),
    )
}

#[test]
fn a_whole_turn_sends_the_cleaned_schema_and_reports_what_is_left() {
    let schema = json!({
        "type": "object",
        "properties": {
            "city": {"type": "string", "minLength": 1},
            "point": {"type": "array", "prefixItems": [{"type": "number", "minimum": -90}]},
        },
        "additionalProperties": false,
    });
    let request = TurnRequest::prompt("acme-gemini/gemini-flash", "weather?")
        .tools(vec![Tool::new("weather", "Get the weather", schema)]);
    let streamed = gemini_harness().stream(request, Recorded::Text);
    assert!(
        matches!(streamed.terminal(), Some(StreamEvent::Done { .. })),
        "{:?}",
        streamed.error
    );
    let body = streamed.request().unwrap().json();
    assert_eq!(
        body["tools"][0]["function"]["parameters"],
        json!({
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "point": {"type": "array", "prefixItems": [{"type": "number", "minimum": -90}]},
            },
        })
    );
    // The inspection runs on the normalized tools: what Gemini's cleaner
    // keeps as written (here, inside `prefixItems`) is still reported.
    let report = streamed.report.unwrap();
    assert_eq!(report.tool_diagnostics.len(), 1);
    assert_eq!(
        report.tool_diagnostics[0].violations,
        ["weather.parameters.properties.point.prefixItems[0].minimum"]
    );
    assert_eq!(
        streamed
            .trace
            .hooks()
            .into_iter()
            .filter(|h| h.ends_with("ToolSchemas"))
            .collect::<Vec<_>>(),
        ["normalizeToolSchemas", "inspectToolSchemas"]
    );
}
