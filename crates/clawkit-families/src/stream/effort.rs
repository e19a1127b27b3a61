//! OpenAI reasoning efforts per model family
//! (`packages/ai/src/providers/openai-reasoning-effort.ts`): which
//! `reasoning.effort` values a GPT model accepts, and the closest one to a
//! requested level.

use std::sync::LazyLock;

use clawkit_core::{ModelCompat, RuntimeModel};
use regex::Regex;

use super::params::matches;

/// The enabled efforts, weakest first.
const ENABLED: [&str; 6] = ["minimal", "low", "medium", "high", "xhigh", "max"];
const GPT_5: &[&str] = &["minimal", "low", "medium", "high"];
const GPT_51: &[&str] = &["none", "low", "medium", "high"];
const GPT_52: &[&str] = &["none", "low", "medium", "high", "xhigh"];
const GPT_56: &[&str] = &["none", "low", "medium", "high", "xhigh", "max"];
const GPT_6_ASTRA: &[&str] = &["low", "medium", "high", "xhigh", "max"];
const GPT_CODEX: &[&str] = &["low", "medium", "high", "xhigh"];
const GPT_PRO: &[&str] = &["medium", "high", "xhigh"];
const GPT_5_PRO: &[&str] = &["high"];
const GPT_51_CODEX_MAX: &[&str] = &["none", "medium", "high", "xhigh"];
const GPT_51_CODEX_MINI: &[&str] = &["medium"];
const GENERIC: &[&str] = &["low", "medium", "high"];

/// `normalizeOpenAIReasoningEffort`: trimmed, lower-cased when it is one
/// of the canonical names.
fn normalize(effort: &str) -> String {
    let trimmed = effort.trim();
    let folded = trimmed.to_lowercase();
    if folded == "none" || folded == "off" || ENABLED.contains(&folded.as_str()) {
        folded
    } else {
        trimmed.to_owned()
    }
}

/// `normalizeModelId`: lower-cased, without a trailing `-YYYY-MM-DD`.
fn model_id(id: &str) -> String {
    static DATED: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"-\d{4}-\d{2}-\d{2}$").ok());
    let lowered = id.trim().to_lowercase();
    match DATED.as_ref() {
        Some(dated) => dated.replace(&lowered, "").into_owned(),
        None => lowered,
    }
}

/// `resolveOpenAIThinkingApi`: the OpenAI API a (possibly managed) API
/// name stands for.
fn thinking_api(api: &str) -> Option<&str> {
    let source = api
        .strip_prefix("openclaw-")
        .and_then(|rest| rest.strip_suffix("-transport"))
        .filter(|inner| !inner.is_empty())
        .unwrap_or(api);
    [
        "openai-completions",
        "openai-responses",
        "openai-chatgpt-responses",
        "azure-openai-responses",
    ]
    .into_iter()
    .find(|known| *known == source)
}

/// The efforts `compat` declares: none when it says it has no reasoning
/// effort, else its `supportedReasoningEfforts` (trimmed, de-duplicated).
fn compat_efforts(compat: &ModelCompat) -> Option<Vec<String>> {
    if compat.supports_reasoning_effort == Some(false) {
        return Some(Vec::new());
    }
    let declared = compat.supported_reasoning_efforts.as_ref()?;
    let mut efforts: Vec<String> = Vec::new();
    for effort in declared {
        let trimmed = effort.trim();
        if !trimmed.is_empty() && !efforts.iter().any(|seen| seen == trimmed) {
            efforts.push(trimmed.to_owned());
        }
    }
    Some(efforts)
}

/// What a model is known to accept, when it is known: declared by its
/// compat, or by the GPT family of its id. `model` `None` reads the compat
/// only (OpenClaw's `{compat}` calls).
pub(crate) fn model_efforts(
    model: Option<&RuntimeModel>,
    compat: &ModelCompat,
) -> Option<Vec<String>> {
    static GPT_56_RE: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"^gpt-5\.6(?:-|$)").ok());
    static CODEX: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"^gpt-5(?:\.\d+)?-codex(?:-|$)").ok());
    static PRO: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"^gpt-5\.[2-9](?:\.\d+)?-pro(?:-|$)").ok());
    static GPT_52_RE: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"^gpt-5\.[2-9](?:\.\d+)?(?:-|$)").ok());
    static GPT_51_RE: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"^gpt-5\.1(?:-|$)").ok());
    static GPT_5_RE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^gpt-5(?:-|$)").ok());

    if let Some(efforts) = compat_efforts(compat) {
        return Some(efforts);
    }
    let model = model?;
    let id = model_id(&model.id);
    let api = thinking_api(model.api.as_str());
    let supports_max = api != Some("openai-completions");
    let list: &[&str] = if matches!(id.as_str(), "gpt-6-astra" | "gpt-6-sol" | "gpt-6-luna")
        && api != Some("azure-openai-responses")
    {
        match (id.as_str(), supports_max) {
            ("gpt-6-astra", true) => GPT_6_ASTRA,
            ("gpt-6-astra", false) => GPT_CODEX,
            (_, true) => GPT_56,
            (_, false) => GPT_52,
        }
    } else if matches(&GPT_56_RE, &id) {
        if supports_max { GPT_56 } else { GPT_52 }
    } else if id == "gpt-5.1-codex-mini" {
        GPT_51_CODEX_MINI
    } else if id == "gpt-5.1-codex-max" {
        GPT_51_CODEX_MAX
    } else if matches(&CODEX, &id) {
        GPT_CODEX
    } else if id == "gpt-5-pro" {
        GPT_5_PRO
    } else if matches(&PRO, &id) {
        GPT_PRO
    } else if matches(&GPT_52_RE, &id) {
        GPT_52
    } else if matches(&GPT_51_RE, &id) {
        GPT_51
    } else if matches(&GPT_5_RE, &id) {
        GPT_5
    } else {
        return None;
    };
    Some(list.iter().map(|effort| (*effort).to_owned()).collect())
}

/// `resolveOpenAISupportedReasoningEfforts`: the known efforts, else low,
/// medium and high.
fn supported(model: Option<&RuntimeModel>, compat: &ModelCompat) -> Vec<String> {
    model_efforts(model, compat)
        .unwrap_or_else(|| GENERIC.iter().map(|effort| (*effort).to_owned()).collect())
}

/// `supportsOpenAIReasoningEffort`.
pub(crate) fn supports(model: Option<&RuntimeModel>, compat: &ModelCompat, effort: &str) -> bool {
    let effort = normalize(effort);
    supported(model, compat).contains(&effort)
}

fn disabled(effort: &str) -> bool {
    effort == "none" || effort == "off"
}

/// `resolveOpenAIReasoningEffortForModel` (without a fallback map): the
/// requested effort if the model takes it, `none` for `off` where taken,
/// else the strongest accepted effort not above the request (or the
/// weakest accepted one).
pub(crate) fn closest(model: &RuntimeModel, effort: &str) -> Option<String> {
    let requested = normalize(effort);
    let supported = supported(Some(model), &model.compat);
    if supported.contains(&requested) {
        return Some(requested);
    }
    if requested == "off" && supported.iter().any(|effort| effort == "none") {
        return Some("none".to_owned());
    }
    if disabled(&requested) {
        return None;
    }
    let rank = |effort: &str| ENABLED.iter().position(|known| *known == effort);
    let ranked: Vec<&str> = ENABLED
        .iter()
        .copied()
        .filter(|effort| supported.iter().any(|s| s == effort))
        .collect();
    let by_rank = rank(&requested).and_then(|requested_rank| {
        ranked
            .iter()
            .rev()
            .find(|effort| rank(effort).is_some_and(|r| r <= requested_rank))
            .or(ranked.first())
            .map(|effort| (*effort).to_owned())
    });
    by_rank.or_else(|| {
        supported
            .iter()
            .find(|effort| !disabled(&normalize(effort)))
            .cloned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clawkit_core::ModelApi;

    fn gpt(id: &str) -> RuntimeModel {
        match "https://api.openai.com/v1".parse() {
            Ok(base) => RuntimeModel::new("openai", id, ModelApi::OpenAiResponses, base),
            Err(error) => unreachable!("{error}"),
        }
    }

    #[test]
    fn gpt_families_have_their_effort_lists() {
        let efforts = |id: &str| model_efforts(Some(&gpt(id)), &ModelCompat::default());
        assert_eq!(
            efforts("gpt-5-mini").as_deref().map(<[String]>::len),
            Some(4)
        );
        assert_eq!(efforts("gpt-5.1-2025-11-13").unwrap_or_default()[0], "none");
        assert_eq!(efforts("gpt-5.2-pro").unwrap_or_default(), GPT_PRO);
        assert_eq!(efforts("gpt-5.1-codex").unwrap_or_default(), GPT_CODEX);
        assert_eq!(efforts("gpt-5.6").unwrap_or_default(), GPT_56);
        assert_eq!(efforts("gpt-4.1"), None);
    }

    #[test]
    fn the_closest_effort_never_exceeds_the_request() {
        assert_eq!(closest(&gpt("gpt-5.1"), "minimal").as_deref(), Some("low"));
        assert_eq!(closest(&gpt("gpt-5.1"), "xhigh").as_deref(), Some("high"));
        assert_eq!(closest(&gpt("gpt-5.1"), "off").as_deref(), Some("none"));
        assert_eq!(closest(&gpt("gpt-5"), "off"), None);
        assert_eq!(closest(&gpt("gpt-5-pro"), "low").as_deref(), Some("high"));
        assert_eq!(closest(&gpt("gpt-4o"), "minimal").as_deref(), Some("low"));
    }

    #[test]
    fn compat_declarations_win() {
        let mut compat = ModelCompat::default();
        compat.supported_reasoning_efforts =
            Some(vec![" low ".into(), "low".into(), String::new()]);
        assert_eq!(model_efforts(None, &compat), Some(vec!["low".to_owned()]));
        compat.supports_reasoning_effort = Some(false);
        assert_eq!(model_efforts(None, &compat), Some(Vec::new()));
        assert!(!supports(None, &ModelCompat::default(), "none"));
    }
}
