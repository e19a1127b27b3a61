//! The history stage of a turn: which replay policy applies, and the
//! generic sanitation and turn validation that policy asks for.
//!
//! This is the seam the replay families build on: [`fallback_policy`] is
//! OpenClaw's "unowned transport" policy keyed on the model's api, and
//! [`sanitize_history`] / [`validate_turns`] apply the generic rules of a
//! policy. A plugin's `sanitizeReplayHistory` runs after the generic rules
//! and its `validateReplayTurns` replaces [`validate_turns`].

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::context::{ContentBlock, Message};
use crate::hooks::{ReplayPolicy, SanitizeMode, ThoughtSignaturePolicy, ToolCallIdMode};
use crate::model::ModelApi;

/// One change the generic rules made to the history, for the trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReplayChange {
    /// The policy field that asked for it (`dropThinkingBlocks`, …).
    pub rule: &'static str,
    /// How many blocks or messages it touched.
    pub count: usize,
}

/// OpenClaw's policy for a provider without `buildReplayPolicy`, keyed on
/// the model's api (defaults merged with the api's needs).
pub fn fallback_policy(api: &ModelApi, model_id: &str) -> ReplayPolicy {
    let google = matches!(api, ModelApi::GoogleGenerativeAi | ModelApi::GoogleVertex);
    let anthropic = matches!(
        api,
        ModelApi::AnthropicMessages | ModelApi::BedrockConverseStream
    );
    let completions = matches!(api, ModelApi::OpenAiCompletions);
    let openai = completions
        || matches!(
            api,
            ModelApi::OpenAiResponses
                | ModelApi::OpenAiCodexResponses
                | ModelApi::AzureOpenAiResponses
        );
    let mut policy = ReplayPolicy::defaults();
    let bedrock = matches!(api, ModelApi::BedrockConverseStream);
    let anthropic = anthropic && !bedrock;
    if google || anthropic || bedrock {
        policy.sanitize_mode = Some(SanitizeMode::Full);
    }
    if google || anthropic {
        policy.allow_synthetic_tool_results = Some(true);
    }
    if google || anthropic || openai {
        policy.sanitize_tool_call_ids = Some(true);
        policy.tool_call_id_mode = Some(ToolCallIdMode::Strict);
    }
    if anthropic {
        policy.preserve_signatures = Some(true);
        let id = model_id.to_ascii_lowercase();
        if id.contains("claude") {
            policy.drop_thinking_blocks = Some(!preserves_thinking_blocks(&id));
        }
    }
    if google {
        policy.sanitize_thought_signatures = Some(ThoughtSignaturePolicy {
            allow_base64_only: true,
            include_camel_case: true,
        });
    }
    if google || completions {
        policy.apply_assistant_first_ordering_fix = Some(true);
        policy.validate_gemini_turns = Some(true);
    }
    if anthropic || completions {
        policy.validate_anthropic_turns = Some(true);
    }
    policy
}

/// Claude 4 and later keep thinking in context (dropping it would break
/// prompt-cache prefixes).
fn preserves_thinking_blocks(id: &str) -> bool {
    if ["opus-4", "sonnet-4", "haiku-4"]
        .iter()
        .any(|m| id.contains(m))
    {
        return true;
    }
    id.match_indices("claude-").any(|(at, m)| {
        let rest = &id[at + m.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.len() >= 2 || digits.parse::<u32>().is_ok_and(|d| (5..=9).contains(&d))
    })
}

/// The generic rules of `policy`, in OpenClaw's order: thinking blocks,
/// tool-call ids, then tool-call / result pairing.
pub fn sanitize_history(
    policy: &ReplayPolicy,
    mut messages: Vec<Message>,
) -> (Vec<Message>, Vec<ReplayChange>) {
    let mut changes = Vec::new();
    let mut note = |rule: &'static str, count: usize| {
        if count > 0 {
            changes.push(ReplayChange { rule, count });
        }
    };
    if policy.drop_thinking_blocks == Some(true) || policy.drop_reasoning_from_history == Some(true)
    {
        // The latest assistant message keeps its thinking: a tool loop with
        // thinking on must send it back. One emptied by the drop keeps an
        // empty text block, as an API refuses a message with no content.
        let latest = messages
            .iter()
            .rposition(|m| matches!(m, Message::Assistant { .. }));
        let mut dropped = 0;
        for (at, message) in messages.iter_mut().enumerate() {
            if Some(at) == latest {
                continue;
            }
            if let Message::Assistant { content } = message {
                let before = content.len();
                content.retain(|block| !matches!(block, ContentBlock::Thinking { .. }));
                dropped += before - content.len();
                if content.is_empty() && before > 0 {
                    content.push(ContentBlock::text(""));
                }
            }
        }
        note("dropThinkingBlocks", dropped);
    }
    if policy.sanitize_tool_call_ids == Some(true) {
        let mode = policy.tool_call_id_mode.unwrap_or(ToolCallIdMode::Strict);
        note(
            "sanitizeToolCallIds",
            rewrite_tool_call_ids(&mut messages, mode),
        );
    }
    if policy.repair_tool_use_result_pairing == Some(true) {
        let synthetic = policy.allow_synthetic_tool_results == Some(true);
        let (dropped, inserted) = repair_pairing(&mut messages, synthetic);
        note("repairToolUseResultPairing", dropped + inserted);
    }
    (messages, changes)
}

/// The turn-ordering fix (`applyAssistantFirstOrderingFix`): a history
/// that starts with the assistant gets a user turn first. It runs after
/// `sanitizeReplayHistory` and before validation, whoever validates.
pub fn fix_turn_ordering(
    policy: &ReplayPolicy,
    messages: &mut Vec<Message>,
) -> Option<ReplayChange> {
    let fix = policy.apply_assistant_first_ordering_fix == Some(true)
        && matches!(messages.first(), Some(Message::Assistant { .. }));
    fix.then(|| {
        messages.insert(0, Message::user("(session bootstrap)"));
        ReplayChange {
            rule: "applyAssistantFirstOrderingFix",
            count: 1,
        }
    })
}

/// The built-in turn validators the policy enables (what a plugin's
/// `validateReplayTurns` replaces).
pub fn validate_turns(
    policy: &ReplayPolicy,
    mut messages: Vec<Message>,
) -> (Vec<Message>, Vec<ReplayChange>) {
    let mut changes = Vec::new();
    if policy.validate_gemini_turns == Some(true) {
        let merged = merge_consecutive(&mut messages, |m| matches!(m, Message::Assistant { .. }));
        if merged > 0 {
            changes.push(ReplayChange {
                rule: "validateGeminiTurns",
                count: merged,
            });
        }
    }
    if policy.validate_anthropic_turns == Some(true) {
        let merged = merge_consecutive(&mut messages, |m| matches!(m, Message::User { .. }));
        if merged > 0 {
            changes.push(ReplayChange {
                rule: "validateAnthropicTurns",
                count: merged,
            });
        }
    }
    (messages, changes)
}

/// Rewrites every tool-call id (and the results naming it) to the mode's
/// shape, keeping them unique; returns how many ids changed. Ids are
/// rewritten per occurrence: two calls that share a raw id get two new
/// ids, and the results naming that raw id take them in order.
fn rewrite_tool_call_ids(messages: &mut [Message], mode: ToolCallIdMode) -> usize {
    let mut pending: HashMap<String, std::collections::VecDeque<String>> = HashMap::new();
    let mut last: HashMap<String, String> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    let mut changed = 0;
    for message in messages.iter_mut() {
        match message {
            Message::Assistant { content } => {
                for block in content {
                    if let ContentBlock::ToolCall { id, .. } = block {
                        let new = unique_id(id, mode, &mut taken);
                        if new != *id {
                            changed += 1;
                        }
                        pending
                            .entry(id.clone())
                            .or_default()
                            .push_back(new.clone());
                        last.insert(id.clone(), new.clone());
                        *id = new;
                    }
                }
            }
            Message::ToolResult { tool_call_id, .. } => {
                // The next call of that raw id not yet answered, else the
                // latest one (a repeated result).
                let next = pending
                    .get_mut(tool_call_id.as_str())
                    .and_then(|queue| queue.pop_front())
                    .or_else(|| last.get(tool_call_id.as_str()).cloned());
                if let Some(new) = next {
                    *tool_call_id = new;
                }
            }
            _ => {}
        }
    }
    changed
}

/// `id` in the mode's shape, made unique among `taken` by a numeric
/// suffix (within the length limit). A valid id of the shape is kept.
fn unique_id(id: &str, mode: ToolCallIdMode, taken: &mut HashSet<String>) -> String {
    let (prefix, limit, exact): (&str, usize, bool) = match mode {
        ToolCallIdMode::Strict9 => ("", 9, true),
        ToolCallIdMode::StrictAnthropic => ("toolu_", 40, false),
        _ => ("", 40, false),
    };
    let body_of = |id: &str| -> String {
        let id = id.strip_prefix(prefix).unwrap_or(id);
        id.chars().filter(char::is_ascii_alphanumeric).collect()
    };
    let mut body = body_of(id);
    if body.is_empty() {
        body = "sanitizedtoolid".to_owned();
    }
    let fit = |body: &str, suffix: &str| -> String {
        let room = limit.saturating_sub(prefix.len() + suffix.len());
        let mut out: String = body.chars().take(room).collect();
        if exact {
            while out.len() + suffix.len() < limit {
                out.push('0');
            }
        }
        format!("{prefix}{out}{suffix}")
    };
    let mut candidate = fit(&body, "");
    let mut n = 1u32;
    while taken.contains(&candidate) {
        candidate = fit(&body, &n.to_string());
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// Drops results whose call is not in the history; inserts an error result
/// for a call left without one when `synthetic`. Returns (dropped, inserted).
fn repair_pairing(messages: &mut Vec<Message>, synthetic: bool) -> (usize, usize) {
    let calls: HashSet<String> = messages
        .iter()
        .flat_map(|m| m.content().iter())
        .filter_map(|b| match b {
            ContentBlock::ToolCall { id, .. } => Some(id.clone()),
            _ => None,
        })
        .collect();
    let before = messages.len();
    messages.retain(|m| match m {
        Message::ToolResult { tool_call_id, .. } => calls.contains(tool_call_id),
        _ => true,
    });
    let dropped = before - messages.len();
    if !synthetic {
        return (dropped, 0);
    }
    let answered: HashSet<String> = messages
        .iter()
        .filter_map(|m| match m {
            Message::ToolResult { tool_call_id, .. } => Some(tool_call_id.clone()),
            _ => None,
        })
        .collect();
    let mut inserted = 0;
    let mut index = 0;
    while index < messages.len() {
        let missing: Vec<(String, String)> = match &messages[index] {
            Message::Assistant { content } => content
                .iter()
                .filter_map(|b| match b {
                    ContentBlock::ToolCall { id, name, .. } if !answered.contains(id) => {
                        Some((id.clone(), name.clone()))
                    }
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for (offset, (id, name)) in missing.into_iter().enumerate() {
            messages.insert(
                index + 1 + offset,
                Message::ToolResult {
                    tool_call_id: id,
                    tool_name: name,
                    content: vec![ContentBlock::text("No result provided")],
                    is_error: true,
                },
            );
            inserted += 1;
        }
        index += 1;
    }
    (dropped, inserted)
}

/// Merges runs of messages matching `role` into one; returns how many merged away.
fn merge_consecutive(messages: &mut Vec<Message>, role: impl Fn(&Message) -> bool) -> usize {
    let mut merged = 0;
    let mut out: Vec<Message> = Vec::with_capacity(messages.len());
    for message in messages.drain(..) {
        match out.last_mut() {
            Some(last) if role(last) && role(&message) => {
                last.content_mut().extend(message.content().iter().cloned());
                merged += 1;
            }
            _ => out.push(message),
        }
    }
    *messages = out;
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(id: &str) -> Message {
        Message::Assistant {
            content: vec![ContentBlock::ToolCall {
                id: id.into(),
                name: "get_weather".into(),
                arguments: json!({}),
                signature: None,
            }],
        }
    }

    fn result(id: &str) -> Message {
        Message::ToolResult {
            tool_call_id: id.into(),
            tool_name: "get_weather".into(),
            content: vec![ContentBlock::text("sunny")],
            is_error: false,
        }
    }

    #[test]
    fn the_fallback_follows_the_api() {
        let anthropic = fallback_policy(&ModelApi::AnthropicMessages, "claude-3-7-sonnet");
        assert_eq!(anthropic.drop_thinking_blocks, Some(true));
        assert_eq!(anthropic.validate_anthropic_turns, Some(true));
        let claude4 = fallback_policy(&ModelApi::AnthropicMessages, "claude-sonnet-4-5");
        assert_eq!(claude4.drop_thinking_blocks, Some(false));
        let google = fallback_policy(&ModelApi::GoogleGenerativeAi, "gemini-2.5-pro");
        assert_eq!(google.validate_gemini_turns, Some(true));
        assert_eq!(google.tool_call_id_mode, Some(ToolCallIdMode::Strict));
        let responses = fallback_policy(&ModelApi::OpenAiResponses, "gpt-5");
        assert_eq!(responses.validate_gemini_turns, Some(false));
    }

    #[test]
    fn tool_call_ids_become_strict_and_unique_and_results_follow() {
        let policy = fallback_policy(&ModelApi::OpenAiCompletions, "m");
        let history = vec![
            Message::user("hi"),
            call("call_a-1"),
            result("call_a-1"),
            call("calla1"),
        ];
        let (history, changes) = sanitize_history(&policy, history);
        let ids: Vec<&str> = history
            .iter()
            .filter_map(|m| match m {
                Message::Assistant { content } => content.iter().find_map(|b| match b {
                    ContentBlock::ToolCall { id, .. } => Some(id.as_str()),
                    _ => None,
                }),
                Message::ToolResult { tool_call_id, .. } => Some(tool_call_id.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(ids, ["calla1", "calla1", "calla11"]);
        assert_eq!(
            changes[0],
            ReplayChange {
                rule: "sanitizeToolCallIds",
                count: 2
            }
        );
    }

    #[test]
    fn calls_sharing_a_raw_id_get_their_own_ids_and_results_follow_in_order() {
        let policy = fallback_policy(&ModelApi::OpenAiCompletions, "m");
        let both = Message::Assistant {
            content: vec![
                ContentBlock::ToolCall {
                    id: "x".into(),
                    name: "a".into(),
                    arguments: json!({}),
                    signature: None,
                },
                ContentBlock::ToolCall {
                    id: "x".into(),
                    name: "b".into(),
                    arguments: json!({}),
                    signature: None,
                },
            ],
        };
        let (history, _) = sanitize_history(&policy, vec![both, result("x"), result("x")]);
        let calls: Vec<&str> = history[0]
            .content()
            .iter()
            .filter_map(|b| match b {
                ContentBlock::ToolCall { id, .. } => Some(id.as_str()),
                _ => None,
            })
            .collect();
        let results: Vec<&str> = history[1..]
            .iter()
            .filter_map(|m| match m {
                Message::ToolResult { tool_call_id, .. } => Some(tool_call_id.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(calls, ["x", "x1"]);
        assert_eq!(results, calls);
    }

    #[test]
    fn ids_keep_their_shape_when_already_valid() {
        let mut taken = HashSet::new();
        assert_eq!(
            unique_id("toolu_01Ab", ToolCallIdMode::StrictAnthropic, &mut taken),
            "toolu_01Ab"
        );
        assert_eq!(
            unique_id("call_9", ToolCallIdMode::Strict9, &mut taken),
            "call90000"
        );
        assert_eq!(
            unique_id("", ToolCallIdMode::Strict, &mut taken),
            "sanitizedtoolid"
        );
    }

    #[test]
    fn thinking_is_dropped_from_earlier_turns_but_kept_in_the_latest() {
        let policy = fallback_policy(&ModelApi::AnthropicMessages, "claude-3-7-sonnet");
        let thinking = || ContentBlock::Thinking {
            thinking: "hmm".into(),
            signature: Some("sig".into()),
        };
        let history = vec![
            Message::user("a"),
            Message::Assistant {
                content: vec![thinking()],
            },
            Message::user("b"),
            Message::Assistant {
                content: vec![thinking(), ContentBlock::text("c")],
            },
        ];
        let (history, _) = sanitize_history(&policy, history);
        assert_eq!(history[1].content(), [ContentBlock::text("")]);
        assert_eq!(
            history[3].content().len(),
            2,
            "the latest keeps its thinking"
        );
    }

    #[test]
    fn orphan_results_are_dropped_and_missing_ones_inserted_when_allowed() {
        let mut policy = ReplayPolicy::defaults();
        policy.allow_synthetic_tool_results = Some(true);
        let (history, _) = sanitize_history(
            &policy,
            vec![result("ghost"), call("c1"), Message::user("next")],
        );
        assert!(matches!(&history[0], Message::Assistant { .. }));
        assert!(
            matches!(&history[1], Message::ToolResult { tool_call_id, is_error: true, .. } if tool_call_id == "c1")
        );
        assert_eq!(history.len(), 3);
    }

    #[test]
    fn validators_merge_turns_and_fix_an_assistant_first_history() {
        let policy = fallback_policy(&ModelApi::OpenAiCompletions, "m");
        let history = vec![
            Message::assistant("a"),
            Message::assistant("b"),
            Message::user("c"),
            Message::user("d"),
        ];
        let mut history = history;
        let fixed = fix_turn_ordering(&policy, &mut history);
        let (history, changes) = validate_turns(&policy, history);
        assert_eq!(history.len(), 3);
        let mut rules: Vec<&str> = fixed.iter().map(|c| c.rule).collect();
        rules.extend(changes.iter().map(|c| c.rule));
        assert_eq!(
            rules,
            [
                "applyAssistantFirstOrderingFix",
                "validateGeminiTurns",
                "validateAnthropicTurns"
            ]
        );
    }
}
