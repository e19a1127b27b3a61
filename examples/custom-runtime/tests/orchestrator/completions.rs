//! `/v1/chat/completions` and `/v1/completions`: routing, whole and
//! streamed answers.

use custom_runtime::boundary::RouteMetadata;
use custom_runtime::orchestrator::OrchestratorConfig;
use serde_json::{Value, json};

use crate::support::{chat, sse_frames, start};

#[tokio::test]
async fn a_whole_chat_answer_carries_its_route() {
    let running = start(OrchestratorConfig::demo()).await;
    let answer = running
        .post(
            "/v1/chat/completions",
            &chat(
                json!({"stream": false, "role": "coder", "model": "scripted-main"}),
                &["hello coder"],
            ),
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type(), "application/json");
    let body = &answer.body;
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["id"], format!("chatcmpl-{}", answer.request_id()));
    assert_eq!(body["model"], "scripted-coder");
    assert_eq!(
        body["choices"],
        json!([{"index": 0, "message": {"role": "assistant", "content": "Coder (scripted) heard: hello coder"}, "finish_reason": "stop"}])
    );
    assert_eq!(
        body["usage"],
        json!({"prompt_tokens": 2, "completion_tokens": 5, "total_tokens": 7})
    );
    assert_eq!(
        body["route"],
        json!({"selectedRole": "coder", "candidateRoles": ["main", "coder", "reviewer"], "lane": "build",
               "routingReason": "requested role", "registryProfile": "demo",
               "resolvedModel": "scripted-coder", "workerHealth": "ok"})
    );
}

#[tokio::test]
async fn routes_go_to_the_requested_role_else_the_model_owner_else_the_default_role() {
    let running = start(OrchestratorConfig::demo()).await;
    let cases = [
        (
            json!({"role": "reviewer", "model": "scripted-coder"}),
            ("reviewer", "requested role", "scripted-reviewer"),
        ),
        (
            json!({"model": "scripted-coder"}),
            ("coder", "model owner", "scripted-coder"),
        ),
        (
            json!({"role": "stranger", "model": "scripted-reviewer"}),
            ("reviewer", "model owner", "scripted-reviewer"),
        ),
        (
            json!({"role": "stranger"}),
            ("main", "default role", "scripted-main"),
        ),
        (
            json!({"model": "gpt-none"}),
            ("main", "default role", "scripted-main"),
        ),
        (json!({}), ("main", "default role", "scripted-main")),
        // A worker no role uses: the default role, on that worker.
        (
            json!({"model": "flaky"}),
            ("main", "requested model", "flaky"),
        ),
    ];
    for (fields, (role, reason, model)) in cases {
        let answer = running
            .post("/v1/chat/completions", &chat(fields.clone(), &["hi"]))
            .await;
        assert_eq!(answer.status, 200, "{fields}: {}", answer.text);
        let route = RouteMetadata::read(&answer.body["route"]);
        assert_eq!(
            (
                route.selected_role.as_deref(),
                route.routing_reason.as_deref(),
                route.resolved_model.as_deref()
            ),
            (Some(role), Some(reason), Some(model)),
            "{fields}"
        );
        assert_eq!(answer.body["model"], model);
    }
}

#[tokio::test]
async fn claw3d_bodies_are_accepted_as_they_are() {
    let running = start(OrchestratorConfig::demo()).await;
    // What Claw3D sends after a failed turn: no model, routing fields,
    // two user messages in a row, plus a field nobody knows.
    let answer = running
        .post(
            "/v1/chat/completions",
            &json!({
                "stream": false, "role": "reviewer", "lane": "reviewer",
                "conversation_id": "agent:reviewer:main", "session_id": "agent:reviewer:main",
                "messages": [{"role": "user", "content": "m"}, {"role": "user", "content": "m"}],
                "x-unknown": {"nested": [1, 2]}
            }),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(
        answer.body["choices"][0]["message"]["content"],
        "Reviewer (scripted) heard 2 messages, the last: m"
    );
    // Text parts and a system message are read too.
    let answer = running
        .post(
            "/v1/chat/completions",
            &json!({"messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "part1 "}, {"type": "text", "text": "part2"}]}
            ]}),
        )
        .await;
    assert_eq!(
        answer.body["choices"][0]["message"]["content"],
        "Main (scripted) heard: part1 part2"
    );
    // A message that is not OpenAI's shape is a 400 naming where.
    let answer = running
        .post(
            "/v1/chat/completions",
            &json!({"messages": [{"role": "user", "content": ["part1"]}]}),
        )
        .await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    let message = answer.body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("at /messages/0/content/0: "),
        "{message}"
    );
}

/// The SSE frames with what changes between runs replaced.
fn redacted(text: &str, request_id: &str) -> String {
    sse_frames(text)
        .into_iter()
        .map(|(event, data)| {
            let data = match serde_json::from_str::<Value>(&data) {
                Ok(mut value) => {
                    if value.get("created").is_some() {
                        value["created"] = json!("[created]");
                    }
                    value.to_string().replace(request_id, "[request-id]")
                }
                Err(_) => data,
            };
            match event {
                Some(event) => format!("event: {event}\ndata: {data}"),
                None => format!("data: {data}"),
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[tokio::test]
async fn a_streamed_chat_is_route_event_chunks_usage_and_done() {
    let running = start(OrchestratorConfig::demo()).await;
    let response = running
        .post_open(
            "/v1/chat/completions",
            &chat(
                json!({"stream": true, "stream_options": {"include_usage": true}, "role": "coder"}),
                &["ship it"],
            ),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let text = response.text().await.unwrap();
    insta::assert_snapshot!("streamed_chat", redacted(&text, &request_id));
}

#[tokio::test]
async fn a_streamed_answer_joins_to_the_whole_one() {
    let running = start(OrchestratorConfig::demo()).await;
    let body = chat(json!({"role": "main"}), &["same words"]);
    let whole = running.post("/v1/chat/completions", &body).await;
    let mut streamed_body = body.clone();
    streamed_body["stream"] = json!(true);
    let streamed = running.post("/v1/chat/completions", &streamed_body).await;
    let frames = sse_frames(&streamed.text);
    let joined: String = frames
        .iter()
        .filter_map(|(_, data)| serde_json::from_str::<Value>(data).ok())
        .filter_map(|chunk| {
            chunk["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(
        joined,
        whole.body["choices"][0]["message"]["content"]
            .as_str()
            .unwrap()
    );
    assert_eq!(frames.last().unwrap().1, "[DONE]");
    // No usage chunk unless asked.
    assert!(!streamed.text.contains("\"usage\""));
}

#[tokio::test]
async fn legacy_completions_answer_in_text_whole_or_streamed() {
    let running = start(OrchestratorConfig::demo()).await;
    let whole = running
        .post(
            "/v1/completions",
            &json!({"prompt": "say hi", "role": "coder"}),
        )
        .await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body["object"], "text_completion");
    assert_eq!(
        whole.body["choices"][0]["text"],
        "Coder (scripted) heard: say hi"
    );
    assert_eq!(whole.body["route"]["selectedRole"], "coder");
    assert_eq!(whole.body["id"], format!("cmpl-{}", whole.request_id()));

    let streamed = running
        .post(
            "/v1/completions",
            &json!({"prompt": ["say", "hi"], "stream": true}),
        )
        .await;
    let frames = sse_frames(&streamed.text);
    assert_eq!(frames[0].0.as_deref(), Some("route"));
    let texts: String = frames[1..frames.len() - 1]
        .iter()
        .map(|(_, data)| serde_json::from_str::<Value>(data).unwrap())
        .map(|chunk| chunk["choices"][0]["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts, "Main (scripted) heard: say\nhi");
    assert_eq!(frames.last().unwrap().1, "[DONE]");
}
