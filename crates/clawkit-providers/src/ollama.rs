//! `ollama`: the models a local [Ollama](https://ollama.com) server has
//! pulled. No key is needed.
//!
//! # Wire API
//!
//! Requests go to Ollama's OpenAI-compatible endpoint,
//! `{host}/v1/chat/completions`, with [`ModelApi::OpenAiCompletions`].
//! OpenClaw documents this setup (`baseUrl: "http://ollama-host:11434/v1"`,
//! `api: "openai-completions"`); its newest plugin also has a native
//! transport (`api: "ollama"`, `/api/chat`, base URL without `/v1`), but
//! clawkit has none: `clawkit_http::transport_for` serves `ollama` with the
//! Chat Completions transport, which would post to `{host}/chat/completions`
//! and miss. So the catalog and dynamic models say `openai-completions` and
//! end their base URL in `/v1`, and `normalizeTransport` (#4) rewrites a
//! configured `api: "ollama"` or a base URL without `/v1` the same way.
//!
//! # Host
//!
//! `models.providers.ollama.baseUrl` from the user config, with or without
//! a trailing `/v1` (as OpenClaw's `resolveOllamaApiBase` accepts both),
//! else [`DEFAULT_BASE_URL`]. `OLLAMA_HOST` is not read: OpenClaw's
//! discovery does not read it either (it takes the config only).
//!
//! # Catalog
//!
//! The live catalog lists `GET {host}/api/tags`: each pulled model is a row
//! (id = tag name, zero cost, OpenClaw's Ollama defaults of
//! [`DEFAULT_CONTEXT_WINDOW`] / [`DEFAULT_MAX_TOKENS`]; `reasoning` from
//! OpenClaw's name heuristic). The request is bounded by
//! [`DISCOVERY_TIMEOUT`](crate::openai_compatible::DISCOVERY_TIMEOUT) and
//! [`DISCOVERY_MAX_BYTES`](crate::openai_compatible::DISCOVERY_MAX_BYTES).
//! When the server is unreachable, slow, or answers anything but a tag list,
//! the live catalog returns nothing and the runtime falls back to the static
//! catalog (a few common local models; rows marked `static`), as OpenClaw's
//! §3.2 prescribes — never an error. When the user config lists models,
//! those are the rows and the server is not asked (OpenClaw skips discovery
//! for an explicit model list too). Any other model id resolves as well:
//! local models are whatever the user pulled.
//!
//! # Auth
//!
//! `OLLAMA_API_KEY` when set (for a server behind an authenticating proxy);
//! otherwise `resolveSyntheticAuth` (#8) answers with the non-secret marker
//! [`LOCAL_MARKER`], whatever the host: OpenClaw's §4.5 step 6, "`ollama`
//! always gets a local marker". A catalog entry passed as
//! `AuthRequest::provider_config` with a loopback base URL resolves one step
//! earlier, to the core's synthetic local auth.

use clawkit_core::{
    ApiKey, CatalogContext, CatalogOrder, CatalogResult, CredentialKind, DynamicModelContext,
    InputKind, LOCAL_AUTH_MARKER, ModelApi, ModelCompat, ModelContext, ModelCost, ModelDefinition,
    PluginError, ProviderConfig, ProviderHooks, ReplayPolicy, ResolvedModelContext, RuntimeModel,
    SingleProviderPluginEntry, SyntheticAuth, SyntheticAuthContext, TransportContext,
    TransportPatch, async_trait,
};
use clawkit_families::replay::{ReplayFamily, ReplayFamilyHooks};
use clawkit_manifest::{ManifestError, PluginManifest};
use serde_json::Value;
use url::Url;

use crate::openai_compatible::{get_json, join, local_server_compat};

/// The provider id.
pub const PROVIDER_ID: &str = "ollama";

/// The plugin's `openclaw.plugin.json`.
pub const MANIFEST_JSON: &str = include_str!("../plugins/ollama/openclaw.plugin.json");

/// Where Ollama listens by default (its native API root).
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:11434";

/// The env var holding an optional key.
pub const API_KEY_ENV: &str = "OLLAMA_API_KEY";

/// The non-secret key sent when no key is configured (OpenClaw's marker).
pub const LOCAL_MARKER: &str = "ollama-local";

/// Context window of a listed or dynamic model (OpenClaw's Ollama default).
pub const DEFAULT_CONTEXT_WINDOW: u64 = 128_000;

/// Output limit of a listed or dynamic model (OpenClaw's Ollama default).
pub const DEFAULT_MAX_TOKENS: u64 = 8_192;

/// The plugin entry.
pub fn plugin() -> Result<SingleProviderPluginEntry, ManifestError> {
    Ok(SingleProviderPluginEntry::builder(PROVIDER_ID)
        .manifest(manifest()?)
        .label("Ollama")
        .docs_path(format!("/providers/{PROVIDER_ID}"))
        .env_var(API_KEY_ENV)
        // Local servers merge last, as OpenClaw's Ollama catalog does.
        .catalog_order(CatalogOrder::Late)
        // No `build_provider`: discovery needs the configured host, which
        // only the `catalog` hook gets; `hooks` supplies it.
        .build_static_provider(static_catalog)
        .hooks(OllamaHooks)
        .build())
}

/// The parsed and checked plugin manifest.
pub fn manifest() -> Result<PluginManifest, ManifestError> {
    PluginManifest::parse(MANIFEST_JSON.as_bytes(), "openclaw.plugin.json")
        .into_result("openclaw.plugin.json")
}

/// The offline catalog: the default server and a few common local models.
pub fn static_catalog() -> Result<ProviderConfig, PluginError> {
    let base_url = openai_base_url(&DEFAULT_BASE_URL.parse()?);
    Ok(static_rows().into_iter().fold(
        ProviderConfig::new(base_url, ModelApi::OpenAiCompletions),
        ProviderConfig::with_model,
    ))
}

/// Ollama's native API root for a configured base URL: trailing slashes and
/// a final `/v1` removed (`http://host:11434/v1/` → `http://host:11434`).
pub fn api_base(base_url: &Url) -> Url {
    let mut url = base_url.clone();
    let path = base_url.path().trim_end_matches('/');
    let path = match path.len().checked_sub(3) {
        Some(at) if path.is_char_boundary(at) && path[at..].eq_ignore_ascii_case("/v1") => {
            &path[..at]
        }
        _ => path,
    };
    url.set_path(path);
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// The OpenAI-compatible base URL for a configured base URL: its API root
/// followed by `/v1`.
pub fn openai_base_url(base_url: &Url) -> Url {
    join(&api_base(base_url), "v1")
}

/// Reads `GET {host}/api/tags` into catalog rows, or `None` when the server
/// is unreachable, slow, too large or answers anything but a tag list.
pub async fn discover(base_url: &Url, api_key: Option<&ApiKey>) -> Option<Vec<ModelDefinition>> {
    let body = get_json(join(&api_base(base_url), "api/tags"), api_key.cloned()).await?;
    parse_tags(&body)
}

/// Catalog rows from an `/api/tags` answer
/// (`{"models":[{"name":"llama3.2:latest",…}]}`), or `None` if `body` is
/// not one. The row id is the tag `name` (else `model`); entries without
/// one are skipped, duplicates dropped.
pub fn parse_tags(body: &Value) -> Option<Vec<ModelDefinition>> {
    let models = body.get("models")?.as_array()?;
    let mut rows: Vec<ModelDefinition> = Vec::new();
    for model in models {
        let name = ["name", "model"]
            .iter()
            .filter_map(|field| model.get(*field).and_then(Value::as_str))
            .map(str::trim)
            .find(|name| !name.is_empty());
        let Some(name) = name else { continue };
        if rows.iter().any(|row| row.id == name) {
            continue;
        }
        rows.push(
            ModelDefinition::new(name)
                .with_name(name)
                .with_reasoning(is_reasoning_model(name))
                .with_input([InputKind::Text])
                .with_cost(ModelCost::default())
                .with_limits(DEFAULT_CONTEXT_WINDOW, DEFAULT_MAX_TOKENS),
        );
    }
    Some(rows)
}

/// OpenClaw's name heuristic for thinking models (`r1`, `reason`, `think`,
/// `qwen3`, `qwq`), plus `gpt-oss`.
pub fn is_reasoning_model(id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    ["r1", "reason", "think", "qwen3", "qwq", "gpt-oss"]
        .iter()
        .any(|hint| id.contains(hint))
}

/// Common models of Ollama's library, for the offline catalog; limits as
/// their model cards publish them. (OpenClaw 2026.9.6 bundles no static
/// rows for a local Ollama, only live discovery, so these have no
/// counterpart there: they are what clawkit lists when the server is down.)
fn static_rows() -> Vec<ModelDefinition> {
    [
        ("llama3.2", "Llama 3.2 3B", 131_072, false),
        ("qwen2.5-coder", "Qwen2.5 Coder 7B", 32_768, false),
        ("gpt-oss:20b", "gpt-oss 20B", 131_072, true),
    ]
    .into_iter()
    .map(|(id, name, context_window, reasoning)| {
        ModelDefinition::new(id)
            .with_name(name)
            .with_reasoning(reasoning)
            .with_input([InputKind::Text])
            .with_cost(ModelCost::default())
            .with_limits(context_window, DEFAULT_MAX_TOKENS)
    })
    .collect()
}

/// The hooks beyond identity and the static catalog.
struct OllamaHooks;

#[async_trait]
impl ProviderHooks for OllamaHooks {
    /// #39: the `openai-compatible` replay family, as OpenClaw installs it.
    fn build_replay_policy(&self, ctx: &ModelContext) -> Option<ReplayPolicy> {
        ReplayFamilyHooks::new(ReplayFamily::OpenAiCompatible).build_replay_policy(ctx)
    }

    /// #1: the server's pulled models; nothing (so the static catalog
    /// serves) when it cannot be read.
    async fn catalog(&self, ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> {
        let explicit = ctx.config.provider(PROVIDER_ID);
        let configured = match explicit {
            Some(explicit) => explicit.base_url.clone(),
            None => DEFAULT_BASE_URL.parse()?,
        };
        let mut provider =
            ProviderConfig::new(openai_base_url(&configured), ModelApi::OpenAiCompletions);
        if explicit.is_some_and(|explicit| !explicit.models.is_empty()) {
            // The user's rows win the merge; asking the server is pointless.
            return Ok(Some(CatalogResult::Provider(provider)));
        }
        let key = ctx
            .resolve_provider_api_key(None)
            .api_key
            .filter(|key| ![LOCAL_MARKER, LOCAL_AUTH_MARKER].contains(&key.expose()));
        let Some(models) = discover(&configured, key.as_ref()).await else {
            return Ok(None);
        };
        provider.models = models;
        Ok(Some(CatalogResult::Provider(provider)))
    }

    /// #4: Chat Completions on `{host}/v1`, whatever the config says.
    fn normalize_transport(&self, ctx: &TransportContext) -> Option<TransportPatch> {
        if ctx.provider != PROVIDER_ID {
            return None;
        }
        let mut patch = TransportPatch::default();
        if ctx.api == Some(ModelApi::Ollama) {
            patch.api = Some(ModelApi::OpenAiCompletions);
        }
        if let Some(base_url) = &ctx.base_url {
            let wanted = openai_base_url(base_url);
            if &wanted != base_url {
                patch.base_url = Some(wanted);
            }
        }
        patch.changes(ctx).then_some(patch)
    }

    /// #8: Ollama needs no key.
    fn resolve_synthetic_auth(&self, ctx: &SyntheticAuthContext) -> Option<SyntheticAuth> {
        (ctx.provider == PROVIDER_ID).then(|| {
            SyntheticAuth::new(
                LOCAL_MARKER,
                "ollama: local server, no key needed",
                CredentialKind::None,
            )
        })
    }

    /// #10: any model id: local models are whatever the user pulled.
    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        let configured = match &ctx.provider_config {
            Some(config) => config.base_url.clone(),
            None => DEFAULT_BASE_URL.parse().ok()?,
        };
        Some(
            RuntimeModel::new(
                PROVIDER_ID,
                &ctx.model_id,
                ModelApi::OpenAiCompletions,
                openai_base_url(&configured),
            )
            .with_reasoning(is_reasoning_model(&ctx.model_id))
            .with_limits(DEFAULT_CONTEXT_WINDOW, DEFAULT_MAX_TOKENS),
        )
    }

    /// #13: the request shape Ollama's OpenAI-compatible endpoint accepts.
    /// It runs before #4, so a configured `api: "ollama"` counts too.
    fn contribute_resolved_model_compat(&self, ctx: &ResolvedModelContext) -> Option<ModelCompat> {
        let served = matches!(
            ctx.model.api,
            ModelApi::OpenAiCompletions | ModelApi::Ollama
        );
        if ctx.provider != PROVIDER_ID || !served {
            return None;
        }
        local_server_compat(&ctx.model.compat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_base_drops_slashes_and_v1() {
        for (configured, expected) in [
            ("http://127.0.0.1:11434", "http://127.0.0.1:11434/"),
            ("http://127.0.0.1:11434/", "http://127.0.0.1:11434/"),
            ("http://gpu:11434/v1", "http://gpu:11434/"),
            ("http://gpu:11434/V1/", "http://gpu:11434/"),
            (
                "https://proxy.example/ollama/v1",
                "https://proxy.example/ollama",
            ),
            (
                "https://proxy.example/ollama/v1x",
                "https://proxy.example/ollama/v1x",
            ),
        ] {
            let url: Url = configured.parse().unwrap();
            assert_eq!(api_base(&url).as_str(), expected, "{configured}");
        }
        let url: Url = "http://gpu:11434/v1?x=1".parse().unwrap();
        assert_eq!(openai_base_url(&url).as_str(), "http://gpu:11434/v1");
    }

    #[test]
    fn reasoning_heuristic() {
        for id in [
            "deepseek-r1:32b",
            "qwen3:8b",
            "qwq",
            "gpt-oss:20b",
            "phi4-reasoning",
        ] {
            assert!(is_reasoning_model(id), "{id}");
        }
        for id in ["llama3.2:latest", "qwen2.5-coder:7b", "mistral"] {
            assert!(!is_reasoning_model(id), "{id}");
        }
    }
}
