//! The google-generative-ai transport, scenario by scenario, on hand-made
//! `streamGenerateContent?alt=sse` bodies in Gemini's wire format (bare
//! `data:` lines ended by CRLF, no event names and no `[DONE]`; chunk
//! fields as in the recordings under tests/data/google): what it yields,
//! and how every ending is reported.

use clawkit_core::{
    Context, ErrorKind, ModelApi, ModelCost, StopReason, StreamEvent, StreamRequest,
};
use clawkit_http::{GoogleGenerativeAi, HttpClient};
use clawkit_testkit::{RecordedRequest, Script, ScriptedServer};
use serde_json::{Value, json};

use crate::{Facts, KEY, Tokens, check_scenario, collect, model_at, render};

const MODEL: &str = "gemini-2.5-flash";
const RESPONSE_ID: &str = "AdVRaMmDCYekqtsPrb_-iAw";
const THOUGHT_SIGNATURE: &str = "CiQB0e2Kb7x3fFQ2YVdQ2o4ebKD1bkmxTnN0Yu5XWcPoO3DjcWYKZgHR7YpvQx0kFQ2zSh8ZqJvF3jVhq1Rw6Qx2Zt0bV5U=";
const CALL_SIGNATURE: &str = "CpwCAdHtim9Qb8lYxVXJZ3NVRk6BuyL1W0n6Ckz1sYRZ3rq5m+CWgJkP7m2XxHwCZ2tT4sI0vFqk9J1YhWn3d4LHcR8oAg==";

/// Gemini framing: `data: <json>` and a blank line, CRLF. A JSON string
/// stands for a raw `data:` line sent as is.
fn sse(chunks: &[Value]) -> Vec<u8> {
    chunks
        .iter()
        .map(|chunk| match chunk {
            Value::String(line) => format!("data: {line}\r\n\r\n"),
            chunk => format!("data: {chunk}\r\n\r\n"),
        })
        .collect::<String>()
        .into_bytes()
}

/// One chunk of candidate 0: its parts, finish reason and usage snapshot.
fn chunk(parts: Value, finish: Option<&str>, usage: Option<Value>) -> Value {
    let mut candidate = json!({"content": {"parts": parts, "role": "model"}, "index": 0});
    if let Some(finish) = finish {
        candidate["finishReason"] = json!(finish);
    }
    let mut chunk =
        json!({"candidates": [candidate], "modelVersion": MODEL, "responseId": RESPONSE_ID});
    if let Some(usage) = usage {
        chunk["usageMetadata"] = usage;
    }
    chunk
}

fn text(text: &str) -> Value {
    json!([{"text": text}])
}

fn usage(prompt: u64, candidates: u64, thoughts: u64) -> Value {
    let mut usage = json!({
        "promptTokenCount": prompt, "candidatesTokenCount": candidates,
        "totalTokenCount": prompt + candidates + thoughts,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}]});
    if thoughts > 0 {
        usage["thoughtsTokenCount"] = json!(thoughts);
    }
    usage
}

/// A well-formed answer streaming `deltas` as text, one chunk each, the
/// last one finishing (the fault matrix's body).
pub(crate) fn text_body(deltas: &[&str]) -> Vec<u8> {
    let last = deltas.len().saturating_sub(1);
    let chunks: Vec<Value> = (0..deltas.len())
        .map(|at| {
            let finish = (at == last).then_some("STOP");
            chunk(text(deltas[at]), finish, Some(usage(8, 1 + at as u64, 0)))
        })
        .collect();
    sse(&chunks)
}

fn tokens(input: u64, output: u64, cache_read: u64, reasoning: u64, total: u64) -> Tokens {
    Tokens {
        input,
        output,
        cache_read,
        cache_write: 0,
        reasoning,
        total,
    }
}

/// "Hello! How can I help you today?" in two chunks, each with the running
/// usage snapshot; the second finishes.
fn plain_text() -> Vec<Value> {
    vec![
        chunk(text("Hello"), None, Some(usage(8, 1, 0))),
        chunk(
            text("! How can I help you today?"),
            Some("STOP"),
            Some(usage(8, 9, 0)),
        ),
    ]
}

async fn run(script: Script) -> (Vec<StreamEvent>, Vec<RecordedRequest>) {
    let server = ScriptedServer::start(vec![script]).await.unwrap();
    let mut model = model_at(&server, "google", ModelApi::GoogleGenerativeAi)
        .with_reasoning(true)
        .with_cost(ModelCost::new(0.3, 2.5, 0.075, 0.0));
    model.id = MODEL.into();
    let transport = GoogleGenerativeAi::new(HttpClient::new().unwrap());
    let mut request = StreamRequest::new(model, Context::user("What's the weather in Paris?"));
    request.options.api_key = Some(KEY.into());
    let events = collect(&transport, request).await;
    (events, server.requests())
}

struct Case {
    name: &'static str,
    script: Script,
    expect: Facts,
    /// A piece of the terminal error's message.
    message: &'static str,
}

fn cases() -> Vec<Case> {
    let plain = sse(&plain_text());
    let cut = String::from_utf8_lossy(&plain).find("How can").unwrap();
    vec![
        // Every chunk repeats the running usage: the last snapshot wins.
        Case {
            name: "plain-text",
            script: Script::sse(plain.clone()),
            expect: Facts {
                text: vec!["Hello! How can I help you today?".into()],
                usage: vec![tokens(8, 9, 0, 0, 17)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
            message: "",
        },
        Case {
            name: "reasoning",
            script: Script::sse(sse(&[
                chunk(
                    json!([{"text": "**Multiplying**\n\nThe user wants 17 × 23.", "thought": true}]),
                    None,
                    Some(json!({"promptTokenCount": 12, "totalTokenCount": 40, "thoughtsTokenCount": 28})),
                ),
                chunk(
                    json!([{"text": " 17 × 20 = 340, plus 17 × 3 = 51: 391.", "thought": true,
                            "thoughtSignature": THOUGHT_SIGNATURE}]),
                    None,
                    Some(json!({"promptTokenCount": 12, "totalTokenCount": 68, "thoughtsTokenCount": 56})),
                ),
                chunk(text("17 × 23 = 391."), Some("STOP"), Some(usage(12, 8, 56))),
            ])),
            expect: Facts {
                text: vec!["17 × 23 = 391.".into()],
                reasoning: vec![(
                    "**Multiplying**\n\nThe user wants 17 × 23. 17 × 20 = 340, plus 17 × 3 = 51: 391."
                        .into(),
                    Some(THOUGHT_SIGNATURE.into()),
                )],
                usage: vec![tokens(12, 64, 0, 56, 76)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
            message: "",
        },
        // A complete functionCall with its signature, then the finishing
        // chunk's empty text part: STOP after a call is tool_use.
        Case {
            name: "one-tool-call",
            script: Script::sse(sse(&[
                chunk(
                    json!([{"functionCall": {"name": "get_weather", "args": {"city": "Paris", "unit": "celsius"}},
                            "thoughtSignature": CALL_SIGNATURE}]),
                    None,
                    Some(usage(58, 20, 41)),
                ),
                chunk(text(""), Some("STOP"), Some(usage(58, 20, 41))),
            ])),
            expect: Facts {
                tools: vec![(
                    "call_1".into(),
                    "get_weather".into(),
                    json!({"city": "Paris", "unit": "celsius"}),
                    Some(CALL_SIGNATURE.into()),
                )],
                usage: vec![tokens(58, 61, 0, 41, 119)],
                stop: Some(StopReason::ToolUse),
                ..Facts::default()
            },
            message: "",
        },
        // Parallel calls come as parts of one chunk; only the first carries
        // the signature.
        Case {
            name: "parallel-tool-calls",
            script: Script::sse(sse(&[
                chunk(
                    json!([
                        {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                         "thoughtSignature": CALL_SIGNATURE},
                        {"functionCall": {"name": "get_time", "args": {"timezone": "Europe/Paris"}}}
                    ]),
                    None,
                    Some(usage(64, 24, 30)),
                ),
                chunk(text(""), Some("STOP"), Some(usage(64, 24, 30))),
            ])),
            expect: Facts {
                tools: vec![
                    (
                        "call_1".into(),
                        "get_weather".into(),
                        json!({"city": "Paris"}),
                        Some(CALL_SIGNATURE.into()),
                    ),
                    (
                        "call_2".into(),
                        "get_time".into(),
                        json!({"timezone": "Europe/Paris"}),
                        None,
                    ),
                ],
                usage: vec![tokens(64, 54, 0, 30, 118)],
                stop: Some(StopReason::ToolUse),
                ..Facts::default()
            },
            message: "",
        },
        // usageMetadata on the last chunk only, with a cached prefix and
        // thoughts: input excludes the cached tokens, output includes the
        // thoughts.
        Case {
            name: "usage-tail",
            script: Script::sse(sse(&[
                chunk(text("The capital"), None, None),
                chunk(text(" of France is Paris."), None, None),
                chunk(
                    text(""),
                    Some("STOP"),
                    Some(json!({
                        "promptTokenCount": 1200, "cachedContentTokenCount": 1000,
                        "candidatesTokenCount": 12, "thoughtsTokenCount": 25, "totalTokenCount": 1237,
                        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 1200}],
                        "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": 1000}]})),
                ),
            ])),
            expect: Facts {
                text: vec!["The capital of France is Paris.".into()],
                usage: vec![tokens(200, 37, 1000, 25, 1237)],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
            message: "",
        },
        Case {
            name: "length-stop",
            script: Script::sse(sse(&[
                chunk(text("Once upon a time,"), None, Some(usage(6, 5, 0))),
                chunk(text(" in a"), Some("MAX_TOKENS"), Some(usage(6, 8, 0))),
            ])),
            expect: Facts {
                text: vec!["Once upon a time, in a".into()],
                usage: vec![tokens(6, 8, 0, 0, 14)],
                stop: Some(StopReason::Length),
                ..Facts::default()
            },
            message: "",
        },
        // The answer is cut by a safety finish: the candidate's last chunk
        // has no content, only the finish reason and its ratings.
        Case {
            name: "content-filter",
            script: Script::sse(sse(&[
                chunk(text("Here is how"), None, Some(usage(14, 3, 0))),
                json!({"candidates": [{"finishReason": "SAFETY", "index": 0, "safetyRatings": [
                        {"category": "HARM_CATEGORY_SEXUALLY_EXPLICIT", "probability": "NEGLIGIBLE"},
                        {"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"},
                        {"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"},
                        {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": true}]}],
                       "usageMetadata": usage(14, 3, 0), "modelVersion": MODEL, "responseId": RESPONSE_ID}),
            ])),
            expect: Facts {
                text: vec!["Here is how".into()],
                usage: vec![tokens(14, 3, 0, 0, 17)],
                stop: Some(StopReason::ContentFilter),
                ..Facts::default()
            },
            message: "",
        },
        // The prompt itself was blocked: one chunk, no candidates.
        Case {
            name: "prompt-blocked",
            script: Script::sse(sse(&[json!({
                "promptFeedback": {"blockReason": "SAFETY", "safetyRatings": [
                    {"category": "HARM_CATEGORY_SEXUALLY_EXPLICIT", "probability": "NEGLIGIBLE"},
                    {"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "HIGH", "blocked": true},
                    {"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"},
                    {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "NEGLIGIBLE"}]},
                "usageMetadata": {"promptTokenCount": 9, "totalTokenCount": 9,
                                  "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 9}]},
                "modelVersion": MODEL, "responseId": RESPONSE_ID})])),
            expect: Facts {
                usage: vec![tokens(9, 0, 0, 0, 9)],
                stop: Some(StopReason::ContentFilter),
                ..Facts::default()
            },
            message: "",
        },
        // google.rs maps a chunk holding an `error` object (the google.rpc
        // Status shape of error bodies) to a terminal error.
        Case {
            name: "error-inside-stream",
            script: Script::sse(sse(&[
                chunk(text("Hello"), None, Some(usage(8, 1, 0))),
                json!({"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}),
            ])),
            expect: Facts {
                text: vec!["Hello".into()],
                usage: vec![tokens(8, 1, 0, 0, 9)],
                error: Some(ErrorKind::Server),
                ..Facts::default()
            },
            message: "google: The model is overloaded. Please try again later. [code=503]",
        },
        // Cut inside the second chunk's line: the first chunk is kept.
        Case {
            name: "dropped-connection",
            script: Script::sse(plain).drop_at(cut),
            expect: Facts {
                text: vec!["Hello".into()],
                usage: vec![tokens(8, 1, 0, 0, 9)],
                error: Some(ErrorKind::ConnectionDropped),
                ..Facts::default()
            },
            message: "google: the connection dropped mid-stream",
        },
        // The body ends cleanly, but no chunk had a finishReason.
        Case {
            name: "finish-reason-missing",
            script: Script::sse(sse(&[
                chunk(text("Hello"), None, Some(usage(8, 1, 0))),
                chunk(text("! How can"), None, Some(usage(8, 4, 0))),
            ])),
            expect: Facts {
                text: vec!["Hello! How can".into()],
                usage: vec![tokens(8, 4, 0, 0, 12)],
                error: Some(ErrorKind::Protocol),
                ..Facts::default()
            },
            message: "google: the stream ended without a finishReason",
        },
        Case {
            name: "garbage-line",
            script: Script::sse(sse(&{
                let mut chunks = plain_text();
                chunks.insert(1, json!("this is not json"));
                chunks
            })),
            expect: Facts {
                text: vec!["Hello! How can I help you today?".into()],
                usage: vec![tokens(8, 9, 0, 0, 17)],
                raw: vec!["this is not json".into()],
                stop: Some(StopReason::Stop),
                ..Facts::default()
            },
            message: "",
        },
    ]
}

#[tokio::test]
async fn scenarios_snapshot() {
    for case in cases() {
        let name = case.name;
        // Cut into 11-byte reads, the stream decodes to the same events.
        let (split, _) = run(case.script.clone().split_every(11)).await;
        let (events, requests) = run(case.script).await;
        check_scenario(name, &split, &events, &case.expect, case.message);

        // The key goes in x-goog-api-key only: never in the URL, no bearer.
        let [request] = requests.as_slice() else {
            panic!("{name}: one request, got {requests:?}")
        };
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            (
                "POST",
                "/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
            )
        );
        assert_eq!(request.header("x-goog-api-key"), Some(KEY));
        assert_eq!(request.header("authorization"), None);
        assert!(!request.path.contains(KEY) && !request.path.contains("key="));

        insta::with_settings!({snapshot_suffix => format!("google-{name}")}, {
            insta::assert_snapshot!("scenario", render(&events));
        });
    }
}
