import {
  globalTimeoutSec,
  type LifecycleHook,
  parseLifecycleResult,
} from '../../simulator/lifecycle-hooks.js';
import type { SimulatedAccount } from '../../simulator/simulated-account.js';
import { SimulatedApiError } from '../../simulator/simulated-api-error.js';
import {
  filtersOf,
  type Input,
  type Output,
  paginate,
  requiredString,
  strings,
  tagFilterMatches,
} from './simulated-api-input.js';

/* The Auto Scaling commands the simulated account answers: groups, instances, tags, lifecycle hooks. */

export function describeAutoScalingGroups(account: SimulatedAccount, input: Input): Output {
  const names = strings(input.AutoScalingGroupNames);
  const groups = [...account.groups.values()].filter(
    (g) =>
      (names.length === 0 || names.includes(g.spec.name)) &&
      filtersOf(input).every((f) => tagFilterMatches(f.Name ?? '', f.Values ?? [], g.tags) ?? false),
  );
  const { page, next } = paginate(groups, input, 'MaxRecords', 'NextToken', 100);
  return {
    AutoScalingGroups: page.map((g) => ({
      AutoScalingGroupName: g.spec.name,
      AutoScalingGroupARN: g.arn,
      MinSize: g.minSize,
      MaxSize: g.maxSize,
      DesiredCapacity: g.desiredCapacity,
      DefaultCooldown: 300,
      AvailabilityZones: [...new Set(g.spec.subnets.map((s) => account.ec2.subnet(s).availabilityZone))],
      VPCZoneIdentifier: g.spec.subnets.join(','),
      HealthCheckType: 'EC2',
      ...(g.deleting ? { Status: 'Delete in progress' } : {}),
      ...(g.spec.instanceTypes.length > 1
        ? {
            MixedInstancesPolicy: {
              LaunchTemplate: {
                LaunchTemplateSpecification: { LaunchTemplateName: g.spec.name, Version: '$Default' },
                Overrides: g.spec.instanceTypes.map((InstanceType) => ({ InstanceType })),
              },
            },
          }
        : {}),
      CreatedTime: new Date(account.startEpochMs - 86_400_000),
      Instances: g.members.map((m) => ({
        InstanceId: m.instanceId,
        InstanceType: m.instanceType,
        AvailabilityZone: m.availabilityZone,
        LifecycleState: m.lifecycle,
        HealthStatus: 'Healthy',
        ProtectedFromScaleIn: m.protectedFromScaleIn,
      })),
      Tags: Object.entries(g.tags).map(([Key, Value]) => ({
        Key,
        Value,
        ResourceId: g.spec.name,
        ResourceType: 'auto-scaling-group',
        PropagateAtLaunch: true,
      })),
    })),
    NextToken: next,
  };
}

/** MaxRecords of DescribeScheduledActions: 50 unless given, at most 100 (API reference). */
const SCHEDULED_ACTIONS_DEFAULT_RECORDS = 50;
const SCHEDULED_ACTIONS_MAX_RECORDS = 100;

/**
 * DescribeScheduledActions: the scheduled actions not yet run, of the group named or of every group, those named
 * in ScheduledActionNames only, paginated (MaxRecords 50 unless given, at most 100). Only one-time actions exist
 * here: no Recurrence, and each is gone once it has run.
 */
export function describeScheduledActions(account: SimulatedAccount, input: Input): Output {
  const groupName = typeof input.AutoScalingGroupName === 'string' ? input.AutoScalingGroupName : null;
  const names = strings(input.ScheduledActionNames);
  const maxRecords = input.MaxRecords ?? SCHEDULED_ACTIONS_DEFAULT_RECORDS;
  if (
    typeof maxRecords !== 'number' ||
    !Number.isInteger(maxRecords) ||
    maxRecords < 1 ||
    maxRecords > SCHEDULED_ACTIONS_MAX_RECORDS
  ) {
    throw new SimulatedApiError(
      'ValidationError',
      `1 validation error detected: Value '${String(maxRecords)}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and ${SCHEDULED_ACTIONS_MAX_RECORDS}`,
    );
  }
  const actions = account.autoScalingApi
    .describeScheduledActions(groupName)
    .filter((a) => names.length === 0 || names.includes(a.name));
  const { page, next } = paginate(actions, { ...input, MaxRecords: maxRecords }, 'MaxRecords', 'NextToken');
  const { accountId, region } = account.scenario.account;
  return {
    ScheduledUpdateGroupActions: page.map((a) => ({
      AutoScalingGroupName: a.groupName,
      ScheduledActionName: a.name,
      ScheduledActionARN: `arn:aws:autoscaling:${region}:${accountId}:scheduledUpdateGroupAction:${a.groupName}:autoScalingGroupName/${a.groupName}:scheduledActionName/${a.name}`,
      Time: new Date(a.startMs),
      StartTime: new Date(a.startMs),
      ...(a.sizes.minSize === undefined ? {} : { MinSize: a.sizes.minSize }),
      ...(a.sizes.maxSize === undefined ? {} : { MaxSize: a.sizes.maxSize }),
      ...(a.sizes.desiredCapacity === undefined ? {} : { DesiredCapacity: a.sizes.desiredCapacity }),
    })),
    NextToken: next,
  };
}

/** DescribeAutoScalingInstances: every instance of every group, or those named. */
export function describeAutoScalingInstances(account: SimulatedAccount, input: Input): Output {
  const ids = strings(input.InstanceIds);
  const instances = [...account.groups.values()].flatMap((g) =>
    g.members
      .filter((m) => ids.length === 0 || ids.includes(m.instanceId))
      .map((m) => ({
        InstanceId: m.instanceId,
        InstanceType: m.instanceType,
        AutoScalingGroupName: g.spec.name,
        AvailabilityZone: m.availabilityZone,
        LifecycleState: m.lifecycle,
        HealthStatus: 'HEALTHY',
        ProtectedFromScaleIn: m.protectedFromScaleIn,
      })),
  );
  const { page, next } = paginate(instances, input, 'MaxRecords', 'NextToken', 50);
  return { AutoScalingInstances: page, NextToken: next };
}

/** CreateOrUpdateTags / DeleteTags on Auto Scaling groups (ResourceType auto-scaling-group). */
export function tagGroups(
  account: SimulatedAccount,
  input: Input,
  identityArn: string,
  create: boolean,
): Output {
  const tags = Array.isArray(input.Tags) ? (input.Tags as Input[]) : [];
  for (const tag of tags) {
    const groupName = typeof tag.ResourceId === 'string' ? tag.ResourceId : '';
    const key = typeof tag.Key === 'string' ? tag.Key : '';
    if (!groupName || !key)
      throw new SimulatedApiError('ValidationError', 'Each tag needs ResourceId and Key');
    const value = create ? (typeof tag.Value === 'string' ? tag.Value : '') : null;
    account.authorizeAutoScalingWrite(
      identityArn,
      create ? 'autoscaling:CreateOrUpdateTags' : 'autoscaling:DeleteTags',
      groupName,
      tags.map((t) => (typeof t.Key === 'string' ? t.Key : '')),
    );
    account.autoScalingApi.tagGroup(groupName, key, value, identityArn);
  }
  return {};
}

function hookOutput(groupName: string, hook: LifecycleHook): Output {
  return {
    LifecycleHookName: hook.name,
    AutoScalingGroupName: groupName,
    LifecycleTransition: hook.transition,
    NotificationMetadata: hook.notificationMetadata ?? undefined,
    HeartbeatTimeout: hook.heartbeatTimeoutSec,
    GlobalTimeout: globalTimeoutSec(hook.heartbeatTimeoutSec),
    DefaultResult: hook.defaultResult,
  };
}

export function describeLifecycleHooks(account: SimulatedAccount, input: Input): Output {
  const groupName = requiredString(input, 'AutoScalingGroupName');
  const hooks = account.autoScalingApi.describeLifecycleHooks(groupName, strings(input.LifecycleHookNames));
  return { LifecycleHooks: hooks.map((hook) => hookOutput(groupName, hook)) };
}

export function putLifecycleHook(account: SimulatedAccount, input: Input): Output {
  account.autoScalingApi.putLifecycleHook(requiredString(input, 'AutoScalingGroupName'), input);
  return {};
}

function actionReference(input: Input): { token?: string; instanceId?: string } {
  return {
    ...(typeof input.LifecycleActionToken === 'string' ? { token: input.LifecycleActionToken } : {}),
    ...(typeof input.InstanceId === 'string' ? { instanceId: input.InstanceId } : {}),
  };
}

/** The group, hook and action a lifecycle call names, once the caller's role allows `action` on the group. */
function authorizedLifecycleCall(
  account: SimulatedAccount,
  input: Input,
  identityArn: string,
  action: string,
) {
  const groupName = requiredString(input, 'AutoScalingGroupName');
  account.authorizeAutoScalingWrite(identityArn, action, groupName);
  return [groupName, requiredString(input, 'LifecycleHookName'), actionReference(input)] as const;
}

export function completeLifecycleAction(
  account: SimulatedAccount,
  input: Input,
  identityArn: string,
): Output {
  account.autoScalingApi.completeLifecycleAction(
    ...authorizedLifecycleCall(account, input, identityArn, 'autoscaling:CompleteLifecycleAction'),
    parseLifecycleResult(input.LifecycleActionResult),
  );
  return {};
}

export function recordLifecycleActionHeartbeat(
  account: SimulatedAccount,
  input: Input,
  identityArn: string,
): Output {
  account.autoScalingApi.recordLifecycleActionHeartbeat(
    ...authorizedLifecycleCall(account, input, identityArn, 'autoscaling:RecordLifecycleActionHeartbeat'),
  );
  return {};
}

export function setDesiredCapacity(account: SimulatedAccount, input: Input, identityArn: string): Output {
  const desired = input.DesiredCapacity;
  if (typeof desired !== 'number')
    throw new SimulatedApiError('ValidationError', 'DesiredCapacity is required');
  const groupName = requiredString(input, 'AutoScalingGroupName');
  account.authorizeAutoScalingWrite(identityArn, 'autoscaling:SetDesiredCapacity', groupName);
  account.autoScalingApi.setDesiredCapacity(groupName, desired, input.HonorCooldown === true, identityArn);
  return {};
}

export function updateAutoScalingGroup(account: SimulatedAccount, input: Input, identityArn: string): Output {
  const sizes: { minSize?: number; maxSize?: number; desiredCapacity?: number } = {};
  if (typeof input.MinSize === 'number') sizes.minSize = input.MinSize;
  if (typeof input.MaxSize === 'number') sizes.maxSize = input.MaxSize;
  if (typeof input.DesiredCapacity === 'number') sizes.desiredCapacity = input.DesiredCapacity;
  const groupName = requiredString(input, 'AutoScalingGroupName');
  account.authorizeAutoScalingWrite(identityArn, 'autoscaling:UpdateAutoScalingGroup', groupName);
  account.autoScalingApi.updateAutoScalingGroup(groupName, sizes, identityArn);
  return {};
}

/** SetInstanceProtection: sets or removes the scale-in protection of up to 50 instances of one group. */
export function setInstanceProtection(account: SimulatedAccount, input: Input, identityArn: string): Output {
  const groupName = requiredString(input, 'AutoScalingGroupName');
  if (typeof input.ProtectedFromScaleIn !== 'boolean')
    throw new SimulatedApiError('ValidationError', 'ProtectedFromScaleIn is required');
  if (!Array.isArray(input.InstanceIds))
    throw new SimulatedApiError('ValidationError', 'InstanceIds is required');
  account.authorizeAutoScalingWrite(identityArn, 'autoscaling:SetInstanceProtection', groupName);
  account.autoScalingApi.setInstanceProtection(
    groupName,
    strings(input.InstanceIds),
    input.ProtectedFromScaleIn,
    identityArn,
  );
  return {};
}
