/**
 * The subnet recommendations of one cluster (recommendations.ts): `prefix` CIDR reservations at exact free
 * ranges, and more subnet space where a group's growth runs short. Pure. Sources as in recommendations.ts.
 */
import { blocksPerSubnet, type Context, headroomSentence, plans, subnetsOf } from './cni-recommendations.js';
import {
  AWS_RESERVED_PER_SUBNET,
  addresses,
  type GroupContext,
  headroomNodes,
  subnetPrefixLengthFor,
} from './recommendation-math.js';
import { type Recommendation, RecommendationKind } from './recommendation-model.js';

export function prefixReservations(context: Context): Recommendation[] {
  const { input, groups } = context;
  if (!input.cni.prefixDelegation) return [];
  const threshold = input.fragmentationThreshold ?? 0.5;
  const wanted = blocksPerSubnet(groups, (g) => g.current.prefixesHeld * g.group.growthNodes);
  const subnets = subnetsOf(groups);
  const result: Recommendation[] = [];
  for (const plan of plans(groups, new Map([...wanted].map(([id, blocks]) => [id, Math.max(1, blocks)])))) {
    const subnet = subnets.get(plan.subnetId);
    const blocks = wanted.get(plan.subnetId) ?? 0;
    const short = Math.max(0, blocks - (subnet?.freePrefixBlocks ?? 0));
    const fragmented = (subnet?.fragmentationScore ?? 0) >= threshold;
    if (plan.kind !== 'reserve' || (!fragmented && short === 0)) continue;
    const users = groups.filter((g) => g.group.subnets.some((s) => s.subnetId === plan.subnetId));
    result.push({
      kind: RecommendationKind.prefixReservation,
      clusterName: input.clusterName,
      groupNames: users.map((g) => g.group.groupName),
      title: `Reserve ${plan.cidr} for prefixes in ${plan.subnetId}`,
      detail:
        `Growth needs ${blocks} free aligned /28 blocks here (${subnet?.freePrefixBlocks ?? '?'} free, ` +
        `fragmentation ${(subnet?.fragmentationScore ?? 0).toFixed(2)}). ${plan.cidr} is free and outside every ` +
        `reservation: a prefix reservation keeps its ${plan.blocks} blocks for prefixes only` +
        (plan.covers ? '.' : `, fewer than needed: the largest free aligned range there is.`),
      apply: [plan.command],
      effect: {
        blocksNeeded: blocks,
        freePrefixBlocks: subnet?.freePrefixBlocks ?? null,
        blocksShort: short,
        reservations: [{ subnetId: plan.subnetId, cidr: plan.cidr, blocks: plan.blocks }],
      },
    });
  }
  return result;
}

export function subnetCapacity(context: Context, g: GroupContext, ipsShort: number): Recommendation {
  const { input } = context;
  const subnets = g.group.subnets;
  const perAz = Math.ceil(ipsShort / Math.max(1, subnets.length));
  const length = subnetPrefixLengthFor(perAz);
  const usable = 2 ** (32 - length) - AWS_RESERVED_PER_SUBNET;
  const before = headroomNodes(g, 0, addresses(g.current));
  const headroom = {
    [g.group.groupName]: {
      before: before.before,
      after: before.before + Math.floor((usable * subnets.length) / Math.max(1, addresses(g.current))),
    },
  };
  return {
    kind: RecommendationKind.subnetCapacity,
    clusterName: input.clusterName,
    groupNames: [g.group.groupName],
    title: `Add a /${length} subnet per AZ to ${g.group.groupName}: ${ipsShort} addresses short`,
    detail:
      `Growing by ${g.group.growthNodes} nodes needs ${ipsShort} more addresses than its subnets have free. ` +
      `A /${length} per AZ (${usable} usable each) covers it: tag it kubernetes.io/role/cni=1 so the CNI's ` +
      'subnet discovery places new pod ENIs there, or add it to the group.' +
      headroomSentence(headroom),
    apply: subnets.map(
      (s) =>
        `aws ec2 create-subnet --vpc-id ${s.vpcId ?? 'VPC_ID'} --availability-zone ${s.availabilityZone ?? 'AZ'} ` +
        `--cidr-block <a free /${length} of the VPC> --tag-specifications 'ResourceType=subnet,Tags=[{Key=kubernetes.io/role/cni,Value=1}]'`,
    ),
    effect: {
      ipsShort,
      suggestedSubnetPrefixLength: length,
      headroomNodes: headroom,
    },
  };
}
