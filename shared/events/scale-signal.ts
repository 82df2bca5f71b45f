/**
 * What one EventBridge event means to the scale reactor: a closed union, switched exhaustively by consumers.
 * `eventId` is always the envelope id (EventBridge's, shared by duplicate deliveries).
 */
export type ScaleSignal =
  | DesiredSetSignal
  | BoundsSetSignal
  | NodegroupScalingSetSignal
  | InstanceLaunchedSignal
  | InstanceLaunchFailedSignal
  | InstanceTerminatedSignal
  | LaunchLifecycleActionSignal
  | IgnoredSignal;

export type ScaleSignalKind = ScaleSignal['kind'];

/** Typed as a record so that adding a kind to the union without listing it here fails to compile. */
const KIND_SET: Readonly<Record<ScaleSignalKind, true>> = {
  'desired-set': true,
  'bounds-set': true,
  'nodegroup-scaling-set': true,
  'instance-launched': true,
  'instance-launch-failed': true,
  'instance-terminated': true,
  'launch-lifecycle-action': true,
  ignored: true,
};
export const SCALE_SIGNAL_KINDS: readonly ScaleSignalKind[] = Object.keys(KIND_SET) as ScaleSignalKind[];

/** How a desired capacity reached the group. */
export const DESIRED_VIA = {
  setDesiredCapacity: 'SetDesiredCapacity',
  updateAutoScalingGroup: 'UpdateAutoScalingGroup',
  scaleRequest: 'ScaleRequest',
} as const;
export type DesiredVia = (typeof DESIRED_VIA)[keyof typeof DESIRED_VIA];

/** Someone set an Auto Scaling group's desired capacity (CloudTrail call or a `Scale Request`). */
export interface DesiredSetSignal {
  readonly kind: 'desired-set';
  readonly eventId: string;
  readonly groupName: string;
  readonly desired: number;
  readonly minSize?: number;
  readonly maxSize?: number;
  /** CloudTrail `eventTime` when present (when the call was made), else the envelope time. */
  readonly intentAtMs: number;
  readonly callerArn?: string;
  readonly via: DesiredVia;
  /** Free text from a `Scale Request`. */
  readonly reason?: string;
  /** Free text from a `Scale Request`. */
  readonly requestedBy?: string;
}

/**
 * An `UpdateAutoScalingGroup` call that changed `MinSize` and/or `MaxSize` but not the desired capacity.
 * Raising `MinSize` above the current capacity scales out with no desired capacity in the call, and a new
 * `MaxSize` is the configured maximum a ceiling-paced plan must restore: the reactor reads the group's
 * state to learn what follows.
 */
export interface BoundsSetSignal {
  readonly kind: 'bounds-set';
  readonly eventId: string;
  readonly groupName: string;
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly intentAtMs: number;
  readonly callerArn?: string;
  readonly via: typeof DESIRED_VIA.updateAutoScalingGroup;
}

/** An `UpdateNodegroupConfig` call that changed an EKS managed node group's `scalingConfig`. */
export interface NodegroupScalingSetSignal {
  readonly kind: 'nodegroup-scaling-set';
  readonly eventId: string;
  readonly clusterName: string;
  readonly nodegroupName: string;
  readonly desired?: number;
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly intentAtMs: number;
  readonly callerArn?: string;
}

export interface InstanceLaunchedSignal {
  readonly kind: 'instance-launched';
  readonly eventId: string;
  readonly groupName: string;
  readonly instanceId: string;
  readonly subnetId?: string;
  readonly availabilityZone?: string;
  /** The envelope time. */
  readonly atMs: number;
}

export const LAUNCH_FAILURE_REASON = {
  subnetOutOfAddresses: 'subnet-out-of-addresses',
  other: 'other',
} as const;
export type LaunchFailureReason = (typeof LAUNCH_FAILURE_REASON)[keyof typeof LAUNCH_FAILURE_REASON];

export interface InstanceLaunchFailedSignal {
  readonly kind: 'instance-launch-failed';
  readonly eventId: string;
  readonly groupName: string;
  readonly subnetId?: string;
  readonly reason: LaunchFailureReason;
  /** Auto Scaling's `StatusMessage` (or `Description` when that is empty). */
  readonly message: string;
  readonly atMs: number;
}

export interface InstanceTerminatedSignal {
  readonly kind: 'instance-terminated';
  readonly eventId: string;
  readonly groupName: string;
  readonly instanceId: string;
  readonly atMs: number;
}

/** Where a warm-pool-aware lifecycle action moves an instance from and to (EC2 Auto Scaling warm pool events). */
export const LIFECYCLE_LOCATIONS = ['EC2', 'AutoScalingGroup', 'WarmPool'] as const;
export type LifecycleLocation = (typeof LIFECYCLE_LOCATIONS)[number];

export interface LaunchLifecycleActionSignal {
  readonly kind: 'launch-lifecycle-action';
  readonly eventId: string;
  readonly groupName: string;
  readonly instanceId: string;
  readonly hookName: string;
  readonly token: string;
  readonly origin?: LifecycleLocation;
  readonly destination?: LifecycleLocation;
  readonly atMs: number;
}

/** A well-formed event that asks nothing of the reactor; `reason` says why, for the log. */
export interface IgnoredSignal {
  readonly kind: 'ignored';
  readonly eventId: string;
  readonly reason: string;
}

/** Signals that carry a capacity intent for an Auto Scaling group. */
export type GroupIntentSignal = DesiredSetSignal | BoundsSetSignal;

/** Signals that name an Auto Scaling group. */
export type GroupSignal =
  | GroupIntentSignal
  | InstanceLaunchedSignal
  | InstanceLaunchFailedSignal
  | InstanceTerminatedSignal
  | LaunchLifecycleActionSignal;
