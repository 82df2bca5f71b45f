import type { MaxPodsCap } from '../../domain/cni-capacity.js';
import type { CniConfig } from '../../domain/cni-config.js';
import { DEFAULT_GUARD_SETTINGS } from '../../domain/guard-defaults.js';
import type { ScalingGroup } from '../../ports/scaling-groups.js';
import { clusterOfTags } from '../group-tags.js';

/* A node group as the audit sees it, and how one is built from a self-managed Auto Scaling group. */

/** How a node group came to be audited. */
export const GroupSource = {
  eks: 'eks',
  tag: 'tag',
  config: 'config',
  /** An Auto Scaling group found through its instances' cluster tags. */
  nodes: 'nodes',
  karpenter: 'karpenter',
  /** Nodes of a cluster with neither an Auto Scaling group nor a node pool. */
  standalone: 'standalone',
} as const;
export type GroupSource = (typeof GroupSource)[keyof typeof GroupSource];

/** One node of a group: an Auto Scaling group member or an instance found by its tags. */
export type GroupInstance = ScalingGroup['instances'][number];

/**
 * A node group as the audit sees it: one EKS managed node group, one self-managed Auto Scaling group, one
 * Karpenter node pool of a cluster, or a cluster's standalone nodes.
 */
export interface AuditedGroup {
  readonly name: string;
  readonly clusterName: string | null;
  readonly source: GroupSource;
  readonly autoScalingGroups: readonly ScalingGroup[];
  /** The group's nodes (Auto Scaling groups' members, or the instances a node pool launched). */
  readonly instances: readonly GroupInstance[];
  readonly instanceType: string | null;
  readonly subnetIds: readonly string[];
  readonly desiredCapacity: number;
  readonly inServiceCount: number;
  readonly maxSize: number;
  readonly cni: CniConfig;
  /** EKS managed node groups cap max pods (`max-pods-calculator.sh`); self-managed groups use the formula. */
  readonly maxPodsCap: MaxPodsCap;
  /** `capacity-guard/pods-per-node` tag, when set. */
  readonly podsPerNodeTag: number | null;
  readonly healthIssueCodes: readonly string[];
  /** Extra nodes a managed node group update in progress launches before it drains old ones. */
  readonly updateSurgeNodes: number;
}

/** The most frequent value, the first seen on a tie; null for none. */
export function mostCommon(values: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: string | null = null;
  for (const [value, count] of counts) if (best === null || count > (counts.get(best) ?? 0)) best = value;
  return best;
}

export function podsPerNodeOf(groups: readonly ScalingGroup[], warnings: string[]): number | null {
  for (const group of groups) {
    const raw = group.tags[DEFAULT_GUARD_SETTINGS.podsPerNodeTagKey];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= 0) return value;
    warnings.push(
      `${group.name}: tag ${DEFAULT_GUARD_SETTINGS.podsPerNodeTagKey}='${raw}' is not a whole number >= 0; ignored`,
    );
  }
  return null;
}

export function inService(groups: readonly ScalingGroup[]): number {
  return groups.reduce(
    (sum, group) => sum + group.instances.filter((i) => i.lifecycleState === 'InService').length,
    0,
  );
}

/** A self-managed Auto Scaling group (or one behind a managed node group whose EKS side was not read). */
export async function selfManagedGroup(
  group: ScalingGroup,
  source: GroupSource,
  resolveCni: (clusterName: string | null) => Promise<CniConfig>,
  warnings: string[],
): Promise<AuditedGroup> {
  const clusterName = clusterOfTags(group.tags);
  const instanceType =
    mostCommon(group.instances.map((i) => i.instanceType).filter((t): t is string => t !== undefined)) ??
    group.tags['capacity-guard/instance-type'] ??
    null;
  return {
    name:
      group.tags['eks:nodegroup-name'] && clusterName
        ? `${clusterName}/${group.tags['eks:nodegroup-name']}`
        : group.name,
    clusterName,
    source,
    autoScalingGroups: [group],
    instances: group.instances,
    instanceType,
    subnetIds: group.subnetIds,
    desiredCapacity: group.desiredCapacity,
    inServiceCount: inService([group]),
    maxSize: group.maxSize,
    cni: await resolveCni(clusterName),
    maxPodsCap: group.tags['eks:nodegroup-name'] ? 'mng' : 'none',
    podsPerNodeTag: podsPerNodeOf([group], warnings),
    healthIssueCodes: [],
    updateSurgeNodes: 0,
  };
}
