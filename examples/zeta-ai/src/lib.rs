//! Zeta, a provider in 40 lines: plugin `zeta-ai`, provider `zeta`, two
//! anthropic-messages models, any `zeta-exp-*` model on demand, the key
//! from `ZETA_API_KEY` and one header on every request. The ids, env var
//! and auth choice come from `openclaw.plugin.json`.
//!
//! ```
//! let entry = zeta_ai::plugin()?;
//! assert_eq!(entry.provider().id(), "zeta");
//! # Ok::<(), clawkit::manifest::ManifestError>(())
//! ```

use clawkit::prelude::*;

const BASE_URL: &str = "https://api.zeta.example/v1";

/// The plugin entry: `Runtime::builder().plugin(zeta_ai::plugin()?)`.
pub fn plugin() -> Result<SingleProviderPluginEntry, ManifestError> {
    let manifest = include_str!("../openclaw.plugin.json").parse()?;
    let entry = SingleProviderPluginEntry::from_manifest(manifest);
    Ok(entry.catalog(catalog).hooks(Zeta).build())
}

/// The two catalog models, with their prices (USD per million tokens).
fn catalog() -> Result<ProviderConfig, PluginError> {
    let model = |id, max_tokens, input, output| {
        ModelDefinition::new(id)
            .with_limits(200_000, max_tokens)
            .with_cost(ModelCost::new(input, output, input / 10.0, input * 1.25))
    };
    Ok(
        ProviderConfig::new(BASE_URL.parse()?, ModelApi::AnthropicMessages)
            .with_model(model("zeta-large", 32_000, 3.0, 15.0))
            .with_model(model("zeta-small", 8_000, 0.8, 4.0)),
    )
}

struct Zeta;

impl ProviderHooks for Zeta {
    /// `zeta-exp-*` models are served without a catalog row.
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        let base_url = BASE_URL.parse().ok()?;
        let api = ModelApi::AnthropicMessages;
        ctx.model_id
            .starts_with("zeta-exp-")
            .then(|| RuntimeModel::new(&ctx.provider, &ctx.model_id, api, base_url))
    }

    /// Every request says which client sent it.
    fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
        let header = [("x-zeta-client", "clawkit")];
        Some(
            ctx.stream_fn
                .clone()
                .with_headers(header, HeaderPrecedence::DefaultsWin),
        )
    }
}
