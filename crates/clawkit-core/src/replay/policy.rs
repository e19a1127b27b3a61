//! Which policy applies: OpenClaw's fallback for a provider without
//! `buildReplayPolicy`, and the model-id tests the policies use.

use crate::hooks::{ReplayPolicy, SanitizeMode, ThoughtSignaturePolicy, ToolCallIdMode};
use crate::model::{ModelApi, RuntimeModel};

/// Gemini's apis (`isGoogleModelApi`): `google-generative-ai` and
/// `google-gemini-cli`. OpenClaw 2026.9.6 does not count `google-vertex`.
pub fn is_google_api(api: &ModelApi) -> bool {
    match api {
        ModelApi::GoogleGenerativeAi => true,
        ModelApi::Other(other) => other == "google-gemini-cli",
        _ => false,
    }
}

/// `anthropic-messages` and `bedrock-converse-stream` (`isAnthropicApi`).
pub fn is_anthropic_api(api: &ModelApi) -> bool {
    matches!(
        api,
        ModelApi::AnthropicMessages | ModelApi::BedrockConverseStream
    )
}

/// The OpenAI Responses apis: `openai-responses`, `openai-chatgpt-responses`
/// and `azure-openai-responses` (OpenClaw 2026.9.6 no longer knows
/// `openai-codex-responses`).
pub fn is_responses_api(api: &ModelApi) -> bool {
    matches!(
        api,
        ModelApi::OpenAiResponses
            | ModelApi::OpenAiChatGptResponses
            | ModelApi::AzureOpenAiResponses
    )
}

/// A Claude model id in canonical form (`resolveClaudeModelIdentity`):
/// lower-cased, without an `anthropic/` prefix, `.`, `_` and spaces
/// turned into `-`, and only the trailing `claude-…` part when there is
/// one (`anthropic.claude-opus-4-6-v1:0` → `claude-opus-4-6-v1:0`).
pub fn claude_model_identity(model_id: &str) -> String {
    let lower = model_id.trim().to_lowercase();
    let lower = lower.strip_prefix("anthropic/").unwrap_or(&lower);
    let mut normalized = String::with_capacity(lower.len());
    let mut in_run = false;
    for c in lower.chars() {
        if c == '.' || c == '_' || c.is_whitespace() {
            if !in_run {
                normalized.push('-');
            }
            in_run = true;
        } else {
            normalized.push(c);
            in_run = false;
        }
    }
    // `/(?:^|[-/])(claude-[^/]+)$/`: the last `claude-` that starts the
    // string or follows `-` or `/`, with no `/` after it.
    let last_segment = normalized.rsplit('/').next().unwrap_or(&normalized);
    let base = normalized.len() - last_segment.len();
    let found = last_segment
        .match_indices("claude-")
        .map(|(at, _)| at)
        .find(|&at| {
            let absolute = base + at;
            absolute == 0 || matches!(normalized.as_bytes()[absolute - 1], b'-' | b'/')
        });
    match found {
        Some(at) if last_segment.len() > at + "claude-".len() => last_segment[at..].to_owned(),
        _ => normalized,
    }
}

/// The id the Claude rules read: the model's `params.canonicalModelId`
/// when it is a string (a deployment named `my-deployment` serving
/// `claude-opus-4-1`), else `model_id`.
pub fn claude_reference_id<'a>(model_id: &'a str, model: Option<&'a RuntimeModel>) -> &'a str {
    model
        .and_then(|m| m.params.get("canonicalModelId"))
        .and_then(|v| v.as_str())
        .unwrap_or(model_id)
}

/// Whether `text` at `at` is followed by the end or a character that is
/// not `[a-z0-9]` (the `(?=$|[^a-z0-9])` of OpenClaw's patterns).
fn ends_word(text: &str, at: usize) -> bool {
    text.as_bytes()
        .get(at)
        .is_none_or(|b| !b.is_ascii_lowercase() && !b.is_ascii_digit())
}

/// Whether `name` occurs in `id` at the start or after a `-`, as a whole
/// word (`(?:^|-)name(?=$|[^a-z0-9])`).
fn has_word(id: &str, name: &str) -> bool {
    id.match_indices(name)
        .any(|(at, _)| (at == 0 || id.as_bytes()[at - 1] == b'-') && ends_word(id, at + name.len()))
}

/// Opus 5.5 (`resolveClaudeOpus55ModelIdentity`).
fn is_opus_5_5(id: &str) -> bool {
    id == "opus-5-5"
        || (id.starts_with("claude-opus-5-5") && ends_word(id, "claude-opus-5-5".len()))
}

/// Opus 5, any generation (`resolveClaudeOpus5ModelIdentity`).
fn is_opus_5(id: &str) -> bool {
    is_opus_5_5(id) || id == "opus" || id == "opus-5" || has_word(id, "claude-opus-5")
}

/// Whether a Claude model's earlier thinking is dropped from the history
/// (`shouldDropClaudeThinkingBlocks`). Only the models that keep thinking
/// in context keep it (Opus 4.5 to 4.8, Sonnet 4.6, Sonnet 5, Opus 5,
/// Fable 5, Mythos 5 and the Mythos preview): dropping theirs would break
/// prompt-cache prefixes. Other Claude models (Sonnet 4.5, Haiku 4.5, 3.x)
/// drop it; non-Claude ids never do.
///
/// ```
/// use clawkit_core::replay::should_drop_claude_thinking_blocks;
///
/// assert!(should_drop_claude_thinking_blocks("claude-sonnet-4-5"));
/// assert!(!should_drop_claude_thinking_blocks("claude-opus-4-6"));
/// assert!(!should_drop_claude_thinking_blocks("anthropic/claude-sonnet-4.6"));
/// assert!(!should_drop_claude_thinking_blocks("gpt-5"));
/// ```
pub fn should_drop_claude_thinking_blocks(model_id: &str) -> bool {
    let id = claude_model_identity(model_id);
    let opus5 = is_opus_5(&id);
    let claude = id.starts_with("claude-") || opus5;
    let keeps = opus5
        || [
            "claude-fable-5",
            "claude-mythos-5",
            "claude-mythos-preview",
            "claude-opus-4-5",
            "claude-opus-4-6",
            "claude-opus-4-7",
            "claude-opus-4-8",
            "claude-sonnet-5",
            "claude-sonnet-4-6",
        ]
        .iter()
        .any(|name| has_word(&id, name));
    claude && !keeps
}

/// Whether a Claude model binds its thinking to the prompt prefix, so the
/// runtime context may only be appended (`bindsClaudeThinkingPrefix`, the
/// policy's `appendOnlyRuntimeContext`): Opus 5.5 and Fable 5.1.
pub fn binds_claude_thinking_prefix(model_id: &str) -> bool {
    let id = claude_model_identity(model_id);
    is_opus_5_5(&id)
        || (id.starts_with("claude-fable-5-1") && ends_word(&id, "claude-fable-5-1".len()))
}

/// Models whose Chat Completions server needs earlier reasoning sent back
/// (`requiresReasoningContentReplay`): Kimi K2.5+ and MiMo v2.
pub fn requires_reasoning_content_replay(model_id: &str) -> bool {
    const IDS: [&str; 15] = [
        "kimi-for-coding",
        "kimi-k2.5",
        "kimi-k2.6",
        "kimi-k2.7-code",
        "kimi-k2.7-code-highspeed",
        "kimi-k3",
        "kimi-k2-thinking",
        "kimi-k2-thinking-turbo",
        "mimo-v2-pro",
        "mimo-v2-omni",
        "mimo-v2.5",
        "mimo-v2.5-pro",
        "mimo-v2.6-flash",
        "mimo-v2.6-pro",
        "mimo-v2.6-pro-ultraspeed",
    ];
    let lower = model_id.trim().to_lowercase();
    let last = lower.split('/').rfind(|s| !s.is_empty()).unwrap_or(&lower);
    let parts: Vec<&str> = last.split(':').filter(|s| !s.is_empty()).collect();
    let mut candidates = vec![last];
    if parts.len() > 1 {
        candidates.extend(parts.first());
        candidates.extend(parts.last());
    }
    candidates.iter().any(|c| IDS.contains(c))
}

/// A Claude model behind another api (`/(?:^|[./:_-])claude(?:$|[./:_-])/`).
fn is_claude_family(model_id: &str) -> bool {
    let id = model_id.to_lowercase();
    let separator = |b: u8| matches!(b, b'.' | b'/' | b':' | b'_' | b'-');
    id.match_indices("claude").any(|(at, m)| {
        (at == 0 || separator(id.as_bytes()[at - 1]))
            && id
                .as_bytes()
                .get(at + m.len())
                .is_none_or(|b| separator(*b))
    })
}

/// OpenClaw's policy for a provider without `buildReplayPolicy`
/// (`buildUnownedProviderTransportReplayFallback` merged over the
/// defaults), keyed on the model's api:
///
/// - Gemini or Anthropic apis: `sanitizeMode` `full`;
/// - Gemini, Anthropic, Chat Completions and the Responses apis: strict
///   tool-call ids;
/// - Anthropic: signatures kept, `appendOnlyRuntimeContext` for the models
///   that bind thinking to the prefix, thinking dropped for the Claude
///   models [`should_drop_claude_thinking_blocks`] names or when the model
///   takes no reasoning effort;
/// - Gemini: thought signatures must be base64;
/// - Chat Completions: reasoning dropped from the history unless the model
///   reasons or [`requires_reasoning_content_replay`];
/// - Gemini and Chat Completions: the assistant-first fix and Gemini turn
///   merging;
/// - Anthropic, Chat Completions and Claude behind a Responses api:
///   Anthropic turn validation;
/// - Gemini, Anthropic and the Responses apis: `allowSyntheticToolResults`.
///
/// Any other api gets the defaults.
pub fn fallback_policy(model: &RuntimeModel) -> ReplayPolicy {
    let api = &model.api;
    let google = is_google_api(api);
    let anthropic = is_anthropic_api(api);
    let completions = *api == ModelApi::OpenAiCompletions;
    let responses = is_responses_api(api);
    let mut policy = ReplayPolicy::defaults();
    if !(google || anthropic || completions || responses) {
        return policy;
    }
    let id = model.id.to_lowercase();
    let claude_id = claude_reference_id(&id, Some(model));
    if google || anthropic {
        policy.sanitize_mode = Some(SanitizeMode::Full);
    }
    policy.sanitize_tool_call_ids = Some(true);
    policy.tool_call_id_mode = Some(ToolCallIdMode::Strict);
    if anthropic {
        policy.preserve_signatures = Some(true);
        policy.append_only_runtime_context = Some(binds_claude_thinking_prefix(claude_id));
        if should_drop_claude_thinking_blocks(claude_id)
            || model.compat.supports_reasoning_effort == Some(false)
        {
            policy.drop_thinking_blocks = Some(true);
        }
    }
    if google {
        policy.sanitize_thought_signatures = Some(ThoughtSignaturePolicy {
            allow_base64_only: true,
            include_camel_case: true,
        });
    }
    if completions {
        policy.drop_reasoning_from_history =
            Some(!(model.reasoning || requires_reasoning_content_replay(&id)));
    }
    if google || completions {
        policy.apply_assistant_first_ordering_fix = Some(true);
        policy.validate_gemini_turns = Some(true);
    }
    if anthropic || completions || (responses && is_claude_family(&id)) {
        policy.validate_anthropic_turns = Some(true);
    }
    if google || anthropic || responses {
        policy.allow_synthetic_tool_results = Some(true);
    }
    policy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_ids_are_canonicalized() {
        assert_eq!(
            claude_model_identity("anthropic.claude-opus-4-6-v1:0"),
            "claude-opus-4-6-v1:0"
        );
        assert_eq!(
            claude_model_identity("Anthropic/Claude-Sonnet-4.6"),
            "claude-sonnet-4-6"
        );
        assert_eq!(
            claude_model_identity("us.anthropic.claude-3-7-sonnet"),
            "claude-3-7-sonnet"
        );
        assert_eq!(
            claude_model_identity("openrouter/claude-x/beta"),
            "openrouter/claude-x/beta"
        );
        assert_eq!(claude_model_identity("gpt-5"), "gpt-5");
    }

    #[test]
    fn claude_thinking_is_kept_only_for_the_models_that_keep_it() {
        for keeps in [
            "claude-opus-4-5",
            "claude-opus-4-8-20260101",
            "claude-sonnet-4-6",
            "claude-sonnet-5",
            "claude-opus-5",
            "opus",
            "claude-fable-5",
            "claude-mythos-preview",
            "anthropic.claude-opus-4-6-v1:0",
        ] {
            assert!(!should_drop_claude_thinking_blocks(keeps), "{keeps}");
        }
        for drops in [
            "claude-sonnet-4-5",
            "claude-opus-4-1",
            "claude-haiku-4-5",
            "claude-3-7-sonnet",
            "claude-opus-4-50",
        ] {
            assert!(should_drop_claude_thinking_blocks(drops), "{drops}");
        }
        assert!(binds_claude_thinking_prefix("claude-opus-5-5"));
        assert!(binds_claude_thinking_prefix("claude-fable-5-1"));
        assert!(!binds_claude_thinking_prefix("claude-fable-5"));
    }

    #[test]
    fn reasoning_replay_models_match_on_the_last_segment() {
        assert!(requires_reasoning_content_replay("moonshotai/Kimi-K2.6"));
        assert!(requires_reasoning_content_replay(
            "ollama/kimi-k2-thinking:cloud"
        ));
        assert!(!requires_reasoning_content_replay("kimi-k2"));
        assert!(is_claude_family("anthropic/claude-sonnet-4"));
        assert!(!is_claude_family("claudette"));
    }
}
