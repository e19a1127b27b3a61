//! The `clawkit` binary: the command line with the built-in providers and
//! the example plugins `acme-ai` and `custom-runtime` (Claw3D's `custom`
//! provider).

use std::process::ExitCode;

fn main() -> ExitCode {
    clawkit_cli::run_with(|runtime| {
        Ok(runtime
            .plugin(acme_ai::plugin()?)
            .plugin(custom_runtime::plugin()?))
    })
}
