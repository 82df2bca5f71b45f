import type { InstanceLimits } from '../domain/instance-limits.js';
import type { SeededRandom } from './seeded-random.js';
import { requestLimitExceeded, SimulatedApiError } from './simulated-api-error.js';
import { type ReservationType, SubnetAddressMap } from './subnet-address-map.js';
import { RollingWindowLimit, TokenBucket } from './token-bucket.js';

export interface SimSubnet {
  readonly id: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly addresses: SubnetAddressMap;
}

export interface SimAttachment {
  readonly attachmentId: string;
  readonly instanceId: string;
  readonly deviceIndex: number;
  readonly attachTimeMs: number;
  deleteOnTermination: boolean;
}

export interface SimNetworkInterface {
  readonly id: string;
  readonly subnetId: string;
  readonly description: string;
  readonly interfaceType: 'interface' | 'trunk';
  readonly primaryIp: string;
  readonly secondaryIps: string[];
  readonly prefixes: string[];
  readonly tags: Record<string, string>;
  attachment: SimAttachment | null;
}

export type InstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated';

export interface SimInstance {
  readonly id: string;
  readonly instanceType: string;
  readonly limits: InstanceLimits;
  readonly subnetId: string;
  readonly launchTimeMs: number;
  readonly tags: Record<string, string>;
  state: InstanceState;
  /** ENI ids by device index (index 0: the primary ENI made by RunInstances). */
  readonly networkInterfaceIds: (string | null)[];
}

export interface ThrottleSpec {
  readonly burst: number;
  readonly refillPerSec: number;
}

/**
 * Token buckets per action (DOMAIN.md section 3, EC2 guide "Request throttling"). Actions not listed
 * use the mutating bucket (50 / 5) or, for Describe and Get, the non-mutating one (100 / 20).
 */
export const DEFAULT_EC2_THROTTLES: Readonly<Record<string, ThrottleSpec>> = Object.freeze({
  AttachNetworkInterface: { burst: 50, refillPerSec: 5 },
  CreateNetworkInterface: { burst: 100, refillPerSec: 5 },
  AssignPrivateIpAddresses: { burst: 100, refillPerSec: 5 },
  'DescribeNetworkInterfaces:unfiltered': { burst: 50, refillPerSec: 10 },
  mutating: { burst: 50, refillPerSec: 5 },
  nonMutating: { burst: 100, refillPerSec: 20 },
});

/** Outcome of one AttachNetworkInterface call, for metrics. */
export type AttachOutcome = 'ok' | 'throttled' | 'over-budget' | 'failed';

export interface AttachRecord {
  readonly timeMs: number;
  readonly outcome: AttachOutcome;
  readonly caller: string;
}

export interface Ec2ModelOptions {
  readonly accountId: string;
  readonly region: string;
  readonly vpcId: string;
  readonly random: SeededRandom;
  readonly nowMs: () => number;
  readonly attachBudgetPerMin: number;
  readonly throttles?: Readonly<Record<string, ThrottleSpec>>;
}

export interface CreateNetworkInterfaceRequest {
  readonly subnetId: string;
  readonly secondaryIpCount?: number;
  readonly prefixCount?: number;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly interfaceType?: 'interface' | 'trunk';
}

/**
 * The EC2 side of one account and Region: subnets with real address maps, network interfaces,
 * instances with ENI limits, per-action throttling and the account's attach budget.
 * Every public action takes `caller` (who spends the tokens) for the statistics.
 */
export class Ec2Model {
  readonly subnets = new Map<string, SimSubnet>();
  readonly networkInterfaces = new Map<string, SimNetworkInterface>();
  readonly instances = new Map<string, SimInstance>();
  readonly attachBudget: RollingWindowLimit;
  readonly attachRecords: AttachRecord[] = [];
  readonly callsByAction = new Map<string, number>();
  readonly throttledByAction = new Map<string, number>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly throttleSpecs: Readonly<Record<string, ThrottleSpec>>;
  private counter = 0;
  /** While true (building the scenario's starting state) no bucket, budget or statistic applies. */
  bypassLimits = false;

  constructor(readonly options: Ec2ModelOptions) {
    this.attachBudget = new RollingWindowLimit(options.attachBudgetPerMin, 60_000);
    this.throttleSpecs = options.throttles ?? DEFAULT_EC2_THROTTLES;
  }

  addSubnet(spec: {
    id: string;
    cidr: string;
    availabilityZone: string;
    tags?: Record<string, string>;
  }): SimSubnet {
    if (this.subnets.has(spec.id)) {
      throw new SimulatedApiError('InvalidSubnet.Conflict', `Subnet '${spec.id}' already exists`);
    }
    const subnet: SimSubnet = {
      id: spec.id,
      vpcId: this.options.vpcId,
      availabilityZone: spec.availabilityZone,
      availabilityZoneId: `${this.options.region.slice(0, 3)}-az${spec.availabilityZone.slice(-1).charCodeAt(0) - 96}`,
      tags: { ...(spec.tags ?? {}) },
      addresses: new SubnetAddressMap(spec.cidr, this.options.random.fork(spec.id)),
    };
    this.subnets.set(spec.id, subnet);
    return subnet;
  }

  addCidrReservation(subnetId: string, cidr: string, type: ReservationType): void {
    this.subnet(subnetId).addresses.addReservation(this.nextId('scr'), cidr, type);
  }

  /**
   * Spends one token of `action`'s bucket; throttled calls throw `RequestLimitExceeded`. Call it first
   * in every API action: EC2 throttles before it validates.
   */
  admit(action: string): void {
    if (this.bypassLimits) return;
    this.callsByAction.set(action, (this.callsByAction.get(action) ?? 0) + 1);
    if (!this.bucketFor(action).tryTake(this.options.nowMs())) {
      this.throttledByAction.set(action, (this.throttledByAction.get(action) ?? 0) + 1);
      throw requestLimitExceeded(action);
    }
  }

  subnet(subnetId: string): SimSubnet {
    const subnet = this.subnets.get(subnetId);
    if (!subnet) {
      throw new SimulatedApiError('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
    }
    return subnet;
  }

  networkInterface(eniId: string): SimNetworkInterface {
    const eni = this.networkInterfaces.get(eniId);
    if (!eni) {
      throw new SimulatedApiError(
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${eniId}' does not exist`,
      );
    }
    return eni;
  }

  instance(instanceId: string): SimInstance {
    const instance = this.instances.get(instanceId);
    if (!instance || instance.state === 'terminated') {
      throw new SimulatedApiError(
        'InvalidInstanceID.NotFound',
        `The instance ID '${instanceId}' does not exist`,
      );
    }
    return instance;
  }

  /** EC2 `CreateNetworkInterface` (one primary IP plus the secondary IPs or /28 prefixes asked for). */
  createNetworkInterface(request: CreateNetworkInterfaceRequest): SimNetworkInterface {
    this.admit('CreateNetworkInterface');
    const subnet = this.subnet(request.subnetId);
    const map = subnet.addresses;
    const secondaryCount = request.secondaryIpCount ?? 0;
    const prefixCount = request.prefixCount ?? 0;
    if (map.assignableIpCount < 1 + secondaryCount) {
      throw new SimulatedApiError(
        'InsufficientFreeAddressesInSubnet',
        'The specified subnet does not have enough free addresses to satisfy the request.',
      );
    }
    const [primaryIp, ...secondaryIps] = map.allocateIps(1 + secondaryCount);
    let prefixes: string[] = [];
    if (prefixCount > 0) {
      try {
        prefixes = map.allocatePrefixes(prefixCount);
      } catch (error) {
        for (const ip of [primaryIp as string, ...secondaryIps]) map.releaseIp(ip);
        throw error;
      }
    }
    const eni: SimNetworkInterface = {
      id: this.nextId('eni'),
      subnetId: subnet.id,
      description: request.description ?? '',
      interfaceType: request.interfaceType ?? 'interface',
      primaryIp: primaryIp as string,
      secondaryIps,
      prefixes,
      tags: { ...(request.tags ?? {}) },
      attachment: null,
    };
    this.networkInterfaces.set(eni.id, eni);
    return eni;
  }

  /**
   * EC2 `AttachNetworkInterface`. Order of refusals: the action's token bucket, the account's attach
   * budget (both `RequestLimitExceeded`), then the instance's ENI limit (`AttachmentLimitExceeded`).
   */
  attachNetworkInterface(
    eniId: string,
    instanceId: string,
    deviceIndex: number,
    caller: string,
  ): SimAttachment {
    const nowMs = this.options.nowMs();
    try {
      this.admit('AttachNetworkInterface');
    } catch (error) {
      this.attachRecords.push({ timeMs: nowMs, outcome: 'throttled', caller });
      throw error;
    }
    let recorded = false;
    try {
      const eni = this.networkInterface(eniId);
      const instance = this.instance(instanceId);
      if (eni.attachment) {
        throw new SimulatedApiError('InvalidParameterValue', `Interface '${eniId}' is already attached`);
      }
      if (this.subnet(eni.subnetId).availabilityZone !== this.subnet(instance.subnetId).availabilityZone) {
        throw new SimulatedApiError(
          'InvalidParameterCombination',
          `Interface '${eniId}' and instance '${instanceId}' are in different Availability Zones`,
        );
      }
      const used = instance.networkInterfaceIds.filter((id) => id !== null).length;
      if (used >= instance.limits.maxEnis || deviceIndex >= instance.limits.maxEnis) {
        throw new SimulatedApiError(
          'AttachmentLimitExceeded',
          `Interface count ${used + 1} exceeds the limit for ${instance.instanceType}`,
        );
      }
      if (instance.networkInterfaceIds[deviceIndex]) {
        throw new SimulatedApiError(
          'InvalidParameterValue',
          `Instance '${instanceId}' already has an interface at device index ${deviceIndex}`,
        );
      }
      if (!this.bypassLimits && !this.attachBudget.tryConsume(nowMs)) {
        this.throttledByAction.set(
          'AttachNetworkInterface',
          (this.throttledByAction.get('AttachNetworkInterface') ?? 0) + 1,
        );
        this.attachRecords.push({ timeMs: nowMs, outcome: 'over-budget', caller });
        recorded = true;
        throw requestLimitExceeded('AttachNetworkInterface');
      }
      const attachment: SimAttachment = {
        attachmentId: this.nextId('eni-attach'),
        instanceId,
        deviceIndex,
        attachTimeMs: nowMs,
        deleteOnTermination: false,
      };
      eni.attachment = attachment;
      instance.networkInterfaceIds[deviceIndex] = eni.id;
      if (!this.bypassLimits) this.attachRecords.push({ timeMs: nowMs, outcome: 'ok', caller });
      return attachment;
    } catch (error) {
      if (!recorded) this.attachRecords.push({ timeMs: nowMs, outcome: 'failed', caller });
      throw error;
    }
  }

  /** EC2 `ModifyNetworkInterfaceAttribute` for delete-on-termination (what ipamd sets after attaching). */
  setDeleteOnTermination(eniId: string, value: boolean): void {
    this.admit('ModifyNetworkInterfaceAttribute');
    const attachment = this.networkInterface(eniId).attachment;
    if (attachment) attachment.deleteOnTermination = value;
  }

  detachNetworkInterface(eniId: string): void {
    this.admit('DetachNetworkInterface');
    this.detachNow(eniId);
  }

  deleteNetworkInterface(eniId: string): void {
    this.admit('DeleteNetworkInterface');
    const eni = this.networkInterface(eniId);
    if (eni.attachment) {
      throw new SimulatedApiError(
        'InvalidNetworkInterface.InUse',
        `Interface '${eniId}' is currently in use`,
      );
    }
    this.releaseNow(eni);
  }

  /**
   * Deletes an ENI whose attach failed, as the CNI's cleanup does; that path retries with backoff until
   * it succeeds, so a call over the bucket still deletes (counted, but not refused).
   */
  deleteAfterFailedAttach(eniId: string): void {
    this.callsByAction.set(
      'DeleteNetworkInterface',
      (this.callsByAction.get('DeleteNetworkInterface') ?? 0) + 1,
    );
    this.bucketFor('DeleteNetworkInterface').tryTake(this.options.nowMs());
    const eni = this.networkInterfaces.get(eniId);
    if (eni && !eni.attachment) this.releaseNow(eni);
  }

  /** EC2 `AssignPrivateIpAddresses` with a count of IPs or of /28 prefixes. */
  assignPrivateIpAddresses(eniId: string, request: { ipCount?: number; prefixCount?: number }): string[] {
    this.admit('AssignPrivateIpAddresses');
    const eni = this.networkInterface(eniId);
    const map = this.subnet(eni.subnetId).addresses;
    const limit = this.ipv4PerEniOf(eni) - 1;
    const ipCount = request.ipCount ?? 0;
    const prefixCount = request.prefixCount ?? 0;
    if (eni.secondaryIps.length + eni.prefixes.length + ipCount + prefixCount > limit) {
      throw new SimulatedApiError(
        'PrivateIpAddressLimitExceeded',
        `Number of private addresses will exceed limit for interface ${eniId}.`,
      );
    }
    if (prefixCount > 0) {
      const prefixes = map.allocatePrefixes(prefixCount);
      eni.prefixes.push(...prefixes);
      return prefixes;
    }
    const ips = map.allocateIps(ipCount);
    eni.secondaryIps.push(...ips);
    return ips;
  }

  /** RunInstances as Auto Scaling calls it: one instance with its primary ENI (no AttachNetworkInterface). */
  runInstance(spec: { subnetId: string; limits: InstanceLimits; tags: Record<string, string> }): SimInstance {
    const subnet = this.subnet(spec.subnetId);
    if (subnet.addresses.assignableIpCount < 1) {
      throw new SimulatedApiError(
        'InsufficientFreeAddressesInSubnet',
        `There are not enough free addresses in subnet '${subnet.id}' to satisfy the requested number of instances.`,
      );
    }
    const nowMs = this.options.nowMs();
    const instanceId = this.nextId('i');
    const [primaryIp] = subnet.addresses.allocateIps(1);
    const eni: SimNetworkInterface = {
      id: this.nextId('eni'),
      subnetId: subnet.id,
      description: '',
      interfaceType: 'interface',
      primaryIp: primaryIp as string,
      secondaryIps: [],
      prefixes: [],
      tags: {},
      attachment: {
        attachmentId: this.nextId('eni-attach'),
        instanceId,
        deviceIndex: 0,
        attachTimeMs: nowMs,
        deleteOnTermination: true,
      },
    };
    this.networkInterfaces.set(eni.id, eni);
    const instance: SimInstance = {
      id: instanceId,
      instanceType: spec.limits.instanceType,
      limits: spec.limits,
      subnetId: subnet.id,
      launchTimeMs: nowMs,
      tags: { ...spec.tags },
      state: 'pending',
      networkInterfaceIds: [eni.id],
    };
    this.instances.set(instanceId, instance);
    return instance;
  }

  /** Terminates an instance: ENIs with delete-on-termination go with it and free their addresses. */
  terminateInstance(instanceId: string): void {
    const instance = this.instances.get(instanceId);
    if (!instance || instance.state === 'terminated') return;
    for (const eniId of instance.networkInterfaceIds) {
      if (!eniId) continue;
      const eni = this.networkInterfaces.get(eniId);
      if (!eni) continue;
      const deleteIt = eni.attachment?.deleteOnTermination ?? false;
      eni.attachment = null;
      if (deleteIt) this.releaseNow(eni);
    }
    instance.networkInterfaceIds.length = 0;
    instance.state = 'terminated';
  }

  /** Free aligned /28 blocks and free IPs per subnet, for the timeline. */
  subnetUsage(): { subnetId: string; freeIps: number; freePrefixBlocks: number }[] {
    return [...this.subnets.values()].map((subnet) => ({
      subnetId: subnet.id,
      freeIps: subnet.addresses.availableIpCount,
      freePrefixBlocks: subnet.addresses.freePrefixBlockCount(),
    }));
  }

  nextId(kind: string): string {
    this.counter += 1;
    const width = kind === 'i' || kind === 'eni' ? 17 : 16;
    return `${kind}-${this.counter.toString(16).padStart(width, '0')}`;
  }

  private detachNow(eniId: string): void {
    const eni = this.networkInterface(eniId);
    const attachment = eni.attachment;
    if (!attachment) return;
    const instance = this.instances.get(attachment.instanceId);
    if (instance) instance.networkInterfaceIds[attachment.deviceIndex] = null;
    eni.attachment = null;
  }

  private releaseNow(eni: SimNetworkInterface): void {
    const map = this.subnet(eni.subnetId).addresses;
    map.releaseIp(eni.primaryIp);
    for (const ip of eni.secondaryIps) map.releaseIp(ip);
    for (const prefix of eni.prefixes) map.releasePrefix(prefix);
    this.networkInterfaces.delete(eni.id);
  }

  private ipv4PerEniOf(eni: SimNetworkInterface): number {
    const instanceId = eni.attachment?.instanceId;
    const instance = instanceId ? this.instances.get(instanceId) : undefined;
    return instance?.limits.ipv4PerEni ?? 50;
  }

  private bucketFor(action: string): TokenBucket {
    let bucket = this.buckets.get(action);
    if (!bucket) {
      const readOnly = /^(Describe|Get|List)/.test(action);
      const spec =
        this.throttleSpecs[action] ??
        (readOnly ? this.throttleSpecs.nonMutating : this.throttleSpecs.mutating) ??
        DEFAULT_EC2_THROTTLES.mutating;
      bucket = new TokenBucket(spec?.burst ?? 50, spec?.refillPerSec ?? 5, this.options.nowMs());
      this.buckets.set(action, bucket);
    }
    return bucket;
  }
}
