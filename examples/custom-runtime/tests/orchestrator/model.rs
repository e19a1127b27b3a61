//! A model worker: a clawkit model through the whole provider pipeline
//! (here Ollama's provider, pointed at a scripted OpenAI-compatible server).

use clawkit_testkit::{Script, ScriptedServer};
use custom_runtime::orchestrator::{RoleConfig, WorkerConfig};
use serde_json::json;

use crate::support::{demo, start};

const ANSWER: &str = concat!(
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"}}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},\"finish_reason\":\"stop\"}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n",
    "data: [DONE]\n\n",
);

#[tokio::test]
async fn a_model_worker_answers_through_the_provider_pipeline() {
    let model_server = ScriptedServer::start(vec![
        Script::sse(ANSWER),
        Script::json(500, r#"{"error":{"message":"model exploded"}}"#),
    ])
    .await
    .unwrap();
    let config = demo(|c| {
        let mut worker = WorkerConfig::model("llama", "ollama/llama3.2");
        worker.base_url = Some(model_server.url("/v1"));
        c.workers.push(worker);
        c.roles.push(RoleConfig::new("writer", "build", "llama"));
    });
    let running = start(config).await;
    let answer = running
        .post(
            "/v1/chat/completions",
            &json!({"role": "writer", "session_id": "agent:writer:main", "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": "yes?"},
                {"role": "user", "content": [{"type": "text", "text": "say hello"}]}
            ]}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(
        answer.body["choices"][0]["message"]["content"],
        "Hello there"
    );
    assert_eq!(answer.body["model"], "ollama/llama3.2");
    assert_eq!(
        answer.body["usage"],
        json!({"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7})
    );
    assert_eq!(answer.body["route"]["resolvedModel"], "ollama/llama3.2");

    // The model saw the conversation as sent, mapped onto its wire.
    let sent = model_server
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/chat/completions"))
        .unwrap()
        .json();
    assert_eq!(sent["model"], "llama3.2");
    let roles: Vec<&str> = sent["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert!(sent.to_string().contains("say hello"));

    // A model failure is a 502 saying what the worker said.
    let failed = running
        .post(
            "/v1/chat/completions",
            &json!({"role": "writer", "messages": [{"role": "user", "content": "again"}]}),
        )
        .await;
    assert_eq!(failed.status, 502);
    assert_eq!(failed.body["error"]["code"], "worker_error");
    let message = failed.body["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("worker llama failed: "), "{message}");
    assert_eq!(running.worker("llama").await["failures"], 1);
}
