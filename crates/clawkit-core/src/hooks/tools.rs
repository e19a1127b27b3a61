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
