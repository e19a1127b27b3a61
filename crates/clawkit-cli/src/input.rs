//! JSON input files (`--history FILE`, `--tools FILE`, `tools check FILE`):
//! a bounded read, and errors that name the file, the JSON pointer and what
//! is wrong — never a value from the file, which may hold a secret.

use std::io::Read;
use std::path::{Path, PathBuf};

use clawkit_core::json_input::location;
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
    #[error("{flag} {}: {}: {}", file.display(), location(pointer), problem)]
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

/// A problem at a pointer, before the file it is in is known.
pub(crate) use clawkit_core::json_input::Misplaced as Problem;
pub(crate) use clawkit_core::json_input::{
    JsonPointer as Pointer, expect_array as array, expect_object as object, optional_string,
    required_string, value_kind as kind,
};

/// Puts a [`Problem`] in the file it was found in.
pub(crate) trait InFile {
    /// The error for this problem in `file`, named by `flag`.
    fn in_file(self, flag: &'static str, file: &Path) -> InputError;
}

impl InFile for Problem {
    fn in_file(self, flag: &'static str, file: &Path) -> InputError {
        let (pointer, problem) = self.into_parts();
        InputError::Invalid {
            flag,
            file: file.to_owned(),
            pointer,
            problem,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

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
