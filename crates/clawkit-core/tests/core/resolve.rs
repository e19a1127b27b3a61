//! Resolving `provider/model`, with the full hook path pinned by a trace snapshot.

use std::sync::atomic::{AtomicUsize, Ordering};

use clawkit_core::{
    CatalogContext, CatalogOrder, CatalogResult, CoreError, CoreErrorKind, DynamicModelContext,
    HookTrace, ModelApi, ModelCompat, ModelRefContext, PluginError, Preparation, ProviderPlugin,
    ResolvedModelContext, Runtime, RuntimeModel, TransportContext, TransportPatch, async_trait,
    define_plugin_entry,
};
use clawkit_manifest::PluginManifest;

use crate::{block_on, build, catalog, entry, provider_config};

/// A router provider: a two-model catalog, dynamic models after a warm-up,
/// and a hook at every resolution step.
#[derive(Default)]
struct Router {
    prepared: AtomicUsize,
}

#[async_trait]
impl ProviderPlugin for Router {
    fn id(&self) -> &str {
        "router"
    }
    fn catalog_order(&self) -> CatalogOrder {
        CatalogOrder::Simple
    }
    async fn catalog(&self, _ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> {
        Ok(Some(CatalogResult::Provider(provider_config(
            "https://router.example/v1",
            &["fast", "smart"],
        ))))
    }
    fn normalize_model_id(&self, ctx: &ModelRefContext) -> Option<String> {
        (ctx.model_id == "smart-latest").then(|| "smart".to_owned())
    }
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        // Unknown ids resolve only once their metadata was fetched.
        if self.prepared.load(Ordering::SeqCst) == 0 {
            return None;
        }
        let base = ctx.provider_config.as_ref()?.base_url.clone();
        Some(
            RuntimeModel::new("router", &ctx.model_id, ModelApi::OpenAiCompletions, base)
                .with_limits(32_000, 2_000),
        )
    }
    async fn prepare_dynamic_model(
        &self,
        ctx: &DynamicModelContext,
    ) -> Result<Preparation, PluginError> {
        if ctx.model_id.starts_with("broken") {
            return Err(PluginError::new("metadata endpoint unreachable"));
        }
        self.prepared.fetch_add(1, Ordering::SeqCst);
        Ok(Preparation::Prepared)
    }
    fn normalize_resolved_model(&self, ctx: &ResolvedModelContext) -> Option<RuntimeModel> {
        let mut model = ctx.model.clone();
        model
            .headers
            .insert("x-router-model".into(), ctx.model_id.clone());
        Some(model)
    }
    fn contribute_resolved_model_compat(&self, _ctx: &ResolvedModelContext) -> Option<ModelCompat> {
        let mut compat = ModelCompat::default();
        compat.supports_developer_role = Some(false);
        Some(compat)
    }
    fn normalize_transport(&self, ctx: &TransportContext) -> Option<TransportPatch> {
        let mut patch = TransportPatch::default();
        if ctx.base_url.as_ref().is_some_and(|u| u.path() == "/v1") {
            patch.base_url = Some("https://router.example/api/v1".parse().unwrap());
        }
        Some(patch)
    }
}

fn resolve(runtime: &Runtime, input: &str) -> (Result<RuntimeModel, CoreError>, HookTrace) {
    let catalog = catalog(runtime);
    let mut trace = HookTrace::new();
    let result = block_on(runtime.resolve_model(&catalog, input, Some(&mut trace)));
    (result, trace)
}

#[test]
fn a_catalog_model_goes_through_every_resolution_hook() {
    let runtime = build(Runtime::builder().plugin(entry(Router::default())));
    let (model, trace) = resolve(&runtime, "router/smart-latest");
    let model = model.unwrap();
    assert_eq!(model.id, "smart");
    assert_eq!(model.base_url.as_str(), "https://router.example/api/v1");
    assert_eq!(model.compat.supports_developer_role, Some(false));
    insta::assert_json_snapshot!(trace);
}

#[test]
fn a_dynamic_model_is_resolved_after_prepare() {
    let runtime = build(Runtime::builder().plugin(entry(Router::default())));
    let (model, trace) = resolve(&runtime, "router/brand-new-7b");
    assert_eq!(model.unwrap().context_window, 32_000);
    insta::assert_snapshot!(trace.render());
}

#[test]
fn a_failing_prepare_is_a_typed_error() {
    let runtime = build(Runtime::builder().plugin(entry(Router::default())));
    let (result, _) = resolve(&runtime, "router/broken-model");
    let error = result.unwrap_err();
    assert_eq!(error.kind(), CoreErrorKind::Hook, "{error:?}");
    assert_eq!(error.hook(), Some("prepareDynamicModel"));
    assert_eq!(error.provider(), Some("router"));
    // Display names this level only; the plugin's error is the source.
    assert_eq!(
        error.to_string(),
        "provider \"router\" hook prepareDynamicModel failed"
    );
    let source = std::error::Error::source(&error).map(ToString::to_string);
    assert_eq!(source.as_deref(), Some("metadata endpoint unreachable"));
}

#[test]
fn unknown_models_and_providers_list_close_matches() {
    struct Static;
    #[async_trait]
    impl ProviderPlugin for Static {
        fn id(&self) -> &str {
            "acme-ai"
        }
        async fn catalog(
            &self,
            _ctx: &CatalogContext,
        ) -> Result<Option<CatalogResult>, PluginError> {
            Ok(Some(CatalogResult::Provider(provider_config(
                "https://api.acme-ai.com/v1",
                &["acme-large", "acme-small"],
            ))))
        }
    }
    let runtime = build(Runtime::builder().plugin(entry(Static)));
    let (result, _) = resolve(&runtime, "acme-ai/acme-lrage");
    assert_eq!(
        result.unwrap_err().to_string(),
        "unknown model \"acme-ai/acme-lrage\" (did you mean \"acme-large\"?)"
    );
    let (result, _) = resolve(&runtime, "acme/acme-large");
    assert_eq!(
        result.unwrap_err().to_string(),
        "unknown provider \"acme\" (did you mean \"acme-ai\"?)"
    );
    let (result, _) = resolve(&runtime, "nonsense");
    assert_eq!(result.unwrap_err().kind(), CoreErrorKind::InvalidModelRef);
    let (result, _) = resolve(&runtime, "acme-ai/");
    assert_eq!(result.unwrap_err().kind(), CoreErrorKind::InvalidModelRef);
}

#[test]
fn bare_model_ids_pick_the_plugin_from_model_support() {
    fn manifest(source: &str) -> PluginManifest {
        PluginManifest::parse(source.as_bytes(), "openclaw.plugin.json")
            .value()
            .cloned()
            .unwrap()
    }
    struct Echo(&'static str);
    impl ProviderPlugin for Echo {
        fn id(&self) -> &str {
            self.0
        }
        fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
            Some(RuntimeModel::new(
                self.0,
                &ctx.model_id,
                ModelApi::OpenAiCompletions,
                "https://x.example".parse().ok()?,
            ))
        }
    }
    let by_prefix = manifest(
        r#"{"id": "acme", "providers": ["acme-ai"], "modelSupport": {"modelPrefixes": ["acme-"]}, "configSchema": {}}"#,
    );
    let by_pattern = manifest(
        r#"{"id": "special", "providers": ["special"], "modelSupport": {"modelPatterns": ["^acme-special-\\d+$"]}, "configSchema": {}}"#,
    );
    let runtime = build(
        Runtime::builder()
            .plugin(define_plugin_entry("acme", Some(by_prefix), |api| {
                api.register_provider(Echo("acme-ai"))
            }))
            .plugin(define_plugin_entry("special", Some(by_pattern), |api| {
                api.register_provider(Echo("special"))
            })),
    );
    let resolve_bare = |id: &str| resolve(&runtime, id).0.unwrap().reference();
    assert_eq!(resolve_bare("acme-large"), "acme-ai/acme-large");
    assert_eq!(
        resolve_bare("acme-special-2"),
        "special/acme-special-2",
        "patterns beat prefixes"
    );
    let nested = runtime.parse_model_ref("OpenRouter/x-ai/grok-4").unwrap();
    assert_eq!(
        (nested.provider.as_str(), nested.model.as_str()),
        ("openrouter", "x-ai/grok-4")
    );
}
