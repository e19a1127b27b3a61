//! Auth methods (`createProviderApiKeyAuthMethod`), stored auth profiles,
//! and the credential the pipeline resolves.

use std::collections::BTreeMap;
use std::fmt;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::env::Env;
use crate::secret::ApiKey;

/// What kind of auth a method performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuthMethodKind {
    /// An API key.
    ApiKey,
    /// OAuth.
    OAuth,
    /// A bearer token.
    Token,
    /// A device-code flow.
    DeviceCode,
    /// Something else.
    Custom,
}

/// Options of an API-key auth method, as `createProviderApiKeyAuthMethod`
/// takes them.
///
/// ```
/// use clawkit_core::ApiKeyAuthOptions;
///
/// let options = ApiKeyAuthOptions::new("acme-ai", "api-key", "Acme AI API key")
///     .hint("API key from your Acme AI dashboard")
///     .option_key("acmeAiApiKey")
///     .flag_name("--acme-ai-api-key")
///     .env_var("ACME_AI_API_KEY")
///     .prompt_message("Enter your Acme AI API key")
///     .default_model("acme-ai/acme-large");
/// assert_eq!(options.profile_id(), "acme-ai:default");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApiKeyAuthOptions {
    /// The provider.
    pub provider_id: String,
    /// The method id.
    pub method_id: String,
    /// Label.
    pub label: String,
    /// Hint.
    pub hint: Option<String>,
    /// Key of the flag value in parsed CLI options.
    pub option_key: Option<String>,
    /// The CLI flag.
    pub flag_name: Option<String>,
    /// The env var holding the key.
    pub env_var: Option<String>,
    /// The prompt shown in interactive setup.
    pub prompt_message: Option<String>,
    /// The profile id (default `<provider>:default`).
    pub profile_id: Option<String>,
    /// The model to select after setup.
    pub default_model: Option<String>,
    /// Providers whose keys this method accepts (default: the provider).
    pub expected_providers: Vec<String>,
    /// Extra metadata stored with the credential.
    pub metadata: BTreeMap<String, String>,
}

impl ApiKeyAuthOptions {
    /// Options for `provider_id`'s method `method_id`.
    pub fn new(
        provider_id: impl Into<String>,
        method_id: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        ApiKeyAuthOptions {
            provider_id: provider_id.into(),
            method_id: method_id.into(),
            label: label.into(),
            hint: None,
            option_key: None,
            flag_name: None,
            env_var: None,
            prompt_message: None,
            profile_id: None,
            default_model: None,
            expected_providers: Vec::new(),
            metadata: BTreeMap::new(),
        }
    }

    /// Sets the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the option key.
    pub fn option_key(mut self, key: impl Into<String>) -> Self {
        self.option_key = Some(key.into());
        self
    }

    /// Sets the CLI flag.
    pub fn flag_name(mut self, flag: impl Into<String>) -> Self {
        self.flag_name = Some(flag.into());
        self
    }

    /// Sets the env var.
    pub fn env_var(mut self, name: impl Into<String>) -> Self {
        self.env_var = Some(name.into());
        self
    }

    /// Sets the prompt.
    pub fn prompt_message(mut self, message: impl Into<String>) -> Self {
        self.prompt_message = Some(message.into());
        self
    }

    /// Sets the default model.
    pub fn default_model(mut self, model: impl Into<String>) -> Self {
        self.default_model = Some(model.into());
        self
    }

    /// Sets the profile id.
    pub fn with_profile_id(mut self, profile_id: impl Into<String>) -> Self {
        self.profile_id = Some(profile_id.into());
        self
    }

    /// The profile the key is stored under: the configured id, or `<provider>:default`.
    pub fn profile_id(&self) -> String {
        self.profile_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{}:default", self.provider_id))
    }
}

/// An auth method a provider offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AuthMethod {
    /// Method id (unique per provider).
    pub id: String,
    /// Label.
    pub label: String,
    /// Hint.
    pub hint: Option<String>,
    /// Kind.
    pub kind: AuthMethodKind,
    /// For API-key methods: how the key is found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key: Option<ApiKeyAuthOptions>,
}

/// `createProviderApiKeyAuthMethod`: an API-key method that resolves its key
/// from a CLI flag, the env var, or a stored profile.
pub fn create_provider_api_key_auth_method(options: ApiKeyAuthOptions) -> AuthMethod {
    AuthMethod {
        id: options.method_id.clone(),
        label: options.label.clone(),
        hint: options.hint.clone(),
        kind: AuthMethodKind::ApiKey,
        api_key: Some(options),
    }
}

/// Where a non-interactive key came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "from", content = "name")]
#[non_exhaustive]
pub enum KeySource {
    /// The CLI flag.
    Flag(String),
    /// The env var.
    Env(String),
    /// A stored profile.
    Profile(String),
}

/// The outcome of [`AuthMethod::run_non_interactive`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApiKeyAuthResult {
    /// The profile to store the key under.
    pub profile_id: String,
    /// The credential.
    pub credential: AuthCredential,
    /// Where the key came from.
    pub source: KeySource,
    /// The model to select.
    pub default_model: Option<String>,
}

impl AuthMethod {
    /// Resolves the key without prompting: the flag value (looked up by
    /// `optionKey` in `flags`), then the env var, then a stored profile.
    /// `None` when this is not an API-key method or no key is found.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use clawkit_core::{ApiKeyAuthOptions, AuthStore, Env, KeySource, create_provider_api_key_auth_method};
    ///
    /// let method = create_provider_api_key_auth_method(
    ///     ApiKeyAuthOptions::new("acme-ai", "api-key", "Acme AI API key")
    ///         .option_key("acmeAiApiKey").flag_name("--acme-ai-api-key").env_var("ACME_AI_API_KEY"),
    /// );
    /// let env = Env::new().with("ACME_AI_API_KEY", "from-env");
    /// let flags = BTreeMap::from([("acmeAiApiKey".to_owned(), "from-flag".to_owned())]);
    /// let store = AuthStore::new();
    /// let from_flag = method.run_non_interactive(&flags, &env, &store).unwrap();
    /// assert_eq!(from_flag.source, KeySource::Flag("--acme-ai-api-key".into()));
    /// let from_env = method.run_non_interactive(&BTreeMap::new(), &env, &store).unwrap();
    /// assert_eq!(from_env.credential.key.expose(), "from-env");
    /// ```
    pub fn run_non_interactive(
        &self,
        flags: &BTreeMap<String, String>,
        env: &Env,
        store: &AuthStore,
    ) -> Option<ApiKeyAuthResult> {
        let options = self.api_key.as_ref()?;
        let provider = options.provider_id.as_str();
        let from_flag = options
            .option_key
            .as_ref()
            .and_then(|key| flags.get(key))
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
            .map(|value| {
                let flag = options
                    .flag_name
                    .clone()
                    .or_else(|| options.option_key.clone())
                    .unwrap_or_default();
                (ApiKey::new(value), KeySource::Flag(flag))
            });
        let from_env = || {
            let name = options.env_var.as_ref()?;
            env.non_empty(name)
                .map(|key| (key.clone(), KeySource::Env(name.clone())))
        };
        let from_profile = || {
            store.profiles_for(provider).next().map(|(id, profile)| {
                (
                    profile.credential.key.clone(),
                    KeySource::Profile(id.to_owned()),
                )
            })
        };
        let (key, source) = from_flag.or_else(from_env).or_else(from_profile)?;
        Some(ApiKeyAuthResult {
            profile_id: options.profile_id(),
            credential: AuthCredential::api_key(provider, key),
            source,
            default_model: options.default_model.clone(),
        })
    }
}

/// One stored auth profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AuthProfile {
    /// The credential.
    pub credential: AuthCredential,
    /// For an OAuth profile: the refresh token and expiry (`refreshOAuth`
    /// renews `credential.key` from it when it has expired).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OAuthCredential>,
}

/// An OAuth credential, as `refreshOAuth` sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OAuthCredential {
    /// The provider id.
    pub provider: String,
    /// The access token.
    pub access: ApiKey,
    /// The refresh token.
    pub refresh: Option<ApiKey>,
    /// Expiry, in milliseconds since the Unix epoch.
    pub expires_at: Option<u64>,
}

impl OAuthCredential {
    /// An access token of `provider`, with its refresh token and expiry.
    pub fn new(
        provider: impl Into<String>,
        access: impl Into<ApiKey>,
        refresh: Option<ApiKey>,
        expires_at: Option<u64>,
    ) -> Self {
        OAuthCredential {
            provider: provider.into(),
            access: access.into(),
            refresh,
            expires_at,
        }
    }
}

/// Stored auth profiles (`auth-profiles.json`), in resolution order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct AuthStore {
    profiles: IndexMap<String, AuthProfile>,
}

impl AuthStore {
    /// No profiles.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an API-key profile.
    pub fn with_api_key(
        mut self,
        profile_id: impl Into<String>,
        provider: impl Into<String>,
        key: impl Into<ApiKey>,
    ) -> Self {
        let profile_id = profile_id.into();
        let mut credential = AuthCredential::api_key(provider, key);
        credential.profile_id = Some(profile_id.clone());
        self.profiles.insert(
            profile_id,
            AuthProfile {
                credential,
                oauth: None,
            },
        );
        self
    }

    /// Adds an OAuth profile: its access token is the credential, renewed
    /// with `refreshOAuth` once it has expired.
    pub fn with_oauth(mut self, profile_id: impl Into<String>, oauth: OAuthCredential) -> Self {
        let profile_id = profile_id.into();
        let credential = AuthCredential {
            provider: oauth.provider.clone(),
            kind: CredentialKind::OAuth,
            key: oauth.access.clone(),
            profile_id: Some(profile_id.clone()),
        };
        self.profiles.insert(
            profile_id,
            AuthProfile {
                credential,
                oauth: Some(oauth),
            },
        );
        self
    }

    /// A profile by id.
    pub fn get(&self, profile_id: &str) -> Option<&AuthProfile> {
        self.profiles.get(profile_id)
    }

    /// The profiles of `provider` (after id normalization), in order.
    pub fn profiles_for<'a>(
        &'a self,
        provider: &str,
    ) -> impl Iterator<Item = (&'a str, &'a AuthProfile)> + 'a {
        let provider = clawkit_manifest::normalize_provider_id(provider);
        self.profiles
            .iter()
            .filter(move |(_, p)| {
                clawkit_manifest::normalize_provider_id(&p.credential.provider) == provider
            })
            .map(|(id, p)| (id.as_str(), p))
    }
}

/// Where the pipeline found a provider's credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
#[non_exhaustive]
pub enum AuthSource {
    /// Passed in explicitly (a CLI flag, application code).
    Explicit,
    /// A stored auth profile.
    Profile {
        /// The profile id.
        id: String,
    },
    /// An environment variable the manifest declares.
    Env {
        /// The variable.
        name: String,
    },
    /// The literal `apiKey` of `models.providers.<id>`.
    Config,
    /// The env var named by `models.providers.<id>.apiKey`.
    ConfigEnvMarker {
        /// The variable.
        name: String,
    },
    /// The provider's `resolveConfigApiKey` hook.
    ConfigHook,
    /// A loopback base URL: no key is needed.
    SyntheticLocal,
    /// The provider's `resolveSyntheticAuth` hook.
    Plugin {
        /// The source the plugin named.
        source: String,
    },
}

impl fmt::Display for AuthSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthSource::Explicit => f.write_str("explicit"),
            AuthSource::Profile { id } => write!(f, "profile:{id}"),
            AuthSource::Env { name } => write!(f, "env: {name}"),
            AuthSource::Config => f.write_str("models.json"),
            AuthSource::ConfigEnvMarker { name } => write!(f, "env: {name} (models.json marker)"),
            AuthSource::ConfigHook => f.write_str("provider config hook"),
            AuthSource::SyntheticLocal => f.write_str("synthetic local"),
            AuthSource::Plugin { source } => f.write_str(source),
        }
    }
}

/// A provider credential and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResolvedAuth {
    /// The key (after `formatApiKey`).
    pub api_key: ApiKey,
    /// Where it came from.
    pub source: AuthSource,
    /// How it authenticates.
    pub mode: CredentialKind,
    /// The profile, if it came from one.
    pub profile_id: Option<String>,
}

/// Marker sent as the key of local endpoints that need none.
pub const LOCAL_AUTH_MARKER: &str = "clawkit-local-no-key";

/// Whether `url` points at this machine (`localhost`, `127.0.0.0/8`,
/// `0.0.0.0`, `[::1]` or an IPv4-mapped loopback).
pub fn is_loopback_url(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback()
                || ip
                    .to_ipv4_mapped()
                    .is_some_and(|v4| v4.is_loopback() || v4.is_unspecified())
        }
        None => false,
    }
}

/// How a credential authenticates: the kind of the secret the runtime
/// resolved (a key, an OAuth token, …). Not to be confused with
/// [`AuthMode`](crate::AuthMode), what the user config's `auth` field asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CredentialKind {
    /// An API key.
    ApiKey,
    /// An OAuth access token.
    OAuth,
    /// A bearer token.
    Token,
    /// No secret: a local endpoint or a marker.
    None,
}

/// A stored credential, as `formatApiKey` sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AuthCredential {
    /// The provider id.
    pub provider: String,
    /// How it authenticates.
    pub kind: CredentialKind,
    /// The secret.
    pub key: ApiKey,
    /// The auth profile it came from, if any.
    pub profile_id: Option<String>,
}

impl AuthCredential {
    /// An API-key credential.
    pub fn api_key(provider: impl Into<String>, key: impl Into<ApiKey>) -> Self {
        AuthCredential {
            provider: provider.into(),
            kind: CredentialKind::ApiKey,
            key: key.into(),
            profile_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for url in [
            "http://localhost:11434",
            "http://127.0.0.1/v1",
            "http://0.0.0.0:8080",
            "http://[::1]:1",
            "http://[::ffff:127.0.0.1]/",
        ] {
            assert!(is_loopback_url(&url.parse().unwrap()), "{url}");
        }
        for url in [
            "https://api.acme-ai.com",
            "http://10.0.0.1",
            "http://localhost.evil.com",
        ] {
            assert!(!is_loopback_url(&url.parse().unwrap()), "{url}");
        }
    }

    #[test]
    fn non_interactive_falls_back_to_profiles() {
        let method = create_provider_api_key_auth_method(
            ApiKeyAuthOptions::new("acme-ai", "api-key", "Key").env_var("ACME_AI_API_KEY"),
        );
        let store = AuthStore::new().with_api_key("acme-ai:work", "Acme-AI", "stored");
        let result = method
            .run_non_interactive(&BTreeMap::new(), &Env::new(), &store)
            .unwrap();
        assert_eq!(result.source, KeySource::Profile("acme-ai:work".into()));
        assert_eq!(result.profile_id, "acme-ai:default");
        assert!(
            method
                .run_non_interactive(&BTreeMap::new(), &Env::new(), &AuthStore::new())
                .is_none()
        );
    }

    #[test]
    fn sources_display_like_openclaw() {
        assert_eq!(AuthSource::Env { name: "X".into() }.to_string(), "env: X");
        assert_eq!(
            AuthSource::ConfigEnvMarker { name: "X".into() }.to_string(),
            "env: X (models.json marker)"
        );
        assert_eq!(
            AuthSource::Profile {
                id: "p:default".into()
            }
            .to_string(),
            "profile:p:default"
        );
    }
}
