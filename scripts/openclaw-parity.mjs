#!/usr/bin/env node
// OpenClaw manifest parity driver (developer tool; CI never runs it).
//
// Makes OpenClaw's own manifest loader (`loadPluginManifest` in the shipped
// build of openclaw@2026.9.6) the judge of `clawkit manifest check`:
//
//   node scripts/openclaw-parity.mjs generate
//       writes the generated corpus to crates/clawkit-manifest/tests/data/openclaw-parity/cases/
//       and OpenClaw's verdict on every case and on every manifest of the repo to .../verdicts.json
//   node scripts/openclaw-parity.mjs compare --clawkit BIN
//       runs OpenClaw (live) and `BIN manifest check --json` on the same manifests and prints
//       every disagreement on load/refuse and on the error's message and JSON pointer; also
//       reports recorded verdicts that no longer match OpenClaw (run `generate`)
//
// Normally invoked through scripts/openclaw-parity.sh, which sets OPENCLAW_PKG (the installed
// openclaw package) and builds clawkit. The corpus format is described in
// crates/clawkit-manifest/tests/data/openclaw-parity/README.md.

import {
  existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync,
  rmSync, symlinkSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "..");
const DATA = join(REPO, "crates/clawkit-manifest/tests/data/openclaw-parity");
const OC_PKG = process.env.OPENCLAW_PKG ?? join(process.env.OPENCLAW_REF_DIR ?? "/work/openclaw-ref", "node_modules/openclaw");
const OC_DIST = join(OC_PKG, "dist");
const MANIFEST = "openclaw.plugin.json";
const LIMIT = 262144;

function die(msg) {
  console.error(`openclaw-parity: ${msg}`);
  process.exit(2);
}

// ------------------------------------------------------------- OpenClaw --

/** The aliases of a chunk's final `export { a as b, … }` line. */
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

/** `loadPluginManifest`, from the 2026.9.6 chunk or whichever chunk exports it. */
async function loadOpenClaw() {
  if (!existsSync(join(OC_PKG, "package.json"))) die(`no openclaw package at ${OC_PKG}`);
  const version = JSON.parse(readFileSync(join(OC_PKG, "package.json"), "utf8")).version;
  const candidates = ["manifest-DHkEL08H.mjs", ...readdirSync(OC_DIST).filter((f) => f.startsWith("manifest-") && f.endsWith(".mjs"))];
  for (const name of candidates) {
    const file = join(OC_DIST, name);
    if (!existsSync(file) || !readFileSync(file, "utf8").includes("function loadPluginManifest(")) continue;
    const alias = exportAliases(file).get("loadPluginManifest");
    if (!alias) continue;
    const fn = (await import(pathToFileURL(file).href))[alias];
    if (typeof fn === "function") return { version, loadPluginManifest: fn };
  }
  die(`cannot find OpenClaw's loadPluginManifest in ${OC_DIST}`);
}

/** OpenClaw's verdict on the plugin folder `dir` (its default: hard links refused). */
function openclawVerdict(openclaw, dir) {
  const manifestPath = join(dir, MANIFEST);
  let result;
  try {
    result = openclaw.loadPluginManifest(dir);
  } catch (error) {
    return { loads: false, error: `loadPluginManifest threw: ${String(error)}` };
  }
  if (result.ok) return { loads: true, error: null };
  return { loads: false, error: String(result.error).split(manifestPath).join("<manifest>") };
}

// --------------------------------------------------------------- corpus --

const base = { id: "parity-demo", configSchema: { type: "object" } };
const json = (extra) => JSON.stringify({ ...base, ...extra }, null, 2) + "\n";
const field = (key, value) => json({ [key]: value });
const theme = (extra = {}) => ({ id: "dark", name: "Dark", description: "A dark theme", source: "themes/dark.json", ...extra });
const themes = (...list) => field("themes", list);
const dash = (value) => field("dashboard", value);
const verb = (extra = {}) => ({ id: "restart", method: "parity.restart", description: "Restart the worker", ...extra });
const ui = (value) => field("controlUi", value);
const backup = (...entries) => field("backupResources", entries);
const entry = (extra = {}) => ({ disposition: "include", scope: "state", relativePath: "state/db.sqlite", ...extra });

const P = "invalid plugin manifest";

/**
 * The generated corpus. Each case: `name`; the manifest as `text` (a string) or `bytes` (a
 * Buffer); optional `setup` (how the plugin folder is built, see the README); `pointer`, where
 * clawkit must report OpenClaw's error (OpenClaw names no position; null when it loads); `also`,
 * the other OpenClaw errors clawkit must report ([pointer, message] pairs: OpenClaw stops at the
 * first, clawkit reports them all); `note`.
 */
const CASES = [
  // The plugin folder and the file.
  { name: "file-missing", setup: "missing", text: json({}), pointer: "", note: "no openclaw.plugin.json" },
  { name: "file-directory", setup: "directory", text: json({}), pointer: "", note: "openclaw.plugin.json is a folder" },
  { name: "file-symlink", setup: "symlink", text: json({}), pointer: "", note: "a symbolic link to a manifest in the same folder" },
  { name: "file-hardlink", setup: "hardlink", text: json({}), pointer: "", note: "a manifest with a second hard link" },
  { name: "file-too-large", setup: "pad", padTo: LIMIT + 1, text: json({}), pointer: "", note: "one byte over 256 KiB" },
  { name: "file-at-the-limit", setup: "pad", padTo: LIMIT, text: json({}), note: "exactly 256 KiB" },

  // Syntax: what OpenClaw's JSON5 refuses, where.
  { name: "syntax-empty", text: "", pointer: "" },
  { name: "syntax-whitespace-and-comments-only", text: "  \n// nothing here\n/* at all */\n", pointer: "" },
  { name: "syntax-trailing-content", text: '{"id": "a", "configSchema": {}} x\n', pointer: "" },
  { name: "syntax-missing-comma", text: '{\n  "id": "a"\n  "configSchema": {}\n}\n', pointer: "" },
  { name: "syntax-unterminated-string", text: '{"id": "a', pointer: "" },
  { name: "syntax-line-break-in-string", text: '{"id": "a\nb", "configSchema": {}}\n', pointer: "" },
  { name: "syntax-unterminated-comment", text: '{"id": "a", "configSchema": {}} /* open\n', pointer: "" },
  { name: "syntax-lone-slash", text: '{"id": "a", /x "configSchema": {}}\n', pointer: "" },
  { name: "syntax-octal-escape", text: '{"id": "a\\01", "configSchema": {}}\n', pointer: "" },
  { name: "syntax-bad-hex-escape", text: '{"id": "a\\x4g", "configSchema": {}}\n', pointer: "" },
  { name: "syntax-bad-unicode-escape", text: '{"id": "a\\u12g4", "configSchema": {}}\n', pointer: "" },
  { name: "syntax-leading-zero", text: '{"id": "a", "configSchema": {}, "version": 01}\n', pointer: "" },
  { name: "syntax-exponent-without-digits", text: '{"id": "a", "configSchema": {}, "n": 1e}\n', pointer: "" },
  { name: "syntax-sign-without-number", text: '{"id": "a", "configSchema": {}, "n": - }\n', pointer: "" },
  { name: "syntax-misspelt-keyword", text: '{"id": "a", "configSchema": {}, "enabledByDefault": tru}\n', pointer: "" },
  { name: "syntax-invalid-identifier-escape", text: '{\\u0031d: "a", configSchema: {}}\n', pointer: "" },
  { name: "syntax-double-comma", text: '{"id": "a", "configSchema": {}, "providers": ["a",, "b"]}\n', pointer: "" },
  { name: "syntax-key-without-colon", text: '{"id" "a", "configSchema": {}}\n', pointer: "" },
  { name: "syntax-after-astral-character", text: '{"name": "\u{1F600}", "id": "a" "configSchema": {}}\n', pointer: "", note: "json5 counts columns in UTF-16 units" },
  { name: "syntax-cr-line-endings", text: '{\r"id": "a"\r"configSchema": {}\r}\r', pointer: "", note: "json5 counts lines at \\n only" },
  { name: "syntax-crlf-line-endings", text: '{\r\n  "id": "a",\r\n  "configSchema": {}\r\n  x\r\n}\r\n', pointer: "" },
  { name: "syntax-error-after-bom", bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id": "a" x}')]), pointer: "" },

  // JSON5 OpenClaw loads.
  {
    name: "json5-features",
    text: "// a JSON5 manifest\n{\n  id: 'parity-demo', /* unquoted keys, single quotes */\n  configSchema: {type: 'object',},\n  $schema: 'x', version: '1.0\\\n.0', name: '\\x41\\v',\n  modelCatalog: {providers: {}}, n: [0x1F, +1, .5, 5., -0x10, 2e3,],\n}\n",
  },
  { name: "json5-nan-and-infinity", text: "{\n  id: 'parity-demo',\n  configSchema: {},\n  weights: [NaN, Infinity, -Infinity, +NaN],\n}\n", note: "valid JSON5; JSON has no such numbers" },
  { name: "json5-number-too-large", text: '{"id": "parity-demo", "configSchema": {}, "n": 1e400}\n' },
  { name: "json5-unpaired-surrogate", text: '{"id": "parity-demo", "configSchema": {}, "name": "a\\ud800b"}\n' },
  { name: "json5-byte-order-mark", bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json({}))]) },
  { name: "json5-invalid-utf8", bytes: Buffer.concat([Buffer.from('{"id": "parity-demo", "configSchema": {}, "name": "a'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]) },
  { name: "json5-deep-nesting", text: `{"id": "parity-demo", "configSchema": {}, "deep": ${"[".repeat(200)}${"]".repeat(200)}}\n`, note: "deeper than clawkit keeps" },
  { name: "json5-duplicate-id", text: '{"id": "node-mcp", "id": "parity-demo", "configSchema": {}}\n', note: "the last value wins" },
  { name: "json5-line-separator-in-string", text: '{"id": "parity-demo", "configSchema": {}, "name": "a\u2028b"}\n' },
  { name: "json5-control-character-in-string", text: '{"id": "parity-demo", "configSchema": {}, "name": "a\u0001b"}\n' },

  // The document and its two required fields.
  { name: "root-array", text: "[]\n", pointer: "" },
  { name: "root-null", text: "null\n", pointer: "" },
  { name: "root-string", text: '"parity-demo"\n', pointer: "" },
  { name: "id-missing", text: JSON.stringify({ configSchema: {} }), pointer: "/id" },
  { name: "id-number", text: JSON.stringify({ id: 7, configSchema: {} }), pointer: "/id" },
  { name: "id-blank", text: JSON.stringify({ id: " \t ", configSchema: {} }), pointer: "/id" },
  { name: "id-byte-order-mark-only", text: '{"id": "\\ufeff", "configSchema": {}}', pointer: "/id", note: "JavaScript's trim removes U+FEFF" },
  { name: "id-next-line-only", text: '{"id": "\\u0085", "configSchema": {}}', note: "JavaScript's trim keeps U+0085" },
  { name: "id-reserved", text: JSON.stringify({ id: "node-mcp", configSchema: {} }), pointer: "/id" },
  { name: "id-reserved-mixed-case", text: JSON.stringify({ id: "Node-MCP", configSchema: {} }), pointer: "/id" },
  { name: "id-reserved-padded-upper-case", text: JSON.stringify({ id: "  NODE-MCP ", configSchema: {} }), pointer: "/id" },
  { name: "config-schema-missing", text: JSON.stringify({ id: "parity-demo" }), pointer: "/configSchema" },
  { name: "config-schema-array", text: JSON.stringify({ id: "parity-demo", configSchema: [] }), pointer: "/configSchema" },
  { name: "config-schema-null", text: JSON.stringify({ id: "parity-demo", configSchema: null }), pointer: "/configSchema" },
  { name: "config-schema-string", text: JSON.stringify({ id: "parity-demo", configSchema: "object" }), pointer: "/configSchema" },
  {
    name: "id-and-config-schema-missing", text: JSON.stringify({ name: "x" }), pointer: "/id",
    also: [["/configSchema", "plugin manifest requires configSchema"]],
  },

  // backupResources
  { name: "backup-not-an-array", text: field("backupResources", entry()), pointer: "/backupResources" },
  { name: "backup-null", text: field("backupResources", null), pointer: "/backupResources" },
  { name: "backup-entry-a-string", text: backup("state/db.sqlite"), pointer: "/backupResources/0" },
  { name: "backup-entry-extra-key", text: backup(entry({ note: "x" })), pointer: "/backupResources/0/note" },
  { name: "backup-entry-missing-key", text: backup({ disposition: "include", scope: "state" }), pointer: "/backupResources/0" },
  { name: "backup-disposition", text: backup(entry({ disposition: "keep" })), pointer: "/backupResources/0/disposition" },
  { name: "backup-scope", text: backup(entry({ scope: "global" })), pointer: "/backupResources/0/scope" },
  { name: "backup-path-absolute", text: backup(entry({ relativePath: "/etc/passwd" })), pointer: "/backupResources/0/relativePath" },
  { name: "backup-path-parent", text: backup(entry({ relativePath: "../secrets" })), pointer: "/backupResources/0/relativePath" },
  { name: "backup-path-dot", text: backup(entry({ relativePath: "./state" })), pointer: "/backupResources/0/relativePath" },
  { name: "backup-path-empty-segment", text: backup(entry({ relativePath: "state//db" })), pointer: "/backupResources/0/relativePath" },
  { name: "backup-path-trailing-slash", text: backup(entry({ relativePath: "cache/" })), pointer: "/backupResources/0/relativePath" },
  { name: "backup-path-empty", text: backup(entry({ relativePath: "" })), pointer: "/backupResources/0/relativePath" },
  { name: "backup-path-backslash", text: backup(entry({ relativePath: "state\\db" })), pointer: "/backupResources/0/relativePath" },
  { name: "backup-path-nul", text: backup(entry({ relativePath: "state\u0000db" })), pointer: "/backupResources/0/relativePath" },
  { name: "backup-path-scheme", text: backup(entry({ relativePath: "file:state" })), pointer: "/backupResources/0/relativePath" },
  { name: "backup-path-windows-drive", text: backup(entry({ relativePath: "C:/state" })), pointer: "/backupResources/0/relativePath" },
  { name: "backup-path-not-a-string", text: backup(entry({ relativePath: 5 })), pointer: "/backupResources/0/relativePath" },
  { name: "backup-second-entry", text: backup(entry(), entry({ scope: "user" })), pointer: "/backupResources/1/scope" },
  { name: "backup-valid", text: backup(entry(), entry(), entry({ disposition: "regenerable", scope: "agent", relativePath: "cache/index" }), entry({ relativePath: "a.b/..c" })) },

  // categories
  { name: "categories-not-an-array", text: field("categories", "models"), pointer: "/categories" },
  { name: "categories-empty", text: field("categories", []), pointer: "/categories" },
  { name: "categories-four", text: field("categories", ["models", "voice", "web", "media"]), pointer: "/categories" },
  { name: "categories-unknown", text: field("categories", ["models", "robots"]), pointer: "/categories/1" },
  { name: "categories-wrong-case", text: field("categories", ["Models"]), pointer: "/categories/0" },
  { name: "categories-duplicate", text: field("categories", ["models", "models"]), pointer: "/categories/1" },
  { name: "categories-number", text: field("categories", [5]), pointer: "/categories/0" },
  { name: "categories-large-number", text: '{"id": "parity-demo", "configSchema": {}, "categories": [1e21]}', pointer: "/categories/0" },
  { name: "categories-object", text: field("categories", [{ a: [1, true, null] }]), pointer: "/categories/0" },
  { name: "categories-quote", text: field("categories", ['mo"dels\n']), pointer: "/categories/0" },
  { name: "categories-legacy-slugs", text: field("categories", ["tools", "runtime", "gateway"]) },
  { name: "categories-valid", text: field("categories", ["models", "developer-tools"]) },

  // dashboard
  { name: "dashboard-array", text: dash([]), pointer: "/dashboard" },
  { name: "dashboard-null", text: dash(null), pointer: "/dashboard" },
  { name: "dashboard-data-bindings-object", text: dash({ dataBindings: {} }), pointer: "/dashboard/dataBindings" },
  { name: "dashboard-data-bindings-null", text: dash({ dataBindings: null }), pointer: "/dashboard/dataBindings" },
  { name: "dashboard-action-verbs-string", text: dash({ actionVerbs: "restart" }), pointer: "/dashboard/actionVerbs" },
  { name: "dashboard-binding-not-an-object", text: dash({ dataBindings: ["usage"] }), pointer: "/dashboard/dataBindings/0" },
  { name: "dashboard-binding-id-upper-case", text: dash({ dataBindings: [verb({ id: "Usage" })] }), pointer: "/dashboard/dataBindings/0/id" },
  { name: "dashboard-binding-id-missing", text: dash({ dataBindings: [verb({ id: undefined })] }), pointer: "/dashboard/dataBindings/0/id" },
  { name: "dashboard-binding-method-blank", text: dash({ dataBindings: [verb({ method: "  " })] }), pointer: "/dashboard/dataBindings/0/method" },
  { name: "dashboard-binding-description-missing", text: dash({ dataBindings: [verb({ description: undefined })] }), pointer: "/dashboard/dataBindings/0/description" },
  { name: "dashboard-verb-id-with-space", text: dash({ actionVerbs: [verb({ id: "re start" })] }), pointer: "/dashboard/actionVerbs/0/id" },
  { name: "dashboard-verb-param-shape-array", text: dash({ actionVerbs: [verb({ paramShape: [] })] }), pointer: "/dashboard/actionVerbs/0/paramShape" },
  { name: "dashboard-second-verb", text: dash({ actionVerbs: [verb(), "restart"] }), pointer: "/dashboard/actionVerbs/1" },
  { name: "dashboard-empty", text: dash({}) },
  {
    name: "dashboard-valid",
    text: dash({ dataBindings: [verb({ id: " usage.daily_1 " })], actionVerbs: [verb({ paramShape: { type: "object" } })], title: "kept" }),
  },

  // controlUi
  { name: "control-ui-string", text: ui("dist/ui/index.js"), pointer: "/controlUi" },
  { name: "control-ui-extra-key", text: ui({ entry: "dist/ui/index.js", title: "Parity" }), pointer: "/controlUi/title" },
  { name: "control-ui-entry-missing", text: ui({}), pointer: "/controlUi/entry" },
  { name: "control-ui-entry-top-of-dist", text: ui({ entry: "dist/index.js" }), pointer: "/controlUi/entry" },
  { name: "control-ui-entry-typescript", text: ui({ entry: "dist/ui/index.ts" }), pointer: "/controlUi/entry" },
  { name: "control-ui-entry-outside-dist", text: ui({ entry: "src/ui/index.js" }), pointer: "/controlUi/entry" },
  { name: "control-ui-entry-parent-segment", text: ui({ entry: "dist/../ui/index.js" }), pointer: "/controlUi/entry" },
  { name: "control-ui-entry-too-long", text: ui({ entry: `dist/${"a".repeat(510)}/i.js` }), pointer: "/controlUi/entry" },
  { name: "control-ui-styles-string", text: ui({ entry: "dist/ui/index.js", styles: "dist/ui/app.css" }), pointer: "/controlUi/styles" },
  { name: "control-ui-seventeen-styles", text: ui({ entry: "dist/ui/index.js", styles: Array.from({ length: 17 }, (_, i) => `dist/ui/s${i}.css`) }), pointer: "/controlUi/styles" },
  { name: "control-ui-style-elsewhere", text: ui({ entry: "dist/ui/index.js", styles: ["dist/other/app.css"] }), pointer: "/controlUi/styles/0" },
  { name: "control-ui-style-not-css", text: ui({ entry: "dist/ui/index.js", styles: ["dist/ui/app.css", "dist/ui/app.scss"] }), pointer: "/controlUi/styles/1" },
  { name: "control-ui-style-number", text: ui({ entry: "dist/ui/index.js", styles: [5] }), pointer: "/controlUi/styles/0" },
  { name: "control-ui-valid", text: ui({ entry: "./dist/ui/index.mjs", styles: ["./dist/ui/app.css", "dist/ui/deep/more.css", "dist/ui/app.css"] }) },

  // themes
  { name: "themes-object", text: field("themes", theme()), pointer: "/themes" },
  { name: "themes-thirty-three", text: field("themes", Array.from({ length: 33 }, (_, i) => theme({ id: `t${i}` }))), pointer: "/themes" },
  { name: "themes-plugin-id-not-portable", text: json({ id: "acme ai", themes: [theme()] }), pointer: "/themes" },
  { name: "themes-plugin-id-user", text: json({ id: "user", themes: [theme()] }), pointer: "/themes" },
  { name: "themes-empty-with-any-plugin-id", text: json({ id: "acme ai", themes: [] }) },
  { name: "themes-scoped-plugin-id", text: json({ id: "@acme/Themes.v2", themes: [theme()] }) },
  { name: "themes-entry-a-string", text: themes("dark"), pointer: "/themes/0" },
  { name: "themes-unknown-key", text: themes(theme({ colors: {} })), pointer: "/themes/0/colors" },
  { name: "themes-id-upper-case", text: themes(theme({ id: "Dark" })), pointer: "/themes/0/id" },
  { name: "themes-id-missing", text: themes(theme({ id: undefined })), pointer: "/themes/0/id" },
  { name: "themes-duplicate-id", text: themes(theme(), theme({ source: "themes/dark2.json" })), pointer: "/themes/1/id" },
  { name: "themes-name-blank", text: themes(theme({ name: " " })), pointer: "/themes/0/name" },
  { name: "themes-name-too-long", text: themes(theme({ name: "n".repeat(81) })), pointer: "/themes/0/name" },
  { name: "themes-name-80-astral", text: themes(theme({ name: "\u{1F600}".repeat(41) })), pointer: "/themes/0/name", note: "82 UTF-16 units" },
  { name: "themes-description-too-long", text: themes(theme({ description: "d".repeat(321) })), pointer: "/themes/0/description" },
  { name: "themes-control-character", text: themes(theme({ description: "A dark\u0007 theme" })), pointer: "/themes/0/description" },
  { name: "themes-source-missing", text: themes(theme({ source: undefined })), pointer: "/themes/0/source" },
  { name: "themes-source-css", text: themes(theme({ source: "themes/dark.css" })), pointer: "/themes/0/source" },
  { name: "themes-source-outside", text: themes(theme({ source: "../dark.json" })), pointer: "/themes/0/source" },
  { name: "themes-hats-array", text: themes(theme({ hats: [] })), pointer: "/themes/0/hats" },
  { name: "themes-nine-hats", text: themes(theme({ hats: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`h${i}`, `art/h${i}.svg`])) })), pointer: "/themes/0/hats" },
  { name: "themes-hat-built-in", text: themes(theme({ hats: { crown: "art/crown.svg" } })), pointer: "/themes/0/hats/crown" },
  { name: "themes-hat-unsafe-id", text: themes(theme({ hats: { "Big Hat": "art/big.svg" } })), pointer: "/themes/0/hats/Big Hat" },
  { name: "themes-hat-not-svg", text: themes(theme({ hats: { cap: "art/cap.png" } })), pointer: "/themes/0/hats/cap" },
  { name: "themes-critter-not-an-object", text: themes(theme({ critters: { crab: "art/crab.svg" } })), pointer: "/themes/0/critters/crab" },
  { name: "themes-critter-unsupported-field", text: themes(theme({ critters: { crab: { source: "art/crab.svg", speed: 2 } } })), pointer: "/themes/0/critters/crab/speed" },
  { name: "themes-critter-title-too-long", text: themes(theme({ critters: { crab: { source: "art/crab.svg", title: "t".repeat(61) } } })), pointer: "/themes/0/critters/crab/title" },
  { name: "themes-critter-title-format-character", text: themes(theme({ critters: { crab: { source: "art/crab.svg", title: "cr\u200bab" } } })), pointer: "/themes/0/critters/crab/title" },
  { name: "themes-critter-cross-ms-too-low", text: themes(theme({ critters: { crab: { source: "art/crab.svg", crossMs: 4999 } } })), pointer: "/themes/0/critters/crab/crossMs" },
  { name: "themes-critter-cross-ms-fraction", text: themes(theme({ critters: { crab: { source: "art/crab.svg", crossMs: 5000.5 } } })), pointer: "/themes/0/critters/crab/crossMs" },
  { name: "themes-critter-source-missing", text: themes(theme({ critters: { crab: { title: "Crab" } } })), pointer: "/themes/0/critters/crab/source" },
  {
    name: "themes-duplicate-artwork-id",
    text: '{\n  "id": "parity-demo",\n  "configSchema": {},\n  "themes": [{"id": "dark", "name": "Dark", "description": "A dark theme", "source": "themes/dark.json",\n    "hats": {"cap": "art/cap.svg", "cap": "art/cap2.svg"}}]\n}\n',
    pointer: "/themes/0/hats/cap",
  },
  {
    name: "themes-valid",
    text: '{\n  "id": "parity-demo",\n  "configSchema": {},\n  "themes": [{"id": "dark", "name": " Dark ", "description": "A dark theme", "source": "./themes/Dark.JSON",\n    "hats": {"cap": "./art/cap.svg"}, "critters": {"crab": {"source": "art/crab.svg", "title": "Crab", "crossMs": 5000.0}}},\n    {"id": "light", "name": "Light", "description": "A light theme", "source": "light.json"}]\n}\n',
  },

  // OpenClaw's order: clawkit reports every hard error, OpenClaw the first.
  {
    name: "order-backup-before-categories",
    text: json({ categories: [], backupResources: {} }),
    pointer: "/backupResources",
    also: [["/categories", `${P} categories: must contain between 1 and 3 entries`]],
  },
  {
    name: "order-dashboard-before-control-ui-and-themes",
    text: json({ themes: {}, controlUi: [], dashboard: [] }),
    pointer: "/dashboard",
    also: [["/controlUi", `${P} controlUi: controlUi must contain only entry and optional styles`], ["/themes", `${P} themes: themes must be an array with at most 32 entries`]],
  },

  // clawkit's own lints: OpenClaw loads these (the plugin is still invalid for clawkit).
  {
    name: "lint-auth-choice-for-an-undeclared-provider",
    text: json({ providers: ["acme"], providerAuthChoices: [{ provider: "acme-ai", method: "api-key", choiceId: "acme-key" }] }),
    note: "OpenClaw loads it and the choice never shows up",
  },
  { name: "lint-bad-cli-flag", text: json({ providers: ["acme"], providerAuthChoices: [{ provider: "acme", method: "api-key", choiceId: "k", cliFlag: "-k" }] }) },
  { name: "lint-model-pattern-does-not-compile", text: json({ modelSupport: { modelPatterns: ["(?<=a)b"] } }) },
];

/** The repository's own manifests, judged too (copied into a folder of their own). */
function repoManifests() {
  const found = [];
  const add = (dir, filter) => {
    const abs = join(REPO, dir);
    if (!existsSync(abs)) return;
    for (const name of readdirSync(abs).sort()) {
      const rel = filter(name);
      if (rel && existsSync(join(abs, rel))) found.push(join(dir, rel));
    }
  };
  add("examples", (name) => join(name, MANIFEST));
  add("crates/clawkit-providers/plugins", (name) => join(name, MANIFEST));
  add("crates/clawkit-manifest/tests/data/good", (name) => name);
  add("crates/clawkit-manifest/tests/data/bad", (name) => name);
  return found;
}

/** Builds the plugin folder of a case under `root`; returns the folder. */
function materialize(root, name, bytes, setup, padTo) {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const manifest = join(dir, MANIFEST);
  switch (setup ?? "plain") {
    case "plain":
      writeFileSync(manifest, bytes);
      break;
    case "missing":
      break;
    case "directory":
      mkdirSync(manifest);
      break;
    case "symlink":
      writeFileSync(join(dir, "manifest-target.json"), bytes);
      symlinkSync("manifest-target.json", manifest);
      break;
    case "hardlink":
      writeFileSync(manifest, bytes);
      linkSync(manifest, join(dir, "manifest-copy.json"));
      break;
    case "pad":
      writeFileSync(manifest, Buffer.concat([bytes, Buffer.alloc(padTo - bytes.length, 0x20)]));
      break;
    default:
      die(`unknown setup ${setup}`);
  }
  return dir;
}

const caseBytes = (c) => c.bytes ?? Buffer.from(c.text, "utf8");

// ------------------------------------------------------------- generate --

async function generate() {
  const openclaw = await loadOpenClaw();
  const casesDir = join(DATA, "cases");
  rmSync(casesDir, { recursive: true, force: true });
  mkdirSync(casesDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "openclaw-parity-"));
  const names = new Set();
  const cases = [];
  for (const c of CASES) {
    if (names.has(c.name)) die(`duplicate case ${c.name}`);
    names.add(c.name);
    const bytes = caseBytes(c);
    writeFileSync(join(casesDir, `${c.name}.json`), bytes);
    const verdict = openclawVerdict(openclaw, materialize(work, c.name, bytes, c.setup, c.padTo));
    if (!verdict.loads && c.pointer === undefined) die(`${c.name}: OpenClaw refuses it (${verdict.error}) but the case names no pointer`);
    cases.push({
      name: c.name,
      file: `cases/${c.name}.json`,
      ...(c.setup ? { setup: c.setup } : {}),
      ...(c.padTo ? { padTo: c.padTo } : {}),
      ...(c.note ? { note: c.note } : {}),
      loads: verdict.loads,
      error: verdict.error,
      pointer: verdict.loads ? null : c.pointer,
      also: c.also ?? [],
    });
  }
  const repo = [];
  for (const path of repoManifests()) {
    const verdict = openclawVerdict(openclaw, materialize(work, `repo-${repo.length}`, readFileSync(join(REPO, path)), "plain"));
    repo.push({ path, loads: verdict.loads, error: verdict.error });
  }
  rmSync(work, { recursive: true, force: true });
  const out = { openclaw: openclaw.version, loader: "loadPluginManifest(rootDir)", cases, repo };
  writeFileSync(join(DATA, "verdicts.json"), JSON.stringify(out, null, 2) + "\n");
  const refused = cases.filter((c) => !c.loads).length;
  console.log(`openclaw-parity: ${cases.length} cases (${refused} refused, ${cases.length - refused} loaded) and ${repo.length} repository manifests judged by OpenClaw ${openclaw.version}; wrote ${relative(REPO, DATA)}/`);
}

// -------------------------------------------------------------- compare --

/** clawkit's message agrees with OpenClaw's when equal, or OpenClaw's followed by `; why`. */
const sameMessage = (clawkit, openclaw) => clawkit === openclaw || clawkit.startsWith(`${openclaw}; `);

/**
 * Every disagreement between OpenClaw's verdict (`expected`: loads, error, pointer, also) and
 * clawkit's report on the same folder. `pointer === undefined` skips pointer checks (the
 * repository's manifests, whose pointers nobody wrote down).
 */
function disagreements(expected, report, manifestFile) {
  const out = [];
  const errors = report.diagnostics.filter((d) => d.severity === "error" && d.source === "openclaw" && d.file === manifestFile);
  const show = (d) => `${JSON.stringify(d.message)} at ${JSON.stringify(d.pointer)}`;
  if (report.loads !== expected.loads) {
    out.push(`OpenClaw ${expected.loads ? "loads it" : "refuses it"}, clawkit says "loads": ${report.loads}`);
  }
  if (expected.loads) {
    for (const d of errors) out.push(`OpenClaw loads it, clawkit reports OpenClaw error ${show(d)}`);
    return out;
  }
  const message = expected.error.split("<manifest>").join(manifestFile);
  const checkPointer = expected.pointer !== undefined && expected.pointer !== null;
  const hit = errors.find((d) => sameMessage(d.message, message) && (!checkPointer || d.pointer === expected.pointer));
  if (!hit) {
    const found = errors.length ? errors.map(show).join(", ") : "none";
    out.push(`OpenClaw says ${JSON.stringify(message)}${checkPointer ? ` (at ${JSON.stringify(expected.pointer)})` : ""}; clawkit's OpenClaw errors: ${found}`);
    return out;
  }
  if (checkPointer) {
    const others = errors.filter((d) => d !== hit);
    const also = expected.also ?? [];
    for (const [pointer, msg] of also) {
      if (!others.some((d) => d.pointer === pointer && sameMessage(d.message, msg))) out.push(`clawkit should also report ${JSON.stringify(msg)} at ${JSON.stringify(pointer)}`);
    }
    for (const d of others) {
      if (!also.some(([pointer, msg]) => d.pointer === pointer && sameMessage(d.message, msg))) out.push(`clawkit reports an OpenClaw error OpenClaw never gets to: ${show(d)}`);
    }
  }
  return out;
}

function runClawkit(bin, dir) {
  let stdout;
  try {
    stdout = execFileSync(bin, ["manifest", "check", "--json", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    if (error.status !== 1 || !error.stdout) die(`${bin} manifest check --json ${dir} failed (exit ${error.status}): ${error.stderr}`);
    stdout = error.stdout;
  }
  return JSON.parse(stdout);
}

async function compare(bin) {
  if (!bin) die("compare needs --clawkit BIN");
  const openclaw = await loadOpenClaw();
  const verdictsFile = join(DATA, "verdicts.json");
  if (!existsSync(verdictsFile)) die(`no ${relative(REPO, verdictsFile)}; run generate first`);
  const recorded = JSON.parse(readFileSync(verdictsFile, "utf8"));
  const work = mkdtempSync(join(tmpdir(), "openclaw-parity-"));
  let total = 0;
  let bad = 0;
  let stale = 0;
  const report = (label, problems) => {
    total += 1;
    if (problems.length === 0) return;
    bad += 1;
    for (const p of problems) console.log(`DISAGREE ${label}: ${p}`);
  };
  const staleNote = (label, why) => {
    stale += 1;
    console.log(`STALE    ${label}: ${why} (run scripts/openclaw-parity.sh generate)`);
  };
  if (recorded.openclaw !== openclaw.version) staleNote("verdicts.json", `recorded with OpenClaw ${recorded.openclaw}, this is ${openclaw.version}`);

  const generated = new Map(CASES.map((c) => [c.name, c]));
  for (const c of recorded.cases) {
    const bytes = readFileSync(join(DATA, c.file));
    const dir = materialize(work, c.name, bytes, c.setup, c.padTo);
    const live = openclawVerdict(openclaw, dir);
    if (live.loads !== c.loads || live.error !== c.error) {
      staleNote(c.name, `recorded ${c.loads ? "loads" : JSON.stringify(c.error)}, OpenClaw now says ${live.loads ? "loads" : JSON.stringify(live.error)}`);
    }
    const source = generated.get(c.name);
    if (!source) staleNote(c.name, "no longer generated");
    else if (!caseBytes(source).equals(bytes)) staleNote(c.name, "the committed case differs from the generated one");
    const expected = { loads: live.loads, error: live.error, pointer: live.loads ? null : c.pointer, also: c.also };
    report(c.name, disagreements(expected, runClawkit(bin, dir), join(dir, MANIFEST)));
  }
  for (const name of generated.keys()) {
    if (!recorded.cases.some((c) => c.name === name)) staleNote(name, "generated but not recorded");
  }
  const recordedRepo = new Map(recorded.repo.map((r) => [r.path, r]));
  for (const path of repoManifests()) {
    const dir = materialize(work, `repo-${path.replaceAll("/", "_")}`, readFileSync(join(REPO, path)), "plain");
    const live = openclawVerdict(openclaw, dir);
    const was = recordedRepo.get(path);
    if (!was) staleNote(path, "not recorded");
    else if (was.loads !== live.loads || was.error !== live.error) staleNote(path, "recorded verdict differs from OpenClaw's");
    report(path, disagreements({ ...live, pointer: undefined }, runClawkit(bin, dir), join(dir, MANIFEST)));
  }
  rmSync(work, { recursive: true, force: true });
  console.log(`openclaw-parity: OpenClaw ${openclaw.version} vs ${bin}: ${total} manifests, ${total - bad} agree, ${bad} disagree; ${stale} stale recorded verdicts`);
  return bad === 0 && stale === 0;
}

// ----------------------------------------------------------------- main --

const [cmd = "compare", ...rest] = process.argv.slice(2);
const arg = (name) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};
if (cmd === "generate") {
  await generate();
} else if (cmd === "compare") {
  process.exit((await compare(arg("--clawkit"))) ? 0 : 1);
} else {
  die(`unknown command ${cmd} (generate | compare --clawkit BIN)`);
}
