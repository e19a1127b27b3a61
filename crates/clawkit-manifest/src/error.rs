//! The crate's error type.

use std::path::PathBuf;

use serde::Serialize;

use crate::diagnostic::Diagnostics;

/// What can go wrong when reading manifests or validating config.
///
/// Problems *inside* a manifest are [`crate::Diagnostic`]s; this type is for
/// callers who want a `Result`: [`ManifestError::Invalid`] carries them all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The path given does not exist.
    #[error("path does not exist: {}", path.display())]
    NotFound {
        /// The missing path.
        path: PathBuf,
    },
    /// The file exists but could not be read.
    #[error("failed to read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The document has errors.
    #[error("{file} is invalid: {}", summary(diagnostics))]
    Invalid {
        /// The file, as named to the checker.
        file: String,
        /// Every problem found, errors and warnings.
        diagnostics: Diagnostics,
    },
    /// The plugin's `configSchema` is not a usable JSON Schema.
    #[error(
        "configSchema of plugin \"{plugin_id}\" is not a valid JSON Schema (at {pointer:?}): {message}"
    )]
    InvalidConfigSchema {
        /// The plugin id.
        plugin_id: String,
        /// JSON pointer inside the schema.
        pointer: String,
        /// Why.
        message: String,
    },
    /// A config value does not match the plugin's `configSchema`.
    #[error(
        "config of plugin \"{plugin_id}\" does not match its configSchema: {}",
        join(violations)
    )]
    InvalidConfig {
        /// The plugin id.
        plugin_id: String,
        /// Every violation.
        violations: Vec<ConfigViolation>,
    },
}

impl ManifestError {
    /// The diagnostics of an [`ManifestError::Invalid`] document.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            ManifestError::Invalid { diagnostics, .. } => Some(diagnostics),
            _ => None,
        }
    }
}

fn summary(diagnostics: &Diagnostics) -> String {
    let mut errors = diagnostics.errors();
    match errors.next() {
        None => "no errors".to_owned(),
        Some(first) => {
            let more = errors.count();
            let location = format!("{}:{}", first.line, first.column);
            if more == 0 {
                format!("{} (at {location})", first.message)
            } else {
                format!("{} (at {location}) and {more} more errors", first.message)
            }
        }
    }
}

fn join(violations: &[ConfigViolation]) -> String {
    violations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One way a config value breaks the plugin's `configSchema`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ConfigViolation {
    /// JSON pointer into the config value (`""` for the config itself).
    pub pointer: String,
    /// JSON pointer of the schema keyword that failed (`/properties/region/enum`).
    pub schema_pointer: String,
    /// What is wrong. String values are not repeated, so a secret in the
    /// config never reaches a message.
    pub message: String,
}

impl std::fmt::Display for ConfigViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{at}: {}", self.message)
    }
}
