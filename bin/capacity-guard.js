#!/usr/bin/env node
// Entry point of the `capacity-guard` command: runs the bundle that `npm run build` writes.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node 22.1 and later keep the compiled bundle on disk between runs (in the OS temporary folder, or where
// NODE_COMPILE_CACHE says); every later start skips compiling it. Earlier versions have no such cache.
module.enableCompileCache?.();

const bundle = fileURLToPath(new URL('../dist/capacity-guard.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write("capacity-guard: the CLI is not built yet; run 'npm run build' first\n");
  process.exit(2);
}
// The SDK clients here answer a simulator or read-only audits; its Node-version notice would only clutter output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.argv[1] = bundle;
await import(bundle);
