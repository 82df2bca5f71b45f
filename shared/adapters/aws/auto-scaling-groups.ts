import {
  type AutoScalingClient,
  type AutoScalingGroup,
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  paginateDescribeAutoScalingGroups,
  paginateDescribeScheduledActions,
  type ScheduledUpdateGroupAction,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DEFAULT_GUARD_SETTINGS } from '../../domain/guard-defaults.js';
import { byStartTime } from '../../domain/scheduled-actions.js';
import type { GroupBounds, ScalingGroup, ScalingGroups, ScheduledSizes } from '../../ports/scaling-groups.js';
import { AwsCallError, callAws } from './aws-error.js';
import { chunk } from './chunk.js';

/** DescribeAutoScalingGroups accepts at most 100 names per call. */
const NAMES_PER_CALL = 100;
/** SetInstanceProtection takes up to 50 instance ids (API reference). */
const PROTECTION_IDS_PER_CALL = 50;

function toScalingGroup(group: AutoScalingGroup): ScalingGroup {
  const tags: Record<string, string> = {};
  for (const tag of group.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
  return {
    name: group.AutoScalingGroupName ?? '',
    desiredCapacity: group.DesiredCapacity ?? 0,
    minSize: group.MinSize ?? 0,
    maxSize: group.MaxSize ?? 0,
    instances: (group.Instances ?? []).map((i) => ({
      instanceId: i.InstanceId ?? '',
      lifecycleState: i.LifecycleState ?? 'Unknown',
      ...(i.InstanceType ? { instanceType: i.InstanceType } : {}),
      ...(i.AvailabilityZone ? { availabilityZone: i.AvailabilityZone } : {}),
      protectedFromScaleIn: i.ProtectedFromScaleIn === true,
    })),
    tags,
    subnetIds: (group.VPCZoneIdentifier ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    instanceTypeOverrides: overrideTypes(group),
  };
}

/**
 * The instance types of a mixed-instances policy's launch template overrides. Overrides that give
 * `InstanceRequirements` (attribute-based selection) name no type and are left out.
 */
function overrideTypes(group: AutoScalingGroup): string[] {
  const overrides = group.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? [];
  return [...new Set(overrides.flatMap((o) => (o.InstanceType ? [o.InstanceType] : [])))];
}

/**
 * One scheduled action as the guard reads it; an action without a name or a StartTime (never the case for a
 * described action: both are required by PutScheduledUpdateGroupAction's API) is left out.
 */
function toScheduledSizes(action: ScheduledUpdateGroupAction): ScheduledSizes[] {
  const startMs = (action.StartTime ?? action.Time)?.getTime();
  if (!action.ScheduledActionName || startMs === undefined || Number.isNaN(startMs)) return [];
  return [
    {
      name: action.ScheduledActionName,
      startMs,
      ...(action.DesiredCapacity === undefined ? {} : { desiredCapacity: action.DesiredCapacity }),
      ...(action.MinSize === undefined ? {} : { minSize: action.MinSize }),
      ...(action.MaxSize === undefined ? {} : { maxSize: action.MaxSize }),
    },
  ];
}

/** Auto Scaling through the SDK: every Describe paginated, tag filters server-side. */
export class AutoScalingGroupsAdapter implements ScalingGroups {
  constructor(private readonly client: AutoScalingClient) {}

  async describe(names: readonly string[]): Promise<ScalingGroup[]> {
    const unique = [...new Set(names)];
    const groups: ScalingGroup[] = [];
    for (let i = 0; i < unique.length; i += NAMES_PER_CALL) {
      const batch = unique.slice(i, i + NAMES_PER_CALL);
      await callAws('autoscaling:DescribeAutoScalingGroups', async () => {
        for await (const page of paginateDescribeAutoScalingGroups(
          { client: this.client },
          { AutoScalingGroupNames: batch, MaxRecords: 100 },
        )) {
          for (const group of page.AutoScalingGroups ?? []) groups.push(toScalingGroup(group));
        }
      });
    }
    return groups;
  }

  async listTagged(tagKey: string, tagValue: string): Promise<ScalingGroup[]> {
    return this.listFiltered({ Name: `tag:${tagKey}`, Values: [tagValue] });
  }

  /** `tag-key` matches groups carrying any of the keys (DescribeAutoScalingGroups API reference, "Filters"). */
  async listWithTagKeys(tagKeys: readonly string[]): Promise<ScalingGroup[]> {
    return this.listFiltered({ Name: 'tag-key', Values: [...tagKeys] });
  }

  private async listFiltered(filter: { Name: string; Values: string[] }): Promise<ScalingGroup[]> {
    const groups: ScalingGroup[] = [];
    await callAws('autoscaling:DescribeAutoScalingGroups', async () => {
      for await (const page of paginateDescribeAutoScalingGroups(
        { client: this.client },
        { Filters: [filter], MaxRecords: 100 },
      )) {
        for (const group of page.AutoScalingGroups ?? []) groups.push(toScalingGroup(group));
      }
    });
    return groups;
  }

  /** DescribeScheduledActions of one group, 100 per page (the API's maximum MaxRecords). */
  async scheduledActions(name: string): Promise<ScheduledSizes[]> {
    const actions: ScheduledSizes[] = [];
    await callAws('autoscaling:DescribeScheduledActions', async () => {
      for await (const page of paginateDescribeScheduledActions(
        { client: this.client },
        { AutoScalingGroupName: name, MaxRecords: 100 },
      )) {
        for (const action of page.ScheduledUpdateGroupActions ?? [])
          actions.push(...toScheduledSizes(action));
      }
    });
    return actions.sort(byStartTime);
  }

  async setDesiredCapacity(name: string, desiredCapacity: number): Promise<void> {
    await callAws('autoscaling:SetDesiredCapacity', () =>
      this.client.send(
        new SetDesiredCapacityCommand({
          AutoScalingGroupName: name,
          DesiredCapacity: desiredCapacity,
          HonorCooldown: false,
        }),
      ),
    );
  }

  async updateBounds(name: string, bounds: GroupBounds): Promise<void> {
    await callAws('autoscaling:UpdateAutoScalingGroup', () =>
      this.client.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: name,
          ...(bounds.minSize === undefined ? {} : { MinSize: bounds.minSize }),
          ...(bounds.maxSize === undefined ? {} : { MaxSize: bounds.maxSize }),
          ...(bounds.desiredCapacity === undefined ? {} : { DesiredCapacity: bounds.desiredCapacity }),
        }),
      ),
    );
  }

  async setInstanceProtection(name: string, instanceIds: readonly string[], protect: boolean): Promise<void> {
    for (const batch of chunk(instanceIds, PROTECTION_IDS_PER_CALL)) {
      await callAws('autoscaling:SetInstanceProtection', () =>
        this.client.send(
          new SetInstanceProtectionCommand({
            AutoScalingGroupName: name,
            InstanceIds: batch,
            ProtectedFromScaleIn: protect,
          }),
        ),
      );
    }
  }

  async markPaced(name: string, paced: boolean): Promise<void> {
    const tag = {
      ResourceId: name,
      ResourceType: 'auto-scaling-group',
      Key: DEFAULT_GUARD_SETTINGS.pacedTagKey,
    };
    if (paced) {
      await callAws('autoscaling:CreateOrUpdateTags', () =>
        this.client.send(
          new CreateOrUpdateTagsCommand({
            Tags: [{ ...tag, Value: DEFAULT_GUARD_SETTINGS.pacedTagValue, PropagateAtLaunch: false }],
          }),
        ),
      );
      return;
    }
    await callAws('autoscaling:DeleteTags', () => this.client.send(new DeleteTagsCommand({ Tags: [tag] })));
  }
}

export { AwsCallError };
