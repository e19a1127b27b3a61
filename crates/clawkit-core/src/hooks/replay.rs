//! History stage: the replay policy (`buildReplayPolicy`) and what `sanitizeReplayHistory` and
//! `validateReplayTurns` are given.

use serde::{Deserialize, Serialize};

use crate::context::Message;

use super::resolve::ModelContext;

/// How much of the history is sanitized before replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SanitizeMode {
    /// Only images.
    ImagesOnly,
    /// Every content sanitizer.
    Full,
}

/// How tool-call ids are rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ToolCallIdMode {
    /// `[A-Za-z0-9]`, at most 40 characters, unique.
    Strict,
    /// Exactly 9 alphanumeric characters.
    Strict9,
    /// Anthropic's `toolu_` shape.
    StrictAnthropic,
}

/// Thought-signature sanitation options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThoughtSignaturePolicy {
    /// Keep only base64 signatures.
    pub allow_base64_only: bool,
    /// Also look at camelCase fields.
    pub include_camel_case: bool,
}

/// A transcript replay policy. Every field is optional: a plugin's policy
/// is a partial overlaid on [`ReplayPolicy::defaults`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[allow(missing_docs)] // OpenClaw's transcript-policy fields, one for one (`buildReplayPolicy` in docs/hooks.md).
pub struct ReplayPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanitize_mode: Option<SanitizeMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanitize_tool_call_ids: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_call_id_mode: Option<ToolCallIdMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_tool_call_id_style: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preserve_native_anthropic_tool_use_ids: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repair_tool_use_result_pairing: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preserve_signatures: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanitize_thought_signatures: Option<ThoughtSignaturePolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_thinking_blocks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_reasoning_from_history: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply_assistant_first_ordering_fix: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validate_gemini_turns: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validate_anthropic_turns: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_synthetic_tool_results: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub append_only_runtime_context: Option<bool>,
}

impl ReplayPolicy {
    /// OpenClaw's `DEFAULT_TRANSCRIPT_POLICY`.
    pub fn defaults() -> Self {
        ReplayPolicy {
            sanitize_mode: Some(SanitizeMode::ImagesOnly),
            sanitize_tool_call_ids: Some(false),
            tool_call_id_mode: None,
            duplicate_tool_call_id_style: None,
            preserve_native_anthropic_tool_use_ids: Some(false),
            repair_tool_use_result_pairing: Some(true),
            preserve_signatures: Some(false),
            sanitize_thought_signatures: None,
            drop_thinking_blocks: Some(false),
            drop_reasoning_from_history: Some(false),
            apply_assistant_first_ordering_fix: Some(false),
            validate_gemini_turns: Some(false),
            validate_anthropic_turns: Some(false),
            allow_synthetic_tool_results: Some(false),
            append_only_runtime_context: Some(false),
        }
    }

    /// Overlays `patch`: each field it sets wins.
    pub fn merged(mut self, patch: &ReplayPolicy) -> Self {
        macro_rules! overlay {
            ($($field:ident),+) => { $( if patch.$field.is_some() { self.$field = patch.$field.clone(); } )+ };
        }
        overlay!(
            sanitize_mode,
            sanitize_tool_call_ids,
            tool_call_id_mode,
            duplicate_tool_call_id_style,
            preserve_native_anthropic_tool_use_ids,
            repair_tool_use_result_pairing,
            preserve_signatures,
            sanitize_thought_signatures,
            drop_thinking_blocks,
            drop_reasoning_from_history,
            apply_assistant_first_ordering_fix,
            validate_gemini_turns,
            validate_anthropic_turns,
            allow_synthetic_tool_results,
            append_only_runtime_context
        );
        self
    }
}

/// What `sanitizeReplayHistory` and `validateReplayTurns` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReplayHistoryContext {
    /// The model.
    pub model: ModelContext,
    /// The session.
    pub session_id: Option<String>,
    /// The history.
    pub messages: Vec<Message>,
    /// Tools that may appear in the history.
    pub allowed_tool_names: Option<Vec<String>>,
}
