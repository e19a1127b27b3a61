//! Plugin entries: `register(api)` (OpenClaw's `definePluginEntry`) and the
//! single-provider builder (`defineSingleProviderPluginEntry`).

use std::sync::Arc;

use async_trait::async_trait;
use futures::future::BoxFuture;
use serde_json::{Map, Value};

use clawkit_manifest::{PluginManifest, normalize_provider_id};

use crate::auth::{ApiKeyAuthOptions, AuthMethod, create_provider_api_key_auth_method};
use crate::config::Config;
use crate::context::{Message, Tool};
use crate::error::PluginError;
use crate::hooks::*;
use crate::model::{FailoverReason, ModelCompat, ProviderConfig, RuntimeModel, ThinkingLevel};
use crate::secret::ApiKey;
use crate::stream::SharedStreamFn;
use crate::text_transform::TextTransforms;

use super::{ProviderHooks, ProviderPlugin};

/// What `register` receives: the registrar of one plugin.
pub struct PluginApi {
    plugin_id: String,
    pub(crate) providers: Vec<Arc<dyn ProviderPlugin>>,
    pub(crate) text_transforms: Vec<TextTransforms>,
}

impl PluginApi {
    pub(crate) fn new(plugin_id: &str) -> Self {
        PluginApi {
            plugin_id: plugin_id.to_owned(),
            providers: Vec::new(),
            text_transforms: Vec::new(),
        }
    }

    /// The id of the plugin registering.
    pub fn plugin_id(&self) -> &str {
        &self.plugin_id
    }

    /// `api.registerProvider(...)`.
    pub fn register_provider(&mut self, provider: impl ProviderPlugin + 'static) {
        self.providers.push(Arc::new(provider));
    }

    /// Registers an already shared provider.
    pub fn register_provider_arc(&mut self, provider: Arc<dyn ProviderPlugin>) {
        self.providers.push(provider);
    }

    /// `api.registerTextTransforms(...)`: rewrites applied for every provider.
    pub fn register_text_transforms(&mut self, transforms: TextTransforms) {
        self.text_transforms.push(transforms);
    }
}

/// A plugin: its identity, its manifest, and what it registers.
pub trait PluginEntry: Send + Sync {
    /// The plugin id.
    fn id(&self) -> &str;

    /// The plugin's `openclaw.plugin.json`, when it has one; the runtime
    /// reads env vars, aliases and `modelSupport` from it.
    fn manifest(&self) -> Option<&PluginManifest> {
        None
    }

    /// Registers providers and text transforms.
    fn register(&self, api: &mut PluginApi);
}

type RegisterFn = dyn Fn(&mut PluginApi) + Send + Sync;

/// A plugin entry made of an id, an optional manifest and a `register` closure.
pub struct FnPluginEntry {
    id: String,
    manifest: Option<PluginManifest>,
    register: Box<RegisterFn>,
}

/// `definePluginEntry({ id, register(api) { … } })`.
///
/// ```
/// use clawkit_core::{ProviderPlugin, define_plugin_entry};
///
/// struct Acme;
/// impl ProviderPlugin for Acme {
///     fn id(&self) -> &str { "acme-ai" }
/// }
/// let entry = define_plugin_entry("acme-ai", None, |api| api.register_provider(Acme));
/// # let _ = entry;
/// ```
pub fn define_plugin_entry(
    id: impl Into<String>,
    manifest: Option<PluginManifest>,
    register: impl Fn(&mut PluginApi) + Send + Sync + 'static,
) -> FnPluginEntry {
    FnPluginEntry {
        id: id.into(),
        manifest,
        register: Box::new(register),
    }
}

impl PluginEntry for FnPluginEntry {
    fn id(&self) -> &str {
        &self.id
    }

    fn manifest(&self) -> Option<&PluginManifest> {
        self.manifest.as_ref()
    }

    fn register(&self, api: &mut PluginApi) {
        (self.register)(api);
    }
}

/// Builds the live catalog entry from the key the runtime resolved and the
/// catalog's context (the user config and the environment).
pub type ProviderBuilder = Arc<
    dyn Fn(&ProviderKey, &CatalogContext) -> BoxFuture<'static, Result<ProviderConfig, PluginError>>
        + Send
        + Sync,
>;

/// Builds the offline catalog entry.
pub type StaticProviderBuilder = Arc<dyn Fn() -> Result<ProviderConfig, PluginError> + Send + Sync>;

/// The hooks of a provider that handles none: the builder's default.
pub struct NoHooks;

impl ProviderHooks for NoHooks {}

/// `defineSingleProviderPluginEntry`: one text provider with API-key auth and
/// a catalog-backed runtime.
///
/// - the catalog order is `simple` unless
///   [`catalog_order`](SingleProviderBuilder::catalog_order) says otherwise;
/// - [`build_provider`](SingleProviderBuilder::build_provider) is the live
///   path: it runs only when a key resolves (the entry gets the key and the
///   explicit base URL when allowed), and may do discovery;
/// - [`build_static_provider`](SingleProviderBuilder::build_static_provider)
///   is the offline path: no credentials, no network;
/// - each API-key auth option becomes an auth method, and its env var joins
///   the provider's env vars;
/// - every other hook comes from [`hooks`](SingleProviderBuilder::hooks), a
///   [`ProviderHooks`] value (the hooks without an identity). Its `catalog`
///   and `static_catalog` are used when the builder has no live or static
///   builder of its own.
///
/// ```
/// use clawkit_core::{ApiKeyAuthOptions, ModelApi, ModelDefinition, PluginError, ProviderConfig,
///                    SingleProviderPluginEntry};
///
/// fn acme() -> Result<ProviderConfig, PluginError> {
///     Ok(ProviderConfig::new("https://api.acme-ai.com/v1".parse()?, ModelApi::OpenAiCompletions)
///         .with_model(ModelDefinition::new("acme-large").with_name("Acme Large")))
/// }
///
/// let entry = SingleProviderPluginEntry::builder("acme-ai")
///     .label("Acme AI")
///     .docs_path("/providers/acme-ai")
///     .api_key_auth(ApiKeyAuthOptions::new("acme-ai", "api-key", "Acme AI API key").env_var("ACME_AI_API_KEY"))
///     .build_provider(acme)
///     .build_static_provider(acme)
///     .build();
/// # let _ = entry;
/// ```
pub struct SingleProviderPluginEntry {
    id: String,
    manifest: Option<PluginManifest>,
    provider: Arc<SingleProvider>,
    text_transforms: Option<TextTransforms>,
}

impl SingleProviderPluginEntry {
    /// Starts an entry for plugin `id`, whose provider has the same id
    /// unless [`provider_id`](SingleProviderBuilder::provider_id) says
    /// otherwise.
    pub fn builder(id: impl Into<String>) -> SingleProviderBuilder {
        let id = id.into();
        SingleProviderBuilder {
            label: id.clone(),
            provider_id: id.clone(),
            id,
            manifest: None,
            docs_path: None,
            aliases: Vec::new(),
            env_vars: Vec::new(),
            auth: Vec::new(),
            build_provider: None,
            build_static_provider: None,
            allow_explicit_base_url: false,
            catalog_order: CatalogOrder::Simple,
            hooks: Arc::new(NoHooks),
            text_transforms: None,
            hook_aliases: Vec::new(),
            extra_auth: Vec::new(),
        }
    }

    /// Starts an entry from the plugin's manifest, so that the ids, env vars
    /// and API-key auth are written once:
    ///
    /// - the plugin id is the manifest's `id`; the provider id its first
    ///   `providers` entry (the plugin id when it lists none; a plugin with
    ///   several providers registers each itself, see [`define_plugin_entry`]);
    /// - the label is the manifest's `name`;
    /// - the env vars are the provider's, from `providerAuthEnvVars` and
    ///   `setup.providers[].envVars`, ids compared as OpenClaw compares them
    ///   (`normalize_provider_id`: `bedrock` is `amazon-bedrock`);
    /// - each of the provider's `providerAuthChoices` whose method is an API
    ///   key (its method id contains `key`, as `api-key`) becomes an API-key
    ///   auth method (label, hint, option key, CLI flag, the first env var),
    ///   once per method id. Other choices (OAuth, device code) need code:
    ///   add them with [`auth_method`](SingleProviderBuilder::auth_method),
    ///   which also replaces a derived method with the same id.
    ///
    /// ```
    /// use clawkit_core::SingleProviderPluginEntry;
    ///
    /// let manifest = r#"{
    ///   "id": "zeta-ai", "name": "Zeta", "providers": ["zeta"],
    ///   "providerAuthEnvVars": { "zeta": ["ZETA_API_KEY"] },
    ///   "providerAuthChoices": [{ "provider": "zeta", "method": "api-key", "choiceId": "zeta-api-key" }],
    ///   "configSchema": { "type": "object" }
    /// }"#;
    /// let entry = SingleProviderPluginEntry::from_manifest(manifest.parse()?).build();
    /// let provider = entry.provider();
    /// assert_eq!((provider.id(), provider.label()), ("zeta", "Zeta"));
    /// assert_eq!(provider.env_vars(), ["ZETA_API_KEY"]);
    /// assert_eq!(provider.auth_methods()[0].id, "api-key");
    /// # Ok::<(), clawkit_manifest::ManifestError>(())
    /// ```
    pub fn from_manifest(manifest: PluginManifest) -> SingleProviderBuilder {
        let provider = manifest
            .providers
            .first()
            .cloned()
            .unwrap_or_else(|| manifest.id.clone());
        let key = normalize_provider_id(&provider);
        let mut env_vars: Vec<String> = Vec::new();
        let declared = manifest
            .provider_auth_env_vars
            .iter()
            .filter(|(id, _)| normalize_provider_id(id) == key)
            .flat_map(|(_, vars)| vars);
        let setup = manifest
            .setup
            .iter()
            .flat_map(|setup| &setup.providers)
            .filter(|entry| normalize_provider_id(&entry.id) == key)
            .flat_map(|entry| &entry.env_vars);
        for name in declared.chain(setup) {
            if !env_vars.contains(name) {
                env_vars.push(name.clone());
            }
        }
        let mut builder = SingleProviderPluginEntry::builder(&manifest.id).provider_id(&provider);
        if let Some(name) = &manifest.name {
            builder = builder.label(name);
        }
        for choice in manifest.provider_auth_choices.iter().filter(|choice| {
            normalize_provider_id(&choice.provider) == key
                && choice.method.to_ascii_lowercase().contains("key")
        }) {
            if builder.auth.iter().any(|a| a.method_id == choice.method) {
                continue;
            }
            let mut options = ApiKeyAuthOptions::new(&provider, &choice.method, choice.label());
            options.hint = choice.choice_hint.clone();
            options.option_key = choice.option_key.clone();
            options.flag_name = choice.cli_flag.clone();
            options.env_var = env_vars.first().cloned();
            builder = builder.api_key_auth(options);
        }
        builder.env_vars = env_vars;
        builder.manifest(manifest)
    }

    /// The provider this entry registers, for calling its hooks in tests.
    pub fn provider(&self) -> Arc<dyn ProviderPlugin> {
        self.provider.clone()
    }
}

impl PluginEntry for SingleProviderPluginEntry {
    fn id(&self) -> &str {
        &self.id
    }

    fn manifest(&self) -> Option<&PluginManifest> {
        self.manifest.as_ref()
    }

    fn register(&self, api: &mut PluginApi) {
        api.register_provider_arc(self.provider.clone());
        if let Some(transforms) = &self.text_transforms {
            api.register_text_transforms(transforms.clone());
        }
    }
}

/// Builder of a [`SingleProviderPluginEntry`].
#[must_use]
pub struct SingleProviderBuilder {
    id: String,
    provider_id: String,
    label: String,
    manifest: Option<PluginManifest>,
    docs_path: Option<String>,
    aliases: Vec<String>,
    env_vars: Vec<String>,
    auth: Vec<ApiKeyAuthOptions>,
    build_provider: Option<ProviderBuilder>,
    build_static_provider: Option<StaticProviderBuilder>,
    allow_explicit_base_url: bool,
    catalog_order: CatalogOrder,
    hooks: Arc<dyn ProviderHooks>,
    text_transforms: Option<TextTransforms>,
    hook_aliases: Vec<String>,
    extra_auth: Vec<AuthMethod>,
}

impl SingleProviderBuilder {
    /// The plugin manifest.
    pub fn manifest(mut self, manifest: PluginManifest) -> Self {
        self.manifest = Some(manifest);
        self
    }

    /// The provider's id, when it is not the plugin's (plugin `zeta-ai`,
    /// provider `zeta`). The label follows it unless one was set.
    ///
    /// ```
    /// use clawkit_core::{Runtime, SingleProviderPluginEntry};
    ///
    /// let entry = SingleProviderPluginEntry::builder("zeta-ai").provider_id("zeta").build();
    /// let runtime = Runtime::builder().plugin(entry).build()?;
    /// assert_eq!(runtime.provider_ids(), ["zeta"]);
    /// assert_eq!(runtime.plugin_of("zeta"), Some("zeta-ai"));
    /// # Ok::<(), clawkit_core::CoreError>(())
    /// ```
    pub fn provider_id(mut self, id: impl Into<String>) -> Self {
        let id = id.into();
        if self.label == self.provider_id {
            self.label = id.clone();
        }
        self.provider_id = id;
        self
    }

    /// Display label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Docs path.
    pub fn docs_path(mut self, path: impl Into<String>) -> Self {
        self.docs_path = Some(path.into());
        self
    }

    /// Adds a user-facing alias.
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.aliases.push(alias.into());
        self
    }

    /// Adds a setup env var.
    pub fn env_var(mut self, name: impl Into<String>) -> Self {
        self.env_vars.push(name.into());
        self
    }

    /// Adds an API-key auth method.
    pub fn api_key_auth(mut self, options: ApiKeyAuthOptions) -> Self {
        self.auth.push(options);
        self
    }

    /// Adds any other auth method (OAuth, device code, …), listed after the
    /// API-key ones; it replaces an API-key method with the same method id.
    pub fn auth_method(mut self, method: AuthMethod) -> Self {
        self.extra_auth.push(method);
        self
    }

    /// Adds an internal id for hook and config routing only.
    pub fn hook_alias(mut self, alias: impl Into<String>) -> Self {
        self.hook_aliases.push(alias.into());
        self
    }

    /// The catalog, both live and static: the rows appear when a key
    /// resolves, and offline (`models list --all`) without one. The same
    /// as [`build_provider`](Self::build_provider) and
    /// [`build_static_provider`](Self::build_static_provider) with one
    /// function.
    pub fn catalog(
        self,
        build: impl Fn() -> Result<ProviderConfig, PluginError> + Send + Sync + 'static,
    ) -> Self {
        let live = Arc::new(build);
        let offline = Arc::clone(&live);
        self.build_provider(move || live())
            .build_static_provider(move || offline())
    }

    /// The live catalog entry, built when a key resolves.
    pub fn build_provider(
        mut self,
        build: impl Fn() -> Result<ProviderConfig, PluginError> + Send + Sync + 'static,
    ) -> Self {
        let build = Arc::new(build);
        self.build_provider = Some(Arc::new(
            move |_key: &ProviderKey, _ctx: &CatalogContext| {
                let config = build();
                Box::pin(async move { config })
            },
        ));
        self
    }

    /// The live catalog entry, discovered with the resolved key (may do I/O).
    /// The closure also gets the catalog's context: the user config
    /// (`ctx.config`, e.g. a configured base URL) and the environment.
    pub fn discover_provider(
        mut self,
        discover: impl Fn(
            &ProviderKey,
            &CatalogContext,
        ) -> BoxFuture<'static, Result<ProviderConfig, PluginError>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.build_provider = Some(Arc::new(discover));
        self
    }

    /// The offline catalog entry: no credentials, no network.
    pub fn build_static_provider(
        mut self,
        build: impl Fn() -> Result<ProviderConfig, PluginError> + Send + Sync + 'static,
    ) -> Self {
        self.build_static_provider = Some(Arc::new(build));
        self
    }

    /// When the live and static catalogs merge (default `simple`, as
    /// OpenClaw's single-provider entries; local servers use `late`).
    pub fn catalog_order(mut self, order: CatalogOrder) -> Self {
        self.catalog_order = order;
        self
    }

    /// Keep an explicit `models.providers.<id>.baseUrl` from the user config.
    pub fn allow_explicit_base_url(mut self, allow: bool) -> Self {
        self.allow_explicit_base_url = allow;
        self
    }

    /// Every other hook (`resolve_dynamic_model`, `wrap_stream_fn`, …): a
    /// [`ProviderHooks`] value, which has no identity of its own.
    pub fn hooks(mut self, hooks: impl ProviderHooks + 'static) -> Self {
        self.hooks = Arc::new(hooks);
        self
    }

    /// Text transforms, registered with the plugin.
    pub fn text_transforms(mut self, transforms: TextTransforms) -> Self {
        self.text_transforms = Some(transforms);
        self
    }

    /// The entry.
    pub fn build(self) -> SingleProviderPluginEntry {
        let mut env_vars: Vec<String> = Vec::new();
        for name in self
            .env_vars
            .iter()
            .chain(self.auth.iter().filter_map(|a| a.env_var.as_ref()))
        {
            if !env_vars.contains(name) {
                env_vars.push(name.clone());
            }
        }
        let extra_ids: Vec<String> = self.extra_auth.iter().map(|m| m.id.clone()).collect();
        let auth = self
            .auth
            .into_iter()
            .filter(|options| !extra_ids.contains(&options.method_id))
            .map(|mut options| {
                if options.expected_providers.is_empty() {
                    options.expected_providers.push(self.provider_id.clone());
                }
                create_provider_api_key_auth_method(options)
            })
            .chain(self.extra_auth)
            .collect();
        SingleProviderPluginEntry {
            id: self.id.clone(),
            manifest: self.manifest,
            provider: Arc::new(SingleProvider {
                id: self.provider_id,
                label: self.label,
                docs_path: self.docs_path,
                aliases: self.aliases,
                env_vars,
                auth,
                build_provider: self.build_provider,
                build_static_provider: self.build_static_provider,
                allow_explicit_base_url: self.allow_explicit_base_url,
                catalog_order: self.catalog_order,
                hook_aliases: self.hook_aliases,
                hooks: self.hooks,
            }),
            text_transforms: self.text_transforms,
        }
    }
}

/// The provider a [`SingleProviderPluginEntry`] registers.
struct SingleProvider {
    id: String,
    label: String,
    docs_path: Option<String>,
    aliases: Vec<String>,
    env_vars: Vec<String>,
    auth: Vec<AuthMethod>,
    build_provider: Option<ProviderBuilder>,
    build_static_provider: Option<StaticProviderBuilder>,
    allow_explicit_base_url: bool,
    catalog_order: CatalogOrder,
    hook_aliases: Vec<String>,
    hooks: Arc<dyn ProviderHooks>,
}

/// Generates SingleProvider's `impl ProviderPlugin`: its own identity,
/// `catalog` and `static_catalog`, and every other hook of the one list
/// ([`provider_hooks!`](crate::hooks::provider_hooks)) forwarded to the
/// `.hooks(...)` object, so that no hook can be forgotten.
macro_rules! forward_single_provider {
    // Skip the hooks SingleProvider implements itself.
    (@filter [$($kept:tt)*] $(#[$doc:meta])* [$($head:tt)*] fn catalog $sig:tt -> $ret:ty $default:block $($rest:tt)*) => {
        forward_single_provider!(@filter [$($kept)*] $($rest)*);
    };
    (@filter [$($kept:tt)*] $(#[$doc:meta])* [$($head:tt)*] fn static_catalog $sig:tt -> $ret:ty $default:block $($rest:tt)*) => {
        forward_single_provider!(@filter [$($kept)*] $($rest)*);
    };
    (@filter [$($kept:tt)*] $(#[$doc:meta])* [$($head:tt)*] fn $method:ident $sig:tt -> $ret:ty $default:block $($rest:tt)*) => {
        forward_single_provider!(@filter [$($kept)* [$($head)*] fn $method $sig -> $ret $default] $($rest)*);
    };
    (@filter [$(
        [$stage:ident, $name:literal, $number:expr $(, $async:ident)?]
        fn $method:ident($($arg:ident: $argty:ty)?) -> $ret:ty $default:block
    )*]) => {
        #[async_trait]
        impl ProviderPlugin for SingleProvider {
    fn id(&self) -> &str {
        &self.id
    }
    fn label(&self) -> &str {
        &self.label
    }
    fn docs_path(&self) -> Option<&str> {
        self.docs_path.as_deref()
    }
    fn aliases(&self) -> Vec<String> {
        self.aliases.clone()
    }
    fn hook_aliases(&self) -> Vec<String> {
        self.hook_aliases.clone()
    }
    fn env_vars(&self) -> Vec<String> {
        self.env_vars.clone()
    }
    fn auth_methods(&self) -> Vec<AuthMethod> {
        self.auth.clone()
    }
    fn catalog_order(&self) -> CatalogOrder {
        self.catalog_order
    }

    /// `buildSingleProviderApiKeyCatalog`: no key, no catalog.
    async fn catalog(&self, ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> {
        let Some(build) = &self.build_provider else {
            return self.hooks.catalog(ctx).await;
        };
        let key = ctx.resolve_provider_api_key(Some(&self.id));
        let Some(api_key) = key.api_key.clone() else {
            return Ok(None);
        };
        let mut provider = build(&key, ctx).await?;
        if self.allow_explicit_base_url
            && let Some(explicit) = ctx.config.provider(&self.id)
        {
            provider.base_url = explicit.base_url.clone();
        }
        provider.api_key = Some(crate::model::ApiKeyInput::Literal(api_key));
        Ok(Some(CatalogResult::Provider(provider)))
    }

    async fn static_catalog(
        &self,
        ctx: &CatalogContext,
    ) -> Result<Option<CatalogResult>, PluginError> {
        match &self.build_static_provider {
            Some(build) => build().map(|config| Some(CatalogResult::Provider(config))),
            None => self.hooks.static_catalog(ctx).await,
        }
    }

            $(
                $($async)? fn $method(&self $(, $arg: $argty)?) -> $ret {
                    let hooks = &self.hooks;
                    forward_single_provider!(@call $($async)? hooks.$method($($arg)?))
                }
            )*
        }
    };
    (@call async $call:expr) => { $call.await };
    (@call $call:expr) => { $call };
    ($($entries:tt)*) => {
        forward_single_provider!(@filter [] $($entries)*);
    };
}

crate::hooks::provider_hooks!(forward_single_provider);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Mutex;
    use std::time::Duration;

    use futures::executor::block_on;

    use super::*;
    use crate::catalog::Catalog;
    use crate::env::Env;
    use crate::model::ModelApi;
    use crate::stream::{EventStream, StreamRequest};

    /// Implements every hook, records its name and answers something a
    /// default never does.
    #[derive(Default)]
    struct Everything {
        hits: Arc<Mutex<Vec<&'static str>>>,
    }

    impl Everything {
        fn hit(&self, name: &'static str) {
            self.hits.lock().unwrap().push(name);
        }
    }

    fn model() -> RuntimeModel {
        RuntimeModel::new(
            "p",
            "m",
            ModelApi::OpenAiCompletions,
            "https://p.example/v1".parse().unwrap(),
        )
    }

    fn stream_fn() -> SharedStreamFn {
        Arc::new(|_: StreamRequest| -> EventStream { Box::pin(futures::stream::empty()) })
    }

    fn some_config() -> ProviderConfig {
        ProviderConfig::new(
            "https://p.example/v1".parse().unwrap(),
            ModelApi::OpenAiCompletions,
        )
    }

    #[async_trait]
    impl ProviderHooks for Everything {
        async fn catalog(&self, _: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> {
            self.hit("catalog");
            Ok(Some(CatalogResult::Provider(some_config())))
        }
        async fn static_catalog(
            &self,
            _: &CatalogContext,
        ) -> Result<Option<CatalogResult>, PluginError> {
            self.hit("staticCatalog");
            Ok(Some(CatalogResult::Provider(some_config())))
        }
        async fn augment_model_catalog(
            &self,
            _: &AugmentCatalogContext<'_>,
        ) -> Result<Vec<CatalogEntry>, PluginError> {
            self.hit("augmentModelCatalog");
            Ok(vec![CatalogEntry::new(
                "p",
                crate::ModelDefinition::new("x"),
            )])
        }
        fn apply_config_defaults(&self, _: &ConfigDefaultsContext) -> Option<Config> {
            self.hit("applyConfigDefaults");
            Some(Config::new())
        }
        fn normalize_config(&self, _: &ProviderConfigContext) -> Option<ProviderConfig> {
            self.hit("normalizeConfig");
            Some(some_config())
        }
        fn apply_native_streaming_usage_compat(
            &self,
            _: &ProviderConfigContext,
        ) -> Option<ProviderConfig> {
            self.hit("applyNativeStreamingUsageCompat");
            Some(some_config())
        }
        fn normalize_model_id(&self, _: &ModelRefContext) -> Option<String> {
            self.hit("normalizeModelId");
            Some("n".into())
        }
        fn resolve_dynamic_model(&self, _: &DynamicModelContext) -> Option<RuntimeModel> {
            self.hit("resolveDynamicModel");
            Some(model())
        }
        async fn prepare_dynamic_model(
            &self,
            _: &DynamicModelContext,
        ) -> Result<Preparation, PluginError> {
            self.hit("prepareDynamicModel");
            Ok(Preparation::Prepared)
        }
        fn normalize_resolved_model(&self, _: &ResolvedModelContext) -> Option<RuntimeModel> {
            self.hit("normalizeResolvedModel");
            Some(model())
        }
        fn contribute_resolved_model_compat(
            &self,
            _: &ResolvedModelContext,
        ) -> Option<ModelCompat> {
            self.hit("contributeResolvedModelCompat");
            Some(ModelCompat::default())
        }
        fn normalize_transport(&self, _: &TransportContext) -> Option<TransportPatch> {
            self.hit("normalizeTransport");
            Some(TransportPatch::default())
        }
        async fn on_model_selected(&self, _: &ModelSelectedContext) -> Result<(), PluginError> {
            self.hit("onModelSelected");
            Err(PluginError::new("selected"))
        }
        fn resolve_thinking_profile(&self, _: &ThinkingContext) -> Option<ThinkingProfile> {
            self.hit("resolveThinkingProfile");
            Some(ThinkingProfile {
                levels: Vec::new(),
                default_level: None,
                overrides_catalog_reasoning: true,
            })
        }
        fn is_binary_thinking(&self, _: &ModelRefContext) -> Option<bool> {
            self.hit("isBinaryThinking");
            Some(true)
        }
        fn supports_xhigh_thinking(&self, _: &ModelRefContext) -> Option<bool> {
            self.hit("supportsXHighThinking");
            Some(true)
        }
        fn resolve_default_thinking_level(&self, _: &ThinkingContext) -> Option<ThinkingLevel> {
            self.hit("resolveDefaultThinkingLevel");
            Some(ThinkingLevel::High)
        }
        fn resolve_reasoning_output_mode(&self, _: &ModelContext) -> Option<ReasoningOutputMode> {
            self.hit("resolveReasoningOutputMode");
            Some(ReasoningOutputMode::Tagged)
        }
        fn resolve_config_api_key(&self, _: &AuthLookupContext) -> Option<ApiKey> {
            self.hit("resolveConfigApiKey");
            Some(ApiKey::new("k"))
        }
        fn resolve_synthetic_auth(&self, _: &SyntheticAuthContext) -> Option<SyntheticAuth> {
            self.hit("resolveSyntheticAuth");
            Some(SyntheticAuth::new("k", "s", CredentialKind::None))
        }
        fn should_defer_synthetic_profile_auth(&self, _: &SyntheticAuthContext) -> Option<bool> {
            self.hit("shouldDeferSyntheticProfileAuth");
            Some(true)
        }
        fn format_api_key(&self, _: &AuthCredential) -> Option<ApiKey> {
            self.hit("formatApiKey");
            Some(ApiKey::new("k"))
        }
        async fn refresh_oauth(
            &self,
            credential: &OAuthCredential,
        ) -> Result<Option<OAuthCredential>, PluginError> {
            self.hit("refreshOAuth");
            Ok(Some(credential.clone()))
        }
        async fn prepare_runtime_auth(
            &self,
            _: &RuntimeAuthContext,
        ) -> Result<Option<RequestCredential>, PluginError> {
            self.hit("prepareRuntimeAuth");
            Ok(Some(RequestCredential::new("k")))
        }
        fn build_missing_auth_message(&self, _: &AuthLookupContext) -> Option<String> {
            self.hit("buildMissingAuthMessage");
            Some("m".into())
        }
        fn resolve_system_prompt_contribution(
            &self,
            _: &SystemPromptContext,
        ) -> Option<SystemPromptContribution> {
            self.hit("resolveSystemPromptContribution");
            Some(SystemPromptContribution::default())
        }
        fn transform_system_prompt(&self, _: &SystemPromptContext) -> Option<String> {
            self.hit("transformSystemPrompt");
            Some("t".into())
        }
        fn build_replay_policy(&self, _: &ModelContext) -> Option<ReplayPolicy> {
            self.hit("buildReplayPolicy");
            Some(ReplayPolicy::default())
        }
        async fn sanitize_replay_history(
            &self,
            _: &ReplayHistoryContext,
        ) -> Result<Option<Vec<Message>>, PluginError> {
            self.hit("sanitizeReplayHistory");
            Ok(Some(Vec::new()))
        }
        async fn validate_replay_turns(
            &self,
            _: &ReplayHistoryContext,
        ) -> Result<Option<Vec<Message>>, PluginError> {
            self.hit("validateReplayTurns");
            Ok(Some(Vec::new()))
        }
        fn normalize_tool_schemas(&self, _: &ToolSchemaContext) -> Option<Vec<Tool>> {
            self.hit("normalizeToolSchemas");
            Some(Vec::new())
        }
        fn inspect_tool_schemas(&self, _: &ToolSchemaContext) -> Option<Vec<ToolSchemaDiagnostic>> {
            self.hit("inspectToolSchemas");
            Some(Vec::new())
        }
        fn text_transforms(&self) -> Option<TextTransforms> {
            self.hit("textTransforms");
            Some(TextTransforms::new())
        }
        fn prepare_extra_params(&self, _: &ExtraParamsContext) -> Option<Map<String, Value>> {
            self.hit("prepareExtraParams");
            Some(Map::new())
        }
        fn create_stream_fn(&self, _: &StreamFnContext) -> Option<SharedStreamFn> {
            self.hit("createStreamFn");
            Some(stream_fn())
        }
        fn is_cache_ttl_eligible(&self, _: &CacheTtlContext) -> Option<bool> {
            self.hit("isCacheTtlEligible");
            Some(true)
        }
        fn wrap_stream_fn(&self, _: &WrapStreamFnContext) -> Option<SharedStreamFn> {
            self.hit("wrapStreamFn");
            Some(stream_fn())
        }
        fn resolve_transport_turn_state(&self, _: &TurnStateContext) -> Option<TransportTurnState> {
            self.hit("resolveTransportTurnState");
            Some(TransportTurnState::default())
        }
        fn matches_context_overflow_error(&self, _: &ErrorContext) -> Option<bool> {
            self.hit("matchesContextOverflowError");
            Some(true)
        }
        fn classify_failover_reason(&self, _: &ErrorContext) -> Option<FailoverReason> {
            self.hit("classifyFailoverReason");
            Some(FailoverReason::RateLimit)
        }
        async fn build_auth_doctor_hint(&self, _: &AuthDoctorContext) -> Option<String> {
            self.hit("buildAuthDoctorHint");
            Some("h".into())
        }
        fn resolve_web_socket_session_policy(
            &self,
            _: &TurnStateContext,
        ) -> Option<WebSocketSessionPolicy> {
            self.hit("resolveWebSocketSessionPolicy");
            Some(WebSocketSessionPolicy::default())
        }
        fn is_modern_model_ref(&self, _: &ModelRefContext) -> Option<bool> {
            self.hit("isModernModelRef");
            Some(true)
        }
        async fn resolve_usage_auth(
            &self,
            _: &UsageAuthContext,
        ) -> Result<Option<UsageAuth>, PluginError> {
            self.hit("resolveUsageAuth");
            Ok(Some(UsageAuth::Handled))
        }
        async fn fetch_usage_snapshot(
            &self,
            _: &UsageSnapshotContext,
        ) -> Result<Option<Value>, PluginError> {
            self.hit("fetchUsageSnapshot");
            Ok(Some(Value::Bool(true)))
        }
        async fn create_embedding_provider(
            &self,
            _: &EmbeddingContext,
        ) -> Result<Option<Arc<dyn EmbeddingProvider>>, PluginError> {
            self.hit("createEmbeddingProvider");
            Err(PluginError::new("embeddings"))
        }
    }

    #[test]
    fn an_entry_from_the_manifest_takes_its_ids_env_vars_and_auth_choices() {
        let manifest: PluginManifest = r#"{
          "id": "zeta-ai", "providers": ["zeta", "other"],
          "providerAuthEnvVars": { "zeta": ["ZETA_API_KEY", "ZETA_KEY"], "other": ["OTHER_KEY"] },
          "providerAuthChoices": [
            { "provider": "zeta", "method": "api-key", "choiceId": "zeta-api-key",
              "choiceLabel": "Zeta API key", "choiceHint": "from the dashboard",
              "optionKey": "zetaApiKey", "cliFlag": "--zeta-api-key" },
            { "provider": "zeta", "method": "oauth", "choiceId": "zeta-oauth" },
            { "provider": "other", "method": "api-key", "choiceId": "other-api-key" }
          ],
          "configSchema": { "type": "object" }
        }"#
        .parse()
        .unwrap();
        let oauth = create_provider_api_key_auth_method(ApiKeyAuthOptions::new(
            "zeta",
            "oauth",
            "Zeta login",
        ));
        let entry = SingleProviderPluginEntry::from_manifest(manifest)
            .auth_method(oauth)
            .build();
        assert_eq!(entry.id(), "zeta-ai");
        assert!(entry.manifest().is_some());
        let provider = entry.provider();
        assert_eq!((provider.id(), provider.label()), ("zeta", "zeta"));
        assert_eq!(provider.env_vars(), ["ZETA_API_KEY", "ZETA_KEY"]);
        let methods = provider.auth_methods();
        let labels: Vec<_> = methods
            .iter()
            .map(|m| (m.id.as_str(), m.label.as_str()))
            .collect();
        assert_eq!(
            labels,
            [("api-key", "Zeta API key"), ("oauth", "Zeta login")],
            "the explicit oauth method replaces the derived one"
        );
        let options = methods[0].api_key.as_ref().unwrap();
        assert_eq!(options.env_var.as_deref(), Some("ZETA_API_KEY"));
        assert_eq!(options.flag_name.as_deref(), Some("--zeta-api-key"));
        assert_eq!(options.option_key.as_deref(), Some("zetaApiKey"));
        assert_eq!(options.hint.as_deref(), Some("from the dashboard"));
        assert_eq!(options.expected_providers, ["zeta".to_owned()]);
    }

    #[test]
    fn an_entry_from_the_manifest_compares_ids_as_openclaw_and_reads_setup_env_vars() {
        let manifest: PluginManifest = r#"{
          "id": "bedrock-plugin", "providers": ["bedrock"],
          "providerAuthEnvVars": { "amazon-bedrock": ["AWS_BEARER_TOKEN_BEDROCK"] },
          "setup": { "providers": [{ "id": "Amazon-Bedrock", "envVars": ["AWS_KEY_2"] }] },
          "providerAuthChoices": [
            { "provider": "amazon-bedrock", "method": "api-key", "choiceId": "a" },
            { "provider": "bedrock", "method": "api-key", "choiceId": "b" }
          ],
          "configSchema": { "type": "object" }
        }"#
        .parse()
        .unwrap();
        let provider = SingleProviderPluginEntry::from_manifest(manifest)
            .build()
            .provider();
        assert_eq!(provider.id(), "bedrock");
        assert_eq!(
            provider.env_vars(),
            ["AWS_BEARER_TOKEN_BEDROCK", "AWS_KEY_2"]
        );
        let methods = provider.auth_methods();
        assert_eq!(methods.len(), 1, "one method per method id");
        assert_eq!(methods[0].label, "a");
    }

    #[test]
    fn every_hook_reaches_the_hooks_object() {
        let everything = Everything::default();
        let hits = everything.hits.clone();
        let entry = SingleProviderPluginEntry::builder("p")
            .hooks(everything)
            .build();
        let p = entry.provider();
        let model = model();
        let env = Arc::new(Env::new());
        let config = Arc::new(Config::new());
        let catalog = Catalog::default();
        let model_ctx = ModelContext::of(&model);
        let turn = TurnStateContext {
            provider: "p".into(),
            model_id: "m".into(),
            session_id: None,
            turn_id: "t".into(),
            attempt: 1,
            transport: TransportKind::Stream,
        };
        let lookup = AuthLookupContext {
            provider: "p".into(),
            env: env.clone(),
            config: config.clone(),
            env_vars: Vec::new(),
        };
        let synthetic = SyntheticAuthContext {
            provider: "p".into(),
            config: config.clone(),
            provider_config: None,
            resolved_api_key: None,
            env: env.clone(),
        };
        let prompt = SystemPromptContext {
            provider: "p".into(),
            model_id: "m".into(),
            prompt_mode: None,
            system_prompt: String::new(),
        };
        let history = ReplayHistoryContext {
            model: model_ctx.clone(),
            session_id: None,
            messages: Vec::new(),
            allowed_tool_names: None,
        };
        let tools = ToolSchemaContext::new(model_ctx.clone(), Vec::new());
        let provider_config = ProviderConfigContext {
            provider: "p".into(),
            provider_config: some_config(),
        };
        let resolved = ResolvedModelContext {
            provider: "p".into(),
            model_id: "m".into(),
            model: model.clone(),
        };
        let thinking = ThinkingContext {
            provider: "p".into(),
            model_id: "m".into(),
            reasoning: None,
        };
        let model_ref = ModelRefContext::new("p", "m");
        let dynamic = DynamicModelContext::new("p", "m");
        let error = ErrorContext::new(Some("p"), "e");
        let catalog_ctx = CatalogContext::new("p");

        block_on(async {
            assert!(p.catalog(&catalog_ctx).await.unwrap().is_some());
            assert!(p.static_catalog(&catalog_ctx).await.unwrap().is_some());
            let augment = AugmentCatalogContext {
                config: config.clone(),
                env: env.clone(),
                catalog: &catalog,
            };
            assert_eq!(p.augment_model_catalog(&augment).await.unwrap().len(), 1);
            let defaults = ConfigDefaultsContext {
                provider: "p".into(),
                config: Config::new(),
                env: env.clone(),
            };
            assert!(p.apply_config_defaults(&defaults).is_some());
            assert!(p.normalize_config(&provider_config).is_some());
            assert!(
                p.apply_native_streaming_usage_compat(&provider_config)
                    .is_some()
            );
            assert!(p.normalize_model_id(&model_ref).is_some());
            assert!(p.resolve_dynamic_model(&dynamic).is_some());
            assert_eq!(
                p.prepare_dynamic_model(&dynamic).await.unwrap(),
                Preparation::Prepared
            );
            assert!(p.normalize_resolved_model(&resolved).is_some());
            assert!(p.contribute_resolved_model_compat(&resolved).is_some());
            let transport = TransportContext {
                provider: "p".into(),
                model_id: None,
                api: None,
                base_url: None,
            };
            assert!(p.normalize_transport(&transport).is_some());
            let selected = ModelSelectedContext {
                model: model.clone(),
                config: config.clone(),
            };
            assert!(p.on_model_selected(&selected).await.is_err());
            assert!(p.resolve_thinking_profile(&thinking).is_some());
            assert!(p.is_binary_thinking(&model_ref).is_some());
            assert!(p.supports_xhigh_thinking(&model_ref).is_some());
            assert!(p.resolve_default_thinking_level(&thinking).is_some());
            assert!(p.resolve_reasoning_output_mode(&model_ctx).is_some());
            assert!(p.resolve_config_api_key(&lookup).is_some());
            assert!(p.resolve_synthetic_auth(&synthetic).is_some());
            assert!(p.should_defer_synthetic_profile_auth(&synthetic).is_some());
            assert!(
                p.format_api_key(&AuthCredential::api_key("p", "k"))
                    .is_some()
            );
            let oauth = OAuthCredential {
                provider: "p".into(),
                access: ApiKey::new("a"),
                refresh: None,
                expires_at: None,
            };
            assert!(p.refresh_oauth(&oauth).await.unwrap().is_some());
            let runtime_auth = RuntimeAuthContext {
                provider: "p".into(),
                model_id: "m".into(),
                model: model.clone(),
                api_key: ApiKey::new("k"),
                auth_mode: CredentialKind::ApiKey,
                profile_id: None,
                env: env.clone(),
            };
            assert!(
                p.prepare_runtime_auth(&runtime_auth)
                    .await
                    .unwrap()
                    .is_some()
            );
            assert!(p.build_missing_auth_message(&lookup).is_some());
            assert!(p.resolve_system_prompt_contribution(&prompt).is_some());
            assert!(p.transform_system_prompt(&prompt).is_some());
            assert!(p.build_replay_policy(&model_ctx).is_some());
            assert!(p.sanitize_replay_history(&history).await.unwrap().is_some());
            assert!(p.validate_replay_turns(&history).await.unwrap().is_some());
            assert!(p.normalize_tool_schemas(&tools).is_some());
            assert!(p.inspect_tool_schemas(&tools).is_some());
            assert!(p.text_transforms().is_some());
            let extra = ExtraParamsContext {
                provider: "p".into(),
                model_id: "m".into(),
                extra_params: Map::new(),
                thinking_level: None,
            };
            assert!(p.prepare_extra_params(&extra).is_some());
            let create = StreamFnContext {
                provider: "p".into(),
                model_id: "m".into(),
                model: model.clone(),
            };
            assert!(p.create_stream_fn(&create).is_some());
            let ttl = CacheTtlContext {
                provider: "p".into(),
                model_id: "m".into(),
                model_api: None,
                base_url: None,
            };
            assert!(p.is_cache_ttl_eligible(&ttl).is_some());
            let wrap = WrapStreamFnContext {
                provider: "p".into(),
                model_id: "m".into(),
                model: model.clone(),
                extra_params: Map::new(),
                thinking_level: None,
                stream_fn: stream_fn(),
            };
            assert!(p.wrap_stream_fn(&wrap).is_some());
            assert!(p.resolve_transport_turn_state(&turn).is_some());
            assert!(p.matches_context_overflow_error(&error).is_some());
            assert!(p.classify_failover_reason(&error).is_some());
            let doctor = AuthDoctorContext {
                provider: "p".into(),
                profile_id: None,
                config: config.clone(),
            };
            assert!(p.build_auth_doctor_hint(&doctor).await.is_some());
            assert!(p.resolve_web_socket_session_policy(&turn).is_some());
            assert!(p.is_modern_model_ref(&model_ref).is_some());
            let usage = UsageAuthContext {
                provider: "p".into(),
                env: env.clone(),
                config: config.clone(),
                usage_env_vars: Vec::new(),
            };
            assert!(p.resolve_usage_auth(&usage).await.unwrap().is_some());
            let snapshot = UsageSnapshotContext {
                provider: "p".into(),
                token: ApiKey::new("t"),
                account_id: None,
                timeout: Duration::from_secs(1),
            };
            assert!(p.fetch_usage_snapshot(&snapshot).await.unwrap().is_some());
            let embedding = EmbeddingContext {
                provider: "p".into(),
                model: "e".into(),
                api_key: None,
                output_dimensionality: None,
            };
            assert!(p.create_embedding_provider(&embedding).await.is_err());
        });

        let hits = hits.lock().unwrap().clone();
        let expected: Vec<&str> = PROVIDER_HOOKS.iter().map(|h| h.name).collect();
        assert_eq!(
            hits, expected,
            "every hook, in stage order, reaches `.hooks(...)`"
        );
    }
}
