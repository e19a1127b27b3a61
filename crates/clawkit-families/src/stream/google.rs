//! `google-thinking`: `sanitizeGoogleThinkingPayload`
//! (`src/llm/providers/stream-wrappers/google-thinking-payload.ts`), on the
//! `thinkingConfig` of `config` (the Google SDK shape) and of
//! `generationConfig` (the REST shape).

use std::sync::LazyLock;

use clawkit_core::{SharedStreamFn, StreamFnExt, ThinkingLevel};
use regex::Regex;
use serde_json::{Map, Value, json};

use super::params::{delete, level_name, lower_str, matches};

/// `createGoogleThinkingPayloadWrapper`: only on `google-generative-ai`.
pub(crate) fn google_thinking(
    stream_fn: SharedStreamFn,
    level: Option<ThinkingLevel>,
) -> SharedStreamFn {
    let level = level.and_then(level_name);
    stream_fn.patch_payload(move |payload, model| {
        if model.api.as_str() == "google-generative-ai" {
            sanitize(payload, &model.id, level.as_deref());
        }
    })
}

/// `sanitizeGoogleThinkingPayload`.
pub(crate) fn sanitize(payload: &mut Value, model_id: &str, level: Option<&str>) {
    let Some(body) = payload.as_object_mut() else {
        return;
    };
    for container in ["config", "generationConfig"] {
        if let Some(Value::Object(container)) = body.get_mut(container) {
            sanitize_container(container, model_id, level);
        }
    }
}

static GEMINI_25: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|/)gemini-2\.5-").ok());
static GEMINI_3_PRO: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|/)gemini-(?:3(?:\.\d+)?-pro|pro-latest)(?:-|$)").ok());
static GEMINI_3_FLASH: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:^|/)gemini-(?:3(?:\.\d+)?-flash|flash(?:-lite)?-latest)(?:-|$)").ok()
});
static FLASH_MINOR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|/)gemini-3\.(\d+)-flash(?:-|$)").ok());

fn is_gemini_3_pro(id: &str) -> bool {
    matches(&GEMINI_3_PRO, &lower_str(id))
}

fn is_gemini_3_flash(id: &str) -> bool {
    matches(&GEMINI_3_FLASH, &lower_str(id))
}

/// `googleFlashSupportsMinimalThinking`: Flash takes `MINIMAL` before 3.7.
fn flash_supports_minimal(id: &str) -> bool {
    let lowered = id.to_lowercase();
    let minor = FLASH_MINOR
        .as_ref()
        .and_then(|regex| regex.captures(&lowered))
        .and_then(|captures| captures.get(1))
        .map(|minor| minor.as_str().parse::<u64>().unwrap_or(0));
    minor.is_none_or(|minor| minor < 7)
}

/// `resolveGoogleGemini3ThinkingLevel`.
fn gemini_3_level(id: &str, level: Option<&str>, budget: Option<f64>) -> Option<&'static str> {
    if is_gemini_3_pro(id) {
        match level {
            Some("off" | "minimal" | "low") => return Some("LOW"),
            Some("medium" | "high" | "max" | "xhigh") => return Some("HIGH"),
            Some("adaptive") => return None,
            _ => {}
        }
        let budget = budget?;
        if budget < 0.0 {
            return None;
        }
        return Some(if budget <= 2048.0 { "LOW" } else { "HIGH" });
    }
    if !is_gemini_3_flash(id) {
        return None;
    }
    let minimal = if flash_supports_minimal(id) {
        "MINIMAL"
    } else {
        "LOW"
    };
    match level {
        Some("off" | "minimal") => return Some(minimal),
        Some("low") => return Some("LOW"),
        Some("medium") => return Some("MEDIUM"),
        Some("high" | "max" | "xhigh") => return Some("HIGH"),
        Some("adaptive") => return None,
        _ => {}
    }
    let budget = budget?;
    if budget < 0.0 {
        None
    } else if budget <= 0.0 {
        Some(minimal)
    } else if budget <= 2048.0 {
        Some("LOW")
    } else if budget <= 8192.0 {
        Some("MEDIUM")
    } else {
        Some("HIGH")
    }
}

/// `mapThinkLevelToGemma4ThinkingLevel`.
fn gemma_4_level(level: Option<&str>) -> Option<&'static str> {
    match level? {
        "minimal" | "low" => Some("MINIMAL"),
        "medium" | "adaptive" | "high" | "max" | "xhigh" => Some("HIGH"),
        _ => None,
    }
}

/// `normalizeGemma4ThinkingLevel`.
fn normalize_gemma_4_level(value: Option<&Value>) -> Option<&'static str> {
    match value?.as_str()?.trim().to_uppercase().as_str() {
        "MINIMAL" | "LOW" => Some("MINIMAL"),
        "MEDIUM" | "HIGH" => Some("HIGH"),
        _ => None,
    }
}

/// Drops `thinkingConfig` when nothing is left in it.
fn drop_if_empty(container: &mut Map<String, Value>) {
    let empty = container
        .get("thinkingConfig")
        .and_then(Value::as_object)
        .is_some_and(Map::is_empty);
    if empty {
        delete(container, "thinkingConfig");
    }
}

fn sanitize_container(container: &mut Map<String, Value>, model_id: &str, level: Option<&str>) {
    let Some(Value::Object(config)) = container.get_mut("thinkingConfig") else {
        return;
    };
    let id = lower_str(model_id);
    if id.starts_with("gemma-4") {
        let normalized = normalize_gemma_4_level(config.get("thinkingLevel"));
        let explicit = gemma_4_level(level);
        let budget = config.get("thinkingBudget").and_then(Value::as_f64);
        let disabled_by_budget = budget.is_some_and(|budget| budget <= 0.0);
        let had_budget = config.contains_key("thinkingBudget");
        delete(config, "thinkingBudget");
        if level == Some("off")
            || (disabled_by_budget && explicit.is_none() && normalized.is_none())
        {
            delete(config, "thinkingLevel");
            drop_if_empty(container);
            return;
        }
        let mapped = explicit.or(normalized).or(had_budget.then_some("MINIMAL"));
        if let Some(mapped) = mapped {
            config.insert("thinkingLevel".into(), json!(mapped));
        }
        return;
    }
    let budget = config.get("thinkingBudget").and_then(Value::as_f64);
    let gemini_3 = is_gemini_3_pro(model_id) || is_gemini_3_flash(model_id);
    if level == Some("adaptive") && matches(&GEMINI_25, &id) {
        delete(config, "thinkingLevel");
        config.insert("thinkingBudget".into(), json!(-1));
        return;
    }
    if level == Some("adaptive") && gemini_3 {
        delete(config, "thinkingBudget");
        delete(config, "thinkingLevel");
        drop_if_empty(container);
        return;
    }
    if gemini_3 {
        let mapped = gemini_3_level(model_id, level, budget);
        delete(config, "thinkingBudget");
        if let Some(mapped) = mapped {
            config.insert("thinkingLevel".into(), json!(mapped));
        }
        drop_if_empty(container);
        return;
    }
    if budget == Some(0.0) && id.contains("gemini-2.5-pro") {
        delete(config, "thinkingBudget");
        drop_if_empty(container);
        return;
    }
    if budget.is_none_or(|budget| budget >= 0.0) {
        return;
    }
    delete(config, "thinkingBudget");
    drop_if_empty(container);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: &str, level: Option<&str>, config: Value) -> Value {
        let mut payload = json!({"generationConfig": {"thinkingConfig": config}});
        sanitize(&mut payload, id, level);
        payload
    }

    #[test]
    fn gemini_3_gets_a_thinking_level_instead_of_a_budget() {
        assert_eq!(
            run(
                "gemini-3-pro-preview",
                Some("minimal"),
                json!({"thinkingBudget": 128, "includeThoughts": true})
            ),
            json!({"generationConfig": {"thinkingConfig": {"includeThoughts": true, "thinkingLevel": "LOW"}}})
        );
        assert_eq!(
            run("gemini-3-flash-preview", None, json!({"thinkingBudget": 0})),
            json!({"generationConfig": {"thinkingConfig": {"thinkingLevel": "MINIMAL"}}})
        );
        assert_eq!(
            run(
                "gemini-3.7-flash",
                Some("off"),
                json!({"thinkingBudget": 0})
            ),
            json!({"generationConfig": {"thinkingConfig": {"thinkingLevel": "LOW"}}})
        );
        assert_eq!(
            run(
                "models/gemini-3.1-pro",
                Some("adaptive"),
                json!({"thinkingBudget": 9000})
            ),
            json!({"generationConfig": {}})
        );
    }

    #[test]
    fn gemini_2_5_budgets_are_repaired() {
        assert_eq!(
            run("gemini-2.5-pro", Some("off"), json!({"thinkingBudget": 0})),
            json!({"generationConfig": {}})
        );
        assert_eq!(
            run(
                "gemini-2.5-flash",
                Some("adaptive"),
                json!({"thinkingBudget": 512, "thinkingLevel": "LOW"})
            ),
            json!({"generationConfig": {"thinkingConfig": {"thinkingBudget": -1}}})
        );
        assert_eq!(
            run(
                "gemini-2.0-flash",
                None,
                json!({"thinkingBudget": -5, "includeThoughts": false})
            ),
            json!({"generationConfig": {"thinkingConfig": {"includeThoughts": false}}})
        );
        assert_eq!(
            run(
                "gemini-2.5-flash",
                Some("high"),
                json!({"thinkingBudget": 0})
            ),
            json!({"generationConfig": {"thinkingConfig": {"thinkingBudget": 0}}})
        );
    }

    #[test]
    fn gemma_4_takes_minimal_or_high() {
        assert_eq!(
            run(
                "gemma-4-27b-it",
                Some("medium"),
                json!({"thinkingBudget": 1024})
            ),
            json!({"generationConfig": {"thinkingConfig": {"thinkingLevel": "HIGH"}}})
        );
        assert_eq!(
            run("gemma-4-27b-it", None, json!({"thinkingBudget": 0})),
            json!({"generationConfig": {}})
        );
        assert_eq!(
            run("gemma-4-27b-it", None, json!({"thinkingBudget": 100})),
            json!({"generationConfig": {"thinkingConfig": {"thinkingLevel": "MINIMAL"}}})
        );
    }
}
