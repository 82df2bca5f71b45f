import { IPS_PER_PREFIX, type MaxPodsCap, maxPodNetworkPods } from '../../domain/cni-capacity.js';
import type { CniConfig } from '../../domain/cni-config.js';
import { type InstanceLimits, supportsPrefixDelegation } from '../../domain/instance-limits.js';
import type { NetworkInterfaceAddresses } from '../../ports/subnet-inventory.js';

/** Recommendations size for a high percentile of nodes, not the average one. */
const PERCENTILE = 0.9;

/**
 * Pods per node, estimated from what the nodes' ENIs hold: addresses held for pods less the warm pool the
 * CNI keeps on top of them (DOMAIN.md §2: WARM_ENI_TARGET × slots per ENI, WARM_IP_TARGET, or
 * WARM_PREFIX_TARGET × 16). An upper bound, since pools shrink lazily. The 90th percentile over the nodes;
 * null when no node's ENIs were seen.
 *
 * @example
 * // one m5.large with 2 ENIs full of secondaries (18 IPs), WARM_ENI_TARGET=1 (9 spare): 9 pods
 * estimatePodsPerNode(enisOfNode, DEFAULT_CNI_CONFIG, m5large, 'none') // 9
 */
export function estimatePodsPerNode(
  enis: readonly NetworkInterfaceAddresses[],
  cni: CniConfig,
  limits: InstanceLimits,
  cap: MaxPodsCap,
): number | null {
  const heldByInstance = new Map<string, number>();
  for (const eni of enis) {
    if (eni.instanceId === null) continue;
    // The ENI's own primary address never goes to a pod.
    const held = Math.max(0, eni.privateIps.length - 1) + IPS_PER_PREFIX * eni.prefixes.length;
    heldByInstance.set(eni.instanceId, (heldByInstance.get(eni.instanceId) ?? 0) + held);
  }
  if (heldByInstance.size === 0) return null;
  const ipTargets = cni.warmIpTarget > 0 || cni.minimumIpTarget > 0;
  const prefixMode = cni.prefixDelegation && supportsPrefixDelegation(limits);
  const slotsPerEni = Math.max(0, limits.ipv4PerEni - 1);
  const warm = ipTargets
    ? cni.warmIpTarget
    : prefixMode
      ? cni.warmPrefixTarget * IPS_PER_PREFIX
      : cni.warmEniTarget * slotsPerEni;
  const ceiling = maxPodNetworkPods(limits, cni, cap);
  const pods = [...heldByInstance.values()]
    .map((held) => Math.min(ceiling, Math.max(0, held - warm)))
    .sort((a, b) => a - b);
  return pods[Math.min(pods.length - 1, Math.ceil(PERCENTILE * pods.length) - 1)] ?? null;
}
