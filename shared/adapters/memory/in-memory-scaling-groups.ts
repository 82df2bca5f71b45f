import { byStartTime } from '../../domain/scheduled-actions.js';
import type { ScalingGroup, ScalingGroups, ScheduledSizes } from '../../ports/scaling-groups.js';

/** Auto Scaling groups held in memory, read-only, with their scheduled actions not run yet by group name. */
export class InMemoryScalingGroups
  implements Pick<ScalingGroups, 'describe' | 'listTagged' | 'scheduledActions'>
{
  constructor(
    private readonly groups: readonly ScalingGroup[],
    private readonly scheduled: Readonly<Record<string, readonly ScheduledSizes[]>> = {},
  ) {}

  async describe(names: readonly string[]): Promise<ScalingGroup[]> {
    return this.groups.filter((group) => names.includes(group.name));
  }

  async listTagged(tagKey: string, tagValue: string): Promise<ScalingGroup[]> {
    return this.groups.filter((group) => group.tags[tagKey] === tagValue);
  }

  async scheduledActions(name: string): Promise<ScheduledSizes[]> {
    return [...(this.scheduled[name] ?? [])].sort(byStartTime);
  }
}
