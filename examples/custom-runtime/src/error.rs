//! The crate's one error type.

use std::path::{Path, PathBuf};

/// What went wrong talking to the runtime or keeping sessions.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CustomRuntimeError {
    /// The runtime URL is not one the provider will call.
    #[error("custom runtime URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given, without credentials.
        url: String,
        /// Why it is refused.
        reason: String,
    },
    /// No runtime URL was configured.
    #[error(
        "no custom runtime URL: set CUSTOM_RUNTIME_URL, pass --base-url, or set runtimeUrl in the plugin config"
    )]
    NoRuntimeUrl,
    /// The runtime answered with an error, or could not be reached.
    #[error("{message}")]
    Runtime {
        /// The HTTP status, when there was an answer.
        status: Option<u16>,
        /// What happened, with the runtime's health when known; no secret.
        message: String,
        /// The runtime's health summary when the error happened.
        health: Option<String>,
    },
    /// The runtime has no such endpoint (404 / 405): the capability is
    /// not there.
    #[error("the custom runtime has no {endpoint} endpoint")]
    Unsupported {
        /// The endpoint (`POST /v1/contracted-completions`).
        endpoint: String,
    },
    /// A contracted answer broke its contract.
    #[error("the answer breaks its contract at {pointer:?}: {message}")]
    ContractViolation {
        /// RFC 6901 pointer into the answer (`""` for the whole answer).
        pointer: String,
        /// What the schema wanted there.
        message: String,
    },
    /// A contract that is not a valid JSON Schema.
    #[error("the contract is not a valid JSON Schema: {0}")]
    InvalidContract(String),
    /// A session file could not be read or written.
    #[error("session store {}: {source}", path.display())]
    Store {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The orchestrator's config cannot be served: it does not parse, or
    /// names a worker, role or lane it does not define.
    #[error("orchestrator config{}: {message}", file_suffix(file.as_deref()))]
    Config {
        /// The config file, when the config came from one.
        file: Option<PathBuf>,
        /// What is wrong, naming the field.
        message: String,
    },
    /// The orchestrator has no worker of that id.
    #[error("the orchestrator has no worker {worker:?}")]
    UnknownWorker {
        /// The id asked for.
        worker: String,
    },
    /// The orchestrator could not build the clawkit runtime its model
    /// workers run on.
    #[error("cannot build the model runtime: {0}")]
    ModelRuntime(String),
    /// The orchestrator could not start or stop serving.
    #[error("the orchestrator cannot serve: {message}")]
    Serve {
        /// What it was doing.
        message: String,
        /// The I/O error, when there was one.
        #[source]
        source: Option<std::io::Error>,
    },
    /// A session file did not parse; it was moved aside, not emptied.
    #[error("session file set aside as {} ({})", .0.moved_to.display(), .0.reason)]
    CorruptSession(SetAside),
}

/// A session file that could not be read as a session and was set aside
/// (also reachable as `sessions::SetAside`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetAside {
    /// Where the file is now.
    pub moved_to: PathBuf,
    /// Why it was set aside.
    pub reason: String,
}

impl CustomRuntimeError {
    pub(crate) fn store(path: &Path, source: std::io::Error) -> Self {
        CustomRuntimeError::Store {
            path: path.to_owned(),
            source,
        }
    }
}

/// ` FILE` when there is a file, else nothing.
fn file_suffix(file: Option<&Path>) -> String {
    file.map(|f| format!(" {}", f.display()))
        .unwrap_or_default()
}
