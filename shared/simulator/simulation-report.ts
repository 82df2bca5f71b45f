/** The report of one simulation run: a per-minute timeline and a summary (`simulate --json`). */
export interface SubnetSample {
  readonly subnetId: string;
  readonly freeIps: number;
  readonly freePrefixBlocks: number;
}

/** One minute of the run; counters cover the minute, levels are read at its end. */
export interface TimelineRow {
  readonly minute: number;
  readonly attachesOk: number;
  /** Attach calls refused with RequestLimitExceeded (action bucket or the account's attach budget). */
  readonly attachesThrottled: number;
  readonly attachCalls: number;
  readonly nodesReady: number;
  readonly nodesDesired: number;
  readonly podsRunning: number;
  readonly podsWaitingForIp: number;
  readonly subnets: readonly SubnetSample[];
  readonly throttledByAction: Readonly<Record<string, number>>;
  /** SNS publishes. */
  readonly alerts: number;
}

export interface SimulationSummary {
  /** Most AttachNetworkInterface calls (any outcome, every consumer) in any rolling 60 s window. */
  readonly peakAttachCallsIn60s: number;
  /** Most successful attachments in any rolling 60 s window. */
  readonly peakAttachesIn60s: number;
  readonly attachBudgetPerMin: number;
  readonly totalAttaches: number;
  readonly throttledAttaches: number;
  readonly totalAttachCalls: number;
  readonly throttledCallsByAction: Readonly<Record<string, number>>;
  /** From the first scale action until every desired node is Ready with all its pods running; null: never. */
  readonly timeUntilAllPodsRunSec: number | null;
  readonly podMinutesWaitingForIp: number;
  readonly peakPodsWaitingForIp: number;
  readonly firstAllocationFailureSec: number | null;
  readonly firstAllocationFailure: string | null;
  readonly alerts: number;
  /** First SNS publish with `severity` WARNING or CRITICAL (the first alert of either level); null: none. */
  readonly firstWarningSec: number | null;
  /** First SNS publish with `severity` CRITICAL; null: none. */
  readonly firstCriticalSec: number | null;
  /** (firstAllocationFailureSec − firstWarningSec) / 60, one decimal; negative: the warning came after. */
  readonly alertLeadTimeMin: number | null;
  /**
   * A static alarm for comparison: the end of the first minute in which any subnet's free IPs fell below
   * {@link STATIC_ALARM_FREE_FRACTION} of its usable addresses (per-minute samples); null: never.
   */
  readonly staticAlarmSec: number | null;
  /** (firstAllocationFailureSec − staticAlarmSec) / 60, one decimal. */
  readonly staticAlarmLeadTimeMin: number | null;
  readonly nodesReadyAtEnd: number;
  readonly nodesDesiredAtEnd: number;
  readonly eventsEmitted: Readonly<Record<string, number>>;
  /** Instances Auto Scaling launched during the run. */
  readonly launches: number;
  /** Instances Auto Scaling began terminating during the run (scale-in, ABANDON). */
  readonly terminations: number;
  /** Terminations after a write of the guard's identity lowered desired capacity. */
  readonly terminationsByGuard: number;
  readonly groupsAtEnd: readonly GroupAtEnd[];
  /** Time instances spent in `Pending:Wait` (those still waiting at the end count up to the end). */
  readonly gateWaits: GateWaits;
  /** Instances that left `Pending:Wait` by a heartbeat timeout with DefaultResult CONTINUE. */
  readonly gateTimeouts: number;
  /** Every API call (each SDK attempt) made with the guard's identity, by action. */
  readonly guardCallsByAction: Readonly<Record<string, number>>;
  /** Most EC2 `Describe*` calls by the guard in any rolling 60 s window. */
  readonly peakGuardDescribeCallsPerMin: number;
  readonly notes: readonly string[];
}

export interface GroupAtEnd {
  readonly name: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly inService: number;
}

export interface GateWaits {
  readonly count: number;
  /** Median, one decimal; null when no instance waited. */
  readonly medianSec: number | null;
  readonly maxSec: number | null;
}

export interface SimulationReport {
  readonly scenario: string;
  readonly description: string;
  readonly seed: number;
  readonly guard: string | null;
  readonly durationMin: number;
  readonly startTime: string;
  readonly summary: SimulationSummary;
  readonly timeline: readonly TimelineRow[];
}

/**
 * Minutes from an alarm to the first failure, one decimal; null when either is missing.
 *
 * @example
 * leadTimeMin(3600, 16_963) // 222.7
 */
export function leadTimeMin(alarmSec: number | null, failureSec: number | null): number | null {
  if (alarmSec === null || failureSec === null) return null;
  return Math.round((failureSec - alarmSec) / 6) / 10;
}

/**
 * Peak count of timestamps in any window (t - windowMs, t], exactly, over sorted times.
 *
 * @example
 * peakInWindow([0, 10_000, 59_999, 60_000], 60_000) // 3
 */
export function peakInWindow(sortedTimesMs: readonly number[], windowMs: number): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < sortedTimesMs.length; end++) {
    const t = sortedTimesMs[end] as number;
    while ((sortedTimesMs[start] as number) <= t - windowMs) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

/**
 * Count, median and maximum of durations, in seconds with one decimal.
 *
 * @example
 * summarizeWaits([10_000, 30_000, 20_000, 40_000]) // { count: 4, medianSec: 25, maxSec: 40 }
 */
export function summarizeWaits(durationsMs: readonly number[]): GateWaits {
  if (durationsMs.length === 0) return { count: 0, medianSec: null, maxSec: null };
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const oneDecimal = (ms: number) => Math.round(ms / 100) / 10;
  return {
    count: sorted.length,
    medianSec: oneDecimal(medianMs),
    maxSec: oneDecimal(sorted.at(-1) as number),
  };
}
