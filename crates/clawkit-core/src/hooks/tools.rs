//! Tools stage: what `normalizeToolSchemas` and `inspectToolSchemas` are given and return.

use serde::Serialize;

use crate::context::Tool;

use super::resolve::ModelContext;

/// What `normalizeToolSchemas` and `inspectToolSchemas` are given.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ToolSchemaContext {
    /// The model.
    pub model: ModelContext,
    /// The tools.
    pub tools: Vec<Tool>,
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
        ToolSchemaContext { model, tools }
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
