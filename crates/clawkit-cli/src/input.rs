//! JSON input files (`--history FILE`, `--tools FILE`, `tools check FILE`):
//! a bounded read, and errors that name the file, the JSON pointer and what
//! is wrong — never a value from the file, which may hold a secret.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The largest input file read (images in a history are inline base64).
pub(crate) const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Why an input file cannot be used; every one is a usage error (exit 2).
#[derive(Debug, thiserror::Error)]
pub(crate) enum InputError {
    /// The file cannot be opened or read.
    #[error("{flag} {}: cannot read: {source}", file.display())]
    Read {
        /// The flag (or argument) naming the file.
        flag: &'static str,
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_INPUT_BYTES`].
    #[error("{flag} {}: larger than {} MiB", file.display(), MAX_INPUT_BYTES / (1024 * 1024))]
    TooLarge {
        /// The flag (or argument) naming the file.
        flag: &'static str,
        /// The file.
        file: PathBuf,
    },
    /// The file is not JSON.
    #[error("{flag} {}: not valid JSON: {message} at line {line}, column {column}", file.display())]
    Syntax {
        /// The flag (or argument) naming the file.
        flag: &'static str,
        /// The file.
        file: PathBuf,
        /// What the parser expected.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The JSON does not have the expected shape.
    #[error("{flag} {}: {}: {}", file.display(), Located(pointer), problem)]
    Invalid {
        /// The flag (or argument) naming the file.
        flag: &'static str,
        /// The file.
        file: PathBuf,
        /// RFC 6901 pointer to the offending value (`""`: the whole document).
        pointer: String,
        /// What is wrong there.
        problem: String,
    },
}

/// `at /1/role`, or `at the top level` for the whole document.
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

/// A problem at a pointer, before the file it is in is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// RFC 6901 pointer.
    pub(crate) pointer: String,
    /// What is wrong.
    pub(crate) message: String,
}

impl Problem {
    /// `message` at `pointer`.
    pub(crate) fn at(pointer: &Pointer, message: impl Into<String>) -> Self {
        Problem {
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }

    /// The error for this problem in `file`.
    pub(crate) fn in_file(self, flag: &'static str, file: &Path) -> InputError {
        InputError::Invalid {
            flag,
            file: file.to_owned(),
            pointer: self.pointer,
            problem: self.message,
        }
    }
}

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

/// Reads `file` (at most [`MAX_INPUT_BYTES`]) and parses it as JSON.
pub(crate) fn read_json(flag: &'static str, file: &Path) -> Result<Value, InputError> {
    let read_error = |source| InputError::Read {
        flag,
        file: file.to_owned(),
        source,
    };
    let opened = std::fs::File::open(file).map_err(read_error)?;
    let mut bytes = Vec::new();
    opened
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            flag,
            file: file.to_owned(),
        });
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        // serde_json's message ends with its own " at line L column C".
        let full = e.to_string();
        let message = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(head, _)| head)
            .to_owned();
        InputError::Syntax {
            flag,
            file: file.to_owned(),
            message,
            line: e.line(),
            column: e.column(),
        }
    })
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
) -> Result<&'a serde_json::Map<String, Value>, Problem> {
    value.as_object().ok_or_else(|| {
        Problem::at(
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
) -> Result<&'a [Value], Problem> {
    value.as_array().map(Vec::as_slice).ok_or_else(|| {
        Problem::at(
            pointer,
            format!("expected {what} (an array), found {}", kind(value)),
        )
    })
}

/// The member `key` of `object`: a string, absent (or null) as `None`.
pub(crate) fn optional_string<'a>(
    object: &'a serde_json::Map<String, Value>,
    key: &str,
    pointer: &Pointer,
) -> Result<Option<&'a str>, Problem> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(Problem::at(
            &pointer.join(key),
            format!("expected a string, found {}", kind(other)),
        )),
    }
}

/// The member `key` of `object`: a string that is not empty.
pub(crate) fn required_string<'a>(
    object: &'a serde_json::Map<String, Value>,
    key: &str,
    pointer: &Pointer,
) -> Result<&'a str, Problem> {
    match optional_string(object, key, pointer)? {
        Some(text) if !text.trim().is_empty() => Ok(text),
        Some(_) => Err(Problem::at(
            &pointer.join(key),
            "expected a non-empty string, found an empty string",
        )),
        None => Err(Problem::at(
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

    #[test]
    fn errors_name_the_flag_the_file_and_the_place() {
        let problem = Problem::at(&Pointer::root().join(1).join("role"), "unknown role");
        let error = problem.in_file("--history", Path::new("h.json"));
        assert_eq!(
            error.to_string(),
            "--history h.json: at /1/role: unknown role"
        );
        let whole = Problem::at(&Pointer::root(), "expected an array")
            .in_file("--tools", Path::new("t.json"));
        assert_eq!(
            whole.to_string(),
            "--tools t.json: at the top level: expected an array"
        );
    }
}
