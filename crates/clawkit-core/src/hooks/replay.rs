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

impl ThoughtSignaturePolicy {
    /// The options (Gemini's policies set both).
    pub fn new(allow_base64_only: bool, include_camel_case: bool) -> Self {
        ThoughtSignaturePolicy {
            allow_base64_only,
            include_camel_case,
        }
    }
}

/// A transcript replay policy, OpenClaw's transcript-policy fields one for
/// one. Every field is optional: a plugin's policy is a partial overlaid
/// on [`ReplayPolicy::defaults`]; the `replay` module of this crate carries it out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReplayPolicy {
    /// How much content is sanitized (`images-only` by default; `full` for Gemini and Anthropic).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanitize_mode: Option<SanitizeMode>,
    /// Rewrite tool-call ids to `tool_call_id_mode` (`replay::sanitize_tool_call_ids`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanitize_tool_call_ids: Option<bool>,
    /// The id shape when `sanitize_tool_call_ids` is on; without one no id is rewritten.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_call_id_mode: Option<ToolCallIdMode>,
    /// `"openai"`: repeated ids become fresh `call_…` ids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_tool_call_id_style: Option<String>,
    /// Keep `toolu_…` ids on their first occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preserve_native_anthropic_tool_use_ids: Option<bool>,
    /// Put each result right after its call; synthetic results for missing ones (on by default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repair_tool_use_result_pairing: Option<bool>,
    /// Keep thinking and thought signatures as they are (Anthropic).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preserve_signatures: Option<bool>,
    /// Strip tool-call thought signatures a provider would refuse (Gemini).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanitize_thought_signatures: Option<ThoughtSignaturePolicy>,
    /// Drop thinking from every assistant turn but the latest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_thinking_blocks: Option<bool>,
    /// Drop thinking from every assistant turn but the tool loop in progress (Chat Completions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_reasoning_from_history: Option<bool>,
    /// Put a `"(session bootstrap)"` user turn before a history that starts with the assistant (OpenClaw stores it as `applyGoogleTurnOrdering`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply_assistant_first_ordering_fix: Option<bool>,
    /// Merge consecutive assistant turns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validate_gemini_turns: Option<bool>,
    /// Merge consecutive assistant turns, strip unanswered tool calls, merge consecutive user turns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validate_anthropic_turns: Option<bool>,
    /// Whether the session writer may add synthetic results (the replay repair adds them regardless, as OpenClaw does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_synthetic_tool_results: Option<bool>,
    /// The model binds thinking to the prompt prefix: runtime context is only appended, and consecutive user turns stay apart on `anthropic-messages`.
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

impl ReplayHistoryContext {
    /// The history of a model, without a session or a tool list.
    pub fn new(model: ModelContext, messages: Vec<Message>) -> Self {
        ReplayHistoryContext {
            model,
            session_id: None,
            messages,
            allowed_tool_names: None,
        }
    }
}
