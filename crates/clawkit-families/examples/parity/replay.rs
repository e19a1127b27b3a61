//! The replay cases: clawkit's output in OpenClaw's shape. Shared with
//! `tests/families/replay/parity.rs`, which compares it message by message.
//!
//! Messages go through clawkit's message model (see `openclaw.rs`), so
//! what it does not hold (timestamps, usage, result details) is left out;
//! so are the fields clawkit has no counterpart for (`appendedEntries`, and
//! `added`/`discarded`/… of the pairing repair).

use std::collections::HashSet;

use clawkit_core::replay::{
    PairingOptions, ReplayTarget, ToolCallIdOptions, binds_claude_thinking_prefix,
    drop_reasoning_from_history, drop_thinking_blocks, fallback_policy, finish_sanitation,
    merge_consecutive_user_turns, normalize_openai_responses_tool_call_ids,
    prepend_session_bootstrap, repair_tool_use_result_pairing, sanitize_history,
    sanitize_tool_call_ids, sanitize_tool_call_inputs, should_drop_claude_thinking_blocks,
    strip_invalid_thinking_signatures, strip_thought_signatures, validate_anthropic_turns,
    validate_gemini_turns, validate_turns,
};
use clawkit_core::{
    Message, ModelApi, ModelContext, ReplayChange, ReplayHistoryContext, ReplayPolicy,
    RuntimeModel, ThoughtSignaturePolicy, ToolCallIdMode,
};
use clawkit_families::replay::{ReplayFamily, ReplayFamilyHooks, ReplayFamilyOptions};
use serde_json::{Value, json};

use super::openclaw::{messages, to_openclaw};

fn family_options(options: &Value) -> ReplayFamilyOptions {
    let mut out = ReplayFamilyOptions::default();
    if let Some(on) = options["sanitizeToolCallIds"].as_bool() {
        out = out.sanitize_tool_call_ids(on);
    }
    if let Some(style) = options["duplicateToolCallIdStyle"].as_str() {
        out = out.duplicate_tool_call_id_style(style);
    }
    if let Some(on) = options["dropReasoningFromHistory"].as_bool() {
        out = out.drop_reasoning_from_history(on);
    }
    out.anthropic_model_drop_thinking_blocks(
        options["anthropicModelDropThinkingBlocks"].as_bool() == Some(true),
    )
}

fn api(ctx: &Value) -> Option<ModelApi> {
    ctx["modelApi"].as_str().map(ModelApi::from)
}

fn runtime_model(ctx: &Value) -> RuntimeModel {
    let api = api(ctx).unwrap_or(ModelApi::Other(String::new()));
    let id = ctx["modelId"].as_str().unwrap_or("");
    let mut model = RuntimeModel::new("parity", id, api, "https://parity.invalid".parse().unwrap());
    let details = &ctx["model"];
    model.reasoning = details["reasoning"].as_bool() == Some(true);
    model.compat.supports_reasoning_effort = details["compat"]["supportsReasoningEffort"].as_bool();
    if let Some(params) = details["params"].as_object() {
        model.params = params.clone();
    }
    model
}

fn model_context(ctx: &Value) -> ModelContext {
    let mut model = ModelContext::new("parity", ctx["modelId"].as_str().unwrap_or(""), api(ctx));
    if ctx.get("model").is_some() {
        model.model = Some(runtime_model(ctx));
    }
    model
}

/// A policy as OpenClaw's effective `TranscriptPolicy` prints it.
fn effective_json(policy: &ReplayPolicy) -> Value {
    let mut value = json!(policy);
    if let Some(map) = value.as_object_mut()
        && let Some(fix) = map.remove("applyAssistantFirstOrderingFix")
    {
        map.insert("applyGoogleTurnOrdering".into(), fix);
    }
    value
}

fn history_json(history: &[Message]) -> Value {
    Value::Array(history.iter().map(to_openclaw).collect())
}

/// `{messages, unchanged}`.
fn messages_json(history: &[Message], change: Option<ReplayChange>) -> Value {
    json!({"messages": history_json(history), "unchanged": change.is_none()})
}

fn mode(input: &Value) -> ToolCallIdMode {
    match input["mode"].as_str() {
        Some("strict9") => ToolCallIdMode::Strict9,
        _ => ToolCallIdMode::Strict,
    }
}

fn allowed(value: &Value) -> Option<HashSet<String>> {
    let names: HashSet<String> = value
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(|n| n.trim().to_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty()).then_some(names)
}

fn policy_of(input: &Value) -> Result<ReplayPolicy, String> {
    let policy = &input["policy"];
    if policy == "unowned" {
        return Ok(fallback_policy(&runtime_model(input)));
    }
    let family: ReplayFamily = policy["family"]
        .as_str()
        .unwrap_or_default()
        .parse()
        .map_err(|e: clawkit_families::FamiliesError| e.to_string())?;
    let hooks = ReplayFamilyHooks::with_options(family, family_options(&policy["options"]));
    let partial = hooks
        .build_replay_policy(&model_context(input))
        .unwrap_or_default();
    Ok(ReplayPolicy::defaults().merged(&partial))
}

fn simple(input: &Value, rule: impl FnOnce(&mut Vec<Message>) -> Option<ReplayChange>) -> Value {
    let mut history = messages(&input["messages"]);
    let change = rule(&mut history);
    messages_json(&history, change)
}

/// What clawkit returns for one replay case (its `input` resolved), in the
/// shape of OpenClaw's output; `None` when clawkit has no counterpart.
pub fn run(family: &str, function: &str, input: &Value) -> Option<Result<Value, String>> {
    let options = input.get("options").unwrap_or(&Value::Null);
    Some(Ok(match function {
        "buildProviderReplayFamilyHooks" => {
            let family = match family.parse::<ReplayFamily>() {
                Ok(family) => family,
                Err(e) => return Some(Err(e.to_string())),
            };
            let hooks = ReplayFamilyHooks::with_options(family, family_options(options));
            let contexts = input["contexts"].as_array().map(Vec::as_slice);
            let policies: Vec<Value> = contexts
                .unwrap_or_default()
                .iter()
                .map(|ctx| {
                    let partial = hooks
                        .build_replay_policy(&model_context(ctx))
                        .unwrap_or_default();
                    let raw = json!(partial);
                    let raw = if raw == json!({}) { Value::Null } else { raw };
                    let effective = effective_json(&ReplayPolicy::defaults().merged(&partial));
                    json!({"ctx": ctx, "policy": raw, "effective": effective})
                })
                .collect();
            let mut out = json!({"hooks": family.hooks(), "policies": policies});
            if let Some(mode) =
                hooks.resolve_reasoning_output_mode(&ModelContext::new("parity", "m", None))
            {
                out["reasoningOutputMode"] = json!(mode);
            }
            out
        }
        "resolveTranscriptPolicy" => {
            let contexts = input["contexts"].as_array().map(Vec::as_slice);
            Value::Array(
                contexts
                    .unwrap_or_default()
                    .iter()
                    .map(|ctx| {
                        let policy = fallback_policy(&runtime_model(ctx));
                        json!({"ctx": ctx, "effective": effective_json(&policy)})
                    })
                    .collect(),
            )
        }
        "shouldDropClaudeThinkingBlocks" => {
            let ids = input["modelIds"].as_array().map(Vec::as_slice);
            Value::Object(
                ids.unwrap_or_default()
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|id| {
                        let entry = json!({
                            "shouldDropClaudeThinkingBlocks": should_drop_claude_thinking_blocks(id),
                            "bindsClaudeThinkingPrefix": binds_claude_thinking_prefix(id),
                        });
                        (id.to_owned(), entry)
                    })
                    .collect(),
            )
        }
        "sanitizeToolCallIdsForCloudCodeAssist" => {
            let mut history = messages(&input["messages"]);
            let names = allowed(&options["allowedToolNames"]);
            let id_options = ToolCallIdOptions::default()
                .preserve_native_anthropic_tool_use_ids(
                    options["preserveNativeAnthropicToolUseIds"] == true,
                )
                .duplicate_tool_call_id_style(options["duplicateToolCallIdStyle"].as_str())
                .preserve_replay_safe_thinking_tool_call_ids(
                    options["preserveReplaySafeThinkingToolCallIds"] == true,
                )
                .allowed_tool_names(names.as_ref());
            let change = sanitize_tool_call_ids(&mut history, mode(input), &id_options);
            messages_json(&history, change)
        }
        "repairToolUseResultPairing" => {
            let mut history = messages(&input["messages"]);
            let text = options["missingToolResultText"]
                .as_str()
                .unwrap_or(clawkit_core::replay::MISSING_TOOL_RESULT_TEXT);
            let pairing = PairingOptions::default()
                .drop_failed_turns(options["erroredAssistantResultPolicy"] == "drop")
                .missing_result_text(text);
            let change = repair_tool_use_result_pairing(&mut history, &pairing);
            messages_json(&history, change)
        }
        "sanitizeToolCallInputs" => {
            let mut history = messages(&input["messages"]);
            let names = allowed(&options["allowedToolNames"]);
            let change = sanitize_tool_call_inputs(
                &mut history,
                names.as_ref(),
                options["allowProviderOwnedThinkingReplay"] == true,
            );
            messages_json(&history, change)
        }
        "validateGeminiTurns" => simple(input, validate_gemini_turns),
        "validateAnthropicTurns" => {
            let merge = options["mergeConsecutiveUserTurns"] != false;
            simple(input, |m| validate_anthropic_turns(m, merge))
        }
        "mergeConsecutiveUserMessages" => simple(input, merge_consecutive_user_turns),
        "dropThinkingBlocks" => simple(input, |m| drop_thinking_blocks(m)),
        "dropReasoningFromHistory" => simple(input, |m| drop_reasoning_from_history(m)),
        "stripInvalidThinkingSignatures" => {
            let keep = options["preserveLatestAssistant"] != false;
            simple(input, |m| strip_invalid_thinking_signatures(m, keep))
        }
        "sanitizeGoogleTurnOrdering" => simple(input, prepend_session_bootstrap),
        "normalizeOpenAIResponsesToolCallIds" => {
            simple(input, |m| normalize_openai_responses_tool_call_ids(m))
        }
        "stripThoughtSignatures" => {
            let turn = json!([{"role": "assistant", "content": input["content"]}]);
            let mut history = messages(&turn);
            let policy = ThoughtSignaturePolicy::new(
                options["allowBase64Only"] == true,
                options["includeCamelCase"] == true,
            );
            strip_thought_signatures(&mut history, Some(&policy));
            history
                .first()
                .map(|turn| to_openclaw(turn)["content"].clone())
                .unwrap_or_default()
        }
        "sanitizeReplayHistory" => {
            let family: ReplayFamily = match family.parse() {
                Ok(family) => family,
                Err(e) => return Some(Err(format!("{e}"))),
            };
            let given = messages(&input["messages"]);
            let ctx =
                ReplayHistoryContext::new(ModelContext::new("parity", "m", None), given.clone());
            match ReplayFamilyHooks::new(family).sanitize_replay_history(&ctx) {
                None => json!({"hook": false}),
                Some(ours) => {
                    json!({"messages": history_json(&ours), "unchanged": ours == given})
                }
            }
        }
        "pipeline" => {
            let policy = match policy_of(input) {
                Ok(policy) => policy,
                Err(e) => return Some(Err(e)),
            };
            let Some(api) = api(input) else {
                return Some(Err("the pipeline needs a modelApi".into()));
            };
            let model_id = input["modelId"].as_str().unwrap_or_default();
            let mut target = ReplayTarget::new("", model_id, api);
            if let Some(names) = input["allowedToolNames"].as_array() {
                target = target.with_allowed_tool_names(names.iter().filter_map(Value::as_str));
            }
            let (history, _) = sanitize_history(&policy, &target, messages(&input["messages"]));
            let (history, _) = finish_sanitation(&policy, &target, history);
            let sanitized = history_json(&history);
            let (history, _) = validate_turns(&policy, &target, history);
            json!({
                "policy": effective_json(&policy),
                "sanitized": sanitized,
                "validated": history_json(&history),
            })
        }
        _ => return None,
    }))
}
