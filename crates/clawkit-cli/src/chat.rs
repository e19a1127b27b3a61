//! `clawkit chat`: one turn through the whole pipeline
//! ([`Runtime::stream`](clawkit_core::Runtime::stream)), streaming the
//! answer to stdout.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use clawkit_core::{
    Cancellation, CoreError, Env, ErrorKind, StreamEvent, TraceHandle, Turn, TurnRequest,
};
use futures::StreamExt;
use url::Url;

use crate::plugin_dir::{self, Failure};
use crate::runtime::{Plugins, SetupError, block_on, runtime};

/// Exit status when Ctrl-C cancelled the answer (128 + SIGINT).
const EXIT_CANCELLED: u8 = 130;

#[derive(Debug, Args)]
pub(crate) struct ChatArgs {
    /// The model, as PROVIDER/MODEL (a bare id works when a provider claims it).
    #[arg(long, value_name = "PROVIDER/MODEL")]
    model: String,
    /// Also register the manifest-only providers of this plugin folder (its
    /// openclaw.plugin.json modelCatalog rows with api and baseUrl); repeatable.
    #[arg(long, value_name = "DIR")]
    plugin: Vec<PathBuf>,
    /// Send the request to this endpoint instead of the provider's.
    #[arg(long, value_name = "URL")]
    base_url: Option<Url>,
    /// The system prompt.
    #[arg(long, value_name = "TEXT")]
    system: Option<String>,
    /// Print every normalized event as one JSON object per line, instead of the text.
    #[arg(long)]
    events: bool,
    /// Print the hook trace to stderr at the end.
    #[arg(long)]
    trace: bool,
    /// The prompt; `-` reads it from stdin.
    prompt: String,
}

/// How a chat ended.
enum Outcome {
    Done,
    Failed(String),
    Cancelled,
}

pub(crate) fn run(args: ChatArgs, plugins: &Plugins) -> ExitCode {
    let plugins = match plugin_dir::load(&args.plugin) {
        Ok(loaded) => plugins.with_manifest_only(loaded),
        Err(Failure::Usage) => return ExitCode::from(crate::EXIT_USAGE),
        Err(Failure::Invalid(message)) => {
            // `--events` promises exactly one `done` or `error`, even here.
            if args.events {
                print_error_event(ErrorKind::InvalidRequest, &message);
            }
            eprintln!("clawkit: {message}");
            return ExitCode::FAILURE;
        }
    };
    let plugins = &plugins;
    let prompt = match read_prompt(&args.prompt) {
        Ok(prompt) => prompt,
        Err(message) => {
            eprintln!("clawkit: {message}");
            return ExitCode::from(crate::EXIT_USAGE);
        }
    };
    let trace = TraceHandle::default();
    let outcome = block_on(chat(&args, plugins, prompt, &trace))
        .unwrap_or_else(|e| Outcome::Failed(format!("cannot start: {e}")));
    if args.trace {
        eprintln!("{}", trace.snapshot().render());
    }
    match outcome {
        Outcome::Done => ExitCode::SUCCESS,
        Outcome::Failed(message) => {
            eprintln!("clawkit: {message}");
            ExitCode::FAILURE
        }
        Outcome::Cancelled => {
            eprintln!("clawkit: cancelled");
            ExitCode::from(EXIT_CANCELLED)
        }
    }
}

fn read_prompt(prompt: &str) -> Result<String, String> {
    if prompt != "-" {
        return Ok(prompt.to_owned());
    }
    let mut text = String::new();
    std::io::stdin()
        .take(16 * 1024 * 1024)
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read the prompt from stdin: {e}"))?;
    Ok(text)
}

/// Why a call could not start: the stream error it stands for.
struct NotStarted {
    kind: ErrorKind,
    message: String,
}

impl From<CoreError> for NotStarted {
    fn from(error: CoreError) -> Self {
        NotStarted {
            kind: error.stream_kind(),
            message: error.to_string(),
        }
    }
}

impl From<SetupError> for NotStarted {
    fn from(error: SetupError) -> Self {
        NotStarted {
            kind: ErrorKind::InvalidRequest,
            message: error.to_string(),
        }
    }
}

/// The whole turn in one call: catalogs, model, thinking, auth, prompt,
/// history, tools, text transforms and the stream. Returns the answer's events.
async fn start(
    args: &ChatArgs,
    plugins: &Plugins,
    prompt: String,
    cancellation: &Cancellation,
    trace: &TraceHandle,
) -> Result<Turn, NotStarted> {
    let runtime = runtime(Env::from_process(), plugins)?;
    let mut request = TurnRequest::prompt(&args.model, prompt)
        .cancellation(cancellation.clone())
        .trace_into(trace.clone());
    if let Some(system) = &args.system {
        request = request.system_prompt(system.clone());
    }
    if let Some(base_url) = &args.base_url {
        request = request.base_url(base_url.clone());
    }
    Ok(runtime.stream(request).await?)
}

/// Prints the one `error` event of a call that never started.
fn print_error_event(kind: ErrorKind, message: &str) {
    let failed = StreamEvent::Error {
        kind,
        message: message.to_owned(),
        failover: None,
    };
    if let Ok(line) = serde_json::to_string(&failed) {
        println!("{line}");
    }
}

async fn chat(args: &ChatArgs, plugins: &Plugins, prompt: String, trace: &TraceHandle) -> Outcome {
    let cancellation = Cancellation::new();
    let mut events = match start(args, plugins, prompt, &cancellation, trace).await {
        Ok(turn) => turn,
        Err(NotStarted { kind, message }) => {
            // `--events` promises exactly one `done` or `error`, even here.
            if args.events {
                print_error_event(kind, &message);
            }
            return Outcome::Failed(message);
        }
    };
    // From here on, Ctrl-C cancels the request instead of killing us.
    let on_interrupt = cancellation.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });

    let mut out = std::io::stdout().lock();
    let mut outcome = Outcome::Failed("the stream ended without an answer".to_owned());
    let mut wrote_text = false;
    while let Some(event) = events.next().await {
        let written = if args.events {
            serde_json::to_string(&event)
                .map_err(std::io::Error::other)
                .and_then(|line| writeln!(out, "{line}"))
        } else if let StreamEvent::TextDelta { text, .. } = &event {
            wrote_text = true;
            write!(out, "{text}")
        } else {
            Ok(())
        };
        if written.and_then(|()| out.flush()).is_err() {
            // stdout is gone (a closed pipe): stop the call.
            cancellation.cancel();
        }
        match event {
            StreamEvent::Done { .. } => outcome = Outcome::Done,
            StreamEvent::Error { kind, message, .. } => {
                outcome = if kind == ErrorKind::Cancelled {
                    Outcome::Cancelled
                } else {
                    Outcome::Failed(message)
                };
            }
            _ => {}
        }
    }
    // End the answer's line; print nothing at all when there was none.
    if !args.events && wrote_text {
        let _ = writeln!(out);
    }
    outcome
}
