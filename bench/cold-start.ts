import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { deployedBuildOptions } from '../test/integration/bundles.js';

/** What the deployed functions must stay under (README "Performance"). */
export const COLD_START_GOALS = { zippedKb: 400, importMs: 200 } as const;

export interface ColdStartRow {
  readonly fn: string;
  /** The function's deployment package, `.serverless/<function key>.zip`, as `npm run package` writes it. */
  readonly zippedKb: number;
  /** Every file in that zip. */
  readonly files: readonly string[];
  /** The handler bundle, unzipped. */
  readonly bundleKb: number;
  /**
   * Median over the runs of `await import(handler)` inside a fresh Node process, with the deployed
   * environment (tracing on): load, Tracer, and building the SDK clients.
   */
  readonly importMs: number;
  /** CPU time (user + system) of that import: what a shared, loaded machine inflates least. */
  readonly importCpuMs: number;
  /** The same wall time with `tracing=false` (the Tracer and the X-Ray SDK are never loaded). */
  readonly importMsWithoutTracing: number;
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
  AWS_LAMBDA_FUNCTION_NAME: 'capacity-guard-bench',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  STATE_TABLE_NAME: 'capacity-guard-bench',
  EVENT_BUS_NAME: 'default',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:capacity-guard-alerts',
  GUARD_ROLE_ARNS: 'arn:aws:iam::111122223333:role/capacity-guard',
  SCALE_DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111122223333/capacity-guard-scale-dlq',
  GATE_DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111122223333/capacity-guard-gate-dlq',
  POWERTOOLS_SERVICE_NAME: 'capacity-guard',
  POWERTOOLS_LOG_LEVEL: 'WARN',
  POWERTOOLS_TRACE_ENABLED: 'true',
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

/** `scale-reactor` → `scaleReactor`, the function's key in serverless.yml and the name of its zip. */
export function functionKey(fn: string): string {
  return fn.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Medians over fresh processes of the import alone and of the whole process. */
function timeImports(
  file: string,
  env: Readonly<Record<string, string>>,
): { importMs: number; importCpuMs: number; processMs: number } {
  const script =
    'const c0 = process.cpuUsage(); const t0 = performance.now(); ' +
    `await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
    'const cpu = process.cpuUsage(c0); ' +
    'process.stdout.write(String(performance.now() - t0) + " " + String((cpu.user + cpu.system) / 1000));';
  const importTimes: number[] = [];
  const cpuTimes: number[] = [];
  const processTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    processTimes.push(performance.now() - started);
    const [wallMs, cpuMs] = out.split(' ').map(Number);
    importTimes.push(wallMs ?? Number.NaN);
    cpuTimes.push(cpuMs ?? Number.NaN);
  }
  return {
    importMs: Math.round(median(importTimes)),
    importCpuMs: Math.round(median(cpuTimes)),
    processMs: Math.round(median(processTimes)),
  };
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

/** Runs `npm run package` once when a function's zip is missing. */
function ensurePackaged(root: string, fns: readonly string[]): void {
  if (fns.every((fn) => existsSync(join(root, '.serverless', `${functionKey(fn)}.zip`)))) return;
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Bytes per input of the handler's bundle, built with the options serverless.yml packages it with. */
async function bundleInputs(root: string, fn: string): Promise<{ input: string; bytes: number }[]> {
  const { options, handlers } = deployedBuildOptions();
  const handler = handlers[functionKey(fn)] ?? '';
  const result = await build({
    ...options,
    absWorkingDir: root,
    entryPoints: [join(root, `${handler.slice(0, handler.lastIndexOf('.'))}.ts`)],
    outdir: join(tmpdir(), 'capacity-guard-bench-meta'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  return Object.entries(output?.inputs ?? {}).map(([input, info]) => ({ input, bytes: info.bytesInOutput }));
}

/** Unzips one function's deployment package and times its handler's load in fresh processes. */
export async function measureColdStart(root: string, fn: string): Promise<ColdStartRow> {
  ensurePackaged(root, [fn]);
  const zip = join(root, '.serverless', `${functionKey(fn)}.zip`);
  const files = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' })
    .split('\n')
    .filter((entry) => entry !== '' && !entry.endsWith('/'));
  const outDir = join(tmpdir(), 'capacity-guard-bench', fn);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  execFileSync('unzip', ['-q', '-o', zip, '-d', outDir]);
  const handlerFile = files.find((file) => /handler\.m?js$/.test(file));
  if (handlerFile === undefined)
    throw new Error(`${zip} holds no handler bundle (files: ${files.join(', ')})`);
  const bundle = join(outDir, handlerFile);

  const inputs = await bundleInputs(root, fn);
  const byPackage = new Map<string, number>();
  for (const { input, bytes } of inputs)
    byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytes);

  const timed = timeImports(bundle, HANDLER_ENV);
  const untraced = timeImports(bundle, { ...HANDLER_ENV, POWERTOOLS_TRACE_ENABLED: 'false' });
  return {
    fn,
    zippedKb: kb(statSync(zip).size),
    files,
    bundleKb: kb(statSync(bundle).size),
    importMs: timed.importMs,
    importCpuMs: timed.importCpuMs,
    importMsWithoutTracing: untraced.importMs,
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

/** `node --import tsx bench/cold-start.ts`: one line per function, zip size and import time against the goals. */
async function main(): Promise<void> {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const fns = functionNames(root);
  ensurePackaged(root, fns);
  process.stdout.write(
    `${'function'.padEnd(16)}  zip kB  files  import ms  import CPU ms  tracing off ms  ` +
      `goal < ${COLD_START_GOALS.zippedKb} kB, < ${COLD_START_GOALS.importMs} ms\n`,
  );
  for (const fn of fns) {
    const row = await measureColdStart(root, fn);
    const met = row.zippedKb < COLD_START_GOALS.zippedKb && row.importMs < COLD_START_GOALS.importMs;
    const cells = [
      fn.padEnd(16),
      String(row.zippedKb).padStart(6),
      String(row.files.length).padStart(5),
      String(row.importMs).padStart(9),
      String(row.importCpuMs).padStart(13),
      String(row.importMsWithoutTracing).padStart(14),
      met ? 'yes' : 'NO',
    ];
    process.stdout.write(`${cells.join('  ')}\n`);
  }
  process.stdout.write(`median of ${RUNS} fresh processes each; load average ${loadavg()[0]?.toFixed(1)}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
