import type { CniConfig } from './cni-config.js';
import { type InstanceLimits, supportsPrefixDelegation } from './instance-limits.js';

/** Addresses in one /28 prefix. Source: VPC CNI `datastore.GetPrefixDelegationDefaults()` (16 IPs per prefix). */
export const IPS_PER_PREFIX = 16;

/** Host-network pods every node runs (aws-node, kube-proxy): the `+2` of the max-pods formula. */
export const HOST_NETWORK_PODS = 2;

/** Cap policies applied on top of the ENI formula. */
export const MAX_PODS_CAPS = ['none', 'mng', 'auto-mode', 'eni-limited'] as const;
export type MaxPodsCap = (typeof MAX_PODS_CAPS)[number];

export class CapacityInputError extends Error {
  override readonly name = 'CapacityInputError';
}

/** How the CNI will actually run on one instance type (after the silent fall-backs). */
export interface EffectiveNetworking {
  /** ENI limit after MAX_ENI. */
  readonly maxEnis: number;
  /** ENIs that can hold pod IPs or prefixes (excludes the trunk ENI and, with custom networking, the primary). */
  readonly podEnis: number;
  /** Secondary IPs, or /28 prefixes, one ENI holds: `M = L - 1`. */
  readonly slotsPerEni: number;
  /** True when prefix delegation was asked for and the instance supports it. */
  readonly prefixDelegation: boolean;
  /** True when prefix delegation was asked for but the instance is neither Nitro nor bare metal. */
  readonly prefixDelegationFellBack: boolean;
}

/**
 * Resolves the ENIs and slots the CNI works with on one instance type.
 * Sources: DOMAIN.md §1; VPC CNI `pkg/ipamd/ipamd.go` `hasRoomForEni` (the trunk ENI takes a slot when
 * ENABLE_POD_ENI is on; `MAX_ENI` lowers `maxENI` when >= 1), custom networking leaves the primary ENI without
 * pod IPs (`docs/cni-proposal.md`, `useCustomNetworking`), prefix delegation only on Nitro / bare metal.
 *
 * @example
 * effectiveNetworking({ maxEnis: 3, ipv4PerEni: 10, ... }, DEFAULT_CNI_CONFIG) // { maxEnis: 3, podEnis: 3, slotsPerEni: 9, ... }
 */
export function effectiveNetworking(limits: InstanceLimits, cni: CniConfig): EffectiveNetworking {
  const maxEnis =
    cni.maxEni !== null && cni.maxEni >= 1 ? Math.min(limits.maxEnis, cni.maxEni) : limits.maxEnis;
  const reserved = (cni.podEni ? 1 : 0) + (cni.customNetworking ? 1 : 0);
  const podEnis = Math.max(0, maxEnis - reserved);
  const prefixCapable = supportsPrefixDelegation(limits);
  return {
    maxEnis,
    podEnis,
    slotsPerEni: Math.max(0, limits.ipv4PerEni - 1),
    prefixDelegation: cni.prefixDelegation && prefixCapable,
    prefixDelegationFellBack: cni.prefixDelegation && !prefixCapable,
  };
}

/**
 * Pods a node of this type can run (kubelet `maxPods`), with the cap policy.
 *
 * - Secondary-IP mode: `E*(L-1) + 2`; prefix delegation: `E*(L-1)*16 + 2` (DOMAIN.md §1; VPC CNI
 *   `misc/eni-max-pods.txt`, awslabs/amazon-eks-ami `max-pods-calculator.sh`). `E` is the pod-usable ENI count
 *   (custom networking and the pod-ENI trunk each take one, MAX_ENI caps it).
 * - `mng` (EKS managed node groups, `max-pods-calculator.sh`): at most 110 when vCPUs <= 30, else at most 250.
 * - `auto-mode` (EKS Auto Mode): `min(110, E*(L-1))`.
 * - `eni-limited` (Karpenter's default, aws/karpenter-provider-aws `ENILimitedPods`): the secondary-IP formula
 *   `E*(L-1) + 2` whatever the CNI mode, since Karpenter does not know about prefix delegation.
 *
 * @example
 * maxPods(m5large, DEFAULT_CNI_CONFIG) // 29
 * maxPods(m5large, { ...DEFAULT_CNI_CONFIG, prefixDelegation: true }, 'mng') // 110
 */
export function maxPods(limits: InstanceLimits, cni: CniConfig, cap: MaxPodsCap = 'none'): number {
  const net = effectiveNetworking(limits, cni);
  const podSlots = net.podEnis * net.slotsPerEni;
  const formula = (net.prefixDelegation ? podSlots * IPS_PER_PREFIX : podSlots) + HOST_NETWORK_PODS;
  switch (cap) {
    case 'none':
      return formula;
    case 'mng':
      return applyManagedNodeGroupCap(limits, formula);
    case 'auto-mode':
      return Math.min(110, podSlots);
    case 'eni-limited':
      return Math.min(formula, podSlots + HOST_NETWORK_PODS);
    default:
      return assertNever(cap);
  }
}

/**
 * The cap EKS managed node groups put on max pods: 110 up to 30 vCPUs, else 250 (awslabs/amazon-eks-ami
 * `max-pods-calculator.sh`; DOMAIN.md §1). With vCPUs unknown the cap is still known when the formula is
 * at most 110 (both caps leave it); above that it is not, and the caller must look the vCPUs up.
 *
 * @example
 * applyManagedNodeGroupCap({ instanceType: 'm5.4xlarge', vcpus: 16 }, 234) // 110
 * applyManagedNodeGroupCap({ instanceType: 'c9g.medium', vcpus: null }, 8) // 8
 */
export function applyManagedNodeGroupCap(
  limits: Pick<InstanceLimits, 'instanceType' | 'vcpus'>,
  formula: number,
): number {
  if (limits.vcpus !== null) return Math.min(formula, limits.vcpus <= 30 ? 110 : 250);
  if (formula <= 110) return formula;
  throw new CapacityInputError(
    `${limits.instanceType}: vCPUs unknown, so the managed-node-group cap (110 up to 30 vCPUs, else 250) on ` +
      `${formula} pods cannot be chosen; expected the type's vCPUs from EC2 DescribeInstanceTypes`,
  );
}

/** What one node holds from its subnets once `pods` pod-networked pods ran on it (high-water mark). */
export interface NodeHoldings {
  readonly instanceType: string;
  readonly pods: number;
  readonly maxPods: number;
  /** ENIs attached to the instance: primary, pod ENIs and the trunk ENI. */
  readonly enis: number;
  /** AttachNetworkInterface calls the node makes: every ENI but the primary (RunInstances attaches that one). */
  readonly attaches: number;
  /** Secondary IPs held for pods (in prefix mode: prefixes × 16). */
  readonly ipsHeld: number;
  readonly prefixesHeld: number;
  /** Addresses taken from the node's own subnet (ENI primaries, and pod IPs unless custom networking). */
  readonly nodeSubnetIps: number;
  /** Addresses taken from the ENIConfig pod subnet (custom networking only; 0 otherwise). */
  readonly podSubnetIps: number;
  readonly mode: 'warm-eni' | 'ip-target' | 'warm-prefix' | 'prefix-ip-target';
  readonly prefixDelegationFellBack: boolean;
  /**
   * True when the last ENI holds no pod and nothing keeps it: with WARM_PREFIX_TARGET=0 (prefix mode) or
   * WARM_ENI_TARGET=0, and no IP targets, ipamd frees it once it is 60 s old (`shouldRemoveExtraENIs`,
   * datastore `getDeletableENI`, which checks no warm target then), finds no free address left
   * (`isDatastorePoolTooLow`) and attaches a new one: one more attachment about every minute while the
   * pod count stays. `enis` and `attaches` count that ENI.
   */
  readonly eniChurn: boolean;
}

/**
 * The IP-target settings take over when either is above zero. Source: VPC CNI `pkg/ipamd/ipamd.go`
 * `datastoreTargetState` / `warmIPTargetsDefined`; DOMAIN.md §2 "Precedence".
 */
function usesIpTargets(cni: CniConfig): boolean {
  return cni.warmIpTarget > 0 || cni.minimumIpTarget > 0;
}

/**
 * Prefixes a node may hold: every pod ENI full, or enough to cover kubelet maxPods
 * (`isDatastorePoolTooLow` stops growth once `TotalIPs >= c.maxPods`).
 */
function maxPrefixesHeld(net: EffectiveNetworking, kubeletMaxPods: number): number {
  return Math.min(net.podEnis * net.slotsPerEni, Math.ceil(kubeletMaxPods / IPS_PER_PREFIX));
}

/**
 * Addresses ipamd never grows past when WARM_IP_TARGET is 0 and MINIMUM_IP_TARGET is set, or null when
 * growth follows the pods. Source: VPC CNI `pkg/ipamd/ipamd.go` `datastoreTargetState`: `short` is
 * `max(WARM_IP_TARGET - available, MINIMUM_IP_TARGET - TotalIPs)`, so with no warm target the pool is low
 * only below the minimum, and a pod past it waits in ContainerCreating ("no available IP addresses";
 * the maintainers keep WARM_IP_TARGET=0 as a way to stop all further allocation, aws/amazon-vpc-cni-k8s
 * pull 2659, issues 2650 and 3685).
 */
function minimumOnlyIpCeiling(
  net: EffectiveNetworking,
  cni: CniConfig,
  kubeletMaxPods: number,
): number | null {
  if (cni.warmIpTarget > 0 || cni.minimumIpTarget <= 0) return null;
  if (net.prefixDelegation) {
    const prefixes = Math.min(
      Math.ceil(cni.minimumIpTarget / IPS_PER_PREFIX),
      maxPrefixesHeld(net, kubeletMaxPods),
    );
    return Math.max(1, prefixes) * IPS_PER_PREFIX;
  }
  return Math.min(cni.minimumIpTarget, kubeletMaxPods, net.podEnis * net.slotsPerEni);
}

/**
 * The largest number of pod-networked pods one node can give an address to: kubelet maxPods less the
 * host-network pods, and no more than ipamd will ever allocate (WARM_IP_TARGET=0 with MINIMUM_IP_TARGET
 * stops at the minimum, see `minimumOnlyIpCeiling`).
 *
 * @example
 * maxPodNetworkPods(m5large, DEFAULT_CNI_CONFIG) // 27
 * maxPodNetworkPods(m5large, { ...DEFAULT_CNI_CONFIG, minimumIpTarget: 10 }) // 10
 */
export function maxPodNetworkPods(limits: InstanceLimits, cni: CniConfig, cap: MaxPodsCap = 'none'): number {
  const kubeletMaxPods = maxPods(limits, cni, cap);
  const ceiling = minimumOnlyIpCeiling(effectiveNetworking(limits, cni), cni, kubeletMaxPods);
  return Math.max(0, Math.min(kubeletMaxPods - HOST_NETWORK_PODS, ceiling ?? Number.POSITIVE_INFINITY));
}

/**
 * ENIs, IPs and /28 prefixes a node holds once `pods` pod-networked pods have run on it, and the ENI
 * attachments it made. Shrinking is lazy (ipamd frees an ENI only when empty, >= 60 s old and out of cooldown;
 * never single IPs in WARM_ENI mode), so these are high-water marks (DOMAIN.md §2).
 *
 * Formulas, all from VPC CNI `pkg/ipamd/ipamd.go` (`isDatastorePoolTooLow`, `datastoreTargetState`,
 * `increaseDatastorePool`) as summarised in DOMAIN.md §2; `U` pod ENIs, `M` slots per ENI, `n` pods:
 * - WARM_ENI_TARGET=W (W>0): pool is low while `available < W*M`, ENIs come full:
 *   `k = min(U, ceil(n/M) + W, ceil(maxPods/M))`, IPs = `k*M`. W=0: `k = floor(n/M) + 1`.
 * - WARM_IP_TARGET=w / MINIMUM_IP_TARGET=m: `T = min(max(n + w, m), maxPods, U*M)`, ENIs `ceil(T/M)`. With
 *   w=0 the pool grows only up to m, so at most that many pods run (`maxPodNetworkPods`; more throw).
 * - Prefix mode, WARM_PREFIX_TARGET=p: `P = ceil(n/16) + p`, and `floor(n/16) + 1` for p=0 (low while no
 *   address is free, so 16 pods on one prefix bring a second); with IP targets
 *   `P = max(ceil((n+w)/16), ceil(m/16))`; capped where `16P >= maxPods` and at `U*M`; ENIs `ceil(P/M)`.
 * - Growth stops once IPs held >= kubelet maxPods (`isDatastorePoolTooLow`: `TotalIPs >= c.maxPods`).
 * - Custom networking: the primary ENI holds nothing and a node always has at least one pod ENI at boot.
 *
 * @example
 * nodeHoldings(t3small, DEFAULT_CNI_CONFIG, 5) // { enis: 3, attaches: 2, ipsHeld: 9, ... }
 */
export function nodeHoldings(
  limits: InstanceLimits,
  cni: CniConfig,
  pods: number,
  cap: MaxPodsCap = 'none',
): NodeHoldings {
  const net = effectiveNetworking(limits, cni);
  const kubeletMaxPods = maxPods(limits, cni, cap);
  const podLimit = maxPodNetworkPods(limits, cni, cap);
  if (!Number.isInteger(pods) || pods < 0 || pods > podLimit) {
    const why =
      podLimit < kubeletMaxPods - HOST_NETWORK_PODS
        ? `ipamd stops at MINIMUM_IP_TARGET=${cni.minimumIpTarget} with WARM_IP_TARGET=0, so ${podLimit} pods get an address`
        : `the pod-networked pods under maxPods ${kubeletMaxPods}`;
    throw new CapacityInputError(
      `pods: ${pods} is not possible on ${limits.instanceType} (expected a whole number 0..${podLimit}, ${why})`,
    );
  }
  const M = net.slotsPerEni;
  const U = net.podEnis;
  if (M === 0 || U === 0) {
    throw new CapacityInputError(
      `${limits.instanceType}: no ENI can hold pod IPs under this CNI configuration (pod ENIs ${U}, slots per ENI ${M})`,
    );
  }
  const ipTargets = usesIpTargets(cni);

  let podEnisHeld: number;
  let slotsHeld: number;
  let mode: NodeHoldings['mode'];
  if (net.prefixDelegation) {
    const maxPrefixes = maxPrefixesHeld(net, kubeletMaxPods);
    const wanted = ipTargets
      ? Math.max(
          Math.ceil((pods + cni.warmIpTarget) / IPS_PER_PREFIX),
          Math.ceil(cni.minimumIpTarget / IPS_PER_PREFIX),
        )
      : cni.warmPrefixTarget > 0
        ? Math.ceil(pods / IPS_PER_PREFIX) + cni.warmPrefixTarget
        : // WARM_PREFIX_TARGET=0: the pool is low whenever no address is free (`isDatastorePoolTooLow`,
          // `warmTarget == 0 && available == 0`), so a full last prefix brings one more.
          Math.floor(pods / IPS_PER_PREFIX) + 1;
    // A node always starts with one prefix on its first pod ENI; an extra one is added only while pods need it.
    slotsHeld = Math.max(1, Math.min(wanted, Math.max(maxPrefixes, Math.ceil(pods / IPS_PER_PREFIX))));
    podEnisHeld = Math.ceil(slotsHeld / M);
    mode = ipTargets ? 'prefix-ip-target' : 'warm-prefix';
  } else if (ipTargets) {
    const target = Math.max(pods + cni.warmIpTarget, cni.minimumIpTarget);
    slotsHeld = Math.max(pods, Math.min(target, kubeletMaxPods, U * M));
    podEnisHeld = Math.max(1, Math.ceil(slotsHeld / M));
    mode = 'ip-target';
  } else {
    const wanted = cni.warmEniTarget > 0 ? Math.ceil(pods / M) + cni.warmEniTarget : Math.floor(pods / M) + 1;
    podEnisHeld = Math.max(
      1,
      Math.min(U, wanted, Math.max(Math.ceil(kubeletMaxPods / M), Math.ceil(pods / M))),
    );
    slotsHeld = podEnisHeld * M;
    mode = 'warm-eni';
  }

  const primaryHoldsPods = !cni.customNetworking;
  const nothingKeepsEmptyEni =
    !ipTargets && (net.prefixDelegation ? cni.warmPrefixTarget : cni.warmEniTarget) === 0;
  const slotsInUse = net.prefixDelegation ? Math.ceil(pods / IPS_PER_PREFIX) : pods;
  const enisWithPodsOrPrimary = Math.max(Math.ceil(slotsInUse / M), primaryHoldsPods ? 1 : 0);
  const trunk = cni.podEni ? 1 : 0;
  const enis = (primaryHoldsPods ? podEnisHeld : podEnisHeld + 1) + trunk;
  const ipsHeld = net.prefixDelegation ? slotsHeld * IPS_PER_PREFIX : slotsHeld;
  // Every ENI consumes its own primary address in the subnet it was created in.
  const podEniPrimaries = primaryHoldsPods ? podEnisHeld - 1 : podEnisHeld;
  const nodePrimary = 1;
  const podSideIps = podEniPrimaries + ipsHeld;
  return {
    instanceType: limits.instanceType,
    pods,
    maxPods: kubeletMaxPods,
    enis,
    attaches: enis - 1,
    ipsHeld,
    prefixesHeld: net.prefixDelegation ? slotsHeld : 0,
    nodeSubnetIps: nodePrimary + trunk + (primaryHoldsPods ? podSideIps : 0),
    podSubnetIps: primaryHoldsPods ? 0 : podSideIps,
    mode,
    prefixDelegationFellBack: net.prefixDelegationFellBack,
    eniChurn: nothingKeepsEmptyEni && podEnisHeld > enisWithPodsOrPrimary,
  };
}

function assertNever(value: never): never {
  throw new CapacityInputError(`unexpected value ${String(value)}`);
}
