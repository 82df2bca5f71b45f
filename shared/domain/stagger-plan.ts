import {
  type AttachBudgetPolicy,
  type AttachSpend,
  BUDGET_WINDOW_MS,
  nextRoomAtMs,
  planningWindowMs,
  roomAt,
  spentInWindow,
} from './attach-budget.js';
import { isAtGuardCeiling } from './ceiling-pacing.js';
import { closedPlan, OBSERVED_VIA } from './closed-plan.js';
import {
  type AppliedStep,
  type GroupSnapshot,
  type PacingMode,
  planDeadlineMs,
  RELEASE_MEMORY_MS,
  type ScaleIntent,
  type StaggerPlan,
} from './stagger-plan-model.js';
import { nodesForRoom } from './stagger-planner.js';

export {
  type AppliedStep,
  type GroupSnapshot,
  PACING_MODES,
  type PacingMode,
  type PlanOrigin,
  planDeadlineMs,
  RELEASE_MEMORY_MS,
  type ScaleIntent,
  type StaggerPlan,
} from './stagger-plan-model.js';

export type IntentDecision =
  | { readonly kind: 'stale'; readonly reason: string }
  /** An explicit intent older than the one the stored plan was built from: acknowledged, never applied. */
  | { readonly kind: 'superseded'; readonly reason: string }
  | {
      readonly kind: 'pass-through';
      readonly reason: string;
      readonly spend: AttachSpend | null;
      /** The closed plan that records the intent as the latest one applied (null for observed capacity). */
      readonly record: StaggerPlan | null;
    }
  /** The open plan ends; `plan` is its closed form, carrying the intent that ended it. */
  | { readonly kind: 'cancel'; readonly plan: StaggerPlan; readonly restoreMaxSize: number | null }
  | {
      readonly kind: 'hold';
      readonly plan: StaggerPlan;
      /** Capacity to apply now (desired, or the MaxSize ceiling). */
      readonly capacityNow: number;
      readonly spend: AttachSpend | null;
      readonly created: boolean;
    };

export interface PlanningContext {
  readonly nowMs: number;
  readonly policy: AttachBudgetPolicy;
  readonly spends: readonly AttachSpend[];
  readonly otherAttachTimesMs: readonly number[];
  /** Extra time a plan may take beyond its schedule before the guard fails open. */
  readonly deadlineGraceMs: number;
  /** Attaches other open plans still have to make: they share the budget, so they delay this plan too. */
  readonly queuedAttaches?: number;
}

/**
 * What the reactor does with a scale intent for a group (pure). The latest intent wins, ordered by when the
 * change happened (EVENTS.md, "Delivery delay and order"): an explicit intent older than the stored plan's
 * origin is superseded (an observed one is stale); a newer one replaces the target; a target at or below what
 * runs cancels the plan. Without a plan, a change the budget can absorb passes straight through; otherwise a
 * plan is created and the group is held to what the budget allows now. A cancel or an explicit pass-through
 * leaves a closed plan behind, so that an older intent delivered later finds a newer origin and cannot revive a
 * superseded scale-out. Instances launched but not in service are not counted as running:
 * a plan's first hold cancels launches the budget has no room for, before they boot.
 *
 * @example
 * decideIntent(undefined, intent(200), group({ inService: 50 }), 'desired', 2, ctx) // { kind: 'hold', capacityNow: 70, ... }
 */
export function decideIntent(
  stored: StaggerPlan | undefined,
  intent: ScaleIntent,
  group: GroupSnapshot,
  mode: PacingMode,
  attachesPerNode: number,
  ctx: PlanningContext,
): IntentDecision {
  if (stored && intent.origin.intentAtMs < stored.origin.intentAtMs) {
    const reason = `intent at ${intent.origin.intentAtMs} is older than the plan's (${stored.origin.intentAtMs})`;
    return intent.origin.via === OBSERVED_VIA ? { kind: 'stale', reason } : { kind: 'superseded', reason };
  }
  if (stored && intent.origin.eventId === stored.origin.eventId) {
    return { kind: 'stale', reason: 'event already applied' };
  }
  if (
    stored?.completedAtMs !== undefined &&
    intent.origin.via === OBSERVED_VIA &&
    intent.requestedCapacity <= stored.targetCapacity &&
    ctx.nowMs - stored.completedAtMs < RELEASE_MEMORY_MS
  ) {
    return { kind: 'stale', reason: 'capacity released by a finished plan' };
  }
  const plan = stored?.completedAtMs === undefined ? stored : undefined;
  if (plan?.mode === 'ceiling' && isAtGuardCeiling(plan, intent)) {
    // The autoscaler re-asserting the ceiling the guard set is not a new wish.
    return { kind: 'stale', reason: 'autoscaler at the ceiling' };
  }
  const running = group.inServiceCount;
  // A bound given with the intent is the operator's newest word; otherwise what the plan recorded, or the group's.
  const configuredMaxSize = intent.maxSize ?? plan?.configuredMaxSize ?? group.maxSize;
  const configuredMinSize = intent.minSize ?? plan?.configuredMinSize ?? group.minSize;
  // The latest desired capacity asked for, within the latest bounds (Auto Scaling keeps desired inside them).
  const wanted = intent.boundsOnly && plan ? plan.targetCapacity : intent.requestedCapacity;
  const target = Math.min(Math.max(wanted, configuredMinSize), configuredMaxSize);
  const closed = (from: StaggerPlan | undefined): StaggerPlan =>
    closedPlan(
      from,
      intent,
      { group, mode, attachesPerNode, target, configuredMaxSize, configuredMinSize },
      ctx.nowMs,
    );
  const record = intent.origin.via === OBSERVED_VIA ? null : closed(undefined);
  if (target <= running) {
    // Handing back never goes backwards: the plan ends with the bounds as the operator last left them. The reactor
    // records it open at the new target before touching the group (a hand-back cut short by a crash is finished by
    // the next step, and the redelivered intent is recognised as applied), then closed.
    return plan
      ? {
          kind: 'cancel',
          plan: closed(plan),
          restoreMaxSize: plan.mode === 'ceiling' ? configuredMaxSize : null,
        }
      : { kind: 'pass-through', reason: 'scale-in or no change', spend: null, record };
  }
  // Instances launched before the guard saw the intent (pending) have not booted yet: they count as wanted
  // nodes, and holding the group below them cancels their launches before they attach anything. A new, lower
  // target under an open plan brings the allowed capacity down with it.
  const base = Math.min(target, plan ? Math.max(plan.allowedCapacity, running) : running);
  const room = roomAt(ctx.spends, ctx.otherAttachTimesMs, ctx.nowMs, ctx.policy);
  const ownInWindow = spentInWindow(ctx.spends, ctx.nowMs, planningWindowMs(ctx.policy));
  const wantedNodes = Math.max(0, target - base);
  const nodesNow = Math.min(wantedNodes, nodesForRoom(room, attachesPerNode, ownInWindow === 0));
  const capacityNow = base + nodesNow;
  const attachesNow = nodesNow * attachesPerNode;
  const initialSpend = attachesNow > 0 ? spend(ctx.nowMs, attachesNow, group.groupName) : null;
  if (!plan && capacityNow >= target) {
    return { kind: 'pass-through', reason: 'within budget', spend: initialSpend, record };
  }
  const otherPerMin = ctx.otherAttachTimesMs.filter((t) => t > ctx.nowMs - BUDGET_WINDOW_MS).length;
  const next: StaggerPlan = {
    groupName: group.groupName,
    mode,
    targetCapacity: target,
    startCapacity: plan?.startCapacity ?? running,
    allowedCapacity: capacityNow,
    configuredMaxSize,
    configuredMinSize,
    attachesPerNode,
    origin: intent.origin,
    createdAtMs: plan?.createdAtMs ?? ctx.nowMs,
    deadlineMs: planDeadlineMs(
      ctx.nowMs,
      target - capacityNow + Math.ceil((ctx.queuedAttaches ?? 0) / Math.max(1, attachesPerNode)),
      attachesPerNode,
      ctx.policy,
      otherPerMin,
      ctx.deadlineGraceMs,
    ),
    steps: recentSteps([
      ...(plan?.steps ?? []),
      ...(nodesNow > 0 || !plan ? [{ atMs: ctx.nowMs, capacity: capacityNow, attaches: attachesNow }] : []),
    ]),
    ...(plan?.protectedInstanceIds ? { protectedInstanceIds: plan.protectedInstanceIds } : {}),
    ...(plan?.scheduledActions && mode === 'ceiling' ? { scheduledActions: plan.scheduledActions } : {}),
  };
  return { kind: 'hold', plan: next, capacityNow, spend: initialSpend, created: plan === undefined };
}

/**
 * A plan brought in line with what the group shows now (rule: the operator's latest word is the intent). In
 * desired mode the guard never writes MaxSize and lowers MinSize only down to a capacity it holds, so a MaxSize that differs from the plan's, or a MinSize below what the guard would set, is somebody else's
 * change, seen here even before its event arrives: the target follows the new MaxSize, and the hand-back restores
 * the new bounds. Likewise a desired capacity the guard did not set (a scheduled action, a scaling policy, a
 * person; Auto Scaling's own events for those carry no API call to order them by) is the newest intent: the target
 * becomes it, within the bounds. A desired capacity the guard set or left (its allowed capacity, a recorded step,
 * the start or the target itself, as after a crash between the plan's commit and the write) or one Auto Scaling
 * clamped to a new bound is not. Null: the group is gone and the plan ends.
 *
 * @example
 * reconcileWithGroup(plan({ targetCapacity: 200, configuredMaxSize: 300 }), group({ maxSize: 150 }))?.targetCapacity // 150
 * reconcileWithGroup(plan({ targetCapacity: 200, allowedCapacity: 110 }), group({ desiredCapacity: 120 }))?.targetCapacity // 120
 */
export function reconcileWithGroup(
  plan: StaggerPlan,
  group:
    | (Pick<GroupSnapshot, 'minSize' | 'maxSize'> & Partial<Pick<GroupSnapshot, 'desiredCapacity'>>)
    | undefined,
): StaggerPlan | null {
  if (!group) return null;
  if (plan.completedAtMs !== undefined) return plan;
  if (plan.mode === 'ceiling') {
    // MaxSize is the guard's ceiling here; a desired capacity below it that the guard did not write is the
    // newest intent all the same (a scheduled action, or the autoscaler needing less).
    const desired = group.desiredCapacity;
    if (desired === undefined || desiredExplained(plan, group, desired)) return plan;
    const target = Math.min(Math.max(desired, group.minSize), plan.configuredMaxSize);
    return { ...plan, targetCapacity: target, allowedCapacity: Math.min(plan.allowedCapacity, target) };
  }
  let next = plan;
  if (group.maxSize !== plan.configuredMaxSize) {
    next = {
      ...next,
      configuredMaxSize: group.maxSize,
      targetCapacity: Math.min(next.targetCapacity, group.maxSize),
      allowedCapacity: Math.min(next.allowedCapacity, group.maxSize),
    };
  }
  // The guard lowers MinSize only to a capacity it holds, never below the nodes running when the plan began.
  if (group.minSize < Math.min(plan.configuredMinSize, plan.startCapacity)) {
    next = { ...next, configuredMinSize: group.minSize };
  }
  const desired = group.desiredCapacity;
  if (desired !== undefined && !desiredExplained(plan, group, desired)) {
    const target = Math.min(Math.max(desired, group.minSize), group.maxSize);
    next = { ...next, targetCapacity: target, allowedCapacity: Math.min(next.allowedCapacity, target) };
  }
  return next;
}

/** Whether the guard set this desired capacity, or Auto Scaling clamped the one it set to a bound changed since. */
function desiredExplained(
  plan: StaggerPlan,
  group: Pick<GroupSnapshot, 'minSize' | 'maxSize'>,
  desired: number,
): boolean {
  const setByGuard =
    desired === plan.allowedCapacity ||
    desired === plan.targetCapacity ||
    desired === plan.startCapacity ||
    plan.steps.some((step) => step.capacity === desired);
  const clamped =
    (desired === group.minSize && desired > plan.allowedCapacity) ||
    (desired === group.maxSize && desired < plan.allowedCapacity);
  return setByGuard || clamped;
}

export type StepAction =
  | {
      readonly kind: 'advance';
      readonly plan: StaggerPlan;
      readonly capacity: number;
      readonly spend: AttachSpend;
    }
  | { readonly kind: 'wait'; readonly plan: StaggerPlan; readonly nextCheckAtMs: number | null }
  | { readonly kind: 'forget'; readonly plan: StaggerPlan }
  | {
      readonly kind: 'complete';
      readonly plan: StaggerPlan;
      readonly capacity: number;
      readonly restoreMaxSize: number | null;
      /** Failing open releases nodes the budget had no room for: their attaches are still spent. */
      readonly spend: AttachSpend | null;
      readonly reason: 'target-reached' | 'deadline' | 'kill-switch' | 'opt-out';
    };

/**
 * One stepper tick over every open plan (pure). Plans past their deadline, plans whose group is in `optedOut`
 * (its opt-in tag removed or changed), or all plans when the kill switch is on, go to their target at once
 * (fail open: the group gets the latest intent back). The remaining room is shared fairly: one node at a time to
 * each plan in turn, oldest plan first, so groups scaling together advance together.
 *
 * @example
 * decideSteps([plan], { nowMs, policy, spends: [], otherAttachTimesMs: [], deadlineGraceMs: 0 }, false)
 * // [{ kind: 'advance', capacity: 90, ... }]
 */
export function decideSteps(
  plans: readonly StaggerPlan[],
  ctx: PlanningContext,
  killSwitch: boolean,
  optedOut: ReadonlySet<string> = new Set(),
): StepAction[] {
  const actions: StepAction[] = [];
  const open: StaggerPlan[] = [];
  const sorted = [...plans].sort(byAge);
  for (const plan of sorted) {
    const restore = plan.mode === 'ceiling' ? plan.configuredMaxSize : null;
    if (plan.completedAtMs !== undefined) {
      if (ctx.nowMs - plan.completedAtMs >= RELEASE_MEMORY_MS) actions.push({ kind: 'forget', plan });
    } else if (killSwitch || optedOut.has(plan.groupName) || ctx.nowMs >= effectiveDeadlineMs(plan, sorted)) {
      const releasedAttaches = Math.max(0, plan.targetCapacity - plan.allowedCapacity) * plan.attachesPerNode;
      actions.push({
        kind: 'complete',
        // Recorded as released before the group is touched: after a crash the next step only finishes it.
        plan: { ...plan, allowedCapacity: plan.targetCapacity },
        capacity: plan.targetCapacity,
        restoreMaxSize: restore,
        reason: optedOut.has(plan.groupName) ? 'opt-out' : killSwitch ? 'kill-switch' : 'deadline',
        spend: releasedAttaches > 0 ? spend(ctx.nowMs, releasedAttaches, plan.groupName) : null,
      });
    } else if (plan.allowedCapacity >= plan.targetCapacity) {
      actions.push({
        kind: 'complete',
        plan,
        capacity: plan.targetCapacity,
        restoreMaxSize: restore,
        reason: 'target-reached',
        spend: null,
      });
    } else {
      open.push(plan);
    }
  }
  const spends = [...ctx.spends];
  let room = roomAt(spends, ctx.otherAttachTimesMs, ctx.nowMs, ctx.policy);
  const windowEmpty = spentInWindow(spends, ctx.nowMs, planningWindowMs(ctx.policy)) === 0;
  const granted = new Map<string, number>(open.map((p) => [p.groupName, 0]));
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const plan of open) {
      const given = granted.get(plan.groupName) ?? 0;
      const needed = plan.targetCapacity - plan.allowedCapacity - given;
      const lone = windowEmpty && room === roomAt([], ctx.otherAttachTimesMs, ctx.nowMs, ctx.policy);
      if (
        needed > 0 &&
        (room >= plan.attachesPerNode || (lone && given === 0 && plan.attachesPerNode > room))
      ) {
        granted.set(plan.groupName, given + 1);
        room = Math.max(0, room - plan.attachesPerNode);
        progressed = true;
      }
    }
  }
  for (const plan of open) {
    const nodes = granted.get(plan.groupName) ?? 0;
    if (nodes > 0) {
      const attaches = nodes * plan.attachesPerNode;
      const capacity = plan.allowedCapacity + nodes;
      const s = spend(ctx.nowMs, attaches, plan.groupName);
      spends.push(s);
      actions.push({
        kind: 'advance',
        plan: {
          ...plan,
          allowedCapacity: capacity,
          steps: recentSteps([...plan.steps, { atMs: ctx.nowMs, capacity, attaches }]),
        },
        capacity,
        spend: s,
      });
    } else {
      actions.push({
        kind: 'wait',
        plan,
        nextCheckAtMs: nextRoomAtMs(spends, ctx.otherAttachTimesMs, ctx.nowMs, ctx.policy),
      });
    }
  }
  return actions;
}

/** Steps kept on a plan: enough to read its recent history, bounded so the stored item stays small. */
export const MAX_RECORDED_STEPS = 50;

function recentSteps(steps: readonly AppliedStep[]): AppliedStep[] {
  return steps.slice(-MAX_RECORDED_STEPS);
}

/**
 * Plans created later share the budget with this one and slow it down; each of their deadlines counts every
 * attach queued when it was created, this plan's included. So this plan is overdue only past the latest of them.
 */
function effectiveDeadlineMs(plan: StaggerPlan, plans: readonly StaggerPlan[]): number {
  let deadline = plan.deadlineMs;
  for (const other of plans) {
    if (other.completedAtMs === undefined && other.createdAtMs >= plan.createdAtMs) {
      deadline = Math.max(deadline, other.deadlineMs);
    }
  }
  return deadline;
}

function byAge(a: StaggerPlan, b: StaggerPlan): number {
  return a.createdAtMs - b.createdAtMs || a.groupName.localeCompare(b.groupName);
}

function spend(atMs: number, attaches: number, groupName: string): AttachSpend {
  return { atMs, attaches, groupName };
}
