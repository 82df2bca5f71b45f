import { CapacityInputError, nodeHoldings } from '../../domain/cni-capacity.js';
import type { CniSource } from '../../domain/cni-change.js';
import { supportsPrefixDelegation } from '../../domain/instance-limits.js';
import {
  type Recommendation,
  type RecommendationGroup,
  RecommendationInputError,
  recommendForCluster,
} from '../../domain/recommendations.js';
import type { SubnetHeadroom } from '../../domain/subnet-headroom.js';
import type { NetworkInterfaceAddresses } from '../../ports/subnet-inventory.js';
import { GroupSource } from './audited-group.js';
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

/** Where a group's kubelet max pods is set (EKS user guide; Karpenter EC2NodeClass; EKS AMI bootstrap). */
function kubeletSettingOf(model: GroupModel): string {
  switch (model.group.source) {
    case GroupSource.karpenter:
      return 'EC2NodeClass spec.kubelet.maxPods';
    case GroupSource.eks:
      return 'set by EKS on new nodes of a managed node group; with a custom AMI, in the launch template user data';
    default:
      return model.group.maxPodsCap === 'mng'
        ? 'set by EKS on new nodes of a managed node group; with a custom AMI, in the launch template user data'
        : "node user data: nodeadm NodeConfig spec.kubelet.config.maxPods (AL2023), or bootstrap.sh --use-max-pods false --kubelet-extra-args '--max-pods=N' (AL2)";
  }
}

export interface RecommendationContext {
  readonly enisByInstance: ReadonlyMap<string, readonly NetworkInterfaceAddresses[]>;
  readonly headrooms: ReadonlyMap<string, SubnetHeadroom>;
  readonly subnets: ReadonlyMap<string, SubnetModel>;
  readonly cniSources: ReadonlyMap<string, CniSource>;
}

/**
 * One group as the recommendations see it: sized for the pods its nodes hold now (the tag, else an estimate
 * from their ENIs, else a full node) and the headroom of its pod subnets.
 */
function recommendationGroup(model: GroupModel, context: RecommendationContext): RecommendationGroup {
  const { group, limits } = model;
  const instanceIds = new Set(group.instances.map((i) => i.instanceId));
  const podsPerNode =
    group.podsPerNodeTag ??
    estimatePodsPerNode(
      [...instanceIds].flatMap((id) => context.enisByInstance.get(id) ?? []),
      group.cni,
      limits,
      group.maxPodsCap,
    ) ??
    model.podsPerNodeAtFullDensity;
  const podSubnetIds = [...new Set(model.subnets.map((s) => s.podSubnetId ?? s.subnetId))];
  return {
    groupName: group.name,
    nodeCount: group.inServiceCount,
    podsPerNode,
    growthNodes: Math.max(0, group.maxSize - group.desiredCapacity),
    prefixDelegationSupported: supportsPrefixDelegation(limits),
    maxPodsCap: group.maxPodsCap,
    holdings: (cni, pods, cap) => nodeHoldings(limits, cni, pods, cap),
    kubeletSetting: kubeletSettingOf(model),
    subnets: podSubnetIds.map((subnetId) => {
      const subnet = context.subnets.get(subnetId);
      return {
        subnetId,
        freeIpCount: Math.max(0, context.headrooms.get(subnetId)?.headroomIps ?? 0),
        freePrefixBlocks: subnet?.map?.freePrefixBlocks ?? null,
        fragmentationScore: subnet?.map?.fragmentationScore ?? null,
        ...(subnet === undefined
          ? {}
          : {
              availabilityZone: subnet.info.availabilityZone,
              vpcId: subnet.info.vpcId,
              ...(subnet.map === null ? {} : { addresses: subnet.addresses }),
            }),
      };
    }),
  };
}

/**
 * The recommendations for every cluster: one set per cluster over all its groups (CNI settings are the
 * cluster's), groups of no known cluster each on their own. A cluster whose groups cannot be sized gets none,
 * with a warning.
 */
export function recommendForClusters(
  models: readonly GroupModel[],
  context: RecommendationContext,
  warnings: string[],
): Recommendation[] {
  const byCluster = new Map<string, GroupModel[]>();
  for (const model of models) {
    const key = model.group.clusterName ?? `\u0000${model.group.name}`;
    byCluster.set(key, [...(byCluster.get(key) ?? []), model]);
  }
  const result: Recommendation[] = [];
  for (const group of byCluster.values()) {
    const first = group[0] as GroupModel;
    const clusterName = first.group.clusterName;
    try {
      result.push(
        ...recommendForCluster({
          clusterName,
          cni: first.group.cni,
          cniSource: (clusterName === null ? undefined : context.cniSources.get(clusterName)) ?? {
            kind: 'daemonset',
            clusterName,
          },
          groups: group.map((model) => recommendationGroup(model, context)),
        }),
      );
    } catch (error) {
      if (!(error instanceof CapacityInputError) && !(error instanceof RecommendationInputError)) throw error;
      warnings.push(`${clusterName ?? first.group.name}: no recommendations (${error.message})`);
    }
  }
  return result;
}
