//! The merged catalog: provider entries by id, the rows `augmentModelCatalog`
//! added, and the catalogs that failed. Data only; the merge that builds it
//! is `Runtime::catalog` (`runtime/catalog.rs`).

use std::collections::HashMap;
use std::sync::Arc;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use clawkit_manifest::normalize_provider_id;

use crate::model::{ModelDefinition, ProviderConfig, RuntimeModel};

/// When a catalog merges relative to the others; a later order wins on an
/// id collision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CatalogOrder {
    /// First pass: plain API-key providers.
    Simple,
    /// After simple: providers gated on auth profiles.
    Profile,
    /// After profile: providers that synthesize several related entries.
    Paired,
    /// Last pass: overrides (the default when no order is given).
    Late,
}

impl CatalogOrder {
    /// Every order, in merge order.
    pub const ALL: [CatalogOrder; 4] = [
        CatalogOrder::Simple,
        CatalogOrder::Profile,
        CatalogOrder::Paired,
        CatalogOrder::Late,
    ];
}

/// A model row contributed by `augmentModelCatalog`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CatalogEntry {
    /// The provider id.
    pub provider: String,
    /// The row.
    pub model: ModelDefinition,
}

impl CatalogEntry {
    /// A row of `provider`.
    pub fn new(provider: impl Into<String>, model: ModelDefinition) -> Self {
        CatalogEntry {
            provider: provider.into(),
            model,
        }
    }
}

/// Whether a catalog row came from a live (auth-gated) or a static catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum RowSource {
    /// A live catalog, run with credentials.
    Live,
    /// A static catalog: no credentials, no network.
    Static,
    /// The user's explicit `models.providers` config, which no catalog produced.
    Config,
}

/// A catalog that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CatalogFailure {
    /// The provider.
    pub provider: String,
    /// Why (the hook's error, or the timeout).
    pub error: String,
}

/// One merged provider entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CatalogProvider {
    /// The merged config (shared by the keys of one provider's aliases).
    pub config: Arc<ProviderConfig>,
    /// Where its rows came from.
    pub source: RowSource,
    /// When stored under an alias: the provider id it is an alias of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias_of: Option<String>,
}

/// The merged catalog: provider entries by id, and the failures.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct Catalog {
    /// Entries by provider id (and alias), in merge order.
    pub providers: IndexMap<String, CatalogProvider>,
    /// Rows added by `augmentModelCatalog`.
    pub augmented: Vec<CatalogEntry>,
    /// Catalogs that failed or timed out.
    pub failures: Vec<CatalogFailure>,
    #[serde(skip)]
    index: HashMap<String, HashMap<String, usize>>,
}

impl Catalog {
    /// The entry of `provider` (exact key, then after normalization).
    pub fn provider(&self, provider: &str) -> Option<&CatalogProvider> {
        self.providers
            .get(provider)
            .or_else(|| self.providers.get(&normalize_provider_id(provider)))
    }

    /// The row `model` of `provider`, as a runtime model.
    pub fn model(&self, provider: &str, model: &str) -> Option<RuntimeModel> {
        let key = if self.providers.contains_key(provider) {
            provider.to_owned()
        } else {
            normalize_provider_id(provider)
        };
        let entry = self.providers.get(&key)?;
        if let Some(&row) = self.index.get(&key).and_then(|rows| rows.get(model)) {
            return Some(RuntimeModel::from_definition(
                &key,
                &entry.config,
                &entry.config.models[row],
            ));
        }
        self.augmented
            .iter()
            .find(|e| normalize_provider_id(&e.provider) == key && e.model.id == model)
            .map(|e| RuntimeModel::from_definition(&key, &entry.config, &e.model))
    }

    /// The model ids of `provider`, for suggestions.
    pub fn model_ids<'a>(&'a self, provider: &str) -> Vec<&'a str> {
        let key = normalize_provider_id(provider);
        let listed = self
            .provider(provider)
            .into_iter()
            .flat_map(|p| p.config.models.iter().map(|m| m.id.as_str()));
        let augmented = self
            .augmented
            .iter()
            .filter(move |e| normalize_provider_id(&e.provider) == key)
            .map(|e| e.model.id.as_str());
        listed.chain(augmented).collect()
    }

    /// Every row, with its provider: the listed rows then the augmented ones.
    /// A provider stored under several keys (aliases) is listed once.
    pub fn rows(&self) -> Vec<(&str, &ModelDefinition, RowSource)> {
        let mut rows = Vec::new();
        let mut shared: HashMap<&str, RowSource> = HashMap::new();
        for (id, entry) in &self.providers {
            shared.insert(id, entry.source);
            if entry.alias_of.is_some() {
                continue;
            }
            rows.extend(
                entry
                    .config
                    .models
                    .iter()
                    .map(|m| (id.as_str(), m, entry.source)),
            );
        }
        for extra in &self.augmented {
            let source = shared
                .get(extra.provider.as_str())
                .copied()
                .unwrap_or(RowSource::Live);
            rows.push((extra.provider.as_str(), &extra.model, source));
        }
        rows
    }

    /// Rebuilds the row index after `providers` changed.
    pub(crate) fn reindex(&mut self) {
        self.index = self
            .providers
            .iter()
            .map(|(id, entry)| {
                let rows = entry
                    .config
                    .models
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (m.id.clone(), i))
                    .collect();
                (id.clone(), rows)
            })
            .collect();
    }
}
