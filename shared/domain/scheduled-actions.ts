import { type AttachBudgetPolicy, BUDGET_WINDOW_MS } from './attach-budget.js';
import { planDeadlineMs, type ScheduledSizes, type StaggerPlan } from './stagger-plan-model.js';

export type { ScheduledSizes } from './stagger-plan-model.js';

/** Scheduled actions in the order they run (StartTime, then name). */
export function byStartTime(a: ScheduledSizes, b: ScheduledSizes): number {
  return a.startMs - b.startMs || a.name.localeCompare(b.name);
}

/** `origin.via` of an intent that a scheduled action expressed. */
export const SCHEDULED_ACTION_VIA = 'ScheduledAction';

export interface ScheduledContext {
  readonly nowMs: number;
  readonly policy: AttachBudgetPolicy;
  readonly otherAttachTimesMs: readonly number[];
  readonly deadlineGraceMs: number;
}

/**
 * An open ceiling plan that follows its group's scheduled actions (pure). A scheduled action is Auto Scaling's own
 * UpdateAutoScalingGroup: one whose desired capacity is above the MaxSize ceiling the guard holds is refused
 * ("Desired capacity … must be between the specified min size … and max size"), leaves no CloudTrail record, and a
 * one-time action is deleted once it ran (user guide, "Scheduled scaling for Amazon EC2 Auto Scaling"). So the
 * plan records the actions `listed` now that run before its deadline; once one's StartTime has passed, and it is
 * newer than the plan's intent, it is the newest intent (rule: the operator's latest word is the intent, whoever
 * gave it), applied as an UpdateAutoScalingGroup with its sizes would be against the bounds the operator
 * configured: a MinSize or MaxSize replaces the configured one, a desired capacity replaces the target, and sizes
 * Auto Scaling would refuse even without the ceiling (min above max, desired outside them) change nothing. A
 * recorded action no longer listed before its time was deleted and is dropped. `listed` null (the listing could not
 * be read): the recorded actions alone are followed. Returns the same plan when nothing changes.
 *
 * @example
 * followScheduledActions(plan({ targetCapacity: 200, allowedCapacity: 90 }), [], ctx({ nowMs: 150_000 }))
 * // with { name: 'noon', startMs: 150_000, desiredCapacity: 120 } recorded: targetCapacity 120, the action dropped
 */
export function followScheduledActions(
  plan: StaggerPlan,
  listed: readonly ScheduledSizes[] | null,
  ctx: ScheduledContext,
): StaggerPlan {
  if (plan.mode !== 'ceiling' || plan.completedAtMs !== undefined) return plan;
  const recorded = plan.scheduledActions ?? [];
  const kept =
    listed === null
      ? recorded
      : mergeActions(
          recorded.filter((a) => a.startMs <= ctx.nowMs),
          listed.filter((a) => a.startMs <= plan.deadlineMs),
        );
  let next = plan;
  for (const action of kept.filter((a) => a.startMs <= ctx.nowMs)) {
    if (action.startMs > next.origin.intentAtMs) next = applyScheduled(next, action, ctx);
  }
  const pending = kept.filter((a) => a.startMs > ctx.nowMs);
  if (next === plan && sameActions(recorded, pending)) return plan;
  const { scheduledActions: _recorded, ...rest } = next;
  return pending.length > 0 ? { ...rest, scheduledActions: pending } : rest;
}

/** The plan once one scheduled action's sizes are the newest intent. */
function applyScheduled(plan: StaggerPlan, action: ScheduledSizes, ctx: ScheduledContext): StaggerPlan {
  const configuredMinSize = action.minSize ?? plan.configuredMinSize;
  const configuredMaxSize = action.maxSize ?? plan.configuredMaxSize;
  const desired = action.desiredCapacity;
  const refused =
    configuredMinSize > configuredMaxSize ||
    (desired !== undefined && (desired < configuredMinSize || desired > configuredMaxSize));
  if (refused) return plan;
  const target = Math.min(Math.max(desired ?? plan.targetCapacity, configuredMinSize), configuredMaxSize);
  const allowedCapacity = Math.min(plan.allowedCapacity, target);
  // A higher target takes longer: the deadline follows it, as for a plan created for it now.
  const otherPerMin = ctx.otherAttachTimesMs.filter((t) => t > ctx.nowMs - BUDGET_WINDOW_MS).length;
  const deadlineMs =
    target > plan.targetCapacity
      ? Math.max(
          plan.deadlineMs,
          planDeadlineMs(
            ctx.nowMs,
            target - allowedCapacity,
            plan.attachesPerNode,
            ctx.policy,
            otherPerMin,
            ctx.deadlineGraceMs,
          ),
        )
      : plan.deadlineMs;
  return {
    ...plan,
    targetCapacity: target,
    allowedCapacity,
    configuredMinSize,
    configuredMaxSize,
    deadlineMs,
    origin: {
      eventId: `scheduled-action:${action.name}:${action.startMs}`,
      via: SCHEDULED_ACTION_VIA,
      intentAtMs: action.startMs,
    },
  };
}

function keyOf(action: ScheduledSizes): string {
  return `${action.startMs}:${action.name}`;
}

/** Both lists once, in StartTime order (a recurring action listed again at its next run is another entry). */
function mergeActions(
  recorded: readonly ScheduledSizes[],
  listed: readonly ScheduledSizes[],
): ScheduledSizes[] {
  const byKey = new Map([...recorded, ...listed].map((a) => [keyOf(a), a]));
  return [...byKey.values()].sort(byStartTime);
}

function sameActions(a: readonly ScheduledSizes[], b: readonly ScheduledSizes[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i];
      return (
        y !== undefined &&
        keyOf(x) === keyOf(y) &&
        x.desiredCapacity === y.desiredCapacity &&
        x.minSize === y.minSize &&
        x.maxSize === y.maxSize
      );
    })
  );
}
