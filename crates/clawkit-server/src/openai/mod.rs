//! OpenAI's Chat Completions format, as the gateway reads and writes it.
//!
//! Public: [`messages_from_json`], the mapping of OpenAI-style chat
//! messages onto clawkit's messages (the gateway's `messages`, and
//! `clawkit chat --history`), failing with
//! [`Error::InvalidRequest`](crate::Error::InvalidRequest). The request
//! parsing, the per-API parameter mapping and the response shapes are the
//! gateway's own (see `docs/serve.md`).

mod json;
mod messages;
pub(crate) mod request;
pub(crate) mod response;

pub use messages::{ChatMessages, messages_from_json};

use json::Pointer;

/// A request, or a part of one, that does not have OpenAI's shape: where
/// (an RFC 6901 pointer) and what is wrong. The message says what kind of
/// value was found, never the value: a request may hold secrets. Public
/// as [`Error::InvalidRequest`](crate::Error::InvalidRequest).
///
/// Displayed as `at /messages/2/role: unknown role (…)`, or `at the top
/// level: …` for the whole document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", Located(pointer))]
pub(crate) struct RequestError {
    pointer: String,
    message: String,
}

impl RequestError {
    /// `message` at `pointer`.
    pub(crate) fn at(pointer: &Pointer, message: impl Into<String>) -> Self {
        RequestError {
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }

    /// The RFC 6901 pointer to the offending value (`""`: the whole document).
    pub(crate) fn pointer(&self) -> &str {
        &self.pointer
    }

    /// What is wrong there, without the pointer.
    #[cfg(test)]
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

impl From<RequestError> for crate::Error {
    fn from(error: RequestError) -> Self {
        crate::Error::InvalidRequest {
            pointer: error.pointer,
            message: error.message,
        }
    }
}

/// `at /1/role`, or `at the top level` for the whole document.
pub(crate) struct Located<'a>(pub(crate) &'a str);

impl std::fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            f.write_str("at the top level")
        } else {
            write!(f, "at {}", self.0)
        }
    }
}
