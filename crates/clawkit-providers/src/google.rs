//! `google`: Gemini through the Generative Language API with
//! `GEMINI_API_KEY` (or `GOOGLE_API_KEY`).

use clawkit_core::{ModelApi, ReasoningOutputMode, SingleProviderPluginEntry};
use clawkit_manifest::ManifestError;

use clawkit_families::replay::ReplayFamily;
use clawkit_families::stream::StreamFamily;
use clawkit_families::tools::ToolCompatFamily;

use crate::hosted::Hosted;
use crate::rows::Row;

/// The provider id.
pub const PROVIDER_ID: &str = "google";

/// The plugin's `openclaw.plugin.json`.
pub const MANIFEST_JSON: &str = include_str!("../plugins/google/openclaw.plugin.json");

pub(crate) static HOSTED: Hosted = Hosted {
    id: PROVIDER_ID,
    label: "Google Gemini",
    manifest_json: MANIFEST_JSON,
    base_url: "https://generativelanguage.googleapis.com/v1beta",
    api: ModelApi::GoogleGenerativeAi,
    env_vars: &["GEMINI_API_KEY", "GOOGLE_API_KEY"],
    default_model: "gemini-2.5-flash",
    rows,
    keys_url: "https://aistudio.google.com/apikey",
    replay: ReplayFamily::GoogleGemini,
    stream: Some(StreamFamily::GoogleThinking),
    tools: Some(ToolCompatFamily::Gemini),
    reasoning_output: Some(ReasoningOutputMode::Native),
    dynamic_limits: (1_048_576, 8_192),
};

/// The plugin entry.
pub fn plugin() -> Result<SingleProviderPluginEntry, ManifestError> {
    HOSTED.plugin()
}

fn rows() -> Vec<Row> {
    // Prices for prompts up to 200k tokens (Pro doubles above that).
    vec![
        Row {
            id: "gemini-2.5-pro",
            name: "Gemini 2.5 Pro",
            context_window: 1_048_576,
            max_tokens: 65_536,
            prices: [1.25, 10.0, 0.31, 0.0],
            reasoning: true,
            images: true,
            api: None,
        },
        Row {
            id: "gemini-2.5-flash",
            name: "Gemini 2.5 Flash",
            context_window: 1_048_576,
            max_tokens: 65_536,
            prices: [0.30, 2.50, 0.075, 0.0],
            reasoning: true,
            images: true,
            api: None,
        },
        Row {
            id: "gemini-2.5-flash-lite",
            name: "Gemini 2.5 Flash-Lite",
            context_window: 1_048_576,
            max_tokens: 65_536,
            prices: [0.10, 0.40, 0.025, 0.0],
            reasoning: true,
            images: true,
            api: None,
        },
        Row {
            id: "gemini-2.0-flash",
            name: "Gemini 2.0 Flash",
            context_window: 1_048_576,
            max_tokens: 8_192,
            prices: [0.10, 0.40, 0.025, 0.0],
            reasoning: false,
            images: true,
            api: None,
        },
    ]
}
