//! Acme AI's own `clawkit` command line, in three lines (named `acme-cli`
//! so that it does not clash with zeta-ai's `cli` in this workspace):
//! `cargo run -p acme-ai --example acme-cli -- chat --model acme-ai/acme-large --trace "hi"`.

fn main() -> std::process::ExitCode {
    clawkit_cli::run_with(|runtime| Ok(runtime.plugin(acme_ai::plugin()?)))
}
