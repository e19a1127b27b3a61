//! The replay families (`buildProviderReplayFamilyHooks`): the transcript
//! policy a provider returns from `buildReplayPolicy`, and the family's
//! `sanitizeReplayHistory` / `resolveReasoningOutputMode` where it has
//! them, as OpenClaw 2026.9.6 defines them.
//!
//! | family | hooks | policy |
//! |---|---|---|
//! | `openai-compatible` | `buildReplayPolicy` | on Chat Completions and the Responses apis: strict tool-call ids; Completions also the assistant-first fix, Gemini and Anthropic turn validation and `dropReasoningFromHistory`; Responses `allowSyntheticToolResults` |
//! | `anthropic-by-model` | `buildReplayPolicy` | the strict Anthropic policy; thinking dropped for the Claude models that do not keep it |
//! | `native-anthropic-by-model` | `buildReplayPolicy` | the same, keeping native `toolu_` ids |
//! | `google-gemini` | all three | full sanitation, strict ids, base64 thought signatures, Gemini turn rules; reasoning `tagged` |
//! | `passthrough-gemini` | `buildReplayPolicy` | no turn rules; base64 thought signatures for Gemini model ids |
//! | `hybrid-anthropic-openai` | `buildReplayPolicy` | the strict Anthropic policy on Anthropic apis, `openai-compatible` otherwise |
//!
//! A provider installs a family in one line per hook, delegating to a
//! [`ReplayFamilyHooks`] value:
//!
//! ```
//! use clawkit_core::prelude::*;
//! use clawkit_core::{Message, ModelContext, ReasoningOutputMode, ReplayHistoryContext, ReplayPolicy};
//! use clawkit_families::replay::{ReplayFamily, ReplayFamilyHooks};
//!
//! struct AcmeHooks {
//!     replay: ReplayFamilyHooks,
//! }
//!
//! #[async_trait]
//! impl ProviderHooks for AcmeHooks {
//!     fn build_replay_policy(&self, ctx: &ModelContext) -> Option<ReplayPolicy> {
//!         self.replay.build_replay_policy(ctx)
//!     }
//!     async fn sanitize_replay_history(&self, ctx: &ReplayHistoryContext) -> Result<Option<Vec<Message>>, PluginError> {
//!         Ok(self.replay.sanitize_replay_history(ctx))
//!     }
//!     fn resolve_reasoning_output_mode(&self, ctx: &ModelContext) -> Option<ReasoningOutputMode> {
//!         self.replay.resolve_reasoning_output_mode(ctx)
//!     }
//! }
//!
//! let hooks = AcmeHooks { replay: ReplayFamilyHooks::new(ReplayFamily::GoogleGemini) };
//! let entry = SingleProviderPluginEntry::builder("acme-ai").hooks(hooks).build();
//! let ctx = ModelContext::new("acme-ai", "gemini-2.5-pro", Some(ModelApi::GoogleGenerativeAi));
//! let policy = entry.provider().build_replay_policy(&ctx);
//! assert_eq!(policy.and_then(|p| p.validate_gemini_turns), Some(true));
//! ```
//!
//! [`ReplayFamilyHooks`] is also a [`ProviderHooks`] itself, for a provider
//! that needs nothing else:
//! `SingleProviderPluginEntry::builder("acme-ai").hooks(ReplayFamilyHooks::new(ReplayFamily::AnthropicByModel))`.
//!
//! OpenClaw merges a provider's policy over the defaults whenever the
//! provider has `buildReplayPolicy`, even when it returns nothing, while
//! clawkit's `None` means "not handled" (the api's fallback policy). So
//! where OpenClaw's family returns `undefined` (an `openai-compatible`
//! provider on another api), [`ReplayFamilyHooks::build_replay_policy`]
//! returns an empty policy: the defaults, as in OpenClaw.

use std::fmt;
use std::str::FromStr;

use clawkit_core::replay::{
    binds_claude_thinking_prefix, claude_reference_id, is_anthropic_api, is_responses_api,
    prepend_session_bootstrap, should_drop_claude_thinking_blocks,
};
use clawkit_core::{
    Message, ModelApi, ModelContext, PluginError, ProviderHooks, ReasoningOutputMode,
    ReplayHistoryContext, ReplayPolicy, SanitizeMode, ThoughtSignaturePolicy, ToolCallIdMode,
    async_trait,
};

use crate::error::FamiliesError;

/// A replay family, by OpenClaw's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReplayFamily {
    /// `openai-compatible`: Chat Completions and Responses servers.
    OpenAiCompatible,
    /// `anthropic-by-model`: Anthropic Messages, thinking kept per model.
    AnthropicByModel,
    /// `native-anthropic-by-model`: the same, keeping native `toolu_` ids.
    NativeAnthropicByModel,
    /// `google-gemini`: Gemini's own apis.
    GoogleGemini,
    /// `passthrough-gemini`: Gemini models behind another api.
    PassthroughGemini,
    /// `hybrid-anthropic-openai`: Anthropic rules on Anthropic apis,
    /// OpenAI-compatible ones otherwise.
    HybridAnthropicOpenAi,
}

impl ReplayFamily {
    /// Every family, in OpenClaw's order.
    pub const ALL: [ReplayFamily; 6] = [
        ReplayFamily::OpenAiCompatible,
        ReplayFamily::AnthropicByModel,
        ReplayFamily::NativeAnthropicByModel,
        ReplayFamily::GoogleGemini,
        ReplayFamily::PassthroughGemini,
        ReplayFamily::HybridAnthropicOpenAi,
    ];

    /// OpenClaw's name (`openai-compatible`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ReplayFamily::OpenAiCompatible => "openai-compatible",
            ReplayFamily::AnthropicByModel => "anthropic-by-model",
            ReplayFamily::NativeAnthropicByModel => "native-anthropic-by-model",
            ReplayFamily::GoogleGemini => "google-gemini",
            ReplayFamily::PassthroughGemini => "passthrough-gemini",
            ReplayFamily::HybridAnthropicOpenAi => "hybrid-anthropic-openai",
        }
    }

    /// OpenClaw's names of the hooks the family supplies, sorted.
    pub fn hooks(self) -> &'static [&'static str] {
        match self {
            ReplayFamily::GoogleGemini => &[
                "buildReplayPolicy",
                "resolveReasoningOutputMode",
                "sanitizeReplayHistory",
            ],
            _ => &["buildReplayPolicy"],
        }
    }
}

impl fmt::Display for ReplayFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReplayFamily {
    type Err = FamiliesError;

    /// ```
    /// use clawkit_families::replay::ReplayFamily;
    ///
    /// assert_eq!("google-gemini".parse::<ReplayFamily>()?, ReplayFamily::GoogleGemini);
    /// assert!("deepseek".parse::<ReplayFamily>().is_err());
    /// # Ok::<(), clawkit_families::FamiliesError>(())
    /// ```
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        ReplayFamily::ALL
            .into_iter()
            .find(|family| family.as_str() == name)
            .ok_or_else(|| FamiliesError::UnknownFamily {
                kind: "replay",
                name: name.to_owned(),
                known: ReplayFamily::ALL.map(ReplayFamily::as_str).join(", "),
            })
    }
}

/// The options of `buildProviderReplayFamilyHooks` (each family reads its
/// own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplayFamilyOptions {
    /// `openai-compatible`: rewrite tool-call ids (default on).
    pub sanitize_tool_call_ids: Option<bool>,
    /// `openai-compatible`: `"openai"` gives repeated ids fresh `call_…` ids.
    pub duplicate_tool_call_id_style: Option<String>,
    /// `openai-compatible`: drop earlier reasoning on Chat Completions
    /// (default on).
    pub drop_reasoning_from_history: Option<bool>,
    /// `hybrid-anthropic-openai`: drop Claude thinking on the Anthropic
    /// apis for the models that do not keep it (default off).
    pub anthropic_model_drop_thinking_blocks: bool,
}

impl ReplayFamilyOptions {
    /// Sets `sanitizeToolCallIds`.
    pub fn sanitize_tool_call_ids(mut self, on: bool) -> Self {
        self.sanitize_tool_call_ids = Some(on);
        self
    }

    /// Sets `duplicateToolCallIdStyle`.
    pub fn duplicate_tool_call_id_style(mut self, style: impl Into<String>) -> Self {
        self.duplicate_tool_call_id_style = Some(style.into());
        self
    }

    /// Sets `dropReasoningFromHistory`.
    pub fn drop_reasoning_from_history(mut self, on: bool) -> Self {
        self.drop_reasoning_from_history = Some(on);
        self
    }

    /// Sets `anthropicModelDropThinkingBlocks`.
    pub fn anthropic_model_drop_thinking_blocks(mut self, on: bool) -> Self {
        self.anthropic_model_drop_thinking_blocks = on;
        self
    }
}

/// What a provider installs for a family: the hooks of
/// `buildProviderReplayFamilyHooks({family, ...options})`, as methods with
/// the hooks' signatures and as a [`ProviderHooks`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayFamilyHooks {
    family: ReplayFamily,
    options: ReplayFamilyOptions,
}

impl ReplayFamilyHooks {
    /// The family with default options.
    pub fn new(family: ReplayFamily) -> Self {
        ReplayFamilyHooks::with_options(family, ReplayFamilyOptions::default())
    }

    /// The family with options.
    pub fn with_options(family: ReplayFamily, options: ReplayFamilyOptions) -> Self {
        ReplayFamilyHooks { family, options }
    }

    /// The family.
    pub fn family(&self) -> ReplayFamily {
        self.family
    }

    /// `buildReplayPolicy`: the family's partial policy (an empty one where
    /// OpenClaw's returns `undefined`; see the module docs).
    pub fn build_replay_policy(&self, ctx: &ModelContext) -> Option<ReplayPolicy> {
        let api = ctx.model_api.as_ref();
        let claude_id = claude_reference_id(&ctx.model_id, ctx.model.as_ref());
        let policy = match self.family {
            ReplayFamily::OpenAiCompatible => {
                api.and_then(|api| build_openai_compatible_replay_policy(api, &self.options))
            }
            ReplayFamily::AnthropicByModel => {
                Some(build_anthropic_replay_policy_for_model(claude_id))
            }
            ReplayFamily::NativeAnthropicByModel => {
                Some(build_native_anthropic_replay_policy_for_model(claude_id))
            }
            ReplayFamily::GoogleGemini => Some(build_google_gemini_replay_policy()),
            ReplayFamily::PassthroughGemini => Some(
                build_passthrough_gemini_sanitizing_replay_policy(&ctx.model_id),
            ),
            ReplayFamily::HybridAnthropicOpenAi => build_hybrid_anthropic_or_openai_replay_policy(
                api,
                claude_id,
                self.options.anthropic_model_drop_thinking_blocks,
            ),
        };
        Some(policy.unwrap_or_default())
    }

    /// `sanitizeReplayHistory`: `google-gemini` puts a `"(session
    /// bootstrap)"` user turn before an assistant-first history
    /// ([`sanitize_google_gemini_replay_history`]); the other families have
    /// no such hook (`None`).
    pub fn sanitize_replay_history(&self, ctx: &ReplayHistoryContext) -> Option<Vec<Message>> {
        (self.family == ReplayFamily::GoogleGemini)
            .then(|| sanitize_google_gemini_replay_history(ctx.messages.clone()))
    }

    /// `resolveReasoningOutputMode`: `tagged` for `google-gemini` (a direct
    /// Google provider overrides it to `native`), `None` otherwise.
    pub fn resolve_reasoning_output_mode(
        &self,
        _ctx: &ModelContext,
    ) -> Option<ReasoningOutputMode> {
        (self.family == ReplayFamily::GoogleGemini).then_some(ReasoningOutputMode::Tagged)
    }
}

/// `buildProviderReplayFamilyHooks({family, ...options})`.
///
/// ```
/// use clawkit_core::{ModelApi, ModelContext};
/// use clawkit_families::replay::{ReplayFamilyOptions, build_provider_replay_family_hooks};
///
/// let hooks = build_provider_replay_family_hooks("openai-compatible", ReplayFamilyOptions::default())?;
/// let ctx = ModelContext::new("acme", "acme-1", Some(ModelApi::OpenAiCompletions));
/// assert_eq!(hooks.build_replay_policy(&ctx).and_then(|p| p.drop_reasoning_from_history), Some(true));
/// # Ok::<(), clawkit_families::FamiliesError>(())
/// ```
pub fn build_provider_replay_family_hooks(
    family: &str,
    options: ReplayFamilyOptions,
) -> Result<ReplayFamilyHooks, FamiliesError> {
    Ok(ReplayFamilyHooks::with_options(family.parse()?, options))
}

#[async_trait]
impl ProviderHooks for ReplayFamilyHooks {
    fn build_replay_policy(&self, ctx: &ModelContext) -> Option<ReplayPolicy> {
        ReplayFamilyHooks::build_replay_policy(self, ctx)
    }

    async fn sanitize_replay_history(
        &self,
        ctx: &ReplayHistoryContext,
    ) -> Result<Option<Vec<Message>>, PluginError> {
        Ok(ReplayFamilyHooks::sanitize_replay_history(self, ctx))
    }

    fn resolve_reasoning_output_mode(&self, ctx: &ModelContext) -> Option<ReasoningOutputMode> {
        ReplayFamilyHooks::resolve_reasoning_output_mode(self, ctx)
    }
}

/// `buildOpenAICompatibleReplayPolicy`: `None` unless `api` is Chat
/// Completions or a Responses api. Strict ids (unless
/// `sanitize_tool_call_ids` is off); Responses `allowSyntheticToolResults`;
/// Completions the assistant-first fix, both turn validators and
/// `dropReasoningFromHistory` (unless off), the Responses apis those three
/// flags explicitly off.
pub fn build_openai_compatible_replay_policy(
    api: &ModelApi,
    options: &ReplayFamilyOptions,
) -> Option<ReplayPolicy> {
    let completions = *api == ModelApi::OpenAiCompletions;
    let responses = is_responses_api(api);
    if !completions && !responses {
        return None;
    }
    let mut policy = ReplayPolicy::default();
    if options.sanitize_tool_call_ids.unwrap_or(true) {
        policy.sanitize_tool_call_ids = Some(true);
        policy.tool_call_id_mode = Some(ToolCallIdMode::Strict);
        policy.duplicate_tool_call_id_style = options
            .duplicate_tool_call_id_style
            .clone()
            .filter(|s| !s.is_empty());
    }
    if responses {
        policy.allow_synthetic_tool_results = Some(true);
    }
    policy.apply_assistant_first_ordering_fix = Some(completions);
    policy.validate_gemini_turns = Some(completions);
    policy.validate_anthropic_turns = Some(completions);
    if completions && options.drop_reasoning_from_history.unwrap_or(true) {
        policy.drop_reasoning_from_history = Some(true);
    }
    Some(policy)
}

/// The options of [`build_strict_anthropic_replay_policy`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StrictAnthropicOptions {
    /// Drop earlier thinking.
    pub drop_thinking_blocks: bool,
    /// The model binds thinking to the prompt prefix.
    pub append_only_runtime_context: bool,
    /// Rewrite tool-call ids (`None`: on).
    pub sanitize_tool_call_ids: Option<bool>,
    /// Keep native `toolu_` ids.
    pub preserve_native_anthropic_tool_use_ids: bool,
}

/// `buildStrictAnthropicReplayPolicy`: full sanitation, strict ids,
/// signatures kept, pairing repair, Anthropic turn validation, synthetic
/// results allowed, and the options.
pub fn build_strict_anthropic_replay_policy(options: StrictAnthropicOptions) -> ReplayPolicy {
    let mut policy = ReplayPolicy::default();
    policy.sanitize_mode = Some(SanitizeMode::Full);
    if options.sanitize_tool_call_ids.unwrap_or(true) {
        policy.sanitize_tool_call_ids = Some(true);
        policy.tool_call_id_mode = Some(ToolCallIdMode::Strict);
        if options.preserve_native_anthropic_tool_use_ids {
            policy.preserve_native_anthropic_tool_use_ids = Some(true);
        }
    }
    policy.preserve_signatures = Some(true);
    policy.append_only_runtime_context = Some(options.append_only_runtime_context);
    policy.repair_tool_use_result_pairing = Some(true);
    policy.validate_anthropic_turns = Some(true);
    policy.allow_synthetic_tool_results = Some(true);
    if options.drop_thinking_blocks {
        policy.drop_thinking_blocks = Some(true);
    }
    policy
}

/// `buildAnthropicReplayPolicyForModel`: the strict Anthropic policy,
/// dropping thinking when [`should_drop_claude_thinking_blocks`] and
/// append-only when the model binds thinking to its prefix. Give it the
/// [`claude_reference_id`] of a model with a canonical id.
pub fn build_anthropic_replay_policy_for_model(model_id: &str) -> ReplayPolicy {
    build_strict_anthropic_replay_policy(StrictAnthropicOptions {
        drop_thinking_blocks: should_drop_claude_thinking_blocks(model_id),
        append_only_runtime_context: binds_claude_thinking_prefix(model_id),
        ..StrictAnthropicOptions::default()
    })
}

/// `buildNativeAnthropicReplayPolicyForModel`: the same, keeping native
/// `toolu_` ids.
pub fn build_native_anthropic_replay_policy_for_model(model_id: &str) -> ReplayPolicy {
    let mut policy = build_anthropic_replay_policy_for_model(model_id);
    policy.preserve_native_anthropic_tool_use_ids = Some(true);
    policy
}

/// `buildHybridAnthropicOrOpenAIReplayPolicy`: on `anthropic-messages` and
/// `bedrock-converse-stream` the strict Anthropic policy (thinking dropped
/// only with `drop_thinking` and for the models that do not keep it; no
/// native-id preservation), else [`build_openai_compatible_replay_policy`].
pub fn build_hybrid_anthropic_or_openai_replay_policy(
    api: Option<&ModelApi>,
    model_id: &str,
    drop_thinking: bool,
) -> Option<ReplayPolicy> {
    match api {
        Some(api) if is_anthropic_api(api) => Some(build_strict_anthropic_replay_policy(
            StrictAnthropicOptions {
                append_only_runtime_context: binds_claude_thinking_prefix(model_id),
                drop_thinking_blocks: drop_thinking && should_drop_claude_thinking_blocks(model_id),
                ..StrictAnthropicOptions::default()
            },
        )),
        Some(api) => build_openai_compatible_replay_policy(api, &ReplayFamilyOptions::default()),
        None => None,
    }
}

/// `buildGoogleGeminiReplayPolicy`.
pub fn build_google_gemini_replay_policy() -> ReplayPolicy {
    let mut policy = ReplayPolicy::default();
    policy.append_only_runtime_context = Some(false);
    policy.sanitize_mode = Some(SanitizeMode::Full);
    policy.sanitize_tool_call_ids = Some(true);
    policy.tool_call_id_mode = Some(ToolCallIdMode::Strict);
    policy.sanitize_thought_signatures = Some(ThoughtSignaturePolicy::new(true, true));
    policy.repair_tool_use_result_pairing = Some(true);
    policy.apply_assistant_first_ordering_fix = Some(true);
    policy.validate_gemini_turns = Some(true);
    policy.validate_anthropic_turns = Some(false);
    policy.allow_synthetic_tool_results = Some(true);
    policy
}

/// `buildPassthroughGeminiSanitizingReplayPolicy`: no turn rules, and
/// base64-only thought signatures when the model id names Gemini.
pub fn build_passthrough_gemini_sanitizing_replay_policy(model_id: &str) -> ReplayPolicy {
    let mut policy = ReplayPolicy::default();
    policy.apply_assistant_first_ordering_fix = Some(false);
    policy.validate_gemini_turns = Some(false);
    policy.validate_anthropic_turns = Some(false);
    if model_id.to_lowercase().contains("gemini") {
        policy.sanitize_thought_signatures = Some(ThoughtSignaturePolicy::new(true, true));
    }
    policy
}

/// `sanitizeGoogleGeminiReplayHistory`: a `"(session bootstrap)"` user
/// turn before an assistant-first history. OpenClaw also records a
/// `google-turn-ordering-bootstrap` session entry the first time; clawkit
/// has no session store to write it to.
pub fn sanitize_google_gemini_replay_history(mut messages: Vec<Message>) -> Vec<Message> {
    prepend_session_bootstrap(&mut messages);
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(api: ModelApi, model_id: &str) -> ModelContext {
        ModelContext::new("acme", model_id, Some(api))
    }

    #[test]
    fn names_round_trip_and_unknown_ones_list_the_known() {
        for family in ReplayFamily::ALL {
            assert_eq!(family.as_str().parse::<ReplayFamily>(), Ok(family));
            assert_eq!(family.to_string(), family.as_str());
        }
        let error = "deepseek"
            .parse::<ReplayFamily>()
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some(
                "unknown replay family \"deepseek\"; known: openai-compatible, anthropic-by-model, \
                 native-anthropic-by-model, google-gemini, passthrough-gemini, hybrid-anthropic-openai"
            )
        );
    }

    #[test]
    fn an_openai_compatible_provider_on_another_api_gets_the_defaults() {
        let hooks = ReplayFamilyHooks::new(ReplayFamily::OpenAiCompatible);
        let policy = hooks.build_replay_policy(&ctx(ModelApi::AnthropicMessages, "m"));
        assert_eq!(policy, Some(ReplayPolicy::default()));
    }

    #[test]
    fn only_the_gemini_family_sanitizes_and_tags_reasoning() {
        let history = vec![Message::assistant("hi")];
        for family in ReplayFamily::ALL {
            let hooks = ReplayFamilyHooks::new(family);
            let context =
                ReplayHistoryContext::new(ctx(ModelApi::GoogleGenerativeAi, "g"), history.clone());
            let sanitized = hooks.sanitize_replay_history(&context);
            let mode = hooks.resolve_reasoning_output_mode(&context.model);
            if family == ReplayFamily::GoogleGemini {
                assert_eq!(sanitized.map(|m| m.len()), Some(2));
                assert_eq!(mode, Some(ReasoningOutputMode::Tagged));
            } else {
                assert_eq!((sanitized, mode), (None, None), "{family}");
            }
        }
    }

    #[test]
    fn the_hybrid_family_drops_thinking_only_when_asked() {
        let sonnet = |drop| {
            build_hybrid_anthropic_or_openai_replay_policy(
                Some(&ModelApi::BedrockConverseStream),
                "us.anthropic.claude-sonnet-4-5-v1:0",
                drop,
            )
            .and_then(|p| p.drop_thinking_blocks)
        };
        assert_eq!(sonnet(false), None);
        assert_eq!(sonnet(true), Some(true));
    }
}
