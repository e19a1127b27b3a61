// Drives Claw3D's own CustomRuntimeProvider (./src, vendored unmodified) against
// a runtime URL, the way Studio does, and prints one JSON object per step:
//   {"step": "<name>", "result": <value>}  or  {"step": "<name>", "error": "<message>"}
//
//   node --no-warnings --experimental-transform-types --import ./hooks.mjs driver.ts URL
//
// Needs Node >= 24.16 (module.registerHooks, --experimental-transform-types).
// Between the failing and the retried reviewer turn it prints
// {"step": "paused"} and waits for one line on stdin, so the caller can change
// the runtime (mark the worker healthy again) before the retry.
import { createInterface } from "node:readline";
import { CustomRuntimeProvider } from "@/lib/runtime/custom/provider";
import { probeCustomRuntime } from "@/lib/runtime/custom/http";
import { FakeGatewayClient } from "@/lib/gateway/GatewayClient";
import * as proxyRoute from "@/app/api/runtime/custom/route";

const base = process.argv[2];
if (!base) {
  console.error("usage: driver.ts RUNTIME_URL");
  process.exit(2);
}

// The browser half calls fetch("/api/runtime/custom", …) on its own origin; send
// that to Claw3D's real Next route handler in-process (which then fetches the
// runtime). Absolute URLs go to the real fetch.
const realFetch = globalThis.fetch;
globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  if (typeof input === "string" && input.startsWith("/")) {
    return proxyRoute.POST(new Request(`http://localhost:3000${input}`, init));
  }
  return realFetch(input as RequestInfo, init);
}) as typeof fetch;
// The route handler logs proxy failures with console.error; keep stdout JSON only.
console.error = () => {};

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
async function step(name: string, run: () => Promise<unknown>) {
  try {
    const result = await run();
    print({ step: name, result: result === undefined ? null : result });
  } catch (error) {
    print({ step: name, error: error instanceof Error ? error.message : String(error) });
  }
}

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

// The same construction as Claw3D's createRuntimeProvider.ts, case "custom".
const provider = new CustomRuntimeProvider(new FakeGatewayClient() as any, base, {
  id: "custom", label: "Custom Runtime", runtimeName: "Custom Runtime", routeProfile: "custom",
});

await step("connect", () => probeCustomRuntime(base));
await step("agents.list", () => provider.call("agents.list", {}));
await step("models.list", () => provider.call("models.list", {}));
await step("describeRuntime.metadata", async () => (await provider.describeRuntime()).metadata);
await step("chat.send coder", () =>
  provider.call("chat.send", { sessionKey: "agent:coder:main", message: "hello coder", idempotencyKey: "run-1" }));
await step("chat.send coder again", () =>
  provider.call("chat.send", { sessionKey: "agent:coder:main", message: "second", idempotencyKey: "run-2" }));
await step("chat.send reviewer (failing worker)", () =>
  provider.call("chat.send", { sessionKey: "agent:reviewer:main", message: "review PR 12", idempotencyKey: "run-3" }));
print({ step: "paused" });
await lines.next();
await step("chat.send reviewer (retry)", () =>
  provider.call("chat.send", { sessionKey: "agent:reviewer:main", message: "review PR 12", idempotencyKey: "run-4" }));
await step("chat.history reviewer", () => provider.call("chat.history", { sessionKey: "agent:reviewer:main" }));
process.exit(0);
