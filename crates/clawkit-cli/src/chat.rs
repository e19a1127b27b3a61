//! `clawkit chat`: one turn through the whole pipeline
//! ([`Runtime::stream`](clawkit_core::Runtime::stream)), streaming the
//! answer to stdout.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use clawkit_core::{
    Cancellation, CoreError, Env, ErrorKind, StreamEvent, ThinkingLevel, Tool, TraceHandle, Turn,
    TurnRequest,
};
use futures::StreamExt;
use serde_json::Value;
use url::Url;

use crate::history::History;
use crate::input::InputError;
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
    /// The system prompt (after the text of the --history file's system messages).
    #[arg(long, value_name = "TEXT")]
    system: Option<String>,
    /// Earlier turns: a JSON array of OpenAI-style chat messages (user,
    /// assistant with tool_calls and reasoning_content, tool, system); the
    /// prompt is the new user turn after them.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Tools the model may call: a JSON array of {"name", "description",
    /// "parameters"} or OpenAI's {"type": "function", "function": {…}}.
    #[arg(long, value_name = "FILE")]
    tools: Option<PathBuf>,
    /// The thinking level asked for (clamped to what the model can do).
    #[arg(long, value_name = "LEVEL", value_enum)]
    think: Option<Think>,
    /// An extra param for the turn (repeatable): VALUE is JSON when it
    /// parses (true, 0.2, "flex", {…}), else the string as written.
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_param)]
    params: Vec<(String, Value)>,
    /// Print every normalized event as one JSON object per line, instead of the text.
    #[arg(long)]
    events: bool,
    /// Print the hook trace to stderr at the end.
    #[arg(long)]
    trace: bool,
    /// The prompt; `-` reads it from stdin.
    prompt: String,
}

/// `--think LEVEL`: the `/think` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Think {
    Off,
    Minimal,
    Low,
    Medium,
    High,
    #[value(name = "xhigh")]
    XHigh,
    Max,
    Adaptive,
}

impl From<Think> for ThinkingLevel {
    fn from(level: Think) -> Self {
        match level {
            Think::Off => ThinkingLevel::Off,
            Think::Minimal => ThinkingLevel::Minimal,
            Think::Low => ThinkingLevel::Low,
            Think::Medium => ThinkingLevel::Medium,
            Think::High => ThinkingLevel::High,
            Think::XHigh => ThinkingLevel::XHigh,
            Think::Max => ThinkingLevel::Max,
            Think::Adaptive => ThinkingLevel::Adaptive,
        }
    }
}

/// `KEY=VALUE`: the value as JSON when it parses, else as the string written.
fn parse_param(arg: &str) -> Result<(String, Value), String> {
    let (key, value) = arg
        .split_once('=')
        .ok_or_else(|| "expected KEY=VALUE".to_owned())?;
    let key = key.trim();
    if key.is_empty() {
        return Err("expected KEY=VALUE with a non-empty KEY".to_owned());
    }
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
    Ok((key.to_owned(), value))
}

/// What the files of `--history` and `--tools` hold, with the prompt.
struct TurnInput {
    prompt: String,
    history: History,
    tools: Vec<Tool>,
}

/// Reads `--history` and `--tools`.
fn read_files(args: &ChatArgs) -> Result<(History, Vec<Tool>), InputError> {
    let history = match &args.history {
        Some(file) => crate::history::read(file)?,
        None => History::default(),
    };
    let tools = match &args.tools {
        Some(file) => crate::tools::read("--tools", file)?,
        None => Vec::new(),
    };
    Ok((history, tools))
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
    let (history, tools) = match read_files(&args) {
        Ok(read) => read,
        Err(error) => {
            eprintln!("clawkit: {error}");
            return ExitCode::from(crate::EXIT_USAGE);
        }
    };
    let input = TurnInput {
        prompt,
        history,
        tools,
    };
    let trace = TraceHandle::default();
    let outcome = block_on(chat(&args, plugins, input, &trace))
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
    input: TurnInput,
    cancellation: &Cancellation,
    trace: &TraceHandle,
) -> Result<Turn, NotStarted> {
    let runtime = runtime(Env::from_process(), plugins)?;
    let TurnInput {
        prompt,
        history,
        tools,
    } = input;
    let mut request = TurnRequest::prompt(&args.model, prompt)
        .history(history.messages)
        .tools(tools)
        .cancellation(cancellation.clone())
        .trace_into(trace.clone());
    let system: Vec<String> = history
        .system
        .into_iter()
        .chain(args.system.clone())
        .collect();
    if !system.is_empty() {
        request = request.system_prompt(system.join("\n\n"));
    }
    if let Some(level) = args.think {
        request = request.thinking(level.into());
    }
    for (key, value) in &args.params {
        request = request.param(key.clone(), value.clone());
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

async fn chat(
    args: &ChatArgs,
    plugins: &Plugins,
    input: TurnInput,
    trace: &TraceHandle,
) -> Outcome {
    let cancellation = Cancellation::new();
    let mut events = match start(args, plugins, input, &cancellation, trace).await {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_param_is_json_when_it_parses_else_the_string_written() {
        let parsed = |arg: &str| parse_param(arg).unwrap();
        assert_eq!(
            parsed("fastMode=true"),
            ("fastMode".to_owned(), json!(true))
        );
        assert_eq!(
            parsed("serviceTier=\"flex\""),
            ("serviceTier".to_owned(), json!("flex"))
        );
        assert_eq!(
            parsed("serviceTier=flex"),
            ("serviceTier".to_owned(), json!("flex"))
        );
        assert_eq!(
            parsed("temperature=0.2"),
            ("temperature".to_owned(), json!(0.2))
        );
        assert_eq!(parsed("n=007"), ("n".to_owned(), json!("007")));
        assert_eq!(
            parsed("stop=[\"a=b\"]"),
            ("stop".to_owned(), json!(["a=b"]))
        );
        assert_eq!(parsed("empty="), ("empty".to_owned(), json!("")));
        assert!(parse_param("novalue").is_err());
        assert!(parse_param("=1").is_err());
    }

    #[test]
    fn every_think_level_maps_onto_core() {
        let levels: Vec<ThinkingLevel> = Think::value_variants()
            .iter()
            .map(|l| (*l).into())
            .collect();
        let names: Vec<Value> = levels
            .iter()
            .map(|l| serde_json::to_value(l).unwrap())
            .collect();
        let flags: Vec<String> = Think::value_variants()
            .iter()
            .filter_map(|l| l.to_possible_value().map(|v| v.get_name().to_owned()))
            .collect();
        assert_eq!(
            flags,
            [
                "off", "minimal", "low", "medium", "high", "xhigh", "max", "adaptive"
            ]
        );
        // The flag's name is core's serde name for the same level.
        assert_eq!(names, flags.iter().map(|f| json!(f)).collect::<Vec<_>>());
    }
}
