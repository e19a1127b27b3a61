//! xAI: the tool parts of OpenClaw's xAI compat patch
//! (`resolveXaiModelCompatPatch`): the schema keywords Grok rejects,
//! removed with `stripUnsupportedSchemaKeywords`, and the HTML entities it
//! writes into tool-call arguments (`toolCallArgumentsEncoding:
//! "html-entities"`), decoded.
//!
//! In OpenClaw these are not a tool-compat family but model compat: the
//! transport strips `compat.unsupportedToolSchemaKeywords` and a stream
//! wrapper decodes the arguments. A clawkit provider gets the first with
//! [`ToolCompatHooks::xai`](super::ToolCompatHooks::xai) and the second by
//! calling [`decode_html_entities_in_value`] on each tool call's arguments.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::deep;
use super::inspect::find_unsupported_schema_keywords;
use super::report::{ChangeKind, Normalized};
use super::walk::{
    Entry, PathId, ROOT, Recorder, Seg, assemble_array, assemble_record, is_js_object,
};

/// The schema keywords xAI rejects (`XAI_UNSUPPORTED_SCHEMA_KEYWORDS` in
/// OpenClaw 2026.9.6; older releases also listed `minLength`, `maxLength`,
/// `minItems` and `maxItems`).
#[doc(alias = "XAI_UNSUPPORTED_SCHEMA_KEYWORDS")]
pub const UNSUPPORTED_KEYWORDS: &[&str] = &["minContains", "maxContains"];

/// The `toolSchemaProfile` of the patch.
pub const TOOL_SCHEMA_PROFILE: &str = "xai";

/// The `toolCallArgumentsEncoding` of the patch.
pub const TOOL_CALL_ARGUMENTS_ENCODING: &str = "html-entities";

/// Keys whose value maps names to schemas.
const MAP_KEYS: [&str; 6] = [
    "$defs",
    "definitions",
    "dependentSchemas",
    "dependencies",
    "patternProperties",
    "properties",
];

/// Keys whose value is one schema.
const OBJECT_KEYS: [&str; 12] = [
    "additionalItems",
    "additionalProperties",
    "contains",
    "contentSchema",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
];

/// Keys whose value is an array of schemas.
const ARRAY_KEYS: [&str; 5] = ["allOf", "anyOf", "items", "oneOf", "prefixItems"];

/// [`strip_unsupported_schema_keywords`] with xAI's
/// [`UNSUPPORTED_KEYWORDS`].
pub fn normalize(schema: &Value) -> Normalized {
    strip_unsupported_schema_keywords(schema, UNSUPPORTED_KEYWORDS)
}

/// Where `schema` uses a keyword xAI rejects, under the prefix `path`. See
/// [`find_unsupported_schema_keywords`].
pub fn inspect(schema: &Value, path: &str) -> Vec<String> {
    find_unsupported_schema_keywords(schema, path, UNSUPPORTED_KEYWORDS)
}

/// Removes the `unsupported` keywords from `schema`, as OpenClaw's
/// `stripUnsupportedSchemaKeywords` does: at the root and in every schema
/// nested in the values of `properties`, `$defs`, `definitions`,
/// `dependentSchemas`, `dependencies` and `patternProperties`, the
/// applicators (`items`, `anyOf`, `not`, `if`, …) and array items. Other
/// values (`default`, `enum`, …) are kept as they are.
///
/// ```
/// use clawkit_families::tools::xai;
/// use serde_json::json;
///
/// let schema = json!({"type": "array", "contains": {"type": "string"}, "minContains": 1,
///     "items": {"type": "string", "maxLength": 8}});
/// let out = xai::strip_unsupported_schema_keywords(&schema, &["minContains", "maxLength"]);
/// assert_eq!(out.schema, json!({"type": "array", "contains": {"type": "string"}, "items": {"type": "string"}}));
/// assert_eq!(out.changes[1].path, "/items/maxLength");
/// ```
#[doc(alias = "stripUnsupportedSchemaKeywords")]
pub fn strip_unsupported_schema_keywords(schema: &Value, unsupported: &[&str]) -> Normalized {
    enum Task<'a> {
        Visit(&'a Value, usize, PathId),
        Array(usize, usize, usize),
        Record(usize, Vec<Entry<'a>>, usize),
    }

    let mut rec = Recorder::new();
    let mut slots = vec![Value::Null];
    let mut tasks = vec![Task::Visit(schema, 0, ROOT)];
    while let Some(task) = tasks.pop() {
        match task {
            Task::Visit(node, out, at) => match node {
                Value::Array(items) => {
                    let base = slots.len();
                    slots.resize(base + items.len(), Value::Null);
                    tasks.push(Task::Array(out, base, items.len()));
                    for (index, item) in items.iter().enumerate().rev() {
                        let child = rec.child(at, Seg::Index(index));
                        tasks.push(Task::Visit(item, base + index, child));
                    }
                }
                Value::Object(obj) => {
                    let base = slots.len();
                    let mut plan = Vec::with_capacity(obj.len());
                    let mut children = Vec::new();
                    for (key, value) in obj {
                        let key = key.as_str();
                        if unsupported.contains(&key) {
                            rec.record(
                                at,
                                key,
                                ChangeKind::Removed,
                                "in the unsupported keyword list",
                            );
                            continue;
                        }
                        let nested = match value {
                            Value::Object(map) if MAP_KEYS.contains(&key) => {
                                let first = slots.len();
                                slots.resize(first + map.len(), Value::Null);
                                let map_at = rec.child(at, Seg::Key(key));
                                for (index, (name, child)) in map.iter().enumerate() {
                                    let child_at = rec.child(map_at, Seg::Key(name));
                                    children.push(Task::Visit(child, first + index, child_at));
                                }
                                plan.push(Entry::Map(key, map, first));
                                true
                            }
                            Value::Array(_) if ARRAY_KEYS.contains(&key) => false,
                            _ if OBJECT_KEYS.contains(&key) && is_js_object(value) => false,
                            _ => {
                                plan.push(Entry::Raw(key, value));
                                true
                            }
                        };
                        if !nested {
                            let slot = slots.len();
                            slots.push(Value::Null);
                            let child_at = rec.child(at, Seg::Key(key));
                            children.push(Task::Visit(value, slot, child_at));
                            plan.push(Entry::Child(key, slot));
                        }
                    }
                    tasks.push(Task::Record(out, plan, base));
                    tasks.extend(children.into_iter().rev());
                }
                scalar => slots[out] = scalar.clone(),
            },
            Task::Array(out, base, len) => assemble_array(&mut slots, out, base, len),
            Task::Record(out, plan, base) => assemble_record(&mut slots, out, plan, base),
        }
    }
    let schema = slots.first_mut().map(std::mem::take).unwrap_or_default();
    Normalized::new(schema, rec.changes)
}

/// The HTML5 named references that end in `;`, and what they stand for.
fn named_references() -> &'static HashMap<&'static str, &'static str> {
    static TABLE: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        entities::ENTITIES
            .iter()
            .filter(|e| e.entity.ends_with(';'))
            .map(|e| (e.entity, e.characters))
            .collect()
    })
}

/// Decodes the HTML character references in `text` once, as OpenClaw's
/// `decodeHtmlEntities` does: every `&name;` of HTML5 (case-sensitive,
/// plus `&amp;`, `&quot;`, `&apos;`, `&lt;` and `&gt;` in any case), and
/// `&#<decimal>;` / `&#x<hex>;` naming a Unicode scalar value. References
/// without their `;`, unknown names and numbers that are not scalar values
/// stay as written. `&amp;lt;` becomes `&lt;`, not `<`.
///
/// ```
/// use clawkit_families::tools::xai::decode_html_entities;
///
/// assert_eq!(decode_html_entities("cd ~/dev &amp;&amp; echo &quot;ok&quot;"), "cd ~/dev && echo \"ok\"");
/// assert_eq!(decode_html_entities("&lt;b&gt; &#x1F600; &notin; &amp;lt;"), "<b> 😀 ∉ &lt;");
/// assert_eq!(decode_html_entities("&copy &#xD800; &bogus;"), "&copy &#xD800; &bogus;");
/// ```
#[doc(alias = "decodeHtmlEntities")]
pub fn decode_html_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = text[at..].find('&') {
        let start = at + found;
        match reference_at(text, start) {
            Some((end, decoded)) => {
                out.push_str(&text[copied..start]);
                out.push_str(&decoded);
                copied = end;
                at = end;
            }
            None => at = start + 1,
        }
        if at >= bytes.len() {
            break;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The reference starting with the `&` at `start`: where it ends and what
/// it stands for. Mirrors `/&(?:#x([0-9a-f]+)|#(\d+)|([a-z][a-z0-9]+));/i`.
fn reference_at(text: &str, start: usize) -> Option<(usize, Cow<'static, str>)> {
    let rest = &text[start + 1..];
    if let Some(hex) = rest.strip_prefix("#x").or_else(|| rest.strip_prefix("#X"))
        && let Some((len, digits)) = digits_then_semicolon(hex, 16)
    {
        let end = start + 3 + len + 1;
        return Some((end, numeric(digits, 16, &text[start..end])));
    }
    if let Some(dec) = rest.strip_prefix('#')
        && let Some((len, digits)) = digits_then_semicolon(dec, 10)
    {
        let end = start + 2 + len + 1;
        return Some((end, numeric(digits, 10, &text[start..end])));
    }
    let name_len = rest
        .bytes()
        .enumerate()
        .take_while(|(i, b)| {
            if *i == 0 {
                b.is_ascii_alphabetic()
            } else {
                b.is_ascii_alphanumeric()
            }
        })
        .count();
    if name_len < 2 || rest.as_bytes().get(name_len) != Some(&b';') {
        return None;
    }
    let end = start + 1 + name_len + 1;
    let reference = &text[start..end];
    let table = named_references();
    if let Some(decoded) = table.get(reference) {
        return Some((end, Cow::Borrowed(decoded)));
    }
    let name = &rest[..name_len];
    if ["amp", "quot", "apos", "lt", "gt"]
        .iter()
        .any(|legacy| legacy.eq_ignore_ascii_case(name))
        && let Some(decoded) = table.get(reference.to_ascii_lowercase().as_str())
    {
        return Some((end, Cow::Borrowed(decoded)));
    }
    Some((end, Cow::Owned(reference.to_owned())))
}

/// The leading digits of `s` in `radix` when a `;` follows them.
fn digits_then_semicolon(s: &str, radix: u32) -> Option<(usize, &str)> {
    let len = s
        .bytes()
        .take_while(|b| char::from(*b).is_digit(radix))
        .count();
    (len > 0 && s.as_bytes().get(len) == Some(&b';')).then(|| (len, &s[..len]))
}

fn numeric(digits: &str, radix: u32, written: &str) -> Cow<'static, str> {
    // Leading zeros do not count; a number too long for a u32 is past
    // U+10FFFF anyway.
    let trimmed = digits.trim_start_matches('0');
    let scalar = if trimmed.len() > 8 {
        None
    } else {
        u32::from_str_radix(if trimmed.is_empty() { "0" } else { trimmed }, radix)
            .ok()
            .and_then(char::from_u32)
    };
    match scalar {
        Some(c) => Cow::Owned(c.to_string()),
        None => Cow::Owned(written.to_owned()),
    }
}

/// Decodes HTML entities in every string of `value` (not in object keys),
/// as OpenClaw's `decodeHtmlEntitiesInObject` does to the parsed arguments
/// of a tool call from a model with `toolCallArgumentsEncoding:
/// "html-entities"`. Any depth is fine.
///
/// ```
/// use clawkit_families::tools::xai::decode_html_entities_in_value;
/// use serde_json::json;
///
/// let args = json!({"command": "cd ~/dev &amp;&amp; ls", "args": ["&lt;a&gt;", 1], "a&amp;b": true});
/// assert_eq!(
///     decode_html_entities_in_value(&args),
///     json!({"command": "cd ~/dev && ls", "args": ["<a>", 1], "a&amp;b": true}),
/// );
/// ```
#[doc(alias = "decodeHtmlEntitiesInObject")]
pub fn decode_html_entities_in_value(value: &Value) -> Value {
    let mut out = deep::clone(value);
    let mut pending = vec![&mut out];
    while let Some(node) = pending.pop() {
        match node {
            Value::String(s) => {
                if let Cow::Owned(decoded) = decode_html_entities(s) {
                    *s = decoded;
                }
            }
            Value::Array(items) => pending.extend(items.iter_mut()),
            Value::Object(map) => pending.extend(map.values_mut()),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn references_decode_as_openclaw_decodes_them() {
        let cases = [
            ("a &amp; b", "a & b"),
            ("&AMP;", "&"),
            ("&Amp;", "&"),
            ("&notit;", "&notit;"),
            ("&notin;", "∉"),
            ("&not;", "¬"),
            ("&amp;lt;", "&lt;"),
            ("&#x41;&#X42;&#65;", "ABA"),
            ("&#0;", "\u{0}"),
            ("&#xD800;", "&#xD800;"),
            ("&#1114112;", "&#1114112;"),
            ("&#99999999999999999999;", "&#99999999999999999999;"),
            ("&#0000065;", "A"),
            ("&nbsp;", "\u{a0}"),
            ("&a;", "&a;"),
            ("&;", "&;"),
            ("&#x;", "&#x;"),
            ("&fjlig;", "fj"),
            ("&NotEqualTilde;", "\u{2242}\u{338}"),
            ("&QUOT;", "\""),
            ("&Quot;", "\""),
            ("&APOS;", "'"),
            ("&lT;", "<"),
            ("&#128;", "\u{80}"),
            ("&x1;", "&x1;"),
            ("&&amp;", "&&"),
            ("tail &", "tail &"),
            ("&#x1F600;", "😀"),
        ];
        for (input, expected) in cases {
            assert_eq!(decode_html_entities(input), expected, "{input}");
        }
    }

    #[test]
    fn text_without_references_is_borrowed() {
        assert!(matches!(decode_html_entities("a & b"), Cow::Borrowed(_)));
        assert!(matches!(decode_html_entities("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn strip_walks_schema_places_and_keeps_other_values() {
        let out = strip_unsupported_schema_keywords(
            &json!({
                "minContains": 1,
                "properties": {"a": {"minContains": 2}},
                "dependencies": {"b": ["a"], "c": {"minContains": 3}},
                "prefixItems": [{"minContains": 4}],
                "items": [{"minContains": 5}],
                "not": {"minContains": 6},
                "default": {"minContains": 7},
                "allOf": {"minContains": 8},
            }),
            &["minContains"],
        );
        assert_eq!(
            out.schema,
            json!({
                "properties": {"a": {}},
                "dependencies": {"b": ["a"], "c": {}},
                "prefixItems": [{}],
                "items": [{}],
                "not": {},
                "default": {"minContains": 7},
                "allOf": {"minContains": 8},
            })
        );
        assert_eq!(out.changes.len(), 6);
    }
}
