import type { GuardCrashPoint } from './guard-faults.js';

/** A range drawn uniformly with the seeded PRNG. */
export interface SecondsRange {
  readonly min: number;
  readonly max: number;
}

export interface ScenarioCni {
  /** true: the EKS managed add-on (DescribeAddon answers); false: self-managed (ResourceNotFoundException). */
  readonly managedAddon: boolean;
  readonly prefixDelegation: boolean;
  readonly warmEniTarget: number;
  readonly warmIpTarget: number;
  readonly minimumIpTarget: number;
  readonly warmPrefixTarget: number;
  readonly customNetworking: boolean;
  readonly podEni: boolean;
  readonly maxEni: number | null;
  /** ENABLE_SUBNET_DISCOVERY (default true). */
  readonly subnetDiscovery: boolean;
  /** Custom networking: the ENIConfig subnet per Availability Zone. */
  readonly eniConfigSubnets: Readonly<Record<string, string>>;
}

export interface ScenarioSubnet {
  readonly id: string;
  readonly cidr: string;
  readonly availabilityZone: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly reservations: readonly { readonly cidr: string; readonly type: 'prefix' | 'explicit' }[];
  /** Addresses already used by something else when the scenario starts. */
  readonly preAllocated: {
    readonly count: number;
    readonly pattern: 'scattered' | 'packed' | 'one-per-block';
  } | null;
}

export interface ScenarioGroup {
  readonly name: string;
  /** EKS managed node group name, or null for a self-managed group. */
  readonly nodegroupName: string | null;
  /** The first of `instanceTypes`. */
  readonly instanceType: string;
  /** Mixed instances: launches cycle through the list in order. */
  readonly instanceTypes: readonly string[];
  readonly subnets: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly tags: Readonly<Record<string, string>>;
  /** Application pods (pod networking) each node receives once Ready. */
  readonly podsPerNode: number;
  /** kubelet maxPods; null: the EKS formula (DOMAIN.md section 1). */
  readonly maxPods: number | null;
  /** A launch lifecycle hook on the group when the scenario starts; null: none. */
  readonly launchHook: ScenarioLaunchHook | null;
}

/**
 * A lifecycle hook on `autoscaling:EC2_INSTANCE_LAUNCHING` (AWS Auto Scaling user guide, "Amazon EC2 Auto
 * Scaling lifecycle hooks" and "How lifecycle hooks work in Auto Scaling groups").
 */
export interface ScenarioLaunchHook {
  readonly name: string;
  /** 30..7200 s (PutLifecycleHook API reference). */
  readonly heartbeatTimeoutSec: number;
  /** What Auto Scaling does at the timeout. */
  readonly defaultResult: 'CONTINUE' | 'ABANDON';
  /**
   * true: the node's user data waits until IMDS `autoscaling/target-lifecycle-state` reads `InService`
   * before kubelet starts; false: the instance boots through the wait.
   */
  readonly nodeWaits: boolean;
  /**
   * true: a waiting node reports reaching its wait point (EventBridge PutEvents `Launch Gate Node Waiting`, the
   * wait block's report), delivered after `customEventDelaySec`. Only with `nodeWaits`.
   */
  readonly nodeReports: boolean;
}

export interface ScenarioTiming {
  /** From RunInstances to node Ready. */
  readonly bootSec: SecondsRange;
  /** ipamd starts this long before the node is Ready. */
  readonly ipamdLeadSec: number;
  /** From a successful attach until ipamd sees the ENI and its IPs (instance metadata). */
  readonly eniReadySec: SecondsRange;
  /** From a desired-capacity change until Auto Scaling launches or terminates. */
  readonly scalingReactionSec: SecondsRange;
  /** How late Auto Scaling's events arrive; a range is drawn per event (so events can arrive out of order). */
  readonly autoScalingEventDelaySec: SecondsRange;
  readonly cloudTrailDelaySec: SecondsRange;
  readonly customEventDelaySec: SecondsRange;
  /** From termination start until the instance is gone and its addresses are free. */
  readonly terminateSec: number;
  /** Auto Scaling retries failed launches after this long. */
  readonly launchRetrySec: number;
  /** How often a waiting node's user data reads IMDS `autoscaling/target-lifecycle-state`. */
  readonly gatePollSec: number;
}

export interface ExternalConsumer {
  readonly name: string;
  readonly subnetId: string;
  readonly attachesPerMin: number;
  readonly fromSec: number;
  readonly toSec: number | null;
  /** Each of its ENIs is detached and deleted after this long. */
  readonly eniLifetimeSec: number;
  /**
   * How irregular its pace is: each gap between two attaches is the mean gap times a uniform draw in
   * [1 − gapSpread, 1 + gapSpread]; 0 is a steady pace.
   */
  readonly gapSpread: number;
}

interface ActionBase {
  readonly atSec: number;
  /** Overrides how late the action's events arrive (its CloudTrail record, the activities it starts). */
  readonly eventDelaySec: SecondsRange | null;
}

/** SetDesiredCapacity by the operator, or a `Scale Request` event for the guard. */
export interface ScaleAction extends ActionBase {
  readonly via: 'set-desired' | 'scale-request';
  readonly group: string;
  readonly desired: number;
}

/** UpdateAutoScalingGroup by the operator, or a scheduled action (Auto Scaling itself: no CloudTrail). */
export interface UpdateGroupAction extends ActionBase {
  readonly via: 'update-group' | 'scheduled-action';
  readonly group: string;
  readonly minSize: number | null;
  readonly maxSize: number | null;
  readonly desired: number | null;
}

/** DeleteAutoScalingGroup with ForceDelete by the operator. */
export interface DeleteGroupAction extends ActionBase {
  readonly via: 'delete-group';
  readonly group: string;
}

/** CreateOrUpdateTags (a value) or DeleteTags (null) on the group by the operator. */
export interface TagAction extends ActionBase {
  readonly via: 'tag';
  readonly group: string;
  readonly key: string;
  readonly value: string | null;
}

/** The workload on the group's nodes changes to this many pods per node. */
export interface SetPodsAction extends ActionBase {
  readonly via: 'set-pods';
  readonly group: string;
  readonly podsPerNode: number;
}

/** The guard's kill switch is turned on or off. */
export interface KillSwitchAction extends ActionBase {
  readonly via: 'kill-switch';
  readonly on: boolean;
}

/** The guard is unavailable for a while: no schedule runs, events wait in the queue until it is back. */
export interface GuardDownAction extends ActionBase {
  readonly via: 'guard-down';
  readonly forSec: number;
}

/**
 * The guard's next write to an Auto Scaling group takes effect, then its invocation dies before recording anything
 * (`asg-write`), or the call fails with a network error although the write happened (`asg-write-ambiguous`).
 */
export interface GuardCrashAction extends ActionBase {
  readonly via: 'guard-crash';
  readonly after: GuardCrashPoint;
}

export type ScenarioAction =
  | ScaleAction
  | UpdateGroupAction
  | DeleteGroupAction
  | TagAction
  | SetPodsAction
  | KillSwitchAction
  | GuardDownAction
  | GuardCrashAction;

/** Actions that ask for a new capacity (the run's clock for "time until all pods run" starts at the first). */
export function isCapacityAction(action: ScenarioAction): action is ScaleAction | UpdateGroupAction {
  return (
    action.via === 'set-desired' ||
    action.via === 'scale-request' ||
    action.via === 'update-group' ||
    action.via === 'scheduled-action'
  );
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly durationMin: number;
  /** Wall-clock time of simulated second 0 (ISO 8601). */
  readonly startTime: string;
  readonly account: {
    readonly accountId: string;
    readonly region: string;
    readonly attachBudgetPerMin: number;
    /** Who the scenario's own scale actions appear as in CloudTrail. */
    readonly operatorArn: string;
  };
  readonly cluster: { readonly name: string; readonly cni: ScenarioCni };
  readonly vpc: { readonly vpcId: string; readonly subnets: readonly ScenarioSubnet[] };
  readonly groups: readonly ScenarioGroup[];
  /** Pods the scheduler binds per second, cluster-wide. */
  readonly schedulerPodsPerSec: number;
  readonly timing: ScenarioTiming;
  readonly externalConsumers: readonly ExternalConsumer[];
  readonly actions: readonly ScenarioAction[];
}
