//! The history stage of a turn: which replay policy applies, and the
//! generic sanitation and turn validation the policy asks for, as
//! OpenClaw 2026.9.6 runs them.
//!
//! The replay families (`clawkit-families`) build on this: a family is a
//! [`ReplayPolicy`] (and sometimes a `sanitizeReplayHistory`), and the
//! rules here carry it out. A turn runs, in this order:
//!
//! ```text
//! policy      buildReplayPolicy merged over the defaults, or fallback_policy
//! sanitize_history
//!   1 sanitizeContent                blank text; tool results never empty
//!   2 sanitizeThoughtSignatures      (unless preserveSignatures)
//!   3 stripInvalidThinkingSignatures (signed-thinking providers, preserveSignatures)
//!   4 dropReasoningFromHistory
//!   5 dropThinkingBlocks             (the latest assistant turn untouched)
//!   6 sanitizeToolCallInputs         unreplayable calls, unknown tools, names
//!   Responses apis:                  7 repairToolUseResultPairing ("aborted")
//!                                    8 normalizeOpenAIResponsesToolCallIds
//!                                    9 downgradeOpenAIFunctionCallReasoningPairs
//!   other apis:                      7 repairToolUseResultPairing
//!                                    8 sanitizeToolCallIds (strict, strict9)
//! plugin      sanitizeReplayHistory (its result replaces the messages)
//! finish_sanitation
//!   Responses apis: repairToolUseResultPairing again
//!   applyAssistantFirstOrderingFix   "(session bootstrap)" user turn first
//! plugin      validateReplayTurns, else validate_turns:
//!   validateGeminiTurns, then validateAnthropicTurns
//! ```
//!
//! Every rule that changes something returns a [`ReplayChange`] naming
//! what it rewrote, and the turn's trace lists them (`replayPolicy`).
//!
//! Not carried out, being OpenClaw host state clawkit does not have: the
//! inter-session annotation, image resizing, `NO_REPLY` and transcript-only
//! messages, compaction-stale signatures and usage, the model-switch drop
//! of Responses reasoning, the Gemini bootstrap session marker, and the
//! Responses invariant check after the plugin (the second repair already
//! guarantees it when the policy repairs).

use std::collections::HashSet;

use serde::Serialize;

use crate::context::Message;
use crate::event::StopReason;
use crate::hooks::ReplayPolicy;
use crate::model::{ModelApi, RuntimeModel};

mod content;
mod pairing;
mod policy;
mod responses;
mod thinking;
mod tool_ids;
mod turns;

pub use self::content::{
    EMPTY_CONTENT_TEXT, drop_blank_text, is_base64_signature, strip_thought_signatures,
};
pub use self::pairing::{
    MISSING_TOOL_RESULT_TEXT, PairingOptions, RESPONSES_MISSING_TOOL_RESULT_TEXT,
    missing_tool_result, repair_tool_use_result_pairing, sanitize_tool_call_inputs,
};
pub use self::policy::{
    binds_claude_thinking_prefix, claude_model_identity, claude_reference_id, fallback_policy,
    is_anthropic_api, is_google_api, is_responses_api, requires_reasoning_content_replay,
    should_drop_claude_thinking_blocks,
};
pub use self::responses::{
    downgrade_openai_function_call_reasoning_pairs, is_openai_reasoning_signature,
    normalize_openai_responses_tool_call_ids,
};
pub use self::thinking::{
    OMITTED_REASONING_TEXT, drop_reasoning_from_history, drop_thinking_blocks,
    strip_invalid_thinking_signatures,
};
pub use self::tool_ids::{ToolCallIdOptions, sanitize_tool_call_id, sanitize_tool_call_ids};
pub use self::turns::{
    SESSION_BOOTSTRAP_TEXT, TOOL_CALLS_OMITTED_TEXT, merge_consecutive_user_turns,
    prepend_session_bootstrap, validate_anthropic_turns, validate_gemini_turns,
    validate_strict_turns,
};

/// What one rule changed in the history, for the trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReplayChange {
    /// The rule: the policy field that asked for it (`dropThinkingBlocks`)
    /// or OpenClaw's name for it (`sanitizeToolCallInputs`).
    pub rule: &'static str,
    /// How many edits it made (the length of `details`).
    pub count: usize,
    /// Each edit: `old → new` for an id, `message 3: 1 thinking block(s)`,
    /// `merged user message 5 into the one before`, …
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

impl ReplayChange {
    /// The change of `rule`, or `None` when `details` is empty.
    pub fn of(rule: &'static str, details: Vec<String>) -> Option<Self> {
        if details.is_empty() {
            return None;
        }
        Some(ReplayChange {
            rule,
            count: details.len(),
            details,
        })
    }
}

/// What the history is replayed to: the provider, the model and its api,
/// and the tools the turn offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplayTarget {
    /// The provider id (`anthropic` and `amazon-bedrock` check thinking
    /// signatures).
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// The model's api.
    pub api: Option<ModelApi>,
    /// The tools the turn offers; `None` or empty allows any tool name.
    pub allowed_tool_names: Option<Vec<String>>,
}

impl ReplayTarget {
    /// A provider, a model and its api.
    pub fn new(provider: impl Into<String>, model_id: impl Into<String>, api: ModelApi) -> Self {
        ReplayTarget {
            provider: provider.into(),
            model_id: model_id.into(),
            api: Some(api),
            allowed_tool_names: None,
        }
    }

    /// The target of a resolved model.
    pub fn of(model: &RuntimeModel) -> Self {
        ReplayTarget::new(model.provider.clone(), model.id.clone(), model.api.clone())
    }

    /// Sets the tools the turn offers.
    pub fn with_allowed_tool_names<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allowed_tool_names = Some(names.into_iter().map(Into::into).collect());
        self
    }

    fn is_responses(&self) -> bool {
        self.api.as_ref().is_some_and(is_responses_api)
    }

    fn is_anthropic(&self) -> bool {
        self.api.as_ref().is_some_and(is_anthropic_api)
    }

    /// `normalizeAllowedToolNames`: trimmed, lower-cased; none → any.
    fn allowed(&self) -> Option<HashSet<String>> {
        let names: HashSet<String> = self
            .allowed_tool_names
            .iter()
            .flatten()
            .map(|n| n.trim().to_lowercase())
            .filter(|n| !n.is_empty())
            .collect();
        (!names.is_empty()).then_some(names)
    }

    /// `providerRequiresSignedThinking`.
    fn requires_signed_thinking(&self) -> bool {
        matches!(
            crate::normalize_provider_id(&self.provider).as_str(),
            "anthropic" | "amazon-bedrock" | "anthropic-vertex"
        )
    }
}

/// Whether a turn ended in error or was aborted.
pub(crate) fn is_failed(message: &Message) -> bool {
    matches!(
        message,
        Message::Assistant {
            stop_reason: Some(StopReason::Error | StopReason::Aborted),
            ..
        }
    )
}

/// A tool name a call may carry: trimmed, 1 to 64 of `[A-Za-z0-9_:.-]`,
/// and among `allowed` when given (`isAllowedToolCallName`).
pub(crate) fn is_allowed_tool_call_name(name: &str, allowed: Option<&HashSet<String>>) -> bool {
    let trimmed = name.trim();
    !trimmed.is_empty()
        && trimmed.len() <= 64
        && trimmed
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-'))
        && allowed.is_none_or(|allowed| allowed.contains(&trimmed.to_lowercase()))
}

/// Whether signed thinking is replayed to its provider as it is, so turns
/// with thinking are kept whole or dropped, never edited
/// (`shouldAllowProviderOwnedThinkingReplay`).
fn provider_owned_thinking(policy: &ReplayPolicy, target: &ReplayTarget) -> bool {
    let signed = policy.preserve_signatures == Some(true) || target.requires_signed_thinking();
    target.is_anthropic()
        && policy.validate_anthropic_turns == Some(true)
        && signed
        && policy.drop_thinking_blocks != Some(true)
}

/// The generic rules of `policy` before the plugin's
/// `sanitizeReplayHistory`, in OpenClaw's order (see the module docs).
///
/// ```
/// use clawkit_core::{ContentBlock, Message, ModelApi, RuntimeModel};
/// use clawkit_core::replay::{ReplayTarget, fallback_policy, sanitize_history};
/// use serde_json::json;
///
/// let model = RuntimeModel::new("acme", "acme-1", ModelApi::OpenAiCompletions, "https://api.acme.example".parse()?);
/// let history = vec![
///     Message::user("Weather?"),
///     Message::assistant_blocks(vec![ContentBlock::tool_call("call_1", "weather", json!({}))]),
/// ];
/// let (history, changes) = sanitize_history(&fallback_policy(&model), &ReplayTarget::of(&model), history);
/// assert_eq!(history.len(), 3, "a synthetic result answers the call");
/// let rules: Vec<_> = changes.iter().map(|c| c.rule).collect();
/// assert_eq!(rules, ["repairToolUseResultPairing", "sanitizeToolCallIds"]);
/// # Ok::<(), url::ParseError>(())
/// ```
pub fn sanitize_history(
    policy: &ReplayPolicy,
    target: &ReplayTarget,
    mut messages: Vec<Message>,
) -> (Vec<Message>, Vec<ReplayChange>) {
    let on = |flag: Option<bool>| flag == Some(true);
    let mut changes = Vec::new();
    changes.extend(drop_blank_text(&mut messages));
    if !on(policy.preserve_signatures) {
        changes.extend(strip_thought_signatures(
            &mut messages,
            policy.sanitize_thought_signatures.as_ref(),
        ));
    }
    if target.requires_signed_thinking() || on(policy.preserve_signatures) {
        let keep_latest = thinking::preserve_latest_assistant_thinking(&messages);
        changes.extend(strip_invalid_thinking_signatures(
            &mut messages,
            keep_latest,
        ));
    }
    if on(policy.drop_reasoning_from_history) {
        changes.extend(drop_reasoning_from_history(&mut messages));
    }
    if on(policy.drop_thinking_blocks) {
        changes.extend(drop_thinking_blocks(&mut messages));
    }
    let allowed = target.allowed();
    let provider_owned = provider_owned_thinking(policy, target);
    changes.extend(sanitize_tool_call_inputs(
        &mut messages,
        allowed.as_ref(),
        provider_owned,
    ));
    let repair = on(policy.repair_tool_use_result_pairing);
    if target.is_responses() {
        if repair {
            changes.extend(repair_tool_use_result_pairing(
                &mut messages,
                &PairingOptions::responses(),
            ));
        }
        changes.extend(normalize_openai_responses_tool_call_ids(&mut messages));
        changes.extend(downgrade_openai_function_call_reasoning_pairs(
            &mut messages,
        ));
    } else {
        if repair {
            changes.extend(repair_tool_use_result_pairing(
                &mut messages,
                &PairingOptions::default(),
            ));
        }
        if let (true, Some(mode)) = (on(policy.sanitize_tool_call_ids), policy.tool_call_id_mode) {
            let options = ToolCallIdOptions {
                preserve_native_anthropic_tool_use_ids: on(
                    policy.preserve_native_anthropic_tool_use_ids
                ),
                duplicate_tool_call_id_style: policy.duplicate_tool_call_id_style.as_deref(),
                preserve_replay_safe_thinking_tool_call_ids: provider_owned,
                allowed_tool_names: allowed.as_ref(),
            };
            changes.extend(sanitize_tool_call_ids(&mut messages, mode, &options));
        }
    }
    (messages, changes)
}

/// The generic rules after the plugin's `sanitizeReplayHistory`: on the
/// Responses apis the pairing repair again (the plugin may have moved
/// messages), then the assistant-first fix when the policy asks for it.
pub fn finish_sanitation(
    policy: &ReplayPolicy,
    target: &ReplayTarget,
    mut messages: Vec<Message>,
) -> (Vec<Message>, Vec<ReplayChange>) {
    let mut changes = Vec::new();
    if target.is_responses() && policy.repair_tool_use_result_pairing == Some(true) {
        changes.extend(repair_tool_use_result_pairing(
            &mut messages,
            &PairingOptions::responses(),
        ));
    }
    changes.extend(fix_turn_ordering(policy, &mut messages));
    (messages, changes)
}

/// The assistant-first fix when the policy asks for it
/// (`applyAssistantFirstOrderingFix`): see [`prepend_session_bootstrap`].
pub fn fix_turn_ordering(
    policy: &ReplayPolicy,
    messages: &mut Vec<Message>,
) -> Option<ReplayChange> {
    if policy.apply_assistant_first_ordering_fix == Some(true) {
        prepend_session_bootstrap(messages)
    } else {
        None
    }
}

/// The built-in turn validators the policy enables (what a plugin's
/// `validateReplayTurns` replaces): Gemini's, then Anthropic's. Anthropic
/// keeps consecutive user turns apart on `anthropic-messages` when the
/// runtime context is append-only.
pub fn validate_turns(
    policy: &ReplayPolicy,
    target: &ReplayTarget,
    mut messages: Vec<Message>,
) -> (Vec<Message>, Vec<ReplayChange>) {
    let mut changes = Vec::new();
    if policy.validate_gemini_turns == Some(true) {
        changes.extend(validate_gemini_turns(&mut messages));
    }
    if policy.validate_anthropic_turns == Some(true) {
        let append_only = policy.append_only_runtime_context == Some(true)
            && target.api == Some(ModelApi::AnthropicMessages);
        changes.extend(validate_anthropic_turns(&mut messages, !append_only));
    }
    (messages, changes)
}

#[cfg(test)]
mod tests;
