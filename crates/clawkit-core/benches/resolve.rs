//! Resolution and catalog-merge cost on a large registry: 100 providers with
//! 100 models each. Targets (docs/benchmarks.md): a resolution in ≤ 5 µs once
//! the catalog is built, the catalog merge in ≤ 10 ms.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use clawkit_core::{
    CatalogContext, CatalogOrder, CatalogResult, DynamicModelContext, ModelApi, ModelDefinition,
    PluginError, ProviderConfig, ProviderPlugin, Runtime, RuntimeModel, async_trait,
    define_plugin_entry,
};
use criterion::{Criterion, criterion_group, criterion_main};
use futures::executor::block_on;

const PROVIDERS: usize = 100;
const MODELS: usize = 100;

struct Bench {
    id: String,
    order: CatalogOrder,
    config: Arc<ProviderConfig>,
}

#[async_trait]
impl ProviderPlugin for Bench {
    fn id(&self) -> &str {
        &self.id
    }
    fn catalog_order(&self) -> CatalogOrder {
        self.order
    }
    async fn catalog(&self, _ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> {
        Ok(Some(CatalogResult::Provider((*self.config).clone())))
    }
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        let base = ctx.provider_config.as_ref()?.base_url.clone();
        Some(RuntimeModel::new(
            &self.id,
            &ctx.model_id,
            ModelApi::OpenAiCompletions,
            base,
        ))
    }
}

fn registry() -> Runtime {
    let orders = [
        CatalogOrder::Simple,
        CatalogOrder::Profile,
        CatalogOrder::Paired,
        CatalogOrder::Late,
    ];
    let mut builder = Runtime::builder();
    for p in 0..PROVIDERS {
        let id = format!("provider-{p:03}");
        let config = (0..MODELS).fold(
            ProviderConfig::new(
                format!("https://{id}.example/v1").parse().unwrap(),
                ModelApi::OpenAiCompletions,
            ),
            |config, m| {
                config.with_model(
                    ModelDefinition::new(format!("model-{m:03}"))
                        .with_name(format!("Model {m}"))
                        .with_limits(128_000, 8_192),
                )
            },
        );
        let plugin = Arc::new(Bench {
            id: id.clone(),
            order: orders[p % orders.len()],
            config: Arc::new(config),
        });
        builder = builder.plugin(define_plugin_entry(id, None, move |api| {
            api.register_provider_arc(plugin.clone())
        }));
    }
    builder.build().unwrap()
}

fn benches(c: &mut Criterion) {
    let runtime = registry();
    c.bench_function("catalog merge, 100 providers x 100 models", |b| {
        b.iter(|| black_box(block_on(runtime.catalog(None))));
    });

    let catalog = block_on(runtime.catalog(None));
    let refs: Vec<String> = (0..PROVIDERS)
        .map(|p| format!("provider-{p:03}/model-{:03}", (p * 37) % MODELS))
        .collect();
    let mut next = 0;
    c.bench_function("resolve provider/model from the catalog", |b| {
        b.iter(|| {
            next = (next + 1) % refs.len();
            black_box(block_on(runtime.resolve_model(&catalog, &refs[next], None)).unwrap())
        });
    });
    c.bench_function("resolve a dynamic model (catalog miss)", |b| {
        b.iter(|| {
            black_box(
                block_on(runtime.resolve_model(&catalog, "provider-042/brand-new", None)).unwrap(),
            )
        });
    });
}

criterion_group!(resolve, benches);
criterion_main!(resolve);
