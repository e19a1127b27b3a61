//! Acme AI's own `clawkit` command line, in three lines:
//! `cargo run -p acme-ai --example cli -- chat --model acme-ai/acme-large --trace "hi"`.

fn main() -> std::process::ExitCode {
    clawkit_cli::run_with(|runtime| Ok(runtime.plugin(acme_ai::plugin()?)))
}
