// Written by `clawkit pack`: the OpenClaw entry of a plugin whose providers are
// written in Rust with clawkit. It registers each provider (its API-key auth,
// env vars and models) with OpenClaw and sends their turns to the plugin's own
// binary, started on first use as a sidecar (`serve --sidecar` on 127.0.0.1,
// port 0). OpenClaw's openai-completions transport talks to the sidecar, and
// the sidecar runs the provider's Rust hooks, families and text transforms
// against the real upstream. The API key OpenClaw resolved travels with each
// request (`Authorization: Bearer …`), never in argv, the environment or a
// file. The sidecar stops when OpenClaw does: it exits when its stdin closes.
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

// One sidecar per OpenClaw process: OpenClaw registers an entry more than once.
const SIDECAR = (globalThis[Symbol.for(`clawkit.sidecar.${PLUGIN.pluginId}`)] ??= {
  url: null,
  starting: null,
});

const debug = (line) => {
  if (process.env.CLAWKIT_SIDECAR_DEBUG) process.stderr.write(`[${PLUGIN.pluginId} sidecar] ${line}\n`);
};

/** The sidecar's arguments: its own, then `--base-url` for each provider whose `<ID>_BASE_URL` is set. */
function sidecarArgs() {
  const args = [...PLUGIN.sidecar.args];
  for (const provider of PLUGIN.providers) {
    const url = provider.baseUrlEnv && process.env[provider.baseUrlEnv]?.trim();
    if (url) args.push("--base-url", `${provider.id}=${url}`);
  }
  return args;
}

/** Starts the sidecar once; resolves to its root URL (`http://127.0.0.1:PORT`). */
function ensureSidecar() {
  SIDECAR.starting ??= new Promise((resolve, reject) => {
    // Keys reach the sidecar with each request, not through its environment.
    const env = { ...process.env };
    for (const provider of PLUGIN.providers) for (const name of provider.envVars) delete env[name];
    const command = fileURLToPath(new URL(PLUGIN.sidecar.command, import.meta.url));
    const child = spawn(command, sidecarArgs(), {
      stdio: ["pipe", "pipe", "pipe"], // stdin stays open: its end is the sidecar's signal to stop
      detached: false,
      env,
    });
    let said = "";
    child.stderr.on("data", (chunk) => {
      const text = chunk.toString();
      said = (said + text).slice(-4000);
      debug(text.trimEnd());
    });
    const stop = () => {
      try {
        child.kill("SIGTERM");
      } catch {}
    };
    process.once("exit", stop);
    child.once("error", (error) => {
      SIDECAR.starting = null;
      reject(new Error(`${PLUGIN.pluginId}: cannot start ${command}: ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      process.off("exit", stop);
      SIDECAR.url = null;
      SIDECAR.starting = null;
      reject(new Error(`${PLUGIN.pluginId}: the sidecar stopped (${code ?? signal}): ${said.trim()}`));
    });
    createInterface({ input: child.stdout }).once("line", (line) => {
      const url = line.trim().replace(/^listening on /, "");
      if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) {
        stop();
        reject(new Error(`${PLUGIN.pluginId}: the sidecar said ${JSON.stringify(line)}, not where it listens`));
        return;
      }
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
        prepareRuntimeAuth: async (ctx) => ({
          apiKey: ctx.apiKey,
          baseUrl: baseUrlOf(provider, await ensureSidecar()),
        }),
        // `openclaw models list --refresh` and the Gateway's model inventory.
        catalog: {
          order: "simple",
          run: async (ctx) => {
            const apiKey = ctx.resolveProviderApiKey(provider.id).apiKey;
            if (!apiKey) return null;
            return {
              provider: {
                api: "openai-completions",
                baseUrl: baseUrlOf(provider, await ensureSidecar()),
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
