//! `clawkit pack`: a plugin of this command line as an OpenClaw plugin
//! package that `openclaw plugins install DIR` accepts.
//!
//! The package holds the plugin's `openclaw.plugin.json`, a `package.json`
//! whose `openclaw.extensions` names a real `index.js`, that `index.js`
//! (one generic file, `pack/index.js`, using OpenClaw's plugin SDK), the
//! plugin's data for it (`clawkit-plugin.json`: providers, auth, env vars,
//! models) and a copy of this binary in `bin/`, which `index.js` starts as
//! a sidecar (`serve --sidecar`) on first use. See docs/openclaw.md.
//!
//! Exit status: 0 written, 1 the plugin cannot be packed (why on stderr),
//! 2 usage (no plugin to pack, an unknown `--plugin-id`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use clawkit_core::{AuthMethod, Catalog, DynamicModelContext, Env, InputKind, ModelCost, Runtime};
use clawkit_manifest::{CheckOptions, PluginManifest, check_plugin};
use serde::Serialize;
use serde_json::{Value, json};

use crate::runtime::Plugins;

/// The generic OpenClaw entry every package gets.
const INDEX_JS: &str = include_str!("pack/index.js");

/// The file `index.js` reads the plugin's data from.
const DATA_FILE: &str = "clawkit-plugin.json";

/// The OpenClaw release the package is built for and tested with.
const OPENCLAW_VERSION: &str = "2026.9.6";

/// A model id no catalog has: a provider that resolves it resolves any id.
const PROBE_MODEL: &str = "clawkit-pack-probe-model";

/// `clawkit pack`.
#[derive(Debug, Args)]
pub(crate) struct PackArgs {
    /// Where to write the package; `./openclaw-plugin-<plugin id>` by
    /// default. A folder that exists must be empty or an earlier package of
    /// the same plugin (it is replaced).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Which plugin to pack, when this command line has more than one (the
    /// `clawkit` binary has `acme-ai` and `custom-runtime`); the first
    /// registered by default.
    #[arg(long, value_name = "ID")]
    plugin_id: Option<String>,
}

/// Why a plugin cannot be packed (exit 1).
#[derive(Debug, thiserror::Error)]
enum PackError {
    #[error("cannot build the plugin's runtime: {0}")]
    Setup(String),
    #[error(
        "plugin {0:?} has no manifest: give its entry one (the openclaw.plugin.json OpenClaw loads)"
    )]
    NoManifest(String),
    #[error("plugin {0:?} registers no provider: there is nothing for OpenClaw to run")]
    NoProvider(String),
    #[error(
        "{out} exists and is not an earlier package of {plugin:?}: choose another --out, or empty it"
    )]
    OutTaken { out: String, plugin: String },
    #[error("cannot find this program's own binary (the sidecar): {0}")]
    OwnBinary(std::io::Error),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("the package does not pass `clawkit manifest check --publish`:\n{0}")]
    Check(String),
}

fn write_error(path: &Path) -> impl FnOnce(std::io::Error) -> PackError + '_ {
    move |source| PackError::Write {
        path: path.display().to_string(),
        source,
    }
}

pub(crate) fn run(args: PackArgs, plugins: &Plugins) -> ExitCode {
    let runtime = match plugins.own_runtime(Env::new()) {
        Ok(runtime) => runtime,
        Err(error) => return failure(PackError::Setup(error.to_string())),
    };
    let ids = plugin_ids(&runtime);
    let plugin_id = match (&args.plugin_id, ids.as_slice()) {
        (Some(wanted), _) => match ids.iter().find(|id| *id == wanted) {
            Some(id) => id.clone(),
            None => {
                return usage(format!(
                    "--plugin-id: no plugin {wanted:?} here (this command line has: {})",
                    listed(&ids)
                ));
            }
        },
        (None, [only]) => only.clone(),
        (None, []) => {
            return usage(
                "no plugin to pack: `clawkit pack` packs the plugins a plugin crate's own command line registers (clawkit_cli::run_with)",
            );
        }
        (None, [first, ..]) => {
            eprintln!(
                "clawkit: this command line has several plugins ({}): packing the first, {first}; choose another with --plugin-id",
                listed(&ids)
            );
            first.clone()
        }
    };
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from(format!("openclaw-plugin-{plugin_id}")));
    let packed = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| PackError::Setup(e.to_string()))
        .and_then(|tokio| tokio.block_on(pack(&runtime, &plugin_id, &out)));
    match packed {
        Ok(summary) => {
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => failure(error),
    }
}

fn listed(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".to_owned()
    } else {
        ids.join(", ")
    }
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("clawkit: {message}");
    ExitCode::from(crate::EXIT_USAGE)
}

fn failure(error: PackError) -> ExitCode {
    eprintln!("clawkit: pack: {error}");
    ExitCode::FAILURE
}

/// The plugins that registered providers, in registration order.
fn plugin_ids(runtime: &Runtime) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for provider in runtime.provider_ids() {
        if let Some(plugin) = runtime.plugin_of(provider)
            && !ids.iter().any(|id| id == plugin)
        {
            ids.push(plugin.to_owned());
        }
    }
    ids
}

/// What `index.js` reads: `clawkit-plugin.json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PluginData {
    /// The clawkit version that wrote it.
    clawkit: &'static str,
    plugin_id: String,
    name: String,
    description: String,
    sidecar: Sidecar,
    providers: Vec<ProviderData>,
}

#[derive(Debug, Serialize)]
struct Sidecar {
    /// Relative to the package.
    command: String,
    args: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ProviderData {
    id: String,
    label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    docs_path: Option<String>,
    env_vars: Vec<String>,
    /// `createProviderApiKeyAuthMethod` options, without `providerId`.
    auth: Vec<Value>,
    /// Whether the provider resolves any model id (not only its rows).
    dynamic_models: bool,
    /// The row a model id outside `models` gets.
    dynamic_defaults: ModelRow,
    models: Vec<ModelRow>,
}

/// A model as OpenClaw's provider catalogs spell it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ModelRow {
    /// Empty (and left out) in `dynamicDefaults`.
    #[serde(skip_serializing_if = "String::is_empty")]
    id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    name: String,
    reasoning: bool,
    input: Vec<InputKind>,
    cost: ModelCost,
    context_window: u64,
    max_tokens: u64,
}

/// OpenClaw's defaults for a model with no limits of its own.
const DEFAULT_CONTEXT_WINDOW: u64 = 128_000;
const DEFAULT_MAX_TOKENS: u64 = 8_192;

async fn pack(runtime: &Runtime, plugin_id: &str, out: &Path) -> Result<String, PackError> {
    let manifest = runtime
        .plugin_manifest(plugin_id)
        .ok_or_else(|| PackError::NoManifest(plugin_id.to_owned()))?
        .clone();
    let provider_ids: Vec<String> = runtime
        .provider_ids()
        .into_iter()
        .filter(|provider| runtime.plugin_of(provider) == Some(plugin_id))
        .map(str::to_owned)
        .collect();
    if provider_ids.is_empty() {
        return Err(PackError::NoProvider(plugin_id.to_owned()));
    }
    let catalog = runtime.static_catalog(None).await;
    let mut providers = Vec::new();
    let mut skipped = Vec::new();
    for id in &provider_ids {
        let (data, not_packed) = provider_data(runtime, &catalog, id);
        providers.extend(data);
        skipped.extend(not_packed);
    }
    let binary = std::env::current_exe().map_err(PackError::OwnBinary)?;
    let binary_name = binary
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "clawkit".to_owned());
    let name = manifest
        .name
        .clone()
        .unwrap_or_else(|| plugin_id.to_owned());
    let description = manifest
        .description
        .clone()
        .unwrap_or_else(|| format!("{name}, written in Rust with clawkit"));
    let data = PluginData {
        clawkit: env!("CARGO_PKG_VERSION"),
        plugin_id: plugin_id.to_owned(),
        name: name.clone(),
        description: description.clone(),
        sidecar: Sidecar {
            command: format!("./bin/{binary_name}"),
            args: vec!["serve", "--sidecar", "--addr", "127.0.0.1:0"],
        },
        providers,
    };
    let package = package_json(&manifest, plugin_id, &description, &provider_ids);
    let (manifest_value, setup_added) = manifest_json(&manifest, &data.providers)?;

    // Written next to `out`, then moved into place: a failed pack leaves
    // no half package, and an earlier package is replaced whole.
    let parent = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(write_error(&parent))?;
    let staging = parent.join(format!(
        ".{}.clawkit-pack-{}",
        out.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    let written = write_package(
        &staging,
        &manifest_value,
        &package,
        &data,
        &binary,
        &binary_name,
    )
    .and_then(|()| check(&staging));
    if let Err(error) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }
    if let Err(error) = replace(out, &staging, plugin_id) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }

    let models: usize = data.providers.iter().map(|p| p.models.len()).sum();
    let mut summary = format!(
        "packed {plugin_id} into {} (providers: {}; {models} models; sidecar bin/{binary_name})\n",
        out.display(),
        provider_ids.join(", ")
    );
    if !setup_added.is_empty() {
        summary.push_str(&format!(
            "note: openclaw.plugin.json gained setup.providers entries for {} (where OpenClaw 2026.9.6 looks for a provider's env vars)\n",
            setup_added.join(", ")
        ));
    }
    for line in skipped {
        summary.push_str(&format!("note: {line}\n"));
    }
    summary.push_str(&format!(
        "install: openclaw plugins install {} --force --accept-capabilities",
        out.display()
    ));
    Ok(summary)
}

/// A provider's data for `index.js`, and what of it could not be packed.
fn provider_data(
    runtime: &Runtime,
    catalog: &Catalog,
    id: &str,
) -> (Option<ProviderData>, Vec<String>) {
    let Some(provider) = runtime.provider(id) else {
        return (None, Vec::new());
    };
    let mut skipped = Vec::new();
    let auth: Vec<Value> = provider
        .auth_methods()
        .iter()
        .filter_map(|method| {
            let options = api_key_options(method);
            if options.is_none() {
                skipped.push(format!(
                    "{id}: auth method {:?} is not an API key; the sidecar takes API keys only, so it is left out",
                    method.id
                ));
            }
            options
        })
        .collect();
    let models: Vec<ModelRow> = catalog
        .rows()
        .into_iter()
        .filter(|(owner, _, _)| *owner == id)
        .map(|(_, model, _)| ModelRow {
            id: model.id.clone(),
            name: model.name.clone(),
            reasoning: model.reasoning,
            input: model.input.clone(),
            cost: model.cost.clone(),
            context_window: model.context_window.unwrap_or(DEFAULT_CONTEXT_WINDOW),
            max_tokens: model.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        })
        .collect();
    let probe = provider.resolve_dynamic_model(&DynamicModelContext::new(id, PROBE_MODEL));
    let dynamic_defaults = match &probe {
        Some(model) => ModelRow {
            id: String::new(),
            name: String::new(),
            reasoning: model.reasoning,
            input: model.input.clone(),
            cost: model.cost.clone(),
            context_window: model.context_window,
            max_tokens: model.max_tokens,
        },
        None => ModelRow {
            id: String::new(),
            name: String::new(),
            reasoning: false,
            input: vec![InputKind::Text],
            cost: ModelCost::default(),
            context_window: DEFAULT_CONTEXT_WINDOW,
            max_tokens: DEFAULT_MAX_TOKENS,
        },
    };
    if models.is_empty() && probe.is_none() {
        skipped.push(format!(
            "{id}: no static model rows and no dynamic model resolution: OpenClaw will know none of its models"
        ));
    }
    let data = ProviderData {
        id: id.to_owned(),
        label: provider.label().to_owned(),
        docs_path: provider.docs_path().map(str::to_owned),
        env_vars: provider.env_vars(),
        auth,
        dynamic_models: probe.is_some(),
        dynamic_defaults,
        models,
    };
    (Some(data), skipped)
}

/// `createProviderApiKeyAuthMethod`'s options for an API-key method.
fn api_key_options(method: &AuthMethod) -> Option<Value> {
    let options = method.api_key.as_ref()?;
    let mut object = json!({
        "methodId": options.method_id,
        "label": options.label,
    });
    let fields = [
        ("hint", &options.hint),
        ("optionKey", &options.option_key),
        ("flagName", &options.flag_name),
        ("envVar", &options.env_var),
        ("promptMessage", &options.prompt_message),
        ("profileId", &options.profile_id),
        ("defaultModel", &options.default_model),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            object[key] = json!(value);
        }
    }
    if !options.expected_providers.is_empty() {
        object["expectedProviders"] = json!(options.expected_providers);
    }
    Some(object)
}

/// The plugin's manifest as the package ships it: with a
/// `setup.providers[]` entry (`id`, `envVars`) for every provider that
/// reads a key from the environment and has none. OpenClaw 2026.9.6 finds
/// a plugin provider's env vars there only (not in `providerAuthEnvVars`),
/// and without them `openclaw agent --local` finds no key. Returns the
/// manifest and the ids it added entries for.
fn manifest_json(
    manifest: &PluginManifest,
    providers: &[ProviderData],
) -> Result<(Value, Vec<String>), PackError> {
    let mut value = serde_json::to_value(manifest).map_err(|e| PackError::Write {
        path: "openclaw.plugin.json".to_owned(),
        source: std::io::Error::other(e),
    })?;
    let mut added = Vec::new();
    let Some(object) = value.as_object_mut() else {
        return Ok((value, added));
    };
    let setup = object.entry("setup").or_insert_with(|| json!({}));
    if !setup.is_object() {
        return Ok((value, added));
    }
    let listed = setup
        .as_object_mut()
        .map(|setup| setup.entry("providers").or_insert_with(|| json!([])));
    let Some(Value::Array(listed)) = listed else {
        return Ok((value, added));
    };
    for provider in providers {
        let known = listed
            .iter()
            .any(|entry| entry["id"].as_str() == Some(provider.id.as_str()));
        if !known && !provider.env_vars.is_empty() {
            listed.push(json!({"id": provider.id, "envVars": provider.env_vars}));
            added.push(provider.id.clone());
        }
    }
    Ok((value, added))
}

fn package_json(
    manifest: &PluginManifest,
    plugin_id: &str,
    description: &str,
    providers: &[String],
) -> Value {
    json!({
        "name": format!("openclaw-plugin-{plugin_id}"),
        "version": manifest.version.clone().unwrap_or_else(|| "0.1.0".to_owned()),
        "description": description,
        "type": "module",
        "files": ["index.js", DATA_FILE, "openclaw.plugin.json", "bin"],
        // bin/ holds this machine's binary: the package runs here only.
        "os": [node_os()],
        "cpu": [node_cpu()],
        "peerDependencies": {"openclaw": format!(">={OPENCLAW_VERSION}")},
        "peerDependenciesMeta": {"openclaw": {"optional": true}},
        "openclaw": {
            "extensions": ["./index.js"],
            "providers": providers,
            "compat": {
                "pluginApi": format!(">={OPENCLAW_VERSION}"),
                "minGatewayVersion": OPENCLAW_VERSION
            },
            "build": {"openclawVersion": OPENCLAW_VERSION, "pluginSdkVersion": OPENCLAW_VERSION}
        }
    })
}

/// This machine's OS as Node names it (`process.platform`).
fn node_os() -> &'static str {
    match std::env::consts::OS {
        "macos" => "darwin",
        "windows" => "win32",
        other => other,
    }
}

/// This machine's CPU as Node names it (`process.arch`).
fn node_cpu() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        "x86" => "ia32",
        other => other,
    }
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<(), PackError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| PackError::Write {
        path: path.display().to_string(),
        source: std::io::Error::other(e),
    })?;
    text.push('\n');
    std::fs::write(path, text).map_err(write_error(path))
}

fn write_package(
    dir: &Path,
    manifest: &Value,
    package: &Value,
    data: &PluginData,
    binary: &Path,
    binary_name: &str,
) -> Result<(), PackError> {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).map_err(write_error(&bin))?;
    write_json(&dir.join("openclaw.plugin.json"), manifest)?;
    write_json(&dir.join("package.json"), package)?;
    write_json(&dir.join(DATA_FILE), data)?;
    let index = dir.join("index.js");
    std::fs::write(&index, INDEX_JS).map_err(write_error(&index))?;
    let target = bin.join(binary_name);
    std::fs::copy(binary, &target).map_err(write_error(&target))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755))
            .map_err(write_error(&target))?;
    }
    Ok(())
}

/// The package passes `manifest check --publish` (OpenClaw loads it and
/// its entry exists).
fn check(dir: &Path) -> Result<(), PackError> {
    let checked = check_plugin(dir, &CheckOptions::new().publish(true))
        .map_err(|e| PackError::Check(e.to_string()))?;
    if checked.is_valid() {
        Ok(())
    } else {
        Err(PackError::Check(checked.diagnostics.render(false)))
    }
}

/// Moves `staging` to `out`, replacing an empty folder or an earlier
/// package of `plugin_id` there.
fn replace(out: &Path, staging: &Path, plugin_id: &str) -> Result<(), PackError> {
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        let earlier = std::fs::read_to_string(out.join(DATA_FILE))
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .is_some_and(|data| data["pluginId"] == plugin_id);
        if !empty && !earlier {
            return Err(PackError::OutTaken {
                out: out.display().to_string(),
                plugin: plugin_id.to_owned(),
            });
        }
        // The earlier package goes aside first, so a failed rename loses
        // nothing.
        let aside = staging.with_extension("earlier");
        let _ = std::fs::remove_dir_all(&aside);
        std::fs::rename(out, &aside).map_err(write_error(out))?;
        if let Err(source) = std::fs::rename(staging, out) {
            let _ = std::fs::rename(&aside, out);
            return Err(PackError::Write {
                path: out.display().to_string(),
                source,
            });
        }
        let _ = std::fs::remove_dir_all(&aside);
        return Ok(());
    }
    std::fs::rename(staging, out).map_err(write_error(out))
}
