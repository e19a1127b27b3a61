#!/usr/bin/env node
// OpenClaw families parity driver (developer tool; CI never runs it).
//
// Runs the real OpenClaw functions (openclaw@2026.9.6, installed outside the
// repo) over the golden inputs in crates/clawkit-families/tests/data/parity/
// and writes OpenClaw's outputs to .../parity/expected/<case>.json. It can
// also diff those expected files against the outputs of the clawkit side.
//
//   node scripts/openclaw-families-parity.mjs generate [--only SUBSTR]
//   node scripts/openclaw-families-parity.mjs diff --actual DIR [--only SUBSTR]
//
// Normally invoked through scripts/openclaw-families-parity.sh, which picks
// the Node 24 binary and checks the install. See scripts/README.md for the
// case format and the interface the clawkit half must implement.

import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync, rmSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "..");
const PARITY_DIR = process.env.PARITY_DIR ?? join(REPO, "crates/clawkit-families/tests/data/parity");
const REF_DIR = process.env.OPENCLAW_REF_DIR ?? "/work/openclaw-ref";
const OC_PKG = join(REF_DIR, "node_modules/openclaw");
const OC_DIST = join(OC_PKG, "dist");

// Everything that reads the clock sees this instant (2026-01-01T00:00:00Z), so
// synthetic timestamps, `t<epoch>` id fallbacks and session markers are stable.
export const FROZEN_NOW = 1767225600000;

function die(msg) {
  console.error(`openclaw-families-parity: ${msg}`);
  process.exit(2);
}

// ---------------------------------------------------------------- loading --

/**
 * Internal chunks of the OpenClaw build that hold functions no plugin-sdk entry
 * exports. Each is found by the export line that names the function, starting
 * with the 2026.9.6 file name; if that file is missing (another version), all
 * top-level dist chunks are scanned.
 */
const INTERNAL = {
  resolveTranscriptPolicy: "helpers-BWGunXbB.mjs",
  shouldDropClaudeThinkingBlocks: "provider-replay-helpers-CXnvOz8t.mjs",
  sanitizeToolCallIdsForCloudCodeAssist: "tool-call-id-Dp16BALg.mjs",
  repairToolUseResultPairing: "session-transcript-repair-rV_-0RVP.mjs",
  sanitizeToolCallInputs: "session-transcript-repair-rV_-0RVP.mjs",
  sanitizeToolUseResultPairingForModel: "session-transcript-repair-rV_-0RVP.mjs",
  validateGeminiTurns: "embedded-agent-helpers-BFS05UdI.mjs",
  validateAnthropicTurns: "embedded-agent-helpers-BFS05UdI.mjs",
  mergeConsecutiveUserMessages: "embedded-agent-helpers-BFS05UdI.mjs",
  normalizeOpenAIResponsesToolCallIds: "embedded-agent-helpers-BFS05UdI.mjs",
  downgradeOpenAIFunctionCallReasoningPairs: "embedded-agent-helpers-BFS05UdI.mjs",
  dropThinkingBlocks: "tool-result-truncation-Cy0wmrxC.mjs",
  dropReasoningFromHistory: "tool-result-truncation-Cy0wmrxC.mjs",
  stripInvalidThinkingSignatures: "tool-result-truncation-Cy0wmrxC.mjs",
  stripThoughtSignatures: "bootstrap-Dvw1-bo8.mjs",
  sanitizeGoogleTurnOrdering: "bootstrap-Dvw1-bo8.mjs",
  sanitizeSessionHistory: "builtin-openclaw-q1hiFm14.mjs",
  validateReplayTurns: "builtin-openclaw-q1hiFm14.mjs",
  applyExtraParamsToAgent: "extra-params-vDt-InHx.mjs",
};

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

let scannedChunks;
async function loadInternal(name) {
  const preferred = join(OC_DIST, INTERNAL[name]);
  let file;
  let alias;
  if (existsSync(preferred)) {
    alias = exportAliases(preferred).get(name);
    if (alias) file = preferred;
  }
  if (!file) {
    scannedChunks ??= readdirSync(OC_DIST).filter((f) => f.endsWith(".mjs"));
    for (const f of scannedChunks) {
      const a = exportAliases(join(OC_DIST, f)).get(name);
      if (a) {
        file = join(OC_DIST, f);
        alias = a;
        break;
      }
    }
  }
  if (!file) die(`cannot find OpenClaw's ${name} in ${OC_DIST}`);
  const mod = await import(pathToFileURL(file).href);
  const fn = mod[alias];
  if (typeof fn !== "function") die(`${name} (${file} as ${alias}) is not a function`);
  return fn;
}

async function loadSdk(entry) {
  const file = join(OC_DIST, "plugin-sdk", `${entry}.js`);
  if (!existsSync(file)) die(`missing ${file}`);
  return import(pathToFileURL(file).href);
}

async function loadOpenClaw() {
  const pkg = JSON.parse(readFileSync(join(OC_PKG, "package.json"), "utf8"));
  const sdk = {
    tools: await loadSdk("provider-tools"),
    modelShared: await loadSdk("provider-model-shared"),
    stream: await loadSdk("provider-stream"),
    catalog: await loadSdk("provider-catalog-shared"),
  };
  const internal = {};
  for (const name of Object.keys(INTERNAL)) internal[name] = await loadInternal(name);
  return { version: pkg.version, sdk, internal };
}

// ------------------------------------------------------------------ cases --

/** Replaces every `{"$file": "rel/path.json"}` with that file's parsed JSON. */
function resolveFiles(value) {
  if (Array.isArray(value)) return value.map(resolveFiles);
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "$file") {
      return resolveFiles(JSON.parse(readFileSync(join(PARITY_DIR, value.$file), "utf8")));
    }
    return Object.fromEntries(keys.map((k) => [k, resolveFiles(value[k])]));
  }
  return value;
}

function loadCases() {
  const dir = join(PARITY_DIR, "cases");
  const cases = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const list = JSON.parse(readFileSync(join(dir, f), "utf8"));
    for (const c of list) {
      if (!c.case || !c.kind || !c.function) die(`${f}: case without case/kind/function: ${JSON.stringify(c).slice(0, 120)}`);
      cases.push({ ...c, source: `cases/${f}` });
    }
  }
  const seen = new Set();
  for (const c of cases) {
    if (seen.has(c.case)) die(`duplicate case name ${c.case}`);
    seen.add(c.case);
  }
  return cases;
}

const clone = (v) => (v === undefined ? undefined : structuredClone(v));

/** JSON-safe copy: undefined fields vanish (as JSON.stringify does), top-level undefined is null. */
function toJson(v) {
  return v === undefined ? null : JSON.parse(JSON.stringify(v));
}

// -------------------------------------------------------------- functions --
//
// Every function takes the case's `family` and resolved `input`, and returns a
// JSON value. An exception becomes {"error": message} in the expected file.

function makeSessionManager(initial = []) {
  const entries = initial.map((e) => ({ type: "custom", customType: e.customType, data: e.data }));
  const appended = [];
  return {
    appended,
    getEntries: () => entries,
    getBranch: () => entries,
    appendCustomEntry(customType, data) {
      const entry = { type: "custom", customType, data };
      entries.push(entry);
      appended.push({ customType, data });
    },
  };
}

function familyPolicyRuntime(oc, input) {
  // input.policy: {"family": name, "options": {...}} or "unowned" (no buildReplayPolicy hook)
  const src = input.policy ?? "unowned";
  if (src === "unowned") return { plugin: {} };
  const hooks = oc.sdk.modelShared.buildProviderReplayFamilyHooks({ family: src.family, ...(src.options ?? {}) });
  return { plugin: hooks };
}

function effectivePolicy(oc, input) {
  return oc.internal.resolveTranscriptPolicy({
    provider: input.provider ?? "",
    modelApi: input.modelApi,
    modelId: input.modelId,
    model: clone(input.model),
    runtimeHandle: familyPolicyRuntime(oc, input),
  });
}

const sameRef = (out, inp) => out === inp;

const FUNCTIONS = {
  // ---------------------------------------------------------------- tools
  "tools.normalizeToolSchemas"(oc, family, input) {
    const hooks = oc.sdk.tools.buildProviderToolCompatFamilyHooks(family);
    const ctx = clone(input.ctx);
    const out = hooks.normalizeToolSchemas(ctx);
    return { tools: toJson(out), unchanged: out === ctx.tools };
  },
  "tools.inspectToolSchemas"(oc, family, input) {
    const hooks = oc.sdk.tools.buildProviderToolCompatFamilyHooks(family);
    return toJson(hooks.inspectToolSchemas(clone(input.ctx)));
  },
  "tools.cleanSchemaForGemini"(oc, _family, input) {
    return toJson(oc.sdk.tools.cleanSchemaForGemini(clone(input.schema)));
  },
  "tools.cleanSchemaForLlamacppGbnf"(oc, _family, input) {
    return toJson(oc.sdk.tools.cleanSchemaForLlamacppGbnf(clone(input.schema)));
  },
  "tools.normalizeOpenAIStrictCompatSchema"(oc, _family, input) {
    return toJson(oc.sdk.tools.normalizeOpenAIStrictCompatSchema(clone(input.schema)));
  },
  "tools.findOpenAIStrictSchemaViolations"(oc, _family, input) {
    return toJson(oc.sdk.tools.findOpenAIStrictSchemaViolations(clone(input.schema), input.path, input.options));
  },
  "tools.buildProviderToolCompatFamilyHooks"(oc, family) {
    const hooks = oc.sdk.tools.buildProviderToolCompatFamilyHooks(family);
    return Object.keys(hooks).sort();
  },

  // --------------------------------------------------------------- replay
  "replay.buildProviderReplayFamilyHooks"(oc, family, input) {
    const hooks = oc.sdk.modelShared.buildProviderReplayFamilyHooks({ family, ...(input.options ?? {}) });
    const out = { hooks: Object.keys(hooks).sort(), policies: [] };
    for (const ctx of input.contexts ?? []) {
      const raw = hooks.buildReplayPolicy(clone(ctx));
      const effective = oc.internal.resolveTranscriptPolicy({
        provider: ctx.provider ?? "",
        modelApi: ctx.modelApi,
        modelId: ctx.modelId,
        model: clone(ctx.model),
        runtimeHandle: { plugin: hooks },
      });
      out.policies.push({ ctx, policy: toJson(raw), effective: toJson(effective) });
    }
    if (hooks.resolveReasoningOutputMode) out.reasoningOutputMode = hooks.resolveReasoningOutputMode({});
    return out;
  },
  "replay.resolveTranscriptPolicy"(oc, _family, input) {
    // No owning plugin hook: OpenClaw's unowned-transport fallback.
    return input.contexts.map((ctx) => ({
      ctx,
      effective: toJson(
        oc.internal.resolveTranscriptPolicy({
          provider: ctx.provider ?? "",
          modelApi: ctx.modelApi,
          modelId: ctx.modelId,
          model: clone(ctx.model),
          runtimeHandle: { plugin: {} },
        }),
      ),
    }));
  },
  "replay.shouldDropClaudeThinkingBlocks"(oc, _family, input) {
    return Object.fromEntries(
      input.modelIds.map((id) => [
        id,
        {
          shouldDropClaudeThinkingBlocks: oc.internal.shouldDropClaudeThinkingBlocks(id, undefined),
          bindsClaudeThinkingPrefix: oc.sdk.modelShared.bindsClaudeThinkingPrefix({ id }),
        },
      ]),
    );
  },
  "replay.sanitizeReplayHistory"(oc, family, input) {
    // The family's own sanitizeReplayHistory hook (google-gemini only).
    const hooks = oc.sdk.modelShared.buildProviderReplayFamilyHooks({ family, ...(input.options ?? {}) });
    if (!hooks.sanitizeReplayHistory) return { hook: false };
    const sm = makeSessionManager(input.sessionEntries);
    const messages = clone(input.messages);
    const sessionState = {
      getCustomEntries: () => sm.getEntries().map((e) => ({ customType: e.customType, data: e.data })),
      appendCustomEntry: (t, d) => sm.appendCustomEntry(t, d),
    };
    const out = hooks.sanitizeReplayHistory({ messages, sessionState, modelId: input.modelId, modelApi: input.modelApi });
    return { messages: toJson(out), unchanged: sameRef(out, messages), appendedEntries: toJson(sm.appended) };
  },
  async "replay.pipeline"(oc, _family, input) {
    // OpenClaw's sanitizeSessionHistory followed by validateReplayTurns, with the
    // effective policy of input.policy ({family, options} or "unowned"). The
    // provider plugin hooks are not consulted (no provider id is passed down);
    // the only family hook that exists (google-gemini's assistant-first fix) is
    // idempotent with the pipeline's own applyGoogleTurnOrdering step.
    const policy = effectivePolicy(oc, input);
    const sm = makeSessionManager(input.sessionEntries);
    const sanitized = await oc.internal.sanitizeSessionHistory({
      messages: clone(input.messages),
      modelApi: input.modelApi,
      modelId: input.modelId,
      model: clone(input.model),
      allowedToolNames: input.allowedToolNames,
      sessionManager: sm,
      policy,
    });
    const validated = await oc.internal.validateReplayTurns({
      messages: clone(sanitized),
      modelApi: input.modelApi,
      modelId: input.modelId,
      model: clone(input.model),
      policy,
    });
    return { policy: toJson(policy), sanitized: toJson(sanitized), validated: toJson(validated), appendedEntries: toJson(sm.appended) };
  },
  "replay.sanitizeToolCallIdsForCloudCodeAssist"(oc, _family, input) {
    const messages = clone(input.messages);
    const out = oc.internal.sanitizeToolCallIdsForCloudCodeAssist(messages, input.mode, clone(input.options));
    return { messages: toJson(out), unchanged: sameRef(out, messages) };
  },
  "replay.repairToolUseResultPairing"(oc, _family, input) {
    const messages = clone(input.messages);
    const r = oc.internal.repairToolUseResultPairing(messages, clone(input.options));
    return {
      messages: toJson(r.messages),
      unchanged: sameRef(r.messages, messages),
      added: toJson(r.added),
      discarded: toJson(r.discarded),
      droppedDuplicateCount: r.droppedDuplicateCount,
      droppedOrphanCount: r.droppedOrphanCount,
      moved: r.moved,
    };
  },
  "replay.sanitizeToolUseResultPairingForModel"(oc, _family, input) {
    const messages = clone(input.messages);
    const out = oc.internal.sanitizeToolUseResultPairingForModel(messages, input.isOpenAIResponsesApi === true);
    return { messages: toJson(out), unchanged: sameRef(out, messages) };
  },
  "replay.sanitizeToolCallInputs"(oc, _family, input) {
    const messages = clone(input.messages);
    const out = oc.internal.sanitizeToolCallInputs(messages, clone(input.options));
    return { messages: toJson(out), unchanged: sameRef(out, messages) };
  },
  "replay.validateGeminiTurns"(oc, _family, input) {
    const messages = clone(input.messages);
    const out = oc.internal.validateGeminiTurns(messages);
    return { messages: toJson(out), unchanged: sameRef(out, messages) };
  },
  "replay.validateAnthropicTurns"(oc, _family, input) {
    const messages = clone(input.messages);
    const out = oc.internal.validateAnthropicTurns(messages, clone(input.options ?? {}));
    return { messages: toJson(out), unchanged: sameRef(out, messages) };
  },
  "replay.mergeConsecutiveUserMessages"(oc, _family, input) {
    const messages = clone(input.messages);
    const out = oc.internal.mergeConsecutiveUserMessages(messages);
    return { messages: toJson(out), unchanged: sameRef(out, messages) };
  },
  "replay.dropThinkingBlocks"(oc, _family, input) {
    const messages = clone(input.messages);
    const out = oc.internal.dropThinkingBlocks(messages);
    return { messages: toJson(out), unchanged: sameRef(out, messages) };
  },
  "replay.dropReasoningFromHistory"(oc, _family, input) {
    const messages = clone(input.messages);
    const out = oc.internal.dropReasoningFromHistory(messages);
    return { messages: toJson(out), unchanged: sameRef(out, messages) };
  },
  "replay.stripInvalidThinkingSignatures"(oc, _family, input) {
    const messages = clone(input.messages);
    const out = oc.internal.stripInvalidThinkingSignatures(messages, clone(input.options ?? {}));
    return { messages: toJson(out), unchanged: sameRef(out, messages) };
  },
  "replay.stripThoughtSignatures"(oc, _family, input) {
    return toJson(oc.internal.stripThoughtSignatures(clone(input.content), clone(input.options)));
  },
  "replay.sanitizeGoogleTurnOrdering"(oc, _family, input) {
    const messages = clone(input.messages);
    const out = oc.internal.sanitizeGoogleTurnOrdering(messages);
    return { messages: toJson(out), unchanged: sameRef(out, messages) };
  },
  "replay.normalizeOpenAIResponsesToolCallIds"(oc, _family, input) {
    const messages = clone(input.messages);
    const out = oc.internal.normalizeOpenAIResponsesToolCallIds(messages);
    return { messages: toJson(out), unchanged: sameRef(out, messages) };
  },

  // --------------------------------------------------------------- stream
  async "stream.wrapStreamFn"(oc, family, input) {
    const families = input.families ?? [family];
    return runStream(oc, input, (base) =>
      oc.sdk.stream.composeProviderStreamWrappers(
        base,
        ...families.map((f) => (fn) => oc.sdk.stream.buildProviderStreamFamilyHooks(f).wrapStreamFn({ ...clone(input.ctx), streamFn: fn })),
      ),
    );
  },
  async "stream.wrapper"(oc, _family, input) {
    // One exported create*Wrapper(streamFn, ...args) of openclaw/plugin-sdk/provider-stream.
    const create = oc.sdk.stream[input.wrapper];
    if (typeof create !== "function") throw new Error(`no such wrapper export: ${input.wrapper}`);
    return runStream(oc, input, (base) => create(base, ...clone(input.args ?? [])));
  },
  async "stream.applyExtraParamsToAgent"(oc, _family, input) {
    // OpenClaw's generic stream wrappers for a provider whose plugin (if any)
    // has no wrapStreamFn: applyExtraParamsToAgent(agent, cfg {}, provider,
    // modelId, no override, ctx.thinkingLevel, …, model). The only place
    // 2026.9.6 applies createDeepSeekV4OpenAICompatibleThinkingWrapper with
    // its V4 gate and the non-native sanitizer (clawkit's deepseek-thinking).
    return runStream(oc, input, (base) => {
      const agent = { streamFn: base };
      const model = clone(input.model);
      oc.internal.applyExtraParamsToAgent(agent, {}, model.provider, model.id, undefined, input.ctx?.thinkingLevel, undefined, undefined, model);
      return agent.streamFn;
    });
  },
  "stream.buildProviderStreamFamilyHooks"(oc, family) {
    return Object.keys(oc.sdk.stream.buildProviderStreamFamilyHooks(family)).sort();
  },

  // ---------------------------------------------------------- usage compat
  "usage_compat.supportsNativeStreamingUsageCompat"(oc, _family, input) {
    return input.routes.map((r) => ({ ...r, supported: oc.sdk.catalog.supportsNativeStreamingUsageCompat(r) }));
  },
  "usage_compat.applyProviderNativeStreamingUsageCompat"(oc, _family, input) {
    const providerConfig = clone(input.providerConfig);
    const out = oc.sdk.catalog.applyProviderNativeStreamingUsageCompat({ providerId: input.providerId, providerConfig });
    return { providerConfig: toJson(out), unchanged: out === providerConfig };
  },
};

/**
 * Runs a wrapped StreamFn over a fake transport. The base StreamFn records the
 * model and options it is called with, then, like a transport, builds the
 * request body (a copy of input.payload), calls options.onPayload(body, model)
 * once, and takes a returned object as the replacement body.
 */
async function runStream(oc, input, wrap) {
  let seen;
  const base = async (model, context, options) => {
    const payload = clone(input.payload ?? {});
    let returned;
    if (typeof options?.onPayload === "function") returned = await options.onPayload(payload, model);
    const finalPayload = returned && typeof returned === "object" ? returned : payload;
    const { onPayload, headers, signal, ...rest } = options ?? {};
    seen = { model: toJson(model), headers: toJson(headers), options: toJson(rest), payload: toJson(finalPayload) };
    return { fake: true };
  };
  const streamFn = wrap(base);
  const options = { ...clone(input.options ?? {}), headers: clone(input.headers) };
  if (input.headers === undefined) delete options.headers;
  await streamFn(clone(input.model), clone(input.context ?? { messages: [] }), options);
  if (!seen) throw new Error("the base stream function was never called");
  return seen;
}

// ---------------------------------------------------------------- commands --

function parseArgs(argv) {
  const args = { cmd: argv[0], only: undefined, actual: undefined };
  for (let i = 1; i < argv.length; i += 1) {
    if (argv[i] === "--only") args.only = argv[++i];
    else if (argv[i] === "--actual") args.actual = argv[++i];
    else die(`unknown argument ${argv[i]}`);
  }
  return args;
}

function stableStringify(value) {
  return `${JSON.stringify(value, null, 2)}\n`;
}

async function generate(args) {
  if (!existsSync(OC_PKG)) die(`OpenClaw is not installed at ${OC_PKG} (set OPENCLAW_REF_DIR)`);
  const realNow = Date.now;
  const oc = await loadOpenClaw();
  Date.now = () => FROZEN_NOW;
  const cases = loadCases().filter((c) => !args.only || c.case.includes(args.only));
  const outDir = join(PARITY_DIR, "expected");
  mkdirSync(outDir, { recursive: true });
  if (!args.only) for (const f of readdirSync(outDir)) if (f.endsWith(".json")) rmSync(join(outDir, f));
  let errors = 0;
  for (const c of cases) {
    const fn = FUNCTIONS[`${c.kind}.${c.function}`];
    if (!fn) die(`${c.case}: unknown function ${c.kind}.${c.function}`);
    const input = resolveFiles(c.input ?? {});
    let result;
    try {
      result = { output: await fn(oc, c.family, input) };
    } catch (err) {
      result = { error: String(err?.message ?? err) };
      errors += 1;
    }
    const record = {
      case: c.case,
      kind: c.kind,
      family: c.family ?? null,
      function: c.function,
      ...(c.description ? { description: c.description } : {}),
      // As written in the case file: `{"$file": "histories/x.json"}` stays a
      // reference (resolve it relative to the parity dir), to keep files small.
      input: c.input ?? {},
      ...result,
    };
    writeFileSync(join(outDir, `${c.case}.json`), stableStringify(record));
  }
  Date.now = realNow;
  console.log(`openclaw ${oc.version} on node ${process.version}: wrote ${cases.length} expected files to ${outDir} (${errors} recorded as errors)`);
}

/** Lists every difference between two JSON values as `path: expected … actual …`. */
function diffJson(expected, actual, path = "$", out = []) {
  const kind = (v) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (kind(expected) !== kind(actual)) {
    out.push(`${path}: expected ${JSON.stringify(expected)} but got ${JSON.stringify(actual)}`);
    return out;
  }
  if (kind(expected) === "array") {
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i += 1) {
      if (i >= actual.length) out.push(`${path}[${i}]: missing (expected ${JSON.stringify(expected[i])})`);
      else if (i >= expected.length) out.push(`${path}[${i}]: unexpected ${JSON.stringify(actual[i])}`);
      else diffJson(expected[i], actual[i], `${path}[${i}]`, out);
    }
    return out;
  }
  if (kind(expected) === "object") {
    for (const k of Object.keys(expected)) {
      if (!(k in actual)) out.push(`${path}.${k}: missing (expected ${JSON.stringify(expected[k])})`);
      else diffJson(expected[k], actual[k], `${path}.${k}`, out);
    }
    for (const k of Object.keys(actual)) if (!(k in expected)) out.push(`${path}.${k}: unexpected ${JSON.stringify(actual[k])}`);
    const ek = Object.keys(expected).filter((k) => k in actual);
    const ak = Object.keys(actual).filter((k) => k in expected);
    if (ek.join("\0") !== ak.join("\0")) out.push(`${path}: key order differs: expected [${ek}] got [${ak}]`);
    return out;
  }
  if (expected !== actual) out.push(`${path}: expected ${JSON.stringify(expected)} but got ${JSON.stringify(actual)}`);
  return out;
}

function diff(args) {
  if (!args.actual) die("diff needs --actual DIR (the clawkit outputs, one <case>.json per case)");
  const expDir = join(PARITY_DIR, "expected");
  const files = readdirSync(expDir).filter((f) => f.endsWith(".json") && (!args.only || f.includes(args.only))).sort();
  let failed = 0;
  let missing = 0;
  for (const f of files) {
    const expected = JSON.parse(readFileSync(join(expDir, f), "utf8"));
    const actualFile = join(args.actual, f);
    if (!existsSync(actualFile)) {
      missing += 1;
      console.log(`MISSING ${expected.case}`);
      continue;
    }
    const actual = JSON.parse(readFileSync(actualFile, "utf8"));
    const want = "error" in expected ? { error: true } : { output: expected.output };
    const got = "error" in actual ? { error: true } : { output: actual.output };
    const diffs = diffJson(want, got);
    if (diffs.length === 0) {
      console.log(`ok      ${expected.case}`);
      continue;
    }
    failed += 1;
    console.log(`DIFF    ${expected.case}`);
    for (const d of diffs) console.log(`        ${d}`);
    if ("error" in expected) console.log(`        (OpenClaw error: ${expected.error})`);
    if ("error" in actual) console.log(`        (clawkit error: ${actual.error})`);
  }
  console.log(`${files.length - failed - missing} passed, ${failed} failed, ${missing} skipped`);
  process.exit(failed > 0 ? 1 : 0);
}

const args = parseArgs(process.argv.slice(2));
if (args.cmd === "generate") await generate(args);
else if (args.cmd === "diff") diff(args);
else die("usage: openclaw-families-parity.mjs generate [--only SUBSTR] | diff --actual DIR [--only SUBSTR]");
// Some OpenClaw modules keep timers/handles alive; the driver is done.
process.exit(0);
