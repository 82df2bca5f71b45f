import { leadTimeMin, type SimulationReport, type SimulationSummary } from './metrics.js';

function seconds(value: number | null): string {
  if (value === null) return 'never';
  return value >= 120 ? `${value} s (${(value / 60).toFixed(1)} min)` : `${value} s`;
}

function alarmLine(atSec: number | null, leadMin: number | null): string {
  if (atSec === null) return 'never';
  if (leadMin === null) return `t=${atSec} s`;
  const when = leadMin >= 0 ? `${leadMin} min before` : `${-leadMin} min after`;
  return `t=${atSec} s, ${when} the first failure`;
}

function gateLine(summary: SimulationSummary): string {
  const waits = summary.gateWaits;
  if (waits.count === 0) return 'none';
  return `${waits.count} instances, median ${waits.medianSec} s, max ${waits.maxSec} s, ${summary.gateTimeouts} by timeout`;
}

function guardCallsLine(summary: SimulationSummary): string {
  const total = Object.values(summary.guardCallsByAction).reduce((sum, count) => sum + count, 0);
  if (total === 0) return 'none';
  return `${total} (peak ${summary.peakGuardDescribeCallsPerMin} EC2 Describe calls in 60 s)`;
}

/** Summary lines, label and value, in a stable order. */
export function summaryLines(summary: SimulationSummary): [string, string][] {
  return [
    [
      'peak attach calls in any 60 s',
      `${summary.peakAttachCallsIn60s} (budget ${summary.attachBudgetPerMin})`,
    ],
    ['peak successful attaches in any 60 s', String(summary.peakAttachesIn60s)],
    ['attaches ok / throttled', `${summary.totalAttaches} / ${summary.throttledAttaches}`],
    [
      'throttled calls by action',
      Object.entries(summary.throttledCallsByAction)
        .map(([action, count]) => `${action} ${count}`)
        .join(', ') || 'none',
    ],
    ['time until all pods run', seconds(summary.timeUntilAllPodsRunSec)],
    ['pod-minutes waiting for an IP', String(summary.podMinutesWaitingForIp)],
    ['peak pods waiting for an IP', String(summary.peakPodsWaitingForIp)],
    [
      'first allocation failure',
      summary.firstAllocationFailureSec === null
        ? 'none'
        : `t=${summary.firstAllocationFailureSec} s ${summary.firstAllocationFailure ?? ''}`,
    ],
    ['alerts (SNS publishes)', String(summary.alerts)],
    ['first WARNING alert', alarmLine(summary.firstWarningSec, summary.alertLeadTimeMin)],
    [
      'first CRITICAL alert',
      alarmLine(
        summary.firstCriticalSec,
        leadTimeMin(summary.firstCriticalSec, summary.firstAllocationFailureSec),
      ),
    ],
    ['static alarm (< 10 % free IPs)', alarmLine(summary.staticAlarmSec, summary.staticAlarmLeadTimeMin)],
    ['nodes ready / desired at end', `${summary.nodesReadyAtEnd} / ${summary.nodesDesiredAtEnd}`],
    [
      'launches / terminations (by guard)',
      `${summary.launches} / ${summary.terminations} (${summary.terminationsByGuard})`,
    ],
    ['held at the launch gate', gateLine(summary)],
    ['guard API calls', guardCallsLine(summary)],
  ];
}

/** The human-readable report: timeline table, then summary. */
export function formatReport(report: SimulationReport): string {
  const subnetIds = report.timeline[0]?.subnets.map((s) => s.subnetId) ?? [];
  const header = [
    'min',
    'att-ok',
    'att-thr',
    'ready/desired',
    'pods-run',
    'pods-wait-ip',
    ...subnetIds.map((_id, index) => `sn${index + 1} ip/28`),
    'throttled',
    'alerts',
  ];
  const rows = report.timeline.map((row) => [
    String(row.minute),
    String(row.attachesOk),
    String(row.attachesThrottled),
    `${row.nodesReady}/${row.nodesDesired}`,
    String(row.podsRunning),
    String(row.podsWaitingForIp),
    ...row.subnets.map((s) => `${s.freeIps}/${s.freePrefixBlocks}`),
    Object.entries(row.throttledByAction)
      .map(
        ([action, count]) =>
          `${action.replace(/NetworkInterface(s)?/, 'Eni').replace('PrivateIpAddresses', 'Ips')}:${count}`,
      )
      .join(' ') || '-',
    String(row.alerts),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out: string[] = [
    `Scenario ${report.scenario} (seed ${report.seed}, ${report.durationMin} min, ${report.guard ? `guard: ${report.guard}` : 'unguarded'})`,
    report.description,
    '',
    line(header),
    ...rows.map(line),
    '',
    subnetIds.map((id, index) => `sn${index + 1} = ${id}`).join(', '),
    '',
    'Summary',
  ];
  const summary = summaryLines(report.summary);
  const labelWidth = Math.max(...summary.map(([label]) => label.length));
  for (const [label, value] of summary) out.push(`  ${label.padEnd(labelWidth)}  ${value}`);
  for (const note of report.summary.notes) out.push(`  note: ${note}`);
  return `${out.join('\n')}\n`;
}

/** Two or more summaries side by side (guarded vs unguarded). */
export function formatComparison(reports: readonly SimulationReport[]): string {
  const columns = reports.map((r) => summaryLines(r.summary));
  const labels = columns[0]?.map(([label]) => label) ?? [];
  const titles = reports.map((r) => (r.guard ? `guarded (${r.guard})` : 'unguarded'));
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const widths = titles.map((t, i) => Math.max(t.length, ...(columns[i] ?? []).map(([, v]) => v.length)));
  const out = [`Scenario ${reports[0]?.scenario ?? ''} (seed ${reports[0]?.seed ?? ''})`, ''];
  out.push(
    `  ${''.padEnd(labelWidth)}  ${titles.map((t, i) => t.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd(),
  );
  labels.forEach((label, row) => {
    const values = columns.map((c, i) => (c[row]?.[1] ?? '').padEnd(widths[i] ?? 0));
    out.push(`  ${label.padEnd(labelWidth)}  ${values.join('  ')}`.trimEnd());
  });
  return `${out.join('\n')}\n`;
}
