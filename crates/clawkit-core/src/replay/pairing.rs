//! Tool calls and their results: the call inputs (`sanitizeToolCallInputs`)
//! and the call/result pairing repair (`repairToolUseResultPairing`).

use std::collections::{HashMap, HashSet, VecDeque};

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

/// Whether `message` is a synthetic result [`missing_tool_result`] made
/// with the default text (`isSyntheticMissingToolResult`).
fn is_synthetic(message: &Message) -> bool {
    matches!(message, Message::ToolResult { is_error: true, content, .. }
        if content.iter().any(|b| matches!(b, ContentBlock::Text { text } if text == MISSING_TOOL_RESULT_TEXT)))
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

/// One tool call of an assistant turn and the result found for it.
#[derive(Debug)]
struct Occurrence {
    id: String,
    name: String,
    content_index: usize,
    result: Option<Message>,
    source: Option<usize>,
}

/// An assistant turn with tool calls and the messages up to the next one.
#[derive(Debug)]
struct Frame {
    start: usize,
    end: usize,
    occurrences: Vec<Occurrence>,
    remainder: Vec<usize>,
    unclaimed: Vec<(Message, Option<String>)>,
    failed: bool,
}

/// What [`classify`] found.
struct Classified {
    frames: Vec<Frame>,
    details: Vec<String>,
}

/// The result with a trimmed tool name, else the call's, else `unknown`
/// (`normalizeToolResultName`).
fn named(mut result: Message, fallback: &str) -> Message {
    if let Message::ToolResult { tool_name, .. } = &mut result {
        let trimmed = tool_name.trim();
        if !trimmed.is_empty() {
            if trimmed.len() != tool_name.len() {
                *tool_name = trimmed.to_owned();
            }
        } else if !fallback.trim().is_empty() {
            *tool_name = fallback.trim().to_owned();
        } else {
            *tool_name = "unknown".to_owned();
        }
    }
    result
}

/// A result without an id in a turn of exactly one call is that call's,
/// marked as an error (`normalizeLegacyToolResultId`).
fn legacy_id(mut result: Message, calls: &[Occurrence]) -> Message {
    if result_id(&result).is_some() || calls.len() != 1 {
        return result;
    }
    let call = &calls[0];
    if let Message::ToolResult {
        tool_call_id,
        tool_name,
        is_error,
        ..
    } = &mut result
    {
        let (result_name, call_name) = (tool_name.trim(), call.name.trim());
        if !result_name.is_empty() && !call_name.is_empty() && result_name != call_name {
            return result;
        }
        *tool_call_id = call.id.clone();
        *is_error = true;
    }
    result
}

/// Sorts every result to the call it answers (`classifyToolUseResultPairing`).
fn classify(messages: &[Message]) -> Classified {
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
        let occurrences: Vec<Occurrence> = content
            .iter()
            .enumerate()
            .filter_map(|(content_index, block)| match block {
                ContentBlock::ToolCall { id, name, .. } if !id.is_empty() => Some(Occurrence {
                    id: id.clone(),
                    name: name.clone(),
                    content_index,
                    result: None,
                    source: None,
                }),
                _ => None,
            })
            .collect();
        let mut pending: HashMap<&str, VecDeque<usize>> = HashMap::new();
        for (at, occurrence) in occurrences.iter().enumerate() {
            pending.entry(&occurrence.id).or_default().push_back(at);
        }
        let mut claims: Vec<(usize, Message, usize)> = Vec::new();
        let mut synthetic: HashMap<String, VecDeque<usize>> = HashMap::new();
        let mut remainder = Vec::new();
        let mut unclaimed = Vec::new();
        for (index, message) in messages.iter().enumerate().take(end).skip(start + 1) {
            if !matches!(message, Message::ToolResult { .. }) {
                remainder.push(index);
                continue;
            }
            let normalized = legacy_id(message.clone(), &occurrences);
            let id = result_id(&normalized).map(str::to_owned);
            let claimed = id
                .as_deref()
                .and_then(|id| pending.get_mut(id))
                .and_then(VecDeque::pop_front);
            if let Some(at) = claimed {
                if is_synthetic(&normalized) {
                    synthetic
                        .entry(occurrences[at].id.clone())
                        .or_default()
                        .push_back(claims.len());
                }
                claims.push((at, normalized, index));
                continue;
            }
            let Some(id) = id.filter(|id| occurrences.iter().any(|o| o.id == *id)) else {
                let id = result_id(&normalized).map(str::to_owned);
                unclaimed.push((normalized, id));
                continue;
            };
            details.push(format!("dropped duplicate result for {id}"));
            if !is_synthetic(&normalized)
                && let Some(replaced) = synthetic.get_mut(&id).and_then(VecDeque::pop_front)
            {
                claims[replaced].1 = normalized;
                claims[replaced].2 = index;
            }
        }
        let mut occurrences = occurrences;
        for (at, result, index) in claims {
            let occurrence = &mut occurrences[at];
            occurrence.result = Some(named(result, &occurrence.name));
            occurrence.source = Some(index);
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
    let mut unresolved: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for number in 0..frames.len() {
        for (at, occurrence) in frames[number].occurrences.iter().enumerate() {
            if occurrence.result.as_ref().is_none_or(is_synthetic) {
                unresolved
                    .entry(occurrence.id.clone())
                    .or_default()
                    .push((number, at));
            }
        }
        for (result, id) in std::mem::take(&mut frames[number].unclaimed) {
            let candidates: Vec<(usize, usize)> = id
                .as_deref()
                .and_then(|id| unresolved.get(id))
                .map(|list| {
                    list.iter()
                        .copied()
                        .filter(|&(f, o)| match &frames[f].occurrences[o].result {
                            None => true,
                            Some(existing) => is_synthetic(existing) && !is_synthetic(&result),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let label = id.as_deref().unwrap_or("(no id)");
            let [(f, o)] = candidates[..] else {
                details.push(format!("dropped orphan result for {label}"));
                continue;
            };
            let occurrence = &mut frames[f].occurrences[o];
            if occurrence.result.is_some() {
                details.push(format!("dropped duplicate result for {label}"));
            }
            details.push(format!("moved result for {label} after its call"));
            occurrence.result = Some(named(result, &occurrence.name));
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
            let real = occurrence
                .source
                .is_some_and(|s| !is_synthetic(&messages[s]));
            if real {
                completed.insert((frame.start, occurrence.content_index));
            }
        }
    }
    completed
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
    let Classified {
        frames,
        mut details,
    } = classify(messages);
    let mut out: Vec<Message> = Vec::with_capacity(messages.len());
    let mut cursor = 0;
    let unframed = |from: usize, to: usize, out: &mut Vec<Message>, details: &mut Vec<String>| {
        for message in &messages[from..to] {
            if matches!(message, Message::ToolResult { .. }) {
                let label = result_id(message).unwrap_or("(no id)");
                details.push(format!("dropped orphan result for {label}"));
            } else {
                out.push(message.clone());
            }
        }
    };
    for frame in frames {
        unframed(cursor, frame.start, &mut out, &mut details);
        cursor = frame.end;
        if frame.failed && options.drop_failed_turns {
            details.push(format!(
                "dropped the failed turn at message {} with its results",
                frame.start
            ));
        } else {
            out.push(messages[frame.start].clone());
            for occurrence in frame.occurrences {
                match occurrence.result {
                    Some(result) => out.push(result),
                    None if frame.failed => {}
                    None => {
                        details.push(format!("inserted a result for {}", occurrence.id));
                        out.push(missing_tool_result(
                            &occurrence.id,
                            &occurrence.name,
                            options.missing_result_text,
                        ));
                    }
                }
            }
        }
        out.extend(frame.remainder.into_iter().map(|at| messages[at].clone()));
    }
    unframed(cursor, messages.len(), &mut out, &mut details);
    if details.is_empty() && out != *messages {
        details.push("moved results after their calls".to_owned());
    }
    *messages = out;
    ReplayChange::of("repairToolUseResultPairing", details)
}

/// Whether a result that follows the turn at `index` (up to the next turn
/// with tool calls) comes after another message
/// (`collectFollowingToolResults(…).displaced`).
fn displaced_results(messages: &[Message], index: usize, calls: &[Occurrence]) -> bool {
    let mut other = false;
    for message in &messages[index + 1..] {
        match message {
            Message::Assistant { content, .. } if has_call(content) => break,
            Message::ToolResult { .. } => {
                if other && result_id(&legacy_id(message.clone(), calls)).is_some() {
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
    let completed = completed_tool_calls(messages);
    let mut details = Vec::new();
    let mut preserved_ids: HashSet<String> = HashSet::new();
    let mut prior_ids: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(messages.len());
    for (at, message) in messages.iter().enumerate() {
        let Message::Assistant { content, .. } = message else {
            out.push(message.clone());
            continue;
        };
        let calls = || {
            content.iter().filter_map(|b| match b {
                ContentBlock::ToolCall { id, .. } if !id.is_empty() => Some(id.as_str()),
                _ => None,
            })
        };
        let call_count = content
            .iter()
            .filter(|b| matches!(b, ContentBlock::ToolCall { .. }))
            .count();
        let thinking = content
            .iter()
            .any(|b| matches!(b, ContentBlock::Thinking { .. }));
        if provider_owned_thinking && thinking && call_count > 0 {
            let occurrences: Vec<Occurrence> = content
                .iter()
                .filter_map(|b| match b {
                    ContentBlock::ToolCall { id, name, .. } if !id.is_empty() => Some(Occurrence {
                        id: id.clone(),
                        name: name.clone(),
                        content_index: 0,
                        result: None,
                        source: None,
                    }),
                    _ => None,
                })
                .collect();
            let displaced = displaced_results(messages, at, &occurrences);
            let safe = replay_safe_turn(content, at, allowed, &completed)
                && calls().all(|id| {
                    !preserved_ids.contains(id) && (!displaced || !prior_ids.contains(id))
                });
            if safe {
                for id in calls() {
                    preserved_ids.insert(id.to_owned());
                    prior_ids.insert(id.to_owned());
                }
                out.push(message.clone());
            } else {
                details.push(format!(
                    "dropped message {at}: signed thinking with tool calls that cannot be replayed"
                ));
            }
            continue;
        }
        let mut kept = Vec::with_capacity(content.len());
        let mut changed = false;
        for (index, block) in content.iter().enumerate() {
            let ContentBlock::ToolCall {
                id,
                name,
                arguments,
                signature,
            } = block
            else {
                kept.push(block.clone());
                continue;
            };
            let allowed = if completed.contains(&(at, index)) {
                None
            } else {
                allowed
            };
            if arguments.is_null()
                || id.trim().is_empty()
                || !is_allowed_tool_call_name(name, allowed)
            {
                details.push(format!("dropped call {id:?} of {name:?}"));
                changed = true;
                continue;
            }
            let trimmed = name.trim();
            if trimmed.len() != name.len() {
                details.push(format!("trimmed the name of call {id}"));
                changed = true;
                kept.push(ContentBlock::ToolCall {
                    id: id.clone(),
                    name: trimmed.to_owned(),
                    arguments: arguments.clone(),
                    signature: signature.clone(),
                });
            } else {
                kept.push(block.clone());
            }
        }
        if changed && kept.is_empty() {
            details.push(format!("dropped message {at}, left empty"));
            continue;
        }
        let mut message = message.clone();
        if changed {
            *message.content_mut() = kept;
        }
        prior_ids.extend(calls_of(&message).map(str::to_owned));
        out.push(message);
    }
    *messages = out;
    ReplayChange::of("sanitizeToolCallInputs", details)
}

fn calls_of(message: &Message) -> impl Iterator<Item = &str> {
    message.content().iter().filter_map(|b| match b {
        ContentBlock::ToolCall { id, .. } if !id.is_empty() => Some(id.as_str()),
        _ => None,
    })
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
