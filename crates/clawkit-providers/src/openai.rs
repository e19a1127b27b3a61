//! `openai`: OpenAI's API with `OPENAI_API_KEY`. GPT-5 and the reasoning
//! models go through the Responses API; GPT-4o and GPT-4.1 rows use Chat
//! Completions.

use clawkit_core::{ModelApi, SingleProviderPluginEntry};
use clawkit_manifest::ManifestError;

use clawkit_families::replay::ReplayFamily;
use clawkit_families::stream::StreamFamily;
use clawkit_families::tools::ToolCompatFamily;

use crate::hosted::Hosted;
use crate::rows::Row;

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
    default_model: "gpt-5-mini",
    rows,
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

fn rows() -> Vec<Row> {
    let completions = || Some(ModelApi::OpenAiCompletions);
    vec![
        Row {
            id: "gpt-5",
            name: "GPT-5",
            context_window: 400_000,
            max_tokens: 128_000,
            prices: [1.25, 10.0, 0.125, 0.0],
            reasoning: true,
            images: true,
            api: None,
        },
        Row {
            id: "gpt-5-mini",
            name: "GPT-5 mini",
            context_window: 400_000,
            max_tokens: 128_000,
            prices: [0.25, 2.0, 0.025, 0.0],
            reasoning: true,
            images: true,
            api: None,
        },
        Row {
            id: "gpt-5-nano",
            name: "GPT-5 nano",
            context_window: 400_000,
            max_tokens: 128_000,
            prices: [0.05, 0.40, 0.005, 0.0],
            reasoning: true,
            images: true,
            api: None,
        },
        Row {
            id: "o4-mini",
            name: "o4-mini",
            context_window: 200_000,
            max_tokens: 100_000,
            prices: [1.10, 4.40, 0.275, 0.0],
            reasoning: true,
            images: true,
            api: None,
        },
        Row {
            id: "gpt-4.1",
            name: "GPT-4.1",
            context_window: 1_047_576,
            max_tokens: 32_768,
            prices: [2.0, 8.0, 0.50, 0.0],
            reasoning: false,
            images: true,
            api: completions(),
        },
        Row {
            id: "gpt-4.1-mini",
            name: "GPT-4.1 mini",
            context_window: 1_047_576,
            max_tokens: 32_768,
            prices: [0.40, 1.60, 0.10, 0.0],
            reasoning: false,
            images: true,
            api: completions(),
        },
        Row {
            id: "gpt-4o",
            name: "GPT-4o",
            context_window: 128_000,
            max_tokens: 16_384,
            prices: [2.50, 10.0, 1.25, 0.0],
            reasoning: false,
            images: true,
            api: completions(),
        },
        Row {
            id: "gpt-4o-mini",
            name: "GPT-4o mini",
            context_window: 128_000,
            max_tokens: 16_384,
            prices: [0.15, 0.60, 0.075, 0.0],
            reasoning: false,
            images: true,
            api: completions(),
        },
    ]
}
