//! The tool-compat cases: clawkit's output in OpenClaw's shape. Shared
//! with `tests/families/tools/parity.rs`, which compares it.

use clawkit_core::{ModelApi, ModelContext, RuntimeModel, Tool, ToolSchemaContext};
use clawkit_families::tools::{ToolCompatFamily, gemini, llamacpp, openai};
use serde_json::{Value, json};

/// OpenClaw's `ctx` (`{provider, modelApi, model?: {provider, api, baseUrl}, tools}`).
fn context(ctx: &Value) -> Result<ToolSchemaContext, String> {
    let provider = ctx["provider"].as_str().unwrap_or_default();
    let api = ModelApi::from(ctx["modelApi"].as_str().unwrap_or_default());
    let tools = ctx["tools"]
        .as_array()
        .ok_or("ctx.tools is not an array")?
        .iter()
        .map(|t| {
            Tool::new(
                t["name"].as_str().unwrap_or_default(),
                t["description"].as_str().unwrap_or_default(),
                t.get("parameters").cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    let model = match ctx.get("model") {
        Some(m) => {
            let base_url = m["baseUrl"].as_str().unwrap_or_default();
            let runtime = RuntimeModel::new(
                m["provider"].as_str().unwrap_or_default(),
                "fixture",
                ModelApi::from(m["api"].as_str().unwrap_or_default()),
                base_url.parse().map_err(|e| format!("{base_url}: {e}"))?,
            );
            let mut model = ModelContext::of(&runtime);
            model.provider = provider.to_owned();
            model.model_api = Some(api);
            model
        }
        None => {
            let runtime = RuntimeModel::new(
                provider,
                "fixture",
                api.clone(),
                "https://unused.example".parse().unwrap(),
            );
            let mut model = ModelContext::of(&runtime);
            model.model = None;
            model
        }
    };
    Ok(ToolSchemaContext::new(model, tools))
}

/// What OpenClaw returns for the tools: name, description when given, and
/// parameters when given or set.
fn tools_json(tools: &[Tool], input: &Value) -> Value {
    let given = input.as_array().map(Vec::as_slice).unwrap_or_default();
    Value::Array(
        tools
            .iter()
            .zip(given)
            .map(|(tool, original)| {
                let mut out = json!({"name": tool.name});
                if original.get("description").is_some() {
                    out["description"] = json!(tool.description);
                }
                if original.get("parameters").is_some() || !tool.parameters.is_null() {
                    out["parameters"] = tool.parameters.clone();
                }
                out
            })
            .collect(),
    )
}

/// What clawkit returns for one tool-compat case (its `input` resolved), in
/// the shape of OpenClaw's output; `None` when clawkit has no counterpart.
pub fn run(family: &str, function: &str, input: &Value) -> Option<Result<Value, String>> {
    if function == "buildProviderToolCompatFamilyHooks" {
        return Some(
            family
                .parse::<ToolCompatFamily>()
                .map(|_| json!(["inspectToolSchemas", "normalizeToolSchemas"]))
                .map_err(|e| e.to_string()),
        );
    }
    let hooks = match family.parse::<ToolCompatFamily>() {
        Ok(family) => family.hooks(),
        Err(e) => return Some(Err(e.to_string())),
    };
    Some(Ok(match function {
        "normalizeToolSchemas" => {
            let ctx = match context(&input["ctx"]) {
                Ok(ctx) => ctx,
                Err(e) => return Some(Err(e)),
            };
            match hooks.normalize_tool_schemas(&ctx) {
                Some(tools) => {
                    json!({"tools": tools_json(&tools, &input["ctx"]["tools"]), "unchanged": false})
                }
                None => {
                    json!({"tools": tools_json(&ctx.tools, &input["ctx"]["tools"]), "unchanged": true})
                }
            }
        }
        "inspectToolSchemas" => {
            let ctx = match context(&input["ctx"]) {
                Ok(ctx) => ctx,
                Err(e) => return Some(Err(e)),
            };
            json!(hooks.inspect_tool_schemas(&ctx).unwrap_or_default())
        }
        "cleanSchemaForGemini" => gemini::normalize(&input["schema"]).schema,
        "cleanSchemaForLlamacppGbnf" => llamacpp::normalize(&input["schema"]).schema,
        "normalizeOpenAIStrictCompatSchema" => openai::normalize(&input["schema"]).schema,
        "findOpenAIStrictSchemaViolations" => {
            let path = input["path"].as_str().unwrap_or_default();
            let found = if input["options"]["requireObjectRoot"] == json!(true) {
                openai::inspect_parameters(&input["schema"], path)
            } else {
                openai::inspect(&input["schema"], path)
            };
            json!(found)
        }
        _ => return None,
    }))
}
