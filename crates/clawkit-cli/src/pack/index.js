// Written by `clawkit pack`: the OpenClaw entry of a plugin whose providers are
// written in Rust with clawkit. It registers each provider (its API-key auth,
// env vars and models) with OpenClaw and sends their turns to the plugin's own
// binary, started on first use as a sidecar (`serve --sidecar` on 127.0.0.1,
// port 0). OpenClaw's openai-completions transport talks to the sidecar, and
// the sidecar runs the provider's Rust hooks, families and text transforms
// against the real upstream. The API key OpenClaw resolved travels with each
// request (`Authorization: Bearer …`), never in argv, the environment or a
// file. The sidecar stops when OpenClaw does: it exits when its stdin closes.
// It runs on the OS and CPU it was packed on (package.json's `os` / `cpu`).
//
// Everything plugin-specific is in clawkit-plugin.json beside this file.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { definePluginEntry } from "openclaw/plugin-sdk/plugin-entry";
import { createProviderApiKeyAuthMethod } from "openclaw/plugin-sdk/provider-auth";

const PLUGIN = JSON.parse(readFileSync(new URL("./clawkit-plugin.json", import.meta.url), "utf8"));

// A base URL nothing listens on, until the sidecar says where it is.
const NOT_STARTED = "http://127.0.0.1:9";

// How long the sidecar may take to say where it listens.
const START_TIMEOUT_MS = 30_000;

const SIDECAR_COMMAND = fileURLToPath(new URL(PLUGIN.sidecar.command, import.meta.url));

// One sidecar per OpenClaw process and binary: OpenClaw registers an entry
// more than once, and an upgraded plugin brings another binary.
const SIDECAR = (globalThis[Symbol.for(`clawkit.sidecar.${PLUGIN.pluginId}:${SIDECAR_COMMAND}`)] ??= {
  url: null,
  starting: null,
  child: null,
});

const debug = (line) => {
  if (process.env.CLAWKIT_SIDECAR_DEBUG) process.stderr.write(`[${PLUGIN.pluginId} sidecar] ${line}\n`);
};

// Every env var an API key of this plugin may come from.
const KEY_VARS = new Set(
  PLUGIN.providers.flatMap((provider) => [
    ...provider.envVars,
    ...provider.auth.map((method) => method.envVar).filter(Boolean),
  ]),
);

/** Starts the sidecar once; resolves to its root URL (`http://127.0.0.1:PORT`). */
function ensureSidecar() {
  SIDECAR.starting ??= new Promise((resolve, reject) => {
    // Keys reach the sidecar with each request, not through its environment.
    // (Its upstreams, `<ID>_BASE_URL`, stay: the sidecar reads them there,
    // out of argv, where any local user could read them.)
    const env = { ...process.env };
    for (const name of KEY_VARS) delete env[name];
    const child = spawn(SIDECAR_COMMAND, PLUGIN.sidecar.args, {
      stdio: ["pipe", "pipe", "pipe"], // stdin stays open: its end is the sidecar's signal to stop
      detached: false,
      env,
    });
    SIDECAR.child = child;
    let settled = false;
    let said = "";
    const forget = () => {
      if (SIDECAR.child === child) {
        SIDECAR.child = null;
        SIDECAR.url = null;
        SIDECAR.starting = null;
      }
    };
    const fail = (message) => {
      forget();
      if (!settled) {
        settled = true;
        reject(new Error(`${PLUGIN.pluginId}: ${message}`));
      }
    };
    const stop = () => {
      try {
        child.kill("SIGTERM");
      } catch {}
    };
    const timer = setTimeout(() => {
      stop();
      fail(`the sidecar did not say where it listens within ${START_TIMEOUT_MS / 1000} s: ${said.trim()}`);
    }, START_TIMEOUT_MS);
    timer.unref?.();
    child.stderr.on("data", (chunk) => {
      const text = chunk.toString();
      said = (said + text).slice(-4000);
      debug(text.trimEnd());
    });
    process.once("exit", stop);
    child.once("error", (error) => {
      clearTimeout(timer);
      fail(`cannot start ${SIDECAR_COMMAND}: ${error.message}`);
    });
    // "close", not "exit": by then its stderr has been read to the end.
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      process.off("exit", stop);
      fail(`the sidecar stopped (${code ?? signal}): ${said.trim()}`);
    });
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const url = line.trim().replace(/^listening on /, "");
      if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) {
        stop();
        fail(`the sidecar said ${JSON.stringify(line)}, not where it listens`);
        return;
      }
      settled = true;
      SIDECAR.url = url;
      debug(`pid ${child.pid} at ${url}`);
      // Neither the child nor its pipes keep OpenClaw running.
      child.unref();
      child.stdin.unref?.();
      child.stdout.unref?.();
      child.stderr.unref?.();
      resolve(url);
    });
  });
  return SIDECAR.starting;
}

/** Where a provider's requests go: its routes on the sidecar, model ids bare. */
const baseUrlOf = (provider, root) => `${root ?? NOT_STARTED}/providers/${provider.id}/v1`;

/** The runtime model OpenClaw needs for `provider/<modelId>`, or undefined (an unknown model). */
function runtimeModel(provider, modelId) {
  const row =
    provider.models.find((model) => model.id === modelId) ??
    (provider.dynamicModels ? { ...provider.dynamicDefaults, id: modelId, name: modelId } : undefined);
  return row && { ...row, provider: provider.id, api: "openai-completions", baseUrl: baseUrlOf(provider, SIDECAR.url) };
}

export default definePluginEntry({
  id: PLUGIN.pluginId,
  name: PLUGIN.name,
  description: PLUGIN.description,
  register(api) {
    for (const provider of PLUGIN.providers) {
      api.registerProvider({
        id: provider.id,
        label: provider.label,
        ...(provider.docsPath ? { docsPath: provider.docsPath } : {}),
        envVars: provider.envVars,
        auth: provider.auth.map((method) => createProviderApiKeyAuthMethod({ providerId: provider.id, ...method })),
        // A local turn (`openclaw agent --local --model <provider>/<model>`) finds its model here.
        resolveDynamicModel: (ctx) => runtimeModel(provider, ctx.modelId),
        // Before each turn, with the resolved key: start the sidecar and send the turn there.
        prepareRuntimeAuth: async (ctx) => {
          if (!ctx.apiKey) {
            throw new Error(`${provider.id}: no API key; set ${provider.envVars.join(" or ") || "one"} or add an auth profile`);
          }
          return { apiKey: ctx.apiKey, baseUrl: baseUrlOf(provider, await ensureSidecar()) };
        },
        // `openclaw models list --refresh` and the Gateway's model inventory:
        // the rows only (no sidecar is started for a listing; a turn's
        // prepareRuntimeAuth sets the real base URL).
        catalog: {
          order: "simple",
          run: async (ctx) => {
            const apiKey = ctx.resolveProviderApiKey(provider.id).apiKey;
            if (!apiKey) return null;
            return {
              provider: {
                api: "openai-completions",
                baseUrl: baseUrlOf(provider, SIDECAR.url),
                apiKey,
                models: provider.models,
              },
            };
          },
        },
      });
    }
  },
});
