//! OpenAI's Chat Completions format, as the gateway reads and writes it.
//!
//! Public: [`messages_from_json`], the mapping of OpenAI-style chat
//! messages onto clawkit's messages (the gateway's `messages`, and
//! `clawkit chat --history`), failing with
//! [`Error::InvalidRequest`](crate::Error::InvalidRequest). The request
//! parsing, the per-API parameter mapping and the response shapes are the
//! gateway's own (see `docs/serve.md`).

mod messages;
pub(crate) mod request;
pub(crate) mod response;

pub use messages::{ChatMessages, messages_from_json};

/// A request, or a part of one, that does not have OpenAI's shape: where
/// (an RFC 6901 pointer) and what is wrong. Public as
/// [`Error::InvalidRequest`](crate::Error::InvalidRequest).
pub(crate) type RequestError = clawkit_core::json_input::Misplaced;

impl From<RequestError> for crate::Error {
    fn from(error: RequestError) -> Self {
        let (pointer, message) = error.into_parts();
        crate::Error::InvalidRequest { pointer, message }
    }
}
