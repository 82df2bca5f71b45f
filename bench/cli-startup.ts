// Wall time and peak memory of short CLI commands, run as a user runs them: a fresh `node bin/capacity-guard.js`
// process on the freshly built bundle. Prints one table; the goal is < 150 ms for commands that draw no chart.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable } from '../cli/format-table.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const BIN = join(ROOT, 'bin', 'capacity-guard.js');
const GOAL_MS = 150;

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

// Reports the child's peak RSS from inside it, on stderr after everything else it printed.
const RSS_PROBE =
  "data:text/javascript,import{writeSync}from'node:fs';" +
  "process.on('exit',()=>writeSync(2,'\\nmaxrss-kb='+process.resourceUsage().maxRSS+'\\n'))";

/** `null` runs an empty script: the floor any Node command pays on this machine at this moment. */
function runOnce(
  args: readonly string[] | null,
  probe: boolean,
): { wallMs: number; maxRssKb: number | null } {
  const script = args === null ? ['-e', '0'] : [BIN, ...args];
  const nodeArgs = probe ? ['--import', RSS_PROBE, ...script] : script;
  const env = { ...process.env, NODE_OPTIONS: '' };
  const started = performance.now();
  const run = spawnSync(process.execPath, nodeArgs, { cwd: ROOT, env, encoding: 'utf8' });
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

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs: '${values.runs}' is not a whole number >= 1`);

const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: ROOT, encoding: 'utf8' });
if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);

// Rounds interleave the commands with the empty script, so a change in the machine's load hits all alike.
const entries = [null, ...COMMANDS];
for (const args of entries) runOnce(args, false); // warm the file cache
const walls = entries.map(() => [] as number[]);
for (let round = 0; round < runs; round++) {
  entries.forEach((args, i) => {
    walls[i]?.push(runOnce(args, false).wallMs);
  });
}
const floorMs = median(walls[0] ?? []);
const rows = entries.map((args, i) => {
  const med = median(walls[i] ?? []);
  const rssKb = runOnce(args, true).maxRssKb;
  return [
    args === null ? 'node -e 0 (floor)' : `capacity-guard ${args.join(' ')}`,
    Math.round(med),
    args === null ? '' : `+${Math.round(med - floorMs)}`,
    Math.round(Math.min(...(walls[i] ?? []))),
    rssKb === null ? '-' : `${Math.round(rssKb / 1024)} MB`,
    args === null ? '' : med < GOAL_MS ? 'yes' : 'NO',
  ];
});
const [load1] = loadavg();
process.stdout.write(
  `${formatTable(['command', 'median ms', 'over floor', 'min ms', 'peak RSS', `< ${GOAL_MS} ms`], rows)}\n` +
    `${runs} runs each, ${cpus().length} CPUs, load average ${load1?.toFixed(1)}, Node ${process.version}\n`,
);
