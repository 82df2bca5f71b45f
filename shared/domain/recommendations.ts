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
import {
  type Context,
  customNetworking,
  maxEni,
  prefixDelegation,
  warmIpTarget,
} from './cni-recommendations.js';
import { addresses, type GroupContext, holdingsUnder, sum } from './recommendation-math.js';
import type { ClusterRecommendationInput, Recommendation } from './recommendation-model.js';
import { prefixReservations, subnetCapacity } from './subnet-recommendations.js';

export {
  type ClusterRecommendationInput,
  type HeadroomChange,
  type HoldingsFn,
  type HoldingsLike,
  type Recommendation,
  type RecommendationEffect,
  type RecommendationGroup,
  RecommendationKind,
  type RecommendationSubnet,
} from './recommendation-model.js';

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
