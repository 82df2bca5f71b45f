import { applyManagedNodeGroupCap } from '../domain/cni-capacity.js';
import type { InstanceLimits } from '../domain/instance-limits.js';
import type { GroupMember, NodeHost, SimGroup } from './auto-scaling-model.js';
import type { Ec2Model, SimInstance } from './ec2-model.js';
import { IPAMD_CYCLE_MS, IpamdNode } from './ipamd-node.js';
import type { Scenario } from './scenario.js';
import type { RandomStreams, SeededRandom } from './seeded-random.js';
import type { SimClock, SimEvent } from './sim-event.js';
import { isSimulatedApiError } from './simulated-api-error.js';

export interface NodeState {
  readonly ipamd: IpamdNode;
  readonly group: SimGroup;
  /** This node's own draws (its ENIs' readiness, its first ipamd cycle), by its launch order in the group. */
  readonly random: SeededRandom;
  ready: boolean;
  gone: boolean;
}

/** The pod and node figures the cluster reports. */
export interface ClusterObserver {
  podsBound(count: number): void;
  podsStarted(count: number): void;
  podsRemoved(bound: number, running: number): void;
  nodeReady(group: string): void;
  nodeGone(group: string): void;
  allocationFailure(code: string, subnetId: string): void;
}

export interface ClusterEnv {
  readonly scenario: Scenario;
  readonly ec2: Ec2Model;
  readonly clock: SimClock;
  /** Per-node streams (ENI readiness delays). */
  readonly streams: RandomStreams;
  readonly metrics: ClusterObserver;
}

const TRUNK_CALLER = 'vpc-resource-controller';
const TRUNK_RETRY_MS = 10_000;
const SCHEDULER_TICK_MS = 1_000;

/**
 * The EKS cluster on Auto Scaling's instances: each node's ipamd (from boot to Ready), the VPC resource
 * controller's trunk ENI, and the scheduler binding pods to Ready nodes at the scenario's rate.
 */
export class ClusterNodes implements NodeHost {
  readonly nodes = new Map<string, NodeState>();
  /**
   * When each node launched during the run first ran every pod its group asks of it (Ready, none waiting for an
   * IP), epoch ms: the clairvoyant yardstick shifts each node's finish with its release.
   */
  readonly allPodsRunningAtMs = new Map<string, number>();
  private readonly schedulerQueue: { instanceId: string; remaining: number }[] = [];
  private schedulerCarry = 0;
  private schedulerTicking = false;
  /** Nodes launched so far per group: the next one's stream. */
  private readonly launchedPerGroup = new Map<string, number>();

  constructor(private readonly env: ClusterEnv) {}

  nodeLaunched(group: SimGroup, instance: SimInstance, limits: InstanceLimits): void {
    const ipamd = new IpamdNode(
      instance,
      limits,
      this.env.scenario.cluster.cni,
      this.maxPodsOf(group, limits),
      () => this.eniSubnetsFor(instance),
    );
    const ordinal = this.launchedPerGroup.get(group.spec.name) ?? 0;
    this.launchedPerGroup.set(group.spec.name, ordinal + 1);
    const random = this.env.streams.of(`node:${group.spec.name}:${ordinal}`);
    this.nodes.set(instance.id, { ipamd, group, random, ready: false, gone: false });
  }

  nodeTerminating(group: SimGroup, instanceId: string): void {
    const state = this.nodes.get(instanceId);
    if (!state) return;
    if (state.ready) this.env.metrics.nodeGone(group.spec.name);
    this.env.metrics.podsRemoved(state.ipamd.podsBound, state.ipamd.podsRunning);
    state.gone = true;
    state.ready = false;
    state.ipamd.podsBound = 0;
    state.ipamd.podsRunning = 0;
  }

  nodeGone(instanceId: string): void {
    this.nodes.delete(instanceId);
  }

  /** Handles the cluster's own events; false for an event that is not the cluster's. */
  handle(event: SimEvent): boolean {
    switch (event.kind) {
      case 'ipamd-cycle':
        this.runIpamdCycle(event.instanceId);
        return true;
      case 'eni-ready': {
        const state = this.nodes.get(event.instanceId);
        if (!state || state.gone) return true;
        state.ipamd.addAttachedEni(event.eniId, event.units, event.isTrunk);
        this.startWaitingPods(event.instanceId, state);
        if (!event.isTrunk)
          this.env.clock.at(this.env.clock.nowSimMs + IPAMD_CYCLE_MS, {
            kind: 'ipamd-cycle',
            instanceId: event.instanceId,
          });
        return true;
      }
      case 'ipamd-start': {
        const state = this.nodes.get(event.instanceId);
        if (!state || state.gone) return true;
        this.env.ec2.instance(event.instanceId).state = 'running';
        const member = state.group.members.find((m) => m.instanceId === event.instanceId);
        if (member && member.lifecycle === 'Pending') member.lifecycle = 'InService';
        this.runIpamdCycle(event.instanceId);
        return true;
      }
      case 'node-ready':
        this.nodeReady(event.instanceId);
        return true;
      case 'scheduler-tick':
        this.schedulerTick();
        return true;
      case 'trunk-attach':
        this.trunkAttach(event.instanceId);
        return true;
      case 'instance-running': {
        const instance = this.env.ec2.instances.get(event.instanceId);
        if (instance?.state === 'pending') instance.state = 'running';
        return true;
      }
      default:
        return false;
    }
  }

  private eniReadyMs(state: NodeState): number {
    const range = this.env.scenario.timing.eniReadySec;
    return Math.round(state.random.uniform(range.min, range.max) * 1000);
  }

  /**
   * The workload on the group's nodes changes to `podsPerNode` pods per node: Ready nodes with fewer get
   * the difference from the scheduler, nodes with more lose pods (those waiting for an IP first).
   */
  setPodsPerNode(group: SimGroup, podsPerNode: number): void {
    group.podsPerNode = podsPerNode;
    const queued = new Map<string, number>();
    for (const entry of this.schedulerQueue) queued.set(entry.instanceId, entry.remaining);
    for (const [instanceId, state] of this.nodes) {
      if (state.group !== group || state.gone || !state.ready) continue;
      const ipamd = state.ipamd;
      const planned = ipamd.podsBound + (queued.get(instanceId) ?? 0);
      if (planned < podsPerNode) {
        this.queuePods(instanceId, podsPerNode - planned);
        continue;
      }
      const unqueue = Math.min(queued.get(instanceId) ?? 0, planned - podsPerNode);
      if (unqueue > 0) this.queuePods(instanceId, -unqueue);
      const remove = Math.max(0, ipamd.podsBound - podsPerNode);
      if (remove === 0) continue;
      const removedWaiting = Math.min(remove, ipamd.podsBound - ipamd.podsRunning);
      const removedRunning = remove - removedWaiting;
      ipamd.podsBound -= remove;
      ipamd.podsRunning -= removedRunning;
      this.env.metrics.podsRemoved(remove, removedRunning);
    }
  }

  private queuePods(instanceId: string, count: number): void {
    const entry = this.schedulerQueue.find((e) => e.instanceId === instanceId);
    if (entry) entry.remaining += count;
    else this.schedulerQueue.push({ instanceId, remaining: count });
    const index = this.schedulerQueue.findIndex((e) => e.remaining <= 0);
    if (index >= 0) this.schedulerQueue.splice(index, 1);
    this.startScheduler();
  }

  /** Every node's first ipamd cycle, at a random phase within the first cycle. */
  startIpamdCycles(): void {
    for (const [instanceId, state] of this.nodes) {
      this.env.clock.at(state.random.nextInt(0, IPAMD_CYCLE_MS), { kind: 'ipamd-cycle', instanceId });
    }
  }

  /** A node that was already running before the scenario: its ipamd settled with all its pods. */
  prewarm(group: SimGroup, member: GroupMember): void {
    const state = this.nodes.get(member.instanceId) as NodeState;
    member.lifecycle = 'InService';
    state.ready = true;
    this.env.ec2.instance(member.instanceId).state = 'running';
    state.ipamd.podsBound = group.podsPerNode;
    const env = this.ipamdEnv(member.instanceId);
    for (let i = 0; i < 64; i++) {
      const result = state.ipamd.step(env);
      if (result.kind === 'eni-attached') {
        this.env.ec2.setDeleteOnTermination(result.eniId, true);
        state.ipamd.addAttachedEni(result.eniId, result.units);
      } else if (result.kind !== 'assigned') break;
      state.ipamd.assignWaitingPods();
    }
    state.ipamd.assignWaitingPods();
    if (this.env.scenario.cluster.cni.podEni) {
      const instance = this.env.ec2.instance(member.instanceId);
      const trunk = this.env.ec2.createNetworkInterface({
        subnetId: instance.subnetId,
        interfaceType: 'trunk',
        description: 'trunk',
      });
      this.env.ec2.attachNetworkInterface(
        trunk.id,
        instance.id,
        instance.networkInterfaceIds.length,
        TRUNK_CALLER,
      );
      state.ipamd.addAttachedEni(trunk.id, 0, true);
    }
  }

  private ipamdEnv(instanceId: string) {
    return {
      ec2: this.env.ec2,
      nowMs: () => this.env.clock.nowEpochMs(),
      caller: instanceId,
      onAllocationFailure: (code: string, subnetId: string) =>
        this.env.metrics.allocationFailure(code, subnetId),
    };
  }

  /** kubelet maxPods: the EKS formula with the managed-node-group caps (DOMAIN.md section 1). */
  private maxPodsOf(group: SimGroup, limits: InstanceLimits): number {
    if (group.spec.maxPods !== null) return group.spec.maxPods;
    const cni = this.env.scenario.cluster.cni;
    let enis = cni.maxEni !== null && cni.maxEni >= 1 ? Math.min(cni.maxEni, limits.maxEnis) : limits.maxEnis;
    if (cni.customNetworking) enis -= 1;
    const perEni = limits.ipv4PerEni - 1;
    const formula = cni.prefixDelegation ? enis * perEni * 16 + 2 : enis * perEni + 2;
    return applyManagedNodeGroupCap(limits, formula);
  }

  /** Where ipamd may create an ENI: ENIConfig subnet, or node subnet plus discovered ones in its AZ. */
  private eniSubnetsFor(instance: SimInstance): string[] {
    const cni = this.env.scenario.cluster.cni;
    const own = this.env.ec2.subnet(instance.subnetId);
    if (cni.customNetworking) {
      const subnetId = cni.eniConfigSubnets[own.availabilityZone];
      return subnetId ? [subnetId] : [own.id];
    }
    if (!cni.subnetDiscovery) return [own.id];
    const discovered = [...this.env.ec2.subnets.values()]
      .filter(
        (s) =>
          s.id !== own.id &&
          s.availabilityZone === own.availabilityZone &&
          s.tags['kubernetes.io/role/cni'] === '1',
      )
      .map((s) => s.id);
    return [own.id, ...discovered];
  }

  private runIpamdCycle(instanceId: string): void {
    const state = this.nodes.get(instanceId);
    if (!state || state.gone) return;
    const result = state.ipamd.step(this.ipamdEnv(instanceId));
    this.startWaitingPods(instanceId, state);
    if (result.kind === 'eni-attached') {
      // ipamd blocks until the ENI shows in instance metadata (`WaitForENIAndIPsAttached`).
      this.env.clock.at(this.env.clock.nowSimMs + this.eniReadyMs(state), {
        kind: 'eni-ready',
        instanceId,
        eniId: result.eniId,
        units: result.units,
        isTrunk: false,
      });
      return;
    }
    this.env.clock.at(this.env.clock.nowSimMs + IPAMD_CYCLE_MS, { kind: 'ipamd-cycle', instanceId });
  }

  /** Gives waiting pods the IPs the node has, and notes when the node first runs all its pods. */
  private startWaitingPods(instanceId: string, state: NodeState): void {
    this.env.metrics.podsStarted(state.ipamd.assignWaitingPods());
    this.noteAllPodsRunning(instanceId, state);
  }

  private noteAllPodsRunning(instanceId: string, state: NodeState): void {
    if (!state.ready || state.gone || this.allPodsRunningAtMs.has(instanceId)) return;
    if (state.ipamd.podsRunning < state.group.podsPerNode) return;
    this.allPodsRunningAtMs.set(instanceId, this.env.clock.nowEpochMs());
  }

  private nodeReady(instanceId: string): void {
    const state = this.nodes.get(instanceId);
    if (!state || state.gone) return;
    state.ready = true;
    this.env.metrics.nodeReady(state.group.spec.name);
    this.noteAllPodsRunning(instanceId, state);
    if (state.group.podsPerNode > 0) {
      this.schedulerQueue.push({ instanceId, remaining: state.group.podsPerNode });
      this.startScheduler();
    }
    if (this.env.scenario.cluster.cni.podEni) this.trunkAttach(instanceId);
  }

  private startScheduler(): void {
    if (this.schedulerTicking) return;
    this.schedulerTicking = true;
    this.env.clock.at(this.env.clock.nowSimMs, { kind: 'scheduler-tick' });
  }

  /** Binds pods to Ready nodes at the scenario's rate, oldest Ready node first. */
  private schedulerTick(): void {
    this.schedulerCarry += (this.env.scenario.schedulerPodsPerSec * SCHEDULER_TICK_MS) / 1000;
    let budget = Math.floor(this.schedulerCarry);
    this.schedulerCarry -= budget;
    while (budget > 0 && this.schedulerQueue.length > 0) {
      const head = this.schedulerQueue[0] as { instanceId: string; remaining: number };
      const state = this.nodes.get(head.instanceId);
      if (!state || state.gone) {
        this.schedulerQueue.shift();
        continue;
      }
      const bind = Math.min(budget, head.remaining);
      state.ipamd.podsBound += bind;
      this.env.metrics.podsBound(bind);
      this.startWaitingPods(head.instanceId, state);
      head.remaining -= bind;
      budget -= bind;
      if (head.remaining === 0) this.schedulerQueue.shift();
    }
    if (this.schedulerQueue.length > 0) {
      this.env.clock.at(this.env.clock.nowSimMs + SCHEDULER_TICK_MS, { kind: 'scheduler-tick' });
    } else {
      this.schedulerTicking = false;
      this.schedulerCarry = 0;
    }
  }

  private trunkAttach(instanceId: string): void {
    const state = this.nodes.get(instanceId);
    if (!state || state.gone || state.ipamd.trunkAttached) return;
    const instance = this.env.ec2.instance(instanceId);
    let eniId: string | null = null;
    try {
      const eni = this.env.ec2.createNetworkInterface({
        subnetId: instance.subnetId,
        interfaceType: 'trunk',
        description: 'trunk',
      });
      eniId = eni.id;
      const index = instance.networkInterfaceIds.indexOf(null);
      this.env.ec2.attachNetworkInterface(
        eni.id,
        instanceId,
        index >= 0 ? index : instance.networkInterfaceIds.length,
        TRUNK_CALLER,
      );
      const attachment = this.env.ec2.networkInterface(eni.id).attachment;
      if (attachment) attachment.deleteOnTermination = true;
      state.ipamd.trunkAttached = true;
      this.env.clock.at(this.env.clock.nowSimMs + this.eniReadyMs(state), {
        kind: 'eni-ready',
        instanceId,
        eniId: eni.id,
        units: 0,
        isTrunk: true,
      });
    } catch (error) {
      if (!isSimulatedApiError(error)) throw error;
      if (eniId) this.env.ec2.deleteAfterFailedAttach(eniId);
      this.env.clock.at(this.env.clock.nowSimMs + TRUNK_RETRY_MS, { kind: 'trunk-attach', instanceId });
    }
  }
}
