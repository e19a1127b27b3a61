//! Depth: schemas nested 10 000 levels, and `$ref`s that recurse, go
//! through every normalizer and inspector without overflowing the stack.
//!
//! The values are built by hand (`json!` and `serde_json`'s parser recurse)
//! and dropped with `deep::drop` (`Value`'s own `Drop` recurses).

use clawkit_families::tools::{
    ChangeKind, Normalized, SchemaChange, ToolCompatFamily, deep, deepseek, gemini, llamacpp,
    openai, xai,
};
use serde_json::{Map, Value, json};

const DEPTH: usize = 10_000;

fn object(entries: Vec<(&str, Value)>) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<Map<_, _>>(),
    )
}

/// `{"type": "object", "properties": {"nested": …}, "required": ["nested"],
/// "additionalProperties": false}` `DEPTH` times around `leaf`: levels no
/// family changes or reports, so that only the leaf does.
fn nested_properties(leaf: Value) -> Value {
    nested_properties_with(&[], leaf)
}

/// [`nested_properties`] with `extra` keys at every level.
fn nested_properties_with(extra: &[(&str, Value)], leaf: Value) -> Value {
    let mut schema = leaf;
    for _ in 0..DEPTH {
        let properties = object(vec![("nested", schema)]);
        let mut level = vec![
            ("type", json!("object")),
            ("properties", properties),
            ("required", json!(["nested"])),
        ];
        level.extend(extra.iter().cloned());
        schema = object(level);
    }
    schema
}

/// The value at `/properties/nested` `DEPTH` times down, or `None`.
fn leaf_of(mut schema: &Value) -> Option<&Value> {
    for _ in 0..DEPTH {
        schema = schema.get("properties")?.get("nested")?;
    }
    Some(schema)
}

fn leaf_pointer(keyword: &str) -> String {
    format!("{}/{keyword}", "/properties/nested".repeat(DEPTH))
}

fn leaf_path(prefix: &str, keyword: &str) -> String {
    format!("{prefix}{}.{keyword}", ".properties.nested".repeat(DEPTH))
}

/// Drops its value without recursing, also when a failed assertion unwinds.
struct Deep(Value);

impl Drop for Deep {
    fn drop(&mut self) {
        deep::drop(std::mem::take(&mut self.0));
    }
}

/// A normalizer's output, split so that its schema drops without recursing.
fn split(normalized: Normalized) -> (Deep, Vec<SchemaChange>) {
    (Deep(normalized.schema), normalized.changes)
}

#[test]
fn a_schema_nested_10_000_levels_goes_through_every_family() {
    let leaf = json!({
        "type": ["string", "null"],
        "format": "email",
        "pattern": "^.+@.+$",
        "minContains": 1,
        "anyOf": [{"const": "a"}, {"const": "b"}],
    });
    let schema = Deep(nested_properties(leaf));
    let schema = &schema.0;
    assert_eq!(deep::depth(schema), 2 * DEPTH + 4);

    let (cleaned, changes) = split(gemini::normalize(schema));
    assert_eq!(leaf_of(&cleaned.0), Some(&json!({})));
    let format = changes.iter().find(|c| c.keyword == "format").unwrap();
    assert_eq!(format.path, leaf_pointer("format"));
    assert_eq!(
        gemini::inspect(schema, "t.parameters"),
        [
            leaf_path("t.parameters", "format"),
            leaf_path("t.parameters", "pattern")
        ]
    );

    let (strict, _) = split(openai::normalize(schema));
    assert_eq!(leaf_of(&strict.0).unwrap()["format"], "email");
    // Strict mode wants every level closed; with them closed, only the leaf
    // is reported.
    let closed = Deep(nested_properties_with(
        &[("additionalProperties", json!(false))],
        json!({"type": ["string", "null"]}),
    ));
    assert_eq!(openai::inspect(&closed.0, "t"), [leaf_path("t", "type")]);

    let (flat, changes) = split(deepseek::normalize(schema));
    assert_eq!(leaf_of(&flat.0).unwrap()["enum"], json!(["a", "b"]));
    assert_eq!(changes[0].path, leaf_pointer("anyOf"));
    assert_eq!(deepseek::inspect(schema, "t"), [leaf_path("t", "anyOf")]);

    let (llama, _) = split(llamacpp::normalize(schema));
    assert!(leaf_of(&llama.0).unwrap().get("pattern").is_none());
    assert_eq!(llamacpp::inspect(schema, "t"), [leaf_path("t", "pattern")]);

    let (grok, _) = split(xai::normalize(schema));
    assert!(leaf_of(&grok.0).unwrap().get("minContains").is_none());
    assert_eq!(xai::inspect(schema, "t"), [leaf_path("t", "minContains")]);
}

#[test]
fn deep_unions_arrays_and_defs_go_through_gemini() {
    // anyOf inside items inside anyOf …, each with a null variant. Every
    // level is flattened, and each change names its path, so the report
    // grows with the square of the depth: 2 000 levels here.
    const UNIONS: usize = 2_000;
    let mut schema = json!({"type": "string", "minLength": 1});
    for _ in 0..UNIONS {
        let items = object(vec![("type", json!("array")), ("items", schema)]);
        schema = object(vec![(
            "anyOf",
            Value::Array(vec![items, json!({"type": "null"})]),
        )]);
    }
    let schema = Deep(schema);
    let (cleaned, changes) = split(gemini::normalize(&schema.0));
    let mut node = &cleaned.0;
    for _ in 0..UNIONS {
        assert_eq!(node["type"], "array");
        node = &node["items"];
    }
    assert_eq!(node, &json!({"type": "string"}));
    assert_eq!(
        changes
            .iter()
            .filter(|c| c.change == ChangeKind::Flattened)
            .count(),
        UNIONS
    );

    // A definition chain 10 000 long: D0 → D1 → … → leaf.
    let mut defs = Map::new();
    for i in 0..DEPTH {
        let next =
            json!({"$ref": format!("#/$defs/D{}", i + 1), "description": format!("level {i}")});
        defs.insert(format!("D{i}"), next);
    }
    defs.insert(
        format!("D{DEPTH}"),
        json!({"type": "integer", "minimum": 0}),
    );
    let schema = object(vec![
        ("type", json!("object")),
        ("properties", json!({"start": {"$ref": "#/$defs/D0"}})),
        ("$defs", Value::Object(defs)),
    ]);
    let cleaned = gemini::normalize(&schema);
    // The outermost referring node's description wins.
    assert_eq!(
        cleaned.schema,
        json!({"type": "object", "properties": {"start": {"type": "integer", "description": "level 0"}}})
    );
    let inlined = cleaned
        .changes
        .iter()
        .filter(|c| c.change == ChangeKind::Inlined)
        .count();
    assert_eq!(inlined, DEPTH + 1);
}

#[test]
fn a_recursive_ref_is_inlined_once_and_then_becomes_an_empty_schema() {
    let schema = json!({
        "$ref": "#/$defs/Node",
        "$defs": {"Node": {
            "type": "object",
            "properties": {
                "value": {"type": "string"},
                "next": {"$ref": "#/$defs/Node", "description": "dropped on a cycle"},
            },
        }},
    });
    let cleaned = gemini::normalize(&schema);
    assert_eq!(
        cleaned.schema,
        json!({"type": "object", "properties": {"value": {"type": "string"}, "next": {}}})
    );
    let cycle = cleaned
        .changes
        .iter()
        .find(|c| c.path == "/properties/next/$ref")
        .unwrap();
    assert_eq!(cycle.change, ChangeKind::Removed);
    assert!(
        cycle.message.contains("#/$defs/Node → #/$defs/Node"),
        "{}",
        cycle.message
    );
}

#[test]
fn refs_that_multiply_stop_inlining_at_the_limit() {
    // Each level refers to the next twice: 2^40 nodes if inlined in full.
    let mut defs = Map::new();
    for i in 0..40 {
        let next = format!("#/$defs/L{}", i + 1);
        defs.insert(
            format!("L{i}"),
            json!({"type": "object", "properties": {"left": {"$ref": next}, "right": {"$ref": next}}}),
        );
    }
    defs.insert("L40".to_owned(), json!({"type": "string"}));
    let schema = object(vec![
        ("$ref", json!("#/$defs/L0")),
        ("$defs", Value::Object(defs)),
    ]);
    let (cleaned, changes) = split(gemini::normalize(&schema));
    let refused: Vec<_> = changes
        .iter()
        .filter(|c| c.message.starts_with("not inlined"))
        .collect();
    assert!(!refused.is_empty());
    assert!(
        refused
            .iter()
            .all(|c| c.change == ChangeKind::Removed && c.keyword == "$ref")
    );
    assert!(deep::depth(&cleaned.0) < 2 * 40 + 3);
}

#[test]
fn the_hooks_handle_a_deep_tool_schema() {
    use clawkit_core::{ModelApi, ModelContext, RuntimeModel, Tool, ToolSchemaContext};

    let schema = nested_properties(json!({"type": "string", "format": "uri"}));
    let mut keep = Vec::new();
    let model = RuntimeModel::new(
        "google",
        "gemini-2.5-pro",
        ModelApi::GoogleGenerativeAi,
        "https://g.example".parse().unwrap(),
    );
    let ctx = ToolSchemaContext::new(
        ModelContext::of(&model),
        vec![Tool::new("deep", "", schema)],
    );
    let hooks = ToolCompatFamily::Gemini.hooks();
    let found = hooks.inspect_tool_schemas(&ctx).unwrap();
    assert_eq!(
        found[0].violations,
        [leaf_path("deep.parameters", "format")]
    );
    let out = hooks.normalize_tools(&ctx).unwrap();
    keep.extend(
        out.tools
            .into_iter()
            .chain(ctx.tools)
            .map(|t| Deep(t.parameters)),
    );
    assert_eq!(out.changes[0].changes[0].path, leaf_pointer("format"));
    assert_eq!(leaf_of(&keep[0].0), Some(&json!({"type": "string"})));
}
