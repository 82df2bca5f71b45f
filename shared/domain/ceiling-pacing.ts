import { CLOCK_SKEW_MS } from './attach-timing.js';
import type { ScaleIntent, StaggerPlan } from './stagger-plan-model.js';

/**
 * The desired capacity that goes with a MaxSize ceiling: the plan's target (the latest desired capacity asked for,
 * within the latest bounds) up to the ceiling. Lowering MaxSize below the group's size lowers desired with it
 * (UpdateAutoScalingGroup API reference: "there is an implicit call to SetDesiredCapacity"), and raising MaxSize
 * again leaves desired where it is, so every ceiling the guard writes carries this desired capacity in the same
 * call; it never goes below the MinSize the call leaves (`minSize`, at most the ceiling).
 *
 * @example
 * ceilingDesiredCapacity({ targetCapacity: 200 }, 90, 50) // 90
 * ceilingDesiredCapacity({ targetCapacity: 80 }, 90, 50) // 80
 */
export function ceilingDesiredCapacity(
  plan: Pick<StaggerPlan, 'targetCapacity'>,
  ceiling: number,
  minSize: number,
): number {
  return Math.min(Math.max(plan.targetCapacity, Math.min(minSize, ceiling)), ceiling);
}

/**
 * The lowest ceiling the guard had set at any time in the `CLOCK_SKEW_MS` before `atMs` (the steps in force then
 * and those applied meanwhile), or undefined when the plan had set none yet. The skew covers a caller that read
 * the group just before a step and made its call, stamped by another clock, just after.
 *
 * @example
 * ceilingInForce({ steps: [{ atMs: 0, capacity: 70, attaches: 40 }, { atMs: 70_000, capacity: 90, attaches: 40 }] }, 72_000) // 70
 */
export function ceilingInForce(plan: Pick<StaggerPlan, 'steps'>, atMs: number): number | undefined {
  const from = atMs - CLOCK_SKEW_MS;
  const before = plan.steps.filter((s) => s.atMs <= from).at(-1);
  const during = plan.steps.filter((s) => s.atMs > from && s.atMs <= atMs);
  const capacities = [...(before ? [before] : []), ...during].map((s) => s.capacity);
  return capacities.length === 0 ? undefined : Math.min(...capacities);
}

/**
 * Whether a desired capacity set while a ceiling plan is open only re-asserts the ceiling (pure). An autoscaler
 * (Cluster Autoscaler re-sets desired every 10–20 s while pods are pending, EVENTS.md) asks for as much as MaxSize
 * allows: a desired capacity at or above the ceiling in force when the call was made, given without bounds, is
 * not a new wish, and the plan keeps its target. A lower one is somebody's new intent (rule: the operator's
 * latest word is the intent), and so is any call that sets MinSize or MaxSize, or a capacity above the ceiling
 * the guard allows now.
 *
 * @example
 * isAtGuardCeiling(plan({ allowedCapacity: 90, steps: [{ atMs: 0, capacity: 90, attaches: 40 }] }), intent(90, 10_000)) // true
 * isAtGuardCeiling(plan({ allowedCapacity: 90, steps: [{ atMs: 0, capacity: 90, attaches: 40 }] }), intent(80, 10_000)) // false
 */
export function isAtGuardCeiling(
  plan: Pick<StaggerPlan, 'allowedCapacity' | 'steps'>,
  intent: Pick<ScaleIntent, 'requestedCapacity' | 'maxSize' | 'minSize' | 'origin'>,
): boolean {
  if (intent.maxSize !== undefined || intent.minSize !== undefined) return false;
  if (intent.requestedCapacity > plan.allowedCapacity) return false;
  const ceiling = ceilingInForce(plan, intent.origin.intentAtMs);
  // A lowered ceiling records no step (nothing is released): the capacity allowed now is one the guard set too.
  return ceiling !== undefined && intent.requestedCapacity >= Math.min(ceiling, plan.allowedCapacity);
}
