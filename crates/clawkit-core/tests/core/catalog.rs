//! The catalog merge.

use std::time::Duration;

use clawkit_core::{
    AugmentCatalogContext, CatalogContext, CatalogEntry, CatalogOrder, CatalogResult, Config, Env,
    ModelDefinition, PluginError, ProviderConfig, ProviderPlugin, RowSource, Runtime, async_trait,
};
use indexmap::IndexMap;

use crate::{block_on, build, catalog, entry, provider_config, traced_catalog};

/// A provider with a fixed catalog.
struct Listing {
    id: &'static str,
    label: &'static str,
    order: CatalogOrder,
    aliases: Vec<&'static str>,
    result: Option<fn() -> CatalogResult>,
    static_result: Option<fn() -> CatalogResult>,
    fail: bool,
    hang: bool,
    augment: Vec<CatalogEntry>,
    needs_key: bool,
}

fn listing(id: &'static str, order: CatalogOrder, result: fn() -> CatalogResult) -> Listing {
    Listing {
        id,
        label: id,
        order,
        aliases: Vec::new(),
        result: Some(result),
        static_result: None,
        fail: false,
        hang: false,
        augment: Vec::new(),
        needs_key: false,
    }
}

#[async_trait]
impl ProviderPlugin for Listing {
    fn id(&self) -> &str {
        self.id
    }
    fn label(&self) -> &str {
        self.label
    }
    fn aliases(&self) -> Vec<String> {
        self.aliases.iter().map(|s| s.to_string()).collect()
    }
    fn catalog_order(&self) -> CatalogOrder {
        self.order
    }
    async fn catalog(&self, ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> {
        if self.fail {
            return Err(PluginError::new("discovery endpoint returned 503"));
        }
        if self.hang {
            futures::future::pending::<()>().await;
        }
        if self.needs_key && ctx.resolve_provider_api_key(None).api_key.is_none() {
            return Ok(None);
        }
        Ok(self.result.map(|f| f()))
    }
    async fn static_catalog(
        &self,
        _ctx: &CatalogContext,
    ) -> Result<Option<CatalogResult>, PluginError> {
        Ok(self.static_result.map(|f| f()))
    }
    async fn augment_model_catalog(
        &self,
        _ctx: &AugmentCatalogContext<'_>,
    ) -> Result<Vec<CatalogEntry>, PluginError> {
        Ok(self.augment.clone())
    }
}

fn shared_one() -> CatalogResult {
    CatalogResult::Provider(provider_config(
        "https://simple.example/v1",
        &["from-simple"],
    ))
}
fn shared_late() -> CatalogResult {
    let mut map = IndexMap::new();
    map.insert(
        "shared".to_owned(),
        provider_config("https://late.example/v1", &["from-late"]),
    );
    CatalogResult::Providers(map)
}
fn shared_paired() -> CatalogResult {
    let mut map = IndexMap::new();
    map.insert(
        "shared".to_owned(),
        provider_config("https://paired.example/v1", &["from-paired"]),
    );
    map.insert(
        "__proto__".to_owned(),
        provider_config("https://evil.example/v1", &["x"]),
    );
    map.insert(
        "".to_owned(),
        provider_config("https://empty.example/v1", &["x"]),
    );
    CatalogResult::Providers(map)
}

#[test]
fn later_orders_replace_earlier_ones_wholesale() {
    let runtime = build(
        Runtime::builder()
            // Registered late-first: registration order must not matter.
            .plugin(entry(listing("zz-late", CatalogOrder::Late, shared_late)))
            .plugin(entry(listing("shared", CatalogOrder::Simple, shared_one)))
            .plugin(entry(listing("pair", CatalogOrder::Paired, shared_paired))),
    );
    let (catalog, trace) = traced_catalog(&runtime);
    let shared = &catalog.provider("shared").unwrap().config;
    assert_eq!(shared.base_url.as_str(), "https://late.example/v1");
    assert_eq!(shared.models.len(), 1);
    assert_eq!(shared.models[0].id, "from-late");
    assert!(catalog.provider("__proto__").is_none() && catalog.provider("").is_none());
    // Trace: merge order simple → paired → late, whatever the registration order.
    let providers: Vec<&str> = trace
        .entries()
        .iter()
        .filter_map(|e| e.provider.as_deref())
        .collect();
    assert_eq!(providers, ["shared", "pair", "zz-late"]);
}

#[test]
fn inside_a_group_providers_merge_in_label_order_and_the_first_keeps_its_fields() {
    fn from_b() -> CatalogResult {
        let mut map = IndexMap::new();
        map.insert(
            "shared".to_owned(),
            provider_config("https://b.example/v1", &["b"]),
        );
        CatalogResult::Providers(map)
    }
    fn from_a() -> CatalogResult {
        let mut map = IndexMap::new();
        map.insert(
            "shared".to_owned(),
            provider_config("https://a.example/v1", &[]),
        );
        CatalogResult::Providers(map)
    }
    let runtime = build(
        Runtime::builder()
            .plugin(entry(Listing {
                label: "Beta",
                ..listing("b", CatalogOrder::Simple, from_b)
            }))
            .plugin(entry(Listing {
                label: "alpha",
                ..listing("a", CatalogOrder::Simple, from_a)
            })),
    );
    let catalog = catalog(&runtime);
    let shared = &catalog.provider("shared").unwrap().config;
    // "alpha" sorts before "Beta": its fields win, and its empty model list
    // gives way to Beta's models.
    assert_eq!(shared.base_url.as_str(), "https://a.example/v1");
    assert_eq!(shared.models[0].id, "b");
}

#[test]
fn user_config_wins_inside_the_group() {
    let mut user = ProviderConfig::new(
        "https://proxy.corp.example/v1".parse().unwrap(),
        clawkit_core::ModelApi::OpenAiResponses,
    );
    user.headers.insert("x-team".into(), "ml".into());
    let config = Config::new().with_provider("shared", user);
    let runtime = build(Runtime::builder().config(config).plugin(entry(listing(
        "shared",
        CatalogOrder::Simple,
        shared_one,
    ))));
    let catalog = catalog(&runtime);
    let merged = &catalog.provider("shared").unwrap().config;
    assert_eq!(merged.base_url.as_str(), "https://proxy.corp.example/v1");
    assert_eq!(merged.api, Some(clawkit_core::ModelApi::OpenAiResponses));
    assert_eq!(merged.headers["x-team"], "ml");
    assert_eq!(
        merged.models[0].id, "from-simple",
        "user models are empty: discovered ones stay"
    );
}

#[test]
fn a_single_provider_result_is_stored_under_every_alias() {
    let runtime = build(Runtime::builder().plugin(entry(Listing {
        aliases: vec!["sh", "Shared-Alias"],
        ..listing("shared", CatalogOrder::Simple, shared_one)
    })));
    let catalog = catalog(&runtime);
    let keys: Vec<&str> = catalog.providers.keys().map(String::as_str).collect();
    assert_eq!(keys, ["shared", "sh", "shared-alias"]);
    assert_eq!(
        catalog.rows().len(),
        1,
        "aliases share one entry in listings"
    );
    assert!(catalog.model("sh", "from-simple").is_some());
}

#[test]
fn a_failing_or_hanging_catalog_is_reported_and_the_others_survive() {
    let runtime = build(
        Runtime::builder()
            .catalog_timeout(Duration::from_millis(50))
            .plugin(entry(Listing {
                fail: true,
                ..listing("broken", CatalogOrder::Simple, shared_one)
            }))
            .plugin(entry(Listing {
                hang: true,
                ..listing("stuck", CatalogOrder::Simple, shared_one)
            }))
            .plugin(entry(listing("shared", CatalogOrder::Late, shared_late))),
    );
    let (catalog, trace) = traced_catalog(&runtime);
    assert!(catalog.provider("shared").is_some());
    let failures: Vec<(&str, &str)> = catalog
        .failures
        .iter()
        .map(|f| (f.provider.as_str(), f.error.as_str()))
        .collect();
    assert_eq!(
        failures,
        [
            ("broken", "discovery endpoint returned 503"),
            (
                "stuck",
                "provider catalog timed out after 50 ms; skipping provider discovery"
            ),
        ]
    );
    insta::assert_snapshot!(trace.render());
}

#[test]
fn live_catalogs_fall_back_to_static_rows_and_static_mode_runs_offline() {
    fn offline() -> CatalogResult {
        CatalogResult::Provider(provider_config(
            "https://api.gated.example/v1",
            &["static-row"],
        ))
    }
    fn live() -> CatalogResult {
        CatalogResult::Provider(provider_config(
            "https://api.gated.example/v1",
            &["live-row"],
        ))
    }
    let gated = || Listing {
        needs_key: true,
        static_result: Some(offline),
        ..listing("gated", CatalogOrder::Simple, live)
    };

    // No key: the live catalog returns nothing and the static rows stand in.
    let runtime = build(Runtime::builder().plugin(entry(gated())));
    let catalog = catalog(&runtime);
    let entry_ = catalog.provider("gated").unwrap();
    assert_eq!(
        (entry_.config.models[0].id.as_str(), entry_.source),
        ("static-row", RowSource::Static)
    );

    // With a key (through an explicit config literal) the live rows win.
    let config = Config::new().with_provider(
        "gated",
        ProviderConfig::new(
            "https://api.gated.example/v1".parse().unwrap(),
            clawkit_core::ModelApi::OpenAiCompletions,
        )
        .with_api_key("sk-config".into()),
    );
    let runtime = build(Runtime::builder().config(config).plugin(entry(gated())));
    let catalog = crate::catalog(&runtime);
    assert_eq!(
        catalog.provider("gated").unwrap().config.models[0].id,
        "live-row"
    );

    // Static mode never sees the key and never runs the live catalog.
    let statics = block_on(runtime.static_catalog(None));
    assert_eq!(
        statics.provider("gated").unwrap().config.models[0].id,
        "static-row"
    );
    assert_eq!(statics.provider("gated").unwrap().source, RowSource::Static);
}

#[test]
fn augmented_rows_are_concatenated_without_duplicates() {
    let extra = |provider: &str, id: &str| CatalogEntry::new(provider, ModelDefinition::new(id));
    let runtime = build(
        Runtime::builder()
            .plugin(entry(Listing {
                augment: vec![extra("shared", "from-simple"), extra("shared", "preview-1")],
                ..listing("shared", CatalogOrder::Simple, shared_one)
            }))
            .plugin(entry(Listing {
                augment: vec![extra("shared", "preview-1"), extra("shared", "preview-2")],
                result: None,
                ..listing("forward-compat", CatalogOrder::Late, shared_one)
            })),
    );
    let catalog = catalog(&runtime);
    let ids: Vec<&str> = catalog
        .rows()
        .iter()
        .map(|(_, m, _)| m.id.as_str())
        .collect();
    assert_eq!(ids, ["from-simple", "preview-1", "preview-2"]);
    assert!(catalog.model("shared", "preview-2").is_some());
    assert_eq!(
        catalog.model_ids("shared"),
        ["from-simple", "preview-1", "preview-2"]
    );
}

#[test]
fn the_catalog_context_resolves_keys_from_the_environment() {
    struct NeedsEnvKey;
    #[async_trait]
    impl ProviderPlugin for NeedsEnvKey {
        fn id(&self) -> &str {
            "envy"
        }
        fn env_vars(&self) -> Vec<String> {
            vec!["ENVY_API_KEY".into()]
        }
        async fn catalog(
            &self,
            ctx: &CatalogContext,
        ) -> Result<Option<CatalogResult>, PluginError> {
            let key = ctx.resolve_provider_api_key(None);
            let Some(api_key) = key.api_key else {
                return Ok(None);
            };
            assert_eq!(api_key.expose(), "sk-envy");
            assert_eq!(key.source.as_deref(), Some("env: ENVY_API_KEY"));
            Ok(Some(CatalogResult::Provider(provider_config(
                "https://envy.example/v1",
                &["m"],
            ))))
        }
    }
    let runtime = build(
        Runtime::builder()
            .env(Env::new().with("ENVY_API_KEY", "sk-envy"))
            .plugin(entry(NeedsEnvKey)),
    );
    assert!(catalog(&runtime).provider("envy").is_some());
    let runtime = build(Runtime::builder().plugin(entry(NeedsEnvKey)));
    assert!(catalog(&runtime).provider("envy").is_none());
}

#[test]
fn the_single_provider_entry_gates_on_the_key_and_keeps_an_explicit_base_url() {
    use clawkit_core::{ApiKeyAuthOptions, ModelApi, SingleProviderPluginEntry};

    let entry = |allow: bool| {
        SingleProviderPluginEntry::builder("acme-ai")
            .label("Acme AI")
            .alias("acme")
            .env_var("ACME_LEGACY_KEY")
            .api_key_auth(
                ApiKeyAuthOptions::new("acme-ai", "api-key", "Key").env_var("ACME_AI_API_KEY"),
            )
            .api_key_auth(
                ApiKeyAuthOptions::new("acme-ai", "legacy", "Legacy key")
                    .env_var("ACME_LEGACY_KEY"),
            )
            .discover_provider(|key, _ctx| {
                // Discovery sees the resolved key (here: lists one model per key length).
                let count = key.api_key.as_ref().map_or(0, |k| k.expose().len());
                Box::pin(async move {
                    let ids: Vec<String> = (0..count.min(3)).map(|i| format!("m{i}")).collect();
                    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                    Ok(provider_config("https://api.acme-ai.com/v1", &ids))
                })
            })
            .allow_explicit_base_url(allow)
            .build()
    };
    let provider = entry(false).provider();
    assert_eq!(provider.env_vars(), ["ACME_LEGACY_KEY", "ACME_AI_API_KEY"]);
    assert_eq!(provider.auth_methods().len(), 2);
    assert_eq!(provider.catalog_order(), CatalogOrder::Simple);

    let user = ProviderConfig::new(
        "https://eu.acme-ai.com/v1".parse().unwrap(),
        ModelApi::OpenAiCompletions,
    );
    let env = Env::new().with("ACME_LEGACY_KEY", "sk-xy");
    for (allow, expected) in [
        (false, "https://api.acme-ai.com/v1"),
        (true, "https://eu.acme-ai.com/v1"),
    ] {
        let ctx = CatalogContext::new("acme-ai")
            .with_config(
                std::sync::Arc::new(Config::new().with_provider("acme-ai", user.clone())),
                std::sync::Arc::new(env.clone()),
            )
            .with_api_key("sk-xy");
        let Some(CatalogResult::Provider(config)) =
            block_on(entry(allow).provider().catalog(&ctx)).unwrap()
        else {
            panic!("a key resolves: the catalog runs")
        };
        assert_eq!(config.base_url.as_str(), expected);
        assert_eq!(config.models.len(), 3);
        assert!(config.api_key.is_some());
    }
    // Through a runtime: the legacy env var satisfies it, and the alias shares the entry.
    let runtime = build(Runtime::builder().env(env).plugin(entry(false)));
    let catalog = catalog(&runtime);
    assert_eq!(
        catalog.provider("acme").unwrap().alias_of.as_deref(),
        Some("acme-ai")
    );
    assert_eq!(catalog.model_ids("acme-ai"), ["m0", "m1", "m2"]);
}
