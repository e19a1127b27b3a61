//! Every replay case of `tests/data/parity/expected/` (OpenClaw 2026.9.6's
//! own outputs, see the README there), run through clawkit and compared.

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

use super::openclaw::{messages, parity_dir, read_json, resolve_files, to_openclaw};

/// The expected outputs of every replay case.
fn cases() -> Vec<Value> {
    let dir = parity_dir().join("expected");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("replay.") && n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| read_json(&format!("expected/{n}")))
        .collect()
}

fn options_of(input: &Value) -> &Value {
    input.get("options").unwrap_or(&Value::Null)
}

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

/// A policy as OpenClaw's effective `TranscriptPolicy` prints it.
fn effective_json(policy: &ReplayPolicy) -> Value {
    let mut value = serde_json::to_value(policy).unwrap();
    let map = value.as_object_mut().unwrap();
    if let Some(fix) = map.remove("applyAssistantFirstOrderingFix") {
        map.insert("applyGoogleTurnOrdering".into(), fix);
    }
    value
}

fn same(what: &str, ours: &Value, theirs: &Value) -> Result<(), String> {
    if ours == theirs {
        return Ok(());
    }
    Err(format!(
        "{what}\n  clawkit:  {}\n  openclaw: {}",
        serde_json::to_string(ours).unwrap(),
        serde_json::to_string(theirs).unwrap()
    ))
}

fn same_messages(what: &str, ours: &[Message], theirs: &Value) -> Result<(), String> {
    let expected = messages(theirs);
    if ours == expected {
        return Ok(());
    }
    let show = |list: &[Message]| list.iter().map(to_openclaw).collect::<Vec<_>>();
    let first = ours
        .iter()
        .zip(&expected)
        .position(|(a, b)| a != b)
        .unwrap_or(ours.len().min(expected.len()));
    Err(format!(
        "{what}: first difference at message {first} (clawkit {} messages, openclaw {})\n  clawkit:  {}\n  openclaw: {}",
        ours.len(),
        expected.len(),
        serde_json::to_string(&show(&ours[first.min(ours.len())..])).unwrap(),
        serde_json::to_string(&show(&expected[first.min(expected.len())..])).unwrap(),
    ))
}

/// `{messages, unchanged}`: the messages, and no change where OpenClaw
/// changed nothing.
fn check_messages(
    output: &Value,
    ours: &[Message],
    change: Option<ReplayChange>,
) -> Result<(), String> {
    same_messages("messages", ours, &output["messages"])?;
    if output["unchanged"] == json!(true) && change.is_some() {
        return Err(format!(
            "OpenClaw changed nothing, clawkit reports {change:?}"
        ));
    }
    Ok(())
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

fn policy_of(input: &Value) -> ReplayPolicy {
    let policy = &input["policy"];
    if policy == "unowned" {
        return fallback_policy(&runtime_model(input));
    }
    let family: ReplayFamily = policy["family"].as_str().unwrap().parse().unwrap();
    let hooks = ReplayFamilyHooks::with_options(family, family_options(&policy["options"]));
    let mut ctx = ModelContext::new(
        "parity",
        input["modelId"].as_str().unwrap_or(""),
        api(input),
    );
    if input.get("model").is_some() {
        ctx.model = Some(runtime_model(input));
    }
    ReplayPolicy::defaults().merged(&hooks.build_replay_policy(&ctx).unwrap())
}

fn run(case: &Value) -> Result<(), String> {
    let input = resolve_files(&case["input"]);
    let output = &case["output"];
    let options = options_of(&input);
    match case["function"].as_str().unwrap() {
        "buildProviderReplayFamilyHooks" => {
            let family = case["family"].as_str().unwrap();
            let parsed = family.parse::<ReplayFamily>();
            if case.get("error").is_some() {
                return match parsed {
                    Err(_) => Ok(()),
                    Ok(f) => Err(format!("{f} is known to clawkit, not to OpenClaw")),
                };
            }
            let family = parsed.map_err(|e| e.to_string())?;
            same("hooks", &json!(family.hooks()), &output["hooks"])?;
            let hooks = ReplayFamilyHooks::with_options(family, family_options(options));
            for entry in output["policies"].as_array().unwrap() {
                let ctx = &entry["ctx"];
                let mut model =
                    ModelContext::new("parity", ctx["modelId"].as_str().unwrap_or(""), api(ctx));
                if ctx.get("model").is_some() {
                    model.model = Some(runtime_model(ctx));
                }
                let partial = hooks.build_replay_policy(&model).unwrap();
                let expected = if entry["policy"].is_null() {
                    json!({})
                } else {
                    entry["policy"].clone()
                };
                same(
                    &format!("policy for {ctx}"),
                    &serde_json::to_value(&partial).unwrap(),
                    &expected,
                )?;
                let effective = ReplayPolicy::defaults().merged(&partial);
                same(
                    &format!("effective for {ctx}"),
                    &effective_json(&effective),
                    &entry["effective"],
                )?;
            }
            if let Some(mode) = output.get("reasoningOutputMode") {
                let ours =
                    hooks.resolve_reasoning_output_mode(&ModelContext::new("parity", "m", None));
                same(
                    "reasoningOutputMode",
                    &serde_json::to_value(ours).unwrap(),
                    mode,
                )?;
            }
            Ok(())
        }
        "resolveTranscriptPolicy" => {
            for entry in output.as_array().unwrap() {
                let policy = fallback_policy(&runtime_model(&entry["ctx"]));
                same(
                    &format!("fallback for {}", entry["ctx"]),
                    &effective_json(&policy),
                    &entry["effective"],
                )?;
            }
            Ok(())
        }
        "shouldDropClaudeThinkingBlocks" => {
            for (id, expected) in output.as_object().unwrap() {
                let ours = json!({
                    "shouldDropClaudeThinkingBlocks": should_drop_claude_thinking_blocks(id),
                    "bindsClaudeThinkingPrefix": binds_claude_thinking_prefix(id),
                });
                same(id, &ours, expected)?;
            }
            Ok(())
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
            let change = sanitize_tool_call_ids(&mut history, mode(&input), &id_options);
            check_messages(output, &history, change)
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
            check_messages(output, &history, change)
        }
        "sanitizeToolCallInputs" => {
            let mut history = messages(&input["messages"]);
            let names = allowed(&options["allowedToolNames"]);
            let change = sanitize_tool_call_inputs(
                &mut history,
                names.as_ref(),
                options["allowProviderOwnedThinkingReplay"] == true,
            );
            check_messages(output, &history, change)
        }
        "validateGeminiTurns" => simple(&input, output, validate_gemini_turns),
        "validateAnthropicTurns" => {
            let merge = options["mergeConsecutiveUserTurns"] != false;
            simple(&input, output, |m| validate_anthropic_turns(m, merge))
        }
        "mergeConsecutiveUserMessages" => simple(&input, output, merge_consecutive_user_turns),
        "dropThinkingBlocks" => simple(&input, output, |m| drop_thinking_blocks(m)),
        "dropReasoningFromHistory" => simple(&input, output, |m| drop_reasoning_from_history(m)),
        "stripInvalidThinkingSignatures" => {
            let keep = options["preserveLatestAssistant"] != false;
            simple(&input, output, |m| {
                strip_invalid_thinking_signatures(m, keep)
            })
        }
        "sanitizeGoogleTurnOrdering" => simple(&input, output, prepend_session_bootstrap),
        "normalizeOpenAIResponsesToolCallIds" => simple(&input, output, |m| {
            normalize_openai_responses_tool_call_ids(m)
        }),
        "stripThoughtSignatures" => {
            let turn = json!([{"role": "assistant", "content": input["content"]}]);
            let mut history = messages(&turn);
            let policy = ThoughtSignaturePolicy::new(
                options["allowBase64Only"] == true,
                options["includeCamelCase"] == true,
            );
            strip_thought_signatures(&mut history, Some(&policy));
            let expected = json!([{"role": "assistant", "content": output}]);
            same_messages("content", &history, &expected)
        }
        "sanitizeReplayHistory" => {
            let family: ReplayFamily = case["family"].as_str().unwrap().parse().unwrap();
            let hooks = ReplayFamilyHooks::new(family);
            let ctx = ReplayHistoryContext::new(
                ModelContext::new("parity", "m", None),
                messages(&input["messages"]),
            );
            match hooks.sanitize_replay_history(&ctx) {
                None if output["hook"] == false => Ok(()),
                None => Err("OpenClaw's family has sanitizeReplayHistory".into()),
                Some(_) if output["hook"] == false => {
                    Err("OpenClaw's family has no sanitizeReplayHistory".into())
                }
                Some(ours) => same_messages("messages", &ours, &output["messages"]),
            }
        }
        "pipeline" => {
            let policy = policy_of(&input);
            same("policy", &effective_json(&policy), &output["policy"])?;
            let api = api(&input).unwrap();
            let mut target = ReplayTarget::new("", input["modelId"].as_str().unwrap(), api);
            if let Some(names) = input["allowedToolNames"].as_array() {
                target = target.with_allowed_tool_names(names.iter().filter_map(Value::as_str));
            }
            let (history, _) = sanitize_history(&policy, &target, messages(&input["messages"]));
            let (history, _) = finish_sanitation(&policy, &target, history);
            same_messages("sanitized", &history, &output["sanitized"])?;
            let (history, _) = validate_turns(&policy, &target, history);
            same_messages("validated", &history, &output["validated"])
        }
        other => Err(format!("no clawkit counterpart for {other}")),
    }
}

fn simple(
    input: &Value,
    output: &Value,
    rule: impl FnOnce(&mut Vec<Message>) -> Option<ReplayChange>,
) -> Result<(), String> {
    let mut history = messages(&input["messages"]);
    let change = rule(&mut history);
    check_messages(output, &history, change)
}

#[test]
fn every_replay_case_matches_openclaw() {
    let cases = cases();
    assert!(
        cases.len() >= 80,
        "the parity data is there ({} cases)",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            run(case)
                .err()
                .map(|why| format!("{}: {why}", case["case"].as_str().unwrap()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
