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

impl ThinkingContext {
    /// The context for `provider/model_id`, the catalog's `reasoning` unknown.
    pub fn new(provider: impl Into<String>, model_id: impl Into<String>) -> Self {
        ThinkingContext {
            provider: provider.into(),
            model_id: model_id.into(),
            reasoning: None,
        }
    }

    /// Sets whether the catalog says the model reasons.
    pub fn with_reasoning(mut self, reasoning: bool) -> Self {
        self.reasoning = Some(reasoning);
        self
    }
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

impl ThinkingOption {
    /// The option for `level`, without a label or rank of its own.
    pub fn new(level: ThinkingLevel) -> Self {
        ThinkingOption {
            id: level,
            label: None,
            rank: None,
        }
    }

    /// Sets the label shown for the option (`"always on"`, …).
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Its rank: the one it was given, else OpenClaw's rank of the level
    /// (`THINKING_LEVEL_RANKS`: `off` 0, `minimal` 10, `low` 20, `medium`
    /// and `adaptive` 30, `high` 40, `xhigh` 60, `max` 70).
    pub fn effective_rank(&self) -> u32 {
        self.rank.unwrap_or(match self.id {
            ThinkingLevel::Off => 0,
            ThinkingLevel::Minimal => 10,
            ThinkingLevel::Low => 20,
            ThinkingLevel::Medium | ThinkingLevel::Adaptive => 30,
            ThinkingLevel::High => 40,
            ThinkingLevel::XHigh => 60,
            ThinkingLevel::Max => 70,
        })
    }
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

impl ThinkingProfile {
    /// A profile offering `levels`, in the order given, with no default.
    ///
    /// ```
    /// use clawkit_core::{ThinkingLevel, ThinkingProfile};
    ///
    /// let profile = ThinkingProfile::new([ThinkingLevel::Low, ThinkingLevel::High])
    ///     .with_default_level(ThinkingLevel::High);
    /// assert!(profile.offers(ThinkingLevel::Low) && !profile.offers(ThinkingLevel::Off));
    /// assert_eq!(profile.default_level, Some(ThinkingLevel::High));
    /// ```
    pub fn new(levels: impl IntoIterator<Item = ThinkingLevel>) -> Self {
        ThinkingProfile {
            levels: levels.into_iter().map(ThinkingOption::new).collect(),
            default_level: None,
            overrides_catalog_reasoning: false,
        }
    }

    /// Sets the level used when the turn asks for none.
    pub fn with_default_level(mut self, level: ThinkingLevel) -> Self {
        self.default_level = Some(level);
        self
    }

    /// Sets whether the profile holds even where the catalog says the
    /// model does not reason.
    pub fn with_overrides_catalog_reasoning(mut self, overrides: bool) -> Self {
        self.overrides_catalog_reasoning = overrides;
        self
    }

    /// Whether the profile offers `level`.
    pub fn offers(&self, level: ThinkingLevel) -> bool {
        self.levels.iter().any(|option| option.id == level)
    }

    /// The level ids, in the profile's order.
    pub fn level_ids(&self) -> Vec<ThinkingLevel> {
        self.levels.iter().map(|option| option.id).collect()
    }
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
