import { type AttachBudgetPolicy, planningWindowMs } from './attach-budget.js';
import { maxOtherAttachesPerMin, planStagger } from './stagger-planner.js';

/* The stagger plan as stored and the intents it answers: the shapes the plan's helpers share (pure). */

/** How the guard paces a group: by its desired capacity, or by a temporary MaxSize ceiling (autoscaler-owned). */
export const PACING_MODES = ['desired', 'ceiling'] as const;
export type PacingMode = (typeof PACING_MODES)[number];

export interface PlanOrigin {
  readonly eventId: string;
  /** What asked for the capacity: SetDesiredCapacity, UpdateAutoScalingGroup, UpdateNodegroupConfig, ScaleRequest… */
  readonly via: string;
  /** When the intent was expressed (CloudTrail eventTime or the event's time); the latest intent wins. */
  readonly intentAtMs: number;
}

export interface AppliedStep {
  readonly atMs: number;
  readonly capacity: number;
  readonly attaches: number;
}

/** One group's open plan, stored before the guard acts on it. */
export interface StaggerPlan {
  readonly groupName: string;
  readonly mode: PacingMode;
  readonly targetCapacity: number;
  readonly startCapacity: number;
  /** Capacity (desired, or the ceiling) the guard has allowed so far. */
  readonly allowedCapacity: number;
  /** MaxSize to restore when a ceiling plan ends. */
  readonly configuredMaxSize: number;
  /** MinSize to restore when the plan ends (the guard lowers it while it holds a group below it). */
  readonly configuredMinSize: number;
  readonly attachesPerNode: number;
  readonly origin: PlanOrigin;
  readonly createdAtMs: number;
  /** Past this, the guard sets the target at once (fail open). */
  readonly deadlineMs: number;
  readonly steps: readonly AppliedStep[];
  /**
   * Set once the plan reached its target (or failed open). The plan is kept a while afterwards so that the
   * launch events of the nodes it released are recognised and not paced a second time.
   */
  readonly completedAtMs?: number;
  /**
   * Instances the guard protected from scale-in so that a write of this plan would not cut them (their attaches
   * already happened; scale-in-protection.ts), recorded before they are protected: the plan's end removes it.
   */
  readonly protectedInstanceIds?: readonly string[];
  /**
   * Ceiling mode: the group's scheduled actions that run before the deadline, recorded while listed, so that one
   * Auto Scaling refuses under the ceiling, and then deletes, is still applied as the newest intent
   * (scheduled-actions.ts).
   */
  readonly scheduledActions?: readonly ScheduledSizes[];
}

/** How long a finished plan is remembered (its last nodes boot and their launch events arrive meanwhile). */
export const RELEASE_MEMORY_MS = 15 * 60_000;

/** A group's state as the Auto Scaling API reports it. */
export interface GroupSnapshot {
  readonly groupName: string;
  readonly desiredCapacity: number;
  readonly minSize: number;
  readonly maxSize: number;
  readonly inServiceCount: number;
}

/** A scale intent from an event: the capacity somebody asked for. */
export interface ScaleIntent {
  readonly groupName: string;
  readonly requestedCapacity: number;
  readonly origin: PlanOrigin;
  /** A MaxSize given with the intent (UpdateAutoScalingGroup, UpdateNodegroupConfig). */
  readonly maxSize?: number;
  /** A MinSize given with the intent. */
  readonly minSize?: number;
  /**
   * The intent changed bounds only (MinSize and/or MaxSize): the desired capacity somebody wants is still the
   * latest one asked for (an open plan's target), clamped to the new bounds, not the capacity the guard holds.
   */
  readonly boundsOnly?: boolean;
}

/**
 * A scheduled action of a group not run yet (DescribeScheduledActions): its next run and the sizes it sets (those
 * it leaves unset are absent).
 */
export interface ScheduledSizes {
  readonly name: string;
  /** Its next run (StartTime), epoch milliseconds. */
  readonly startMs: number;
  readonly desiredCapacity?: number;
  readonly minSize?: number;
  readonly maxSize?: number;
}

/**
 * Deadline of a plan: its schedule under the current budget, plus a grace period (fail open after it).
 *
 * @example
 * planDeadlineMs(0, 150, 2, { attachesPerMin: 40, safetyMargin: 0, spreadSec: 0 }, 0, 60_000) // 540_000
 */
export function planDeadlineMs(
  nowMs: number,
  nodes: number,
  attachesPerNode: number,
  policy: AttachBudgetPolicy,
  otherAttachesPerMin: number,
  graceMs: number,
): number {
  const schedule = planStagger({
    fromDesired: 0,
    toDesired: nodes,
    attachesPerNode,
    policy,
    otherAttachesPerMin: Math.min(otherAttachesPerMin, maxOtherAttachesPerMin(policy)),
  });
  return nowMs + schedule.durationSec * 1000 + planningWindowMs(policy) + graceMs;
}
