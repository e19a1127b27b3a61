// Resolve hooks (Node 24 `module.registerHooks`: synchronous, in-thread). Load with
//   node --experimental-transform-types --import ./hooks.mjs driver.ts
//  - "@/lib/gateway/GatewayClient" -> ./shims/GatewayClient.ts  (real file is a React module)
//  - "next/server"                 -> ./shims/next-server.ts
//  - "@/<x>"                       -> ./src/<x>.ts  (tsconfig paths: "@/*": ["./src/*"])
//  - extensionless relative specifiers get ".ts" appended (tsconfig uses moduleResolution "bundler")
import { registerHooks } from "node:module";
import { statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const root = path.dirname(fileURLToPath(import.meta.url));
const isFile = (p) => { try { return statSync(p).isFile(); } catch { return false; } };
const tryFile = (base) =>
  [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")].find(isFile) ?? null;
const SHIMS = {
  "@/lib/gateway/GatewayClient": "shims/GatewayClient.ts",
  "next/server": "shims/next-server.ts",
};

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (SHIMS[specifier]) {
      return { url: pathToFileURL(path.join(root, SHIMS[specifier])).href, shortCircuit: true };
    }
    if (specifier.startsWith("@/")) {
      const file = tryFile(path.join(root, "src", specifier.slice(2)));
      if (!file) throw new Error(`hooks: cannot resolve ${specifier}`);
      return { url: pathToFileURL(file).href, shortCircuit: true };
    }
    if (/^\.\.?\//.test(specifier) && context.parentURL?.startsWith("file:")) {
      const file = tryFile(path.resolve(path.dirname(fileURLToPath(context.parentURL)), specifier));
      if (file) return { url: pathToFileURL(file).href, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});
