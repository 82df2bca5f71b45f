import { parseCidr } from '../shared/domain/ipv4.js';
import type { SimulationReport } from '../shared/simulator/metrics.js';
import type { Scenario } from '../shared/simulator/scenario.js';

/** The static alarm compared against: free IPs below 10% of a subnet's usable addresses. */
const STATIC_ALARM_FREE_FRACTION = 0.1;

export interface AlertLeadRow {
  readonly scenario: string;
  readonly firstAllocationFailure: string | null;
  readonly firstAllocationFailureSec: number | null;
  /** First guard alert (SNS publish) before the failure, in minutes; negative: after it; null: no alert. */
  readonly guardLeadMin: number | null;
  readonly guardAlertSec: number | null;
  /** The static alarm's lead, in minutes; null: it never fired. */
  readonly staticLeadMin: number | null;
  readonly staticAlarmSec: number | null;
  /** Where the figures come from: the report's own fields, or this bench reading the timeline. */
  readonly source: 'report' | 'timeline';
}

function field(report: SimulationReport, key: string): number | null | undefined {
  const value = (report.summary as unknown as Record<string, unknown>)[key];
  if (value === null) return null;
  return typeof value === 'number' ? value : undefined;
}

function leadMin(alarmSec: number | null, failureSec: number | null): number | null {
  if (alarmSec === null || failureSec === null) return null;
  return Math.round(((failureSec - alarmSec) / 60) * 10) / 10;
}

/**
 * Alert lead time in an exhaustion scenario (one whose guarded run hit an allocation failure): the report's
 * `alertLeadTimeMin` / `staticAlarmLeadTimeMin` when it has them, else read from its per-minute timeline
 * (the end of the first minute with an SNS publish; the end of the first minute with a subnet under 10% free).
 */
export function alertLeadTime(scenario: Scenario, guarded: SimulationReport): AlertLeadRow {
  const { summary } = guarded;
  const failureSec = summary.firstAllocationFailureSec;
  const reportLead = field(guarded, 'alertLeadTimeMin');
  if (reportLead !== undefined) {
    return {
      scenario: scenario.name,
      firstAllocationFailure: summary.firstAllocationFailure,
      firstAllocationFailureSec: failureSec,
      guardLeadMin: reportLead,
      guardAlertSec: field(guarded, 'firstWarningSec') ?? null,
      staticLeadMin: field(guarded, 'staticAlarmLeadTimeMin') ?? null,
      staticAlarmSec: field(guarded, 'staticAlarmSec') ?? null,
      source: 'report',
    };
  }
  const usable = new Map(scenario.vpc.subnets.map((s) => [s.id, parseCidr(s.cidr).size - 5]));
  const alertRow = guarded.timeline.find((row) => row.alerts > 0);
  const staticRow = guarded.timeline.find((row) =>
    row.subnets.some((s) => s.freeIps < STATIC_ALARM_FREE_FRACTION * (usable.get(s.subnetId) ?? 0)),
  );
  const guardAlertSec = alertRow ? alertRow.minute * 60 : null;
  const staticAlarmSec = staticRow ? staticRow.minute * 60 : null;
  return {
    scenario: scenario.name,
    firstAllocationFailure: summary.firstAllocationFailure,
    firstAllocationFailureSec: failureSec,
    guardLeadMin: leadMin(guardAlertSec, failureSec),
    guardAlertSec,
    staticLeadMin: leadMin(staticAlarmSec, failureSec),
    staticAlarmSec,
    source: 'timeline',
  };
}
