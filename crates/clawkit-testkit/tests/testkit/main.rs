//! The testkit against the real built-in transports: a tiny provider per
//! wire api, defined here, streamed through `Harness::stream`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod conformance;
mod stream;

use clawkit_core::{
    ApiKeyAuthOptions, DynamicModelContext, Env, ModelApi, ProviderHooks, RuntimeModel,
    SingleProviderPluginEntry,
};
use clawkit_http::{BuiltinTransports, HttpClient, HttpConfig};
use clawkit_testkit::Harness;

/// The key the test environment gives.
pub(crate) const KEY: &str = "sk-zeta-test-0123456789";

/// The four wire apis of the built-in transports, each with the base URL
/// its provider would use (the path survives the harness's redirection).
pub(crate) const APIS: [(ModelApi, &str); 4] = [
    (ModelApi::OpenAiCompletions, "https://api.zeta.example/v1"),
    (ModelApi::OpenAiResponses, "https://api.zeta.example/v1"),
    (ModelApi::AnthropicMessages, "https://api.zeta.example/v1"),
    (
        ModelApi::GoogleGenerativeAi,
        "https://api.zeta.example/v1beta",
    ),
];

/// Zeta serves any model id with one api.
struct ZetaHooks {
    api: ModelApi,
    base_url: &'static str,
}

impl ProviderHooks for ZetaHooks {
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        Some(RuntimeModel::new(
            "zeta",
            &ctx.model_id,
            self.api.clone(),
            self.base_url.parse().ok()?,
        ))
    }
}

/// The plugin, speaking `api`, its key in `ZETA_API_KEY`.
pub(crate) fn zeta(api: &ModelApi) -> SingleProviderPluginEntry {
    let base_url = APIS
        .iter()
        .find(|(a, _)| a == api)
        .map(|(_, url)| *url)
        .unwrap();
    SingleProviderPluginEntry::builder("zeta")
        .api_key_auth(
            ApiKeyAuthOptions::new("zeta", "api-key", "Zeta API key").env_var("ZETA_API_KEY"),
        )
        .hooks(ZetaHooks {
            api: api.clone(),
            base_url,
        })
        .build()
}

/// The built-in transports, with a short idle timeout and no proxy.
pub(crate) fn transports() -> BuiltinTransports {
    let mut config = HttpConfig::default();
    config.idle_timeout = std::time::Duration::from_millis(300);
    config.use_system_proxy = false;
    BuiltinTransports::new(HttpClient::with_config(config).unwrap())
}

/// A harness for zeta speaking `api`, with the key in the environment.
pub(crate) fn harness(api: &ModelApi) -> Harness {
    let entry = zeta(api);
    Harness::with_env(Env::new().with("ZETA_API_KEY", KEY), |runtime| {
        runtime.plugin(entry).transports(transports())
    })
}
