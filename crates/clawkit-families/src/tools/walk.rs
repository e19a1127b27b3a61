//! What the non-recursive walkers share: the paths of the nodes they visit,
//! JavaScript's idea of truth and type, and the change recorder.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::deep;
use super::report::{ChangeKind, SchemaChange};

/// One step from a node to its child.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// A node's place in [`Paths`].
pub(crate) type PathId = u32;

/// The root's place.
pub(crate) const ROOT: PathId = 0;

/// The paths of the nodes a walk visits, each one step from its parent:
/// cheap to extend, turned into text only when something is reported.
pub(crate) struct Paths<'a> {
    steps: Vec<(PathId, Option<Seg<'a>>)>,
}

impl<'a> Paths<'a> {
    pub(crate) fn new() -> Self {
        Paths {
            steps: vec![(ROOT, None)],
        }
    }

    /// The child of `parent` one `seg` further.
    pub(crate) fn child(&mut self, parent: PathId, seg: Seg<'a>) -> PathId {
        let id = PathId::try_from(self.steps.len()).unwrap_or(PathId::MAX);
        self.steps.push((parent, Some(seg)));
        id
    }

    fn segments(&self, mut id: PathId, out: &mut Vec<Seg<'a>>) {
        out.clear();
        while let Some((parent, seg)) = self.steps.get(id as usize) {
            match seg {
                Some(seg) => out.push(*seg),
                None => break,
            }
            id = *parent;
        }
        out.reverse();
    }

    /// The JSON pointer of `id`, then of `keyword` under it when given.
    #[cfg(test)]
    pub(crate) fn pointer(&self, id: PathId, keyword: Option<&str>) -> String {
        self.pointer_with(id, keyword, &mut Vec::new())
    }

    /// The JSON pointer of `id`, then of `keyword` under it when given,
    /// with a buffer to reuse.
    pub(crate) fn pointer_with(
        &self,
        id: PathId,
        keyword: Option<&str>,
        scratch: &mut Vec<Seg<'a>>,
    ) -> String {
        self.segments(id, scratch);
        let len = scratch
            .iter()
            .map(|seg| match seg {
                Seg::Key(key) => key.len() + 1,
                Seg::Index(_) => 4,
            })
            .sum::<usize>()
            + keyword.map_or(0, |k| k.len() + 1);
        let mut out = String::with_capacity(len);
        for seg in scratch.iter() {
            match seg {
                Seg::Key(key) => push_pointer_token(&mut out, key),
                Seg::Index(index) => {
                    let _ = write!(out, "/{index}");
                }
            }
        }
        if let Some(keyword) = keyword {
            push_pointer_token(&mut out, keyword);
        }
        out
    }

    /// OpenClaw's diagnostic path of `id`: `prefix.key[index]`.
    pub(crate) fn dotted(&self, prefix: &str, id: PathId, keyword: Option<&str>) -> String {
        let mut out = String::from(prefix);
        let mut segs = Vec::new();
        self.segments(id, &mut segs);
        for seg in segs {
            match seg {
                Seg::Key(key) => {
                    out.push('.');
                    out.push_str(key);
                }
                Seg::Index(index) => {
                    let _ = write!(out, "[{index}]");
                }
            }
        }
        if let Some(keyword) = keyword {
            out.push('.');
            out.push_str(keyword);
        }
        out
    }
}

pub(crate) fn push_pointer_token(out: &mut String, token: &str) {
    if !token.as_bytes().iter().any(|&b| b == b'~' || b == b'/') {
        out.reserve(token.len() + 1);
        out.push('/');
        out.push_str(token);
        return;
    }
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Collects the changes of one normalization.
pub(crate) struct Recorder<'a> {
    pub(crate) paths: Paths<'a>,
    pub(crate) changes: Vec<SchemaChange>,
    scratch: Vec<Seg<'a>>,
}

impl<'a> Recorder<'a> {
    pub(crate) fn new() -> Self {
        Recorder {
            paths: Paths::new(),
            changes: Vec::new(),
            scratch: Vec::new(),
        }
    }

    pub(crate) fn child(&mut self, parent: PathId, seg: Seg<'a>) -> PathId {
        self.paths.child(parent, seg)
    }

    /// Records that `keyword` of the node at `at` changed.
    pub(crate) fn record(
        &mut self,
        at: PathId,
        keyword: &str,
        change: ChangeKind,
        message: impl Into<Cow<'static, str>>,
    ) {
        let path = self
            .paths
            .pointer_with(at, Some(keyword), &mut self.scratch);
        self.changes.push(SchemaChange::new(
            path,
            keyword_name(keyword),
            change,
            message,
        ));
    }
}

/// A keyword's name, without an allocation for the keywords changes are
/// usually about.
pub(crate) fn keyword_name(keyword: &str) -> Cow<'static, str> {
    let known: &'static str = match keyword {
        "$comment" => "$comment",
        "$defs" => "$defs",
        "$id" => "$id",
        "$ref" => "$ref",
        "$schema" => "$schema",
        "additionalItems" => "additionalItems",
        "additionalProperties" => "additionalProperties",
        "allOf" => "allOf",
        "anyOf" => "anyOf",
        "const" => "const",
        "contains" => "contains",
        "default" => "default",
        "definitions" => "definitions",
        "description" => "description",
        "enum" => "enum",
        "examples" => "examples",
        "format" => "format",
        "items" => "items",
        "maxContains" => "maxContains",
        "maxItems" => "maxItems",
        "maxLength" => "maxLength",
        "maxProperties" => "maxProperties",
        "maximum" => "maximum",
        "minContains" => "minContains",
        "minItems" => "minItems",
        "minLength" => "minLength",
        "minProperties" => "minProperties",
        "minimum" => "minimum",
        "multipleOf" => "multipleOf",
        "not" => "not",
        "nullable" => "nullable",
        "oneOf" => "oneOf",
        "pattern" => "pattern",
        "patternProperties" => "patternProperties",
        "prefixItems" => "prefixItems",
        "properties" => "properties",
        "required" => "required",
        "title" => "title",
        "type" => "type",
        "uniqueItems" => "uniqueItems",
        "~optional" => "~optional",
        other => return Cow::Owned(other.to_owned()),
    };
    Cow::Borrowed(known)
}

/// JavaScript truthiness of a parsed JSON value.
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// `value && typeof value === "object"`: an array or an object.
pub(crate) fn is_js_object(value: &Value) -> bool {
    matches!(value, Value::Array(_) | Value::Object(_))
}

/// A short rendering of a value for a message, cut at 60 characters.
pub(crate) fn brief(value: &Value) -> String {
    // Only flat containers are printed: serializing recurses.
    let text = match value {
        Value::Array(items) if items.iter().any(is_js_object) => {
            format!("[… {} items]", items.len())
        }
        Value::Object(map) if map.values().any(is_js_object) => {
            format!("{{… {} keys}}", map.len())
        }
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// `{...array}`: an object keyed by the array's indexes.
pub(crate) fn spread(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Map::new(),
    }
}

/// JavaScript's `String(number)` for a finite number.
pub(crate) fn js_number_string(x: f64) -> String {
    if x == 0.0 {
        return "0".to_owned();
    }
    if x < 0.0 {
        return format!("-{}", js_number_string(-x));
    }
    // Shortest round-trip digits, as JavaScript picks them.
    let sci = format!("{x:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i64;
    let n = exponent.parse::<i64>().unwrap_or(0) + 1;
    if k <= n && n <= 21 {
        let zeros = usize::try_from(n - k).unwrap_or(0);
        format!("{digits}{}", "0".repeat(zeros))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(usize::try_from(n).unwrap_or(0));
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        let zeros = usize::try_from(-n).unwrap_or(0);
        format!("0.{}{digits}", "0".repeat(zeros))
    } else {
        let sign = if n - 1 < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        let exp = (n - 1).abs();
        if rest.is_empty() {
            format!("{first}e{sign}{exp}")
        } else {
            format!("{first}.{rest}e{sign}{exp}")
        }
    }
}

/// One member of an object being rebuilt without recursion: kept as it was
/// (cloned), taken from the child's finished slot, or a map of properties
/// whose finished values sit in consecutive slots from `first`.
pub(crate) enum Entry<'a> {
    /// Copied unchanged.
    Raw(&'a str, &'a Value),
    /// The rebuilt child in this slot.
    Child(&'a str, usize),
    /// `src`'s keys, each rebuilt into the slots from `first` on.
    Map(&'a str, &'a Map<String, Value>, usize),
}

/// Moves the `len` finished slots from `base` into an array at slot `out`.
pub(crate) fn assemble_array(slots: &mut Vec<Value>, out: usize, base: usize, len: usize) {
    let items = slots[base..base + len]
        .iter_mut()
        .map(std::mem::take)
        .collect();
    slots.truncate(base);
    slots[out] = Value::Array(items);
}

/// Builds the object `plan` describes into slot `out`, then frees the
/// slots from `base` on.
pub(crate) fn assemble_record(
    slots: &mut Vec<Value>,
    out: usize,
    plan: Vec<Entry<'_>>,
    base: usize,
) {
    let mut map = Map::with_capacity(plan.len());
    for entry in plan {
        let (key, value) = match entry {
            Entry::Raw(key, value) => (key, deep::clone(value)),
            Entry::Child(key, slot) => (key, std::mem::take(&mut slots[slot])),
            Entry::Map(key, src, first) => (
                key,
                Value::Object(
                    src.keys()
                        .enumerate()
                        .map(|(i, name)| (name.clone(), std::mem::take(&mut slots[first + i])))
                        .collect(),
                ),
            ),
        };
        map.insert(key.to_owned(), value);
    }
    slots.truncate(base);
    slots[out] = Value::Object(map);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pointers_escape_and_dotted_paths_do_not() {
        let mut paths = Paths::new();
        let props = paths.child(ROOT, Seg::Key("properties"));
        let key = paths.child(props, Seg::Key("a/b~c"));
        let item = paths.child(key, Seg::Index(2));
        assert_eq!(
            paths.pointer(item, Some("format")),
            "/properties/a~1b~0c/2/format"
        );
        assert_eq!(paths.pointer(ROOT, None), "");
        assert_eq!(
            paths.dotted("t.parameters", item, Some("format")),
            "t.parameters.properties.a/b~c[2].format"
        );
    }

    #[test]
    fn truthiness_follows_javascript() {
        for falsy in [json!(null), json!(false), json!(0), json!(0.0), json!("")] {
            assert!(!truthy(&falsy), "{falsy}");
        }
        for truthy_value in [json!(true), json!(-1), json!("0"), json!([]), json!({})] {
            assert!(truthy(&truthy_value), "{truthy_value}");
        }
    }

    #[test]
    fn spread_of_an_array_keys_it_by_index() {
        assert_eq!(
            Value::Object(spread(json!(["x", {"a": 1}]))),
            json!({"0": "x", "1": {"a": 1}})
        );
    }

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (5.0, "5"),
            (-5.5, "-5.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456.789, "123456.789"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
            (1.5e-10, "1.5e-10"),
            (2.5e25, "2.5e+25"),
            (0.1, "0.1"),
            (9007199254740993.0, "9007199254740992"),
        ];
        for (x, expected) in cases {
            assert_eq!(js_number_string(x), expected, "{x}");
        }
    }

    #[test]
    fn brief_cuts_long_values() {
        assert_eq!(brief(&json!("x")), "\"x\"");
        let long = json!("a".repeat(100));
        assert!(brief(&long).ends_with('…'));
        assert_eq!(brief(&json!([[1]])), "[… 1 items]");
        assert_eq!(brief(&json!({"a": {"b": 1}})), "{… 1 keys}");
    }
}
