//! `configSchema`: checking the schema itself, and validating a plugin's
//! runtime config (`plugins.entries.<id>.config`) against it.

use serde_json::{Map, Value};

use crate::diagnostic::{Collector, Diagnostics};
use crate::error::{ConfigViolation, ManifestError};
use crate::model::PluginManifest;
use crate::source;

/// A plugin's `configSchema`, compiled once and used for many configs.
///
/// ```
/// use clawkit_manifest::{ConfigValidator, PluginManifest};
/// use serde_json::json;
///
/// let source = br#"{"id": "acme-ai", "configSchema": {
///     "type": "object",
///     "properties": {"region": {"enum": ["us", "eu"]}},
///     "additionalProperties": false
/// }}"#;
/// let manifest = PluginManifest::parse(source, "openclaw.plugin.json").value().cloned().unwrap();
/// let validator = ConfigValidator::new(&manifest)?;
/// assert!(validator.validate(&json!({"region": "eu"})).is_ok());
///
/// let violations = validator.violations(&json!({"region": "mars", "extra": 1}));
/// let mut pointers: Vec<_> = violations.iter().map(|v| v.pointer.as_str()).collect();
/// pointers.sort();
/// assert_eq!(pointers, ["", "/region"]);
/// # Ok::<(), clawkit_manifest::ManifestError>(())
/// ```
pub struct ConfigValidator {
    plugin_id: String,
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for ConfigValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigValidator")
            .field("plugin_id", &self.plugin_id)
            .finish_non_exhaustive()
    }
}

impl ConfigValidator {
    /// Compiles the manifest's `configSchema`.
    pub fn new(manifest: &PluginManifest) -> Result<Self, ManifestError> {
        let schema = Value::Object(manifest.config_schema.clone());
        let validator =
            compile(&schema).map_err(|(pointer, message)| ManifestError::InvalidConfigSchema {
                plugin_id: manifest.id.clone(),
                pointer,
                message,
            })?;
        Ok(ConfigValidator {
            plugin_id: manifest.id.clone(),
            validator,
        })
    }

    /// Every violation of the schema by `config`, in the validator's order.
    pub fn violations(&self, config: &Value) -> Vec<ConfigViolation> {
        self.validator
            .iter_errors(config)
            .map(|e| ConfigViolation {
                pointer: e.instance_path.to_string(),
                schema_pointer: e.schema_path.to_string(),
                message: redacted_message(&e),
            })
            .collect()
    }

    /// `Ok` when `config` satisfies the schema, else all violations.
    pub fn validate(&self, config: &Value) -> Result<(), ManifestError> {
        let violations = self.violations(config);
        if violations.is_empty() {
            Ok(())
        } else {
            Err(ManifestError::InvalidConfig {
                plugin_id: self.plugin_id.clone(),
                violations,
            })
        }
    }

    /// Parses a config file (JSON or JSON5) and checks it, with line and column
    /// for every violation; `file` names the source in diagnostics.
    pub fn check_source(&self, bytes: &[u8], file: &str) -> Diagnostics {
        let (document, mut diagnostics) = match source::parse_document(
            bytes,
            file,
            "config",
            crate::MAX_MANIFEST_BYTES,
            || {
                format!(
                    "config file is larger than {} bytes",
                    crate::MAX_MANIFEST_BYTES
                )
            },
            crate::DiagnosticSource::Clawkit,
        ) {
            Ok(parsed) => parsed,
            Err(diagnostics) => return diagnostics,
        };
        let mut cx = Collector::new(file, Some(&document));
        for violation in self.violations(&document.value) {
            cx.error(
                &violation.pointer,
                format!(
                    "config does not match the configSchema of plugin \"{}\": {}",
                    self.plugin_id, violation.message
                ),
            );
        }
        diagnostics.extend(cx.finish());
        diagnostics
    }
}

impl PluginManifest {
    /// Validates a runtime config against this manifest's `configSchema`.
    ///
    /// Compiles the schema on every call; keep a [`ConfigValidator`] to check
    /// many configs.
    pub fn validate_config(&self, config: &Value) -> Result<(), ManifestError> {
        ConfigValidator::new(self)?.validate(config)
    }
}

/// Builds a validator; on failure, the pointer inside the schema and why.
fn compile(schema: &Value) -> Result<jsonschema::Validator, (String, String)> {
    if let Some(Value::String(uri)) = schema.get("$schema") {
        // jsonschema panics on a meta-schema it does not know; check first.
        if jsonschema::meta::try_is_valid(schema).is_err() {
            return Err((
                "/$schema".to_owned(),
                format!(
                    "unknown JSON Schema dialect \"{}\" (supported: drafts 4, 6, 7, 2019-09 and 2020-12)",
                    crate::read::truncate(uri, 80)
                ),
            ));
        }
    }
    jsonschema::validator_for(schema).map_err(|e| (e.instance_path.to_string(), e.to_string()))
}

/// The validator's message, without echoing strings, arrays or objects from
/// the config (they may hold secrets).
fn redacted_message(error: &jsonschema::ValidationError<'_>) -> String {
    let message = error.to_string();
    match error.instance.as_ref() {
        Value::String(_) | Value::Array(_) | Value::Object(_) => {
            let shown = error.instance.to_string();
            let placeholder = match error.instance.as_ref() {
                Value::String(_) => "the string value",
                Value::Array(_) => "the array",
                _ => "the object",
            };
            message.replace(&shown, placeholder)
        }
        _ => message,
    }
}

/// Checks that `configSchema` is a JSON Schema that describes an object.
pub(crate) fn check_config_schema(
    cx: &mut Collector<'_>,
    schema: &Map<String, Value>,
    pointer: &str,
) {
    let value = Value::Object(schema.clone());
    if let Err((inner, message)) = compile(&value) {
        cx.error(
            &format!("{pointer}{inner}"),
            format!("configSchema is not a valid JSON Schema: {message}"),
        );
        return;
    }
    match schema.get("type") {
        Some(Value::String(kind)) if kind != "object" => cx.warning(
            &format!("{pointer}/type"),
            format!("plugin config is an object, but configSchema has type \"{kind}\""),
        ),
        _ => {}
    }
}
