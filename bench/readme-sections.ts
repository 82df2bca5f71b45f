// Renders every figure of the README's "Performance" section from bench/results.json. `npm run bench` rewrites
// the marked sections; test/unit/bench/readme-sections.test.ts fails when the README and the results disagree.
import type { AlertLeadRow } from './alert-lead-time.js';
import type { AuditCostRow } from './audit-cost.js';
import type { BenchResults, StoredColdStartRow } from './bench-results.js';
import type { CliStartupResult } from './cli-startup.js';
import { renderPacingTable } from './pacing-summary.js';
import { replaceSection } from './readme-markers.js';

export const NOT_MEASURED = 'not measured';

const count = (value: number): string => value.toLocaleString('en-US');
const decimal = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 1 });
const ms = (value: number | undefined): string => (value === undefined ? NOT_MEASURED : `${count(value)} ms`);
const signedMs = (value: number): string => `${value < 0 ? '' : '+'}${ms(value)}`;
const sec = (value: number | null): string => (value === null ? 'never' : `${count(value)} s`);
const leadMin = (value: number | null): string => (value === null ? '—' : `${decimal(value)} min`);
const sum = (values: Readonly<Record<string, number>>): number =>
  Object.values(values).reduce((a, b) => a + b, 0);
const metOrNot = (ok: boolean): string => (ok ? 'met' : 'not met');
const shortPackage = (name: string): string =>
  name.replace(/^@aws-sdk\/client-/, 'client-').replace(/^@smithy\//, 'smithy/');

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), `|${headers.map(() => '---|').join('')}`, ...rows.map(line)].join('\n');
}

/** Seed, Node, machine and duration of the run the figures come from. */
export function renderRunSection(results: BenchResults): string {
  const machine =
    results.cpus === undefined
      ? ''
      : `, ${results.cpus} CPUs, load average ${results.loadAverage1m ?? NOT_MEASURED}`;
  const { seeds, lateEventDelaysSec } = results.pacingModes;
  const delays = lateEventDelaysSec.map((delay) => `${delay} s`).join(' and ');
  return (
    `Figures of the last run: seed ${results.seed}, Node ${results.node}${machine}, ` +
    `${decimal(results.elapsedSec)} s in all. Pacing modes ran seeds 1-${seeds}, ` +
    `and seed ${results.seed} again with events ${delays} late.`
  );
}

/** One row per exhaustion scenario: the guard's first alert and a static alarm against the first failure. */
export function renderAlertLeadSection(rows: readonly AlertLeadRow[]): string {
  if (rows.length === 0) return `Alert lead time: ${NOT_MEASURED}.`;
  return table(
    [
      'scenario',
      'first allocation failure',
      'at',
      "guard's first alert",
      'guard lead',
      'static alarm',
      'static lead',
    ],
    rows.map((row) => [
      row.scenario,
      row.firstAllocationFailure ?? 'none',
      sec(row.firstAllocationFailureSec),
      sec(row.guardAlertSec),
      leadMin(row.guardLeadMin),
      sec(row.staticAlarmSec),
      leadMin(row.staticLeadMin),
    ]),
  );
}

/** Audit cost per generated account size, the growth between the two largest, and the goals. */
export function renderAuditCostSection(rows: readonly AuditCostRow[], goals: BenchResults['goals']): string {
  if (rows.length === 0) return `Audit cost: ${NOT_MEASURED}.`;
  const lines = [
    table(
      [
        'subnets',
        'ENIs',
        'groups',
        'compute (median)',
        'first audit',
        'peak RSS',
        'heap retained',
        'AWS calls (pages)',
        'store ops',
      ],
      rows.map((row) => [
        count(row.subnets),
        count(row.enis),
        count(row.groups),
        ms(row.computeMs),
        ms(row.firstRunMs),
        `${count(row.peakRssMb)} MB`,
        `${decimal(row.heapDeltaMb)} MB`,
        count(sum(row.calls)),
        count(sum(row.storeOps)),
      ]),
    ),
    '',
  ];
  const [mid, big] = [rows.at(-2), rows.at(-1)];
  const top = big ?? (rows[0] as AuditCostRow);
  lines.push(
    `Goal at ${count(top.subnets)} subnets: compute < ${count(goals.auditMs)} ms and peak RSS < ` +
      `${count(goals.auditRssMb)} MB: ${metOrNot(top.computeMs < goals.auditMs && top.peakRssMb < goals.auditRssMb)}.`,
  );
  if (mid !== undefined && big !== undefined && rows.length > 1) {
    const size = big.subnets / mid.subnets;
    const time = big.computeMs / Math.max(1, mid.computeMs);
    lines.push(
      `From ${count(mid.subnets)} to ${count(big.subnets)} subnets (×${decimal(size)}): time ×${time.toFixed(1)}, ` +
        `AWS calls ×${(sum(big.calls) / Math.max(1, sum(mid.calls))).toFixed(1)} (goal: time ≤ ×${decimal(size)}, ` +
        `${metOrNot(time <= size)}). Calls made one resource at a time at ${count(big.subnets)} subnets: ` +
        `\`GetSubnetCidrReservations\` ${count(big.calls['EC2:GetSubnetCidrReservations'] ?? 0)}, ` +
        `\`DescribeNodegroup\` ${count(big.calls['EKS:DescribeNodegroup'] ?? 0)}.`,
    );
  }
  return lines.join('\n');
}

/** Each function's package and import time; figures a stored run lacks read "not measured". */
export function renderColdStartSection(
  rows: readonly StoredColdStartRow[],
  goals: BenchResults['goals'],
): string {
  if (rows.length === 0) return `Cold start: ${NOT_MEASURED}.`;
  const largest = (row: StoredColdStartRow) =>
    Object.entries(row.byPackageKb)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 3)
      .map(([name, kb]) => `${shortPackage(name)} ${Math.round(kb)} kB`)
      .join(', ');
  const met = rows.filter((row) => row.zippedKb < goals.zippedKb && row.importMs < goals.importMs).length;
  return [
    table(
      [
        'function',
        'zip',
        'handler bundle',
        'import (wall)',
        'import (CPU)',
        'tracing off (wall)',
        'whole process',
        'largest packages in the bundle',
      ],
      rows.map((row) => [
        row.fn,
        `${decimal(row.zippedKb)} kB`,
        `${decimal(row.bundleKb)} kB`,
        ms(row.importMs),
        ms(row.importCpuMs),
        ms(row.importMsWithoutTracing),
        ms(row.processMs),
        largest(row),
      ]),
    ),
    '',
    `Goal: zip < ${count(goals.zippedKb)} kB and import (wall) < ${count(goals.importMs)} ms: ` +
      `met by ${met} of ${rows.length} functions.`,
  ].join('\n');
}

/** Short CLI commands as fresh processes, against an empty `node -e 0` timed in the same rounds. */
export function renderCliStartupSection(result: CliStartupResult | undefined): string {
  if (result === undefined)
    return `CLI start-up: ${NOT_MEASURED} in \`bench/results.json\` (\`npm run bench\` measures it).`;
  return [
    table(
      ['command', 'median', 'over `node -e 0`', 'fastest', 'peak RSS', `< ${result.goalMs} ms`],
      result.rows.map((row) => [
        `\`${row.command}\``,
        ms(row.medianMs),
        signedMs(row.overFloorMs),
        ms(row.minMs),
        row.peakRssMb === null ? NOT_MEASURED : `${count(row.peakRssMb)} MB`,
        row.medianMs < result.goalMs ? 'yes' : 'no',
      ]),
    ),
    '',
    `${result.runs} runs each; \`node -e 0\` alone: ${ms(result.floorMs)} (load average ${result.loadAverage1m}).`,
  ].join('\n');
}

/** The quick start's sample output: what `npm start` printed in the bench run. */
export function renderQuickStartSection(result: BenchResults['quickStart']): string {
  if (result === undefined) return `\`npm start\` output: ${NOT_MEASURED} (\`npm run bench\` records it).`;
  return ['```', result.output, '```'].join('\n');
}

/** Every generated README section, by marker id. */
export const README_SECTIONS: readonly {
  readonly id: string;
  readonly render: (results: BenchResults) => string;
}[] = [
  { id: 'quick-start', render: (results) => renderQuickStartSection(results.quickStart) },
  { id: 'run', render: renderRunSection },
  { id: 'pacing-modes', render: (results) => renderPacingTable(results.pacingModes.summary) },
  { id: 'alert-lead-time', render: (results) => renderAlertLeadSection(results.alertLeadTime) },
  { id: 'audit-cost', render: (results) => renderAuditCostSection(results.auditCost, results.goals) },
  { id: 'cold-start', render: (results) => renderColdStartSection(results.coldStart, results.goals) },
  { id: 'cli-startup', render: (results) => renderCliStartupSection(results.cliStartup) },
];

/** README text with every generated section rendered from `results`. */
export function renderReadme(readme: string, results: BenchResults): string {
  return README_SECTIONS.reduce(
    (text, section) => replaceSection(text, section.id, section.render(results)),
    readme,
  );
}
