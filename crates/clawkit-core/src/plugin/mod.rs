//! The contract: [`ProviderPlugin`], what a provider implements, and the
//! plugin entries that register providers (`entry.rs`).

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::auth::AuthMethod;
use crate::config::Config;
use crate::context::{Message, Tool};
use crate::error::PluginError;
use crate::hooks::*;
use crate::model::{FailoverReason, ModelCompat, ProviderConfig, RuntimeModel, ThinkingLevel};
use crate::secret::ApiKey;
use crate::stream::SharedStreamFn;
use crate::text_transform::TextTransforms;

mod entry;

pub use self::entry::{
    FnPluginEntry, NoHooks, PluginApi, PluginEntry, ProviderBuilder, SingleProviderBuilder,
    SingleProviderPluginEntry, StaticProviderBuilder, define_plugin_entry,
};

/// Generates [`ProviderPlugin`] and [`ProviderHooks`] from the one hook list.
macro_rules! define_provider_traits {
    ($(
        $(#[doc = $doc:literal])*
        [$stage:ident, $name:literal, $number:expr $(, $async:ident)?]
        fn $method:ident($($arg:ident: $argty:ty)?) -> $ret:ty $default:block
    )*) => {
        /// A model provider, as OpenClaw's `api.registerProvider({...})` declares one.
        ///
        /// Only [`id`](ProviderPlugin::id) is required. Every hook has a default
        /// meaning "not handled": `None`, an empty list, or
        /// [`Preparation::NotHandled`]. Implement the few you need; most providers
        /// need `catalog` and `resolve_dynamic_model`. Synchronous hooks are plain
        /// methods and must be cheap; the async ones may do I/O.
        ///
        /// # Order
        ///
        /// The methods below come in the order the pipeline meets them (the
        /// order of [`PROVIDER_HOOKS`] and `docs/hooks.md`); the number in
        /// each hook's docs is its row in OpenClaw's table:
        ///
        /// ```text
        ///  catalog        catalog #1 · staticCatalog · augmentModelCatalog #29
        ///    ▼
        ///  config         applyConfigDefaults #2 · normalizeConfig #5 · applyNativeStreamingUsageCompat #6
        ///    ▼
        ///  model          normalizeModelId #3 · resolveDynamicModel #10 · prepareDynamicModel #11
        ///                 · normalizeResolvedModel #12 · contributeResolvedModelCompat #13
        ///                 · normalizeTransport #4 · onModelSelected #42
        ///    ▼
        ///  thinking       resolveThinkingProfile #30 · isBinaryThinking #31 · supportsXHighThinking #32
        ///                 · resolveDefaultThinkingLevel #33 · resolveReasoningOutputMode #16
        ///    ▼
        ///  auth           resolveConfigApiKey #7 · resolveSyntheticAuth #8 · shouldDeferSyntheticProfileAuth #9
        ///                 · formatApiKey #22 · refreshOAuth #23 · prepareRuntimeAuth #35 · buildMissingAuthMessage #28
        ///    ▼
        ///  system prompt  resolveSystemPromptContribution · transformSystemPrompt
        ///    ▼
        ///  history        buildReplayPolicy #39 · sanitizeReplayHistory #40 · validateReplayTurns #41
        ///    ▼
        ///  tools          normalizeToolSchemas #14 · inspectToolSchemas #15
        ///    ▼
        ///  text           textTransforms
        ///    ▼
        ///  stream         prepareExtraParams #17 · createStreamFn #18 · isCacheTtlEligible #27
        ///                 · wrapStreamFn #19 · resolveTransportTurnState #20
        ///    ▼
        ///  errors         matchesContextOverflowError #25 · classifyFailoverReason #26
        ///
        ///  host-called    buildAuthDoctorHint #24 · resolveWebSocketSessionPolicy #21 · isModernModelRef #34
        ///  (outside a     · resolveUsageAuth #36 · fetchUsageSnapshot #37 · createEmbeddingProvider #38
        ///   turn)
        /// ```
        ///
        /// The trait is object safe: the runtime stores `Arc<dyn ProviderPlugin>`.
        #[async_trait]
        pub trait ProviderPlugin: Send + Sync {
            // ----------------------------------------------------------- identity

            /// The provider id (`acme-ai`).
            fn id(&self) -> &str;

            /// Display label; also the sort key inside a catalog order group.
            fn label(&self) -> &str {
                self.id()
            }

            /// Docs path (`/providers/acme-ai`).
            fn docs_path(&self) -> Option<&str> {
                None
            }

            /// User-facing alternate ids.
            fn aliases(&self) -> Vec<String> {
                Vec::new()
            }

            /// Internal ids for hook and config routing only.
            fn hook_aliases(&self) -> Vec<String> {
                Vec::new()
            }

            /// Env vars shown in setup hints, in preferred order.
            fn env_vars(&self) -> Vec<String> {
                Vec::new()
            }

            /// Auth methods (onboarding and CLI flags).
            fn auth_methods(&self) -> Vec<AuthMethod> {
                Vec::new()
            }

            /// When this provider's catalog merges. Without one it is `late`.
            fn catalog_order(&self) -> CatalogOrder {
                CatalogOrder::Late
            }

            /// When this provider's static catalog merges.
            fn static_catalog_order(&self) -> CatalogOrder {
                self.catalog_order()
            }

            // ----------------------------------------------------------- hooks, in stage order

            $(
                $(#[doc = $doc])*
                #[allow(unused_variables)]
                $($async)? fn $method(&self $(, $arg: $argty)?) -> $ret $default
            )*
        }

        /// The hooks of a provider without its identity: what
        /// [`SingleProviderBuilder::hooks`] takes next to everything the
        /// builder already says (ids, label, env vars, auth, catalogs).
        ///
        /// The methods are [`ProviderPlugin`]'s hooks, generated from the
        /// same list, with the same defaults ("not handled"). Implement only
        /// the ones you need; `catalog` and `static_catalog` are used when
        /// the builder has no `build_provider` / `build_static_provider`.
        ///
        /// ```
        /// use clawkit_core::prelude::*;
        ///
        /// struct ZetaHooks;
        ///
        /// impl ProviderHooks for ZetaHooks {
        ///     fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        ///         let base_url = "https://api.zeta.example".parse().ok()?;
        ///         ctx.model_id.starts_with("zeta-exp-")
        ///             .then(|| RuntimeModel::new("zeta", &ctx.model_id, ModelApi::AnthropicMessages, base_url))
        ///     }
        /// }
        ///
        /// let entry = SingleProviderPluginEntry::builder("zeta-ai").provider_id("zeta").hooks(ZetaHooks).build();
        /// let model = entry.provider().resolve_dynamic_model(&DynamicModelContext::new("zeta", "zeta-exp-7"));
        /// assert_eq!(model.map(|m| m.id), Some("zeta-exp-7".to_owned()));
        /// ```
        #[async_trait]
        pub trait ProviderHooks: Send + Sync {
            $(
                $(#[doc = $doc])*
                #[allow(unused_variables)]
                $($async)? fn $method(&self $(, $arg: $argty)?) -> $ret $default
            )*
        }
    };
}

crate::hooks::provider_hooks!(define_provider_traits);
