//! `reference-runtime`: the clawkit reference orchestrator on its own.
//!
//! ```text
//! reference-runtime [--addr HOST:PORT] [--config FILE|demo] [--failing WORKER]...
//! ```
//!
//! Serves the Claw3D custom-runtime boundary on `--addr` (default
//! `127.0.0.1:7770`, Claw3D's default `custom` URL) with the roles of
//! `--config` (a JSON file, or `demo`, the default). `--failing WORKER`
//! starts a worker marked failing. The first stdout line is
//! `listening on http://HOST:PORT`; Ctrl-C stops it.

use std::process::ExitCode;
use std::time::Duration;

use custom_runtime::orchestrator::{Orchestrator, OrchestratorConfig};

const USAGE: &str =
    "usage: reference-runtime [--addr HOST:PORT] [--config FILE|demo] [--failing WORKER]...";

/// How long Ctrl-C waits for the requests in flight.
const GRACE: Duration = Duration::from_secs(10);

struct Args {
    addr: String,
    config: String,
    failing: Vec<String>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        addr: "127.0.0.1:7770".to_owned(),
        config: "demo".to_owned(),
        failing: Vec::new(),
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--addr" => parsed.addr = value()?,
            "--config" => parsed.config = value()?,
            "--failing" => parsed.failing.push(value()?),
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("reference-runtime: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("reference-runtime: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("reference-runtime: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let config = if args.config == "demo" {
        OrchestratorConfig::demo()
    } else {
        OrchestratorConfig::from_file(&args.config).map_err(|e| e.to_string())?
    };
    let orchestrator = Orchestrator::new(config).map_err(|e| e.to_string())?;
    for worker in &args.failing {
        orchestrator
            .mark_failing(worker, "marked failing with --failing")
            .map_err(|e| e.to_string())?;
    }
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let server = orchestrator.serve(listener).map_err(|e| e.to_string())?;
    println!("listening on {}", server.url());
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    match tokio::time::timeout(GRACE, server.shutdown()).await {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(_) => Err(format!(
            "requests still running after {} s; stopping anyway",
            GRACE.as_secs()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Option<Args>, String> {
        parse(list.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn flags_parse_in_both_forms() {
        let parsed = args(&[
            "--addr=0.0.0.0:1",
            "--config",
            "x.json",
            "--failing",
            "a",
            "--failing=b",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(parsed.addr, "0.0.0.0:1");
        assert_eq!(parsed.config, "x.json");
        assert_eq!(parsed.failing, ["a", "b"]);
        assert!(args(&["--help"]).unwrap().is_none());
        assert_eq!(args(&["--addr"]).err().unwrap(), "--addr needs a value");
        assert!(args(&["serve"]).is_err());
    }
}
