import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../cli/commands/simulate.js';
import { formatTable } from '../cli/format-table.js';
import { type AlertLeadRow, alertLeadTime } from './alert-lead-time.js';
import { AUDIT_SIZES, type AuditCostRow, measureAuditCostIsolated } from './audit-cost.js';
import type { BenchResults } from './bench-results.js';
import { CLI_STARTUP_RUNS, type CliStartupResult, measureCliStartup } from './cli-startup.js';
import { COLD_START_GOALS, type ColdStartRow, functionNames, measureColdStart } from './cold-start.js';
import { Mode, type ModeRow, measureModes } from './pacing-modes.js';
import { type PacingSummaryRow, summarizePacing } from './pacing-summary.js';
import { measureQuickStart } from './quick-start.js';
import { renderReadme } from './readme-sections.js';
import { measureStagger, type StaggerRow, scalingScenarioNames, Variant } from './stagger-efficiency.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SEED = 1;
/** Seeds of the pacing comparison (BENCH_SEEDS=N runs seeds 1..N). */
const PACING_SEEDS = Number(process.env.BENCH_SEEDS ?? 5);
/** Late-event variants: Auto Scaling and CloudTrail events delivered this late (seed 1). */
const LATE_EVENT_DELAYS_SEC = [60, 180] as const;

/** The goals of the benchmark (README "Performance"). */
const GOALS = {
  staggerRatio: 1.1,
  auditMs: 2000,
  auditRssMb: 512,
  ...COLD_START_GOALS,
} as const;

type Row = readonly [area: string, subject: string, figures: string, goal: string, met: string];

const shortPackage = (name: string) =>
  name.replace(/^@aws-sdk\/client-/, '').replace(/^@smithy\//, 'smithy/');
const yesNo = (ok: boolean): string => (ok ? 'yes' : 'NO');
const sec = (value: number | null): string => (value === null ? 'never' : `${value} s`);
const min = (value: number | null): string => (value === null ? 'none' : `${value} min`);

function staggerRows(rows: readonly StaggerRow[]): Row[] {
  return rows.map((row) => {
    const ratio = row.ratio === null ? 'n/a' : row.ratio.toFixed(2);
    const figures =
      `pods run ${sec(row.allPodsRunSec)} ÷ bound ${row.lowerBoundSec} s = ${ratio}; ` +
      `Ready ${sec(row.nodesReadySec)}; peak ${row.peakAttachCallsIn60s} calls/60 s; ` +
      `${row.throttledAttaches} throttled; ${row.podMinutesWaitingForIp} pod-min waiting`;
    if (row.variant !== Variant.guard)
      return ['stagger', `${row.scenario} · ${row.variant}`, figures, '(baseline)', ''];
    const ratioOk = row.ratio === null || row.ratio <= GOALS.staggerRatio;
    const ok = ratioOk && row.peakAttachCallsIn60s <= row.attachBudgetPerMin && row.throttledAttaches === 0;
    return [
      'stagger',
      `${row.scenario} · ${row.variant}`,
      figures,
      `ratio ≤ ${GOALS.staggerRatio}, peak ≤ ${row.attachBudgetPerMin}, 0 throttled`,
      yesNo(ok),
    ];
  });
}

function auditRows(rows: readonly AuditCostRow[]): Row[] {
  const result: Row[] = rows.map((row) => {
    const byService = new Map<string, number>();
    for (const [name, count] of Object.entries(row.calls)) {
      const service = name.split(':')[0] ?? name;
      byService.set(service, (byService.get(service) ?? 0) + count);
    }
    const calls = [...byService.entries()].map(([service, count]) => `${service} ${count}`).join(', ');
    const top = row.subnets === Math.max(...rows.map((r) => r.subnets));
    return [
      'audit',
      `${row.subnets} subnets, ${row.enis} ENIs, ${row.groups} groups`,
      `${row.computeMs} ms (first ${row.firstRunMs} ms); peak RSS ${row.peakRssMb} MB, heap +${row.heapDeltaMb} MB; ` +
        `calls ${calls}; store ops ${Object.values(row.storeOps).reduce((a, b) => a + b, 0)}`,
      top ? `< ${GOALS.auditMs} ms, < ${GOALS.auditRssMb} MB` : '',
      top ? yesNo(row.computeMs < GOALS.auditMs && row.peakRssMb < GOALS.auditRssMb) : '',
    ];
  });
  const [mid, big] = [rows.at(-2), rows.at(-1)];
  if (mid && big) {
    const size = big.subnets / mid.subnets;
    const time = big.computeMs / Math.max(1, mid.computeMs);
    const callsOf = (row: AuditCostRow) => Object.values(row.calls).reduce((a, b) => a + b, 0);
    result.push([
      'audit',
      `growth ${mid.subnets} → ${big.subnets} subnets (×${size})`,
      `time ×${time.toFixed(1)}, calls ×${(callsOf(big) / callsOf(mid)).toFixed(1)}; one call per resource: ` +
        `GetSubnetCidrReservations ${big.calls['EC2:GetSubnetCidrReservations'] ?? 0}, ` +
        `DescribeNodegroup ${big.calls['EKS:DescribeNodegroup'] ?? 0}`,
      `time ≤ ×${size}`,
      yesNo(time <= size),
    ]);
  }
  return result;
}

function coldStartRows(rows: readonly ColdStartRow[]): Row[] {
  return rows.map((row) => {
    const dominant = Object.entries(row.byPackageKb)
      .slice(0, 3)
      .map(([name, kb]) => `${shortPackage(name)} ${Math.round(kb)} kB`)
      .join(', ');
    return [
      'cold start',
      row.fn,
      `${row.zippedKb} kB zipped; load + clients ${row.importMs} ms ` +
        `(${row.importMsWithoutTracing} ms with tracing off); largest ${dominant}`,
      `< ${GOALS.zippedKb} kB, < ${GOALS.importMs} ms`,
      yesNo(row.zippedKb < GOALS.zippedKb && row.importMs < GOALS.importMs),
    ];
  });
}

function alertRows(rows: readonly AlertLeadRow[]): Row[] {
  return rows.map((row) => {
    const ok =
      row.guardLeadMin !== null &&
      row.guardLeadMin > 0 &&
      (row.staticLeadMin === null || row.guardLeadMin >= row.staticLeadMin);
    return [
      'alert lead',
      row.scenario,
      `failure at ${sec(row.firstAllocationFailureSec)}; guard alert ${sec(row.guardAlertSec)}, ` +
        `lead ${min(row.guardLeadMin)}; static 10%-free alarm ${sec(row.staticAlarmSec)}, lead ${min(row.staticLeadMin)}`,
      'guard warns first',
      yesNo(ok),
    ];
  });
}

const startedMs = performance.now();
const log = (text: string) => process.stderr.write(`${text}\n`);

log('stagger efficiency: every scenario × (capacity-guard, no guard, fixed +5 nodes / 30 s script)…');
const stagger: StaggerRow[] = [];
for (const name of scalingScenarioNames(ROOT)) {
  const scenario = loadScenario(name, ROOT);
  for (const variant of Object.values(Variant)) stagger.push(await measureStagger(scenario, variant, SEED));
}

log(
  `pacing modes: every scenario × (no guard, gate, ceiling, desired) × seeds 1..${PACING_SEEDS}, and late events…`,
);
const pacingRuns: ModeRow[] = [];
for (const name of scalingScenarioNames(ROOT)) {
  const scenario = loadScenario(name, ROOT);
  for (let seed = 1; seed <= PACING_SEEDS; seed += 1)
    pacingRuns.push(...(await measureModes(scenario, seed, null)));
  for (const delay of LATE_EVENT_DELAYS_SEC) {
    pacingRuns.push(...(await measureModes(scenario, SEED, delay, [Mode.none, Mode.gate, Mode.desired])));
  }
}
const pacing = summarizePacing(pacingRuns);

log('alert lead time in the exhaustion scenarios…');
const alerts = stagger
  .filter((row) => row.variant === Variant.guard && row.report.summary.firstAllocationFailureSec !== null)
  .map((row) => alertLeadTime(loadScenario(row.scenario, ROOT), row.report));

log('audit cost on generated accounts (one fresh process per size)…');
const audit = AUDIT_SIZES.map((size) => measureAuditCostIsolated(size));

log('cold start: packaged zips, 5 fresh processes per function…');
const coldStart: ColdStartRow[] = [];
for (const fn of functionNames(ROOT)) coldStart.push(await measureColdStart(ROOT, fn));

log(`CLI start-up: the built CLI's short commands, ${CLI_STARTUP_RUNS} fresh processes each…`);
const cliStartup = measureCliStartup(ROOT, CLI_STARTUP_RUNS);

log('quick start: the built CLI as `npm start` runs it…');
const quickStart = measureQuickStart(ROOT);

function pacingRows(rows: readonly PacingSummaryRow[]): Row[] {
  return rows
    .filter((r) => r.mode !== Mode.none)
    .map((r) => {
      const figures =
        `pods run ${sec(r.medianPodsRunSec)} (÷ bound ≤ ${r.worstVsBound ?? 'n/a'}, ÷ whole-node schedule ≤ ${r.worstVsWholeNodeSchedule ?? 'n/a'}, ` +
        `÷ no guard ≤ ${r.worstVsUnguarded ?? 'n/a'}); ` +
        `${r.throttledAttaches} throttled; ${r.terminationsByGuard} guard terminations; ` +
        `Describe ≤ ${Math.round(r.worstDescribeShare * 100)} % of budget`;
      if (r.mode !== Mode.gate)
        return ['pacing', `${r.scenario} · ${r.mode} · late ${r.eventDelaySec} s`, figures, '', ''];
      // A scenario where no run ever gets every pod running (the subnets run out) has no time to compare.
      const unguarded = rows.find(
        (u) => u.mode === Mode.none && u.scenario === r.scenario && u.eventDelaySec === r.eventDelaySec,
      );
      const neverRuns = r.medianPodsRunSec === null && unguarded?.medianPodsRunSec === null;
      const ratioOk =
        neverRuns ||
        (r.worstVsBound !== null &&
          r.worstVsBound <= GOALS.staggerRatio &&
          (!r.unguardedSafe || (r.worstVsUnguarded ?? Number.POSITIVE_INFINITY) <= 1.05));
      const ok =
        ratioOk && r.throttledAttaches === 0 && r.terminationsByGuard === 0 && r.worstDescribeShare <= 0.1;
      return [
        'pacing',
        `${r.scenario} · gate · late ${r.eventDelaySec} s`,
        figures,
        `÷ bound ≤ ${GOALS.staggerRatio}, 0 throttled, 0 terminations, Describe ≤ 10 %`,
        yesNo(ok),
      ];
    });
}

function cliRows(result: CliStartupResult): Row[] {
  return result.rows.map((row) => [
    'cli start-up',
    row.command,
    `${row.medianMs} ms, +${row.overFloorMs} ms over node -e 0 (${result.floorMs} ms); peak RSS ${row.peakRssMb ?? '-'} MB`,
    `< ${result.goalMs} ms`,
    yesNo(row.medianMs < result.goalMs),
  ]);
}

const rows: Row[] = [
  ...pacingRows(pacing),
  ...staggerRows(stagger),
  ...alertRows(alerts),
  ...auditRows(audit),
  ...coldStartRows(coldStart),
  ...cliRows(cliStartup),
];
const elapsedSec = Math.round((performance.now() - startedMs) / 100) / 10;
process.stdout.write(`${formatTable(['AREA', 'SUBJECT', 'FIGURES', 'GOAL', 'MET'], rows)}\n`);
const [load1] = loadavg();
process.stdout.write(
  [
    '',
    `Seed ${SEED}, Node ${process.version}, ${cpus().length} CPUs, load average ${load1?.toFixed(1)}, ${elapsedSec} s in all.`,
    'stagger: "fixed +5/30 s" = the scenario\'s scale actions rewritten into set-desired steps of +5 nodes every',
    '  30 s (a scenario variant, no guard). "pods run" = every requested node Ready with all its pods running,',
    '  from the first scale action; bound = attaches made for the groups ÷ the budget left to them (the budget',
    "  less other consumers' steady rate), in seconds; Ready = every requested node Ready.",
    'alert lead: minutes from the first alert to the first allocation failure (guard: first SNS alert).',
    'audit: real EC2/EKS/Auto Scaling adapters over aws-sdk-client-mock fakes; median of 3 audits per process;',
    '  calls are pages; store ops = audit-store requests (in-memory here, DynamoDB when deployed).',
    'cold start: the zip `npm run package` writes; median of 5 fresh processes importing its handler',
    '  (building its SDK clients) with the deployed environment, tracing on.',
    '',
  ].join('\n'),
);

const results: BenchResults = {
  seed: SEED,
  node: process.version,
  cpus: cpus().length,
  loadAverage1m: Math.round((load1 ?? 0) * 10) / 10,
  elapsedSec,
  goals: GOALS,
  pacingModes: {
    seeds: PACING_SEEDS,
    lateEventDelaysSec: LATE_EVENT_DELAYS_SEC,
    summary: pacing,
    runs: pacingRuns,
  },
  stagger: stagger.map(({ report, ...row }) => ({ ...row, summary: report.summary })),
  alertLeadTime: alerts,
  auditCost: audit,
  coldStart,
  cliStartup,
  quickStart,
};
writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

const readmePath = join(ROOT, 'README.md');
writeFileSync(readmePath, renderReadme(readFileSync(readmePath, 'utf8'), results));
