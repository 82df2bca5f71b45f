import type { SeededRandom } from './seeded-random.js';

/** The EventBridge envelope (EVENTS.md). */
export interface EventBridgeEnvelope<D = Record<string, unknown>> {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: D;
}

export interface EventContext {
  readonly accountId: string;
  readonly region: string;
  readonly random: SeededRandom;
  readonly epochMs: number;
}

export function uuidFrom(random: SeededRandom): string {
  const hex = random.hex(32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The whole second `epochMs` falls in: AWS reports event times and ENI attach times in whole seconds. */
export function wholeSecondMs(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}

/** EventBridge `time`: whole seconds, UTC. */
export function eventTime(epochMs: number): string {
  return `${new Date(wholeSecondMs(epochMs)).toISOString().slice(0, 19)}Z`;
}

export function autoScalingGroupArn(
  ctx: Pick<EventContext, 'accountId' | 'region'>,
  groupName: string,
): string {
  return `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:autoScalingGroup:00000000-0000-4000-a000-000000000000:autoScalingGroupName/${groupName}`;
}

function envelope<D>(ctx: EventContext, source: string, detailType: string, resources: string[], detail: D) {
  return {
    version: '0' as const,
    id: uuidFrom(ctx.random),
    'detail-type': detailType,
    source,
    account: ctx.accountId,
    time: eventTime(ctx.epochMs),
    region: ctx.region,
    resources,
    detail,
  };
}

export interface LaunchEventInput {
  readonly groupName: string;
  readonly instanceId: string;
  readonly availabilityZone: string;
  readonly subnetId: string;
  readonly startMs: number;
  readonly cause: string;
}

/** `EC2 Instance Launch Successful` (source aws.autoscaling; StatusCode reads InProgress, as AWS sends it). */
export function launchSuccessfulEvent(ctx: EventContext, input: LaunchEventInput): EventBridgeEnvelope {
  return envelope(
    ctx,
    'aws.autoscaling',
    'EC2 Instance Launch Successful',
    [
      autoScalingGroupArn(ctx, input.groupName),
      `arn:aws:ec2:${ctx.region}:${ctx.accountId}:instance/${input.instanceId}`,
    ],
    {
      StatusCode: 'InProgress',
      Description: `Launching a new EC2 instance: ${input.instanceId}`,
      AutoScalingGroupName: input.groupName,
      ActivityId: uuidFrom(ctx.random),
      Details: { 'Availability Zone': input.availabilityZone, 'Subnet ID': input.subnetId },
      RequestId: uuidFrom(ctx.random),
      StatusMessage: '',
      EndTime: new Date(ctx.epochMs).toISOString(),
      EC2InstanceId: input.instanceId,
      StartTime: new Date(input.startMs).toISOString(),
      Cause: input.cause,
    },
  );
}

/** `EC2 Instance Launch Unsuccessful`, with the out-of-addresses StatusMessage of EVENTS.md. */
export function launchUnsuccessfulEvent(
  ctx: EventContext,
  input: Omit<LaunchEventInput, 'instanceId'>,
): EventBridgeEnvelope {
  const statusMessage = `There are not enough free addresses in subnet '${input.subnetId}' to satisfy the requested number of instances. Launching EC2 instance failed.`;
  return envelope(
    ctx,
    'aws.autoscaling',
    'EC2 Instance Launch Unsuccessful',
    [autoScalingGroupArn(ctx, input.groupName)],
    {
      StatusCode: 'Failed',
      Description: `Launching a new EC2 instance.  Status Reason: ${statusMessage}`,
      AutoScalingGroupName: input.groupName,
      ActivityId: uuidFrom(ctx.random),
      Details: { 'Availability Zone': input.availabilityZone, 'Subnet ID': input.subnetId },
      RequestId: uuidFrom(ctx.random),
      StatusMessage: statusMessage,
      EndTime: new Date(ctx.epochMs).toISOString(),
      EC2InstanceId: '',
      StartTime: new Date(input.startMs).toISOString(),
      Cause: input.cause,
    },
  );
}

/** `EC2 Instance Terminate Successful`. */
export function terminateSuccessfulEvent(ctx: EventContext, input: LaunchEventInput): EventBridgeEnvelope {
  return envelope(
    ctx,
    'aws.autoscaling',
    'EC2 Instance Terminate Successful',
    [
      autoScalingGroupArn(ctx, input.groupName),
      `arn:aws:ec2:${ctx.region}:${ctx.accountId}:instance/${input.instanceId}`,
    ],
    {
      StatusCode: 'InProgress',
      Description: `Terminating EC2 instance: ${input.instanceId}`,
      AutoScalingGroupName: input.groupName,
      ActivityId: uuidFrom(ctx.random),
      Details: { 'Availability Zone': input.availabilityZone, 'Subnet ID': input.subnetId },
      RequestId: uuidFrom(ctx.random),
      StatusMessage: '',
      EndTime: new Date(ctx.epochMs).toISOString(),
      EC2InstanceId: input.instanceId,
      StartTime: new Date(input.startMs).toISOString(),
      Cause: input.cause,
    },
  );
}

export interface LifecycleActionEventInput {
  readonly groupName: string;
  readonly hookName: string;
  readonly instanceId: string;
  readonly token: string;
  readonly notificationMetadata: string | null;
}

/**
 * `EC2 Instance-launch Lifecycle Action` for an instance launched straight into the group
 * (`Origin` EC2, `Destination` AutoScalingGroup; EVENTS.md). `NotificationMetadata` only when the hook has it.
 */
export function launchLifecycleActionEvent(
  ctx: EventContext,
  input: LifecycleActionEventInput,
): EventBridgeEnvelope {
  return envelope(
    ctx,
    'aws.autoscaling',
    'EC2 Instance-launch Lifecycle Action',
    [autoScalingGroupArn(ctx, input.groupName)],
    {
      LifecycleActionToken: input.token,
      AutoScalingGroupName: input.groupName,
      LifecycleHookName: input.hookName,
      EC2InstanceId: input.instanceId,
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      ...(input.notificationMetadata === null ? {} : { NotificationMetadata: input.notificationMetadata }),
      Origin: 'EC2',
      Destination: 'AutoScalingGroup',
    },
  );
}

export interface ApiCallInput {
  readonly eventSource: string;
  readonly eventName: string;
  readonly identityArn: string;
  readonly requestParameters: Record<string, unknown>;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/** `AWS API Call via CloudTrail`: `detail` is the CloudTrail record (EVENTS.md). */
export function cloudTrailApiCallEvent(ctx: EventContext, input: ApiCallInput): EventBridgeEnvelope {
  const service = input.eventSource.split('.')[0] ?? 'autoscaling';
  const assumedRole = input.identityArn.includes(':assumed-role/');
  const detail: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: {
      type: assumedRole ? 'AssumedRole' : 'IAMUser',
      principalId: assumedRole
        ? `AROA${ctx.random.hex(16).toUpperCase()}:session`
        : `AIDA${ctx.random.hex(16).toUpperCase()}`,
      arn: input.identityArn,
      accountId: ctx.accountId,
    },
    eventTime: eventTime(ctx.epochMs),
    eventSource: input.eventSource,
    eventName: input.eventName,
    awsRegion: ctx.region,
    sourceIPAddress: '198.51.100.10',
    userAgent: 'aws-sdk-js/3 capacity-guard-simulator',
    requestParameters: input.requestParameters,
    responseElements: null,
    requestID: uuidFrom(ctx.random),
    eventID: uuidFrom(ctx.random),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ctx.accountId,
    eventCategory: 'Management',
  };
  if (input.errorCode) {
    detail.errorCode = input.errorCode;
    detail.errorMessage = input.errorMessage ?? '';
  }
  return envelope(ctx, `aws.${service}`, 'AWS API Call via CloudTrail', [], detail);
}
