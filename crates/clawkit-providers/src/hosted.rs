//! The hosted, API-key providers (OpenAI, Anthropic, Google) share one
//! shape: a manifest, one API-key method per env var, a static catalog that
//! also serves as the live one (the rows of OpenClaw's bundled catalog,
//! [`CATALOG_TAKEN_FROM`](crate::CATALOG_TAKEN_FROM)), the thinking profile
//! of each of those rows, any other model id of the vendor served with the
//! provider's API and conservative limits, and the families OpenClaw
//! installs on the same provider.

use clawkit_core::{
    ApiKeyAuthOptions, AuthDoctorContext, DynamicModelContext, Message, ModelApi, ModelContext,
    PluginError, ProviderConfig, ProviderHooks, ReasoningOutputMode, ReplayHistoryContext,
    ReplayPolicy, RuntimeModel, SharedStreamFn, SingleProviderPluginEntry, ThinkingContext,
    ThinkingProfile, Tool, ToolSchemaContext, ToolSchemaDiagnostic, WrapStreamFnContext,
};
use clawkit_families::replay::{ReplayFamily, ReplayFamilyHooks};
use clawkit_families::stream::StreamFamily;
use clawkit_families::tools::{ToolCompatFamily, ToolCompatHooks};
use clawkit_manifest::{ManifestError, PluginManifest};

use crate::rows::{self, Row};

/// What differs between the hosted providers.
pub(crate) struct Hosted {
    pub(crate) id: &'static str,
    pub(crate) label: &'static str,
    pub(crate) manifest_json: &'static str,
    pub(crate) base_url: &'static str,
    pub(crate) api: ModelApi,
    /// The first is the one the CLI flag and onboarding name.
    pub(crate) env_vars: &'static [&'static str],
    /// The model onboarding proposes (OpenClaw 2026.9.6's default for the
    /// provider's API key).
    pub(crate) default_model: &'static str,
    pub(crate) rows: &'static [Row],
    /// Limits for a model id the catalog does not list.
    pub(crate) dynamic_limits: (u64, u64),
    /// Where to get a key, for `clawkit doctor` and re-auth messages.
    pub(crate) keys_url: &'static str,
    /// The replay family OpenClaw installs on this provider.
    pub(crate) replay: ReplayFamily,
    /// Its stream family, if any.
    pub(crate) stream: Option<StreamFamily>,
    /// Its tool-compat family, if any.
    pub(crate) tools: Option<ToolCompatFamily>,
    /// The reasoning output mode the provider itself declares, over the
    /// replay family's (the direct `google` provider: `native`).
    pub(crate) reasoning_output: Option<ReasoningOutputMode>,
}

impl Hosted {
    pub(crate) fn manifest(&self) -> Result<PluginManifest, ManifestError> {
        PluginManifest::parse(self.manifest_json.as_bytes(), "openclaw.plugin.json")
            .into_result("openclaw.plugin.json")
    }

    pub(crate) fn catalog(&self) -> Result<ProviderConfig, PluginError> {
        Ok(self.rows.iter().fold(
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
            .hooks(HostedHooks {
                hosted: self,
                replay: ReplayFamilyHooks::new(self.replay),
                tools: self.tools.map(ToolCompatHooks::new),
            });
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
/// the provider's API and conservative limits, and delegates to the
/// provider's families.
struct HostedHooks {
    hosted: &'static Hosted,
    replay: ReplayFamilyHooks,
    tools: Option<ToolCompatHooks>,
}

#[clawkit_core::async_trait]
impl ProviderHooks for HostedHooks {
    fn build_replay_policy(&self, ctx: &ModelContext) -> Option<ReplayPolicy> {
        self.replay.build_replay_policy(ctx)
    }

    async fn sanitize_replay_history(
        &self,
        ctx: &ReplayHistoryContext,
    ) -> Result<Option<Vec<Message>>, PluginError> {
        Ok(self.replay.sanitize_replay_history(ctx))
    }

    fn resolve_reasoning_output_mode(&self, ctx: &ModelContext) -> Option<ReasoningOutputMode> {
        self.hosted
            .reasoning_output
            .or_else(|| self.replay.resolve_reasoning_output_mode(ctx))
    }

    /// The profile of the catalog row; none for a model id the catalog
    /// does not list (the thinking stage then clamps by the generic rules).
    fn resolve_thinking_profile(&self, ctx: &ThinkingContext) -> Option<ThinkingProfile> {
        rows::find(self.hosted.rows, &ctx.model_id).map(|row| row.thinking.profile())
    }

    fn wrap_stream_fn(&self, ctx: &WrapStreamFnContext) -> Option<SharedStreamFn> {
        self.hosted.stream?.wrap(ctx)
    }

    fn normalize_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<Tool>> {
        self.tools.as_ref()?.normalize_tool_schemas(ctx)
    }

    fn inspect_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<ToolSchemaDiagnostic>> {
        self.tools.as_ref()?.inspect_tool_schemas(ctx)
    }

    async fn build_auth_doctor_hint(&self, _ctx: &AuthDoctorContext) -> Option<String> {
        let hosted = self.hosted;
        let export = match hosted.env_vars {
            [] => return None,
            [only] => (*only).to_owned(),
            [first, others @ ..] => format!("{first} (or {})", others.join(", ")),
        };
        Some(format!(
            "create a key at {} and export {export}",
            hosted.keys_url
        ))
    }

    fn resolve_dynamic_model(&self, ctx: &DynamicModelContext) -> Option<RuntimeModel> {
        let base_url = ctx
            .provider_config
            .as_ref()
            .map(|config| config.base_url.clone())
            .or_else(|| self.hosted.base_url.parse().ok())?;
        let (context_window, max_tokens) = self.hosted.dynamic_limits;
        Some(
            RuntimeModel::new(
                self.hosted.id,
                &ctx.model_id,
                self.hosted.api.clone(),
                base_url,
            )
            .with_limits(context_window, max_tokens),
        )
    }
}
