import type { InstanceLimits } from '../domain/instance-limits.js';
import { supportsPrefixDelegation } from '../domain/instance-limits.js';
import type { Ec2Model, SimInstance } from './ec2-model.js';
import type { ScenarioCni } from './scenario.js';
import { isSimulatedApiError } from './simulated-api-error.js';

/** aws/amazon-vpc-cni-k8s `pkg/ipamd/ipamd.go`: `ipPoolMonitorInterval`. */
export const IPAMD_CYCLE_MS = 5_000;
/** aws/amazon-vpc-cni-k8s `pkg/ipamd/ipamd.go`: `insufficientCidrErrorCooldown`. */
export const INSUFFICIENT_CIDR_COOLDOWN_MS = 120_000;
/** IPs in one delegated /28 prefix. */
const IPS_PER_PREFIX = 16;

/** One ENI in the node's ipamd datastore: `units` are secondary IPs, or /28 prefixes in prefix mode. */
export interface DatastoreEni {
  readonly eniId: string;
  readonly isPrimary: boolean;
  readonly isTrunk: boolean;
  units: number;
}

/** What one ipamd cycle did, for the caller to schedule the next one. */
export type IpamdStepResult =
  | { readonly kind: 'idle' }
  | { readonly kind: 'assigned' }
  | { readonly kind: 'eni-attached'; readonly eniId: string; readonly units: number }
  | { readonly kind: 'failed'; readonly code: string }
  | { readonly kind: 'cooling-down' };

export interface IpamdEnvironment {
  readonly ec2: Ec2Model;
  readonly nowMs: () => number;
  /** `caller` name in EC2 statistics. */
  readonly caller: string;
  /** Called with the error code when EC2 answers InsufficientFreeAddressesInSubnet / InsufficientCidrBlocks. */
  readonly onAllocationFailure: (code: string, subnetId: string) => void;
}

/**
 * The VPC CNI's ipamd on one node, IPv4, stepwise: every 5 s it checks whether the warm pool is low
 * (`isDatastorePoolTooLow`) and, if so, takes ONE step (`increaseDatastorePool`): fill an existing ENI
 * (`tryAssignIPs` / `tryAssignPrefixes`), or else create and attach one ENI (`tryAllocateENI`).
 * Source: aws/amazon-vpc-cni-k8s `pkg/ipamd/ipamd.go`, `docs/eni-and-ip-target.md`,
 * `docs/prefix-and-ip-target.md`; DOMAIN.md section 2.
 */
export class IpamdNode {
  readonly enis: DatastoreEni[] = [];
  /** Pods bound to this node that use pod networking. */
  podsBound = 0;
  /** Pods holding an IP (the rest of `podsBound` wait in ContainerCreating). */
  podsRunning = 0;
  cooldownUntilMs = Number.NEGATIVE_INFINITY;
  readonly prefixMode: boolean;
  /** M: secondary IPs, or /28 prefixes, one ENI holds (`GetENIIPv4Limit`: L - 1). */
  readonly unitsPerEni: number;
  /** Usable ENI count: the instance limit, capped by MAX_ENI when >= 1 (`getMaxENI`). */
  readonly maxEnis: number;
  trunkAttached = false;

  constructor(
    readonly instance: SimInstance,
    readonly limits: InstanceLimits,
    readonly cni: ScenarioCni,
    /** kubelet maxPods: growth stops once the datastore holds this many IPs. */
    readonly maxPods: number,
    /** Subnets an ENI may go to: ENIConfig subnet with custom networking, else the node's (+ discovery). */
    readonly eniSubnetCandidates: () => string[],
  ) {
    // Prefix delegation needs Nitro; elsewhere the CNI falls back silently (ipamd `isConfigValid`).
    this.prefixMode = cni.prefixDelegation && supportsPrefixDelegation(limits);
    this.unitsPerEni = limits.ipv4PerEni - 1;
    this.maxEnis =
      cni.maxEni !== null && cni.maxEni >= 1 ? Math.min(cni.maxEni, limits.maxEnis) : limits.maxEnis;
    const primary = instance.networkInterfaceIds[0];
    if (primary) this.enis.push({ eniId: primary, isPrimary: true, isTrunk: false, units: 0 });
  }

  get totalIps(): number {
    let units = 0;
    for (const eni of this.enis) units += eni.units;
    return this.prefixMode ? units * IPS_PER_PREFIX : units;
  }

  get availableIps(): number {
    return this.totalIps - this.podsRunning;
  }

  get podsWaitingForIp(): number {
    return this.podsBound - this.podsRunning;
  }

  /** Prefixes with no pod IP in use; the datastore packs pods into prefixes. */
  get freePrefixes(): number {
    if (!this.prefixMode) return 0;
    return this.totalIps / IPS_PER_PREFIX - Math.ceil(this.podsRunning / IPS_PER_PREFIX);
  }

  get attachedEniCount(): number {
    return this.enis.length;
  }

  private get warmIpTargetsDefined(): boolean {
    return this.cni.warmIpTarget > 0 || this.cni.minimumIpTarget > 0;
  }

  /** Gives waiting pods the IPs now available; returns how many started. */
  assignWaitingPods(): number {
    const start = Math.min(this.podsBound, this.totalIps) - this.podsRunning;
    if (start > 0) this.podsRunning += start;
    return Math.max(start, 0);
  }

  /** ipamd `datastoreTargetState`: units short of WARM_IP_TARGET / MINIMUM_IP_TARGET (prefixes in PD). */
  shortOfIpTargets(): number {
    const available = this.availableIps;
    let short = Math.max(this.cni.warmIpTarget - available, 0);
    short = Math.max(short, this.cni.minimumIpTarget - this.totalIps);
    return this.prefixMode ? Math.ceil(short / IPS_PER_PREFIX) : short;
  }

  /** ipamd `isDatastorePoolTooLow`. */
  isPoolTooLow(): boolean {
    if (this.totalIps >= this.maxPods) return false;
    if (this.warmIpTargetsDefined) return this.shortOfIpTargets() > 0;
    const warmTarget = this.prefixMode ? this.cni.warmPrefixTarget : this.cni.warmEniTarget;
    const unitIps = this.prefixMode ? IPS_PER_PREFIX : this.unitsPerEni;
    const available = this.availableIps;
    return available < unitIps * warmTarget || (warmTarget === 0 && available === 0);
  }

  /** ipamd `hasRoomForEni`: a slot stays free for the trunk ENI until it is attached. */
  hasRoomForEni(): boolean {
    const trunkSlot = this.cni.podEni && !this.trunkAttached ? 1 : 0;
    return this.enis.length < this.maxEnis - trunkSlot;
  }

  /** ipamd `getPrefixesNeeded`. */
  private prefixesNeeded(): number {
    if (this.warmIpTargetsDefined) return Math.max(1, this.shortOfIpTargets());
    return Math.max(1, this.cni.warmPrefixTarget - this.freePrefixes);
  }

  /** ENIs ipamd may add IPs to (`GetAllocatableENIs`): never the trunk, nor the primary with custom networking. */
  private allocatableEnis(): DatastoreEni[] {
    return this.enis.filter(
      (eni) => !eni.isTrunk && !(eni.isPrimary && this.cni.customNetworking) && eni.units < this.unitsPerEni,
    );
  }

  /** One reconcile cycle (`updateIPPoolIfRequired`, growth side only: shrinking is lazy, DOMAIN.md 2). */
  step(env: IpamdEnvironment): IpamdStepResult {
    if (!this.isPoolTooLow()) return { kind: 'idle' };
    if (env.nowMs() <= this.cooldownUntilMs) return { kind: 'cooling-down' };
    const assigned = this.tryAssignCidrs(env);
    if (assigned.kind !== 'idle') return assigned;
    if (!this.hasRoomForEni()) return { kind: 'idle' };
    return this.tryAllocateEni(env);
  }

  /** `tryAssignIPs` / `tryAssignPrefixes`: top up the first ENI with room. */
  private tryAssignCidrs(env: IpamdEnvironment): IpamdStepResult {
    let toAllocate: number;
    if (this.prefixMode) {
      toAllocate = this.prefixesNeeded();
    } else if (this.warmIpTargetsDefined) {
      toAllocate = this.shortOfIpTargets();
      if (toAllocate === 0) return { kind: 'idle' };
    } else {
      toAllocate = this.unitsPerEni;
    }
    for (const eni of this.allocatableEnis()) {
      const wanted = Math.min(this.unitsPerEni - eni.units, toAllocate);
      let granted = 0;
      try {
        granted = this.assign(env, eni.eniId, wanted);
      } catch (first) {
        if (!isSimulatedApiError(first) || first.code === 'PrivateIpAddressLimitExceeded') {
          return this.fail(env, first, eni);
        }
        try {
          granted = this.assign(env, eni.eniId, 1);
        } catch (second) {
          if (this.cni.subnetDiscovery && isInsufficient(second)) continue;
          return this.fail(env, second, eni);
        }
      }
      eni.units += granted;
      return { kind: 'assigned' };
    }
    return { kind: 'idle' };
  }

  private assign(env: IpamdEnvironment, eniId: string, count: number): number {
    const granted = env.ec2.assignPrivateIpAddresses(
      eniId,
      this.prefixMode ? { prefixCount: count } : { ipCount: count },
    );
    return granted.length;
  }

  /** `tryAllocateENI` → awsutils `AllocENI`: create (with its IPs / prefixes), attach, delete-on-termination. */
  private tryAllocateEni(env: IpamdEnvironment): IpamdStepResult {
    let units: number;
    if (this.prefixMode) units = Math.min(this.prefixesNeeded(), this.unitsPerEni);
    else if (this.warmIpTargetsDefined) units = Math.min(this.shortOfIpTargets(), this.unitsPerEni);
    else units = this.unitsPerEni;
    if (units <= 0) return { kind: 'idle' };

    const candidates = this.eniSubnetCandidates();
    let eniId: string | null = null;
    let lastError: unknown = null;
    try {
      if (this.cni.subnetDiscovery && !this.cni.customNetworking) env.ec2.admit('DescribeSubnets');
    } catch (error) {
      return this.fail(env, error, null);
    }
    const ordered = [...candidates].sort(
      (a, b) =>
        env.ec2.subnet(b).addresses.availableIpCount - env.ec2.subnet(a).addresses.availableIpCount ||
        candidates.indexOf(a) - candidates.indexOf(b),
    );
    for (const subnetId of ordered) {
      try {
        const eni = env.ec2.createNetworkInterface({
          subnetId,
          ...(this.prefixMode ? { prefixCount: units } : { secondaryIpCount: units }),
          description: `aws-K8S-${this.instance.id}`,
          tags: {
            'node.k8s.amazonaws.com/instance_id': this.instance.id,
            'node.k8s.amazonaws.com/createdAt': new Date(env.nowMs()).toISOString(),
          },
        });
        eniId = eni.id;
        break;
      } catch (error) {
        lastError = error;
        if (!isInsufficient(error)) break;
      }
    }
    if (eniId === null) return this.fail(env, lastError, null, ordered[ordered.length - 1]);
    try {
      env.ec2.admit('DescribeInstances');
      const deviceIndex = this.freeDeviceIndex();
      env.ec2.attachNetworkInterface(eniId, this.instance.id, deviceIndex, env.caller);
    } catch (error) {
      env.ec2.deleteAfterFailedAttach(eniId);
      return this.fail(env, error, null);
    }
    try {
      env.ec2.setDeleteOnTermination(eniId, true);
    } catch {
      // A throttled ModifyNetworkInterfaceAttribute leaves the ENI attached and usable.
    }
    return { kind: 'eni-attached', eniId, units };
  }

  /** The attached ENI shows up in instance metadata: ipamd `setupENI` adds it to the datastore. */
  addAttachedEni(eniId: string, units: number, isTrunk = false): void {
    this.enis.push({ eniId, isPrimary: false, isTrunk, units });
    if (isTrunk) this.trunkAttached = true;
  }

  private freeDeviceIndex(): number {
    const ids = this.instance.networkInterfaceIds;
    for (let index = 0; index < ids.length; index++) if (!ids[index]) return index;
    return ids.length;
  }

  private fail(
    env: IpamdEnvironment,
    error: unknown,
    eni: DatastoreEni | null,
    subnetId?: string,
  ): IpamdStepResult {
    const code = isSimulatedApiError(error) ? error.code : 'InternalError';
    if (isInsufficient(error)) {
      this.cooldownUntilMs = env.nowMs() + INSUFFICIENT_CIDR_COOLDOWN_MS;
      const where = eni ? env.ec2.networkInterface(eni.eniId).subnetId : (subnetId ?? this.instance.subnetId);
      env.onAllocationFailure(code, where);
    }
    return { kind: 'failed', code };
  }
}

function isInsufficient(error: unknown): boolean {
  return (
    isSimulatedApiError(error, 'InsufficientFreeAddressesInSubnet') ||
    isSimulatedApiError(error, 'InsufficientCidrBlocks')
  );
}
