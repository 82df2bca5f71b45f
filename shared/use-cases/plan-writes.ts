/**
 * How the stagger use cases write a plan to its group: the capacity a plan allows (desired capacity or MaxSize
 * ceiling), the hand-back of what it took (bounds and the latest intent's desired capacity), the paced mark, and
 * the plan events on the bus. Shared by the reactor and the stepper.
 */
import { ceilingDesiredCapacity } from '../domain/ceiling-pacing.js';
import { handBackDesiredCapacity } from '../domain/closed-plan.js';
import type { StaggerPlan } from '../domain/stagger-plan.js';
import type { GuardEvent } from '../ports/event-publisher.js';
import type { ScalingGroup } from '../ports/scaling-groups.js';
import { isMarkedPaced } from './group-profile.js';
import type { StaggerDeps } from './stagger-deps.js';

/**
 * Marks a group the guard is about to hold before its first write, so that an opt-out mid-plan still leaves the
 * guard allowed to hand the capacity back (the IAM policy allows writes on groups carrying either tag).
 */
export async function markPacedBeforeHolding(
  deps: StaggerDeps,
  group: Pick<ScalingGroup, 'name' | 'tags'>,
): Promise<void> {
  if (!isMarkedPaced(group)) await deps.groups.markPaced(group.name, true);
}

/**
 * Sets the capacity a plan allows: the desired capacity, or the MaxSize ceiling with the plan's desired capacity up
 * to it.
 */
export async function applyCapacity(
  deps: StaggerDeps,
  plan: StaggerPlan,
  capacity: number,
  group: Pick<ScalingGroup, 'desiredCapacity' | 'minSize'>,
): Promise<void> {
  // Holding a group below its MinSize needs MinSize lowered in the same call; the plan restores it at the end.
  const lowerMin = group.minSize > capacity ? { minSize: capacity } : {};
  if (plan.mode === 'desired') {
    if (lowerMin.minSize !== undefined) {
      await deps.groups.updateBounds(plan.groupName, { ...lowerMin, desiredCapacity: capacity });
    } else if (group.desiredCapacity !== capacity) {
      await deps.groups.setDesiredCapacity(plan.groupName, capacity);
    }
    return;
  }
  // The desired capacity asked for rides with every ceiling: lowering MaxSize lowered it too (implicit
  // SetDesiredCapacity), and raising MaxSize alone would leave it there.
  const desired = ceilingDesiredCapacity(plan, capacity, lowerMin.minSize ?? group.minSize);
  await deps.groups.updateBounds(plan.groupName, {
    ...lowerMin,
    maxSize: capacity,
    ...(group.desiredCapacity === desired ? {} : { desiredCapacity: desired }),
  });
}

/**
 * What a hand-back does with the desired capacity: raise it to at least a value (never cuts what was released),
 * set it to a value (the group shows a desired capacity the guard wrote, so the latest intent replaces it either
 * way), or leave it (null).
 */
export type DesiredHandBack = { readonly kind: 'raise' | 'set'; readonly capacity: number } | null;

/**
 * The desired capacity a plan hands back over the guard's own writes: the latest intent (`targetCapacity`, within
 * the latest bounds) while the group shows a desired capacity the guard wrote (a ceiling plan's, or one a step or
 * a repair wrote over an operator's change whose event was still on its way); null when it shows another, which
 * somebody else set after the guard's last write and is therefore the newer intent.
 */
export function latestIntentHandBack(
  plan: Pick<StaggerPlan, 'targetCapacity' | 'allowedCapacity' | 'steps'>,
  group: Pick<ScalingGroup, 'desiredCapacity'>,
): DesiredHandBack {
  const capacity = handBackDesiredCapacity(plan, group.desiredCapacity);
  return capacity === null ? null : { kind: 'set', capacity };
}

/**
 * Gives a group back what a plan took while pacing it: the configured MaxSize (ceiling mode), the configured
 * MinSize (lowered to hold the group below it) and the desired capacity as `desired` says, in one call.
 */
export async function restoreBounds(
  deps: StaggerDeps,
  plan: StaggerPlan,
  group: Pick<ScalingGroup, 'desiredCapacity' | 'minSize' | 'maxSize'>,
  restoreMaxSize: number | null,
  desired: DesiredHandBack,
): Promise<void> {
  const bounds = {
    ...(restoreMaxSize !== null && group.maxSize !== restoreMaxSize ? { maxSize: restoreMaxSize } : {}),
    ...(group.minSize < plan.configuredMinSize ? { minSize: plan.configuredMinSize } : {}),
  };
  const changes =
    desired !== null &&
    (desired.kind === 'set'
      ? group.desiredCapacity !== desired.capacity
      : group.desiredCapacity < desired.capacity);
  const capacity = changes ? desired.capacity : null;
  if (Object.keys(bounds).length === 0) {
    if (capacity !== null) await deps.groups.setDesiredCapacity(plan.groupName, capacity);
    return;
  }
  await deps.groups.updateBounds(plan.groupName, {
    ...bounds,
    ...(capacity === null ? {} : { desiredCapacity: capacity }),
  });
}

/** A Stagger Plan event for the bus. */
export function planEvent(
  detailType: string,
  plan: StaggerPlan,
  extra: Record<string, unknown> = {},
): GuardEvent {
  return {
    detailType,
    resources: [plan.groupName],
    detail: {
      autoScalingGroupName: plan.groupName,
      mode: plan.mode,
      targetCapacity: plan.targetCapacity,
      allowedCapacity: plan.allowedCapacity,
      attachesPerNode: plan.attachesPerNode,
      deadline: new Date(plan.deadlineMs).toISOString(),
      origin: plan.origin,
      stepsApplied: plan.steps.length,
      ...extra,
    },
  };
}
