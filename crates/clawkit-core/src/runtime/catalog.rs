//! Building the merged catalog, as OpenClaw does.
//!
//! 1. Every provider's catalog runs, concurrently, each bounded by the
//!    runtime's catalog timeout; a catalog that fails or times out is
//!    reported in [`Catalog::failures`] and the others go on.
//! 2. Providers are grouped by [`CatalogOrder`] (none given: `late`) and
//!    sorted by label inside a group. Groups merge in the order
//!    `simple → profile → paired → late`.
//! 3. A `{provider}` result is stored under the provider's id and each of
//!    its aliases and hook aliases; `{providers}` under each key.
//! 4. Inside a group, an entry is merged under what is already there — an
//!    entry discovered earlier in the group, else the user's explicit config
//!    for that key: existing fields win, existing `models` win when
//!    non-empty.
//! 5. A later group replaces an earlier group's key wholesale.
//! 6. `augmentModelCatalog` rows of every provider are appended, without
//!    duplicating a `provider/id` already present.
//!
//! A live catalog that returns nothing falls back to the static catalog.
//! The static catalog (`models list --all`) runs with an empty config, an
//! empty environment and no credentials.

use std::collections::HashSet;
use std::sync::Arc;

use futures::future::{Either, join_all, select};
use indexmap::IndexMap;

use clawkit_manifest::normalize_provider_id;

use crate::catalog::{Catalog, CatalogFailure, CatalogOrder, CatalogProvider, RowSource};
use crate::config::Config;
use crate::env::Env;
use crate::error::PluginError;
use crate::hooks::{AugmentCatalogContext, CatalogContext, CatalogResult, ProviderKey};
use crate::model::ProviderConfig;
use crate::trace::{HookTrace, TraceOutcome, Tracer};

use super::{Registered, Runtime};

/// Answers `resolveProviderApiKey` for the catalogs of one merge.
type KeyResolver = Arc<dyn Fn(&str) -> ProviderKey + Send + Sync>;

/// Runs one catalog hook, giving up after `timeout`.
async fn bounded(
    future: futures::future::BoxFuture<'_, Result<Option<CatalogResult>, PluginError>>,
    timeout: std::time::Duration,
) -> Result<Option<CatalogResult>, String> {
    let delay = futures_timer::Delay::new(timeout);
    match select(future, delay).await {
        Either::Left((result, _)) => result.map_err(|e| e.to_string()),
        Either::Right(_) => Err(format!(
            "provider catalog timed out after {} ms; skipping provider discovery",
            timeout.as_millis()
        )),
    }
}

/// Keys a catalog result may not use.
const BLOCKED_KEYS: [&str; 4] = ["", "__proto__", "prototype", "constructor"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Live,
    Static,
}

struct Ran {
    index: usize,
    live: Option<Result<Option<CatalogResult>, String>>,
    fallback: Option<Result<Option<CatalogResult>, String>>,
}

impl Runtime {
    /// Runs every live catalog (auth-gated, may use the network) and merges
    /// them, falling back to a provider's static catalog when its live one
    /// returns nothing.
    pub async fn catalog(&self, trace: Option<&mut HookTrace>) -> Catalog {
        let keys = self.catalog_keys();
        let resolver: KeyResolver = Arc::new(move |provider: &str| {
            keys.get(&normalize_provider_id(provider))
                .cloned()
                .unwrap_or_default()
        });
        self.build_catalog(Mode::Live, resolver, trace).await
    }

    /// Runs only the static catalogs, with an empty config and environment
    /// and no credentials (`models list --all`).
    pub async fn static_catalog(&self, trace: Option<&mut HookTrace>) -> Catalog {
        let no_keys: KeyResolver = Arc::new(|_: &str| ProviderKey::default());
        self.build_catalog(Mode::Static, no_keys, trace).await
    }

    /// The merge. `keys` answers every catalog's `resolveProviderApiKey`;
    /// the merge itself does not resolve credentials.
    async fn build_catalog(
        &self,
        mode: Mode,
        keys: KeyResolver,
        trace: Option<&mut HookTrace>,
    ) -> Catalog {
        let mut tracer = Tracer::new(trace);
        let (config, env) = match mode {
            Mode::Live => (self.config.clone(), self.env.clone()),
            Mode::Static => (Arc::new(Config::new()), Arc::new(Env::new())),
        };
        let runs = self
            .providers
            .iter()
            .enumerate()
            .map(|(index, registered)| {
                let keys = keys.clone();
                let ctx = CatalogContext::new(registered.id())
                    .with_config(config.clone(), env.clone())
                    .with_key_resolver(move |provider| keys(provider));
                self.run_one(index, registered, ctx, mode)
            });
        let mut ran = join_all(runs).await;

        // Merge order: group by order, then by label.
        ran.sort_by(|a, b| {
            let (pa, pb) = (&self.providers[a.index], &self.providers[b.index]);
            let order = |p: &Registered| match mode {
                Mode::Live => p.provider.catalog_order(),
                Mode::Static => p.provider.static_catalog_order(),
            };
            (order(pa), pa.provider.label().to_lowercase(), a.index).cmp(&(
                order(pb),
                pb.provider.label().to_lowercase(),
                b.index,
            ))
        });

        let mut catalog = Catalog::default();
        let mut group: IndexMap<String, CatalogProvider> = IndexMap::new();
        let mut group_order: Option<CatalogOrder> = None;
        for run in ran {
            let registered = &self.providers[run.index];
            let order = match mode {
                Mode::Live => registered.provider.catalog_order(),
                Mode::Static => registered.provider.static_catalog_order(),
            };
            if group_order != Some(order) {
                catalog.providers.extend(group.drain(..));
                group_order = Some(order);
            }
            let live_hook = if mode == Mode::Live {
                "catalog"
            } else {
                "staticCatalog"
            };
            let mut result = None;
            if let Some(live) = run.live {
                result = self.note_run(
                    &mut tracer,
                    live_hook,
                    registered,
                    live,
                    &mut catalog.failures,
                );
            }
            let mut source = if mode == Mode::Live {
                RowSource::Live
            } else {
                RowSource::Static
            };
            if let Some(fallback) = run.fallback {
                result = self.note_run(
                    &mut tracer,
                    "staticCatalog",
                    registered,
                    fallback,
                    &mut catalog.failures,
                );
                source = RowSource::Static;
            }
            let Some(result) = result else { continue };
            for (key, alias_of, implicit) in self.keyed_entries(registered, result) {
                let existing = group
                    .get(&key)
                    .map(|entry| entry.config.as_ref())
                    .or_else(|| self.explicit_config(&config, registered, &key));
                let merged = match existing {
                    Some(existing) => Arc::new(implicit.overlay_user_config(existing)),
                    None => implicit,
                };
                group.insert(
                    key,
                    CatalogProvider {
                        config: merged,
                        source,
                        alias_of,
                    },
                );
            }
        }
        catalog.providers.extend(group.drain(..));
        if mode == Mode::Live {
            // Explicit providers no catalog produced are part of the catalog too.
            for (id, explicit) in &config.models.providers {
                let key = normalize_provider_id(id);
                if !BLOCKED_KEYS.contains(&key.as_str()) && !catalog.providers.contains_key(&key) {
                    catalog.providers.insert(
                        key,
                        CatalogProvider {
                            config: Arc::new(explicit.clone()),
                            source: RowSource::Config,
                            alias_of: None,
                        },
                    );
                }
            }
        }
        catalog.reindex();
        self.augment(&mut catalog, config, env, &mut tracer).await;
        catalog
    }

    async fn run_one(
        &self,
        index: usize,
        registered: &Registered,
        ctx: CatalogContext,
        mode: Mode,
    ) -> Ran {
        let provider = registered.provider.as_ref();
        let timeout = self.catalog_timeout;
        match mode {
            Mode::Static => Ran {
                index,
                live: Some(bounded(provider.static_catalog(&ctx), timeout).await),
                fallback: None,
            },
            Mode::Live => {
                let live = bounded(provider.catalog(&ctx), timeout).await;
                let fallback = match &live {
                    Ok(None) => {
                        let offline = CatalogContext::new(registered.id());
                        match bounded(provider.static_catalog(&offline), timeout).await {
                            Ok(None) => None,
                            other => Some(other),
                        }
                    }
                    _ => None,
                };
                Ran {
                    index,
                    live: Some(live),
                    fallback,
                }
            }
        }
    }

    fn note_run(
        &self,
        tracer: &mut Tracer<'_>,
        hook: &'static str,
        registered: &Registered,
        result: Result<Option<CatalogResult>, String>,
        failures: &mut Vec<CatalogFailure>,
    ) -> Option<CatalogResult> {
        match result {
            Ok(result) => {
                tracer.option(hook, registered.id(), &result);
                result
            }
            Err(error) => {
                tracer.failed(hook, registered.id(), &error);
                failures.push(CatalogFailure {
                    provider: registered.id().to_owned(),
                    error,
                });
                None
            }
        }
    }

    /// The keys a result is stored under, each with the id it is an alias
    /// of; the keys of one provider share its config.
    fn keyed_entries(
        &self,
        registered: &Registered,
        result: CatalogResult,
    ) -> Vec<(String, Option<String>, Arc<ProviderConfig>)> {
        let entries: Vec<(String, Option<String>, Arc<ProviderConfig>)> = match result {
            CatalogResult::Provider(config) => {
                let config = Arc::new(config);
                registered
                    .ids
                    .iter()
                    .enumerate()
                    .map(|(i, id)| {
                        (
                            id.clone(),
                            (i > 0).then(|| registered.id().to_owned()),
                            Arc::clone(&config),
                        )
                    })
                    .collect()
            }
            CatalogResult::Providers(map) => map
                .into_iter()
                .map(|(k, v)| (normalize_provider_id(&k), None, Arc::new(v)))
                .collect(),
        };
        entries
            .into_iter()
            .filter(|(key, _, _)| !BLOCKED_KEYS.contains(&key.as_str()))
            .collect()
    }

    /// The user's explicit config for `key`, also looked up under the
    /// provider's id, aliases and hook aliases.
    fn explicit_config<'c>(
        &self,
        config: &'c Config,
        registered: &Registered,
        key: &str,
    ) -> Option<&'c ProviderConfig> {
        config
            .provider(key)
            .or_else(|| registered.ids.iter().find_map(|id| config.provider(id)))
    }

    /// `augmentModelCatalog` of every provider, concatenated and de-duplicated.
    async fn augment(
        &self,
        catalog: &mut Catalog,
        config: Arc<Config>,
        env: Arc<Env>,
        tracer: &mut Tracer<'_>,
    ) {
        let results = {
            let ctx = AugmentCatalogContext {
                config,
                env,
                catalog,
            };
            join_all(
                self.providers
                    .iter()
                    .map(|r| r.provider.augment_model_catalog(&ctx)),
            )
            .await
        };
        let mut seen: Option<HashSet<(String, String)>> = None;
        for (registered, result) in self.providers.iter().zip(results) {
            match result {
                Ok(rows) if rows.is_empty() => {}
                Ok(rows) => {
                    tracer.value("augmentModelCatalog", Some(registered.id()), &rows);
                    // Built only when some plugin augments.
                    let seen = seen.get_or_insert_with(|| {
                        catalog
                            .rows()
                            .into_iter()
                            .map(|(provider, model, _)| {
                                (normalize_provider_id(provider), model.id.clone())
                            })
                            .collect()
                    });
                    for row in rows {
                        if seen.insert((normalize_provider_id(&row.provider), row.model.id.clone()))
                        {
                            catalog.augmented.push(row);
                        }
                    }
                }
                Err(error) => {
                    tracer.with("augmentModelCatalog", Some(registered.id()), || {
                        TraceOutcome::Failed {
                            error: error.to_string(),
                        }
                    });
                    catalog.failures.push(CatalogFailure {
                        provider: registered.id().to_owned(),
                        error: error.to_string(),
                    });
                }
            }
        }
    }
}
