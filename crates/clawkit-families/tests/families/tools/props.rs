//! Properties over generated JSON: no normalizer or inspector panics, a
//! second normalization changes nothing, and the shared inspector finds
//! exactly the keywords a plain recursive search finds.

use clawkit_families::tools::{
    Normalized, deepseek, find_unsupported_schema_keywords, gemini, llamacpp, openai, xai,
};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};

/// Keys that exercise every rule: schema keywords, the keywords some wire
/// rejects, definition names, and ordinary property names.
const KEYS: &[&str] = &[
    "type",
    "properties",
    "required",
    "items",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "const",
    "enum",
    "$ref",
    "$defs",
    "definitions",
    "description",
    "title",
    "default",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "additionalProperties",
    "patternProperties",
    "prefixItems",
    "if",
    "then",
    "dependencies",
    "minContains",
    "nullable",
    "examples",
    "~optional",
    "A",
    "B",
    "a/b",
    "x",
    "0",
];

const STRINGS: &[&str] = &[
    "",
    "string",
    "null",
    "object",
    "array",
    "integer",
    "number",
    "boolean",
    "x",
    "a/b",
    "#/$defs/A",
    "#/$defs/B",
    "#/definitions/A",
    "#/$defs/a~1b",
    "#/properties/x",
    "^a",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..4).prop_map(Value::from),
        select(vec![0.5, -0.0, 2000.0, 1e21, 3.25e-7]).prop_map(Value::from),
        select(STRINGS).prop_map(Value::from),
    ]
}

/// JSON shaped like schemas: objects keyed mostly by schema keywords, with
/// type arrays, refs, literals and unions among the values.
fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        4 => scalar(),
        1 => select(vec![json!(["string", "null"]), json!(["null"]), json!(["object", "null"]), json!([])]),
        1 => select(STRINGS).prop_map(|r| json!({"$ref": r})),
        1 => scalar().prop_map(|v| json!({"const": v, "type": "string"})),
        1 => select(vec!["a", "b"]).prop_map(|v| json!({"const": v, "type": "string"})),
        1 => select(vec!["a", "b"]).prop_map(|v| json!({"const": v})),
        1 => Just(json!({"type": "null"})),
    ];
    leaf.prop_recursive(5, 96, 6, |inner| {
        let variants = prop::collection::vec(inner.clone(), 0..4);
        prop_oneof![
            1 => prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            3 => prop::collection::vec((select(KEYS), inner.clone()), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>())),
            // Unions, sometimes two on one node, next to other keys.
            2 => (variants.clone(), proptest::option::of(variants), prop::collection::vec((select(KEYS), inner), 0..3))
                .prop_map(|(any, one, rest)| {
                    let mut map: Map<String, Value> = rest.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                    map.insert("anyOf".to_owned(), Value::Array(any));
                    if let Some(one) = one {
                        map.insert("oneOf".to_owned(), Value::Array(one));
                    }
                    Value::Object(map)
                }),
        ]
    })
}

type Normalizer = fn(&Value) -> Normalized;

const NORMALIZERS: [(&str, Normalizer); 5] = [
    ("gemini", gemini::normalize),
    ("openai", openai::normalize),
    ("deepseek", deepseek::normalize),
    ("llamacpp", llamacpp::normalize),
    ("xai", xai::normalize),
];

/// `findUnsupportedSchemaKeywords` written as the plain recursion it is in
/// OpenClaw, as an oracle.
fn oracle(schema: &Value, path: &str, unsupported: &[&str], out: &mut Vec<String>) {
    match schema {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                oracle(item, &format!("{path}[{i}]"), unsupported, out);
            }
        }
        Value::Object(record) => {
            if let Some(Value::Object(properties)) = record.get("properties") {
                for (key, value) in properties {
                    oracle(value, &format!("{path}.properties.{key}"), unsupported, out);
                }
            }
            for (key, value) in record {
                if key == "properties" {
                    continue;
                }
                if unsupported.contains(&key.as_str()) {
                    out.push(format!("{path}.{key}"));
                }
                oracle(value, &format!("{path}.{key}"), unsupported, out);
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_second_normalization_changes_nothing(schema in schema()) {
        for (family, normalize) in NORMALIZERS {
            let once = normalize(&schema);
            let twice = normalize(&once.schema);
            prop_assert_eq!(&twice.schema, &once.schema, "{} on {}", family, schema);
            prop_assert!(twice.changes.is_empty(), "{} on {}: {:?}", family, once.schema, twice.changes);
        }
    }

    #[test]
    fn an_unchanged_schema_comes_back_equal(schema in schema()) {
        for (family, normalize) in NORMALIZERS {
            let out = normalize(&schema);
            if out.changes.is_empty() {
                prop_assert_eq!(&out.schema, &schema, "{} reported nothing but changed the schema", family);
            }
            for change in &out.changes {
                prop_assert!(change.path.ends_with(&format!("/{}", change.keyword.replace('~', "~0").replace('/', "~1"))), "{}", change);
            }
        }
    }

    #[test]
    fn the_inspector_finds_what_a_plain_search_finds(schema in schema()) {
        for keywords in [gemini::UNSUPPORTED_KEYWORDS, deepseek::UNSUPPORTED_KEYWORDS, xai::UNSUPPORTED_KEYWORDS] {
            let mut expected = Vec::new();
            oracle(&schema, "t.parameters", keywords, &mut expected);
            prop_assert_eq!(find_unsupported_schema_keywords(&schema, "t.parameters", keywords), expected);
        }
        let strict = openai::inspect_parameters(&schema, "t");
        prop_assert!(strict.iter().all(|path| path.starts_with('t')));
        let llama = llamacpp::inspect(&schema, "t");
        prop_assert!(llama.iter().all(|path| path.ends_with(".pattern") || path.ends_with(".maxLength")));
    }

    #[test]
    fn gemini_leaves_no_rejected_keyword_where_it_cleans(schema in schema()) {
        let out = gemini::normalize(&schema).schema;
        let mut left = Vec::new();
        rejected_in_cleaned_places(&out, "", &mut left);
        prop_assert!(left.is_empty(), "{:?} left in {}", left, out);
    }
}

/// The keywords Gemini rejects (and `const`) found where the cleaner
/// cleans: the root, `properties` values, `items` (a schema or an array of
/// them), `anyOf` / `oneOf` / `allOf` arrays, array elements there. Other places (`default`, `prefixItems`,
/// `if`, …) are kept as written, as in OpenClaw.
fn rejected_in_cleaned_places(node: &Value, path: &str, out: &mut Vec<String>) {
    match node {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                rejected_in_cleaned_places(item, &format!("{path}/{i}"), out);
            }
        }
        Value::Object(record) => {
            for key in record.keys() {
                if key == "const" || gemini::UNSUPPORTED_KEYWORDS.contains(&key.as_str()) {
                    out.push(format!("{path}/{key}"));
                }
            }
            if let Some(Value::Object(properties)) = record.get("properties") {
                for (name, value) in properties {
                    rejected_in_cleaned_places(value, &format!("{path}/properties/{name}"), out);
                }
            }
            for key in ["items", "anyOf", "oneOf", "allOf"] {
                match record.get(key) {
                    Some(value @ Value::Array(_)) => {
                        rejected_in_cleaned_places(value, &format!("{path}/{key}"), out);
                    }
                    Some(value @ Value::Object(_)) if key == "items" => {
                        rejected_in_cleaned_places(value, &format!("{path}/{key}"), out);
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}
