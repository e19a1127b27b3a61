//! `--help` for every command, and shell completions.

use crate::{clawkit, stdout};

#[test]
fn every_command_has_help() {
    for args in [
        &["--help"][..],
        &["manifest", "check", "--help"],
        &["manifest", "schema", "--help"],
        &["models", "list", "--help"],
        &["chat", "--help"],
        &["doctor", "--help"],
        &["completions", "--help"],
        &["tools", "--help"],
        &["tools", "check", "--help"],
    ] {
        let output = clawkit(args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(stdout(&output).contains("Usage: clawkit"), "{args:?}");
    }
    let chat = stdout(&clawkit(&["chat", "--help"]));
    for flag in [
        "--model",
        "--plugin",
        "--base-url",
        "--system",
        "--events",
        "--trace",
        "--history",
        "--tools",
        "--think",
        "--param",
    ] {
        assert!(chat.contains(flag), "{flag} not in chat --help");
    }
    let check = stdout(&clawkit(&["tools", "check", "--help"]));
    for flag in ["--model", "--json", "<FILE>"] {
        assert!(check.contains(flag), "{flag} not in tools check --help");
    }
}

#[test]
fn completions_cover_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = clawkit(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = stdout(&output);
        for command in ["manifest", "models", "chat", "doctor", "tools"] {
            assert!(script.contains(command), "{shell}: {command} missing");
        }
    }
    assert_eq!(clawkit(&["completions", "tcsh"]).status.code(), Some(2));
}
