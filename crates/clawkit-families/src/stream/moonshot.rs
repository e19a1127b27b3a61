//! `moonshot-thinking`: `createMoonshotThinkingWrapper`
//! (`src/llm/providers/stream-wrappers/moonshot-thinking.ts`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use clawkit_core::{SharedStreamFn, StreamFnExt, ThinkingLevel};
use serde_json::{Map, Value, json};

use super::params::{delete, level_name, lower, record};

/// `thinking.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ThinkingType {
    Enabled,
    Disabled,
}

impl ThinkingType {
    fn as_str(self) -> &'static str {
        match self {
            ThinkingType::Enabled => "enabled",
            ThinkingType::Disabled => "disabled",
        }
    }
}

/// `normalizeMoonshotThinkingType`: a boolean, an on/off word, or an
/// object whose `type` is one.
fn normalize_type(value: Option<&Value>) -> Option<ThinkingType> {
    let value = value?;
    let kind = record(Some(value))
        .and_then(|object| object.get("type"))
        .filter(|kind| !kind.is_null())
        .unwrap_or(value);
    if let Value::Bool(enabled) = kind {
        return Some(if *enabled {
            ThinkingType::Enabled
        } else {
            ThinkingType::Disabled
        });
    }
    match lower(Some(kind))?.as_str() {
        "enabled" | "enable" | "on" | "true" => Some(ThinkingType::Enabled),
        "disabled" | "disable" | "off" | "false" => Some(ThinkingType::Disabled),
        _ => None,
    }
}

/// `resolveMoonshotThinkingType`: the configured `thinking` param, else
/// `off` → disabled and any other level → enabled.
pub(crate) fn thinking_type(
    configured: Option<&Value>,
    level: Option<ThinkingLevel>,
) -> Option<ThinkingType> {
    normalize_type(configured).or_else(|| {
        level.map(|level| {
            if level_name(level).as_deref() == Some("off") {
                ThinkingType::Disabled
            } else {
                ThinkingType::Enabled
            }
        })
    })
}

/// `resolveMoonshotThinkingKeep`: the configured `thinking.keep` is `all`.
pub(crate) fn keep_all(configured: Option<&Value>) -> bool {
    lower(record(configured).and_then(|object| object.get("keep"))).as_deref() == Some("all")
}

/// `MOONSHOT_ALWAYS_THINKING`: models that always think, with the effort
/// they take (`kimi-k3` only on Moonshot's own provider).
fn always_thinking(model_id: &str, direct: bool) -> Option<&'static str> {
    match model_id {
        "kimi-k2.7-code" | "kimi-k2.7-code-highspeed" => Some("low"),
        "kimi-k3" if direct => Some("max"),
        _ => None,
    }
}

/// `isMoonshotToolChoiceCompatible`: no choice, `auto` or `none`.
fn tool_choice_compatible(choice: Option<&Value>) -> bool {
    let kind = record(choice)
        .and_then(|object| object.get("type"))
        .filter(|kind| !kind.is_null())
        .or(choice);
    match kind {
        None | Some(Value::Null) => true,
        Some(Value::String(kind)) => kind == "auto" || kind == "none",
        Some(_) => false,
    }
}

/// `ensureMoonshotToolCallReasoningContent`: assistant tool-call messages
/// get `reasoning_content: ""` when they have none.
fn ensure_reasoning_content(payload: &mut Value) {
    let Some(Value::Array(messages)) = payload.get_mut("messages") else {
        return;
    };
    for message in messages.iter_mut().filter_map(Value::as_object_mut) {
        let calls = message
            .get("tool_calls")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if message.get("role") == Some(&json!("assistant"))
            && calls > 0
            && !message.contains_key("reasoning_content")
        {
            message.insert("reasoning_content".into(), json!(""));
        }
    }
}

/// `sanitizeAlwaysThinkingPayload`: no `thinking`, no fixed sampling
/// fields; `reasoning_effort: "max"` for `max`, else no effort and a
/// compatible tool choice.
fn sanitize_always_thinking(body: &mut Map<String, Value>, effort: &str) {
    delete(body, "thinking");
    delete(body, "reasoningEffort");
    for field in [
        "temperature",
        "top_p",
        "n",
        "presence_penalty",
        "frequency_penalty",
    ] {
        delete(body, field);
    }
    if effort == "max" {
        body.insert("reasoning_effort".into(), json!(effort));
    } else {
        delete(body, "reasoning_effort");
        if !tool_choice_compatible(body.get("tool_choice")) {
            body.insert("tool_choice".into(), json!("auto"));
        }
    }
}

/// What runs after every other payload hook.
const AFTER_NOTHING: u8 = 0;
const AFTER_REASONING_CONTENT: u8 = 1;
const AFTER_ALWAYS_LOW: u8 = 2;
const AFTER_ALWAYS_MAX: u8 = 3;

/// `prepareThinkingPayload`: returns what to do once the other hooks ran.
fn prepare(
    body: &mut Map<String, Value>,
    model_id: &str,
    direct: bool,
    kind: Option<ThinkingType>,
    keep: bool,
) -> u8 {
    let payload_model = body
        .get("model")
        .and_then(Value::as_str)
        .map_or_else(|| model_id.to_owned(), |id| id.trim().to_lowercase());
    let mut effective = normalize_type(body.get("thinking"));
    if let Some(kind) = kind {
        body.insert("thinking".into(), json!({"type": kind.as_str()}));
        effective = Some(kind);
    }
    if let Some(effort) = always_thinking(&payload_model, direct) {
        sanitize_always_thinking(body, effort);
        return if effort == "max" {
            AFTER_ALWAYS_MAX
        } else {
            AFTER_ALWAYS_LOW
        };
    }
    if effective == Some(ThinkingType::Enabled) && !tool_choice_compatible(body.get("tool_choice"))
    {
        let choice_type = record(body.get("tool_choice"))
            .and_then(|choice| choice.get("type"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        if body.get("tool_choice") == Some(&json!("required")) {
            body.insert("tool_choice".into(), json!("auto"));
        } else if matches!(choice_type.as_deref(), Some("tool" | "function")) {
            body.insert("thinking".into(), json!({"type": "disabled"}));
            effective = Some(ThinkingType::Disabled);
        }
    }
    let preserve_keep =
        payload_model == "kimi-k2.6" && effective == Some(ThinkingType::Enabled) && keep;
    if let Some(Value::Object(thinking)) = body.get_mut("thinking") {
        delete(thinking, "keep");
        if preserve_keep {
            thinking.insert("keep".into(), json!("all"));
        }
    }
    if effective == Some(ThinkingType::Enabled) {
        AFTER_REASONING_CONTENT
    } else {
        AFTER_NOTHING
    }
}

/// `createMoonshotThinkingWrapper`: sets `thinking.type`, keeps tool
/// choices compatible with thinking, and — after every other payload hook,
/// the caller's included — gives assistant tool calls an empty
/// `reasoning_content`. Always-thinking models (`kimi-k2.7-code*`, direct
/// `kimi-k3`) are sent as reasoning models with their fixed effort.
pub(crate) fn moonshot_thinking(
    stream_fn: SharedStreamFn,
    kind: Option<ThinkingType>,
    keep: bool,
) -> SharedStreamFn {
    stream_fn.map_request(move |mut request| {
        let model_id = request.model.id.trim().to_lowercase();
        let direct = request.model.provider.trim().to_lowercase() == "moonshot";
        if let Some(effort) = always_thinking(&model_id, direct) {
            request.model.reasoning = true;
            request.options.thinking_level = Some(if effort == "max" {
                ThinkingLevel::Max
            } else {
                ThinkingLevel::Low
            });
        }
        let after = Arc::new(AtomicU8::new(AFTER_NOTHING));
        let decided = Arc::clone(&after);
        let prepare_id = model_id.clone();
        request.options.patch_payload(move |payload, _model| {
            if let Some(body) = payload.as_object_mut() {
                let next = prepare(body, &prepare_id, direct, kind, keep);
                decided.store(next, Ordering::SeqCst);
            }
        });
        request.options.on_payload(move |payload, _model| {
            let step = after.load(Ordering::SeqCst);
            if (step == AFTER_ALWAYS_LOW || step == AFTER_ALWAYS_MAX)
                && let Some(body) = payload.as_object_mut()
            {
                sanitize_always_thinking(
                    body,
                    if step == AFTER_ALWAYS_MAX {
                        "max"
                    } else {
                        "low"
                    },
                );
            }
            if step != AFTER_NOTHING {
                ensure_reasoning_content(payload);
            }
        });
        request
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_thinking_reads_booleans_words_and_objects() {
        assert_eq!(
            thinking_type(Some(&json!(true)), None),
            Some(ThinkingType::Enabled)
        );
        assert_eq!(
            thinking_type(Some(&json!({"type": "OFF"})), None),
            Some(ThinkingType::Disabled)
        );
        assert_eq!(
            thinking_type(Some(&json!({"keep": "all"})), Some(ThinkingLevel::High)),
            Some(ThinkingType::Enabled)
        );
        assert_eq!(
            thinking_type(None, Some(ThinkingLevel::Off)),
            Some(ThinkingType::Disabled)
        );
        assert_eq!(thinking_type(None, None), None);
        assert!(keep_all(Some(&json!({"type": "enabled", "keep": " ALL "}))));
        assert!(!keep_all(Some(&json!("all"))));
    }

    #[test]
    fn a_pinned_tool_turns_thinking_off_and_required_becomes_auto() {
        let mut pinned = json!({"model": "kimi-k2.6", "tool_choice": {"type": "function", "function": {"name": "f"}}});
        let after = pinned
            .as_object_mut()
            .map(|body| prepare(body, "kimi-k2.6", true, Some(ThinkingType::Enabled), true));
        assert_eq!(after, Some(AFTER_NOTHING));
        assert_eq!(pinned["thinking"], json!({"type": "disabled"}));
        let mut required = json!({"model": "kimi-k2.6", "tool_choice": "required"});
        let after = required
            .as_object_mut()
            .map(|body| prepare(body, "kimi-k2.6", true, Some(ThinkingType::Enabled), true));
        assert_eq!(after, Some(AFTER_REASONING_CONTENT));
        assert_eq!(
            required,
            json!({"model": "kimi-k2.6", "tool_choice": "auto", "thinking": {"type": "enabled", "keep": "all"}})
        );
    }

    #[test]
    fn always_thinking_models_drop_fixed_sampling() {
        let mut body = json!({"model": "kimi-k3", "temperature": 0.6, "top_p": 1, "thinking": {"type": "enabled"},
                              "tool_choice": "required"});
        let after = body
            .as_object_mut()
            .map(|object| prepare(object, "kimi-k3", true, Some(ThinkingType::Enabled), false));
        assert_eq!(after, Some(AFTER_ALWAYS_MAX));
        assert_eq!(
            body,
            json!({"model": "kimi-k3", "tool_choice": "required", "reasoning_effort": "max"})
        );
        let mut proxied = json!({"model": "kimi-k3"});
        let after = proxied
            .as_object_mut()
            .map(|object| prepare(object, "kimi-k3", false, None, false));
        assert_eq!(
            after,
            Some(AFTER_NOTHING),
            "kimi-k3 always thinks only on moonshot itself"
        );
    }
}
