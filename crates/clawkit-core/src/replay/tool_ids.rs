//! Tool-call id sanitation (`sanitizeToolCallIdsForCloudCodeAssist`): every
//! call id in the provider's shape, unique across the history, and every
//! result renamed with the call it answers.

use std::collections::{HashMap, HashSet, VecDeque};

use sha2::{Digest, Sha256};

use crate::context::{ContentBlock, Message};
use crate::hooks::ToolCallIdMode;

use super::pairing::completed_tool_calls;
use super::{ReplayChange, is_allowed_tool_call_name};

/// Length of a `strict9` id (Mistral).
const STRICT9_LEN: usize = 9;
/// Longest `strict` id.
const MAX_LEN: usize = 40;

/// Options of [`sanitize_tool_call_ids`], from the replay policy.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct ToolCallIdOptions<'a> {
    /// Keep native Anthropic ids (`toolu_…`) on their first occurrence
    /// (`preserveNativeAnthropicToolUseIds`).
    pub preserve_native_anthropic_tool_use_ids: bool,
    /// `"openai"`: keep a `call_…` id on its first occurrence and give
    /// repeats fresh `call_<24 hex>` ids (`duplicateToolCallIdStyle`).
    pub duplicate_tool_call_id_style: Option<&'a str>,
    /// Keep the ids of replay-safe assistant turns with thinking (signed
    /// thinking the provider checks byte for byte).
    pub preserve_replay_safe_thinking_tool_call_ids: bool,
    /// The tools the turn offers, lower-cased (`None`: any name).
    pub allowed_tool_names: Option<&'a HashSet<String>>,
}

impl<'a> ToolCallIdOptions<'a> {
    /// Sets `preserve_native_anthropic_tool_use_ids`.
    pub fn preserve_native_anthropic_tool_use_ids(mut self, on: bool) -> Self {
        self.preserve_native_anthropic_tool_use_ids = on;
        self
    }

    /// Sets `duplicate_tool_call_id_style`.
    pub fn duplicate_tool_call_id_style(mut self, style: Option<&'a str>) -> Self {
        self.duplicate_tool_call_id_style = style;
        self
    }

    /// Sets `preserve_replay_safe_thinking_tool_call_ids`.
    pub fn preserve_replay_safe_thinking_tool_call_ids(mut self, on: bool) -> Self {
        self.preserve_replay_safe_thinking_tool_call_ids = on;
        self
    }

    /// Sets `allowed_tool_names` (trimmed, lower-cased names).
    pub fn allowed_tool_names(mut self, names: Option<&'a HashSet<String>>) -> Self {
        self.allowed_tool_names = names;
        self
    }
}

/// The first `len` hex digits of SHA-256 of `text`.
pub(crate) fn sha256_hex_prefix(text: &str, len: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(len);
    for byte in digest {
        if out.len() >= len {
            break;
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out.truncate(len);
    out
}

/// `functions.<name>:<n>`, Kimi's native ids, kept verbatim in `strict`.
fn is_native_kimi_id(id: &str) -> bool {
    id.strip_prefix("functions.")
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(name, n)| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
        })
}

/// `toolu_…`, Anthropic's native ids.
fn is_native_anthropic_id(id: &str) -> bool {
    id.strip_prefix("toolu_").is_some_and(|rest| {
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// `call_…`, OpenAI's ids.
fn is_openai_call_id(id: &str) -> bool {
    id.strip_prefix("call_").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

fn alphanumeric(id: &str) -> String {
    id.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// One id in the mode's shape (`sanitizeToolCallId`), before uniqueness.
///
/// `strict` keeps `[A-Za-z0-9]` (`sanitizedtoolid` when nothing is left)
/// and Kimi's `functions.<name>:<n>` ids verbatim; `strict9` takes the
/// first 9 alphanumerics, or 9 hex digits of SHA-256 of a shorter rest.
///
/// ```
/// use clawkit_core::ToolCallIdMode;
/// use clawkit_core::replay::sanitize_tool_call_id;
///
/// assert_eq!(sanitize_tool_call_id("call_a-1", ToolCallIdMode::Strict), "calla1");
/// assert_eq!(sanitize_tool_call_id("functions.read:0", ToolCallIdMode::Strict), "functions.read:0");
/// assert_eq!(sanitize_tool_call_id("call_abcdefgh", ToolCallIdMode::Strict9), "callabcde");
/// ```
pub fn sanitize_tool_call_id(id: &str, mode: ToolCallIdMode) -> String {
    let strict9 = mode == ToolCallIdMode::Strict9;
    if id.is_empty() {
        return if strict9 {
            "defaultid"
        } else {
            "defaulttoolid"
        }
        .to_owned();
    }
    if strict9 {
        let kept = alphanumeric(id);
        return if kept.len() >= STRICT9_LEN {
            kept[..STRICT9_LEN].to_owned()
        } else if kept.is_empty() {
            sha256_hex_prefix("sanitized", STRICT9_LEN)
        } else {
            sha256_hex_prefix(&kept, STRICT9_LEN)
        };
    }
    if is_native_kimi_id(id) {
        return id.to_owned();
    }
    let kept = alphanumeric(id);
    if kept.is_empty() {
        "sanitizedtoolid".to_owned()
    } else {
        kept
    }
}

/// `s` cut to at most `len` bytes (ids here are ASCII).
fn clip(s: &str, len: usize) -> &str {
    s.get(..len.min(s.len())).unwrap_or(s)
}

/// A fresh id for `seed` in the mode's shape, not in `used`
/// (`makeUniqueToolId`). OpenClaw's last resorts after 1 000 tries use the
/// clock; clawkit keeps counting instead, so the result stays
/// deterministic.
fn make_unique_tool_id(seed: &str, used: &HashSet<String>, mode: ToolCallIdMode) -> String {
    if mode == ToolCallIdMode::Strict9 {
        let base = sanitize_tool_call_id(seed, mode);
        if base.len() >= STRICT9_LEN {
            let candidate = clip(&base, STRICT9_LEN);
            if !used.contains(candidate) {
                return candidate.to_owned();
            }
        }
        let mut i = 0u64;
        loop {
            let hashed = sha256_hex_prefix(&format!("{seed}:{i}"), STRICT9_LEN);
            if !used.contains(&hashed) {
                return hashed;
            }
            i += 1;
        }
    }
    let strict = mode == ToolCallIdMode::Strict;
    let sanitized = sanitize_tool_call_id(seed, mode);
    let base = clip(&sanitized, MAX_LEN);
    if !used.contains(base) {
        return base.to_owned();
    }
    let hash = sha256_hex_prefix(seed, 8);
    let separator = if strict { "" } else { "_" };
    let candidate = format!(
        "{}{separator}{hash}",
        clip(base, MAX_LEN - separator.len() - hash.len())
    );
    if !used.contains(&candidate) {
        return candidate;
    }
    let mut i = 2u64;
    loop {
        let suffix = if strict {
            format!("x{i}")
        } else {
            format!("_{i}")
        };
        let next = format!(
            "{}{suffix}",
            clip(&candidate, MAX_LEN.saturating_sub(suffix.len()))
        );
        if !used.contains(&next) {
            return next;
        }
        i += 1;
    }
}

/// Hands out new ids per occurrence (`createOccurrenceAwareResolver`).
struct Resolver<'a> {
    mode: ToolCallIdMode,
    options: ToolCallIdOptions<'a>,
    used: HashSet<String>,
    assistant_occurrences: HashMap<String, u32>,
    orphan_occurrences: HashMap<String, u32>,
    pending: HashMap<String, VecDeque<String>>,
}

impl Resolver<'_> {
    fn allocate(&mut self, seed: &str) -> String {
        let next = make_unique_tool_id(seed, &self.used, self.mode);
        self.used.insert(next.clone());
        next
    }

    fn keep(&mut self, id: &str) -> String {
        self.used.insert(id.to_owned());
        id.to_owned()
    }

    fn openai_style(&mut self, id: &str, occurrence: u32) -> String {
        let mut attempt = 0u64;
        loop {
            let candidate = format!(
                "call_{}",
                sha256_hex_prefix(&format!("{id}:{occurrence}:{attempt}"), 24)
            );
            if !self.used.contains(&candidate) {
                return self.keep(&candidate);
            }
            attempt += 1;
        }
    }

    fn assistant(&mut self, id: &str) -> String {
        let occurrence = {
            let count = self.assistant_occurrences.entry(id.to_owned()).or_insert(0);
            *count += 1;
            *count
        };
        let openai = self.options.duplicate_tool_call_id_style == Some("openai");
        let next = if openai && occurrence > 1 {
            self.openai_style(id, occurrence)
        } else if openai && occurrence == 1 && is_openai_call_id(id) && !self.used.contains(id)
            || self.options.preserve_native_anthropic_tool_use_ids
                && is_native_anthropic_id(id)
                && occurrence == 1
                && !self.used.contains(id)
        {
            self.keep(id)
        } else if occurrence == 1 {
            self.allocate(id)
        } else {
            self.allocate(&format!("{id}:{occurrence}"))
        };
        self.pending
            .entry(id.to_owned())
            .or_default()
            .push_back(next.clone());
        next
    }

    fn result(&mut self, id: &str) -> String {
        if let Some(queue) = self.pending.get_mut(id)
            && let Some(next) = queue.pop_front()
        {
            return next;
        }
        let occurrence = {
            let count = self.orphan_occurrences.entry(id.to_owned()).or_insert(0);
            *count += 1;
            *count
        };
        if self.options.preserve_native_anthropic_tool_use_ids
            && is_native_anthropic_id(id)
            && occurrence == 1
            && !self.used.contains(id)
        {
            return self.keep(id);
        }
        self.allocate(&format!("{id}:tool_result:{occurrence}"))
    }

    fn preserve(&mut self, id: &str) {
        self.used.insert(id.to_owned());
        self.pending
            .entry(id.to_owned())
            .or_default()
            .push_back(id.to_owned());
    }
}

/// Whether an assistant turn with thinking may keep its ids: every tool
/// call has arguments, a unique id and an allowed, trimmed name
/// (`isReplaySafeThinkingAssistantMessage`).
fn is_replay_safe_thinking_turn(
    content: &[ContentBlock],
    at: usize,
    allowed: Option<&HashSet<String>>,
    completed: &HashSet<(usize, usize)>,
) -> bool {
    let mut thinking = false;
    let mut calls = false;
    let mut seen = HashSet::new();
    for (index, block) in content.iter().enumerate() {
        match block {
            ContentBlock::Thinking { .. } => thinking = true,
            ContentBlock::ToolCall {
                id,
                name,
                arguments,
                ..
            } => {
                calls = true;
                let id = id.trim();
                let allowed = if completed.contains(&(at, index)) {
                    None
                } else {
                    allowed
                };
                if arguments.is_null()
                    || id.is_empty()
                    || !seen.insert(id)
                    || !is_allowed_tool_call_name(name, allowed)
                    || name.trim() != name
                {
                    return false;
                }
            }
            _ => {}
        }
    }
    thinking && calls
}

/// Rewrites every tool-call id to the mode's shape, unique across the
/// history, and every result with it (`sanitizeToolCallIdsForCloudCodeAssist`).
///
/// Calls are rewritten in order, per occurrence: the k-th call with a raw
/// id is seeded `"<id>:<k>"`, so two calls sharing an id get two ids, and
/// the results naming that raw id take them in turn. A result whose call is
/// not in the history gets `allocate("<id>:tool_result:<n>")`.
///
/// ```
/// use clawkit_core::{ContentBlock, Message, ToolCallIdMode};
/// use clawkit_core::replay::{ToolCallIdOptions, sanitize_tool_call_ids};
/// use serde_json::json;
///
/// let mut history = vec![
///     Message::assistant_blocks(vec![
///         ContentBlock::tool_call("call_1", "read", json!({})),
///         ContentBlock::tool_call("call_1", "read", json!({})),
///     ]),
///     Message::tool_result("call_1", "read", "a"),
///     Message::tool_result("call_1", "read", "b"),
/// ];
/// let change = sanitize_tool_call_ids(&mut history, ToolCallIdMode::Strict, &ToolCallIdOptions::default());
/// let ids: Vec<_> = history[1..].iter().map(|m| match m {
///     Message::ToolResult { tool_call_id, .. } => tool_call_id.as_str(),
///     _ => "",
/// }).collect();
/// assert_eq!(ids, ["call1", "call12"]);
/// assert!(change.is_some());
/// ```
pub fn sanitize_tool_call_ids(
    messages: &mut [Message],
    mode: ToolCallIdMode,
    options: &ToolCallIdOptions<'_>,
) -> Option<ReplayChange> {
    let mut reserved = HashSet::new();
    let mut preserved = HashSet::new();
    if options.preserve_replay_safe_thinking_tool_call_ids {
        let completed = completed_tool_calls(messages);
        for (at, message) in messages.iter().enumerate() {
            let Message::Assistant { content, .. } = message else {
                continue;
            };
            if !is_replay_safe_thinking_turn(content, at, options.allowed_tool_names, &completed) {
                continue;
            }
            let ids: Vec<&str> = call_ids(content).collect();
            if ids.iter().any(|id| reserved.contains(*id)) {
                continue;
            }
            preserved.insert(at);
            reserved.extend(ids.into_iter().map(str::to_owned));
        }
    }
    let mut resolver = Resolver {
        mode,
        options: *options,
        used: reserved,
        assistant_occurrences: HashMap::new(),
        orphan_occurrences: HashMap::new(),
        pending: HashMap::new(),
    };
    let mut details = Vec::new();
    for (at, message) in messages.iter_mut().enumerate() {
        match message {
            Message::Assistant { content, .. } if preserved.contains(&at) => {
                for id in call_ids(content) {
                    resolver.preserve(id);
                }
            }
            Message::Assistant { content, .. } => {
                for block in content.iter_mut() {
                    if let ContentBlock::ToolCall { id, .. } = block
                        && !id.is_empty()
                    {
                        let next = resolver.assistant(id);
                        if next != *id {
                            details.push(format!("{id} → {next}"));
                            *id = next;
                        }
                    }
                }
            }
            Message::ToolResult { tool_call_id, .. } if !tool_call_id.is_empty() => {
                let next = resolver.result(tool_call_id);
                if next != *tool_call_id {
                    details.push(format!("result {tool_call_id} → {next}"));
                    *tool_call_id = next;
                }
            }
            _ => {}
        }
    }
    ReplayChange::of("sanitizeToolCallIds", details)
}

fn call_ids(content: &[ContentBlock]) -> impl Iterator<Item = &str> {
    content.iter().filter_map(|block| match block {
        ContentBlock::ToolCall { id, .. } if !id.is_empty() => Some(id.as_str()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unique(seed: &str, used: &[&str], mode: ToolCallIdMode) -> String {
        let used: HashSet<String> = used.iter().map(|s| (*s).to_owned()).collect();
        make_unique_tool_id(seed, &used, mode)
    }

    #[test]
    fn strict_ids_are_alphanumeric_and_at_most_40_long() {
        let long = "call_".to_owned() + &"a".repeat(60);
        assert_eq!(
            unique(&long, &[], ToolCallIdMode::Strict),
            "call".to_owned() + &"a".repeat(36)
        );
        assert_eq!(
            unique("---", &[], ToolCallIdMode::Strict),
            "sanitizedtoolid"
        );
        assert_eq!(
            sanitize_tool_call_id("", ToolCallIdMode::Strict),
            "defaulttoolid"
        );
        assert_eq!(
            sanitize_tool_call_id("", ToolCallIdMode::Strict9),
            "defaultid"
        );
    }

    #[test]
    fn a_taken_strict_id_gets_eight_hex_digits_of_its_seed_then_a_counter() {
        let hashed = format!("calla1{}", sha256_hex_prefix("call_a-1", 8));
        assert_eq!(
            unique("call_a-1", &["calla1"], ToolCallIdMode::Strict),
            hashed
        );
        assert_eq!(
            unique("call_a-1", &["calla1", &hashed], ToolCallIdMode::Strict),
            format!("{hashed}x2")
        );
        let anthropic = unique("call_a-1", &["calla1"], ToolCallIdMode::StrictAnthropic);
        assert_eq!(
            anthropic,
            format!("calla1_{}", sha256_hex_prefix("call_a-1", 8))
        );
    }

    #[test]
    fn strict9_ids_are_nine_characters() {
        assert_eq!(
            unique("call_abcdefghij", &[], ToolCallIdMode::Strict9),
            "callabcde"
        );
        assert_eq!(
            unique("ab", &[], ToolCallIdMode::Strict9),
            sha256_hex_prefix("ab", 9)
        );
        assert_eq!(
            unique("--", &[], ToolCallIdMode::Strict9),
            sha256_hex_prefix("sanitized", 9)
        );
        assert_eq!(
            unique("call_abcdefghij", &["callabcde"], ToolCallIdMode::Strict9),
            sha256_hex_prefix("call_abcdefghij:0", 9)
        );
    }

    #[test]
    fn the_sha256_prefix_is_lower_hex() {
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assert_eq!(sha256_hex_prefix("abc", 10), "ba7816bf8f");
    }

    #[test]
    fn native_ids_are_recognized() {
        assert!(is_native_kimi_id("functions.read_file:12"));
        assert!(!is_native_kimi_id("functions.read:x"));
        assert!(!is_native_kimi_id("functions.:1"));
        assert!(is_native_anthropic_id("toolu_01AbC_d"));
        assert!(!is_native_anthropic_id("toolu_"));
        assert!(is_openai_call_id("call_a-B_1"));
    }
}
