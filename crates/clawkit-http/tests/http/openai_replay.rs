//! Every recorded OpenAI-compatible stream, replayed through the transport:
//! one terminal event, and the text, reasoning, tool calls, usage and stop
//! reason the recording holds — computed here independently of the decoder
//! from the raw chunks.

use clawkit_core::{ErrorKind, StopReason, StreamEvent};
use clawkit_http::HttpConfig;
use clawkit_testkit::Script;
use serde_json::Value;

use crate::{assert_contract, chunks_to_sse, data, render, run_openai};

/// The OpenAI-format recordings (file, framing).
const FILES: &[&str] = &[
    "openai-compatible/openai-gpt-text.chunks.txt",
    "openai-compatible/azure-model-router.chunks.txt",
    "openai-compatible/deepseek-tool-call.chunks.txt",
    "openai-compatible/deepseek-reasoning.chunks.txt",
    "openai-compatible/deepseek-text-length.chunks.txt",
    "openai-compatible/xai-tool-call.chunks.txt",
    "openai-compatible/xai-text.chunks.txt",
    "openai-compatible/xai-tool-call-long-reasoning.chunks.txt",
    "openai-compatible/groq-tool-call.chunks.txt",
    "openai-compatible/groq-reasoning.chunks.txt",
    "openai-compatible/mistral-tool-call-no-index.chunks.txt",
    "openai-compatible/mistral-incremental-tool-call.chunks.txt",
    "openai-compatible/mistral-text.chunks.txt",
    "openai-compatible/alibaba-qwen-tool-call.chunks.txt",
    "openai-compatible/alibaba-qwen-reasoning.chunks.txt",
    "openai-compatible/HANDWRITTEN-moonshot-kimi-reasoning.chunks.txt",
    "openai-compatible/perplexity-citations.chunks.txt",
    "openai-compatible/anthropic-compat-tool-call.sse",
    "openai-python-recorded/gpt4o-text-basic.sse",
    "openai-python-recorded/gpt4o-json-schema-content.sse",
    "openai-python-recorded/gpt4o-n3-multiple-choices.sse",
    "openai-python-recorded/gpt4o-finish-length.sse",
    "openai-python-recorded/gpt4o-refusal-deltas.sse",
    "openai-python-recorded/gpt4o-content-logprobs.sse",
    "openai-python-recorded/gpt4o-refusal-logprobs.sse",
    "openai-python-recorded/gpt4o-tool-call-args-15-deltas.sse",
    "openai-python-recorded/gpt4o-parallel-tool-calls.sse",
    "openai-python-recorded/gpt4o-tool-call-strict.sse",
    "openai-python-recorded/gpt4o-tool-call-non-strict.sse",
    "openai-python-recorded/gpt4o-long-json-content.sse",
    "vercel-inline/azure-content-filter-chunks.sse",
    "vercel-inline/openai-tool-deltas-gpt35.sse",
    "vercel-inline/openai-compat-llama-duplicate-empty-tool-chunk.sse",
    "vercel-inline/openai-tool-args-coincidentally-parsable.sse",
    "vercel-inline/openai-tool-missing-type.sse",
    "vercel-inline/openai-error-first-chunk.sse",
    "vercel-inline/openai-error-numeric-code.sse",
    "vercel-inline/openai-error-after-output.sse",
    "vercel-inline/compat-empty-string-role.sse",
    "vercel-inline/compat-tool-name-in-later-chunk.sse",
    "vercel-inline/compat-tool-never-named.sse",
    "vercel-inline/compat-gemini-thought-signature-extra-content.sse",
    "vercel-inline/compat-gemini-parallel-tool-calls.sse",
    "vercel-inline/compat-error-string-code.sse",
];

/// What a recording holds, read straight from its chunks.
#[derive(Debug, Default, PartialEq)]
struct Expected {
    text: String,
    reasoning: String,
    tools: Vec<(String, String)>,
    usage: Option<(u64, u64)>,
    finish: Option<String>,
    error: bool,
}

fn expected(sse: &[u8]) -> Expected {
    let mut exp = Expected::default();
    // Tool calls by key: the wire index, else the id, else the last call.
    let mut keys: Vec<String> = Vec::new();
    for line in String::from_utf8_lossy(sse).lines() {
        let Some(payload) = line.strip_prefix("data:") else {
            continue;
        };
        let payload = payload.trim();
        if payload == "[DONE]" {
            continue;
        }
        let Ok(chunk) = serde_json::from_str::<Value>(payload) else {
            continue;
        };
        if chunk.get("error").is_some_and(|e| !e.is_null()) {
            exp.error = true;
            break;
        }
        if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
            exp.usage = Some((
                usage["prompt_tokens"].as_u64().unwrap_or(0),
                usage["completion_tokens"].as_u64().unwrap_or(0),
            ));
        }
        let Some(choice) = chunk["choices"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["index"].as_u64().unwrap_or(0) == 0))
        else {
            continue;
        };
        let delta = &choice["delta"];
        for field in ["reasoning_content", "reasoning", "reasoning_text"] {
            if let Some(text) = delta[field].as_str().filter(|t| !t.is_empty()) {
                exp.reasoning.push_str(text);
                break;
            }
        }
        for field in ["content", "refusal"] {
            if let Some(text) = delta[field].as_str() {
                exp.text.push_str(text);
            }
        }
        for call in delta["tool_calls"].as_array().into_iter().flatten() {
            let key = match (
                call["index"].as_u64(),
                call["id"].as_str().filter(|i| !i.is_empty()),
            ) {
                (Some(index), _) => format!("#{index}"),
                (None, Some(id)) => id.to_owned(),
                (None, None) => keys.last().cloned().unwrap_or_default(),
            };
            let position = match keys.iter().position(|k| *k == key) {
                Some(p) => p,
                None => {
                    keys.push(key);
                    exp.tools.push((String::new(), String::new()));
                    keys.len() - 1
                }
            };
            let tool = &mut exp.tools[position];
            if let Some(name) = call["function"]["name"].as_str().filter(|n| !n.is_empty())
                && tool.0.is_empty()
            {
                tool.0 = name.to_owned();
            }
            if let Some(args) = call["function"]["arguments"].as_str() {
                tool.1.push_str(args);
            }
        }
        if let Some(reason) = choice["finish_reason"].as_str() {
            exp.finish = Some(reason.to_owned());
        }
    }
    exp
}

/// What the transport produced, in the same shape.
fn observed(events: &[StreamEvent]) -> Expected {
    let mut obs = Expected::default();
    for event in events {
        match event {
            StreamEvent::TextDelta { text, .. } => obs.text.push_str(text),
            StreamEvent::ReasoningDelta { text, .. } => obs.reasoning.push_str(text),
            StreamEvent::ToolCallEnd {
                name, arguments, ..
            } => obs.tools.push((name.clone(), arguments.to_string())),
            StreamEvent::Usage { usage } => {
                obs.usage = Some((usage.input + usage.cache_read, usage.output))
            }
            StreamEvent::Done { reason } => obs.finish = Some(reason.to_string()),
            StreamEvent::Error { .. } => obs.error = true,
            _ => {}
        }
    }
    obs
}

fn wire(path: &str, crlf: bool) -> Vec<u8> {
    let raw = data(path);
    if path.ends_with(".chunks.txt") {
        chunks_to_sse(&raw, "openai", crlf)
    } else if crlf {
        String::from_utf8(raw)
            .unwrap()
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
            .into_bytes()
    } else {
        raw
    }
}

fn normalize_args(args: &str) -> String {
    if args.trim().is_empty() {
        return "{}".to_owned();
    }
    serde_json::from_str::<Value>(args).map_or_else(
        |_| Value::String(args.to_owned()).to_string(),
        |v| v.to_string(),
    )
}

#[tokio::test]
async fn every_recording_decodes_with_its_content_and_one_terminal_event() {
    for path in FILES {
        for (crlf, split) in [(false, 0), (true, 0), (false, 7), (true, 61)] {
            let body = wire(path, crlf);
            let script = match split {
                0 => Script::sse(body.clone()),
                // Small files paced, so that reads really split mid-line (CRLF too).
                61 if body.len() < 8 * 1024 => Script::sse(body.clone()).split_every(split).paced(),
                _ => Script::sse(body.clone()).split_every(split),
            };
            let (events, _) = run_openai(script, |_, _, _| {}, HttpConfig::default()).await;
            let context = format!("{path} (crlf={crlf}, split={split})");
            assert_contract(&events);
            assert!(matches!(events[0], StreamEvent::Start { .. }), "{context}");
            let exp = expected(&body);
            let obs = observed(&events);
            assert_eq!(obs.text, exp.text, "{context}: text");
            assert_eq!(obs.reasoning, exp.reasoning, "{context}: reasoning");
            let want_tools: Vec<(String, String)> = exp
                .tools
                .iter()
                .map(|(n, a)| (n.clone(), normalize_args(a)))
                .collect();
            assert_eq!(obs.tools, want_tools, "{context}: tool calls");
            assert_eq!(obs.usage, exp.usage, "{context}: usage");
            assert_eq!(obs.error, exp.error, "{context}: error");
            if !exp.error {
                let want = match exp.finish.as_deref() {
                    None | Some("stop") => "stop".to_owned(),
                    Some("length") => StopReason::Length.to_string(),
                    Some("tool_calls") => StopReason::ToolUse.to_string(),
                    Some("content_filter") => StopReason::ContentFilter.to_string(),
                    Some(other) => other.to_owned(),
                };
                assert_eq!(
                    obs.finish.as_deref(),
                    Some(want.as_str()),
                    "{context}: stop reason"
                );
            }
        }
    }
}

#[tokio::test]
async fn recordings_snapshot() {
    for path in FILES {
        let (events, _) = run_openai(
            Script::sse(wire(path, false)),
            |_, _, _| {},
            HttpConfig::default(),
        )
        .await;
        let name = path.replace('/', "__");
        insta::with_settings!({snapshot_suffix => name, prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("openai_recording", render(&events));
        });
    }
}

#[tokio::test]
async fn errors_inside_a_200_stream_are_classified() {
    let cases = [
        (
            "vercel-inline/openai-error-first-chunk.sse",
            ErrorKind::Server,
        ),
        (
            "vercel-inline/openai-error-numeric-code.sse",
            ErrorKind::InvalidRequest,
        ),
        (
            "vercel-inline/compat-error-string-code.sse",
            ErrorKind::ContextOverflow,
        ),
    ];
    for (path, kind) in cases {
        let (events, _) = run_openai(
            Script::sse(wire(path, false)),
            |_, _, _| {},
            HttpConfig::default(),
        )
        .await;
        match events.last().unwrap() {
            StreamEvent::Error {
                kind: got, message, ..
            } => {
                assert_eq!(*got, kind, "{path}: {message}");
                assert!(message.starts_with("acme: "), "{message}");
            }
            other => panic!("{path}: {other:?}"),
        }
    }
}
