import { HOST_NETWORK_PODS, type MaxPodsCap, maxPodNetworkPods, nodeHoldings } from './cni-capacity.js';
import type { CniConfig } from './cni-config.js';
import type { InstanceLimits } from './instance-limits.js';

/** What is known about one node before it boots. */
export interface NodeOutlook {
  readonly limits: InstanceLimits;
  readonly cni: CniConfig;
  /** kubelet's max pods: a named cap, or the number the launch template / node group / nodeadm config sets. */
  readonly maxPodsCap: MaxPodsCap | number;
  /** Pods the node is expected to run (a group tag); null: as many as kubelet accepts. */
  readonly podsPerNode: number | null;
  /**
   * Most ENI attaches seen on settled nodes of the same group and instance type (they run the same workload
   * mix); null: no such node to learn from.
   */
  readonly peerAttaches: number | null;
}

export interface AttachPrediction {
  /** Attaches the guard books for the node until they are seen. */
  readonly attaches: number;
  /** Attaches of a full node under kubelet's max pods: the bound no prediction exceeds. */
  readonly fullNodeAttaches: number;
  /** Attaches made at boot by the warm pool alone, before any pod lands. */
  readonly bootAttaches: number;
  readonly basis: 'pods-per-node' | 'peers' | 'full-node';
}

/**
 * Pod-networked pods kubelet accepts: the CNI's formula under the named cap, or a number set in the node's
 * configuration (kubelet `--max-pods` / nodeadm `maxPods`), never above the formula.
 *
 * @example
 * podLimit(m5large, DEFAULT_CNI_CONFIG, 20) // 18
 */
export function podLimit(limits: InstanceLimits, cni: CniConfig, cap: MaxPodsCap | number): number {
  if (typeof cap === 'number') {
    // maxPodNetworkPods also holds ipamd's own ceiling (WARM_IP_TARGET=0 stops at MINIMUM_IP_TARGET).
    return Math.max(0, Math.min(maxPodNetworkPods(limits, cni), cap - HOST_NETWORK_PODS));
  }
  return maxPodNetworkPods(limits, cni, cap);
}

/**
 * Attaches one new node will make (DOMAIN.md §2: the warm pool at boot, then growth as pods land), booked per
 * exact instance type: the expected pods when the group says, else what settled peers of the same group and
 * type attached (never below the boot attaches, never above a full node), else a full node under kubelet's
 * max pods (a prefix-delegation node capped at 110 pods needs no second ENI).
 *
 * @example
 * predictNodeAttaches({ limits: m5large, cni: DEFAULT_CNI_CONFIG, maxPodsCap: 'none', podsPerNode: null, peerAttaches: null }).attaches // 2
 */
export function predictNodeAttaches(outlook: NodeOutlook): AttachPrediction {
  const { limits, cni } = outlook;
  const limit = podLimit(limits, cni, outlook.maxPodsCap);
  const fullNodeAttaches = nodeHoldings(limits, cni, limit).attaches;
  const bootAttaches = nodeHoldings(limits, cni, 0).attaches;
  if (outlook.podsPerNode !== null) {
    const pods = Math.min(limit, Math.max(0, outlook.podsPerNode));
    return {
      attaches: nodeHoldings(limits, cni, pods).attaches,
      fullNodeAttaches,
      bootAttaches,
      basis: 'pods-per-node',
    };
  }
  if (outlook.peerAttaches !== null) {
    const attaches = Math.min(fullNodeAttaches, Math.max(bootAttaches, outlook.peerAttaches));
    return { attaches, fullNodeAttaches, bootAttaches, basis: 'peers' };
  }
  return { attaches: fullNodeAttaches, fullNodeAttaches, bootAttaches, basis: 'full-node' };
}
