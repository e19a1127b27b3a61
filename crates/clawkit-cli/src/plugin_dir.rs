//! `--plugin DIR`: the manifest-only providers of plugin folders
//! ([`ManifestOnlyPlugin`]), for `chat` and `models list`.

use std::io::Write;
use std::path::PathBuf;

use clawkit_manifest::ManifestError;
use clawkit_providers::{BackendError, ManifestOnlyPlugin};

/// Why the plugin folders could not be used; the details are already on stderr.
pub(crate) enum Failure {
    /// A folder does not exist or cannot be read (exit 2, as `manifest check`).
    Usage,
    /// A plugin is invalid or serves no model (exit 1); the one-line reason.
    Invalid(String),
}

/// Loads the plugin of every folder, in order. Rows and auth choices a
/// plugin skips are warnings on stderr; a manifest with errors has every
/// diagnostic rendered there as `clawkit manifest check` renders them.
pub(crate) fn load(dirs: &[PathBuf]) -> Result<Vec<ManifestOnlyPlugin>, Failure> {
    let mut loaded = Vec::with_capacity(dirs.len());
    for dir in dirs {
        match ManifestOnlyPlugin::load(dir) {
            Ok(plugin) => {
                for notice in plugin.notices() {
                    eprintln!("clawkit: warning: {notice}");
                }
                loaded.push(plugin);
            }
            Err(BackendError::Manifest(error @ ManifestError::NotFound { .. })) => {
                eprintln!("clawkit: --plugin: {error}");
                return Err(Failure::Usage);
            }
            Err(BackendError::Manifest(error @ ManifestError::Read { .. })) => {
                eprintln!(
                    "clawkit: --plugin: {}",
                    crate::manifest::error_chain(&error)
                );
                return Err(Failure::Usage);
            }
            Err(BackendError::Manifest(error)) => {
                if let Some(diagnostics) = error.diagnostics() {
                    let color = crate::manifest::stderr_color();
                    let mut stderr = std::io::stderr().lock();
                    for diagnostic in diagnostics {
                        let _ = writeln!(stderr, "{}", diagnostic.render(color));
                    }
                }
                return Err(Failure::Invalid(error.to_string()));
            }
            Err(error @ BackendError::NoServableModels { .. }) => {
                if let BackendError::NoServableModels { notices, .. } = &error {
                    for notice in notices {
                        eprintln!("clawkit: warning: {notice}");
                    }
                }
                return Err(Failure::Invalid(error.to_string()));
            }
            Err(error) => return Err(Failure::Invalid(error.to_string())),
        }
    }
    Ok(loaded)
}
