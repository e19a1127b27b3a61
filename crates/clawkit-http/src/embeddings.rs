//! `embeddings` for OpenAI-compatible APIs (`POST {base}/embeddings`).

use clawkit_core::{ApiKey, Headers};
use serde::Deserialize;
use serde_json::{Map, Value};
use url::Url;

use crate::client::HttpClient;
use crate::error::{HttpError, HttpErrorKind};
use crate::shared::endpoint;

/// The vectors of one embeddings call, in input order.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Embeddings {
    /// One vector per input text.
    pub vectors: Vec<Vec<f32>>,
    /// Input tokens billed, when reported.
    pub prompt_tokens: Option<u64>,
}

/// Embeds texts through an OpenAI-compatible `/embeddings` endpoint.
#[derive(Debug, Clone)]
pub struct OpenAiEmbeddings {
    client: HttpClient,
}

#[derive(Deserialize)]
struct Response {
    data: Vec<Item>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    index: Option<usize>,
    embedding: Vec<f32>,
}

#[derive(Deserialize)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
}

impl OpenAiEmbeddings {
    /// Embeddings sent through `client`.
    pub fn new(client: HttpClient) -> Self {
        OpenAiEmbeddings { client }
    }

    /// Embeds `texts` with `model` at `base_url`; `label` prefixes errors.
    /// `dimensions` asks models that support it for shorter vectors.
    pub async fn embed(
        &self,
        label: &str,
        base_url: &Url,
        api_key: Option<&ApiKey>,
        model: &str,
        texts: &[String],
        dimensions: Option<u32>,
    ) -> Result<Embeddings, HttpError> {
        let mut body = Map::new();
        body.insert("model".into(), Value::from(model));
        body.insert("input".into(), Value::from(texts.to_vec()));
        body.insert("encoding_format".into(), Value::from("float"));
        if let Some(dimensions) = dimensions {
            body.insert("dimensions".into(), Value::from(dimensions));
        }
        let body = serde_json::to_vec(&Value::Object(body)).map_err(|e| {
            HttpError::new(HttpErrorKind::Request, format!("{label}: invalid request"))
                .with_source(e)
        })?;
        let mut headers = Headers::new();
        let mut secrets = Vec::new();
        if let Some(key) = api_key {
            headers.insert("Authorization", format!("Bearer {}", key.expose()));
            secrets.push(key.expose());
        }
        let url = endpoint(base_url, "embeddings");
        let ok = self
            .client
            .post_json(label, &url, &headers, &body, &secrets)
            .await?;
        let request_id = ok.request_id.clone();
        let response: Response = self.client.read_json(label, ok).await?;
        let mut items = response.data;
        items.sort_by_key(|item| item.index.unwrap_or(usize::MAX));
        if items.len() != texts.len() {
            return Err(HttpError::new(
                HttpErrorKind::Decode,
                format!(
                    "{label}: {} embeddings returned for {} inputs",
                    items.len(),
                    texts.len()
                ),
            )
            .with_request_id(request_id));
        }
        Ok(Embeddings {
            vectors: items.into_iter().map(|item| item.embedding).collect(),
            prompt_tokens: response.usage.and_then(|u| u.prompt_tokens),
        })
    }
}
