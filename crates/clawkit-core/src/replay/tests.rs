use serde_json::json;

use super::*;
use crate::context::ContentBlock;
use crate::hooks::ToolCallIdMode;

fn model(api: ModelApi, id: &str) -> RuntimeModel {
    let base = "https://api.example.com".parse().unwrap();
    RuntimeModel::new("acme", id, api, base)
}

fn call(id: &str) -> Message {
    Message::assistant_blocks(vec![ContentBlock::tool_call(id, "get_weather", json!({}))])
}

fn result(id: &str) -> Message {
    Message::tool_result(id, "get_weather", "sunny")
}

fn ids(history: &[Message]) -> Vec<&str> {
    history
        .iter()
        .flat_map(|m| match m {
            Message::ToolResult { tool_call_id, .. } => vec![tool_call_id.as_str()],
            other => other
                .content()
                .iter()
                .filter_map(|b| match b {
                    ContentBlock::ToolCall { id, .. } => Some(id.as_str()),
                    _ => None,
                })
                .collect(),
        })
        .collect()
}

fn rules(changes: &[ReplayChange]) -> Vec<&'static str> {
    changes.iter().map(|c| c.rule).collect()
}

#[test]
fn the_fallback_follows_the_api_and_the_model() {
    let sonnet45 = fallback_policy(&model(ModelApi::AnthropicMessages, "claude-sonnet-4-5"));
    assert_eq!(sonnet45.drop_thinking_blocks, Some(true));
    assert_eq!(sonnet45.validate_anthropic_turns, Some(true));
    assert_eq!(sonnet45.allow_synthetic_tool_results, Some(true));
    let opus46 = fallback_policy(&model(ModelApi::AnthropicMessages, "claude-opus-4-6"));
    assert_eq!(opus46.drop_thinking_blocks, Some(false));
    let google = fallback_policy(&model(ModelApi::GoogleGenerativeAi, "gemini-2.5-pro"));
    assert_eq!(google.validate_gemini_turns, Some(true));
    assert_eq!(google.tool_call_id_mode, Some(ToolCallIdMode::Strict));
    let completions = fallback_policy(&model(ModelApi::OpenAiCompletions, "llama"));
    assert_eq!(completions.drop_reasoning_from_history, Some(true));
    let kimi = fallback_policy(&model(ModelApi::OpenAiCompletions, "moonshot/kimi-k2.6"));
    assert_eq!(kimi.drop_reasoning_from_history, Some(false));
    let responses = fallback_policy(&model(ModelApi::OpenAiResponses, "gpt-5"));
    assert_eq!(responses.validate_gemini_turns, Some(false));
    assert_eq!(responses.validate_anthropic_turns, Some(false));
    assert_eq!(responses.allow_synthetic_tool_results, Some(true));
    let claude_responses = fallback_policy(&model(
        ModelApi::OpenAiResponses,
        "anthropic/claude-sonnet-4",
    ));
    assert_eq!(claude_responses.validate_anthropic_turns, Some(true));
    assert_eq!(
        fallback_policy(&model(ModelApi::Ollama, "llama3")),
        ReplayPolicy::defaults()
    );
}

#[test]
fn ids_are_sanitized_after_the_pairing_repair_and_results_follow() {
    let m = model(ModelApi::OpenAiCompletions, "m");
    let history = vec![
        Message::user("hi"),
        call("call_a-1"),
        result("call_a-1"),
        call("calla1"),
        result("calla1"),
    ];
    let (history, changes) = sanitize_history(&fallback_policy(&m), &ReplayTarget::of(&m), history);
    let hashed = format!("calla1{}", tool_ids::sha256_hex_prefix("calla1", 8));
    assert_eq!(
        ids(&history),
        ["calla1", "calla1", hashed.as_str(), hashed.as_str()]
    );
    assert_eq!(rules(&changes), ["sanitizeToolCallIds"]);
    assert_eq!(
        changes[0].details,
        [
            "call_a-1 → calla1".to_owned(),
            "result call_a-1 → calla1".to_owned(),
            format!("calla1 → {hashed}"),
            format!("result calla1 → {hashed}"),
        ]
    );
}

#[test]
fn a_call_without_result_gets_a_synthetic_one_and_orphans_go() {
    let policy = ReplayPolicy::defaults();
    let target = ReplayTarget::default();
    let (history, changes) = sanitize_history(
        &policy,
        &target,
        vec![result("ghost"), call("c1"), Message::user("next")],
    );
    assert_eq!(history.len(), 3);
    assert!(matches!(&history[0], Message::Assistant { .. }));
    assert_eq!(
        history[1],
        missing_tool_result("c1", "get_weather", MISSING_TOOL_RESULT_TEXT)
    );
    assert_eq!(
        changes[0].details,
        [
            "dropped orphan result for ghost",
            "inserted a result for c1"
        ]
    );
}

#[test]
fn a_displaced_result_moves_back_to_its_call_and_duplicates_go() {
    let history = vec![
        call("a"),
        Message::user("meanwhile"),
        call("b"),
        result("b"),
        result("a"),
        result("b"),
    ];
    let mut repaired = history;
    repair_tool_use_result_pairing(&mut repaired, &PairingOptions::default());
    assert_eq!(ids(&repaired), ["a", "a", "b", "b"]);
    assert!(matches!(&repaired[2], Message::User { .. }));
}

#[test]
fn a_failed_turn_is_dropped_with_its_results() {
    let mut failed = call("x");
    if let Message::Assistant { stop_reason, .. } = &mut failed {
        *stop_reason = Some(StopReason::Aborted);
    }
    let mut history = vec![
        Message::user("go"),
        failed,
        result("x"),
        Message::user("again"),
    ];
    repair_tool_use_result_pairing(&mut history, &PairingOptions::default());
    assert_eq!(history, [Message::user("go"), Message::user("again")]);
}

#[test]
fn calls_sharing_a_raw_id_get_their_own_ids_and_results_follow_in_order() {
    let both = Message::assistant_blocks(vec![
        ContentBlock::tool_call("x", "a", json!({})),
        ContentBlock::tool_call("x", "b", json!({})),
    ]);
    let mut history = vec![both, result("x"), result("x")];
    sanitize_tool_call_ids(
        &mut history,
        ToolCallIdMode::Strict,
        &ToolCallIdOptions::default(),
    );
    assert_eq!(ids(&history), ["x", "x2", "x", "x2"]);
}

#[test]
fn native_anthropic_ids_are_kept_when_asked() {
    let mut history = vec![
        call("toolu_01Ab"),
        result("toolu_01Ab"),
        call("toolu_01Ab"),
        result("toolu_01Ab"),
    ];
    let options = ToolCallIdOptions {
        preserve_native_anthropic_tool_use_ids: true,
        ..ToolCallIdOptions::default()
    };
    sanitize_tool_call_ids(&mut history, ToolCallIdMode::Strict, &options);
    assert_eq!(
        ids(&history),
        ["toolu_01Ab", "toolu_01Ab", "toolu01Ab2", "toolu01Ab2"]
    );
}

#[test]
fn an_orphan_result_is_renamed_apart() {
    let mut history = vec![result("lost")];
    sanitize_tool_call_ids(
        &mut history,
        ToolCallIdMode::Strict,
        &ToolCallIdOptions::default(),
    );
    assert_eq!(ids(&history), ["losttoolresult1"]);
}

#[test]
fn duplicate_openai_ids_get_fresh_call_ids() {
    let mut history = vec![
        call("call_1"),
        result("call_1"),
        call("call_1"),
        result("call_1"),
    ];
    let options = ToolCallIdOptions {
        duplicate_tool_call_id_style: Some("openai"),
        ..ToolCallIdOptions::default()
    };
    sanitize_tool_call_ids(&mut history, ToolCallIdMode::Strict, &options);
    let fresh = format!("call_{}", tool_ids::sha256_hex_prefix("call_1:2:0", 24));
    assert_eq!(
        ids(&history),
        ["call_1", "call_1", fresh.as_str(), fresh.as_str()]
    );
}

#[test]
fn thinking_is_dropped_from_earlier_turns_but_kept_in_the_latest() {
    let m = model(ModelApi::AnthropicMessages, "claude-3-7-sonnet");
    let thinking = || ContentBlock::thinking("hmm", Some("sig".into()));
    let history = vec![
        Message::user("a"),
        Message::assistant_blocks(vec![thinking()]),
        Message::user("b"),
        Message::assistant_blocks(vec![thinking(), ContentBlock::text("c")]),
    ];
    let (history, changes) = sanitize_history(&fallback_policy(&m), &ReplayTarget::of(&m), history);
    assert_eq!(
        history[1].content(),
        [ContentBlock::text(OMITTED_REASONING_TEXT)]
    );
    assert_eq!(
        history[3].content().len(),
        2,
        "the latest keeps its thinking"
    );
    assert_eq!(rules(&changes), ["dropThinkingBlocks"]);
}

#[test]
fn unsigned_thinking_goes_for_signed_thinking_providers() {
    let history = vec![
        Message::user("a"),
        Message::assistant_blocks(vec![
            ContentBlock::thinking("x", None),
            ContentBlock::text("y"),
        ]),
        Message::user("b"),
        Message::assistant_blocks(vec![ContentBlock::thinking("z", Some(" ".into()))]),
    ];
    let mut target = ReplayTarget::new("anthropic", "claude-opus-4-6", ModelApi::AnthropicMessages);
    target.allowed_tool_names = None;
    let (history, _) = sanitize_history(&ReplayPolicy::defaults(), &target, history);
    assert_eq!(history[1].content(), [ContentBlock::text("y")]);
    assert_eq!(
        history[3].content().len(),
        1,
        "the latest is left to the provider"
    );
}

#[test]
fn reasoning_is_dropped_except_in_the_tool_loop_in_progress() {
    let thinking = || ContentBlock::thinking("plan", None);
    let mut history = vec![
        Message::user("a"),
        Message::assistant_blocks(vec![thinking(), ContentBlock::text("done")]),
        Message::user("b"),
        Message::assistant_blocks(vec![
            thinking(),
            ContentBlock::tool_call("c", "t", json!({})),
        ]),
        Message::tool_result("c", "t", "ok"),
    ];
    drop_reasoning_from_history(&mut history);
    assert_eq!(history[1].content(), [ContentBlock::text("done")]);
    assert_eq!(history[3].content().len(), 2);
}

#[test]
fn gemini_thought_signatures_must_be_base64() {
    let m = model(ModelApi::GoogleGenerativeAi, "gemini-3-pro");
    let signed = |signature: &str| {
        Message::assistant_blocks(vec![ContentBlock::ToolCall {
            id: "c".into(),
            name: "t".into(),
            arguments: json!({}),
            signature: Some(signature.into()),
        }])
    };
    let mut history = vec![signed("msg_01abc"), signed("CiQB0e2K")];
    let policy = fallback_policy(&m);
    strip_thought_signatures(&mut history, policy.sanitize_thought_signatures.as_ref());
    let signature = |m: &Message| match &m.content()[0] {
        ContentBlock::ToolCall { signature, .. } => signature.clone(),
        _ => None,
    };
    assert_eq!(signature(&history[0]), None);
    assert_eq!(signature(&history[1]).as_deref(), Some("CiQB0e2K"));
}

#[test]
fn unknown_and_unreplayable_calls_are_dropped() {
    let history = vec![
        Message::user("go"),
        Message::assistant_blocks(vec![
            ContentBlock::tool_call("1", " read ", json!({})),
            ContentBlock::tool_call("2", "rm -rf", json!({})),
            ContentBlock::tool_call("3", "delete", json!({})),
            ContentBlock::tool_call("4", "read", json!(null)),
        ]),
        Message::tool_result("1", "read", "ok"),
    ];
    let target = ReplayTarget::default().with_allowed_tool_names(["read"]);
    let (history, changes) = sanitize_history(&ReplayPolicy::defaults(), &target, history);
    assert_eq!(ids(&history), ["1", "1"]);
    assert!(
        matches!(&history[1].content()[0], ContentBlock::ToolCall { name, .. } if name == "read")
    );
    assert_eq!(changes[0].rule, "sanitizeToolCallInputs");
    assert_eq!(changes[0].count, 4);
}

#[test]
fn responses_ids_are_normalized_and_unpaired_item_ids_dropped() {
    let m = model(ModelApi::OpenAiResponses, "gpt-5");
    let reasoning = ContentBlock::thinking("", Some(r#"{"type":"reasoning","id":"rs_1"}"#.into()));
    let history = vec![
        Message::user("go"),
        Message::assistant_blocks(vec![ContentBlock::tool_call("call_a|fc_a", "t", json!({}))]),
        Message::tool_result("call_a|fc_a", "t", "ok"),
        Message::assistant_blocks(vec![
            reasoning,
            ContentBlock::tool_call("call_b|fc_b", "t", json!({})),
        ]),
        Message::tool_result("call_b|fc_b", "t", "ok"),
    ];
    let (history, changes) = sanitize_history(&fallback_policy(&m), &ReplayTarget::of(&m), history);
    assert_eq!(
        ids(&history),
        ["call_a", "call_a", "call_b|fc_b", "call_b|fc_b"]
    );
    assert_eq!(
        rules(&changes),
        ["downgradeOpenAIFunctionCallReasoningPairs"]
    );
}

#[test]
fn a_responses_call_without_result_is_answered_aborted() {
    let m = model(ModelApi::OpenAiResponses, "gpt-5");
    let (history, _) = sanitize_history(
        &fallback_policy(&m),
        &ReplayTarget::of(&m),
        vec![call("call_1")],
    );
    assert_eq!(
        history[1],
        missing_tool_result("call_1", "get_weather", "aborted")
    );
}

#[test]
fn validators_merge_turns_and_fix_an_assistant_first_history() {
    let m = model(ModelApi::OpenAiCompletions, "m");
    let policy = fallback_policy(&m);
    let target = ReplayTarget::of(&m);
    let history = vec![
        Message::assistant("a"),
        Message::assistant("b"),
        Message::user("c"),
        Message::user("d"),
    ];
    let (history, mut changes) = finish_sanitation(&policy, &target, history);
    let (history, more) = validate_turns(&policy, &target, history);
    changes.extend(more);
    assert_eq!(history.len(), 3);
    assert_eq!(
        rules(&changes),
        [
            "applyAssistantFirstOrderingFix",
            "validateGeminiTurns",
            "validateAnthropicTurns"
        ]
    );
}

#[test]
fn anthropic_validation_strips_dangling_calls() {
    let mut history = vec![
        Message::user("go"),
        Message::assistant_blocks(vec![
            ContentBlock::text("let me look"),
            ContentBlock::tool_call("a", "t", json!({})),
            ContentBlock::tool_call("b", "t", json!({})),
        ]),
        Message::tool_result("a", "t", "ok"),
        Message::assistant_blocks(vec![
            ContentBlock::thinking("hm", Some("sig".into())),
            ContentBlock::tool_call("c", "t", json!({})),
        ]),
        Message::user("next"),
    ];
    validate_anthropic_turns(&mut history, true);
    assert_eq!(ids(&history), ["a", "a"]);
    assert_eq!(
        history[3].content(),
        [ContentBlock::text(TOOL_CALLS_OMITTED_TEXT)]
    );
}

#[test]
fn append_only_context_keeps_user_turns_apart_on_anthropic_messages() {
    let mut policy = ReplayPolicy::defaults();
    policy.validate_anthropic_turns = Some(true);
    policy.append_only_runtime_context = Some(true);
    let target = ReplayTarget::new("anthropic", "claude-opus-5-5", ModelApi::AnthropicMessages);
    let (history, _) = validate_turns(
        &policy,
        &target,
        vec![Message::user("a"), Message::user("b")],
    );
    assert_eq!(history.len(), 2);
    let bedrock = ReplayTarget::new(
        "amazon-bedrock",
        "claude-opus-5-5",
        ModelApi::BedrockConverseStream,
    );
    let (history, _) = validate_turns(
        &policy,
        &bedrock,
        vec![Message::user("a"), Message::user("b")],
    );
    assert_eq!(history.len(), 1);
}

#[test]
fn strict_turns_merge_every_same_role_run() {
    let mut history = vec![
        Message::user("a"),
        Message::user("b"),
        Message::assistant("c"),
        Message::assistant("d"),
        Message::tool_result("x", "t", "1"),
        Message::tool_result("y", "t", "2"),
    ];
    let change = validate_strict_turns(&mut history);
    assert_eq!(history.len(), 4);
    assert_eq!(change.map(|c| c.count), Some(2));
}

#[test]
fn blank_text_is_dropped_and_empty_results_say_so() {
    let mut history = vec![
        Message::user("  "),
        Message::assistant_blocks(vec![ContentBlock::text(""), ContentBlock::text("hi")]),
        Message::tool_result("x", "t", ""),
    ];
    drop_blank_text(&mut history);
    assert_eq!(history[0], Message::assistant("hi"));
    assert_eq!(
        history[1],
        Message::tool_result("x", "t", EMPTY_CONTENT_TEXT)
    );
}
