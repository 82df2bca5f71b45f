import type { AuditReport } from './audit-report.js';

/** EventBridge rejects an entry over 256 KB; leave room for the envelope. */
export const MAX_SUMMARY_BYTES = 200_000;
/** Non-OK subjects listed before the lists are cut short. */
const MAX_LISTED = 100;

export interface AuditSummary {
  readonly mode: AuditReport['mode'];
  readonly generatedAt: string;
  readonly accountId: string;
  readonly region: string;
  readonly counts: {
    readonly subnets: number;
    readonly nodeGroups: number;
    readonly warning: number;
    readonly critical: number;
    readonly notifications: number;
    readonly recommendations: number;
    readonly warnings: number;
    /** Parts of the account the audit could not see (`report.coverage.gaps`). */
    readonly coverageGaps: number;
  };
  /** Subnets and node groups not OK, worst first; `truncated` says whether some were left out. */
  readonly subnets: AuditReport['subnets'];
  readonly nodeGroups: AuditReport['nodeGroups'];
  readonly alerts: AuditReport['alerts'];
  readonly recommendations: readonly {
    readonly kind: string;
    readonly clusterName: string | null;
    readonly groupNames: readonly string[];
    readonly title: string;
  }[];
  readonly attachBudget: AuditReport['attachBudget'];
  readonly truncated: boolean;
}

const RANK = { OK: 0, WARNING: 1, CRITICAL: 2 } as const;

function bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * The `Capacity Audit Completed` event detail: counts, every subject that is not OK, this run's
 * notifications and the recommendation titles. Lists are halved until the JSON fits in `maxBytes`.
 *
 * @example
 * summarizeAuditReport(report).counts // { subnets: 6, nodeGroups: 2, warning: 1, critical: 0, … }
 */
export function summarizeAuditReport(report: AuditReport, maxBytes = MAX_SUMMARY_BYTES): AuditSummary {
  const subnets = report.subnets
    .filter((s) => s.status !== 'OK')
    .sort((a, b) => RANK[b.status] - RANK[a.status] || a.headroomIps - b.headroomIps);
  const nodeGroups = report.nodeGroups
    .filter((g) => g.status !== 'OK')
    .sort((a, b) => RANK[b.status] - RANK[a.status]);
  const alerts = report.alerts.filter((a) => a.notification !== null);
  const recommendations = report.recommendations.map((r) => ({
    kind: r.kind,
    clusterName: r.clusterName,
    groupNames: r.groupNames,
    title: r.title,
  }));
  const statuses = [...report.subnets.map((s) => s.status), ...report.nodeGroups.map((g) => g.status)];
  const base = {
    mode: report.mode,
    generatedAt: report.generatedAt,
    accountId: report.accountId,
    region: report.region,
    counts: {
      subnets: report.subnets.length,
      nodeGroups: report.nodeGroups.length,
      warning: statuses.filter((s) => s === 'WARNING').length,
      critical: statuses.filter((s) => s === 'CRITICAL').length,
      notifications: alerts.length,
      recommendations: recommendations.length,
      warnings: report.warnings.length,
      coverageGaps: report.coverage.gaps.length,
    },
    attachBudget: report.attachBudget,
  };
  let limit = MAX_LISTED;
  for (;;) {
    const summary: AuditSummary = {
      ...base,
      subnets: subnets.slice(0, limit),
      nodeGroups: nodeGroups.slice(0, limit),
      alerts: alerts.slice(0, limit),
      recommendations: recommendations.slice(0, limit),
      truncated: [subnets, nodeGroups, alerts, recommendations].some((items) => items.length > limit),
    };
    if (limit === 0 || bytes(summary) <= maxBytes) return summary;
    limit = Math.floor(limit / 2);
  }
}
