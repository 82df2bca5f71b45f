import { maxPodNetworkPods, nodeHoldings } from '../domain/cni-capacity.js';
import type { CniConfig } from '../domain/cni-config.js';
import { applyCniSettings } from '../domain/cni-config-parse.js';
import { DEFAULT_GUARD_SETTINGS } from '../domain/guard-defaults.js';
import type { PacingMode } from '../domain/stagger-plan.js';
import type { InstanceCatalog } from '../ports/instance-catalog.js';
import type { ScalingGroup } from '../ports/scaling-groups.js';

/** Tag that carries a group's CNI settings when they differ from the defaults: `KEY=VALUE KEY=VALUE`. */
export const CNI_TAG_KEY = 'capacity-guard/cni';
/** Tag naming the group's instance type, for groups with no instance yet. */
export const INSTANCE_TYPE_TAG_KEY = 'capacity-guard/instance-type';
/** Cluster Autoscaler's auto-discovery tag: a group carrying it is owned by an autoscaler. */
const AUTOSCALER_TAG_KEY = 'k8s.io/cluster-autoscaler/enabled';

export class GroupProfileError extends Error {
  override readonly name = 'GroupProfileError';
}

export interface GroupProfile {
  readonly mode: PacingMode;
  readonly instanceType: string;
  readonly attachesPerNode: number;
  readonly podsPerNode: number;
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

/**
 * How the guard paces a group and how many attaches one new node makes: the pacing-mode tag wins, else a group
 * an autoscaler owns is paced by a MaxSize ceiling; the instance type is the group's most common one (or its
 * tag); attaches per node come from the capacity model at the expected pods per node (tag), else a full node.
 */
export async function profileGroup(group: ScalingGroup, catalog: InstanceCatalog): Promise<GroupProfile> {
  const guardMode = guardModeOf(group);
  if (guardMode === 'gate') {
    throw new GroupProfileError(`${group.name}: paced by the launch gate, not by desired capacity`);
  }
  const mode: PacingMode = guardMode;
  const counts = new Map<string, number>();
  for (const instance of group.instances) {
    if (instance.instanceType)
      counts.set(instance.instanceType, (counts.get(instance.instanceType) ?? 0) + 1);
  }
  const mostCommon = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  const instanceType = group.tags[INSTANCE_TYPE_TAG_KEY] ?? mostCommon;
  if (!instanceType) {
    throw new GroupProfileError(
      `${group.name}: no instance to learn the instance type from; tag the group ${INSTANCE_TYPE_TAG_KEY}=<type>`,
    );
  }
  const limits = (await catalog.getLimits([instanceType])).get(instanceType);
  if (!limits) throw new GroupProfileError(`${group.name}: instance type ${instanceType} is unknown`);
  const cni = groupCniConfig(group);
  const fullNode = maxPodNetworkPods(limits, cni);
  const podsTag = group.tags[DEFAULT_GUARD_SETTINGS.podsPerNodeTagKey];
  const podsPerNode = podsTag === undefined ? fullNode : Number(podsTag);
  if (!Number.isInteger(podsPerNode) || podsPerNode < 0 || podsPerNode > fullNode) {
    throw new GroupProfileError(
      `${group.name}: tag ${DEFAULT_GUARD_SETTINGS.podsPerNodeTagKey}='${podsTag}' is invalid (expected 0..${fullNode})`,
    );
  }
  return {
    mode,
    instanceType,
    podsPerNode,
    attachesPerNode: nodeHoldings(limits, cni, podsPerNode).attaches,
  };
}

/** The CNI settings a group's tag gives (`KEY=VALUE` pairs, space or comma separated) over the defaults. */
export function groupCniConfig(group: ScalingGroup): CniConfig {
  const settings: Record<string, string> = {};
  for (const pair of (group.tags[CNI_TAG_KEY] ?? '').split(/[\s,]+/).filter((p) => p.includes('='))) {
    const at = pair.indexOf('=');
    settings[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return applyCniSettings(settings).config;
}

/** Instances that count as running capacity: in service (launching ones have not booted and can be cancelled). */
export function countInService(group: ScalingGroup): number {
  return group.instances.filter((instance) => instance.lifecycleState === 'InService').length;
}
