//! What a normalization changed, path by path.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// What happened to one keyword of a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ChangeKind {
    /// The keyword is gone (unsupported, empty, or dropped with its node).
    Removed,
    /// The keyword was added (`type`, `properties`, `nullable`, …).
    Added,
    /// The keyword stays with another value (`type: ["string", "null"]`
    /// becomes `"string"`, `required` loses names, …) or another name
    /// (`const` becomes `enum`).
    Rewritten,
    /// A local `$ref` was replaced by the definition it points to.
    Inlined,
    /// An `anyOf` / `oneOf` union was replaced by a single schema.
    Flattened,
}

impl ChangeKind {
    /// The lower-case name (`removed`, `added`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Removed => "removed",
            ChangeKind::Added => "added",
            ChangeKind::Rewritten => "rewritten",
            ChangeKind::Inlined => "inlined",
            ChangeKind::Flattened => "flattened",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change a normalizer made.
///
/// `path` is the JSON pointer (RFC 6901) of the keyword in the schema that
/// was given, `/properties/when/format` for the `format` of property
/// `when`. Inside a definition reached through `$ref`, the pointer goes on
/// from the node that holds the `$ref`, so a definition inlined in three
/// places reports its changes three times, once per place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SchemaChange {
    /// JSON pointer of the keyword.
    pub path: String,
    /// The keyword (the pointer's last token, unescaped).
    pub keyword: Cow<'static, str>,
    /// What happened to it.
    pub change: ChangeKind,
    /// What happened, for a person: lower case, no trailing period.
    pub message: Cow<'static, str>,
}

impl SchemaChange {
    /// A change of `keyword` at the JSON pointer `path`.
    pub fn new(
        path: impl Into<String>,
        keyword: impl Into<Cow<'static, str>>,
        change: ChangeKind,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        SchemaChange {
            path: path.into(),
            keyword: keyword.into(),
            change,
            message: message.into(),
        }
    }
}

impl fmt::Display for SchemaChange {
    /// `/properties/when/format: removed: format is not supported`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        };
        write!(f, "{path}: {}: {}", self.change, self.message)
    }
}

/// A normalized schema and what the normalization changed to get it.
///
/// ```
/// use clawkit_families::tools::{ChangeKind, gemini};
/// use serde_json::json;
///
/// let out = gemini::normalize(&json!({
///     "type": "object",
///     "properties": {"when": {"type": ["string", "null"], "format": "date-time"}},
/// }));
/// assert_eq!(out.schema, json!({"type": "object", "properties": {"when": {"type": "string"}}}));
/// assert_eq!(out.changes[1].path, "/properties/when/format");
/// assert_eq!(out.changes[1].change, ChangeKind::Removed);
/// assert_eq!(out.changes[1].to_string(), "/properties/when/format: removed: not supported by Gemini");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Normalized {
    /// The schema to send.
    pub schema: Value,
    /// What changed, in the order the normalizer met it. Empty when the
    /// schema was already acceptable.
    pub changes: Vec<SchemaChange>,
}

impl Normalized {
    /// A schema with its change report.
    pub fn new(schema: Value, changes: Vec<SchemaChange>) -> Self {
        Normalized { schema, changes }
    }

    /// Whether the normalizer changed nothing.
    pub fn is_unchanged(&self) -> bool {
        self.changes.is_empty()
    }

    /// The schema, without the report.
    pub fn into_schema(self) -> Value {
        self.schema
    }
}

/// The changes made to one tool's parameter schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ToolSchemaChanges {
    /// The tool.
    pub tool_name: String,
    /// Its index in the tool list.
    pub tool_index: usize,
    /// What changed in its `parameters`.
    pub changes: Vec<SchemaChange>,
}

impl ToolSchemaChanges {
    /// The changes made to the schema of tool `tool_name` at `tool_index`.
    pub fn new(
        tool_name: impl Into<String>,
        tool_index: usize,
        changes: Vec<SchemaChange>,
    ) -> Self {
        ToolSchemaChanges {
            tool_name: tool_name.into(),
            tool_index,
            changes,
        }
    }
}
