//! The `clawkit` command line, as a library: a plugin crate gets its own
//! `clawkit` (with `chat --trace`, `models list`, `doctor`, `serve`)
//! running its providers beside the built-in ones.
//!
//! ```no_run
//! // examples/cli.rs of a plugin crate:
//! fn main() -> std::process::ExitCode {
//!     clawkit_cli::run_with(|runtime| Ok(runtime.plugin(acme_ai::plugin()?)))
//! }
//! ```
//!
//! Then `cargo run --example cli -- chat --model acme-ai/acme-large --trace "hi"`
//! (acme-ai's is `examples/acme-ai/examples/acme-cli.rs`).
//! The commands, flags, output shapes and exit codes are a contract (see
//! `docs/cli.md`): tests outside this repository drive them exactly.

mod chat;
mod doctor;
mod history;
mod input;
mod manifest;
mod models;
mod pack;
mod plugin_dir;
mod runtime;
mod serve;
mod tools;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{CommandFactory, Parser, Subcommand};
use clawkit_core::RuntimeBuilder;

pub use runtime::RegisterPlugins;

/// Build, check and run LLM provider plugins for OpenClaw.
#[derive(Debug, Parser)]
#[command(name = "clawkit", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read, check and describe plugin manifests (openclaw.plugin.json).
    #[command(subcommand)]
    Manifest(manifest::ManifestCommand),
    /// Send a prompt through the whole pipeline and stream the answer.
    ///
    /// Exit status: 0 answered, 1 provider or auth error (the message names
    /// the env var to set, or the HTTP status and request id) or an invalid
    /// --plugin folder, 2 usage (a --plugin folder that does not exist, a
    /// missing or malformed --history or --tools file, an unknown --think
    /// level), 130 cancelled with Ctrl-C.
    Chat(Box<chat::ChatArgs>),
    /// Check every provider's credentials and local servers; secrets are never printed.
    Doctor,
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// List the models of the built-in providers (and of --plugin folders).
    #[command(subcommand)]
    Models(models::ModelsCommand),
    /// Check tool schemas against a model's provider.
    #[command(subcommand)]
    Tools(tools::ToolsCommand),
    /// Serve every provider behind an OpenAI-compatible API
    /// (POST /v1/chat/completions, streaming or not; GET /v1/models).
    ///
    /// The first line on stdout is `listening on http://HOST:PORT`; requests
    /// are logged on stderr. Runs until Ctrl-C or SIGTERM, then stops
    /// gracefully (exit 0). Exit status 1 when the address cannot be bound
    /// or a --plugin folder is invalid, 2 usage (a malformed --addr, a
    /// --config file that cannot be read or is malformed, a --plugin folder
    /// that does not exist).
    Serve(serve::ServeArgs),
    /// Write a plugin of this command line as an OpenClaw plugin package
    /// (manifest, package.json, index.js, and this binary as its sidecar)
    /// that `openclaw plugins install DIR` accepts.
    ///
    /// Exit status: 0 written, 1 the plugin cannot be packed (why on
    /// stderr), 2 usage (no plugin to pack, an unknown --plugin-id).
    Pack(pack::PackArgs),
}

/// Exit code for usage errors and paths that do not exist.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Runs the command line (arguments from the process) with the built-in
/// providers and the plugins `register` adds to the runtime builder;
/// returns the exit status to end the process with.
pub fn run_with<F>(register: F) -> ExitCode
where
    F: Fn(RuntimeBuilder) -> Result<RuntimeBuilder, Box<dyn std::error::Error + Send + Sync>>
        + Send
        + Sync
        + 'static,
{
    let plugins = runtime::Plugins::new(Arc::new(register));
    let cli = Cli::parse();
    match cli.command {
        Command::Manifest(command) => manifest::run(command),
        Command::Models(command) => models::run(command, &plugins),
        Command::Chat(args) => chat::run(*args, &plugins),
        Command::Tools(command) => tools::run(command, &plugins),
        Command::Doctor => doctor::run(&plugins),
        Command::Serve(args) => serve::run(args, &plugins),
        Command::Pack(args) => pack::run(args, &plugins),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "clawkit",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
    }
}
