// OpenClaw's own streaming runtime (`@openclaw/ai`) as one client of the peer
// bench: streams one recorded stream from the loopback server
// (`serve-recorded`), rebuilding the text from `text_delta` events, and
// prints one JSON line with this process's CPU time (user + system, from
// `process.cpuUsage()`) over the timed requests.
//
//   node client.mjs --stream openai|anthropic --url http://127.0.0.1:PORT/v1 \
//     --requests N [--warmup N] [--expect FILE]
//
// `--expect FILE`: the text every request must rebuild, byte for byte (the
// run fails otherwise). Warm-up requests are not timed.

import { readFileSync } from "node:fs";
import { createLlmRuntime } from "@openclaw/ai";
import { registerBuiltInApiProviders } from "@openclaw/ai/providers";

function parseArgs(argv) {
  const args = { warmup: 1, requests: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${key}: missing value`);
    switch (key) {
      case "--stream": args.stream = value; break;
      case "--url": args.url = value; break;
      case "--requests": args.requests = Number.parseInt(value, 10); break;
      case "--warmup": args.warmup = Number.parseInt(value, 10); break;
      case "--expect": args.expect = readFileSync(value, "utf8"); break;
      default: throw new Error(`unknown argument ${key}`);
    }
  }
  if (!args.url) throw new Error("--url is required");
  if (!(args.requests > 0) || !(args.warmup >= 0)) throw new Error("--requests must be > 0, --warmup >= 0");
  return args;
}

// The same models the Rust clients ask for, at the loopback server.
function model(stream, baseUrl) {
  const common = {
    baseUrl,
    reasoning: false,
    input: ["text"],
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    contextWindow: 128000,
    maxTokens: 1024,
  };
  switch (stream) {
    case "openai":
      return { ...common, id: "gpt-4.1-nano", name: "gpt-4.1-nano", api: "openai-completions", provider: "openai" };
    case "anthropic":
      // Anthropic's SDK adds `/v1/messages` to the base URL itself.
      return { ...common, baseUrl: baseUrl.replace(/\/v1\/?$/, ""), id: "claude-sonnet-4-5", name: "claude-sonnet-4-5", api: "anthropic-messages", provider: "anthropic" };
    default:
      throw new Error(`--stream must be openai or anthropic, not ${stream}`);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const runtime = createLlmRuntime();
  registerBuiltInApiProviders(runtime.registry);
  const target = model(args.stream, args.url);

  // One request: every `text_delta` appended; returns the text and the
  // number of deltas. An `error` event (or a stream that ends without
  // `done`) fails the run.
  async function request() {
    const context = { messages: [{ role: "user", content: "Hello", timestamp: Date.now() }] };
    const events = runtime.stream(target, context, { apiKey: "sk-test", maxTokens: 1024 });
    let text = "";
    let deltas = 0;
    let done = false;
    for await (const event of events) {
      if (event.type === "text_delta") {
        text += event.delta;
        deltas += 1;
      } else if (event.type === "error") {
        throw new Error(`stream error: ${event.error?.errorMessage ?? JSON.stringify(event.error ?? event)}`);
      } else if (event.type === "done") {
        done = true;
      }
    }
    if (!done) throw new Error("the stream ended without a done event");
    return { text, deltas };
  }

  function check({ text }) {
    if (args.expect !== undefined && text !== args.expect) {
      throw new Error(`the text differs from the expected one (${text.length} chars, expected ${args.expect.length})`);
    }
  }

  for (let i = 0; i < args.warmup; i++) check(await request());
  let deltas = 0;
  let textLen = 0;
  const start = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  for (let i = 0; i < args.requests; i++) {
    const out = await request();
    deltas += out.deltas;
    textLen = out.text.length;
    check(out);
  }
  const cpu = process.cpuUsage(start);
  const wallNs = Number(process.hrtime.bigint() - wallStart);
  process.stdout.write(
    JSON.stringify({
      client: "openclaw_ai",
      stream: args.stream,
      requests: args.requests,
      deltas,
      cpu_ns: (cpu.user + cpu.system) * 1000,
      wall_ns: wallNs,
      text_chars: textLen,
      node: process.version,
    }) + "\n",
  );
}

main().catch((error) => {
  process.stderr.write(`client.mjs: ${error?.stack ?? error}\n`);
  process.exit(1);
});
