//! The families as hooks a provider installs: [`ToolCompatFamily`] and
//! [`ToolCompatHooks`].

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use clawkit_core::{
    ProviderHooks, SchemaChangeKind, Tool, ToolSchemaChange, ToolSchemaContext,
    ToolSchemaDiagnostic,
};
use serde_json::{Map, Value};

use super::report::{ChangeKind, Normalized, ToolSchemaChanges};
use super::walk::is_js_object;
use super::{deepseek, gemini, llamacpp, openai, xai};
use crate::FamiliesError;

/// A tool-compat family of OpenClaw 2026.9.6
/// (`ProviderToolCompatFamily`), by its OpenClaw name.
///
/// ```
/// use clawkit_families::tools::ToolCompatFamily;
///
/// let family: ToolCompatFamily = "gemini".parse()?;
/// assert_eq!(family, ToolCompatFamily::Gemini);
/// assert_eq!(ToolCompatFamily::LlamacppGbnf.as_str(), "llamacpp-gbnf");
/// assert!("anthropic".parse::<ToolCompatFamily>().is_err());
/// # Ok::<(), clawkit_families::FamiliesError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ToolCompatFamily {
    /// `gemini`: Google's OpenAPI subset ([`gemini`]).
    Gemini,
    /// `openai`: strict-mode repairs on OpenAI's native Responses routes
    /// ([`openai`]).
    OpenAi,
    /// `deepseek`: no `anyOf` / `oneOf` ([`deepseek`]).
    DeepSeek,
    /// `llamacpp-gbnf`: what llama.cpp grammars can compile ([`llamacpp`]).
    LlamacppGbnf,
}

impl ToolCompatFamily {
    /// Every family, in OpenClaw's (alphabetical) order.
    pub const ALL: [ToolCompatFamily; 4] = [
        ToolCompatFamily::DeepSeek,
        ToolCompatFamily::Gemini,
        ToolCompatFamily::LlamacppGbnf,
        ToolCompatFamily::OpenAi,
    ];

    /// OpenClaw's name: `gemini`, `openai`, `deepseek`, `llamacpp-gbnf`.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolCompatFamily::Gemini => "gemini",
            ToolCompatFamily::OpenAi => "openai",
            ToolCompatFamily::DeepSeek => "deepseek",
            ToolCompatFamily::LlamacppGbnf => "llamacpp-gbnf",
        }
    }

    /// The family's normalizer applied to one schema, with its report:
    /// [`gemini::normalize`], [`openai::normalize`],
    /// [`deepseek::normalize`] or [`llamacpp::normalize`]. (For OpenAI the
    /// hook applies it only on the native routes; this applies it.)
    pub fn normalize(self, schema: &Value) -> Normalized {
        match self {
            ToolCompatFamily::Gemini => gemini::normalize(schema),
            ToolCompatFamily::OpenAi => openai::normalize(schema),
            ToolCompatFamily::DeepSeek => deepseek::normalize(schema),
            ToolCompatFamily::LlamacppGbnf => llamacpp::normalize(schema),
        }
    }

    /// What the family's wire would reject in one schema, each place a
    /// path under the prefix `path`: [`gemini::inspect`],
    /// [`openai::inspect`] (strict mode; the OpenAI hook itself reports
    /// nothing, as OpenClaw's), [`deepseek::inspect`] or
    /// [`llamacpp::inspect`].
    pub fn inspect(self, schema: &Value, path: &str) -> Vec<String> {
        match self {
            ToolCompatFamily::Gemini => gemini::inspect(schema, path),
            ToolCompatFamily::OpenAi => openai::inspect(schema, path),
            ToolCompatFamily::DeepSeek => deepseek::inspect(schema, path),
            ToolCompatFamily::LlamacppGbnf => llamacpp::inspect(schema, path),
        }
    }

    /// The family's `normalizeToolSchemas` / `inspectToolSchemas` pair.
    pub fn hooks(self) -> ToolCompatHooks {
        ToolCompatHooks::new(self)
    }
}

impl fmt::Display for ToolCompatFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ToolCompatFamily {
    type Err = FamiliesError;

    /// OpenClaw's name, exactly (`buildProviderToolCompatFamilyHooks`
    /// throws on any other).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        ToolCompatFamily::ALL
            .into_iter()
            .find(|family| family.as_str() == name)
            .ok_or_else(|| FamiliesError::UnknownFamily {
                kind: "tool-compat",
                name: name.to_owned(),
                known: ToolCompatFamily::ALL
                    .map(ToolCompatFamily::as_str)
                    .join(", "),
            })
    }
}

/// Tools after normalization, with what changed in each.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NormalizedTools {
    /// The tools, in the order given.
    pub tools: Vec<Tool>,
    /// The changes, for each tool whose schema changed.
    pub changes: Vec<ToolSchemaChanges>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Rules {
    Family(ToolCompatFamily),
    Strip(Arc<[String]>),
}

/// A provider's `normalizeToolSchemas` and `inspectToolSchemas`, from a
/// family (OpenClaw's `buildProviderToolCompatFamilyHooks`).
///
/// It is a [`ProviderHooks`] value, so a provider with no other hooks
/// installs it as is; a provider with its own hooks delegates the two
/// methods, one line each:
///
/// ```
/// use clawkit_core::prelude::*;
/// use clawkit_core::{Tool, ToolSchemaContext, ToolSchemaDiagnostic};
/// use clawkit_families::tools::{ToolCompatFamily, ToolCompatHooks};
///
/// // Nothing but the family (the catalog comes from the builder):
/// let entry = SingleProviderPluginEntry::builder("acme-gemini")
///     .build_static_provider(|| {
///         Ok(ProviderConfig::new("https://api.acme.example/v1".parse()?, ModelApi::OpenAiCompletions)
///             .with_model(ModelDefinition::new("gemini-flash")))
///     })
///     .hooks(ToolCompatFamily::Gemini.hooks())
///     .build();
///
/// // Next to hooks of its own:
/// struct AcmeHooks {
///     tools: ToolCompatHooks,
/// }
///
/// impl ProviderHooks for AcmeHooks {
///     fn normalize_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<Tool>> {
///         self.tools.normalize_tool_schemas(ctx)
///     }
///     fn inspect_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<ToolSchemaDiagnostic>> {
///         self.tools.inspect_tool_schemas(ctx)
///     }
/// }
///
/// let hooks = AcmeHooks { tools: "deepseek".parse::<ToolCompatFamily>()?.hooks() };
/// # let _ = (entry, hooks);
/// # Ok::<(), clawkit_families::FamiliesError>(())
/// ```
///
/// What the hooks change is not part of what core's hooks return; call
/// [`normalize_tools`](ToolCompatHooks::normalize_tools) for the tools
/// together with the change report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCompatHooks {
    rules: Rules,
}

impl ToolCompatHooks {
    /// The hooks of `family`.
    #[doc(alias = "buildProviderToolCompatFamilyHooks")]
    pub fn new(family: ToolCompatFamily) -> Self {
        ToolCompatHooks {
            rules: Rules::Family(family),
        }
    }

    /// Hooks that remove `keywords` from every tool schema and report
    /// where they appear ([`xai::strip_unsupported_schema_keywords`]), for
    /// a wire with a list of unsupported keywords
    /// (`compat.unsupportedToolSchemaKeywords`).
    pub fn strip_keywords<I, S>(keywords: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ToolCompatHooks {
            rules: Rules::Strip(keywords.into_iter().map(Into::into).collect()),
        }
    }

    /// [`strip_keywords`](ToolCompatHooks::strip_keywords) with xAI's
    /// [`xai::UNSUPPORTED_KEYWORDS`].
    pub fn xai() -> Self {
        ToolCompatHooks::strip_keywords(xai::UNSUPPORTED_KEYWORDS.iter().copied())
    }

    /// The family, unless these hooks strip a keyword list.
    pub fn family(&self) -> Option<ToolCompatFamily> {
        match self.rules {
            Rules::Family(family) => Some(family),
            Rules::Strip(_) => None,
        }
    }

    /// `normalizeToolSchemas`: the tools with their schemas normalized.
    /// `None` only for the OpenAI family off OpenAI's native routes (see
    /// [`openai::applies_to`]), where OpenClaw hands the tools back as they
    /// are.
    ///
    /// What changed, path by path, is reported to the runtime
    /// ([`ToolSchemaContext::report_changes`]), so the turn report, the
    /// trace's `toolSchemaChanges` and `clawkit tools check` list the
    /// family's own account (`$ref` inlined, union flattened, `const`
    /// rewritten) with a sentence for each.
    pub fn normalize_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<Tool>> {
        let normalized = self.normalize_tools(ctx)?;
        ctx.report_changes(normalized.changes.iter().flat_map(runtime_changes));
        Some(normalized.tools)
    }

    /// [`normalize_tool_schemas`](ToolCompatHooks::normalize_tool_schemas)
    /// with the changes made to each tool.
    ///
    /// ```
    /// use clawkit_core::{ModelApi, ModelContext, RuntimeModel, Tool, ToolSchemaContext};
    /// use clawkit_families::tools::ToolCompatFamily;
    /// use serde_json::json;
    ///
    /// let model = RuntimeModel::new("google", "gemini-2.5-pro", ModelApi::GoogleGenerativeAi,
    ///     "https://generativelanguage.googleapis.com/v1beta".parse().unwrap());
    /// let tool = Tool::new("remind", "Set a reminder", json!({
    ///     "type": "object",
    ///     "properties": {"at": {"type": "string", "format": "date-time"}},
    ///     "additionalProperties": false,
    /// }));
    /// let ctx = ToolSchemaContext::new(ModelContext::of(&model), vec![tool]);
    /// let out = ToolCompatFamily::Gemini.hooks().normalize_tools(&ctx).unwrap();
    /// assert_eq!(out.tools[0].parameters, json!({"type": "object", "properties": {"at": {"type": "string"}}}));
    /// let paths: Vec<_> = out.changes[0].changes.iter().map(|c| c.path.as_str()).collect();
    /// assert_eq!(paths, ["/additionalProperties", "/properties/at/format"]);
    /// ```
    pub fn normalize_tools(&self, ctx: &ToolSchemaContext) -> Option<NormalizedTools> {
        if self.rules == Rules::Family(ToolCompatFamily::OpenAi) && !openai::applies_to(&ctx.model)
        {
            return None;
        }
        let keywords = self.keywords();
        let mut tools = Vec::with_capacity(ctx.tools.len());
        let mut changes = Vec::new();
        for (index, tool) in ctx.tools.iter().enumerate() {
            let parameters = match self.normalize_parameters(&tool.parameters, &keywords) {
                Some(normalized) => {
                    if !normalized.changes.is_empty() {
                        changes.push(ToolSchemaChanges::new(
                            &tool.name,
                            index,
                            normalized.changes,
                        ));
                    }
                    normalized.schema
                }
                None => super::deep::clone(&tool.parameters),
            };
            tools.push(Tool::new(&tool.name, &tool.description, parameters));
        }
        Some(NormalizedTools { tools, changes })
    }

    /// `inspectToolSchemas`: for each tool whose schema has something the
    /// wire rejects, the places, as `<tool>.parameters.…` paths. The OpenAI
    /// family reports nothing, as in OpenClaw: its transport falls back to
    /// `strict: false` for schemas strict mode rejects (use
    /// [`openai::inspect`] to see them).
    ///
    /// ```
    /// use clawkit_core::{ModelApi, ModelContext, RuntimeModel, Tool, ToolSchemaContext};
    /// use clawkit_families::tools::ToolCompatFamily;
    /// use serde_json::json;
    ///
    /// let model = RuntimeModel::new("deepseek", "deepseek-chat", ModelApi::OpenAiCompletions,
    ///     "https://api.deepseek.com".parse().unwrap());
    /// let tool = Tool::new("pick", "", json!({"type": "object", "properties": {
    ///     "x": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    /// }}));
    /// let ctx = ToolSchemaContext::new(ModelContext::of(&model), vec![tool]);
    /// let found = ToolCompatFamily::DeepSeek.hooks().inspect_tool_schemas(&ctx).unwrap();
    /// assert_eq!(found[0].violations, ["pick.parameters.properties.x.anyOf"]);
    /// assert_eq!(found[0].tool_index, Some(0));
    /// ```
    pub fn inspect_tool_schemas(
        &self,
        ctx: &ToolSchemaContext,
    ) -> Option<Vec<ToolSchemaDiagnostic>> {
        let keywords = self.keywords();
        let inspect = |schema: &Value, path: &str| -> Vec<String> {
            match &self.rules {
                Rules::Family(ToolCompatFamily::OpenAi) => Vec::new(),
                Rules::Family(family) => family.inspect(schema, path),
                Rules::Strip(_) => super::find_unsupported_schema_keywords(schema, path, &keywords),
            }
        };
        let diagnostics = ctx
            .tools
            .iter()
            .enumerate()
            .filter_map(|(index, tool)| {
                let violations = inspect(&tool.parameters, &format!("{}.parameters", tool.name));
                (!violations.is_empty())
                    .then(|| ToolSchemaDiagnostic::new(&tool.name, Some(index), violations))
            })
            .collect();
        Some(diagnostics)
    }
}

impl ToolCompatHooks {
    /// The keyword list of [`Rules::Strip`], as `&str`s.
    fn keywords(&self) -> Vec<&str> {
        match &self.rules {
            Rules::Strip(keywords) => keywords.iter().map(String::as_str).collect(),
            Rules::Family(_) => Vec::new(),
        }
    }

    /// One tool's parameters, as OpenClaw's hook treats them: only objects
    /// (and arrays) are normalized, except that OpenAI turns a missing
    /// schema into an empty strict object.
    fn normalize_parameters(&self, parameters: &Value, keywords: &[&str]) -> Option<Normalized> {
        match &self.rules {
            Rules::Family(ToolCompatFamily::OpenAi) => match parameters {
                Value::Null => Some(openai::normalize(&Value::Object(Map::new()))),
                other => is_js_object(other).then(|| openai::normalize(other)),
            },
            Rules::Family(family) => is_js_object(parameters).then(|| family.normalize(parameters)),
            Rules::Strip(_) => is_js_object(parameters)
                .then(|| xai::strip_unsupported_schema_keywords(parameters, keywords)),
        }
    }
}

impl From<ToolCompatFamily> for ToolCompatHooks {
    fn from(family: ToolCompatFamily) -> Self {
        ToolCompatHooks::new(family)
    }
}

impl ProviderHooks for ToolCompatHooks {
    fn normalize_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<Tool>> {
        ToolCompatHooks::normalize_tool_schemas(self, ctx)
    }

    fn inspect_tool_schemas(&self, ctx: &ToolSchemaContext) -> Option<Vec<ToolSchemaDiagnostic>> {
        ToolCompatHooks::inspect_tool_schemas(self, ctx)
    }
}

/// One tool's changes in the runtime's terms: pointers into the tool as
/// sent (`/parameters/…`), `rewritten` as `changed`, the message as detail.
fn runtime_changes(tool: &ToolSchemaChanges) -> impl Iterator<Item = ToolSchemaChange> + '_ {
    tool.changes.iter().map(|change| {
        let kind = match change.change {
            ChangeKind::Removed => SchemaChangeKind::Removed,
            ChangeKind::Added => SchemaChangeKind::Added,
            ChangeKind::Inlined => SchemaChangeKind::Inlined,
            ChangeKind::Flattened => SchemaChangeKind::Flattened,
            ChangeKind::Rewritten => SchemaChangeKind::Changed,
        };
        let path = format!("/parameters{}", change.path);
        let mut runtime = ToolSchemaChange::new(&tool.tool_name, Some(tool.tool_index), path, kind)
            .with_detail(change.message.as_ref());
        runtime.keyword = change.keyword.clone().into_owned();
        runtime
    })
}
