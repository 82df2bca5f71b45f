import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

export interface ColdStartRow {
  readonly fn: string;
  /** The bundle alone (its source map apart). */
  readonly bundleKb: number;
  /** Deflate (what a .zip holds) of the bundle and its source map, in kB. */
  readonly zippedKb: number;
  /** Median over the runs of `await import(bundle)` inside a fresh Node process: load plus client building. */
  readonly importMs: number;
  /** The same without `--enable-source-maps` (the stack sets it for readable stack traces). */
  readonly importMsWithoutSourceMaps: number;
  /** Median wall time of the whole fresh process (Node's own start included). */
  readonly processMs: number;
  /** Largest inputs in the bundle, by bytes they contribute. */
  readonly biggestInputs: readonly { readonly input: string; readonly kb: number }[];
  /** Bytes in the bundle by package (node_modules/<scope/name>, or the project's own code). */
  readonly byPackageKb: Readonly<Record<string, number>>;
}

const RUNS = 5;

/** What a handler reads at import: the deployed stack sets these (serverless.yml). */
const HANDLER_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIABENCHCOLDSTART01',
  AWS_SECRET_ACCESS_KEY: 'bench-secret',
  STATE_TABLE_NAME: 'capacity-guard-bench',
  EVENT_BUS_NAME: 'default',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:capacity-guard-alerts',
  GUARD_ROLE_ARNS: 'arn:aws:iam::111122223333:role/capacity-guard',
  POWERTOOLS_SERVICE_NAME: 'capacity-guard',
  POWERTOOLS_LOG_LEVEL: 'WARN',
  NODE_OPTIONS: '--enable-source-maps',
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? '(project code)';
}

function kb(bytes: number): number {
  return Math.round((bytes / 1024) * 10) / 10;
}

/** Medians over fresh processes of the import alone and of the whole process. */
function timeImports(
  outfile: string,
  env: Readonly<Record<string, string>>,
): { importMs: number; processMs: number } {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(outfile).href)}); process.stdout.write(String(performance.now() - t0));`;
  const importTimes: number[] = [];
  const processTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    processTimes.push(performance.now() - started);
    importTimes.push(Number(out));
  }
  return { importMs: Math.round(median(importTimes)), processMs: Math.round(median(processTimes)) };
}

/** The Lambda functions: every `functions/<name>/handler.ts`. */
export function functionNames(root: string): string[] {
  return readdirSync(join(root, 'functions'))
    .filter((name) => {
      try {
        return statSync(join(root, 'functions', name, 'handler.ts')).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/** Bundles one function as it is deployed and times its load in fresh processes. */
export async function measureColdStart(root: string, fn: string): Promise<ColdStartRow> {
  const outDir = join(tmpdir(), 'capacity-guard-bench', fn);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'handler.mjs');
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'functions', fn, 'handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    treeShaking: true,
    // As serverless.yml packages the functions: ESM entry points of the SDK (tree-shakable), names kept,
    // an external source map without sources.
    mainFields: ['module', 'main'],
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  const bundle = readFileSync(outfile);
  const sourceMap = readFileSync(`${outfile}.map`);
  const metafile: Metafile = result.metafile;
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith('.mjs'))?.[1];
  const inputs = Object.entries(output?.inputs ?? {}).map(([input, info]) => ({
    input,
    bytes: info.bytesInOutput,
  }));
  const byPackage = new Map<string, number>();
  for (const { input, bytes } of inputs)
    byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytes);

  const timed = timeImports(outfile, HANDLER_ENV);
  const { NODE_OPTIONS: _sourceMaps, ...withoutSourceMaps } = HANDLER_ENV;
  return {
    fn,
    bundleKb: kb(bundle.length),
    zippedKb: kb(
      deflateRawSync(bundle, { level: 9 }).length + deflateRawSync(sourceMap, { level: 9 }).length,
    ),
    importMs: timed.importMs,
    importMsWithoutSourceMaps: timeImports(outfile, withoutSourceMaps).importMs,
    processMs: timed.processMs,
    biggestInputs: inputs
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 5)
      .map(({ input, bytes }) => ({ input, kb: kb(bytes) })),
    byPackageKb: Object.fromEntries(
      [...byPackage.entries()].sort(([, a], [, b]) => b - a).map(([name, bytes]) => [name, kb(bytes)]),
    ),
  };
}
