//! The tools stage on its own ([`Runtime::tool_schemas`]): the owner's
//! `normalizeToolSchemas`, then its `inspectToolSchemas` over the result,
//! with what normalization changed, tool by tool and path by path.
//!
//! The changes are the ones the hook reported
//! ([`ToolSchemaContext::report_changes`]); for a hook that reports none,
//! they are derived by comparing each tool as given with the tool as
//! normalized.

use serde::Serialize;
use serde_json::Value;

use crate::context::Tool;
use crate::hooks::{
    ModelContext, SchemaChangeKind, ToolSchemaChange, ToolSchemaContext, ToolSchemaDiagnostic,
};
use crate::model::RuntimeModel;
use crate::trace::{HookTrace, Tracer};

use super::Runtime;

/// Nesting beyond which two schemas are compared as wholes: a change below
/// it is reported at this depth.
const MAX_DIFF_DEPTH: usize = 128;

/// What the tools stage made of a turn's tools.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ToolStage {
    /// The tools as sent: what `normalizeToolSchemas` returned, or the
    /// tools as given when it returned nothing.
    pub tools: Vec<Tool>,
    /// For each tool given, in order, the index in [`tools`](Self::tools)
    /// of what it became; `None` when normalization dropped it.
    pub sent_as: Vec<Option<usize>>,
    /// What normalization changed, tool by tool, path by path.
    pub changes: Vec<ToolSchemaChange>,
    /// Problems `inspectToolSchemas` found in the tools as sent.
    pub diagnostics: Vec<ToolSchemaDiagnostic>,
}

impl Runtime {
    /// The tools stage of a turn, on its own: the owner of `model`'s
    /// provider normalizes `tools` (`normalizeToolSchemas`) and inspects
    /// the result (`inspectToolSchemas`), exactly as [`Runtime::stream`]
    /// does before sending them. Without tools no hook is called.
    ///
    /// ```
    /// use clawkit_core::{ModelApi, Runtime, RuntimeModel, Tool};
    /// use serde_json::json;
    ///
    /// let runtime = Runtime::builder().build()?;
    /// let model = RuntimeModel::new("acme-ai", "acme-large", ModelApi::OpenAiCompletions,
    ///                               "https://api.acme-ai.com/v1".parse()?);
    /// let tools = vec![Tool::new("lookup", "Look it up", json!({"type": "object"}))];
    /// let stage = runtime.tool_schemas(&model, tools.clone(), None);
    /// // No provider owns "acme-ai" here: nothing is normalized.
    /// assert_eq!(stage.tools, tools);
    /// assert!(stage.changes.is_empty() && stage.diagnostics.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tool_schemas(
        &self,
        model: &RuntimeModel,
        tools: Vec<Tool>,
        trace: Option<&mut HookTrace>,
    ) -> ToolStage {
        if tools.is_empty() {
            return ToolStage {
                tools,
                sent_as: Vec::new(),
                changes: Vec::new(),
                diagnostics: Vec::new(),
            };
        }
        let mut tracer = Tracer::new(trace);
        let provider = model.provider.as_str();
        let mut ctx = ToolSchemaContext::new(ModelContext::of(model), tools);
        let normalized = self.with_owner(provider, "normalizeToolSchemas", &mut tracer, |p| {
            p.normalize_tool_schemas(&ctx)
        });
        let reported = ctx.take_reported_changes();
        let given = ctx.tools;
        let (sent, sent_as, changes) = match normalized {
            Some(sent) => {
                let sent_as = pair(&given, &sent);
                let changes = reported.unwrap_or_else(|| tool_changes(&given, &sent, &sent_as));
                tracer.value("toolSchemaChanges", Some(provider), &changes);
                (sent, sent_as, changes)
            }
            None => {
                let sent_as = (0..given.len()).map(Some).collect();
                (given, sent_as, Vec::new())
            }
        };
        let ctx = ToolSchemaContext::new(ctx.model, sent);
        let diagnostics = self
            .with_owner(provider, "inspectToolSchemas", &mut tracer, |p| {
                p.inspect_tool_schemas(&ctx)
            })
            .unwrap_or_default();
        ToolStage {
            tools: ctx.tools,
            sent_as,
            changes,
            diagnostics,
        }
    }
}

/// Which tool as sent each tool as given became: position by position when
/// normalization kept the count (a renamed tool is still itself), else by
/// name.
fn pair(given: &[Tool], sent: &[Tool]) -> Vec<Option<usize>> {
    if given.len() == sent.len() {
        return (0..given.len()).map(Some).collect();
    }
    let mut used = vec![false; sent.len()];
    given
        .iter()
        .map(|tool| {
            let found = sent
                .iter()
                .enumerate()
                .position(|(j, s)| !used[j] && s.name == tool.name);
            if let Some(j) = found {
                used[j] = true;
            }
            found
        })
        .collect()
}

/// Every change from `given` to `sent`, given tools first, then the tools
/// normalization added.
fn tool_changes(given: &[Tool], sent: &[Tool], sent_as: &[Option<usize>]) -> Vec<ToolSchemaChange> {
    let mut changes = Vec::new();
    for (index, (tool, target)) in given.iter().zip(sent_as).enumerate() {
        let before = wire(tool);
        let after = target.and_then(|j| sent.get(j)).map(wire);
        let mut found = Vec::new();
        match &after {
            Some(after) => diff(&before, after, &mut Vec::new(), &mut found),
            None => found.push((Vec::new(), SchemaChangeKind::Removed)),
        }
        changes.extend(found.into_iter().map(|(path, change)| {
            ToolSchemaChange::new(&tool.name, Some(index), pointer(&path), change)
        }));
    }
    for (j, tool) in sent.iter().enumerate() {
        if !sent_as.contains(&Some(j)) {
            changes.push(ToolSchemaChange::new(
                &tool.name,
                None,
                "",
                SchemaChangeKind::Added,
            ));
        }
    }
    changes
}

/// A tool as the wires send it.
fn wire(tool: &Tool) -> Value {
    serde_json::json!({
        "name": tool.name,
        "description": tool.description,
        "parameters": tool.parameters,
    })
}

/// Records every difference between `before` and `after` under `path`:
/// object members one by one, arrays of the same length item by item,
/// anything else as a whole.
fn diff(
    before: &Value,
    after: &Value,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, SchemaChangeKind)>,
) {
    if before == after {
        return;
    }
    if path.len() >= MAX_DIFF_DEPTH {
        out.push((path.clone(), SchemaChangeKind::Changed));
        return;
    }
    match (before, after) {
        (Value::Object(old), Value::Object(new)) => {
            for (key, value) in old {
                path.push(key.clone());
                match new.get(key) {
                    Some(kept) => diff(value, kept, path, out),
                    None => out.push((path.clone(), SchemaChangeKind::Removed)),
                }
                path.pop();
            }
            for key in new.keys().filter(|key| !old.contains_key(*key)) {
                path.push(key.clone());
                out.push((path.clone(), SchemaChangeKind::Added));
                path.pop();
            }
        }
        (Value::Array(old), Value::Array(new)) if old.len() == new.len() => {
            for (index, (value, kept)) in old.iter().zip(new).enumerate() {
                path.push(index.to_string());
                diff(value, kept, path, out);
                path.pop();
            }
        }
        _ => out.push((path.clone(), SchemaChangeKind::Changed)),
    }
}

/// `segments` as an RFC 6901 pointer.
fn pointer(segments: &[String]) -> String {
    segments
        .iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tool(name: &str, parameters: Value) -> Tool {
        Tool::new(name, "", parameters)
    }

    fn listed(changes: &[ToolSchemaChange]) -> Vec<(String, String, &'static str)> {
        changes
            .iter()
            .map(|c| (c.path.clone(), c.keyword.clone(), c.change.as_str()))
            .collect()
    }

    #[test]
    fn each_change_is_listed_by_path_and_keyword() {
        let given = [tool(
            "weather",
            json!({
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "unit": {"const": "c"},
                    "const": {"type": "string"},
                    "days": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                    "place": {"$ref": "#/$defs/place"}
                },
                "required": ["unit", "days"],
                "$defs": {"place": {"type": "string"}}
            }),
        )];
        let sent = [tool(
            "weather",
            json!({
                "type": "object",
                "properties": {
                    "unit": {"enum": ["c"]},
                    "days": {"anyOf": [{"type": "number"}, {"type": "null"}]},
                    "place": {"type": "string"}
                },
                "required": ["unit"]
            }),
        )];
        let changes = tool_changes(&given, &sent, &pair(&given, &sent));
        let owned = |p: &str, k: &str, c: &'static str| (p.to_owned(), k.to_owned(), c);
        assert_eq!(
            listed(&changes),
            [
                owned(
                    "/parameters/additionalProperties",
                    "additionalProperties",
                    "removed"
                ),
                owned("/parameters/properties/unit/const", "const", "removed"),
                owned("/parameters/properties/unit/enum", "enum", "added"),
                owned("/parameters/properties/const", "properties", "removed"),
                owned(
                    "/parameters/properties/days/anyOf/0/type",
                    "type",
                    "changed"
                ),
                owned("/parameters/properties/place/$ref", "$ref", "removed"),
                owned("/parameters/properties/place/type", "type", "added"),
                owned("/parameters/required", "required", "changed"),
                owned("/parameters/$defs", "$defs", "removed"),
            ]
        );
        assert!(
            changes
                .iter()
                .all(|c| c.tool_name == "weather" && c.tool_index == Some(0))
        );
    }

    #[test]
    fn dropped_renamed_and_added_tools_are_changes_of_the_whole_tool() {
        let given = [tool("a", json!({})), tool("b/c", json!({}))];
        // Same count: position by position, so a rename is a change of `name`.
        let renamed = [tool("a", json!({})), tool("b_c", json!({}))];
        let changes = tool_changes(&given, &renamed, &pair(&given, &renamed));
        assert_eq!(
            listed(&changes),
            [("/name".to_owned(), "name".to_owned(), "changed")]
        );
        // One dropped, one added: by name.
        let other = [
            tool("a", json!({})),
            tool("x", json!({})),
            tool("y", json!({})),
        ];
        let dropped = [tool("a", json!({}))];
        let sent_as = pair(&given, &dropped);
        assert_eq!(sent_as, [Some(0), None]);
        let changes = tool_changes(&given, &dropped, &sent_as);
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (changes[0].tool_name.as_str(), changes[0].path.as_str()),
            ("b/c", "")
        );
        assert_eq!(changes[0].change, SchemaChangeKind::Removed);
        let added = tool_changes(&given, &other, &pair(&given, &other));
        let added: Vec<(&str, Option<usize>, SchemaChangeKind)> = added
            .iter()
            .map(|c| (c.tool_name.as_str(), c.tool_index, c.change))
            .collect();
        assert_eq!(
            added,
            [
                ("b/c", Some(1), SchemaChangeKind::Removed),
                ("x", None, SchemaChangeKind::Added),
                ("y", None, SchemaChangeKind::Added),
            ]
        );
    }

    #[test]
    fn pointers_escape() {
        let path = |segments: &[&str]| -> Vec<String> {
            segments.iter().map(|s| (*s).to_owned()).collect()
        };
        assert_eq!(
            pointer(&path(&["parameters", "properties", "a/b~c"])),
            "/parameters/properties/a~1b~0c"
        );
    }

    /// Drops `additionalProperties` at the top of every schema and flags a
    /// `$ref` it leaves.
    struct Cleaner;

    impl crate::plugin::ProviderPlugin for Cleaner {
        fn id(&self) -> &str {
            "cleaner"
        }
        fn normalize_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<Tool>> {
            let mut tools = ctx.tools.clone();
            for tool in &mut tools {
                if let Some(schema) = tool.parameters.as_object_mut() {
                    schema.remove("additionalProperties");
                }
            }
            Some(tools)
        }
        fn inspect_tool_schemas(
            &self,
            ctx: &ToolSchemaContext,
        ) -> Option<Vec<ToolSchemaDiagnostic>> {
            let flagged = ctx
                .tools
                .iter()
                .enumerate()
                .filter(|(_, t)| t.parameters.to_string().contains("$ref"));
            Some(
                flagged
                    .map(|(index, tool)| ToolSchemaDiagnostic {
                        tool_name: tool.name.clone(),
                        tool_index: Some(index),
                        violations: vec!["/properties/place/$ref: unsupported".to_owned()],
                    })
                    .collect(),
            )
        }
    }

    fn cleaner_runtime() -> Runtime {
        Runtime::builder()
            .plugin(crate::plugin::define_plugin_entry("cleaner", None, |api| {
                api.register_provider(Cleaner)
            }))
            .build()
            .unwrap()
    }

    fn cleaner_model() -> RuntimeModel {
        RuntimeModel::new(
            "cleaner",
            "m",
            crate::model::ModelApi::OpenAiCompletions,
            "http://127.0.0.1:9/v1".parse().unwrap(),
        )
    }

    #[test]
    fn the_stage_runs_both_hooks_and_traces_the_changes() {
        let runtime = cleaner_runtime();
        let tools = vec![
            tool("plain", json!({"type": "object"})),
            tool(
                "place",
                json!({"type": "object", "additionalProperties": false, "properties": {"place": {"$ref": "#/$defs/p"}}}),
            ),
        ];
        let mut trace = HookTrace::new();
        let stage = runtime.tool_schemas(&cleaner_model(), tools, Some(&mut trace));
        assert_eq!(stage.sent_as, [Some(0), Some(1)]);
        assert_eq!(stage.tools[1].parameters.get("additionalProperties"), None);
        assert_eq!(
            listed(&stage.changes),
            [(
                "/parameters/additionalProperties".to_owned(),
                "additionalProperties".to_owned(),
                "removed"
            )]
        );
        assert_eq!(stage.changes[0].tool_name, "place");
        assert_eq!(stage.diagnostics.len(), 1);
        assert_eq!(stage.diagnostics[0].tool_index, Some(1));
        assert_eq!(
            trace.hooks(),
            [
                "normalizeToolSchemas",
                "toolSchemaChanges",
                "inspectToolSchemas"
            ]
        );
        let recorded = serde_json::to_value(&trace.entries()[1]).unwrap();
        assert_eq!(recorded["value"][0]["keyword"], "additionalProperties");
        assert_eq!(recorded["value"][0]["change"], "removed");

        // Without tools, no hook runs.
        let mut trace = HookTrace::new();
        let empty = runtime.tool_schemas(&cleaner_model(), Vec::new(), Some(&mut trace));
        assert!(empty.tools.is_empty() && trace.is_empty());
    }

    /// Drops `title` everywhere at the top and says so; `description`
    /// changes too but goes unreported.
    struct Reporter;

    impl crate::plugin::ProviderPlugin for Reporter {
        fn id(&self) -> &str {
            "reporter"
        }
        fn normalize_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<Tool>> {
            let mut tools = ctx.tools.clone();
            let mut reported = Vec::new();
            for (index, tool) in tools.iter_mut().enumerate() {
                tool.description.push('.');
                let schema = tool.parameters.as_object_mut();
                if schema.and_then(|schema| schema.remove("title")).is_some() {
                    reported.push(
                        ToolSchemaChange::new(
                            &tool.name,
                            Some(index),
                            "/parameters/title",
                            SchemaChangeKind::Removed,
                        )
                        .with_detail("titles are not sent"),
                    );
                }
            }
            ctx.report_changes(reported);
            Some(tools)
        }
    }

    #[test]
    fn what_the_hook_reports_replaces_the_comparison() {
        let runtime = Runtime::builder()
            .plugin(crate::plugin::define_plugin_entry(
                "reporter",
                None,
                |api| api.register_provider(Reporter),
            ))
            .build()
            .unwrap();
        let model = RuntimeModel::new(
            "reporter",
            "m",
            crate::model::ModelApi::OpenAiCompletions,
            "http://127.0.0.1:9/v1".parse().unwrap(),
        );
        let tools = vec![
            tool("plain", json!({"type": "object"})),
            tool("titled", json!({"type": "object", "title": "T"})),
        ];
        let mut trace = HookTrace::new();
        let stage = runtime.tool_schemas(&model, tools.clone(), Some(&mut trace));
        assert_eq!(stage.tools[1].parameters, json!({"type": "object"}));
        // Only the reported change: the description the hook also changed
        // is not looked for once a hook has reported.
        assert_eq!(
            listed(&stage.changes),
            [(
                "/parameters/title".to_owned(),
                "title".to_owned(),
                "removed"
            )]
        );
        assert_eq!(stage.changes[0].tool_index, Some(1));
        assert_eq!(
            stage.changes[0].detail.as_deref(),
            Some("titles are not sent")
        );
        let recorded = serde_json::to_value(&trace.entries()[1]).unwrap();
        assert_eq!(recorded["hook"], "toolSchemaChanges");
        assert_eq!(recorded["value"][0]["detail"], "titles are not sent");

        // Reporting nothing says nothing changed, even though descriptions did.
        let stage = runtime.tool_schemas(&model, vec![tools[0].clone()], None);
        assert!(stage.changes.is_empty());
    }

    #[test]
    fn very_deep_schemas_are_compared_as_wholes_below_the_limit() {
        let mut before = json!("a");
        let mut after = json!("b");
        for _ in 0..(MAX_DIFF_DEPTH + 50) {
            before = json!({"not": before});
            after = json!({"not": after});
        }
        let mut out = Vec::new();
        diff(&before, &after, &mut Vec::new(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0.len(), MAX_DIFF_DEPTH);
        assert_eq!(out[0].1, SchemaChangeKind::Changed);
    }
}
