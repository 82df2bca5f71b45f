import { type AttachPrediction, predictNodeAttaches } from '../../domain/attach-prediction.js';
import type { MaxPodsCap } from '../../domain/cni-capacity.js';
import { DEFAULT_GUARD_SETTINGS } from '../../domain/guard-defaults.js';
import type { InstanceLimits } from '../../domain/instance-limits.js';
import type { ScalingGroup } from '../../ports/scaling-groups.js';
import { GroupProfileError, groupCniConfig } from '../group-profile.js';

/** Reads a whole-number tag, or null when absent; a bad value is an error naming the group, tag and range. */
function wholeTag(group: ScalingGroup, key: string, min: number, max: number): number | null {
  const raw = group.tags[key];
  if (raw === undefined) return null;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new GroupProfileError(
      `${group.name}: tag ${key}='${raw}' is invalid (expected a whole number ${min}..${max})`,
    );
  }
  return value;
}

/** kubelet's max pods on the group's nodes: the max-pods tag, else the EKS managed node group cap for MNG groups. */
function maxPodsCapOf(group: ScalingGroup): MaxPodsCap | number {
  const tagged = wholeTag(group, DEFAULT_GUARD_SETTINGS.maxPodsTagKey, 1, 737);
  if (tagged !== null) return tagged;
  return group.tags['eks:nodegroup-name'] !== undefined ? 'mng' : 'none';
}

/** A gated group's share when several groups wait at once (tag, default 1). */
export function gateWeightOf(group: ScalingGroup): number {
  return wholeTag(group, DEFAULT_GUARD_SETTINGS.gateWeightTagKey, 1, 100) ?? 1;
}

/**
 * Attaches one new node of the group will make, for its exact instance type: the CNI settings and max pods of
 * the group's tags, the expected pods (tag) or what settled peers attached.
 */
export function predictForGroup(
  group: ScalingGroup,
  limits: InstanceLimits,
  peerAttaches: number | null,
): AttachPrediction {
  const podsTag = wholeTag(group, DEFAULT_GUARD_SETTINGS.podsPerNodeTagKey, 0, 737);
  return predictNodeAttaches({
    limits,
    cni: groupCniConfig(group),
    maxPodsCap: maxPodsCapOf(group),
    podsPerNode: podsTag,
    peerAttaches,
  });
}
