//! `kilocode-thinking` and `openrouter-thinking`: the proxy wrappers of
//! `src/llm/providers/stream-wrappers/proxy.ts` (feature, attribution and
//! response-cache headers; the shared reasoning normalization).

use clawkit_core::{HeaderPrecedence, SharedStreamFn, StreamFnExt, ThinkingLevel};
use serde_json::{Map, Value, json};

use super::effort;
use super::endpoint::{EndpointClass, merge_request_headers};
use super::params::{delete, finite_number, level_name, lower_str, own, parse_boolean, truthy};

/// `mapThinkingLevelToReasoningEffort`: `off` → `none`, `adaptive` →
/// `medium`, `max`/`ultra` → `xhigh`, the others as named.
pub(crate) fn map_level_to_effort(level: &str) -> String {
    match level {
        "off" => "none",
        "adaptive" => "medium",
        "max" | "ultra" => "xhigh",
        other => other,
    }
    .to_owned()
}

/// `normalizeOpenAICompatibleReasoningPayload`: drops `reasoning_effort`;
/// with a level other than `off`, adds `reasoning: {effort}`, or the
/// effort to a `reasoning` object that has neither `max_tokens` nor
/// `effort`.
pub(crate) fn normalize_reasoning(payload: &mut Value, level: Option<&str>) {
    let Some(body) = payload.as_object_mut() else {
        return;
    };
    delete(body, "reasoning_effort");
    let Some(level) = level.filter(|level| *level != "off") else {
        return;
    };
    let effort = map_level_to_effort(level);
    if let Some(Value::Object(reasoning)) = body.get_mut("reasoning") {
        if !reasoning.contains_key("max_tokens") && !reasoning.contains_key("effort") {
            reasoning.insert("effort".into(), json!(effort));
        }
    } else if !truthy(body.get("reasoning")) {
        body.insert("reasoning".into(), json!({"effort": effort}));
    }
}

/// `isProxyReasoningUnsupported`: an `x-ai/…` model id.
pub(crate) fn proxy_reasoning_unsupported(model_id: &str) -> bool {
    let id = lower_str(model_id);
    matches!(id.find('/'), Some(slash) if slash > 0 && &id[..slash] == "x-ai")
}

/// The `X-KILOCODE-FEATURE` value: `$KILOCODE_FEATURE` (trimmed), else
/// `openclaw`.
pub(crate) fn kilocode_feature(env_value: Option<&str>) -> String {
    env_value
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .unwrap_or("openclaw")
        .to_owned()
}

/// `createKilocodeWrapper`.
pub(crate) fn kilocode(stream_fn: SharedStreamFn, level: Option<ThinkingLevel>) -> SharedStreamFn {
    let level = level.and_then(level_name);
    stream_fn
        .patch_payload(move |payload, _model| normalize_reasoning(payload, level.as_deref()))
        .map_request(|mut request| {
            let feature = kilocode_feature(std::env::var("KILOCODE_FEATURE").ok().as_deref());
            let provider = request.model.provider.clone();
            merge_request_headers(
                &mut request.options.headers,
                &provider,
                &request.model,
                vec![("X-KILOCODE-FEATURE", feature)],
                HeaderPrecedence::DefaultsWin,
            );
            request
        })
}

/// `resolveOpenRouterResponseCacheTtlSeconds`: 1 to 86 400 seconds.
fn cache_ttl(value: Option<&Value>) -> Option<String> {
    let seconds = finite_number(value)?.trunc().clamp(1.0, 86_400.0);
    // Clamped to 1..=86 400 and truncated, so the cast is exact.
    #[allow(clippy::cast_possible_truncation)]
    let seconds = seconds as i64;
    Some(seconds.to_string())
}

/// `resolveOpenRouterResponseCacheHeaders`: the `X-OpenRouter-Cache*`
/// headers the params ask for, on OpenRouter's own endpoint.
pub(crate) fn response_cache_headers(
    class: EndpointClass,
    params: &Map<String, Value>,
) -> Vec<(&'static str, String)> {
    if class != EndpointClass::OpenRouter {
        return Vec::new();
    }
    let configured = parse_boolean(own(params, &["responseCache", "response_cache"]));
    let clear =
        parse_boolean(own(params, &["responseCacheClear", "response_cache_clear"])) == Some(true);
    let Some(enabled) = configured.or(clear.then_some(true)) else {
        return Vec::new();
    };
    let mut headers = vec![("X-OpenRouter-Cache", enabled.to_string())];
    if !enabled {
        return headers;
    }
    let ttl = cache_ttl(own(
        params,
        &[
            "responseCacheTtlSeconds",
            "response_cache_ttl_seconds",
            "responseCacheTtl",
            "response_cache_ttl",
        ],
    ));
    if let Some(ttl) = ttl {
        headers.push(("X-OpenRouter-Cache-TTL", ttl));
    }
    if clear {
        headers.push(("X-OpenRouter-Cache-Clear", "true".to_owned()));
    }
    headers
}

/// `createOpenRouterWrapper`.
pub(crate) fn openrouter(
    stream_fn: SharedStreamFn,
    level: Option<ThinkingLevel>,
    params: Map<String, Value>,
) -> SharedStreamFn {
    let level = level.and_then(level_name);
    stream_fn
        .patch_payload(move |payload, model| {
            let no_effort = effort::model_efforts(None, &model.compat)
                .is_some_and(|efforts| efforts.is_empty());
            normalize_reasoning(payload, if no_effort { None } else { level.as_deref() });
        })
        .map_request(move |mut request| {
            let class = EndpointClass::of(&request.model.base_url);
            let cache = response_cache_headers(class, &params);
            let provider = request.model.provider.clone();
            merge_request_headers(
                &mut request.options.headers,
                &provider,
                &request.model,
                cache,
                HeaderPrecedence::CallerWins,
            );
            request
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn reasoning_is_normalized_like_openclaw() {
        let cases = [
            (
                json!({"reasoning_effort": "high"}),
                Some("low"),
                json!({"reasoning": {"effort": "low"}}),
            ),
            (json!({"reasoning_effort": "high"}), Some("off"), json!({})),
            (
                json!({"reasoning": {"max_tokens": 10}}),
                Some("high"),
                json!({"reasoning": {"max_tokens": 10}}),
            ),
            (
                json!({"reasoning": {"enabled": true}}),
                Some("adaptive"),
                json!({"reasoning": {"enabled": true, "effort": "medium"}}),
            ),
            (
                json!({"reasoning": null}),
                Some("xhigh"),
                json!({"reasoning": {"effort": "xhigh"}}),
            ),
            (
                json!({}),
                Some("max"),
                json!({"reasoning": {"effort": "xhigh"}}),
            ),
            (
                json!({"reasoning": "high"}),
                Some("low"),
                json!({"reasoning": "high"}),
            ),
            (json!({"reasoning": {}}), None, json!({"reasoning": {}})),
        ];
        for (mut payload, level, expected) in cases {
            normalize_reasoning(&mut payload, level);
            assert_eq!(payload, expected, "{level:?}");
        }
    }

    #[test]
    fn x_ai_ids_have_no_proxy_reasoning() {
        assert!(proxy_reasoning_unsupported(" X-AI/grok-4 "));
        assert!(!proxy_reasoning_unsupported("x-ai"));
        assert!(!proxy_reasoning_unsupported("/x-ai/grok"));
        assert!(!proxy_reasoning_unsupported("openai/gpt-5"));
    }

    #[test]
    fn the_kilocode_feature_defaults_to_openclaw() {
        assert_eq!(kilocode_feature(None), "openclaw");
        assert_eq!(kilocode_feature(Some("  ")), "openclaw");
        assert_eq!(kilocode_feature(Some(" cli ")), "cli");
    }

    #[test]
    fn response_cache_headers_follow_the_params() {
        let names = |value: Value| -> Vec<(&'static str, String)> {
            response_cache_headers(EndpointClass::OpenRouter, &params(value))
        };
        assert_eq!(
            names(json!({"responseCache": "on", "responseCacheTtlSeconds": "90000.7"})),
            [
                ("X-OpenRouter-Cache", "true".to_owned()),
                ("X-OpenRouter-Cache-TTL", "86400".to_owned())
            ]
        );
        assert_eq!(
            names(json!({"response_cache_clear": true, "response_cache_ttl": 0.5})),
            [
                ("X-OpenRouter-Cache", "true".to_owned()),
                ("X-OpenRouter-Cache-TTL", "1".to_owned()),
                ("X-OpenRouter-Cache-Clear", "true".to_owned())
            ]
        );
        assert_eq!(
            names(json!({"responseCache": false, "responseCacheClear": true})),
            [("X-OpenRouter-Cache", "false".to_owned())]
        );
        assert!(names(json!({"responseCache": "maybe"})).is_empty());
        assert!(
            response_cache_headers(
                EndpointClass::Custom,
                &params(json!({"responseCache": true}))
            )
            .is_empty()
        );
    }
}
