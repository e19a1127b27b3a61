//! The OpenAI Responses payload policy
//! (`packages/ai/src/transports/openai-responses-payload-policy.ts`): which
//! of `store`, prompt-cache keys, server compaction, service tier and
//! disabled reasoning a Responses endpoint takes.

use clawkit_core::RuntimeModel;
use serde_json::{Map, Value, json};

use super::effort;
use super::params::{delete, lower_str, positive_integer};

/// The APIs that speak Responses (managed transport names included).
const RESPONSES_APIS: [&str; 6] = [
    "openai-responses",
    "azure-openai-responses",
    "openai-chatgpt-responses",
    "openclaw-openai-responses-transport",
    "openclaw-openai-chatgpt-responses-transport",
    "openclaw-azure-openai-responses-transport",
];

/// The payload policy's own endpoint classes (it does not read manifests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    OpenAiPublic,
    OpenAi,
    XaiNative,
    AzureOpenAi,
    Custom,
}

fn class(model: &RuntimeModel) -> Class {
    let host = model.base_url.host_str().unwrap_or_default().to_lowercase();
    match host.as_str() {
        "api.openai.com" => Class::OpenAiPublic,
        "chatgpt.com" => Class::OpenAi,
        "api.x.ai" => Class::XaiNative,
        _ if [
            ".openai.azure.com",
            ".cognitiveservices.azure.com",
            ".services.ai.azure.com",
            ".api.cognitive.microsoft.com",
        ]
        .iter()
        .any(|suffix| host.ends_with(suffix)) =>
        {
            Class::AzureOpenAi
        }
        _ => Class::Custom,
    }
}

fn compat_flag(model: &RuntimeModel, name: &str) -> Option<bool> {
    match name {
        "supportsStore" => model.compat.supports_store,
        "supportsPromptCacheKey" => model.compat.supports_prompt_cache_key,
        other => model.compat.extra.get(other).and_then(Value::as_bool),
    }
}

/// Whether `api` is a Responses API.
pub(crate) fn is_responses_api(api: &str) -> bool {
    RESPONSES_APIS.contains(&api)
}

/// What `storeMode` asks of `store`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StoreMode {
    /// Leave `store` as the transport set it.
    Preserve,
    /// `store: false` where the field is taken.
    Disable,
    /// `store: true` where the provider keeps responses.
    ProviderPolicy,
}

/// `resolveOpenAIResponsesPayloadPolicy`'s result.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Policy {
    pub(crate) allows_service_tier: bool,
    compact_threshold: Option<u64>,
    pub(crate) explicit_store: Option<bool>,
    pub(crate) strip_disabled_reasoning: bool,
    strip_input_status: bool,
    pub(crate) strip_prompt_cache: bool,
    pub(crate) strip_store: bool,
    pub(crate) use_server_compaction: bool,
}

/// Options of [`Policy::resolve`].
pub(crate) struct PolicyOptions<'a> {
    pub(crate) extra_params: Option<&'a Map<String, Value>>,
    pub(crate) strip_prompt_cache: bool,
    pub(crate) server_compaction: bool,
    pub(crate) store_mode: StoreMode,
}

impl PolicyOptions<'_> {
    /// Only a store mode.
    pub(crate) fn store(store_mode: StoreMode) -> Self {
        PolicyOptions {
            extra_params: None,
            strip_prompt_cache: false,
            server_compaction: false,
            store_mode,
        }
    }
}

impl Policy {
    /// The policy of `model`'s endpoint.
    pub(crate) fn resolve(model: &RuntimeModel, options: &PolicyOptions<'_>) -> Policy {
        let provider = lower_str(&model.provider);
        let api = lower_str(model.api.as_str());
        let class = class(model);
        let responses = is_responses_api(&api);
        let native_route = matches!(
            class,
            Class::OpenAiPublic | Class::OpenAi | Class::AzureOpenAi
        );
        let proxy_like = !native_route;
        let strip_prompt_cache_field = match compat_flag(model, "supportsPromptCacheKey") {
            Some(true) => false,
            Some(false) => responses,
            None => responses && proxy_like,
        };
        let store_field = compat_flag(model, "supportsStore") != Some(false) && responses;
        let continuation_opt_in = matches!(
            api.as_str(),
            "openai-responses" | "openclaw-openai-responses-transport"
        ) && store_field
            && provider != "azure-openai"
            && provider != "azure-openai-responses"
            && compat_flag(model, "supportsResponsesContinuation") == Some(true);
        let allows_service_tier = provider == "openai"
            && ((matches!(
                api.as_str(),
                "openai-responses" | "openclaw-openai-responses-transport"
            ) && class == Class::OpenAiPublic)
                || (matches!(
                    api.as_str(),
                    "openai-chatgpt-responses"
                        | "openclaw-openai-chatgpt-responses-transport"
                        | "openai-responses"
                        | "openclaw-openai-responses-transport"
                ) && class == Class::OpenAi));
        let allows_store = store_field
            && api != "openai-chatgpt-responses"
            && api != "openclaw-openai-chatgpt-responses-transport"
            && matches!(
                provider.as_str(),
                "openai" | "azure-openai" | "azure-openai-responses"
            )
            && native_route;

        let explicit_store = match options.store_mode {
            StoreMode::Preserve => None,
            StoreMode::Disable => store_field.then_some(false),
            StoreMode::ProviderPolicy => (allows_store || continuation_opt_in).then_some(true),
        };
        let supports_none = if native_route {
            effort::supports(Some(model), &model.compat, "none")
        } else {
            effort::supports(None, &model.compat, "none")
        };
        let params = options.extra_params;
        let configured = params.and_then(|params| params.get("responsesServerCompaction"));
        let compaction = configured != Some(&Value::Bool(false))
            && allows_store
            && (configured == Some(&Value::Bool(true)) || provider == "openai");
        let compact_threshold = compaction.then(|| {
            positive_integer(params.and_then(|params| params.get("responsesCompactThreshold")))
                .unwrap_or_else(|| compact_threshold(model))
        });
        Policy {
            allows_service_tier,
            compact_threshold,
            explicit_store,
            strip_disabled_reasoning: responses && !supports_none,
            strip_input_status: responses && !native_route,
            strip_prompt_cache: options.strip_prompt_cache && strip_prompt_cache_field,
            strip_store: explicit_store != Some(true)
                && compat_flag(model, "supportsStore") == Some(false)
                && responses,
            use_server_compaction: options.server_compaction && compaction,
        }
    }

    /// `applyOpenAIResponsesPayloadPolicy`.
    pub(crate) fn apply(&self, payload: &mut Value) {
        let Some(body) = payload.as_object_mut() else {
            return;
        };
        if let Some(store) = self.explicit_store {
            body.insert("store".into(), Value::Bool(store));
        }
        if self.strip_store {
            delete(body, "store");
        }
        if self.strip_prompt_cache {
            delete(body, "prompt_cache_key");
            delete(body, "prompt_cache_retention");
        }
        if let Some(threshold) = self
            .compact_threshold
            .filter(|_| self.use_server_compaction)
            && !body.contains_key("context_management")
        {
            body.insert(
                "context_management".into(),
                json!([{"type": "compaction", "compact_threshold": threshold}]),
            );
        }
        if self.strip_disabled_reasoning {
            let disabled = match body.get("reasoning") {
                Some(Value::String(effort)) => effort == "none",
                Some(Value::Object(reasoning)) => reasoning.get("effort") == Some(&json!("none")),
                _ => false,
            };
            if disabled {
                delete(body, "reasoning");
            }
        }
        if self.strip_input_status
            && let Some(Value::Array(items)) = body.get_mut("input")
        {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                delete(item, "status");
            }
        }
    }

    /// Whether applying it would change nothing the context-management
    /// wrapper cares about (it then leaves the request alone).
    pub(crate) fn is_idle(&self) -> bool {
        self.explicit_store.is_none()
            && !self.use_server_compaction
            && !self.strip_store
            && !self.strip_prompt_cache
            && !self.strip_disabled_reasoning
    }
}

/// `resolveOpenAIResponsesCompactThreshold`: 70% of the smaller of the
/// context cap and window (at least 1 000), else 80 000.
fn compact_threshold(model: &RuntimeModel) -> u64 {
    let tokens = model.context_tokens.filter(|tokens| *tokens > 0);
    let window = Some(model.context_window).filter(|window| *window > 0);
    let budget = match (tokens, window) {
        (Some(tokens), Some(window)) => Some(tokens.min(window)),
        (tokens, window) => tokens.or(window),
    };
    // OpenClaw's `Math.floor(budget * 0.7)`, in the same float arithmetic.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let seventy_percent = |budget: u64| (budget as f64 * 0.7).floor() as u64;
    budget.map_or(80_000, |budget| seventy_percent(budget).max(1_000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clawkit_core::ModelApi;

    fn model(provider: &str, base: &str) -> RuntimeModel {
        match base.parse() {
            Ok(base) => RuntimeModel::new(provider, "gpt-5.1", ModelApi::OpenAiResponses, base),
            Err(error) => unreachable!("{error}"),
        }
    }

    #[test]
    fn native_openai_stores_and_compacts_at_seventy_percent() {
        let model = model("openai", "https://api.openai.com/v1").with_limits(400_000, 128_000);
        let options = PolicyOptions {
            extra_params: None,
            strip_prompt_cache: true,
            server_compaction: true,
            store_mode: StoreMode::ProviderPolicy,
        };
        let policy = Policy::resolve(&model, &options);
        let mut body = json!({"model": "gpt-5.1", "store": false});
        policy.apply(&mut body);
        assert_eq!(
            body,
            json!({"model": "gpt-5.1", "store": true,
                   "context_management": [{"type": "compaction", "compact_threshold": 280_000}]})
        );
    }

    #[test]
    fn a_proxy_loses_prompt_cache_keys_item_statuses_and_disabled_reasoning() {
        let model = model("openai", "https://proxy.example/v1");
        let options = PolicyOptions {
            extra_params: None,
            strip_prompt_cache: true,
            server_compaction: true,
            store_mode: StoreMode::ProviderPolicy,
        };
        let policy = Policy::resolve(&model, &options);
        let mut body = json!({"prompt_cache_key": "k", "reasoning": {"effort": "none"},
                              "input": [{"type": "message", "status": "completed"}]});
        policy.apply(&mut body);
        assert_eq!(body, json!({"input": [{"type": "message"}]}));
    }

    #[test]
    fn the_threshold_uses_the_smaller_budget() {
        let mut model = model("openai", "https://api.openai.com/v1").with_limits(200_000, 8_000);
        model.context_tokens = Some(100_000);
        assert_eq!(compact_threshold(&model), 70_000);
        model.context_tokens = Some(1_000);
        assert_eq!(compact_threshold(&model), 1_000);
    }
}
