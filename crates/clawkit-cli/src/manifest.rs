//! `clawkit manifest check` and `clawkit manifest schema`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use clawkit_manifest::{
    CheckOptions, ConfigValidator, Diagnostics, ManifestError, check_plugin, manifest_json_schema,
    package_json_schema,
};
use serde::Serialize;

use crate::EXIT_USAGE;

#[derive(Debug, Subcommand)]
pub(crate) enum ManifestCommand {
    /// Check a plugin folder or manifest file, and its package.json.
    ///
    /// Errors OpenClaw 2026.9.6 itself reports are marked `error[openclaw]`
    /// (OpenClaw refuses to load the plugin); the others are clawkit's
    /// stricter lints. Exit status: 0 valid (warnings allowed), 1 invalid
    /// (any error, OpenClaw's or clawkit's; including a folder without
    /// openclaw.plugin.json), 2 usage error or PATH does not exist.
    Check(CheckArgs),
    /// Print the JSON Schema of openclaw.plugin.json.
    Schema(SchemaArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// A plugin folder, or a manifest file.
    path: PathBuf,
    /// Print {"valid": …, "loads": …, "diagnostics": […]} on stdout instead of a report on stderr.
    #[arg(long)]
    json: bool,
    /// Treat ClawHub publication requirements (openclaw.compat, openclaw.build) as errors,
    /// and check that every openclaw.extensions entry file exists.
    #[arg(long)]
    publish: bool,
    /// Also validate this plugin config file (JSON or JSON5) against the manifest's configSchema.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// Print the schema of package.json's openclaw block instead.
    #[arg(long)]
    package: bool,
}

pub(crate) fn run(command: ManifestCommand) -> ExitCode {
    match command {
        ManifestCommand::Check(args) => check(&args),
        ManifestCommand::Schema(args) => schema(&args),
    }
}

#[derive(Serialize)]
struct CheckOutput<'a> {
    /// clawkit's verdict: OpenClaw loads it and no error at all.
    valid: bool,
    /// OpenClaw 2026.9.6's verdict on openclaw.plugin.json alone.
    loads: bool,
    diagnostics: &'a Diagnostics,
}

fn check(args: &CheckArgs) -> ExitCode {
    let options = CheckOptions::new().publish(args.publish);
    let mut check = match check_plugin(&args.path, &options) {
        Ok(check) => check,
        Err(e @ ManifestError::NotFound { .. }) => return usage_error(&e.to_string()),
        Err(e) => return usage_error(&error_chain(&e)),
    };
    if let Some(config_path) = &args.config {
        let bytes = match read_config(config_path) {
            Ok(bytes) => bytes,
            Err(code) => return code,
        };
        // Without a loadable manifest or a usable schema, the manifest check
        // has already reported why.
        let validator = check.manifest.as_ref().map(ConfigValidator::new);
        if let Some(Ok(validator)) = validator {
            let name = config_path.display().to_string();
            check
                .diagnostics
                .extend(validator.check_source(&bytes, &name));
        }
    }
    let valid = check.is_valid();
    let loads = check.loads();
    if args.json {
        let output = CheckOutput {
            valid,
            loads,
            diagnostics: &check.diagnostics,
        };
        match serde_json::to_string_pretty(&output) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: failed to write JSON: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        let color = stderr_color();
        let mut stderr = std::io::stderr().lock();
        for diagnostic in &check.diagnostics {
            let _ = writeln!(stderr, "{}", diagnostic.render(color));
        }
        let file = check.manifest_file.display().to_string();
        let id = check.manifest.as_ref().map(|m| m.id.as_str());
        println!("{}", summary(&file, valid, loads, &check.diagnostics, id));
    }
    if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn read_config(path: &std::path::Path) -> Result<Vec<u8>, ExitCode> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .map_err(|e| usage_error(&format!("cannot read config file {}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    // One byte past the cap, so the validator can report the file as too large.
    file.take(clawkit_manifest::MAX_MANIFEST_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| usage_error(&format!("cannot read config file {}: {e}", path.display())))?;
    Ok(bytes)
}

/// `valid: plugin "id" in FILE (N errors, M warnings)`, or `invalid: FILE
/// (…)` followed by whether OpenClaw loads the manifest anyway.
fn summary(
    file: &str,
    valid: bool,
    loads: bool,
    diagnostics: &Diagnostics,
    id: Option<&str>,
) -> String {
    let errors = diagnostics.errors().count();
    let warnings = diagnostics.warnings().count();
    let counts = format!(
        "{errors} {}, {warnings} {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    match (valid, loads, id) {
        (true, _, Some(id)) => format!("valid: plugin \"{id}\" in {file} ({counts})"),
        (_, true, _) => {
            format!("invalid: {file} ({counts}); OpenClaw would still load the manifest")
        }
        _ => format!("invalid: {file} ({counts}); OpenClaw refuses to load the manifest"),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

fn schema(args: &SchemaArgs) -> ExitCode {
    let schema = if args.package {
        package_json_schema()
    } else {
        manifest_json_schema()
    };
    match serde_json::to_string_pretty(&schema) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: failed to write the schema: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}

/// Whether diagnostics on stderr get colors: a terminal, and `NO_COLOR` unset.
pub(crate) fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// An error and its causes on one line.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
