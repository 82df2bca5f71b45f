// Bundles the CLI into dist/ (ES modules, Node 20+); `--outdir DIR` writes elsewhere.
// Code splitting keeps dist/capacity-guard.js small: the AWS SDK, the simulator and the chart libraries
// (vega, vega-lite) sit in chunks under dist/chunks/ that a command imports only when it needs them, so
// `max-pods`, `node-ips`, `plan` and every `--help` start without parsing them.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });

rmSync(values.outdir, { recursive: true, force: true });
await build({
  entryPoints: { 'capacity-guard': 'cli/main.ts' },
  outdir: values.outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  // The same plugins as the deployed functions: the live audit's SDK chunks leave out the schemas it never uses.
  plugins: createRequire(import.meta.url)('../infra/esbuild-plugins.cjs'),
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
