//! Walking a JSON document with an RFC 6901 pointer, for errors that say
//! where a value is wrong and what kind of value was found there — never
//! the value, which may be a secret.

use serde_json::{Map, Value};

use super::RequestError;

/// An RFC 6901 pointer being walked down a document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pointer(Vec<String>);

impl Pointer {
    /// The pointer to the whole document.
    pub(crate) fn root() -> Self {
        Pointer::default()
    }

    /// This pointer, one member or index further.
    pub(crate) fn join(&self, segment: impl ToString) -> Self {
        let mut segments = self.0.clone();
        segments.push(segment.to_string());
        Pointer(segments)
    }
}

impl std::fmt::Display for Pointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for segment in &self.0 {
            write!(f, "/{}", segment.replace('~', "~0").replace('/', "~1"))?;
        }
        Ok(())
    }
}

/// What kind of JSON value `value` is, for messages (never the value itself).
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The object at `pointer`, or what it is instead.
pub(crate) fn object<'a>(
    value: &'a Value,
    pointer: &Pointer,
    what: &str,
) -> Result<&'a Map<String, Value>, RequestError> {
    value.as_object().ok_or_else(|| {
        RequestError::at(
            pointer,
            format!("expected {what} (an object), found {}", kind(value)),
        )
    })
}

/// The array at `pointer`, or what it is instead.
pub(crate) fn array<'a>(
    value: &'a Value,
    pointer: &Pointer,
    what: &str,
) -> Result<&'a [Value], RequestError> {
    value.as_array().map(Vec::as_slice).ok_or_else(|| {
        RequestError::at(
            pointer,
            format!("expected {what} (an array), found {}", kind(value)),
        )
    })
}

/// The member `key` of `object`: a string, absent (or null) as `None`.
pub(crate) fn optional_string<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    pointer: &Pointer,
) -> Result<Option<&'a str>, RequestError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(RequestError::at(
            &pointer.join(key),
            format!("expected a string, found {}", kind(other)),
        )),
    }
}

/// The member `key` of `object`: a string that is not empty.
pub(crate) fn required_string<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    pointer: &Pointer,
) -> Result<&'a str, RequestError> {
    match optional_string(object, key, pointer)? {
        Some(text) if !text.trim().is_empty() => Ok(text),
        Some(_) => Err(RequestError::at(
            &pointer.join(key),
            "expected a non-empty string, found an empty string",
        )),
        None => Err(RequestError::at(
            &pointer.join(key),
            format!("missing \"{key}\" (a non-empty string)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_their_segments() {
        let pointer = Pointer::root().join(2).join("a/b~c");
        assert_eq!(pointer.to_string(), "/2/a~1b~0c");
        assert_eq!(Pointer::root().to_string(), "");
    }
}
