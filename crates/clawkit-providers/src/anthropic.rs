//! `anthropic`: Claude through the Messages API with `ANTHROPIC_API_KEY`.

use clawkit_core::{ModelApi, SingleProviderPluginEntry};
use clawkit_manifest::ManifestError;

use clawkit_families::replay::ReplayFamily;

use crate::hosted::Hosted;
use crate::rows::Row;

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
    default_model: "claude-sonnet-4-5",
    rows,
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

fn rows() -> Vec<Row> {
    // Cache writes are the 5-minute rate (1.25× input), reads 0.1× input.
    vec![
        Row {
            id: "claude-opus-4-1",
            name: "Claude Opus 4.1",
            context_window: 200_000,
            max_tokens: 32_000,
            prices: [15.0, 75.0, 1.50, 18.75],
            reasoning: true,
            images: true,
            api: None,
        },
        Row {
            id: "claude-sonnet-4-5",
            name: "Claude Sonnet 4.5",
            context_window: 200_000,
            max_tokens: 64_000,
            prices: [3.0, 15.0, 0.30, 3.75],
            reasoning: true,
            images: true,
            api: None,
        },
        Row {
            id: "claude-sonnet-4-0",
            name: "Claude Sonnet 4",
            context_window: 200_000,
            max_tokens: 64_000,
            prices: [3.0, 15.0, 0.30, 3.75],
            reasoning: true,
            images: true,
            api: None,
        },
        Row {
            id: "claude-haiku-4-5",
            name: "Claude Haiku 4.5",
            context_window: 200_000,
            max_tokens: 64_000,
            prices: [1.0, 5.0, 0.10, 1.25],
            reasoning: true,
            images: true,
            api: None,
        },
        Row {
            id: "claude-3-5-haiku-latest",
            name: "Claude Haiku 3.5",
            context_window: 200_000,
            max_tokens: 8_192,
            prices: [0.80, 4.0, 0.08, 1.0],
            reasoning: false,
            images: true,
            api: None,
        },
    ]
}
