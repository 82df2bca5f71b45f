import type { ScalingGroup, ScalingGroups } from '../../ports/scaling-groups.js';

/** Auto Scaling groups held in memory, read-only. */
export class InMemoryScalingGroups implements Pick<ScalingGroups, 'describe' | 'listTagged'> {
  constructor(private readonly groups: readonly ScalingGroup[]) {}

  async describe(names: readonly string[]): Promise<ScalingGroup[]> {
    return this.groups.filter((group) => names.includes(group.name));
  }

  async listTagged(tagKey: string, tagValue: string): Promise<ScalingGroup[]> {
    return this.groups.filter((group) => group.tags[tagKey] === tagValue);
  }
}
