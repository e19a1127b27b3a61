//! Manifest-only providers: a plugin folder whose `openclaw.plugin.json`
//! declares its models in `modelCatalog`, with no code of its own.
//!
//! [`ManifestOnlyPlugin`] turns each `modelCatalog.providers.<id>` block into
//! one provider that streams through clawkit's built-in transports:
//!
//! ```json
//! {
//!   "id": "acme-labs",
//!   "providers": ["acme-labs"],
//!   "providerAuthEnvVars": { "acme-labs": ["ACME_LABS_API_KEY"] },
//!   "modelCatalog": {
//!     "providers": {
//!       "acme-labs": {
//!         "api": "openai-completions",
//!         "baseUrl": "https://api.acme-labs.example/v1",
//!         "models": [
//!           { "id": "acme-chat", "name": "Acme Chat", "contextWindow": 128000, "maxTokens": 8192 }
//!         ]
//!       }
//!     }
//!   },
//!   "configSchema": { "type": "object" }
//! }
//! ```
//!
//! # Rows
//!
//! As in the manifest model, `api`, `baseUrl` and `headers` sit on the
//! provider block, and a row may override `api` and `baseUrl` and add
//! headers. A row is served when it has, on itself or its block, an `api`
//! clawkit has a transport for ([`clawkit_http::has_transport`]:
//! `openai-completions`, `openai-responses` and its variants,
//! `anthropic-messages`, `google-generative-ai`, `ollama`) and an http(s)
//! `baseUrl`, plus the `contextWindow` and `maxTokens` OpenClaw requires.
//! Any other row is skipped with a [`ManifestOnlyNotice`], never silently;
//! when no row of any provider is left, loading fails with
//! [`BackendError::NoServableModels`].
//!
//! Every field the core row has is mapped: `name` (default: the id),
//! `reasoning`, `input` (kinds other than text, image, audio and video —
//! `document` — are dropped with a notice, as OpenClaw filters them at
//! runtime), `cost` (with `tieredPricing`), `contextWindow`,
//! `contextTokens`, `maxTokens`, `headers`, `compat` and
//! `thinkingLevelMap`. `status`, `statusReason`, `tags`, `upstreamModel`
//! and the row's other fields are kept verbatim in
//! [`ModelDefinition::extra`]. A `compat`, `tieredPricing` or
//! `thinkingLevelMap` that does not fit the core model is ignored with a
//! notice and the row is kept. A model id listed twice: the later row
//! wins, as in OpenClaw. Only the listed ids resolve: the manifest is the
//! whole catalog, so there is no dynamic model resolution.
//!
//! # Catalog and auth
//!
//! The rows are always in the runtime's catalog, so `provider/model`
//! always resolves and a missing key is reported as such (naming the env
//! var) rather than as an unknown model. They come from the static catalog
//! until the provider's key resolves, and from the live one after, as for
//! the built-in hosted providers: `clawkit models list` shows them as live
//! only with a key, and with `--all` always. Nothing is fetched.
//!
//! The key comes from the env vars the manifest declares for the provider
//! (`providerAuthEnvVars`, then `setup.providers[].envVars`), or any other
//! source the runtime checks; without one, a turn fails before any request
//! with `no API key found for provider "<id>"; set <ENV_VAR>`. The static
//! entry names the first env var as its `apiKey`, so that a `baseUrl` on
//! this machine does not make the key optional: a provider that declares
//! env vars wants a key. A provider that declares **no** env var needs no
//! key (a local server, a keyless gateway): its auth resolves to
//! [`LOCAL_AUTH_MARKER`] through `resolveSyntheticAuth`.
//!
//! `providerAuthChoices` of the provider whose `method` names a key
//! (`api-key`, `gateway-api-key`, …) become API-key auth methods (label,
//! hint, CLI flag and option key from the choice, the first env var); other
//! methods (`oauth`, `device-code`, `token`) need code this plugin does not
//! have and are left out with a notice. Without a mapped choice, a provider
//! with env vars gets one `api-key` method.
//!
//! ```
//! use clawkit_core::{Env, Runtime};
//! use clawkit_manifest::PluginManifest;
//! use clawkit_providers::ManifestOnlyPlugin;
//!
//! let manifest = PluginManifest::parse(br#"{
//!   "id": "acme-labs",
//!   "providers": ["acme-labs"],
//!   "providerAuthEnvVars": { "acme-labs": ["ACME_LABS_API_KEY"] },
//!   "modelCatalog": { "providers": { "acme-labs": {
//!     "api": "openai-completions", "baseUrl": "https://api.acme-labs.example/v1",
//!     "models": [{ "id": "acme-chat", "contextWindow": 128000, "maxTokens": 8192 }]
//!   } } },
//!   "configSchema": { "type": "object" }
//! }"#, "openclaw.plugin.json").into_result("openclaw.plugin.json")?;
//! let plugin = ManifestOnlyPlugin::from_manifest(manifest, "plugins/acme-labs")?;
//! assert_eq!(plugin.provider_ids(), ["acme-labs"]);
//! assert!(plugin.notices().is_empty());
//!
//! let runtime = Runtime::builder().plugin(plugin).env(Env::new()).build()?;
//! let catalog = clawkit_testkit::block_on(runtime.catalog(None));
//! let model = clawkit_testkit::block_on(runtime.resolve_model(&catalog, "acme-labs/acme-chat", None))?;
//! assert_eq!((model.context_window, model.max_tokens), (128_000, 8_192));
//! let missing = runtime.resolve_auth("acme-labs", &Default::default(), None).unwrap_err();
//! assert!(missing.to_string().ends_with("set ACME_LABS_API_KEY"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clawkit_core::{
    ApiKeyAuthOptions, ApiKeyInput, AuthDoctorContext, CostTier, CredentialKind, InputKind,
    LOCAL_AUTH_MARKER, ModelApi, ModelCompat, ModelCost, ModelDefinition, PluginApi, PluginEntry,
    ProviderConfig, ProviderHooks, ProviderPlugin, SingleProviderPluginEntry, SyntheticAuth,
    SyntheticAuthContext, async_trait, normalize_provider_id,
};
use clawkit_manifest::{
    CatalogModel, CatalogProvider, CheckOptions, MANIFEST_FILE_NAME, ManifestError, PluginManifest,
    ProviderAuthChoice, check_plugin,
};
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::BackendError;

/// The APIs clawkit streams, by their canonical names (for messages).
const SERVED_APIS: &str =
    "openai-completions, openai-responses, anthropic-messages or google-generative-ai";

/// Something in a manifest-only plugin's `modelCatalog` or auth choices
/// that is not used as written: a skipped row, an ignored field, an auth
/// choice left out. Never carries a header value or any other secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ManifestOnlyNotice {
    /// The manifest file, as named when the plugin was loaded.
    pub file: String,
    /// The provider id (`modelCatalog.providers.<id>`).
    pub provider: String,
    /// The model row concerned, if it is about one row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// What was done and why, in one lower-case line.
    pub message: String,
}

impl fmt::Display for ManifestOnlyNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: provider \"{}\"", self.file, self.provider)?;
        if let Some(model) = &self.model {
            write!(f, ", model \"{model}\"")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A plugin made only of an `openclaw.plugin.json`: one provider per
/// `modelCatalog.providers` entry with servable rows (see the module docs
/// for the mapping, the catalog and auth).
///
/// Register it like any plugin entry (`Runtime::builder().plugin(…)`); the
/// runtime reads the manifest's env vars, auth aliases and `modelSupport`.
#[derive(Clone)]
pub struct ManifestOnlyPlugin {
    manifest: PluginManifest,
    manifest_file: PathBuf,
    providers: Vec<Arc<dyn ProviderPlugin>>,
    notices: Vec<ManifestOnlyNotice>,
}

impl fmt::Debug for ManifestOnlyPlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManifestOnlyPlugin")
            .field("id", &self.manifest.id)
            .field("manifest_file", &self.manifest_file)
            .field("providers", &self.provider_ids())
            .field("notices", &self.notices)
            .finish()
    }
}

impl ManifestOnlyPlugin {
    /// Checks the plugin at `path` (a plugin folder, or its manifest file)
    /// as `clawkit manifest check` does, then builds its providers.
    ///
    /// Fails with [`BackendError::Manifest`]: [`ManifestError::NotFound`]
    /// when `path` does not exist, [`ManifestError::Invalid`] with every
    /// diagnostic (warnings included) when the check finds an error — a
    /// folder without `openclaw.plugin.json` is one (`plugin manifest not
    /// found: …`) — and [`ManifestError::Read`] when it cannot be read;
    /// then as [`ManifestOnlyPlugin::from_manifest`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self, BackendError> {
        let path = path.as_ref();
        let check = check_plugin(path, &CheckOptions::new())?;
        let valid = check.is_valid();
        let manifest_file = check.manifest_file;
        match check.manifest {
            Some(manifest) if valid => Self::build(manifest, manifest_file),
            _ => Err(BackendError::Manifest(ManifestError::Invalid {
                file: manifest_file.display().to_string(),
                diagnostics: check.diagnostics,
            })),
        }
    }

    /// Builds the providers of a manifest that has passed the manifest check
    /// ([`PluginManifest::load`], [`clawkit_manifest::check_plugin`]), found in
    /// `folder`; the folder only names the manifest in notices and errors.
    ///
    /// Fails with [`BackendError::NoServableModels`] when no row of any
    /// provider can be served; the rows it skipped are in the error.
    pub fn from_manifest(
        manifest: PluginManifest,
        folder: impl AsRef<Path>,
    ) -> Result<Self, BackendError> {
        let manifest_file = folder.as_ref().join(MANIFEST_FILE_NAME);
        Self::build(manifest, manifest_file)
    }

    fn build(manifest: PluginManifest, manifest_file: PathBuf) -> Result<Self, BackendError> {
        let file = manifest_file.display().to_string();
        let mut notices = Vec::new();
        let mut providers: Vec<Arc<dyn ProviderPlugin>> = Vec::new();
        let blocks = manifest
            .model_catalog
            .iter()
            .flat_map(|catalog| &catalog.providers);
        let single = manifest
            .model_catalog
            .as_ref()
            .is_some_and(|catalog| catalog.providers.len() == 1);
        for (declared_id, block) in blocks {
            let id = normalize_provider_id(declared_id);
            let mut notes = Notes::new(&file, &id);
            if !manifest
                .providers
                .iter()
                .any(|owned| normalize_provider_id(owned) == id)
            {
                notes.provider(
                    "not registered: the plugin does not declare it in \"providers\" (OpenClaw drops catalog rows of providers a plugin does not own)",
                );
                notices.extend(notes.list);
                continue;
            }
            let env_vars: Vec<String> = manifest
                .auth_env_vars(declared_id)
                .into_iter()
                .map(str::to_owned)
                .collect();
            let Some(mut config) = provider_config(block, &mut notes) else {
                notices.extend(notes.list);
                continue;
            };
            if let Some(first) = env_vars.first() {
                config.api_key = Some(ApiKeyInput::EnvMarker(first.clone()));
            }
            let label = match (&manifest.name, single) {
                (Some(name), true) => name.clone(),
                _ => id.clone(),
            };
            let default_model = config.models.first().map(|row| format!("{id}/{}", row.id));
            let methods = auth_methods(
                &id,
                &label,
                &manifest.provider_auth_choices,
                &env_vars,
                default_model.as_deref(),
                &mut notes,
            );
            let mut builder = SingleProviderPluginEntry::builder(manifest.id.clone())
                .provider_id(id.clone())
                .label(label)
                .allow_explicit_base_url(true);
            for method in methods {
                builder = builder.api_key_auth(method);
            }
            for env_var in &env_vars {
                builder = builder.env_var(env_var.clone());
            }
            let live = config.clone();
            let offline = config;
            let entry = builder
                .build_provider(move || Ok(live.clone()))
                .build_static_provider(move || Ok(offline.clone()))
                .hooks(ManifestOnlyHooks {
                    keyless: env_vars.is_empty(),
                    env_vars,
                    file: file.clone(),
                    id: id.clone(),
                })
                .build();
            providers.push(entry.provider());
            notices.extend(notes.list);
        }
        if providers.is_empty() {
            return Err(BackendError::NoServableModels { file, notices });
        }
        Ok(ManifestOnlyPlugin {
            manifest,
            manifest_file,
            providers,
            notices,
        })
    }

    /// The ids of the providers it registers, in manifest order.
    pub fn provider_ids(&self) -> Vec<&str> {
        self.providers.iter().map(|p| p.id()).collect()
    }

    /// What was skipped or ignored while building the providers.
    pub fn notices(&self) -> &[ManifestOnlyNotice] {
        &self.notices
    }

    /// The manifest file the plugin was built from.
    pub fn manifest_file(&self) -> &Path {
        &self.manifest_file
    }
}

impl PluginEntry for ManifestOnlyPlugin {
    fn id(&self) -> &str {
        &self.manifest.id
    }

    fn manifest(&self) -> Option<&PluginManifest> {
        Some(&self.manifest)
    }

    fn register(&self, api: &mut PluginApi) {
        for provider in &self.providers {
            api.register_provider_arc(Arc::clone(provider));
        }
    }
}

/// The notices of one provider, as they are found.
struct Notes<'a> {
    file: &'a str,
    provider: &'a str,
    list: Vec<ManifestOnlyNotice>,
}

impl<'a> Notes<'a> {
    fn new(file: &'a str, provider: &'a str) -> Self {
        Notes {
            file,
            provider,
            list: Vec::new(),
        }
    }

    fn push(&mut self, model: Option<&str>, message: String) {
        self.list.push(ManifestOnlyNotice {
            file: self.file.to_owned(),
            provider: self.provider.to_owned(),
            model: model.map(str::to_owned),
            message,
        });
    }

    fn provider(&mut self, message: impl Into<String>) {
        self.push(None, message.into());
    }

    fn row(&mut self, model: &str, message: impl Into<String>) {
        self.push(Some(model), message.into());
    }
}

/// An http(s) URL, or why not.
fn http_url(value: &str) -> Result<Url, String> {
    let url: Url = value
        .parse()
        .map_err(|e| format!("baseUrl \"{value}\" is not a URL ({e})"))?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => Err(format!(
            "baseUrl \"{value}\" is not an http(s) URL (scheme \"{other}\")"
        )),
    }
}

/// The provider's catalog entry: its servable rows, with the block's
/// `api`, `baseUrl` and `headers`; `None` when no row is servable.
fn provider_config(block: &CatalogProvider, notes: &mut Notes<'_>) -> Option<ProviderConfig> {
    let block_api = block.api.as_deref().map(ModelApi::from);
    let block_url = match block.base_url.as_deref().map(http_url) {
        Some(Ok(url)) => Some(url),
        Some(Err(reason)) => {
            notes.provider(format!(
                "{reason}; rows without their own baseUrl are skipped"
            ));
            None
        }
        None => None,
    };
    if block.models.is_empty() {
        notes.provider("not registered: it lists no model rows");
        return None;
    }
    let mut rows: Vec<ModelDefinition> = Vec::new();
    let mut first_url: Option<Url> = None;
    for row in &block.models {
        let Some(definition) = servable_row(row, block_api.as_ref(), block_url.as_ref(), notes)
        else {
            continue;
        };
        if first_url.is_none() {
            first_url = definition.base_url.clone().or_else(|| block_url.clone());
        }
        match rows.iter_mut().find(|kept| kept.id == definition.id) {
            // Listed twice: the later row wins, as in OpenClaw.
            Some(kept) => *kept = definition,
            None => rows.push(definition),
        }
    }
    if rows.is_empty() {
        notes.provider("not registered: none of its rows can be served");
        return None;
    }
    let base_url = block_url.or(first_url)?;
    let api = block_api.filter(clawkit_http::has_transport);
    let mut config = ProviderConfig::new(base_url, ModelApi::OpenAiCompletions);
    // Without a servable block api, every row names its own.
    config.api = api;
    config.headers = block
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(utility) = &block.default_utility_model {
        config.extra.insert(
            "defaultUtilityModel".to_owned(),
            Value::from(utility.clone()),
        );
    }
    for (key, value) in &block.extra {
        config.extra.insert(key.clone(), value.clone());
    }
    config.models = rows;
    Some(config)
}

/// The core row for `row`, or `None` (with a notice) when it cannot be served.
fn servable_row(
    row: &CatalogModel,
    block_api: Option<&ModelApi>,
    block_url: Option<&Url>,
    notes: &mut Notes<'_>,
) -> Option<ModelDefinition> {
    let id = row.id.as_str();
    let row_api = row.api.as_deref().map(ModelApi::from);
    let Some(api) = row_api.as_ref().or(block_api) else {
        notes.row(
            id,
            "skipped: no api (set \"api\" on the row or on its provider)",
        );
        return None;
    };
    if !clawkit_http::has_transport(api) {
        notes.row(
            id,
            format!("skipped: api \"{api}\" has no clawkit transport (use {SERVED_APIS})"),
        );
        return None;
    }
    let row_url = match row.base_url.as_deref().map(http_url) {
        Some(Ok(url)) => Some(url),
        Some(Err(reason)) => {
            notes.row(id, format!("skipped: {reason}"));
            return None;
        }
        None => None,
    };
    if row_url.is_none() && block_url.is_none() {
        notes.row(
            id,
            "skipped: no baseUrl (set \"baseUrl\" on the row or on its provider)",
        );
        return None;
    }
    let (Some(context_window), Some(max_tokens)) = (row.context_window, row.max_tokens) else {
        notes.row(
            id,
            "skipped: contextWindow and maxTokens are required (OpenClaw refuses the row at runtime)",
        );
        return None;
    };
    let mut definition = model_definition(row, notes).with_limits(context_window, max_tokens);
    definition.api = row_api;
    definition.base_url = row_url;
    Some(definition)
}

/// Every field of `row` the core row has; the rest kept verbatim in `extra`.
fn model_definition(row: &CatalogModel, notes: &mut Notes<'_>) -> ModelDefinition {
    let id = row.id.as_str();
    let mut definition = ModelDefinition::new(id)
        .with_name(row.name.clone().unwrap_or_else(|| row.id.clone()))
        .with_reasoning(row.reasoning.unwrap_or(false));
    if !row.input.is_empty() {
        let mut kinds = Vec::new();
        for name in &row.input {
            match InputKind::from(name.as_str()) {
                InputKind::Other(other) => notes.row(
                    id,
                    format!("input kind \"{other}\" ignored: clawkit models only text, image, audio and video"),
                ),
                kind => kinds.push(kind),
            }
        }
        if !kinds.is_empty() {
            definition = definition.with_input(kinds);
        }
    }
    if let Some(cost) = &row.cost {
        let mut prices = ModelCost::new(cost.input, cost.output, cost.cache_read, cost.cache_write);
        if let Some(tiers) = cost.extra.get("tieredPricing") {
            match serde_json::from_value::<Vec<CostTier>>(tiers.clone()) {
                Ok(tiers) => prices.tiered_pricing = tiers,
                Err(e) => notes.row(id, format!("cost.tieredPricing ignored: {e}")),
            }
        }
        definition = definition.with_cost(prices);
    }
    definition.context_tokens = row.context_tokens;
    definition.headers = row
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect::<BTreeMap<_, _>>();
    if let Some(compat) = &row.compat {
        match serde_json::from_value::<ModelCompat>(Value::Object(compat.clone())) {
            Ok(compat) => definition = definition.with_compat(compat),
            Err(e) => notes.row(id, format!("compat ignored: {e}")),
        }
    }
    let mut extra = row.extra.clone();
    if let Some(map) = extra.remove("thinkingLevelMap") {
        match serde_json::from_value::<BTreeMap<String, Option<String>>>(map) {
            Ok(map) => definition.thinking_level_map = Some(map),
            Err(e) => notes.row(id, format!("thinkingLevelMap ignored: {e}")),
        }
    }
    let verbatim = [
        ("status", row.status.clone().map(Value::from)),
        ("statusReason", row.status_reason.clone().map(Value::from)),
        (
            "tags",
            (!row.tags.is_empty()).then(|| Value::from(row.tags.clone())),
        ),
        ("upstreamModel", row.upstream_model.clone().map(Value::from)),
    ];
    for (key, value) in verbatim {
        if let Some(value) = value {
            extra.insert(key.to_owned(), value);
        }
    }
    definition.extra = extra;
    definition
}

/// Whether an auth choice's method is an API key (`api-key`, `gateway-api-key`, …).
fn is_api_key_method(method: &str) -> bool {
    method.to_ascii_lowercase().contains("key")
}

/// The provider's API-key auth methods: its `providerAuthChoices` that are
/// API keys, else one `api-key` method when it declares env vars.
fn auth_methods(
    id: &str,
    label: &str,
    choices: &[ProviderAuthChoice],
    env_vars: &[String],
    default_model: Option<&str>,
    notes: &mut Notes<'_>,
) -> Vec<ApiKeyAuthOptions> {
    let reads = (!env_vars.is_empty()).then(|| format!("Reads {}", env_vars.join(" or ")));
    let mut methods: Vec<ApiKeyAuthOptions> = Vec::new();
    for choice in choices
        .iter()
        .filter(|choice| normalize_provider_id(&choice.provider) == id)
    {
        if !is_api_key_method(&choice.method) {
            notes.provider(format!(
                "auth choice \"{}\" left out: method \"{}\" is not an API key, and a manifest-only provider only reads keys",
                choice.choice_id, choice.method
            ));
            continue;
        }
        if methods.iter().any(|m| m.method_id == choice.method) {
            notes.provider(format!(
                "auth choice \"{}\" left out: another choice already uses method \"{}\"",
                choice.choice_id, choice.method
            ));
            continue;
        }
        let mut options = ApiKeyAuthOptions::new(id, choice.method.clone(), choice.label())
            .prompt_message(format!("Enter your {}", choice.label()));
        if let Some(hint) = choice.choice_hint.clone().or_else(|| reads.clone()) {
            options = options.hint(hint);
        }
        if let Some(key) = &choice.option_key {
            options = options.option_key(key.clone());
        }
        if let Some(flag) = &choice.cli_flag {
            options = options.flag_name(flag.clone());
        }
        methods.push(options);
    }
    if methods.is_empty() && !env_vars.is_empty() {
        let name = format!("{label} API key");
        let mut options = ApiKeyAuthOptions::new(id, "api-key", name.clone())
            .prompt_message(format!("Enter your {name}"));
        if let Some(reads) = reads {
            options = options.hint(reads);
        }
        methods.push(options);
    }
    methods
        .into_iter()
        .map(|options| {
            let options = match env_vars.first() {
                Some(env_var) => options.env_var(env_var.clone()),
                None => options,
            };
            match default_model {
                Some(model) => options.default_model(model),
                None => options,
            }
        })
        .collect()
}

/// The hooks beyond identity, catalog and auth methods.
struct ManifestOnlyHooks {
    id: String,
    file: String,
    env_vars: Vec<String>,
    /// The manifest declares no env var: no key is needed.
    keyless: bool,
}

#[async_trait]
impl ProviderHooks for ManifestOnlyHooks {
    /// #8: a provider that declares no env var needs no key.
    fn resolve_synthetic_auth(&self, ctx: &SyntheticAuthContext) -> Option<SyntheticAuth> {
        (self.keyless && normalize_provider_id(&ctx.provider) == self.id).then(|| {
            SyntheticAuth::new(
                LOCAL_AUTH_MARKER,
                format!("{}: declares no auth env vars, no key needed", self.id),
                CredentialKind::None,
            )
        })
    }

    /// #24: which variable to export, and where it is declared.
    async fn build_auth_doctor_hint(&self, _ctx: &AuthDoctorContext) -> Option<String> {
        (!self.keyless).then(|| {
            format!(
                "export {} (declared in providerAuthEnvVars of {})",
                self.env_vars.join(" or "),
                self.file
            )
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use clawkit_core::{AuthRequest, AuthSource, CatalogContext, CatalogResult, Env, Runtime};
    use clawkit_testkit::block_on;
    use serde_json::json;

    use super::*;

    fn manifest(value: Value) -> PluginManifest {
        let bytes = serde_json::to_vec(&value).unwrap();
        let report = PluginManifest::parse(&bytes, "openclaw.plugin.json");
        assert!(
            report.is_valid(),
            "{:?}",
            report.diagnostics().iter().collect::<Vec<_>>()
        );
        report.value().cloned().unwrap()
    }

    fn plugin(value: Value) -> ManifestOnlyPlugin {
        ManifestOnlyPlugin::from_manifest(manifest(value), "labs").unwrap()
    }

    fn labs(catalog: Value) -> Value {
        json!({
            "id": "labs",
            "name": "Labs",
            "providers": ["labs"],
            "providerAuthEnvVars": {"labs": ["LABS_API_KEY", "LABS_TOKEN"]},
            "modelCatalog": {"providers": {"labs": catalog}},
            "configSchema": {"type": "object"}
        })
    }

    fn static_config(plugin: &ManifestOnlyPlugin) -> ProviderConfig {
        let provider = &plugin.providers[0];
        match block_on(provider.static_catalog(&CatalogContext::new(provider.id()))).unwrap() {
            Some(CatalogResult::Provider(config)) => config,
            other => panic!("{other:?}"),
        }
    }

    fn messages(plugin: &ManifestOnlyPlugin) -> Vec<String> {
        plugin.notices().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn every_row_field_the_core_row_has_is_mapped() {
        let plugin = plugin(labs(json!({
            "api": "openai-completions",
            "baseUrl": "https://api.labs.example/v1",
            "headers": {"X-Labs-Region": "eu"},
            "defaultUtilityModel": "labs-mini",
            "models": [{
                "id": "labs-large",
                "name": "Labs Large",
                "api": "openai-responses",
                "baseUrl": "https://responses.labs.example/v1",
                "reasoning": true,
                "input": ["text", "image", "audio"],
                "cost": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75,
                         "tieredPricing": [{"input": 6, "output": 22.5, "range": [200000]}]},
                "contextWindow": 400000,
                "contextTokens": 272000,
                "maxTokens": 128000,
                "headers": {"X-Labs-Tier": "pro"},
                "compat": {"supportsStore": false, "maxTokensField": "max_tokens", "futureFlag": 1},
                "thinkingLevelMap": {"high": "labs-large-thinking", "off": null},
                "status": "preview",
                "statusReason": "new",
                "tags": ["flagship"],
                "upstreamModel": "labs-large-2025",
                "params": {"temperature": 0.2}
            }, {
                "id": "labs-mini",
                "contextWindow": 32000,
                "maxTokens": 4096
            }]
        })));
        assert!(plugin.notices().is_empty(), "{:?}", messages(&plugin));
        let config = static_config(&plugin);
        assert_eq!(config.base_url.as_str(), "https://api.labs.example/v1");
        assert_eq!(config.api, Some(ModelApi::OpenAiCompletions));
        assert_eq!(config.headers["X-Labs-Region"], "eu");
        assert_eq!(config.extra["defaultUtilityModel"], "labs-mini");
        assert_eq!(
            config.api_key,
            Some(ApiKeyInput::EnvMarker("LABS_API_KEY".into()))
        );

        let large = &config.models[0];
        assert_eq!(large.name, "Labs Large");
        assert_eq!(large.api, Some(ModelApi::OpenAiResponses));
        assert_eq!(
            large.base_url.as_ref().map(Url::as_str),
            Some("https://responses.labs.example/v1")
        );
        assert!(large.reasoning);
        assert_eq!(
            large.input,
            [InputKind::Text, InputKind::Image, InputKind::Audio]
        );
        assert_eq!(
            (large.cost.input, large.cost.output),
            (3.0, 15.0),
            "{:?}",
            large.cost
        );
        assert_eq!((large.cost.cache_read, large.cost.cache_write), (0.3, 3.75));
        assert_eq!(large.cost.tiered_pricing.len(), 1);
        assert_eq!(large.cost.tiered_pricing[0].range, [200_000]);
        assert_eq!(
            (large.context_window, large.context_tokens, large.max_tokens),
            (Some(400_000), Some(272_000), Some(128_000))
        );
        assert_eq!(large.headers["X-Labs-Tier"], "pro");
        let compat = large.compat.as_ref().unwrap();
        assert_eq!(compat.supports_store, Some(false));
        assert_eq!(
            compat.max_tokens_field,
            Some(clawkit_core::MaxTokensField::MaxTokens)
        );
        assert_eq!(compat.extra["futureFlag"], 1);
        let levels = large.thinking_level_map.as_ref().unwrap();
        assert_eq!(levels["high"].as_deref(), Some("labs-large-thinking"));
        assert_eq!(levels["off"], None);
        assert_eq!(large.extra["status"], "preview");
        assert_eq!(large.extra["statusReason"], "new");
        assert_eq!(large.extra["tags"], json!(["flagship"]));
        assert_eq!(large.extra["upstreamModel"], "labs-large-2025");
        assert_eq!(large.extra["params"], json!({"temperature": 0.2}));
        assert!(!large.extra.contains_key("thinkingLevelMap"));

        // Defaults: named after the id, text only, free, the block's api and URL.
        let mini = &config.models[1];
        assert_eq!(mini.name, "labs-mini");
        assert_eq!(mini.input, [InputKind::Text]);
        assert_eq!(mini.cost, ModelCost::default());
        assert_eq!((mini.api.as_ref(), mini.base_url.as_ref()), (None, None));
        assert!(!mini.reasoning);

        // The runtime model: the row's overrides win, headers merge.
        let model = clawkit_core::RuntimeModel::from_definition("labs", &config, large);
        assert_eq!(model.api, ModelApi::OpenAiResponses);
        assert_eq!(model.headers.len(), 2);
    }

    #[test]
    fn rows_without_a_served_api_or_a_base_url_are_skipped_with_a_notice() {
        let plugin = plugin(json!({
            "id": "labs",
            "providers": ["labs", "other"],
            "modelCatalog": {"providers": {
                "labs": {
                    "api": "acme-rpc",
                    "models": [
                        {"id": "rpc-only", "baseUrl": "https://a.example/v1", "contextWindow": 1000, "maxTokens": 100},
                        {"id": "overrides", "api": "anthropic-messages", "baseUrl": "https://b.example/v1", "contextWindow": 1000, "maxTokens": 100},
                        {"id": "no-url", "api": "openai-completions", "contextWindow": 1000, "maxTokens": 100},
                        {"id": "bad-url", "api": "openai-completions", "baseUrl": "ftp://c.example", "contextWindow": 1000, "maxTokens": 100},
                        {"id": "vertex", "api": "google-vertex", "baseUrl": "https://d.example", "contextWindow": 1000, "maxTokens": 100}
                    ]
                },
                "other": {
                    "models": [{"id": "no-api", "baseUrl": "https://e.example/v1", "contextWindow": 1000, "maxTokens": 100}]
                }
            }},
            "configSchema": {"type": "object"}
        }));
        assert_eq!(plugin.provider_ids(), ["labs"]);
        let config = static_config(&plugin);
        let ids: Vec<&str> = config.models.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["overrides"]);
        // The block's api has no transport, so the entry names none; the row does.
        assert_eq!(config.api, None);
        assert_eq!(config.base_url.as_str(), "https://b.example/v1");
        assert_eq!(config.models[0].api, Some(ModelApi::AnthropicMessages));
        assert_eq!(config.api_key, None, "no env var declared");
        let notices = messages(&plugin);
        let expected = [
            "labs/openclaw.plugin.json: provider \"labs\", model \"rpc-only\": skipped: api \"acme-rpc\" has no clawkit transport (use openai-completions, openai-responses, anthropic-messages or google-generative-ai)",
            "labs/openclaw.plugin.json: provider \"labs\", model \"no-url\": skipped: no baseUrl (set \"baseUrl\" on the row or on its provider)",
            "labs/openclaw.plugin.json: provider \"labs\", model \"bad-url\": skipped: baseUrl \"ftp://c.example\" is not an http(s) URL (scheme \"ftp\")",
            "labs/openclaw.plugin.json: provider \"labs\", model \"vertex\": skipped: api \"google-vertex\" has no clawkit transport (use openai-completions, openai-responses, anthropic-messages or google-generative-ai)",
            "labs/openclaw.plugin.json: provider \"other\", model \"no-api\": skipped: no api (set \"api\" on the row or on its provider)",
            "labs/openclaw.plugin.json: provider \"other\": not registered: none of its rows can be served",
        ];
        let path = Path::new("labs")
            .join(MANIFEST_FILE_NAME)
            .display()
            .to_string();
        let expected: Vec<String> = expected
            .iter()
            .map(|m| m.replace("labs/openclaw.plugin.json", &path))
            .collect();
        assert_eq!(notices, expected);
    }

    #[test]
    fn the_served_api_names_in_messages_all_have_transports() {
        for name in SERVED_APIS.replace(" or ", ", ").split(", ") {
            assert!(clawkit_http::has_transport(&ModelApi::from(name)), "{name}");
        }
    }

    #[test]
    fn nothing_servable_is_a_typed_error_listing_what_was_skipped() {
        let error = ManifestOnlyPlugin::from_manifest(
            manifest(labs(json!({
                "api": "bedrock-converse-stream",
                "baseUrl": "https://x.example",
                "models": [{"id": "m", "contextWindow": 1000, "maxTokens": 100}]
            }))),
            "labs",
        )
        .unwrap_err();
        let BackendError::NoServableModels { notices, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(notices.len(), 2, "{notices:?}");
        assert!(
            error
                .to_string()
                .contains("no modelCatalog row clawkit can serve")
        );

        let bare = ManifestOnlyPlugin::from_manifest(PluginManifest::new("empty"), "empty");
        assert!(matches!(
            bare,
            Err(BackendError::NoServableModels { notices, .. }) if notices.is_empty()
        ));
    }

    #[test]
    fn duplicate_ids_keep_the_later_row_and_odd_fields_are_ignored_with_a_notice() {
        let plugin = plugin(labs(json!({
            "api": "openai-completions",
            "baseUrl": "https://api.labs.example/v1",
            "models": [
                {"id": "m", "name": "First", "contextWindow": 1000, "maxTokens": 100},
                {"id": "m", "name": "Second", "input": ["text", "document"],
                 "compat": {"supportsStore": "no"}, "thinkingLevelMap": [1],
                 "contextWindow": 2000, "maxTokens": 200}
            ]
        })));
        let config = static_config(&plugin);
        assert_eq!(config.models.len(), 1);
        assert_eq!(config.models[0].name, "Second");
        assert_eq!(config.models[0].input, [InputKind::Text]);
        assert_eq!(config.models[0].compat, None);
        let notices = messages(&plugin);
        assert_eq!(notices.len(), 3, "{notices:?}");
        assert!(notices[0].ends_with(
            "input kind \"document\" ignored: clawkit models only text, image, audio and video"
        ));
        assert!(notices[1].contains("compat ignored"), "{}", notices[1]);
        assert!(notices[2].contains("thinkingLevelMap ignored"));
    }

    #[test]
    fn api_key_choices_become_auth_methods_and_others_are_left_out() {
        let plugin = plugin(json!({
            "id": "labs",
            "providers": ["labs"],
            "providerAuthEnvVars": {"labs": ["LABS_API_KEY"]},
            "providerAuthChoices": [
                {"provider": "labs", "method": "api-key", "choiceId": "labs-api-key",
                 "choiceLabel": "Labs API key", "choiceHint": "From the Labs console",
                 "optionKey": "labsApiKey", "cliFlag": "--labs-api-key", "cliOption": "--labs-api-key <key>"},
                {"provider": "labs", "method": "oauth", "choiceId": "labs-oauth"}
            ],
            "modelCatalog": {"providers": {"labs": {
                "api": "openai-completions", "baseUrl": "https://api.labs.example/v1",
                "models": [{"id": "m", "contextWindow": 1000, "maxTokens": 100}]
            }}},
            "configSchema": {"type": "object"}
        }));
        let methods = plugin.providers[0].auth_methods();
        assert_eq!(methods.len(), 1);
        let options = methods[0].api_key.as_ref().unwrap();
        assert_eq!(methods[0].id, "api-key");
        assert_eq!(options.label, "Labs API key");
        assert_eq!(options.hint.as_deref(), Some("From the Labs console"));
        assert_eq!(options.option_key.as_deref(), Some("labsApiKey"));
        assert_eq!(options.flag_name.as_deref(), Some("--labs-api-key"));
        assert_eq!(options.env_var.as_deref(), Some("LABS_API_KEY"));
        assert_eq!(options.default_model.as_deref(), Some("labs/m"));
        assert_eq!(
            messages(&plugin),
            [format!(
                "{}: provider \"labs\": auth choice \"labs-oauth\" left out: method \"oauth\" is not an API key, and a manifest-only provider only reads keys",
                Path::new("labs").join(MANIFEST_FILE_NAME).display()
            )]
        );

        // No choice: one method reading the env vars.
        let plugin = super::tests::plugin(labs(json!({
            "api": "openai-completions", "baseUrl": "https://api.labs.example/v1",
            "models": [{"id": "m", "contextWindow": 1000, "maxTokens": 100}]
        })));
        let methods = plugin.providers[0].auth_methods();
        assert_eq!(methods.len(), 1);
        assert_eq!(methods[0].label, "Labs API key");
        assert_eq!(
            methods[0].hint.as_deref(),
            Some("Reads LABS_API_KEY or LABS_TOKEN")
        );
        assert_eq!(
            plugin.providers[0].env_vars(),
            ["LABS_API_KEY", "LABS_TOKEN"]
        );
    }

    fn runtime(plugin: ManifestOnlyPlugin, env: Env) -> Runtime {
        Runtime::builder().plugin(plugin).env(env).build().unwrap()
    }

    #[test]
    fn rows_are_always_in_the_catalog_and_live_once_the_key_resolves() {
        let loopback = labs(json!({
            "api": "openai-completions",
            "baseUrl": "http://127.0.0.1:9/v1",
            "models": [{"id": "m", "contextWindow": 1000, "maxTokens": 100}]
        }));
        let without = runtime(plugin(loopback.clone()), Env::new());
        let catalog = block_on(without.catalog(None));
        let rows = catalog.rows();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].2, clawkit_core::RowSource::Static);
        // A loopback URL does not make the declared key optional.
        let mut request = AuthRequest::default();
        request.provider_config = catalog.provider("labs").map(|p| Arc::clone(&p.config));
        let error = without.resolve_auth("labs", &request, None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "no API key found for provider \"labs\"; set one of LABS_API_KEY, LABS_TOKEN"
        );

        let with = runtime(
            plugin(loopback),
            Env::new().with("LABS_TOKEN", "sk-labs-canary-0123456789"),
        );
        let catalog = block_on(with.catalog(None));
        assert_eq!(catalog.rows()[0].2, clawkit_core::RowSource::Live);
        let auth = with
            .resolve_auth("labs", &AuthRequest::default(), None)
            .unwrap();
        assert_eq!(
            auth.source,
            AuthSource::Env {
                name: "LABS_TOKEN".into()
            }
        );
        assert!(!format!("{with:?}{catalog:?}").contains("sk-labs-canary"));
    }

    #[test]
    fn a_provider_without_env_vars_needs_no_key() {
        let plugin = plugin(json!({
            "id": "local-llm",
            "providers": ["local-llm"],
            "modelCatalog": {"providers": {"local-llm": {
                "api": "openai-completions", "baseUrl": "https://llm.internal.example/v1",
                "models": [{"id": "m", "contextWindow": 1000, "maxTokens": 100}]
            }}},
            "configSchema": {"type": "object"}
        }));
        assert!(plugin.providers[0].auth_methods().is_empty());
        let runtime = runtime(plugin, Env::new());
        let auth = runtime
            .resolve_auth("local-llm", &AuthRequest::default(), None)
            .unwrap();
        assert_eq!(auth.api_key.expose(), LOCAL_AUTH_MARKER);
        assert_eq!(auth.mode, CredentialKind::None);
        let catalog = block_on(runtime.catalog(None));
        assert_eq!(catalog.rows()[0].2, clawkit_core::RowSource::Live);
    }

    #[test]
    fn providers_the_plugin_does_not_declare_are_not_registered() {
        let mut manifest = manifest(labs(json!({
            "api": "openai-completions", "baseUrl": "https://api.labs.example/v1",
            "models": [{"id": "m", "contextWindow": 1000, "maxTokens": 100}]
        })));
        manifest.providers.clear();
        let error = ManifestOnlyPlugin::from_manifest(manifest, "labs").unwrap_err();
        assert!(
            format!("{error:?}").contains("does not declare it in \\\"providers\\\""),
            "{error:?}"
        );
    }
}
