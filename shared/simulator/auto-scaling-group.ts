import type { InstanceLimits } from '../domain/instance-limits.js';
import type { LifecycleAction, LifecycleHook } from './lifecycle-hooks.js';
import type { ScenarioGroup, SecondsRange } from './scenario.js';

export type LifecycleState = 'Pending' | 'Pending:Wait' | 'InService' | 'Terminating';

/** One instance of an Auto Scaling group. */
export interface GroupMember {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly launchMs: number;
  lifecycle: LifecycleState;
  /** Launch lifecycle actions holding the instance in `Pending:Wait`. */
  readonly actions: LifecycleAction[];
  /** When `Pending:Wait` began (simulated ms); null: never waited. */
  waitStartMs: number | null;
  /** When the node's user data reaches its wait for `InService` (simulated ms); null: it does not wait. */
  waitPointMs: number | null;
  /** The cause of the launch activity, reported when the activity completes. */
  launchCause: string;
}

/** One Auto Scaling group. */
export interface SimGroup {
  readonly spec: ScenarioGroup;
  readonly arn: string;
  /** Limits of each of the group's instance types, in launch order. */
  readonly instanceLimits: readonly InstanceLimits[];
  /** Instances launched so far (picks the next instance type). */
  launchCount: number;
  /** Application pods each node receives once Ready (a `set-pods` action changes it). */
  podsPerNode: number;
  readonly tags: Record<string, string>;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  readonly members: GroupMember[];
  reconcileAtMs: number | null;
  lastCause: string;
  /** Who last set the desired capacity (identity ARN); '' for Auto Scaling itself. */
  desiredSetBy: string;
  readonly hooks: LifecycleHook[];
  /** The launch template's user data waits for IMDS `target-lifecycle-state` = InService before kubelet. */
  readonly nodeWaits: boolean;
  /** DeleteAutoScalingGroup in progress: instances terminating, no change accepted. */
  deleting: boolean;
  /** How late the events of the next reconcile's activities arrive (an action's override); null: as timed. */
  eventDelay: SecondsRange | null;
}
