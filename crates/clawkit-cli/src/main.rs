//! The `clawkit` binary: the command line with the built-in providers and
//! the example `acme-ai` plugin.

use std::process::ExitCode;

fn main() -> ExitCode {
    clawkit_cli::run_with(|runtime| Ok(runtime.plugin(acme_ai::plugin()?)))
}
