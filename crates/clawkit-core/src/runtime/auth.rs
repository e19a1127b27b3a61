//! Resolving a provider's credential, in OpenClaw's order (§4.5):
//!
//! 1. an explicit key (a CLI flag, application code);
//! 2. an explicit auth profile;
//! 3. the provider's stored profiles (after env and config when the
//!    provider's `shouldDeferSyntheticProfileAuth` says so);
//! 4. the env vars the manifests declare for the auth-normalized id (an
//!    alias from `providerAuthAliases` reuses its target's env vars);
//! 5. `models.providers.<id>.apiKey`: a literal, or an env marker; then the
//!    provider's `resolveConfigApiKey`;
//! 6. synthetic local auth for a loopback base URL;
//! 7. the provider's `resolveSyntheticAuth`;
//! 8. otherwise an error: the provider's `buildMissingAuthMessage`, or a
//!    message naming the env vars to set.
//!
//! The key found then goes through `formatApiKey`. At request time,
//! [`Runtime::request_credential`] runs `prepareRuntimeAuth` and caches its result
//! until it expires; concurrent callers share one refresh.

use std::collections::HashMap;
use std::sync::Arc;

use clawkit_manifest::normalize_provider_id;

use crate::auth::{AuthSource, LOCAL_AUTH_MARKER, OAuthCredential, ResolvedAuth, is_loopback_url};
use crate::error::CoreError;
use crate::hooks::{
    AuthCredential, AuthDoctorContext, AuthLookupContext, CredentialKind, ProviderKey,
    RequestCredential, RuntimeAuthContext, SyntheticAuthContext,
};
use crate::model::{ApiKeyInput, ProviderConfig, RuntimeModel};
use crate::secret::ApiKey;
use crate::trace::{HookTrace, Tracer};

use super::Runtime;

/// Refresh a runtime credential this long before it expires.
pub const RUNTIME_AUTH_REFRESH_MARGIN_MS: u64 = 30_000;

/// What the caller already knows about the credential to use.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct AuthRequest {
    /// A key given explicitly; it wins over everything.
    pub explicit_key: Option<ApiKey>,
    /// Use this stored profile.
    pub profile_id: Option<String>,
    /// The provider's effective config (its merged catalog entry), for
    /// synthetic local auth; the user config is used when absent.
    pub provider_config: Option<Arc<ProviderConfig>>,
}

impl AuthRequest {
    /// Use `key`.
    pub fn with_key(key: impl Into<ApiKey>) -> Self {
        AuthRequest {
            explicit_key: Some(key.into()),
            ..AuthRequest::default()
        }
    }
}

impl Runtime {
    /// The id whose credentials `provider` uses: its `providerAuthAliases`
    /// target, or itself.
    pub fn auth_provider_id(&self, provider: &str) -> String {
        let id = normalize_provider_id(provider);
        self.auth_aliases.get(&id).cloned().unwrap_or(id)
    }

    /// The inference env vars for `provider`: those every manifest declares
    /// for its auth id, then the provider's own `env_vars`.
    pub fn auth_env_vars(&self, provider: &str) -> Vec<String> {
        let auth_id = self.auth_provider_id(provider);
        let mut names: Vec<String> = Vec::new();
        let mut push = |name: &str| {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        };
        for manifest in &self.manifests {
            for (declared, vars) in &manifest.provider_auth_env_vars {
                if normalize_provider_id(declared) == auth_id {
                    vars.iter().for_each(|v| push(v));
                }
            }
            if let Some(setup) = &manifest.setup {
                for entry in setup
                    .providers
                    .iter()
                    .filter(|p| normalize_provider_id(&p.id) == auth_id)
                {
                    entry.env_vars.iter().for_each(|v| push(v));
                }
            }
        }
        for id in [provider, auth_id.as_str()] {
            if let Some(owner) = self.owner(id) {
                owner.provider.env_vars().iter().for_each(|v| push(v));
            }
        }
        names
    }

    /// Resolves the credential of `provider` (see the module docs for the order).
    ///
    /// ```
    /// use clawkit_core::{AuthRequest, AuthSource, Env, Runtime};
    ///
    /// let runtime = Runtime::builder().env(Env::new().with("OPENAI_API_KEY", "sk-test")).build()?;
    /// let error = runtime.resolve_auth("acme-ai", &AuthRequest::default(), None).unwrap_err();
    /// assert_eq!(error.to_string(), "no API key found for provider \"acme-ai\"; configure models.providers.acme-ai.apiKey");
    /// # Ok::<(), clawkit_core::CoreError>(())
    /// ```
    pub fn resolve_auth(
        &self,
        provider: &str,
        request: &AuthRequest,
        trace: Option<&mut HookTrace>,
    ) -> Result<ResolvedAuth, CoreError> {
        let mut tracer = Tracer::new(trace);
        let provider = normalize_provider_id(provider);
        let auth_id = self.auth_provider_id(&provider);
        let resolved = self.find_credential(&provider, &auth_id, request, &mut tracer)?;
        let Some(mut resolved) = resolved else {
            return Err(self.missing_auth(&provider, &auth_id, &mut tracer));
        };
        let credential = AuthCredential {
            provider: provider.clone(),
            kind: resolved.mode,
            key: resolved.api_key.clone(),
            profile_id: resolved.profile_id.clone(),
        };
        if let Some(formatted) = self.with_owner(&provider, "formatApiKey", &mut tracer, |p| {
            p.format_api_key(&credential)
        }) {
            resolved.api_key = formatted;
        }
        if tracer.is_on() {
            tracer.value("resolvedAuth", None, &resolved);
        }
        Ok(resolved)
    }

    fn find_credential(
        &self,
        provider: &str,
        auth_id: &str,
        request: &AuthRequest,
        tracer: &mut Tracer<'_>,
    ) -> Result<Option<ResolvedAuth>, CoreError> {
        if let Some(key) = request.explicit_key.as_ref().filter(|k| !k.is_blank()) {
            return Ok(Some(resolved(
                key.clone(),
                AuthSource::Explicit,
                CredentialKind::ApiKey,
                None,
            )));
        }
        if let Some(profile_id) = &request.profile_id {
            let profile = self.store.get(profile_id).ok_or_else(|| {
                CoreError::missing_auth(
                    provider,
                    format!("no credentials found for profile \"{profile_id}\""),
                    Vec::new(),
                )
            })?;
            let credential = &profile.credential;
            return Ok(Some(resolved(
                credential.key.clone(),
                AuthSource::Profile {
                    id: profile_id.clone(),
                },
                credential.kind,
                Some(profile_id.clone()),
            )));
        }
        let provider_config: Option<ProviderConfig> = request
            .provider_config
            .as_deref()
            .cloned()
            .or_else(|| self.config.provider(provider).cloned());
        let from_profile = || {
            self.store
                .profiles_for(auth_id)
                .next()
                .map(|(id, profile)| {
                    resolved(
                        profile.credential.key.clone(),
                        AuthSource::Profile { id: id.to_owned() },
                        profile.credential.kind,
                        Some(id.to_owned()),
                    )
                })
        };
        let profile = from_profile();
        let defer_profile = profile.is_some() && {
            let ctx = SyntheticAuthContext {
                provider: provider.to_owned(),
                config: Arc::clone(&self.config),
                provider_config: provider_config.clone(),
                env: Arc::clone(&self.env),
                resolved_api_key: profile.as_ref().map(|p| p.api_key.clone()),
            };
            self.with_owner(provider, "shouldDeferSyntheticProfileAuth", tracer, |p| {
                p.should_defer_synthetic_profile_auth(&ctx)
            }) == Some(true)
        };
        if !defer_profile && let Some(profile) = profile.clone() {
            return Ok(Some(profile));
        }
        if let Some(found) =
            self.env_or_config_credential(provider, auth_id, provider_config.as_ref(), tracer)
        {
            return Ok(Some(found));
        }
        if let Some(profile) = profile {
            return Ok(Some(profile));
        }
        if let Some(config) = &provider_config
            && config.api_key.is_none()
            && config.api.is_some()
            && !config.models.is_empty()
            && is_loopback_url(&config.base_url)
        {
            return Ok(Some(resolved(
                ApiKey::new(LOCAL_AUTH_MARKER),
                AuthSource::SyntheticLocal,
                CredentialKind::None,
                None,
            )));
        }
        let ctx = SyntheticAuthContext {
            provider: provider.to_owned(),
            config: Arc::clone(&self.config),
            provider_config,
            resolved_api_key: None,
            env: Arc::clone(&self.env),
        };
        let synthetic = self.with_owner(provider, "resolveSyntheticAuth", tracer, |p| {
            p.resolve_synthetic_auth(&ctx)
        });
        Ok(synthetic.map(|s| {
            resolved(
                s.api_key,
                AuthSource::Plugin { source: s.source },
                s.mode,
                None,
            )
        }))
    }

    fn env_or_config_credential(
        &self,
        provider: &str,
        auth_id: &str,
        provider_config: Option<&ProviderConfig>,
        tracer: &mut Tracer<'_>,
    ) -> Option<ResolvedAuth> {
        for name in self.auth_env_vars(provider) {
            if let Some(key) = self.env.non_empty(&name) {
                let mode = if name.contains("OAUTH_TOKEN") {
                    CredentialKind::OAuth
                } else {
                    CredentialKind::ApiKey
                };
                return Some(resolved(key.clone(), AuthSource::Env { name }, mode, None));
            }
        }
        match provider_config.and_then(|c| c.api_key.as_ref()) {
            Some(ApiKeyInput::Literal(key)) if !key.is_blank() => {
                return Some(resolved(
                    key.clone(),
                    AuthSource::Config,
                    CredentialKind::ApiKey,
                    None,
                ));
            }
            Some(ApiKeyInput::EnvMarker(name)) => {
                if let Some(key) = self.env.non_empty(name) {
                    return Some(resolved(
                        key.clone(),
                        AuthSource::ConfigEnvMarker { name: name.clone() },
                        CredentialKind::ApiKey,
                        None,
                    ));
                }
            }
            _ => {}
        }
        let ctx = self.lookup_context(provider, auth_id);
        self.with_owner(provider, "resolveConfigApiKey", tracer, |p| {
            p.resolve_config_api_key(&ctx)
        })
        .filter(|key| !key.is_blank())
        .map(|key| resolved(key, AuthSource::ConfigHook, CredentialKind::ApiKey, None))
    }

    fn lookup_context(&self, provider: &str, auth_id: &str) -> AuthLookupContext {
        AuthLookupContext {
            provider: provider.to_owned(),
            env: Arc::clone(&self.env),
            config: Arc::clone(&self.config),
            env_vars: self.auth_env_vars(auth_id),
        }
    }

    pub(crate) fn missing_auth(
        &self,
        provider: &str,
        auth_id: &str,
        tracer: &mut Tracer<'_>,
    ) -> CoreError {
        let ctx = self.lookup_context(provider, auth_id);
        let env_vars = ctx.env_vars.clone();
        let custom = self.with_owner(provider, "buildMissingAuthMessage", tracer, |p| {
            p.build_missing_auth_message(&ctx)
        });
        let message = custom.unwrap_or_else(|| generic_missing_auth_message(provider, &env_vars));
        CoreError::missing_auth(provider, message, env_vars)
    }

    /// `buildAuthDoctorHint` of the provider's owner.
    pub async fn auth_doctor_hint(
        &self,
        provider: &str,
        profile_id: Option<&str>,
    ) -> Option<String> {
        let owner = self.owner(provider)?;
        let ctx = AuthDoctorContext {
            provider: normalize_provider_id(provider),
            profile_id: profile_id.map(str::to_owned),
            config: Arc::clone(&self.config),
        };
        owner.provider.build_auth_doctor_hint(&ctx).await
    }

    /// `refreshOAuth` for an OAuth profile whose access token has expired
    /// or expires within [`RUNTIME_AUTH_REFRESH_MARGIN_MS`]: the renewed
    /// token (after `formatApiKey`) replaces the resolved one, and this
    /// runtime uses the renewed credential instead of the stored one from
    /// then on (in memory: persisting it is the host's business). Anything
    /// else is returned as it is. Turns racing on one expired profile wait
    /// for a single refresh and share it.
    pub(crate) async fn refresh_expired_oauth(
        &self,
        mut auth: ResolvedAuth,
        trace: Option<&mut HookTrace>,
    ) -> Result<ResolvedAuth, CoreError> {
        let Some(profile_id) = auth.profile_id.clone() else {
            return Ok(auth);
        };
        let Some(stored) = self.store.get(&profile_id).and_then(|p| p.oauth.clone()) else {
            return Ok(auth);
        };
        let slot = Arc::clone(self.lock_refreshed().entry(profile_id.clone()).or_default());
        let mut renewed_before = slot.lock().await;
        let current = renewed_before.clone().unwrap_or_else(|| stored.clone());
        let expired = current.expires_at.is_some_and(|expiry| {
            self.clock
                .now_ms()
                .saturating_add(RUNTIME_AUTH_REFRESH_MARGIN_MS)
                >= expiry
        });
        let mut tracer = Tracer::new(trace);
        let renewed = if expired {
            self.refresh_oauth(&current, tracer.reborrow()).await?
        } else {
            None
        };
        let credential = match renewed {
            Some(renewed) => {
                *renewed_before = Some(renewed.clone());
                renewed
            }
            // Not expired, or the provider leaves refreshing to the host:
            // the newest token known.
            None => current,
        };
        drop(renewed_before);
        // `auth` already carries the stored token, formatted; only a token
        // renewed since (now or by an earlier turn) is formatted again.
        if credential.access != stored.access {
            let renewed = AuthCredential {
                provider: credential.provider.clone(),
                kind: CredentialKind::OAuth,
                key: credential.access.clone(),
                profile_id: Some(profile_id),
            };
            auth.api_key = self
                .with_owner(&credential.provider, "formatApiKey", &mut tracer, |p| {
                    p.format_api_key(&renewed)
                })
                .unwrap_or(renewed.key);
        }
        Ok(auth)
    }

    fn lock_refreshed(
        &self,
    ) -> std::sync::MutexGuard<
        '_,
        HashMap<String, Arc<futures::lock::Mutex<Option<OAuthCredential>>>>,
    > {
        match self.refreshed_oauth.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The credential to send for `model`: `prepareRuntimeAuth` of the
    /// provider's owner (or the resolved key when it has none), cached until
    /// [`RUNTIME_AUTH_REFRESH_MARGIN_MS`] before its `expires_at`. Concurrent
    /// callers wait for one refresh and share its result.
    pub async fn request_credential(
        &self,
        model: &RuntimeModel,
        auth: &ResolvedAuth,
        trace: Option<&mut HookTrace>,
    ) -> Result<RequestCredential, CoreError> {
        let mut tracer = Tracer::new(trace);
        let Some(owner) = self.owner(&model.provider) else {
            return Ok(RequestCredential::new(auth.api_key.clone()));
        };
        let slot = {
            // Keyed by the credential too: a new key (a refreshed token,
            // another profile) is prepared afresh.
            let key = format!("{}/{}/{}", owner.id(), model.id, auth.api_key.fingerprint());
            let mut cache = match self.request_credentials.lock() {
                Ok(cache) => cache,
                Err(poisoned) => poisoned.into_inner(),
            };
            Arc::clone(cache.entry(key).or_default())
        };
        let mut cached = slot.lock().await;
        let now = self.clock.now_ms();
        if let Some(current) = cached.as_ref() {
            let fresh = current
                .expires_at
                .is_none_or(|expiry| now.saturating_add(RUNTIME_AUTH_REFRESH_MARGIN_MS) < expiry);
            if fresh {
                tracer.value("prepareRuntimeAuth (cached)", Some(owner.id()), current);
                return Ok(current.clone());
            }
        }
        let ctx = RuntimeAuthContext {
            provider: model.provider.clone(),
            model_id: model.id.clone(),
            model: model.clone(),
            api_key: auth.api_key.clone(),
            auth_mode: auth.mode,
            profile_id: auth.profile_id.clone(),
            env: Arc::clone(&self.env),
        };
        match owner.provider.prepare_runtime_auth(&ctx).await {
            Ok(Some(prepared)) => {
                tracer.value("prepareRuntimeAuth", Some(owner.id()), &prepared);
                *cached = Some(prepared.clone());
                Ok(prepared)
            }
            Ok(None) => {
                tracer.option::<RequestCredential>("prepareRuntimeAuth", owner.id(), &None);
                Ok(RequestCredential::new(auth.api_key.clone()))
            }
            Err(source) => {
                tracer.failed("prepareRuntimeAuth", owner.id(), &source);
                Err(CoreError::hook_failed(
                    owner.id(),
                    "prepareRuntimeAuth",
                    source,
                ))
            }
        }
    }

    /// The key each registered provider id resolves to, for catalog contexts.
    pub(super) fn catalog_keys(&self) -> HashMap<String, ProviderKey> {
        let mut keys = HashMap::new();
        for registered in &self.providers {
            for id in &registered.ids {
                if let Ok(auth) = self.resolve_auth(id, &AuthRequest::default(), None) {
                    keys.insert(
                        id.clone(),
                        ProviderKey::new(auth.api_key, auth.source.to_string()),
                    );
                }
            }
        }
        keys
    }
}

fn resolved(
    api_key: ApiKey,
    source: AuthSource,
    mode: CredentialKind,
    profile_id: Option<String>,
) -> ResolvedAuth {
    ResolvedAuth {
        api_key,
        source,
        mode,
        profile_id,
    }
}

/// `no API key found for provider "x"; set X_API_KEY` (or the config key to set).
pub fn generic_missing_auth_message(provider: &str, env_vars: &[String]) -> String {
    match env_vars {
        [] => format!(
            "no API key found for provider \"{provider}\"; configure models.providers.{provider}.apiKey"
        ),
        [one] => format!("no API key found for provider \"{provider}\"; set {one}"),
        many => format!(
            "no API key found for provider \"{provider}\"; set one of {}",
            many.join(", ")
        ),
    }
}
