//! `package.json` and its `openclaw` block.

use schemars::JsonSchema;
use semver::{Version, VersionReq};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use std::path::Path;

use crate::checks::relative_inside;
use crate::diagnostic::{Collector, DiagnosticSource, Severity};
use crate::document::child_pointer;
use crate::manifest::Report;
use crate::model::{Extra, PluginManifest};
use crate::provider_id::normalize_provider_id;
use crate::read::{self, Fields};
use crate::source;

/// The package file's name in a plugin folder.
pub const PACKAGE_FILE_NAME: &str = "package.json";

/// Largest `package.json` read (1 MiB).
pub const MAX_PACKAGE_BYTES: usize = 1024 * 1024;

/// The parts of `package.json` OpenClaw reads; all other fields are kept verbatim.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(title = "package.json with an OpenClaw block")]
#[non_exhaustive]
pub struct PackageManifest {
    /// npm package name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// npm package version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The `openclaw` block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openclaw: Option<OpenClawPackage>,
    /// All other fields, verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `package.json` → `openclaw`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OpenClawPackage {
    /// Native entry points, relative to the package folder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<String>,
    /// Built entry points, relative to the package folder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runtime_extensions: Vec<String>,
    /// Lightweight setup entry point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_entry: Option<String>,
    /// Built setup entry point (requires `setupEntry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_setup_entry: Option<String>,
    /// Host compatibility floors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compat: Option<PackageCompat>,
    /// What the package was built against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<PackageBuild>,
    /// Fields clawkit does not model (`install`, `channel`, …), verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `openclaw.compat`: which hosts can load the plugin.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PackageCompat {
    /// Plugin API range the plugin needs (`>=2026.3.24-beta.2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub plugin_api: Option<VersionReq>,
    /// Oldest gateway version that can run it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_gateway_version: Option<Version>,
    /// Fields clawkit does not model, verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `openclaw.build`: the versions the package was built with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PackageBuild {
    /// OpenClaw version built against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openclaw_version: Option<Version>,
    /// Plugin SDK version built against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin_sdk_version: Option<Version>,
    /// Fields clawkit does not model (`bundledDist`, …), verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl PackageManifest {
    /// Parses and checks `package.json` bytes. `manifest`, when given, is the
    /// plugin manifest beside it, for the cross-checks; with `publish`, what
    /// ClawHub requires is an error instead of a warning.
    ///
    /// ```
    /// use clawkit_manifest::PackageManifest;
    ///
    /// let source = br#"{"name": "@acme/openclaw-acme-ai", "version": "1.0.0",
    ///   "openclaw": {"extensions": ["./index.ts"], "compat": {"pluginApi": ">=2026.3.24"}}}"#;
    /// let report = PackageManifest::parse(source, "package.json", None, false);
    /// let package = report.value().unwrap();
    /// let compat = package.openclaw.as_ref().unwrap().compat.as_ref().unwrap();
    /// assert!(compat.plugin_api.as_ref().unwrap().matches(&"2026.4.1".parse().unwrap()));
    /// // Not publishable yet: `build` and `compat.minGatewayVersion` are missing.
    /// assert_eq!(report.diagnostics().warnings().count(), 2);
    /// ```
    pub fn parse(
        bytes: &[u8],
        file: &str,
        manifest: Option<&PluginManifest>,
        publish: bool,
    ) -> Report<PackageManifest> {
        parse_package(bytes, file, manifest, publish, None)
    }
}

/// [`PackageManifest::parse`]; with `entries_in`, the package folder, every
/// `openclaw.extensions` entry must also exist there.
pub(crate) fn parse_package(
    bytes: &[u8],
    file: &str,
    manifest: Option<&PluginManifest>,
    publish: bool,
    entries_in: Option<&Path>,
) -> Report<PackageManifest> {
    let (document, mut diagnostics) = match source::parse_document(
        bytes,
        file,
        "package.json",
        MAX_PACKAGE_BYTES,
        too_large_message,
        crate::DiagnosticSource::Clawkit,
    ) {
        Ok(parsed) => parsed,
        Err(diagnostics) => return Report::new(None, diagnostics),
    };
    let strict_json = serde_json::from_str::<serde::de::IgnoredAny>(&document.text).is_ok();
    let mut cx = Collector::new(file, Some(&document));
    if !strict_json {
        cx.warning(
            "",
            "package.json uses JSON5 syntax (comments, trailing commas, …); npm needs strict JSON",
        );
    }
    let package = read_package(&mut cx, &document.value);
    if let Some(package) = &package {
        check_package(&mut cx, package, &document.value, manifest, publish);
        if let (Some(folder), Some(block)) = (entries_in, &package.openclaw) {
            check_entries_exist(&mut cx, block, folder);
        }
    }
    diagnostics.extend(cx.finish());
    Report::new(package, diagnostics)
}

/// `openclaw plugins validate`'s `plugin entry not found: ./index.ts` for
/// every extension entry (inside the package) that does not exist.
fn check_entries_exist(cx: &mut Collector<'_>, block: &OpenClawPackage, folder: &Path) {
    for (i, entry) in block.extensions.iter().enumerate() {
        if relative_inside(entry).is_err() || folder.join(entry).exists() {
            continue;
        }
        cx.push_from(
            Severity::Error,
            DiagnosticSource::OpenClaw,
            &child_pointer("/openclaw/extensions", i),
            crate::document::Anchor::Value,
            format!("plugin entry not found: {}", openclaw_relative(entry)),
        );
    }
}

/// An entry as OpenClaw names it: resolved against the package folder, made
/// relative again, and prefixed with `./` unless it starts with `.`.
fn openclaw_relative(entry: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in entry.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let relative = parts.join("/");
    if relative.starts_with('.') {
        relative
    } else {
        format!("./{relative}")
    }
}

pub(crate) fn too_large_message() -> String {
    format!("package.json is larger than {MAX_PACKAGE_BYTES} bytes")
}

fn read_package(cx: &mut Collector<'_>, root: &Value) -> Option<PackageManifest> {
    let Value::Object(map) = root else {
        cx.error("", "package.json must be an object");
        return None;
    };
    let mut fields = Fields::new(map, "");
    let name = fields.string(cx, "name");
    let version = fields.string(cx, "version");
    let openclaw = fields
        .take("openclaw")
        .and_then(|(value, pointer)| read_openclaw_block(cx, value, &pointer));
    Some(PackageManifest {
        name,
        version,
        openclaw,
        extra: fields.finish_quietly(),
    })
}

fn read_openclaw_block(
    cx: &mut Collector<'_>,
    value: &Value,
    pointer: &str,
) -> Option<OpenClawPackage> {
    let mut fields = Fields::of(cx, value, pointer)?;
    let mut block = OpenClawPackage {
        extensions: fields.string_list(cx, "extensions"),
        runtime_extensions: fields.string_list(cx, "runtimeExtensions"),
        setup_entry: fields.string(cx, "setupEntry"),
        runtime_setup_entry: fields.string(cx, "runtimeSetupEntry"),
        ..OpenClawPackage::default()
    };
    if let Some((value, pointer)) = fields.take("compat") {
        block.compat = Fields::of(cx, value, &pointer).map(|mut compat| PackageCompat {
            plugin_api: semver_field(cx, &mut compat, "pluginApi", "a semver range", |s| {
                VersionReq::parse(s)
            }),
            min_gateway_version: semver_field(
                cx,
                &mut compat,
                "minGatewayVersion",
                "a semver version",
                Version::parse,
            ),
            extra: compat.finish(cx, &[], &["pluginApi", "minGatewayVersion"]),
        });
    }
    if let Some((value, pointer)) = fields.take("build") {
        block.build = Fields::of(cx, value, &pointer).map(|mut build| PackageBuild {
            openclaw_version: semver_field(
                cx,
                &mut build,
                "openclawVersion",
                "a semver version",
                Version::parse,
            ),
            plugin_sdk_version: semver_field(
                cx,
                &mut build,
                "pluginSdkVersion",
                "a semver version",
                Version::parse,
            ),
            extra: build.finish(
                cx,
                &["bundledDist"],
                &["openclawVersion", "pluginSdkVersion"],
            ),
        });
    }
    block.extra = fields.finish(
        cx,
        &[
            "bundle",
            "channel",
            "controlUi",
            "install",
            "plugin",
            "providers",
            "setupFeatures",
        ],
        &[
            "extensions",
            "runtimeExtensions",
            "setupEntry",
            "runtimeSetupEntry",
            "compat",
            "build",
        ],
    );
    Some(block)
}

/// A string field that must parse as semver; a parse failure is an error
/// because OpenClaw enforces these floors at install time.
fn semver_field<T, E: std::fmt::Display>(
    cx: &mut Collector<'_>,
    fields: &mut Fields<'_>,
    key: &'static str,
    what: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Option<T> {
    let pointer = fields.pointer_of(key);
    let text = fields.string(cx, key)?;
    match parse(&text) {
        Ok(value) => Some(value),
        Err(e) => {
            cx.error(
                &pointer,
                format!("\"{}\" is not {what}: {e}", read::truncate(&text, 60)),
            );
            None
        }
    }
}

/// Cross-checks; `raw` is the source document, to tell a field that is
/// missing from one that is present but invalid (already reported).
fn check_package(
    cx: &mut Collector<'_>,
    package: &PackageManifest,
    raw: &Value,
    manifest: Option<&PluginManifest>,
    publish: bool,
) {
    let readiness = if publish {
        Severity::Error
    } else {
        Severity::Warning
    };
    let publish_note = "ClawHub publication requires";
    for key in ["name", "version"] {
        if raw.get(key).is_none() {
            cx.push(
                readiness,
                "",
                crate::document::Anchor::Value,
                format!("{publish_note} package.json \"{key}\""),
            );
        }
    }
    if let Some(version) = &package.version
        && let Err(e) = Version::parse(version)
    {
        cx.warning(
            "/version",
            format!("\"{version}\" is not a semver version, which npm requires: {e}"),
        );
    }
    // Lists are compared by their source index from here on.
    cx.use_model_pointers();
    let Some(block) = &package.openclaw else {
        cx.openclaw_error("", "package.json missing openclaw.extensions");
        return;
    };
    if block.extensions.is_empty() {
        cx.openclaw_error("/openclaw", "package.json missing openclaw.extensions");
    }
    for (field, entries) in [
        ("extensions", &block.extensions),
        ("runtimeExtensions", &block.runtime_extensions),
    ] {
        for (i, entry) in entries.iter().enumerate() {
            if let Err(reason) = relative_inside(entry) {
                cx.error(
                    &child_pointer(&format!("/openclaw/{field}"), i),
                    format!("extension entry \"{entry}\" {reason}"),
                );
            }
        }
    }
    for (field, entry) in [
        ("setupEntry", &block.setup_entry),
        ("runtimeSetupEntry", &block.runtime_setup_entry),
    ] {
        if let Some(entry) = entry
            && let Err(reason) = relative_inside(entry)
        {
            cx.error(
                &format!("/openclaw/{field}"),
                format!("{field} \"{entry}\" {reason}"),
            );
        }
    }
    if block.runtime_setup_entry.is_some() && block.setup_entry.is_none() {
        cx.error(
            "/openclaw/runtimeSetupEntry",
            "runtimeSetupEntry requires setupEntry",
        );
    }
    check_versions(cx, block, raw, readiness, publish_note);
    if let (Some(manifest), Some(Value::Array(listed))) = (manifest, block.extra.get("providers")) {
        let declared: Vec<String> = manifest
            .providers
            .iter()
            .map(|p| normalize_provider_id(p))
            .collect();
        for (i, provider) in listed.iter().enumerate() {
            if let Some(id) = provider.as_str()
                && !declared.contains(&normalize_provider_id(id))
            {
                cx.warning(
                        &format!("/openclaw/providers/{i}"),
                        format!("package.json lists provider \"{id}\", which openclaw.plugin.json does not declare; OpenClaw reads providers from the manifest"),
                    );
            }
        }
    }
}

fn check_versions(
    cx: &mut Collector<'_>,
    block: &OpenClawPackage,
    raw: &Value,
    readiness: Severity,
    publish_note: &str,
) {
    let required = [
        ("/openclaw", "compat"),
        ("/openclaw/compat", "pluginApi"),
        ("/openclaw/compat", "minGatewayVersion"),
        ("/openclaw", "build"),
        ("/openclaw/build", "openclawVersion"),
        ("/openclaw/build", "pluginSdkVersion"),
    ];
    for (parent, key) in required {
        // A missing parent is reported once, not once per child.
        if raw.pointer(parent).is_some() && raw.pointer(parent).and_then(|p| p.get(key)).is_none() {
            let field = format!("{}.{key}", parent.trim_start_matches('/').replace('/', "."));
            cx.push(
                readiness,
                parent,
                crate::document::Anchor::Value,
                format!("{publish_note} {field}"),
            );
        }
    }
    let compat = block.compat.as_ref();
    let build = block.build.as_ref();
    let (Some(compat), Some(build)) = (compat, build) else {
        return;
    };
    if let (Some(range), Some(sdk)) = (&compat.plugin_api, &build.plugin_sdk_version)
        && !range.matches(sdk)
    {
        cx.warning(
                "/openclaw/build/pluginSdkVersion",
                format!("the plugin was built with SDK {sdk}, which compat.pluginApi \"{range}\" does not accept"),
            );
    }
    if let (Some(min), Some(built)) = (&compat.min_gateway_version, &build.openclaw_version)
        && built < min
    {
        cx.warning(
                "/openclaw/build/openclawVersion",
                format!("the plugin was built against OpenClaw {built}, older than compat.minGatewayVersion {min}"),
            );
    }
}
