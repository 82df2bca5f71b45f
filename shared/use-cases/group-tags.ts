import type { MaxPodsCap } from '../domain/cni-capacity.js';
import { type CniConfig, DEFAULT_CNI_CONFIG } from '../domain/cni-config.js';
import { applyCniSettings } from '../domain/cni-config-parse.js';
import { DEFAULT_GUARD_SETTINGS } from '../domain/guard-defaults.js';
import type { ScalingGroup } from '../ports/scaling-groups.js';

/** Tag that carries a group's CNI settings when they differ from the defaults: `KEY=VALUE KEY=VALUE`. */
export const CNI_TAG_KEY = 'capacity-guard/cni';
/** Tag naming the group's instance type, for groups with no instance yet. */
export const INSTANCE_TYPE_TAG_KEY = 'capacity-guard/instance-type';

/** A group's tags or shape do not say how to guard it; the message names the group, the tag and the value. */
export class GroupProfileError extends Error {
  override readonly name = 'GroupProfileError';
}

/** Reads a whole-number tag, or null when absent; a bad value is an error naming the group, tag and range. */
export function wholeTag(group: ScalingGroup, key: string, min: number, max: number): number | null {
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
export function maxPodsCapOf(group: ScalingGroup): MaxPodsCap | number {
  const tagged = wholeTag(group, DEFAULT_GUARD_SETTINGS.maxPodsTagKey, 1, 737);
  if (tagged !== null) return tagged;
  return group.tags['eks:nodegroup-name'] !== undefined ? 'mng' : 'none';
}

/**
 * The CNI settings a group's tag gives (`KEY=VALUE` pairs, space or comma separated) over `base`: its cluster's
 * `vpc-cni` add-on settings where known (`clusterCniConfigs`), else the defaults.
 */
export function groupCniConfig(group: ScalingGroup, base: CniConfig = DEFAULT_CNI_CONFIG): CniConfig {
  const settings: Record<string, string> = {};
  for (const pair of (group.tags[CNI_TAG_KEY] ?? '').split(/[\s,]+/).filter((p) => p.includes('='))) {
    const at = pair.indexOf('=');
    settings[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return applyCniSettings(settings, base).config;
}

/**
 * The cluster an Auto Scaling group belongs to, from the tags EKS and the usual tooling put on it
 * (DOMAIN.md §4): `eks:cluster-name`, `kubernetes.io/cluster/<name>`, `k8s.io/cluster-autoscaler/<name>`.
 */
export function clusterOfTags(tags: Readonly<Record<string, string>>): string | null {
  const named = tags['eks:cluster-name'];
  if (named) return named;
  for (const key of Object.keys(tags)) {
    const owned = /^kubernetes\.io\/cluster\/(.+)$/.exec(key);
    if (owned?.[1]) return owned[1];
  }
  for (const key of Object.keys(tags)) {
    const autoscaler = /^k8s\.io\/cluster-autoscaler\/(.+)$/.exec(key);
    if (autoscaler?.[1] && autoscaler[1] !== 'enabled') return autoscaler[1];
  }
  return null;
}
