//! The `clawkit` command line.
//!
//! The commands, flags, output shapes and exit codes are a contract (see
//! `docs/cli.md`): tests outside this repository drive them exactly.

mod chat;
mod doctor;
mod manifest;
mod models;
mod runtime;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

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
    /// the env var to set, or the HTTP status and request id), 2 usage,
    /// 130 cancelled with Ctrl-C.
    Chat(chat::ChatArgs),
    /// Check every provider's credentials and local servers; secrets are never printed.
    Doctor,
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// List the models of the built-in providers.
    #[command(subcommand)]
    Models(models::ModelsCommand),
}

/// Exit code for usage errors and paths that do not exist.
pub(crate) const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Manifest(command) => manifest::run(command),
        Command::Models(command) => models::run(command),
        Command::Chat(args) => chat::run(args),
        Command::Doctor => doctor::run(),
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
