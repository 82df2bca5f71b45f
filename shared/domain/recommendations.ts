/**
 * Quantified recommendations for one cluster, each with the exact change to make and the headroom it buys.
 * Pure.
 *
 * VPC CNI settings belong to the cluster (one `aws-node` DaemonSet, one add-on), so the CNI recommendations
 * are made once per cluster, sized for every group on it; subnet changes are made per subnet or group.
 * Per-node holdings come from the capacity model through each group's `holdings` (bind
 * `nodeHoldings(limits, ·, ·, ·)` from `cni-capacity.ts`), so every figure is a difference between two runs of
 * the same model. Kubelet max pods after a change never exceeds what the node will run with: a group on the
 * uncapped formula gets the EKS AMI cap (`max-pods-calculator.sh`: 110 up to 30 vCPUs, else 250), since nodes
 * bootstrapped by the EKS AMIs are capped there. Sources: DOMAIN.md §1 (MAX_ENI, custom networking, prefix
 * delegation on Nitro, caps), §2 (warm targets), §5 (prefix CIDR reservations); VPC CNI
 * `docs/eni-and-ip-target.md`; RFC 6598 (100.64.0.0/10, the usual secondary VPC CIDR for pods).
 */
import type { MaxPodsCap } from './cni-capacity.js';
import type { CniSource } from './cni-change.js';
import type { CniConfig } from './cni-config.js';
import {
  type Context,
  customNetworking,
  maxEni,
  prefixDelegation,
  warmIpTarget,
} from './cni-recommendations.js';
import { addresses, type GroupContext, holdingsUnder, sum } from './recommendation-math.js';
import type { SubnetAddressInput } from './subnet-address-map.js';
import { prefixReservations, subnetCapacity } from './subnet-recommendations.js';

/** The fields of `NodeHoldings` (cni-capacity.ts) this module reads. */
export interface HoldingsLike {
  readonly maxPods: number;
  readonly nodeSubnetIps: number;
  readonly podSubnetIps: number;
  readonly prefixesHeld: number;
}

export type HoldingsFn = (cni: CniConfig, pods: number, cap: MaxPodsCap) => HoldingsLike;

export interface RecommendationSubnet {
  readonly subnetId: string;
  readonly freeIpCount: number;
  readonly freePrefixBlocks: number | null;
  readonly fragmentationScore: number | null;
  readonly availabilityZone?: string;
  readonly vpcId?: string;
  /** What holds the subnet's addresses, to place a prefix reservation; absent when unknown. */
  readonly addresses?: SubnetAddressInput;
}

export interface RecommendationGroup {
  readonly groupName: string;
  readonly nodeCount: number;
  /** Pod-networked pods per node as observed (a high percentile across the group's nodes). */
  readonly podsPerNode: number;
  /** Nodes the group should still be able to add, e.g. max size − desired. */
  readonly growthNodes: number;
  /** Nitro or bare metal (`supportsPrefixDelegation`). */
  readonly prefixDelegationSupported: boolean;
  /** The group's kubelet max-pods policy now. */
  readonly maxPodsCap: MaxPodsCap;
  readonly holdings: HoldingsFn;
  /** The subnets the group's pod addresses come from (ENIConfig subnets under custom networking). */
  readonly subnets: readonly RecommendationSubnet[];
  /** Where the group's kubelet max pods is set, e.g. `EC2NodeClass spec.kubelet.maxPods`. */
  readonly kubeletSetting: string;
}

export interface ClusterRecommendationInput {
  /** Null for groups of no known cluster: their CNI is then addressed through its DaemonSet. */
  readonly clusterName: string | null;
  readonly cni: CniConfig;
  readonly cniSource: CniSource;
  readonly groups: readonly RecommendationGroup[];
  /** Spare pod addresses per node kept for bursts (WARM_IP_TARGET); default 2. */
  readonly burstPodsPerNode?: number;
  /** Fragmentation score from which a prefix reservation is advised; default 0.5. */
  readonly fragmentationThreshold?: number;
}

export const RecommendationKind = {
  warmIpTarget: 'warm-ip-target',
  maxEni: 'max-eni',
  prefixDelegation: 'prefix-delegation',
  prefixReservation: 'prefix-reservation',
  customNetworking: 'custom-networking',
  subnetCapacity: 'subnet-capacity',
} as const;
export type RecommendationKind = (typeof RecommendationKind)[keyof typeof RecommendationKind];

/** Nodes a group can add from its subnets' free addresses, before and after the change. */
export interface HeadroomChange {
  readonly before: number;
  readonly after: number;
}

export interface RecommendationEffect {
  /** Subnet addresses released across the current nodes. */
  readonly ipsFreed?: number;
  readonly ipsFreedPerNode?: Readonly<Record<string, number>>;
  /** Free aligned /28 blocks needed (current nodes and growth). */
  readonly blocksNeeded?: number;
  readonly freePrefixBlocks?: number | null;
  readonly blocksShort?: number;
  /** `prefix` CIDR reservations to create. */
  readonly reservations?: readonly {
    readonly subnetId: string;
    readonly cidr: string;
    readonly blocks: number;
  }[];
  /** Addresses missing for the planned growth. */
  readonly ipsShort?: number;
  /** Prefix length of an extra subnet per AZ that covers the shortfall. */
  readonly suggestedSubnetPrefixLength?: number;
  /** Kubelet max pods per group after the change. */
  readonly maxPodsAfter?: Readonly<Record<string, number>>;
  /** CNI environment variables to set. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Per group: nodes its subnets can still take, before and after. */
  readonly headroomNodes?: Readonly<Record<string, HeadroomChange>>;
}

export interface Recommendation {
  readonly kind: RecommendationKind;
  readonly clusterName: string | null;
  /** The groups the change affects (every group of the cluster for a CNI setting). */
  readonly groupNames: readonly string[];
  readonly title: string;
  readonly detail: string;
  /** The exact commands and settings to change, in order. */
  readonly apply: readonly string[];
  readonly effect: RecommendationEffect;
}

export class RecommendationInputError extends Error {
  override readonly name = 'RecommendationInputError';
}

function requireCount(group: string, field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RecommendationInputError(`${group}: ${field} is ${value} (expected an integer >= 0)`);
  }
}

/**
 * The recommendations for one cluster, each with its exact change and quantified effect, in a fixed order:
 * IP targets, MAX_ENI, prefix delegation, prefix reservations, custom networking, more subnet space.
 *
 * @example
 * recommendForCluster({
 *   clusterName: 'prod', cni: DEFAULT_CNI_CONFIG, cniSource: { kind: 'addon', clusterName: 'prod', document: {} },
 *   groups: [{ groupName: 'ng-1', nodeCount: 20, podsPerNode: 12, growthNodes: 10, prefixDelegationSupported: true,
 *     maxPodsCap: 'none', kubeletSetting: 'nodeadm', holdings: (cni, pods, cap) => nodeHoldings(m5large, cni, pods, cap),
 *     subnets: [{ subnetId: 'subnet-a', freeIpCount: 150, freePrefixBlocks: 4, fragmentationScore: 0.7 }] }],
 * }).map((r) => [r.kind, r.apply[0]])
 * // [['warm-ip-target', 'aws eks update-addon --cluster-name prod …'], ['max-eni', …], …]
 */
export function recommendForCluster(input: ClusterRecommendationInput): Recommendation[] {
  if (input.groups.length === 0) return [];
  const burst = input.burstPodsPerNode ?? 2;
  requireCount(input.clusterName ?? '*', 'burstPodsPerNode', burst);
  const groups: GroupContext[] = input.groups.map((group) => {
    requireCount(group.groupName, 'nodeCount', group.nodeCount);
    requireCount(group.groupName, 'growthNodes', group.growthNodes);
    if (!Number.isFinite(group.podsPerNode) || group.podsPerNode < 0) {
      throw new RecommendationInputError(
        `${group.groupName}: podsPerNode is ${group.podsPerNode} (expected a number >= 0)`,
      );
    }
    const pods = Math.ceil(group.podsPerNode);
    const partial = { group, pods, current: group.holdings(input.cni, 0, group.maxPodsCap) };
    return { ...partial, current: holdingsUnder(partial, input.cni, group.maxPodsCap) };
  });
  const context: Context = { input, groups, burst };
  const shortBy = new Map(
    groups.map((g) => [
      g,
      Math.max(
        0,
        g.group.growthNodes * addresses(g.current) - sum(g.group.subnets.map((s) => s.freeIpCount)),
      ),
    ]),
  );
  const short = groups.filter((g) => (shortBy.get(g) ?? 0) > 0);
  return [
    warmIpTarget(context),
    maxEni(context),
    prefixDelegation(context),
    ...prefixReservations(context),
    customNetworking(context, short),
    ...short.map((g) => subnetCapacity(context, g, shortBy.get(g) ?? 0)),
  ].filter((recommendation): recommendation is Recommendation => recommendation !== null);
}
