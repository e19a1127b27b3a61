//! The credential resolution order, runtime auth caching, and messages.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clawkit_core::{
    ApiKey, AuthCredential, AuthLookupContext, AuthRequest, AuthSource, AuthStore, Clock, Config,
    CoreErrorKind, CredentialKind, Env, HookTrace, ManualClock, ModelApi, PluginError,
    ProviderConfig, ProviderPlugin, RequestCredential, Runtime, RuntimeAuthContext, RuntimeModel,
    SyntheticAuth, SyntheticAuthContext, async_trait, define_plugin_entry,
};
use clawkit_manifest::PluginManifest;

use crate::{block_on, build, entry, provider_config};

const MANIFEST: &str = r#"{
  "id": "acme-ai",
  "providers": ["acme-ai"],
  "providerAuthEnvVars": {"acme-ai": ["ACME_AI_API_KEY", "ACME_API_KEY"]},
  "providerAuthAliases": {"acme-ai-coding": "acme-ai"},
  "configSchema": {}
}"#;

/// A provider with the optional auth hooks switched on by fields.
#[derive(Default)]
struct Acme {
    synthetic: bool,
    custom_message: bool,
    format: bool,
    config_hook: bool,
    exchanges: Arc<AtomicUsize>,
    expires_in_ms: Option<u64>,
    clock: Option<ManualClock>,
}

#[async_trait]
impl ProviderPlugin for Acme {
    fn id(&self) -> &str {
        "acme-ai"
    }
    fn resolve_synthetic_auth(&self, _ctx: &SyntheticAuthContext) -> Option<SyntheticAuth> {
        self.synthetic.then(|| {
            SyntheticAuth::new(
                "acme-workload-identity",
                "workload identity",
                CredentialKind::Token,
            )
        })
    }
    fn build_missing_auth_message(&self, _ctx: &AuthLookupContext) -> Option<String> {
        self.custom_message
            .then(|| "run `acme login` or set ACME_AI_API_KEY".to_owned())
    }
    fn format_api_key(&self, credential: &AuthCredential) -> Option<ApiKey> {
        self.format
            .then(|| ApiKey::new(format!("acme:{}", credential.key.expose())))
    }
    async fn build_auth_doctor_hint(
        &self,
        ctx: &clawkit_core::AuthDoctorContext,
    ) -> Option<String> {
        ctx.profile_id.as_ref().map(|id| {
            format!("re-run `openclaw onboard --acme-ai-api-key <key>` to replace profile {id}")
        })
    }
    fn resolve_config_api_key(&self, _ctx: &AuthLookupContext) -> Option<ApiKey> {
        self.config_hook.then(|| ApiKey::new("from-config-hook"))
    }
    async fn prepare_runtime_auth(
        &self,
        ctx: &RuntimeAuthContext,
    ) -> Result<Option<RequestCredential>, PluginError> {
        let Some(clock) = &self.clock else {
            return Ok(None);
        };
        let n = self.exchanges.fetch_add(1, Ordering::SeqCst) + 1;
        // Let concurrent callers pile up behind this exchange.
        futures_timer::Delay::new(std::time::Duration::from_millis(20)).await;
        let token = format!("session-{n}-for-{}", ctx.api_key.expose().len());
        let expires = clock.now_ms() + self.expires_in_ms.unwrap_or(60_000);
        Ok(Some(RequestCredential::new(token).expires_at(expires)))
    }
}

fn manifest() -> PluginManifest {
    PluginManifest::parse(MANIFEST.as_bytes(), "openclaw.plugin.json")
        .value()
        .cloned()
        .unwrap()
}

fn runtime(acme: Acme, env: Env, config: Config, store: AuthStore) -> Runtime {
    let acme = Arc::new(acme);
    build(
        Runtime::builder()
            .env(env)
            .config(config)
            .auth_store(store)
            .plugin(define_plugin_entry(
                "acme-ai",
                Some(manifest()),
                move |api| {
                    api.register_provider_arc(acme.clone());
                },
            )),
    )
}

fn source(runtime: &Runtime, provider: &str, request: &AuthRequest) -> String {
    match runtime.resolve_auth(provider, request, None) {
        Ok(auth) => format!("{} = {}", auth.source, auth.api_key.expose()),
        Err(e) => format!("error: {e}"),
    }
}

fn acme_config(api_key: Option<&str>, base_url: &str) -> Config {
    let mut provider = provider_config(base_url, &["acme-large"]);
    provider.api_key = api_key.map(clawkit_core::ApiKeyInput::parse);
    Config::new().with_provider("acme-ai", provider)
}

#[test]
fn each_source_wins_over_the_ones_after_it() {
    let env = Env::new()
        .with("ACME_API_KEY", "env-second")
        .with("ACME_AI_API_KEY", "env-first")
        .with("ACME_MARKER_KEY", "via-marker");
    let store = AuthStore::new().with_api_key("acme-ai:work", "acme-ai", "profile-key");
    let explicit = AuthRequest::with_key("explicit-key");
    let none = AuthRequest::default();

    let all = runtime(
        Acme {
            synthetic: true,
            ..Acme::default()
        },
        env.clone(),
        acme_config(Some("literal-key"), "https://api.acme-ai.com/v1"),
        store.clone(),
    );
    assert_eq!(
        source(&all, "acme-ai", &explicit),
        "explicit = explicit-key"
    );
    assert_eq!(
        source(&all, "acme-ai", &none),
        "profile:acme-ai:work = profile-key"
    );

    let no_profile = runtime(
        Acme {
            synthetic: true,
            ..Acme::default()
        },
        env.clone(),
        acme_config(Some("literal-key"), "https://api.acme-ai.com/v1"),
        AuthStore::new(),
    );
    assert_eq!(
        source(&no_profile, "acme-ai", &none),
        "env: ACME_AI_API_KEY = env-first"
    );

    let no_env = runtime(
        Acme {
            synthetic: true,
            ..Acme::default()
        },
        Env::new(),
        acme_config(Some("literal-key"), "https://api.acme-ai.com/v1"),
        AuthStore::new(),
    );
    assert_eq!(
        source(&no_env, "acme-ai", &none),
        "models.json = literal-key"
    );

    let marker = runtime(
        Acme::default(),
        env.clone().with("ACME_AI_API_KEY", "  "),
        acme_config(Some("ACME_MARKER_KEY"), "https://api.acme-ai.com/v1"),
        AuthStore::new(),
    );
    assert_eq!(
        source(&marker, "acme-ai", &none),
        "env: ACME_API_KEY = env-second",
        "blank env values are skipped"
    );
    let marker_only = runtime(
        Acme::default(),
        Env::new().with("ACME_MARKER_KEY", "via-marker"),
        acme_config(Some("ACME_MARKER_KEY"), "https://api.acme-ai.com/v1"),
        AuthStore::new(),
    );
    assert_eq!(
        source(&marker_only, "acme-ai", &none),
        "env: ACME_MARKER_KEY (models.json marker) = via-marker"
    );

    let hook = runtime(
        Acme {
            config_hook: true,
            synthetic: true,
            ..Acme::default()
        },
        Env::new(),
        Config::new(),
        AuthStore::new(),
    );
    assert_eq!(
        source(&hook, "acme-ai", &none),
        "provider config hook = from-config-hook"
    );

    let local = runtime(
        Acme {
            synthetic: true,
            ..Acme::default()
        },
        Env::new(),
        acme_config(None, "http://127.0.0.1:8080/v1"),
        AuthStore::new(),
    );
    assert_eq!(
        source(&local, "acme-ai", &none),
        format!("synthetic local = {}", clawkit_core::LOCAL_AUTH_MARKER)
    );

    let plugin = runtime(
        Acme {
            synthetic: true,
            ..Acme::default()
        },
        Env::new(),
        acme_config(None, "https://api.acme-ai.com/v1"),
        AuthStore::new(),
    );
    assert_eq!(
        source(&plugin, "acme-ai", &none),
        "workload identity = acme-workload-identity"
    );
}

#[test]
fn an_alias_reuses_its_target_env_vars() {
    let rt = runtime(
        Acme::default(),
        Env::new().with("ACME_AI_API_KEY", "sk-shared"),
        Config::new(),
        AuthStore::new(),
    );
    assert_eq!(rt.auth_provider_id("acme-ai-coding"), "acme-ai");
    assert_eq!(
        rt.auth_env_vars("acme-ai-coding"),
        ["ACME_AI_API_KEY", "ACME_API_KEY"]
    );
    assert_eq!(
        source(&rt, "acme-ai-coding", &AuthRequest::default()),
        "env: ACME_AI_API_KEY = sk-shared"
    );
}

#[test]
fn an_explicit_profile_must_exist() {
    let rt = runtime(Acme::default(), Env::new(), Config::new(), AuthStore::new());
    let mut request = AuthRequest::default();
    request.profile_id = Some("acme-ai:missing".into());
    assert_eq!(
        source(&rt, "acme-ai", &request),
        "error: no credentials found for profile \"acme-ai:missing\""
    );
}

#[test]
fn missing_auth_names_the_env_vars_or_uses_the_plugin_message() {
    let rt = runtime(Acme::default(), Env::new(), Config::new(), AuthStore::new());
    let error = rt
        .resolve_auth("acme-ai", &AuthRequest::default(), None)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "no API key found for provider \"acme-ai\"; set one of ACME_AI_API_KEY, ACME_API_KEY"
    );
    assert_eq!(error.env_vars(), ["ACME_AI_API_KEY", "ACME_API_KEY"]);
    let custom = runtime(
        Acme {
            custom_message: true,
            ..Acme::default()
        },
        Env::new(),
        Config::new(),
        AuthStore::new(),
    );
    let error = custom
        .resolve_auth("acme-ai", &AuthRequest::default(), None)
        .unwrap_err();
    assert_eq!(error.kind(), CoreErrorKind::MissingAuth);
    assert_eq!(error.to_string(), "run `acme login` or set ACME_AI_API_KEY");
}

#[test]
fn format_api_key_shapes_the_resolved_key() {
    let rt = runtime(
        Acme {
            format: true,
            ..Acme::default()
        },
        Env::new().with("ACME_AI_API_KEY", "raw"),
        Config::new(),
        AuthStore::new(),
    );
    let mut trace = HookTrace::new();
    let auth = rt
        .resolve_auth("acme-ai", &AuthRequest::default(), Some(&mut trace))
        .unwrap();
    assert_eq!(auth.api_key.expose(), "acme:raw");
    assert_eq!(
        auth.source,
        AuthSource::Env {
            name: "ACME_AI_API_KEY".into()
        }
    );
    insta::assert_snapshot!(trace.render(), @r#"
    formatApiKey [acme-ai]: → "[redacted]"
    resolvedAuth: → {"apiKey":"[redacted]","source":{"kind":"env","name":"ACME_AI_API_KEY"},"mode":"api-key","profileId":null}
    "#);
}

fn model() -> RuntimeModel {
    RuntimeModel::new(
        "acme-ai",
        "acme-large",
        ModelApi::OpenAiCompletions,
        "https://api.acme-ai.com/v1".parse().unwrap(),
    )
}

#[test]
fn runtime_auth_is_cached_until_it_expires_and_refreshed_once() {
    let clock = ManualClock::new(1_000_000);
    let exchanges = Arc::new(AtomicUsize::new(0));
    let acme = Acme {
        clock: Some(clock.clone()),
        exchanges: exchanges.clone(),
        expires_in_ms: Some(120_000),
        ..Acme::default()
    };
    let acme = Arc::new(acme);
    let rt = build(
        Runtime::builder()
            .clock(Arc::new(clock.clone()))
            .env(Env::new().with("ACME_AI_API_KEY", "sk-long-lived"))
            .plugin(define_plugin_entry(
                "acme-ai",
                Some(manifest()),
                move |api| api.register_provider_arc(acme.clone()),
            )),
    );
    let auth = rt
        .resolve_auth("acme-ai", &AuthRequest::default(), None)
        .unwrap();
    let model = model();

    // Eight concurrent callers share one exchange.
    let tokens: Vec<String> = block_on(futures::future::join_all(
        (0..8).map(|_| rt.request_credential(&model, &auth, None)),
    ))
    .into_iter()
    .map(|r| r.unwrap().api_key.expose().to_owned())
    .collect();
    assert_eq!(exchanges.load(Ordering::SeqCst), 1);
    assert!(tokens.iter().all(|t| t == "session-1-for-13"), "{tokens:?}");

    // Still fresh: served from the cache.
    clock.advance_ms(60_000);
    let mut trace = HookTrace::new();
    let again = block_on(rt.request_credential(&model, &auth, Some(&mut trace))).unwrap();
    assert_eq!(again.api_key.expose(), "session-1-for-13");
    assert_eq!(trace.hooks(), ["prepareRuntimeAuth (cached)"]);

    // Within the refresh margin of expiry: exchanged again, once.
    clock.advance_ms(45_000);
    let refreshed: Vec<String> = block_on(futures::future::join_all(
        (0..4).map(|_| rt.request_credential(&model, &auth, None)),
    ))
    .into_iter()
    .map(|r| r.unwrap().api_key.expose().to_owned())
    .collect();
    assert_eq!(exchanges.load(Ordering::SeqCst), 2);
    assert!(
        refreshed.iter().all(|t| t == "session-2-for-13"),
        "{refreshed:?}"
    );
}

#[test]
fn without_prepare_runtime_auth_the_resolved_key_is_used() {
    let rt = runtime(
        Acme::default(),
        Env::new().with("ACME_AI_API_KEY", "sk-direct"),
        Config::new(),
        AuthStore::new(),
    );
    let auth = rt
        .resolve_auth("acme-ai", &AuthRequest::default(), None)
        .unwrap();
    let request_credential = block_on(rt.request_credential(&model(), &auth, None)).unwrap();
    assert_eq!(request_credential.api_key.expose(), "sk-direct");
    assert_eq!(request_credential.expires_at, None);
}

#[test]
fn a_provider_without_a_plugin_can_still_use_its_config() {
    let config = Config::new().with_provider(
        "corp-gateway",
        ProviderConfig::new(
            "https://llm.corp.example/v1".parse().unwrap(),
            ModelApi::OpenAiCompletions,
        )
        .with_api_key("sk-gateway".into()),
    );
    let rt = build(
        Runtime::builder()
            .config(config)
            .plugin(entry(Acme::default())),
    );
    assert_eq!(
        source(&rt, "corp-gateway", &AuthRequest::default()),
        "models.json = sk-gateway"
    );
}

#[test]
fn the_doctor_hint_comes_from_the_owner() {
    let rt = runtime(Acme::default(), Env::new(), Config::new(), AuthStore::new());
    assert_eq!(
        block_on(rt.auth_doctor_hint("acme-ai", Some("acme-ai:default"))).as_deref(),
        Some(
            "re-run `openclaw onboard --acme-ai-api-key <key>` to replace profile acme-ai:default"
        )
    );
    assert_eq!(block_on(rt.auth_doctor_hint("acme-ai", None)), None);
    assert_eq!(block_on(rt.auth_doctor_hint("nobody", Some("x"))), None);
}
