//! [`Error`]: what can go wrong starting or running a [`Server`](crate::Server).
//! (What goes wrong in a request is answered to its client, in OpenAI's
//! error shape: see [`crate::Gateway`].)

use std::net::SocketAddr;

/// Why the gateway could not listen or stopped serving.
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
}
