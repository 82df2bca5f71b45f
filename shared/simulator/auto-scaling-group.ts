import type { InstanceLimits } from '../domain/instance-limits.js';
import { autoScalingGroupArn } from './eventbridge-events.js';
import { findSimulatorInstanceLimits } from './instance-catalog.js';
import { LAUNCHING, type LifecycleAction, type LifecycleHook } from './lifecycle-hooks.js';
import type { Scenario, ScenarioGroup, SecondsRange } from './scenario.js';

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
  /**
   * Scale-in protection (`SetInstanceProtection`): the termination policy never picks the instance when the
   * group scales in (Auto Scaling user guide, "Use instance scale-in protection").
   */
  protectedFromScaleIn: boolean;
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
  /** A waiting node reports reaching its wait point (EventBridge PutEvents). */
  readonly nodeReports: boolean;
  /** DeleteAutoScalingGroup in progress: instances terminating, no change accepted. */
  deleting: boolean;
  /** How late the events of the next reconcile's activities arrive (an action's override); null: as timed. */
  eventDelay: SecondsRange | null;
}

/**
 * A group as the scenario describes it, with no instance yet: EKS tags added, the scenario's launch hook
 * in place.
 *
 * @example
 * createGroup(scenario.groups[0], scenario).desiredCapacity // the scenario's starting capacity
 */
export function createGroup(spec: ScenarioGroup, scenario: Scenario): SimGroup {
  const instanceLimits = spec.instanceTypes.map((t) => findSimulatorInstanceLimits(t) as InstanceLimits);
  const tags: Record<string, string> = { ...spec.tags };
  if (spec.nodegroupName) tags['eks:nodegroup-name'] = spec.nodegroupName;
  tags['eks:cluster-name'] = scenario.cluster.name;
  tags[`kubernetes.io/cluster/${scenario.cluster.name}`] = 'owned';
  const group: SimGroup = {
    spec,
    arn: autoScalingGroupArn(scenario.account, spec.name),
    instanceLimits,
    launchCount: 0,
    podsPerNode: spec.podsPerNode,
    tags,
    minSize: spec.minSize,
    maxSize: spec.maxSize,
    desiredCapacity: spec.desiredCapacity,
    members: [],
    reconcileAtMs: null,
    lastCause: '',
    desiredSetBy: '',
    hooks: spec.launchHook
      ? [
          {
            name: spec.launchHook.name,
            transition: LAUNCHING,
            heartbeatTimeoutSec: spec.launchHook.heartbeatTimeoutSec,
            defaultResult: spec.launchHook.defaultResult,
            notificationMetadata: null,
          },
        ]
      : [],
    nodeWaits: spec.launchHook?.nodeWaits ?? false,
    nodeReports: spec.launchHook?.nodeReports ?? false,
    deleting: false,
    eventDelay: null,
  };
  return group;
}
