//! The `clawkit` binary, driven exactly as the CLI contract describes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod chat;
mod custom;
mod doctor;
mod help;
mod manifest_check;
mod manifest_schema;
mod models_list;
mod pack;
mod plugin;
mod secrets;
mod serve;
mod turn;
mod turn_input;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the built `clawkit` binary with `args`, without colors.
pub(crate) fn clawkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clawkit"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `clawkit chat ARGS` with only `env` and no stdin, run off the async
/// runtime that serves the test's server.
pub(crate) async fn chat_off_runtime(args: &[&str], env: &[(&str, &str)]) -> Output {
    let args: Vec<String> = std::iter::once("chat")
        .chain(args.iter().copied())
        .map(str::to_owned)
        .collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        clawkit_with_env(&args, &env)
    })
    .await
    .unwrap()
}

/// Runs the built binary with only `env` (and no inherited variables), so
/// that no key from the machine running the tests leaks in.
pub(crate) fn clawkit_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clawkit"))
        .args(args)
        .env_clear()
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The repository's `examples/acme-ai` folder.
pub(crate) fn acme_ai() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-ai")
}

/// A fresh folder for one test.
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
