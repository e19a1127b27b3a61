//! `/v1/contracted-completions`: answers checked against a JSON Schema.

use custom_runtime::orchestrator::OrchestratorConfig;
use serde_json::json;

use crate::support::start;

fn verdict_contract() -> serde_json::Value {
    json!({"type": "object", "required": ["verdict", "score"], "properties": {
        "verdict": {"enum": ["approve", "reject"]},
        "score": {"type": "integer", "minimum": 1, "maximum": 5}
    }})
}

#[tokio::test]
async fn a_valid_answer_comes_back_with_output_text_and_route() {
    let running = start(OrchestratorConfig::demo()).await;
    let answer = running
        .post(
            "/v1/contracted-completions",
            &json!({"model": "scripted-reviewer", "role": "reviewer", "session_id": "agent:reviewer:main",
                    "messages": [{"role": "user", "content": "Review PR 12"}],
                    "contract": verdict_contract()}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(
        answer.body["output"],
        json!({"verdict": "approve", "score": 1})
    );
    assert_eq!(answer.body["text"], r#"{"verdict":"approve","score":1}"#);
    assert_eq!(answer.body["model"], "scripted-reviewer");
    assert_eq!(answer.body["id"], format!("ccmpl-{}", answer.request_id()));
    assert_eq!(answer.body["route"]["selectedRole"], "reviewer");
    // A prompt instead of messages works too.
    let prompted = running
        .post(
            "/v1/contracted-completions",
            &json!({"prompt": "Review PR 13", "contract": verdict_contract()}),
        )
        .await;
    assert_eq!(prompted.status, 200);
}

#[tokio::test]
async fn an_answer_breaking_the_contract_is_a_422_naming_the_pointer() {
    let running = start(OrchestratorConfig::demo()).await;
    let answer = running
        .post(
            "/v1/contracted-completions",
            &json!({"role": "reviewer",
                    "messages": [{"role": "user", "content": "Answer exactly {\"verdict\": \"maybe\", \"score\": 3}"}],
                    "contract": verdict_contract()}),
        )
        .await;
    assert_eq!(answer.status, 422);
    let error = &answer.body["error"];
    assert_eq!(
        (error["type"].as_str(), error["pointer"].as_str()),
        (Some("contract_violation"), Some("/verdict"))
    );
    assert!(
        error["message"].as_str().unwrap().contains("approve"),
        "{error}"
    );

    // The provider's reading of it.
    let out_of_range = running
        .post(
            "/v1/contracted-completions",
            &json!({"prompt": "{\"verdict\": \"reject\", \"score\": 9}", "contract": verdict_contract()}),
        )
        .await;
    assert_eq!(out_of_range.body["error"]["pointer"], "/score");
}

#[tokio::test]
async fn an_invalid_contract_is_a_400() {
    let running = start(OrchestratorConfig::demo()).await;
    let answer = running
        .post(
            "/v1/contracted-completions",
            &json!({"prompt": "x", "contract": {"type": "objekt"}}),
        )
        .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["error"]["code"], "invalid_contract");
    assert!(
        answer.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("the contract is not a valid JSON Schema: "),
        "{}",
        answer.text
    );
    let missing = running
        .post("/v1/contracted-completions", &json!({"prompt": "x"}))
        .await;
    assert_eq!(missing.status, 400);
    // A failing worker is still a 503 here.
    running
        .orchestrator
        .mark_failing("scripted-main", "down")
        .unwrap();
    let failing = running
        .post(
            "/v1/contracted-completions",
            &json!({"prompt": "x", "contract": {"type": "object"}}),
        )
        .await;
    assert_eq!(failing.status, 503);
}
