//! Answers: whole and streamed, tool calls, usage, the per-API parameters.

use clawkit_core::ModelApi;
use clawkit_testkit::{Recorded, Script};
use serde_json::{Value, json};

use crate::{ACME_KEY, Fixture, ask, data_lines, json_body, redacted, sse};

fn chunk(delta: Value) -> Value {
    json!({"id": "chatcmpl-up", "object": "chat.completion.chunk", "created": 1, "model": "acme-large",
           "choices": [{"index": 0, "delta": delta, "finish_reason": null}]})
}

fn finish(reason: &str) -> Value {
    json!({"id": "chatcmpl-up", "object": "chat.completion.chunk", "created": 1, "model": "acme-large",
           "choices": [{"index": 0, "delta": {}, "finish_reason": reason}]})
}

fn usage(prompt: u64, cached: u64, completion: u64) -> Value {
    json!({"id": "chatcmpl-up", "object": "chat.completion.chunk", "created": 1, "model": "acme-large",
           "choices": [],
           "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
                     "prompt_tokens_details": {"cached_tokens": cached}}})
}

/// Reasoning, then text whose "blue basket" (Acme's word) is split across
/// two deltas, then usage.
fn basket_answer() -> String {
    sse(&[
        chunk(json!({"role": "assistant", "content": ""})),
        chunk(json!({"reasoning_content": "The user means the basket."})),
        chunk(json!({"content": "Put it in the blue bas"})),
        chunk(json!({"content": "ket."})),
        finish("stop"),
        usage(12, 2, 5),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_answer_runs_the_whole_pipeline() {
    let fixture = Fixture::start(vec![
        Script::sse(basket_answer()).header("x-request-id", "req_ok"),
    ])
    .await;
    let response = fixture
        .post(&json!({
            "model": "acme-ai/acme-large",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Where does the red basket go?"}
            ],
            "temperature": 0.2,
            "max_tokens": 50,
            "store": false
        }))
        .await;
    assert_eq!(
        response.headers().get("x-request-id").unwrap(),
        "req_ok",
        "the upstream's request id"
    );
    let body = json_body(response, 200).await;
    assert!(body["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "acme-ai/acme-large");
    assert_eq!(
        body["choices"],
        json!([{
            "index": 0,
            // Acme's output transform turned its "blue basket" back into ours,
            // across the two deltas.
            // `reasoning_signature` is clawkit's: what to send back with the
            // reasoning for it to be replayed (for Chat Completions, the
            // field it came in).
            "message": {"role": "assistant", "content": "Put it in the red basket.",
                        "reasoning_content": "The user means the basket.",
                        "reasoning_signature": "reasoning_content"},
            "finish_reason": "stop"
        }])
    );
    assert_eq!(
        body["usage"],
        json!({"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17,
               "prompt_tokens_details": {"cached_tokens": 2},
               "completion_tokens_details": {"reasoning_tokens": 0}})
    );

    let requests = fixture.upstream.requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {ACME_KEY}").as_str())
    );
    let sent = sent.json();
    assert_eq!(sent["model"], "acme-large");
    assert_eq!(sent["stream"], true);
    assert_eq!(sent["temperature"], 0.2);
    assert_eq!(sent["max_completion_tokens"], 50);
    // Acme's input transform: our "red basket" is its "blue basket"; the
    // system prompt goes as `developer` to a reasoning model.
    assert_eq!(
        sent["messages"],
        json!([{"role": "developer", "content": "Be brief."},
               {"role": "user", "content": "Where does the blue basket go?"}])
    );
    assert!(sent.get("store").is_none_or(|s| s == false));
    let logs = fixture.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(
        (
            logs[0].status,
            logs[0].outcome.as_str(),
            logs[0].request_id.as_deref()
        ),
        (200, "stop", Some("req_ok"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_answer_is_openai_s_chunk_sequence() {
    let upstream = sse(&[
        chunk(json!({"role": "assistant", "content": ""})),
        chunk(json!({"reasoning_content": "Look it up."})),
        chunk(json!({"content": "The blue bas"})),
        chunk(json!({"content": "ket is on the left."})),
        chunk(
            json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                    "function": {"name": "find_basket", "arguments": ""}}]}),
        ),
        chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"colour\":"}}]})),
        chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"blue\"}"}}]})),
        finish("tool_calls"),
        usage(30, 0, 9),
    ]);
    let fixture = Fixture::start(vec![Script::sse(upstream).split_every(40)]).await;
    let response = fixture
        .post(&json!({
            "model": "acme-ai/acme-large",
            "messages": [{"role": "user", "content": "Where is the red basket?"}],
            "tools": [{"type": "function", "function": {"name": "find_basket",
                       "parameters": {"type": "object", "properties": {"colour": {"type": "string"}}}}}],
            "stream": true,
            "stream_options": {"include_usage": true}
        }))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    let body = response.text().await.unwrap();
    insta::assert_snapshot!(redacted(&body));
    let sent = fixture.upstream.requests()[0].json();
    assert_eq!(sent["tools"][0]["function"]["name"], "find_basket");
    assert_eq!(sent["stream_options"], json!({"include_usage": true}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_is_a_chunk_of_its_own_only_when_asked_for() {
    let fixture = Fixture::start(vec![Script::sse(basket_answer())]).await;
    let mut asked = ask("acme-ai/acme-large", true);
    asked["stream_options"] = json!({"include_usage": true});
    for (body, wanted) in [(asked, true), (ask("acme-ai/acme-large", true), false)] {
        let text = fixture.post(&body).await.text().await.unwrap();
        let lines = data_lines(&text);
        assert_eq!(lines.last().unwrap(), "[DONE]");
        let chunks: Vec<Value> = lines[..lines.len() - 1]
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let with_usage: Vec<&Value> = chunks.iter().filter(|c| c.get("usage").is_some()).collect();
        if wanted {
            // The last chunk, with no choices, after the finish reason.
            assert_eq!(with_usage.len(), 1);
            assert_eq!(chunks.last().unwrap()["choices"], json!([]));
            assert_eq!(chunks.last().unwrap()["usage"]["prompt_tokens"], 12);
            assert_eq!(chunks.last().unwrap()["usage"]["total_tokens"], 17);
            assert_eq!(
                chunks[chunks.len() - 2]["choices"][0]["finish_reason"],
                "stop"
            );
        } else {
            assert!(with_usage.is_empty(), "{text}");
            assert_eq!(
                chunks.last().unwrap()["choices"][0]["finish_reason"],
                "stop"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_call_goes_out_and_its_result_comes_back() {
    let tool_call = Recorded::ToolCall
        .script(&ModelApi::OpenAiCompletions)
        .unwrap();
    let text = Recorded::Text.script(&ModelApi::OpenAiCompletions).unwrap();
    let fixture = Fixture::start(vec![tool_call, text]).await;
    let tools = json!([{"type": "function", "function": {"name": "get_weather",
                         "description": "The weather in a city",
                         "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]);
    let question = json!({"role": "user", "content": "Weather in New York?"});
    let first = json_body(
        fixture
            .post(&json!({"model": "acme-ai/acme-large", "messages": [question], "tools": tools}))
            .await,
        200,
    )
    .await;
    let message = &first["choices"][0]["message"];
    assert_eq!(first["choices"][0]["finish_reason"], "tool_calls");
    assert_eq!(message["content"], Value::Null);
    assert_eq!(
        message["tool_calls"],
        json!([{"id": "call_4XzlGBLtUe9dy3GVNV4jhq7h", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"New York City\"}"}}])
    );

    // The client runs the tool and sends the whole conversation back.
    let second = fixture
        .post(&json!({
            "model": "acme-ai/acme-large",
            "tools": tools,
            "messages": [
                question,
                message,
                {"role": "tool", "tool_call_id": "call_4XzlGBLtUe9dy3GVNV4jhq7h", "content": "18 degrees, cloudy"}
            ]
        }))
        .await;
    let second = json_body(second, 200).await;
    assert_eq!(second["choices"][0]["finish_reason"], "stop");
    let sent = fixture.upstream.requests()[1].json();
    let messages = sent["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[1]["role"], "assistant");
    // The history stage ran: acme-ai's replay family sends strict
    // (alphanumeric) tool call ids, the call and its result alike.
    let id = "call4XzlGBLtUe9dy3GVNV4jhq7h";
    assert_eq!(messages[1]["tool_calls"][0]["id"], id);
    assert_eq!(
        messages[1]["tool_calls"][0]["function"]["name"],
        "get_weather"
    );
    assert_eq!(
        serde_json::from_str::<Value>(
            messages[1]["tool_calls"][0]["function"]["arguments"]
                .as_str()
                .unwrap()
        )
        .unwrap(),
        json!({"city": "New York City"})
    );
    assert_eq!(
        (
            &messages[2]["role"],
            &messages[2]["tool_call_id"],
            &messages[2]["content"]
        ),
        (&json!("tool"), &json!(id), &json!("18 degrees, cloudy"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_tool_call_arrives_in_argument_deltas() {
    // Anthropic has no output transforms: the arguments stream as they come.
    let fixture = Fixture::start(vec![
        Recorded::ToolCall
            .script(&ModelApi::AnthropicMessages)
            .unwrap(),
    ])
    .await;
    let response = fixture
        .post(&json!({
            "model": "anthropic/claude-sonnet-4-5",
            "messages": [{"role": "user", "content": "Weather in Paris?"}],
            "tools": [{"type": "function", "function": {"name": "get_weather",
                       "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
            "stream": true
        }))
        .await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    let chunks: Vec<Value> = data_lines(&body)
        .iter()
        .filter(|l| *l != "[DONE]")
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let calls: Vec<&Value> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"].get("tool_calls"))
        .collect();
    assert_eq!(calls[0][0]["index"], 0);
    assert_eq!(calls[0][0]["function"]["name"], "get_weather");
    assert!(calls[0][0]["id"].as_str().is_some_and(|id| !id.is_empty()));
    let arguments: String = calls
        .iter()
        .filter_map(|c| c[0]["function"]["arguments"].as_str())
        .collect();
    assert!(calls.len() > 2, "the arguments came in pieces: {body}");
    let arguments: Value = serde_json::from_str(&arguments).unwrap();
    assert_eq!(arguments, json!({"location": "Paris"}));
    assert_eq!(
        chunks.last().unwrap()["choices"][0]["finish_reason"],
        "tool_calls"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parameters_are_spelled_as_the_model_s_api_spells_them() {
    let fixture = Fixture::start(vec![
        Recorded::Text.script(&ModelApi::AnthropicMessages).unwrap(),
        Script::sse(basket_answer()),
    ])
    .await;
    let tools = json!([{"type": "function", "function": {"name": "f"}}]);
    for model in ["anthropic/claude-sonnet-4-5", "acme-ai/acme-large"] {
        let response = fixture
            .post(&json!({
                "model": model,
                "messages": [{"role": "user", "content": "hi"}],
                "tools": tools, "tool_choice": "required", "parallel_tool_calls": false,
                "top_p": 0.9, "stop": "END", "reasoning_effort": "none"
            }))
            .await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    let requests = fixture.upstream.requests();
    let anthropic = requests[0].json();
    assert_eq!(requests[0].path, "/v1/messages");
    assert_eq!(anthropic["top_p"], 0.9);
    assert_eq!(anthropic["stop_sequences"], json!(["END"]));
    assert_eq!(
        anthropic["tool_choice"],
        json!({"type": "any", "disable_parallel_tool_use": true})
    );
    let acme = requests[1].json();
    assert_eq!(acme["top_p"], 0.9);
    assert_eq!(acme["stop"], "END");
    assert_eq!(acme["tool_choice"], "required");
    assert_eq!(acme["parallel_tool_calls"], false);
}
