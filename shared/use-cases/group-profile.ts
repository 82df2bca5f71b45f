import type { CniConfig } from '../domain/cni-config.js';
import { DEFAULT_GUARD_SETTINGS } from '../domain/guard-defaults.js';
import type { PacingMode } from '../domain/stagger-plan.js';
import type { InstanceCatalog } from '../ports/instance-catalog.js';
import type { ScalingGroup } from '../ports/scaling-groups.js';
import { GroupProfileError, INSTANCE_TYPE_TAG_KEY } from './group-tags.js';
import { predictForGroup } from './predict-group-attaches.js';

/** Cluster Autoscaler's auto-discovery tag: a group carrying it is owned by an autoscaler. */
const AUTOSCALER_TAG_KEY = 'k8s.io/cluster-autoscaler/enabled';

export interface GroupProfile {
  readonly mode: PacingMode;
  /** The instance type the attaches are booked for: of the types the group may launch, the one needing most. */
  readonly instanceType: string;
  readonly attachesPerNode: number;
}

/** How the guard paces a group: the launch gate, a MaxSize ceiling or its desired capacity. */
export type GuardMode = 'gate' | PacingMode;

const GUARD_MODES: readonly string[] = ['gate', 'desired', 'ceiling'];

/**
 * The group's mode: its mode tag (or the earlier pacing tag), else `ceiling` for a group an autoscaler owns,
 * else `desired`. An unknown value is an error naming the tag and the accepted values.
 */
export function guardModeOf(group: Pick<ScalingGroup, 'name' | 'tags'>): GuardMode {
  const key =
    group.tags[DEFAULT_GUARD_SETTINGS.modeTagKey] !== undefined
      ? DEFAULT_GUARD_SETTINGS.modeTagKey
      : DEFAULT_GUARD_SETTINGS.pacingModeTagKey;
  const tag = group.tags[key];
  if (tag === undefined) return group.tags[AUTOSCALER_TAG_KEY] !== undefined ? 'ceiling' : 'desired';
  if (!GUARD_MODES.includes(tag)) {
    throw new GroupProfileError(
      `${group.name}: tag ${key}='${tag}' is invalid (expected gate, ceiling or desired)`,
    );
  }
  return tag as GuardMode;
}

/** True when the group carries the opt-in tag. */
export function isOptedIn(group: ScalingGroup, tagKey: string, tagValue: string): boolean {
  return group.tags[tagKey] === tagValue;
}

/** True when the group carries the guard's own paced tag (set while a plan paces it). */
export function isMarkedPaced(group: Pick<ScalingGroup, 'tags'>): boolean {
  return group.tags[DEFAULT_GUARD_SETTINGS.pacedTagKey] === DEFAULT_GUARD_SETTINGS.pacedTagValue;
}

/**
 * The instance types the group's next nodes may have: its mixed-instances overrides (Auto Scaling picks among
 * them by the allocation strategy, so any of them may come next), else the instance-type tag, else the type
 * most of its instances have.
 */
function launchTypesOf(group: ScalingGroup): string[] {
  if (group.instanceTypeOverrides.length > 0) return [...group.instanceTypeOverrides];
  const tagged = group.tags[INSTANCE_TYPE_TAG_KEY];
  if (tagged !== undefined) return [tagged];
  const counts = new Map<string, number>();
  for (const instance of group.instances) {
    if (instance.instanceType)
      counts.set(instance.instanceType, (counts.get(instance.instanceType) ?? 0) + 1);
  }
  const mostCommon = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  return mostCommon === undefined ? [] : [mostCommon];
}

/**
 * How the guard paces a group and how many attaches one new node makes. The pacing-mode tag wins, else a group
 * an autoscaler owns is paced by a MaxSize ceiling. Attaches per node are the launch gate's prediction
 * (`predictForGroup`: its cluster's CNI settings under the group's CNI tag, kubelet max pods and pods-per-node tags) for each type the
 * group may launch, and the largest of them is booked: a plan is made before Auto Scaling picks the types.
 */
export async function profileGroup(
  group: ScalingGroup,
  catalog: InstanceCatalog,
  clusterCni?: CniConfig,
): Promise<GroupProfile> {
  const guardMode = guardModeOf(group);
  if (guardMode === 'gate') {
    throw new GroupProfileError(`${group.name}: paced by the launch gate, not by desired capacity`);
  }
  const types = launchTypesOf(group);
  if (types.length === 0) {
    throw new GroupProfileError(
      `${group.name}: no instance to learn the instance type from; tag the group ${INSTANCE_TYPE_TAG_KEY}=<type>`,
    );
  }
  const limits = await catalog.getLimits(types);
  const predictions = types.map((instanceType) => {
    const typeLimits = limits.get(instanceType);
    if (!typeLimits) throw new GroupProfileError(`${group.name}: instance type ${instanceType} is unknown`);
    return { instanceType, prediction: predictForGroup(group, typeLimits, null, clusterCni) };
  });
  const chosen = predictions.reduce((most, p) =>
    p.prediction.attaches > most.prediction.attaches ? p : most,
  );
  return {
    mode: guardMode,
    instanceType: chosen.instanceType,
    attachesPerNode: chosen.prediction.attaches,
  };
}

/** Instances that count as running capacity: in service (launching ones have not booted and can be cancelled). */
export function countInService(group: ScalingGroup): number {
  return group.instances.filter((instance) => instance.lifecycleState === 'InService').length;
}
