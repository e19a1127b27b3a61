#!/usr/bin/env node
// OpenClaw catalog parity (developer tool; CI runs the Rust test instead).
//
// Compares the static rows of clawkit's built-in providers
// (`clawkit models list --all --json`) with the model catalogs of the
// provider plugins bundled in an installed `openclaw` npm package
// (dist/extensions/<plugin>/openclaw.plugin.json, `modelCatalog`), and the
// thinking profile OpenClaw resolves for each of those rows. Every row
// missing on either side and every differing field is one line; the exit
// status is 1 when there is any, 0 when there is none, 2 on a usage or
// setup error.
//
//   OPENCLAW_PKG=…/node_modules/openclaw node scripts/openclaw-catalog-parity.mjs
//       [--clawkit-json FILE]   read clawkit's rows from FILE instead of running
//                               `cargo run -q -p clawkit-cli --bin clawkit -- models list --all --json`
//       [--write-data FILE]     write OpenClaw's facts for the compared providers
//                               (the Rust test's data file) and compare nothing
//
// OPENCLAW_PKG defaults to $OPENCLAW_REF_DIR/node_modules/openclaw
// (OPENCLAW_REF_DIR: /work/openclaw-ref). Needs Node >= 24.16 (OpenClaw's
// own requirement; scripts/openclaw-env.sh provides one). See
// scripts/README.md for what is compared and what is only noted.

import { readFileSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execFileSync } from "node:child_process";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "..");
const REF_DIR = process.env.OPENCLAW_REF_DIR ?? "/work/openclaw-ref";
const OC_PKG = resolve(process.env.OPENCLAW_PKG ?? join(REF_DIR, "node_modules/openclaw"));
const OC_DIST = join(OC_PKG, "dist");
const OC_EXTENSIONS = join(OC_DIST, "extensions");

/** The version clawkit's catalogs were taken from (`CATALOG_TAKEN_FROM`). */
const CATALOG_VERSION = "2026.9.6";
/** clawkit's built-in providers (crates/clawkit-providers). */
const BUILTIN = ["openai", "anthropic", "google", "ollama", "openai-compatible"];
/** OpenClaw levels clawkit has no `ThinkingLevel` for (`ultra`: an orchestration mode that sends `max`). */
const NO_CLAWKIT_LEVEL = new Set(["ultra"]);

function die(message) {
  console.error(`openclaw-catalog-parity: ${message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { clawkitJson: undefined, writeData: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) die(`${flag} needs a FILE`);
      return v;
    };
    if (flag === "--clawkit-json") args.clawkitJson = value();
    else if (flag === "--write-data") args.writeData = value();
    else if (flag === "-h" || flag === "--help") {
      console.log("usage: openclaw-catalog-parity.mjs [--clawkit-json FILE] [--write-data FILE]");
      process.exit(0);
    } else die(`unknown argument ${flag} (see --help)`);
  }
  return args;
}

// ------------------------------------------------------------- OpenClaw --

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    die(`cannot read ${file}: ${e.message}`);
  }
}

/** `export { a as b, … }` of a built chunk: original name → exported alias. */
function exportAliases(file) {
  const text = readFileSync(file, "utf8");
  const idx = text.lastIndexOf("\nexport {");
  if (idx < 0) return new Map();
  const line = text.slice(idx + 1, text.indexOf("}", idx) + 1);
  const map = new Map();
  for (const part of line.replace(/^export \{|\}$/g, "").split(",")) {
    const m = part.trim().match(/^([\w$]+)(?: as ([\w$]+))?$/);
    if (m) map.set(m[1], m[2] ?? m[1]);
  }
  return map;
}

/**
 * OpenClaw's core `resolveThinkingProfile(params)` (src/auto-reply/thinking.ts):
 * the profile a host shows for provider/model given the catalog rows. It
 * lives in an internal chunk (2026.9.6: dist/thinking-iJooX3g2.mjs); any
 * other version is searched for the chunk that defines it.
 */
async function loadThinkingResolver() {
  const preferred = join(OC_DIST, "thinking-iJooX3g2.mjs");
  const candidates = existsSync(preferred)
    ? [preferred]
    : readdirSync(OC_DIST)
        .filter((f) => f.startsWith("thinking-") && f.endsWith(".mjs"))
        .map((f) => join(OC_DIST, f));
  for (const file of candidates) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("function resolveThinkingProfile(params)") || !text.includes("function normalizeThinkingProfile(")) continue;
    const alias = exportAliases(file).get("resolveThinkingProfile");
    if (!alias) continue;
    const fn = (await import(pathToFileURL(file).href))[alias];
    if (typeof fn === "function") return fn;
  }
  die(`cannot find OpenClaw's resolveThinkingProfile in ${OC_DIST}`);
}

/** Every bundled plugin manifest with a `modelCatalog`: plugin id → manifest. */
function bundledCatalogs() {
  if (!existsSync(OC_EXTENSIONS)) die(`${OC_EXTENSIONS} does not exist (set OPENCLAW_PKG to the openclaw package folder)`);
  const plugins = new Map();
  for (const dir of readdirSync(OC_EXTENSIONS).sort()) {
    const file = join(OC_EXTENSIONS, dir, "openclaw.plugin.json");
    if (!existsSync(file)) continue;
    const manifest = readJson(file);
    if (manifest.modelCatalog) plugins.set(dir, manifest);
  }
  return plugins;
}

/** OpenClaw's `hasKnownPricing`: a catalog cost of all zeros is no price. */
function hasKnownPricing(cost) {
  if (!cost) return false;
  const positive = (c) => (c.input ?? 0) > 0 || (c.output ?? 0) > 0 || (c.cacheRead ?? 0) > 0 || (c.cacheWrite ?? 0) > 0;
  return positive(cost) || (cost.tieredPricing ?? []).some(positive);
}

/** The provider's own `resolveThinkingProfile` (its provider-policy-api.js), as a registry. */
async function policyRegistry(pluginDir, provider) {
  const file = join(OC_EXTENSIONS, pluginDir, "provider-policy-api.js");
  if (!existsSync(file)) return undefined;
  const policy = await import(pathToFileURL(file).href);
  if (typeof policy.resolveThinkingProfile !== "function") return undefined;
  return { providers: [{ provider: { id: provider, resolveThinkingProfile: policy.resolveThinkingProfile } }] };
}

/**
 * OpenClaw's facts for every built-in clawkit provider it bundles a static
 * catalog for, and notes on the rest.
 */
async function openclawFacts() {
  const pkg = readJson(join(OC_PKG, "package.json"));
  const plugins = bundledCatalogs();
  const resolveThinkingProfile = await loadThinkingResolver();
  const providers = {};
  const notes = [];
  const declaredBy = new Map();
  for (const [dir, manifest] of plugins) {
    for (const id of manifest.providers ?? []) declaredBy.set(id, { dir, manifest });
    for (const [provider, block] of Object.entries(manifest.modelCatalog.providers ?? {})) {
      if (!BUILTIN.includes(provider)) {
        notes.push(`openclaw ${provider}: ${block.models?.length ?? 0} bundled rows (plugin ${dir}); clawkit has no such provider, not compared`);
        continue;
      }
      const rows = (block.models ?? []).filter((row) => typeof row.id === "string");
      const catalog = rows.map((row) => ({ ...row, provider, api: row.api ?? block.api }));
      const registry = await policyRegistry(dir, provider);
      const facts = [];
      for (const row of catalog) {
        const profile = resolveThinkingProfile({
          provider,
          model: row.id,
          catalog,
          ...(registry ? { providerPolicySource: registry } : {}),
        });
        const levels = profile.levels.map((level) => level.id);
        const dropped = levels.filter((id) => NO_CLAWKIT_LEVEL.has(id));
        if (dropped.length) notes.push(`${provider}/${row.id}: OpenClaw also offers ${dropped.join(", ")}, which clawkit has no level for`);
        facts.push({
          id: row.id,
          name: row.name ?? row.id,
          api: row.api,
          reasoning: row.reasoning === true,
          input: row.input ?? ["text"],
          contextWindow: row.contextWindow,
          ...(row.contextTokens !== undefined ? { contextTokens: row.contextTokens } : {}),
          maxTokens: row.maxTokens,
          ...(row.cost !== undefined ? { cost: row.cost } : {}),
          ...(row.thinkingLevelMap !== undefined ? { thinkingLevelMap: row.thinkingLevelMap } : {}),
          ...(row.compat?.supportedReasoningEfforts !== undefined
            ? { reasoningEfforts: { supportsReasoningEffort: row.compat.supportsReasoningEffort, supportedReasoningEfforts: row.compat.supportedReasoningEfforts } }
            : {}),
          ...(row.status !== undefined ? { status: row.status } : {}),
          ...(row.replacedBy !== undefined ? { replacedBy: row.replacedBy } : {}),
          thinking: {
            levels: levels.filter((id) => !NO_CLAWKIT_LEVEL.has(id)),
            ...(profile.defaultLevel !== undefined ? { defaultLevel: profile.defaultLevel } : {}),
          },
        });
      }
      providers[provider] = { plugin: dir, api: block.api, baseUrl: block.baseUrl, models: facts };
    }
  }
  for (const provider of BUILTIN) {
    if (providers[provider]) continue;
    const owner = declaredBy.get(provider);
    const discovery = owner?.manifest.modelCatalog?.discovery?.[provider];
    notes.push(
      owner
        ? `clawkit ${provider}: OpenClaw's ${owner.dir} plugin bundles no static rows for it (discovery: ${discovery ?? "none"}); clawkit's static rows are its own offline fallback, not compared`
        : `clawkit ${provider}: no OpenClaw plugin declares this provider; not compared`,
    );
  }
  return { version: pkg.version, providers, notes };
}

// -------------------------------------------------------------- clawkit --

function clawkitRows(file) {
  let text;
  if (file) {
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      die(`cannot read ${file}: ${e.message}`);
    }
  } else {
    const args = ["run", "-q", "-p", "clawkit-cli", "--bin", "clawkit", "--", "models", "list", "--all", "--json"];
    try {
      text = execFileSync("cargo", args, { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 });
    } catch (e) {
      die(`cargo ${args.join(" ")} failed: ${e.message}`);
    }
  }
  let rows;
  try {
    rows = JSON.parse(text);
  } catch (e) {
    die(`clawkit's models list is not JSON: ${e.message}`);
  }
  if (!Array.isArray(rows)) die("clawkit's models list is not a JSON array");
  return rows;
}

// ------------------------------------------------------------ comparison --

const show = (value) => (value === undefined ? "(none)" : JSON.stringify(value));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** A catalog cost as clawkit prints it: four prices, tiers only when there are. */
function normalizedCost(cost) {
  const prices = (c) => ({ input: c.input ?? 0, output: c.output ?? 0, cacheRead: c.cacheRead ?? 0, cacheWrite: c.cacheWrite ?? 0 });
  const tiers = (cost.tieredPricing ?? []).map((tier) => ({ ...prices(tier), range: tier.range }));
  return { ...prices(cost), ...(tiers.length ? { tieredPricing: tiers } : {}) };
}

/** The paths where two JSON values differ (`cost.tieredPricing[1].output`), each with both values. */
function differences(path, expected, actual) {
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((k) => differences(`${path}.${k}`, expected[k], actual[k]));
  }
  const bothArrays = Array.isArray(expected) && Array.isArray(actual);
  if (bothArrays && expected.length === actual.length && expected.some((v) => v !== null && typeof v === "object")) {
    return expected.flatMap((v, i) => differences(`${path}[${i}]`, v, actual[i]));
  }
  return same(expected, actual) ? [] : [[path, expected, actual]];
}

function compareRow(key, want, got, out) {
  const field = (name, expected, actual) => {
    for (const [path, e, a] of differences(name, expected, actual)) {
      out.disagreements.push(`${key}: ${path}: openclaw ${show(e)}, clawkit ${show(a)}`);
    }
  };
  field("name", want.name, got.name);
  field("api", want.api, got.api);
  field("reasoning", want.reasoning, got.reasoning);
  field("input", want.input, got.input);
  field("contextWindow", want.contextWindow, got.contextWindow);
  field("contextTokens", want.contextTokens, got.contextTokens);
  field("maxTokens", want.maxTokens, got.maxTokens);
  if (hasKnownPricing(want.cost)) {
    field("cost", normalizedCost(want.cost), got.cost && normalizedCost(got.cost));
  } else if (got.cost && hasKnownPricing(got.cost)) {
    // OpenClaw then prices the model from its hosted price lists; clawkit
    // keeps a dated vendor price (PRICES_TAKEN_ON) where it has one.
    out.notes.push(
      `${key}: the bundled catalog states no price (${want.cost ? "all zero" : "no cost"}); clawkit lists ${show(normalizedCost(got.cost))} (not compared)`,
    );
  }
  field("thinking", want.thinking, got.thinking);
}

function compare(oc, rows) {
  const out = { disagreements: [], notes: [...oc.notes], compared: 0 };
  for (const [provider, block] of Object.entries(oc.providers)) {
    const ours = rows.filter((row) => row.provider === provider);
    const byId = new Map(ours.map((row) => [row.id, row]));
    for (const want of block.models) {
      const key = `${provider}/${want.id}`;
      const got = byId.get(want.id);
      if (!got) {
        out.disagreements.push(`${key}: in OpenClaw's bundled catalog, missing in clawkit`);
        continue;
      }
      out.compared++;
      compareRow(key, want, got, out);
    }
    const theirs = new Set(block.models.map((row) => row.id));
    for (const row of ours) {
      if (!theirs.has(row.id)) out.disagreements.push(`${provider}/${row.id}: in clawkit, missing in OpenClaw's bundled catalog`);
    }
  }
  const others = [...new Set(rows.map((row) => row.provider))].filter((p) => !BUILTIN.includes(p));
  if (others.length) out.notes.push(`clawkit ${others.join(", ")}: not built-in providers (examples registered by the CLI), not compared`);
  return out;
}

// ------------------------------------------------------------------ main --

const args = parseArgs(process.argv.slice(2));
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 24 || (major === 24 && minor < 16)) die(`node ${process.version}: OpenClaw needs Node >= 24.16 (set OPENCLAW_NODE, see scripts/openclaw-env.sh)`);
const oc = await openclawFacts();

if (args.writeData) {
  const data = {
    source: {
      package: `openclaw@${oc.version}`,
      rows: "dist/extensions/<plugin>/openclaw.plugin.json: modelCatalog.providers.<provider>.models (the fields below; cost as the catalog states it)",
      api: "the row's api, else the provider block's",
      reasoningEfforts: "the row's compat.supportsReasoningEffort and compat.supportedReasoningEfforts",
      thinking: "OpenClaw's resolveThinkingProfile (src/auto-reply/thinking.ts) for the row, with the plugin's provider-policy-api.js; levels in OpenClaw's rank order",
      generatedBy: "scripts/openclaw-catalog-parity.mjs --write-data",
    },
    providers: oc.providers,
  };
  writeFileSync(args.writeData, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`openclaw ${oc.version}: wrote ${Object.values(oc.providers).reduce((n, p) => n + p.models.length, 0)} rows of ${Object.keys(oc.providers).join(", ")} to ${args.writeData}`);
  process.exit(0);
}

const rows = clawkitRows(args.clawkitJson);
const result = compare(oc, rows);
console.log(`openclaw ${oc.version} (${OC_PKG}) bundled catalogs vs clawkit models list --all --json`);
if (oc.version !== CATALOG_VERSION) console.log(`warning: clawkit's catalogs were taken from openclaw ${CATALOG_VERSION}; this package is ${oc.version}`);
for (const line of result.disagreements) console.log(`DIFF  ${line}`);
for (const line of result.notes) console.log(`note  ${line}`);
console.log(`${result.compared} rows compared over ${Object.keys(oc.providers).join(", ")}: ${result.disagreements.length} disagreement${result.disagreements.length === 1 ? "" : "s"}`);
process.exit(result.disagreements.length > 0 ? 1 : 0);
