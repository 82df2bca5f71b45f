/**
 * The VPC CNI recommendations of one cluster (recommendations.ts): IP targets, MAX_ENI, prefix delegation,
 * custom networking. Each is one change of the cluster's CNI settings, sized over every group. Pure. Sources
 * as in recommendations.ts.
 */
import { cniChange } from './cni-change.js';
import type { PrefixReservationPlan } from './prefix-reservation-plan.js';
import { planPrefixReservation } from './prefix-reservation-plan.js';
import {
  addresses,
  type GroupContext,
  HOST_NETWORK_PODS,
  headroomNodes,
  holdingsUnder,
  kubeletCap,
  sum,
} from './recommendation-math.js';
import {
  type ClusterRecommendationInput,
  type HeadroomChange,
  type HoldingsLike,
  type Recommendation,
  RecommendationKind,
  type RecommendationSubnet,
} from './recommendation-model.js';

/** RFC 6598 shared address space: routable inside the VPC, unlikely to clash with corporate ranges. */
const SHARED_ADDRESS_SPACE = '100.64.0.0/10';

export interface Context {
  readonly input: ClusterRecommendationInput;
  readonly groups: readonly GroupContext[];
  readonly burst: number;
}

/** `Headroom: ng-1 33 → 80 nodes, …` from an effect's per-group headroom. */
export function headroomSentence(headroom: Readonly<Record<string, HeadroomChange>>): string {
  const parts = Object.entries(headroom).map(([name, h]) => `${name} ${h.before} → ${h.after} nodes`);
  return parts.length === 0 ? '' : ` Headroom: ${parts.join(', ')}.`;
}

export function clusterLabel(input: ClusterRecommendationInput): string {
  return input.clusterName ?? input.groups.map((g) => g.groupName).join(', ');
}

function kubeletLines(
  groups: readonly GroupContext[],
  maxPodsAfter: Readonly<Record<string, number>>,
): string[] {
  return groups
    .filter((g) => maxPodsAfter[g.group.groupName] !== undefined)
    .map(
      (g) =>
        `${g.group.groupName}: kubelet max pods ${maxPodsAfter[g.group.groupName]} (${g.group.kubeletSetting}); replace its nodes`,
    );
}

export function warmIpTarget(context: Context): Recommendation | null {
  const { input, groups, burst } = context;
  if (input.cni.prefixDelegation || input.cni.warmIpTarget > 0 || input.cni.minimumIpTarget > 0) return null;
  const minimum = Math.max(1, Math.min(...groups.map((g) => g.pods)));
  const cni = { ...input.cni, warmIpTarget: burst, minimumIpTarget: minimum };
  const settings = { WARM_IP_TARGET: String(burst), MINIMUM_IP_TARGET: String(minimum) };
  const perNode: Record<string, number> = {};
  const headroom: Record<string, HeadroomChange> = {};
  let freed = 0;
  for (const g of groups) {
    const after = holdingsUnder(g, cni, g.group.maxPodsCap);
    const saved = Math.max(0, addresses(g.current) - addresses(after));
    perNode[g.group.groupName] = saved;
    freed += saved * g.group.nodeCount;
    headroom[g.group.groupName] = headroomNodes(g, saved * g.group.nodeCount, addresses(after));
  }
  if (freed <= 0) return null;
  const change = cniChange(input.cniSource, settings);
  return {
    kind: RecommendationKind.warmIpTarget,
    clusterName: input.clusterName,
    groupNames: groups.map((g) => g.group.groupName),
    title: `Set WARM_IP_TARGET=${burst} and MINIMUM_IP_TARGET=${minimum} on ${change.target}`,
    detail:
      `WARM_ENI_TARGET=${input.cni.warmEniTarget} keeps whole spare ENIs on every node; IP targets keep the pods ` +
      `plus ${burst} and at least ${minimum} (the least dense group's pods). Frees ${freed} addresses on the ` +
      `current nodes (${Object.entries(perNode)
        .map(([name, n]) => `${name}: ${n} per node`)
        .join(', ')}). Pods beyond the minimum then cost one AssignPrivateIpAddresses call each.` +
      headroomSentence(headroom),
    apply: [change.command],
    effect: { ipsFreed: freed, ipsFreedPerNode: perNode, settings, headroomNodes: headroom },
  };
}

export function maxEni(context: Context): Recommendation | null {
  const { input, groups, burst } = context;
  if (input.cni.prefixDelegation) return null;
  for (let enis = 1; enis <= 16; enis++) {
    if (input.cni.maxEni !== null && enis >= input.cni.maxEni) return null;
    const cni = { ...input.cni, maxEni: enis };
    const afters = groups.map((g) => {
      try {
        return holdingsUnder(g, cni, g.group.maxPodsCap);
      } catch {
        return null;
      }
    });
    const fits = afters.every(
      (after, i) => after !== null && after.maxPods - HOST_NETWORK_PODS >= (groups[i]?.pods ?? 0) + burst,
    );
    if (!fits) continue;
    const perNode: Record<string, number> = {};
    const maxPodsAfter: Record<string, number> = {};
    const headroom: Record<string, HeadroomChange> = {};
    let freed = 0;
    groups.forEach((g, i) => {
      const after = afters[i] as HoldingsLike;
      const saved = Math.max(0, addresses(g.current) - addresses(after));
      perNode[g.group.groupName] = saved;
      freed += saved * g.group.nodeCount;
      if (after.maxPods < g.current.maxPods) maxPodsAfter[g.group.groupName] = after.maxPods;
      headroom[g.group.groupName] = headroomNodes(g, saved * g.group.nodeCount, addresses(after));
    });
    if (freed <= 0) return null;
    const change = cniChange(input.cniSource, { MAX_ENI: String(enis) });
    return {
      kind: RecommendationKind.maxEni,
      clusterName: input.clusterName,
      groupNames: groups.map((g) => g.group.groupName),
      title: `Set MAX_ENI=${enis} on ${change.target}`,
      detail:
        `Every group's observed pods plus ${burst} spare fit on ${enis} ENIs per node. Capping ENIs frees ` +
        `${freed} addresses on the current nodes and saves ENI attachments. Kubelet max pods must come down with ` +
        'it, or pods are scheduled that cannot get an address.' +
        headroomSentence(headroom),
      apply: [change.command, ...kubeletLines(groups, maxPodsAfter)],
      effect: {
        ipsFreed: freed,
        ipsFreedPerNode: perNode,
        maxPodsAfter,
        settings: { MAX_ENI: String(enis) },
        headroomNodes: headroom,
      },
    };
  }
  return null;
}

export function prefixDelegation(context: Context): Recommendation | null {
  const { input } = context;
  if (input.cni.prefixDelegation) return null;
  const groups = context.groups.filter((g) => g.group.prefixDelegationSupported);
  if (groups.length === 0) return null;
  const cni = { ...input.cni, prefixDelegation: true };
  const need = new Map<GroupContext, number>();
  const maxPodsAfter: Record<string, number> = {};
  const headroom: Record<string, HeadroomChange> = {};
  for (const g of groups) {
    const after = holdingsUnder(g, cni, kubeletCap(g.group.maxPodsCap));
    need.set(g, after.prefixesHeld * (g.group.nodeCount + g.group.growthNodes));
    maxPodsAfter[g.group.groupName] = after.maxPods;
    const free = sum(g.group.subnets.map((s) => s.freePrefixBlocks ?? 0));
    headroom[g.group.groupName] = {
      before: headroomNodes(g, 0, addresses(g.current)).before,
      // New nodes that fit in the free /28 blocks there are now (replaced nodes give their single IPs back).
      after: Math.floor(free / Math.max(1, after.prefixesHeld)),
    };
  }
  const blocksNeeded = sum([...need.values()]);
  const subnets = [...subnetsOf(groups).values()];
  const free = subnets.some((s) => s.freePrefixBlocks === null)
    ? null
    : sum(subnets.map((s) => s.freePrefixBlocks ?? 0));
  const reserve = plans(
    groups,
    blocksPerSubnet(groups, (g) => need.get(g) ?? 0),
  ).filter((p) => p.kind === 'reserve');
  const settings = { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' };
  const change = cniChange(input.cniSource, settings);
  const left = context.groups.filter((g) => !g.group.prefixDelegationSupported).map((g) => g.group.groupName);
  return {
    kind: RecommendationKind.prefixDelegation,
    clusterName: input.clusterName,
    groupNames: groups.map((g) => g.group.groupName),
    title: `Enable prefix delegation on ${change.target}`,
    detail:
      `Nodes then take /28 prefixes: ${blocksNeeded} free aligned /28 blocks are needed for the current nodes and ` +
      `their growth${free === null ? '' : `, ${free} are free`}. Kubelet max pods after: ${Object.entries(
        maxPodsAfter,
      )
        .map(([name, n]) => `${name} ${n}`)
        .join(
          ', ',
        )} (capped at 110 up to 30 vCPUs, else 250). Reserve the ranges below for prefixes so single ` +
      'IPs cannot fragment them. Only new ENIs take prefixes: replace the nodes.' +
      (left.length > 0 ? ` Not Nitro, stays on secondary IPs: ${left.join(', ')}.` : '') +
      headroomSentence(headroom),
    apply: [
      ...reserve.map((p) => (p.kind === 'reserve' ? p.command : '')),
      change.command,
      ...kubeletLines(groups, maxPodsAfter),
    ],
    effect: {
      blocksNeeded,
      freePrefixBlocks: free,
      ...(free === null ? {} : { blocksShort: Math.max(0, blocksNeeded - free) }),
      reservations: reserve.flatMap((p) =>
        p.kind === 'reserve' ? [{ subnetId: p.subnetId, cidr: p.cidr, blocks: p.blocks }] : [],
      ),
      maxPodsAfter,
      settings,
      headroomNodes: headroom,
    },
  };
}

export function customNetworking(
  context: Context,
  shortGroups: readonly GroupContext[],
): Recommendation | null {
  const { input, groups } = context;
  if (input.cni.customNetworking || shortGroups.length === 0) return null;
  const cni = { ...input.cni, customNetworking: true };
  const perNode: Record<string, number> = {};
  const maxPodsAfter: Record<string, number> = {};
  let freed = 0;
  for (const g of groups) {
    let after: HoldingsLike;
    try {
      after = holdingsUnder(g, cni, kubeletCap(g.group.maxPodsCap));
    } catch {
      return null;
    }
    perNode[g.group.groupName] = Math.max(0, g.current.nodeSubnetIps - after.nodeSubnetIps);
    freed += (perNode[g.group.groupName] ?? 0) * g.group.nodeCount;
    maxPodsAfter[g.group.groupName] = after.maxPods;
  }
  if (freed <= 0) return null;
  const settings = {
    AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true',
    ENI_CONFIG_LABEL_DEF: 'topology.kubernetes.io/zone',
  };
  const change = cniChange(input.cniSource, settings);
  const subnets = [...subnetsOf(groups).values()];
  const vpcId = subnets.find((s) => s.vpcId !== undefined)?.vpcId ?? 'VPC_ID';
  const zones = [
    ...new Set(subnets.map((s) => s.availabilityZone).filter((z): z is string => z !== undefined)),
  ];
  return {
    kind: RecommendationKind.customNetworking,
    clusterName: input.clusterName,
    groupNames: groups.map((g) => g.group.groupName),
    title: `Move ${clusterLabel(input)} pod addresses to a secondary CIDR from ${SHARED_ADDRESS_SPACE}`,
    detail:
      `Node subnets run short for ${shortGroups.map((g) => g.group.groupName).join(', ')}. With custom networking ` +
      `pods take addresses from one subnet per AZ in a secondary VPC CIDR; the node subnets keep the ENI primaries ` +
      `only, freeing ${freed} addresses on the current nodes. The primary ENI no longer hosts pods: kubelet max pods ` +
      `becomes ${Object.entries(maxPodsAfter)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ')}. Nodes must be replaced to pick it up.`,
    apply: [
      `aws ec2 associate-vpc-cidr-block --vpc-id ${vpcId} --cidr-block 100.64.0.0/16 (any free /16 of ${SHARED_ADDRESS_SPACE})`,
      ...zones.map(
        (az, i) =>
          `aws ec2 create-subnet --vpc-id ${vpcId} --availability-zone ${az} --cidr-block 100.64.${i * 64}.0/18, then an ENIConfig named ${az} with that subnet and the nodes' security groups`,
      ),
      change.command,
      ...kubeletLines(groups, maxPodsAfter),
    ],
    effect: { ipsFreed: freed, ipsFreedPerNode: perNode, maxPodsAfter, settings },
  };
}

/** Blocks wanted per pod subnet: each group's need spread over its subnets. */
export function blocksPerSubnet(
  groups: readonly GroupContext[],
  need: (g: GroupContext) => number,
): Map<string, number> {
  const wanted = new Map<string, number>();
  for (const g of groups) {
    const subnets = g.group.subnets;
    const each = Math.ceil(need(g) / Math.max(1, subnets.length));
    for (const s of subnets) wanted.set(s.subnetId, (wanted.get(s.subnetId) ?? 0) + each);
  }
  return wanted;
}

export function subnetsOf(groups: readonly GroupContext[]): Map<string, RecommendationSubnet> {
  return new Map(groups.flatMap((g) => g.group.subnets.map((s) => [s.subnetId, s] as const)));
}

export function plans(
  groups: readonly GroupContext[],
  wanted: ReadonlyMap<string, number>,
): PrefixReservationPlan[] {
  const subnets = subnetsOf(groups);
  const result: PrefixReservationPlan[] = [];
  for (const [subnetId, blocks] of wanted) {
    const addressesOf = subnets.get(subnetId)?.addresses;
    if (addressesOf !== undefined && blocks > 0)
      result.push(planPrefixReservation(subnetId, addressesOf, blocks));
  }
  return result;
}
