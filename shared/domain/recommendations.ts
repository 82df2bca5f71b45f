/**
 * Quantified recommendations for one node group: what to change in the VPC CNI or the network, and how
 * many addresses or /28 blocks it frees or needs. Pure.
 *
 * Per-node holdings come from the capacity model through the `holdings` parameter (bind
 * `nodeHoldings(limits, ·, ·, cap)` from `cni-capacity.ts`), so every figure here is a difference between
 * two runs of the same model. Sources: DOMAIN.md §1 (MAX_ENI, custom networking, prefix delegation on Nitro),
 * §2 (WARM_IP_TARGET / MINIMUM_IP_TARGET, WARM_ENI_TARGET holdings), §5 (prefix CIDR reservations);
 * VPC CNI `docs/eni-and-ip-target.md`; RFC 6598 (100.64.0.0/10 shared address space, the usual secondary
 * VPC CIDR for pods under custom networking).
 */
import type { CniConfig } from './cni-config.js';
import { MAX_SUBNET_PREFIX_LENGTH, MIN_SUBNET_PREFIX_LENGTH } from './subnet-address-map.js';

/** The fields of `NodeHoldings` (cni-capacity.ts) this module reads. */
export interface HoldingsLike {
  readonly maxPods: number;
  readonly nodeSubnetIps: number;
  readonly podSubnetIps: number;
  readonly prefixesHeld: number;
}

export type HoldingsFn = (cni: CniConfig, pods: number) => HoldingsLike;

export interface RecommendationSubnet {
  readonly subnetId: string;
  readonly freeIpCount: number;
  readonly freePrefixBlocks: number | null;
  readonly fragmentationScore: number | null;
}

export interface RecommendationInput {
  readonly groupName: string;
  readonly cni: CniConfig;
  readonly nodeCount: number;
  /** Pod-networked pods per node as observed (a high percentile across the group's nodes). */
  readonly podsPerNode: number;
  /** Nitro or bare metal (`supportsPrefixDelegation`). */
  readonly prefixDelegationSupported: boolean;
  readonly holdings: HoldingsFn;
  /** The subnets the group's pod addresses come from (ENIConfig subnets under custom networking). */
  readonly subnets: readonly RecommendationSubnet[];
  /** Nodes the group should still be able to add, e.g. max size − desired. */
  readonly growthNodes: number;
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

export interface RecommendationEffect {
  /** Subnet addresses released across the group's current nodes. */
  readonly ipsFreed?: number;
  readonly ipsFreedPerNode?: number;
  /** Free aligned /28 blocks the group needs (current nodes and growth). */
  readonly blocksNeeded?: number;
  readonly freePrefixBlocks?: number | null;
  readonly blocksShort?: number;
  /** Prefix length of the `prefix` CIDR reservation to create per subnet. */
  readonly reservationPrefixLength?: number;
  /** Addresses missing for the planned growth. */
  readonly ipsShort?: number;
  /** Prefix length of an extra subnet per AZ that covers the shortfall. */
  readonly suggestedSubnetPrefixLength?: number;
  /** Kubelet max pods after the change. */
  readonly maxPodsAfter?: number;
  /** CNI environment variables to set. */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface Recommendation {
  readonly kind: RecommendationKind;
  readonly groupName: string;
  readonly title: string;
  readonly detail: string;
  readonly effect: RecommendationEffect;
}

export class RecommendationInputError extends Error {
  override readonly name = 'RecommendationInputError';
}

/** Host-network pods (aws-node, kube-proxy) counted in max pods but given no address (DOMAIN.md §1). */
const HOST_NETWORK_PODS = 2;
/** RFC 6598 shared address space: routable inside the VPC, unlikely to clash with corporate ranges. */
const SHARED_ADDRESS_SPACE = '100.64.0.0/10';
/** AWS keeps 5 addresses of every subnet (DOMAIN.md §5). */
const AWS_RESERVED_PER_SUBNET = 5;

interface Context {
  readonly input: RecommendationInput;
  readonly pods: number;
  readonly current: HoldingsLike;
  readonly burst: number;
}

function addresses(holdings: HoldingsLike): number {
  return holdings.nodeSubnetIps + holdings.podSubnetIps;
}

/** Holdings under `cni` for the observed pods, clamped to what that configuration can host. */
function holdingsUnder(context: Context, cni: CniConfig): HoldingsLike {
  const empty = context.input.holdings(cni, 0);
  const pods = Math.min(context.pods, Math.max(0, empty.maxPods - HOST_NETWORK_PODS));
  return context.input.holdings(cni, pods);
}

function requireCount(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RecommendationInputError(`${field} is ${value} (expected an integer >= 0)`);
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Smallest power-of-two block of /28s holding `blocks`, as a prefix length (a /28 per block). */
function reservationPrefixLength(blocks: number): number {
  const power = Math.ceil(Math.log2(Math.max(1, blocks)));
  return Math.max(MIN_SUBNET_PREFIX_LENGTH, MAX_SUBNET_PREFIX_LENGTH - power);
}

/** Smallest subnet whose usable addresses cover `ips`, within EC2's /16–/28. */
function subnetPrefixLengthFor(ips: number): number {
  for (let length = MAX_SUBNET_PREFIX_LENGTH; length >= MIN_SUBNET_PREFIX_LENGTH; length--) {
    if (2 ** (32 - length) - AWS_RESERVED_PER_SUBNET >= ips) return length;
  }
  return MIN_SUBNET_PREFIX_LENGTH;
}

function freeBlocks(subnets: readonly RecommendationSubnet[]): number | null {
  if (subnets.some((subnet) => subnet.freePrefixBlocks === null)) return null;
  return sum(subnets.map((subnet) => subnet.freePrefixBlocks ?? 0));
}

function warmIpTarget(context: Context): Recommendation | null {
  const { input, pods, current, burst } = context;
  if (input.cni.prefixDelegation || input.cni.warmIpTarget > 0 || input.cni.minimumIpTarget > 0) return null;
  const settings = { WARM_IP_TARGET: String(burst), MINIMUM_IP_TARGET: String(Math.max(1, pods)) };
  const after = holdingsUnder(context, {
    ...input.cni,
    warmIpTarget: burst,
    minimumIpTarget: Math.max(1, pods),
  });
  const perNode = addresses(current) - addresses(after);
  if (perNode <= 0) return null;
  return {
    kind: RecommendationKind.warmIpTarget,
    groupName: input.groupName,
    title: `Set WARM_IP_TARGET=${burst} and MINIMUM_IP_TARGET=${settings.MINIMUM_IP_TARGET} on ${input.groupName}`,
    detail:
      `At ${pods} pods per node, WARM_ENI_TARGET=${input.cni.warmEniTarget} keeps whole spare ENIs: ` +
      `${addresses(current)} addresses per node. IP targets keep ${addresses(after)}, freeing ${perNode} per node. ` +
      'Pods beyond the minimum then cost one AssignPrivateIpAddresses call each: keep WARM_IP_TARGET above 0.',
    effect: { ipsFreedPerNode: perNode, ipsFreed: perNode * input.nodeCount, settings },
  };
}

function maxEni(context: Context): Recommendation | null {
  const { input, pods, current, burst } = context;
  if (input.cni.prefixDelegation) return null;
  const needed = pods + burst;
  for (let enis = 1; enis <= 16; enis++) {
    if (input.cni.maxEni !== null && enis >= input.cni.maxEni) return null;
    const cni = { ...input.cni, maxEni: enis };
    const after = holdingsUnder(context, cni);
    if (after.maxPods - HOST_NETWORK_PODS < needed) continue;
    const perNode = addresses(current) - addresses(after);
    if (perNode <= 0) return null;
    return {
      kind: RecommendationKind.maxEni,
      groupName: input.groupName,
      title: `Set MAX_ENI=${enis} on ${input.groupName}`,
      detail:
        `${needed} pods per node (observed ${pods} + ${burst} spare) fit on ${enis} ENIs. Capping ENIs frees ` +
        `${perNode} addresses per node and saves ENI attachments; lower kubelet max pods to ${after.maxPods} too, ` +
        'or pods are scheduled that cannot get an address.',
      effect: {
        ipsFreedPerNode: perNode,
        ipsFreed: perNode * input.nodeCount,
        maxPodsAfter: after.maxPods,
        settings: { MAX_ENI: String(enis) },
      },
    };
  }
  return null;
}

function prefixDelegation(context: Context): Recommendation | null {
  const { input } = context;
  if (input.cni.prefixDelegation || !input.prefixDelegationSupported) return null;
  const after = holdingsUnder(context, { ...input.cni, prefixDelegation: true });
  const blocksNeeded = after.prefixesHeld * (input.nodeCount + input.growthNodes);
  const free = freeBlocks(input.subnets);
  const blocksShort = free === null ? undefined : Math.max(0, blocksNeeded - free);
  const perSubnet = Math.ceil(blocksNeeded / Math.max(1, input.subnets.length));
  const length = reservationPrefixLength(perSubnet);
  return {
    kind: RecommendationKind.prefixDelegation,
    groupName: input.groupName,
    title: `Enable prefix delegation on ${input.groupName} with a /${length} prefix reservation per subnet`,
    detail:
      `Each node would hold ${after.prefixesHeld} /28 prefixes (max pods ${after.maxPods}); ` +
      `${blocksNeeded} free aligned /28 blocks are needed for ${input.nodeCount + input.growthNodes} nodes` +
      (free === null ? '.' : `, ${free} are free.`) +
      ` Reserve a /${length} of type prefix in each subnet (CreateSubnetCidrReservation) so single IPs cannot fragment it.`,
    effect: {
      blocksNeeded,
      freePrefixBlocks: free,
      ...(blocksShort === undefined ? {} : { blocksShort }),
      reservationPrefixLength: length,
      maxPodsAfter: after.maxPods,
      settings: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' },
    },
  };
}

function prefixReservation(context: Context): Recommendation | null {
  const { input, current } = context;
  if (!input.cni.prefixDelegation) return null;
  const threshold = input.fragmentationThreshold ?? 0.5;
  const fragmented = input.subnets.filter((subnet) => (subnet.fragmentationScore ?? 0) >= threshold);
  const blocksNeeded = current.prefixesHeld * input.growthNodes;
  const free = freeBlocks(input.subnets);
  const blocksShort = free === null ? 0 : Math.max(0, blocksNeeded - free);
  if (fragmented.length === 0 && blocksShort === 0) return null;
  const perSubnet = Math.ceil(blocksNeeded / Math.max(1, input.subnets.length));
  const length = reservationPrefixLength(perSubnet);
  const where =
    fragmented.length > 0 ? fragmented.map((subnet) => subnet.subnetId).join(', ') : 'each subnet';
  return {
    kind: RecommendationKind.prefixReservation,
    groupName: input.groupName,
    title: `Reserve a /${length} for prefixes in ${where}`,
    detail:
      `Growth by ${input.growthNodes} nodes needs ${blocksNeeded} free aligned /28 blocks` +
      (free === null ? '' : ` (${free} free)`) +
      '. Free single addresses scattered over /28 blocks cannot take a prefix (InsufficientCidrBlocks); a ' +
      'subnet CIDR reservation of type prefix keeps a range for prefixes only. It must cover space that is still free.',
    effect: { blocksNeeded, freePrefixBlocks: free, blocksShort, reservationPrefixLength: length },
  };
}

function customNetworking(context: Context, ipsShort: number): Recommendation | null {
  const { input, current } = context;
  if (input.cni.customNetworking || ipsShort <= 0) return null;
  const after = holdingsUnder(context, { ...input.cni, customNetworking: true });
  const perNode = current.nodeSubnetIps - after.nodeSubnetIps;
  if (perNode <= 0) return null;
  return {
    kind: RecommendationKind.customNetworking,
    groupName: input.groupName,
    title: `Move ${input.groupName} pod addresses to a secondary CIDR from ${SHARED_ADDRESS_SPACE}`,
    detail:
      `Add a secondary VPC CIDR from ${SHARED_ADDRESS_SPACE}, one subnet and ENIConfig per AZ, and set ` +
      `AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true. The node subnets then keep ${after.nodeSubnetIps} addresses per ` +
      `node instead of ${current.nodeSubnetIps}. The primary ENI no longer hosts pods: max pods becomes ${after.maxPods}. ` +
      'Nodes must be replaced to pick it up.',
    effect: {
      ipsFreedPerNode: perNode,
      ipsFreed: perNode * input.nodeCount,
      maxPodsAfter: after.maxPods,
      settings: {
        AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true',
        ENI_CONFIG_LABEL_DEF: 'topology.kubernetes.io/zone',
      },
    },
  };
}

function subnetCapacity(context: Context, ipsShort: number): Recommendation | null {
  const { input } = context;
  if (ipsShort <= 0) return null;
  const perAz = Math.ceil(ipsShort / Math.max(1, input.subnets.length));
  const length = subnetPrefixLengthFor(perAz);
  return {
    kind: RecommendationKind.subnetCapacity,
    groupName: input.groupName,
    title: `Add ${ipsShort} addresses to ${input.groupName}'s subnets: a /${length} per AZ`,
    detail:
      `Growing by ${input.growthNodes} nodes needs ${ipsShort} more addresses than the subnets have free. ` +
      `A /${length} per AZ (${2 ** (32 - length) - AWS_RESERVED_PER_SUBNET} usable each) covers it; ` +
      'tag new subnets kubernetes.io/role/cni=1 so subnet discovery uses them, or add them to the node group.',
    effect: { ipsShort, suggestedSubnetPrefixLength: length },
  };
}

/**
 * The recommendations that apply to one node group, each with its quantified effect, in a fixed order:
 * IP targets, MAX_ENI, prefix delegation, prefix reservation, custom networking, more subnet space.
 *
 * @example
 * recommend({
 *   groupName: 'ng-1', cni: DEFAULT_CNI_CONFIG, nodeCount: 20, podsPerNode: 12, growthNodes: 10,
 *   prefixDelegationSupported: true, holdings: (cni, pods) => nodeHoldings(m5large, cni, pods),
 *   subnets: [{ subnetId: 'subnet-a', freeIpCount: 150, freePrefixBlocks: 4, fragmentationScore: 0.7 }],
 * }).map((r) => [r.kind, r.effect.ipsFreed ?? r.effect.blocksNeeded ?? r.effect.ipsShort])
 * // [['warm-ip-target', 280], ['max-eni', 200], ['prefix-delegation', 60], ['custom-networking', 580],
 * //  ['subnet-capacity', 150]]
 */
export function recommend(input: RecommendationInput): Recommendation[] {
  requireCount('nodeCount', input.nodeCount);
  requireCount('growthNodes', input.growthNodes);
  if (!Number.isFinite(input.podsPerNode) || input.podsPerNode < 0) {
    throw new RecommendationInputError(`podsPerNode is ${input.podsPerNode} (expected a number >= 0)`);
  }
  const burst = input.burstPodsPerNode ?? 2;
  requireCount('burstPodsPerNode', burst);
  const pods = Math.ceil(input.podsPerNode);
  const partial = { input, pods, burst };
  const current = holdingsUnder({ ...partial, current: input.holdings(input.cni, 0) }, input.cni);
  const context: Context = { ...partial, current };

  const needed = input.growthNodes * addresses(current);
  const ipsShort = Math.max(0, needed - sum(input.subnets.map((subnet) => subnet.freeIpCount)));
  return [
    warmIpTarget(context),
    maxEni(context),
    prefixDelegation(context),
    prefixReservation(context),
    customNetworking(context, ipsShort),
    subnetCapacity(context, ipsShort),
  ].filter((recommendation): recommendation is Recommendation => recommendation !== null);
}
