//! `GET /v1/models`: the runtime's catalog rows, as OpenAI lists models.

use std::collections::BTreeSet;

use clawkit_testkit::Script;
use serde_json::json;

use crate::{Fixture, json_body, keys, runtime};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_are_the_catalog_rows() {
    let fixture = Fixture::start(vec![Script::sse("")]).await;
    let response = fixture
        .client
        .get(fixture.url("/v1/models"))
        .send()
        .await
        .unwrap();
    let body = json_body(response, 200).await;
    assert_eq!(body["object"], "list");
    let data = body["data"].as_array().unwrap();
    assert!(data.contains(&json!({
        "id": "acme-ai/acme-large", "object": "model", "created": 0, "owned_by": "acme-ai"
    })));
    let listed: BTreeSet<String> = data
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    let catalog = runtime(keys()).catalog(None).await;
    let rows: BTreeSet<String> = catalog
        .rows()
        .into_iter()
        .map(|(provider, model, _)| format!("{provider}/{}", model.id))
        .collect();
    assert_eq!(listed, rows);
    assert!(listed.iter().any(|id| id.starts_with("anthropic/")));
    assert!(fixture.upstream.requests().is_empty(), "no upstream call");
}
