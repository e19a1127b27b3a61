//! Single-owner dispatch and the multi-plugin hooks.

use clawkit_core::{
    ApiKeyAuthOptions, AuthMethod, ErrorContext, FailoverReason, HookTrace, ModelCompat,
    ProviderConfig, ProviderConfigContext, ProviderPlugin, ResolvedModelContext, Runtime,
    TransportContext, TransportPatch, create_provider_api_key_auth_method,
};

use crate::{block_on, build, catalog, entry, provider_config};

/// A provider whose hooks answer from fields.
#[derive(Default)]
struct Probe {
    id: &'static str,
    aliases: Vec<&'static str>,
    hook_aliases: Vec<&'static str>,
    overflow: Option<bool>,
    failover: Option<FailoverReason>,
    compat_tools: Option<bool>,
    compat_store: Option<bool>,
    transport_to: Option<&'static str>,
    config_header: Option<&'static str>,
    model_prefix: Option<&'static str>,
    auth: Vec<AuthMethod>,
}

impl ProviderPlugin for Probe {
    fn id(&self) -> &str {
        self.id
    }
    fn aliases(&self) -> Vec<String> {
        self.aliases.iter().map(|s| s.to_string()).collect()
    }
    fn hook_aliases(&self) -> Vec<String> {
        self.hook_aliases.iter().map(|s| s.to_string()).collect()
    }
    fn auth_methods(&self) -> Vec<AuthMethod> {
        self.auth.clone()
    }
    fn matches_context_overflow_error(&self, _ctx: &ErrorContext) -> Option<bool> {
        self.overflow
    }
    fn classify_failover_reason(&self, _ctx: &ErrorContext) -> Option<FailoverReason> {
        self.failover
    }
    fn contribute_resolved_model_compat(&self, ctx: &ResolvedModelContext) -> Option<ModelCompat> {
        let mut compat = ModelCompat::default();
        compat.supports_tools = self.compat_tools;
        compat.supports_store = self.compat_store;
        // Later plugins see earlier patches.
        if self.compat_store.is_some() {
            compat.tool_schema_profile = ctx
                .model
                .compat
                .supports_tools
                .map(|t| format!("saw supportsTools={t}"));
        }
        (!compat.is_empty()).then_some(compat)
    }
    fn normalize_transport(&self, ctx: &TransportContext) -> Option<TransportPatch> {
        let url = self.transport_to?;
        let mut patch = TransportPatch::default();
        patch.base_url = Some(url.parse().unwrap());
        // Propose a change only for others' providers to prove the scan.
        (ctx.provider != self.id || url.contains("owner")).then_some(patch)
    }
    fn normalize_config(&self, ctx: &ProviderConfigContext) -> Option<ProviderConfig> {
        let header = self.config_header?;
        let mut config = ctx.provider_config.clone();
        config
            .headers
            .insert("x-normalized-by".into(), header.into());
        Some(config)
    }
    fn normalize_model_id(&self, ctx: &clawkit_core::ModelRefContext) -> Option<String> {
        let prefix = self.model_prefix?;
        ctx.model_id.strip_prefix(prefix).map(str::to_owned)
    }
}

fn probe(id: &'static str) -> Probe {
    Probe {
        id,
        ..Probe::default()
    }
}

#[test]
fn the_owner_is_found_by_id_alias_or_hook_alias_after_normalization() {
    let runtime = build(
        Runtime::builder()
            .plugin(entry(Probe {
                aliases: vec!["Acme"],
                hook_aliases: vec!["acme-internal"],
                ..probe("acme-ai")
            }))
            .plugin(entry(probe("other"))),
    );
    for id in ["acme-ai", " ACME-AI ", "acme", "acme-internal"] {
        assert_eq!(
            runtime.provider(id).map(|p| p.id()),
            Some("acme-ai"),
            "{id}"
        );
    }
    assert!(runtime.provider("nobody").is_none());
    // Legacy ids normalize before the lookup.
    let runtime = build(Runtime::builder().plugin(entry(probe("amazon-bedrock"))));
    assert_eq!(
        runtime.provider("aws-bedrock").map(|p| p.id()),
        Some("amazon-bedrock")
    );
}

#[test]
fn the_first_registration_of_an_id_wins_and_the_clash_is_reported() {
    let runtime = build(
        Runtime::builder()
            .plugin(entry(Probe {
                failover: Some(FailoverReason::Billing),
                ..probe("acme-ai")
            }))
            .plugin(entry(Probe {
                failover: Some(FailoverReason::RateLimit),
                ..probe("acme-ai")
            })),
    );
    let ctx = ErrorContext::new(Some("acme-ai"), "quota");
    assert_eq!(
        runtime.classify_failover_reason(&ctx, None),
        Some(FailoverReason::Billing)
    );
    assert_eq!(runtime.diagnostics()[0].level, "warn");
    assert!(
        runtime.diagnostics()[0]
            .message
            .contains("already owned by plugin \"acme-ai\"")
    );
}

#[test]
fn registration_drops_providers_without_id_and_reports_duplicate_auth_methods() {
    let key = |method: &str| {
        create_provider_api_key_auth_method(ApiKeyAuthOptions::new("acme-ai", method, "Key"))
    };
    let runtime = build(
        Runtime::builder()
            .plugin(entry(probe("  ")))
            .plugin(entry(Probe {
                auth: vec![key("api-key"), key("api-key"), key(" ")],
                ..probe("acme-ai")
            })),
    );
    let messages: Vec<&str> = runtime
        .diagnostics()
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "provider registration missing id",
            "provider \"acme-ai\" auth method duplicated id \"api-key\"",
            "provider \"acme-ai\" auth method missing id",
        ]
    );
    assert_eq!(runtime.provider_ids(), ["acme-ai"]);
}

#[test]
fn failover_hooks_scope_to_the_owner_or_scan_everyone() {
    let runtime = build(
        Runtime::builder()
            .plugin(entry(Probe {
                overflow: Some(false),
                ..probe("first")
            }))
            .plugin(entry(Probe {
                overflow: Some(true),
                failover: Some(FailoverReason::Overloaded),
                ..probe("second")
            }))
            .plugin(entry(Probe {
                failover: Some(FailoverReason::RateLimit),
                ..probe("third")
            })),
    );
    let scoped = ErrorContext::new(Some("first"), "prompt is too long");
    assert!(
        !runtime.matches_context_overflow_error(&scoped, None),
        "only the owner is asked"
    );
    assert_eq!(runtime.classify_failover_reason(&scoped, None), None);

    let unscoped = ErrorContext::new(None, "prompt is too long");
    let mut trace = HookTrace::new();
    assert!(
        runtime.matches_context_overflow_error(&unscoped, Some(&mut trace)),
        "any true wins"
    );
    assert_eq!(
        trace.hooks(),
        ["matchesContextOverflowError", "matchesContextOverflowError"]
    );
    assert_eq!(
        runtime.classify_failover_reason(&unscoped, None),
        Some(FailoverReason::Overloaded),
        "the first answer wins"
    );
    // An unknown provider scans everyone too.
    let unknown = ErrorContext::new(Some("nobody"), "x");
    assert_eq!(
        runtime.classify_failover_reason(&unknown, None),
        Some(FailoverReason::Overloaded)
    );
}

#[test]
fn normalize_config_takes_the_first_plugin_that_changes_it() {
    let runtime = build(
        Runtime::builder()
            .plugin(entry(probe("acme-ai")))
            .plugin(entry(Probe {
                config_header: Some("helper"),
                ..probe("helper")
            }))
            .plugin(entry(Probe {
                config_header: Some("late"),
                ..probe("late")
            })),
    );
    let config = provider_config("https://api.acme-ai.com/v1", &[]);
    let mut trace = HookTrace::new();
    let changed = runtime
        .normalize_config("acme-ai", &config, Some(&mut trace))
        .unwrap();
    assert_eq!(changed.headers["x-normalized-by"], "helper");
    assert_eq!(
        trace.hooks(),
        ["normalizeConfig", "normalizeConfig"],
        "owner first, stop at the first change"
    );
}

#[test]
fn compat_contributions_accumulate_owner_first() {
    let config = clawkit_core::Config::new().with_provider(
        "acme-ai",
        provider_config("https://api.acme-ai.com/v1", &["m"]),
    );
    let runtime = build(
        Runtime::builder()
            .config(config)
            .plugin(entry(Probe {
                compat_store: Some(true),
                ..probe("observer")
            }))
            .plugin(entry(Probe {
                compat_tools: Some(false),
                ..probe("acme-ai")
            })),
    );
    let catalog = catalog(&runtime);
    let model = block_on(runtime.resolve_model(&catalog, "acme-ai/m", None)).unwrap();
    assert_eq!(model.compat.supports_tools, Some(false));
    assert_eq!(model.compat.supports_store, Some(true));
    assert_eq!(
        model.compat.tool_schema_profile.as_deref(),
        Some("saw supportsTools=false"),
        "the observer ran after the owner and saw its patch"
    );
}

#[test]
fn normalize_transport_takes_the_first_change_owner_first() {
    let config = clawkit_core::Config::new().with_provider(
        "acme-ai",
        provider_config("https://api.acme-ai.com/v1", &["m"]),
    );
    let runtime = build(
        Runtime::builder()
            .config(config.clone())
            .plugin(entry(Probe {
                transport_to: Some("https://first.example/v1"),
                ..probe("first")
            }))
            .plugin(entry(Probe {
                transport_to: Some("https://second.example/v1"),
                ..probe("second")
            }))
            .plugin(entry(probe("acme-ai"))),
    );
    let catalog = catalog(&runtime);
    let model = block_on(runtime.resolve_model(&catalog, "acme-ai/m", None)).unwrap();
    assert_eq!(model.base_url.as_str(), "https://first.example/v1");

    let runtime = build(
        Runtime::builder()
            .config(config)
            .plugin(entry(Probe {
                transport_to: Some("https://first.example/v1"),
                ..probe("first")
            }))
            .plugin(entry(Probe {
                transport_to: Some("https://owner.example/v1"),
                ..probe("acme-ai")
            })),
    );
    let catalog = crate::catalog(&runtime);
    let model = block_on(runtime.resolve_model(&catalog, "acme-ai/m", None)).unwrap();
    assert_eq!(
        model.base_url.as_str(),
        "https://owner.example/v1",
        "the owner is asked first"
    );
}

#[test]
fn normalize_model_id_is_single_owner() {
    let config = clawkit_core::Config::new().with_provider(
        "acme-ai",
        provider_config("https://api.acme-ai.com/v1", &["large"]),
    );
    let runtime = build(Runtime::builder().config(config).plugin(entry(Probe {
        model_prefix: Some("legacy-"),
        ..probe("acme-ai")
    })));
    let catalog = catalog(&runtime);
    let model = block_on(runtime.resolve_model(&catalog, "acme-ai/legacy-large", None)).unwrap();
    assert_eq!(model.id, "large");
}

/// A plugin whose id differs from its provider's: every place that needs
/// the provider id gets `zeta`, the plugin is known as `zeta-ai`.
#[test]
fn a_single_provider_plugin_keeps_its_plugin_id_apart_from_its_provider_id() {
    use clawkit_core::{AuthRequest, Env, ModelApi, ModelDefinition, SingleProviderPluginEntry};

    let entry = SingleProviderPluginEntry::builder("zeta-ai")
        .provider_id("zeta")
        .api_key_auth(ApiKeyAuthOptions::new("zeta", "api-key", "Zeta key").env_var("ZETA_API_KEY"))
        .build_provider(|| {
            Ok(ProviderConfig::new(
                "https://api.zeta.example/v1".parse()?,
                ModelApi::AnthropicMessages,
            )
            .with_model(ModelDefinition::new("zeta-large")))
        })
        .build();
    let provider = entry.provider();
    assert_eq!((provider.id(), provider.label()), ("zeta", "zeta"));
    let methods = provider.auth_methods();
    let options = methods[0].api_key.as_ref().unwrap();
    assert_eq!(options.expected_providers, ["zeta".to_owned()]);
    let runtime = Runtime::builder()
        .plugin(entry)
        .env(Env::new().with("ZETA_API_KEY", "zk-test"))
        .build()
        .unwrap();
    assert_eq!(runtime.provider_ids(), ["zeta"]);
    assert_eq!(runtime.plugin_of("zeta"), Some("zeta-ai"));
    assert_eq!(
        runtime.plugin_of("zeta-ai"),
        None,
        "the plugin id is no provider id"
    );
    let catalog = block_on(runtime.catalog(None));
    assert!(catalog.provider("zeta").is_some() && catalog.provider("zeta-ai").is_none());
    let model = block_on(runtime.resolve_model(&catalog, "zeta/zeta-large", None)).unwrap();
    assert_eq!(model.provider, "zeta");
    assert!(
        runtime
            .resolve_auth("zeta", &AuthRequest::default(), None)
            .is_ok()
    );
}

/// What the builder says (ids, auth, env vars, the live catalog) and what a
/// hand-written hooks value says (dynamic models, the static catalog, …)
/// both hold: neither side loses anything to the other.
#[test]
fn builder_features_and_hand_written_hooks_mix() {
    use clawkit_core::{
        CatalogContext, CatalogResult, DynamicModelContext, Env, ModelApi, PluginError,
        ProviderHooks, RuntimeModel, SingleProviderPluginEntry, async_trait,
    };

    struct ZetaHooks;

    #[async_trait]
    impl ProviderHooks for ZetaHooks {
        async fn static_catalog(
            &self,
            _: &CatalogContext,
        ) -> Result<Option<CatalogResult>, PluginError> {
            Ok(Some(CatalogResult::Provider(provider_config(
                "https://api.zeta.example/v1",
                &["zeta-offline"],
            ))))
        }
        fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
            let url = "https://api.zeta.example/v1".parse().ok()?;
            ctx.model_id
                .starts_with("zeta-exp-")
                .then(|| RuntimeModel::new("zeta", &ctx.model_id, ModelApi::AnthropicMessages, url))
        }
    }

    let oauth =
        create_provider_api_key_auth_method(ApiKeyAuthOptions::new("zeta", "token", "Zeta token"));
    let entry = SingleProviderPluginEntry::builder("zeta-ai")
        .provider_id("zeta")
        .api_key_auth(ApiKeyAuthOptions::new("zeta", "api-key", "Zeta key").env_var("ZETA_API_KEY"))
        .auth_method(oauth)
        .hook_alias("zeta-internal")
        .build_provider(|| {
            Ok(provider_config(
                "https://api.zeta.example/v1",
                &["zeta-large"],
            ))
        })
        .hooks(ZetaHooks)
        .build();
    let provider = entry.provider();
    let methods: Vec<_> = provider.auth_methods().into_iter().map(|m| m.id).collect();
    assert_eq!(methods, ["api-key", "token"]);
    assert_eq!(provider.env_vars(), ["ZETA_API_KEY"]);
    assert_eq!(provider.hook_aliases(), ["zeta-internal"]);

    let runtime = Runtime::builder()
        .plugin(entry)
        .env(Env::new().with("ZETA_API_KEY", "zk-test"))
        .build()
        .unwrap();
    let model_ids = |catalog: &clawkit_core::Catalog| -> Vec<String> {
        let zeta = catalog.provider("zeta").unwrap();
        zeta.config.models.iter().map(|m| m.id.clone()).collect()
    };
    let live = block_on(runtime.catalog(None));
    assert_eq!(
        model_ids(&live),
        ["zeta-large"],
        "the builder's live catalog"
    );
    let offline = block_on(runtime.static_catalog(None));
    assert_eq!(
        model_ids(&offline),
        ["zeta-offline"],
        "the hooks' static catalog"
    );
    let model = block_on(runtime.resolve_model(&live, "zeta/zeta-exp-7", None)).unwrap();
    assert_eq!(
        (model.provider.as_str(), model.id.as_str()),
        ("zeta", "zeta-exp-7")
    );
}
