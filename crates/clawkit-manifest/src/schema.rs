//! JSON Schemas of the documents this crate reads.

use serde_json::Value;

use crate::model::PluginManifest;
use crate::package::PackageManifest;

/// The JSON Schema (draft 2020-12) of `openclaw.plugin.json`, generated from
/// [`PluginManifest`]. Editors can use it for completion and checks.
///
/// ```
/// let schema = clawkit_manifest::manifest_json_schema();
/// assert_eq!(schema["required"], serde_json::json!(["id", "configSchema"]));
/// ```
pub fn manifest_json_schema() -> Value {
    schemars::schema_for!(PluginManifest).to_value()
}

/// The JSON Schema of a `package.json` with its `openclaw` block.
pub fn package_json_schema() -> Value {
    schemars::schema_for!(PackageManifest).to_value()
}
