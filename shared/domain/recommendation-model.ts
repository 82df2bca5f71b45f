import type { MaxPodsCap } from './cni-capacity.js';
import type { CniSource } from './cni-change.js';
import type { CniConfig } from './cni-config.js';
import type { SubnetAddressInput } from './subnet-address-map.js';

/* The shapes of a cluster's recommendations, shared by the modules that make them (pure). */

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
