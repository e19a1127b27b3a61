//! The typed model of `openclaw.plugin.json`.
//!
//! Every struct keeps the fields it does not model in `extra`, verbatim, so a
//! manifest read and written back loses nothing. Field names on the wire are
//! camelCase, as in OpenClaw.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Unmodelled fields, kept verbatim in their original order.
pub type Extra = Map<String, Value>;

/// A parsed `openclaw.plugin.json`.
///
/// Only `id` and `configSchema` are required; everything else is optional and
/// read leniently, as OpenClaw does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(title = "OpenClaw plugin manifest (openclaw.plugin.json)")]
#[non_exhaustive]
pub struct PluginManifest {
    /// The plugin id: non-empty after trimming, not reserved by OpenClaw.
    pub id: String,
    /// Inline JSON Schema of the plugin's config (`plugins.entries.<id>.config`).
    pub config_schema: Map<String, Value>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// One-line description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Plugin version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Whether the plugin is on without being enabled in config (only `true` counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_by_default: Option<bool>,
    /// Provider ids this plugin owns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<String>,
    /// Channel ids this plugin owns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    /// Skill directories, relative to the plugin root.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    /// Bare model ids this plugin claims (`acme-large` without `acme-ai/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_support: Option<ModelSupport>,
    /// Env vars holding inference credentials, per provider id.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub provider_auth_env_vars: IndexMap<String, Vec<String>>,
    /// Env vars holding billing-only (usage API) credentials, per provider id.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub provider_usage_auth_env_vars: IndexMap<String, Vec<String>>,
    /// Provider ids that reuse another provider's auth, by alias.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub provider_auth_aliases: IndexMap<String, AuthAliasTarget>,
    /// Onboarding and CLI auth choices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provider_auth_choices: Vec<ProviderAuthChoice>,
    /// Static capability ownership (`speechProviders`, `tools`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts: Option<Contracts>,
    /// Declarative model catalog, readable before the plugin runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_catalog: Option<ModelCatalog>,
    /// Display hints for config fields, by field name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub ui_hints: IndexMap<String, UiHint>,
    /// Setup and onboarding metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<Setup>,
    /// Fields clawkit does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl PluginManifest {
    /// A manifest with the two required fields and nothing else.
    ///
    /// ```
    /// let manifest = clawkit_manifest::PluginManifest::new("acme-ai");
    /// assert_eq!(manifest.config_schema["type"], "object");
    /// ```
    pub fn new(id: impl Into<String>) -> Self {
        let mut config_schema = Map::new();
        config_schema.insert("type".into(), Value::from("object"));
        config_schema.insert("additionalProperties".into(), Value::Bool(false));
        PluginManifest {
            id: id.into(),
            config_schema,
            name: None,
            description: None,
            version: None,
            enabled_by_default: None,
            providers: Vec::new(),
            channels: Vec::new(),
            skills: Vec::new(),
            model_support: None,
            provider_auth_env_vars: IndexMap::new(),
            provider_usage_auth_env_vars: IndexMap::new(),
            provider_auth_aliases: IndexMap::new(),
            provider_auth_choices: Vec::new(),
            contracts: None,
            model_catalog: None,
            ui_hints: IndexMap::new(),
            setup: None,
            extra: Extra::new(),
        }
    }

    /// Whether OpenClaw enables the plugin without config (only `true` counts).
    pub fn is_enabled_by_default(&self) -> bool {
        self.enabled_by_default == Some(true)
    }

    /// The inference env vars for `provider`: `providerAuthEnvVars` first, then
    /// `setup.providers[].envVars`, without duplicates.
    ///
    /// ```
    /// let mut manifest = clawkit_manifest::PluginManifest::new("acme-ai");
    /// manifest.provider_auth_env_vars.insert("acme-ai".into(), vec!["ACME_AI_API_KEY".into()]);
    /// assert_eq!(manifest.auth_env_vars("acme-ai"), ["ACME_AI_API_KEY"]);
    /// assert!(manifest.auth_env_vars("other").is_empty());
    /// ```
    pub fn auth_env_vars(&self, provider: &str) -> Vec<&str> {
        let declared = self
            .provider_auth_env_vars
            .get(provider)
            .into_iter()
            .flatten();
        let setup = self
            .setup
            .iter()
            .flat_map(|setup| &setup.providers)
            .filter(|p| p.id == provider)
            .flat_map(|p| &p.env_vars);
        let mut out: Vec<&str> = Vec::new();
        for name in declared.chain(setup) {
            if !out.contains(&name.as_str()) {
                out.push(name);
            }
        }
        out
    }
}

/// The provider an auth alias points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[non_exhaustive]
pub enum AuthAliasTarget {
    /// Reuse this provider's auth everywhere.
    Provider(String),
    /// Reuse this provider's auth only for the listed base URLs.
    Scoped(ScopedAuthAlias),
}

impl AuthAliasTarget {
    /// The provider id whose auth is reused.
    pub fn provider(&self) -> &str {
        match self {
            AuthAliasTarget::Provider(provider) => provider,
            AuthAliasTarget::Scoped(scoped) => &scoped.provider,
        }
    }
}

/// An auth alias that applies only when the configured endpoint matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ScopedAuthAlias {
    /// The provider whose auth is reused.
    pub provider: String,
    /// Base URLs (trailing slash ignored) for which the alias applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub base_urls: Vec<String>,
    /// Fields clawkit does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `modelSupport`: which bare model ids select this plugin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ModelSupport {
    /// Prefixes matched with `starts_with`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_prefixes: Vec<String>,
    /// Regular expressions matched against the model id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_patterns: Vec<String>,
    /// Fields clawkit does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One onboarding / CLI auth choice (`providerAuthChoices[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProviderAuthChoice {
    /// The provider this choice authenticates (required).
    pub provider: String,
    /// The provider auth method it dispatches to (required).
    pub method: String,
    /// Stable id used by onboarding and CLI auth flows (required, unique).
    pub choice_id: String,
    /// Label shown in pickers; defaults to `choiceId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice_label: Option<String>,
    /// Hint shown under the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice_hint: Option<String>,
    /// Icon name or URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Vendor website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Lower values sort earlier in assistant pickers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistant_priority: Option<f64>,
    /// Whether interactive pickers show the choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assistant_visibility: Option<AssistantVisibility>,
    /// Old choice ids that now point at this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deprecated_choice_ids: Vec<String>,
    /// Picker group id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// Picker group label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_label: Option<String>,
    /// Picker group hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_hint: Option<String>,
    /// Show the group in the featured onboarding tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onboarding_featured: Option<bool>,
    /// Key of the flag value in parsed CLI options (`acmeAiApiKey`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_key: Option<String>,
    /// The CLI flag (`--acme-ai-api-key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli_flag: Option<String>,
    /// The CLI option with its value placeholder (`--acme-ai-api-key <key>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli_option: Option<String>,
    /// Help text of the CLI option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli_description: Option<String>,
    /// Onboarding surfaces that show the choice (default `["text-inference"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub onboarding_scopes: Vec<OnboardingScope>,
    /// Fields clawkit does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ProviderAuthChoice {
    /// The label to show: `choiceLabel`, or `choiceId` when it is absent.
    pub fn label(&self) -> &str {
        self.choice_label.as_deref().unwrap_or(&self.choice_id)
    }
}

/// `assistantVisibility` of an auth choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AssistantVisibility {
    /// Shown in interactive pickers.
    Visible,
    /// Only reachable through the CLI flag.
    ManualOnly,
}

/// An onboarding surface an auth choice appears on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum OnboardingScope {
    /// Text models (the default).
    TextInference,
    /// Image generation.
    ImageGeneration,
    /// Music generation.
    MusicGeneration,
}

/// `contracts`: which capability providers and tools the plugin owns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Contracts {
    /// Ids per capability key (`speechProviders`, `webSearchProviders`, `tools`, …).
    #[serde(flatten)]
    pub capabilities: IndexMap<String, Vec<String>>,
}

/// Display hints for one config field (`uiHints.<field>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UiHint {
    /// Field label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Help text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Free-form tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Hide behind "advanced".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advanced: Option<bool>,
    /// The value is a secret: mask it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
    /// Input placeholder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Fields clawkit does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `setup`: onboarding metadata readable before the plugin runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Setup {
    /// Providers surfaced during setup.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<SetupProvider>,
    /// Fields clawkit does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One provider in `setup.providers[]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SetupProvider {
    /// Provider id.
    pub id: String,
    /// Auth method ids it supports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth_methods: Vec<String>,
    /// Env vars that satisfy setup without running the plugin.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_vars: Vec<String>,
    /// Fields clawkit does not model (`authEvidence`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `modelCatalog`: model rows declared in the manifest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ModelCatalog {
    /// Catalog entries per provider id.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub providers: IndexMap<String, CatalogProvider>,
    /// Built-in rows to hide.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<CatalogSuppression>,
    /// How each provider's rows are discovered.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub discovery: IndexMap<String, CatalogDiscovery>,
    /// Fields clawkit does not model (`aliases`, `modelsDev`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One provider's block in `modelCatalog.providers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CatalogProvider {
    /// Endpoint base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Wire API (`openai-completions`, `anthropic-messages`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// Static request headers.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, String>,
    /// Model used for cheap utility calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_utility_model: Option<String>,
    /// The model rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<CatalogModel>,
    /// Fields clawkit does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One model row of the manifest catalog.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CatalogModel {
    /// Provider-local model id.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Per-model wire API override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// Per-model base URL override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Whether the model supports reasoning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<bool>,
    /// Input kinds (`text`, `image`, `audio`, `video`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input: Vec<String>,
    /// Prices in USD per million tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<ModelCost>,
    /// Native context window, in tokens (required for runtime use).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u64>,
    /// Effective context cap for budgeting, in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_tokens: Option<u64>,
    /// Maximum output tokens (required for runtime use).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    /// Static request headers.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, String>,
    /// Transport compat flags, kept as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compat: Option<Map<String, Value>>,
    /// Lifecycle status (`preview`, `deprecated`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Why the status was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// Free-form tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The upstream model id, when it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_model: Option<String>,
    /// Fields clawkit does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Model prices in USD per million tokens.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ModelCost {
    /// Input tokens.
    #[serde(default)]
    pub input: f64,
    /// Output tokens.
    #[serde(default)]
    pub output: f64,
    /// Cached input tokens read.
    #[serde(default)]
    pub cache_read: f64,
    /// Input tokens written to the cache.
    #[serde(default)]
    pub cache_write: f64,
    /// Fields clawkit does not model (`tieredPricing`, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A built-in catalog row to hide (`modelCatalog.suppressions[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CatalogSuppression {
    /// Provider id.
    pub provider: String,
    /// Model id.
    pub model: String,
    /// Why it is hidden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Fields clawkit does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How a provider's catalog rows are found (`modelCatalog.discovery.<id>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CatalogDiscovery {
    /// The manifest rows are complete.
    Static,
    /// The rows can be refreshed from the provider.
    Refreshable,
    /// Rows are only known at runtime.
    Runtime,
}
