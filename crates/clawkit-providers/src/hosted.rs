//! The hosted, API-key providers (OpenAI, Anthropic, Google) share one
//! shape: a manifest, one API-key method per env var, a static catalog that
//! also serves as the live one, and any other model id of the vendor served
//! with the provider's API and conservative limits.

use clawkit_core::{
    ApiKeyAuthOptions, AuthDoctorContext, DynamicModelContext, ModelApi, PluginError,
    ProviderConfig, ProviderHooks, RuntimeModel, SingleProviderPluginEntry,
};
use clawkit_manifest::{ManifestError, PluginManifest};

use crate::rows::Row;

/// What differs between the hosted providers.
pub(crate) struct Hosted {
    pub(crate) id: &'static str,
    pub(crate) label: &'static str,
    pub(crate) manifest_json: &'static str,
    pub(crate) base_url: &'static str,
    pub(crate) api: ModelApi,
    /// The first is the one the CLI flag and onboarding name.
    pub(crate) env_vars: &'static [&'static str],
    pub(crate) default_model: &'static str,
    pub(crate) rows: fn() -> Vec<Row>,
    /// Limits for a model id the catalog does not list.
    pub(crate) dynamic_limits: (u64, u64),
    /// Where to get a key, for `clawkit doctor` and re-auth messages.
    pub(crate) keys_url: &'static str,
}

impl Hosted {
    pub(crate) fn manifest(&self) -> Result<PluginManifest, ManifestError> {
        PluginManifest::parse(self.manifest_json.as_bytes(), "openclaw.plugin.json")
            .into_result("openclaw.plugin.json")
    }

    pub(crate) fn catalog(&self) -> Result<ProviderConfig, PluginError> {
        Ok((self.rows)().iter().fold(
            ProviderConfig::new(self.base_url.parse()?, self.api.clone()),
            |config, row| config.with_model(row.definition()),
        ))
    }

    pub(crate) fn plugin(&'static self) -> Result<SingleProviderPluginEntry, ManifestError> {
        let mut builder = SingleProviderPluginEntry::builder(self.id)
            .manifest(self.manifest()?)
            .label(self.label)
            .docs_path(format!("/providers/{}", self.id))
            .allow_explicit_base_url(true)
            .build_provider(move || self.catalog())
            .build_static_provider(move || self.catalog())
            .hooks(DynamicModels(self));
        if let Some(env_var) = self.env_vars.first() {
            builder = builder.api_key_auth(
                ApiKeyAuthOptions::new(self.id, "api-key", format!("{} API key", self.label))
                    .hint(format!("Reads {}", self.env_vars.join(" or ")))
                    .flag_name(format!("--{}-api-key", self.id))
                    .env_var(*env_var)
                    .prompt_message(format!("Enter your {} API key", self.label))
                    .default_model(format!("{}/{}", self.id, self.default_model)),
            );
        }
        for env_var in self.env_vars.iter().skip(1) {
            builder = builder.env_var(*env_var);
        }
        Ok(builder.build())
    }
}

/// Serves model ids the static catalog does not list (new releases), with
/// the provider's API and conservative limits.
struct DynamicModels(&'static Hosted);

#[clawkit_core::async_trait]
impl ProviderHooks for DynamicModels {
    async fn build_auth_doctor_hint(&self, _ctx: &AuthDoctorContext) -> Option<String> {
        let export = match self.0.env_vars {
            [] => return None,
            [only] => (*only).to_owned(),
            [first, others @ ..] => format!("{first} (or {})", others.join(", ")),
        };
        Some(format!(
            "create a key at {} and export {export}",
            self.0.keys_url
        ))
    }

    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        let base_url = ctx
            .provider_config
            .as_ref()
            .map(|config| config.base_url.clone())
            .or_else(|| self.0.base_url.parse().ok())?;
        let (context_window, max_tokens) = self.0.dynamic_limits;
        Some(
            RuntimeModel::new(self.0.id, &ctx.model_id, self.0.api.clone(), base_url)
                .with_limits(context_window, max_tokens),
        )
    }
}
