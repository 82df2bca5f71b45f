import type { GroupSnapshot, PacingMode, ScaleIntent, StaggerPlan } from './stagger-plan-model.js';

/** `origin.via` of an intent read from the group itself (launch events, no API call to order it by). */
export const OBSERVED_VIA = 'observed';

/** What a closed plan records besides the intent: the group's shape and the latest bounds. */
export interface ClosedPlanShape {
  readonly group: Pick<GroupSnapshot, 'groupName' | 'inServiceCount'>;
  readonly mode: PacingMode;
  readonly attachesPerNode: number;
  /** The intent's desired capacity within the latest bounds. */
  readonly target: number;
  readonly configuredMaxSize: number;
  readonly configuredMinSize: number;
}

/**
 * The plan a group keeps once an intent is handed back whole (a scale-in that cancels a plan, a change the budget
 * absorbs at once): closed (`completedAtMs` set) and dated by the intent that closed it. It paces nothing; its
 * origin is what makes an older intent delivered later superseded, since EventBridge delivers CloudTrail records
 * late and out of order (EVENTS.md, "Delivery delay and order"). It is forgotten with the other finished plans.
 *
 * @example
 * closedPlan(undefined, intent({ requestedCapacity: 50, intentAtMs: 65_000 }), shape({ target: 50 }), 70_000)
 * // { targetCapacity: 50, allowedCapacity: 50, origin: { intentAtMs: 65_000, … }, completedAtMs: 70_000, … }
 */
export function closedPlan(
  open: StaggerPlan | undefined,
  intent: Pick<ScaleIntent, 'origin'>,
  shape: ClosedPlanShape,
  nowMs: number,
): StaggerPlan {
  return {
    groupName: shape.group.groupName,
    mode: open?.mode ?? shape.mode,
    targetCapacity: shape.target,
    startCapacity: open?.startCapacity ?? shape.group.inServiceCount,
    allowedCapacity: shape.target,
    configuredMaxSize: shape.configuredMaxSize,
    configuredMinSize: shape.configuredMinSize,
    attachesPerNode: open?.attachesPerNode ?? shape.attachesPerNode,
    origin: intent.origin,
    createdAtMs: open?.createdAtMs ?? nowMs,
    deadlineMs: open?.deadlineMs ?? nowMs,
    steps: open?.steps ?? [],
    completedAtMs: nowMs,
  };
}

/**
 * The desired capacity to give a group back when the guard stops pacing it mid-plan (opt-out): the plan's
 * target (the latest desired asked for, within the latest bounds) while the group still shows a capacity the
 * guard set (the one it allows now or one of its recorded steps); null when the group shows any other value,
 * which somebody else set after the guard's last write and is therefore the latest intent (rule: the guard
 * owns only the pacing).
 *
 * @example
 * handBackDesiredCapacity(plan({ targetCapacity: 200, allowedCapacity: 90 }), 90) // 200
 * handBackDesiredCapacity(plan({ targetCapacity: 200, allowedCapacity: 90 }), 120) // null
 */
export function handBackDesiredCapacity(
  plan: Pick<StaggerPlan, 'targetCapacity' | 'allowedCapacity' | 'steps'>,
  groupDesiredCapacity: number,
): number | null {
  const setByGuard =
    groupDesiredCapacity === plan.allowedCapacity ||
    plan.steps.some((step) => step.capacity === groupDesiredCapacity);
  return setByGuard ? plan.targetCapacity : null;
}
