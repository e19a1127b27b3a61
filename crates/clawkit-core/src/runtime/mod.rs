//! The [`Runtime`]: the registered plugins and the pipeline that runs them.
//!
//! # Dispatch
//!
//! Almost every hook is **single-owner**: for a provider id the runtime
//! finds the first registered provider whose id, alias or hook alias equals
//! the id after [`normalize_provider_id`], and calls only its hook. A few
//! hooks combine several plugins, as OpenClaw does:
//!
//! | hook | who is asked | combination |
//! | --- | --- | --- |
//! | `catalog` / `staticCatalog` | every provider | ordered merge (`simple` → `profile` → `paired` → `late`) |
//! | `augmentModelCatalog` | every provider | concatenated, de-duplicated by `provider/id` |
//! | `contributeResolvedModelCompat` | owner, then every other provider | patches accumulate |
//! | `normalizeTransport` | owner, then every other provider | the first that changes `api` or `baseUrl` |
//! | `normalizeConfig` | owner, then every other provider | the first that changes the config |
//! | `matchesContextOverflowError` | owner, or every provider when none is given | any `true` |
//! | `classifyFailoverReason` | owner, or every provider when none is given | first answer |
//!
//! # Pipeline
//!
//! ```text
//!  catalog ─▶ resolve ─────────────────────────────────────────────▶ auth
//!  (merge)    normalizeModelId → catalog lookup → resolveDynamicModel     env → config → synthetic
//!             (→ prepareDynamicModel → resolveDynamicModel)               → formatApiKey
//!             → normalizeResolvedModel → contributeResolvedModelCompat    → prepareRuntimeAuth
//!             → normalizeTransport
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clawkit_manifest::{PluginManifest, edit_distance, normalize_provider_id};
use regex::Regex;
use serde::Serialize;

use crate::auth::AuthStore;
use crate::auth::OAuthCredential;
use crate::clock::Clock;
use crate::config::Config;
use crate::env::Env;
use crate::error::CoreError;
use crate::hooks::RequestCredential;
use crate::hooks::{ErrorContext, ProviderConfigContext};
use crate::model::{FailoverReason, ModelApi, ProviderConfig};
use crate::plugin::ProviderPlugin;
use crate::stream::{SharedStreamFn, Transports};
use crate::text_transform::TextTransforms;
use crate::trace::{HookTrace, Tracer};

mod auth;
mod builder;
mod catalog;
mod config;
#[cfg(test)]
mod every_hook_tests;
mod host;
mod resolve;
mod stream_fn;
mod tools;
mod turn;

pub use self::auth::{AuthRequest, RUNTIME_AUTH_REFRESH_MARGIN_MS, generic_missing_auth_message};
pub use self::builder::RuntimeBuilder;
pub use self::resolve::ModelRef;
pub use self::stream_fn::{PreparedStreamFn, StreamSetup};
pub use self::tools::ToolStage;
pub use self::turn::{ThinkingDecision, TraceHandle, Turn, TurnReport, TurnRequest};

/// How long one catalog may run before it is skipped (OpenClaw's 15 s).
pub const DEFAULT_CATALOG_TIMEOUT: Duration = Duration::from_secs(15);

/// A provider as registered: which plugin it came from and its ids.
pub(crate) struct Registered {
    pub(crate) plugin_id: String,
    pub(crate) provider: Arc<dyn ProviderPlugin>,
    /// Normalized id, then aliases, then hook aliases.
    pub(crate) ids: Vec<String>,
}

impl Registered {
    pub(crate) fn id(&self) -> &str {
        &self.ids[0]
    }
}

/// `modelSupport` of one plugin, compiled.
struct ModelSupportRule {
    provider: usize,
    prefixes: Vec<String>,
    patterns: Vec<Regex>,
}

/// Something noticed while registering plugins (a dropped provider, a
/// duplicated id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RegistrationDiagnostic {
    /// `error` when something was dropped, `warn` otherwise.
    pub level: &'static str,
    /// The plugin.
    pub plugin_id: String,
    /// What happened.
    pub message: String,
}

/// The registered plugins, the user config and environment, and the pipeline.
///
/// ```
/// use clawkit_core::{ApiKeyAuthOptions, Env, ModelApi, ModelDefinition, ProviderConfig, Runtime,
///                    SingleProviderPluginEntry};
///
/// let acme = SingleProviderPluginEntry::builder("acme-ai")
///     .api_key_auth(ApiKeyAuthOptions::new("acme-ai", "api-key", "Key").env_var("ACME_AI_API_KEY"))
///     .build_provider(|| {
///         Ok(ProviderConfig::new("https://api.acme-ai.com/v1".parse()?, ModelApi::OpenAiCompletions)
///             .with_model(ModelDefinition::new("acme-large").with_limits(200_000, 32_768)))
///     })
///     .build();
/// let runtime = Runtime::builder()
///     .plugin(acme)
///     .env(Env::new().with("ACME_AI_API_KEY", "sk-test"))
///     .build()?;
/// futures::executor::block_on(async {
///     let catalog = runtime.catalog(None).await;
///     let model = runtime.resolve_model(&catalog, "acme-ai/acme-large", None).await?;
///     assert_eq!(model.context_window, 200_000);
///     Ok::<(), clawkit_core::CoreError>(())
/// })?;
/// # Ok::<(), clawkit_core::CoreError>(())
/// ```
pub struct Runtime {
    pub(crate) providers: Vec<Registered>,
    owners: HashMap<String, usize>,
    model_support: Vec<ModelSupportRule>,
    pub(crate) manifests: Vec<Arc<PluginManifest>>,
    /// Each plugin entry's manifest, by plugin id.
    plugin_manifests: Vec<(String, Arc<PluginManifest>)>,
    pub(crate) auth_aliases: HashMap<String, String>,
    pub(crate) text_transforms: TextTransforms,
    pub(crate) config: Arc<Config>,
    pub(crate) env: Arc<Env>,
    pub(crate) store: AuthStore,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) catalog_timeout: Duration,
    pub(crate) transports: Option<Arc<dyn Transports>>,
    pub(crate) request_credentials:
        Mutex<HashMap<String, Arc<futures::lock::Mutex<Option<RequestCredential>>>>>,
    /// OAuth credentials renewed by `refreshOAuth`, by profile id; they
    /// replace the stored ones from then on. One refresh at a time per
    /// profile: concurrent turns wait for it and share its result.
    pub(crate) refreshed_oauth:
        Mutex<HashMap<String, Arc<futures::lock::Mutex<Option<OAuthCredential>>>>>,
    diagnostics: Vec<RegistrationDiagnostic>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("providers", &self.provider_ids())
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// Starts a runtime.
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder::new()
    }

    fn add_provider(&mut self, plugin_id: &str, provider: Arc<dyn ProviderPlugin>) {
        let id = normalize_provider_id(provider.id());
        if id.is_empty() {
            self.diagnose(
                "error",
                plugin_id,
                "provider registration missing id".to_owned(),
            );
            return;
        }
        let mut method_ids: Vec<String> = Vec::new();
        for method in provider.auth_methods() {
            if method.id.trim().is_empty() {
                self.diagnose(
                    "error",
                    plugin_id,
                    format!("provider \"{id}\" auth method missing id"),
                );
            } else if method_ids.contains(&method.id) {
                self.diagnose(
                    "error",
                    plugin_id,
                    format!(
                        "provider \"{id}\" auth method duplicated id \"{}\"",
                        method.id
                    ),
                );
            } else {
                method_ids.push(method.id);
            }
        }
        let mut ids = vec![id.clone()];
        for alias in provider
            .aliases()
            .iter()
            .chain(provider.hook_aliases().iter())
        {
            let alias = normalize_provider_id(alias);
            if !alias.is_empty() && !ids.contains(&alias) {
                ids.push(alias);
            }
        }
        let index = self.providers.len();
        for claimed in &ids {
            match self.owners.get(claimed) {
                Some(&owner) => {
                    let owner_plugin = self.providers[owner].plugin_id.clone();
                    self.diagnose(
                        "warn",
                        plugin_id,
                        format!("provider id \"{claimed}\" is already owned by plugin \"{owner_plugin}\"; the first registration wins"),
                    );
                }
                None => {
                    self.owners.insert(claimed.clone(), index);
                }
            }
        }
        self.providers.push(Registered {
            plugin_id: plugin_id.to_owned(),
            provider,
            ids,
        });
    }

    fn add_model_support(
        &mut self,
        plugin_id: &str,
        manifest: &PluginManifest,
        first: usize,
    ) -> Result<(), CoreError> {
        let Some(support) = &manifest.model_support else {
            return Ok(());
        };
        // The plugin's first declared provider serves its bare model ids.
        let provider = manifest
            .providers
            .first()
            .and_then(|p| self.owners.get(&normalize_provider_id(p)).copied())
            .or_else(|| (first < self.providers.len()).then_some(first));
        let Some(provider) = provider else {
            self.diagnose(
                "warn",
                plugin_id,
                "modelSupport is ignored: the plugin registers no provider".to_owned(),
            );
            return Ok(());
        };
        let patterns = support
            .model_patterns
            .iter()
            .map(|p| Regex::new(p).map_err(|e| CoreError::invalid_pattern(p, e)))
            .collect::<Result<Vec<_>, _>>()?;
        self.model_support.push(ModelSupportRule {
            provider,
            prefixes: support.model_prefixes.clone(),
            patterns,
        });
        Ok(())
    }

    /// `providerAuthAliases` of every manifest (in sorted alias order; the
    /// first plugin wins a conflict) plus deprecated auth-choice ids.
    fn build_auth_aliases(&mut self) {
        for manifest in &self.manifests {
            let mut aliases: Vec<(&String, &clawkit_manifest::AuthAliasTarget)> =
                manifest.provider_auth_aliases.iter().collect();
            aliases.sort_by(|a, b| a.0.cmp(b.0));
            for (alias, target) in aliases {
                if let clawkit_manifest::AuthAliasTarget::Provider(target) = target {
                    self.auth_aliases
                        .entry(normalize_provider_id(alias))
                        .or_insert_with(|| normalize_provider_id(target));
                }
            }
            for choice in &manifest.provider_auth_choices {
                for old in &choice.deprecated_choice_ids {
                    self.auth_aliases
                        .entry(normalize_provider_id(old))
                        .or_insert_with(|| normalize_provider_id(&choice.provider));
                }
            }
        }
    }

    fn diagnose(&mut self, level: &'static str, plugin_id: &str, message: String) {
        self.diagnostics.push(RegistrationDiagnostic {
            level,
            plugin_id: plugin_id.to_owned(),
            message,
        });
    }

    /// What registration noticed.
    pub fn diagnostics(&self) -> &[RegistrationDiagnostic] {
        &self.diagnostics
    }

    /// The manifest of the plugin entry `plugin_id`, when it has one.
    ///
    /// ```
    /// use clawkit_core::{Runtime, define_plugin_entry};
    /// use clawkit_manifest::PluginManifest;
    ///
    /// let manifest = PluginManifest::new("acme-ai");
    /// let runtime = Runtime::builder()
    ///     .plugin(define_plugin_entry("acme-ai", Some(manifest), |_| {}))
    ///     .plugin(define_plugin_entry("bare", None, |_| {}))
    ///     .build()?;
    /// assert_eq!(runtime.plugin_manifest("acme-ai").map(|m| m.id.as_str()), Some("acme-ai"));
    /// assert!(runtime.plugin_manifest("bare").is_none());
    /// # Ok::<(), clawkit_core::CoreError>(())
    /// ```
    pub fn plugin_manifest(&self, plugin_id: &str) -> Option<&PluginManifest> {
        self.plugin_manifests
            .iter()
            .find(|(id, _)| id == plugin_id.trim())
            .map(|(_, manifest)| manifest.as_ref())
    }

    /// The registered provider ids, in registration order.
    pub fn provider_ids(&self) -> Vec<&str> {
        self.providers.iter().map(Registered::id).collect()
    }

    /// The id of the plugin that registered the provider `id` (by id,
    /// alias or hook alias).
    pub fn plugin_of(&self, id: &str) -> Option<&str> {
        self.owner(id).map(|r| r.plugin_id.as_str())
    }

    /// The provider owning `id` (by id, alias or hook alias, after normalization).
    pub fn provider(&self, id: &str) -> Option<&Arc<dyn ProviderPlugin>> {
        self.owner_index(id).map(|i| &self.providers[i].provider)
    }

    pub(crate) fn owner_index(&self, id: &str) -> Option<usize> {
        self.owners
            .get(id)
            .or_else(|| self.owners.get(&normalize_provider_id(id)))
            .copied()
    }

    pub(crate) fn owner(&self, id: &str) -> Option<&Registered> {
        self.owner_index(id).map(|i| &self.providers[i])
    }

    /// The provider that serves a bare model id through `modelSupport`:
    /// patterns first, then prefixes, in registration order.
    pub fn provider_for_bare_model(&self, model_id: &str) -> Option<&str> {
        let by_pattern = self
            .model_support
            .iter()
            .find(|rule| rule.patterns.iter().any(|p| p.is_match(model_id)));
        let by_prefix = || {
            self.model_support.iter().find(|rule| {
                rule.prefixes
                    .iter()
                    .any(|p| model_id.starts_with(p.as_str()))
            })
        };
        by_pattern
            .or_else(by_prefix)
            .map(|rule| self.providers[rule.provider].id())
    }

    /// The user config.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The environment.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The stream function of `api` from the builder's
    /// [`transports`](RuntimeBuilder::transports), if it has one.
    pub(crate) fn transport_for(&self, api: &ModelApi) -> Option<SharedStreamFn> {
        self.transports.as_ref()?.transport_for(api)
    }

    /// The text transforms for `provider`: every plugin's registered
    /// transforms in registry order, then the provider's own.
    ///
    /// ```
    /// use clawkit_core::{Replacement, Runtime, TextTransforms, define_plugin_entry};
    ///
    /// let entry = define_plugin_entry("acme-ai", None, |api| {
    ///     api.register_text_transforms(TextTransforms::new().output(Replacement::literal("blue", "red")));
    /// });
    /// let runtime = Runtime::builder().plugin(entry).build()?;
    /// assert_eq!(runtime.text_transforms_for("any").apply_output("a blue basket"), "a red basket");
    /// # Ok::<(), clawkit_core::CoreError>(())
    /// ```
    pub fn text_transforms_for(&self, provider: &str) -> TextTransforms {
        let mut transforms = self.text_transforms.clone();
        if let Some(own) = self.provider(provider).and_then(|p| p.text_transforms()) {
            transforms.extend(&own);
        }
        transforms
    }

    /// Close matches of `wanted` among `candidates` (edit distance).
    pub(crate) fn suggestions<'a>(
        wanted: &str,
        candidates: impl Iterator<Item = &'a str>,
    ) -> Vec<String> {
        let limit = (wanted.chars().count() / 3).max(2);
        let mut scored: Vec<(usize, &str)> = candidates
            .map(|c| (edit_distance(wanted, c), c))
            .filter(|(d, c)| *d <= limit || c.starts_with(wanted) || wanted.starts_with(*c))
            .collect();
        scored.sort();
        scored.dedup_by(|a, b| a.1 == b.1);
        scored
            .into_iter()
            .take(3)
            .map(|(_, c)| c.to_owned())
            .collect()
    }

    // ------------------------------------------------------------- multi-plugin hooks

    /// `normalizeConfig`: the owner first, then every other provider until
    /// one changes the config.
    pub fn normalize_config(
        &self,
        provider: &str,
        config: &ProviderConfig,
        trace: Option<&mut HookTrace>,
    ) -> Option<ProviderConfig> {
        self.normalize_config_traced(provider, config, &mut Tracer::new(trace))
    }

    pub(crate) fn normalize_config_traced(
        &self,
        provider: &str,
        config: &ProviderConfig,
        tracer: &mut Tracer<'_>,
    ) -> Option<ProviderConfig> {
        let ctx = ProviderConfigContext {
            provider: provider.to_owned(),
            provider_config: config.clone(),
        };
        for index in self.owner_first(provider) {
            let registered = &self.providers[index];
            let result = registered.provider.normalize_config(&ctx);
            tracer.option("normalizeConfig", registered.id(), &result);
            if let Some(changed) = result.filter(|c| c != config) {
                return Some(changed);
            }
        }
        None
    }

    /// `matchesContextOverflowError`: the owner when a provider is given,
    /// otherwise every provider; any `true` wins.
    pub fn matches_context_overflow_error(
        &self,
        ctx: &ErrorContext,
        trace: Option<&mut HookTrace>,
    ) -> bool {
        let mut tracer = Tracer::new(trace);
        for index in self.error_scope(ctx) {
            let registered = &self.providers[index];
            let result = registered.provider.matches_context_overflow_error(ctx);
            tracer.option("matchesContextOverflowError", registered.id(), &result);
            if result == Some(true) {
                return true;
            }
        }
        false
    }

    /// `classifyFailoverReason`: the owner when a provider is given,
    /// otherwise every provider; the first answer wins.
    pub fn classify_failover_reason(
        &self,
        ctx: &ErrorContext,
        trace: Option<&mut HookTrace>,
    ) -> Option<FailoverReason> {
        let mut tracer = Tracer::new(trace);
        for index in self.error_scope(ctx) {
            let registered = &self.providers[index];
            let result = registered.provider.classify_failover_reason(ctx);
            tracer.option("classifyFailoverReason", registered.id(), &result);
            if result.is_some() {
                return result;
            }
        }
        None
    }

    fn error_scope(&self, ctx: &ErrorContext) -> Vec<usize> {
        match ctx.provider.as_deref().and_then(|p| self.owner_index(p)) {
            Some(owner) => vec![owner],
            None => (0..self.providers.len()).collect(),
        }
    }

    /// The owner of `provider` (if any), then every other provider in
    /// registration order.
    pub(crate) fn owner_first(&self, provider: &str) -> Vec<usize> {
        let owner = self.owner_index(provider);
        owner
            .into_iter()
            .chain((0..self.providers.len()).filter(move |i| Some(*i) != owner))
            .collect()
    }

    /// Runs `f` over the owner of `provider`, recording the result.
    pub(crate) fn with_owner<T: Serialize>(
        &self,
        provider: &str,
        hook: &'static str,
        tracer: &mut Tracer<'_>,
        f: impl FnOnce(&dyn ProviderPlugin) -> Option<T>,
    ) -> Option<T> {
        let registered = self.owner(provider)?;
        let result = f(registered.provider.as_ref());
        tracer.option(hook, registered.id(), &result);
        result
    }
}
