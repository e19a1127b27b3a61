//! llama.cpp: OpenClaw's `cleanSchemaForLlamacppGbnf` and
//! `findLlamacppGbnfSchemaViolations` (the `llamacpp-gbnf` family).
//!
//! llama.cpp compiles a tool schema into a GBNF grammar. It cannot compile
//! `pattern`, and a `maxLength` of [`MAX_REPETITION_THRESHOLD`] or more
//! expands past its rule limit.

use serde_json::Value;

use super::report::{ChangeKind, Normalized};
use super::walk::{Entry, PathId, Paths, ROOT, Recorder, Seg, assemble_array, assemble_record};

/// llama.cpp rejects grammar repetitions that expand to this many rules
/// (`LLAMACPP_GBNF_MAX_REPETITION_THRESHOLD`).
#[doc(alias = "LLAMACPP_GBNF_MAX_REPETITION_THRESHOLD")]
pub const MAX_REPETITION_THRESHOLD: f64 = 2000.0;

/// Keys whose value maps names to schemas.
const MAP_KEYS: [&str; 5] = [
    "$defs",
    "definitions",
    "dependentSchemas",
    "patternProperties",
    "properties",
];

/// Keys whose value is a schema or an array of schemas.
const CHILD_KEYS: [&str; 15] = [
    "additionalItems",
    "additionalProperties",
    "allOf",
    "anyOf",
    "contains",
    "else",
    "if",
    "items",
    "not",
    "oneOf",
    "prefixItems",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
];

fn too_long(key: &str, value: &Value) -> bool {
    key == "maxLength"
        && value
            .as_f64()
            .is_some_and(|n| n >= MAX_REPETITION_THRESHOLD)
}

/// Removes what llama.cpp cannot compile into a grammar, as OpenClaw's
/// `cleanSchemaForLlamacppGbnf` does: every `pattern`, and every numeric
/// `maxLength` of 2000 or more, through the values of `properties`,
/// `$defs`, `definitions`, `dependentSchemas` and `patternProperties`, the
/// applicators (`items`, `anyOf`, `not`, …) and array items.
///
/// ```
/// use clawkit_families::tools::llamacpp;
/// use serde_json::json;
///
/// let out = llamacpp::normalize(&json!({"type": "string", "pattern": "^[a-z]+$", "maxLength": 5000}));
/// assert_eq!(out.schema, json!({"type": "string"}));
/// assert_eq!(out.changes.len(), 2);
/// ```
#[doc(alias = "cleanSchemaForLlamacppGbnf")]
pub fn normalize(schema: &Value) -> Normalized {
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
                        if key == "pattern" {
                            rec.record(
                                at,
                                key,
                                ChangeKind::Removed,
                                "llama.cpp grammars cannot match patterns",
                            );
                            continue;
                        }
                        if too_long(key, value) {
                            rec.record(
                                at,
                                key,
                                ChangeKind::Removed,
                                format!("maxLength {value} expands past llama.cpp's {MAX_REPETITION_THRESHOLD} grammar rules"),
                            );
                            continue;
                        }
                        if MAP_KEYS.contains(&key)
                            && let Value::Object(map) = value
                        {
                            let first = slots.len();
                            slots.resize(first + map.len(), Value::Null);
                            let map_at = rec.child(at, Seg::Key(key));
                            for (index, (name, child)) in map.iter().enumerate() {
                                let child_at = rec.child(map_at, Seg::Key(name));
                                children.push(Task::Visit(child, first + index, child_at));
                            }
                            plan.push(Entry::Map(key, map, first));
                        } else if CHILD_KEYS.contains(&key) {
                            let slot = slots.len();
                            slots.push(Value::Null);
                            let child_at = rec.child(at, Seg::Key(key));
                            children.push(Task::Visit(value, slot, child_at));
                            plan.push(Entry::Child(key, slot));
                        } else {
                            plan.push(Entry::Raw(key, value));
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

/// Where `schema` has what llama.cpp cannot compile, as OpenClaw's
/// `findLlamacppGbnfSchemaViolations` reports it under the prefix `path`
/// (`.pattern`, `.maxLength`).
///
/// ```
/// use clawkit_families::tools::llamacpp;
/// use serde_json::json;
///
/// let schema = json!({"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}}});
/// assert_eq!(llamacpp::inspect(&schema, "t.parameters"), ["t.parameters.properties.code.pattern"]);
/// ```
#[doc(alias = "findLlamacppGbnfSchemaViolations")]
pub fn inspect(schema: &Value, path: &str) -> Vec<String> {
    let mut paths = Paths::new();
    let mut found = Vec::new();
    let mut pending = vec![(schema, ROOT)];
    let mut next = Vec::new();
    while let Some((node, at)) = pending.pop() {
        match node {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate().rev() {
                    pending.push((item, paths.child(at, Seg::Index(index))));
                }
            }
            Value::Object(record) => {
                if record.contains_key("pattern") {
                    found.push(paths.dotted(path, at, Some("pattern")));
                }
                if record
                    .get("maxLength")
                    .is_some_and(|v| too_long("maxLength", v))
                {
                    found.push(paths.dotted(path, at, Some("maxLength")));
                }
                next.clear();
                for (key, value) in record {
                    if MAP_KEYS.contains(&key.as_str())
                        && let Value::Object(map) = value
                    {
                        let map_at = paths.child(at, Seg::Key(key));
                        for (name, child) in map {
                            next.push((child, paths.child(map_at, Seg::Key(name))));
                        }
                    } else if CHILD_KEYS.contains(&key.as_str()) {
                        next.push((value, paths.child(at, Seg::Key(key))));
                    }
                }
                pending.extend(next.drain(..).rev());
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn patterns_and_long_max_lengths_go_where_schemas_nest() {
        let out = normalize(&json!({
            "properties": {"a": {"pattern": "x", "maxLength": 1999}},
            "anyOf": [{"maxLength": 2000}],
            "default": {"pattern": "kept"},
        }));
        assert_eq!(
            out.schema,
            json!({"properties": {"a": {"maxLength": 1999}}, "anyOf": [{}], "default": {"pattern": "kept"}})
        );
        let paths: Vec<_> = out.changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["/properties/a/pattern", "/anyOf/0/maxLength"]);
    }

    #[test]
    fn violations_come_node_first_then_children_in_key_order() {
        let schema = json!({
            "items": {"pattern": "x"},
            "pattern": "y",
            "properties": {"a": {"maxLength": 4000}},
        });
        assert_eq!(
            inspect(&schema, "t"),
            ["t.pattern", "t.items.pattern", "t.properties.a.maxLength"]
        );
    }
}
