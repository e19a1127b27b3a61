//! Static catalog rows, written compactly.

use std::collections::BTreeMap;

use clawkit_core::{
    CostTier, InputKind, ModelCompat, ModelCost, ModelDefinition, ThinkingLevel, ThinkingProfile,
};
use serde_json::Value;

/// Where the rows of the hosted providers' static catalogs come from: the
/// `modelCatalog` of the provider plugins bundled with this OpenClaw release
/// (`dist/extensions/<provider>/openclaw.plugin.json` in the `openclaw` npm
/// package): model ids, names, context windows (`contextTokens` where the
/// catalog caps them), output limits, input kinds, prices, thinking level
/// maps and reasoning efforts. The thinking profiles are the ones OpenClaw
/// resolves for those rows (`resolveThinkingProfile` with the provider's
/// `provider-policy-api.js`).
///
/// `tests/data/openclaw-2026.9.6-catalogs.json` holds those facts, and a
/// test checks every row against them; `scripts/openclaw-catalog-parity.mjs`
/// compares `clawkit models list --all --json` with an installed OpenClaw.
pub const CATALOG_TAKEN_FROM: &str = "openclaw 2026.9.6";

/// The date of the few prices that do not come from
/// [`CATALOG_TAKEN_FROM`]: where OpenClaw's bundled catalog states no price
/// for a model (all zero, or no `cost`: OpenClaw then prices it at run time
/// from OpenRouter, LiteLLM or models.dev), a row clawkit already had keeps
/// the price its vendor published on this date (Gemini 2.5 Pro, Flash and
/// Flash-Lite; Claude Haiku 4.5). The other such rows have no price (zero,
/// which clawkit reads as "not priced").
pub const PRICES_TAKEN_ON: &str = "2025-10-01";

/// Prices in USD per million tokens: input, output, cache read, cache write.
pub(crate) type Prices = [f64; 4];

/// Where a row's prices come from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pricing {
    /// The bundled catalog's `cost`, with its tiers (`[start, end)` or
    /// `[start, open]` in prompt tokens) if it has any.
    Catalog(Prices, &'static [(u64, Option<u64>, Prices)]),
    /// The catalog states no price; the vendor's of [`PRICES_TAKEN_ON`].
    Vendor(Prices),
    /// No price known.
    Unknown,
}

/// The thinking profile of a row: the levels, in OpenClaw's rank order,
/// and the default level.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Thinking {
    pub(crate) levels: &'static [ThinkingLevel],
    pub(crate) default: Option<ThinkingLevel>,
}

impl Thinking {
    pub(crate) const fn new(
        levels: &'static [ThinkingLevel],
        default: Option<ThinkingLevel>,
    ) -> Thinking {
        Thinking { levels, default }
    }

    pub(crate) fn profile(&self) -> ThinkingProfile {
        let profile = ThinkingProfile::new(self.levels.iter().copied());
        match self.default {
            Some(level) => profile.with_default_level(level),
            None => profile,
        }
    }
}

/// One catalog row: limits in tokens. Every hosted row reasons and takes
/// text and images.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) context_window: u64,
    /// The effective cap for budgeting (`contextTokens`), below the window.
    pub(crate) context_tokens: Option<u64>,
    pub(crate) max_tokens: u64,
    pub(crate) pricing: Pricing,
    pub(crate) thinking: Thinking,
    /// `thinkingLevelMap`: a level → the value sent for it (`None`: not
    /// offered).
    pub(crate) level_map: &'static [(&'static str, Option<&'static str>)],
    /// `compat.supportedReasoningEfforts` (with `supportsReasoningEffort:
    /// true`), where the catalog declares them.
    pub(crate) efforts: Option<&'static [&'static str]>,
    /// `status: "deprecated"` with its `replacedBy`.
    pub(crate) replaced_by: Option<&'static str>,
}

impl Row {
    /// A row with no price, no level map and no efforts.
    pub(crate) const fn new(
        id: &'static str,
        name: &'static str,
        context_window: u64,
        max_tokens: u64,
        thinking: Thinking,
    ) -> Row {
        Row {
            id,
            name,
            context_window,
            context_tokens: None,
            max_tokens,
            pricing: Pricing::Unknown,
            thinking,
            level_map: &[],
            efforts: None,
            replaced_by: None,
        }
    }

    pub(crate) const fn context_tokens(mut self, tokens: u64) -> Row {
        self.context_tokens = Some(tokens);
        self
    }

    pub(crate) const fn catalog_prices(mut self, prices: Prices) -> Row {
        self.pricing = Pricing::Catalog(prices, &[]);
        self
    }

    pub(crate) const fn tiered_prices(
        mut self,
        prices: Prices,
        tiers: &'static [(u64, Option<u64>, Prices)],
    ) -> Row {
        self.pricing = Pricing::Catalog(prices, tiers);
        self
    }

    pub(crate) const fn vendor_prices(mut self, prices: Prices) -> Row {
        self.pricing = Pricing::Vendor(prices);
        self
    }

    pub(crate) const fn level_map(
        mut self,
        map: &'static [(&'static str, Option<&'static str>)],
    ) -> Row {
        self.level_map = map;
        self
    }

    pub(crate) const fn efforts(mut self, efforts: &'static [&'static str]) -> Row {
        self.efforts = Some(efforts);
        self
    }

    pub(crate) const fn deprecated(mut self, replaced_by: &'static str) -> Row {
        self.replaced_by = Some(replaced_by);
        self
    }

    pub(crate) fn definition(&self) -> ModelDefinition {
        let mut definition = ModelDefinition::new(self.id)
            .with_name(self.name)
            .with_reasoning(true)
            .with_input([InputKind::Text, InputKind::Image])
            .with_cost(self.cost())
            .with_limits(self.context_window, self.max_tokens);
        definition.context_tokens = self.context_tokens;
        if !self.level_map.is_empty() {
            definition.thinking_level_map = Some(
                self.level_map
                    .iter()
                    .map(|(level, value)| ((*level).to_owned(), value.map(str::to_owned)))
                    .collect::<BTreeMap<_, _>>(),
            );
        }
        if let Some(efforts) = self.efforts {
            let mut compat = ModelCompat::default();
            compat.supports_reasoning_effort = Some(true);
            compat.supported_reasoning_efforts =
                Some(efforts.iter().map(|e| (*e).to_owned()).collect());
            definition = definition.with_compat(compat);
        }
        if let Some(replaced_by) = self.replaced_by {
            definition
                .extra
                .insert("status".into(), Value::from("deprecated"));
            definition
                .extra
                .insert("replacedBy".into(), Value::from(replaced_by));
        }
        definition
    }

    fn cost(&self) -> ModelCost {
        let ([input, output, cache_read, cache_write], tiers) = match self.pricing {
            Pricing::Catalog(prices, tiers) => (prices, tiers),
            Pricing::Vendor(prices) => (prices, &[][..]),
            Pricing::Unknown => ([0.0; 4], &[][..]),
        };
        let mut cost = ModelCost::new(input, output, cache_read, cache_write);
        cost.tiered_pricing = tiers
            .iter()
            .map(|(start, end, [input, output, cache_read, cache_write])| {
                let mut tier = CostTier::default();
                tier.input = *input;
                tier.output = *output;
                tier.cache_read = *cache_read;
                tier.cache_write = *cache_write;
                tier.range = std::iter::once(*start).chain(*end).collect();
                tier
            })
            .collect();
        cost
    }
}

/// The row of `rows` with this id.
pub(crate) fn find<'a>(rows: &'a [Row], id: &str) -> Option<&'a Row> {
    rows.iter().find(|row| row.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ThinkingLevel::*;

    const BASE: Thinking = Thinking {
        levels: &[Off, Low, High],
        default: Some(Low),
    };

    #[test]
    fn a_row_becomes_the_catalog_definition() {
        let row = Row::new("m-1", "M 1", 1_050_000, 128_000, BASE)
            .context_tokens(272_000)
            .tiered_prices(
                [2.0, 10.0, 0.2, 2.5],
                &[
                    (0, Some(272_001), [2.0, 10.0, 0.2, 2.5]),
                    (272_001, None, [4.0, 15.0, 0.4, 5.0]),
                ],
            )
            .level_map(&[("off", None), ("max", Some("max"))])
            .efforts(&["low", "max"])
            .deprecated("m-2");
        let definition = serde_json::to_value(row.definition()).unwrap();
        assert_eq!(
            definition,
            serde_json::json!({
                "id": "m-1", "name": "M 1", "reasoning": true, "input": ["text", "image"],
                "cost": {"input": 2.0, "output": 10.0, "cacheRead": 0.2, "cacheWrite": 2.5,
                         "tieredPricing": [
                             {"input": 2.0, "output": 10.0, "cacheRead": 0.2, "cacheWrite": 2.5, "range": [0, 272_001]},
                             {"input": 4.0, "output": 15.0, "cacheRead": 0.4, "cacheWrite": 5.0, "range": [272_001]}]},
                "contextWindow": 1_050_000, "contextTokens": 272_000, "maxTokens": 128_000,
                "thinkingLevelMap": {"max": "max", "off": null},
                "compat": {"supportsReasoningEffort": true, "supportedReasoningEfforts": ["low", "max"]},
                "status": "deprecated", "replacedBy": "m-2"
            })
        );
        let profile = row.thinking.profile();
        assert_eq!(profile.level_ids(), [Off, Low, High]);
        assert_eq!(profile.default_level, Some(Low));
    }

    #[test]
    fn unknown_prices_are_zero_and_vendor_prices_flat() {
        let unknown = Row::new("a", "A", 1, 1, BASE).definition();
        assert_eq!(unknown.cost, ModelCost::default());
        let vendor = Row::new("b", "B", 1, 1, BASE)
            .vendor_prices([1.0, 5.0, 0.1, 1.25])
            .definition();
        assert_eq!(vendor.cost, ModelCost::new(1.0, 5.0, 0.1, 1.25));
        assert!(vendor.thinking_level_map.is_none() && vendor.compat.is_none());
        assert!(vendor.extra.is_empty());
    }
}
