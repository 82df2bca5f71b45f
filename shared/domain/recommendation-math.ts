/**
 * Arithmetic shared by the recommendations (recommendations.ts). Pure. Sources: DOMAIN.md §1 (host-network
 * pods, the EKS AMI max-pods caps), §5 (5 addresses AWS keeps per subnet, subnet sizes /16 to /28).
 */
import type { MaxPodsCap } from './cni-capacity.js';
import type { CniConfig } from './cni-config.js';
import type { HoldingsLike, RecommendationGroup } from './recommendation-model.js';
import { MAX_SUBNET_PREFIX_LENGTH, MIN_SUBNET_PREFIX_LENGTH } from './subnet-address-map.js';

/** Host-network pods (aws-node, kube-proxy) counted in max pods but given no address (DOMAIN.md §1). */
export const HOST_NETWORK_PODS = 2;
/** AWS keeps 5 addresses of every subnet (DOMAIN.md §5). */
export const AWS_RESERVED_PER_SUBNET = 5;

/** One group with its observed pods and what a node holds now. */
export interface GroupContext {
  readonly group: RecommendationGroup;
  readonly pods: number;
  readonly current: HoldingsLike;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function addresses(holdings: HoldingsLike): number {
  return holdings.nodeSubnetIps + holdings.podSubnetIps;
}

/**
 * The kubelet max-pods policy a node runs with after a change: the group's own cap, or for a group on the
 * uncapped formula the EKS AMI's (`max-pods-calculator.sh`: 110 up to 30 vCPUs, else 250), never the raw
 * formula (898 for a c5.xlarge with prefixes).
 *
 * @example
 * kubeletCap('none') // 'mng'
 */
export function kubeletCap(cap: MaxPodsCap): MaxPodsCap {
  return cap === 'none' ? 'mng' : cap;
}

/**
 * Holdings under `cni` for the observed pods, clamped to what that configuration can host.
 *
 * @example
 * holdingsUnder({ group, pods: 40, current }, DEFAULT_CNI_CONFIG, 'none') // holdings at 27 pods on an m5.large
 */
export function holdingsUnder(
  context: Pick<GroupContext, 'group' | 'pods'>,
  cni: CniConfig,
  cap: MaxPodsCap,
): HoldingsLike {
  const empty = context.group.holdings(cni, 0, cap);
  const pods = Math.min(context.pods, Math.max(0, empty.maxPods - HOST_NETWORK_PODS));
  return context.group.holdings(cni, pods, cap);
}

/**
 * Nodes the group's subnets can take at `perNode` addresses each: now, and once `freed` more are free.
 *
 * @example
 * headroomNodes(context, 140, 13) // { before: 7, after: 22 } with 150 free addresses at 20 per node now
 */
export function headroomNodes(
  context: GroupContext,
  freed: number,
  perNodeAfter: number,
): { before: number; after: number } {
  const free = sum(context.group.subnets.map((s) => s.freeIpCount));
  return {
    before: Math.floor(free / Math.max(1, addresses(context.current))),
    after: Math.floor((free + freed) / Math.max(1, perNodeAfter)),
  };
}

/**
 * Smallest subnet whose usable addresses cover `ips`, within EC2's /16–/28.
 *
 * @example
 * subnetPrefixLengthFor(100) // 25
 */
export function subnetPrefixLengthFor(ips: number): number {
  for (let length = MAX_SUBNET_PREFIX_LENGTH; length >= MIN_SUBNET_PREFIX_LENGTH; length--) {
    if (2 ** (32 - length) - AWS_RESERVED_PER_SUBNET >= ips) return length;
  }
  return MIN_SUBNET_PREFIX_LENGTH;
}
