//! Host-called capabilities: what `createEmbeddingProvider` is given and returns.

use async_trait::async_trait;

use crate::error::PluginError;
use crate::secret::ApiKey;

/// What `createEmbeddingProvider` is given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EmbeddingContext {
    /// The provider id.
    pub provider: String,
    /// The embedding model.
    pub model: String,
    /// The provider key, if resolved.
    pub api_key: Option<ApiKey>,
    /// Requested output size.
    pub output_dimensionality: Option<u32>,
}

/// An embedding adapter a plugin provides.
#[async_trait]
pub trait EmbeddingProvider: Send + Sync {
    /// Adapter id.
    fn id(&self) -> &str;
    /// The model.
    fn model(&self) -> &str;
    /// Input limit, if known.
    fn max_input_tokens(&self) -> Option<u64> {
        None
    }
    /// Embeds one query.
    async fn embed_query(&self, text: &str) -> Result<Vec<f32>, PluginError>;
    /// Embeds many texts.
    async fn embed_batch(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, PluginError>;
}
