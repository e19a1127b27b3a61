//! The config stage and the single-provider knobs: `materialize_config`,
//! `catalog_order`, `discover_provider`'s context, `SyntheticAuthContext::env`.

use clawkit_core::{
    AuthRequest, AuthSource, CatalogOrder, Config, ConfigDefaultsContext, CredentialKind, Env,
    HookTrace, PluginError, ProviderConfig, ProviderConfigContext, ProviderPlugin, Runtime,
    SingleProviderPluginEntry, SyntheticAuth, SyntheticAuthContext, async_trait,
};

use super::{build, catalog, entry, provider_config};

/// Rewrites its config at each of the three config hooks.
struct Configured;

#[async_trait]
impl ProviderPlugin for Configured {
    fn id(&self) -> &str {
        "acme-ai"
    }
    fn apply_config_defaults(&self, ctx: &ConfigDefaultsContext) -> Option<Config> {
        let mut config = ctx.config.clone();
        config.models.mode = Some("merge".into());
        Some(config)
    }
    fn normalize_config(&self, ctx: &ProviderConfigContext) -> Option<ProviderConfig> {
        let mut config = ctx.provider_config.clone();
        config.headers.insert("x-normalized".into(), "1".into());
        Some(config)
    }
    fn apply_native_streaming_usage_compat(
        &self,
        ctx: &ProviderConfigContext,
    ) -> Option<ProviderConfig> {
        let mut config = ctx.provider_config.clone();
        // Sees normalizeConfig's result.
        let seen = config.headers.contains_key("x-normalized").to_string();
        config
            .headers
            .insert("x-compat-saw-normalized".into(), seen);
        Some(config)
    }
}

#[test]
fn the_runtime_works_on_the_materialized_config() {
    let config = Config::new()
        .with_provider(
            "acme-ai",
            provider_config("https://api.acme-ai.com/v1", &["m"]),
        )
        .with_provider("other", provider_config("https://other.example/v1", &["o"]));
    let runtime = build(Runtime::builder().config(config).plugin(entry(Configured)));
    let materialized = runtime.config();
    assert_eq!(materialized.models.mode.as_deref(), Some("merge"));
    let acme = materialized.provider("acme-ai").unwrap();
    assert_eq!(acme.headers["x-normalized"], "1");
    assert_eq!(acme.headers["x-compat-saw-normalized"], "true");
    // normalizeConfig asks every plugin for a provider nobody owns; the
    // owner-only hooks are skipped.
    let other = materialized.provider("other").unwrap();
    assert_eq!(other.headers["x-normalized"], "1");
    assert!(!other.headers.contains_key("x-compat-saw-normalized"));

    let mut trace = HookTrace::new();
    let again = runtime.materialize_config(Some(&mut trace));
    assert_eq!(again.provider("acme-ai"), Some(acme));
    assert_eq!(
        trace.hooks(),
        [
            "applyConfigDefaults",
            "normalizeConfig",
            "applyNativeStreamingUsageCompat",
            "normalizeConfig"
        ]
    );
}

#[test]
fn a_single_provider_declares_its_catalog_order() {
    let simple = SingleProviderPluginEntry::builder("a").build();
    assert_eq!(simple.provider().catalog_order(), CatalogOrder::Simple);
    let late = SingleProviderPluginEntry::builder("b")
        .catalog_order(CatalogOrder::Late)
        .build();
    assert_eq!(late.provider().catalog_order(), CatalogOrder::Late);
    assert_eq!(late.provider().static_catalog_order(), CatalogOrder::Late);
}

#[test]
fn discovery_gets_the_user_config() {
    let entry = SingleProviderPluginEntry::builder("acme-ai")
        .env_var("ACME_AI_API_KEY")
        .discover_provider(|_key, ctx| {
            // The configured host, as a local server's discovery needs it.
            let host = ctx
                .config
                .provider("acme-ai")
                .map(|explicit| explicit.base_url.clone());
            Box::pin(async move {
                let host = host.ok_or_else(|| PluginError::new("no host configured"))?;
                Ok(provider_config(host.as_str(), &["discovered"]))
            })
        })
        .build();
    let config =
        Config::new().with_provider("acme-ai", provider_config("https://acme.internal/v1", &[]));
    let runtime = build(
        Runtime::builder()
            .config(config)
            .env(Env::new().with("ACME_AI_API_KEY", "sk-test"))
            .plugin(entry),
    );
    let catalog = catalog(&runtime);
    assert!(catalog.failures.is_empty(), "{:?}", catalog.failures);
    let model = catalog.model("acme-ai", "discovered").unwrap();
    assert_eq!(model.base_url.as_str(), "https://acme.internal/v1");
}

/// Synthesizes a key from the environment.
struct FromEnv;

impl ProviderPlugin for FromEnv {
    fn id(&self) -> &str {
        "local"
    }
    fn resolve_synthetic_auth(&self, ctx: &SyntheticAuthContext) -> Option<SyntheticAuth> {
        let token = ctx.env.non_empty("LOCAL_TOKEN")?;
        Some(SyntheticAuth::new(
            token.clone(),
            "local token",
            CredentialKind::Token,
        ))
    }
}

#[test]
fn synthetic_auth_sees_the_environment() {
    let runtime = build(
        Runtime::builder()
            .env(Env::new().with("LOCAL_TOKEN", "tok"))
            .plugin(entry(FromEnv)),
    );
    let auth = runtime
        .resolve_auth("local", &AuthRequest::default(), None)
        .unwrap();
    assert_eq!(auth.api_key.expose(), "tok");
    assert_eq!(auth.mode, CredentialKind::Token);
    assert!(matches!(auth.source, AuthSource::Plugin { .. }));
}
