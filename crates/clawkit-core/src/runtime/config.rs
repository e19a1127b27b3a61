//! The config stage: the user config as the providers want it.
//!
//! For each provider of `models.providers`, in config order:
//!
//! ```text
//! applyConfigDefaults (#2)              owner; the result replaces the whole config
//!   → normalizeConfig (#5)              owner, then the first other provider that changes it;
//!                                       the result replaces the provider's config
//!   → applyNativeStreamingUsageCompat (#6)  owner; the result replaces the provider's config
//! ```
//!
//! [`RuntimeBuilder::build`](super::RuntimeBuilder::build) runs it once; the
//! runtime then works on the materialized config.

use crate::config::Config;
use crate::hooks::{ConfigDefaultsContext, ProviderConfigContext};
use crate::trace::{HookTrace, Tracer};

use super::Runtime;

impl Runtime {
    /// The user config with every provider's config hooks applied (see the
    /// module docs), recording each call in `trace`.
    ///
    /// ```
    /// use clawkit_core::{Config, ModelApi, ProviderConfig, ProviderConfigContext, ProviderPlugin,
    ///                    Runtime, define_plugin_entry};
    ///
    /// struct Acme;
    /// impl ProviderPlugin for Acme {
    ///     fn id(&self) -> &str { "acme-ai" }
    ///     fn normalize_config(&self, ctx: &ProviderConfigContext) -> Option<ProviderConfig> {
    ///         let mut config = ctx.provider_config.clone();
    ///         config.headers.insert("x-acme".into(), "1".into());
    ///         Some(config)
    ///     }
    /// }
    ///
    /// let config = Config::new().with_provider(
    ///     "acme-ai",
    ///     ProviderConfig::new("https://api.acme-ai.com/v1".parse()?, ModelApi::OpenAiCompletions),
    /// );
    /// let runtime = Runtime::builder()
    ///     .config(config)
    ///     .plugin(define_plugin_entry("acme-ai", None, |api| api.register_provider(Acme)))
    ///     .build()?;
    /// // The runtime already works on the materialized config.
    /// assert_eq!(runtime.config().provider("acme-ai").unwrap().headers["x-acme"], "1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn materialize_config(&self, trace: Option<&mut HookTrace>) -> Config {
        let mut tracer = Tracer::new(trace);
        let mut config = (*self.config).clone();
        let ids: Vec<String> = config.models.providers.keys().cloned().collect();
        for id in &ids {
            let ctx = ConfigDefaultsContext {
                provider: id.clone(),
                config: config.clone(),
                env: self.env.clone(),
            };
            if let Some(defaults) = self.with_owner(id, "applyConfigDefaults", &mut tracer, |p| {
                p.apply_config_defaults(&ctx)
            }) {
                config = defaults;
            }
            let Some(current) = config.models.providers.get(id).cloned() else {
                continue;
            };
            let current = self
                .normalize_config_traced(id, &current, &mut tracer)
                .unwrap_or(current);
            let ctx = ProviderConfigContext {
                provider: id.clone(),
                provider_config: current.clone(),
            };
            let current = self
                .with_owner(id, "applyNativeStreamingUsageCompat", &mut tracer, |p| {
                    p.apply_native_streaming_usage_compat(&ctx)
                })
                .unwrap_or(current);
            config.models.providers.insert(id.clone(), current);
        }
        config
    }
}
