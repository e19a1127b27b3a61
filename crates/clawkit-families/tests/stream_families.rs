//! Each stream family installed the way a provider installs it (its
//! `wrap_stream_fn` returns `StreamFamily::wrap(ctx)`, the runtime builds
//! the stream function), run over the same four request bodies
//! (`tests/data/payloads/`), one per wire API. A recording transport keeps
//! the model, headers and body it would send; each snapshot shows, per API,
//! what the family changed in the body and the headers it set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use clawkit_core::{
    Context, EventStream, ModelApi, ProviderPlugin, Runtime, RuntimeModel, SharedStreamFn,
    StreamRequest, StreamSetup, ThinkingLevel, WrapStreamFnContext, define_plugin_entry,
};
use clawkit_families::stream::{
    StreamFamily, StreamWrapperFactory, compose_provider_stream_wrappers,
};
use serde_json::{Map, Value, json};

/// A provider whose only hook installs one family (or several, composed).
struct FamilyProvider {
    id: String,
    families: Vec<StreamFamily>,
}

impl ProviderPlugin for FamilyProvider {
    fn id(&self) -> &str {
        &self.id
    }

    fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
        if let [family] = self.families.as_slice() {
            return family.wrap(ctx);
        }
        let steps = self.families.iter().map(|family| {
            Some(Box::new(move |f| family.wrap_with(f, ctx)) as StreamWrapperFactory<'_>)
        });
        Some(compose_provider_stream_wrappers(
            ctx.stream_fn.clone(),
            steps.collect::<Vec<_>>(),
        ))
    }
}

/// What the recording transport saw.
struct Sent {
    model_id: String,
    headers: Vec<(String, String)>,
    body: Value,
}

fn payload(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/payloads")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Where a family is tried: provider, endpoint, model, level and params.
struct Scenario {
    families: Vec<StreamFamily>,
    provider: &'static str,
    base_url: &'static str,
    model_id: &'static str,
    level: Option<ThinkingLevel>,
    params: Value,
}

/// Runs the body through the scenario's families for a model speaking `api`.
fn send(scenario: &Scenario, api: ModelApi, body: Value) -> Sent {
    let provider = FamilyProvider {
        id: scenario.provider.to_owned(),
        families: scenario.families.clone(),
    };
    let provider = Arc::new(provider);
    let entry = define_plugin_entry(scenario.provider, None, move |plugins| {
        plugins.register_provider_arc(provider.clone());
    });
    let runtime = Runtime::builder().plugin(entry).build().unwrap();
    let sent = Arc::new(Mutex::new(None));
    let record = Arc::clone(&sent);
    let transport: SharedStreamFn = Arc::new(move |request: StreamRequest| -> EventStream {
        let mut body = body.clone();
        request
            .options
            .apply_payload_hooks(&mut body, &request.model);
        let headers = request
            .options
            .headers
            .iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        *record.lock().unwrap() = Some(Sent {
            model_id: request.model.id.clone(),
            headers,
            body,
        });
        Box::pin(futures::stream::empty())
    });
    let model = RuntimeModel::new(
        scenario.provider,
        scenario.model_id,
        api,
        scenario.base_url.parse().unwrap(),
    )
    .with_limits(200_000, 32_000)
    .with_reasoning(true);
    let mut setup = StreamSetup::new(model.clone())
        .with_extra_params(scenario.params.as_object().cloned().unwrap());
    if let Some(level) = scenario.level {
        setup = setup.with_thinking_level(level);
    }
    let prepared = runtime
        .build_stream_fn(&setup, Some(transport), None)
        .unwrap();
    drop(
        prepared
            .stream_fn
            .stream(StreamRequest::new(model, Context::user("hi"))),
    );
    sent.lock()
        .unwrap()
        .take()
        .expect("the transport was called")
}

/// The changes from `before` to `after`, one line each, as JSON paths.
fn diff(path: &str, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<String>) {
    match (before, after) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            for (key, value) in a {
                diff(&format!("{path}.{key}"), Some(value), b.get(key), out);
            }
            for (key, value) in b.iter().filter(|(key, _)| !a.contains_key(*key)) {
                diff(&format!("{path}.{key}"), None, Some(value), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                diff(&format!("{path}[{index}]"), Some(x), Some(y), out);
            }
        }
        (Some(a), Some(b)) if a == b => {}
        (Some(a), Some(b)) => out.push(format!("~ {path}: {a} -> {b}")),
        (Some(a), None) => out.push(format!("- {path}: {a}")),
        (None, Some(b)) => out.push(format!("+ {path}: {b}")),
        (None, None) => {}
    }
}

const BODIES: [(&str, &str); 4] = [
    ("anthropic-messages", "anthropic.json"),
    ("google-generative-ai", "gemini.json"),
    ("openai-completions", "openai-completions.json"),
    ("openai-responses", "openai-responses.json"),
];

/// The scenario's effect on every body, as text.
fn effects(scenario: &Scenario) -> String {
    let mut text = String::new();
    for (api, file) in BODIES {
        let before = payload(file);
        let sent = send(scenario, ModelApi::from(api), before.clone());
        let mut changes = Vec::new();
        diff("$", Some(&before), Some(&sent.body), &mut changes);
        text.push_str(&format!("## {api}\n"));
        if sent.model_id != scenario.model_id {
            text.push_str(&format!("model sent: {}\n", sent.model_id));
        }
        for (name, value) in &sent.headers {
            text.push_str(&format!("header {name}: {value}\n"));
        }
        if changes.is_empty() {
            text.push_str("body unchanged\n");
        }
        for change in changes {
            text.push_str(&change);
            text.push('\n');
        }
    }
    text
}

fn params(value: Value) -> Value {
    assert!(value.is_object());
    value
}

fn one(family: StreamFamily) -> Vec<StreamFamily> {
    vec![family]
}

#[test]
fn google_thinking() {
    let scenario = Scenario {
        families: one(StreamFamily::GoogleThinking),
        provider: "google",
        base_url: "https://generativelanguage.googleapis.com/v1beta",
        model_id: "gemini-3-pro-preview",
        level: Some(ThinkingLevel::Low),
        params: params(json!({})),
    };
    insta::assert_snapshot!(effects(&scenario));
}

#[test]
fn kilocode_thinking() {
    let scenario = Scenario {
        families: one(StreamFamily::KilocodeThinking),
        provider: "kilocode",
        base_url: "https://api.kilo.ai/api/gateway/",
        model_id: "anthropic/claude-sonnet-4.5",
        level: Some(ThinkingLevel::Medium),
        params: params(json!({})),
    };
    insta::assert_snapshot!(effects(&scenario));
}

#[test]
fn moonshot_thinking() {
    let scenario = Scenario {
        families: one(StreamFamily::MoonshotThinking),
        provider: "moonshot",
        base_url: "https://api.moonshot.ai/v1",
        model_id: "kimi-k2.6",
        level: Some(ThinkingLevel::High),
        params: params(json!({"thinking": {"type": "enabled", "keep": "all"}})),
    };
    insta::assert_snapshot!(effects(&scenario));
}

#[test]
fn minimax_fast_mode() {
    let scenario = Scenario {
        families: one(StreamFamily::MinimaxFastMode),
        provider: "minimax",
        base_url: "https://api.minimax.io/anthropic",
        model_id: "MiniMax-M2.7",
        level: None,
        params: params(json!({"fastMode": true})),
    };
    insta::assert_snapshot!(effects(&scenario));
}

#[test]
fn openai_responses_defaults() {
    let scenario = Scenario {
        families: one(StreamFamily::OpenAiResponsesDefaults),
        provider: "openai",
        base_url: "https://api.openai.com/v1",
        model_id: "gpt-5.2",
        level: Some(ThinkingLevel::High),
        params: params(
            json!({"serviceTier": "flex", "textVerbosity": "low", "responsesCompactThreshold": 50_000}),
        ),
    };
    insta::assert_snapshot!(effects(&scenario));
}

#[test]
fn openrouter_thinking() {
    let scenario = Scenario {
        families: one(StreamFamily::OpenRouterThinking),
        provider: "openrouter",
        base_url: "https://openrouter.ai/api/v1",
        model_id: "anthropic/claude-sonnet-4-6",
        level: Some(ThinkingLevel::Low),
        params: params(json!({"responseCache": true, "responseCacheTtlSeconds": 300})),
    };
    insta::assert_snapshot!(effects(&scenario));
}

#[test]
fn tool_stream_default_on() {
    let scenario = Scenario {
        families: one(StreamFamily::ToolStreamDefaultOn),
        provider: "zai",
        base_url: "https://api.z.ai/api/paas/v4",
        model_id: "glm-4.6",
        level: None,
        params: params(json!({})),
    };
    insta::assert_snapshot!(effects(&scenario));
}

#[test]
fn tool_stream_can_be_turned_off() {
    let scenario = Scenario {
        families: one(StreamFamily::ToolStreamDefaultOn),
        provider: "zai",
        base_url: "https://api.z.ai/api/paas/v4",
        model_id: "glm-4.6",
        level: None,
        params: params(json!({"tool_stream": false})),
    };
    let body = payload("openai-completions.json");
    assert_eq!(
        send(&scenario, ModelApi::OpenAiCompletions, body.clone()).body,
        body
    );
}

#[test]
fn composed_families_patch_in_order_and_the_last_one_wins() {
    // Moonshot inside, OpenRouter outside: OpenRouter's reasoning rule runs
    // last on the body, after Moonshot set `thinking`.
    let scenario = Scenario {
        families: vec![
            StreamFamily::MoonshotThinking,
            StreamFamily::OpenRouterThinking,
        ],
        provider: "openrouter",
        base_url: "https://openrouter.ai/api/v1",
        model_id: "moonshotai/kimi-k2.6",
        level: Some(ThinkingLevel::Medium),
        params: params(json!({})),
    };
    let sent = send(
        &scenario,
        ModelApi::OpenAiCompletions,
        payload("openai-completions.json"),
    );
    assert_eq!(sent.body["thinking"], json!({"type": "enabled"}));
    assert_eq!(sent.body["reasoning"], json!({"effort": "medium"}));
    assert!(sent.body.get("reasoning_effort").is_none());
    // Moonshot's after-step gave the assistant tool call its empty reasoning.
    assert_eq!(sent.body["messages"][2]["reasoning_content"], json!(""));
    let names: Map<String, Value> = sent
        .headers
        .into_iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), json!(value)))
        .collect();
    assert_eq!(names["x-openrouter-title"], json!("OpenClaw"));
}

#[test]
fn the_caller_cannot_override_attribution_but_keeps_its_other_headers() {
    let scenario = Scenario {
        families: one(StreamFamily::OpenAiResponsesDefaults),
        provider: "openai",
        base_url: "https://api.openai.com/v1",
        model_id: "gpt-5.2",
        level: None,
        params: params(json!({})),
    };
    let provider = Arc::new(FamilyProvider {
        id: "openai".into(),
        families: scenario.families.clone(),
    });
    let entry = define_plugin_entry("openai", None, move |plugins| {
        plugins.register_provider_arc(provider.clone())
    });
    let runtime = Runtime::builder().plugin(entry).build().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let transport: SharedStreamFn = Arc::new(move |request: StreamRequest| -> EventStream {
        let headers = request
            .options
            .headers
            .iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()));
        record.lock().unwrap().extend(headers);
        Box::pin(futures::stream::empty())
    });
    let model = RuntimeModel::new(
        "openai",
        "gpt-5.2",
        ModelApi::OpenAiResponses,
        scenario.base_url.parse().unwrap(),
    );
    let prepared = runtime
        .build_stream_fn(&StreamSetup::new(model.clone()), Some(transport), None)
        .unwrap();
    let mut request = StreamRequest::new(model, Context::user("hi"));
    request.options.headers.insert("user-agent", "caller/1");
    request.options.headers.insert("X-Team", "core");
    drop(prepared.stream_fn.stream(request));
    assert_eq!(
        *seen.lock().unwrap(),
        [
            ("originator".to_owned(), "openclaw".to_owned()),
            ("user-agent".to_owned(), "openclaw/2026.9.6".to_owned()),
            ("version".to_owned(), "2026.9.6".to_owned()),
            ("X-Team".to_owned(), "core".to_owned()),
        ]
    );
}
