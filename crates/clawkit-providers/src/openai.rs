//! `openai`: OpenAI's API with `OPENAI_API_KEY`, every catalog row (GPT-6,
//! GPT-5.6, GPT-5.5, GPT-5.4) through the Responses API.

use clawkit_core::ThinkingLevel::{self, *};
use clawkit_core::{ModelApi, SingleProviderPluginEntry};
use clawkit_manifest::ManifestError;

use clawkit_families::replay::ReplayFamily;
use clawkit_families::stream::StreamFamily;
use clawkit_families::tools::ToolCompatFamily;

use crate::hosted::Hosted;
use crate::rows::{Prices, Row, Thinking};

/// The provider id.
pub const PROVIDER_ID: &str = "openai";

/// The plugin's `openclaw.plugin.json`.
pub const MANIFEST_JSON: &str = include_str!("../plugins/openai/openclaw.plugin.json");

pub(crate) static HOSTED: Hosted = Hosted {
    id: PROVIDER_ID,
    label: "OpenAI",
    manifest_json: MANIFEST_JSON,
    base_url: "https://api.openai.com/v1",
    api: ModelApi::OpenAiResponses,
    env_vars: &["OPENAI_API_KEY"],
    default_model: "gpt-6-astra",
    rows: ROWS,
    keys_url: "https://platform.openai.com/api-keys",
    replay: ReplayFamily::OpenAiCompatible,
    stream: Some(StreamFamily::OpenAiResponsesDefaults),
    tools: Some(ToolCompatFamily::OpenAi),
    reasoning_output: None,
    dynamic_limits: (128_000, 16_384),
};

/// The plugin entry.
pub fn plugin() -> Result<SingleProviderPluginEntry, ManifestError> {
    HOSTED.plugin()
}

/// GPT-6 Astra: always reasoning (no `off`, no `minimal`).
const ASTRA: &[ThinkingLevel] = &[Low, Medium, High, XHigh, Max];
/// GPT-6 Sol and Luna: `off` (effort `none`), no `minimal`.
const GPT_6: &[ThinkingLevel] = &[Off, Low, Medium, High, XHigh, Max];
/// GPT-5.6: every level up to `max`.
const GPT_5_6: &[ThinkingLevel] = &[Off, Minimal, Low, Medium, High, XHigh, Max];
/// GPT-5.5 and GPT-5.4: up to `xhigh`.
const UP_TO_XHIGH: &[ThinkingLevel] = &[Off, Minimal, Low, Medium, High, XHigh];

/// GPT-6 Astra's efforts; `off` is not offered, `minimal` is sent as `low`.
const ASTRA_EFFORTS: &[&str] = &["low", "medium", "high", "xhigh", "max"];
const ASTRA_LEVELS: &[(&str, Option<&str>)] = &[
    ("off", None),
    ("minimal", Some("low")),
    ("xhigh", Some("xhigh")),
    ("max", Some("max")),
];
/// GPT-6 Sol and Luna, GPT-5.6: `off` is effort `none`.
const NONE_TO_MAX: &[&str] = &["none", "low", "medium", "high", "xhigh", "max"];
const GPT_6_LEVELS: &[(&str, Option<&str>)] = &[
    ("off", Some("none")),
    ("minimal", Some("low")),
    ("xhigh", Some("xhigh")),
    ("max", Some("max")),
];
const GPT_5_6_LEVELS: &[(&str, Option<&str>)] = &[
    ("off", Some("none")),
    ("xhigh", Some("xhigh")),
    ("max", Some("max")),
];

/// Prompts of up to 272 000 tokens, and longer ones.
const fn two_tiers(short: Prices, long: Prices) -> [(u64, Option<u64>, Prices); 2] {
    [(0, Some(272_001), short), (272_001, None, long)]
}
const ASTRA_TIERS: [(u64, Option<u64>, Prices); 2] =
    two_tiers([10.0, 50.0, 1.0, 12.5], [20.0, 75.0, 2.0, 25.0]);
const SOL_TIERS: [(u64, Option<u64>, Prices); 2] =
    two_tiers([2.0, 10.0, 0.2, 2.5], [4.0, 15.0, 0.4, 5.0]);
const LUNA_TIERS: [(u64, Option<u64>, Prices); 2] =
    two_tiers([0.1, 0.5, 0.01, 0.125], [0.2, 0.75, 0.02, 0.25]);

/// OpenClaw 2026.9.6's `openai` catalog, in its order: every row on the
/// Responses API. GPT-5.5 and GPT-5.5 Pro are deprecated for GPT-5.6 Sol.
static ROWS: &[Row] = &[
    Row::new(
        "gpt-6-astra",
        "GPT-6 Astra",
        1_050_000,
        128_000,
        Thinking::new(ASTRA, Some(Medium)),
    )
    .context_tokens(272_000)
    .tiered_prices([10.0, 50.0, 1.0, 12.5], &ASTRA_TIERS)
    .level_map(ASTRA_LEVELS)
    .efforts(ASTRA_EFFORTS),
    Row::new(
        "gpt-6-sol",
        "GPT-6 Sol",
        1_050_000,
        128_000,
        Thinking::new(GPT_6, Some(Medium)),
    )
    .context_tokens(272_000)
    .tiered_prices([2.0, 10.0, 0.2, 2.5], &SOL_TIERS)
    .level_map(GPT_6_LEVELS)
    .efforts(NONE_TO_MAX),
    Row::new(
        "gpt-6-luna",
        "GPT-6 Luna",
        1_050_000,
        128_000,
        Thinking::new(GPT_6, Some(Medium)),
    )
    .context_tokens(272_000)
    .tiered_prices([0.1, 0.5, 0.01, 0.125], &LUNA_TIERS)
    .level_map(GPT_6_LEVELS)
    .efforts(NONE_TO_MAX),
    Row::new(
        "gpt-5.6-sol",
        "GPT-5.6 Sol",
        1_050_000,
        128_000,
        Thinking::new(GPT_5_6, Some(Medium)),
    )
    .context_tokens(272_000)
    .catalog_prices([5.0, 30.0, 0.5, 6.25])
    .level_map(GPT_5_6_LEVELS)
    .efforts(NONE_TO_MAX),
    Row::new(
        "gpt-5.6-terra",
        "GPT-5.6 Terra",
        1_050_000,
        128_000,
        Thinking::new(GPT_5_6, Some(Medium)),
    )
    .context_tokens(272_000)
    .catalog_prices([2.5, 15.0, 0.25, 3.125])
    .level_map(GPT_5_6_LEVELS)
    .efforts(NONE_TO_MAX),
    Row::new(
        "gpt-5.6-luna",
        "GPT-5.6 Luna",
        1_050_000,
        128_000,
        Thinking::new(GPT_5_6, Some(Medium)),
    )
    .context_tokens(272_000)
    .catalog_prices([1.0, 6.0, 0.1, 1.25])
    .level_map(GPT_5_6_LEVELS)
    .efforts(NONE_TO_MAX),
    Row::new(
        "gpt-5.5",
        "GPT-5.5",
        1_050_000,
        128_000,
        Thinking::new(UP_TO_XHIGH, None),
    )
    .context_tokens(272_000)
    .catalog_prices([5.0, 30.0, 0.5, 0.0])
    .deprecated("gpt-5.6-sol"),
    Row::new(
        "gpt-5.5-pro",
        "gpt-5.5-pro",
        1_050_000,
        128_000,
        Thinking::new(UP_TO_XHIGH, None),
    )
    .context_tokens(272_000)
    .catalog_prices([30.0, 180.0, 0.0, 0.0])
    .deprecated("gpt-5.6-sol"),
    Row::new(
        "gpt-5.4",
        "GPT-5.4",
        1_050_000,
        128_000,
        Thinking::new(UP_TO_XHIGH, None),
    )
    .catalog_prices([2.5, 15.0, 0.25, 0.0]),
    Row::new(
        "gpt-5.4-pro",
        "GPT-5.4 Pro",
        1_050_000,
        128_000,
        Thinking::new(UP_TO_XHIGH, None),
    )
    .catalog_prices([30.0, 180.0, 0.0, 0.0]),
    Row::new(
        "gpt-5.4-mini",
        "GPT-5.4 Mini",
        400_000,
        128_000,
        Thinking::new(UP_TO_XHIGH, None),
    )
    .catalog_prices([0.75, 4.5, 0.075, 0.0]),
    Row::new(
        "gpt-5.4-nano",
        "GPT-5.4 Nano",
        400_000,
        128_000,
        Thinking::new(UP_TO_XHIGH, None),
    )
    .catalog_prices([0.2, 1.25, 0.02, 0.0]),
];
