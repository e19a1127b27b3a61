//! Checking a whole plugin folder: the manifest and `package.json` together.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, DiagnosticSource, Diagnostics, Severity};
use crate::error::ManifestError;
use crate::manifest::{MANIFEST_FILE_NAME, ManifestFile, open_manifest_file};
use crate::model::PluginManifest;
use crate::package::{MAX_PACKAGE_BYTES, PACKAGE_FILE_NAME, PackageManifest};
use crate::source;

/// Options for [`check_plugin`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CheckOptions {
    /// Treat what ClawHub publication requires (`openclaw.compat`,
    /// `openclaw.build`, package name and version) as errors, and check
    /// that every `openclaw.extensions` entry file exists.
    pub publish: bool,
}

impl CheckOptions {
    /// The defaults: publication requirements are warnings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`CheckOptions::publish`].
    pub fn publish(mut self, publish: bool) -> Self {
        self.publish = publish;
        self
    }
}

/// The outcome of [`check_plugin`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PluginCheck {
    /// The manifest file that was (or would have been) read.
    pub manifest_file: PathBuf,
    /// The manifest, when OpenClaw 2026.9.6 would load it.
    pub manifest: Option<PluginManifest>,
    /// `package.json`, when present and readable.
    pub package: Option<PackageManifest>,
    /// Every problem in both files.
    pub diagnostics: Diagnostics,
}

impl PluginCheck {
    /// Whether the plugin is valid: a loadable manifest and no error
    /// (warnings are allowed).
    pub fn is_valid(&self) -> bool {
        self.manifest.is_some() && !self.diagnostics.has_errors()
    }

    /// Whether OpenClaw 2026.9.6's manifest loader accepts the manifest: it
    /// was found, opened and parsed, and none of OpenClaw's own errors
    /// ([`DiagnosticSource::OpenClaw`]) is in it. A plugin can load and still
    /// be invalid because of clawkit's stricter lints.
    pub fn loads(&self) -> bool {
        self.manifest.is_some()
    }
}

/// Checks a plugin: `path` is a plugin folder or a manifest file. A
/// `package.json` beside the manifest is checked too.
///
/// Only a `path` that does not exist is an `Err`; everything else, including
/// a folder with no manifest, is reported in [`PluginCheck::diagnostics`].
///
/// ```no_run
/// use clawkit_manifest::{CheckOptions, check_plugin};
///
/// let check = check_plugin("examples/acme-ai", &CheckOptions::new())?;
/// for problem in &check.diagnostics {
///     eprintln!("{problem}");
/// }
/// assert!(check.is_valid());
/// # Ok::<(), clawkit_manifest::ManifestError>(())
/// ```
pub fn check_plugin(
    path: impl AsRef<Path>,
    options: &CheckOptions,
) -> Result<PluginCheck, ManifestError> {
    let path = path.as_ref();
    let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ManifestError::NotFound {
            path: path.to_path_buf(),
        },
        _ => ManifestError::Read {
            path: path.to_path_buf(),
            source: e,
        },
    })?;
    let (manifest_file, folder) = if metadata.is_dir() {
        (path.join(MANIFEST_FILE_NAME), path.to_path_buf())
    } else {
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (path.to_path_buf(), folder)
    };
    let manifest_name = manifest_file.display().to_string();
    let mut diagnostics = Diagnostics::new();

    let manifest = match open_manifest_file(&manifest_file, &manifest_name) {
        Ok(ManifestFile::Bytes(bytes)) => {
            let (manifest, found) = PluginManifest::parse(&bytes, &manifest_name).into_parts();
            diagnostics.extend(found);
            manifest
        }
        Ok(ManifestFile::Refused(message)) => {
            diagnostics.push(
                Diagnostic::for_file(Severity::Error, &manifest_name, message)
                    .with_source(DiagnosticSource::OpenClaw),
            );
            None
        }
        Err(ManifestError::NotFound { .. }) => {
            diagnostics.push(
                Diagnostic::for_file(
                    Severity::Error,
                    &manifest_name,
                    format!("plugin manifest not found: {manifest_name}"),
                )
                .with_source(DiagnosticSource::OpenClaw),
            );
            None
        }
        Err(e) => {
            diagnostics.push(Diagnostic::for_file(
                Severity::Error,
                &manifest_name,
                format!("failed to read plugin manifest: {}", io_reason(&e)),
            ));
            None
        }
    };

    let package_file = folder.join(PACKAGE_FILE_NAME);
    let package_name = package_file.display().to_string();
    let package = match source::read_capped(&package_file, MAX_PACKAGE_BYTES) {
        Ok(Some(bytes)) => {
            let entries = options.publish.then_some(folder.as_path());
            let (package, found) = crate::package::parse_package(
                &bytes,
                &package_name,
                manifest.as_ref(),
                options.publish,
                entries,
            )
            .into_parts();
            diagnostics.extend(found);
            package
        }
        Ok(None) => {
            diagnostics.push(Diagnostic::for_file(
                Severity::Error,
                &package_name,
                crate::package::too_large_message(),
            ));
            None
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if options.publish {
                diagnostics.push(Diagnostic::for_file(
                    Severity::Error,
                    &package_name,
                    "ClawHub publication requires a package.json with an openclaw block",
                ));
            }
            None
        }
        Err(e) => {
            diagnostics.push(Diagnostic::for_file(
                Severity::Error,
                &package_name,
                format!("failed to read package.json: {e}"),
            ));
            None
        }
    };

    Ok(PluginCheck {
        manifest_file,
        manifest,
        package,
        diagnostics,
    })
}

fn io_reason(e: &ManifestError) -> String {
    match e {
        ManifestError::Read { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}
