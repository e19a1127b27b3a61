//! Keeping secrets out of what clawkit prints: the request's own
//! credentials and anything shaped like an API key are scrubbed from error
//! bodies, messages and recorded content; URLs lose their query and user
//! info; credential headers are recognized so they can be marked sensitive.

use clawkit_core::Headers;
use url::Url;

/// Removes the request's own credentials and anything shaped like a key.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 8) {
        if out.contains(secret) {
            out = out.replace(secret, clawkit_core::REDACTED);
        }
    }
    redact_key_shapes(&out)
}

/// Masks tokens that look like API keys (`sk-…`, `AIza…`, `Bearer …`).
fn redact_key_shapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_key_start(rest) {
        out.push_str(&rest[..start.0]);
        let token_len = rest[start.0..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
            .unwrap_or(rest.len() - start.0);
        if token_len >= start.1 {
            out.push_str(clawkit_core::REDACTED);
        } else {
            out.push_str(&rest[start.0..start.0 + token_len]);
        }
        rest = &rest[start.0 + token_len..];
    }
    out.push_str(rest);
    out
}

/// The next position where a key-like token starts, with the minimum length
/// that makes it a key.
fn find_key_start(text: &str) -> Option<(usize, usize)> {
    let prefixes: [(&str, usize); 4] = [("sk-", 20), ("sk_", 20), ("AIza", 30), ("xai-", 20)];
    prefixes
        .iter()
        .filter_map(|(prefix, min)| {
            text.match_indices(prefix)
                .find(|(i, _)| *i == 0 || !text.as_bytes()[i - 1].is_ascii_alphanumeric())
                .map(|(i, _)| (i, *min))
        })
        .min()
}

/// A URL without its query string, user info or fragment (keys live there).
pub(crate) fn redacted_url(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}

/// Headers that carry credentials.
pub(crate) fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "authorization"
        || name == "x-api-key"
        || name == "x-goog-api-key"
        || name == "api-key"
        || name.contains("token")
}

/// The credentials in `headers`, to scrub from what a call reports: each
/// credential header's value, and the token of an `<scheme> <token>` value.
pub(crate) fn header_secrets(headers: &Headers) -> Vec<&str> {
    let mut secrets = Vec::new();
    for (name, value) in headers {
        if !is_sensitive_header(name) {
            continue;
        }
        secrets.push(value);
        if let Some((_, token)) = value.split_once(' ') {
            secrets.push(token.trim());
        }
    }
    secrets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_query_and_user_info_in_messages() {
        let url: Url = "https://user:pw@example.com/v1/models?key=AIzaSECRET#frag"
            .parse()
            .unwrap();
        assert_eq!(redacted_url(&url), "https://example.com/v1/models");
    }

    #[test]
    fn credential_header_values_and_bearer_tokens_are_secrets() {
        let headers = Headers::from([
            ("Authorization", "Bearer local-token-1234"),
            ("x-goog-api-key", "goog-key-5678"),
            ("Accept", "application/json"),
        ]);
        let secrets = header_secrets(&headers);
        assert_eq!(
            secrets,
            [
                "Bearer local-token-1234",
                "local-token-1234",
                "goog-key-5678"
            ]
        );
        assert_eq!(
            redact("no local-token-1234 here", &secrets),
            format!("no {} here", clawkit_core::REDACTED)
        );
    }
}
