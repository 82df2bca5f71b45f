/**
 * The account's ENI attach-rate budget: at most `attachesPerMin` AttachNetworkInterface calls in any rolling
 * 60 s window, shared by every node group and every other consumer in the account and Region (DOMAIN.md §3).
 */

/** Length of the rolling window the budget is defined over. */
export const BUDGET_WINDOW_MS = 60_000;

export interface AttachBudgetPolicy {
  /** Attachments allowed in any rolling 60 s window (default 40). */
  readonly attachesPerMin: number;
  /** Fraction of the budget kept free for attaches nobody predicted (0..0.5). */
  readonly safetyMargin: number;
  /**
   * How far the actual attach times of one step's nodes can spread (boot-time variance plus the CNI's 5 s
   * reconcile cycles). Spends are kept apart by `60 s + spreadSec`, so that however the attaches of each step
   * fall inside their spread, no real 60 s window holds more than the budget.
   */
  readonly spreadSec: number;
  /**
   * Other consumers' attaches seen in the last 60 s are reserved for the next window too, multiplied by this
   * factor (>= 1) because their attaches come in bursts, not evenly; 1 assumes a perfectly steady consumer.
   */
  readonly othersBurstFactor?: number;
}

/** One spend recorded in the ledger: attaches the guard expects from one step of one group. */
export interface AttachSpend {
  readonly atMs: number;
  readonly attaches: number;
  readonly groupName: string;
}

export class BudgetPolicyError extends Error {
  override readonly name = 'BudgetPolicyError';
}

/**
 * Validates a policy, naming the field, the value and the accepted range.
 *
 * @example
 * validateBudgetPolicy({ attachesPerMin: 40, safetyMargin: 0, spreadSec: 5 }) // returns the policy
 */
export function validateBudgetPolicy(policy: AttachBudgetPolicy): AttachBudgetPolicy {
  if (
    !Number.isInteger(policy.attachesPerMin) ||
    policy.attachesPerMin < 1 ||
    policy.attachesPerMin > 10_000
  ) {
    throw new BudgetPolicyError(
      `attachesPerMin: ${policy.attachesPerMin} is out of range (expected a whole number 1..10000)`,
    );
  }
  if (!(policy.safetyMargin >= 0 && policy.safetyMargin <= 0.5)) {
    throw new BudgetPolicyError(`safetyMargin: ${policy.safetyMargin} is out of range (expected 0..0.5)`);
  }
  if (!(policy.spreadSec >= 0 && policy.spreadSec <= 600)) {
    throw new BudgetPolicyError(`spreadSec: ${policy.spreadSec} is out of range (expected 0..600 seconds)`);
  }
  const factor = policy.othersBurstFactor ?? 1;
  if (!(factor >= 1 && factor <= 5)) {
    throw new BudgetPolicyError(`othersBurstFactor: ${factor} is out of range (expected 1..5)`);
  }
  return policy;
}

/**
 * Attachments the guard may plan per window once the safety margin is set aside.
 *
 * @example
 * effectiveBudget({ attachesPerMin: 40, safetyMargin: 0.1, spreadSec: 5 }) // 36
 */
export function effectiveBudget(policy: AttachBudgetPolicy): number {
  return Math.max(1, Math.floor(policy.attachesPerMin * (1 - policy.safetyMargin)));
}

/**
 * The planning window: 60 s widened by the spread of actual attach times.
 *
 * @example
 * planningWindowMs({ attachesPerMin: 40, safetyMargin: 0, spreadSec: 5 }) // 65000
 */
export function planningWindowMs(policy: AttachBudgetPolicy): number {
  return BUDGET_WINDOW_MS + Math.round(policy.spreadSec * 1000);
}

/**
 * Attaches still counting against a window that ends at `nowMs`: spends after `nowMs - windowMs`, those dated after
 * `nowMs` included (rule: time is read per attempt, and another invocation's clock may be a few seconds ahead).
 *
 * @example
 * spentInWindow([{ atMs: 0, attaches: 40, groupName: 'a' }], 30_000, 60_000) // 40
 */
export function spentInWindow(spends: readonly AttachSpend[], nowMs: number, windowMs: number): number {
  let total = 0;
  // A spend dated after now counts too: another invocation's clock may run a few seconds ahead of this one.
  for (const spend of spends) {
    if (spend.atMs > nowMs - windowMs) total += spend.attaches;
  }
  return total;
}

/**
 * Attaches that may be started at `nowMs`: the effective budget less the guard's own spends in the planning
 * window and the attaches other consumers made in the last 60 s (observed through `Attachment.AttachTime`),
 * scaled by `othersBurstFactor`.
 *
 * @example
 * roomAt([], [], 0, { attachesPerMin: 40, safetyMargin: 0, spreadSec: 0 }) // 40
 */
export function roomAt(
  spends: readonly AttachSpend[],
  otherAttachTimesMs: readonly number[],
  nowMs: number,
  policy: AttachBudgetPolicy,
): number {
  const own = spentInWindow(spends, nowMs, planningWindowMs(policy));
  const seen = otherAttachTimesMs.filter((t) => t > nowMs - BUDGET_WINDOW_MS && t <= nowMs).length;
  const others = Math.ceil(seen * (policy.othersBurstFactor ?? 1));
  return Math.max(0, effectiveBudget(policy) - own - others);
}

/**
 * The earliest time after `nowMs` at which the oldest spend in the planning window leaves it (or the oldest
 * observed attach leaves the 60 s window), i.e. when more room can appear. Null when nothing is in flight.
 *
 * @example
 * nextRoomAtMs([{ atMs: 0, attaches: 40, groupName: 'a' }], [], 10_000, { attachesPerMin: 40, safetyMargin: 0, spreadSec: 5 }) // 65000
 */
export function nextRoomAtMs(
  spends: readonly AttachSpend[],
  otherAttachTimesMs: readonly number[],
  nowMs: number,
  policy: AttachBudgetPolicy,
): number | null {
  const windowMs = planningWindowMs(policy);
  const candidates = [
    ...spends.filter((s) => s.atMs > nowMs - windowMs).map((s) => s.atMs + windowMs),
    ...otherAttachTimesMs
      .filter((t) => t > nowMs - BUDGET_WINDOW_MS && t <= nowMs)
      .map((t) => t + BUDGET_WINDOW_MS),
  ].filter((t) => t > nowMs);
  return candidates.length === 0 ? null : Math.min(...candidates);
}

/**
 * Drops spends that can no longer affect any window (older than the planning window).
 *
 * @example
 * pruneSpends([{ atMs: 0, attaches: 1, groupName: 'a' }], 120_000, 65_000) // []
 */
export function pruneSpends(spends: readonly AttachSpend[], nowMs: number, windowMs: number): AttachSpend[] {
  return spends.filter((spend) => spend.atMs > nowMs - windowMs);
}

/**
 * The largest number of attaches in any rolling window of `windowMs`, over timestamped attaches.
 *
 * @example
 * peakInRollingWindow([{ atMs: 0, attaches: 20 }, { atMs: 59_999, attaches: 20 }, { atMs: 60_000, attaches: 5 }], 60_000) // 40
 */
export function peakInRollingWindow(
  events: readonly { readonly atMs: number; readonly attaches: number }[],
  windowMs: number = BUDGET_WINDOW_MS,
): number {
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  let peak = 0;
  let sum = 0;
  let start = 0;
  for (const event of sorted) {
    sum += event.attaches;
    while (start < sorted.length) {
      const first = sorted[start];
      if (!first || first.atMs > event.atMs - windowMs) break;
      sum -= first.attaches;
      start += 1;
    }
    peak = Math.max(peak, sum);
  }
  return peak;
}
