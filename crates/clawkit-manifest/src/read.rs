//! Lenient readers: take what is valid, drop what is not, and say so.
//!
//! OpenClaw normalizes manifests leniently: a wrong-typed field or list entry
//! is dropped, not rejected. clawkit drops the same things, but every drop
//! becomes a warning with its JSON pointer instead of silence.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::diagnostic::Collector;
use crate::document::child_pointer;
use crate::model::Extra;

/// The JSON type of a value, for messages (`a string`, `an object`, …).
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `s` trimmed as JavaScript's `String.prototype.trim` does: ECMAScript white
/// space and line terminators (U+FEFF included, U+0085 not), which is what
/// OpenClaw's `normalizeOptionalString` removes.
pub(crate) fn js_trim(s: &str) -> &str {
    s.trim_matches(crate::json5::is_json5_whitespace)
}

/// A trimmed, non-empty string, or a warning.
pub(crate) fn string(cx: &mut Collector<'_>, value: &Value, pointer: &str) -> Option<String> {
    match value {
        Value::String(s) => {
            let trimmed = js_trim(s);
            if trimmed.is_empty() {
                cx.warning(pointer, "empty string; it is ignored");
                None
            } else {
                Some(trimmed.to_owned())
            }
        }
        other => {
            cx.warning(
                pointer,
                format!("expected a string, found {}; it is ignored", kind_of(other)),
            );
            None
        }
    }
}

/// A list of trimmed, non-empty strings; other entries are dropped with a warning.
pub(crate) fn string_list(cx: &mut Collector<'_>, value: &Value, pointer: &str) -> Vec<String> {
    match value {
        Value::Array(items) => kept_entries(cx, items, pointer, string),
        other => {
            cx.warning(
                pointer,
                format!(
                    "expected an array of strings, found {}; it is ignored",
                    kind_of(other)
                ),
            );
            Vec::new()
        }
    }
}

/// The entries `read` accepts, each aliased to its source index so that
/// later checks point at the right entry.
fn kept_entries<T>(
    cx: &mut Collector<'_>,
    items: &[Value],
    pointer: &str,
    mut read: impl FnMut(&mut Collector<'_>, &Value, &str) -> Option<T>,
) -> Vec<T> {
    let mut kept = Vec::with_capacity(items.len());
    for (source_index, item) in items.iter().enumerate() {
        let source = child_pointer(pointer, source_index);
        if let Some(value) = read(cx, item, &source) {
            cx.alias(child_pointer(pointer, kept.len()), source);
            kept.push(value);
        }
    }
    kept
}

/// A list whose entries are read by `read`; entries it rejects are dropped.
pub(crate) fn list<T>(
    cx: &mut Collector<'_>,
    value: &Value,
    pointer: &str,
    read: impl FnMut(&mut Collector<'_>, &Value, &str) -> Option<T>,
) -> Vec<T> {
    match value {
        Value::Array(items) => kept_entries(cx, items, pointer, read),
        other => {
            cx.warning(
                pointer,
                format!("expected an array, found {}; it is ignored", kind_of(other)),
            );
            Vec::new()
        }
    }
}

/// An object whose values are read by `read`; keys are trimmed and empty
/// keys or rejected values are dropped.
pub(crate) fn map<T>(
    cx: &mut Collector<'_>,
    value: &Value,
    pointer: &str,
    mut read: impl FnMut(&mut Collector<'_>, &Value, &str) -> Option<T>,
) -> IndexMap<String, T> {
    let Some(object) = object(cx, value, pointer) else {
        return IndexMap::new();
    };
    let mut out = IndexMap::new();
    for (key, item) in object {
        let item_pointer = child_pointer(pointer, key);
        let trimmed = js_trim(key);
        if trimmed.is_empty() {
            cx.warning_at_key(&item_pointer, "empty key; the entry is ignored");
            continue;
        }
        if let Some(read) = read(cx, item, &item_pointer) {
            cx.alias(child_pointer(pointer, trimmed), item_pointer);
            out.insert(trimmed.to_owned(), read);
        }
    }
    out
}

/// One of `allowed` string values (trimmed), or a warning listing them.
pub(crate) fn one_of<T: Copy>(
    cx: &mut Collector<'_>,
    value: &Value,
    pointer: &str,
    allowed: &[(&str, T)],
) -> Option<T> {
    let found = value
        .as_str()
        .and_then(|s| allowed.iter().find(|(name, _)| *name == js_trim(s)));
    if found.is_none() {
        cx.warning(
            pointer,
            format!(
                "expected one of {}, found {}; it is ignored",
                quoted_list(allowed.iter().map(|(name, _)| *name)),
                describe(value)
            ),
        );
    }
    found.map(|(_, variant)| *variant)
}

/// The object itself, or a warning.
pub(crate) fn object<'v>(
    cx: &mut Collector<'_>,
    value: &'v Value,
    pointer: &str,
) -> Option<&'v Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        other => {
            cx.warning(
                pointer,
                format!(
                    "expected an object, found {}; it is ignored",
                    kind_of(other)
                ),
            );
            None
        }
    }
}

/// Reads the members of one object, remembering which were consumed so that
/// the rest can be kept verbatim.
pub(crate) struct Fields<'v> {
    map: &'v Map<String, Value>,
    pointer: String,
    consumed: Vec<&'v str>,
}

impl<'v> Fields<'v> {
    /// Starts reading `value`, or warns that it is not an object.
    pub(crate) fn of(cx: &mut Collector<'_>, value: &'v Value, pointer: &str) -> Option<Self> {
        object(cx, value, pointer).map(|map| Fields::new(map, pointer))
    }

    pub(crate) fn new(map: &'v Map<String, Value>, pointer: &str) -> Self {
        Fields {
            map,
            pointer: pointer.to_owned(),
            consumed: Vec::new(),
        }
    }

    /// The pointer of member `key`.
    pub(crate) fn pointer_of(&self, key: &str) -> String {
        child_pointer(&self.pointer, key)
    }

    /// The raw member `key`, marked as consumed.
    pub(crate) fn take(&mut self, key: &'static str) -> Option<(&'v Value, String)> {
        let value = self.map.get(key)?;
        self.consumed.push(key);
        Some((value, self.pointer_of(key)))
    }

    pub(crate) fn string(&mut self, cx: &mut Collector<'_>, key: &'static str) -> Option<String> {
        let (value, pointer) = self.take(key)?;
        string(cx, value, &pointer)
    }

    /// A required string: missing or invalid is an error.
    pub(crate) fn required_string(
        &mut self,
        cx: &mut Collector<'_>,
        key: &'static str,
        what: &str,
    ) -> Option<String> {
        match self.take(key) {
            Some((Value::String(s), _)) if !js_trim(s).is_empty() => Some(js_trim(s).to_owned()),
            Some((value, pointer)) => {
                let found = match value {
                    Value::String(_) => "an empty string",
                    other => kind_of(other),
                };
                cx.error(
                    &pointer,
                    format!("{what} requires a non-empty string \"{key}\", found {found}"),
                );
                None
            }
            None => {
                let pointer = self.pointer_of(key);
                cx.error(
                    &pointer,
                    format!("{what} is missing required field \"{key}\""),
                );
                None
            }
        }
    }

    pub(crate) fn bool(&mut self, cx: &mut Collector<'_>, key: &'static str) -> Option<bool> {
        let (value, pointer) = self.take(key)?;
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                cx.warning(
                    &pointer,
                    format!(
                        "expected true or false, found {}; it is ignored",
                        kind_of(other)
                    ),
                );
                None
            }
        }
    }

    pub(crate) fn number(&mut self, cx: &mut Collector<'_>, key: &'static str) -> Option<f64> {
        let (value, pointer) = self.take(key)?;
        match value.as_f64() {
            Some(n) => Some(n),
            None => {
                cx.warning(
                    &pointer,
                    format!("expected a number, found {}; it is ignored", kind_of(value)),
                );
                None
            }
        }
    }

    /// A whole number of tokens (or similar count).
    pub(crate) fn count(&mut self, cx: &mut Collector<'_>, key: &'static str) -> Option<u64> {
        let (value, pointer) = self.take(key)?;
        if let Some(n) = value.as_u64() {
            return Some(n);
        }
        // 128000.0 is a whole number too.
        if let Some(f) = value.as_f64()
            && f >= 0.0
            && f.fract() == 0.0
            && f <= u64::MAX as f64
        {
            return Some(f as u64);
        }
        cx.warning(
            &pointer,
            format!(
                "expected a non-negative whole number, found {}; it is ignored",
                describe(value)
            ),
        );
        None
    }

    pub(crate) fn string_list(&mut self, cx: &mut Collector<'_>, key: &'static str) -> Vec<String> {
        match self.take(key) {
            Some((value, pointer)) => string_list(cx, value, &pointer),
            None => Vec::new(),
        }
    }

    /// `Record<string, string[]>`: empty lists are dropped.
    pub(crate) fn string_list_map(
        &mut self,
        cx: &mut Collector<'_>,
        key: &'static str,
    ) -> IndexMap<String, Vec<String>> {
        let Some((value, pointer)) = self.take(key) else {
            return IndexMap::new();
        };
        map(cx, value, &pointer, |cx, value, pointer| {
            let list = string_list(cx, value, pointer);
            if list.is_empty() && value.is_array() {
                cx.warning(pointer, "empty list; the entry is ignored");
            }
            (!list.is_empty()).then_some(list)
        })
    }

    /// `Record<string, string>`.
    pub(crate) fn string_map(
        &mut self,
        cx: &mut Collector<'_>,
        key: &'static str,
    ) -> IndexMap<String, String> {
        match self.take(key) {
            Some((value, pointer)) => map(cx, value, &pointer, string),
            None => IndexMap::new(),
        }
    }

    /// One of `allowed` string values.
    pub(crate) fn one_of<T: Copy>(
        &mut self,
        cx: &mut Collector<'_>,
        key: &'static str,
        allowed: &[(&str, T)],
    ) -> Option<T> {
        let (value, pointer) = self.take(key)?;
        one_of(cx, value, &pointer, allowed)
    }

    /// The members not consumed, kept verbatim, without warnings (for
    /// documents such as `package.json` whose other fields are not ours).
    pub(crate) fn finish_quietly(self) -> Extra {
        self.map
            .iter()
            .filter(|(key, _)| !self.consumed.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect()
    }

    /// The members not consumed, kept verbatim. Those that are neither in
    /// `known` (fields OpenClaw reads that clawkit does not model) nor
    /// consumed are warned about, with a suggestion when one is close.
    pub(crate) fn finish(self, cx: &mut Collector<'_>, known: &[&str], modelled: &[&str]) -> Extra {
        let mut extra = Extra::new();
        for (key, value) in self.map {
            if self.consumed.contains(&key.as_str()) {
                continue;
            }
            if !known.contains(&key.as_str()) && !modelled.contains(&key.as_str()) {
                let suggestion = closest(key, modelled.iter().chain(known).copied())
                    .map(|s| format!(" (did you mean \"{s}\"?)"))
                    .unwrap_or_default();
                cx.warning_at_key(
                    &child_pointer(&self.pointer, key),
                    format!("unknown field \"{key}\"{suggestion}; it is kept as written"),
                );
            }
            extra.insert(key.clone(), value.clone());
        }
        extra
    }
}

/// A value for a message: strings quoted, others by kind.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{}\"", truncate(s, 60)),
        Value::Number(n) => n.to_string(),
        other => kind_of(other).to_owned(),
    }
}

/// Cuts `s` to at most `max` characters, marking the cut with `…`.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut cut: String = s.chars().take(max).collect();
        cut.push('…');
        cut
    }
}

pub(crate) fn quoted_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The candidate closest to `word` by edit distance, if it is close enough to
/// be a likely typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance between two strings, counted in characters; what
/// the "did you mean" suggestions of clawkit rank by.
///
/// ```
/// assert_eq!(clawkit_manifest::edit_distance("kitten", "sitting"), 3);
/// ```
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_likely_typos_only() {
        let fields = ["providers", "channels", "providerAuthChoices"];
        assert_eq!(closest("provider", fields.into_iter()), Some("providers"));
        assert_eq!(closest("chanels", fields.into_iter()), Some("channels"));
        assert_eq!(closest("zzz", fields.into_iter()), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
