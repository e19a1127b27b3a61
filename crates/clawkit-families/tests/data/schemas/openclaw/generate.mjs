// Writes OpenClaw's own output for each schema in ../*.json, and for the
// HTML-entity cases in entity-inputs.json, next to this file.
//
//   OPENCLAW_REF_DIR=/work/openclaw-ref \
//     "$OPENCLAW_REF_DIR/node24/package/bin/node" generate.mjs
//
// OPENCLAW_REF_DIR holds `npm install --ignore-scripts openclaw@2026.9.6`.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const ref = process.env.OPENCLAW_REF_DIR ?? "/work/openclaw-ref";
const load = (rel) => import(pathToFileURL(join(ref, "node_modules", rel)).href);

const tools = await load("openclaw/dist/plugin-sdk/provider-tools.js");
const { decodeHtmlEntities } = await load("openclaw/dist/plugin-sdk/html-entity-runtime.js");
const xaiKeywords = new Set(["minContains", "maxContains"]);
const path = "tool.parameters";
const ctx = (parameters) => ({ provider: "test", modelApi: "openai-completions", tools: [{ name: "tool", parameters }] });
const hooks = (family) => tools.buildProviderToolCompatFamilyHooks(family);
const normalized = (family, schema) => hooks(family).normalizeToolSchemas(ctx(schema))[0].parameters;
const violations = (family, schema) => hooks(family).inspectToolSchemas(ctx(schema))[0]?.violations ?? [];

for (const file of readdirSync(join(here, "..")).filter((f) => f.endsWith(".json")).sort()) {
  const schema = JSON.parse(readFileSync(join(here, "..", file), "utf8"));
  const out = {
    source: `openclaw@2026.9.6 on ${file}`,
    gemini: { schema: tools.cleanSchemaForGemini(schema), violations: violations("gemini", schema) },
    openai: {
      schema: tools.normalizeOpenAIStrictCompatSchema(schema),
      violations: tools.findOpenAIStrictSchemaViolations(schema, path),
    },
    deepseek: { schema: normalized("deepseek", schema), violations: violations("deepseek", schema) },
    "llamacpp-gbnf": { schema: tools.cleanSchemaForLlamacppGbnf(schema), violations: violations("llamacpp-gbnf", schema) },
    xai: {
      schema: tools.stripUnsupportedSchemaKeywords(schema, xaiKeywords),
      violations: tools.findUnsupportedSchemaKeywords(schema, path, xaiKeywords),
    },
  };
  writeFileSync(join(here, file), JSON.stringify(out, null, 2) + "\n");
}

const inputs = JSON.parse(readFileSync(join(here, "entity-inputs.json"), "utf8"));
const decoded = inputs.map((input) => [input, decodeHtmlEntities(input)]);
writeFileSync(join(here, "html-entities.json"), JSON.stringify(decoded, null, 0).replaceAll("],[", "],\n[") + "\n");
