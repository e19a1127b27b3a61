//! Gemini: OpenClaw's `cleanSchemaForGemini` and
//! `inspectGeminiToolSchemas`.
//!
//! Google's function declarations take a subset of OpenAPI 3.0, so the
//! cleaner inlines local `$ref`s, removes the keywords Gemini rejects,
//! turns `const` into a one-value `enum` of strings, drops `"null"` from
//! type arrays and reduces `anyOf` / `oneOf` unions to one schema. Each
//! rule is OpenClaw 2026.9.6's; see [`normalize`] for the list.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::deep;
use super::inspect::find_unsupported_schema_keywords;
use super::report::{ChangeKind, Normalized, SchemaChange};
use super::walk::{
    brief, is_js_object, js_number_string, keyword_name, push_pointer_token, spread, truthy,
};

/// The keywords Gemini rejects (`GEMINI_UNSUPPORTED_SCHEMA_KEYWORDS`):
/// the normalizer removes them and the inspector reports them.
#[doc(alias = "GEMINI_UNSUPPORTED_SCHEMA_KEYWORDS")]
pub const UNSUPPORTED_KEYWORDS: &[&str] = &[
    "~optional",
    "patternProperties",
    "additionalProperties",
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "definitions",
    "examples",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "multipleOf",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "not",
];

/// How many schema nodes the normalizer visits inside inlined definitions
/// before it stops inlining: past this, a `$ref` is treated as one that
/// does not resolve (and reported so). Definitions that refer to others
/// several times can otherwise grow exponentially when inlined; OpenClaw
/// has no such limit.
pub const MAX_INLINED_NODES: usize = 100_000;

/// The meta keys a replaced node keeps (`description`, `title`,
/// `default`).
const META_KEYS: [&str; 3] = ["description", "title", "default"];

/// Whether `key` is one of [`UNSUPPORTED_KEYWORDS`] (a `match`, which the
/// compiler turns into a few comparisons; the list is read for every key).
fn is_unsupported(key: &str) -> bool {
    matches!(
        key,
        "~optional"
            | "patternProperties"
            | "additionalProperties"
            | "$schema"
            | "$id"
            | "$ref"
            | "$defs"
            | "definitions"
            | "examples"
            | "minLength"
            | "maxLength"
            | "minimum"
            | "maximum"
            | "multipleOf"
            | "pattern"
            | "format"
            | "minItems"
            | "maxItems"
            | "uniqueItems"
            | "minProperties"
            | "maxProperties"
            | "not"
    )
}

/// Cleans `schema` for Gemini, as OpenClaw's `cleanSchemaForGemini` does,
/// and reports each change.
///
/// For every object node, in this order:
///
/// - **`$ref`** (a non-empty string): a local `#/$defs/<name>` or
///   `#/definitions/<name>` (JSON-pointer escaped) is replaced by the
///   definition, cleaned, with the referring node's `description`,
///   `title` and `default` on top; every other key of the referring node
///   goes. Definitions are those of the node itself and of its ancestors
///   (nearest wins, `definitions` over `$defs` at one level), and inside a
///   definition those in scope where it is referenced. A reference already
///   being inlined (a cycle) becomes `{}`; one that does not resolve
///   becomes `{}` with the meta keys.
/// - **`anyOf` / `oneOf`** (arrays; `anyOf` first): the variants are
///   cleaned, null variants (`type: "null"`, `type: ["null"]`, `const:
///   null`, `enum: [null]`) dropped, and then the node becomes
///   `{type, enum}` when every variant is a literal (`const` or a one-value
///   `enum`) of the same string `type`, or the one remaining variant when
///   nulls were dropped and one is left; both keep the node's meta keys and
///   nothing else.
/// - **keys**, in their order: the [`UNSUPPORTED_KEYWORDS`] go; `const` and
///   `enum` become an `enum` of unique strings (numbers and booleans
///   written as JavaScript writes them, other values dropped; no value
///   left, no `enum`); an empty `required` goes; `type` goes next to a
///   union; a `type` array of strings loses `"null"` and becomes a string
///   if one type is left; `properties` values are cleaned (a `properties`
///   that is not an object becomes `{}`); `items` (a schema or an array of
///   them) and `allOf` are cleaned; every other key is kept as it is,
///   unexamined.
/// - **union fallback**: a union still there is replaced by its only
///   object variant, else by `{type}` when the variants share one type, else
///   by the first variant's `type`, else by nothing, with the meta keys.
/// - **`required`** keeps only names in `properties`, and goes if none is
///   left or if an `object` has no `properties`.
///
/// Two differences from OpenClaw, both where OpenClaw is not idempotent
/// or not bounded: a literal union's `enum` is cleaned like any other
/// `enum` (duplicates removed; OpenClaw keeps them, and removes them when
/// run again), and inlining stops after [`MAX_INLINED_NODES`].
///
/// The walk uses its own stack: any depth is fine.
///
/// ```
/// use clawkit_families::tools::{ChangeKind, gemini};
/// use serde_json::json;
///
/// let schema = json!({
///     "type": "object",
///     "properties": {
///         "email": {"type": ["string", "null"], "format": "email"},
///         "unit": {"anyOf": [{"const": "c", "type": "string"}, {"const": "f", "type": "string"}]},
///     },
///     "required": ["email", "missing"],
/// });
/// let cleaned = gemini::normalize(&schema);
/// assert_eq!(cleaned.schema, json!({
///     "type": "object",
///     "properties": {
///         "email": {"type": "string"},
///         "unit": {"type": "string", "enum": ["c", "f"]},
///     },
///     "required": ["email"],
/// }));
/// let format = &cleaned.changes[1];
/// assert_eq!(format.path, "/properties/email/format");
/// assert_eq!(format.change, ChangeKind::Removed);
/// ```
#[doc(alias = "cleanSchemaForGemini")]
pub fn normalize(schema: &Value) -> Normalized {
    normalize_owned(deep::clone(schema))
}

/// [`normalize`] for a schema the caller owns and no longer needs: the
/// schema is edited in place (removed keywords dropped, kept keys and
/// values moved, not copied), which is cheaper than cleaning a copy.
/// [`normalize`] is this on a [`deep::clone`] of its argument.
///
/// ```
/// use clawkit_families::tools::gemini;
/// use serde_json::json;
///
/// let schema = json!({"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}}});
/// let borrowed = gemini::normalize(&schema);
/// let owned = gemini::normalize_owned(schema);
/// assert_eq!(owned, borrowed);
/// assert_eq!(owned.schema, json!({"type": "object", "properties": {"n": {"type": "integer"}}}));
/// assert_eq!(owned.changes[0].path, "/properties/n/minimum");
/// ```
#[doc(alias = "cleanSchemaForGemini")]
pub fn normalize_owned(schema: Value) -> Normalized {
    let mut cleaner = Cleaner::new();
    let schema = cleaner.run(schema);
    Normalized::new(schema, std::mem::take(&mut cleaner.sink.report.changes))
}

/// Where `schema` uses a keyword Gemini rejects, as OpenClaw's
/// `inspectGeminiToolSchemas` reports it for a tool: `path` is the prefix
/// (`<tool>.parameters`). See [`find_unsupported_schema_keywords`].
///
/// ```
/// use clawkit_families::tools::gemini;
/// use serde_json::json;
///
/// let schema = json!({"type": "object", "properties": {"q": {"type": "string", "minLength": 1}}});
/// assert_eq!(gemini::inspect(&schema, "search.parameters"), ["search.parameters.properties.q.minLength"]);
/// ```
#[doc(alias = "inspectGeminiToolSchemas")]
pub fn inspect(schema: &Value, path: &str) -> Vec<String> {
    find_unsupported_schema_keywords(schema, path, UNSUPPORTED_KEYWORDS)
}

/// Gemini's `enum`: each value as a string, duplicates removed; `None`
/// when nothing is left (or the value is not an array).
fn gemini_enum<'v>(values: impl ExactSizeIterator<Item = &'v Value>) -> Option<Vec<Value>> {
    let mut out: Vec<Value> = Vec::with_capacity(values.len());
    for value in values {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => match n.as_f64() {
                Some(f) if f.is_finite() => js_number_string(f),
                _ => continue,
            },
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        if !out.iter().any(|v| v.as_str() == Some(text.as_str())) {
            out.push(Value::String(text));
        }
    }
    (!out.is_empty()).then_some(out)
}

/// OpenClaw's `isNullSchema` (Gemini's variant of the test).
fn is_null_schema(variant: &Value) -> bool {
    let Value::Object(record) = variant else {
        return false;
    };
    if get(record, "const").is_some_and(Value::is_null) {
        return true;
    }
    if let Some(Value::Array(values)) = get(record, "enum")
        && values.len() == 1
    {
        return values[0].is_null();
    }
    match get(record, "type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.len() == 1 && types[0] == "null",
        _ => false,
    }
}

/// `tryFlattenLiteralAnyOf`: the common type and the literal values when
/// every variant is a literal of one string type.
fn literal_union(variants: &[Value]) -> Option<(&str, Vec<&Value>)> {
    let mut common: Option<&str> = None;
    let mut values = Vec::new();
    for variant in variants {
        let Value::Object(v) = variant else {
            return None;
        };
        let literal = if let Some(c) = get(v, "const") {
            c
        } else if let Some(Value::Array(e)) = get(v, "enum")
            && let [only] = e.as_slice()
        {
            only
        } else {
            return None;
        };
        let ty = match get(v, "type") {
            Some(Value::String(t)) if !t.is_empty() => t.as_str(),
            _ => return None,
        };
        match common {
            None => common = Some(ty),
            Some(c) if c != ty => return None,
            Some(_) => {}
        }
        values.push(literal);
    }
    common.map(|ty| (ty, values))
}

/// `map.get(key)`, by a look at each key when there are few (as in most
/// schema nodes), which is quicker than hashing `key`.
fn get<'m>(map: &'m Map<String, Value>, key: &str) -> Option<&'m Value> {
    if map.len() <= 8 {
        map.iter().find_map(|(k, v)| (k == key).then_some(v))
    } else {
        map.get(key)
    }
}

/// The definitions in scope at a node: its own and its ancestors'. The
/// cleaner takes each node's `$defs` and `definitions` out of it (they do
/// not stay in the result) and keeps them here, unchanged, for the
/// `$ref`s below the node to inline.
struct DefScope {
    defs: Option<Map<String, Value>>,
    definitions: Option<Map<String, Value>>,
    parent: Option<Rc<DefScope>>,
}

impl Drop for DefScope {
    /// Drops the definitions, and the chain of parents no one else holds,
    /// without recursing.
    fn drop(&mut self) {
        for map in [self.defs.take(), self.definitions.take()]
            .into_iter()
            .flatten()
        {
            deep::drop(Value::Object(map));
        }
        let mut parent = self.parent.take();
        while let Some(scope) = parent {
            parent = match Rc::try_unwrap(scope) {
                Ok(mut scope) => scope.parent.take(),
                Err(_) => None,
            };
        }
    }
}

#[derive(Clone, Default)]
struct Scope(Option<Rc<DefScope>>);

impl Scope {
    /// The definition a local `#/$defs/…` or `#/definitions/…` names.
    fn resolve(&self, reference: &str) -> Option<&Value> {
        let rest = reference
            .strip_prefix("#/$defs/")
            .or_else(|| reference.strip_prefix("#/definitions/"))?;
        // `(.+)$` in a JavaScript regex: no line terminators.
        if rest.is_empty() || rest.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
            return None;
        }
        let name: Cow<'_, str> = if rest.contains('~') {
            Cow::Owned(rest.replace("~1", "/").replace("~0", "~"))
        } else {
            Cow::Borrowed(rest)
        };
        let mut scope = self.0.as_deref();
        while let Some(s) = scope {
            if let Some(found) = s.definitions.as_ref().and_then(|d| d.get(name.as_ref())) {
                return Some(found);
            }
            if let Some(found) = s.defs.as_ref().and_then(|d| d.get(name.as_ref())) {
                return Some(found);
            }
            scope = s.parent.as_deref();
        }
        None
    }
}

/// The meta keys of a node being replaced, with their values, in
/// [`META_KEYS`] order.
type Meta = [Option<(String, Value)>; 3];

/// What the object being cleaned has, so that the last steps look
/// nothing up.
#[derive(Clone, Copy, Default)]
struct Shape {
    /// A `required` array.
    required: bool,
    /// An `anyOf` or `oneOf` array.
    union: bool,
    /// A `const`, already rewritten, still to be renamed `enum`.
    konst: bool,
}

/// A key of an object being cleaned whose value holds schemas to clean:
/// `properties`, `items` or `allOf`.
#[derive(Clone, Copy)]
struct Member {
    /// Its place among the object's keys.
    index: usize,
    key: &'static str,
    /// The value is itself the schema (`items` as one schema), not a
    /// container of them.
    single: bool,
}

/// The members of one object: each key at most once.
type Members = [Option<Member>; 3];

/// What cleaning a value takes.
enum Kind {
    /// A scalar or an empty array: nothing to clean.
    Leaf,
    /// An object with no schema below it to clean, no `$ref`, union or
    /// definitions: cleaned where it is.
    Plain,
    /// Anything else: moved out and cleaned in a [`Frame`] of its own.
    Nested,
}

fn kind(value: &Value) -> Kind {
    match value {
        Value::Object(map) => {
            let nested = map.iter().any(|(key, value)| match (key.as_str(), value) {
                ("$ref", Value::String(r)) => !r.is_empty(),
                ("anyOf" | "oneOf", Value::Array(_)) => true,
                ("$defs" | "definitions", Value::Object(_)) => true,
                ("properties", Value::Object(p)) => !p.is_empty(),
                ("items" | "allOf", Value::Array(a)) => !a.is_empty(),
                ("items", Value::Object(_)) => true,
                _ => false,
            });
            if nested { Kind::Nested } else { Kind::Plain }
        }
        Value::Array(items) if !items.is_empty() => Kind::Nested,
        _ => Kind::Leaf,
    }
}

/// Where the inlining of a definition started, to cache its result.
#[derive(Clone, Copy)]
struct InlineStart {
    /// The definition (its address, stable while the run lasts).
    def: usize,
    /// How many changes, `$ref`s met and nodes inlined there were.
    changes: usize,
    refs: usize,
    inlined: usize,
}

/// A definition that refers to nothing, cleaned once: the result does not
/// depend on where it is inlined, so later uses clone it and replay its
/// changes under their own path.
struct CleanedDef {
    value: Value,
    /// The nodes its cleaning visited (for [`MAX_INLINED_NODES`]).
    nodes: usize,
    /// Its changes, their paths relative to the referring node.
    changes: Vec<SchemaChange>,
}

/// A child moved out of an object to be cleaned in turn.
struct Taken {
    /// Its member's place among the object's keys, and its place in the
    /// member (0 for a single schema).
    member: usize,
    child: usize,
    single: bool,
    /// The child, then what it became.
    value: Value,
    /// Its pointer below the object's, in [`Cleaner::segs`].
    seg: (usize, usize),
    /// The end of the deferred changes of the siblings cleaned before it.
    deferred: usize,
    /// How many siblings before it (since the previous one taken) were
    /// cleaned in place, for [`MAX_INLINED_NODES`].
    visits: usize,
}

/// An object whose own keys are cleaned, and whose plain children are,
/// waiting for the nested ones, cleaned one by one.
struct ObjectFrame {
    map: Map<String, Value>,
    shape: Shape,
    taken: Vec<Taken>,
    next: usize,
    /// The length of the object's pointer in [`Report::path`].
    path: usize,
    scope: Scope,
    /// Its part of [`Report::deferred`] starts here; what is before
    /// `flushed` is in the report already.
    deferred: usize,
    flushed: usize,
    /// Its part of [`Cleaner::segs`] starts here.
    segs: usize,
    /// Children cleaned in place after the last one taken.
    visits: usize,
}

/// An object with `anyOf` / `oneOf` arrays, whose variants are cleaned one
/// by one (the `anyOf` ones first) before the object.
struct UnionsFrame {
    obj: Map<String, Value>,
    variants: [Option<Vec<Value>>; 2],
    which: usize,
    next: usize,
    path: usize,
    scope: Scope,
}

/// An array whose items are cleaned one by one.
struct ItemsFrame {
    items: Vec<Value>,
    next: usize,
    path: usize,
    scope: Scope,
}

/// A `$ref` whose definition is being cleaned.
struct RefFrame {
    meta: Meta,
    start: InlineStart,
    /// The definition (a copy), until its cleaning starts, and its scope.
    def: Option<(Value, Scope)>,
}

/// A node being cleaned, waiting for one of its children.
enum Frame {
    Object(Box<ObjectFrame>),
    Unions(UnionsFrame),
    Items(ItemsFrame),
    Ref(Box<RefFrame>),
}

/// The report being written, and where.
struct Report {
    /// The JSON pointer of the node being cleaned.
    path: String,
    changes: Vec<SchemaChange>,
    /// The changes of children cleaned in place ahead of a sibling moved
    /// out before them (see [`Cleaner`]), waiting for it.
    deferred: Vec<SchemaChange>,
    /// Whether changes go to `deferred`.
    deferring: bool,
}

impl Report {
    /// Records that `keyword` of the node at `path` changed.
    fn record(&mut self, keyword: &str, change: ChangeKind, message: impl Into<Cow<'static, str>>) {
        let mut path = String::with_capacity(self.path.len() + 1 + keyword.len());
        path.push_str(&self.path);
        push_pointer_token(&mut path, keyword);
        let change = SchemaChange::new(path, keyword_name(keyword), change, message);
        if self.deferring {
            self.deferred.push(change);
        } else {
            self.changes.push(change);
        }
    }

    /// Records `change`, whose path is relative to the node at `path`.
    fn replay(&mut self, change: &SchemaChange) {
        let mut path = String::with_capacity(self.path.len() + change.path.len());
        path.push_str(&self.path);
        path.push_str(&change.path);
        self.changes.push(SchemaChange::new(
            path,
            change.keyword.clone(),
            change.change,
            change.message.clone(),
        ));
    }

    /// Moves the deferred changes `from..to` to the report.
    fn flush(&mut self, from: usize, to: usize) {
        let waiting = self.deferred.get_mut(from..to).unwrap_or_default();
        self.changes.extend(waiting.iter_mut().map(|change| {
            std::mem::replace(
                change,
                SchemaChange::new(String::new(), "", ChangeKind::Removed, ""),
            )
        }));
    }
}

fn push_index(path: &mut String, index: usize) {
    let _ = write!(path, "/{index}");
}

/// The report, and what the cleaning drops (kept in `trash` and dropped at
/// the end without recursing): what cleaning one object needs.
struct Sink {
    report: Report,
    trash: Vec<Value>,
}

impl Sink {
    /// Drops `value`, without recursing.
    fn discard(&mut self, value: Value) {
        discard(&mut self.trash, value);
    }

    fn discard_all(&mut self, values: Vec<Value>) {
        for value in values {
            discard(&mut self.trash, value);
        }
    }

    /// Cleans the keys of `obj`, at [`Report::path`], in place and in one
    /// pass: removes, rewrites, and notes in `members` where the children
    /// to clean are (the union variants given are cleaned already).
    fn clean_keys(
        &mut self,
        obj: &mut Map<String, Value>,
        has_union: bool,
        any: &mut Option<Vec<Value>>,
        one: &mut Option<Vec<Value>>,
        members: &mut Members,
    ) -> Shape {
        let mut shape = Shape::default();
        // Where the next kept key will be.
        let mut index = 0;
        let mut member_count = 0;
        let Sink { report, trash } = self;
        let mut member = |index: usize, key: &'static str, single: bool| {
            if let Some(slot) = members.get_mut(member_count) {
                *slot = Some(Member { index, key, single });
                member_count += 1;
            }
        };
        obj.retain(|key, value| {
            let key = key.as_str();
            let keep = if is_unsupported(key) {
                let message = if key == "$defs" || key == "definitions" {
                    "not supported by Gemini; its entries are inlined where referenced"
                } else {
                    "not supported by Gemini"
                };
                report.record(key, ChangeKind::Removed, message);
                discard(trash, std::mem::take(value));
                false
            } else {
                match key {
                    "const" => match gemini_enum(std::iter::once(&*value)) {
                        Some(values) => {
                            report.record(
                                key,
                                ChangeKind::Rewritten,
                                "becomes a one-value enum of strings (Gemini has no const)",
                            );
                            let old = std::mem::replace(value, Value::Array(values));
                            discard(trash, old);
                            shape.konst = true;
                            true
                        }
                        None => {
                            report.record(
                                key,
                                ChangeKind::Removed,
                                "its value has no string form for a Gemini enum",
                            );
                            discard(trash, std::mem::take(value));
                            false
                        }
                    },
                    "enum" => {
                        let cleaned = match value {
                            Value::Array(values) if is_gemini_enum(values) => None,
                            Value::Array(values) => Some(gemini_enum(values.iter())),
                            _ => Some(None),
                        };
                        match cleaned {
                            None => true,
                            Some(Some(values)) => {
                                report.record(
                                    key,
                                    ChangeKind::Rewritten,
                                    "values written as unique strings, as Gemini takes them",
                                );
                                let old = std::mem::replace(value, Value::Array(values));
                                discard(trash, old);
                                true
                            }
                            Some(None) => {
                                report.record(
                                    key,
                                    ChangeKind::Removed,
                                    "no value has a string form for a Gemini enum",
                                );
                                discard(trash, std::mem::take(value));
                                false
                            }
                        }
                    }
                    "required" if value.as_array().is_some_and(Vec::is_empty) => {
                        report.record(
                            key,
                            ChangeKind::Removed,
                            "Gemini rejects an empty required list",
                        );
                        false
                    }
                    "type" if has_union => {
                        report.record(key, ChangeKind::Removed, "dropped next to anyOf/oneOf");
                        discard(trash, std::mem::take(value));
                        false
                    }
                    "type" => {
                        if let Value::Array(types) = value
                            && types.iter().all(Value::is_string)
                            && (types.len() == 1 || types.iter().any(|t| t == "null"))
                        {
                            let mut kept: Vec<Value> =
                                types.iter().filter(|t| *t != "null").cloned().collect();
                            let next = if kept.len() == 1 {
                                kept.pop().unwrap_or_default()
                            } else {
                                Value::Array(kept)
                            };
                            if next != *value {
                                report.record(
                                    key,
                                    ChangeKind::Rewritten,
                                    format!("{} → {}", brief(value), brief(&next)),
                                );
                            }
                            *value = next;
                        }
                        true
                    }
                    "properties" => {
                        if value.is_object() {
                            member(index, "properties", false);
                        } else {
                            report.record(
                                key,
                                ChangeKind::Rewritten,
                                format!("{} → {{}}", brief(value)),
                            );
                            let old = std::mem::replace(value, Value::Object(Map::new()));
                            discard(trash, old);
                        }
                        true
                    }
                    "items" if value.is_array() => {
                        member(index, "items", false);
                        true
                    }
                    "items" if value.is_object() => {
                        member(index, "items", true);
                        true
                    }
                    "allOf" if value.is_array() => {
                        member(index, "allOf", false);
                        true
                    }
                    "anyOf" if value.is_array() => {
                        shape.union = true;
                        *value = Value::Array(any.take().unwrap_or_default());
                        true
                    }
                    "oneOf" if value.is_array() => {
                        shape.union = true;
                        *value = Value::Array(one.take().unwrap_or_default());
                        true
                    }
                    _ => {
                        if key == "required" && value.is_array() {
                            shape.required = true;
                        }
                        true
                    }
                }
            };
            if keep {
                index += 1;
            }
            keep
        });
        shape
    }

    /// Cleans a [`Kind::Plain`] object where it is.
    fn clean_plain(&mut self, map: &mut Map<String, Value>) {
        let shape = self.clean_keys(map, false, &mut None, &mut None, &mut [None; 3]);
        if shape.konst {
            *map = self.rename_const(std::mem::take(map));
        }
        if shape.required {
            self.sanitize_required(map);
        }
    }

    /// `const` (rewritten to its `enum` value) named `enum`: at its place,
    /// or at the place of an `enum` before it, whose value it replaces (an
    /// `enum` after it replaces its value).
    fn rename_const(&mut self, map: Map<String, Value>) -> Map<String, Value> {
        let mut renamed = Map::with_capacity(map.len());
        for (key, value) in map {
            let key = if key == "const" {
                "enum".to_owned()
            } else {
                key
            };
            if let Some(old) = renamed.insert(key, value) {
                self.discard(old);
            }
        }
        renamed
    }

    /// `flattenUnionFallback`: the union that simplification left, replaced
    /// by one representative schema.
    fn flatten_fallback(
        &mut self,
        cleaned: &mut Map<String, Value>,
        union: &str,
    ) -> Option<Map<String, Value>> {
        let Some(Value::Array(variants)) = cleaned.get_mut(union) else {
            return None;
        };
        let objects: Vec<usize> = (0..variants.len())
            .filter(|&i| is_js_object(&variants[i]))
            .collect();
        let first = *objects.first()?;
        let (mut merged, how) = if objects.len() == 1 {
            let only = std::mem::take(&mut variants[first]);
            (spread(only), "its only object variant".to_owned())
        } else {
            // A JavaScript `Set` of the truthy types: strings by value,
            // arrays and objects each distinct.
            let mut types: Vec<&Value> = Vec::new();
            for &i in &objects {
                if let Some(t) = variants[i].get("type").filter(|t| truthy(t))
                    && (is_js_object(t) || !types.contains(&t))
                {
                    types.push(t);
                }
            }
            let first_type = variants[first].get("type").filter(|t| truthy(t));
            let mut map = Map::new();
            let how = if let [only] = types.as_slice() {
                map.insert("type".to_owned(), deep::clone(only));
                format!(
                    "type {}, which its variants share; the rest of them is dropped",
                    brief(only)
                )
            } else if let Some(t) = first_type {
                map.insert("type".to_owned(), deep::clone(t));
                format!(
                    "type {} of the first variant; the rest of them is dropped",
                    brief(t)
                )
            } else {
                "an empty schema: its variants have no type in common".to_owned()
            };
            (map, how)
        };
        for key in META_KEYS {
            if let Some(value) = cleaned.get_mut(key)
                && let Some(old) = merged.insert(key.to_owned(), std::mem::take(value))
            {
                self.discard(old);
            }
        }
        let count = objects.len();
        self.report.record(
            union,
            ChangeKind::Flattened,
            format!(
                "a union of {count} schema{} Gemini cannot take → {how}",
                plural(count)
            ),
        );
        for key in cleaned.keys() {
            if key != union && !META_KEYS.contains(&key.as_str()) {
                self.report.record(
                    key,
                    ChangeKind::Removed,
                    format!("dropped with the flattened {union}"),
                );
            }
        }
        Some(merged)
    }

    /// `sanitizeRequiredFields`.
    fn sanitize_required(&mut self, map: &mut Map<String, Value>) {
        let Some(Value::Array(required)) = get(map, "required") else {
            return;
        };
        let Some(Value::Object(properties)) = get(map, "properties") else {
            if get(map, "type").is_some_and(|t| t == "object") {
                self.report.record(
                    "required",
                    ChangeKind::Removed,
                    "an object without properties requires nothing",
                );
                if let Some(old) = map.shift_remove("required") {
                    self.discard(old);
                }
            }
            return;
        };
        let known = |name: &Value| name.as_str().is_some_and(|n| properties.contains_key(n));
        if !required.is_empty() && required.iter().all(known) {
            return;
        }
        let kept: Vec<Value> = required.iter().filter(|n| known(n)).cloned().collect();
        let dropped: Vec<String> = required.iter().filter(|n| !known(n)).map(brief).collect();
        let dropped = dropped.join(", ");
        if kept.is_empty() {
            let message = if dropped.is_empty() {
                "Gemini rejects an empty required list".to_owned()
            } else {
                format!("none of {dropped} is a property")
            };
            self.report.record("required", ChangeKind::Removed, message);
            if let Some(old) = map.shift_remove("required") {
                self.discard(old);
            }
        } else {
            self.report.record(
                "required",
                ChangeKind::Rewritten,
                format!("dropped {dropped}: not in properties"),
            );
            if let Some(old) = map.insert("required".to_owned(), Value::Array(kept)) {
                self.discard(old);
            }
        }
    }

    /// The meta keys of `obj`, which is dropped.
    fn take_meta(&mut self, obj: Map<String, Value>) -> Meta {
        let mut meta: Meta = Default::default();
        for (key, value) in obj {
            match META_KEYS.iter().position(|m| *m == key) {
                Some(i) => meta[i] = Some((key, value)),
                None => self.discard(value),
            }
        }
        meta
    }

    /// `value` with the replaced node's meta keys on top, if it is an
    /// object.
    fn with_meta(&mut self, value: Value, meta: Meta) -> Value {
        match value {
            Value::Object(mut map) => {
                for (key, value) in meta.into_iter().flatten() {
                    if let Some(old) = map.insert(key, value) {
                        self.discard(old);
                    }
                }
                Value::Object(map)
            }
            other => {
                for (_, value) in meta.into_iter().flatten() {
                    self.discard(value);
                }
                other
            }
        }
    }
}

/// Drops `value` without recursing: a container of a few levels now, a
/// deeper one at the end of the run, with the rest ([`Sink::discard`] where
/// the sink is borrowed in parts).
fn discard(trash: &mut Vec<Value>, value: Value) {
    match &value {
        Value::Array(items) if items.iter().any(is_js_object) => trash.push(value),
        Value::Object(map) if map.values().any(is_js_object) => trash.push(value),
        _ => {}
    }
}

/// Whether an `enum` is already what Gemini takes: unique strings.
fn is_gemini_enum(values: &[Value]) -> bool {
    !values.is_empty()
        && values.iter().enumerate().all(|(i, value)| {
            value
                .as_str()
                .is_some_and(|s| !values[..i].iter().any(|v| v.as_str() == Some(s)))
        })
}

/// The cleaner's state. It owns the schema and cleans it in place, depth
/// first, without recursing: a node with nested schemas gets a [`Frame`]
/// on `frames`, which cleans its children in turn and then itself.
///
/// An object's children are handled in one pass over them: the plain ones
/// (no schema below them) are cleaned where they are, the nested ones
/// moved out into the frame, to be cleaned one by one after the pass and
/// put back. The report stays in depth-first order: the changes of plain
/// children that come after a nested one wait in [`Report::deferred`] until
/// the nested one is done. [`Report::path`] is a stack, the pointer of the
/// node being cleaned; `segs` keeps the pointers (below their object's) of
/// the children moved out.
///
/// The `$ref`s being inlined are exactly those on the path to the current
/// node: `inlining` lists them in order and `active` counts them, for the
/// cycle test.
struct Cleaner {
    sink: Sink,
    frames: Vec<Frame>,
    segs: String,
    inlining: Vec<String>,
    active: HashMap<String, usize>,
    inlined: usize,
    /// How many `$ref` nodes the walk has met.
    refs: usize,
    /// Every definition scope made, kept until the end so that a
    /// definition's address names it in `cleaned`.
    scopes: Vec<Rc<DefScope>>,
    cleaned: HashMap<usize, CleanedDef>,
}

impl Drop for Cleaner {
    fn drop(&mut self) {
        let mut rest = std::mem::take(&mut self.sink.trash);
        rest.extend(self.cleaned.drain().map(|(_, def)| def.value));
        for frame in self.frames.drain(..) {
            match frame {
                Frame::Object(f) => {
                    rest.push(Value::Object(f.map));
                    rest.extend(f.taken.into_iter().map(|t| t.value));
                }
                Frame::Unions(f) => {
                    rest.push(Value::Object(f.obj));
                    rest.extend(f.variants.into_iter().flatten().flatten());
                }
                Frame::Items(f) => rest.extend(f.items),
                Frame::Ref(f) => {
                    rest.extend(f.meta.into_iter().flatten().map(|(_, v)| v));
                    rest.extend(f.def.map(|(node, _)| node));
                }
            }
        }
        deep::drop(Value::Array(rest));
    }
}

impl Cleaner {
    fn new() -> Self {
        Cleaner {
            sink: Sink {
                report: Report {
                    path: String::with_capacity(128),
                    changes: Vec::new(),
                    deferred: Vec::new(),
                    deferring: false,
                },
                trash: Vec::new(),
            },
            frames: Vec::new(),
            segs: String::new(),
            inlining: Vec::new(),
            active: HashMap::new(),
            inlined: 0,
            refs: 0,
            scopes: Vec::new(),
            cleaned: HashMap::new(),
        }
    }

    fn run(&mut self, schema: Value) -> Value {
        let mut done = self.start(schema, Scope::default());
        while !self.frames.is_empty() {
            done = self.step(done);
        }
        done.unwrap_or_default()
    }

    /// Counts `n` nodes visited, if inside a definition being inlined.
    fn visited(&mut self, n: usize) {
        if !self.inlining.is_empty() {
            self.inlined += n;
        }
    }

    /// `extendSchemaDefs`: the scope of the children of a node with these
    /// `$defs` and `definitions`.
    fn extend(
        &mut self,
        scope: Scope,
        defs: Option<Map<String, Value>>,
        definitions: Option<Map<String, Value>>,
    ) -> Scope {
        if defs.is_none() && definitions.is_none() {
            return scope;
        }
        let extended = Rc::new(DefScope {
            defs,
            definitions,
            parent: scope.0,
        });
        self.scopes.push(Rc::clone(&extended));
        Scope(Some(extended))
    }

    /// Starts cleaning `node`, whose pointer is [`Report::path`]: its
    /// result, or `None` when a frame was pushed that will give it.
    fn start(&mut self, node: Value, scope: Scope) -> Option<Value> {
        self.visited(1);
        match node {
            Value::Array(items) if !items.is_empty() => {
                self.frames.push(Frame::Items(ItemsFrame {
                    items,
                    next: 0,
                    path: self.sink.report.path.len(),
                    scope,
                }));
                None
            }
            Value::Object(obj) => self.start_object(obj, scope),
            other => Some(other),
        }
    }

    /// Gives `done`, the result of the child started last (if any), to the
    /// frame on top, and goes on with it: its result when it is finished,
    /// or `None` when a frame was pushed above it.
    fn step(&mut self, done: Option<Value>) -> Option<Value> {
        match self.frames.last() {
            Some(Frame::Object(_)) => self.step_object(done),
            Some(Frame::Unions(_)) => self.step_unions(done),
            Some(Frame::Items(_)) => self.step_items(done),
            Some(Frame::Ref(_)) => self.step_ref(done),
            None => done,
        }
    }

    /// Starts cleaning the definition (from the frame, so that a chain of
    /// `$ref`s does not recurse), or finishes with it.
    fn step_ref(&mut self, mut done: Option<Value>) -> Option<Value> {
        if let Some(Frame::Ref(f)) = self.frames.last_mut()
            && let Some((node, scope)) = f.def.take()
        {
            done = Some(self.start(node, scope)?);
        }
        match self.frames.pop() {
            Some(Frame::Ref(frame)) => Some(self.finish_ref(*frame, done.unwrap_or_default())),
            _ => None,
        }
    }

    fn step_items(&mut self, mut done: Option<Value>) -> Option<Value> {
        loop {
            let Some(Frame::Items(f)) = self.frames.last_mut() else {
                return done;
            };
            if let Some(value) = done.take() {
                if let Some(item) = f.items.get_mut(f.next) {
                    *item = value;
                }
                f.next += 1;
            }
            let path = &mut self.sink.report.path;
            path.truncate(f.path);
            let index = f.next;
            let Some(item) = f.items.get_mut(index) else {
                return match self.frames.pop() {
                    Some(Frame::Items(f)) => Some(Value::Array(f.items)),
                    _ => None,
                };
            };
            push_index(path, index);
            match kind(item) {
                Kind::Leaf => {}
                Kind::Plain => {
                    if let Value::Object(map) = item {
                        self.sink.clean_plain(map);
                    }
                }
                Kind::Nested => {
                    let node = std::mem::take(item);
                    let scope = f.scope.clone();
                    done = Some(self.start(node, scope)?);
                    continue;
                }
            }
            f.next += 1;
            if !self.inlining.is_empty() {
                self.inlined += 1;
            }
        }
    }

    fn step_unions(&mut self, mut done: Option<Value>) -> Option<Value> {
        loop {
            let Some(Frame::Unions(f)) = self.frames.last_mut() else {
                return done;
            };
            if let Some(value) = done.take() {
                if let Some(variant) = f.variants[f.which].as_mut().and_then(|v| v.get_mut(f.next))
                {
                    *variant = value;
                }
                f.next += 1;
            }
            let path = &mut self.sink.report.path;
            path.truncate(f.path);
            let len = f.variants[f.which].as_ref().map_or(0, Vec::len);
            if f.next >= len {
                if f.which == 0 {
                    f.which = 1;
                    f.next = 0;
                    continue;
                }
                let Some(Frame::Unions(f)) = self.frames.pop() else {
                    return None;
                };
                let [any, one] = f.variants;
                return self.unions(f.obj, f.scope, any, one);
            }
            let index = f.next;
            path.push_str(if f.which == 0 { "/anyOf" } else { "/oneOf" });
            push_index(path, index);
            let variant = f.variants[f.which]
                .as_mut()
                .and_then(|v| v.get_mut(index))?;
            match kind(variant) {
                Kind::Leaf => {}
                Kind::Plain => {
                    if let Value::Object(map) = variant {
                        self.sink.clean_plain(map);
                    }
                }
                Kind::Nested => {
                    let node = std::mem::take(variant);
                    let scope = f.scope.clone();
                    done = Some(self.start(node, scope)?);
                    continue;
                }
            }
            f.next += 1;
            if !self.inlining.is_empty() {
                self.inlined += 1;
            }
        }
    }

    fn step_object(&mut self, mut done: Option<Value>) -> Option<Value> {
        loop {
            let Some(Frame::Object(f)) = self.frames.last_mut() else {
                return done;
            };
            if let Some(value) = done.take() {
                if let Some(taken) = f.taken.get_mut(f.next) {
                    taken.value = value;
                }
                f.next += 1;
            }
            let report = &mut self.sink.report;
            report.path.truncate(f.path);
            let Some(taken) = f.taken.get_mut(f.next) else {
                let Some(Frame::Object(f)) = self.frames.pop() else {
                    return None;
                };
                let report = &mut self.sink.report;
                report.flush(f.flushed, report.deferred.len());
                report.deferred.truncate(f.deferred);
                self.segs.truncate(f.segs);
                self.visited(f.visits);
                return Some(self.finish_object(f.map, f.taken, f.shape));
            };
            report.flush(f.flushed, taken.deferred);
            f.flushed = taken.deferred;
            report
                .path
                .push_str(self.segs.get(taken.seg.0..taken.seg.1).unwrap_or_default());
            let visits = taken.visits;
            let node = std::mem::take(&mut taken.value);
            let scope = f.scope.clone();
            self.visited(visits);
            done = Some(self.start(node, scope)?);
        }
    }

    fn start_object(&mut self, mut obj: Map<String, Value>, scope: Scope) -> Option<Value> {
        // One pass over the keys instead of a lookup per keyword, taking
        // out what is handled apart (none of it stays as it is).
        let (mut reference, mut any, mut one, mut defs, mut definitions) =
            (None, None, None, None, None);
        for (key, value) in obj.iter_mut() {
            match (key.as_str(), value) {
                ("$ref", Value::String(r)) if !r.is_empty() => reference = Some(std::mem::take(r)),
                ("anyOf", Value::Array(v)) => any = Some(std::mem::take(v)),
                ("oneOf", Value::Array(v)) => one = Some(std::mem::take(v)),
                ("$defs", Value::Object(d)) => defs = Some(std::mem::take(d)),
                ("definitions", Value::Object(d)) => definitions = Some(std::mem::take(d)),
                _ => {}
            }
        }
        let scope = self.extend(scope, defs, definitions);
        if let Some(reference) = reference {
            for variants in [any, one].into_iter().flatten() {
                self.sink.discard_all(variants);
            }
            return self.visit_ref(obj, reference, scope);
        }
        if any.is_none() && one.is_none() {
            return self.plan(obj, scope, None, None);
        }
        self.frames.push(Frame::Unions(UnionsFrame {
            obj,
            variants: [any, one],
            which: 0,
            next: 0,
            path: self.sink.report.path.len(),
            scope,
        }));
        None
    }

    fn visit_ref(
        &mut self,
        obj: Map<String, Value>,
        reference: String,
        scope: Scope,
    ) -> Option<Value> {
        self.refs += 1;
        // (No lookup when nothing is being inlined, as at the top level.)
        let cycle =
            !self.inlining.is_empty() && self.active.get(&reference).is_some_and(|n| *n > 0);
        let report = &mut self.sink.report;
        for key in obj.keys() {
            if key == "$ref" {
                continue;
            }
            if cycle {
                report.record(key, ChangeKind::Removed, "dropped with the cyclic $ref");
            } else if !META_KEYS.contains(&key.as_str()) {
                report.record(
                    key,
                    ChangeKind::Removed,
                    "dropped: a $ref node keeps only its description, title and default",
                );
            }
        }
        if cycle {
            let mut chain = self.inlining.join(" → ");
            chain.push_str(" → ");
            chain.push_str(&reference);
            report.record(
                "$ref",
                ChangeKind::Removed,
                format!("{reference} refers to itself ({chain}): replaced by {{}}"),
            );
            self.sink.discard(Value::Object(obj));
            return Some(Value::Object(Map::new()));
        }
        enum Inline {
            Cleaned(usize),
            Fresh(usize, Value),
            Refused,
            Missing,
        }
        let inline = match scope.resolve(&reference) {
            Some(def) if truthy(def) && self.inlined < MAX_INLINED_NODES => {
                let address = std::ptr::from_ref(def).addr();
                if self.cleaned.contains_key(&address) {
                    Inline::Cleaned(address)
                } else {
                    Inline::Fresh(address, deep::clone(def))
                }
            }
            Some(def) if truthy(def) => Inline::Refused,
            _ => Inline::Missing,
        };
        let meta = self.sink.take_meta(obj);
        let why = match inline {
            Inline::Cleaned(address) => {
                self.record_inlined(&reference);
                let value = self.reuse(address);
                return Some(self.sink.with_meta(value, meta));
            }
            Inline::Fresh(def, node) => {
                self.record_inlined(&reference);
                match self.active.get_mut(&reference) {
                    Some(count) => *count += 1,
                    None => {
                        self.active.insert(reference.clone(), 1);
                    }
                }
                self.inlining.push(reference);
                let start = InlineStart {
                    def,
                    changes: self.sink.report.changes.len(),
                    refs: self.refs,
                    inlined: self.inlined,
                };
                self.frames.push(Frame::Ref(Box::new(RefFrame {
                    meta,
                    start,
                    def: Some((node, scope)),
                })));
                return None;
            }
            Inline::Refused => {
                format!("not inlined: more than {MAX_INLINED_NODES} schema nodes inlined already")
            }
            Inline::Missing => format!("{reference} does not name a local definition"),
        };
        self.sink.report.record(
            "$ref",
            ChangeKind::Removed,
            format!("{why}: replaced by {{}} with the node's description, title and default"),
        );
        let mut only = Map::new();
        for (key, value) in meta.into_iter().flatten() {
            only.insert(key, value);
        }
        Some(Value::Object(only))
    }

    fn record_inlined(&mut self, reference: &str) {
        let mut message = String::with_capacity("inlined ".len() + reference.len());
        message.push_str("inlined ");
        message.push_str(reference);
        self.sink
            .report
            .record("$ref", ChangeKind::Inlined, message);
    }

    /// A definition cleaned before, inlined again here.
    fn reuse(&mut self, address: usize) -> Value {
        let Some(def) = self.cleaned.get(&address) else {
            return Value::Null;
        };
        self.inlined += def.nodes;
        for change in &def.changes {
            self.sink.report.replay(change);
        }
        deep::clone(&def.value)
    }

    /// A definition is cleaned: the referring node becomes it, with its
    /// meta keys on top. A definition that met no `$ref` is kept cleaned
    /// for its next use.
    fn finish_ref(&mut self, frame: RefFrame, cleaned: Value) -> Value {
        let RefFrame { meta, start, def } = frame;
        if let Some((node, _)) = def {
            self.sink.discard(node);
        }
        if let Some(reference) = self.inlining.pop()
            && let Some(count) = self.active.get_mut(&reference)
        {
            *count -= 1;
        }
        if self.refs == start.refs {
            let report = &self.sink.report;
            let prefix = report.path.len();
            let changes = report
                .changes
                .get(start.changes..)
                .unwrap_or_default()
                .iter()
                .map(|c| {
                    SchemaChange::new(
                        c.path.get(prefix..).unwrap_or_default(),
                        c.keyword.clone(),
                        c.change,
                        c.message.clone(),
                    )
                })
                .collect();
            let def = CleanedDef {
                value: deep::clone(&cleaned),
                nodes: self.inlined - start.inlined,
                changes,
            };
            if let Some(old) = self.cleaned.insert(start.def, def) {
                self.sink.discard(old.value);
            }
        }
        self.sink.with_meta(cleaned, meta)
    }

    /// The variants of `obj`'s unions are cleaned: `obj` becomes what a
    /// union simplifies to, or is cleaned with the variants left.
    fn unions(
        &mut self,
        obj: Map<String, Value>,
        scope: Scope,
        any: Option<Vec<Value>>,
        one: Option<Vec<Value>>,
    ) -> Option<Value> {
        let mut kept_any = None;
        if let Some(variants) = any {
            match self.simplify(variants, "anyOf") {
                Ok(value) => {
                    if let Some(rest) = one {
                        self.sink.discard_all(rest);
                    }
                    return Some(self.replace_by(obj, value, "anyOf"));
                }
                Err(variants) => kept_any = Some(variants),
            }
        }
        let mut kept_one = None;
        if let Some(variants) = one {
            match self.simplify(variants, "oneOf") {
                Ok(value) => {
                    if let Some(rest) = kept_any {
                        self.sink.discard_all(rest);
                    }
                    return Some(self.replace_by(obj, value, "oneOf"));
                }
                Err(variants) => kept_one = Some(variants),
            }
        }
        self.plan(obj, scope, kept_any, kept_one)
    }

    /// The node `obj` becomes `value`, what its `union` simplified to,
    /// with its meta keys; the rest of it is reported and dropped.
    fn replace_by(&mut self, obj: Map<String, Value>, value: Value, union: &str) -> Value {
        for key in obj.keys() {
            if key != union && !META_KEYS.contains(&key.as_str()) {
                self.sink.report.record(
                    key,
                    ChangeKind::Removed,
                    format!("dropped with the flattened {union}"),
                );
            }
        }
        let meta = self.sink.take_meta(obj);
        self.sink.with_meta(value, meta)
    }

    /// `simplifyUnionVariants`: the node's replacement (before its meta
    /// keys go on top), or the variants to keep.
    fn simplify(&mut self, variants: Vec<Value>, key: &str) -> Result<Value, Vec<Value>> {
        if variants.is_empty() {
            return Err(variants);
        }
        let total = variants.len();
        let mut non_null = variants;
        non_null.retain_mut(|variant| {
            if is_null_schema(variant) {
                self.sink.discard(std::mem::take(variant));
                false
            } else {
                true
            }
        });
        let stripped = total - non_null.len();
        if let Some((ty, values)) = literal_union(&non_null) {
            let mut result = Map::new();
            result.insert("type".to_owned(), Value::String(ty.to_owned()));
            let values = gemini_enum(values.into_iter());
            let shown = if values.is_some() {
                "one enum"
            } else {
                "no enum (no literal has a string form)"
            };
            if let Some(values) = values {
                result.insert("enum".to_owned(), Value::Array(values));
            }
            let message = format!(
                "{} literal variants of type {ty:?} → {shown}{}",
                non_null.len(),
                nulls_note(stripped)
            );
            self.sink.report.record(key, ChangeKind::Flattened, message);
            self.sink.discard_all(non_null);
            return Ok(Value::Object(result));
        }
        if stripped > 0 && non_null.len() == 1 {
            let lone = non_null.pop().unwrap_or_default();
            let message: Cow<'static, str> = if stripped == 1 {
                Cow::Borrowed(
                    "the one variant left (after dropping 1 null variant) replaces the node",
                )
            } else {
                Cow::Owned(format!(
                    "the one variant left{} replaces the node",
                    nulls_note(stripped)
                ))
            };
            self.sink.report.record(key, ChangeKind::Flattened, message);
            return Ok(lone);
        }
        if stripped > 0 {
            self.sink.report.record(
                key,
                ChangeKind::Rewritten,
                format!("dropped {stripped} null variant{}", plural(stripped)),
            );
        }
        Err(non_null)
    }

    /// Cleans the keys of `obj` (the union variants given are cleaned
    /// already), then its children: the plain ones now, in place; the
    /// nested ones moved out into a frame, if there are any.
    fn plan(
        &mut self,
        mut obj: Map<String, Value>,
        scope: Scope,
        mut any: Option<Vec<Value>>,
        mut one: Option<Vec<Value>>,
    ) -> Option<Value> {
        let has_union = any.is_some() || one.is_some();
        let mut members: Members = [None; 3];
        let shape = self
            .sink
            .clean_keys(&mut obj, has_union, &mut any, &mut one, &mut members);
        let path = self.sink.report.path.len();
        let deferred = self.sink.report.deferred.len();
        let segs = self.segs.len();
        let mut taken = Vec::new();
        let mut visits = 0;
        for member in members.into_iter().flatten() {
            let Some(value) = obj.values_mut().nth(member.index) else {
                continue;
            };
            let report = &mut self.sink.report;
            report.path.push('/');
            report.path.push_str(member.key);
            let member_path = report.path.len();
            if member.single {
                self.pass_child(value, member, 0, path, &mut taken, &mut visits);
            } else if let Value::Object(props) = value {
                for (index, (name, child)) in props.iter_mut().enumerate() {
                    let pointer = &mut self.sink.report.path;
                    pointer.truncate(member_path);
                    push_pointer_token(pointer, name);
                    self.pass_child(child, member, index, path, &mut taken, &mut visits);
                }
            } else if let Value::Array(items) = value {
                for (index, item) in items.iter_mut().enumerate() {
                    let pointer = &mut self.sink.report.path;
                    pointer.truncate(member_path);
                    push_index(pointer, index);
                    self.pass_child(item, member, index, path, &mut taken, &mut visits);
                }
            }
            self.sink.report.path.truncate(path);
        }
        self.sink.report.deferring = false;
        if taken.is_empty() {
            self.visited(visits);
            return Some(self.finish_object(obj, taken, shape));
        }
        self.frames.push(Frame::Object(Box::new(ObjectFrame {
            map: obj,
            shape,
            taken,
            next: 0,
            path,
            scope,
            deferred,
            flushed: deferred,
            segs,
            visits,
        })));
        None
    }

    /// One child of the object being planned, whose pointer is
    /// [`Report::path`] and the object's the first `object_path` bytes of it:
    /// cleaned in place if it is plain, else moved out.
    fn pass_child(
        &mut self,
        child: &mut Value,
        member: Member,
        index: usize,
        object_path: usize,
        taken: &mut Vec<Taken>,
        visits: &mut usize,
    ) {
        match kind(child) {
            Kind::Leaf => *visits += 1,
            Kind::Plain => {
                *visits += 1;
                if let Value::Object(map) = child {
                    self.sink.clean_plain(map);
                }
            }
            Kind::Nested => {
                let report = &mut self.sink.report;
                let start = self.segs.len();
                self.segs
                    .push_str(report.path.get(object_path..).unwrap_or_default());
                taken.push(Taken {
                    member: member.index,
                    child: index,
                    single: member.single,
                    value: std::mem::take(child),
                    seg: (start, self.segs.len()),
                    deferred: report.deferred.len(),
                    visits: std::mem::take(visits),
                });
                report.deferring = true;
            }
        }
    }

    /// Puts the children moved out back, then renames a `const`, applies
    /// the union fallback and the `required` cleanup, at
    /// [`Report::path`].
    fn finish_object(
        &mut self,
        mut map: Map<String, Value>,
        taken: Vec<Taken>,
        shape: Shape,
    ) -> Value {
        let mut taken = taken.into_iter().peekable();
        for (index, value) in map.values_mut().enumerate() {
            let Some(next) = taken.peek() else {
                break;
            };
            if next.member != index {
                continue;
            }
            if next.single {
                if let Some(t) = taken.next() {
                    *value = t.value;
                }
                continue;
            }
            // The children of this member that were moved out, in order.
            match value {
                Value::Object(children) => {
                    for (i, child) in children.values_mut().enumerate() {
                        if let Some(t) = taken.next_if(|t| t.member == index && t.child == i) {
                            *child = t.value;
                        } else if taken.peek().is_none_or(|t| t.member != index) {
                            break;
                        }
                    }
                }
                Value::Array(children) => {
                    while let Some(t) = taken.next_if(|t| t.member == index) {
                        match children.get_mut(t.child) {
                            Some(child) => *child = t.value,
                            None => self.sink.discard(t.value),
                        }
                    }
                }
                _ => {}
            }
        }
        for t in taken {
            self.sink.discard(t.value);
        }
        if shape.konst {
            map = self.sink.rename_const(map);
        }
        if shape.union {
            for union in ["anyOf", "oneOf"] {
                if let Some(mut flat) = self.sink.flatten_fallback(&mut map, union) {
                    self.sink.discard(Value::Object(map));
                    self.sink.sanitize_required(&mut flat);
                    return Value::Object(flat);
                }
            }
        }
        if shape.required {
            self.sink.sanitize_required(&mut map);
        }
        Value::Object(map)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn nulls_note(stripped: usize) -> String {
    if stripped == 0 {
        String::new()
    } else {
        format!(
            " (after dropping {stripped} null variant{})",
            plural(stripped)
        )
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn clean(schema: Value) -> Value {
        normalize(&schema).schema
    }

    #[test]
    fn the_keyword_test_matches_the_list() {
        for keyword in UNSUPPORTED_KEYWORDS {
            assert!(is_unsupported(keyword), "{keyword}");
        }
        for other in [
            "type",
            "const",
            "enum",
            "items",
            "nullable",
            "minContains",
            "",
        ] {
            assert!(!is_unsupported(other), "{other}");
        }
    }

    #[test]
    fn unsupported_keywords_go_and_other_keys_stay_in_order() {
        let out = normalize(&json!({
            "type": "string", "format": "email", "~optional": true, "x-custom": 1, "not": {"const": "a"},
        }));
        assert_eq!(
            serde_json::to_string(&out.schema).unwrap(),
            r#"{"type":"string","x-custom":1}"#
        );
        let removed: Vec<_> = out.changes.iter().map(|c| c.keyword.as_ref()).collect();
        assert_eq!(removed, ["format", "~optional", "not"]);
    }

    #[test]
    fn refs_inline_with_the_referring_nodes_meta_and_nothing_else() {
        let schema = json!({
            "properties": {"a": {"$ref": "#/$defs/A", "description": "mine", "minimum": 1, "type": "number"}},
            "$defs": {"A": {"type": "string", "description": "theirs", "title": "A"}},
        });
        assert_eq!(
            clean(schema),
            json!({"properties": {"a": {"type": "string", "description": "mine", "title": "A"}}})
        );
    }

    #[test]
    fn definitions_are_scoped_nearest_first_and_names_are_pointer_decoded() {
        let schema = json!({
            "$defs": {"T": {"type": "string"}, "a/b": {"type": "integer"}},
            "definitions": {"T": {"type": "boolean"}},
            "properties": {
                "outer": {"$ref": "#/$defs/T"},
                "escaped": {"$ref": "#/definitions/a~1b"},
                "inner": {"$defs": {"T": {"type": "number"}}, "properties": {"x": {"$ref": "#/$defs/T"}}},
            },
        });
        assert_eq!(
            clean(schema),
            json!({"properties": {
                "outer": {"type": "boolean"},
                "escaped": {"type": "integer"},
                "inner": {"properties": {"x": {"type": "number"}}},
            }})
        );
    }

    #[test]
    fn cycles_become_empty_and_unresolvable_refs_keep_their_meta() {
        let schema = json!({
            "$defs": {"N": {"properties": {"next": {"$ref": "#/$defs/N", "title": "gone"}}}, "F": false},
            "properties": {
                "n": {"$ref": "#/$defs/N"},
                "remote": {"$ref": "https://example.com/s.json", "title": "kept", "type": "string"},
                "falsy": {"$ref": "#/$defs/F", "description": "d"},
            },
        });
        assert_eq!(
            clean(schema),
            json!({"properties": {
                "n": {"properties": {"next": {}}},
                "remote": {"title": "kept"},
                "falsy": {"description": "d"},
            }})
        );
    }

    #[test]
    fn const_and_enum_become_unique_strings() {
        assert_eq!(clean(json!({"const": 1.5})), json!({"enum": ["1.5"]}));
        assert_eq!(clean(json!({"const": null})), json!({}));
        assert_eq!(
            clean(json!({"enum": ["1", 1, true, null, {"a": 1}, 1e21]})),
            json!({"enum": ["1", "true", "1e+21"]})
        );
        assert_eq!(clean(json!({"enum": [null]})), json!({}));
        assert_eq!(clean(json!({"enum": "a"})), json!({}));
        // The later of `const` and `enum` wins, at the earlier's place.
        assert_eq!(
            clean(json!({"enum": ["b"], "const": "a"})),
            json!({"enum": ["a"]})
        );
        assert!(normalize(&json!({"enum": ["a", "b"]})).changes.is_empty());
    }

    #[test]
    fn type_arrays_lose_null() {
        assert_eq!(
            clean(json!({"type": ["string", "null"]})),
            json!({"type": "string"})
        );
        assert_eq!(
            clean(json!({"type": ["string", "integer", "null"]})),
            json!({"type": ["string", "integer"]})
        );
        assert_eq!(clean(json!({"type": ["null"]})), json!({"type": []}));
        assert_eq!(
            clean(json!({"type": ["string", 1]})),
            json!({"type": ["string", 1]})
        );
    }

    #[test]
    fn properties_items_and_all_of_are_cleaned_and_nothing_else() {
        assert_eq!(
            clean(json!({"properties": null})),
            json!({"properties": {}})
        );
        assert_eq!(
            clean(json!({"properties": [{"format": "x"}]})),
            json!({"properties": {}})
        );
        assert_eq!(
            clean(
                json!({"items": [{"format": "x"}], "allOf": [{"pattern": "y"}], "prefixItems": [{"format": "z"}]})
            ),
            json!({"items": [{}], "allOf": [{}], "prefixItems": [{"format": "z"}]})
        );
        assert_eq!(
            clean(json!({"items": {"minLength": 1}})),
            json!({"items": {}})
        );
        assert_eq!(
            clean(json!({"items": false, "allOf": "x"})),
            json!({"items": false, "allOf": "x"})
        );
    }

    #[test]
    fn literal_unions_become_an_enum_and_a_lone_variant_stands_for_its_union() {
        assert_eq!(
            clean(json!({"title": "t", "nullable": true, "anyOf": [
                {"const": "a", "type": "string"}, {"enum": ["b"], "type": "string"}, {"type": "null"},
            ]})),
            json!({"type": "string", "enum": ["a", "b"], "title": "t"})
        );
        assert_eq!(
            clean(
                json!({"description": "d", "oneOf": [{"type": "integer", "minimum": 0}, {"const": null}]})
            ),
            json!({"type": "integer", "description": "d"})
        );
        // Duplicate literals are removed (OpenClaw does so when run again).
        assert_eq!(
            clean(
                json!({"anyOf": [{"const": "a", "type": "string"}, {"const": "a", "type": "string"}]})
            ),
            json!({"type": "string", "enum": ["a"]})
        );
    }

    #[test]
    fn unions_left_fall_back_to_one_object_a_shared_type_or_the_first_type() {
        let only_object = clean(
            json!({"anyOf": [{"type": "object", "properties": {"a": {}}}, "x"], "title": "t"}),
        );
        assert_eq!(
            only_object,
            json!({"type": "object", "properties": {"a": {}}, "title": "t"})
        );
        let shared = clean(
            json!({"oneOf": [{"type": "object", "properties": {"a": {}}}, {"type": "object"}]}),
        );
        assert_eq!(shared, json!({"type": "object"}));
        let first = clean(
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "properties": {"p": {}}}),
        );
        assert_eq!(first, json!({"type": "string"}));
        let none =
            clean(json!({"anyOf": [{"description": "a"}, {"description": "b"}], "default": 1}));
        assert_eq!(none, json!({"default": 1}));
        let kept = clean(json!({"anyOf": ["a", 1], "type": "string"}));
        assert_eq!(kept, json!({"anyOf": ["a", 1]}));
    }

    #[test]
    fn required_keeps_only_properties() {
        assert_eq!(
            clean(json!({"type": "object", "properties": {"a": {}}, "required": ["a", "b", 3]})),
            json!({"type": "object", "properties": {"a": {}}, "required": ["a"]})
        );
        assert_eq!(
            clean(json!({"type": "object", "properties": {"a": {}}, "required": ["b"]})),
            json!({"type": "object", "properties": {"a": {}}})
        );
        assert_eq!(
            clean(json!({"type": "object", "required": ["a"]})),
            json!({"type": "object"})
        );
        assert_eq!(
            clean(json!({"required": ["a"]})),
            json!({"required": ["a"]})
        );
        assert_eq!(clean(json!({"required": []})), json!({}));
    }

    #[test]
    fn scalars_and_arrays_at_the_root() {
        assert_eq!(clean(json!("x")), json!("x"));
        assert_eq!(clean(json!([{"format": "x"}, 1])), json!([{}, 1]));
        assert!(normalize(&json!(null)).is_unchanged());
    }

    fn paths(out: &Normalized) -> Vec<&str> {
        out.changes.iter().map(|c| c.path.as_str()).collect()
    }

    #[test]
    fn the_report_is_in_depth_first_order_around_nested_children() {
        // `a` and `c` are cleaned in place, `b` (a union) after the pass
        // over the properties: `c`'s change still comes after `b`'s.
        let out = normalize(&json!({
            "type": "object",
            "properties": {
                "a": {"type": "string", "format": "uri"},
                "b": {"anyOf": [{"type": "string", "pattern": "x"}, {"type": "null"}]},
                "c": {"type": "integer", "minimum": 0},
                "d": {"type": "array", "items": {"type": "string", "maxLength": 3}, "minItems": 1},
            },
            "required": ["a", "z"],
            "additionalProperties": false,
        }));
        assert_eq!(
            paths(&out),
            [
                "/additionalProperties",
                "/properties/a/format",
                "/properties/b/anyOf/0/pattern",
                "/properties/b/anyOf",
                "/properties/c/minimum",
                "/properties/d/minItems",
                "/properties/d/items/maxLength",
                "/required",
            ]
        );
    }

    #[test]
    fn a_definition_cleaned_once_is_reported_at_each_use() {
        let schema = json!({
            "properties": {
                "x": {"$ref": "#/$defs/U", "title": "x"},
                "y": {"items": {"$ref": "#/$defs/U"}},
            },
            "$defs": {"U": {"anyOf": [{"const": "c", "type": "string"}, {"const": "f", "type": "string"}]}},
        });
        let out = normalize(&schema);
        let unit = json!({"type": "string", "enum": ["c", "f"]});
        let mut titled = unit.clone();
        titled["title"] = json!("x");
        assert_eq!(
            out.schema,
            json!({"properties": {"x": titled, "y": {"items": unit}}})
        );
        assert_eq!(
            paths(&out),
            [
                "/$defs",
                "/properties/x/$ref",
                "/properties/x/anyOf/0/const",
                "/properties/x/anyOf/1/const",
                "/properties/x/anyOf",
                "/properties/y/items/$ref",
                "/properties/y/items/anyOf/0/const",
                "/properties/y/items/anyOf/1/const",
                "/properties/y/items/anyOf",
            ]
        );
        assert_eq!(out.changes[4].message, out.changes[8].message);
    }

    #[test]
    fn the_owned_normalizer_is_the_borrowed_one() {
        let schema = json!({
            "type": "object",
            "properties": {"n": {"oneOf": [{"type": "integer"}, {"type": "string"}], "const": 1}},
            "$defs": {"unused": {"type": "string"}},
        });
        assert_eq!(normalize_owned(schema.clone()), normalize(&schema));
    }
}
