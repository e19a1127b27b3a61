//! Reading JSON someone else wrote (a request body, a `--history` file, a
//! server config) with errors that say where a value is wrong — an RFC 6901
//! pointer — and what kind of value was found there, never the value,
//! which may be a secret.
//!
//! ```
//! use clawkit_core::json_input::{JsonPointer, expect_object, required_string};
//! use serde_json::json;
//!
//! let document = json!([{"role": 7}]);
//! let at = JsonPointer::root().join(0);
//! let message = expect_object(&document[0], &at, "a chat message")?;
//! let error = required_string(message, "role", &at).unwrap_err();
//! assert_eq!(error.pointer(), "/0/role");
//! assert_eq!(error.to_string(), "at /0/role: expected a string, found a number");
//! # Ok::<(), clawkit_core::json_input::Misplaced>(())
//! ```

use serde_json::{Map, Value};

/// An RFC 6901 pointer being walked down a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonPointer(Vec<String>);

impl JsonPointer {
    /// The pointer to the whole document (`""`).
    pub fn root() -> Self {
        JsonPointer::default()
    }

    /// This pointer, one member or index further.
    pub fn join(&self, segment: impl ToString) -> Self {
        let mut segments = self.0.clone();
        segments.push(segment.to_string());
        JsonPointer(segments)
    }
}

impl std::fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for segment in &self.0 {
            write!(f, "/{}", segment.replace('~', "~0").replace('/', "~1"))?;
        }
        Ok(())
    }
}

/// A value that is not what the reader expected: where, and what is wrong
/// there. Displayed as `at /0/role: …`, or `at the top level: …` for the
/// whole document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", Located(pointer))]
pub struct Misplaced {
    pointer: String,
    message: String,
}

impl Misplaced {
    /// `message` at `pointer`.
    pub fn at(pointer: &JsonPointer, message: impl Into<String>) -> Self {
        Misplaced {
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }

    /// The RFC 6901 pointer to the offending value (`""`: the whole document).
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// What is wrong there, without the pointer.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The pointer and the message.
    pub fn into_parts(self) -> (String, String) {
        (self.pointer, self.message)
    }
}

/// Where `pointer` is, for a message: `at /1/role`, or `at the top level`
/// for the whole document (`""`).
pub fn location(pointer: &str) -> impl std::fmt::Display + '_ {
    Located(pointer)
}

struct Located<'a>(&'a str);

impl std::fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            f.write_str("at the top level")
        } else {
            write!(f, "at {}", self.0)
        }
    }
}

/// What kind of JSON value `value` is, for messages (never the value itself).
pub fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The object `value` (at `pointer`), or what it is instead; `what` names
/// the expected thing (`"a chat message"`).
pub fn expect_object<'a>(
    value: &'a Value,
    pointer: &JsonPointer,
    what: &str,
) -> Result<&'a Map<String, Value>, Misplaced> {
    value.as_object().ok_or_else(|| {
        Misplaced::at(
            pointer,
            format!("expected {what} (an object), found {}", value_kind(value)),
        )
    })
}

/// The array `value` (at `pointer`), or what it is instead.
pub fn expect_array<'a>(
    value: &'a Value,
    pointer: &JsonPointer,
    what: &str,
) -> Result<&'a [Value], Misplaced> {
    value.as_array().map(Vec::as_slice).ok_or_else(|| {
        Misplaced::at(
            pointer,
            format!("expected {what} (an array), found {}", value_kind(value)),
        )
    })
}

/// The string member `key` of `object` (at `at`), `None` when absent or
/// `null`.
pub fn optional_string<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    at: &JsonPointer,
) -> Result<Option<&'a str>, Misplaced> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(Misplaced::at(
            &at.join(key),
            format!("expected a string, found {}", value_kind(other)),
        )),
    }
}

/// The string member `key` of `object` (at `at`), which must be there and
/// not blank.
pub fn required_string<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    at: &JsonPointer,
) -> Result<&'a str, Misplaced> {
    match optional_string(object, key, at)? {
        Some(text) if !text.trim().is_empty() => Ok(text),
        Some(_) => Err(Misplaced::at(
            &at.join(key),
            "expected a non-empty string, found an empty string",
        )),
        None => Err(Misplaced::at(
            &at.join(key),
            format!("missing \"{key}\" (a non-empty string)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_escape_their_segments() {
        let pointer = JsonPointer::root().join(2).join("a/b~c");
        assert_eq!(pointer.to_string(), "/2/a~1b~0c");
        assert_eq!(JsonPointer::root().to_string(), "");
    }

    #[test]
    fn errors_say_where_and_what_kind_never_the_value() {
        let root = JsonPointer::root();
        let secret = json!("sk-secret");
        let error = expect_object(&secret, &root, "a config").unwrap_err();
        assert_eq!(
            error.to_string(),
            "at the top level: expected a config (an object), found a string"
        );
        assert!(!format!("{error:?}").contains("sk-secret"));
        let error = expect_array(&json!({}), &root.join("tools"), "a list of tools").unwrap_err();
        assert_eq!(
            error.into_parts(),
            (
                "/tools".to_owned(),
                "expected a list of tools (an array), found an object".to_owned()
            )
        );
        let fields = json!({"a": null, "b": 1});
        let fields = fields.as_object().unwrap();
        assert_eq!(optional_string(fields, "a", &root), Ok(None));
        assert_eq!(
            required_string(fields, "a", &root).unwrap_err().message(),
            "missing \"a\" (a non-empty string)"
        );
        assert_eq!(
            optional_string(fields, "b", &root).unwrap_err().pointer(),
            "/b"
        );
    }
}
