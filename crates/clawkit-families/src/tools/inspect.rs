//! `findUnsupportedSchemaKeywords`: where a schema uses keywords a wire
//! rejects, as OpenClaw's diagnostics name the places.

use serde_json::Value;

use super::walk::{PathId, Paths, ROOT, Seg, is_js_object};

/// Every place in `schema` where a keyword of `unsupported` appears, as
/// OpenClaw's `findUnsupportedSchemaKeywords` reports them: `path` then
/// `.properties.<name>` for a property, `.<key>` for any other key and
/// `[<i>]` for an array item, then `.<keyword>`.
///
/// The walk is OpenClaw's: depth first, a node's properties before its
/// other keys, and every object or array value searched (also `enum`,
/// `default` and the like). It never recurses, so any depth is fine.
///
/// ```
/// use clawkit_families::tools::find_unsupported_schema_keywords;
/// use serde_json::json;
///
/// let schema = json!({
///     "type": "object",
///     "properties": {"when": {"type": "string", "format": "date-time"}},
///     "additionalProperties": false,
/// });
/// let found = find_unsupported_schema_keywords(
///     &schema,
///     "remind.parameters",
///     &["format", "additionalProperties"],
/// );
/// assert_eq!(found, [
///     "remind.parameters.properties.when.format",
///     "remind.parameters.additionalProperties",
/// ]);
/// ```
#[doc(alias = "findUnsupportedSchemaKeywords")]
pub fn find_unsupported_schema_keywords(
    schema: &Value,
    path: &str,
    unsupported: &[&str],
) -> Vec<String> {
    enum Item<'a> {
        Visit(&'a Value, PathId),
        Violation(PathId, &'a str),
    }

    let mut paths = Paths::new();
    let mut found = Vec::new();
    let mut pending = vec![Item::Visit(schema, ROOT)];
    let mut next: Vec<Item<'_>> = Vec::new();
    while let Some(item) = pending.pop() {
        let (node, at) = match item {
            Item::Violation(at, keyword) => {
                found.push(paths.dotted(path, at, Some(keyword)));
                continue;
            }
            Item::Visit(node, at) => (node, at),
        };
        match node {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate().rev() {
                    if is_js_object(item) {
                        let child = paths.child(at, Seg::Index(index));
                        pending.push(Item::Visit(item, child));
                    }
                }
            }
            Value::Object(record) => {
                next.clear();
                if let Some(Value::Object(properties)) = record.get("properties") {
                    let props = paths.child(at, Seg::Key("properties"));
                    for (key, value) in properties {
                        if is_js_object(value) {
                            let child = paths.child(props, Seg::Key(key));
                            next.push(Item::Visit(value, child));
                        }
                    }
                }
                for (key, value) in record {
                    if key == "properties" {
                        continue;
                    }
                    if unsupported.contains(&key.as_str()) {
                        next.push(Item::Violation(at, key));
                    }
                    if is_js_object(value) {
                        let child = paths.child(at, Seg::Key(key));
                        next.push(Item::Visit(value, child));
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
    fn properties_come_first_then_keys_in_order_with_their_subtrees() {
        let schema = json!({
            "pattern": "x",
            "items": [{"format": "a"}, {"format": "b"}],
            "properties": {
                "p": {"minLength": 1, "properties": {"q": {"format": "c"}}},
            },
            "default": {"format": "d"},
        });
        let found =
            find_unsupported_schema_keywords(&schema, "t", &["pattern", "format", "minLength"]);
        assert_eq!(
            found,
            [
                "t.properties.p.properties.q.format",
                "t.properties.p.minLength",
                "t.pattern",
                "t.items[0].format",
                "t.items[1].format",
                "t.default.format",
            ]
        );
    }

    #[test]
    fn a_keyword_is_reported_before_what_is_under_it() {
        let schema = json!({"not": {"not": {"type": "string"}}});
        assert_eq!(
            find_unsupported_schema_keywords(&schema, "t", &["not"]),
            ["t.not", "t.not.not"]
        );
    }

    #[test]
    fn arrays_at_the_root_and_scalars() {
        assert_eq!(
            find_unsupported_schema_keywords(&json!([{"a": 1}, 2]), "t", &["a"]),
            ["t[0].a"]
        );
        assert!(find_unsupported_schema_keywords(&json!("a"), "t", &["a"]).is_empty());
        // A `properties` that is not an object is neither walked nor reported.
        assert!(
            find_unsupported_schema_keywords(&json!({"properties": [{"a": 1}]}), "t", &["a"])
                .is_empty()
        );
    }
}
