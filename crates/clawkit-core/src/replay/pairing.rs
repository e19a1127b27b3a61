//! Tool calls and their results: the call inputs (`sanitizeToolCallInputs`)
//! and the call/result pairing repair (`repairToolUseResultPairing`).

use std::collections::{HashMap, HashSet};

use crate::context::{ContentBlock, Message};

use super::{ReplayChange, is_allowed_tool_call_name, is_failed};

/// The text of a synthetic result OpenClaw inserts for a call without one.
pub const MISSING_TOOL_RESULT_TEXT: &str = "[openclaw] missing tool result in session history; inserted synthetic error result for transcript repair.";

/// The text of that result on the OpenAI Responses apis.
pub const RESPONSES_MISSING_TOOL_RESULT_TEXT: &str = "aborted";

/// A synthetic error result for the call `id` (`makeMissingToolResult`).
pub fn missing_tool_result(id: &str, name: &str, text: &str) -> Message {
    Message::ToolResult {
        tool_call_id: id.to_owned(),
        tool_name: if name.is_empty() { "unknown" } else { name }.to_owned(),
        content: vec![ContentBlock::text(text)],
        is_error: true,
    }
}

/// Whether `message`, read as a result (`legacy`: adopted by the only
/// call of its turn, so an error), is a synthetic result
/// [`missing_tool_result`] made with the default text
/// (`isSyntheticMissingToolResult`).
fn is_synthetic_as(message: &Message, legacy: bool) -> bool {
    matches!(message, Message::ToolResult { is_error, content, .. }
        if (*is_error || legacy)
            && content.iter().any(|b| matches!(b, ContentBlock::Text { text } if text == MISSING_TOOL_RESULT_TEXT)))
}

/// The id a result answers, trimmed (`extractToolResultId`).
fn result_id(message: &Message) -> Option<&str> {
    match message {
        Message::ToolResult { tool_call_id, .. } => {
            Some(tool_call_id.trim()).filter(|id| !id.is_empty())
        }
        _ => None,
    }
}

/// A result as a frame reads it: its message, and the call id it adopts
/// when it has none and its turn made exactly one call
/// (`normalizeLegacyToolResultId`).
#[derive(Debug, Clone, Copy)]
struct Source<'a> {
    index: usize,
    legacy: Option<&'a str>,
}

impl<'a> Source<'a> {
    fn read(messages: &'a [Message], index: usize, calls: &[Occurrence<'a>]) -> Self {
        let message = &messages[index];
        let mut legacy = None;
        if let (None, [call], Message::ToolResult { tool_name, .. }) =
            (result_id(message), calls, message)
        {
            let (result_name, call_name) = (tool_name.trim(), call.name.trim());
            if result_name.is_empty() || call_name.is_empty() || result_name == call_name {
                legacy = Some(call.id);
            }
        }
        Source { index, legacy }
    }

    fn id(&self, messages: &'a [Message]) -> Option<&'a str> {
        self.legacy.or_else(|| result_id(&messages[self.index]))
    }

    fn synthetic(&self, messages: &[Message]) -> bool {
        is_synthetic_as(&messages[self.index], self.legacy.is_some())
    }
}

/// One tool call of an assistant turn and the result found for it.
#[derive(Debug)]
struct Occurrence<'a> {
    id: &'a str,
    name: &'a str,
    content_index: usize,
    result: Option<Source<'a>>,
}

/// An assistant turn with tool calls and the messages up to the next one.
#[derive(Debug)]
struct Frame<'a> {
    start: usize,
    end: usize,
    occurrences: Vec<Occurrence<'a>>,
    remainder: Vec<usize>,
    unclaimed: Vec<Source<'a>>,
    failed: bool,
}

/// What [`classify`] found.
struct Classified<'a> {
    frames: Vec<Frame<'a>>,
    details: Vec<String>,
}

/// Sorts every result to the call it answers (`classifyToolUseResultPairing`).
fn classify(messages: &[Message]) -> Classified<'_> {
    let starts: Vec<usize> = messages
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m, Message::Assistant { content, .. } if has_call(content)))
        .map(|(at, _)| at)
        .collect();
    let mut details = Vec::new();
    let mut frames = Vec::with_capacity(starts.len());
    for (number, &start) in starts.iter().enumerate() {
        let end = starts.get(number + 1).copied().unwrap_or(messages.len());
        let Message::Assistant { content, .. } = &messages[start] else {
            continue;
        };
        let mut occurrences: Vec<Occurrence<'_>> = content
            .iter()
            .enumerate()
            .filter_map(|(content_index, block)| match block {
                ContentBlock::ToolCall { id, name, .. } if !id.is_empty() => Some(Occurrence {
                    id,
                    name,
                    content_index,
                    result: None,
                }),
                _ => None,
            })
            .collect();
        let mut remainder = Vec::new();
        let mut unclaimed = Vec::new();
        let mut synthetic: Vec<usize> = Vec::new();
        for index in start + 1..end {
            if !matches!(messages[index], Message::ToolResult { .. }) {
                remainder.push(index);
                continue;
            }
            let source = Source::read(messages, index, &occurrences);
            let id = source.id(messages);
            let claimed = id.and_then(|id| {
                occurrences
                    .iter()
                    .position(|o| o.id == id && o.result.is_none())
            });
            if let Some(at) = claimed {
                occurrences[at].result = Some(source);
                if source.synthetic(messages) {
                    synthetic.push(at);
                }
                continue;
            }
            let Some(id) = id.filter(|id| occurrences.iter().any(|o| o.id == *id)) else {
                unclaimed.push(source);
                continue;
            };
            details.push(format!("dropped duplicate result for {id}"));
            // A real result replaces a synthetic one of the same id.
            if !source.synthetic(messages)
                && let Some(slot) = synthetic.iter().position(|&at| occurrences[at].id == id)
            {
                let at = synthetic.remove(slot);
                occurrences[at].result = Some(source);
            }
        }
        frames.push(Frame {
            start,
            end,
            occurrences,
            remainder,
            unclaimed,
            failed: is_failed(&messages[start]),
        });
    }
    // A result displaced past a later assistant turn goes back to the one
    // call still waiting for it; any other is an orphan.
    let mut unresolved: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for number in 0..frames.len() {
        for (at, occurrence) in frames[number].occurrences.iter().enumerate() {
            if occurrence.result.is_none_or(|r| r.synthetic(messages)) {
                unresolved
                    .entry(occurrence.id)
                    .or_default()
                    .push((number, at));
            }
        }
        for source in std::mem::take(&mut frames[number].unclaimed) {
            let id = source.id(messages);
            let incoming_synthetic = source.synthetic(messages);
            let candidates: Vec<(usize, usize)> = id
                .and_then(|id| unresolved.get(id))
                .map(|list| {
                    list.iter()
                        .copied()
                        .filter(|&(f, o)| match frames[f].occurrences[o].result {
                            None => true,
                            Some(existing) => existing.synthetic(messages) && !incoming_synthetic,
                        })
                        .collect()
                })
                .unwrap_or_default();
            let label = id.unwrap_or("(no id)");
            let [(f, o)] = candidates[..] else {
                details.push(format!("dropped orphan result for {label}"));
                continue;
            };
            let occurrence = &mut frames[f].occurrences[o];
            if occurrence.result.is_some() {
                details.push(format!("dropped duplicate result for {label}"));
            }
            details.push(format!("moved result for {label} after its call"));
            occurrence.result = Some(source);
        }
    }
    Classified { frames, details }
}

fn has_call(content: &[ContentBlock]) -> bool {
    content
        .iter()
        .any(|b| matches!(b, ContentBlock::ToolCall { id, .. } if !id.is_empty()))
}

/// The tool calls that have a real (not synthetic) result, as
/// `(message index, block index)` (`collectCompletedToolCallBlocks`).
pub(crate) fn completed_tool_calls(messages: &[Message]) -> HashSet<(usize, usize)> {
    let mut completed = HashSet::new();
    for frame in classify(messages).frames {
        for occurrence in frame.occurrences {
            // OpenClaw reads the source message as stored here.
            if occurrence
                .result
                .is_some_and(|r| !is_synthetic_as(&messages[r.index], false))
            {
                completed.insert((frame.start, occurrence.content_index));
            }
        }
    }
    completed
}

/// How the repaired history is put together from the original.
enum Piece {
    /// The message at this index, as it was.
    Keep(usize),
    /// The result at this index: adopting `legacy` as its id, named after
    /// `call_name` when it has no name.
    Result {
        index: usize,
        legacy: Option<String>,
        call_name: String,
    },
    /// A synthetic result.
    Missing(Message),
}

/// The result with a trimmed tool name, else the call's, else `unknown`
/// (`normalizeToolResultName`), and the legacy id adopted.
fn finish_result(mut result: Message, legacy: Option<String>, call_name: &str) -> Message {
    if let Message::ToolResult {
        tool_call_id,
        tool_name,
        is_error,
        ..
    } = &mut result
    {
        if let Some(id) = legacy {
            *tool_call_id = id;
            *is_error = true;
        }
        let trimmed = tool_name.trim();
        if !trimmed.is_empty() {
            if trimmed.len() != tool_name.len() {
                *tool_name = trimmed.to_owned();
            }
        } else if !call_name.trim().is_empty() {
            *tool_name = call_name.trim().to_owned();
        } else {
            *tool_name = "unknown".to_owned();
        }
    }
    result
}

/// Options of [`repair_tool_use_result_pairing`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PairingOptions<'a> {
    /// Drop a turn that ended in error or was aborted, with its results
    /// (`erroredAssistantResultPolicy: "drop"`, what the replay uses).
    pub drop_failed_turns: bool,
    /// The text of an inserted result.
    pub missing_result_text: &'a str,
}

impl Default for PairingOptions<'_> {
    fn default() -> Self {
        PairingOptions {
            drop_failed_turns: true,
            missing_result_text: MISSING_TOOL_RESULT_TEXT,
        }
    }
}

impl<'a> PairingOptions<'a> {
    /// The options on the OpenAI Responses apis (inserted results say
    /// `aborted`).
    pub fn responses() -> Self {
        PairingOptions {
            missing_result_text: RESPONSES_MISSING_TOOL_RESULT_TEXT,
            ..PairingOptions::default()
        }
    }

    /// Whether a failed turn is dropped with its results (else kept,
    /// without synthetic results: `erroredAssistantResultPolicy`
    /// `"preserve"`).
    pub fn drop_failed_turns(mut self, drop: bool) -> Self {
        self.drop_failed_turns = drop;
        self
    }

    /// The text of an inserted result.
    pub fn missing_result_text(mut self, text: &'a str) -> Self {
        self.missing_result_text = text;
        self
    }
}

/// Puts each tool call's result right after its assistant turn
/// (`repairToolUseResultPairing`): results are moved back from after a
/// user turn or a later assistant turn, duplicates and orphans are dropped,
/// and a call without a result gets a synthetic error result, except in a
/// turn that ended in error or was aborted. OpenClaw inserts those results
/// whatever `allowSyntheticToolResults` says (that flag guards the session
/// writer, not the replay).
///
/// ```
/// use clawkit_core::{ContentBlock, Message};
/// use clawkit_core::replay::{PairingOptions, repair_tool_use_result_pairing};
/// use serde_json::json;
///
/// let mut history = vec![
///     Message::assistant_blocks(vec![ContentBlock::tool_call("c1", "read", json!({}))]),
///     Message::user("still there?"),
///     Message::tool_result("c1", "read", "done"),
/// ];
/// repair_tool_use_result_pairing(&mut history, &PairingOptions::default());
/// assert!(matches!(&history[1], Message::ToolResult { tool_call_id, .. } if tool_call_id == "c1"));
/// assert!(matches!(&history[2], Message::User { .. }));
/// ```
pub fn repair_tool_use_result_pairing(
    messages: &mut Vec<Message>,
    options: &PairingOptions<'_>,
) -> Option<ReplayChange> {
    let (pieces, mut details) = {
        let Classified { frames, details } = classify(messages);
        let mut details = details;
        let mut pieces: Vec<Piece> = Vec::with_capacity(messages.len());
        let mut cursor = 0;
        let unframed =
            |from: usize, to: usize, pieces: &mut Vec<Piece>, details: &mut Vec<String>| {
                for (index, message) in messages.iter().enumerate().take(to).skip(from) {
                    if matches!(message, Message::ToolResult { .. }) {
                        let label = result_id(message).unwrap_or("(no id)");
                        details.push(format!("dropped orphan result for {label}"));
                    } else {
                        pieces.push(Piece::Keep(index));
                    }
                }
            };
        for frame in frames {
            unframed(cursor, frame.start, &mut pieces, &mut details);
            cursor = frame.end;
            if frame.failed && options.drop_failed_turns {
                details.push(format!(
                    "dropped the failed turn at message {} with its results",
                    frame.start
                ));
            } else {
                pieces.push(Piece::Keep(frame.start));
                for occurrence in frame.occurrences {
                    match occurrence.result {
                        Some(source) => pieces.push(Piece::Result {
                            index: source.index,
                            legacy: source.legacy.map(str::to_owned),
                            call_name: occurrence.name.to_owned(),
                        }),
                        None if frame.failed => {}
                        None => {
                            details.push(format!("inserted a result for {}", occurrence.id));
                            pieces.push(Piece::Missing(missing_tool_result(
                                occurrence.id,
                                occurrence.name,
                                options.missing_result_text,
                            )));
                        }
                    }
                }
            }
            pieces.extend(frame.remainder.into_iter().map(Piece::Keep));
        }
        unframed(cursor, messages.len(), &mut pieces, &mut details);
        (pieces, details)
    };
    let in_order = pieces.len() == messages.len()
        && pieces
            .iter()
            .enumerate()
            .all(|(at, piece)| matches!(piece, Piece::Keep(i) | Piece::Result { index: i, .. } if *i == at));
    let mut slots: Vec<Option<Message>> = std::mem::take(messages).into_iter().map(Some).collect();
    let mut renamed = false;
    for piece in pieces {
        let message = match piece {
            Piece::Keep(index) => slots[index].take(),
            Piece::Result {
                index,
                legacy,
                call_name,
            } => slots[index].take().map(|result| {
                renamed |= legacy.is_some()
                    || matches!(&result, Message::ToolResult { tool_name, .. }
                        if tool_name.trim().is_empty() || tool_name.trim().len() != tool_name.len());
                finish_result(result, legacy, &call_name)
            }),
            Piece::Missing(message) => Some(message),
        };
        messages.extend(message);
    }
    if details.is_empty() && !in_order {
        details.push("moved results after their calls".to_owned());
    }
    if details.is_empty() && renamed {
        details.push("named results after their calls".to_owned());
    }
    ReplayChange::of("repairToolUseResultPairing", details)
}

/// Whether a result that follows the turn at `index` (up to the next turn
/// with tool calls) comes after another message
/// (`collectFollowingToolResults(…).displaced`).
fn displaced_results(messages: &[Message], index: usize, calls: &[Occurrence<'_>]) -> bool {
    let mut other = false;
    for (at, message) in messages.iter().enumerate().skip(index + 1) {
        match message {
            Message::Assistant { content, .. } if has_call(content) => break,
            Message::ToolResult { .. } => {
                if other && Source::read(messages, at, calls).id(messages).is_some() {
                    return true;
                }
            }
            _ => other = true,
        }
    }
    false
}

/// Drops tool calls that cannot be replayed (`sanitizeToolCallInputs`):
/// no arguments, no id, or a name that is not `[A-Za-z0-9_:.-]{1,64}` or
/// not among `allowed` (a call that already has its result keeps its name
/// whatever the tools are now); trims names. An assistant turn left empty
/// is dropped. With `provider_owned_thinking` (signed thinking replayed to
/// Anthropic), a turn with thinking and tool calls is kept as it is or
/// dropped whole, never edited.
pub fn sanitize_tool_call_inputs(
    messages: &mut Vec<Message>,
    allowed: Option<&HashSet<String>>,
    provider_owned_thinking: bool,
) -> Option<ReplayChange> {
    let mut details = Vec::new();
    // Per message: None = keep, Some(None) = drop, Some(Some(content)) = edit.
    let mut edits: Vec<(usize, Option<Vec<ContentBlock>>)> = Vec::new();
    {
        let completed = completed_tool_calls(messages);
        let mut preserved_ids: HashSet<&str> = HashSet::new();
        let mut prior_ids: HashSet<&str> = HashSet::new();
        for (at, message) in messages.iter().enumerate() {
            let Message::Assistant { content, .. } = message else {
                continue;
            };
            let ids = || {
                content.iter().filter_map(|b| match b {
                    ContentBlock::ToolCall { id, .. } if !id.is_empty() => Some(id.as_str()),
                    _ => None,
                })
            };
            let has_calls = content
                .iter()
                .any(|b| matches!(b, ContentBlock::ToolCall { .. }));
            let thinking = content
                .iter()
                .any(|b| matches!(b, ContentBlock::Thinking { .. }));
            if provider_owned_thinking && thinking && has_calls {
                let calls: Vec<Occurrence<'_>> = content
                    .iter()
                    .enumerate()
                    .filter_map(|(content_index, b)| match b {
                        ContentBlock::ToolCall { id, name, .. } if !id.is_empty() => {
                            Some(Occurrence {
                                id,
                                name,
                                content_index,
                                result: None,
                            })
                        }
                        _ => None,
                    })
                    .collect();
                let displaced = displaced_results(messages, at, &calls);
                let safe = replay_safe_turn(content, at, allowed, &completed)
                    && ids().all(|id| {
                        !preserved_ids.contains(id) && (!displaced || !prior_ids.contains(id))
                    });
                if safe {
                    preserved_ids.extend(ids());
                    prior_ids.extend(ids());
                } else {
                    details.push(format!(
                        "dropped message {at}: signed thinking with tool calls that cannot be replayed"
                    ));
                    edits.push((at, None));
                }
                continue;
            }
            let mut kept: Option<Vec<ContentBlock>> = None;
            let mut dropped: Vec<&str> = Vec::new();
            for (index, block) in content.iter().enumerate() {
                let ContentBlock::ToolCall {
                    id,
                    name,
                    arguments,
                    signature,
                } = block
                else {
                    if let Some(kept) = &mut kept {
                        kept.push(block.clone());
                    }
                    continue;
                };
                let allowed = if completed.contains(&(at, index)) {
                    None
                } else {
                    allowed
                };
                let drop = arguments.is_null()
                    || id.trim().is_empty()
                    || !is_allowed_tool_call_name(name, allowed);
                let trimmed = name.trim();
                if !drop && trimmed.len() == name.len() {
                    if let Some(kept) = &mut kept {
                        kept.push(block.clone());
                    }
                    continue;
                }
                let kept = kept.get_or_insert_with(|| content[..index].to_vec());
                if drop {
                    details.push(format!("dropped call {id:?} of {name:?}"));
                    dropped.push(id);
                } else {
                    details.push(format!("trimmed the name of call {id}"));
                    kept.push(ContentBlock::ToolCall {
                        id: id.clone(),
                        name: trimmed.to_owned(),
                        arguments: arguments.clone(),
                        signature: signature.clone(),
                    });
                }
            }
            match kept {
                Some(kept) if kept.is_empty() => {
                    details.push(format!("dropped message {at}, left empty"));
                    edits.push((at, None));
                }
                Some(kept) => {
                    prior_ids.extend(ids().filter(|id| !dropped.contains(id)));
                    edits.push((at, Some(kept)));
                }
                None => prior_ids.extend(ids()),
            }
        }
    }
    if edits.is_empty() {
        return ReplayChange::of("sanitizeToolCallInputs", details);
    }
    let mut edits = edits.into_iter().peekable();
    let mut at = 0;
    messages.retain_mut(|message| {
        let index = at;
        at += 1;
        match edits.next_if(|(i, _)| *i == index) {
            Some((_, None)) => false,
            Some((_, Some(content))) => {
                *message.content_mut() = content;
                true
            }
            None => true,
        }
    });
    ReplayChange::of("sanitizeToolCallInputs", details)
}

/// `isReplaySafeThinkingAssistantTurn`: every call has arguments, a unique
/// id and an allowed name that needs no trimming.
fn replay_safe_turn(
    content: &[ContentBlock],
    at: usize,
    allowed: Option<&HashSet<String>>,
    completed: &HashSet<(usize, usize)>,
) -> bool {
    let mut seen = HashSet::new();
    let mut any = false;
    for (index, block) in content.iter().enumerate() {
        let ContentBlock::ToolCall {
            id,
            name,
            arguments,
            ..
        } = block
        else {
            continue;
        };
        any = true;
        let allowed = if completed.contains(&(at, index)) {
            None
        } else {
            allowed
        };
        let id = id.trim();
        if arguments.is_null()
            || id.is_empty()
            || !seen.insert(id)
            || !is_allowed_tool_call_name(name, allowed)
            || name.trim() != name
        {
            return false;
        }
    }
    any
}
