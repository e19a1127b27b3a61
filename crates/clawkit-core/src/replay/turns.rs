//! Turn order: the assistant-first fix and the turn validators
//! (`validateGeminiTurns`, `validateAnthropicTurns`, strict same-role
//! merging).

use std::collections::{HashMap, HashSet};

use crate::context::{ContentBlock, Message};
use crate::event::StopReason;

use super::ReplayChange;

/// The user turn the assistant-first fix puts before an assistant turn.
pub const SESSION_BOOTSTRAP_TEXT: &str = "(session bootstrap)";

/// What a turn left without its tool calls says.
pub const TOOL_CALLS_OMITTED_TEXT: &str = "[tool calls omitted]";

fn is_bootstrap(message: &Message) -> bool {
    matches!(message, Message::User { content }
        if matches!(&content[..], [ContentBlock::Text { text }] if text.trim() == SESSION_BOOTSTRAP_TEXT))
}

/// A history that starts with an assistant turn gets a
/// `"(session bootstrap)"` user turn first (`sanitizeGoogleAssistantFirstOrdering`,
/// the rule behind `applyAssistantFirstOrderingFix` and the Gemini
/// family's `sanitizeReplayHistory`).
///
/// ```
/// use clawkit_core::Message;
/// use clawkit_core::replay::prepend_session_bootstrap;
///
/// let mut history = vec![Message::assistant("Hello from the channel")];
/// assert!(prepend_session_bootstrap(&mut history).is_some());
/// assert_eq!(history[0], Message::user("(session bootstrap)"));
/// assert!(prepend_session_bootstrap(&mut history).is_none(), "once");
/// ```
pub fn prepend_session_bootstrap(messages: &mut Vec<Message>) -> Option<ReplayChange> {
    match messages.first() {
        Some(first) if !is_bootstrap(first) && matches!(first, Message::Assistant { .. }) => {
            messages.insert(0, Message::user(SESSION_BOOTSTRAP_TEXT));
            ReplayChange::of(
                "applyAssistantFirstOrderingFix",
                vec!["prepended a (session bootstrap) user turn".to_owned()],
            )
        }
        _ => None,
    }
}

/// Merges each run of consecutive messages of `role` into its first
/// (`validateTurnsWithConsecutiveMerge`).
fn merge_runs(
    messages: &mut Vec<Message>,
    role: &str,
    merge: fn(&mut Message, Message),
    details: &mut Vec<String>,
) {
    let mut out: Vec<Message> = Vec::with_capacity(messages.len());
    for (at, message) in std::mem::take(messages).into_iter().enumerate() {
        match out.last_mut() {
            Some(last) if last.role() == role && message.role() == role => {
                details.push(format!("merged {role} message {at} into the one before"));
                merge(last, message);
            }
            _ => out.push(message),
        }
    }
    *messages = out;
}

/// Concatenates the content; the later turn's stop reason wins when set.
fn merge_assistant(into: &mut Message, next: Message) {
    if let (
        Message::Assistant {
            content,
            stop_reason,
        },
        Message::Assistant {
            content: more,
            stop_reason: later,
        },
    ) = (into, next)
    {
        content.extend(more);
        if later.is_some() {
            *stop_reason = later;
        }
    }
}

/// Concatenates the content (the later turn's metadata wins; clawkit's
/// user turns have none).
fn merge_user(into: &mut Message, next: Message) {
    into.content_mut().extend(next.content().iter().cloned());
}

/// Merges consecutive assistant turns (`validateGeminiTurns`): Gemini wants
/// user and model turns to alternate.
pub fn validate_gemini_turns(messages: &mut Vec<Message>) -> Option<ReplayChange> {
    let mut details = Vec::new();
    merge_runs(messages, "assistant", merge_assistant, &mut details);
    ReplayChange::of("validateGeminiTurns", details)
}

/// Merges consecutive assistant turns, strips tool calls no result answers
/// before the next assistant turn, then merges consecutive user turns
/// unless `merge_user_turns` is false (`validateAnthropicTurns`).
///
/// A turn with thinking is kept whole only if every call has an id, a name
/// and a result (of the same name when the result names one); otherwise
/// its content becomes `[tool calls omitted]` (nothing for an aborted or
/// failed turn), since signed thinking cannot be edited. Without thinking,
/// only the unanswered calls go.
pub fn validate_anthropic_turns(
    messages: &mut Vec<Message>,
    merge_user_turns: bool,
) -> Option<ReplayChange> {
    let mut details = Vec::new();
    merge_runs(messages, "assistant", merge_assistant, &mut details);
    strip_dangling_tool_uses(messages, &mut details);
    if merge_user_turns {
        merge_runs(messages, "user", merge_user, &mut details);
    }
    ReplayChange::of("validateAnthropicTurns", details)
}

/// Merges consecutive user turns (`mergeConsecutiveUserMessages`, the
/// last step of [`validate_anthropic_turns`]).
pub fn merge_consecutive_user_turns(messages: &mut Vec<Message>) -> Option<ReplayChange> {
    let mut details = Vec::new();
    merge_runs(messages, "user", merge_user, &mut details);
    ReplayChange::of("mergeConsecutiveUserMessages", details)
}

/// Merges any consecutive messages of the same role, tool results apart
/// (the design's `validateStrictTurns`, for servers like MiniMax that want
/// strict alternation). Not part of OpenClaw 2026.9.6's policy pipeline: a
/// provider calls it from its `validate_replay_turns`.
pub fn validate_strict_turns(messages: &mut Vec<Message>) -> Option<ReplayChange> {
    let mut details = Vec::new();
    merge_runs(messages, "assistant", merge_assistant, &mut details);
    merge_runs(messages, "user", merge_user, &mut details);
    ReplayChange::of("validateStrictTurns", details)
}

/// The results up to the next assistant turn: id → the tool names they
/// give (`collectFutureToolResultMatches`).
fn future_results(messages: &[Message], index: usize) -> HashMap<&str, HashSet<&str>> {
    let mut matches: HashMap<&str, HashSet<&str>> = HashMap::new();
    for message in &messages[index + 1..] {
        match message {
            Message::Assistant { .. } => break,
            Message::ToolResult {
                tool_call_id,
                tool_name,
                ..
            } => {
                let id = tool_call_id.trim();
                if !id.is_empty() {
                    let names = matches.entry(id).or_default();
                    let name = tool_name.trim();
                    if !name.is_empty() {
                        names.insert(name);
                    }
                }
            }
            Message::User { .. } => {}
        }
    }
    matches
}

/// `stripDanglingAnthropicToolUses`.
fn strip_dangling_tool_uses(messages: &mut [Message], details: &mut Vec<String>) {
    let mut edits: Vec<(usize, Vec<ContentBlock>)> = Vec::new();
    for (at, message) in messages.iter().enumerate() {
        let Message::Assistant {
            content,
            stop_reason,
        } = message
        else {
            continue;
        };
        if !content
            .iter()
            .any(|b| matches!(b, ContentBlock::ToolCall { id, .. } if !id.is_empty()))
        {
            continue;
        }
        let failed = matches!(stop_reason, Some(StopReason::Aborted | StopReason::Error));
        let placeholder = || {
            if failed {
                Vec::new()
            } else {
                vec![ContentBlock::text(TOOL_CALLS_OMITTED_TEXT)]
            }
        };
        let results = future_results(messages, at);
        let thinking = content
            .iter()
            .any(|b| matches!(b, ContentBlock::Thinking { .. }));
        if thinking {
            let whole = content.iter().all(|block| match block {
                ContentBlock::ToolCall { id, name, .. } => {
                    let (id, name) = (id.trim(), name.trim());
                    !id.is_empty()
                        && !name.is_empty()
                        && results
                            .get(id)
                            .is_some_and(|names| names.is_empty() || names.contains(name))
                }
                _ => true,
            });
            if !whole {
                details.push(format!(
                    "message {at}: tool calls without results in a turn with thinking"
                ));
                edits.push((at, placeholder()));
            }
            continue;
        }
        let kept: Vec<ContentBlock> = content
            .iter()
            .filter(|block| match block {
                ContentBlock::ToolCall { id, .. } => {
                    let id = id.trim();
                    !id.is_empty() && results.contains_key(id)
                }
                _ => true,
            })
            .cloned()
            .collect();
        if kept.len() == content.len() {
            continue;
        }
        details.push(format!(
            "message {at}: {} tool call(s) without results",
            content.len() - kept.len()
        ));
        edits.push((at, if kept.is_empty() { placeholder() } else { kept }));
    }
    for (at, content) in edits {
        *messages[at].content_mut() = content;
    }
}
