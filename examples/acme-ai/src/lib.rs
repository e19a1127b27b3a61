//! The Acme AI provider from OpenClaw's "Building provider plugins" guide,
//! written with clawkit: the guide's manifest, API-key auth, a two-model
//! catalog, dynamic model resolution and its text transforms.
//!
//! ```
//! use clawkit_core::{CatalogContext, CatalogResult, DynamicModelContext};
//!
//! let entry = acme_ai::plugin()?;
//! let provider = entry.provider();
//!
//! // The guide's first test: any model id resolves.
//! let model = provider.resolve_dynamic_model(&DynamicModelContext::new("acme-ai", "acme-beta-v3")).unwrap();
//! assert_eq!((model.id.as_str(), model.provider.as_str()), ("acme-beta-v3", "acme-ai"));
//!
//! // The catalog needs a key.
//! let with_key = CatalogContext::new("acme-ai").with_api_key("test-key");
//! let catalog = clawkit_testkit::block_on(provider.catalog(&with_key))?;
//! assert!(matches!(catalog, Some(CatalogResult::Provider(p)) if p.models.len() == 2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use clawkit_core::{
    ApiKeyAuthOptions, DynamicModelContext, InputKind, ModelApi, ModelContext, ModelCost,
    ModelDefinition, PluginError, ProviderConfig, ProviderHooks, Replacement, ReplayPolicy,
    RuntimeModel, SingleProviderPluginEntry, TextTransforms,
};
use clawkit_families::replay::{ReplayFamily, ReplayFamilyHooks};
use clawkit_manifest::{ManifestError, PackageManifest, PluginManifest};

/// The plugin's `openclaw.plugin.json`, as shipped.
pub const MANIFEST_JSON: &str = include_str!("../openclaw.plugin.json");

/// The plugin's `package.json`, as shipped.
pub const PACKAGE_JSON: &str = include_str!("../package.json");

/// The provider id this plugin registers.
pub const PROVIDER_ID: &str = "acme-ai";

/// Acme's OpenAI-compatible endpoint.
pub const BASE_URL: &str = "https://api.acme-ai.com/v1";

/// The plugin entry: register it with `Runtime::builder().plugin(acme_ai::plugin()?)`.
pub fn plugin() -> Result<SingleProviderPluginEntry, ManifestError> {
    Ok(SingleProviderPluginEntry::builder(PROVIDER_ID)
        .manifest(manifest()?)
        .label("Acme AI")
        .docs_path("/providers/acme-ai")
        .api_key_auth(
            ApiKeyAuthOptions::new(PROVIDER_ID, "api-key", "Acme AI API key")
                .hint("API key from your Acme AI dashboard")
                .option_key("acmeAiApiKey")
                .flag_name("--acme-ai-api-key")
                .env_var("ACME_AI_API_KEY")
                .prompt_message("Enter your Acme AI API key")
                .default_model("acme-ai/acme-large"),
        )
        .build_provider(catalog)
        .build_static_provider(catalog)
        .hooks(AcmeHooks)
        .build())
}

/// The two models of the guide's catalog.
pub fn catalog() -> Result<ProviderConfig, PluginError> {
    Ok(
        ProviderConfig::new(BASE_URL.parse()?, ModelApi::OpenAiCompletions)
            .with_model(
                ModelDefinition::new("acme-large")
                    .with_name("Acme Large")
                    .with_reasoning(true)
                    .with_input([InputKind::Text, InputKind::Image])
                    .with_cost(ModelCost::new(3.0, 15.0, 0.3, 3.75))
                    .with_limits(200_000, 32_768),
            )
            .with_model(
                ModelDefinition::new("acme-small")
                    .with_name("Acme Small")
                    .with_cost(ModelCost::new(1.0, 5.0, 0.1, 1.25))
                    .with_limits(128_000, 8_192),
            ),
    )
}

/// Acme's control tokens differ from OpenClaw's: rewrite them both ways.
pub fn text_transforms() -> TextTransforms {
    let pairs = [
        ("red basket", "blue basket"),
        ("paper ticket", "digital ticket"),
        ("left shelf", "right shelf"),
    ];
    pairs
        .into_iter()
        .fold(TextTransforms::new(), |transforms, (ours, theirs)| {
            transforms
                .input(Replacement::literal_global(ours, theirs))
                .output(Replacement::literal_global(theirs, ours))
        })
}

/// The hooks beyond identity and catalog.
struct AcmeHooks;

impl ProviderHooks for AcmeHooks {
    /// OpenClaw's `openai-compatible` replay family, installed in one line.
    fn build_replay_policy(&self, ctx: &ModelContext) -> Option<ReplayPolicy> {
        ReplayFamilyHooks::new(ReplayFamily::OpenAiCompatible).build_replay_policy(ctx)
    }

    /// The rewrites, scoped to this provider. The guide registers them with
    /// `api.registerTextTransforms`, which OpenClaw applies to every
    /// provider; the `clawkit` binary runs Acme next to the built-in
    /// providers, whose prompts must stay as written.
    fn text_transforms(&self) -> Option<TextTransforms> {
        Some(text_transforms())
    }

    /// Acme is a router: any model id is served with conservative defaults.
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        Some(
            RuntimeModel::new(
                PROVIDER_ID,
                &ctx.model_id,
                ModelApi::OpenAiCompletions,
                BASE_URL.parse().ok()?,
            )
            .with_limits(128_000, 8_192),
        )
    }
}

/// The parsed and checked plugin manifest.
pub fn manifest() -> Result<PluginManifest, ManifestError> {
    PluginManifest::parse(MANIFEST_JSON.as_bytes(), "openclaw.plugin.json")
        .into_result("openclaw.plugin.json")
}

/// The parsed and checked `package.json`, held to ClawHub's publication rules.
pub fn package() -> Result<PackageManifest, ManifestError> {
    let manifest = manifest()?;
    PackageManifest::parse(
        PACKAGE_JSON.as_bytes(),
        "package.json",
        Some(&manifest),
        true,
    )
    .into_result("package.json")
}
