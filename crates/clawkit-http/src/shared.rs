//! Helpers every API shares: joining an endpoint to a base URL, pricing
//! usage, and mapping a failure to its stream error kind and failover
//! reason.

use clawkit_core::{ContentBlock, ErrorKind, FailoverReason, ModelCost, Usage};
use url::Url;

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
