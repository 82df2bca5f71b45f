import type { EventParser } from './event-parser.js';
import {
  type ObjectAt,
  optionalObject,
  optionalOneOf,
  optionalString,
  requireString,
} from './json-fields.js';
import { LAUNCH_FAILURE_REASON, type LaunchFailureReason, LIFECYCLE_LOCATIONS } from './scale-signal.js';

/** Auto Scaling names its detail keys with spaces (EC2 Auto Scaling event reference). */
const DETAILS_SUBNET = 'Subnet ID';
const DETAILS_ZONE = 'Availability Zone';

function readPlacement(detail: ObjectAt): { subnetId?: string; availabilityZone?: string } {
  const details = optionalObject(detail, 'Details');
  if (details === undefined) return {};
  return {
    subnetId: optionalString(details, DETAILS_SUBNET),
    availabilityZone: optionalString(details, DETAILS_ZONE),
  };
}

/**
 * `aws.autoscaling` / `EC2 Instance Launch Successful`. `StatusCode` is not checked: AWS's own sample
 * reads "InProgress" on a success (EVENTS.md).
 *
 * @example
 * parseLaunchSuccessful(validateEnvelope(event), context)
 * // { kind: 'instance-launched', groupName: 'my-asg', instanceId: 'i-…', subnetId: 'subnet-…', … }
 */
export const parseLaunchSuccessful: EventParser = (envelope) => {
  const detail = envelope.detail;
  return {
    kind: 'instance-launched',
    eventId: envelope.id,
    groupName: requireString(detail, 'AutoScalingGroupName'),
    instanceId: requireString(detail, 'EC2InstanceId'),
    ...readPlacement(detail),
    atMs: envelope.timeMs,
  };
};

/**
 * The failure's wording when a subnet has no free address (EVENTS.md), and EC2's error code for the same
 * condition, which some activity messages carry instead.
 */
const OUT_OF_ADDRESSES = /not enough free addresses in subnet|InsufficientFreeAddressesInSubnet/i;
const SUBNET_IN_MESSAGE = /subnet '(subnet-[0-9a-f]+)'/;

/**
 * Classifies a failed launch's message.
 *
 * @example
 * classifyLaunchFailure("There are not enough free addresses in subnet 'subnet-0a1b' to …") // 'subnet-out-of-addresses'
 */
export function classifyLaunchFailure(message: string): LaunchFailureReason {
  return OUT_OF_ADDRESSES.test(message)
    ? LAUNCH_FAILURE_REASON.subnetOutOfAddresses
    : LAUNCH_FAILURE_REASON.other;
}

/**
 * `aws.autoscaling` / `EC2 Instance Launch Unsuccessful`. The subnet comes from `Details["Subnet ID"]`, or
 * from the out-of-addresses message when `Details` lacks it.
 *
 * @example
 * parseLaunchUnsuccessful(validateEnvelope(event), context)
 * // { kind: 'instance-launch-failed', reason: 'subnet-out-of-addresses', subnetId: 'subnet-…', … }
 */
export const parseLaunchUnsuccessful: EventParser = (envelope) => {
  const detail = envelope.detail;
  const groupName = requireString(detail, 'AutoScalingGroupName');
  const message = optionalString(detail, 'StatusMessage') ?? optionalString(detail, 'Description') ?? '';
  const placement = readPlacement(detail);
  return {
    kind: 'instance-launch-failed',
    eventId: envelope.id,
    groupName,
    subnetId: placement.subnetId ?? SUBNET_IN_MESSAGE.exec(message)?.[1],
    reason: classifyLaunchFailure(message),
    message,
    atMs: envelope.timeMs,
  };
};

/**
 * `aws.autoscaling` / `EC2 Instance Terminate Successful`.
 *
 * @example
 * parseTerminateSuccessful(validateEnvelope(event), context) // { kind: 'instance-terminated', … }
 */
export const parseTerminateSuccessful: EventParser = (envelope) => {
  const detail = envelope.detail;
  return {
    kind: 'instance-terminated',
    eventId: envelope.id,
    groupName: requireString(detail, 'AutoScalingGroupName'),
    instanceId: requireString(detail, 'EC2InstanceId'),
    atMs: envelope.timeMs,
  };
};

/**
 * `aws.autoscaling` / `EC2 Instance-launch Lifecycle Action`. With a warm pool one instance fires two:
 * EC2 → WarmPool, then WarmPool → AutoScalingGroup (EC2 Auto Scaling warm pool events); `Origin` and
 * `Destination` tell them apart.
 *
 * @example
 * parseLaunchLifecycleAction(validateEnvelope(event), context)
 * // { kind: 'launch-lifecycle-action', hookName: 'my-hook', token: '…', origin: 'EC2', destination: 'WarmPool', … }
 */
export const parseLaunchLifecycleAction: EventParser = (envelope) => {
  const detail = envelope.detail;
  return {
    kind: 'launch-lifecycle-action',
    eventId: envelope.id,
    groupName: requireString(detail, 'AutoScalingGroupName'),
    instanceId: requireString(detail, 'EC2InstanceId'),
    hookName: requireString(detail, 'LifecycleHookName'),
    token: requireString(detail, 'LifecycleActionToken'),
    origin: optionalOneOf(detail, 'Origin', LIFECYCLE_LOCATIONS),
    destination: optionalOneOf(detail, 'Destination', LIFECYCLE_LOCATIONS),
    atMs: envelope.timeMs,
  };
};
