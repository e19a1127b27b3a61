//! `embeddings` against an in-process server.

use clawkit_http::{HttpClient, HttpErrorKind, OpenAiEmbeddings};
use clawkit_testkit::{Script, ScriptedServer};

use crate::KEY;

#[tokio::test]
async fn vectors_come_back_in_input_order() {
    let server = ScriptedServer::start(vec![Script::json(
        200,
        r#"{"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.5,0.25]},{"object":"embedding","index":0,"embedding":[1.0,-1.0]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":7,"total_tokens":7}}"#,
    )])
    .await
    .unwrap();
    let embeddings = OpenAiEmbeddings::new(HttpClient::new().unwrap());
    let texts = vec!["first".to_owned(), "second".to_owned()];
    let result = embeddings
        .embed(
            "openai",
            &server.url("/v1").parse().unwrap(),
            Some(&KEY.into()),
            "text-embedding-3-small",
            &texts,
            Some(2),
        )
        .await
        .unwrap();
    assert_eq!(result.vectors, [vec![1.0, -1.0], vec![0.5, 0.25]]);
    assert_eq!(result.prompt_tokens, Some(7));
    let request = &server.requests()[0];
    assert_eq!(request.path, "/v1/embeddings");
    assert_eq!(
        request.json(),
        serde_json::json!({"model": "text-embedding-3-small", "input": ["first", "second"], "encoding_format": "float", "dimensions": 2})
    );
}

#[tokio::test]
async fn a_short_answer_and_an_error_status_are_errors() {
    let server = ScriptedServer::start(vec![
        Script::json(200, r#"{"data":[{"index":0,"embedding":[1.0]}]}"#),
        Script::json(
            400,
            r#"{"error":{"message":"input too long","type":"invalid_request_error"}}"#,
        )
        .header("x-request-id", "req_e"),
    ])
    .await
    .unwrap();
    let embeddings = OpenAiEmbeddings::new(HttpClient::new().unwrap());
    let base = server.url("/v1").parse().unwrap();
    let texts = vec!["a".to_owned(), "b".to_owned()];
    let error = embeddings
        .embed("ollama", &base, None, "nomic", &texts, None)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), HttpErrorKind::Decode);
    assert_eq!(
        error.to_string(),
        "ollama: 1 embeddings returned for 2 inputs"
    );
    let error = embeddings
        .embed("ollama", &base, None, "nomic", &texts, None)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.request_id(), Some("req_e"));
}
