//! Native streaming usage compat: OpenClaw's
//! `supportsNativeStreamingUsageCompat` and
//! `applyProviderNativeStreamingUsageCompat`
//! (`src/plugin-sdk/provider-catalog-shared.ts`), for a provider's
//! `apply_native_streaming_usage_compat` hook.
//!
//! The native Moonshot and Model Studio (DashScope) endpoints report token
//! usage on a streamed chat completion when asked with
//! `stream_options.include_usage`; a generic OpenAI-compatible endpoint may
//! not. Support is decided by the class of the endpoint (see
//! [`EndpointClass`]), not by the provider id, so a custom provider id on a
//! native host is supported and `moonshot` behind a proxy is not.
//!
//! ```
//! use clawkit_core::prelude::*;
//! use clawkit_core::ProviderConfigContext;
//! use clawkit_families::usage_compat::apply_provider_native_streaming_usage_compat;
//!
//! struct Kimi;
//!
//! impl ProviderHooks for Kimi {
//!     fn apply_native_streaming_usage_compat(&self, ctx: &ProviderConfigContext) -> Option<ProviderConfig> {
//!         let mut config = ctx.provider_config.clone();
//!         apply_provider_native_streaming_usage_compat(&ctx.provider, &mut config).then_some(config)
//!     }
//! }
//! # let _ = Kimi;
//! ```

use std::sync::LazyLock;

use clawkit_core::{ModelCompat, ProviderConfig};
use regex::Regex;
use url::Url;

use crate::stream::EndpointClass;

/// Whether the endpoint at `base_url` streams usage natively: true exactly
/// when its class is `moonshot-native` or `modelstudio-native`. A base URL
/// without a scheme (`api.moonshot.ai/v1`) is read as `https://`; an
/// empty or unparsable one is not supported. `provider_id` does not
/// change the answer (OpenClaw resolves the route's capabilities for it,
/// but this one depends on the host alone).
///
/// ```
/// use clawkit_families::usage_compat::supports_native_streaming_usage_compat;
///
/// assert!(supports_native_streaming_usage_compat("moonshot", "https://api.moonshot.ai/v1"));
/// assert!(supports_native_streaming_usage_compat("my-kimi", "api.moonshot.cn/v1"));
/// assert!(supports_native_streaming_usage_compat("qwen", "https://dashscope.aliyuncs.com/compatible-mode/v1"));
/// assert!(!supports_native_streaming_usage_compat("moonshot", "https://proxy.example.com/moonshot/v1"));
/// assert!(!supports_native_streaming_usage_compat("moonshot", ""));
/// ```
pub fn supports_native_streaming_usage_compat(provider_id: &str, base_url: &str) -> bool {
    let _ = provider_id;
    parse_base_url(base_url).is_some_and(|url| supports_url(&url))
}

fn supports_url(base_url: &Url) -> bool {
    matches!(
        EndpointClass::of(base_url),
        EndpointClass::MoonshotNative | EndpointClass::ModelStudioNative
    )
}

/// A configured base URL as OpenClaw reads it: trimmed, `https://` added
/// to a bare `host[:port][/path]`.
fn parse_base_url(base_url: &str) -> Option<Url> {
    static SCHEMELESS: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"(?i)^[a-z0-9.\[\]-]+(?::\d+)?(?:[/?#].*)?$").ok());
    let trimmed = base_url.trim();
    if trimmed.is_empty() {
        return None;
    }
    let schemeless = SCHEMELESS
        .as_ref()
        .is_some_and(|pattern| pattern.is_match(trimmed));
    if schemeless {
        Url::parse(&format!("https://{trimmed}")).ok()
    } else {
        Url::parse(trimmed).ok()
    }
}

/// Marks the model rows of `config` as streaming usage when its endpoint
/// supports it natively: each row whose `compat.supportsUsageInStreaming`
/// is unset gets it `true`; an explicit `true` or `false` is kept. Returns
/// whether a row changed (a config without rows, or on another endpoint,
/// is left as it is). `provider_id` is the provider the config belongs to.
///
/// ```
/// use clawkit_core::{ModelApi, ModelCompat, ModelDefinition, ProviderConfig};
/// use clawkit_families::usage_compat::apply_provider_native_streaming_usage_compat;
///
/// let mut explicit = ModelCompat::default();
/// explicit.supports_usage_in_streaming = Some(false);
/// let mut config = ProviderConfig::new("https://api.moonshot.ai/v1".parse().unwrap(), ModelApi::OpenAiCompletions)
///     .with_model(ModelDefinition::new("kimi-k2.6"))
///     .with_model(ModelDefinition::new("kimi-legacy").with_compat(explicit));
/// assert!(apply_provider_native_streaming_usage_compat("moonshot", &mut config));
/// let flags: Vec<Option<bool>> = config.models.iter()
///     .map(|row| row.compat.as_ref().and_then(|compat| compat.supports_usage_in_streaming))
///     .collect();
/// assert_eq!(flags, [Some(true), Some(false)]);
/// ```
pub fn apply_provider_native_streaming_usage_compat(
    provider_id: &str,
    config: &mut ProviderConfig,
) -> bool {
    let _ = provider_id;
    if !supports_url(&config.base_url) {
        return false;
    }
    let mut changed = false;
    for row in &mut config.models {
        let compat = row.compat.get_or_insert_with(ModelCompat::default);
        if compat.supports_usage_in_streaming.is_none() {
            compat.supports_usage_in_streaming = Some(true);
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use clawkit_core::{ModelApi, ModelDefinition};

    fn config(base_url: &str) -> ProviderConfig {
        match base_url.parse() {
            Ok(url) => ProviderConfig::new(url, ModelApi::OpenAiCompletions),
            Err(error) => unreachable!("{base_url}: {error}"),
        }
    }

    #[test]
    fn host_classes_decide_and_the_provider_id_does_not() {
        let supported = [
            ("moonshot", "https://api.moonshot.ai/v1"),
            ("moonshot", "https://api.moonshot.cn/v1/"),
            ("custom-kimi", "https://api.moonshot.ai/v1"),
            (
                "qwen",
                "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            ),
            ("qwen", "coding.dashscope.aliyuncs.com/v1"),
            (
                "qwen",
                "https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1",
            ),
        ];
        for (provider, url) in supported {
            assert!(
                supports_native_streaming_usage_compat(provider, url),
                "{provider} {url}"
            );
        }
        let unsupported = [
            ("moonshot", "https://api.moonshot.ai"),
            ("moonshot", "https://api.moonshot.ai/anthropic"),
            ("moonshot", "https://openrouter.ai/api/v1"),
            ("qwen", "https://dashscope.aliyuncs.com/api/v1"),
            ("openai", "https://api.openai.com/v1"),
            ("ollama", "http://127.0.0.1:11434/v1"),
            ("moonshot", "   "),
            ("moonshot", "not a url"),
        ];
        for (provider, url) in unsupported {
            assert!(
                !supports_native_streaming_usage_compat(provider, url),
                "{provider} {url}"
            );
        }
    }

    #[test]
    fn unset_flags_are_set_and_explicit_ones_kept() {
        let mut explicit_false = ModelCompat::default();
        explicit_false.supports_usage_in_streaming = Some(false);
        let mut other_flag = ModelCompat::default();
        other_flag.supports_tools = Some(true);
        let mut moonshot = config("https://api.moonshot.ai/v1")
            .with_model(ModelDefinition::new("plain"))
            .with_model(ModelDefinition::new("tools").with_compat(other_flag))
            .with_model(ModelDefinition::new("off").with_compat(explicit_false));
        assert!(apply_provider_native_streaming_usage_compat(
            "moonshot",
            &mut moonshot
        ));
        let flags: Vec<(Option<bool>, Option<bool>)> = moonshot
            .models
            .iter()
            .map(|row| {
                let compat = row.compat.clone().unwrap_or_default();
                (compat.supports_usage_in_streaming, compat.supports_tools)
            })
            .collect();
        assert_eq!(
            flags,
            [
                (Some(true), None),
                (Some(true), Some(true)),
                (Some(false), None)
            ]
        );
        // A second pass finds every flag explicit and changes nothing.
        let before = moonshot.clone();
        assert!(!apply_provider_native_streaming_usage_compat(
            "moonshot",
            &mut moonshot
        ));
        assert_eq!(moonshot, before);
    }

    #[test]
    fn other_endpoints_and_empty_configs_are_left_alone() {
        let mut proxy =
            config("https://proxy.example/v1").with_model(ModelDefinition::new("kimi-k2.6"));
        let before = proxy.clone();
        assert!(!apply_provider_native_streaming_usage_compat(
            "moonshot", &mut proxy
        ));
        assert_eq!(proxy, before);
        let mut empty = config("https://api.moonshot.ai/v1");
        assert!(!apply_provider_native_streaming_usage_compat(
            "moonshot", &mut empty
        ));
        assert!(empty.models.is_empty());
    }
}
