//! `clawkit serve` through the built binary: the first line, `/v1/models`,
//! a stop on SIGTERM, and the usage errors.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{clawkit, clawkit_with_env, stderr, stdout, temp_dir};

/// `clawkit serve ARGS` with an empty environment, stdin, stdout and
/// stderr piped.
fn spawn_serve(args: &[&str]) -> Child {
    spawn_serve_with(args, &[])
}

/// `clawkit serve ARGS` with only `env` (and `NO_COLOR`) in its environment.
pub(crate) fn spawn_serve_with(args: &[&str], env: &[(&str, &str)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_clawkit"))
        .arg("serve")
        .args(args)
        .env_clear()
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// What `child` wrote on stderr, to its end.
pub(crate) fn stderr_to_end(child: &mut Child) -> String {
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    err
}

/// A plain HTTP/1.1 GET: the status and the body.
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

/// Waits for `child` to exit, killing it after `limit`.
fn wait(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("clawkit serve did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_prints_its_address_answers_models_and_stops_on_sigterm() {
    let mut child = spawn_serve(&["--addr", "127.0.0.1:0"]);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .strip_prefix("listening on http://127.0.0.1:")
        .map(|port| format!("127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("first line: {first:?}"));
    assert!(
        addr.rsplit_once(':')
            .unwrap()
            .1
            .parse::<u16>()
            .is_ok_and(|p| p != 0)
    );

    let (status, body) = get(&addr, "/v1/models");
    assert_eq!(status, 200, "{body}");
    let listed: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(listed["object"], "list");
    let ids: BTreeSet<String> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            assert_eq!(m["object"], "model");
            assert_eq!(
                m["owned_by"].as_str().unwrap(),
                m["id"].as_str().unwrap().split('/').next().unwrap()
            );
            m["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert!(ids.contains("acme-ai/acme-large"), "{ids:?}");
    // The rows `models list --all` shows, in the same environment.
    let rows: Value = serde_json::from_str(&stdout(&clawkit_with_env(
        &["models", "list", "--all", "--json"],
        &[],
    )))
    .unwrap();
    let rows: BTreeSet<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r["provider"].as_str().unwrap(),
                r["id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(ids, rows);
    let (status, body) = get(&addr, "/v1/nothing-here");
    assert_eq!(status, 404);
    assert!(body.contains("\"code\":\"unknown_url\""), "{body}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait(&mut child, Duration::from_secs(20));
    assert_eq!(status.code(), Some(0));
    assert!(lines.next().is_none(), "one line on stdout");
    let err = stderr_to_end(&mut child);
    assert!(err.contains("GET /v1/models 200"), "{err}");
    assert!(err.contains("terminated: stopping"), "{err}");
}

#[test]
fn serve_usage_errors_exit_2() {
    let dir = temp_dir("serve-config");
    let config = dir.join("serve.json");
    std::fs::write(
        &config,
        r#"{"limits": {"maxConcurrentStreams": 4, "maxBody": 1}}"#,
    )
    .unwrap();
    let output = clawkit(&["serve", "--config", config.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "clawkit: --config {}: at /limits/maxBody: unknown key (expected \"maxBodyBytes\", \"maxConcurrentStreams\" or \"requestTimeoutSecs\")\n",
            config.display()
        )
    );
    assert_eq!(stdout(&output), "");

    std::fs::write(
        &config,
        r#"{"providers": {"nope": {"baseUrl": "http://127.0.0.1:1/v1"}}}"#,
    )
    .unwrap();
    let output = clawkit(&["serve", "--config", config.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("at /providers/nope/baseUrl: unknown provider (serving: "),
        "{}",
        stderr(&output)
    );

    let missing = dir.join("missing.json");
    let output = clawkit(&["serve", "--config", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read"),
        "{}",
        stderr(&output)
    );

    let output = clawkit(&["serve", "--addr", "8787"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("clawkit: --addr: expected HOST:PORT"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn serve_cannot_listen_on_a_taken_port_exits_1() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = clawkit_with_env(&["serve", "--addr", &addr], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with(&format!("clawkit: cannot listen on {addr}: ")),
        "{}",
        stderr(&output)
    );
    assert_eq!(stdout(&output), "");
}

#[test]
fn serve_has_help() {
    let help = stdout(&clawkit(&["serve", "--help"]));
    for flag in ["--addr", "--config", "--plugin", "127.0.0.1:8787"] {
        assert!(help.contains(flag), "{flag} not in serve --help");
    }
    assert!(stdout(&clawkit(&["--help"])).contains("serve"));
}

#[test]
fn a_sidecar_wants_a_key_per_request_and_stops_when_its_stdin_closes() {
    let mut child = spawn_serve(&[
        "--sidecar",
        "--addr",
        "127.0.0.1:0",
        "--base-url",
        "acme-ai=http://127.0.0.1:9/v1",
    ]);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();
    let (status, body) = get(&addr, "/providers/acme-ai/v1/models");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"id\":\"acme-large\""), "{body}");

    // A chat completion without a key is refused before anything is sent.
    let mut stream = TcpStream::connect(&addr).unwrap();
    let request = r#"{"model":"acme-large","messages":[{"role":"user","content":"hi"}]}"#;
    write!(
        stream,
        "POST /providers/acme-ai/v1/chat/completions HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{request}",
        request.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert!(response.contains("missing_api_key"), "{response}");

    // The host goes away: its end of stdin closes, the sidecar stops.
    drop(child.stdin.take());
    let status = wait(&mut child, Duration::from_secs(20));
    assert_eq!(status.code(), Some(0));
    let err = stderr_to_end(&mut child);
    assert!(err.contains("stdin closed: stopping"), "{err}");
}

#[test]
fn a_bad_base_url_flag_is_a_usage_error_that_keeps_the_url_to_itself() {
    for (given, says) in [
        ("acme-ai", "expected PROVIDER=URL"),
        (
            "nobody=http://127.0.0.1:9/v1",
            "unknown provider \"nobody\"",
        ),
        (
            "acme-ai=ftp://user:hunter2@host/v1",
            "acme-ai: not an http(s) URL",
        ),
    ] {
        let output = clawkit(&["serve", "--base-url", given]);
        assert_eq!(output.status.code(), Some(2), "{given}");
        let err = stderr(&output);
        assert!(err.contains(says), "{given}: {err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
    // A sidecar reads its upstreams from the environment: one that is not a
    // URL is said (without its value) and ignored, not fatal.
    let mut child = spawn_serve_with(
        &["--sidecar", "--addr", "127.0.0.1:0"],
        &[("ACME_AI_BASE_URL", "ftp://user:hunter2@host/v1")],
    );
    let first = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    assert!(first.starts_with("listening on http://"), "{first}");
    drop(child.stdin.take());
    assert_eq!(wait(&mut child, Duration::from_secs(20)).code(), Some(0));
    let err = stderr_to_end(&mut child);
    assert!(
        err.contains("ACME_AI_BASE_URL: not an http(s) URL; acme-ai keeps its own endpoint"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}
