// Wall time and peak memory of short CLI commands, run as a user runs them: a fresh `node bin/capacity-guard.js`
// process on the freshly built bundle. `npm run bench:cli` prints one table; `npm run bench` keeps the figures
// in bench/results.json. The goal is < 150 ms for commands that draw no chart.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable } from '../cli/format-table.js';

export const CLI_STARTUP_GOAL_MS = 150;
export const CLI_STARTUP_RUNS = 9;

/** Commands that draw no chart, each of which should start and finish under the goal. */
const COMMANDS: readonly (readonly string[])[] = [
  ['--version'],
  ['max-pods', '--instance-type', 'm5.large'],
  ['node-ips', '--instance-type', 'm5.large', '--pods', '20', '--cni', 'WARM_IP_TARGET=5'],
  ['plan', '--instance-type', 'm5.large', '--from', '50', '--to', '200'],
  ['simulate', '--help'],
  ['audit', '--help'],
  ['audit', '--snapshot', 'examples/snapshot'],
];

export interface CliStartupRow {
  /** `capacity-guard <args>` as typed. */
  readonly command: string;
  readonly medianMs: number;
  /** Median less the median of an empty `node -e 0` in the same rounds. */
  readonly overFloorMs: number;
  readonly minMs: number;
  readonly peakRssMb: number | null;
}

export interface CliStartupResult {
  readonly runs: number;
  readonly goalMs: number;
  /** Median of an empty `node -e 0`: what any Node command pays on this machine at this moment. */
  readonly floorMs: number;
  readonly loadAverage1m: number;
  readonly rows: readonly CliStartupRow[];
}

// Reports the child's peak RSS from inside it, on stderr after everything else it printed.
const RSS_PROBE =
  "data:text/javascript,import{writeSync}from'node:fs';" +
  "process.on('exit',()=>writeSync(2,'\\nmaxrss-kb='+process.resourceUsage().maxRSS+'\\n'))";

/** `null` runs an empty script: the floor any Node command pays on this machine at this moment. */
function runOnce(
  root: string,
  args: readonly string[] | null,
  probe: boolean,
): { wallMs: number; maxRssKb: number | null } {
  const script = args === null ? ['-e', '0'] : [join(root, 'bin', 'capacity-guard.js'), ...args];
  const nodeArgs = probe ? ['--import', RSS_PROBE, ...script] : script;
  const env = { ...process.env, NODE_OPTIONS: '' };
  const started = performance.now();
  const run = spawnSync(process.execPath, nodeArgs, { cwd: root, env, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (run.status !== 0)
    throw new Error(`capacity-guard ${args?.join(' ')} exited ${run.status}: ${run.stderr}`);
  const rss = /maxrss-kb=(\d+)/.exec(run.stderr);
  return { wallMs, maxRssKb: rss?.[1] ? Number(rss[1]) : null };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Builds the CLI, then times every command `runs` times, interleaved with the empty script. */
export function measureCliStartup(root: string, runs: number): CliStartupResult {
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);

  // Rounds interleave the commands with the empty script, so a change in the machine's load hits all alike.
  const entries = [null, ...COMMANDS];
  for (const args of entries) runOnce(root, args, false); // warm the file cache
  const walls = entries.map(() => [] as number[]);
  for (let round = 0; round < runs; round++) {
    entries.forEach((args, i) => {
      walls[i]?.push(runOnce(root, args, false).wallMs);
    });
  }
  const floorMs = Math.round(median(walls[0] ?? []));
  const rows = COMMANDS.map((args, i) => {
    const times = walls[i + 1] ?? [];
    const medianMs = Math.round(median(times));
    const rssKb = runOnce(root, args, true).maxRssKb;
    return {
      command: `capacity-guard ${args.join(' ')}`,
      medianMs,
      overFloorMs: medianMs - floorMs,
      minMs: Math.round(Math.min(...times)),
      peakRssMb: rssKb === null ? null : Math.round(rssKb / 1024),
    };
  });
  const [load1] = loadavg();
  return {
    runs,
    goalMs: CLI_STARTUP_GOAL_MS,
    floorMs,
    loadAverage1m: Math.round((load1 ?? 0) * 10) / 10,
    rows,
  };
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: String(CLI_STARTUP_RUNS) } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs: '${values.runs}' is not a whole number >= 1`);
  const result = measureCliStartup(dirname(dirname(fileURLToPath(import.meta.url))), runs);
  const rows = [
    ['node -e 0 (floor)', result.floorMs, '', '', '', ''],
    ...result.rows.map((row) => [
      row.command,
      row.medianMs,
      `+${row.overFloorMs}`,
      row.minMs,
      row.peakRssMb === null ? '-' : `${row.peakRssMb} MB`,
      row.medianMs < result.goalMs ? 'yes' : 'NO',
    ]),
  ];
  process.stdout.write(
    `${formatTable(['command', 'median ms', 'over floor', 'min ms', 'peak RSS', `< ${result.goalMs} ms`], rows)}\n` +
      `${runs} runs each, ${cpus().length} CPUs, load average ${result.loadAverage1m}, Node ${process.version}\n`,
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
