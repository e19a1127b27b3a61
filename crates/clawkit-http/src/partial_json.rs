//! Best-effort parsing of JSON cut off mid-way (tool-call arguments while
//! they stream): the text is completed — open strings closed, a dangling
//! key or separator dropped, open arrays and objects closed — and parsed.

use serde_json::Value;

/// Arguments longer than this are not re-parsed on every delta.
pub const MAX_PARTIAL_PARSE_BYTES: usize = 64 * 1024;

/// Parses complete or truncated JSON; `None` when nothing sensible remains.
///
/// ```
/// use clawkit_http::partial_json::parse_partial;
/// use serde_json::json;
///
/// assert_eq!(parse_partial(r#"{"city": "Par"#), Some(json!({"city": "Par"})));
/// assert_eq!(parse_partial(r#"{"a": [1, 2"#), Some(json!({"a": [1, 2]})));
/// assert_eq!(parse_partial(r#"{"a": 1, "b"#), Some(json!({"a": 1})));
/// ```
pub fn parse_partial(text: &str) -> Option<Value> {
    if text.len() > MAX_PARTIAL_PARSE_BYTES {
        return None;
    }
    if let Ok(value) = serde_json::from_str(text) {
        return Some(value);
    }
    let mut candidate = text.trim_end().to_owned();
    // Shorten from the end until the completed text parses.
    for _ in 0..8 {
        let completed = complete(&candidate)?;
        if let Ok(value) = serde_json::from_str(&completed) {
            return Some(value);
        }
        let cut = candidate.rfind([',', ':', '{', '['])?;
        let keep = if candidate[cut..].starts_with(['{', '[']) {
            cut + 1
        } else {
            cut
        };
        if keep >= candidate.len() {
            return None;
        }
        candidate.truncate(keep);
        // A key without its value: drop the key too.
        if candidate.ends_with(':') {
            candidate.pop();
            let key_start = last_string_start(&candidate)?;
            candidate.truncate(key_start);
        }
        let trimmed = candidate.trim_end().trim_end_matches(',').len();
        candidate.truncate(trimmed);
    }
    None
}

/// Closes what is open in `text`: a string, then arrays and objects.
fn complete(text: &str) -> Option<String> {
    let mut stack = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => stack.push('}'),
            '[' => stack.push(']'),
            '}' | ']' if stack.pop() != Some(c) => {
                return None;
            }
            _ => {}
        }
    }
    let mut out = text.to_owned();
    if in_string {
        if escaped {
            out.pop();
        }
        out.push('"');
    }
    let trimmed = out.trim_end().trim_end_matches(',').len();
    out.truncate(trimmed);
    out.extend(stack.iter().rev());
    Some(out)
}

/// Where the last complete string literal of `text` starts.
fn last_string_start(text: &str) -> Option<usize> {
    let end = text.trim_end().strip_suffix('"')?.len();
    let bytes = text.as_bytes();
    let mut i = end;
    while i > 0 {
        i -= 1;
        if bytes[i] == b'"' && (i == 0 || bytes[i - 1] != b'\\') {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn truncations_at_every_position_never_panic_and_converge() {
        let full =
            r#"{"query": "weather in \"Paris\"", "days": [1, 2, 3], "units": {"temp": "c"}}"#;
        for end in 0..=full.len() {
            if full.is_char_boundary(end) {
                let _ = parse_partial(&full[..end]);
            }
        }
        assert_eq!(
            parse_partial(full),
            Some(serde_json::from_str(full).unwrap())
        );
        assert_eq!(
            parse_partial(r#"{"query": "weather in \""#),
            Some(json!({"query": "weather in \""}))
        );
        assert_eq!(
            parse_partial(r#"{"query": "x\"#),
            Some(json!({"query": "x"}))
        );
        assert_eq!(
            parse_partial(r#"{"units": {"temp": "c"}, "days": [1,"#),
            Some(json!({"units": {"temp": "c"}, "days": [1]}))
        );
        assert_eq!(parse_partial(""), None);
        assert_eq!(parse_partial("{"), Some(json!({})));
    }
}
