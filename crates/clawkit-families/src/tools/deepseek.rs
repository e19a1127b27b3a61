//! DeepSeek: OpenClaw's `normalizeDeepSeekToolSchemas` and
//! `inspectDeepSeekToolSchemas`.
//!
//! DeepSeek rejects `anyOf` and `oneOf` in tool schemas; everything else
//! passes. The normalizer replaces each union by the closest schema without
//! one.

use serde_json::{Map, Value};

use super::deep;
use super::inspect::find_unsupported_schema_keywords;
use super::report::{ChangeKind, Normalized};
use super::walk::{PathId, ROOT, Recorder, Seg, assemble_array, brief};

/// The keywords DeepSeek rejects (`DEEPSEEK_UNSUPPORTED_SCHEMA_KEYWORDS`).
#[doc(alias = "DEEPSEEK_UNSUPPORTED_SCHEMA_KEYWORDS")]
pub const UNSUPPORTED_KEYWORDS: &[&str] = &["anyOf", "oneOf"];

/// Keys that only document a schema; what is left of a property when it
/// must stay unconstrained.
const ANNOTATION_KEYS: [&str; 9] = [
    "$comment",
    "default",
    "deprecated",
    "description",
    "example",
    "examples",
    "readOnly",
    "title",
    "writeOnly",
];

/// Replaces every `anyOf` / `oneOf` (an array; `anyOf` first) in `schema`,
/// as OpenClaw's DeepSeek normalizer does, and reports each replacement.
///
/// Every value is searched, children before their parent. For a union, the
/// null variants (`type: "null"`, `type: ["null"]`, `const: null`, `enum:
/// [null]`) are set aside, and then:
///
/// - two or more variants, all string `const`s: the node gets `type:
///   "string"` and an `enum` of the constants;
/// - two or more object variants (`type: "object"`, or a type array of
///   `"object"` and `"null"`) with `properties`: they are merged into one
///   object whose properties are all of theirs (a property that differs
///   between variants only by its literals gets the literals pooled; other
///   conflicts keep the first) and whose `required` is what they all
///   require; a property some variant accepts without declaring it keeps
///   only its annotations;
/// - otherwise the first variant that is not null stands for the union.
///
/// The chosen schema is merged under the node's other keys. A null variant
/// adds `nullable: true`, or, when every variant is an object, makes the
/// type `["object", "null"]` (with `null` added to any literals).
///
/// One difference from OpenClaw: a node with both `anyOf` and `oneOf` loses
/// both (OpenClaw replaces `anyOf` and leaves `oneOf` until it is run
/// again), so that normalizing twice changes nothing more.
///
/// The walk uses its own stack: any depth is fine.
///
/// ```
/// use clawkit_families::tools::deepseek;
/// use serde_json::json;
///
/// let schema = json!({"type": "object", "properties": {"unit": {
///     "description": "temperature unit",
///     "anyOf": [{"const": "c"}, {"const": "f"}, {"type": "null"}],
/// }}});
/// let out = deepseek::normalize(&schema);
/// assert_eq!(out.schema["properties"]["unit"], json!({
///     "description": "temperature unit", "type": "string", "enum": ["c", "f"], "nullable": true,
/// }));
/// assert_eq!(out.changes[0].path, "/properties/unit/anyOf");
/// ```
#[doc(alias = "normalizeDeepSeekToolSchemas")]
pub fn normalize(schema: &Value) -> Normalized {
    enum Task<'a> {
        Visit(&'a Value, usize, PathId),
        Array(usize, usize, usize),
        Record(&'a Map<String, Value>, usize, usize, PathId),
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
                    slots.resize(base + obj.len(), Value::Null);
                    tasks.push(Task::Record(obj, out, base, at));
                    for (index, (key, value)) in obj.iter().enumerate().rev() {
                        let child = rec.child(at, Seg::Key(key));
                        tasks.push(Task::Visit(value, base + index, child));
                    }
                }
                scalar => slots[out] = scalar.clone(),
            },
            Task::Array(out, base, len) => assemble_array(&mut slots, out, base, len),
            Task::Record(obj, out, base, at) => {
                let mut normalized: Map<String, Value> = obj
                    .keys()
                    .enumerate()
                    .map(|(index, key)| (key.clone(), std::mem::take(&mut slots[base + index])))
                    .collect();
                slots.truncate(base);
                // Replace unions until none is left (OpenClaw replaces one per
                // run; see the note on `normalize`).
                let mut value = loop {
                    let Some(key) = union_key(&normalized) else {
                        break Value::Object(normalized);
                    };
                    let variants = match normalized.shift_remove(key) {
                        Some(Value::Array(variants)) => variants,
                        _ => Vec::new(),
                    };
                    match reduce(normalized, key, variants, at, &mut rec) {
                        Value::Object(next) => normalized = next,
                        other => break other,
                    }
                };
                std::mem::swap(&mut slots[out], &mut value);
            }
        }
    }
    let schema = slots.first_mut().map(std::mem::take).unwrap_or_default();
    Normalized::new(schema, rec.changes)
}

/// Where `schema` uses `anyOf` or `oneOf`, as OpenClaw's
/// `inspectDeepSeekToolSchemas` reports it under the prefix `path`. See
/// [`find_unsupported_schema_keywords`].
#[doc(alias = "inspectDeepSeekToolSchemas")]
pub fn inspect(schema: &Value, path: &str) -> Vec<String> {
    find_unsupported_schema_keywords(schema, path, UNSUPPORTED_KEYWORDS)
}

fn union_key(map: &Map<String, Value>) -> Option<&'static str> {
    ["anyOf", "oneOf"]
        .into_iter()
        .find(|key| map.get(*key).is_some_and(Value::is_array))
}

/// `isNullSchemaVariant`.
fn is_null_variant(value: &Value) -> bool {
    let Value::Object(record) = value else {
        return false;
    };
    match record.get("type") {
        Some(Value::String(t)) if t == "null" => return true,
        Some(Value::Array(types)) if types.len() == 1 && types[0] == "null" => return true,
        _ => {}
    }
    if record.get("const").is_some_and(Value::is_null) {
        return true;
    }
    matches!(record.get("enum"), Some(Value::Array(values)) if values.len() == 1 && values[0].is_null())
}

fn is_string_const(value: &Value) -> bool {
    value.get("const").is_some_and(Value::is_string) && value.is_object()
}

/// `isObjectSchemaVariant`.
fn is_object_variant(value: &Value) -> bool {
    let Value::Object(record) = value else {
        return false;
    };
    match record.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(types)) => {
            types.iter().any(|t| t == "object")
                && types.iter().all(|t| t == "object" || t == "null")
        }
        _ => false,
    }
}

/// `readLiteralSchemaValues`.
fn literals(schema: &Map<String, Value>) -> Option<Vec<Value>> {
    let values = schema.get("enum").and_then(Value::as_array);
    match (schema.get("const"), values) {
        (Some(c), None) => Some(vec![deep::clone(c)]),
        (Some(c), Some(values)) => Some(if values.iter().any(|v| deep::js_equal(v, c)) {
            vec![deep::clone(c)]
        } else {
            Vec::new()
        }),
        (None, values) => values.map(|v| v.iter().map(deep::clone).collect()),
    }
}

/// One union replaced; `normalized` is the node without its union key.
fn reduce(
    normalized: Map<String, Value>,
    key: &str,
    mut variants: Vec<Value>,
    at: PathId,
    rec: &mut Recorder<'_>,
) -> Value {
    let total = variants.len();
    let non_null: Vec<usize> = (0..total)
        .filter(|&i| !is_null_variant(&variants[i]))
        .collect();
    let has_null = non_null.len() < total
        || non_null.iter().any(|&i| {
            let entry = &variants[i];
            is_object_variant(entry)
                && entry
                    .get("type")
                    .and_then(Value::as_array)
                    .is_some_and(|types| types.iter().any(|t| t == "null"))
                && entry
                    .as_object()
                    .and_then(literals)
                    .is_none_or(|l| l.iter().any(Value::is_null))
        });

    if non_null.len() > 1 && non_null.iter().all(|&i| is_string_const(&variants[i])) {
        let values: Vec<Value> = non_null
            .iter()
            .filter_map(|&i| variants[i].get_mut("const").map(std::mem::take))
            .collect();
        rec.record(
            at,
            key,
            ChangeKind::Flattened,
            format!(
                "{} string constants → type \"string\" with enum {}",
                values.len(),
                brief(&Value::Array(values.clone()))
            ),
        );
        let mut merged = normalized;
        merged.insert("type".to_owned(), Value::from("string"));
        merged.insert("enum".to_owned(), Value::Array(values));
        if has_null {
            rec.record(
                at,
                "nullable",
                ChangeKind::Added,
                "the union had a null variant",
            );
            merged.insert("nullable".to_owned(), Value::Bool(true));
        }
        return Value::Object(merged);
    }

    let all_objects =
        !non_null.is_empty() && non_null.iter().all(|&i| is_object_variant(&variants[i]));
    let flattened = if non_null.len() > 1 && all_objects {
        let objects: Vec<&Value> = non_null.iter().map(|&i| &variants[i]).collect();
        flatten_object_variants(&objects)
    } else {
        None
    };
    let (selected, how) = match flattened {
        Some(map) => (
            Value::Object(map),
            format!("{} object variants merged into one object", non_null.len()),
        ),
        None => {
            // `nonNullVariants[0] ?? normalizedVariants[0]`.
            let first = match non_null.first() {
                Some(&i) if !variants[i].is_null() => Some(i),
                _ => (total > 0).then_some(0),
            };
            let chosen = first.map(|i| std::mem::take(&mut variants[i]));
            (
                chosen.unwrap_or_default(),
                "the first variant that is not null stands for the union".to_owned(),
            )
        }
    };
    let Value::Object(mut selected) = selected else {
        rec.record(
            at,
            key,
            ChangeKind::Removed,
            format!("none of its {total} variants is a schema object: the union is dropped"),
        );
        return Value::Object(normalized);
    };
    rec.record(at, key, ChangeKind::Flattened, how);

    let nullable_object = has_null && all_objects;
    if nullable_object {
        selected.insert("type".to_owned(), serde_json::json!(["object", "null"]));
        if let Some(mut values) = literals(&selected) {
            if !values.iter().any(Value::is_null) {
                values.push(Value::Null);
            }
            selected.insert("enum".to_owned(), Value::Array(values));
            selected.shift_remove("const");
        }
    }
    for (k, v) in normalized {
        selected.insert(k, v);
    }
    if nullable_object && selected.get("type").is_some_and(Value::is_array) {
        rec.record(
            at,
            "type",
            ChangeKind::Rewritten,
            "[\"object\", \"null\"]: the union had a null variant",
        );
    }
    if has_null && !nullable_object {
        rec.record(
            at,
            "nullable",
            ChangeKind::Added,
            "the union had a null variant",
        );
        selected.insert("nullable".to_owned(), Value::Bool(true));
    }
    Value::Object(selected)
}

/// `flattenObjectVariants`: the union of the variants' properties and the
/// intersection of their `required`; `None` when one has no properties
/// object.
fn flatten_object_variants(variants: &[&Value]) -> Option<Map<String, Value>> {
    let mut properties: Map<String, Value> = Map::new();
    let mut required: Option<Vec<String>> = None;
    let records: Vec<&Map<String, Value>> = variants.iter().filter_map(|v| v.as_object()).collect();
    for variant in &records {
        let Some(Value::Object(declared)) = variant.get("properties") else {
            return None;
        };
        for (key, value) in declared {
            match properties.get(key) {
                None => {
                    properties.insert(key.clone(), deep::clone(value));
                }
                Some(existing) if deep::js_equal(existing, value) => {}
                Some(existing) => {
                    if let Some(pooled) = pool_literal_enum(existing, value) {
                        properties.insert(key.clone(), pooled);
                    }
                }
            }
        }
        let names: Vec<String> = variant
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        required = Some(match required {
            None => names,
            Some(kept) => kept.into_iter().filter(|k| names.contains(k)).collect(),
        });
    }
    let open: Vec<String> = properties
        .keys()
        .filter(|key| records.iter().any(|v| accepts_undeclared(v, key)))
        .cloned()
        .collect();
    for key in open {
        if let Some(schema) = properties.get_mut(&key) {
            let annotations = annotations_only(schema);
            *schema = annotations;
        }
    }
    let mut flattened = Map::new();
    flattened.insert("type".to_owned(), Value::from("object"));
    flattened.insert("properties".to_owned(), Value::Object(properties));
    if let Some(required) = required.filter(|r| !r.is_empty()) {
        flattened.insert(
            "required".to_owned(),
            Value::Array(required.into_iter().map(Value::String).collect()),
        );
    }
    Some(flattened)
}

/// Whether a variant accepts `key` without declaring it: through
/// `additionalProperties` other than `false`, or a `patternProperties`
/// pattern that matches.
fn accepts_undeclared(variant: &Map<String, Value>, key: &str) -> bool {
    if let Some(Value::Object(declared)) = variant.get("properties")
        && declared.contains_key(key)
    {
        return false;
    }
    if variant.get("additionalProperties") != Some(&Value::Bool(false)) {
        return true;
    }
    let Some(Value::Object(patterns)) = variant.get("patternProperties") else {
        return false;
    };
    patterns.keys().any(|pattern| pattern_matches(pattern, key))
}

/// `new RegExp(pattern).test(key)`, for the patterns Rust's `regex` shares
/// with JavaScript (ASCII classes as in JavaScript); a pattern it cannot
/// compile covers nothing, as an invalid one does in OpenClaw.
fn pattern_matches(pattern: &str, key: &str) -> bool {
    let ascii = regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .build();
    match ascii {
        Ok(re) => re.is_match(key.as_bytes()),
        Err(_) => regex::Regex::new(pattern).is_ok_and(|re| re.is_match(key)),
    }
}

/// `schemaAnnotationsOnly`.
fn annotations_only(schema: &Value) -> Value {
    let Value::Object(record) = schema else {
        return Value::Object(Map::new());
    };
    Value::Object(
        record
            .iter()
            .filter(|(k, _)| ANNOTATION_KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), deep::clone(v)))
            .collect(),
    )
}

fn is_constraint(key: &str) -> bool {
    key != "const" && key != "enum" && !ANNOTATION_KEYS.contains(&key)
}

/// Whether two schemas have the same constraints besides their literals.
fn same_constraints(left: &Map<String, Value>, right: &Map<String, Value>) -> bool {
    let count = |m: &Map<String, Value>| m.keys().filter(|k| is_constraint(k)).count();
    count(left) == count(right)
        && left
            .iter()
            .filter(|(k, _)| is_constraint(k))
            .all(|(k, v)| right.get(k).is_some_and(|w| deep::js_equal(v, w)))
}

/// `poolLiteralEnum`: two property schemas that differ only by their
/// literals, as one with both literal sets in its `enum`.
fn pool_literal_enum(left: &Value, right: &Value) -> Option<Value> {
    let (Value::Object(l), Value::Object(r)) = (left, right) else {
        return None;
    };
    let (lv, rv) = (literals(l)?, literals(r)?);
    if !same_constraints(l, r) {
        return None;
    }
    let mut values: Vec<Value> = Vec::new();
    for value in lv.into_iter().chain(rv) {
        if !values.iter().any(|v| deep::js_equal(v, &value)) {
            values.push(value);
        }
    }
    if values.is_empty() {
        return None;
    }
    let mut merged = deep::clone(left);
    if let Value::Object(map) = &mut merged {
        map.insert("enum".to_owned(), Value::Array(values));
        map.shift_remove("const");
    }
    Some(merged)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn norm(schema: Value) -> Value {
        normalize(&schema).schema
    }

    #[test]
    fn string_constant_unions_become_an_enum() {
        assert_eq!(
            norm(json!({"oneOf": [{"const": "a"}, {"const": "b"}]})),
            json!({"type": "string", "enum": ["a", "b"]})
        );
        // One constant is not a union of constants: the variant stands for it.
        assert_eq!(
            norm(json!({"anyOf": [{"const": "a"}]})),
            json!({"const": "a"})
        );
    }

    #[test]
    fn a_nullable_scalar_keeps_its_variant_and_gets_nullable() {
        assert_eq!(
            norm(
                json!({"description": "d", "anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}]})
            ),
            json!({"type": "string", "maxLength": 3, "description": "d", "nullable": true})
        );
    }

    #[test]
    fn object_unions_merge_properties_and_intersect_required() {
        let out = norm(json!({"anyOf": [
            {"type": "object", "properties": {"kind": {"const": "page"}, "id": {"type": "string"}},
             "required": ["kind", "id"], "additionalProperties": false},
            {"type": "object", "properties": {"kind": {"const": "db"}, "rows": {"type": "integer"}},
             "required": ["kind"], "additionalProperties": false},
        ]}));
        assert_eq!(
            out,
            json!({"type": "object", "properties": {
                "kind": {"enum": ["page", "db"]},
                "id": {"type": "string"},
                "rows": {"type": "integer"},
            }, "required": ["kind"]})
        );
    }

    #[test]
    fn a_property_an_open_variant_accepts_keeps_only_its_annotations() {
        let out = norm(json!({"anyOf": [
            {"type": "object", "properties": {"a": {"type": "string", "description": "x"}}},
            {"type": "object", "properties": {"b": {"type": "integer"}}, "additionalProperties": false,
             "patternProperties": {"^a$": {}}},
        ]}));
        assert_eq!(
            out["properties"],
            json!({"a": {"description": "x"}, "b": {}})
        );
    }

    #[test]
    fn nullable_object_unions_get_a_type_array() {
        let out = norm(json!({"anyOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"type": "null"},
        ]}));
        assert_eq!(
            out,
            json!({"type": ["object", "null"], "properties": {"a": {"type": "string"}}})
        );
    }

    #[test]
    fn both_union_keys_go_in_one_run() {
        let schema = json!({"anyOf": [{"type": "string"}], "oneOf": [{"type": "integer"}, {"type": "null"}]});
        let once = normalize(&schema);
        assert_eq!(once.schema, json!({"type": "string", "nullable": true}));
        assert!(normalize(&once.schema).changes.is_empty());
    }

    #[test]
    fn variants_that_are_not_objects_drop_the_union() {
        let out = normalize(&json!({"title": "t", "anyOf": ["x", 1]}));
        assert_eq!(out.schema, json!({"title": "t"}));
        assert_eq!(out.changes[0].change, ChangeKind::Removed);
    }

    #[test]
    fn unions_are_found_in_every_value() {
        let out = norm(json!({"default": {"anyOf": [{"const": "a"}, {"const": "b"}]}}));
        assert_eq!(
            out,
            json!({"default": {"type": "string", "enum": ["a", "b"]}})
        );
    }
}
