import { Severity } from '../../shared/domain/alert-policy.js';
import { describePrefixFeasibility } from '../../shared/domain/prefix-feasibility.js';
import { AuditMode, type AuditReport } from '../../shared/use-cases/audit/audit-report.js';
import { formatTable } from '../format-table.js';

const SEVERITY_RANK: Record<Severity, number> = { OK: 0, WARNING: 1, CRITICAL: 2 };

/** True when `severity` is at or above `threshold` (OK < WARNING < CRITICAL). */
export function severityAtLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

/** The worst status among subnets, node groups and alerts: what `--fail-on` compares. */
export function worstSeverity(report: AuditReport): Severity {
  const all = [
    ...report.subnets.map((s) => s.status),
    ...report.nodeGroups.map((g) => g.status),
    ...report.alerts.map((a) => a.severity),
  ];
  return all.reduce<Severity>((worst, s) => (severityAtLeast(s, worst) ? s : worst), Severity.ok);
}

function fmt(value: number | null, digits = 0): string {
  if (value === null) return '-';
  return digits === 0 ? String(Math.round(value)) : value.toFixed(digits);
}

function subnetRows(report: AuditReport): (string | number)[][] {
  return report.subnets.map((s) => [
    s.subnetId,
    s.availabilityZone,
    s.cidr,
    s.availableIps,
    s.inFlightIps,
    s.headroomIps,
    fmt(s.freePrefixBlocks),
    s.prefixFeasibility === null
      ? fmt(s.fragmentationScore, 2)
      : describePrefixFeasibility({
          prefixFeasibility: s.prefixFeasibility,
          fragmentationScore: s.fragmentationScore,
        }),
    s.minutesToExhaustion === null ? '-' : `${fmt(s.minutesToExhaustion)} min`,
    s.status,
  ]);
}

const SUBNET_HEADERS = [
  'subnet',
  'az',
  'cidr',
  'available',
  'in-flight',
  'headroom',
  'free /28',
  '/28 prefixes',
  'exhaustion',
  'status',
];
const GROUP_HEADERS = [
  'node group',
  'found as',
  'nodes',
  'instance type',
  'pending',
  'headroom nodes',
  'at boot',
  'limited by',
  'status',
];

function groupRows(report: AuditReport): string[][] {
  return report.nodeGroups.map((g) => [
    g.name,
    g.source,
    String(g.nodes),
    g.instanceType ?? '-',
    String(g.pendingNodes),
    fmt(g.headroomNodes),
    fmt(g.headroomNodesAtBoot),
    g.limitingSubnetId ?? '-',
    g.status,
  ]);
}

function coverageLines(report: AuditReport): string[] {
  const { coverage } = report;
  return [
    `${coverage.nodesModelled} of ${coverage.nodes} nodes audited in ${coverage.clusters.length} cluster(s)` +
      (coverage.clusters.length === 0 ? '' : ` (${coverage.clusters.join(', ')})`),
    ...coverage.gaps.map((gap) => `INCOMPLETE: ${gap.message}`),
  ];
}

function alertLine(alert: AuditReport['alerts'][number]): string {
  return alert.title ?? `${alert.severity}: ${alert.kind} ${alert.subjectId} (headroom ${alert.headroom})`;
}

export function renderText(report: AuditReport): string {
  const lines = [
    `Capacity audit (${report.mode}) of ${report.region} at ${report.generatedAt}`,
    `Worst finding: ${worstSeverity(report)}`,
    '',
    'Subnets',
    formatTable(SUBNET_HEADERS, subnetRows(report)),
    '',
    'Node groups',
    report.nodeGroups.length === 0 ? '  none found' : formatTable(GROUP_HEADERS, groupRows(report)),
    '',
    'Coverage',
    ...coverageLines(report).map((line) => `  ${line}`),
    '',
    `Alerts (${report.alerts.length})`,
    ...(report.alerts.length === 0 ? ['  none'] : report.alerts.map((a) => `  ${alertLine(a)}`)),
    '',
    `ENI attach budget: ${report.attachBudget.attachesLastMinute} attaches in the last minute on the audited subnets, of ${report.attachBudget.attachesPerMin} Region-wide (${report.attachBudget.usedPercent} %; other subnets not counted)`,
  ];
  if (report.mode === AuditMode.full) {
    lines.push('', `Recommendations (${report.recommendations.length})`);
    for (const r of report.recommendations) {
      lines.push(
        `  - ${r.title}`,
        `      ${r.detail}`,
        ...r.apply.map((step) => `      ${/^(aws|kubectl) /.test(step) ? '$' : '>'} ${step}`),
      );
    }
    if (report.recommendations.length === 0) lines.push('  none');
  }
  if (report.warnings.length > 0) lines.push('', 'Warnings', ...report.warnings.map((w) => `  - ${w}`));
  return `${lines.join('\n')}\n`;
}

function markdownTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const escapeCell = (cell: string | number) => String(cell).replace(/\|/g, '\\|');
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}

export function renderMarkdown(report: AuditReport): string {
  const parts = [
    `# Capacity audit (${report.mode})`,
    `Region ${report.region}, ${report.generatedAt}. Worst finding: **${worstSeverity(report)}**.`,
    '## Subnets',
    markdownTable(SUBNET_HEADERS, subnetRows(report)),
    '## Node groups',
    report.nodeGroups.length === 0 ? '_None found._' : markdownTable(GROUP_HEADERS, groupRows(report)),
    '## Coverage',
    coverageLines(report)
      .map((line) => `- ${line}`)
      .join('\n'),
    '## Alerts',
    report.alerts.length === 0
      ? '_None._'
      : report.alerts.map((a) => `- **${a.severity}** ${alertLine(a)}`).join('\n'),
    '## ENI attach budget',
    `${report.attachBudget.attachesLastMinute} attaches in the last minute on the audited subnets, of ${report.attachBudget.attachesPerMin} per minute Region-wide (${report.attachBudget.usedPercent} %; attaches in other subnets are not counted).`,
  ];
  if (report.mode === AuditMode.full) {
    parts.push(
      '## Recommendations',
      report.recommendations.length === 0
        ? '_None._'
        : report.recommendations
            .map(
              (r) =>
                `- **${r.title}**\n  ${r.detail}\n${r.apply.map((step) => `  - \`${step}\``).join('\n')}`,
            )
            .join('\n'),
    );
  }
  if (report.warnings.length > 0) parts.push('## Warnings', report.warnings.map((w) => `- ${w}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}

/** Version of the `audit --json` document (docs/audit-json.md); raised when a key changes meaning or goes. */
export const AUDIT_JSON_SCHEMA_VERSION = 1;

/** The report as `audit --json` prints it: everything the text report shows (docs/audit-json.md). */
export function jsonReport(report: AuditReport) {
  return {
    schemaVersion: AUDIT_JSON_SCHEMA_VERSION,
    mode: report.mode,
    generatedAt: report.generatedAt,
    accountId: report.accountId,
    region: report.region,
    worstSeverity: worstSeverity(report),
    subnets: report.subnets.map((s) => ({
      subnetId: s.subnetId,
      availabilityZone: s.availabilityZone,
      cidr: s.cidr,
      availableIps: s.availableIps,
      inFlightIps: s.inFlightIps,
      headroomIps: s.headroomIps,
      freePrefixBlocks: s.freePrefixBlocks,
      fragmentationScore: s.fragmentationScore,
      prefixFeasibility: s.prefixFeasibility,
      minutesToExhaustion: s.minutesToExhaustion,
      status: s.status,
    })),
    nodeGroups: report.nodeGroups.map((g) => ({
      name: g.name,
      cluster: g.cluster,
      source: g.source,
      nodes: g.nodes,
      autoScalingGroups: g.autoScalingGroups,
      instanceType: g.instanceType,
      pendingNodes: g.pendingNodes,
      headroomNodes: g.headroomNodes,
      headroomNodesAtBoot: g.headroomNodesAtBoot,
      limitingSubnetId: g.limitingSubnetId,
      status: g.status,
    })),
    alerts: report.alerts.map((alert) => ({
      key: alert.key,
      kind: alert.kind,
      subjectId: alert.subjectId,
      cluster: alert.cluster,
      severity: alert.severity,
      headroom: alert.headroom,
      minutesToExhaustion: alert.minutesToExhaustion,
      title: alertLine(alert),
    })),
    attachBudget: {
      attachesLastMinute: report.attachBudget.attachesLastMinute,
      attachesPerMin: report.attachBudget.attachesPerMin,
      usedPercent: report.attachBudget.usedPercent,
    },
    recommendations: report.recommendations.map((r) => ({
      kind: r.kind,
      clusterName: r.clusterName,
      groupNames: r.groupNames,
      title: r.title,
      detail: r.detail,
      apply: r.apply,
      effect: r.effect,
    })),
    coverage: {
      clusters: report.coverage.clusters,
      nodes: report.coverage.nodes,
      nodesModelled: report.coverage.nodesModelled,
      gaps: report.coverage.gaps.map((gap) => ({
        kind: gap.kind,
        subjectId: gap.subjectId,
        message: gap.message,
      })),
    },
    warnings: report.warnings,
  };
}
