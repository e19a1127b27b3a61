//! `deepseek-thinking`: a clawkit family. OpenClaw 2026.9.6 has no such
//! stream family; for DeepSeek V4 it applies
//! `createDeepSeekV4OpenAICompatibleThinkingWrapper`
//! (`src/llm/providers/stream-wrappers/provider-stream-shared.ts`) in its
//! generic post-plugin wrappers (`applyPostPluginStreamWrappers`, gated by
//! `isDeepSeekV4OpenAICompatibleModel` and
//! `deepSeekV4NativeThinkingAllowedByCompat`), followed by
//! `createDeepSeekV4NonNativeCompatSanitizerWrapper`. This family is those
//! two wrappers with OpenClaw's gates, plus the `deepseek-chat` /
//! `deepseek-reasoner` rules of the design document.

use clawkit_core::{RuntimeModel, SharedStreamFn, StreamFnExt, ThinkingFormat, ThinkingLevel};
use serde_json::{Map, Value, json};

use super::endpoint::EndpointClass;
use super::params::{delete, level_name};

/// What the family does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// Not a DeepSeek model it knows, or not `openai-completions`.
    None,
    /// `deepseek-chat`: no `thinking` field.
    DropThinking,
    /// `deepseek-reasoner`: `thinking: {type: "enabled"}`.
    EnableThinking,
    /// A V4 model with native thinking: the V4 wrapper.
    V4,
    /// A V4 model on a route that rejects DeepSeek's `thinking` (Microsoft
    /// Foundry, or another thinking format): the sanitizer.
    V4NonNative,
}

/// `normalizeDeepSeekV4CandidateId`: trimmed, lower-cased, without a
/// `:suffix`, the last `/` segment.
fn candidate_id(model_id: &str) -> String {
    let lowered = model_id.trim().to_lowercase();
    let unsuffixed = lowered.split(':').next().unwrap_or_default();
    unsuffixed.rsplit('/').next().unwrap_or_default().to_owned()
}

/// `isMicrosoftFoundryProviderId`.
fn is_microsoft_foundry(provider: &str) -> bool {
    let provider = provider.trim().to_lowercase();
    provider == "microsoft-foundry" || provider.starts_with("microsoft-foundry-")
}

/// The `thinkingFormat` OpenClaw detects for an OpenAI-completions endpoint
/// when the compat sets none (`resolveOpenAICompletionsCompatDefaults`), as
/// far as the DeepSeek gate reads it: `deepseek` on DeepSeek's and Xiaomi's
/// own hosts, `zai`, `together` (provider `together` or a Together host),
/// `openrouter` (provider `openrouter` or an OpenRouter host), else `openai`.
fn detected_thinking_format(model: &RuntimeModel) -> &'static str {
    let class = EndpointClass::of(&model.base_url);
    let base = model.base_url.as_str();
    if matches!(
        class,
        EndpointClass::DeepSeekNative | EndpointClass::XiaomiNative
    ) {
        "deepseek"
    } else if class == EndpointClass::ZaiNative {
        "zai"
    } else if model.provider == "together"
        || base.contains("api.together.ai")
        || base.contains("api.together.xyz")
    {
        "together"
    } else if model.provider == "openrouter" || class == EndpointClass::OpenRouter {
        "openrouter"
    } else {
        "openai"
    }
}

/// `deepSeekV4NativeThinkingAllowedByCompat`: the compat's `thinkingFormat`
/// is `deepseek`, or it sets none and the endpoint is not one whose format
/// OpenClaw detects as OpenRouter, Together or Z.AI.
fn native_thinking_allowed(model: &RuntimeModel) -> bool {
    match &model.compat.thinking_format {
        Some(format) => *format == ThinkingFormat::DeepSeek,
        None => !matches!(
            detected_thinking_format(model),
            "openrouter" | "together" | "zai"
        ),
    }
}

/// What the family does for `model`.
pub(crate) fn action(model: &RuntimeModel) -> Action {
    if model.api.as_str() != "openai-completions" {
        return Action::None;
    }
    match candidate_id(&model.id).as_str() {
        "deepseek-v4-flash" | "deepseek-v4-pro" => {
            if !is_microsoft_foundry(&model.provider) && native_thinking_allowed(model) {
                Action::V4
            } else {
                Action::V4NonNative
            }
        }
        "deepseek-chat" => Action::DropThinking,
        "deepseek-reasoner" if native_thinking_allowed(model) => Action::EnableThinking,
        _ => Action::None,
    }
}

/// `resolveDeepSeekV4ReasoningEffort`: `max` for `xhigh` and `max`, else
/// `high` (no level included).
fn v4_effort(level: Option<&str>) -> &'static str {
    match level {
        Some("xhigh" | "max") => "max",
        _ => "high",
    }
}

/// `normalizeOpenAICompatibleReasoningReplay`: with thinking off, no message
/// keeps `reasoning_content`; with thinking on, every assistant message
/// without the key gets `reasoning_content: ""` (a `null` one is kept).
fn reasoning_replay(body: &mut Map<String, Value>, thinking: bool) {
    let Some(Value::Array(messages)) = body.get_mut("messages") else {
        return;
    };
    for message in messages.iter_mut().filter_map(Value::as_object_mut) {
        if !thinking {
            delete(message, "reasoning_content");
        } else if message.get("role") == Some(&json!("assistant"))
            && !message.contains_key("reasoning_content")
        {
            message.insert("reasoning_content".into(), json!(""));
        }
    }
}

/// The body patch of `action` at `level` (the request's level, else the
/// family's: OpenClaw's `options.reasoning ?? thinkingLevel`).
pub(crate) fn patch(payload: &mut Value, action: Action, level: Option<&str>) {
    let Some(body) = payload.as_object_mut() else {
        return;
    };
    match action {
        Action::None => {}
        Action::DropThinking => delete(body, "thinking"),
        Action::EnableThinking => {
            body.insert("thinking".into(), json!({"type": "enabled"}));
        }
        // `createDeepSeekV4OpenAICompatibleThinkingWrapper`.
        Action::V4 if matches!(level, Some("off" | "none")) => {
            body.insert("thinking".into(), json!({"type": "disabled"}));
            delete(body, "reasoning_effort");
            delete(body, "reasoning");
            reasoning_replay(body, false);
        }
        Action::V4 => {
            body.insert("thinking".into(), json!({"type": "enabled"}));
            body.insert("reasoning_effort".into(), json!(v4_effort(level)));
            reasoning_replay(body, true);
        }
        // `createDeepSeekV4NonNativeCompatSanitizerWrapper`.
        Action::V4NonNative => {
            delete(body, "thinking");
            if let Some(Value::Array(messages)) = body.get_mut("messages") {
                for message in messages.iter_mut().filter_map(Value::as_object_mut) {
                    delete(message, "reasoning_content");
                }
            }
        }
    }
}

/// The `deepseek-thinking` layer around `stream_fn`.
pub(crate) fn deepseek_thinking(
    stream_fn: SharedStreamFn,
    level: Option<ThinkingLevel>,
) -> SharedStreamFn {
    stream_fn.map_request(move |mut request| {
        let action = action(&request.model);
        if action != Action::None {
            let level = request
                .options
                .thinking_level
                .or(level)
                .and_then(level_name);
            request
                .options
                .patch_payload(move |payload, _model| patch(payload, action, level.as_deref()));
        }
        request
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clawkit_core::ModelApi;

    fn model(provider: &str, id: &str, base: &str) -> RuntimeModel {
        match base.parse() {
            Ok(base) => RuntimeModel::new(provider, id, ModelApi::OpenAiCompletions, base),
            Err(error) => unreachable!("{base}: {error}"),
        }
    }

    fn deepseek(id: &str) -> RuntimeModel {
        model("deepseek", id, "https://api.deepseek.com")
    }

    fn body() -> Value {
        json!({
            "model": "m",
            "messages": [
                {"role": "user", "content": "hi", "reasoning_content": "odd"},
                {"role": "assistant", "content": "", "tool_calls": [{"id": "c", "type": "function"}]},
                {"role": "tool", "tool_call_id": "c", "content": "x"},
                {"role": "assistant", "content": "a", "reasoning_content": null},
                {"role": "assistant", "content": "b", "reasoning_content": "kept"}
            ],
            "thinking": {"type": "enabled", "budget_tokens": 100},
            "reasoning_effort": "low",
            "reasoning": {"effort": "low"},
            "stream": true
        })
    }

    fn patched(model: &RuntimeModel, level: Option<&str>) -> Value {
        let mut payload = body();
        patch(&mut payload, action(model), level);
        payload
    }

    #[test]
    fn v4_ids_are_normalized_like_openclaw() {
        assert_eq!(
            candidate_id(" DeepSeek/DeepSeek-V4-Flash:free "),
            "deepseek-v4-flash"
        );
        assert_eq!(candidate_id("a/b/deepseek-v4-pro"), "deepseek-v4-pro");
        assert_eq!(candidate_id("deepseek-v4-pro:x/y"), "deepseek-v4-pro");
        assert_eq!(action(&deepseek("deepseek-v4-pro")), Action::V4);
        assert_eq!(action(&deepseek("deepseek-v4")), Action::None);
        let mut responses = deepseek("deepseek-v4-pro");
        responses.api = ModelApi::OpenAiResponses;
        assert_eq!(action(&responses), Action::None);
    }

    #[test]
    fn v4_thinking_on_sets_the_effort_and_backfills_assistant_reasoning() {
        let v4 = deepseek("deepseek-v4-flash");
        for (level, effort) in [
            (Some("high"), "high"),
            (Some("low"), "high"),
            (Some("adaptive"), "high"),
            (None, "high"),
            (Some("xhigh"), "max"),
            (Some("max"), "max"),
        ] {
            let payload = patched(&v4, level);
            assert_eq!(payload["thinking"], json!({"type": "enabled"}), "{level:?}");
            assert_eq!(payload["reasoning_effort"], json!(effort), "{level:?}");
            assert_eq!(payload["reasoning"], json!({"effort": "low"}), "kept");
            let messages = &payload["messages"];
            assert_eq!(
                messages[0]["reasoning_content"],
                json!("odd"),
                "users untouched"
            );
            assert!(
                messages[2].get("reasoning_content").is_none(),
                "tools untouched"
            );
            assert_eq!(messages[1]["reasoning_content"], json!(""));
            assert_eq!(messages[3]["reasoning_content"], Value::Null, "null kept");
            assert_eq!(messages[4]["reasoning_content"], json!("kept"));
        }
        // The key keeps its place in the body.
        let keys: Vec<String> = patched(&v4, Some("high"))
            .as_object()
            .map(|body| body.keys().cloned().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "model",
                "messages",
                "thinking",
                "reasoning_effort",
                "reasoning",
                "stream"
            ]
        );
    }

    #[test]
    fn v4_thinking_off_disables_and_strips_reasoning() {
        let payload = patched(&deepseek("deepseek-v4-pro"), Some("off"));
        assert_eq!(
            payload,
            json!({
                "model": "m",
                "messages": [
                    {"role": "user", "content": "hi"},
                    {"role": "assistant", "content": "", "tool_calls": [{"id": "c", "type": "function"}]},
                    {"role": "tool", "tool_call_id": "c", "content": "x"},
                    {"role": "assistant", "content": "a"},
                    {"role": "assistant", "content": "b"}
                ],
                "thinking": {"type": "disabled"},
                "stream": true
            })
        );
    }

    #[test]
    fn v4_on_a_non_native_route_loses_thinking_and_reasoning_content() {
        let foundry = model(
            "microsoft-foundry-east",
            "deepseek-v4-pro",
            "https://x.services.ai.azure.com/models",
        );
        let together = model("acme", "deepseek-v4-pro", "https://api.together.xyz/v1");
        let zai = model("acme", "deepseek-v4-pro", "https://api.z.ai/api/paas/v4");
        let openrouter = model(
            "openrouter",
            "deepseek/deepseek-v4-pro",
            "https://proxy.example/v1",
        );
        let mut declared = deepseek("deepseek-v4-pro");
        declared.compat.thinking_format = Some(ThinkingFormat::OpenAi);
        for model in [foundry, together, zai, openrouter, declared] {
            assert_eq!(action(&model), Action::V4NonNative, "{}", model.base_url);
            let payload = patched(&model, Some("high"));
            assert!(payload.get("thinking").is_none());
            assert_eq!(payload["reasoning_effort"], json!("low"), "left alone");
            assert!(!payload.to_string().contains("reasoning_content"));
        }
        let mut native_on_openrouter =
            model("acme", "deepseek-v4-pro", "https://openrouter.ai/api/v1");
        assert_eq!(action(&native_on_openrouter), Action::V4NonNative);
        native_on_openrouter.compat.thinking_format = Some(ThinkingFormat::DeepSeek);
        assert_eq!(action(&native_on_openrouter), Action::V4, "the compat wins");
        let xiaomi = model("acme", "deepseek-v4-pro", "https://api.xiaomimimo.com/v1");
        assert_eq!(action(&xiaomi), Action::V4);
    }

    #[test]
    fn chat_loses_thinking_and_reasoner_gets_it() {
        let chat = patched(&deepseek("deepseek-chat"), Some("high"));
        assert!(chat.get("thinking").is_none());
        assert_eq!(
            chat["reasoning_effort"],
            json!("low"),
            "nothing else changes"
        );
        let reasoner = patched(&deepseek("deepseek-reasoner"), Some("off"));
        assert_eq!(reasoner["thinking"], json!({"type": "enabled"}));
        assert_eq!(reasoner["messages"], body()["messages"]);
        let proxied = model(
            "openrouter",
            "deepseek/deepseek-reasoner",
            "https://openrouter.ai/api/v1",
        );
        assert_eq!(
            action(&proxied),
            Action::None,
            "no DeepSeek thinking field off its format"
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_is_left_alone() {
        let mut payload = json!(["not", "an", "object"]);
        patch(&mut payload, Action::V4, Some("high"));
        assert_eq!(payload, json!(["not", "an", "object"]));
    }
}
