//! Contracts: compiling the caller's JSON Schema, checking an answer
//! against it, and the scripted worker's deterministic contracted answer.

use serde_json::{Map, Number, Value};

/// How deep the example generator follows nested schemas and `$ref`s.
const MAX_DEPTH: usize = 32;

/// The most array items the example generator makes (`minItems` above it
/// cannot be met by an example anyway).
const MAX_EXAMPLE_ITEMS: u64 = 64;

/// A compiled contract.
pub(super) struct Contract {
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contract").finish_non_exhaustive()
    }
}

/// Where an answer breaks its contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Violation {
    /// RFC 6901 pointer into the answer (`""`: the answer itself).
    pub(super) pointer: String,
    /// What the schema wanted there.
    pub(super) message: String,
}

impl Contract {
    /// Compiles `schema`; the error says why it is not a JSON Schema.
    pub(super) fn compile(schema: &Value) -> Result<Contract, String> {
        if let Some(Value::String(uri)) = schema.get("$schema") {
            // jsonschema panics on a meta-schema it does not know; check first.
            if jsonschema::meta::try_is_valid(schema).is_err() {
                let uri: String = uri.chars().take(80).collect();
                return Err(format!(
                    "unknown JSON Schema dialect {uri:?} (drafts 4, 6, 7, 2019-09 and 2020-12 are known)"
                ));
            }
        }
        jsonschema::validator_for(schema)
            .map(|validator| Contract { validator })
            .map_err(|e| {
                let at = e.instance_path.to_string();
                if at.is_empty() {
                    e.to_string()
                } else {
                    format!("at {at}: {e}")
                }
            })
    }

    /// Parses `text` (a JSON document, possibly in a Markdown code fence)
    /// and checks it: the value, or the first violation.
    pub(super) fn check(&self, text: &str) -> Result<Value, Violation> {
        let value: Value = serde_json::from_str(unfenced(text)).map_err(|e| Violation {
            pointer: String::new(),
            message: format!("the answer is not JSON: {e}"),
        })?;
        let violation = self
            .validator
            .iter_errors(&value)
            .next()
            .map(|error| Violation {
                pointer: error.instance_path.to_string(),
                message: error.to_string(),
            });
        match violation {
            None => Ok(value),
            Some(violation) => Err(violation),
        }
    }
}

/// `text` without a surrounding ```` ``` ```` / ```` ```json ```` fence.
fn unfenced(text: &str) -> &str {
    let text = text.trim();
    let Some(inner) = text.strip_prefix("```") else {
        return text;
    };
    let inner = inner.strip_suffix("```").unwrap_or(inner);
    match inner.split_once('\n') {
        Some((language, body)) if !language.contains('{') => body.trim(),
        _ => inner.trim(),
    }
}

/// The scripted worker's contracted answer to `prompt`: the first JSON
/// object literal in the prompt, exactly as written (so a caller can make
/// it break the contract on purpose); else an example that satisfies
/// `schema`.
pub(super) fn scripted_answer(prompt: &str, schema: &Value) -> String {
    if let Some(literal) = object_literal(prompt) {
        return literal.to_owned();
    }
    example(schema, schema, 0).to_string()
}

/// The first `{…}` in `text` that parses as a JSON object.
fn object_literal(text: &str) -> Option<&str> {
    text.match_indices('{').find_map(|(start, _)| {
        let rest = &text[start..];
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        match values.next() {
            Some(Ok(Value::Object(_))) => Some(&rest[..values.byte_offset()]),
            _ => None,
        }
    })
}

/// A value `schema` accepts, chosen without randomness: `const`, the first
/// `enum` value, the first `examples` entry, else one built from the type
/// (required properties recursively, `"ok"` strings, the smallest allowed
/// number, `true`, arrays of `minItems` items).
fn example(schema: &Value, root: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let Value::Object(schema) = schema else {
        // `true` (anything) or `false` (nothing): an object is as good as any.
        return Value::Object(Map::new());
    };
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(first) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(target) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| resolve(root, r))
    {
        return example(target, root, depth + 1);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return merged(example(first, root, depth + 1), schema, root, depth);
        }
    }
    let kind = match schema.get("type") {
        Some(Value::String(kind)) => Some(kind.as_str()),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .or_else(|| kinds.first().and_then(Value::as_str)),
        _ => None,
    };
    let kind = kind.unwrap_or(if schema.contains_key("items") {
        "array"
    } else {
        "object"
    });
    match kind {
        "string" => string_example(schema),
        "integer" => number_example(schema, true),
        "number" => number_example(schema, false),
        "boolean" => Value::Bool(true),
        "null" => Value::Null,
        "array" => {
            let count = schema
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .min(MAX_EXAMPLE_ITEMS);
            let items = schema.get("items").unwrap_or(&Value::Bool(true));
            Value::Array(
                (0..count)
                    .map(|_| example(items, root, depth + 1))
                    .collect(),
            )
        }
        _ => object_example(schema, root, depth),
    }
}

/// `value` with the required properties `schema` itself adds (a schema
/// with `allOf` and `properties` side by side).
fn merged(value: Value, schema: &Map<String, Value>, root: &Value, depth: usize) -> Value {
    match (value, object_example(schema, root, depth)) {
        (Value::Object(mut first), Value::Object(own)) => {
            for (key, own) in own {
                first.entry(key).or_insert(own);
            }
            Value::Object(first)
        }
        (value, _) => value,
    }
}

fn object_example(schema: &Map<String, Value>, root: &Value, depth: usize) -> Value {
    let properties = schema.get("properties").and_then(Value::as_object);
    let mut object = Map::new();
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let property = properties
            .and_then(|p| p.get(name))
            .unwrap_or(&Value::Bool(true));
        let value = match property {
            Value::Bool(true) => Value::from("ok"),
            property => example(property, root, depth + 1),
        };
        object.insert(name.to_owned(), value);
    }
    Value::Object(object)
}

fn string_example(schema: &Map<String, Value>) -> Value {
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    let mut text = String::from("ok");
    while text.len() < min.min(4096) {
        text.push('k');
    }
    text.truncate(max.min(text.len()));
    Value::String(text)
}

fn number_example(schema: &Map<String, Value>, integer: bool) -> Value {
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let mut value = match (bound("minimum"), bound("exclusiveMinimum")) {
        (Some(min), _) => min,
        (None, Some(min)) => {
            if integer {
                min.floor() + 1.0
            } else {
                min + 1.0
            }
        }
        (None, None) => 0.0,
    };
    if integer {
        value = value.ceil();
    }
    if let Some(max) = bound("maximum")
        && value > max
    {
        value = if integer { max.floor() } else { max };
    }
    if let Some(step) = bound("multipleOf").filter(|s| *s > 0.0) {
        value = (value / step).ceil() * step;
    }
    if integer || value.fract() == 0.0 {
        // Whole numbers print as integers (`3`, not `3.0`).
        return Value::from(value as i64);
    }
    Number::from_f64(value).map_or(Value::from(0), Value::Number)
}

/// The schema a local `$ref` (`#/$defs/x`, `#/definitions/x`, `#`) names.
fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    root.pointer(pointer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_example_satisfies_the_schema() {
        let schema = json!({
            "type": "object",
            "required": ["verdict", "score", "notes", "meta", "tags", "kind", "ratio", "maybe"],
            "properties": {
                "verdict": {"enum": ["approve", "reject"]},
                "score": {"type": "integer", "minimum": 3, "maximum": 10},
                "notes": {"type": "string", "minLength": 5},
                "meta": {"$ref": "#/$defs/meta"},
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
                "kind": {"const": "review"},
                "ratio": {"type": "number", "exclusiveMinimum": 0.5},
                "maybe": {"type": ["null", "boolean"]}
            },
            "$defs": {"meta": {"type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}}}}
        });
        let answer = scripted_answer("Review PR 12", &schema);
        let value = Contract::compile(&schema).unwrap().check(&answer).unwrap();
        assert_eq!(
            value,
            json!({"verdict": "approve", "score": 3, "notes": "okkkk", "meta": {"ok": true},
                   "tags": ["ok", "ok"], "kind": "review", "ratio": 1.5, "maybe": true})
        );
    }

    #[test]
    fn an_object_literal_in_the_prompt_is_the_answer_verbatim() {
        let schema = json!({"type": "object", "required": ["verdict"], "properties": {"verdict": {"enum": ["approve", "reject"]}}});
        let prompt = "Answer {not json} exactly {\"verdict\": \"maybe\"} please";
        let answer = scripted_answer(prompt, &schema);
        assert_eq!(answer, "{\"verdict\": \"maybe\"}");
        let violation = Contract::compile(&schema)
            .unwrap()
            .check(&answer)
            .unwrap_err();
        assert_eq!(violation.pointer, "/verdict");
    }

    #[test]
    fn answers_in_fences_are_read_and_non_json_is_a_violation_of_the_whole() {
        let contract = Contract::compile(&json!({"type": "object"})).unwrap();
        assert_eq!(
            contract.check("```json\n{\"a\": 1}\n```").unwrap(),
            json!({"a": 1})
        );
        let violation = contract.check("sure!").unwrap_err();
        assert_eq!(violation.pointer, "");
        assert!(violation.message.starts_with("the answer is not JSON"));
    }

    #[test]
    fn invalid_contracts_say_why() {
        assert!(Contract::compile(&json!({"type": 12})).is_err());
        let dialect =
            Contract::compile(&json!({"$schema": "https://example.com/nope"})).unwrap_err();
        assert!(dialect.contains("unknown JSON Schema dialect"), "{dialect}");
    }
}
