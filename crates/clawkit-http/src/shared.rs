//! Helpers every API shares: joining an endpoint to a base URL, pricing
//! usage, and mapping a failure to its stream error kind and failover
//! reason.

use clawkit_core::{ContentBlock, ErrorKind, FailoverReason, ModelCost, ThinkingLevel, Usage};
use url::Url;

/// The OpenAI `reasoning_effort` / `reasoning.effort` for a `/think` level
/// (both OpenAI APIs): `off` sends none, `adaptive` is `medium`. `xhigh`
/// and `max` are sent only where the model's `compat.supportedReasoningEfforts`
/// lists them; otherwise the strongest effort below that it lists (`max` →
/// `xhigh`), else `high`, the top of the efforts every reasoning model takes
/// (OpenClaw's `resolveOpenAIReasoningEffortForModel` clamps the same way;
/// it also knows the GPT-5.x / GPT-6 tables, which clawkit's transports do
/// not: declare `supportedReasoningEfforts` to send `xhigh` or `max`).
pub(crate) fn openai_reasoning_effort(
    level: ThinkingLevel,
    supported: Option<&[String]>,
) -> Option<&'static str> {
    let listed = |effort: &str| supported.is_some_and(|list| list.iter().any(|e| e == effort));
    Some(match level {
        ThinkingLevel::Off => return None,
        ThinkingLevel::Minimal => "minimal",
        ThinkingLevel::Low => "low",
        ThinkingLevel::High => "high",
        ThinkingLevel::XHigh if listed("xhigh") => "xhigh",
        ThinkingLevel::Max if listed("max") => "max",
        ThinkingLevel::Max if listed("xhigh") => "xhigh",
        ThinkingLevel::XHigh | ThinkingLevel::Max => "high",
        _ => "medium",
    })
}

/// `base` + `/path`, whatever trailing slash `base` has.
pub(crate) fn endpoint(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!("{}/{}", base.path().trim_end_matches('/'), path);
    url.set_path(&joined);
    url
}

/// The text blocks of `content`, in order (images and the rest left out).
pub(crate) fn texts(content: &[ContentBlock]) -> impl Iterator<Item = &str> {
    content.iter().filter_map(|block| match block {
        ContentBlock::Text { text } => Some(text.as_str()),
        _ => None,
    })
}

/// The text blocks of `content`, one per line: how a tool result's text is sent.
pub(crate) fn joined_text(content: &[ContentBlock]) -> String {
    texts(content).collect::<Vec<_>>().join("\n")
}

/// Prices usage when the model has prices.
pub(crate) fn priced(usage: Usage, prices: &ModelCost) -> Usage {
    if prices.input > 0.0
        || prices.output > 0.0
        || prices.cache_read > 0.0
        || prices.cache_write > 0.0
    {
        usage.priced(prices)
    } else {
        usage
    }
}

/// The failover reason implied by an error kind.
pub(crate) fn failover_of(kind: &ErrorKind) -> Option<FailoverReason> {
    use FailoverReason as F;
    Some(match kind {
        ErrorKind::Auth => F::Auth,
        ErrorKind::RateLimit => F::RateLimit,
        ErrorKind::Server => F::ServerError,
        ErrorKind::ContextOverflow => F::ContextOverflow,
        ErrorKind::ConnectTimeout | ErrorKind::FirstByteTimeout | ErrorKind::IdleTimeout => {
            F::Timeout
        }
        ErrorKind::InvalidRequest => F::Format,
        _ => return None,
    })
}

/// The stream error kind of an HTTP status (and the provider's code).
pub(crate) fn status_kind(status: u16, code: Option<&str>, message: &str) -> ErrorKind {
    let lower = |s: &str| s.to_ascii_lowercase();
    let overflow = code.is_some_and(|c| {
        let c = lower(c);
        c.contains("context_length") || c.contains("context_window")
    }) || {
        let m = lower(message);
        m.contains("context length")
            || m.contains("context window")
            || m.contains("too many tokens")
            || m.contains("prompt is too long")
    };
    match status {
        401 | 403 => ErrorKind::Auth,
        429 => ErrorKind::RateLimit,
        400 | 413 if overflow => ErrorKind::ContextOverflow,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::InvalidRequest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_efforts_above_high_need_the_model_to_list_them() {
        use ThinkingLevel::*;
        let efforts = |list: &[&str]| list.iter().map(|e| (*e).to_owned()).collect::<Vec<_>>();
        let all = efforts(&["low", "medium", "high", "xhigh", "max"]);
        let up_to_xhigh = efforts(&["low", "medium", "high", "xhigh"]);
        assert_eq!(openai_reasoning_effort(Max, Some(&all)), Some("max"));
        assert_eq!(
            openai_reasoning_effort(Max, Some(&up_to_xhigh)),
            Some("xhigh")
        );
        assert_eq!(openai_reasoning_effort(Max, None), Some("high"));
        assert_eq!(openai_reasoning_effort(XHigh, Some(&all)), Some("xhigh"));
        assert_eq!(openai_reasoning_effort(XHigh, None), Some("high"));
        assert_eq!(openai_reasoning_effort(Adaptive, None), Some("medium"));
        assert_eq!(openai_reasoning_effort(Minimal, None), Some("minimal"));
        assert_eq!(openai_reasoning_effort(Off, Some(&all)), None);
    }

    #[test]
    fn endpoints_join_whatever_the_slashes() {
        assert_eq!(
            endpoint(&"https://a.example/v1".parse().unwrap(), "chat/completions").as_str(),
            "https://a.example/v1/chat/completions"
        );
        assert_eq!(
            endpoint(
                &"https://a.example/v1/".parse().unwrap(),
                "chat/completions"
            )
            .as_str(),
            "https://a.example/v1/chat/completions"
        );
        assert_eq!(
            endpoint(
                &"http://127.0.0.1:8080".parse().unwrap(),
                "chat/completions"
            )
            .as_str(),
            "http://127.0.0.1:8080/chat/completions"
        );
    }
}
