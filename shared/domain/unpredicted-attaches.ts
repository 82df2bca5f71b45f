import { BUDGET_WINDOW_MS } from './attach-budget.js';
import { CLOCK_SKEW_MS, type ObservedAttach } from './attach-timing.js';

/**
 * What the desired and ceiling modes' ledger does not predict. Their spends stand for the attaches of the nodes
 * the guard lets a group launch, dated when it lets them (step by step, through desired capacity or MaxSize); the
 * nodes a group launched since the guard began releasing its capacity are those, and their attaches are already
 * in the ledger. Every other attach EC2 reports is spend the ledger does not hold: other consumers, and the nodes
 * the paced groups had before (pods moving onto them attach ENIs too).
 */

/** An attaching instance of a group the ledger releases capacity for. */
export interface PacedInstance {
  /** Launch time (its primary ENI's `AttachTime`); null: EC2 did not list it, so it counts as one that existed. */
  readonly launchedAtMs: number | null;
  /** Since when the guard has been releasing the group's capacity (its plan's start, or its oldest spend). */
  readonly releasedSinceMs: number;
}

/**
 * Times of the attaches in the last 60 s that the ledger does not predict: all of them except those of paced
 * groups' instances launched since the guard began releasing their capacity. An attach EC2 dates up to the clock
 * skew after now counts, as now.
 *
 * @example
 * unpredictedAttachTimesMs(
 *   [{ atMs: 50_000, instanceId: 'i-new' }, { atMs: 55_000, instanceId: 'i-old' }, { atMs: 56_000, instanceId: null }],
 *   new Map([['i-new', { launchedAtMs: 20_000, releasedSinceMs: 10_000 }], ['i-old', { launchedAtMs: 0, releasedSinceMs: 10_000 }]]),
 *   60_000,
 * ) // [55_000, 56_000]
 */
export function unpredictedAttachTimesMs(
  observed: readonly ObservedAttach[],
  paced: ReadonlyMap<string, PacedInstance>,
  nowMs: number,
): number[] {
  const times: number[] = [];
  for (const attach of observed) {
    if (attach.atMs <= nowMs - BUDGET_WINDOW_MS || attach.atMs > nowMs + CLOCK_SKEW_MS) continue;
    const instance = attach.instanceId === null ? undefined : paced.get(attach.instanceId);
    const released =
      instance !== undefined &&
      instance.launchedAtMs !== null &&
      instance.launchedAtMs >= instance.releasedSinceMs - CLOCK_SKEW_MS;
    if (!released) times.push(Math.min(attach.atMs, nowMs));
  }
  return times.sort((a, b) => a - b);
}
