//! Zeta's own `clawkit` command line:
//! `cargo run -p zeta-ai --example cli -- chat --model zeta/zeta-exp-7 --trace "hi"`.

fn main() -> std::process::ExitCode {
    clawkit_cli::run_with(|runtime| Ok(runtime.plugin(zeta_ai::plugin()?)))
}
