//! Models and providers as OpenClaw describes them: config rows
//! (`models.providers.<id>`), and the resolved runtime model the hooks and
//! transports work on. Field names on the wire are camelCase.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

use crate::macros::string_enum;
use serde_json::{Map, Value};
use url::Url;

use crate::secret::ApiKey;

/// Context window assumed for a model row that does not declare one.
pub const DEFAULT_CONTEXT_WINDOW: u64 = 128_000;
/// Output limit assumed for a model row that does not declare one.
pub const DEFAULT_MAX_TOKENS: u64 = 8_192;

/// Fields a type does not model, kept verbatim.
pub type Extra = Map<String, Value>;

string_enum! {
    /// The wire API a model speaks. Unknown values are kept leniently; the
    /// transports only dispatch on known ones.
    ModelApi {
        /// OpenAI Chat Completions (SSE).
        OpenAiCompletions => "openai-completions",
        /// OpenAI Responses.
        OpenAiResponses => "openai-responses",
        /// Codex Responses (42-hook generation name).
        OpenAiCodexResponses => "openai-codex-responses",
        /// ChatGPT Responses (newest name of the Codex API).
        OpenAiChatGptResponses => "openai-chatgpt-responses",
        /// Azure OpenAI Responses.
        AzureOpenAiResponses => "azure-openai-responses",
        /// Anthropic Messages.
        AnthropicMessages => "anthropic-messages",
        /// Gemini `generateContent`.
        GoogleGenerativeAi => "google-generative-ai",
        /// Vertex AI.
        GoogleVertex => "google-vertex",
        /// GitHub Copilot.
        GithubCopilot => "github-copilot",
        /// Bedrock ConverseStream.
        BedrockConverseStream => "bedrock-converse-stream",
        /// Ollama's native API.
        Ollama => "ollama",
    }
}

string_enum! {
    /// A kind of input a model accepts.
    InputKind {
        /// Text.
        Text => "text",
        /// Images.
        Image => "image",
        /// Audio.
        Audio => "audio",
        /// Video.
        Video => "video",
    }
}

string_enum! {
    /// How `models.providers.<id>.auth` forces the auth mode: what the user
    /// config asks for, unlike [`CredentialKind`](crate::CredentialKind), the
    /// kind of the credential the runtime actually resolved.
    AuthMode {
        /// An API key.
        ApiKey => "api-key",
        /// The AWS SDK credential chain (no key lookup).
        AwsSdk => "aws-sdk",
        /// OAuth.
        OAuth => "oauth",
        /// A bearer token.
        Token => "token",
    }
}

string_enum! {
    /// Which request field carries the output-token limit.
    MaxTokensField {
        /// `max_completion_tokens` (OpenAI's current name).
        MaxCompletionTokens => "max_completion_tokens",
        /// `max_tokens` (most compatible servers).
        MaxTokens => "max_tokens",
    }
}

string_enum! {
    /// How reasoning is requested from an OpenAI-compatible endpoint.
    ThinkingFormat {
        /// `reasoning_effort`.
        OpenAi => "openai",
        /// Z.AI.
        Zai => "zai",
        /// Qwen `enable_thinking`.
        Qwen => "qwen",
        /// Qwen chat-template kwargs.
        QwenChatTemplate => "qwen-chat-template",
        /// OpenRouter `reasoning`.
        OpenRouter => "openrouter",
        /// DeepSeek.
        DeepSeek => "deepseek",
        /// Together.
        Together => "together",
    }
}

/// Prices in USD per million tokens.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ModelCost {
    /// Input tokens.
    #[serde(default)]
    pub input: f64,
    /// Output tokens.
    #[serde(default)]
    pub output: f64,
    /// Cached input tokens read.
    #[serde(default)]
    pub cache_read: f64,
    /// Input tokens written to the cache.
    #[serde(default)]
    pub cache_write: f64,
    /// Prices that apply from a prompt size on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiered_pricing: Vec<CostTier>,
}

impl ModelCost {
    /// Flat prices, no tiers.
    pub fn new(input: f64, output: f64, cache_read: f64, cache_write: f64) -> Self {
        ModelCost {
            input,
            output,
            cache_read,
            cache_write,
            tiered_pricing: Vec::new(),
        }
    }
}

/// One price tier: the prices for prompts of `range` tokens.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CostTier {
    /// Input tokens.
    #[serde(default)]
    pub input: f64,
    /// Output tokens.
    #[serde(default)]
    pub output: f64,
    /// Cached input tokens read.
    #[serde(default)]
    pub cache_read: f64,
    /// Input tokens written to the cache.
    #[serde(default)]
    pub cache_write: f64,
    /// `[start, end)` or `[start]` (open-ended), in prompt tokens.
    pub range: Vec<u64>,
}

/// Transport compatibility flags (`compat`), all optional. A patch merges
/// over a base field by field: a field set in the patch wins.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[allow(missing_docs)] // The flags are OpenClaw's; their names say what they do.
pub struct ModelCompat {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_store: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_developer_role: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_reasoning_effort: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_usage_in_streaming: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_strict_mode: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens_field: Option<MaxTokensField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_tool_result_name: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_assistant_after_tool_result: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_thinking_as_text: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_format: Option<ThinkingFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_router_routing: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vercel_gateway_routing: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zai_tool_stream: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control_format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_session_affinity_headers: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_long_cache_retention: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_tools: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_schema_profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsupported_tool_schema_keywords: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native_web_search_tool: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_arguments_encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_mistral_tool_ids: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_open_ai_anthropic_tool_payload: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_reasoning_efforts: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_effort_map: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_reasoning_detail_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_prompt_cache_key: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_string_content: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict_message_keys: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_session_id_header: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_eager_tool_input_streaming: Option<bool>,
    /// Flags clawkit does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ModelCompat {
    /// Overlays `patch`: every field it sets replaces the one here (a shallow
    /// merge, as OpenClaw's `contributeResolvedModelCompat` does).
    ///
    /// ```
    /// use clawkit_core::ModelCompat;
    ///
    /// let mut compat = ModelCompat::default();
    /// compat.supports_store = Some(true);
    /// let mut patch = ModelCompat::default();
    /// patch.supports_tools = Some(false);
    /// compat.merge(&patch);
    /// assert_eq!((compat.supports_store, compat.supports_tools), (Some(true), Some(false)));
    /// ```
    pub fn merge(&mut self, patch: &ModelCompat) {
        let (Ok(Value::Object(mut base)), Ok(Value::Object(patch))) =
            (serde_json::to_value(&*self), serde_json::to_value(patch))
        else {
            return;
        };
        base.extend(patch);
        if let Ok(merged) = serde_json::from_value(Value::Object(base)) {
            *self = merged;
        }
    }

    /// Whether no flag is set.
    pub fn is_empty(&self) -> bool {
        *self == ModelCompat::default()
    }
}

/// One model row in `models.providers.<id>.models[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ModelDefinition {
    /// Provider-local id, without the `provider/` prefix.
    pub id: String,
    /// Display name (defaults to the id).
    #[serde(default)]
    pub name: String,
    /// Per-model override of the provider `api`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<ModelApi>,
    /// Per-model override of the provider `baseUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<Url>,
    /// Whether the model supports reasoning.
    #[serde(default)]
    pub reasoning: bool,
    /// Input kinds (defaults to text).
    #[serde(default = "text_only")]
    pub input: Vec<InputKind>,
    /// Prices.
    #[serde(default)]
    pub cost: ModelCost,
    /// Native context window, in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u64>,
    /// Effective runtime cap for budgeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_tokens: Option<u64>,
    /// Maximum output tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    /// Thinking level → model id or parameter override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_level_map: Option<BTreeMap<String, Option<String>>>,
    /// Static request headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Transport compat flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compat: Option<ModelCompat>,
    /// Fields clawkit does not model (`params`, `mediaInput`, …), verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

fn text_only() -> Vec<InputKind> {
    vec![InputKind::Text]
}

impl ModelDefinition {
    /// A text-only row named after its id; set the rest with the `with_` methods.
    pub fn new(id: impl Into<String>) -> Self {
        let id = id.into();
        ModelDefinition {
            name: id.clone(),
            id,
            api: None,
            base_url: None,
            reasoning: false,
            input: text_only(),
            cost: ModelCost::default(),
            context_window: None,
            context_tokens: None,
            max_tokens: None,
            thinking_level_map: None,
            headers: BTreeMap::new(),
            compat: None,
            extra: Extra::new(),
        }
    }

    /// Sets the display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets whether the model reasons.
    pub fn with_reasoning(mut self, reasoning: bool) -> Self {
        self.reasoning = reasoning;
        self
    }

    /// Sets the input kinds.
    pub fn with_input(mut self, input: impl IntoIterator<Item = InputKind>) -> Self {
        self.input = input.into_iter().collect();
        self
    }

    /// Sets the prices.
    pub fn with_cost(mut self, cost: ModelCost) -> Self {
        self.cost = cost;
        self
    }

    /// Sets the context window and the output limit.
    pub fn with_limits(mut self, context_window: u64, max_tokens: u64) -> Self {
        self.context_window = Some(context_window);
        self.max_tokens = Some(max_tokens);
        self
    }

    /// Sets the per-model API.
    pub fn with_api(mut self, api: ModelApi) -> Self {
        self.api = Some(api);
        self
    }

    /// Sets the compat flags.
    pub fn with_compat(mut self, compat: ModelCompat) -> Self {
        self.compat = Some(compat);
        self
    }
}

/// The `apiKey` of a provider config: a literal key, or the name of an
/// environment variable to read it from (an "env marker").
///
/// A string that looks like an environment variable name (upper-case
/// letters, digits and `_`, with at least one `_`, such as
/// `ACME_AI_API_KEY`) is read as a marker; anything else is a literal key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiKeyInput {
    /// The key itself.
    Literal(ApiKey),
    /// Read the key from this environment variable.
    EnvMarker(String),
}

impl ApiKeyInput {
    /// Classifies a configured string as a literal or a marker.
    ///
    /// ```
    /// use clawkit_core::ApiKeyInput;
    ///
    /// assert!(matches!(ApiKeyInput::parse("ACME_AI_API_KEY"), ApiKeyInput::EnvMarker(_)));
    /// assert!(matches!(ApiKeyInput::parse("sk-abc123"), ApiKeyInput::Literal(_)));
    /// ```
    pub fn parse(value: &str) -> Self {
        let value = value.trim();
        let looks_like_env = value.contains('_')
            && value
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
            && value
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if looks_like_env {
            ApiKeyInput::EnvMarker(value.to_owned())
        } else {
            ApiKeyInput::Literal(ApiKey::new(value))
        }
    }
}

impl Serialize for ApiKeyInput {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ApiKeyInput::Literal(key) => key.serialize(serializer),
            ApiKeyInput::EnvMarker(name) => serializer.serialize_str(name),
        }
    }
}

impl<'de> Deserialize<'de> for ApiKeyInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| ApiKeyInput::parse(&s))
    }
}

/// One provider's config (`models.providers.<id>`), as written by the user
/// or produced by a catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProviderConfig {
    /// Endpoint base URL.
    pub base_url: Url,
    /// The key, or the env var holding it. Serializes redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<ApiKeyInput>,
    /// Forces the auth mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthMode>,
    /// Wire API of the models (each row may override it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<ModelApi>,
    /// Static request headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Send the key as an `Authorization` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_header: Option<bool>,
    /// The model rows.
    #[serde(default)]
    pub models: Vec<ModelDefinition>,
    /// Fields clawkit does not model, verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ProviderConfig {
    /// A provider at `base_url` speaking `api`, with no models yet.
    pub fn new(base_url: Url, api: ModelApi) -> Self {
        ProviderConfig {
            base_url,
            api_key: None,
            auth: None,
            api: Some(api),
            headers: BTreeMap::new(),
            auth_header: None,
            models: Vec::new(),
            extra: Extra::new(),
        }
    }

    /// Adds a model row.
    pub fn with_model(mut self, model: ModelDefinition) -> Self {
        self.models.push(model);
        self
    }

    /// Sets the API key.
    pub fn with_api_key(mut self, key: ApiKey) -> Self {
        self.api_key = Some(ApiKeyInput::Literal(key));
        self
    }

    /// Overlays `user` config on this discovered entry, as OpenClaw's catalog
    /// merge does: fields the user set win, and the user's `models` win when
    /// non-empty.
    pub fn overlay_user_config(&self, user: &ProviderConfig) -> ProviderConfig {
        let mut merged = user.clone();
        if merged.models.is_empty() {
            merged.models = self.models.clone();
        }
        if merged.api_key.is_none() {
            merged.api_key = self.api_key.clone();
        }
        if merged.auth.is_none() {
            merged.auth = self.auth.clone();
        }
        if merged.api.is_none() {
            merged.api = self.api.clone();
        }
        if merged.auth_header.is_none() {
            merged.auth_header = self.auth_header;
        }
        for (name, value) in &self.headers {
            merged
                .headers
                .entry(name.clone())
                .or_insert_with(|| value.clone());
        }
        for (key, value) in &self.extra {
            merged
                .extra
                .entry(key.clone())
                .or_insert_with(|| value.clone());
        }
        merged
    }
}

/// A resolved model, ready for a transport (pi-ai's `Model<Api>` plus
/// OpenClaw's extras). Runtime hooks work on this shape. Its static
/// headers may carry credentials (a gateway key): their values are
/// redacted when the model is serialized (the hook trace) or printed.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RuntimeModel {
    /// Provider-local id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Wire API.
    pub api: ModelApi,
    /// The provider id.
    pub provider: String,
    /// Endpoint base URL.
    pub base_url: Url,
    /// Whether the model reasons.
    pub reasoning: bool,
    /// Input kinds.
    pub input: Vec<InputKind>,
    /// Prices.
    pub cost: ModelCost,
    /// Native context window.
    pub context_window: u64,
    /// Effective cap for budgeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_tokens: Option<u64>,
    /// Maximum output tokens.
    pub max_tokens: u64,
    /// Static request headers (redacted when serialized or printed).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        serialize_with = "crate::secret::headers::serialize"
    )]
    pub headers: BTreeMap<String, String>,
    /// Transport compat flags.
    #[serde(default, skip_serializing_if = "ModelCompat::is_empty")]
    pub compat: ModelCompat,
    /// Thinking level → model id or parameter override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_level_map: Option<BTreeMap<String, Option<String>>>,
    /// The row's free-form `params` (`canonicalModelId` names the model
    /// behind a deployment id, for the Claude replay rules).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
}

impl std::fmt::Debug for RuntimeModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeModel")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("api", &self.api)
            .field("provider", &self.provider)
            .field("base_url", &self.base_url.as_str())
            .field("reasoning", &self.reasoning)
            .field("input", &self.input)
            .field("cost", &self.cost)
            .field("context_window", &self.context_window)
            .field("context_tokens", &self.context_tokens)
            .field("max_tokens", &self.max_tokens)
            .field("headers", &crate::secret::headers::Names(&self.headers))
            .field("compat", &self.compat)
            .field("thinking_level_map", &self.thinking_level_map)
            .field("params", &self.params)
            .finish()
    }
}

impl RuntimeModel {
    /// A text-only model with default limits; refine it with the `with_` methods.
    ///
    /// ```
    /// use clawkit_core::{ModelApi, RuntimeModel};
    ///
    /// let base = "https://api.acme-ai.com/v1".parse().unwrap();
    /// let model = RuntimeModel::new("acme-ai", "acme-beta-v3", ModelApi::OpenAiCompletions, base)
    ///     .with_limits(128_000, 8_192);
    /// assert_eq!(model.name, "acme-beta-v3");
    /// ```
    pub fn new(
        provider: impl Into<String>,
        id: impl Into<String>,
        api: ModelApi,
        base_url: Url,
    ) -> Self {
        let id = id.into();
        RuntimeModel {
            name: id.clone(),
            id,
            api,
            provider: provider.into(),
            base_url,
            reasoning: false,
            input: text_only(),
            cost: ModelCost::default(),
            context_window: DEFAULT_CONTEXT_WINDOW,
            context_tokens: None,
            max_tokens: DEFAULT_MAX_TOKENS,
            headers: BTreeMap::new(),
            compat: ModelCompat::default(),
            thinking_level_map: None,
            params: Map::new(),
        }
    }

    /// Builds the runtime model of `row` served by `provider_config`, the
    /// row's overrides winning over the provider's defaults.
    pub fn from_definition(
        provider: &str,
        provider_config: &ProviderConfig,
        row: &ModelDefinition,
    ) -> Self {
        let mut headers = provider_config.headers.clone();
        headers.extend(row.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
        RuntimeModel {
            id: row.id.clone(),
            name: if row.name.is_empty() {
                row.id.clone()
            } else {
                row.name.clone()
            },
            api: row
                .api
                .clone()
                .or_else(|| provider_config.api.clone())
                .unwrap_or(ModelApi::OpenAiCompletions),
            provider: provider.to_owned(),
            base_url: row
                .base_url
                .clone()
                .unwrap_or_else(|| provider_config.base_url.clone()),
            reasoning: row.reasoning,
            input: row.input.clone(),
            cost: row.cost.clone(),
            context_window: row.context_window.unwrap_or(DEFAULT_CONTEXT_WINDOW),
            context_tokens: row.context_tokens,
            max_tokens: row.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
            headers,
            compat: row.compat.clone().unwrap_or_default(),
            thinking_level_map: row.thinking_level_map.clone(),
            params: row
                .extra
                .get("params")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// Sets the display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets whether the model reasons.
    pub fn with_reasoning(mut self, reasoning: bool) -> Self {
        self.reasoning = reasoning;
        self
    }

    /// Sets the input kinds.
    pub fn with_input(mut self, input: impl IntoIterator<Item = InputKind>) -> Self {
        self.input = input.into_iter().collect();
        self
    }

    /// Sets the prices.
    pub fn with_cost(mut self, cost: ModelCost) -> Self {
        self.cost = cost;
        self
    }

    /// Sets the context window and the output limit.
    pub fn with_limits(mut self, context_window: u64, max_tokens: u64) -> Self {
        self.context_window = context_window;
        self.max_tokens = max_tokens;
        self
    }

    /// `provider/id`.
    pub fn reference(&self) -> String {
        format!("{}/{}", self.provider, self.id)
    }
}

/// A `/think` level (OpenClaw's `ThinkLevel`; the serde names are its
/// spellings).
///
/// The order is the strength order of OpenClaw's `THINKING_LEVEL_RANKS`
/// (`off` < `minimal` < … < `xhigh` < `max`), with `adaptive`, which is no
/// fixed strength, last. OpenClaw's `ultra` (an orchestration mode that
/// sends `max`) has no variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ThinkingLevel {
    /// No thinking.
    Off,
    /// The least thinking a model does when it thinks.
    Minimal,
    /// Low effort.
    Low,
    /// Medium effort.
    Medium,
    /// High effort.
    High,
    /// Extra-high effort (`xhigh`), for the models that have it.
    #[serde(rename = "xhigh")]
    XHigh,
    /// The most a model can do (`max`), above `xhigh`: OpenAI's and
    /// Anthropic's `max` effort, DeepSeek V4's and Kimi K3's
    /// `reasoning_effort: "max"`. Where a wire has no `max`, it is sent as
    /// the strongest value that wire takes (OpenClaw's
    /// `mapThinkingLevelToReasoningEffort` maps it to `xhigh`; Gemini takes
    /// `HIGH`).
    Max,
    /// The model decides how much to think.
    Adaptive,
}

/// Why a request failed, for failover decisions (OpenClaw's reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum FailoverReason {
    Auth,
    AuthPermanent,
    Format,
    RateLimit,
    Overloaded,
    Billing,
    ServerError,
    Timeout,
    TlsCertificate,
    ContextOverflow,
    ModelNotFound,
    SessionExpired,
    EmptyResponse,
    NoErrorDetails,
    Unclassified,
    Unknown,
}

/// Token usage of one response, with its cost when the model has prices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Usage {
    /// Input tokens not served from the cache.
    pub input: u64,
    /// Output tokens (including reasoning).
    pub output: u64,
    /// Input tokens read from the cache.
    pub cache_read: u64,
    /// Input tokens written to the cache.
    pub cache_write: u64,
    /// Output tokens spent reasoning (part of `output`).
    pub reasoning: u64,
    /// All tokens.
    pub total: u64,
    /// Cost in USD, from the model's prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<UsageCost>,
}

impl Usage {
    /// Usage with the given counts; `total` is their sum and the cost is unset.
    pub fn new(input: u64, output: u64, cache_read: u64, cache_write: u64) -> Self {
        Usage {
            input,
            output,
            cache_read,
            cache_write,
            reasoning: 0,
            total: input + output + cache_read + cache_write,
            cost: None,
        }
    }

    /// Sets `cost` from per-million-token prices.
    ///
    /// Each component, and the total (the sum of the rounded components),
    /// is rounded once to 1e-12 USD, so that costs read as the decimals
    /// they are (`2.7e-6`, not `2.6999999999999996e-6`). Nothing real is
    /// lost: prices are quoted per million tokens with at most six decimal
    /// places, so an exact cost is a whole number of 1e-12 USD, while the
    /// binary float noise sits many digits below. Costs of 9 007 USD or more
    /// (where an `f64` no longer resolves 1e-12) are left as computed.
    ///
    /// ```
    /// use clawkit_core::{ModelCost, Usage};
    ///
    /// let usage = Usage::new(1_000_000, 500_000, 0, 0).priced(&ModelCost::new(3.0, 15.0, 0.3, 3.75));
    /// assert_eq!(usage.cost.unwrap().total, 10.5);
    /// let usage = Usage::new(9, 0, 0, 0).priced(&ModelCost::new(0.3, 2.5, 0.0, 0.0));
    /// assert_eq!(usage.cost.unwrap().input, 2.7e-6);
    /// ```
    pub fn priced(mut self, prices: &ModelCost) -> Self {
        let per_token = |tokens: u64, price: f64| round_cost(tokens as f64 * price / 1_000_000.0);
        let cost = UsageCost {
            input: per_token(self.input, prices.input),
            output: per_token(self.output, prices.output),
            cache_read: per_token(self.cache_read, prices.cache_read),
            cache_write: per_token(self.cache_write, prices.cache_write),
            total: 0.0,
        };
        self.cost = Some(UsageCost {
            total: round_cost(cost.input + cost.output + cost.cache_read + cost.cache_write),
            ..cost
        });
        self
    }
}

/// `usd` rounded to 1e-12 USD (see [`Usage::priced`]); unchanged where an
/// `f64` cannot resolve that (non-finite, or 2^53 × 1e-12 USD and more).
fn round_cost(usd: f64) -> f64 {
    const PER_USD: f64 = 1e12;
    const EXACT_BELOW: f64 = 9_007_199_254_740_992.0; // 2^53
    let scaled = usd * PER_USD;
    if scaled.is_finite() && scaled.abs() < EXACT_BELOW {
        scaled.round() / PER_USD
    } else {
        usd
    }
}

/// The cost of one response in USD.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct UsageCost {
    pub input: f64,
    pub output: f64,
    pub cache_read: f64,
    pub cache_write: f64,
    pub total: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn costs_are_rounded_once_to_a_millionth_of_a_microdollar() {
        let gemini = ModelCost::new(0.3, 2.5, 0.0, 0.0);
        let cost = Usage::new(9, 0, 0, 0).priced(&gemini).cost.unwrap();
        // 9 × 0.3 / 1e6 is 2.6999999999999996e-6 in plain f64 arithmetic.
        assert_eq!((cost.input, cost.total), (2.7e-6, 2.7e-6));
        let cost = Usage::new(8, 9, 0, 0).priced(&gemini).cost.unwrap();
        // 2.4e-6 + 2.25e-5 is 0.000024900000000000002 unrounded.
        assert_eq!(cost.total, 2.49e-5);
        assert_eq!(
            serde_json::to_value(cost).unwrap(),
            json!({"input": 2.4e-6, "output": 2.25e-5, "cacheRead": 0.0, "cacheWrite": 0.0, "total": 2.49e-5})
        );
        // The unit is 1e-12 USD: 1.5e-12 rounds to 2e-12, 4e-13 to nothing.
        let tiny = Usage::new(1, 0, 0, 0).priced(&ModelCost::new(0.0000015, 0.0, 0.0, 0.0));
        assert_eq!(tiny.cost.unwrap().input, 2e-12);
        let tinier = Usage::new(1, 0, 0, 0).priced(&ModelCost::new(0.0000004, 0.0, 0.0, 0.0));
        assert_eq!(tinier.cost.unwrap().input, 0.0);
        // Where an f64 no longer resolves 1e-12 USD, the cost is kept as computed.
        assert_eq!(round_cost(123_456_789.123_456_7), 123_456_789.123_456_7);
        assert!(round_cost(f64::INFINITY).is_infinite());
    }

    #[test]
    fn apis_parse_leniently_and_round_trip() {
        let apis: Vec<ModelApi> = serde_json::from_value(json!([
            "openai-completions",
            "anthropic-messages",
            "acme-rpc"
        ]))
        .unwrap();
        assert_eq!(apis[0], ModelApi::OpenAiCompletions);
        assert_eq!(apis[2], ModelApi::Other("acme-rpc".into()));
        assert_eq!(
            serde_json::to_value(&apis).unwrap(),
            json!(["openai-completions", "anthropic-messages", "acme-rpc"])
        );
    }

    #[test]
    fn provider_config_reads_openclaw_json_and_redacts_keys() {
        let config: ProviderConfig = serde_json::from_value(json!({
            "baseUrl": "https://api.acme-ai.com/v1",
            "apiKey": "sk-secret-canary",
            "api": "openai-completions",
            "models": [{"id": "acme-large", "name": "Acme Large", "reasoning": true,
                        "input": ["text", "image"], "contextWindow": 200000, "maxTokens": 32768,
                        "cost": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75},
                        "compat": {"supportsDeveloperRole": false, "maxTokensField": "max_tokens", "futureFlag": 1}}]
        }))
        .unwrap();
        let row = &config.models[0];
        let compat = row.compat.as_ref().unwrap();
        assert_eq!(compat.max_tokens_field, Some(MaxTokensField::MaxTokens));
        assert_eq!(compat.extra["futureFlag"], json!(1));
        let written = serde_json::to_string(&config).unwrap();
        assert!(!written.contains("canary"), "{written}");
        assert!(!format!("{config:?}").contains("canary"));
        let model = RuntimeModel::from_definition("acme-ai", &config, row);
        assert_eq!(model.reference(), "acme-ai/acme-large");
        assert_eq!((model.context_window, model.max_tokens), (200_000, 32_768));
    }

    #[test]
    fn env_markers_are_told_from_literals() {
        assert_eq!(
            ApiKeyInput::parse("OPENAI_API_KEY"),
            ApiKeyInput::EnvMarker("OPENAI_API_KEY".into())
        );
        assert!(matches!(
            ApiKeyInput::parse("OLLAMA"),
            ApiKeyInput::Literal(_)
        ));
        assert!(matches!(
            ApiKeyInput::parse("sk-proj_ABC"),
            ApiKeyInput::Literal(_)
        ));
    }

    #[test]
    fn user_config_wins_over_discovered_fields() {
        let discovered = ProviderConfig::new(
            "https://a.example/v1".parse().unwrap(),
            ModelApi::OpenAiCompletions,
        )
        .with_model(ModelDefinition::new("m1"));
        let user = ProviderConfig {
            api: None,
            ..ProviderConfig::new(
                "https://proxy.example/v1".parse().unwrap(),
                ModelApi::OpenAiResponses,
            )
        };
        let merged = discovered.overlay_user_config(&user);
        assert_eq!(merged.base_url.as_str(), "https://proxy.example/v1");
        assert_eq!(merged.api, Some(ModelApi::OpenAiCompletions));
        assert_eq!(merged.models.len(), 1);
    }

    #[test]
    fn thinking_levels_and_failover_reasons_use_openclaw_names() {
        assert_eq!(
            serde_json::to_value(ThinkingLevel::XHigh).unwrap(),
            json!("xhigh")
        );
        assert_eq!(
            serde_json::to_value(ThinkingLevel::Max).unwrap(),
            json!("max")
        );
        assert_eq!(
            serde_json::from_value::<ThinkingLevel>(json!("max")).unwrap(),
            ThinkingLevel::Max
        );
        assert!(
            ThinkingLevel::XHigh < ThinkingLevel::Max
                && ThinkingLevel::Max < ThinkingLevel::Adaptive
        );
        assert_eq!(
            serde_json::to_value(FailoverReason::RateLimit).unwrap(),
            json!("rate_limit")
        );
    }
}
