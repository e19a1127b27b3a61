//! System-prompt stage: what `resolveSystemPromptContribution` and `transformSystemPrompt` are given and return.

use std::collections::BTreeMap;

use serde::Serialize;

/// What `transformSystemPrompt` and `resolveSystemPromptContribution` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SystemPromptContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// OpenClaw's prompt mode (`full`, `minimal`, …), if any.
    pub prompt_mode: Option<String>,
    /// The system prompt so far.
    pub system_prompt: String,
}

/// Cache-aware system-prompt guidance from a provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SystemPromptContribution {
    /// Text for the stable (cached) prefix.
    pub stable_prefix: Option<String>,
    /// Text for the dynamic suffix.
    pub dynamic_suffix: Option<String>,
    /// Replacement text per named section.
    pub section_overrides: BTreeMap<String, String>,
}
