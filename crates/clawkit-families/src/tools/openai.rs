//! OpenAI: strict-mode compatibility of tool schemas
//! (`normalizeOpenAIStrictCompatSchema`, `findOpenAIStrictSchemaViolations`
//! and the native-route test of `normalizeOpenAIToolSchemas`).
//!
//! OpenAI's strict function calling wants every object closed
//! (`additionalProperties: false`) with all of its properties required, and
//! no unions. The normalizer repairs only what can be repaired without
//! changing what a schema accepts (a missing `type` next to `properties`,
//! an object without `properties`, null annotations); the violation finder
//! reports the rest, and OpenClaw's transport then sends the tools with
//! `strict: false`.

use clawkit_core::ModelContext;
use serde_json::{Map, Value};

use super::deep;
use super::report::{ChangeKind, Normalized};
use super::walk::{PathId, Paths, ROOT, Recorder, Seg, is_js_object};

/// Keys whose value maps names to schemas.
const SCHEMA_MAP_KEYS: [&str; 6] = [
    "$defs",
    "definitions",
    "dependentSchemas",
    "dependencies",
    "patternProperties",
    "properties",
];

/// Annotations whose `null` can go without changing what a schema accepts.
const NULLABLE_ANNOTATION_KEYS: [&str; 5] =
    ["default", "description", "examples", "format", "title"];

/// Keys whose value is a schema or an array of schemas.
const SCHEMA_NESTED_KEYS: [&str; 16] = [
    "additionalItems",
    "additionalProperties",
    "allOf",
    "anyOf",
    "contains",
    "contentSchema",
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

/// Repairs the recoverable strict-mode problems of `schema`, as OpenClaw's
/// `normalizeOpenAIStrictCompatSchema` does, and reports each repair.
///
/// Through `properties`, `$defs`, `definitions`, `dependentSchemas`,
/// `dependencies` and `patternProperties` values, the applicators (`items`,
/// `anyOf`, `not`, …) and array items:
///
/// - a `null` `description`, `title`, `default`, `examples` or `format`
///   goes, and so does a `null` `type`;
/// - a node without `type` gets `"object"` when it has an object
///   `properties` or an array `required` and no `items`, `"array"` when it
///   has `items` and neither of those (a node that had `type: null` and
///   fits neither keeps it);
/// - an `object` without `properties` gets `properties: {}`, and an
///   `object` with no properties gets `required: []` and
///   `additionalProperties: false` where they are missing;
/// - the root `{}` (or a root with only null annotations) becomes
///   `{type: "object", properties: {}, required: [], additionalProperties:
///   false}`; a nested one is left as it is.
///
/// It does not close objects or require their properties: that would
/// change what the tool accepts. [`inspect`] lists what is still not
/// strict. The walk uses its own stack: any depth is fine.
///
/// ```
/// use clawkit_families::tools::openai;
/// use serde_json::json;
///
/// let fixed = openai::normalize(&json!({"properties": {"opts": {"type": "object"}}}));
/// assert_eq!(fixed.schema, json!({
///     "properties": {"opts": {
///         "type": "object", "properties": {}, "required": [], "additionalProperties": false,
///     }},
///     "type": "object",
/// }));
/// assert_eq!(fixed.changes.len(), 4);
/// ```
#[doc(alias = "normalizeOpenAIStrictCompatSchema")]
pub fn normalize(schema: &Value) -> Normalized {
    let mut normalizer = Normalizer {
        rec: Recorder::new(),
        slots: vec![Value::Null],
        tasks: Vec::new(),
    };
    normalizer.tasks.push(Task::Visit {
        node: schema,
        out: 0,
        at: ROOT,
        root: true,
    });
    while let Some(task) = normalizer.tasks.pop() {
        normalizer.step(task);
    }
    let schema = normalizer
        .slots
        .first_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    Normalized::new(schema, normalizer.rec.changes)
}

/// Where `schema` is not valid in OpenAI's strict mode, as OpenClaw's
/// `findOpenAIStrictSchemaViolations` reports it, each place a path under
/// the prefix `path`: `anyOf`, `oneOf`, `allOf`, a `type` array, an
/// `object` without `additionalProperties: false`, without `required`
/// (`.required`) or with a property not in it (`.required.<name>`).
/// Nested schemas are searched through the same keys as [`normalize`].
///
/// ```
/// use clawkit_families::tools::openai;
/// use serde_json::json;
///
/// let schema = json!({
///     "type": "object",
///     "properties": {"q": {"type": ["string", "null"]}, "n": {"type": "integer"}},
///     "required": ["q"],
/// });
/// assert_eq!(openai::inspect(&schema, "search.parameters"), [
///     "search.parameters.additionalProperties",
///     "search.parameters.required.n",
///     "search.parameters.properties.q.type",
/// ]);
/// ```
#[doc(alias = "findOpenAIStrictSchemaViolations")]
pub fn inspect(schema: &Value, path: &str) -> Vec<String> {
    violations(schema, path, false)
}

/// [`inspect`] for a tool's `parameters`, which must be an object: an
/// array or a scalar at the root is reported as `<path>.type`
/// (OpenClaw's `requireObjectRoot`).
pub fn inspect_parameters(schema: &Value, path: &str) -> Vec<String> {
    violations(schema, path, true)
}

/// Whether OpenClaw applies the OpenAI normalization for this model
/// (`shouldApplyOpenAIToolCompat`): provider `openai` on
/// `openai-responses` at OpenAI's own endpoint (no base URL,
/// `https://api.openai.com` or `…/v1`), or on `openai-chatgpt-responses`
/// there or at `https://chatgpt.com/backend-api`. Proxies speaking the
/// same API may accept broader schemas, so they are left alone.
///
/// ```
/// use clawkit_core::{ModelApi, ModelContext, RuntimeModel};
/// use clawkit_families::tools::openai;
///
/// let native = RuntimeModel::new("openai", "gpt-5", ModelApi::OpenAiResponses,
///     "https://api.openai.com/v1".parse().unwrap());
/// assert!(openai::applies_to(&ModelContext::of(&native)));
/// let proxy = RuntimeModel::new("openai", "gpt-5", ModelApi::OpenAiResponses,
///     "https://proxy.example/v1".parse().unwrap());
/// assert!(!openai::applies_to(&ModelContext::of(&proxy)));
/// ```
pub fn applies_to(ctx: &ModelContext) -> bool {
    let provider = ctx
        .model
        .as_ref()
        .map_or(ctx.provider.as_str(), |m| m.provider.as_str())
        .trim()
        .to_lowercase();
    let api = ctx
        .model
        .as_ref()
        .map(|m| m.api.as_str())
        .or(ctx.model_api.as_ref().map(|a| a.as_str()))
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let base_url = ctx
        .model
        .as_ref()
        .map(|m| m.base_url.as_str())
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    if provider != "openai" {
        return false;
    }
    let responses = || base_url.is_empty() || under(&base_url, "https://api.openai.com");
    match api.as_str() {
        "openai-responses" => responses(),
        "openai-chatgpt-responses" => {
            responses() || under(&base_url, "https://chatgpt.com/backend-api")
        }
        _ => false,
    }
}

/// `^<prefix>(?:/|$)`.
fn under(url: &str, prefix: &str) -> bool {
    url.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

enum Entry<'a> {
    Raw(&'a str, &'a Value),
    Child(&'a str, usize),
    Map(&'a str, &'a Map<String, Value>, usize),
}

enum Task<'a> {
    Visit {
        node: &'a Value,
        out: usize,
        at: PathId,
        root: bool,
    },
    Array {
        out: usize,
        base: usize,
        len: usize,
    },
    Record(Box<RecordTask<'a>>),
}

struct RecordTask<'a> {
    obj: &'a Map<String, Value>,
    out: usize,
    at: PathId,
    root: bool,
    plan: Vec<Entry<'a>>,
    dropped: Vec<&'a str>,
    base: usize,
}

struct Normalizer<'a> {
    rec: Recorder<'a>,
    slots: Vec<Value>,
    tasks: Vec<Task<'a>>,
}

impl<'a> Normalizer<'a> {
    fn alloc(&mut self, len: usize) -> usize {
        let base = self.slots.len();
        self.slots.resize(base + len, Value::Null);
        base
    }

    fn step(&mut self, task: Task<'a>) {
        match task {
            Task::Visit {
                node,
                out,
                at,
                root,
            } => self.visit(node, out, at, root),
            Task::Array { out, base, len } => {
                let items = self.slots[base..base + len]
                    .iter_mut()
                    .map(std::mem::take)
                    .collect();
                self.slots.truncate(base);
                self.slots[out] = Value::Array(items);
            }
            Task::Record(record) => self.assemble(*record),
        }
    }

    fn visit(&mut self, node: &'a Value, out: usize, at: PathId, root: bool) {
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
                        out: base + index,
                        at: child,
                        root: false,
                    });
                }
            }
            Value::Object(obj) => self.plan(obj, out, at, root),
            scalar => self.slots[out] = scalar.clone(),
        }
    }

    fn plan(&mut self, obj: &'a Map<String, Value>, out: usize, at: PathId, root: bool) {
        let base = self.slots.len();
        let mut plan = Vec::with_capacity(obj.len());
        let mut dropped = Vec::new();
        let mut children: Vec<(&'a Value, usize, PathId)> = Vec::new();
        for (key, value) in obj {
            let key = key.as_str();
            if value.is_null() && (key == "type" || NULLABLE_ANNOTATION_KEYS.contains(&key)) {
                dropped.push(key);
                continue;
            }
            if SCHEMA_MAP_KEYS.contains(&key)
                && let Value::Object(map) = value
            {
                let first = self.alloc(map.len());
                let map_at = self.rec.child(at, Seg::Key(key));
                for (index, (name, child)) in map.iter().enumerate() {
                    let child_at = self.rec.child(map_at, Seg::Key(name));
                    children.push((child, first + index, child_at));
                }
                plan.push(Entry::Map(key, map, first));
            } else if SCHEMA_NESTED_KEYS.contains(&key) && is_js_object(value) {
                let slot = self.alloc(1);
                let child_at = self.rec.child(at, Seg::Key(key));
                children.push((value, slot, child_at));
                plan.push(Entry::Child(key, slot));
            } else {
                plan.push(Entry::Raw(key, value));
            }
        }
        let record = RecordTask {
            obj,
            out,
            at,
            root,
            plan,
            dropped,
            base,
        };
        if children.is_empty() {
            self.assemble(record);
            return;
        }
        self.tasks.push(Task::Record(Box::new(record)));
        for (node, slot, child_at) in children.into_iter().rev() {
            self.tasks.push(Task::Visit {
                node,
                out: slot,
                at: child_at,
                root: false,
            });
        }
    }

    fn assemble(&mut self, record: RecordTask<'a>) {
        let RecordTask {
            obj,
            out,
            at,
            root,
            plan,
            dropped,
            base,
        } = record;
        let mut map = Map::with_capacity(plan.len() + 4);
        for entry in plan {
            let (key, value) = match entry {
                Entry::Raw(key, value) => (key, deep::clone(value)),
                Entry::Child(key, slot) => (key, std::mem::take(&mut self.slots[slot])),
                Entry::Map(key, src, first) => {
                    let cleaned: Map<String, Value> = src
                        .keys()
                        .enumerate()
                        .map(|(i, name)| (name.clone(), std::mem::take(&mut self.slots[first + i])))
                        .collect();
                    (key, Value::Object(cleaned))
                }
            };
            map.insert(key.to_owned(), value);
        }
        self.slots.truncate(base);

        if map.is_empty() {
            if !root {
                // OpenClaw keeps a nested node whose keys were all null
                // annotations exactly as it was.
                self.slots[out] = Value::Object(obj.clone());
                return;
            }
            for key in dropped {
                self.rec
                    .record(at, key, ChangeKind::Removed, "null removed");
            }
            let empty = [
                ("type", Value::from("object")),
                ("properties", Value::Object(Map::new())),
                ("required", Value::Array(Vec::new())),
                ("additionalProperties", Value::Bool(false)),
            ];
            for (key, value) in empty {
                self.rec.record(
                    at,
                    key,
                    ChangeKind::Added,
                    format!(
                        "an empty parameters schema becomes an empty strict object: {key} {value}"
                    ),
                );
                map.insert(key.to_owned(), value);
            }
            self.slots[out] = Value::Object(map);
            return;
        }

        let had_null_type = dropped.contains(&"type");
        let object_hints = map.get("properties").is_some_and(Value::is_object)
            || map.get("required").is_some_and(Value::is_array);
        let array_hints = map.contains_key("items");
        let mut type_kept = false;
        if !map.contains_key("type") && object_hints != array_hints {
            let ty = if object_hints { "object" } else { "array" };
            let why = if object_hints {
                "it has properties or required"
            } else {
                "it has items"
            };
            self.rec
                .record(at, "type", ChangeKind::Added, format!("type {ty:?}: {why}"));
            map.insert("type".to_owned(), Value::from(ty));
        } else if had_null_type && !map.contains_key("type") {
            // Kept, so that the invalid schema is rejected rather than
            // widened.
            map.insert("type".to_owned(), Value::Null);
            type_kept = true;
        }
        for key in dropped {
            if !(key == "type" && type_kept) {
                self.rec
                    .record(at, key, ChangeKind::Removed, "null removed");
            }
        }
        let is_object = map.get("type").is_some_and(|t| t == "object");
        if is_object && !map.contains_key("properties") {
            self.rec.record(
                at,
                "properties",
                ChangeKind::Added,
                "properties {}: an object needs them in strict mode",
            );
            map.insert("properties".to_owned(), Value::Object(Map::new()));
        }
        let empty_properties = map
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty);
        if is_object && empty_properties && !map.get("required").is_some_and(Value::is_array) {
            self.rec.record(
                at,
                "required",
                ChangeKind::Added,
                "required []: an object without properties requires nothing",
            );
            map.insert("required".to_owned(), Value::Array(Vec::new()));
        }
        if is_object && empty_properties && !map.contains_key("additionalProperties") {
            self.rec.record(
                at,
                "additionalProperties",
                ChangeKind::Added,
                "additionalProperties false: an object without properties is closed",
            );
            map.insert("additionalProperties".to_owned(), Value::Bool(false));
        }
        self.slots[out] = Value::Object(map);
    }
}

fn violations(schema: &Value, path: &str, require_object_root: bool) -> Vec<String> {
    let mut paths = Paths::new();
    let mut found = Vec::new();
    let mut pending: Vec<(&Value, PathId, bool)> = vec![(schema, ROOT, require_object_root)];
    let mut next: Vec<(&Value, PathId, bool)> = Vec::new();
    while let Some((node, at, require_object)) = pending.pop() {
        let record = match node {
            Value::Object(record) => record,
            Value::Array(_)
            | Value::Null
            | Value::Bool(_)
            | Value::Number(_)
            | Value::String(_)
                if require_object =>
            {
                found.push(paths.dotted(path, at, Some("type")));
                continue;
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate().rev() {
                    let child = paths.child(at, Seg::Index(index));
                    pending.push((item, child, false));
                }
                continue;
            }
            _ => continue,
        };
        for key in ["anyOf", "oneOf", "allOf"] {
            if record.contains_key(key) {
                found.push(paths.dotted(path, at, Some(key)));
            }
        }
        if record.get("type").is_some_and(Value::is_array) {
            found.push(paths.dotted(path, at, Some("type")));
        }
        if record.get("type").is_some_and(|t| t == "object") {
            if record.get("additionalProperties") != Some(&Value::Bool(false)) {
                found.push(paths.dotted(path, at, Some("additionalProperties")));
            }
            match record.get("required").and_then(Value::as_array) {
                None => found.push(paths.dotted(path, at, Some("required"))),
                Some(required) => {
                    if let Some(Value::Object(properties)) = record.get("properties") {
                        for name in properties.keys() {
                            if !required.iter().any(|r| r.as_str() == Some(name)) {
                                let mut place = paths.dotted(path, at, Some("required"));
                                place.push('.');
                                place.push_str(name);
                                found.push(place);
                            }
                        }
                    }
                }
            }
        }
        next.clear();
        for key in SCHEMA_MAP_KEYS {
            if let Some(Value::Object(map)) = record.get(key) {
                let map_at = paths.child(at, Seg::Key(key));
                for (name, value) in map {
                    let child = paths.child(map_at, Seg::Key(name));
                    next.push((value, child, false));
                }
            }
        }
        for key in SCHEMA_NESTED_KEYS {
            if let Some(value) = record.get(key).filter(|v| is_js_object(v)) {
                let child = paths.child(at, Seg::Key(key));
                next.push((value, child, false));
            }
        }
        pending.extend(next.drain(..).rev());
    }
    found
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use clawkit_core::{ModelApi, RuntimeModel};
    use serde_json::json;

    use super::*;

    #[test]
    fn the_root_empty_schema_becomes_an_empty_strict_object_and_a_nested_one_stays() {
        let strict = json!({"type": "object", "properties": {}, "required": [], "additionalProperties": false});
        assert_eq!(normalize(&json!({})).schema, strict);
        assert_eq!(normalize(&json!({"description": null})).schema, strict);
        let nested = normalize(
            &json!({"type": "object", "properties": {"a": {"title": null}}, "required": ["a"]}),
        );
        assert_eq!(
            nested.schema,
            json!({"type": "object", "properties": {"a": {"title": null}}, "required": ["a"]})
        );
        assert!(nested.changes.is_empty());
    }

    #[test]
    fn null_annotations_and_null_type_go_unless_the_type_has_no_replacement() {
        let out = normalize(&json!({"type": null, "description": null, "enum": ["a"]}));
        assert_eq!(out.schema, json!({"enum": ["a"], "type": null}));
        assert_eq!(out.changes.len(), 1);
        assert_eq!(out.changes[0].path, "/description");
        let out = normalize(&json!({"type": null, "items": {"type": "string"}}));
        assert_eq!(
            out.schema,
            json!({"items": {"type": "string"}, "type": "array"})
        );
        // A null constraint stays, so that the tool is rejected rather than widened.
        assert_eq!(
            normalize(&json!({"type": "string", "maxLength": null})).schema["maxLength"],
            Value::Null
        );
    }

    #[test]
    fn types_are_inferred_only_from_unambiguous_shapes() {
        assert_eq!(
            normalize(&json!({"required": ["a"]})).schema["type"],
            "object"
        );
        assert_eq!(normalize(&json!({"items": {}})).schema["type"], "array");
        let both = normalize(&json!({"properties": {"a": {"type": "string"}}, "items": {}}));
        assert!(both.schema.get("type").is_none());
        assert!(both.changes.is_empty());
    }

    #[test]
    fn maps_and_applicators_are_walked_and_other_keys_are_not() {
        let out = normalize(&json!({
            "type": "object",
            "properties": {"a": {"type": "object"}},
            "$defs": {"D": {"properties": {}}},
            "anyOf": [{"type": "object"}],
            "default": {"type": "object"},
        }));
        assert_eq!(out.schema["properties"]["a"]["additionalProperties"], false);
        assert_eq!(out.schema["$defs"]["D"]["type"], "object");
        assert_eq!(out.schema["anyOf"][0]["required"], json!([]));
        assert_eq!(out.schema["default"], json!({"type": "object"}));
        let paths: Vec<_> = out.changes.iter().map(|c| c.path.as_str()).collect();
        assert!(paths.contains(&"/properties/a/properties"));
        assert!(paths.contains(&"/$defs/D/type"));
        assert!(paths.contains(&"/anyOf/0/additionalProperties"));
    }

    #[test]
    fn violations_cover_unions_type_arrays_open_objects_and_optional_properties() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "a": {"anyOf": [{"type": "string"}, {"type": "object"}]},
                "b": {"type": "object", "properties": {"c": {"type": "string"}}},
            },
            "required": ["a"],
        });
        assert_eq!(
            inspect(&schema, "t.parameters"),
            [
                "t.parameters.required.b",
                "t.parameters.properties.a.anyOf",
                "t.parameters.properties.a.anyOf[1].additionalProperties",
                "t.parameters.properties.a.anyOf[1].required",
                "t.parameters.properties.b.additionalProperties",
                "t.parameters.properties.b.required",
            ]
        );
        assert_eq!(
            inspect_parameters(&json!([]), "t.parameters"),
            ["t.parameters.type"]
        );
        assert_eq!(
            inspect_parameters(&json!(null), "t.parameters"),
            ["t.parameters.type"]
        );
        assert!(inspect(&json!(null), "t.parameters").is_empty());
    }

    #[test]
    fn only_the_native_responses_routes_apply() {
        let model = |provider: &str, api: ModelApi, url: &str| {
            ModelContext::of(&RuntimeModel::new(provider, "m", api, url.parse().unwrap()))
        };
        assert!(applies_to(&model(
            "openai",
            ModelApi::OpenAiResponses,
            "https://api.openai.com"
        )));
        assert!(applies_to(&model(
            "OpenAI",
            ModelApi::OpenAiResponses,
            "https://API.openai.com/v1/"
        )));
        assert!(!applies_to(&model(
            "openai",
            ModelApi::OpenAiCompletions,
            "https://api.openai.com/v1"
        )));
        assert!(!applies_to(&model(
            "azure",
            ModelApi::OpenAiResponses,
            "https://api.openai.com/v1"
        )));
        assert!(!applies_to(&model(
            "openai",
            ModelApi::OpenAiResponses,
            "https://api.openai.com.evil.example/"
        )));
        assert!(applies_to(&model(
            "openai",
            ModelApi::OpenAiChatGptResponses,
            "https://chatgpt.com/backend-api/codex"
        )));
        assert!(!applies_to(&model(
            "openai",
            ModelApi::OpenAiResponses,
            "https://chatgpt.com/backend-api"
        )));
        let mut bare = model("openai", ModelApi::OpenAiResponses, "https://proxy.example");
        bare.model = None;
        assert!(applies_to(&bare));
    }
}
