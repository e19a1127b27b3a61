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
use std::rc::Rc;

use serde_json::{Map, Value};

use super::deep;
use super::inspect::find_unsupported_schema_keywords;
use super::report::{ChangeKind, Normalized};
use super::walk::{
    PathId, ROOT, Recorder, Seg, brief, is_js_object, js_number_string, spread, truthy,
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
    let mut cleaner = Cleaner::new();
    let schema = cleaner.run(schema);
    Normalized::new(schema, cleaner.rec.changes)
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
fn gemini_enum(values: &[Value]) -> Option<Vec<Value>> {
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

fn copy_meta(from: &Map<String, Value>, to: &mut Map<String, Value>) {
    for key in META_KEYS {
        if let Some(value) = from.get(key) {
            to.insert(key.to_owned(), deep::clone(value));
        }
    }
}

fn meta_only(from: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    copy_meta(from, &mut out);
    Value::Object(out)
}

/// OpenClaw's `isNullSchema` (Gemini's variant of the test).
fn is_null_schema(variant: &Value) -> bool {
    let Value::Object(record) = variant else {
        return false;
    };
    if record.get("const").is_some_and(Value::is_null) {
        return true;
    }
    if let Some(Value::Array(values)) = record.get("enum")
        && values.len() == 1
    {
        return values[0].is_null();
    }
    match record.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.len() == 1 && types[0] == "null",
        _ => false,
    }
}

/// `tryFlattenLiteralAnyOf`: the common type and the literal values when
/// every variant is a literal of one string type.
fn literal_union(variants: &[Value]) -> Option<(&str, Vec<Value>)> {
    let mut common: Option<&str> = None;
    let mut values = Vec::with_capacity(variants.len());
    for variant in variants {
        let Value::Object(v) = variant else {
            return None;
        };
        let literal = if let Some(c) = v.get("const") {
            c
        } else if let Some(Value::Array(e)) = v.get("enum")
            && e.len() == 1
        {
            &e[0]
        } else {
            return None;
        };
        let ty = match v.get("type") {
            Some(Value::String(t)) if !t.is_empty() => t.as_str(),
            _ => return None,
        };
        match common {
            None => common = Some(ty),
            Some(c) if c != ty => return None,
            Some(_) => {}
        }
        values.push(deep::clone(literal));
    }
    common.map(|ty| (ty, values))
}

/// The definitions in scope at a node: its own and its ancestors'.
struct DefScope<'a> {
    defs: Option<&'a Map<String, Value>>,
    definitions: Option<&'a Map<String, Value>>,
    parent: Option<Rc<DefScope<'a>>>,
}

#[derive(Clone, Default)]
struct Scope<'a> {
    defs: Option<Rc<DefScope<'a>>>,
}

impl<'a> Scope<'a> {
    /// `extendSchemaDefs`: the scope of the children of a node with these
    /// `$defs` and `definitions`.
    fn extend(
        &self,
        defs: Option<&'a Map<String, Value>>,
        definitions: Option<&'a Map<String, Value>>,
    ) -> Scope<'a> {
        if defs.is_none() && definitions.is_none() {
            return self.clone();
        }
        Scope {
            defs: Some(Rc::new(DefScope {
                defs,
                definitions,
                parent: self.defs.clone(),
            })),
        }
    }

    /// The definition a local `#/$defs/…` or `#/definitions/…` names.
    fn resolve(&self, reference: &str) -> Option<&'a Value> {
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
        let mut scope = self.defs.as_deref();
        while let Some(s) = scope {
            if let Some(found) = s.definitions.and_then(|d| d.get(name.as_ref())) {
                return Some(found);
            }
            if let Some(found) = s.defs.and_then(|d| d.get(name.as_ref())) {
                return Some(found);
            }
            scope = s.parent.as_deref();
        }
        None
    }
}

/// A value of a cleaned object that waits for its children; the object
/// holds `null` at its place until then.
enum Hole<'a> {
    /// One cleaned child, in this slot.
    Child(usize),
    /// A `properties` map whose cleaned values start at this slot.
    Props(&'a Map<String, Value>, usize),
    /// An array of cleaned children: first slot, length.
    Children(usize, usize),
}

/// What the object being built has, so that the last steps look nothing up.
#[derive(Clone, Copy, Default)]
struct Shape {
    /// A `required` array.
    required: bool,
    /// An `anyOf` or `oneOf` array.
    union: bool,
}

enum Task<'a> {
    Visit {
        node: &'a Value,
        scope: Scope<'a>,
        out: usize,
        at: PathId,
    },
    Array {
        out: usize,
        base: usize,
        len: usize,
    },
    Ref {
        obj: &'a Map<String, Value>,
        reference: &'a str,
        out: usize,
        inner: usize,
    },
    Unions {
        obj: &'a Map<String, Value>,
        scope: Scope<'a>,
        out: usize,
        at: PathId,
        any: Option<(usize, usize)>,
        one: Option<(usize, usize)>,
    },
    Record(Box<RecordTask<'a>>),
}

/// A cleaned object waiting for its children.
struct RecordTask<'a> {
    out: usize,
    at: PathId,
    map: Map<String, Value>,
    holes: Vec<(usize, Hole<'a>)>,
    shape: Shape,
    base: usize,
}

/// The cleaner's state: results wait in `slots` until their parent is
/// assembled; `tasks` is the stack that replaces recursion.
///
/// The walk is depth first, so the `$ref`s being inlined (started, not yet
/// assembled) are exactly those on the path to the current node: `inlining`
/// lists them in order and `active` counts them, for the cycle test.
struct Cleaner<'a> {
    rec: Recorder<'a>,
    slots: Vec<Value>,
    tasks: Vec<Task<'a>>,
    /// The children of the object being planned (reused).
    children: Vec<(&'a Value, usize, PathId)>,
    inlining: Vec<&'a str>,
    active: HashMap<&'a str, usize>,
    inlined: usize,
}

impl<'a> Cleaner<'a> {
    fn new() -> Self {
        Cleaner {
            rec: Recorder::new(),
            slots: Vec::new(),
            tasks: Vec::new(),
            children: Vec::new(),
            inlining: Vec::new(),
            active: HashMap::new(),
            inlined: 0,
        }
    }

    fn run(&mut self, schema: &'a Value) -> Value {
        self.slots.push(Value::Null);
        self.tasks.push(Task::Visit {
            node: schema,
            scope: Scope::default(),
            out: 0,
            at: ROOT,
        });
        while let Some(task) = self.tasks.pop() {
            match task {
                Task::Visit {
                    node,
                    scope,
                    out,
                    at,
                } => self.visit(node, scope, out, at),
                Task::Array { out, base, len } => {
                    let items = self.take(base, len);
                    self.slots.truncate(base);
                    self.slots[out] = Value::Array(items);
                }
                Task::Ref {
                    obj,
                    reference,
                    out,
                    inner,
                } => {
                    self.inlining.pop();
                    if let Some(count) = self.active.get_mut(reference) {
                        *count -= 1;
                    }
                    let cleaned = std::mem::take(&mut self.slots[inner]);
                    self.slots.truncate(inner);
                    self.slots[out] = match cleaned {
                        Value::Object(mut map) => {
                            copy_meta(obj, &mut map);
                            Value::Object(map)
                        }
                        other => other,
                    };
                }
                Task::Unions {
                    obj,
                    scope,
                    out,
                    at,
                    any,
                    one,
                } => self.unions(obj, &scope, out, at, any, one),
                Task::Record(record) => {
                    let RecordTask {
                        out,
                        at,
                        map,
                        holes,
                        shape,
                        base,
                    } = *record;
                    self.assemble(out, at, map, holes, shape, base);
                }
            }
        }
        self.slots
            .first_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn alloc(&mut self, len: usize) -> usize {
        let base = self.slots.len();
        self.slots.resize(base + len, Value::Null);
        base
    }

    fn take(&mut self, base: usize, len: usize) -> Vec<Value> {
        self.slots[base..base + len]
            .iter_mut()
            .map(std::mem::take)
            .collect()
    }

    fn visit(&mut self, node: &'a Value, scope: Scope<'a>, out: usize, at: PathId) {
        if !self.inlining.is_empty() {
            self.inlined += 1;
        }
        match node {
            Value::Array(items) => {
                let base = self.alloc(items.len());
                self.tasks.push(Task::Array {
                    out,
                    base,
                    len: items.len(),
                });
                for (index, item) in items.iter().enumerate().rev() {
                    let child = self.rec.child(at, Seg::Index(index));
                    self.tasks.push(Task::Visit {
                        node: item,
                        scope: scope.clone(),
                        out: base + index,
                        at: child,
                    });
                }
            }
            Value::Object(obj) => self.visit_object(obj, scope, out, at),
            scalar => self.slots[out] = scalar.clone(),
        }
    }

    fn visit_object(
        &mut self,
        obj: &'a Map<String, Value>,
        scope: Scope<'a>,
        out: usize,
        at: PathId,
    ) {
        // One pass over the keys instead of a lookup per keyword.
        let (mut reference, mut any, mut one, mut defs, mut definitions) =
            (None, None, None, None, None);
        for (key, value) in obj {
            match (key.as_str(), value) {
                ("$ref", Value::String(r)) if !r.is_empty() => reference = Some(r.as_str()),
                ("anyOf", Value::Array(v)) => any = Some(v),
                ("oneOf", Value::Array(v)) => one = Some(v),
                ("$defs", Value::Object(d)) => defs = Some(d),
                ("definitions", Value::Object(d)) => definitions = Some(d),
                _ => {}
            }
        }
        let scope = scope.extend(defs, definitions);
        if let Some(reference) = reference {
            self.visit_ref(obj, reference, scope, out, at);
            return;
        }
        if any.is_none() && one.is_none() {
            self.plan(obj, &scope, out, at, None, None);
            return;
        }
        let any_slots = any.map(|v| (self.alloc(v.len()), v.len()));
        let one_slots = one.map(|v| (self.alloc(v.len()), v.len()));
        self.tasks.push(Task::Unions {
            obj,
            scope: scope.clone(),
            out,
            at,
            any: any_slots,
            one: one_slots,
        });
        for (key, variants, slots) in [("oneOf", one, one_slots), ("anyOf", any, any_slots)] {
            let (Some(variants), Some((base, _))) = (variants, slots) else {
                continue;
            };
            let union_at = self.rec.child(at, Seg::Key(key));
            for (index, variant) in variants.iter().enumerate().rev() {
                let child = self.rec.child(union_at, Seg::Index(index));
                self.tasks.push(Task::Visit {
                    node: variant,
                    scope: scope.clone(),
                    out: base + index,
                    at: child,
                });
            }
        }
    }

    fn visit_ref(
        &mut self,
        obj: &'a Map<String, Value>,
        reference: &'a str,
        scope: Scope<'a>,
        out: usize,
        at: PathId,
    ) {
        let cycle = self.active.get(reference).is_some_and(|n| *n > 0);
        for key in obj.keys() {
            if key == "$ref" {
                continue;
            }
            if cycle {
                self.rec
                    .record(at, key, ChangeKind::Removed, "dropped with the cyclic $ref");
            } else if !META_KEYS.contains(&key.as_str()) {
                self.rec.record(
                    at,
                    key,
                    ChangeKind::Removed,
                    "dropped: a $ref node keeps only its description, title and default",
                );
            }
        }
        if cycle {
            let mut chain = self.inlining.clone();
            chain.push(reference);
            self.rec.record(
                at,
                "$ref",
                ChangeKind::Removed,
                format!(
                    "{reference} refers to itself ({}): replaced by {{}}",
                    chain.join(" → ")
                ),
            );
            self.slots[out] = Value::Object(Map::new());
            return;
        }
        match scope.resolve(reference) {
            Some(def) if truthy(def) && self.inlined < MAX_INLINED_NODES => {
                self.rec.record(
                    at,
                    "$ref",
                    ChangeKind::Inlined,
                    format!("inlined {reference}"),
                );
                let inner = self.alloc(1);
                self.inlining.push(reference);
                *self.active.entry(reference).or_default() += 1;
                self.tasks.push(Task::Ref {
                    obj,
                    reference,
                    out,
                    inner,
                });
                self.tasks.push(Task::Visit {
                    node: def,
                    scope,
                    out: inner,
                    at,
                });
            }
            resolved => {
                let why = if resolved.is_some_and(truthy) {
                    format!(
                        "not inlined: more than {MAX_INLINED_NODES} schema nodes inlined already"
                    )
                } else {
                    format!("{reference} does not name a local definition")
                };
                self.rec.record(
                    at,
                    "$ref",
                    ChangeKind::Removed,
                    format!(
                        "{why}: replaced by {{}} with the node's description, title and default"
                    ),
                );
                self.slots[out] = meta_only(obj);
            }
        }
    }

    fn unions(
        &mut self,
        obj: &'a Map<String, Value>,
        scope: &Scope<'a>,
        out: usize,
        at: PathId,
        any: Option<(usize, usize)>,
        one: Option<(usize, usize)>,
    ) {
        let any_variants = any.map(|(base, len)| self.take(base, len));
        let one_variants = one.map(|(base, len)| self.take(base, len));
        if let Some(base) = any.or(one).map(|(base, _)| base) {
            self.slots.truncate(base);
        }
        let mut kept = [None, None];
        for (slot, (key, variants)) in [("anyOf", any_variants), ("oneOf", one_variants)]
            .into_iter()
            .enumerate()
        {
            let Some(variants) = variants else { continue };
            match self.simplify(obj, variants, at, key) {
                Ok(value) => {
                    self.dropped_with(obj, at, key);
                    self.slots[out] = value;
                    return;
                }
                Err(variants) => kept[slot] = Some(variants),
            }
        }
        let [any_variants, one_variants] = kept;
        self.plan(obj, scope, out, at, any_variants, one_variants);
    }

    /// Reports the keys of `obj` that a flattened union left behind.
    fn dropped_with(&mut self, obj: &Map<String, Value>, at: PathId, union: &str) {
        for key in obj.keys() {
            if key != union && !META_KEYS.contains(&key.as_str()) {
                self.rec.record(
                    at,
                    key,
                    ChangeKind::Removed,
                    format!("dropped with the flattened {union}"),
                );
            }
        }
    }

    /// `simplifyUnionVariants`: the node's replacement, or the variants
    /// to keep.
    fn simplify(
        &mut self,
        obj: &Map<String, Value>,
        variants: Vec<Value>,
        at: PathId,
        key: &str,
    ) -> Result<Value, Vec<Value>> {
        if variants.is_empty() {
            return Err(variants);
        }
        let total = variants.len();
        let mut non_null: Vec<Value> = variants
            .into_iter()
            .filter(|v| !is_null_schema(v))
            .collect();
        let stripped = total - non_null.len();
        if let Some((ty, values)) = literal_union(&non_null) {
            let mut result = Map::new();
            result.insert("type".to_owned(), Value::String(ty.to_owned()));
            let values = gemini_enum(&values);
            let shown = if values.is_some() {
                "one enum"
            } else {
                "no enum (no literal has a string form)"
            };
            if let Some(values) = values {
                result.insert("enum".to_owned(), Value::Array(values));
            }
            copy_meta(obj, &mut result);
            self.rec.record(
                at,
                key,
                ChangeKind::Flattened,
                format!(
                    "{} literal variants of type {ty:?} → {shown}{}",
                    non_null.len(),
                    nulls_note(stripped)
                ),
            );
            return Ok(Value::Object(result));
        }
        if stripped > 0 && non_null.len() == 1 {
            let lone = non_null.pop().unwrap_or_default();
            self.rec.record(
                at,
                key,
                ChangeKind::Flattened,
                format!(
                    "the one variant left{} replaces the node",
                    nulls_note(stripped)
                ),
            );
            return Ok(match lone {
                Value::Object(mut map) => {
                    copy_meta(obj, &mut map);
                    Value::Object(map)
                }
                other => other,
            });
        }
        if stripped > 0 {
            self.rec.record(
                at,
                key,
                ChangeKind::Rewritten,
                format!("dropped {stripped} null variant{}", plural(stripped)),
            );
        }
        Err(non_null)
    }

    /// Plans the cleaned object: which keys stay, which wait for children.
    fn plan(
        &mut self,
        obj: &'a Map<String, Value>,
        scope: &Scope<'a>,
        out: usize,
        at: PathId,
        mut any: Option<Vec<Value>>,
        mut one: Option<Vec<Value>>,
    ) {
        let has_union = any.is_some() || one.is_some();
        let base = self.slots.len();
        let mut map = Map::with_capacity(obj.len());
        let mut holes: Vec<(usize, Hole<'a>)> = Vec::new();
        let mut shape = Shape::default();
        self.children.clear();
        for (key, value) in obj {
            let key = key.as_str();
            if is_unsupported(key) {
                let message = if key == "$defs" || key == "definitions" {
                    "not supported by Gemini; its entries are inlined where referenced"
                } else {
                    "not supported by Gemini"
                };
                self.rec.record(at, key, ChangeKind::Removed, message);
                continue;
            }
            match key {
                "const" => match gemini_enum(std::slice::from_ref(value)) {
                    Some(values) => {
                        self.rec.record(
                            at,
                            key,
                            ChangeKind::Rewritten,
                            "becomes a one-value enum of strings (Gemini has no const)",
                        );
                        map.insert("enum".to_owned(), Value::Array(values));
                    }
                    None => self.rec.record(
                        at,
                        key,
                        ChangeKind::Removed,
                        "its value has no string form for a Gemini enum",
                    ),
                },
                "enum" => {
                    let cleaned = value.as_array().and_then(|v| gemini_enum(v));
                    match cleaned {
                        Some(values) => {
                            if value.as_array().is_some_and(|v| *v != values) {
                                self.rec.record(
                                    at,
                                    key,
                                    ChangeKind::Rewritten,
                                    "values written as unique strings, as Gemini takes them",
                                );
                            }
                            map.insert("enum".to_owned(), Value::Array(values));
                        }
                        None => self.rec.record(
                            at,
                            key,
                            ChangeKind::Removed,
                            "no value has a string form for a Gemini enum",
                        ),
                    }
                }
                "required" if value.as_array().is_some_and(Vec::is_empty) => self.rec.record(
                    at,
                    key,
                    ChangeKind::Removed,
                    "Gemini rejects an empty required list",
                ),
                "type" if has_union => {
                    self.rec
                        .record(at, key, ChangeKind::Removed, "dropped next to anyOf/oneOf")
                }
                "type"
                    if value
                        .as_array()
                        .is_some_and(|types| types.iter().all(Value::is_string)) =>
                {
                    let types = value.as_array().map(Vec::as_slice).unwrap_or_default();
                    let mut kept: Vec<Value> =
                        types.iter().filter(|t| *t != "null").cloned().collect();
                    let next = if kept.len() == 1 {
                        kept.pop().unwrap_or_default()
                    } else {
                        Value::Array(kept)
                    };
                    if next != *value {
                        self.rec.record(
                            at,
                            key,
                            ChangeKind::Rewritten,
                            format!("{} → {}", brief(value), brief(&next)),
                        );
                    }
                    map.insert("type".to_owned(), next);
                }
                "properties" => match value {
                    Value::Object(props) => {
                        let first = self.alloc(props.len());
                        let props_at = self.rec.child(at, Seg::Key("properties"));
                        for (index, (name, child)) in props.iter().enumerate() {
                            let child_at = self.rec.child(props_at, Seg::Key(name));
                            self.children.push((child, first + index, child_at));
                        }
                        holes.push((map.len(), Hole::Props(props, first)));
                        map.insert(key.to_owned(), Value::Null);
                    }
                    other => {
                        self.rec.record(
                            at,
                            key,
                            ChangeKind::Rewritten,
                            format!("{} → {{}}", brief(other)),
                        );
                        map.insert(key.to_owned(), Value::Object(Map::new()));
                    }
                },
                "items" if truthy(value) => match value {
                    Value::Array(items) => {
                        let first = self.alloc(items.len());
                        let items_at = self.rec.child(at, Seg::Key("items"));
                        for (index, item) in items.iter().enumerate() {
                            let child_at = self.rec.child(items_at, Seg::Index(index));
                            self.children.push((item, first + index, child_at));
                        }
                        holes.push((map.len(), Hole::Children(first, items.len())));
                        map.insert(key.to_owned(), Value::Null);
                    }
                    Value::Object(_) => {
                        let slot = self.alloc(1);
                        let child_at = self.rec.child(at, Seg::Key("items"));
                        self.children.push((value, slot, child_at));
                        holes.push((map.len(), Hole::Child(slot)));
                        map.insert(key.to_owned(), Value::Null);
                    }
                    other => {
                        map.insert(key.to_owned(), deep::clone(other));
                    }
                },
                "anyOf" if value.is_array() => {
                    shape.union = true;
                    map.insert(key.to_owned(), Value::Array(any.take().unwrap_or_default()));
                }
                "oneOf" if value.is_array() => {
                    shape.union = true;
                    map.insert(key.to_owned(), Value::Array(one.take().unwrap_or_default()));
                }
                "allOf" if value.is_array() => {
                    let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
                    let first = self.alloc(items.len());
                    let all_at = self.rec.child(at, Seg::Key("allOf"));
                    for (index, item) in items.iter().enumerate() {
                        let child_at = self.rec.child(all_at, Seg::Index(index));
                        self.children.push((item, first + index, child_at));
                    }
                    holes.push((map.len(), Hole::Children(first, items.len())));
                    map.insert(key.to_owned(), Value::Null);
                }
                _ => {
                    if key == "required" && value.is_array() {
                        shape.required = true;
                    }
                    map.insert(key.to_owned(), deep::clone(value));
                }
            }
        }
        if self.children.is_empty() {
            self.assemble(out, at, map, holes, shape, base);
            return;
        }
        self.tasks.push(Task::Record(Box::new(RecordTask {
            out,
            at,
            map,
            holes,
            shape,
            base,
        })));
        while let Some((node, slot, child_at)) = self.children.pop() {
            self.tasks.push(Task::Visit {
                node,
                scope: scope.clone(),
                out: slot,
                at: child_at,
            });
        }
    }

    /// Fills in the cleaned children, then applies the union fallback and
    /// the `required` cleanup.
    fn assemble(
        &mut self,
        out: usize,
        at: PathId,
        mut map: Map<String, Value>,
        holes: Vec<(usize, Hole<'a>)>,
        shape: Shape,
        base: usize,
    ) {
        if !holes.is_empty() {
            let mut holes = holes.into_iter().peekable();
            for (index, value) in map.values_mut().enumerate() {
                let Some((_, hole)) = holes.next_if(|(at, _)| *at == index) else {
                    continue;
                };
                *value = match hole {
                    Hole::Child(slot) => std::mem::take(&mut self.slots[slot]),
                    Hole::Props(props, first) => Value::Object(
                        props
                            .keys()
                            .enumerate()
                            .map(|(i, name)| {
                                (name.clone(), std::mem::take(&mut self.slots[first + i]))
                            })
                            .collect(),
                    ),
                    Hole::Children(first, len) => Value::Array(self.take(first, len)),
                };
            }
        }
        self.slots.truncate(base);
        if shape.union {
            for union in ["anyOf", "oneOf"] {
                if let Some(flat) = self.flatten_fallback(&mut map, at, union) {
                    self.slots[out] = Value::Object(self.sanitize_required(flat, at));
                    return;
                }
            }
        }
        if shape.required {
            map = self.sanitize_required(map, at);
        }
        self.slots[out] = Value::Object(map);
    }

    /// `flattenUnionFallback`: the union that simplification left, replaced
    /// by one representative schema.
    fn flatten_fallback(
        &mut self,
        cleaned: &mut Map<String, Value>,
        at: PathId,
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
        copy_meta(cleaned, &mut merged);
        let count = objects.len();
        self.rec.record(
            at,
            union,
            ChangeKind::Flattened,
            format!(
                "a union of {count} schema{} Gemini cannot take → {how}",
                plural(count)
            ),
        );
        for key in cleaned.keys() {
            if key != union && !META_KEYS.contains(&key.as_str()) {
                self.rec.record(
                    at,
                    key,
                    ChangeKind::Removed,
                    format!("dropped with the flattened {union}"),
                );
            }
        }
        Some(merged)
    }

    /// `sanitizeRequiredFields`.
    fn sanitize_required(&mut self, mut map: Map<String, Value>, at: PathId) -> Map<String, Value> {
        let Some(Value::Array(required)) = map.get("required") else {
            return map;
        };
        let Some(Value::Object(properties)) = map.get("properties") else {
            if map.get("type").is_some_and(|t| t == "object") {
                self.rec.record(
                    at,
                    "required",
                    ChangeKind::Removed,
                    "an object without properties requires nothing",
                );
                map.shift_remove("required");
            }
            return map;
        };
        let kept: Vec<Value> = required
            .iter()
            .filter(|name| name.as_str().is_some_and(|n| properties.contains_key(n)))
            .cloned()
            .collect();
        if kept.len() == required.len() && !kept.is_empty() {
            return map;
        }
        let dropped: Vec<String> = required
            .iter()
            .filter(|name| !name.as_str().is_some_and(|n| properties.contains_key(n)))
            .map(brief)
            .collect();
        let dropped = dropped.join(", ");
        if kept.is_empty() {
            let message = if dropped.is_empty() {
                "Gemini rejects an empty required list".to_owned()
            } else {
                format!("none of {dropped} is a property")
            };
            self.rec
                .record(at, "required", ChangeKind::Removed, message);
            map.shift_remove("required");
        } else {
            self.rec.record(
                at,
                "required",
                ChangeKind::Rewritten,
                format!("dropped {dropped}: not in properties"),
            );
            map.insert("required".to_owned(), Value::Array(kept));
        }
        map
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
}
