//! Static catalog rows, written compactly.

use clawkit_core::{InputKind, ModelApi, ModelCost, ModelDefinition};

/// The date the prices and limits in the built-in catalogs were taken from
/// the vendors' published model and pricing pages.
pub const PRICES_TAKEN_ON: &str = "2025-10-01";

/// One catalog row: limits in tokens, prices in USD per million tokens.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) context_window: u64,
    pub(crate) max_tokens: u64,
    /// Input, output, cache read, cache write.
    pub(crate) prices: [f64; 4],
    pub(crate) reasoning: bool,
    pub(crate) images: bool,
    /// A different API than the provider's default.
    pub(crate) api: Option<ModelApi>,
}

impl Row {
    pub(crate) fn definition(&self) -> ModelDefinition {
        let [input, output, cache_read, cache_write] = self.prices;
        let kinds: &[InputKind] = if self.images {
            &[InputKind::Text, InputKind::Image]
        } else {
            &[InputKind::Text]
        };
        let definition = ModelDefinition::new(self.id)
            .with_name(self.name)
            .with_reasoning(self.reasoning)
            .with_input(kinds.iter().cloned())
            .with_cost(ModelCost::new(input, output, cache_read, cache_write))
            .with_limits(self.context_window, self.max_tokens);
        match &self.api {
            Some(api) => definition.with_api(api.clone()),
            None => definition,
        }
    }
}
