//! `anthropic`: Claude through the Messages API with `ANTHROPIC_API_KEY`.

use clawkit_core::ThinkingLevel::{self, *};
use clawkit_core::{ModelApi, SingleProviderPluginEntry};
use clawkit_manifest::ManifestError;

use clawkit_families::replay::ReplayFamily;

use crate::hosted::Hosted;
use crate::rows::{Row, Thinking};

/// The provider id.
pub const PROVIDER_ID: &str = "anthropic";

/// The plugin's `openclaw.plugin.json`.
pub const MANIFEST_JSON: &str = include_str!("../plugins/anthropic/openclaw.plugin.json");

pub(crate) static HOSTED: Hosted = Hosted {
    id: PROVIDER_ID,
    label: "Anthropic",
    manifest_json: MANIFEST_JSON,
    base_url: "https://api.anthropic.com/v1",
    api: ModelApi::AnthropicMessages,
    env_vars: &["ANTHROPIC_API_KEY"],
    default_model: "claude-opus-5",
    rows: ROWS,
    keys_url: "https://console.anthropic.com/settings/keys",
    replay: ReplayFamily::NativeAnthropicByModel,
    stream: None,
    tools: None,
    reasoning_output: None,
    dynamic_limits: (200_000, 8_192),
};

/// The plugin entry.
pub fn plugin() -> Result<SingleProviderPluginEntry, ManifestError> {
    HOSTED.plugin()
}

/// Claude Fable 5, Opus 5.5 and Mythos 5 think at every level (no `off`,
/// `minimal` or `adaptive` level).
const ALWAYS_ON: &[ThinkingLevel] = &[Low, Medium, High, XHigh, Max];
/// Claude Opus 5, Sonnet 5 and Opus 4.8: every level, `adaptive` too.
const EVERY_LEVEL: &[ThinkingLevel] = &[Off, Minimal, Low, Medium, Adaptive, High, XHigh, Max];
/// The base levels (Claude Haiku 4.5).
const BASE: &[ThinkingLevel] = &[Off, Minimal, Low, Medium, High];

/// `minimal` sent as `low`, native `xhigh` and `max` efforts.
const MINIMAL_AS_LOW: &[(&str, Option<&str>)] = &[
    ("minimal", Some("low")),
    ("xhigh", Some("xhigh")),
    ("max", Some("max")),
];
/// Native `xhigh` and `max` efforts.
const XHIGH_MAX: &[(&str, Option<&str>)] = &[("xhigh", Some("xhigh")), ("max", Some("max"))];

/// OpenClaw 2026.9.6's `anthropic` catalog, in its order. Cache writes are
/// the 5-minute rate. Claude Opus 4.8 (deprecated for Claude Opus 5) has
/// no price in that catalog; Claude Haiku 4.5 has none either and keeps
/// Anthropic's of [`PRICES_TAKEN_ON`](crate::PRICES_TAKEN_ON).
static ROWS: &[Row] = &[
    Row::new(
        "claude-opus-5-5",
        "Claude Opus 5.5",
        1_000_000,
        128_000,
        Thinking::new(ALWAYS_ON, Some(Medium)),
    )
    .catalog_prices([4.0, 20.0, 0.2, 5.0])
    .level_map(MINIMAL_AS_LOW),
    Row::new(
        "claude-fable-5-1",
        "Claude Fable 5.1",
        1_000_000,
        128_000,
        Thinking::new(ALWAYS_ON, Some(Medium)),
    )
    .catalog_prices([10.0, 50.0, 0.25, 12.5])
    .level_map(MINIMAL_AS_LOW),
    Row::new(
        "claude-fable-5",
        "Claude Fable 5",
        1_000_000,
        128_000,
        Thinking::new(ALWAYS_ON, Some(Medium)),
    )
    .catalog_prices([10.0, 50.0, 1.0, 12.5])
    .level_map(MINIMAL_AS_LOW),
    Row::new(
        "claude-opus-5",
        "Claude Opus 5",
        1_000_000,
        128_000,
        Thinking::new(EVERY_LEVEL, Some(High)),
    )
    .catalog_prices([5.0, 25.0, 0.5, 6.25])
    .level_map(XHIGH_MAX),
    Row::new(
        "claude-sonnet-5",
        "Claude Sonnet 5",
        1_000_000,
        128_000,
        Thinking::new(EVERY_LEVEL, Some(High)),
    )
    .catalog_prices([2.0, 10.0, 0.2, 2.5])
    .level_map(XHIGH_MAX),
    Row::new(
        "claude-mythos-5",
        "Claude Mythos 5",
        1_000_000,
        128_000,
        Thinking::new(ALWAYS_ON, Some(High)),
    )
    .catalog_prices([10.0, 50.0, 1.0, 12.5])
    .level_map(MINIMAL_AS_LOW),
    Row::new(
        "claude-opus-4-8",
        "Claude Opus 4.8",
        1_000_000,
        128_000,
        Thinking::new(EVERY_LEVEL, Some(Off)),
    )
    .deprecated("claude-opus-5"),
    Row::new(
        "claude-haiku-4-5",
        "Claude Haiku 4.5",
        200_000,
        64_000,
        Thinking::new(BASE, None),
    )
    .vendor_prices([1.0, 5.0, 0.10, 1.25]),
];
