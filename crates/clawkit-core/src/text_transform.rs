//! Text transforms (`registerTextTransforms`, `provider.textTransforms`):
//! small bidirectional rewrites for providers whose control tokens differ
//! from OpenClaw's.
//!
//! Each replacement is one JavaScript `String.replace(from, to)`: a literal
//! `from` or a non-global regex replaces the **first** match only, a global
//! regex replaces every match, and `to` understands JavaScript's `$`
//! patterns (`$&`, `$1`, `$<name>`, `` $` ``, `$'`, `$$`).

use std::borrow::Cow;

use regex::{Captures, Regex};
use serde::{Serialize, Serializer};

use crate::context::{ContentBlock, Context, Message};
use crate::error::CoreError;

/// What a [`Replacement`] looks for.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Pattern {
    /// This exact text; only its first occurrence is replaced.
    Literal(String),
    /// A regular expression; with `global`, every match is replaced.
    Regex {
        /// The compiled expression.
        regex: Regex,
        /// Replace every match (JavaScript's `g` flag), not just the first.
        global: bool,
    },
}

/// One rewrite: `from` → `to`.
#[derive(Debug, Clone)]
pub struct Replacement {
    from: Pattern,
    to: Vec<ReplacementPart>,
    to_source: String,
    /// The literal text looked for, when `from` is one (first or every match).
    literal: Option<String>,
    /// `to` is plain text and `$&` only (see `streaming_literal`).
    plain_to: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ReplacementPart {
    Text(String),
    Whole,
    Before,
    After,
    Group(usize),
    Named(String),
}

impl Replacement {
    /// Replaces the first occurrence of `from`.
    ///
    /// ```
    /// use clawkit_core::Replacement;
    ///
    /// let r = Replacement::literal("red basket", "blue basket");
    /// assert_eq!(r.apply("red basket, red basket"), "blue basket, red basket");
    /// ```
    pub fn literal(from: impl Into<String>, to: impl Into<String>) -> Self {
        let to = to.into();
        let from = from.into();
        let parts = parse_replacement(&to);
        Replacement {
            literal: Some(from.clone()),
            from: Pattern::Literal(from),
            plain_to: is_plain(&parts),
            to: parts,
            to_source: to,
        }
    }

    /// Replaces every occurrence of `from` (a `/from/g` regex of literal text).
    ///
    /// ```
    /// use clawkit_core::Replacement;
    ///
    /// let r = Replacement::literal_global("a.b", "x");
    /// assert_eq!(r.apply("a.b aab a.b"), "x aab x");
    /// ```
    pub fn literal_global(from: &str, to: impl Into<String>) -> Self {
        let to = to.into();
        let regex = match Regex::new(&regex::escape(from)) {
            Ok(regex) => regex,
            // An escaped literal always compiles; keep the first-match form otherwise.
            Err(_) => return Replacement::literal(from, to),
        };
        let parts = parse_replacement(&to);
        Replacement {
            from: Pattern::Regex {
                regex,
                global: true,
            },
            plain_to: is_plain(&parts),
            to: parts,
            to_source: to,
            literal: Some(from.to_owned()),
        }
    }

    /// Replaces the first match of `pattern` (a regex without the `g` flag).
    pub fn regex(pattern: &str, to: impl Into<String>) -> Result<Self, CoreError> {
        Self::compiled(pattern, to.into(), false)
    }

    /// Replaces every match of `pattern` (a regex with the `g` flag).
    ///
    /// ```
    /// use clawkit_core::Replacement;
    ///
    /// let r = Replacement::regex_global(r"(\w+) ticket", "digital $1")?;
    /// assert_eq!(r.apply("paper ticket and bus ticket"), "digital paper and digital bus");
    /// # Ok::<(), clawkit_core::CoreError>(())
    /// ```
    pub fn regex_global(pattern: &str, to: impl Into<String>) -> Result<Self, CoreError> {
        Self::compiled(pattern, to.into(), true)
    }

    fn compiled(pattern: &str, to: String, global: bool) -> Result<Self, CoreError> {
        let regex = Regex::new(pattern).map_err(|e| CoreError::invalid_pattern(pattern, e))?;
        let parts = parse_replacement(&to);
        Ok(Replacement {
            from: Pattern::Regex { regex, global },
            plain_to: is_plain(&parts),
            to: parts,
            to_source: to,
            literal: None,
        })
    }

    /// What the replacement looks for.
    pub fn pattern(&self) -> &Pattern {
        &self.from
    }

    /// The literal this replacement looks for and whether it replaces every
    /// occurrence, when it can rewrite a stream piece by piece: a non-empty
    /// literal whose `to` is plain text and `$&`. Anything else (the text
    /// around the match, groups, regular expressions) needs the whole text.
    pub(crate) fn streaming_literal(&self) -> Option<(&str, bool)> {
        let literal = self.literal.as_deref().filter(|l| !l.is_empty())?;
        let global = matches!(self.from, Pattern::Regex { global: true, .. });
        self.plain_to.then_some((literal, global))
    }

    /// What one match of the literal `matched` is replaced by (see
    /// [`streaming_literal`](Self::streaming_literal)).
    pub(crate) fn replace_literal_match(&self, matched: &str, out: &mut String) {
        self.expand(matched, 0, matched.len(), None, out);
    }

    /// Applies the replacement once, with JavaScript semantics.
    pub fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if text.is_empty() {
            return Cow::Borrowed(text);
        }
        match &self.from {
            Pattern::Literal(from) => match text.find(from.as_str()) {
                Some(start) => {
                    let end = start + from.len();
                    let mut out = String::with_capacity(text.len());
                    out.push_str(&text[..start]);
                    self.expand(text, start, end, None, &mut out);
                    out.push_str(&text[end..]);
                    Cow::Owned(out)
                }
                None => Cow::Borrowed(text),
            },
            Pattern::Regex { regex, global } => {
                let limit = if *global { 0 } else { 1 };
                regex.replacen(text, limit, |caps: &Captures<'_>| {
                    let whole = caps.get(0).map_or(0..0, |m| m.range());
                    let mut out = String::new();
                    self.expand(text, whole.start, whole.end, Some(caps), &mut out);
                    out
                })
            }
        }
    }

    fn expand(
        &self,
        text: &str,
        start: usize,
        end: usize,
        caps: Option<&Captures<'_>>,
        out: &mut String,
    ) {
        for part in &self.to {
            match part {
                ReplacementPart::Text(s) => out.push_str(s),
                ReplacementPart::Whole => out.push_str(&text[start..end]),
                ReplacementPart::Before => out.push_str(&text[..start]),
                ReplacementPart::After => out.push_str(&text[end..]),
                ReplacementPart::Group(n) => match caps {
                    Some(caps) if *n < caps.len() => {
                        out.push_str(caps.get(*n).map_or("", |m| m.as_str()));
                    }
                    // JavaScript keeps `$n` literally when there is no such group.
                    _ => {
                        out.push('$');
                        out.push_str(&n.to_string());
                    }
                },
                ReplacementPart::Named(name) => {
                    if let Some(m) = caps.and_then(|c| c.name(name)) {
                        out.push_str(m.as_str());
                    }
                }
            }
        }
    }
}

impl Serialize for Replacement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Replacement", 2)?;
        match &self.from {
            Pattern::Literal(text) => s.serialize_field("from", text)?,
            Pattern::Regex { regex, global } => {
                let flags = if *global { "g" } else { "" };
                s.serialize_field("from", &format!("/{}/{flags}", regex.as_str()))?;
            }
        }
        s.serialize_field("to", &self.to_source)?;
        s.end()
    }
}

/// Whether a replacement is only text and `$&` (needs nothing around the match).
fn is_plain(parts: &[ReplacementPart]) -> bool {
    parts
        .iter()
        .all(|part| matches!(part, ReplacementPart::Text(_) | ReplacementPart::Whole))
}

/// Parses JavaScript replacement syntax.
fn parse_replacement(to: &str) -> Vec<ReplacementPart> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut chars = to.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '$' {
            text.push(c);
            continue;
        }
        let part = match chars.peek().map(|&(_, next)| next) {
            Some('$') => {
                chars.next();
                text.push('$');
                continue;
            }
            Some('&') => Some(ReplacementPart::Whole),
            Some('`') => Some(ReplacementPart::Before),
            Some('\'') => Some(ReplacementPart::After),
            Some(d) if d.is_ascii_digit() => {
                // One or two digits, as JavaScript reads them.
                let rest = &to[i + 1..];
                let digits: String = rest
                    .chars()
                    .take(2)
                    .take_while(char::is_ascii_digit)
                    .collect();
                let n: usize = digits.parse().unwrap_or(0);
                for _ in 1..digits.len() {
                    chars.next();
                }
                Some(ReplacementPart::Group(n))
            }
            Some('<') => {
                let rest = &to[i + 2..];
                rest.find('>').map(|close| {
                    let name = rest[..close].to_owned();
                    for _ in 0..=close {
                        chars.next();
                    }
                    ReplacementPart::Named(name)
                })
            }
            _ => None,
        };
        match part {
            Some(part) => {
                chars.next();
                if !text.is_empty() {
                    parts.push(ReplacementPart::Text(std::mem::take(&mut text)));
                }
                parts.push(part);
            }
            None => text.push('$'),
        }
    }
    if !text.is_empty() {
        parts.push(ReplacementPart::Text(text));
    }
    parts
}

/// Input and output rewrites of one plugin or provider.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct TextTransforms {
    /// Applied to the system prompt and message text before transport.
    pub input: Vec<Replacement>,
    /// Applied to assistant text after transport.
    pub output: Vec<Replacement>,
}

impl TextTransforms {
    /// No rewrites.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an input rewrite.
    pub fn input(mut self, replacement: Replacement) -> Self {
        self.input.push(replacement);
        self
    }

    /// Adds an output rewrite.
    pub fn output(mut self, replacement: Replacement) -> Self {
        self.output.push(replacement);
        self
    }

    /// Whether there are no rewrites.
    pub fn is_empty(&self) -> bool {
        self.input.is_empty() && self.output.is_empty()
    }

    /// Appends `other`'s rewrites after these (inputs, then outputs).
    pub fn extend(&mut self, other: &TextTransforms) {
        self.input.extend(other.input.iter().cloned());
        self.output.extend(other.output.iter().cloned());
    }

    /// Runs the input rewrites over `text`, in order.
    pub fn apply_input<'t>(&self, text: &'t str) -> Cow<'t, str> {
        apply_all(&self.input, text)
    }

    /// Runs the output rewrites over `text`, in order.
    pub fn apply_output<'t>(&self, text: &'t str) -> Cow<'t, str> {
        apply_all(&self.output, text)
    }

    /// Runs the output rewrites over every string inside `value` (a tool
    /// call's arguments).
    pub fn apply_output_to_value(&self, value: &mut serde_json::Value) {
        if !self.output.is_empty() {
            rewrite_strings(value, &|t| self.apply_output(t));
        }
    }

    /// Rewrites a conversation before transport: the system prompt, every
    /// text and thinking block, and every string inside tool-call arguments.
    pub fn apply_input_to_context(&self, context: &mut Context) {
        if self.input.is_empty() {
            return;
        }
        if let Some(prompt) = &mut context.system_prompt {
            rewrite(prompt, |t| self.apply_input(t));
        }
        for message in &mut context.messages {
            let content = match message {
                Message::User { content }
                | Message::Assistant { content, .. }
                | Message::ToolResult { content, .. } => content,
            };
            for block in content {
                match block {
                    ContentBlock::Text { text } => rewrite(text, |t| self.apply_input(t)),
                    ContentBlock::Thinking { thinking, .. } => {
                        rewrite(thinking, |t| self.apply_input(t))
                    }
                    ContentBlock::ToolCall { arguments, .. } => {
                        rewrite_strings(arguments, &|t| self.apply_input(t))
                    }
                    _ => {}
                }
            }
        }
    }
}

fn apply_all<'t>(replacements: &[Replacement], text: &'t str) -> Cow<'t, str> {
    let mut current = Cow::Borrowed(text);
    for replacement in replacements {
        if let Cow::Owned(changed) = replacement.apply(&current) {
            current = Cow::Owned(changed);
        }
    }
    current
}

fn rewrite(text: &mut String, f: impl Fn(&str) -> Cow<'_, str>) {
    if let Cow::Owned(changed) = f(text) {
        *text = changed;
    }
}

fn rewrite_strings(value: &mut serde_json::Value, f: &dyn Fn(&str) -> Cow<'_, str>) {
    match value {
        serde_json::Value::String(s) => rewrite(s, f),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| rewrite_strings(v, f)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| rewrite_strings(v, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn javascript_replacement_patterns() {
        let r = Replacement::regex(r"(?P<who>\w+)@(\w+)", "[$2:$<who>|$&|$$|$9]").unwrap();
        assert_eq!(
            r.apply("mail bob@acme now"),
            "mail [acme:bob|bob@acme|$|$9] now"
        );
        let r = Replacement::literal("x", "<$`|$'>");
        assert_eq!(r.apply("axb"), "a<a|b>b");
        let r = Replacement::literal("x", "cost: $5 $");
        assert_eq!(r.apply("x"), "cost: $5 $");
    }

    #[test]
    fn non_global_regex_and_literals_replace_only_the_first_match() {
        let first = Replacement::regex("a", "b").unwrap();
        let all = Replacement::regex_global("a", "b").unwrap();
        assert_eq!(first.apply("aaa"), "baa");
        assert_eq!(all.apply("aaa"), "bbb");
        assert!(matches!(
            Replacement::literal("z", "y").apply("abc"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn the_guide_transforms_round_trip() {
        let transforms = TextTransforms::new()
            .input(Replacement::regex_global("red basket", "blue basket").unwrap())
            .input(Replacement::regex_global("paper ticket", "digital ticket").unwrap())
            .output(Replacement::regex_global("blue basket", "red basket").unwrap())
            .output(Replacement::regex_global("digital ticket", "paper ticket").unwrap());
        let mut context = Context::user("Put the paper ticket in the red basket")
            .with_system_prompt("red basket rules");
        context.messages.push(Message::Assistant {
            content: vec![ContentBlock::ToolCall {
                id: "1".into(),
                name: "file".into(),
                arguments: json!({"where": ["red basket"], "n": 1}),
                signature: None,
            }],
            stop_reason: None,
        });
        transforms.apply_input_to_context(&mut context);
        assert_eq!(context.system_prompt.as_deref(), Some("blue basket rules"));
        assert_eq!(
            context.messages[0].content()[0],
            ContentBlock::text("Put the digital ticket in the blue basket")
        );
        let ContentBlock::ToolCall { arguments, .. } = &context.messages[1].content()[0] else {
            panic!("tool call")
        };
        assert_eq!(arguments, &json!({"where": ["blue basket"], "n": 1}));
        assert_eq!(
            transforms.apply_output("a digital ticket"),
            "a paper ticket"
        );
    }

    #[test]
    fn transforms_serialize_for_traces() {
        let t = TextTransforms::new().input(Replacement::regex_global("a+", "b").unwrap());
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            json!({"input": [{"from": "/a+/g", "to": "b"}], "output": []})
        );
    }
}
