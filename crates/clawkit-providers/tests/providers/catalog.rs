//! The hosted providers' static catalogs against OpenClaw 2026.9.6's
//! bundled catalogs (`tests/data/openclaw-2026.9.6-catalogs.json`, written
//! by `scripts/openclaw-catalog-parity.mjs --write-data` from the npm
//! package): the same rows, field by field, and the same thinking profiles.
//! What `scripts/openclaw-catalog-parity.mjs` checks against an installed
//! OpenClaw, without Node.

use std::collections::BTreeMap;

use clawkit_core::{
    Env, ModelCost, ModelDefinition, ProviderConfig, Runtime, ThinkingLevel, TurnRequest,
};
use clawkit_providers::{CATALOG_TAKEN_FROM, PRICES_TAKEN_ON, builtin_plugins};
use clawkit_testkit::block_on;
use serde_json::{Value, json};

const DATA: &str = include_str!("../data/openclaw-2026.9.6-catalogs.json");

/// The rows whose bundled entry states no price and that keep their
/// vendor's price of `PRICES_TAKEN_ON`; every other such row has none.
const VENDOR_PRICED: [&str; 4] = [
    "anthropic/claude-haiku-4-5",
    "google/gemini-2.5-pro",
    "google/gemini-2.5-flash",
    "google/gemini-2.5-flash-lite",
];

fn data() -> Value {
    serde_json::from_str(DATA).unwrap()
}

fn runtime() -> Runtime {
    builtin_plugins()
        .unwrap()
        .into_iter()
        .fold(Runtime::builder().env(Env::new()), |builder, plugin| {
            builder.plugin(plugin)
        })
        .build()
        .unwrap()
}

/// OpenClaw's `hasKnownPricing`: a cost of all zeros is no price.
fn known_pricing(cost: &Value) -> bool {
    let positive = |c: &Value| {
        ["input", "output", "cacheRead", "cacheWrite"]
            .iter()
            .any(|k| c[k].as_f64().unwrap_or(0.0) > 0.0)
    };
    positive(cost)
        || cost["tieredPricing"]
            .as_array()
            .is_some_and(|tiers| tiers.iter().any(positive))
}

/// A catalog cost as clawkit's serializes: four prices, tiers when any.
fn normalized_cost(cost: &Value) -> Value {
    let prices = |c: &Value| {
        let mut out = serde_json::Map::new();
        for key in ["input", "output", "cacheRead", "cacheWrite"] {
            out.insert(key.into(), json!(c[key].as_f64().unwrap_or(0.0)));
        }
        out
    };
    let mut out = prices(cost);
    if let Some(tiers) = cost["tieredPricing"].as_array().filter(|t| !t.is_empty()) {
        let tiers: Vec<Value> = tiers
            .iter()
            .map(|tier| {
                let mut t = prices(tier);
                t.insert("range".into(), tier["range"].clone());
                Value::Object(t)
            })
            .collect();
        out.insert("tieredPricing".into(), Value::Array(tiers));
    }
    Value::Object(out)
}

fn as_f64_cost(cost: &ModelCost) -> Value {
    normalized_cost(&serde_json::to_value(cost).unwrap())
}

/// Every difference between one of clawkit's rows and OpenClaw's facts.
fn differences(
    runtime: &Runtime,
    provider: &str,
    config: &ProviderConfig,
    row: &ModelDefinition,
    want: &Value,
) -> Vec<String> {
    let key = format!("{provider}/{}", row.id);
    let mut out = Vec::new();
    let mut field = |name: &str, expected: Value, actual: Value| {
        if expected != actual {
            out.push(format!(
                "{key}: {name}: openclaw {expected}, clawkit {actual}"
            ));
        }
    };
    let profile = runtime.thinking_profile(provider, &row.id, Some(row.reasoning), None);
    let thinking = profile.map(|p| {
        let mut t = json!({"levels": p.level_ids()});
        if let Some(default) = p.default_level {
            t["defaultLevel"] = json!(default);
        }
        t
    });
    field("thinking", want["thinking"].clone(), json!(thinking));
    let api = row.api.clone().or_else(|| config.api.clone()).unwrap();
    field("name", want["name"].clone(), json!(row.name));
    field("api", want["api"].clone(), json!(api.as_str()));
    field("reasoning", want["reasoning"].clone(), json!(row.reasoning));
    field("input", want["input"].clone(), json!(row.input));
    field(
        "contextWindow",
        want["contextWindow"].clone(),
        json!(row.context_window),
    );
    field(
        "contextTokens",
        want["contextTokens"].clone(),
        json!(row.context_tokens),
    );
    field(
        "maxTokens",
        want["maxTokens"].clone(),
        json!(row.max_tokens),
    );
    field(
        "thinkingLevelMap",
        want["thinkingLevelMap"].clone(),
        json!(row.thinking_level_map),
    );
    let efforts = row.compat.as_ref().and_then(|compat| {
        compat.supported_reasoning_efforts.as_ref().map(|efforts| {
            json!({"supportsReasoningEffort": compat.supports_reasoning_effort, "supportedReasoningEfforts": efforts})
        })
    });
    field(
        "reasoningEfforts",
        want["reasoningEfforts"].clone(),
        json!(efforts),
    );
    field(
        "status",
        want["status"].clone(),
        row.extra.get("status").cloned().unwrap_or(Value::Null),
    );
    field(
        "replacedBy",
        want["replacedBy"].clone(),
        row.extra.get("replacedBy").cloned().unwrap_or(Value::Null),
    );
    let cost = as_f64_cost(&row.cost);
    if known_pricing(&want["cost"]) {
        field("cost", normalized_cost(&want["cost"]), cost);
    } else {
        // OpenClaw prices such a row from its hosted price lists; clawkit
        // keeps a dated vendor price for a few, none for the rest.
        let vendor = VENDOR_PRICED.contains(&key.as_str());
        field(
            "cost (no price in the bundled catalog: priced only if vendor priced)",
            json!(vendor),
            json!(known_pricing(&cost)),
        );
    }
    out
}

#[test]
fn the_data_is_openclaws_release_the_constant_names() {
    let data = data();
    assert_eq!(
        format!(
            "openclaw {}",
            data["source"]["package"]
                .as_str()
                .unwrap()
                .trim_start_matches("openclaw@")
        ),
        CATALOG_TAKEN_FROM
    );
    assert_eq!(PRICES_TAKEN_ON, "2025-10-01");
}

#[test]
fn the_hosted_static_catalogs_are_openclaws_bundled_catalogs() {
    let data = data();
    let runtime = runtime();
    let catalog = block_on(runtime.static_catalog(None));
    let mut disagreements = Vec::new();
    let providers = data["providers"].as_object().unwrap();
    assert_eq!(
        providers.keys().collect::<Vec<_>>(),
        ["anthropic", "google", "openai"]
    );
    for (provider, block) in providers {
        let config = &catalog.provider(provider).unwrap().config;
        let wanted: BTreeMap<&str, &Value> = block["models"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| (row["id"].as_str().unwrap(), row))
            .collect();
        // The same rows, in OpenClaw's order.
        let ours: Vec<&str> = config.models.iter().map(|row| row.id.as_str()).collect();
        let theirs: Vec<&str> = block["models"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["id"].as_str().unwrap())
            .collect();
        if ours != theirs {
            disagreements.push(format!(
                "{provider}: rows: openclaw {theirs:?}, clawkit {ours:?}"
            ));
        }
        for row in &config.models {
            if let Some(want) = wanted.get(row.id.as_str()) {
                disagreements.extend(differences(&runtime, provider, config, row, want));
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements with {CATALOG_TAKEN_FROM}:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// The profiles reach the thinking stage of a turn: a level a row does not
/// offer becomes one it does (OpenClaw's
/// `resolveSupportedThinkingLevelFromProfile`), a turn that asks for none
/// gets the row's default, and an id the catalog does not list keeps the
/// generic rules.
#[test]
fn the_thinking_stage_uses_each_rows_profile() {
    use ThinkingLevel::*;
    let runtime = builtin_plugins()
        .unwrap()
        .into_iter()
        .fold(
            Runtime::builder()
                .env(
                    Env::new()
                        .with("OPENAI_API_KEY", "sk-test-openai-0123456789")
                        .with("ANTHROPIC_API_KEY", "sk-ant-test-0123456789")
                        .with("GEMINI_API_KEY", "AIza-test-0123456789"),
                )
                .transports(crate::transports()),
            |builder, plugin| builder.plugin(plugin),
        )
        .build()
        .unwrap();
    let sent = |model: &str, level: Option<ThinkingLevel>| {
        // Nothing is sent until the events are read: the report is enough.
        let mut request =
            TurnRequest::prompt(model, "Hi").base_url("http://127.0.0.1:9/v1".parse().unwrap());
        if let Some(level) = level {
            request = request.thinking(level);
        }
        let turn = block_on(runtime.stream(request)).unwrap();
        turn.report().thinking.sent
    };
    // Always-thinking Claude: `off` is its weakest level; its default is medium.
    assert_eq!(sent("anthropic/claude-fable-5", Some(Off)), Some(Low));
    assert_eq!(sent("anthropic/claude-fable-5", None), Some(Medium));
    assert_eq!(sent("anthropic/claude-sonnet-5", Some(Max)), Some(Max));
    assert_eq!(sent("anthropic/claude-haiku-4-5", Some(Max)), Some(High));
    // GPT-6 Astra takes `max` and has no `off`; GPT-5.4 stops at `xhigh`.
    assert_eq!(sent("openai/gpt-6-astra", Some(Max)), Some(Max));
    assert_eq!(sent("openai/gpt-6-astra", Some(Off)), Some(Low));
    assert_eq!(sent("openai/gpt-5.4", Some(Max)), Some(XHigh));
    // Gemini 3.1 Pro: `medium` is its dynamic thinking.
    assert_eq!(
        sent("google/gemini-3.1-pro-preview", Some(Medium)),
        Some(Adaptive)
    );
    // Not in the catalog: no profile, the generic rules (a dynamic model
    // is not known to reason).
    assert!(
        runtime
            .thinking_profile("openai", "gpt-9-preview", Some(true), None)
            .is_none()
    );
    assert_eq!(sent("openai/gpt-9-preview", Some(Max)), Some(Off));
}
