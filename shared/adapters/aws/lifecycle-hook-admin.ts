import { gunzipSync } from 'node:zlib';
import {
  type AutoScalingClient,
  type AutoScalingGroup,
  DescribeLifecycleHooksCommand,
  PutLifecycleHookCommand,
  paginateDescribeAutoScalingGroups,
  paginateDescribeScalingActivities,
} from '@aws-sdk/client-auto-scaling';
import { type EC2Client, paginateDescribeLaunchTemplateVersions } from '@aws-sdk/client-ec2';
import type {
  GateGroup,
  LaunchSource,
  LifecycleHookAdmin,
  LifecycleHookDefaultResult,
  LifecycleHookSpec,
} from '../../ports/lifecycle-hook-admin.js';
import { callAws } from './aws-error.js';

/** DescribeAutoScalingGroups accepts at most 100 names per call. */
const NAMES_PER_CALL = 100;
/** Scaling activities are read newest first; older pages rarely hold an instance still waiting. */
const MAX_ACTIVITY_PAGES = 10;
const LAUNCHED_INSTANCE = /\b(i-[0-9a-f]{8,17})\b/;

/** A launch template version could not be read or decoded; names the template. */
export class LaunchTemplateUserDataError extends Error {
  override readonly name = 'LaunchTemplateUserDataError';
}

function launchSource(group: AutoScalingGroup): LaunchSource {
  const spec =
    group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (spec && (spec.LaunchTemplateId || spec.LaunchTemplateName)) {
    return {
      kind: 'launch-template',
      ...(spec.LaunchTemplateId ? { id: spec.LaunchTemplateId } : {}),
      ...(spec.LaunchTemplateName && !spec.LaunchTemplateId ? { name: spec.LaunchTemplateName } : {}),
      version: spec.Version ?? '$Default',
    };
  }
  if (group.LaunchConfigurationName)
    return { kind: 'launch-configuration', name: group.LaunchConfigurationName };
  return { kind: 'none' };
}

function toGateGroup(group: AutoScalingGroup): GateGroup {
  const tags: Record<string, string> = {};
  for (const tag of group.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
  return {
    name: group.AutoScalingGroupName ?? '',
    tags,
    launchSource: launchSource(group),
    instances: (group.Instances ?? []).map((i) => ({
      instanceId: i.InstanceId ?? '',
      lifecycleState: i.LifecycleState ?? 'Unknown',
      protectedFromScaleIn: i.ProtectedFromScaleIn === true,
    })),
  };
}

function decodeUserData(base64: string, template: string): string {
  const bytes = Buffer.from(base64, 'base64');
  // cloud-init accepts gzip-compressed user data (magic 1f 8b).
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes).toString('utf8');
    } catch (error) {
      throw new LaunchTemplateUserDataError(
        `${template}: user data looks gzip-compressed but does not inflate`,
        {
          cause: error,
        },
      );
    }
  }
  return bytes.toString('utf8');
}

/** Lifecycle hooks, launch templates and scaling activities through the SDK; every Describe paginated. */
export class AwsLifecycleHookAdmin implements LifecycleHookAdmin {
  constructor(
    private readonly autoScaling: AutoScalingClient,
    private readonly ec2: EC2Client,
  ) {}

  async describeGroups(names: readonly string[]): Promise<GateGroup[]> {
    const unique = [...new Set(names)];
    const groups: GateGroup[] = [];
    for (let i = 0; i < unique.length; i += NAMES_PER_CALL) {
      const batch = unique.slice(i, i + NAMES_PER_CALL);
      await callAws('autoscaling:DescribeAutoScalingGroups', async () => {
        for await (const page of paginateDescribeAutoScalingGroups(
          { client: this.autoScaling },
          { AutoScalingGroupNames: batch, MaxRecords: 100 },
        )) {
          for (const group of page.AutoScalingGroups ?? []) groups.push(toGateGroup(group));
        }
      });
    }
    return groups;
  }

  async listTaggedGroups(tagKey: string, tagValue: string): Promise<GateGroup[]> {
    const groups: GateGroup[] = [];
    await callAws('autoscaling:DescribeAutoScalingGroups', async () => {
      for await (const page of paginateDescribeAutoScalingGroups(
        { client: this.autoScaling },
        { Filters: [{ Name: `tag:${tagKey}`, Values: [tagValue] }], MaxRecords: 100 },
      )) {
        for (const group of page.AutoScalingGroups ?? []) groups.push(toGateGroup(group));
      }
    });
    return groups;
  }

  async describeHooks(groupName: string): Promise<LifecycleHookSpec[]> {
    // DescribeLifecycleHooks has no pagination: it returns every hook of the group at once.
    const output = await callAws('autoscaling:DescribeLifecycleHooks', () =>
      this.autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: groupName })),
    );
    return (output.LifecycleHooks ?? []).map((hook) => ({
      groupName: hook.AutoScalingGroupName ?? groupName,
      hookName: hook.LifecycleHookName ?? '',
      transition: hook.LifecycleTransition ?? '',
      heartbeatTimeoutSec: hook.HeartbeatTimeout ?? 0,
      defaultResult: (hook.DefaultResult ?? 'ABANDON') as LifecycleHookDefaultResult,
    }));
  }

  async putHook(hook: LifecycleHookSpec): Promise<void> {
    await callAws('autoscaling:PutLifecycleHook', () =>
      this.autoScaling.send(
        new PutLifecycleHookCommand({
          AutoScalingGroupName: hook.groupName,
          LifecycleHookName: hook.hookName,
          LifecycleTransition: hook.transition,
          HeartbeatTimeout: hook.heartbeatTimeoutSec,
          DefaultResult: hook.defaultResult,
        }),
      ),
    );
  }

  async launchTemplateUserData(
    source: Extract<LaunchSource, { kind: 'launch-template' }>,
  ): Promise<string | null> {
    const label = `launch template ${source.id ?? source.name ?? '?'} version ${source.version}`;
    let encoded: string | undefined;
    await callAws('ec2:DescribeLaunchTemplateVersions', async () => {
      for await (const page of paginateDescribeLaunchTemplateVersions(
        { client: this.ec2 },
        {
          ...(source.id ? { LaunchTemplateId: source.id } : { LaunchTemplateName: source.name }),
          Versions: [source.version],
        },
      )) {
        const version = page.LaunchTemplateVersions?.[0];
        if (version) encoded = version.LaunchTemplateData?.UserData ?? '';
      }
    });
    if (encoded === undefined) throw new LaunchTemplateUserDataError(`${label}: not found`);
    return encoded === '' ? null : decodeUserData(encoded, label);
  }

  async launchStartTimes(
    groupName: string,
    instanceIds: readonly string[],
  ): Promise<ReadonlyMap<string, number>> {
    const wanted = new Set(instanceIds);
    const found = new Map<string, number>();
    if (wanted.size === 0) return found;
    await callAws('autoscaling:DescribeScalingActivities', async () => {
      let pages = 0;
      for await (const page of paginateDescribeScalingActivities(
        { client: this.autoScaling },
        { AutoScalingGroupName: groupName, MaxRecords: 100 },
      )) {
        for (const activity of page.Activities ?? []) {
          const id = LAUNCHED_INSTANCE.exec(activity.Description ?? '')?.[1];
          if (!id || !wanted.has(id) || found.has(id) || !activity.StartTime) continue;
          if (!/^Launching/.test(activity.Description ?? '')) continue;
          found.set(id, activity.StartTime.getTime());
        }
        pages += 1;
        if (found.size === wanted.size || pages >= MAX_ACTIVITY_PAGES) break;
      }
    });
    return found;
  }
}
