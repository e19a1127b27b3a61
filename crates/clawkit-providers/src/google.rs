//! `google`: Gemini through the Generative Language API with
//! `GEMINI_API_KEY` (or `GOOGLE_API_KEY`).

use clawkit_core::ThinkingLevel::{self, *};
use clawkit_core::{ModelApi, ReasoningOutputMode, SingleProviderPluginEntry};
use clawkit_manifest::ManifestError;

use clawkit_families::replay::ReplayFamily;
use clawkit_families::stream::StreamFamily;
use clawkit_families::tools::ToolCompatFamily;

use crate::hosted::Hosted;
use crate::rows::{Row, Thinking};

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
    default_model: "gemini-3.1-pro-preview",
    rows: ROWS,
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

/// Gemini 2.5 and most of Gemini 3.
const GEMINI: &[ThinkingLevel] = &[Off, Minimal, Low, Medium, Adaptive, High];
/// Gemini 3.7 Flash: no `minimal` (its `thinkingLevelMap` drops it).
const NO_MINIMAL: &[ThinkingLevel] = &[Off, Low, Medium, Adaptive, High];
/// Gemini 3 Pro: `LOW` or `HIGH`, or dynamic.
const GEMINI_3_PRO: &[ThinkingLevel] = &[Off, Low, Adaptive, High];

const fn gemini(id: &'static str, name: &'static str, levels: &'static [ThinkingLevel]) -> Row {
    Row::new(id, name, 1_048_576, 65_536, Thinking::new(levels, None))
}

/// OpenClaw 2026.9.6's `google` catalog, in its order. That catalog prices
/// no Gemini model (OpenClaw takes Gemini prices from its hosted price
/// lists at run time): Gemini 2.5 keeps Google's prices of
/// [`PRICES_TAKEN_ON`](crate::PRICES_TAKEN_ON), for prompts up to 200k
/// tokens (Pro doubles above that); Gemini 3 has none.
static ROWS: &[Row] = &[
    gemini("gemini-2.5-pro", "Gemini 2.5 Pro", GEMINI).vendor_prices([1.25, 10.0, 0.31, 0.0]),
    gemini("gemini-2.5-flash", "Gemini 2.5 Flash", GEMINI).vendor_prices([0.30, 2.50, 0.075, 0.0]),
    gemini("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", GEMINI)
        .vendor_prices([0.10, 0.40, 0.025, 0.0]),
    gemini("gemini-3.5-flash", "Gemini 3.5 Flash", GEMINI),
    gemini("gemini-3.6-flash", "Gemini 3.6 Flash", GEMINI),
    gemini("gemini-3.7-flash", "Gemini 3.7 Flash", NO_MINIMAL).level_map(&[("minimal", None)]),
    gemini("gemini-3.5-flash-lite", "Gemini 3.5 Flash-Lite", GEMINI),
    gemini(
        "gemini-3.1-pro-preview",
        "Gemini 3.1 Pro Preview",
        GEMINI_3_PRO,
    ),
    gemini("gemini-3.1-flash-lite", "Gemini 3.1 Flash Lite", GEMINI),
    gemini("gemini-3-flash-preview", "Gemini 3 Flash Preview", GEMINI),
];
