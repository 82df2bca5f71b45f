import { CapacityInputError, nodeHoldings } from '../../domain/cni-capacity.js';
import { supportsPrefixDelegation } from '../../domain/instance-limits.js';
import { type Recommendation, recommend } from '../../domain/recommendations.js';
import type { SubnetHeadroom } from '../../domain/subnet-headroom.js';
import type { NetworkInterfaceAddresses } from '../../ports/subnet-inventory.js';
import type { GroupModel } from './group-models.js';
import { estimatePodsPerNode } from './pod-density.js';
import type { SubnetModel } from './subnet-models.js';

/** ENIs by the instance they are attached to; detached ENIs are left out. */
export function indexEnisByInstance(
  enis: readonly NetworkInterfaceAddresses[],
): Map<string, NetworkInterfaceAddresses[]> {
  const byInstance = new Map<string, NetworkInterfaceAddresses[]>();
  for (const eni of enis) {
    if (eni.instanceId === null) continue;
    const list = byInstance.get(eni.instanceId) ?? [];
    list.push(eni);
    byInstance.set(eni.instanceId, list);
  }
  return byInstance;
}

/**
 * The recommendations for one group, sized for the pods its nodes hold now (the tag, else an estimate from
 * their ENIs, else a full node) and the headroom of its pod subnets.
 */
export function recommendFor(
  model: GroupModel,
  enisByInstance: ReadonlyMap<string, readonly NetworkInterfaceAddresses[]>,
  headrooms: ReadonlyMap<string, SubnetHeadroom>,
  subnets: ReadonlyMap<string, SubnetModel>,
  warnings: string[],
): Recommendation[] {
  const { group, limits } = model;
  const instanceIds = new Set(group.instances.map((i) => i.instanceId));
  const podsPerNode =
    group.podsPerNodeTag ??
    estimatePodsPerNode(
      [...instanceIds].flatMap((id) => enisByInstance.get(id) ?? []),
      group.cni,
      limits,
      group.maxPodsCap,
    ) ??
    model.podsPerNodeAtFullDensity;
  const podSubnetIds = [...new Set(model.subnets.map((s) => s.podSubnetId ?? s.subnetId))];
  try {
    return recommend({
      groupName: group.name,
      cni: group.cni,
      nodeCount: group.inServiceCount,
      podsPerNode,
      prefixDelegationSupported: supportsPrefixDelegation(limits),
      holdings: (cni, pods) => nodeHoldings(limits, cni, pods, group.maxPodsCap),
      subnets: podSubnetIds.map((subnetId) => {
        const subnet = subnets.get(subnetId);
        return {
          subnetId,
          freeIpCount: Math.max(0, headrooms.get(subnetId)?.headroomIps ?? 0),
          freePrefixBlocks: subnet?.map?.freePrefixBlocks ?? null,
          fragmentationScore: subnet?.map?.fragmentationScore ?? null,
        };
      }),
      growthNodes: Math.max(0, group.maxSize - group.desiredCapacity),
    });
  } catch (error) {
    if (!(error instanceof CapacityInputError)) throw error;
    warnings.push(`${group.name}: no recommendations (${error.message})`);
    return [];
  }
}
