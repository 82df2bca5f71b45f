/**
 * Pre-flight headroom of one scale-out: before a group goes from `fromNodes` to `toNodes`, where will the new
 * nodes land, what will they take from each subnet, what is short and how many fit. Pure.
 *
 * - Placement: a balanced Auto Scaling group puts each launch in the AZ with the fewest instances
 *   (`spreadNodesOverSubnets`; EC2 Auto Scaling user guide, "Availability Zone distribution"). When a launch
 *   fails in an AZ for lack of addresses, Auto Scaling tries the group's other AZs, so the nodes that fit are
 *   the sum of what fits in each AZ.
 * - Demand per node: what one node takes at boot or at its expected density under the cluster's CNI settings
 *   (`usageFromHoldings(nodeHoldings(…))`, DOMAIN.md §2): addresses in its own subnet, addresses and aligned /28
 *   blocks in its pod subnet (the ENIConfig subnet of its AZ under custom networking, else its own subnet).
 * - Supply: each subnet's free addresses and free aligned /28 blocks (DOMAIN.md §5), less the demand already in
 *   flight there (launching nodes, open stagger plans, other groups' bursts). A /28 prefix takes a whole free
 *   aligned block, and each block taken also removes 16 free addresses.
 */
import {
  type GroupSubnet,
  type NodeSubnetUsage,
  SubnetHeadroomError,
  spreadNodesOverSubnets,
} from './subnet-headroom.js';

/** Addresses in one /28 prefix. */
const IPS_PER_PREFIX = 16;

export interface PreflightSubnetCapacity {
  readonly subnetId: string;
  /** `AvailableIpAddressCount`. */
  readonly freeIpCount: number;
  /** Free aligned /28 blocks; null when unknown (then prefixes cannot be checked). */
  readonly freePrefixBlocks: number | null;
  /** Addresses other demand already claims here. */
  readonly inFlightIps?: number;
  /** /28 blocks other demand already claims here. */
  readonly inFlightPrefixBlocks?: number;
}

export interface PreflightInput {
  readonly groupName: string;
  readonly fromNodes: number;
  readonly toNodes: number;
  /** The group's subnets, one per AZ, with the instances there now and the pod subnet under custom networking. */
  readonly subnets: readonly GroupSubnet[];
  readonly perNode: NodeSubnetUsage;
  /** Every subnet named in `subnets` (node and pod subnets). */
  readonly capacities: readonly PreflightSubnetCapacity[];
}

export interface PreflightSubnetResult {
  readonly subnetId: string;
  /** New nodes whose addresses land here (as their node subnet, pod subnet, or both). */
  readonly newNodes: number;
  readonly demandIps: number;
  readonly demandPrefixBlocks: number;
  /** Free addresses less other in-flight demand. */
  readonly availableIps: number;
  readonly availablePrefixBlocks: number | null;
  readonly shortfallIps: number;
  /** Null when the free blocks are unknown and blocks are needed. */
  readonly shortfallPrefixBlocks: number | null;
  /** Nodes of this group this subnet alone can take. */
  readonly nodesThatFit: number;
}

export type PreflightDecision =
  | { readonly kind: 'no-growth'; readonly groupName: string }
  | {
      readonly kind: 'fits';
      readonly groupName: string;
      readonly newNodes: number;
      readonly subnets: readonly PreflightSubnetResult[];
    }
  | {
      /** The balanced placement is short in some AZ, but the other AZs take the rest (unbalanced). */
      readonly kind: 'fits-elsewhere';
      readonly groupName: string;
      readonly newNodes: number;
      readonly subnets: readonly PreflightSubnetResult[];
    }
  | {
      readonly kind: 'short';
      readonly groupName: string;
      readonly newNodes: number;
      /** New nodes that get addresses, AZ by AZ. */
      readonly nodesThatFit: number;
      readonly nodesShort: number;
      readonly subnets: readonly PreflightSubnetResult[];
    };

interface Supply {
  ips: number;
  blocks: number | null;
}

function requireCount(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new SubnetHeadroomError(`${field} is ${value} (expected an integer >= 0)`);
  }
}

/** Nodes the supply can take when each takes `ips` addresses and `blocks` /28 blocks from it. */
function nodesFitting(supply: Supply, ips: number, blocks: number): number {
  const byIps = ips > 0 ? Math.floor(Math.max(0, supply.ips - blocks * IPS_PER_PREFIX) / ips) : Infinity;
  const byBlocks =
    blocks > 0 ? (supply.blocks === null ? 0 : Math.floor(Math.max(0, supply.blocks) / blocks)) : Infinity;
  const fit = Math.min(byIps, byBlocks);
  return Number.isFinite(fit) ? fit : Number.MAX_SAFE_INTEGER;
}

/**
 * Per subnet: the demand of a scale-out, its shortfall and how many nodes fit; overall whether it fits.
 *
 * @example
 * preflightHeadroom({
 *   groupName: 'ng-1', fromNodes: 3, toNodes: 9,
 *   subnets: [{ subnetId: 'a', instanceCount: 1 }, { subnetId: 'b', instanceCount: 1 }, { subnetId: 'c', instanceCount: 1 }],
 *   perNode: { nodeSubnetIps: 1, podSubnetIps: 19, podSubnetPrefixes: 0 },
 *   capacities: [{ subnetId: 'a', freeIpCount: 100, freePrefixBlocks: 6 }, { subnetId: 'b', freeIpCount: 30, freePrefixBlocks: 1 },
 *                { subnetId: 'c', freeIpCount: 100, freePrefixBlocks: 6 }],
 * })
 * // { kind: 'fits-elsewhere', newNodes: 6, subnets: [… b: demandIps 40, shortfallIps 10, nodesThatFit 1 …] }
 */
export function preflightHeadroom(input: PreflightInput): PreflightDecision {
  requireCount('fromNodes', input.fromNodes);
  requireCount('toNodes', input.toNodes);
  const newNodes = input.toNodes - input.fromNodes;
  if (newNodes <= 0) return { kind: 'no-growth', groupName: input.groupName };
  const capacityById = new Map(input.capacities.map((c) => [c.subnetId, c]));
  const supply = (subnetId: string): Supply => {
    const capacity = capacityById.get(subnetId);
    if (capacity === undefined) {
      throw new SubnetHeadroomError(
        `capacities has no entry for ${subnetId} (a subnet of ${input.groupName})`,
      );
    }
    return {
      ips: capacity.freeIpCount - (capacity.inFlightIps ?? 0),
      blocks:
        capacity.freePrefixBlocks === null
          ? null
          : capacity.freePrefixBlocks - (capacity.inFlightPrefixBlocks ?? 0),
    };
  };
  const { nodeSubnetIps, podSubnetIps, podSubnetPrefixes } = input.perNode;
  const placed = spreadNodesOverSubnets(newNodes, input.subnets);

  // Demand per subnet, and per AZ the nodes its node and pod subnets can both take.
  const demand = new Map<string, { nodes: number; ips: number; blocks: number }>();
  const add = (subnetId: string, nodes: number, ips: number, blocks: number) => {
    const current = demand.get(subnetId) ?? { nodes: 0, ips: 0, blocks: 0 };
    demand.set(subnetId, {
      nodes: current.nodes + nodes,
      ips: current.ips + ips,
      blocks: current.blocks + blocks,
    });
  };
  let nodesThatFit = 0;
  input.subnets.forEach((subnet, index) => {
    const nodes = placed[index] ?? 0;
    const podSubnetId = subnet.podSubnetId ?? subnet.subnetId;
    if (podSubnetId === subnet.subnetId) {
      add(subnet.subnetId, nodes, nodes * (nodeSubnetIps + podSubnetIps), nodes * podSubnetPrefixes);
      nodesThatFit += nodesFitting(supply(subnet.subnetId), nodeSubnetIps + podSubnetIps, podSubnetPrefixes);
    } else {
      add(subnet.subnetId, nodes, nodes * nodeSubnetIps, 0);
      add(podSubnetId, nodes, nodes * podSubnetIps, nodes * podSubnetPrefixes);
      nodesThatFit += Math.min(
        nodesFitting(supply(subnet.subnetId), nodeSubnetIps, 0),
        nodesFitting(supply(podSubnetId), podSubnetIps, podSubnetPrefixes),
      );
    }
  });

  const subnets: PreflightSubnetResult[] = [...demand].map(([subnetId, d]) => {
    const available = supply(subnetId);
    const ipsPerNode = d.nodes === 0 ? 0 : d.ips / d.nodes;
    const blocksPerNode = d.nodes === 0 ? 0 : d.blocks / d.nodes;
    const shortfallBlocks =
      d.blocks === 0 ? 0 : available.blocks === null ? null : Math.max(0, d.blocks - available.blocks);
    return {
      subnetId,
      newNodes: d.nodes,
      demandIps: d.ips,
      demandPrefixBlocks: d.blocks,
      availableIps: available.ips,
      availablePrefixBlocks: available.blocks,
      shortfallIps: Math.max(0, d.ips + d.blocks * IPS_PER_PREFIX - available.ips),
      shortfallPrefixBlocks: shortfallBlocks,
      nodesThatFit: Math.min(nodesFitting(available, ipsPerNode, blocksPerNode), Number.MAX_SAFE_INTEGER),
    };
  });
  const short = subnets.some((s) => s.shortfallIps > 0 || s.shortfallPrefixBlocks !== 0);
  if (!short) return { kind: 'fits', groupName: input.groupName, newNodes, subnets };
  const fit = Math.min(newNodes, nodesThatFit);
  if (fit === newNodes) return { kind: 'fits-elsewhere', groupName: input.groupName, newNodes, subnets };
  return {
    kind: 'short',
    groupName: input.groupName,
    newNodes,
    nodesThatFit: fit,
    nodesShort: newNodes - fit,
    subnets,
  };
}
