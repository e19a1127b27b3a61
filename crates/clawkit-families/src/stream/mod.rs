//! The stream families: OpenClaw's `buildProviderStreamFamilyHooks(family)`
//! and `composeProviderStreamWrappers`.
//!
//! A family is a `wrapStreamFn` layer a provider installs in one line: it
//! returns [`StreamFamily::wrap`] from its `wrap_stream_fn` hook. Each
//! family reads what it needs from the [`WrapStreamFnContext`] when the
//! stream function is built (the `/think` level, the extra params such as
//! `fastMode`, `serviceTier` or `textVerbosity`) and what it needs from the
//! request's model when it is called (API, provider, base URL, id), as
//! OpenClaw's wrappers do. Every layer is made of
//! [`StreamFnExt`](clawkit_core::StreamFnExt) calls: header merges, body
//! patches and request maps, nothing of its own on the wire.
//!
//! ```
//! use clawkit_core::prelude::*;
//! use clawkit_families::stream::StreamFamily;
//!
//! struct Kimi;
//!
//! impl ProviderHooks for Kimi {
//!     fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
//!         StreamFamily::MoonshotThinking.wrap(ctx)
//!     }
//! }
//!
//! let entry = SingleProviderPluginEntry::builder("kimi-plugin").provider_id("kimi").hooks(Kimi).build();
//! # let _ = entry;
//! let family: StreamFamily = "moonshot-thinking".parse()?;
//! assert_eq!(family, StreamFamily::MoonshotThinking);
//! # Ok::<(), clawkit_families::FamiliesError>(())
//! ```
//!
//! The families of OpenClaw 2026.9.6, and what each does:
//!
//! | family | effect |
//! |---|---|
//! | `google-thinking` | on `google-generative-ai`, repairs `thinkingConfig` per model (Gemini 3 levels, Gemma 4, Gemini 2.5 budgets) |
//! | `kilocode-thinking` | `X-KILOCODE-FEATURE` header; `reasoning_effort` → `reasoning.effort` |
//! | `moonshot-thinking` | `thinking.type` from the params or level; tool-choice and `reasoning_content` fixes |
//! | `minimax-fast-mode` | `fastMode: true` → the `-highspeed` MiniMax model |
//! | `openai-responses-defaults` | attribution headers, fast mode, service tier, text verbosity, reasoning effort and compat, `store` and server compaction |
//! | `openrouter-thinking` | OpenRouter attribution and response-cache headers; `reasoning.effort` |
//! | `tool-stream-default-on` | `tool_stream: true` unless the params say `tool_stream: false` |
//!
//! And one of clawkit's own, which OpenClaw 2026.9.6 does not have as a
//! family:
//!
//! | family | effect |
//! |---|---|
//! | `deepseek-thinking` | DeepSeek V4 `thinking` / `reasoning_effort` and `reasoning_content` replay (OpenClaw's V4 wrapper and its gates); no `thinking` for `deepseek-chat`; `thinking: {type: "enabled"}` for `deepseek-reasoner` |

use std::fmt;
use std::str::FromStr;

use clawkit_core::{SharedStreamFn, ThinkingLevel, WrapStreamFnContext};
use serde_json::{Map, Value};

use crate::error::FamiliesError;

mod deepseek;
mod effort;
mod endpoint;
mod google;
mod minimax;
mod moonshot;
mod openai;
mod params;
#[cfg(test)]
mod parity_tests;
mod proxy;
mod responses;

pub use self::endpoint::{EndpointClass, OPENCLAW_ATTRIBUTION_VERSION};

/// One of OpenClaw's stream families (`ProviderStreamFamily`).
///
/// ```
/// use clawkit_families::stream::StreamFamily;
///
/// for family in StreamFamily::ALL {
///     assert_eq!(family.as_str().parse::<StreamFamily>(), Ok(family));
/// }
/// let unknown = "qwen-thinking".parse::<StreamFamily>().unwrap_err();
/// assert!(unknown.to_string().starts_with(r#"unknown stream family "qwen-thinking""#));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StreamFamily {
    /// `google-thinking`: Gemini / Gemma thinking-config repair.
    GoogleThinking,
    /// `kilocode-thinking`: Kilo Gateway feature header and reasoning.
    KilocodeThinking,
    /// `moonshot-thinking`: Kimi thinking type, keep and tool rules.
    MoonshotThinking,
    /// `minimax-fast-mode`: MiniMax high-speed model routing.
    MinimaxFastMode,
    /// `openai-responses-defaults`: the OpenAI wrapper stack.
    OpenAiResponsesDefaults,
    /// `openrouter-thinking`: OpenRouter headers and reasoning.
    OpenRouterThinking,
    /// `tool-stream-default-on`: tool-call deltas streamed unless disabled.
    ToolStreamDefaultOn,
    /// `deepseek-thinking`: DeepSeek's `thinking` field, V4 reasoning
    /// effort and `reasoning_content` replay, on `openai-completions`.
    ///
    /// A clawkit family: OpenClaw 2026.9.6 has no `deepseek-thinking` in
    /// `buildProviderStreamFamilyHooks` (the name throws `Unsupported
    /// provider stream family` there). It is built from what 2026.9.6 does
    /// for DeepSeek V4 in its generic wrappers
    /// (`createDeepSeekV4OpenAICompatibleThinkingWrapper` and
    /// `createDeepSeekV4NonNativeCompatSanitizerWrapper`, with their gates),
    /// checked against it on the parity cases `stream.deepseek-thinking.*`,
    /// plus two rules of the design document that 2026.9.6 does not have:
    ///
    /// - V4 (`deepseek-v4-flash`, `deepseek-v4-pro`; the id lower-cased,
    ///   without a `:suffix`, its last `/` segment) where DeepSeek's thinking
    ///   format applies (the compat's `thinkingFormat` is `deepseek`, or is
    ///   unset and the endpoint is not OpenRouter, Together or Z.AI; not a
    ///   `microsoft-foundry*` provider): with the level (the request's, else
    ///   the context's) `off`, `thinking: {type: "disabled"}`, no
    ///   `reasoning_effort`, no `reasoning` and no `reasoning_content` on any
    ///   message; otherwise `thinking: {type: "enabled"}`,
    ///   `reasoning_effort: "max"` for `xhigh`/`max` and `"high"` for any
    ///   other level or none, and `reasoning_content: ""` on every assistant
    ///   message that has no such key. 2026.9.6 reads no `thinking` param
    ///   for V4 (the design document says the config wins): neither does
    ///   this family.
    /// - V4 where that format does not apply: no `thinking`, and no
    ///   `reasoning_content` on any message.
    /// - `deepseek-chat`: no `thinking` (design document).
    /// - `deepseek-reasoner`: `thinking: {type: "enabled"}` (design
    ///   document), where DeepSeek's thinking format applies.
    DeepseekThinking,
}

impl StreamFamily {
    /// Every family: OpenClaw's, in its order, then clawkit's own
    /// (`deepseek-thinking`).
    pub const ALL: [StreamFamily; 8] = [
        StreamFamily::GoogleThinking,
        StreamFamily::KilocodeThinking,
        StreamFamily::MoonshotThinking,
        StreamFamily::MinimaxFastMode,
        StreamFamily::OpenAiResponsesDefaults,
        StreamFamily::OpenRouterThinking,
        StreamFamily::ToolStreamDefaultOn,
        StreamFamily::DeepseekThinking,
    ];

    /// OpenClaw's name of the family.
    pub fn as_str(self) -> &'static str {
        match self {
            StreamFamily::GoogleThinking => "google-thinking",
            StreamFamily::KilocodeThinking => "kilocode-thinking",
            StreamFamily::MoonshotThinking => "moonshot-thinking",
            StreamFamily::MinimaxFastMode => "minimax-fast-mode",
            StreamFamily::OpenAiResponsesDefaults => "openai-responses-defaults",
            StreamFamily::OpenRouterThinking => "openrouter-thinking",
            StreamFamily::ToolStreamDefaultOn => "tool-stream-default-on",
            StreamFamily::DeepseekThinking => "deepseek-thinking",
        }
    }

    /// The family's `wrapStreamFn`: `ctx.stream_fn` wrapped. Return it from
    /// [`ProviderHooks::wrap_stream_fn`](clawkit_core::ProviderHooks::wrap_stream_fn)
    /// as it is (it is never `None`; the `Option` is the hook's).
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use clawkit_core::prelude::*;
    /// use clawkit_core::ThinkingLevel;
    /// use clawkit_families::stream::StreamFamily;
    /// use futures::StreamExt;
    /// use serde_json::json;
    ///
    /// struct Acme;
    ///
    /// impl ProviderPlugin for Acme {
    ///     fn id(&self) -> &str { "openrouter" }
    ///     fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
    ///         StreamFamily::OpenRouterThinking.wrap(ctx)
    ///     }
    /// }
    ///
    /// // A transport that records the body and headers it would send.
    /// let sent = Arc::new(Mutex::new(None));
    /// let record = Arc::clone(&sent);
    /// let transport: SharedStreamFn = Arc::new(move |request: StreamRequest| {
    ///     let mut body = json!({"model": request.model.id, "reasoning_effort": "high"});
    ///     request.options.apply_payload_hooks(&mut body, &request.model);
    ///     *record.lock().unwrap() = Some((body, request.options.headers.clone()));
    ///     futures::stream::empty().boxed()
    /// });
    ///
    /// let runtime = Runtime::builder()
    ///     .plugin(define_plugin_entry("openrouter", None, |api| api.register_provider(Acme)))
    ///     .build()?;
    /// let base = "https://openrouter.ai/api/v1".parse().unwrap();
    /// let model = RuntimeModel::new("openrouter", "openai/gpt-5", ModelApi::OpenAiCompletions, base);
    /// let setup = StreamSetup::new(model.clone()).with_thinking_level(ThinkingLevel::Low);
    /// let prepared = runtime.build_stream_fn(&setup, Some(transport), None)?;
    /// let _ = prepared.stream_fn.stream(StreamRequest::new(model, Context::user("hi")));
    ///
    /// let (body, headers) = sent.lock().unwrap().take().unwrap();
    /// assert_eq!(body, json!({"model": "openai/gpt-5", "reasoning": {"effort": "low"}}));
    /// assert_eq!(headers.get("x-openrouter-title"), Some("OpenClaw"));
    /// # Ok::<(), clawkit_core::CoreError>(())
    /// ```
    pub fn wrap(self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
        Some(self.wrap_with(ctx.stream_fn.clone(), ctx))
    }

    /// The family's layer around `stream_fn` (rather than `ctx.stream_fn`),
    /// reading the params, level and model id from `ctx`: what a
    /// [`compose_provider_stream_wrappers`] step calls.
    pub fn wrap_with(self, stream_fn: SharedStreamFn, ctx: &WrapStreamFnContext) -> SharedStreamFn {
        self.wrap_parts(
            stream_fn,
            &ctx.model_id,
            &ctx.extra_params,
            ctx.thinking_level,
        )
    }

    /// The family's layer around `stream_fn`, from the parts of a
    /// [`WrapStreamFnContext`] it reads: the model id, the extra params and
    /// the thinking level (for a caller that has no context, such as the
    /// parity example).
    pub fn wrap_parts(
        self,
        stream_fn: SharedStreamFn,
        model_id: &str,
        params: &Map<String, Value>,
        level: Option<ThinkingLevel>,
    ) -> SharedStreamFn {
        match self {
            StreamFamily::GoogleThinking => google::google_thinking(stream_fn, level),
            StreamFamily::MoonshotThinking => {
                let configured = params.get("thinking");
                moonshot::moonshot_thinking(
                    stream_fn,
                    moonshot::thinking_type(configured, level),
                    moonshot::keep_all(configured),
                )
            }
            StreamFamily::KilocodeThinking => {
                let skip = model_id == "kilo-auto/balanced"
                    || proxy::proxy_reasoning_unsupported(model_id);
                proxy::kilocode(stream_fn, level.filter(|_| !skip))
            }
            StreamFamily::MinimaxFastMode => {
                minimax::minimax_fast_mode(stream_fn, minimax::boolean_fast_mode(params))
            }
            StreamFamily::OpenAiResponsesDefaults => {
                openai::responses_defaults(stream_fn, params, level)
            }
            StreamFamily::OpenRouterThinking => {
                let level = level.filter(|_| model_id != "auto");
                proxy::openrouter(stream_fn, level, params.clone())
            }
            StreamFamily::ToolStreamDefaultOn => {
                let enabled = params.get("tool_stream") != Some(&Value::Bool(false));
                minimax::tool_stream(stream_fn, enabled)
            }
            StreamFamily::DeepseekThinking => deepseek::deepseek_thinking(stream_fn, level),
        }
    }
}

impl fmt::Display for StreamFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StreamFamily {
    type Err = FamiliesError;

    /// An exact family name (OpenClaw's, or clawkit's `deepseek-thinking`);
    /// anything else is [`FamiliesError::UnknownFamily`] (OpenClaw throws
    /// `Unsupported provider stream family`, for `deepseek-thinking` too).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        StreamFamily::ALL
            .into_iter()
            .find(|family| family.as_str() == name)
            .ok_or_else(|| FamiliesError::UnknownFamily {
                kind: "stream",
                name: name.to_owned(),
                known: StreamFamily::ALL.map(StreamFamily::as_str).join(", "),
            })
    }
}

/// One step of [`compose_provider_stream_wrappers`]: takes the stream
/// function built so far and returns it wrapped.
pub type StreamWrapperFactory<'a> = Box<dyn FnOnce(SharedStreamFn) -> SharedStreamFn + 'a>;

/// `composeProviderStreamWrappers(base, ...wrappers)`: applies the present
/// wrappers left to right, each around the result of the previous one, and
/// skips the absent ones. The last one is the outermost: it runs first at
/// call time, and its body patch runs last (it has the final word).
///
/// ```
/// use std::sync::Arc;
/// use clawkit_core::prelude::*;
/// use clawkit_families::stream::{StreamFamily, StreamWrapperFactory, compose_provider_stream_wrappers};
///
/// struct Hybrid;
///
/// impl ProviderHooks for Hybrid {
///     fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
///         let fast = ctx.extra_params.contains_key("fastMode");
///         Some(compose_provider_stream_wrappers(ctx.stream_fn.clone(), [
///             Some(Box::new(|f| StreamFamily::MoonshotThinking.wrap_with(f, ctx)) as StreamWrapperFactory<'_>),
///             fast.then(|| Box::new(|f| StreamFamily::MinimaxFastMode.wrap_with(f, ctx)) as StreamWrapperFactory<'_>),
///             Some(Box::new(|f: SharedStreamFn| f.with_headers([("x-hybrid", "1")], HeaderPrecedence::CallerWins))),
///         ]))
///     }
/// }
/// # let _ = Hybrid;
/// ```
pub fn compose_provider_stream_wrappers<'a>(
    base: SharedStreamFn,
    wrappers: impl IntoIterator<Item = Option<StreamWrapperFactory<'a>>>,
) -> SharedStreamFn {
    wrappers
        .into_iter()
        .flatten()
        .fold(base, |stream_fn, wrapper| wrapper(stream_fn))
}
