//! [`Error`]: what can go wrong starting or running a [`Server`](crate::Server),
//! or mapping OpenAI-style messages. (What goes wrong in a request the
//! gateway serves is answered to its client, in OpenAI's error shape: see
//! [`crate::Gateway`].)

use std::net::SocketAddr;

use clawkit_core::json_input::location;

/// Why the gateway could not listen or stopped serving, or why messages
/// could not be mapped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The address could not be bound (in use, not this machine's, no
    /// permission) or does not resolve.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for, as given.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// The listener's own address could not be read.
    #[error("cannot read the address listened on: {0}")]
    LocalAddr(#[source] std::io::Error),
    /// Serving stopped on an I/O error.
    #[error("the server at {addr} stopped: {source}")]
    Serve {
        /// The address served.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server's task ended abnormally (it panicked or was aborted).
    #[error("the server at {addr} ended abnormally")]
    Task {
        /// The address served.
        addr: SocketAddr,
    },
    /// A request, or the messages of one
    /// ([`messages_from_json`](crate::openai::messages_from_json)), does
    /// not have OpenAI's shape. Displayed as `at /0/role: unknown role
    /// (…)` (`at the top level: …` for the whole document); the message
    /// says what kind of value was found there, never the value.
    #[error("{}: {message}", location(pointer))]
    InvalidRequest {
        /// The RFC 6901 pointer to the offending value (`""`: the whole
        /// document).
        pointer: String,
        /// What is wrong there.
        message: String,
    },
}

impl Error {
    /// The RFC 6901 pointer of an [`InvalidRequest`](Error::InvalidRequest).
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Error::InvalidRequest { pointer, .. } => Some(pointer),
            _ => None,
        }
    }
}
