//! Every stream case of the parity data
//! (`tests/data/parity/expected`, OpenClaw 2026.9.6's own outputs) run
//! through the families and compared with OpenClaw's result.
//!
//! The fake transport is the parity driver's: the stream function is called
//! with the case's model and headers; a recording base function builds the
//! body from the case's payload, runs the payload hooks once, and keeps the
//! model, headers and options it saw.

use clawkit_core::SharedStreamFn;
use serde_json::{Map, Value, json};

use super::{google, minimax, moonshot, openai, proxy};
use crate::parity::cases;

/// The stream dispatch of the parity example (`examples/parity`): the
/// transport, and the family cases.
#[path = "../../examples/parity/stream.rs"]
mod dispatch;

use dispatch::{level_of, transport};

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
    Some(transport(input, wrapped))
}

/// Cases clawkit cannot run, and why (checked to stay exactly these).
const NOT_RUN: &[(&str, &str)] = &[
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
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[(
    "stream.openai-responses-defaults.default-host",
    "OpenClaw's `default` route (a model without a base URL) is native OpenAI for provider `openai`; \
         every clawkit model has a base URL",
)];

#[test]
fn stream_cases_match_openclaw() {
    let mut mismatches = Vec::new();
    let mut not_run = Vec::new();
    let mut ran = 0;
    for case in cases("stream.") {
        let name = case["case"].as_str().unwrap_or_default().to_owned();
        let family = case["family"].as_str().unwrap_or_default();
        let actual = match case["function"].as_str() {
            Some("wrapper") => wrapper_case(&case).map(|output| json!({"output": output})),
            Some(function) => {
                dispatch::run(family, function, &case["input"]).map(|result| match result {
                    Ok(output) => json!({"output": output}),
                    Err(error) => json!({"error": error}),
                })
            }
            None => None,
        };
        let Some(actual) = actual else {
            not_run.push(name);
            continue;
        };
        ran += 1;
        let matched = match (case.get("error"), actual.get("error")) {
            (Some(_), Some(_)) => true,
            (None, None) => {
                normalized_expected(&actual["output"]) == normalized_expected(&case["output"])
            }
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
    assert_eq!(ran, 98, "every other stream case ran");
}
