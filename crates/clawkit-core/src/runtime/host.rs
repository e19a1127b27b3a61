//! Hooks a host calls outside a turn, one runtime method each: OAuth
//! refresh, usage, embeddings, the WebSocket session policy, the
//! missing-auth message, the modern-model check and the thinking profile. Each dispatches to the
//! provider's owner and records what it returned when given a trace.

use std::sync::Arc;

use clawkit_manifest::normalize_provider_id;

use crate::error::CoreError;
use crate::hooks::{
    EmbeddingContext, EmbeddingProvider, ModelRefContext, OAuthCredential, ThinkingContext,
    ThinkingProfile, TurnStateContext, UsageAuth, UsageAuthContext, UsageSnapshotContext,
    WebSocketSessionPolicy,
};
use crate::runtime::Runtime;
use crate::trace::{HookTrace, Tracer};

impl Runtime {
    /// `refreshOAuth`: the provider's refreshed credential, or `None` when
    /// it leaves refreshing to the host.
    pub async fn refresh_oauth(
        &self,
        credential: &OAuthCredential,
        trace: Option<&mut HookTrace>,
    ) -> Result<Option<OAuthCredential>, CoreError> {
        let mut tracer = Tracer::new(trace);
        let Some(owner) = self.owner(&credential.provider) else {
            return Ok(None);
        };
        match owner.provider.refresh_oauth(credential).await {
            Ok(refreshed) => {
                tracer.option("refreshOAuth", owner.id(), &refreshed);
                Ok(refreshed)
            }
            Err(source) => {
                tracer.failed("refreshOAuth", owner.id(), &source);
                Err(CoreError::hook_failed(owner.id(), "refreshOAuth", source))
            }
        }
    }

    /// `resolveUsageAuth`: the credential for `provider`'s usage API, with
    /// the billing env vars its manifest declares.
    pub async fn usage_auth(
        &self,
        provider: &str,
        trace: Option<&mut HookTrace>,
    ) -> Result<Option<UsageAuth>, CoreError> {
        let mut tracer = Tracer::new(trace);
        let provider = normalize_provider_id(provider);
        let Some(owner) = self.owner(&provider) else {
            return Ok(None);
        };
        let usage_env_vars = self
            .manifests
            .iter()
            .filter_map(|m| m.provider_usage_auth_env_vars.get(provider.as_str()))
            .flatten()
            .cloned()
            .collect();
        let ctx = UsageAuthContext {
            provider: provider.clone(),
            env: Arc::clone(&self.env),
            config: Arc::clone(&self.config),
            usage_env_vars,
        };
        match owner.provider.resolve_usage_auth(&ctx).await {
            Ok(auth) => {
                tracer.option("resolveUsageAuth", owner.id(), &auth);
                Ok(auth)
            }
            Err(source) => {
                tracer.failed("resolveUsageAuth", owner.id(), &source);
                Err(CoreError::hook_failed(
                    owner.id(),
                    "resolveUsageAuth",
                    source,
                ))
            }
        }
    }

    /// `fetchUsageSnapshot`: the provider's usage report, as it shapes it.
    pub async fn usage_snapshot(
        &self,
        ctx: &UsageSnapshotContext,
        trace: Option<&mut HookTrace>,
    ) -> Result<Option<serde_json::Value>, CoreError> {
        let mut tracer = Tracer::new(trace);
        let Some(owner) = self.owner(&ctx.provider) else {
            return Ok(None);
        };
        match owner.provider.fetch_usage_snapshot(ctx).await {
            Ok(snapshot) => {
                tracer.option("fetchUsageSnapshot", owner.id(), &snapshot);
                Ok(snapshot)
            }
            Err(source) => {
                tracer.failed("fetchUsageSnapshot", owner.id(), &source);
                Err(CoreError::hook_failed(
                    owner.id(),
                    "fetchUsageSnapshot",
                    source,
                ))
            }
        }
    }

    /// `createEmbeddingProvider`: the provider's embedding adapter, if it has one.
    pub async fn embedding_provider(
        &self,
        ctx: &EmbeddingContext,
        trace: Option<&mut HookTrace>,
    ) -> Result<Option<Arc<dyn EmbeddingProvider>>, CoreError> {
        let mut tracer = Tracer::new(trace);
        let Some(owner) = self.owner(&ctx.provider) else {
            return Ok(None);
        };
        match owner.provider.create_embedding_provider(ctx).await {
            Ok(adapter) => {
                let id = adapter.as_ref().map(|a| a.id().to_owned());
                tracer.option("createEmbeddingProvider", owner.id(), &id);
                Ok(adapter)
            }
            Err(source) => {
                tracer.failed("createEmbeddingProvider", owner.id(), &source);
                Err(CoreError::hook_failed(
                    owner.id(),
                    "createEmbeddingProvider",
                    source,
                ))
            }
        }
    }

    /// `resolveWebSocketSessionPolicy`: per-session WebSocket headers and cool-down.
    pub fn web_socket_session_policy(
        &self,
        ctx: &TurnStateContext,
        trace: Option<&mut HookTrace>,
    ) -> Option<WebSocketSessionPolicy> {
        let mut tracer = Tracer::new(trace);
        self.with_owner(
            &ctx.provider,
            "resolveWebSocketSessionPolicy",
            &mut tracer,
            |p| p.resolve_web_socket_session_policy(ctx),
        )
    }

    /// `buildMissingAuthMessage`, else the generic message naming the env
    /// vars to set: what a host shows when `provider` has no credential.
    pub fn missing_auth_message(&self, provider: &str, trace: Option<&mut HookTrace>) -> String {
        let mut tracer = Tracer::new(trace);
        let provider = normalize_provider_id(provider);
        let auth_id = self.auth_provider_id(&provider);
        self.missing_auth(&provider, &auth_id, &mut tracer)
            .to_string()
    }

    /// `isModernModelRef`: whether the provider counts the model as current
    /// (model pickers list these first); `false` when it has no opinion.
    pub fn is_modern_model_ref(
        &self,
        provider: &str,
        model_id: &str,
        trace: Option<&mut HookTrace>,
    ) -> bool {
        let mut tracer = Tracer::new(trace);
        self.with_owner(provider, "isModernModelRef", &mut tracer, |p| {
            p.is_modern_model_ref(&ModelRefContext::new(provider, model_id))
        })
        .unwrap_or(false)
    }

    /// `resolveThinkingProfile`: the `/think` levels the provider offers for
    /// a model and its default, as the thinking stage of a turn sees them
    /// (what a model picker shows); `None` when the provider has no
    /// opinion. `reasoning` is the catalog's flag for the model.
    pub fn thinking_profile(
        &self,
        provider: &str,
        model_id: &str,
        reasoning: Option<bool>,
        trace: Option<&mut HookTrace>,
    ) -> Option<ThinkingProfile> {
        let mut tracer = Tracer::new(trace);
        let mut ctx = ThinkingContext::new(provider, model_id);
        ctx.reasoning = reasoning;
        self.with_owner(provider, "resolveThinkingProfile", &mut tracer, |p| {
            p.resolve_thinking_profile(&ctx)
        })
    }
}
