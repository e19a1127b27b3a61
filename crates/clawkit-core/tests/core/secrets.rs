//! A canary key travels through every path a secret takes and must never
//! come out in Debug output, Display, errors, traces or serialized values.

use clawkit_core::{
    ApiKey, AuthRequest, AuthStore, CatalogContext, CatalogResult, Config, Env, HookTrace,
    ModelApi, PluginError, ProviderConfig, ProviderPlugin, RequestCredential, Runtime,
    RuntimeAuthContext, async_trait,
};

use crate::{block_on, build, entry, provider_config};

const CANARY: &str = "sk-CANARY-7f3e9a01";

struct Leaky;

#[async_trait]
impl ProviderPlugin for Leaky {
    fn id(&self) -> &str {
        "leaky"
    }
    fn env_vars(&self) -> Vec<String> {
        vec!["LEAKY_API_KEY".into()]
    }
    async fn catalog(&self, ctx: &CatalogContext) -> Result<Option<CatalogResult>, PluginError> {
        // A catalog that copies the key into its result, as buildProvider does.
        let key = ctx.resolve_provider_api_key(None);
        let Some(api_key) = key.api_key else {
            return Ok(None);
        };
        let mut config = provider_config("https://leaky.example/v1", &["m"]);
        config.api_key = Some(clawkit_core::ApiKeyInput::Literal(api_key));
        Ok(Some(CatalogResult::Provider(config)))
    }
    async fn prepare_runtime_auth(
        &self,
        ctx: &RuntimeAuthContext,
    ) -> Result<Option<RequestCredential>, PluginError> {
        Ok(Some(RequestCredential::new(format!(
            "exchanged-{}",
            ctx.api_key.expose()
        ))))
    }
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(CANARY), "{what} leaks the key: {text}");
    assert!(
        !text.contains("CANARY"),
        "{what} leaks part of the key: {text}"
    );
}

#[test]
fn the_canary_key_never_leaks() {
    let config = Config::new().with_provider(
        "gateway",
        ProviderConfig::new(
            "https://gw.example/v1".parse().unwrap(),
            ModelApi::OpenAiCompletions,
        )
        .with_api_key(CANARY.into()),
    );
    let runtime = build(
        Runtime::builder()
            .env(Env::new().with("LEAKY_API_KEY", CANARY))
            .config(config.clone())
            .auth_store(AuthStore::new().with_api_key("leaky:default", "leaky", CANARY))
            .plugin(entry(Leaky)),
    );
    let mut trace = HookTrace::new();
    let catalog = block_on(runtime.catalog(Some(&mut trace)));
    let model = block_on(runtime.resolve_model(&catalog, "leaky/m", Some(&mut trace))).unwrap();
    let auth = runtime
        .resolve_auth("leaky", &AuthRequest::default(), Some(&mut trace))
        .unwrap();
    let explicit = runtime
        .resolve_auth("leaky", &AuthRequest::with_key(CANARY), Some(&mut trace))
        .unwrap();
    let request_credential =
        block_on(runtime.request_credential(&model, &auth, Some(&mut trace))).unwrap();
    assert_eq!(auth.api_key.expose(), CANARY, "the key itself still works");

    let key = ApiKey::new(CANARY);
    let env = Env::new().with("X", CANARY);
    for (what, text) in [
        ("ApiKey Debug", format!("{key:?}")),
        ("Env Debug", format!("{env:?}")),
        ("Runtime Debug", format!("{runtime:?}")),
        ("Config Debug", format!("{config:?}")),
        ("Config JSON", serde_json::to_string(&config).unwrap()),
        ("Catalog Debug", format!("{catalog:?}")),
        ("Catalog JSON", serde_json::to_string(&catalog).unwrap()),
        ("ResolvedAuth Debug", format!("{auth:?} {explicit:?}")),
        ("ResolvedAuth JSON", serde_json::to_string(&auth).unwrap()),
        ("RequestCredential Debug", format!("{request_credential:?}")),
        ("trace JSON", serde_json::to_string(&trace).unwrap()),
        ("trace text", trace.render()),
    ] {
        assert_clean(what, &text);
    }

    // Errors from every stage.
    let unknown = block_on(runtime.resolve_model(&catalog, "leaky/unknown", None)).unwrap_err();
    let missing = build(Runtime::builder().plugin(entry(Leaky)))
        .resolve_auth("leaky", &AuthRequest::default(), None)
        .unwrap_err();
    for error in [unknown, missing] {
        assert_clean("error Display", &error.to_string());
        assert_clean("error Debug", &format!("{error:?}"));
    }
}
