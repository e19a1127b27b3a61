//! Whole-value operations on JSON of any depth, without recursion.
//!
//! `serde_json::Value`'s own `Clone`, `PartialEq` and `Drop` recurse once
//! per level, so a schema nested some ten thousand levels deep overflows a
//! thread's stack in any of them. The normalizers here never recurse; these
//! are the same operations for callers that hold such a value. ([`clone`]
//! and [`drop`] leave a value, or a part of one, that nests at most 64
//! levels to `serde_json`'s own, which is quicker and recurses at most that
//! many times.)
//!
//! ```
//! use clawkit_families::tools::deep;
//! use serde_json::{Map, Value, json};
//!
//! // `json!` would copy `schema` at each step, recursively: build by hand.
//! let mut schema = json!({"type": "string"});
//! for _ in 0..20_000 {
//!     let properties = Map::from_iter([("inner".to_owned(), schema)]);
//!     schema = Value::Object(Map::from_iter([
//!         ("type".to_owned(), json!("object")),
//!         ("properties".to_owned(), Value::Object(properties)),
//!     ]));
//! }
//! assert_eq!(deep::depth(&schema), 40_002);
//! let copy = deep::clone(&schema);
//! assert!(deep::equal(&schema, &copy));
//! deep::drop(schema);
//! deep::drop(copy);
//! ```

use serde_json::{Map, Value};

/// Drops `value` without recursing, whatever its depth.
pub fn drop(value: Value) {
    // A value of a few levels: its own drop, which recurses a few times.
    if nests_within(&value, SHALLOW) {
        std::mem::drop(value);
        return;
    }
    let mut pending = vec![value];
    while let Some(mut value) = pending.pop() {
        match &mut value {
            Value::Array(items) => {
                pending.extend(items.drain(..).filter(is_container));
            }
            Value::Object(map) => {
                let map = std::mem::take(map);
                pending.extend(map.into_iter().map(|(_, v)| v).filter(is_container));
            }
            _ => {}
        }
    }
}

fn is_container(value: &Value) -> bool {
    matches!(value, Value::Array(_) | Value::Object(_))
}

/// How many levels a value may nest for [`clone`] and [`drop`] to leave it
/// to `Value`'s own, which recurse once per level.
const SHALLOW: usize = 64;

/// Whether `value` nests at most `levels` levels (see [`depth`]), found
/// without recursing and without looking further down than that.
fn nests_within(value: &Value, levels: usize) -> bool {
    if levels == 0 {
        return false;
    }
    // Only containers with members go on the stack: a member that is a
    // scalar or empty is one level below its container, and that level is
    // checked with the container.
    let mut pending: Vec<(&Value, usize)> = Vec::new();
    let mut next = Some((value, 1usize));
    while let Some((value, level)) = next.take().or_else(|| pending.pop()) {
        match value {
            Value::Array(items) if !items.is_empty() => {
                if level >= levels {
                    return false;
                }
                pending.extend(
                    items
                        .iter()
                        .filter(|v| is_container(v))
                        .map(|v| (v, level + 1)),
                );
            }
            Value::Object(map) if !map.is_empty() => {
                if level >= levels {
                    return false;
                }
                pending.extend(
                    map.values()
                        .filter(|v| is_container(v))
                        .map(|v| (v, level + 1)),
                );
            }
            _ => {}
        }
    }
    true
}

/// A copy of `value`, made without recursing.
pub fn clone(value: &Value) -> Value {
    enum Frame<'a> {
        Array {
            items: std::slice::Iter<'a, Value>,
            out: Vec<Value>,
            key: Option<String>,
        },
        Object {
            entries: serde_json::map::Iter<'a>,
            out: Map<String, Value>,
            key: Option<String>,
        },
    }

    fn open(value: &Value, key: Option<String>) -> Result<Frame<'_>, Value> {
        if nests_within(value, SHALLOW) {
            return Err(value.clone());
        }
        match value {
            Value::Array(items) if !items.is_empty() => Ok(Frame::Array {
                items: items.iter(),
                out: Vec::with_capacity(items.len()),
                key,
            }),
            Value::Object(map) if !map.is_empty() => Ok(Frame::Object {
                entries: map.iter(),
                out: Map::new(),
                key,
            }),
            Value::Array(_) => Err(Value::Array(Vec::new())),
            Value::Object(_) => Err(Value::Object(Map::new())),
            scalar => Err(scalar.clone()),
        }
    }

    // A value of a few levels: `Value::clone`, which recurses a few times
    // (and copies each map's hash table rather than hashing its keys again).
    if nests_within(value, SHALLOW) {
        return value.clone();
    }
    let mut stack = match open(value, None) {
        Ok(frame) => vec![frame],
        Err(done) => return done,
    };
    loop {
        // The next child of the frame on top, or the finished frame.
        let next = match stack.last_mut() {
            None => return Value::Null,
            Some(Frame::Array { items, .. }) => items.next().map(|v| (None, v)),
            Some(Frame::Object { entries, .. }) => entries.next().map(|(k, v)| (Some(k), v)),
        };
        let finished = match next {
            Some((key, child)) => match open(child, key.cloned()) {
                Ok(frame) => {
                    stack.push(frame);
                    continue;
                }
                Err(done) => (key.cloned(), done),
            },
            None => match stack.pop() {
                Some(Frame::Array { out, key, .. }) => (key, Value::Array(out)),
                Some(Frame::Object { out, key, .. }) => (key, Value::Object(out)),
                None => return Value::Null,
            },
        };
        let (key, done) = finished;
        match stack.last_mut() {
            None => return done,
            Some(Frame::Array { out, .. }) => out.push(done),
            Some(Frame::Object { out, .. }) => {
                out.insert(key.unwrap_or_default(), done);
            }
        }
    }
}

/// Whether two values are equal, as `==` on `Value` decides (objects
/// compare as maps, whatever their key order), without recursing.
pub fn equal(left: &Value, right: &Value) -> bool {
    compare(left, right, false)
}

/// Equality as JavaScript's `isDeepStrictEqual` sees parsed JSON: like
/// [`equal`], but numbers compare by value (`1` equals `1.0`).
pub(crate) fn js_equal(left: &Value, right: &Value) -> bool {
    compare(left, right, true)
}

fn compare(left: &Value, right: &Value, numbers_by_value: bool) -> bool {
    let mut pending = vec![(left, right)];
    while let Some((a, b)) = pending.pop() {
        match (a, b) {
            (Value::Null, Value::Null) => {}
            (Value::Bool(x), Value::Bool(y)) if x == y => {}
            (Value::Number(x), Value::Number(y)) => {
                let same = if numbers_by_value {
                    match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                        (Some(x), Some(y), _, _) => x == y,
                        (_, _, Some(x), Some(y)) => x == y,
                        _ => x.as_f64() == y.as_f64(),
                    }
                } else {
                    x == y
                };
                if !same {
                    return false;
                }
            }
            (Value::String(x), Value::String(y)) if x == y => {}
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                pending.extend(x.iter().zip(y.iter()));
            }
            (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
                for (key, value) in x {
                    match y.get(key) {
                        Some(other) => pending.push((value, other)),
                        None => return false,
                    }
                }
            }
            _ => return false,
        }
    }
    true
}

/// How deeply `value` nests: 1 for a scalar or an empty container, one
/// more per level of array or object.
pub fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(value, 1usize)];
    while let Some((value, level)) = pending.pop() {
        deepest = deepest.max(level);
        match value {
            Value::Array(items) => pending.extend(items.iter().map(|v| (v, level + 1))),
            Value::Object(map) => pending.extend(map.values().map(|v| (v, level + 1))),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    #[test]
    fn clone_copies_every_kind_of_value_in_order() {
        let value = json!({"b": [1, 2.5, "x", null, true, [], {}], "a": {"c": {"d": []}}});
        let copy = clone(&value);
        assert_eq!(copy, value);
        assert_eq!(
            serde_json::to_string(&copy).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
        assert_eq!(clone(&json!(3)), json!(3));
        assert_eq!(clone(&json!([])), json!([]));
    }

    #[test]
    fn equal_matches_value_equality() {
        let pairs = [
            (
                json!({"a": 1, "b": [1, 2]}),
                json!({"b": [1, 2], "a": 1}),
                true,
            ),
            (json!({"a": 1}), json!({"a": 1, "b": 2}), false),
            (json!({"a": 1, "c": 2}), json!({"a": 1, "b": 2}), false),
            (json!([1, 2]), json!([2, 1]), false),
            (json!(1), json!(1.0), false),
            (json!("x"), json!("x"), true),
            (json!(null), json!(false), false),
        ];
        for (a, b, expected) in pairs {
            assert_eq!(equal(&a, &b), expected, "{a} vs {b}");
            assert_eq!(a == b, expected, "{a} vs {b}");
        }
        assert!(js_equal(&json!([1, {"x": 2}]), &json!([1.0, {"x": 2.0}])));
        assert!(!js_equal(&json!(1), &json!(2.0)));
    }

    #[test]
    fn nests_within_agrees_with_depth() {
        let values = [
            json!(1),
            json!([]),
            json!({}),
            json!([1]),
            json!({"a": [1, {"b": {}}]}),
            json!({"a": [1, {"b": {"c": 2}}]}),
            json!([[[[]]]]),
        ];
        for value in values {
            for levels in 1..6 {
                assert_eq!(
                    nests_within(&value, levels),
                    depth(&value) <= levels,
                    "{value} within {levels}"
                );
            }
        }
    }

    #[test]
    fn values_left_to_serde_json_fit_a_small_stack() {
        let mut value = json!("leaf");
        for _ in 1..SHALLOW {
            value = Value::Array(vec![value]);
        }
        assert_eq!(depth(&value), SHALLOW);
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let copy = clone(&value);
                assert!(equal(&copy, &value));
                drop(copy);
                drop(value);
            })
            .unwrap();
        handle.join().unwrap();
    }

    #[test]
    fn depth_counts_levels() {
        assert_eq!(depth(&json!(1)), 1);
        assert_eq!(depth(&json!([])), 1);
        assert_eq!(depth(&json!({"a": [1]})), 3);
    }

    #[test]
    fn deep_values_clone_compare_and_drop_without_recursion() {
        // Built by hand: `json!` copies an embedded value recursively.
        let mut value = json!("leaf");
        for index in 0..100_000 {
            value = if index % 2 == 0 {
                Value::Array(vec![value])
            } else {
                Value::Object(Map::from_iter([("k".to_owned(), value)]))
            };
        }
        let copy = clone(&value);
        assert_eq!(depth(&copy), 100_001);
        assert!(equal(&value, &copy));
        drop(copy);
        drop(value);
    }
}
