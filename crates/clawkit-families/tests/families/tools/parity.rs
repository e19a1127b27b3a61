//! Every tool-compat case of `tests/data/parity` against OpenClaw
//! 2026.9.6's own output (see `tests/data/parity/README.md`).

use std::path::{Path, PathBuf};

use clawkit_core::{ModelApi, ModelContext, RuntimeModel, Tool, ToolSchemaContext};
use clawkit_families::tools::{
    Normalized, ToolCompatFamily, deepseek, gemini, llamacpp, openai, xai,
};
use serde_json::{Value, json};

fn parity_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/parity")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Replaces each `{"$file": "rel/path.json"}` by the file's content.
fn resolve_files(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            if let (1, Some(Value::String(file))) = (map.len(), map.get("$file")) {
                return read_json(&parity_dir().join(file));
            }
            Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k, resolve_files(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(resolve_files).collect()),
        other => other,
    }
}

/// OpenClaw's `ctx` (`{provider, modelApi, model?: {provider, api, baseUrl}, tools}`).
fn context(ctx: &Value) -> ToolSchemaContext {
    let provider = ctx["provider"].as_str().unwrap_or_default();
    let api = ModelApi::from(ctx["modelApi"].as_str().unwrap_or_default());
    let tools = ctx["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            Tool::new(
                t["name"].as_str().unwrap(),
                t["description"].as_str().unwrap_or_default(),
                t.get("parameters").cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    let model = match ctx.get("model") {
        Some(m) => {
            let runtime = RuntimeModel::new(
                m["provider"].as_str().unwrap(),
                "fixture",
                ModelApi::from(m["api"].as_str().unwrap()),
                m["baseUrl"].as_str().unwrap().parse().unwrap(),
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
    ToolSchemaContext::new(model, tools)
}

/// What OpenClaw returns for the tools: name, description when given, and
/// parameters when given or set.
fn tools_json(tools: &[Tool], input: &Value) -> Value {
    let given = input.as_array().unwrap();
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

/// What clawkit returns for one case, in the shape of OpenClaw's output.
fn run(case: &Value) -> Result<Value, String> {
    let input = resolve_files(case["input"].clone());
    let family_name = case["family"].as_str().unwrap_or_default();
    let function = case["function"].as_str().unwrap();
    if function == "buildProviderToolCompatFamilyHooks" {
        return family_name
            .parse::<ToolCompatFamily>()
            .map(|_| json!(["inspectToolSchemas", "normalizeToolSchemas"]))
            .map_err(|e| e.to_string());
    }
    let family: ToolCompatFamily = family_name
        .parse()
        .map_err(|e: clawkit_families::FamiliesError| e.to_string())?;
    let hooks = family.hooks();
    Ok(match function {
        "normalizeToolSchemas" => {
            let ctx = context(&input["ctx"]);
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
            let ctx = context(&input["ctx"]);
            serde_json::to_value(hooks.inspect_tool_schemas(&ctx).unwrap_or_default()).unwrap()
        }
        "cleanSchemaForGemini" => gemini::normalize(&input["schema"]).schema,
        "cleanSchemaForLlamacppGbnf" => llamacpp::normalize(&input["schema"]).schema,
        "normalizeOpenAIStrictCompatSchema" => openai::normalize(&input["schema"]).schema,
        "findOpenAIStrictSchemaViolations" => {
            let path = input["path"].as_str().unwrap();
            let found = if input["options"]["requireObjectRoot"] == json!(true) {
                openai::inspect_parameters(&input["schema"], path)
            } else {
                openai::inspect(&input["schema"], path)
            };
            json!(found)
        }
        other => panic!("no clawkit counterpart for {other}"),
    })
}

/// Serialized with sorted keys, so that key order does not matter but
/// everything else does.
fn canonical(value: &Value) -> String {
    fn sort(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sort(v)))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string_pretty(&sort(value)).unwrap()
}

#[test]
fn every_tool_case_matches_openclaw() {
    let dir = parity_dir();
    let cases = read_json(&dir.join("cases/tools.json"));
    let cases = cases.as_array().unwrap();
    assert!(cases.len() >= 40, "only {} tool cases", cases.len());
    let mut mismatches = Vec::new();
    for listed in cases {
        let name = listed["case"].as_str().unwrap();
        let expected = read_json(&dir.join(format!("expected/{name}.json")));
        assert_eq!(
            expected["input"], listed["input"],
            "{name}: expected/ is stale, regenerate it"
        );
        let got = run(&expected);
        match (&got, expected.get("output"), expected.get("error")) {
            (Ok(out), Some(want), _) if canonical(out) == canonical(want) => {}
            (Err(_), None, Some(_)) => {}
            _ => mismatches.push(format!(
                "{name}:\n  clawkit:  {}\n  openclaw: {}",
                got.map_or_else(|e| format!("error {e}"), |v| canonical(&v)),
                expected
                    .get("output")
                    .map_or_else(|| format!("error {}", expected["error"]), canonical),
            )),
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
}

#[test]
fn output_key_order_matches_openclaw_for_cleaned_schemas() {
    // OpenClaw builds objects in insertion order; so does clawkit. Object
    // keys that look like array indexes are the exception (JavaScript
    // orders them first), and these cases have none.
    let dir = parity_dir();
    for entry in std::fs::read_dir(dir.join("expected")).unwrap() {
        let path = entry.unwrap().path();
        let case = read_json(&path);
        let function = case["function"].as_str().unwrap();
        if !function.starts_with("clean") && function != "normalizeOpenAIStrictCompatSchema" {
            continue;
        }
        let got = run(&case).unwrap();
        assert_eq!(
            serde_json::to_string(&got).unwrap(),
            serde_json::to_string(&case["output"]).unwrap(),
            "{}",
            path.display()
        );
    }
}

/// The realistic schemas of `tests/data/schemas`, through every family, against
/// what OpenClaw 2026.9.6 made of them (`tests/data/schemas/openclaw`,
/// written by `generate.mjs` there).
#[test]
fn the_golden_schemas_match_openclaw_in_every_family() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/schemas");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap();
        let schema = read_json(&path);
        let expected = read_json(&dir.join("openclaw").join(name));
        let families: [(&str, Normalized, Vec<String>); 5] = [
            (
                "gemini",
                gemini::normalize(&schema),
                gemini::inspect(&schema, "tool.parameters"),
            ),
            (
                "openai",
                openai::normalize(&schema),
                openai::inspect(&schema, "tool.parameters"),
            ),
            (
                "deepseek",
                deepseek::normalize(&schema),
                deepseek::inspect(&schema, "tool.parameters"),
            ),
            (
                "llamacpp-gbnf",
                llamacpp::normalize(&schema),
                llamacpp::inspect(&schema, "tool.parameters"),
            ),
            (
                "xai",
                xai::normalize(&schema),
                xai::inspect(&schema, "tool.parameters"),
            ),
        ];
        for (family, normalized, violations) in families {
            let want = &expected[family];
            assert_eq!(
                serde_json::to_string_pretty(&normalized.schema).unwrap(),
                serde_json::to_string_pretty(&want["schema"]).unwrap(),
                "{family} on {name}"
            );
            assert_eq!(
                json!(violations),
                want["violations"],
                "{family} violations on {name}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 7 * 5);
}

#[test]
fn html_entities_decode_as_openclaw_decodes_them() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/schemas/openclaw/html-entities.json");
    let cases = read_json(&path);
    let cases = cases.as_array().unwrap();
    // Every HTML5 named reference ending in `;`, and the edge cases.
    assert!(cases.len() > 2_125, "{}", cases.len());
    for case in cases {
        let (input, output) = (case[0].as_str().unwrap(), case[1].as_str().unwrap());
        assert_eq!(xai::decode_html_entities(input), output, "{input}");
    }
}
