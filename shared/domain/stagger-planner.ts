import {
  type AttachBudgetPolicy,
  type AttachSpend,
  BUDGET_WINDOW_MS,
  effectiveBudget,
  nextRoomAtMs,
  peakInRollingWindow,
  planningWindowMs,
  roomAt,
  spentInWindow,
} from './attach-budget.js';

export interface StaggerStep {
  /** Seconds after the first step. */
  readonly atSec: number;
  /** Desired capacity (or ceiling) set at this step. */
  readonly desired: number;
  /** Attachments the nodes added at this step are expected to make. */
  readonly attaches: number;
}

export interface StaggerSchedule {
  readonly attachesPerNode: number;
  readonly totalAttaches: number;
  readonly steps: readonly StaggerStep[];
  /** The last step's `atSec`. */
  readonly durationSec: number;
  /** Largest sum of planned attaches in any rolling 60 s window. */
  readonly peakAttachesPerMin: number;
  /** When the last step could start at the earliest: one full budget per minute, `(ceil(total / budget) - 1) * 60`. */
  readonly lowerBoundSec: number;
}

export interface StaggerRequest {
  readonly fromDesired: number;
  readonly toDesired: number;
  readonly attachesPerNode: number;
  readonly policy: AttachBudgetPolicy;
  /** Attachments per minute other consumers make meanwhile (a steady rate). */
  readonly otherAttachesPerMin?: number;
}

export class StaggerInputError extends Error {
  override readonly name = 'StaggerInputError';
}

/**
 * The most attaches per minute other consumers may make for a plan to progress: their reserve (times the
 * burst factor) must leave at least one attach of room.
 *
 * @example
 * maxOtherAttachesPerMin({ attachesPerMin: 40, safetyMargin: 0, spreadSec: 10, othersBurstFactor: 1.5 }) // 26
 */
export function maxOtherAttachesPerMin(policy: AttachBudgetPolicy): number {
  return Math.max(0, Math.floor((effectiveBudget(policy) - 1) / (policy.othersBurstFactor ?? 1)));
}

/**
 * Nodes the budget lets one step add: room divided by the attaches one node makes. A node that alone needs
 * more than the whole budget still goes through once the window is empty, or the plan could never finish.
 *
 * @example
 * nodesForRoom(40, 2, false) // 20
 * nodesForRoom(10, 50, true) // 1
 */
export function nodesForRoom(room: number, attachesPerNode: number, windowEmpty: boolean): number {
  if (attachesPerNode === 0) return Number.POSITIVE_INFINITY;
  const nodes = Math.floor(room / attachesPerNode);
  return nodes === 0 && windowEmpty && room > 0 ? 1 : nodes;
}

/**
 * The schedule the guard follows to take a group from `fromDesired` to `toDesired`: every step adds as many
 * nodes as the budget has room for, and the next step comes as soon as room appears, so no planning window
 * (60 s plus the attach-time spread) holds more than the budget.
 * Scale-in, or a change within budget, is one step.
 *
 * @example
 * planStagger({ fromDesired: 50, toDesired: 200, attachesPerNode: 2,
 *   policy: { attachesPerMin: 40, safetyMargin: 0, spreadSec: 0 } }).durationSec // 420
 */
export function planStagger(request: StaggerRequest): StaggerSchedule {
  const { fromDesired, toDesired, attachesPerNode, policy } = request;
  for (const [field, value] of [
    ['fromDesired', fromDesired],
    ['toDesired', toDesired],
    ['attachesPerNode', attachesPerNode],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new StaggerInputError(`${field}: ${value} is not a whole number >= 0`);
    }
  }
  const otherPerMin = request.otherAttachesPerMin ?? 0;
  const maxOthers = maxOtherAttachesPerMin(policy);
  if (!(otherPerMin >= 0) || otherPerMin > maxOthers) {
    throw new StaggerInputError(
      `otherAttachesPerMin: ${otherPerMin} leaves no budget (expected 0..${maxOthers} with this budget)`,
    );
  }
  const totalAttaches = Math.max(0, toDesired - fromDesired) * attachesPerNode;
  // Other consumers are modelled as evenly spaced attaches over the past and future minute.
  const otherTimes = (nowMs: number): number[] => {
    if (otherPerMin <= 0) return [];
    const gapMs = BUDGET_WINDOW_MS / otherPerMin;
    const first = Math.floor(nowMs / gapMs) * gapMs;
    return Array.from({ length: Math.ceil(otherPerMin) }, (_, i) => first - i * gapMs);
  };

  const steps: StaggerStep[] = [];
  const spends: AttachSpend[] = [];
  let desired = fromDesired;
  let nowMs = 0;
  if (toDesired <= fromDesired || totalAttaches === 0) {
    steps.push({ atSec: 0, desired: toDesired, attaches: 0 });
    desired = toDesired;
  }
  // Every pass adds a node or moves to the next time room appears: bounded by nodes × spends in a window.
  let passes = 0;
  const maxPasses = (toDesired - fromDesired + 2) * (effectiveBudget(policy) + 2) + 100;
  while (desired < toDesired) {
    passes += 1;
    if (passes > maxPasses) throw new StaggerInputError('the budget never has room for another node');
    const others = otherTimes(nowMs);
    const room = roomAt(spends, others, nowMs, policy);
    const windowEmpty = room > 0 && spentInWindow(spends, nowMs, planningWindowMs(policy)) === 0;
    const nodes = Math.min(toDesired - desired, nodesForRoom(room, attachesPerNode, windowEmpty));
    if (nodes > 0) {
      desired += nodes;
      const attaches = nodes * attachesPerNode;
      spends.push({ atMs: nowMs, attaches, groupName: 'plan' });
      steps.push({ atSec: nowMs / 1000, desired, attaches });
      if (desired >= toDesired) break;
    }
    const next = nextRoomAtMs(spends, others, nowMs, policy);
    nowMs = next ?? nowMs + 1000;
  }
  const perWindow = Math.max(1e-9, policy.attachesPerMin - otherPerMin);
  return {
    attachesPerNode,
    totalAttaches,
    steps,
    durationSec: steps.at(-1)?.atSec ?? 0,
    peakAttachesPerMin: peakInRollingWindow(
      steps.map((s) => ({ atMs: s.atSec * 1000, attaches: s.attaches })),
    ),
    lowerBoundSec: Math.max(0, (Math.ceil(totalAttaches / perWindow) - 1) * 60),
  };
}
