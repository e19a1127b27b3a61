//! Thinking blocks in the history: unsigned ones (`stripInvalidThinkingSignatures`),
//! `dropReasoningFromHistory` and `dropThinkingBlocks`.

use crate::context::{ContentBlock, Message};

use super::ReplayChange;

/// What an assistant turn left without content by these rules says
/// instead.
pub const OMITTED_REASONING_TEXT: &str = "[assistant reasoning omitted]";

fn latest_assistant(messages: &[Message]) -> Option<usize> {
    messages
        .iter()
        .rposition(|m| matches!(m, Message::Assistant { .. }))
}

fn latest_user(messages: &[Message]) -> Option<usize> {
    messages
        .iter()
        .rposition(|m| matches!(m, Message::User { .. }))
}

/// Whether the assistant turn at `index` is the tool loop in progress: it
/// calls tools, follows the latest user turn with no other assistant turn
/// in between, and a result follows it (`shouldPreserveCurrentToolTurnReasoning`).
fn is_current_tool_turn(messages: &[Message], index: usize, latest_user: Option<usize>) -> bool {
    let Some(Message::Assistant { content, .. }) = messages.get(index) else {
        return false;
    };
    if latest_user.is_some_and(|user| index < user)
        || !content
            .iter()
            .any(|b| matches!(b, ContentBlock::ToolCall { .. }))
    {
        return false;
    }
    for message in messages[..index].iter().rev() {
        match message {
            Message::User { .. } => break,
            Message::Assistant { .. } => return false,
            Message::ToolResult { .. } => {}
        }
    }
    for message in &messages[index + 1..] {
        match message {
            Message::ToolResult { .. } => return true,
            Message::User { .. } => return false,
            Message::Assistant { .. } => {}
        }
    }
    false
}

/// Whether the latest assistant turn must keep its thinking as it is: it
/// ends the history, or it is the tool loop in progress
/// (`shouldPreserveLatestAssistantThinking`).
pub(crate) fn preserve_latest_assistant_thinking(messages: &[Message]) -> bool {
    match latest_assistant(messages) {
        None => false,
        Some(at) if at + 1 == messages.len() => true,
        Some(at) => is_current_tool_turn(messages, at, latest_user(messages)),
    }
}

/// Removes the thinking blocks `drop` selects from the assistant turn at
/// `at`; one left empty says [`OMITTED_REASONING_TEXT`].
fn strip(
    message: &mut Message,
    at: usize,
    drop: impl Fn(&ContentBlock) -> bool,
    details: &mut Vec<String>,
) {
    let Message::Assistant { content, .. } = message else {
        return;
    };
    let before = content.len();
    content.retain(|block| !drop(block));
    let removed = before - content.len();
    if removed > 0 {
        details.push(format!("message {at}: {removed} thinking block(s)"));
        if content.is_empty() {
            content.push(ContentBlock::text(OMITTED_REASONING_TEXT));
        }
    }
}

fn is_thinking(block: &ContentBlock) -> bool {
    matches!(block, ContentBlock::Thinking { .. })
}

/// Drops thinking blocks without a replayable signature (absent or blank)
/// from every assistant turn but, when `keep_latest`, the latest
/// (`stripInvalidThinkingSignatures`). Anthropic and Bedrock refuse them.
pub fn strip_invalid_thinking_signatures(
    messages: &mut [Message],
    keep_latest: bool,
) -> Option<ReplayChange> {
    let latest = keep_latest.then(|| latest_assistant(messages)).flatten();
    let mut details = Vec::new();
    for (at, message) in messages.iter_mut().enumerate() {
        if Some(at) != latest {
            strip(
                message,
                at,
                |block| {
                    matches!(block, ContentBlock::Thinking { signature, .. }
                        if signature.as_deref().is_none_or(|s| s.trim().is_empty()))
                },
                &mut details,
            );
        }
    }
    ReplayChange::of("stripInvalidThinkingSignatures", details)
}

/// Drops thinking (and redacted thinking) from every assistant turn but
/// the latest (`dropThinkingBlocks`): a tool loop with thinking on must
/// send the latest back as it was.
///
/// ```
/// use clawkit_core::{ContentBlock, Message};
/// use clawkit_core::replay::drop_thinking_blocks;
///
/// let turn = || Message::assistant_blocks(vec![ContentBlock::thinking("hmm", Some("sig".into()))]);
/// let mut history = vec![Message::user("a"), turn(), Message::user("b"), turn()];
/// drop_thinking_blocks(&mut history);
/// assert_eq!(history[1].content(), [ContentBlock::text("[assistant reasoning omitted]")]);
/// assert_eq!(history[3], turn());
/// ```
pub fn drop_thinking_blocks(messages: &mut [Message]) -> Option<ReplayChange> {
    let latest = latest_assistant(messages);
    let mut details = Vec::new();
    for (at, message) in messages.iter_mut().enumerate() {
        if Some(at) != latest {
            strip(message, at, is_thinking, &mut details);
        }
    }
    ReplayChange::of("dropThinkingBlocks", details)
}

/// Drops thinking from every assistant turn but the tool loop in progress
/// (`dropReasoningFromHistory`): Chat Completions servers reject or
/// re-bill reasoning sent back, except during the tool calls of one turn.
pub fn drop_reasoning_from_history(messages: &mut [Message]) -> Option<ReplayChange> {
    let user = latest_user(messages);
    let keep: Vec<bool> = (0..messages.len())
        .map(|at| is_current_tool_turn(messages, at, user))
        .collect();
    let mut details = Vec::new();
    for (at, message) in messages.iter_mut().enumerate() {
        if !keep[at] {
            strip(message, at, is_thinking, &mut details);
        }
    }
    ReplayChange::of("dropReasoningFromHistory", details)
}
