/**
 * Subnet headroom net of in-flight demand, and node-group headroom in nodes. Pure.
 *
 * In-flight demand: addresses that nodes already asked for but not yet booted will take. EC2's
 * `AvailableIpAddressCount` does not see them yet (Karpenter subtracts the same in-flight IPs:
 * aws/karpenter-provider-aws `pkg/providers/subnet/subnet.go`). What one node takes at boot and at full
 * density comes from the capacity model (`cni-capacity.ts`) as plain numbers, so this module does not
 * depend on it: see {@link NodeSubnetUsage}.
 *
 * Sources: DOMAIN.md §2 (custom networking: pod IPs from the ENIConfig subnet), §5 (aligned /28 blocks);
 * EC2 Auto Scaling User Guide, "Auto Scaling group Availability Zone distribution" (balanced: launch where
 * the group has the fewest instances).
 */
import { PREFIX_BLOCK_SIZE } from './subnet-address-map.js';

/** What one node takes from its subnets, as computed by the capacity model for a given pod count. */
export interface NodeSubnetUsage {
  /** Addresses in the node's own subnet (the primary ENI and, without custom networking, nothing else). */
  readonly nodeSubnetIps: number;
  /**
   * Single addresses in the pod subnet: the ENIConfig subnet of the node's AZ under custom networking, else
   * the node subnet itself. Includes the primary IPs of secondary ENIs.
   */
  readonly podSubnetIps: number;
  /** /28 prefixes in the pod subnet (prefix delegation); 0 in secondary-IP mode. */
  readonly podSubnetPrefixes: number;
}

/** One subnet of a node group, as the group sees it. */
export interface GroupSubnet {
  readonly subnetId: string;
  /** The group's instances in this subnet now (in service or launching). */
  readonly instanceCount: number;
  /** ENIConfig subnet for this subnet's AZ under custom networking; absent means pods use `subnetId`. */
  readonly podSubnetId?: string;
}

/** A node group with nodes on the way: desired − in service, open stagger plans, planned update surge. */
export interface PendingGroup {
  readonly groupName: string;
  readonly pendingNodes: number;
  readonly subnets: readonly GroupSubnet[];
  /** What each pending node takes at boot. */
  readonly perNode: NodeSubnetUsage;
}

export interface SubnetDemand {
  /** Single addresses. */
  readonly ips: number;
  /** /28 prefixes. */
  readonly prefixes: number;
  /** Pending nodes whose node subnet this is. */
  readonly pendingNodes: number;
}

/** What a subnet has left, from EC2 and (for prefixes) the subnet address map. */
export interface SubnetCapacity {
  readonly subnetId: string;
  /** `DescribeSubnets.AvailableIpAddressCount`: free addresses outside every CIDR reservation. */
  readonly availableIpCount: number;
  /** Free aligned /28 blocks (`mapSubnetAddresses`); null when the address map was not built. */
  readonly freePrefixBlocks: number | null;
  /** The part of `freePrefixBlocks` inside `prefix` reservations, invisible to `availableIpCount`. */
  readonly freePrefixBlocksInPrefixReservations?: number;
}

export interface SubnetHeadroom {
  readonly subnetId: string;
  readonly availableIpCount: number;
  /** Addresses in-flight demand will remove from `availableIpCount`. */
  readonly inFlightIps: number;
  readonly inFlightPrefixes: number;
  readonly pendingNodes: number;
  /** `availableIpCount − inFlightIps`; negative means pending nodes will already fail. */
  readonly headroomIps: number;
  readonly freePrefixBlocks: number | null;
  /** `freePrefixBlocks − inFlightPrefixes`; null when `freePrefixBlocks` is unknown. */
  readonly prefixBlocksHeadroom: number | null;
}

export class SubnetHeadroomError extends Error {
  override readonly name = 'SubnetHeadroomError';
}

const NO_DEMAND: SubnetDemand = Object.freeze({ ips: 0, prefixes: 0, pendingNodes: 0 });

function requireCount(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new SubnetHeadroomError(`${field} is ${value} (expected an integer >= 0)`);
  }
}

function requireUsage(field: string, usage: NodeSubnetUsage): void {
  requireCount(`${field}.podSubnetIps`, usage.podSubnetIps);
  requireCount(`${field}.podSubnetPrefixes`, usage.podSubnetPrefixes);
  // A node always takes at least its own primary address; zero would make "nodes until full" unbounded.
  if (!Number.isInteger(usage.nodeSubnetIps) || usage.nodeSubnetIps < 1) {
    throw new SubnetHeadroomError(
      `${field}.nodeSubnetIps is ${usage.nodeSubnetIps} (expected an integer >= 1)`,
    );
  }
}

function requireSubnets(field: string, subnets: readonly GroupSubnet[]): void {
  if (subnets.length === 0) throw new SubnetHeadroomError(`${field} is empty (expected at least one subnet)`);
  subnets.forEach((subnet, index) => {
    requireCount(`${field}[${index}].instanceCount`, subnet.instanceCount);
  });
}

function indexOfFewest(counts: readonly number[]): number {
  let best = 0;
  for (let index = 1; index < counts.length; index++) {
    if ((counts[index] ?? 0) < (counts[best] ?? 0)) best = index;
  }
  return best;
}

/**
 * Places `nodeCount` new nodes over a group's subnets the way a balanced Auto Scaling group does: each
 * launch goes to the subnet (AZ) with the fewest instances; ties go to the earlier subnet in the list.
 * From equal counts this is an even split with the remainder on the first subnets.
 *
 * @returns new nodes per subnet, in the order of `subnets`.
 * @example
 * spreadNodesOverSubnets(5, [
 *   { subnetId: 'subnet-a', instanceCount: 4 },
 *   { subnetId: 'subnet-b', instanceCount: 2 },
 *   { subnetId: 'subnet-c', instanceCount: 3 },
 * ]) // [1, 3, 1]
 */
export function spreadNodesOverSubnets(nodeCount: number, subnets: readonly GroupSubnet[]): number[] {
  requireCount('nodeCount', nodeCount);
  requireSubnets('subnets', subnets);
  const counts = subnets.map((subnet) => subnet.instanceCount);
  const added = subnets.map(() => 0);
  for (let node = 0; node < nodeCount; node++) {
    const index = indexOfFewest(counts);
    counts[index] = (counts[index] ?? 0) + 1;
    added[index] = (added[index] ?? 0) + 1;
  }
  return added;
}

function addDemand(
  demand: Map<string, SubnetDemand>,
  subnetId: string,
  ips: number,
  prefixes: number,
  pendingNodes: number,
) {
  const current = demand.get(subnetId) ?? NO_DEMAND;
  demand.set(subnetId, {
    ips: current.ips + ips,
    prefixes: current.prefixes + prefixes,
    pendingNodes: current.pendingNodes + pendingNodes,
  });
}

/**
 * Sums what every group's pending nodes will take at boot, per subnet: node addresses in the subnet each
 * node lands in (spread as Auto Scaling balances AZs), pod addresses and prefixes in that subnet's pod
 * subnet (the ENIConfig subnet under custom networking).
 *
 * @example
 * inFlightDemandBySubnet([{
 *   groupName: 'ng-1', pendingNodes: 3,
 *   subnets: [{ subnetId: 'subnet-a', instanceCount: 1 }, { subnetId: 'subnet-b', instanceCount: 1 }],
 *   perNode: { nodeSubnetIps: 1, podSubnetIps: 19, podSubnetPrefixes: 0 },
 * }]).get('subnet-a') // { ips: 40, prefixes: 0, pendingNodes: 2 }
 */
export function inFlightDemandBySubnet(groups: readonly PendingGroup[]): Map<string, SubnetDemand> {
  const demand = new Map<string, SubnetDemand>();
  groups.forEach((group, groupIndex) => {
    const field = `groups[${groupIndex}]`;
    requireCount(`${field}.pendingNodes`, group.pendingNodes);
    requireUsage(`${field}.perNode`, group.perNode);
    const placed = spreadNodesOverSubnets(group.pendingNodes, group.subnets);
    group.subnets.forEach((subnet, index) => {
      const nodes = placed[index] ?? 0;
      if (nodes === 0) return;
      const podSubnetId = subnet.podSubnetId ?? subnet.subnetId;
      addDemand(demand, subnet.subnetId, nodes * group.perNode.nodeSubnetIps, 0, nodes);
      addDemand(
        demand,
        podSubnetId,
        nodes * group.perNode.podSubnetIps,
        nodes * group.perNode.podSubnetPrefixes,
        0,
      );
    });
  });
  return demand;
}

/**
 * Headroom of one subnet after in-flight demand.
 *
 * Prefixes are served first from free blocks inside `prefix` reservations, which `availableIpCount` never
 * counted; only the rest (16 addresses each) come out of `availableIpCount`. Single addresses placed by
 * EC2 inside a free /28 can still break that block: `prefixBlocksHeadroom` does not foresee it.
 *
 * @example
 * subnetHeadroom(
 *   { subnetId: 'subnet-a', availableIpCount: 100, freePrefixBlocks: 6, freePrefixBlocksInPrefixReservations: 2 },
 *   { ips: 4, prefixes: 3, pendingNodes: 2 },
 * ) // headroomIps 100 − 4 − 16 × (3 − 2) = 80, prefixBlocksHeadroom 3
 */
export function subnetHeadroom(capacity: SubnetCapacity, demand: SubnetDemand = NO_DEMAND): SubnetHeadroom {
  const inPrefixReservations = capacity.freePrefixBlocksInPrefixReservations ?? 0;
  const prefixesOutsideReservations = Math.max(0, demand.prefixes - inPrefixReservations);
  const inFlightIps = demand.ips + PREFIX_BLOCK_SIZE * prefixesOutsideReservations;
  return {
    subnetId: capacity.subnetId,
    availableIpCount: capacity.availableIpCount,
    inFlightIps,
    inFlightPrefixes: demand.prefixes,
    pendingNodes: demand.pendingNodes,
    headroomIps: capacity.availableIpCount - inFlightIps,
    freePrefixBlocks: capacity.freePrefixBlocks,
    prefixBlocksHeadroom:
      capacity.freePrefixBlocks === null ? null : capacity.freePrefixBlocks - demand.prefixes,
  };
}

/**
 * Headroom of every subnet in `capacities` after the in-flight demand of `groups`.
 *
 * @example
 * subnetHeadrooms([{ subnetId: 'subnet-a', availableIpCount: 50, freePrefixBlocks: null }], [])
 * // [{ subnetId: 'subnet-a', headroomIps: 50, inFlightIps: 0, ... }]
 */
export function subnetHeadrooms(
  capacities: readonly SubnetCapacity[],
  groups: readonly PendingGroup[],
): SubnetHeadroom[] {
  const demand = inFlightDemandBySubnet(groups);
  return capacities.map((capacity) => subnetHeadroom(capacity, demand.get(capacity.subnetId)));
}

export const HeadroomLimit = {
  ips: 'ips',
  prefixBlocks: 'prefix-blocks',
  searchCap: 'search-cap',
} as const;
export type HeadroomLimit = (typeof HeadroomLimit)[keyof typeof HeadroomLimit];

export interface GroupLimit {
  /** Nodes the group can still add. */
  readonly nodes: number;
  /** The subnet that runs out first, or null when the search cap was reached. */
  readonly limitingSubnetId: string | null;
  readonly limitedBy: HeadroomLimit;
}

export interface NodeGroupHeadroom {
  readonly groupName: string;
  /** Nodes that can boot (each holding its boot-time addresses) before a subnet runs out. */
  readonly atBoot: GroupLimit;
  /** Nodes that can be added and filled to full density before a subnet runs out. */
  readonly atFullDensity: GroupLimit & { readonly pods: number };
}

export interface NodeGroupHeadroomInput {
  readonly groupName: string;
  /** The group's subnets with the instances they hold now (pending nodes not included). */
  readonly subnets: readonly GroupSubnet[];
  /** This group's pending nodes; their demand must already be inside `inFlight`. */
  readonly pendingNodes: number;
  readonly capacities: readonly SubnetCapacity[];
  /** Every group's in-flight demand per subnet (`inFlightDemandBySubnet`). */
  readonly inFlight: ReadonlyMap<string, SubnetDemand>;
  readonly perNodeAtBoot: NodeSubnetUsage;
  readonly perNodeAtFullDensity: NodeSubnetUsage;
  /** Pods one node runs at full density (kubelet max pods less what the capacity model reserves). */
  readonly podsPerNodeAtFullDensity: number;
  /** Stop counting here (default 100,000): keeps the search bounded on very large subnets. */
  readonly maxNodes?: number;
}

const DEFAULT_MAX_NODES = 100_000;

interface Exhaustion {
  readonly subnetId: string;
  readonly limitedBy: HeadroomLimit;
}

function firstExhausted(
  subnetIds: readonly string[],
  capacities: ReadonlyMap<string, SubnetCapacity>,
  demand: ReadonlyMap<string, SubnetDemand>,
): Exhaustion | null {
  for (const subnetId of subnetIds) {
    const capacity = capacities.get(subnetId);
    if (capacity === undefined) continue;
    const headroom = subnetHeadroom(capacity, demand.get(subnetId));
    if (headroom.headroomIps < 0) return { subnetId, limitedBy: HeadroomLimit.ips };
    if (headroom.prefixBlocksHeadroom !== null && headroom.prefixBlocksHeadroom < 0) {
      return { subnetId, limitedBy: HeadroomLimit.prefixBlocks };
    }
  }
  return null;
}

function countNodesUntilFull(input: NodeGroupHeadroomInput, perNode: NodeSubnetUsage): GroupLimit {
  const capacities = new Map(input.capacities.map((capacity) => [capacity.subnetId, capacity]));
  const involved = [
    ...new Set(input.subnets.flatMap((subnet) => [subnet.subnetId, subnet.podSubnetId ?? subnet.subnetId])),
  ];
  for (const subnetId of involved) {
    if (!capacities.has(subnetId)) {
      throw new SubnetHeadroomError(
        `subnet '${subnetId}' of group '${input.groupName}' has no capacity (expected an entry in capacities)`,
      );
    }
  }
  const demand = new Map(input.inFlight);
  const already = firstExhausted(involved, capacities, demand);
  if (already !== null) return { nodes: 0, ...toLimit(already) };

  const pending = spreadNodesOverSubnets(input.pendingNodes, input.subnets);
  const counts = input.subnets.map((subnet, index) => subnet.instanceCount + (pending[index] ?? 0));
  const maxNodes = input.maxNodes ?? DEFAULT_MAX_NODES;
  for (let nodes = 0; nodes < maxNodes; nodes++) {
    const index = indexOfFewest(counts);
    const subnet = input.subnets[index];
    if (subnet === undefined) break;
    counts[index] = (counts[index] ?? 0) + 1;
    const podSubnetId = subnet.podSubnetId ?? subnet.subnetId;
    addDemand(demand, subnet.subnetId, perNode.nodeSubnetIps, 0, 1);
    addDemand(demand, podSubnetId, perNode.podSubnetIps, perNode.podSubnetPrefixes, 0);
    const exhausted = firstExhausted([subnet.subnetId, podSubnetId], capacities, demand);
    if (exhausted !== null) return { nodes, ...toLimit(exhausted) };
  }
  return { nodes: maxNodes, limitingSubnetId: null, limitedBy: HeadroomLimit.searchCap };
}

function toLimit(exhaustion: Exhaustion): Omit<GroupLimit, 'nodes'> {
  return { limitingSubnetId: exhaustion.subnetId, limitedBy: exhaustion.limitedBy };
}

/**
 * How many more nodes a group can add, after every pending node, before any of its subnets (node or pod
 * subnet) runs out of addresses or, in prefix mode, of free aligned /28 blocks. New nodes are placed one
 * by one as a balanced Auto Scaling group would; the count stops at the first node that does not fit.
 * Counted twice: with what a node takes at boot, and with what it takes at full density.
 *
 * @example
 * nodeGroupHeadroom({
 *   groupName: 'ng-1', pendingNodes: 0, inFlight: new Map(),
 *   subnets: [{ subnetId: 'subnet-a', instanceCount: 0 }],
 *   capacities: [{ subnetId: 'subnet-a', availableIpCount: 100, freePrefixBlocks: null }],
 *   perNodeAtBoot: { nodeSubnetIps: 1, podSubnetIps: 19, podSubnetPrefixes: 0 },
 *   perNodeAtFullDensity: { nodeSubnetIps: 1, podSubnetIps: 29, podSubnetPrefixes: 0 },
 *   podsPerNodeAtFullDensity: 27,
 * }) // atBoot.nodes 5, atFullDensity { nodes: 3, pods: 81, limitingSubnetId: 'subnet-a' }
 */
export function nodeGroupHeadroom(input: NodeGroupHeadroomInput): NodeGroupHeadroom {
  requireSubnets('subnets', input.subnets);
  requireCount('pendingNodes', input.pendingNodes);
  requireCount('podsPerNodeAtFullDensity', input.podsPerNodeAtFullDensity);
  requireUsage('perNodeAtBoot', input.perNodeAtBoot);
  requireUsage('perNodeAtFullDensity', input.perNodeAtFullDensity);
  if (input.maxNodes !== undefined) requireCount('maxNodes', input.maxNodes);
  const atBoot = countNodesUntilFull(input, input.perNodeAtBoot);
  const atFullDensity = countNodesUntilFull(input, input.perNodeAtFullDensity);
  return {
    groupName: input.groupName,
    atBoot,
    atFullDensity: { ...atFullDensity, pods: atFullDensity.nodes * input.podsPerNodeAtFullDensity },
  };
}

/**
 * Converts the capacity model's per-node holdings (`NodeHoldings` in cni-capacity.ts, whose subnet counts
 * include prefixes as 16 addresses each) into what this module counts: single addresses per subnet and
 * prefixes apart, since a prefix needs a free aligned /28 rather than any 16 addresses.
 *
 * @example
 * usageFromHoldings({ nodeSubnetIps: 33, podSubnetIps: 0, prefixesHeld: 2 }, false)
 * // { nodeSubnetIps: 1, podSubnetIps: 0, podSubnetPrefixes: 2 }
 */
export function usageFromHoldings(
  holdings: { readonly nodeSubnetIps: number; readonly podSubnetIps: number; readonly prefixesHeld: number },
  customNetworking: boolean,
): NodeSubnetUsage {
  const prefixIps = PREFIX_BLOCK_SIZE * holdings.prefixesHeld;
  return customNetworking
    ? {
        nodeSubnetIps: holdings.nodeSubnetIps,
        podSubnetIps: holdings.podSubnetIps - prefixIps,
        podSubnetPrefixes: holdings.prefixesHeld,
      }
    : {
        nodeSubnetIps: holdings.nodeSubnetIps - prefixIps,
        podSubnetIps: holdings.podSubnetIps,
        podSubnetPrefixes: holdings.prefixesHeld,
      };
}
