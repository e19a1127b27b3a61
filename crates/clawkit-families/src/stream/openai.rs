//! `openai-responses-defaults`: OpenClaw's OpenAI wrapper stack
//! (`src/llm/providers/stream-wrappers/openai.ts`), each layer built on
//! [`StreamFnExt`].

use clawkit_core::{HeaderPrecedence, RuntimeModel, SharedStreamFn, StreamFnExt, ThinkingLevel};
use serde_json::{Map, Value, json};

use super::effort;
use super::endpoint::{EndpointClass, merge_request_headers, supports_openai_reasoning_compat};
use super::params::{coalesce, delete, fast_mode, level_name, lower, lower_str, own, record};
use super::proxy::map_level_to_effort;
use super::responses::{Policy, PolicyOptions, StoreMode};

/// `resolveOpenAIServiceTier`: `serviceTier` / `service_tier` when it is
/// `auto`, `default`, `flex` or `priority` (in any case).
pub(crate) fn service_tier(params: &Map<String, Value>) -> Option<String> {
    lower(coalesce(params, &["serviceTier", "service_tier"]))
        .filter(|tier| matches!(tier.as_str(), "auto" | "default" | "flex" | "priority"))
}

/// `resolveOpenAITextVerbosity`: `textVerbosity` / `text_verbosity` when it
/// is `low`, `medium` or `high`.
pub(crate) fn text_verbosity(params: &Map<String, Value>) -> Option<String> {
    lower(coalesce(params, &["textVerbosity", "text_verbosity"]))
        .filter(|verbosity| matches!(verbosity.as_str(), "low" | "medium" | "high"))
}

/// `resolveOpenAIFastMode`: on or off; `auto` and unknown words are absent.
fn openai_fast_mode(params: &Map<String, Value>) -> Option<bool> {
    fast_mode(coalesce(params, &["fastMode", "fast_mode"])).flatten()
}

/// The whole `openai-responses-defaults` stack around `stream_fn`, inner
/// to outer.
pub(crate) fn responses_defaults(
    stream_fn: SharedStreamFn,
    params: &Map<String, Value>,
    level: Option<ThinkingLevel>,
) -> SharedStreamFn {
    let mut next = attribution_headers(stream_fn);
    let tier = service_tier(params);
    let has_fast_mode =
        own(params, &["fastMode"]).is_some() || own(params, &["fast_mode"]).is_some();
    if tier.is_none() && has_fast_mode {
        next = fast_mode_layer(next, openai_fast_mode(params));
    }
    if let Some(tier) = tier {
        next = service_tier_layer(next, tier);
    }
    if let Some(verbosity) = text_verbosity(params) {
        next = text_verbosity_layer(next, verbosity);
    }
    // Step 5, `createCodexNativeWebSearchWrapper`, is not here: it is driven
    // by OpenClaw's root config (`tools.web.search.openaiCodex.enabled`,
    // `tools.web.search.enabled` / `.provider`), its auth-profile store
    // (`auth.profiles`, the agent dir) and its tool policy engine
    // (`web_search` allowed for the agent, sender, group, sandboxes), none
    // of which a `WrapStreamFnContext` carries; it reads no extra param.
    // Without that config it does nothing, which is what clawkit does.
    next = string_content(next);
    next = thinking_level_layer(next, level);
    next = reasoning_compatibility(next);
    context_management(next, params.clone())
}

/// `createOpenAIAttributionHeadersWrapper`: on OpenAI's own public API and
/// Codex, `originator`, `version` and `User-Agent`, over the caller's.
pub(crate) fn attribution_headers(stream_fn: SharedStreamFn) -> SharedStreamFn {
    stream_fn.map_request(|mut request| {
        let class = EndpointClass::of(&request.model.base_url);
        let openai = request.model.provider.trim().eq_ignore_ascii_case("openai")
            && matches!(class, EndpointClass::OpenAiPublic | EndpointClass::OpenAi);
        if openai {
            merge_request_headers(
                &mut request.options.headers,
                "openai",
                &request.model,
                Vec::new(),
                HeaderPrecedence::DefaultsWin,
            );
        }
        request
    })
}

/// `supportsOpenAIResponsesFastMode`.
fn supports_fast_mode(model: &RuntimeModel) -> bool {
    model.provider == "openai"
        && matches!(
            model.api.as_str(),
            "openai-responses" | "openai-chatgpt-responses" | "azure-openai-responses"
        )
        && Policy::resolve(model, &PolicyOptions::store(StoreMode::Disable)).allows_service_tier
}

fn allows_service_tier(model: &RuntimeModel) -> bool {
    Policy::resolve(model, &PolicyOptions::store(StoreMode::Disable)).allows_service_tier
}

/// `createOpenAIFastModeWrapper`: fast mode on → `service_tier: "priority"`
/// where the endpoint takes a tier and none is set.
pub(crate) fn fast_mode_layer(stream_fn: SharedStreamFn, enabled: Option<bool>) -> SharedStreamFn {
    stream_fn.patch_payload(move |payload, model| {
        if enabled != Some(true) || !supports_fast_mode(model) {
            return;
        }
        if let Some(body) = payload.as_object_mut()
            && !body.contains_key("service_tier")
            && allows_service_tier(model)
        {
            body.insert("service_tier".into(), json!("priority"));
        }
    })
}

/// `createOpenAIServiceTierWrapper`: the configured tier where the
/// endpoint takes one and none is set.
pub(crate) fn service_tier_layer(stream_fn: SharedStreamFn, tier: String) -> SharedStreamFn {
    stream_fn.patch_payload(move |payload, model| {
        if !allows_service_tier(model) {
            return;
        }
        if let Some(body) = payload.as_object_mut()
            && !body.contains_key("service_tier")
        {
            body.insert("service_tier".into(), json!(tier));
        }
    })
}

/// `createOpenAITextVerbosityWrapper`: `text.verbosity` on Responses APIs;
/// Codex always takes the configured value, `openai/chat-latest` always
/// `medium`, others keep one already set.
pub(crate) fn text_verbosity_layer(stream_fn: SharedStreamFn, verbosity: String) -> SharedStreamFn {
    stream_fn.patch_payload(move |payload, model| {
        let api = model.api.as_str();
        if api != "openai-responses" && api != "openai-chatgpt-responses" {
            return;
        }
        let chat_latest = lower_str(api) == "openai-responses"
            && lower_str(&model.provider) == "openai"
            && lower_str(&model.id) == "chat-latest";
        let resolved = if chat_latest {
            "medium"
        } else {
            verbosity.as_str()
        };
        let overrides = api == "openai-chatgpt-responses" || resolved != verbosity;
        let Some(body) = payload.as_object_mut() else {
            return;
        };
        let mut text = record(body.get("text")).cloned().unwrap_or_default();
        if overrides || !text.contains_key("verbosity") {
            text.insert("verbosity".into(), json!(resolved));
            body.insert("text".into(), Value::Object(text));
        }
    })
}

/// `createOpenAIStringContentWrapper`: for a completions model whose compat
/// says `requiresStringContent`, message content made only of text parts
/// becomes their texts joined by newlines.
fn string_content(stream_fn: SharedStreamFn) -> SharedStreamFn {
    stream_fn.patch_payload(|payload, model| {
        if model.api.as_str() != "openai-completions"
            || model.compat.requires_string_content != Some(true)
        {
            return;
        }
        let Some(Value::Array(messages)) = payload.get_mut("messages") else {
            return;
        };
        for message in messages.iter_mut().filter_map(Value::as_object_mut) {
            let Some(Value::Array(parts)) = message.get("content") else {
                continue;
            };
            let texts: Option<Vec<&str>> = parts
                .iter()
                .map(|part| {
                    let part = part.as_object()?;
                    (part.get("type") == Some(&json!("text")))
                        .then(|| part.get("text").and_then(Value::as_str))
                        .flatten()
                })
                .collect();
            if let Some(texts) = texts {
                let joined = texts.join("\n");
                message.insert("content".into(), Value::String(joined));
            }
        }
    })
}

/// `hasResponsesWebSearchTool`.
fn has_web_search_tool(payload: &Value) -> bool {
    let Some(tools) = payload.get("tools").and_then(Value::as_array) else {
        return false;
    };
    tools.iter().filter_map(Value::as_object).any(|tool| {
        tool.get("type") == Some(&json!("web_search"))
            || (tool.get("type") == Some(&json!("function"))
                && tool.get("name") == Some(&json!("web_search")))
            || record(tool.get("function"))
                .is_some_and(|function| function.get("name") == Some(&json!("web_search")))
    })
}

/// `raiseMinimalReasoningForResponsesWebSearchPayload`: `minimal` effort
/// with a web search tool becomes the model's closest to `low`.
fn raise_minimal_for_web_search(payload: &mut Value, model: &RuntimeModel) {
    let minimal = payload
        .get("reasoning")
        .and_then(Value::as_object)
        .is_some_and(|reasoning| reasoning.get("effort") == Some(&json!("minimal")));
    if !minimal || !has_web_search_tool(payload) {
        return;
    }
    let next =
        effort::closest(model, "low").filter(|effort| effort != "minimal" && effort != "none");
    if let (Some(next), Some(Value::Object(reasoning))) = (next, payload.get_mut("reasoning")) {
        reasoning.insert("effort".into(), json!(next));
    }
}

/// `resolveOpenAIThinkingPayloadEffort`.
fn thinking_effort(model: &RuntimeModel, payload: &Value, level: &str) -> String {
    let provider = lower_str(&model.provider);
    let default = map_level_to_effort(level);
    let native_max = provider == "openai" && effort::supports(Some(model), &model.compat, "max");
    let mapped = if provider == "openai" && (level == "max" || (level == "minimal" && native_max)) {
        effort::closest(model, level).unwrap_or(default)
    } else {
        default
    };
    if mapped != "minimal" || !has_web_search_tool(payload) {
        return mapped;
    }
    effort::closest(model, "low").unwrap_or(mapped)
}

/// `createOpenAIThinkingLevelWrapper`: the `/think` level as
/// `reasoning.effort` on OpenAI's own routes (`off` removes `reasoning`);
/// elsewhere only the web-search raise of `minimal`.
fn thinking_level_layer(stream_fn: SharedStreamFn, level: Option<ThinkingLevel>) -> SharedStreamFn {
    let Some(level) = level.and_then(level_name) else {
        return stream_fn;
    };
    stream_fn.patch_payload(move |payload, model| {
        if !supports_openai_reasoning_compat(model) {
            if level != "off" {
                raise_minimal_for_web_search(payload, model);
            }
            return;
        }
        if level == "off" {
            if let Some(body) = payload.as_object_mut() {
                delete(body, "reasoning");
            }
            return;
        }
        let effort = thinking_effort(model, payload, &level);
        if payload.get("reasoning") == Some(&json!("none")) {
            if let Some(body) = payload.as_object_mut() {
                body.insert("reasoning".into(), json!({"effort": effort}));
            }
            return;
        }
        let Some(Value::Object(reasoning)) = payload.get_mut("reasoning") else {
            return;
        };
        reasoning.insert("effort".into(), json!(effort));
        raise_minimal_for_web_search(payload, model);
    })
}

/// `createOpenAIReasoningCompatibilityWrapper`: on OpenAI's own routes, the
/// payload policy with `store` preserved.
pub(crate) fn reasoning_compatibility(stream_fn: SharedStreamFn) -> SharedStreamFn {
    stream_fn.patch_payload(|payload, model| {
        if supports_openai_reasoning_compat(model) {
            Policy::resolve(model, &PolicyOptions::store(StoreMode::Preserve)).apply(payload);
        }
    })
}

/// `createOpenAIResponsesContextManagementWrapper`: the provider's `store`
/// policy, prompt-cache stripping and server compaction.
pub(crate) fn context_management(
    stream_fn: SharedStreamFn,
    params: Map<String, Value>,
) -> SharedStreamFn {
    stream_fn.patch_payload(move |payload, model| {
        let policy = Policy::resolve(
            model,
            &PolicyOptions {
                extra_params: Some(&params),
                strip_prompt_cache: true,
                server_compaction: true,
                store_mode: StoreMode::ProviderPolicy,
            },
        );
        if !policy.is_idle() {
            policy.apply(payload);
        }
    })
}
