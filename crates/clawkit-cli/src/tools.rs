//! Tool files (`chat --tools FILE`) and `clawkit tools check`: a model's
//! tools stage (`normalizeToolSchemas` → `inspectToolSchemas`) run on its
//! own, without a key or the network.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use clawkit_core::{Env, Tool, ToolSchemaChange, ToolStage};
use serde::Serialize;
use serde_json::{Value, json};

use crate::input::{
    InFile, InputError, Pointer, Problem, array, kind, object, optional_string, read_json,
    required_string,
};
use crate::runtime::{Plugins, block_on, runtime};

#[derive(Debug, Subcommand)]
pub(crate) enum ToolsCommand {
    /// Run a model's tool-schema hooks over a tools file: the schemas as
    /// the provider sends them, every change, every remaining violation.
    ///
    /// Needs no key and no network. Exit status: 0 no violation left, 1 a
    /// violation is left (or the model does not resolve), 2 usage (a
    /// missing or malformed FILE).
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The model, as PROVIDER/MODEL (a bare id works when a provider claims it).
    #[arg(long, value_name = "PROVIDER/MODEL")]
    model: String,
    /// Print one JSON object instead of a report.
    #[arg(long)]
    json: bool,
    /// The tools: a JSON array of `{"name", "description", "parameters"}`
    /// or OpenAI's `{"type": "function", "function": {…}}`.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// Reads the tools file `file` for `flag`.
pub(crate) fn read(flag: &'static str, file: &Path) -> Result<Vec<Tool>, InputError> {
    let document = read_json(flag, file)?;
    parse(&document).map_err(|problem| problem.in_file(flag, file))
}

/// The schema of a tool that declares no parameters.
fn no_parameters() -> Value {
    json!({"type": "object", "properties": {}})
}

/// Maps a tools document: an array of tools, plain or in OpenAI's wrapper.
pub(crate) fn parse(document: &Value) -> Result<Vec<Tool>, Problem> {
    let root = Pointer::root();
    let entries = array(document, &root, "an array of tools")?;
    let mut tools = Vec::with_capacity(entries.len());
    let mut seen: HashMap<String, Pointer> = HashMap::new();
    for (index, entry) in entries.iter().enumerate() {
        let mut at = root.join(index);
        let mut fields = object(entry, &at, "a tool")?;
        if fields.contains_key("type") {
            if required_string(fields, "type", &at)? != "function" {
                return Err(Problem::at(
                    &at.join("type"),
                    "unsupported tool type (expected \"function\")",
                ));
            }
            at = at.join("function");
            fields = match fields.get("function") {
                Some(function) => object(function, &at, "the function")?,
                None => {
                    return Err(Problem::at(
                        &at,
                        "missing \"function\" (an object with \"name\", \"description\" and \"parameters\")",
                    ));
                }
            };
        }
        let name = required_string(fields, "name", &at)?;
        let description = optional_string(fields, "description", &at)?;
        if fields.contains_key("input_schema") && !fields.contains_key("parameters") {
            return Err(Problem::at(
                &at.join("input_schema"),
                "\"input_schema\" is Anthropic's name for the schema; write it as \"parameters\"",
            ));
        }
        let parameters = match fields.get("parameters") {
            None | Some(Value::Null) => no_parameters(),
            Some(schema @ Value::Object(_)) => schema.clone(),
            Some(other) => {
                return Err(Problem::at(
                    &at.join("parameters"),
                    format!("expected a JSON Schema (an object), found {}", kind(other)),
                ));
            }
        };
        if let Some(first) = seen.get(name) {
            return Err(Problem::at(
                &at.join("name"),
                format!("duplicate tool name (first at {first})"),
            ));
        }
        seen.insert(name.to_owned(), at.join("name"));
        tools.push(Tool::new(name, description.unwrap_or_default(), parameters));
    }
    Ok(tools)
}

pub(crate) fn run(command: ToolsCommand, plugins: &Plugins) -> ExitCode {
    match command {
        ToolsCommand::Check(args) => check(&args, plugins),
    }
}

/// One tool of the `tools check` report.
#[derive(Debug, Serialize)]
struct Checked {
    /// The tool's name as given (as sent, for a tool the provider added).
    name: String,
    /// The tool as sent; `null` when the provider dropped it.
    normalized: Option<Tool>,
    /// What changed, path by path.
    changes: Vec<Change>,
    /// The violations left.
    violations: Vec<String>,
}

/// One change, as `--json` prints it.
#[derive(Debug, Clone, Serialize)]
struct Change {
    path: String,
    keyword: String,
    change: &'static str,
    /// What happened, for a person, when the provider said (report only).
    #[serde(skip)]
    detail: Option<String>,
}

/// What the tools stage produced, in the terms of the report.
#[derive(Debug, Default)]
struct Stage {
    /// The tools as sent.
    sent: Vec<Tool>,
    /// For each tool given, the index of what it became in `sent`.
    sent_as: Vec<Option<usize>>,
    /// Each change: the index of the tool given (`None`: added), its name, the change.
    changes: Vec<(Option<usize>, String, Change)>,
    /// Each diagnostic: the tool's name, its index in `sent`, the violations.
    diagnostics: Vec<(String, Option<usize>, Vec<String>)>,
}

impl From<ToolStage> for Stage {
    fn from(stage: ToolStage) -> Self {
        let change = |c: &ToolSchemaChange| {
            (
                c.tool_index,
                c.tool_name.clone(),
                Change {
                    path: c.path.clone(),
                    keyword: c.keyword.clone(),
                    change: c.change.as_str(),
                    detail: c.detail.clone(),
                },
            )
        };
        Stage {
            changes: stage.changes.iter().map(change).collect(),
            diagnostics: stage
                .diagnostics
                .into_iter()
                .map(|d| (d.tool_name, d.tool_index, d.violations))
                .collect(),
            sent: stage.tools,
            sent_as: stage.sent_as,
        }
    }
}

/// The `tools check` report: one object per tool given, then per tool the
/// provider added, then per diagnostic about a tool that is in neither.
#[derive(Debug, Serialize)]
struct Report {
    tools: Vec<Checked>,
}

impl Report {
    fn of(given: &[Tool], stage: Stage) -> Report {
        let Stage {
            sent,
            sent_as,
            changes,
            diagnostics,
        } = stage;
        let changes_of = |index: Option<usize>, name: &str| -> Vec<Change> {
            changes
                .iter()
                .filter(|(i, n, _)| *i == index && (index.is_some() || n == name))
                .map(|(_, _, change)| change.clone())
                .collect()
        };
        let mut checked: Vec<Checked> = Vec::new();
        // The entry of each tool as sent, to hang its violations on.
        let mut entry_of_sent: Vec<Option<usize>> = vec![None; sent.len()];
        for (index, tool) in given.iter().enumerate() {
            let target = sent_as.get(index).copied().flatten();
            if let Some(slot) = target.and_then(|j| entry_of_sent.get_mut(j)) {
                *slot = Some(checked.len());
            }
            checked.push(Checked {
                name: tool.name.clone(),
                normalized: target.and_then(|j| sent.get(j)).cloned(),
                changes: changes_of(Some(index), &tool.name),
                violations: Vec::new(),
            });
        }
        for (j, tool) in sent.iter().enumerate() {
            if entry_of_sent[j].is_none() {
                entry_of_sent[j] = Some(checked.len());
                checked.push(Checked {
                    name: tool.name.clone(),
                    normalized: Some(tool.clone()),
                    changes: changes_of(None, &tool.name),
                    violations: Vec::new(),
                });
            }
        }
        for (name, index, violations) in diagnostics {
            // By index into the tools as sent (when the name agrees), else by name.
            let by_index = index
                .filter(|j| sent.get(*j).is_some_and(|t| t.name == name))
                .and_then(|j| entry_of_sent.get(j).copied().flatten());
            let by_name = || {
                checked.iter().position(|c| {
                    c.normalized
                        .as_ref()
                        .map_or(c.name == name, |t| t.name == name)
                })
            };
            let entry = match by_index.or_else(by_name) {
                Some(entry) => entry,
                None => {
                    checked.push(Checked {
                        name: name.clone(),
                        normalized: None,
                        changes: Vec::new(),
                        violations: Vec::new(),
                    });
                    checked.len() - 1
                }
            };
            if let Some(entry) = checked.get_mut(entry) {
                entry.violations.extend(violations);
            }
        }
        Report { tools: checked }
    }

    fn violations(&self) -> usize {
        self.tools.iter().map(|t| t.violations.len()).sum()
    }

    fn changes(&self) -> usize {
        self.tools.iter().map(|t| t.changes.len()).sum()
    }

    /// The readable report.
    fn render(&self, model: &str, out: &mut impl Write) -> std::io::Result<()> {
        for tool in &self.tools {
            let state = match (&tool.normalized, tool.changes.len(), tool.violations.len()) {
                (None, _, 0) => "dropped by the provider".to_owned(),
                (_, 0, 0) => "unchanged, no violation".to_owned(),
                (_, changes, violations) => format!(
                    "{}, {}",
                    count(changes, "change"),
                    count(violations, "violation")
                ),
            };
            writeln!(out, "{}: {state}", tool.name)?;
            for change in &tool.changes {
                let path = if change.path.is_empty() {
                    "(the whole tool)"
                } else {
                    change.path.as_str()
                };
                match &change.detail {
                    Some(detail) => writeln!(out, "  {:<9} {path}: {detail}", change.change)?,
                    None => writeln!(out, "  {:<9} {path}", change.change)?,
                }
            }
            for violation in &tool.violations {
                writeln!(out, "  violation: {violation}")?;
            }
        }
        writeln!(
            out,
            "{model}: {}, {}, {}",
            count(self.tools.len(), "tool"),
            count(self.changes(), "change"),
            count(self.violations(), "violation")
        )
    }
}

/// `1 tool`, `2 tools`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn check(args: &CheckArgs, plugins: &Plugins) -> ExitCode {
    let given = match read("tools file", &args.file) {
        Ok(tools) => tools,
        Err(error) => {
            eprintln!("clawkit: {error}");
            return ExitCode::from(crate::EXIT_USAGE);
        }
    };
    let stage = match stage(&args.model, given.clone(), plugins) {
        Ok(stage) => stage,
        Err(message) => {
            eprintln!("clawkit: {message}");
            return ExitCode::FAILURE;
        }
    };
    let report = Report::of(&given, Stage::from(stage));
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &report)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        report.render(&args.model, &mut out)
    };
    match written {
        Ok(()) => {}
        // A closed pipe (`| head`) is not a failure of the command.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("clawkit: {e}");
            return ExitCode::FAILURE;
        }
    }
    if report.violations() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Resolves `model` against the static catalog (no key, no network) and
/// runs its tools stage.
fn stage(model: &str, tools: Vec<Tool>, plugins: &Plugins) -> Result<ToolStage, String> {
    let runtime = runtime(Env::from_process(), plugins).map_err(|e| e.to_string())?;
    block_on(async {
        let catalog = runtime.static_catalog(None).await;
        let model = runtime
            .resolve_model(&catalog, model, None)
            .await
            .map_err(|e| e.to_string())?;
        Ok(runtime.tool_schemas(&model, tools, None))
    })
    .map_err(|e| e.to_string())?
}

#[cfg(test)]
mod tests {
    use super::*;
    use clawkit_core::{
        ModelApi, ProviderPlugin, Runtime, RuntimeModel, ToolSchemaContext, define_plugin_entry,
    };

    #[test]
    fn both_tool_shapes_parse_and_missing_parameters_take_an_empty_object() {
        let tools = parse(&json!([
            {"name": "plain", "description": "A plain tool.", "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}},
            {"type": "function", "function": {"name": "wrapped", "parameters": {"type": "object"}, "strict": true}},
            {"name": "bare"}
        ]))
        .unwrap();
        assert_eq!(
            tools,
            [
                Tool::new(
                    "plain",
                    "A plain tool.",
                    json!({"type": "object", "properties": {"q": {"type": "string"}}})
                ),
                Tool::new("wrapped", "", json!({"type": "object"})),
                Tool::new("bare", "", no_parameters()),
            ]
        );
    }

    #[test]
    fn malformed_tools_name_their_pointer() {
        let cases = [
            (
                json!({}),
                "",
                "expected an array of tools (an array), found an object",
            ),
            (
                json!(["x"]),
                "/0",
                "expected a tool (an object), found a string",
            ),
            (
                json!([{"description": "d"}]),
                "/0/name",
                "missing \"name\" (a non-empty string)",
            ),
            (
                json!([{"type": "web_search"}]),
                "/0/type",
                "unsupported tool type (expected \"function\")",
            ),
            (
                json!([{"type": "function"}]),
                "/0/function",
                "missing \"function\" (an object with \"name\", \"description\" and \"parameters\")",
            ),
            (
                json!([{"type": "function", "function": {"name": "f", "parameters": true}}]),
                "/0/function/parameters",
                "expected a JSON Schema (an object), found a boolean",
            ),
            (
                json!([{"name": "f", "description": 3}]),
                "/0/description",
                "expected a string, found a number",
            ),
            (
                json!([{"name": "f", "input_schema": {}}]),
                "/0/input_schema",
                "\"input_schema\" is Anthropic's name for the schema; write it as \"parameters\"",
            ),
            (
                json!([{"name": "f"}, {"type": "function", "function": {"name": "f"}}]),
                "/1/function/name",
                "duplicate tool name (first at /0/name)",
            ),
        ];
        for (document, pointer, message) in cases {
            let problem = parse(&document).unwrap_err();
            assert_eq!(
                (problem.pointer(), problem.message()),
                (pointer, message),
                "{document}"
            );
        }
    }

    /// Drops `additionalProperties` at the top of every schema and the
    /// tool `legacy`.
    struct Strict;

    impl ProviderPlugin for Strict {
        fn id(&self) -> &str {
            "strict"
        }
        fn normalize_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<Tool>> {
            let mut tools: Vec<Tool> = ctx
                .tools
                .iter()
                .filter(|t| t.name != "legacy")
                .cloned()
                .collect();
            for tool in &mut tools {
                if let Some(schema) = tool.parameters.as_object_mut() {
                    schema.remove("additionalProperties");
                }
            }
            Some(tools)
        }
    }

    fn given() -> Vec<Tool> {
        vec![
            Tool::new("plain", "", json!({"type": "object"})),
            Tool::new(
                "closed",
                "",
                json!({"type": "object", "additionalProperties": false, "properties": {"place": {"$ref": "#/$defs/p"}}}),
            ),
            Tool::new("legacy", "", json!({})),
        ]
    }

    #[test]
    fn a_provider_s_normalization_becomes_changes_per_tool() {
        let runtime = Runtime::builder()
            .plugin(define_plugin_entry("strict", None, |api| {
                api.register_provider(Strict)
            }))
            .build()
            .unwrap();
        let model = RuntimeModel::new(
            "strict",
            "m",
            ModelApi::OpenAiCompletions,
            "http://127.0.0.1:9/v1".parse().unwrap(),
        );
        let stage = runtime.tool_schemas(&model, given(), None);
        let report = Report::of(&given(), Stage::from(stage));
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            json!({"tools": [
                {"name": "plain", "normalized": {"name": "plain", "description": "", "parameters": {"type": "object"}},
                 "changes": [], "violations": []},
                {"name": "closed",
                 "normalized": {"name": "closed", "description": "", "parameters": {"type": "object", "properties": {"place": {"$ref": "#/$defs/p"}}}},
                 "changes": [{"path": "/parameters/additionalProperties", "keyword": "additionalProperties", "change": "removed"}],
                 "violations": []},
                {"name": "legacy", "normalized": null,
                 "changes": [{"path": "", "keyword": "", "change": "removed"}], "violations": []}
            ]})
        );
        assert_eq!(report.violations(), 0);
        let mut text = Vec::new();
        report.render("strict/m", &mut text).unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "plain: unchanged, no violation\n\
             closed: 1 change, 0 violations\n  \
             removed   /parameters/additionalProperties\n\
             legacy: dropped by the provider\n  \
             removed   (the whole tool)\n\
             strict/m: 3 tools, 2 changes, 0 violations\n"
        );
    }

    #[test]
    fn violations_hang_on_their_tool_and_count() {
        let sent = vec![
            Tool::new("plain", "", json!({"type": "object"})),
            Tool::new("closed", "", json!({"type": "object"})),
            Tool::new("extra", "", json!({"type": "object"})),
        ];
        let stage = Stage {
            sent,
            sent_as: vec![Some(0), Some(1), None],
            changes: vec![(
                None,
                "extra".to_owned(),
                Change {
                    path: String::new(),
                    keyword: String::new(),
                    change: "added",
                    detail: Some("added by the provider".to_owned()),
                },
            )],
            diagnostics: vec![
                (
                    "closed".to_owned(),
                    Some(1),
                    vec!["/properties/place/$ref: not supported".to_owned()],
                ),
                (
                    "extra".to_owned(),
                    None,
                    vec!["/: no description".to_owned()],
                ),
                ("ghost".to_owned(), Some(7), vec!["/: unknown".to_owned()]),
            ],
        };
        let report = Report::of(&given(), stage);
        let json = serde_json::to_value(&report).unwrap();
        let names: Vec<&str> = report.tools.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["plain", "closed", "legacy", "extra", "ghost"]);
        assert_eq!(
            json["tools"][1]["violations"],
            json!(["/properties/place/$ref: not supported"])
        );
        assert_eq!(
            json["tools"][3]["changes"],
            json!([{"path": "", "keyword": "", "change": "added"}])
        );
        assert_eq!(json["tools"][3]["violations"], json!(["/: no description"]));
        assert_eq!(json["tools"][4]["normalized"], Value::Null);
        assert_eq!(report.violations(), 3);
        let mut text = Vec::new();
        report.render("p/m", &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("closed: 0 changes, 1 violation\n  violation: /properties/place/$ref: not supported\n"), "{text}");
        assert!(
            text.contains("extra: 1 change, 1 violation\n  added     (the whole tool): added by the provider\n"),
            "{text}"
        );
        assert!(
            text.ends_with("p/m: 5 tools, 1 change, 3 violations\n"),
            "{text}"
        );
    }
}
