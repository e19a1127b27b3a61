//! Tools stage: what `normalizeToolSchemas` and `inspectToolSchemas` are given and return.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use serde::Serialize;

use crate::context::Tool;

use super::resolve::ModelContext;

/// What `normalizeToolSchemas` and `inspectToolSchemas` are given.
///
/// A `normalizeToolSchemas` hook that knows what it changed says so with
/// [`report_changes`](ToolSchemaContext::report_changes); the runtime then
/// lists those changes (in the trace, the turn report and `clawkit tools
/// check`) instead of comparing each tool before and after.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ToolSchemaContext {
    /// The model.
    pub model: ModelContext,
    /// The tools.
    pub tools: Vec<Tool>,
    reported: ReportedChanges,
}

impl ToolSchemaContext {
    /// The tools of a turn on `model`.
    ///
    /// ```
    /// use clawkit_core::{ModelApi, ModelContext, RuntimeModel, Tool, ToolSchemaContext};
    /// use serde_json::json;
    ///
    /// let model = RuntimeModel::new("acme-ai", "acme-large", ModelApi::OpenAiCompletions,
    ///     "https://api.acme-ai.example/v1".parse().unwrap());
    /// let tool = Tool::new("search", "Search the web", json!({"type": "object"}));
    /// let ctx = ToolSchemaContext::new(ModelContext::of(&model), vec![tool]);
    /// assert_eq!(ctx.tools[0].name, "search");
    /// ```
    pub fn new(model: ModelContext, tools: Vec<Tool>) -> Self {
        ToolSchemaContext {
            model,
            tools,
            reported: ReportedChanges::default(),
        }
    }

    /// Records what normalization changed, for a hook that reports its own
    /// changes: every change to every tool, since the runtime no longer
    /// looks for others once a hook has reported. Calling it with no
    /// changes says "nothing changed". Changes from several calls add up.
    ///
    /// ```
    /// use clawkit_core::{ModelApi, ModelContext, RuntimeModel, SchemaChangeKind, Tool,
    ///                    ToolSchemaChange, ToolSchemaContext};
    /// use serde_json::json;
    ///
    /// let model = RuntimeModel::new("acme-ai", "acme-large", ModelApi::OpenAiCompletions,
    ///     "https://api.acme-ai.example/v1".parse().unwrap());
    /// let tool = Tool::new("search", "", json!({"type": "object", "title": "Search"}));
    /// let ctx = ToolSchemaContext::new(ModelContext::of(&model), vec![tool]);
    /// // Inside `normalize_tool_schemas`:
    /// ctx.report_changes([ToolSchemaChange::new("search", Some(0), "/parameters/title",
    ///     SchemaChangeKind::Removed).with_detail("titles are not sent")]);
    /// assert_eq!(ctx.reported_changes().unwrap()[0].keyword, "title");
    /// ```
    pub fn report_changes(&self, changes: impl IntoIterator<Item = ToolSchemaChange>) {
        let mut reported = self.reported.lock();
        reported.get_or_insert_with(Vec::new).extend(changes);
    }

    /// What the hook reported with
    /// [`report_changes`](ToolSchemaContext::report_changes), or `None`
    /// when it reported nothing at all.
    pub fn reported_changes(&self) -> Option<Vec<ToolSchemaChange>> {
        self.reported.lock().clone()
    }

    /// Takes what the hook reported, leaving nothing reported.
    pub(crate) fn take_reported_changes(&mut self) -> Option<Vec<ToolSchemaChange>> {
        self.reported.lock().take()
    }
}

/// The changes a hook reported through a shared `&ToolSchemaContext`.
#[derive(Default)]
struct ReportedChanges(Mutex<Option<Vec<ToolSchemaChange>>>);

impl ReportedChanges {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Vec<ToolSchemaChange>>> {
        // A hook that panicked while reporting left a list that is still a list.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Clone for ReportedChanges {
    fn clone(&self) -> Self {
        ReportedChanges(Mutex::new(self.lock().clone()))
    }
}

impl fmt::Debug for ReportedChanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.lock() {
            Some(changes) => write!(f, "{} reported", changes.len()),
            None => f.write_str("none reported"),
        }
    }
}

/// A problem `inspectToolSchemas` found in one tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ToolSchemaDiagnostic {
    /// The tool.
    pub tool_name: String,
    /// Its index.
    pub tool_index: Option<usize>,
    /// What is wrong.
    pub violations: Vec<String>,
}

impl ToolSchemaDiagnostic {
    /// The violations found in tool `tool_name` (at `tool_index` in the
    /// tool list, when known): one path per place, as
    /// `<tool>.parameters.properties.<name>.<keyword>`.
    pub fn new(
        tool_name: impl Into<String>,
        tool_index: Option<usize>,
        violations: Vec<String>,
    ) -> Self {
        ToolSchemaDiagnostic {
            tool_name: tool_name.into(),
            tool_index,
            violations,
        }
    }
}

/// One change normalization made to a tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ToolSchemaChange {
    /// The tool, by its name as given (as sent, for a tool normalization added).
    pub tool_name: String,
    /// Its index among the tools given; `None` for a tool normalization added.
    pub tool_index: Option<usize>,
    /// RFC 6901 pointer into the tool as sent on the wire, `{name,
    /// description, parameters}`: `/parameters/properties/unit/const`;
    /// `""` for the whole tool.
    pub path: String,
    /// The JSON Schema keyword the change is about (`const`, `$ref`,
    /// `additionalProperties`, …), or the tool field (`name`,
    /// `description`, `parameters`); empty for the whole tool.
    pub keyword: String,
    /// What happened there.
    pub change: SchemaChangeKind,
    /// What happened, for a person (`"const becomes a one-value enum"`),
    /// when the hook that made the change said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl ToolSchemaChange {
    /// A change at `path`, an RFC 6901 pointer into the tool as sent
    /// (`/parameters/properties/unit/const`, `""` for the whole tool), to
    /// tool `tool_name` at `tool_index` among the tools given (`None` for a
    /// tool normalization added). The keyword is the pointer's last token
    /// that names a JSON Schema keyword or a tool field.
    pub fn new(
        tool_name: impl Into<String>,
        tool_index: Option<usize>,
        path: impl Into<String>,
        change: SchemaChangeKind,
    ) -> Self {
        let path = path.into();
        let keyword = keyword_at(&path);
        ToolSchemaChange {
            tool_name: tool_name.into(),
            tool_index,
            path,
            keyword,
            change,
            detail: None,
        }
    }

    /// The same change, with what happened for a person.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// What happened at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SchemaChangeKind {
    /// The value is gone.
    Removed,
    /// The value is new.
    Added,
    /// The value was replaced by another, or renamed (`const` to `enum`).
    Changed,
    /// A local `$ref` was replaced by the definition it points to.
    Inlined,
    /// An `anyOf` / `oneOf` union was replaced by a single schema.
    Flattened,
}

impl SchemaChangeKind {
    /// `removed`, `added`, `changed`, `inlined` or `flattened`.
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaChangeKind::Removed => "removed",
            SchemaChangeKind::Added => "added",
            SchemaChangeKind::Changed => "changed",
            SchemaChangeKind::Inlined => "inlined",
            SchemaChangeKind::Flattened => "flattened",
        }
    }
}

/// Keywords whose value maps names to schemas.
const SCHEMA_MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Keywords whose value is an array of schemas.
const SCHEMA_ARRAYS: [&str; 4] = ["anyOf", "oneOf", "allOf", "prefixItems"];

/// Keywords whose value is a schema (`items` may also be an array of them).
const SCHEMA_VALUES: [&str; 12] = [
    "items",
    "additionalItems",
    "additionalProperties",
    "unevaluatedItems",
    "unevaluatedProperties",
    "propertyNames",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
];

/// The keyword a pointer into a wire tool is about: the tool field, or the
/// last JSON Schema keyword on the way down `parameters` (property names
/// and array indexes are not keywords; below a keyword whose value is not
/// a schema, such as `enum` or `required`, the keyword stays).
fn keyword_at(pointer: &str) -> String {
    let path: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    enum At {
        /// A schema: the next segment is a keyword.
        Schema,
        /// A map of schemas: the next segment is a name.
        Names,
        /// An array of schemas: the next segment is an index.
        Items,
        /// A schema or (for `items`) an array of schemas.
        SchemaOrItems,
        /// A keyword's plain value.
        Value,
    }
    let Some((field, rest)) = path.split_first() else {
        return String::new();
    };
    if field != "parameters" {
        return field.clone();
    }
    let mut keyword = field.as_str();
    let mut at = At::Schema;
    for segment in rest {
        at = match at {
            At::Value => break,
            At::Names | At::Items => At::Schema,
            At::SchemaOrItems if segment.parse::<usize>().is_ok() => At::Schema,
            At::Schema | At::SchemaOrItems => {
                keyword = segment;
                let segment = segment.as_str();
                if SCHEMA_MAPS.contains(&segment) {
                    At::Names
                } else if SCHEMA_ARRAYS.contains(&segment) {
                    At::Items
                } else if SCHEMA_VALUES.contains(&segment) {
                    At::SchemaOrItems
                } else {
                    At::Value
                }
            }
        };
    }
    keyword.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_keep_their_keyword_and_pointers_unescape() {
        assert_eq!(keyword_at("/parameters/enum/2"), "enum");
        assert_eq!(keyword_at("/parameters/items/0/format"), "format");
        assert_eq!(keyword_at("/parameters/items/minimum"), "minimum");
        assert_eq!(keyword_at("/parameters/default/type"), "default");
        assert_eq!(keyword_at("/parameters/properties/a~1b~0c"), "properties");
        assert_eq!(keyword_at("/parameters/properties/a~1b~0c/x~1y"), "x/y");
        assert_eq!(keyword_at("/parameters"), "parameters");
        assert_eq!(keyword_at("/description"), "description");
        assert_eq!(keyword_at(""), "");
    }

    #[test]
    fn reports_add_up_and_survive_a_clone() {
        let model = crate::model::RuntimeModel::new(
            "p",
            "m",
            crate::model::ModelApi::OpenAiCompletions,
            "https://example.com/v1".parse().expect("url"),
        );
        let mut ctx = ToolSchemaContext::new(ModelContext::of(&model), Vec::new());
        assert_eq!(ctx.reported_changes(), None);
        ctx.report_changes([]);
        assert_eq!(ctx.reported_changes(), Some(Vec::new()));
        let change =
            ToolSchemaChange::new("t", Some(0), "/parameters/$ref", SchemaChangeKind::Inlined);
        ctx.report_changes([change.clone()]);
        ctx.report_changes([change.clone()]);
        assert_eq!(ctx.clone().reported_changes().map(|c| c.len()), Some(2));
        assert_eq!(format!("{:?}", ctx.reported), "2 reported");
        assert_eq!(ctx.take_reported_changes().map(|c| c.len()), Some(2));
        assert_eq!(ctx.reported_changes(), None);
        assert_eq!(change.keyword, "$ref");
    }
}
