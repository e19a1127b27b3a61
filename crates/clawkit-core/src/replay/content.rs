//! Content hygiene (`sanitizeSessionMessagesImages` without the image
//! resizing): blank text blocks and thought signatures.

use crate::context::{ContentBlock, Message};
use crate::event::StopReason;
use crate::hooks::ThoughtSignaturePolicy;

use super::ReplayChange;

/// What a tool result left without content says instead.
pub const EMPTY_CONTENT_TEXT: &str = "[empty content omitted]";

fn is_blank_text(block: &ContentBlock) -> bool {
    matches!(block, ContentBlock::Text { text } if text.trim().is_empty())
}

/// Whether `value` is canonical base64 or base64url (`isBase64Signature`):
/// non-empty once whitespace is removed, only `[A-Za-z0-9+/=_-]`, at least
/// one byte long, and encoded back to the same string (ignoring trailing
/// `=`). A value with `-` or `_` is read as base64url.
///
/// ```
/// use clawkit_core::replay::is_base64_signature;
///
/// assert!(is_base64_signature("CiQB0e2Kb3Vy"));
/// assert!(is_base64_signature("a-b_"));
/// assert!(!is_base64_signature("msg_01ABC"));
/// assert!(!is_base64_signature("abc$"));
/// ```
pub fn is_base64_signature(value: &str) -> bool {
    let compact: Vec<u8> = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .into_bytes();
    if compact.is_empty()
        || !compact
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=_-".contains(b))
    {
        return false;
    }
    let url = compact.iter().any(|b| *b == b'-' || *b == b'_');
    let body = {
        let mut end = compact.len();
        while end > 0 && compact[end - 1] == b'=' {
            end -= 1;
        }
        &compact[..end]
    };
    let sextet = |b: u8| -> Option<u8> {
        match b {
            b'A'..=b'Z' => Some(b - b'A'),
            b'a'..=b'z' => Some(b - b'a' + 26),
            b'0'..=b'9' => Some(b - b'0' + 52),
            b'+' if !url => Some(62),
            b'/' if !url => Some(63),
            b'-' if url => Some(62),
            b'_' if url => Some(63),
            _ => None,
        }
    };
    // Canonical: every character in the alphabet, no `=` inside, a length
    // that is not 1 mod 4, and zero bits past the last whole byte.
    let Some(values) = body.iter().map(|b| sextet(*b)).collect::<Option<Vec<u8>>>() else {
        return false;
    };
    let bytes = values.len() * 6 / 8;
    if bytes == 0 || values.len() % 4 == 1 {
        return false;
    }
    let last = values[values.len() - 1];
    match values.len() % 4 {
        2 => last & 0x0f == 0,
        3 => last & 0x03 == 0,
        _ => true,
    }
}

/// Strips tool-call thought signatures a provider would refuse
/// (`stripThoughtSignatures`). OpenClaw looks at a block's snake-case
/// `thought_signature` and, with `include_camel_case`, its camelCase
/// `thoughtSignature`, which is what a [`ContentBlock::ToolCall`]'s
/// `signature` holds (clawkit has no snake-case field). With
/// `allow_base64_only` any value that is not [`is_base64_signature`] goes;
/// without, only Claude message ids (`msg_…`).
pub fn strip_thought_signatures(
    messages: &mut [Message],
    policy: Option<&ThoughtSignaturePolicy>,
) -> Option<ReplayChange> {
    let options = policy.copied().unwrap_or_default();
    if !options.include_camel_case {
        return None;
    }
    let mut details = Vec::new();
    for message in messages.iter_mut() {
        let Message::Assistant {
            content,
            stop_reason,
        } = message
        else {
            continue;
        };
        if *stop_reason == Some(StopReason::Error) {
            continue;
        }
        for block in content.iter_mut() {
            if let ContentBlock::ToolCall { id, signature, .. } = block
                && let Some(value) = signature.as_deref()
            {
                let refused = if options.allow_base64_only {
                    !is_base64_signature(value)
                } else {
                    value.starts_with("msg_")
                };
                if refused {
                    details.push(format!("call {id}"));
                    *signature = None;
                }
            }
        }
    }
    ReplayChange::of("sanitizeThoughtSignatures", details)
}

/// Drops blank text blocks: a user turn left empty is dropped, a tool
/// result says [`EMPTY_CONTENT_TEXT`], an assistant turn left empty is
/// dropped (`normalizeAssistantReplayContent` and the content half of
/// `sanitizeSessionMessagesImages`).
pub fn drop_blank_text(messages: &mut Vec<Message>) -> Option<ReplayChange> {
    let mut details = Vec::new();
    let mut at = 0;
    messages.retain_mut(|message| {
        let index = at;
        at += 1;
        let content = message.content_mut();
        let before = content.len();
        content.retain(|block| !is_blank_text(block));
        let removed = before - content.len();
        if removed == 0 {
            return true;
        }
        if !content.is_empty() {
            details.push(format!("message {index}: {removed} blank text block(s)"));
            return true;
        }
        if let Message::ToolResult { content, .. } = message {
            content.push(ContentBlock::text(EMPTY_CONTENT_TEXT));
            details.push(format!("message {index}: empty tool result"));
            return true;
        }
        details.push(format!("dropped message {index}, blank"));
        false
    });
    ReplayChange::of("sanitizeContent", details)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_canonical_only() {
        assert!(is_base64_signature("QQ=="));
        assert!(is_base64_signature("QQ"));
        assert!(is_base64_signature(" QU\nJD "));
        assert!(is_base64_signature("QUJD===="));
        assert!(!is_base64_signature("QR=="), "stray bits");
        assert!(!is_base64_signature("Q"), "no whole byte");
        assert!(!is_base64_signature("QUJDR"), "1 mod 4");
        assert!(!is_base64_signature("QU=JD"), "padding inside");
        assert!(!is_base64_signature("a+b_"), "mixed alphabets");
        assert!(!is_base64_signature("==="));
        assert!(!is_base64_signature("   "));
    }
}
