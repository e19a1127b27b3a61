//! Loading `openclaw.plugin.json` the way OpenClaw does.
//!
//! The hard errors come first, in OpenClaw's order and wording; everything
//! else is normalized leniently, and every entry dropped on the way is a
//! warning. Cross-field checks ([`crate::checks`]) follow.

use std::path::Path;

use serde_json::Value;

use crate::checks;
use crate::diagnostic::{Collector, DiagnosticSource, Diagnostics, Severity};
use crate::document::Document;
use crate::error::ManifestError;
use crate::model::{
    AssistantVisibility, AuthAliasTarget, CatalogDiscovery, CatalogModel, CatalogProvider,
    CatalogSuppression, Contracts, ModelCatalog, ModelCost, ModelSupport, OnboardingScope,
    PluginManifest, ProviderAuthChoice, ScopedAuthAlias, Setup, SetupProvider, UiHint,
};
use crate::openclaw;
use crate::read::{self, Fields, js_trim};
use crate::source;

/// The manifest's file name in a plugin folder.
pub const MANIFEST_FILE_NAME: &str = "openclaw.plugin.json";

/// OpenClaw reads at most this many bytes of a manifest (256 KiB).
pub const MAX_MANIFEST_BYTES: usize = 256 * 1024;

/// Plugin ids OpenClaw keeps for its core, in the lower case OpenClaw
/// compares them in (`Node-MCP` is reserved too).
pub const RESERVED_PLUGIN_IDS: &[&str] = &["node-mcp"];

/// A parsed value together with every problem found while reading it.
///
/// `value` is `None` when OpenClaw would refuse the document (a
/// [`crate::DiagnosticSource::OpenClaw`] error); otherwise it is the
/// leniently normalized value, even when clawkit found errors of its own (so
/// that tools can show what was understood).
#[derive(Debug, Clone)]
pub struct Report<T> {
    value: Option<T>,
    diagnostics: Diagnostics,
}

impl<T> Report<T> {
    pub(crate) fn new(value: Option<T>, diagnostics: Diagnostics) -> Self {
        Report { value, diagnostics }
    }

    /// The value, when OpenClaw would read the document.
    pub fn value(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// Every problem found, in source order.
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }

    /// Whether there is a value and no error (warnings are allowed).
    pub fn is_valid(&self) -> bool {
        self.value.is_some() && !self.diagnostics.has_errors()
    }

    /// The value and the problems.
    pub fn into_parts(self) -> (Option<T>, Diagnostics) {
        (self.value, self.diagnostics)
    }

    /// The value if valid; otherwise [`ManifestError::Invalid`] with all problems.
    pub fn into_result(self, file: &str) -> Result<T, ManifestError> {
        match self.value {
            Some(value) if !self.diagnostics.has_errors() => Ok(value),
            _ => Err(ManifestError::Invalid {
                file: file.to_owned(),
                diagnostics: self.diagnostics,
            }),
        }
    }
}

/// Parses and checks the text of an `openclaw.plugin.json` (errors name
/// that file), e.g. one a plugin crate embeds with `include_str!`.
///
/// ```
/// use clawkit_manifest::PluginManifest;
///
/// let manifest: PluginManifest = r#"{ "id": "zeta-ai", "providers": ["zeta"], "configSchema": {} }"#.parse()?;
/// assert_eq!(manifest.providers, ["zeta"]);
/// assert!("{ \"id\": 7 }".parse::<PluginManifest>().is_err());
/// # Ok::<(), clawkit_manifest::ManifestError>(())
/// ```
impl std::str::FromStr for PluginManifest {
    type Err = ManifestError;

    fn from_str(text: &str) -> Result<Self, ManifestError> {
        PluginManifest::parse(text.as_bytes(), MANIFEST_FILE_NAME).into_result(MANIFEST_FILE_NAME)
    }
}

impl PluginManifest {
    /// Parses and checks manifest bytes; `file` names the source in diagnostics.
    ///
    /// ```
    /// use clawkit_manifest::PluginManifest;
    ///
    /// let source = br#"{
    ///   // JSON5 is accepted, as in OpenClaw
    ///   id: "acme-ai",
    ///   providers: ["acme-ai"],
    ///   configSchema: { type: "object" },
    /// }"#;
    /// let report = PluginManifest::parse(source, "openclaw.plugin.json");
    /// assert!(report.is_valid());
    /// assert_eq!(report.value().unwrap().providers, ["acme-ai"]);
    /// ```
    pub fn parse(bytes: &[u8], file: &str) -> Report<PluginManifest> {
        let (document, mut diagnostics) = match source::parse_document(
            bytes,
            file,
            "plugin manifest",
            MAX_MANIFEST_BYTES,
            || too_large_message(file),
            DiagnosticSource::OpenClaw,
        ) {
            Ok(parsed) => parsed,
            Err(diagnostics) => return Report::new(None, diagnostics),
        };
        let mut cx = Collector::new(file, Some(&document));
        let manifest = read_manifest(&mut cx, &document).map(|read| {
            checks::check_manifest(&mut cx, &read.manifest, read.has_config_schema);
            read.manifest
        });
        diagnostics.extend(cx.finish());
        // What OpenClaw refuses has no value, whatever clawkit understood.
        let manifest = manifest.filter(|_| !diagnostics.has_openclaw_errors());
        Report::new(manifest, diagnostics)
    }

    /// Reads and checks the manifest at `path` (a file, or a plugin folder
    /// holding `openclaw.plugin.json`).
    ///
    /// Fails with [`ManifestError::Invalid`] when the manifest has errors;
    /// warnings are dropped — use [`crate::check_plugin`] to see them.
    pub fn load(path: impl AsRef<Path>) -> Result<PluginManifest, ManifestError> {
        let path = path.as_ref();
        let file = if path.is_dir() {
            path.join(MANIFEST_FILE_NAME)
        } else {
            path.to_path_buf()
        };
        let name = file.display().to_string();
        match open_manifest_file(&file, &name)? {
            ManifestFile::Bytes(bytes) => PluginManifest::parse(&bytes, &name).into_result(&name),
            ManifestFile::Refused(message) => {
                let diagnostic = crate::Diagnostic::for_file(Severity::Error, &name, message)
                    .with_source(DiagnosticSource::OpenClaw);
                Err(ManifestError::Invalid {
                    file: name,
                    diagnostics: Diagnostics::from(vec![diagnostic]),
                })
            }
        }
    }
}

/// A manifest file as OpenClaw opens it.
pub(crate) enum ManifestFile {
    /// Its bytes (at most [`MAX_MANIFEST_BYTES`]).
    Bytes(Vec<u8>),
    /// OpenClaw refuses to open it; the message says why, in its words.
    Refused(String),
}

/// Opens a manifest file the way OpenClaw's plugin-root file reader does: a
/// symbolic link, anything but a regular file, a file with more than one hard
/// link or one larger than [`MAX_MANIFEST_BYTES`] is refused. `name` is the
/// file as named in messages. A file that does not exist (a dangling link
/// included) is [`ManifestError::NotFound`].
pub(crate) fn open_manifest_file(file: &Path, name: &str) -> Result<ManifestFile, ManifestError> {
    let io_error = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ManifestError::NotFound {
                path: file.to_path_buf(),
            }
        } else {
            ManifestError::Read {
                path: file.to_path_buf(),
                source: e,
            }
        }
    };
    let link = std::fs::symlink_metadata(file).map_err(io_error)?;
    if link.file_type().is_symlink() {
        // OpenClaw first asks whether the path exists, following the link.
        std::fs::metadata(file).map_err(io_error)?;
        return Ok(ManifestFile::Refused(unsafe_path_message(
            name,
            "it is a symbolic link, which OpenClaw does not follow",
        )));
    }
    if !link.is_file() {
        return Ok(ManifestFile::Refused(unsafe_path_message(
            name,
            "it is not a regular file",
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if link.nlink() > 1 {
            return Ok(ManifestFile::Refused(unsafe_path_message(
                name,
                &format!(
                    "it has {} hard links and OpenClaw refuses a hard-linked manifest",
                    link.nlink()
                ),
            )));
        }
    }
    match source::read_capped(file, MAX_MANIFEST_BYTES).map_err(io_error)? {
        Some(bytes) => Ok(ManifestFile::Bytes(bytes)),
        None => Ok(ManifestFile::Refused(too_large_message(name))),
    }
}

/// OpenClaw's refusal of a manifest it will not open (`unsafe plugin
/// manifest path: <file> (validation)`), with clawkit's reason after `; `.
pub(crate) fn unsafe_path_message(file: &str, reason: &str) -> String {
    format!("unsafe plugin manifest path: {file} (validation); {reason}")
}

pub(crate) fn too_large_message(file: &str) -> String {
    unsafe_path_message(
        file,
        &format!(
            "the file is larger than {} KiB ({MAX_MANIFEST_BYTES} bytes)",
            MAX_MANIFEST_BYTES / 1024
        ),
    )
}

/// Top-level fields clawkit models.
const MODELLED: &[&str] = &[
    "id",
    "configSchema",
    "name",
    "description",
    "version",
    "enabledByDefault",
    "providers",
    "channels",
    "skills",
    "modelSupport",
    "providerAuthEnvVars",
    "providerUsageAuthEnvVars",
    "providerAuthAliases",
    "providerAuthChoices",
    "contracts",
    "modelCatalog",
    "uiHints",
    "setup",
];

/// Top-level fields OpenClaw reads that clawkit keeps verbatim without modelling.
const KNOWN_UNMODELLED: &[&str] = &[
    "$schema",
    "activation",
    "autoEnableWhenConfiguredProviders",
    "backupResources",
    "capabilityCatalogEntry",
    "catalog",
    "categories",
    "channelAccountKeyPolicies",
    "channelConfigs",
    "channelEnvVars",
    "cliBackends",
    "cliCommands",
    "commandAliases",
    "configContracts",
    "configGroups",
    "controlUi",
    "dashboard",
    "decisionModels",
    "doctorContract",
    "doctorHealthChecks",
    "enabledByDefaultOnPlatforms",
    "imageGenerationProviderMetadata",
    "kind",
    "legacyPluginIds",
    "mcpServers",
    "mediaUnderstandingProviderMetadata",
    "modelIdNormalization",
    "modelPricing",
    "musicGenerationProviderMetadata",
    "nonSecretAuthMarkers",
    "providerCatalogEntry",
    "providerDiscoveryEntry",
    "providerEndpoints",
    "providerRequest",
    "qaRunners",
    "requiresPlugins",
    "secretProviderIntegrations",
    "sessionRouteStateOwners",
    "supervisorGuidance",
    "syntheticAuthRefs",
    "themes",
    "toolMetadata",
    "transcriptSources",
    "uiCapabilities",
    "videoGenerationProviderMetadata",
];

/// A manifest as read, with whether `configSchema` was an object.
struct ReadManifest {
    manifest: PluginManifest,
    has_config_schema: bool,
}

/// OpenClaw's hard errors, then the lenient read of every modelled field.
/// `None` only when the document is not an object; a manifest OpenClaw
/// refuses is still read so that every other problem is reported too.
fn read_manifest(cx: &mut Collector<'_>, document: &Document) -> Option<ReadManifest> {
    let Value::Object(map) = &document.value else {
        cx.openclaw_error("", "plugin manifest must be an object");
        return None;
    };
    let mut fields = Fields::new(map, "");
    let mut has_config_schema = true;

    let id = match fields.take("id") {
        Some((Value::String(id), _)) if !js_trim(id).is_empty() => js_trim(id).to_owned(),
        Some((_, pointer)) => {
            cx.openclaw_error(&pointer, "plugin manifest requires id");
            String::new()
        }
        None => {
            cx.openclaw_error("/id", "plugin manifest requires id");
            String::new()
        }
    };
    if RESERVED_PLUGIN_IDS.contains(&id.to_lowercase().as_str()) {
        cx.openclaw_error(
            "/id",
            format!("plugin manifest id \"{id}\" is reserved by OpenClaw core"),
        );
    }
    let config_schema = match fields.take("configSchema") {
        Some((Value::Object(schema), _)) => schema.clone(),
        Some((_, pointer)) => {
            cx.openclaw_error(&pointer, "plugin manifest requires configSchema");
            has_config_schema = false;
            Default::default()
        }
        None => {
            cx.openclaw_error("/configSchema", "plugin manifest requires configSchema");
            has_config_schema = false;
            Default::default()
        }
    };
    openclaw::check(cx, map, &id, &document.warnings);

    let mut manifest = PluginManifest::new(id);
    manifest.config_schema = config_schema;
    manifest.name = fields.string(cx, "name");
    manifest.description = fields.string(cx, "description");
    manifest.version = fields.string(cx, "version");
    manifest.enabled_by_default = fields.bool(cx, "enabledByDefault");
    manifest.providers = fields.string_list(cx, "providers");
    manifest.channels = fields.string_list(cx, "channels");
    manifest.skills = fields.string_list(cx, "skills");
    manifest.model_support = fields
        .take("modelSupport")
        .and_then(|(value, pointer)| read_model_support(cx, value, &pointer));
    manifest.provider_auth_env_vars = fields.string_list_map(cx, "providerAuthEnvVars");
    manifest.provider_usage_auth_env_vars = fields.string_list_map(cx, "providerUsageAuthEnvVars");
    if let Some((value, pointer)) = fields.take("providerAuthAliases") {
        manifest.provider_auth_aliases = read::map(cx, value, &pointer, read_auth_alias);
    }
    if let Some((value, pointer)) = fields.take("providerAuthChoices") {
        manifest.provider_auth_choices = read::list(cx, value, &pointer, read_auth_choice);
    }
    manifest.contracts = fields
        .take("contracts")
        .and_then(|(value, pointer)| read_contracts(cx, value, &pointer));
    manifest.model_catalog = fields
        .take("modelCatalog")
        .and_then(|(value, pointer)| read_model_catalog(cx, value, &pointer));
    if let Some((value, pointer)) = fields.take("uiHints") {
        manifest.ui_hints = read::map(cx, value, &pointer, read_ui_hint);
    }
    manifest.setup = fields
        .take("setup")
        .and_then(|(value, pointer)| read_setup(cx, value, &pointer));
    manifest.extra = fields.finish(cx, KNOWN_UNMODELLED, MODELLED);

    Some(ReadManifest {
        manifest,
        has_config_schema,
    })
}

fn read_model_support(
    cx: &mut Collector<'_>,
    value: &Value,
    pointer: &str,
) -> Option<ModelSupport> {
    let mut fields = Fields::of(cx, value, pointer)?;
    let mut support = ModelSupport {
        model_prefixes: fields.string_list(cx, "modelPrefixes"),
        model_patterns: fields.string_list(cx, "modelPatterns"),
        ..ModelSupport::default()
    };
    support.extra = fields.finish(cx, &[], &["modelPrefixes", "modelPatterns"]);
    Some(support)
}

fn read_auth_alias(
    cx: &mut Collector<'_>,
    value: &Value,
    pointer: &str,
) -> Option<AuthAliasTarget> {
    match value {
        Value::String(_) => read::string(cx, value, pointer).map(AuthAliasTarget::Provider),
        Value::Object(map) => {
            let mut fields = Fields::new(map, pointer);
            let provider = fields.required_string(cx, "provider", "a scoped auth alias");
            let base_urls = fields.string_list(cx, "baseUrls");
            let extra = fields.finish(cx, &[], &["provider", "baseUrls"]);
            Some(AuthAliasTarget::Scoped(ScopedAuthAlias {
                provider: provider?,
                base_urls,
                extra,
            }))
        }
        other => {
            cx.warning(
                pointer,
                format!(
                    "expected a provider id or {{provider, baseUrls}}, found {}; the alias is ignored",
                    read::kind_of(other)
                ),
            );
            None
        }
    }
}

const AUTH_CHOICE_FIELDS: &[&str] = &[
    "provider",
    "method",
    "choiceId",
    "choiceLabel",
    "choiceHint",
    "icon",
    "website",
    "assistantPriority",
    "assistantVisibility",
    "deprecatedChoiceIds",
    "groupId",
    "groupLabel",
    "groupHint",
    "onboardingFeatured",
    "optionKey",
    "cliFlag",
    "cliOption",
    "cliDescription",
    "onboardingScopes",
];

/// Auth-choice fields OpenClaw documents that clawkit keeps without modelling.
const AUTH_CHOICE_UNMODELLED: &[&str] = &[
    "appGuided",
    "appGuidedLabel",
    "appGuidedHint",
    "channelLogin",
    "credentialOnly",
    "personalAccount",
];

fn read_auth_choice(
    cx: &mut Collector<'_>,
    value: &Value,
    pointer: &str,
) -> Option<ProviderAuthChoice> {
    let mut fields = Fields::of(cx, value, pointer)?;
    let what = "an auth choice";
    let provider = fields.required_string(cx, "provider", what);
    let method = fields.required_string(cx, "method", what);
    let choice_id = fields.required_string(cx, "choiceId", what);
    let choice_label = fields.string(cx, "choiceLabel");
    let choice_hint = fields.string(cx, "choiceHint");
    let icon = fields.string(cx, "icon");
    let website = fields.string(cx, "website");
    let assistant_priority = fields.number(cx, "assistantPriority");
    let assistant_visibility = fields.one_of(
        cx,
        "assistantVisibility",
        &[
            ("visible", AssistantVisibility::Visible),
            ("manual-only", AssistantVisibility::ManualOnly),
        ],
    );
    let deprecated_choice_ids = fields.string_list(cx, "deprecatedChoiceIds");
    let group_id = fields.string(cx, "groupId");
    let group_label = fields.string(cx, "groupLabel");
    let group_hint = fields.string(cx, "groupHint");
    let onboarding_featured = fields.bool(cx, "onboardingFeatured");
    let option_key = fields.string(cx, "optionKey");
    let cli_flag = fields.string(cx, "cliFlag");
    let cli_option = fields.string(cx, "cliOption");
    let cli_description = fields.string(cx, "cliDescription");
    let onboarding_scopes = match fields.take("onboardingScopes") {
        Some((value, pointer)) => read::list(cx, value, &pointer, |cx, value, pointer| {
            read::one_of(
                cx,
                value,
                pointer,
                &[
                    ("text-inference", OnboardingScope::TextInference),
                    ("image-generation", OnboardingScope::ImageGeneration),
                    ("music-generation", OnboardingScope::MusicGeneration),
                ],
            )
        }),
        None => Vec::new(),
    };
    let extra = fields.finish(cx, AUTH_CHOICE_UNMODELLED, AUTH_CHOICE_FIELDS);
    Some(ProviderAuthChoice {
        provider: provider?,
        method: method?,
        choice_id: choice_id?,
        choice_label,
        choice_hint,
        icon,
        website,
        assistant_priority,
        assistant_visibility,
        deprecated_choice_ids,
        group_id,
        group_label,
        group_hint,
        onboarding_featured,
        option_key,
        cli_flag,
        cli_option,
        cli_description,
        onboarding_scopes,
        extra,
    })
}

/// Capability keys OpenClaw knows in `contracts`.
pub(crate) const CONTRACT_KEYS: &[&str] = &[
    "agentToolResultMiddleware",
    "documentExtractors",
    "embeddedExtensionFactories",
    "embeddingProviders",
    "externalAuthProviders",
    "gatewayMethodDispatch",
    "imageGenerationProviders",
    "mediaUnderstandingProviders",
    "memoryEmbeddingProviders",
    "migrationProviders",
    "musicGenerationProviders",
    "realtimeTranscriptionProviders",
    "realtimeVoiceProviders",
    "speechProviders",
    "tools",
    "transcriptSourceProviders",
    "videoGenerationProviders",
    "webContentExtractors",
    "webFetchProviders",
    "webSearchProviders",
];

fn read_contracts(cx: &mut Collector<'_>, value: &Value, pointer: &str) -> Option<Contracts> {
    let capabilities = read::map(cx, value, pointer, |cx, value, pointer| {
        Some(read::string_list(cx, value, pointer))
    });
    for key in capabilities.keys() {
        if !CONTRACT_KEYS.contains(&key.as_str()) {
            let suggestion = read::closest(key, CONTRACT_KEYS.iter().copied())
                .map(|s| format!(" (did you mean \"{s}\"?)"))
                .unwrap_or_default();
            cx.warning_at_key(
                &crate::document::child_pointer(pointer, key),
                format!("unknown contract \"{key}\"{suggestion}; OpenClaw does not read it"),
            );
        }
    }
    Some(Contracts { capabilities })
}

fn read_ui_hint(cx: &mut Collector<'_>, value: &Value, pointer: &str) -> Option<UiHint> {
    let mut fields = Fields::of(cx, value, pointer)?;
    let mut hint = UiHint {
        label: fields.string(cx, "label"),
        help: fields.string(cx, "help"),
        tags: fields.string_list(cx, "tags"),
        advanced: fields.bool(cx, "advanced"),
        sensitive: fields.bool(cx, "sensitive"),
        placeholder: fields.string(cx, "placeholder"),
        ..UiHint::default()
    };
    hint.extra = fields.finish(
        cx,
        &[],
        &[
            "label",
            "help",
            "tags",
            "advanced",
            "sensitive",
            "placeholder",
        ],
    );
    Some(hint)
}

fn read_setup(cx: &mut Collector<'_>, value: &Value, pointer: &str) -> Option<Setup> {
    let mut fields = Fields::of(cx, value, pointer)?;
    let providers = match fields.take("providers") {
        Some((value, pointer)) => read::list(cx, value, &pointer, read_setup_provider),
        None => Vec::new(),
    };
    let extra = fields.finish(
        cx,
        &[
            "cliBackends",
            "configMigrations",
            "requiresRuntime",
            "nativeSessionCatalog",
        ],
        &["providers"],
    );
    Some(Setup { providers, extra })
}

fn read_setup_provider(
    cx: &mut Collector<'_>,
    value: &Value,
    pointer: &str,
) -> Option<SetupProvider> {
    let mut fields = Fields::of(cx, value, pointer)?;
    let id = fields.string(cx, "id");
    if value.get("id").is_none() {
        cx.warning(pointer, "setup provider has no \"id\"; OpenClaw ignores it");
    }
    let auth_methods = fields.string_list(cx, "authMethods");
    let env_vars = fields.string_list(cx, "envVars");
    let extra = fields.finish(cx, &["authEvidence"], &["id", "authMethods", "envVars"]);
    Some(SetupProvider {
        id: id?,
        auth_methods,
        env_vars,
        extra,
    })
}

fn read_model_catalog(
    cx: &mut Collector<'_>,
    value: &Value,
    pointer: &str,
) -> Option<ModelCatalog> {
    let mut fields = Fields::of(cx, value, pointer)?;
    let mut catalog = ModelCatalog::default();
    if let Some((value, pointer)) = fields.take("providers") {
        catalog.providers = read::map(cx, value, &pointer, read_catalog_provider);
    }
    if let Some((value, pointer)) = fields.take("suppressions") {
        catalog.suppressions = read::list(cx, value, &pointer, read_suppression);
    }
    if let Some((value, pointer)) = fields.take("discovery") {
        catalog.discovery = read::map(cx, value, &pointer, |cx, value, pointer| {
            read::one_of(
                cx,
                value,
                pointer,
                &[
                    ("static", CatalogDiscovery::Static),
                    ("refreshable", CatalogDiscovery::Refreshable),
                    ("runtime", CatalogDiscovery::Runtime),
                ],
            )
        });
    }
    catalog.extra = fields.finish(
        cx,
        &["aliases", "modelsDev", "runtimeAugment"],
        &["providers", "suppressions", "discovery"],
    );
    Some(catalog)
}

fn read_catalog_provider(
    cx: &mut Collector<'_>,
    value: &Value,
    pointer: &str,
) -> Option<CatalogProvider> {
    let mut fields = Fields::of(cx, value, pointer)?;
    let mut provider = CatalogProvider {
        base_url: fields.string(cx, "baseUrl"),
        api: fields.string(cx, "api"),
        headers: fields.string_map(cx, "headers"),
        default_utility_model: fields.string(cx, "defaultUtilityModel"),
        ..CatalogProvider::default()
    };
    if let Some((value, pointer)) = fields.take("models") {
        provider.models = read::list(cx, value, &pointer, read_catalog_model);
    }
    provider.extra = fields.finish(
        cx,
        &[],
        &["baseUrl", "api", "headers", "defaultUtilityModel", "models"],
    );
    Some(provider)
}

const CATALOG_MODEL_FIELDS: &[&str] = &[
    "id",
    "name",
    "api",
    "baseUrl",
    "reasoning",
    "input",
    "cost",
    "contextWindow",
    "contextTokens",
    "maxTokens",
    "headers",
    "compat",
    "status",
    "statusReason",
    "tags",
    "upstreamModel",
];

const CATALOG_MODEL_UNMODELLED: &[&str] = &[
    "agentRuntime",
    "contextWindowDefault",
    "contextWindows",
    "mediaInput",
    "metadataSource",
    "params",
    "replacedBy",
    "replaces",
    "thinkingLevelMap",
];

/// Input kinds a model row may declare.
pub(crate) const MODEL_INPUT_KINDS: &[&str] = &["text", "image", "audio", "video", "document"];

fn read_catalog_model(
    cx: &mut Collector<'_>,
    value: &Value,
    pointer: &str,
) -> Option<CatalogModel> {
    let mut fields = Fields::of(cx, value, pointer)?;
    let Some(id) = fields.string(cx, "id") else {
        if value.get("id").is_none() {
            cx.warning(pointer, "model row has no \"id\"; OpenClaw ignores it");
        }
        return None;
    };
    let mut model = CatalogModel {
        id,
        name: fields.string(cx, "name"),
        api: fields.string(cx, "api"),
        base_url: fields.string(cx, "baseUrl"),
        reasoning: fields.bool(cx, "reasoning"),
        ..CatalogModel::default()
    };
    if let Some((value, pointer)) = fields.take("input") {
        model.input = read::list(cx, value, &pointer, |cx, value, pointer| {
            let kind = read::string(cx, value, pointer)?;
            if MODEL_INPUT_KINDS.contains(&kind.as_str()) {
                Some(kind)
            } else {
                cx.warning(
                    pointer,
                    format!(
                        "unknown input kind \"{kind}\" (expected one of {}); it is dropped",
                        read::quoted_list(MODEL_INPUT_KINDS.iter().copied())
                    ),
                );
                None
            }
        });
    }
    model.cost = fields
        .take("cost")
        .and_then(|(value, pointer)| read_cost(cx, value, &pointer));
    model.context_window = fields.count(cx, "contextWindow");
    model.context_tokens = fields.count(cx, "contextTokens");
    model.max_tokens = fields.count(cx, "maxTokens");
    model.headers = fields.string_map(cx, "headers");
    model.compat = fields
        .take("compat")
        .and_then(|(value, pointer)| read::object(cx, value, &pointer).cloned());
    model.status = fields.string(cx, "status");
    model.status_reason = fields.string(cx, "statusReason");
    model.tags = fields.string_list(cx, "tags");
    model.upstream_model = fields.string(cx, "upstreamModel");
    model.extra = fields.finish(cx, CATALOG_MODEL_UNMODELLED, CATALOG_MODEL_FIELDS);
    Some(model)
}

fn read_cost(cx: &mut Collector<'_>, value: &Value, pointer: &str) -> Option<ModelCost> {
    let mut fields = Fields::of(cx, value, pointer)?;
    let mut price = |fields: &mut Fields<'_>, key: &'static str| {
        let n = fields.number(cx, key)?;
        if n < 0.0 {
            cx.warning(
                &fields.pointer_of(key),
                "a price cannot be negative; it is ignored",
            );
            return None;
        }
        Some(n)
    };
    let input = price(&mut fields, "input");
    let output = price(&mut fields, "output");
    let cache_read = price(&mut fields, "cacheRead");
    let cache_write = price(&mut fields, "cacheWrite");
    let extra = fields.finish(
        cx,
        &["tieredPricing"],
        &["input", "output", "cacheRead", "cacheWrite"],
    );
    Some(ModelCost {
        input: input.unwrap_or_default(),
        output: output.unwrap_or_default(),
        cache_read: cache_read.unwrap_or_default(),
        cache_write: cache_write.unwrap_or_default(),
        extra,
    })
}

fn read_suppression(
    cx: &mut Collector<'_>,
    value: &Value,
    pointer: &str,
) -> Option<CatalogSuppression> {
    let mut fields = Fields::of(cx, value, pointer)?;
    let provider = fields.required_string(cx, "provider", "a catalog suppression");
    let model = fields.required_string(cx, "model", "a catalog suppression");
    let reason = fields.string(cx, "reason");
    let extra = fields.finish(cx, &[], &["provider", "model", "reason"]);
    Some(CatalogSuppression {
        provider: provider?,
        model: model?,
        reason,
        extra,
    })
}
