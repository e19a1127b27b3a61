//! One streamed chat through the `LlmBackend` facade, against any
//! OpenAI-compatible server: what `scripts/interop.sh` drives against
//! real servers (LiteLLM, llama-cpp-python).
//!
//! ```sh
//! cargo run -p clawkit-providers --example interop_chat -- \
//!     --base-url http://127.0.0.1:8000/v1 --model gemma [--max-tokens N] [--temperature T] [--param KEY=VALUE]... [--tool] PROMPT
//! ```
//!
//! The `openai-compatible` backend (`Backends::from_runtime`) is pointed at
//! `--base-url` (as `OPENAI_COMPATIBLE_BASE_URL` would), and `chat_stream`
//! runs one turn. Every normalized event is printed on stdout as one JSON
//! line, in the shape `clawkit chat --events` prints. `--param KEY=VALUE`
//! adds an extra param (`ChatRequest::with_param`; `VALUE` is JSON when it
//! parses, else the string, as for `clawkit chat --param`). `--tool` offers
//! a `get_weather(city)` tool and forces it with `tool_choice`.
//!
//! On stderr, one line of figures:
//! `interop_chat: first_event_ms=… first_text_ms=… total_ms=… text_deltas=…`.
//! Exit status: 0 when the stream ended with `done`; 1 when it ended with an
//! `error` (stderr says `interop_chat: error kind=<kind>: <message>`), or
//! without a terminal event; 2 on a usage error.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clawkit_core::{Context, Env, Runtime, StreamEvent, Tool};
use clawkit_http::{BuiltinTransports, HttpClient};
use clawkit_providers::{Backends, ChatRequest};
use futures::StreamExt;
use serde_json::json;

const USAGE: &str = "usage: interop_chat --base-url URL --model MODEL [--max-tokens N] [--temperature T] [--param KEY=VALUE]... [--tool] PROMPT";

/// The command line.
struct Args {
    base_url: String,
    model: String,
    max_tokens: Option<u64>,
    temperature: Option<f64>,
    params: Vec<(String, serde_json::Value)>,
    tool: bool,
    prompt: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut base_url, mut model, mut max_tokens, mut temperature, mut tool, mut prompt) =
        (None, None, None, None, false, None);
    let mut params = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--base-url" => base_url = args.next(),
            "--model" => model = args.next(),
            "--max-tokens" => {
                let value = args.next().ok_or("--max-tokens needs a value")?;
                max_tokens = Some(
                    value
                        .parse()
                        .map_err(|_| "--max-tokens takes a whole number")?,
                );
            }
            "--temperature" => {
                let value = args.next().ok_or("--temperature needs a value")?;
                temperature = Some(value.parse().map_err(|_| "--temperature takes a number")?);
            }
            "--param" => {
                let value = args.next().ok_or("--param needs KEY=VALUE")?;
                let (key, value) = value.split_once('=').ok_or("--param needs KEY=VALUE")?;
                let value =
                    serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::from(value));
                params.push((key.to_owned(), value));
            }
            "--tool" => tool = true,
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}")),
            _ if prompt.is_none() => prompt = Some(arg),
            _ => return Err("one prompt only".to_owned()),
        }
    }
    Ok(Args {
        base_url: base_url.ok_or("--base-url is required")?,
        model: model.ok_or("--model is required")?,
        max_tokens,
        temperature,
        params,
        tool,
        prompt: prompt.ok_or("a prompt is required")?,
    })
}

/// The request: the prompt, and with `--tool` one tool, forced.
fn request(args: &Args) -> ChatRequest {
    let mut context = Context::user(args.prompt.clone());
    let mut request = if args.tool {
        context = context.with_tool(Tool::new(
            "get_weather",
            "The current weather of a city",
            json!({
                "type": "object",
                "properties": {"city": {"type": "string", "description": "The city"}},
                "required": ["city"]
            }),
        ));
        ChatRequest::new(args.model.clone(), context).with_param(
            "tool_choice",
            json!({"type": "function", "function": {"name": "get_weather"}}),
        )
    } else {
        ChatRequest::new(args.model.clone(), context)
    };
    if let Some(max_tokens) = args.max_tokens {
        request = request.with_max_tokens(max_tokens);
    }
    if let Some(temperature) = args.temperature {
        request = request.with_temperature(temperature);
    }
    for (key, value) in &args.params {
        request = request.with_param(key.clone(), value.clone());
    }
    request
}

async fn run(args: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let client = HttpClient::new()?;
    let env = Env::from_process().with(
        clawkit_providers::openai_compatible::BASE_URL_ENV,
        args.base_url.clone(),
    );
    let mut builder = Runtime::builder()
        .env(env)
        .transports(BuiltinTransports::new(client.clone()));
    for plugin in clawkit_providers::builtin_plugins()? {
        builder = builder.plugin(plugin);
    }
    let backends = Backends::from_runtime(Arc::new(builder.build()?), client);
    let backend = backends.backend(clawkit_providers::openai_compatible::PROVIDER_ID)?;

    let started = Instant::now();
    let (mut first_event, mut first_text, mut text_deltas) = (None, None, 0_u64);
    let mut terminal = None;
    let mut events = backend.chat_stream(request(&args));
    while let Some(event) = events.next().await {
        first_event.get_or_insert_with(|| started.elapsed());
        if let StreamEvent::TextDelta { .. } = event {
            first_text.get_or_insert_with(|| started.elapsed());
            text_deltas += 1;
        }
        println!("{}", serde_json::to_string(&event)?);
        if event.is_terminal() {
            terminal = Some(event);
        }
    }
    let ms = |at: Option<std::time::Duration>| {
        at.map_or_else(|| "-".to_owned(), |d| d.as_millis().to_string())
    };
    eprintln!(
        "interop_chat: first_event_ms={} first_text_ms={} total_ms={} text_deltas={text_deltas}",
        ms(first_event),
        ms(first_text),
        started.elapsed().as_millis()
    );
    Ok(match terminal {
        Some(StreamEvent::Done { .. }) => ExitCode::SUCCESS,
        Some(StreamEvent::Error { kind, message, .. }) => {
            eprintln!("interop_chat: error kind={kind}: {message}");
            ExitCode::FAILURE
        }
        _ => {
            eprintln!("interop_chat: the stream ended without a terminal event");
            ExitCode::FAILURE
        }
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("interop_chat: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("interop_chat: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("interop_chat: {error}");
            ExitCode::FAILURE
        }
    }
}
