//! Every stream case of the parity data
//! (`tests/data/parity/expected`, OpenClaw 2026.9.6's own outputs) run
//! through the families and compared with OpenClaw's result.
//!
//! The fake transport is the parity driver's: the stream function is called
//! with the case's model and headers; a recording base function builds the
//! body from the case's payload, runs the payload hooks once, and keeps the
//! model, headers and options it saw.

use std::sync::{Arc, Mutex};

use clawkit_core::{
    Context, HeaderPrecedence, ModelApi, ModelCompat, RuntimeModel, SharedStreamFn, StreamRequest,
    ThinkingLevel,
};
use serde_json::{Map, Value, json};

use super::{StreamFamily, StreamWrapperFactory, compose_provider_stream_wrappers};
use super::{google, minimax, moonshot, openai, proxy};
use crate::parity::cases;

/// A base URL for a case model without one (OpenClaw's `default` route,
/// which clawkit cannot express: every clawkit model has a base URL).
const NO_BASE_URL: &str = "https://default-route.invalid/";

fn model_of(input: &Value) -> RuntimeModel {
    let spec = &input["model"];
    let base = spec["baseUrl"].as_str().unwrap_or(NO_BASE_URL);
    let base = match base.parse() {
        Ok(base) => base,
        Err(error) => unreachable!("{base}: {error}"),
    };
    let mut model = RuntimeModel::new(
        spec["provider"].as_str().unwrap_or_default(),
        spec["id"].as_str().unwrap_or_default(),
        ModelApi::from(spec["api"].as_str().unwrap_or_default()),
        base,
    );
    model.reasoning = spec["reasoning"].as_bool().unwrap_or(false);
    if let Some(window) = spec["contextWindow"].as_u64() {
        model.context_window = window;
    } else {
        // OpenClaw has no window for such a model; clawkit always has one.
        model.context_window = 0;
    }
    model.context_tokens = spec["contextTokens"].as_u64();
    if let Some(compat) = spec.get("compat") {
        model.compat = serde_json::from_value::<ModelCompat>(compat.clone()).unwrap_or_default();
    }
    model
}

fn level_of(value: &Value) -> Option<ThinkingLevel> {
    serde_json::from_value(value.clone()).ok()
}

/// What the recording transport saw.
#[derive(Debug)]
struct Seen {
    model: RuntimeModel,
    headers: Vec<(String, String)>,
    level: Option<ThinkingLevel>,
    payload: Value,
}

fn recording(payload: Value, seen: Arc<Mutex<Option<Seen>>>) -> SharedStreamFn {
    Arc::new(move |request: StreamRequest| -> clawkit_core::EventStream {
        let mut body = payload.clone();
        request
            .options
            .apply_payload_hooks(&mut body, &request.model);
        let headers = request
            .options
            .headers
            .iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        if let Ok(mut seen) = seen.lock() {
            *seen = Some(Seen {
                model: request.model.clone(),
                headers,
                level: request.options.thinking_level,
                payload: body,
            });
        }
        Box::pin(futures::stream::empty())
    })
}

/// Runs `wrap` around the recording transport and renders what it saw in
/// the parity output shape.
fn run(input: &Value, wrap: impl FnOnce(SharedStreamFn) -> SharedStreamFn) -> Value {
    let seen = Arc::new(Mutex::new(None));
    let base = recording(input["payload"].clone(), Arc::clone(&seen));
    let stream_fn = wrap(base);
    let mut request = StreamRequest::new(model_of(input), Context::user("hi"));
    if let Some(headers) = input.get("headers").and_then(Value::as_object) {
        let headers = headers
            .iter()
            .map(|(name, value)| (name.clone(), value.as_str().unwrap_or_default().to_owned()));
        request
            .options
            .headers
            .merge(headers, HeaderPrecedence::DefaultsWin);
    }
    let _events = stream_fn.stream(request);
    let Some(seen) = seen.lock().ok().and_then(|mut seen| seen.take()) else {
        return json!({"error": "the transport was not called"});
    };
    let mut model = input["model"].clone();
    model["id"] = json!(seen.model.id);
    if seen.model.reasoning && input["model"]["reasoning"] != json!(true) {
        model["reasoning"] = json!(true);
    }
    let headers = if seen.headers.is_empty() {
        Value::Null
    } else {
        let map: Map<String, Value> = seen
            .headers
            .into_iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), json!(value)))
            .collect();
        Value::Object(map)
    };
    let mut options = input.get("options").cloned().unwrap_or_else(|| json!({}));
    if let Some(level) = seen.level.and_then(super::params::level_name) {
        options["reasoning"] = json!(level);
    }
    json!({"model": model, "headers": headers, "options": options, "payload": seen.payload})
}

/// The expected output with header names lower-cased (clawkit's headers
/// compare in any case; the wire spelling does not matter).
fn normalized_expected(output: &Value) -> Value {
    let mut output = output.clone();
    // `replayResponsesItemIds` is an option of OpenClaw's Responses
    // transport that clawkit's `StreamOptions` does not have.
    if let Some(Value::Object(options)) = output.get_mut("options") {
        options.shift_remove("replayResponsesItemIds");
    }
    if let Some(Value::Object(headers)) = output.get_mut("headers") {
        let lowered: Map<String, Value> = headers
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
            .collect();
        *headers = lowered;
    }
    output
}

fn family_case(case: &Value) -> Option<Value> {
    let input = &case["input"];
    let ctx = input.get("ctx").cloned().unwrap_or_else(|| json!({}));
    let level_value = ctx.get("thinkingLevel");
    let level = level_value.and_then(level_of);
    if level_value.is_some() && level.is_none() {
        return None; // a level clawkit does not have (`max`)
    }
    let params = ctx
        .get("extraParams")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let model_id = ctx
        .get("modelId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let names: Vec<String> = match input.get("families").and_then(Value::as_array) {
        Some(names) => names
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        None => vec![case["family"].as_str().unwrap_or_default().to_owned()],
    };
    let families: Vec<StreamFamily> = names.iter().filter_map(|name| name.parse().ok()).collect();
    Some(run(input, |base| {
        let wrappers = families.iter().map(|family| {
            let params = &params;
            let model_id = model_id.as_str();
            Some(
                Box::new(move |f| family.wrap_parts(f, model_id, params, level))
                    as StreamWrapperFactory<'_>,
            )
        });
        compose_provider_stream_wrappers(base, wrappers.collect::<Vec<_>>())
    }))
}

fn wrapper_case(case: &Value) -> Option<Value> {
    let input = &case["input"];
    let args = input["args"].as_array().cloned().unwrap_or_default();
    let arg = |at: usize| args.get(at).cloned().unwrap_or(Value::Null);
    let level = level_of(&arg(0));
    let params = arg(0).as_object().cloned().unwrap_or_default();
    let wrapped: Box<dyn FnOnce(SharedStreamFn) -> SharedStreamFn> = match input["wrapper"]
        .as_str()?
    {
        "createGoogleThinkingPayloadWrapper" => {
            Box::new(move |f| google::google_thinking(f, level))
        }
        "createKilocodeWrapper" => Box::new(move |f| proxy::kilocode(f, level)),
        "createMinimaxFastModeWrapper" => {
            Box::new(move |f| minimax::minimax_fast_mode(f, arg(0).as_bool()))
        }
        "createMoonshotThinkingWrapper" => {
            let kind = match arg(0).as_str() {
                Some("enabled") => Some(moonshot::ThinkingType::Enabled),
                Some("disabled") => Some(moonshot::ThinkingType::Disabled),
                _ => None,
            };
            let keep = arg(1) == json!("all");
            Box::new(move |f| moonshot::moonshot_thinking(f, kind, keep))
        }
        "createOpenAIAttributionHeadersWrapper" => Box::new(openai::attribution_headers),
        "createOpenAIResponsesContextManagementWrapper" => {
            Box::new(move |f| openai::context_management(f, params))
        }
        "createOpenAIFastModeWrapper" => {
            Box::new(move |f| openai::fast_mode_layer(f, arg(0).as_bool()))
        }
        "createOpenAIReasoningCompatibilityWrapper" => Box::new(openai::reasoning_compatibility),
        "createOpenAIServiceTierWrapper" => {
            let tier = arg(0).as_str().unwrap_or_default().to_owned();
            Box::new(move |f| openai::service_tier_layer(f, tier))
        }
        "createOpenAITextVerbosityWrapper" => {
            let verbosity = arg(0).as_str().unwrap_or_default().to_owned();
            Box::new(move |f| openai::text_verbosity_layer(f, verbosity))
        }
        "createOpenRouterWrapper" => {
            let params = arg(1).as_object().cloned().unwrap_or_default();
            Box::new(move |f| proxy::openrouter(f, level, params))
        }
        "createToolStreamWrapper" => {
            Box::new(move |f| minimax::tool_stream(f, arg(0) == json!(true)))
        }
        _ => return None,
    };
    Some(run(input, wrapped))
}

/// Cases clawkit cannot run, and why (checked to stay exactly these).
const NOT_RUN: &[(&str, &str)] = &[
    (
        "stream.openrouter-thinking.max.cache",
        "clawkit has no `max` thinking level",
    ),
    (
        "stream.wrapper.anthropic-prefill.thinking",
        "not a stream-family wrapper (Anthropic prefill helper)",
    ),
    (
        "stream.wrapper.openai-anthropic-tool-payload",
        "not a stream-family wrapper (tool payload compat helper)",
    ),
    (
        "stream.wrapper.openrouter-system-cache.completions",
        "OpenRouter system-cache wrapper is not part of the family",
    ),
    (
        "stream.wrapper.openrouter-system-cache.messages",
        "OpenRouter system-cache wrapper is not part of the family",
    ),
    (
        "stream.wrapper.openrouter-system-cache.not-anthropic",
        "OpenRouter system-cache wrapper is not part of the family",
    ),
];

/// Cases that run with a known difference from OpenClaw, and why.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    (
        "stream.moonshot-thinking.k3.direct",
        "the request level is `xhigh`: clawkit has no `max` (the body's `reasoning_effort: \"max\"` matches)",
    ),
    (
        "stream.openai-responses-defaults.default-host",
        "OpenClaw's `default` route (a model without a base URL) is native OpenAI for provider `openai`; \
         every clawkit model has a base URL",
    ),
];

#[test]
fn stream_cases_match_openclaw() {
    let mut mismatches = Vec::new();
    let mut not_run = Vec::new();
    let mut ran = 0;
    for case in cases("stream.") {
        let name = case["case"].as_str().unwrap_or_default().to_owned();
        let actual = match case["function"].as_str() {
            Some("buildProviderStreamFamilyHooks") => Some(
                match case["family"]
                    .as_str()
                    .unwrap_or_default()
                    .parse::<StreamFamily>()
                {
                    Ok(_) => json!({"output": ["wrapStreamFn"]}),
                    Err(error) => json!({"error": error.to_string()}),
                },
            ),
            Some("wrapStreamFn") => family_case(&case).map(|output| json!({"output": output})),
            Some("wrapper") => wrapper_case(&case).map(|output| json!({"output": output})),
            _ => None,
        };
        let Some(actual) = actual else {
            not_run.push(name);
            continue;
        };
        ran += 1;
        let matched = match (case.get("error"), actual.get("error")) {
            (Some(_), Some(_)) => true,
            (None, None) => actual["output"] == normalized_expected(&case["output"]),
            _ => false,
        };
        if !matched {
            mismatches.push((name, actual, case.get("output").cloned()));
        } else if let Some(expected) = case.get("output").and_then(|output| output.get("payload")) {
            // Same keys and values: the order of the body's keys matches too.
            assert_eq!(
                actual["output"]["payload"].to_string(),
                expected.to_string(),
                "{name}: key order"
            );
        }
    }
    let mismatched: Vec<&str> = mismatches.iter().map(|(name, ..)| name.as_str()).collect();
    let known: Vec<&str> = KNOWN_DIFFERENCES.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        mismatched,
        known,
        "differences from OpenClaw:\n{}",
        mismatches
            .iter()
            .filter(|(name, ..)| !known.contains(&name.as_str()))
            .map(|(name, actual, expected)| format!(
                "{name}\n  clawkit:  {actual}\n  openclaw: {}",
                expected.clone().unwrap_or_default()
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let skipped: Vec<&str> = NOT_RUN.iter().map(|(name, _)| *name).collect();
    assert_eq!(not_run, skipped);
    assert_eq!(ran, 81, "every other stream case ran");
}
