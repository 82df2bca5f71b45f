#!/usr/bin/env node
// Entry point of the `capacity-guard` command: runs the bundle that `npm run build` writes.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/capacity-guard.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write("capacity-guard: the CLI is not built yet; run 'npm run build' first\n");
  process.exit(2);
}
process.argv[1] = bundle;
await import(bundle);
