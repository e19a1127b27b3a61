//! Thinking stage: what `resolveThinkingProfile`, `isBinaryThinking`, `supportsXHighThinking`,
//! `resolveDefaultThinkingLevel` and `resolveReasoningOutputMode` are given and return.

use serde::{Deserialize, Serialize};

use crate::model::ThinkingLevel;

/// What `resolveThinkingProfile` and `resolveDefaultThinkingLevel` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ThinkingContext {
    /// The provider id.
    pub provider: String,
    /// The model id.
    pub model_id: String,
    /// Whether the catalog says the model reasons.
    pub reasoning: Option<bool>,
}

/// One `/think` option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThinkingOption {
    /// The level.
    pub id: ThinkingLevel,
    /// Its label.
    pub label: Option<String>,
    /// Sort rank.
    pub rank: Option<u32>,
}

/// The `/think` options of a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThinkingProfile {
    /// The levels offered.
    pub levels: Vec<ThinkingOption>,
    /// The default level.
    pub default_level: Option<ThinkingLevel>,
    /// Whether this overrides the catalog's `reasoning` flag.
    pub overrides_catalog_reasoning: bool,
}

/// How reasoning reaches the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ReasoningOutputMode {
    /// In native reasoning fields.
    Native,
    /// Inside `<think>` tags in the text.
    Tagged,
}
