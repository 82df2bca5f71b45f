import { applyManagedNodeGroupCap } from '../domain/cni-capacity.js';
import { AutoScalingModel, type NodeHost, type SimGroup } from './auto-scaling-model.js';
import { Ec2Model, type SimInstance } from './ec2-model.js';
import { SimulatedEventBus } from './event-bus.js';
import { EventQueue } from './event-queue.js';
import type { EventBridgeEnvelope } from './eventbridge-events.js';
import type { GuardClients, GuardContext, SimulatedGuard } from './guard-plugin.js';
import { IPAMD_CYCLE_MS, IpamdNode } from './ipamd-node.js';
import { MetricsRecorder, type SimulationReport } from './metrics.js';
import type { ExternalConsumer, Scenario } from './scenario.js';
import { SeededRandom } from './seeded-random.js';
import type { SimClock, SimEvent } from './sim-event.js';
import { isSimulatedApiError, SimulatedApiError } from './simulated-api-error.js';

export type { GroupMember, LifecycleState, SimGroup } from './auto-scaling-model.js';

interface NodeState {
  readonly ipamd: IpamdNode;
  readonly group: SimGroup;
  ready: boolean;
  gone: boolean;
}

export interface SnsPublish {
  readonly atMs: number;
  readonly topicArn: string;
  readonly subject: string | null;
  readonly message: string;
  readonly messageId: string;
  readonly identityArn: string;
  /** `MessageAttributes` as name → string value. */
  readonly attributes: Readonly<Record<string, string>>;
  /** `MessageStructure` (`json`: `message` holds one body per protocol); null when not set. */
  readonly messageStructure: string | null;
}

export interface SimulationOptions {
  readonly seed: number;
  readonly guard?: SimulatedGuard;
  /** Builds SDK clients bridged to this account for an identity (from `shared/adapters/simulated`). */
  readonly clientsFor?: (account: SimulatedAccount, identityArn: string) => GuardClients;
  readonly durationMin?: number;
  /** Fraction of simulated time done, 0..1. */
  readonly onProgress?: (fraction: number) => void;
}

const TRUNK_CALLER = 'vpc-resource-controller';
const TRUNK_RETRY_MS = 10_000;
const SCHEDULER_TICK_MS = 1_000;

/**
 * One simulated AWS account and Region running an EKS cluster: EC2, Auto Scaling, the nodes' ipamd,
 * a pod scheduler, EventBridge delivery and other consumers of the attach budget, on a simulated clock.
 */
export class SimulatedAccount implements NodeHost {
  readonly ec2: Ec2Model;
  readonly autoScaling: AutoScalingModel;
  readonly bus: SimulatedEventBus;
  readonly nodes = new Map<string, NodeState>();
  readonly snsPublishes: SnsPublish[] = [];
  readonly metrics: MetricsRecorder;
  readonly startEpochMs: number;
  readonly endMs: number;
  private readonly random: SeededRandom;
  private readonly queue = new EventQueue<SimEvent>();
  private simMs = 0;
  private readonly schedulerQueue: { instanceId: string; remaining: number }[] = [];
  private schedulerCarry = 0;
  private schedulerTicking = false;
  private readonly externalSinks: (SimInstance | null)[] = [];
  private guardContext: GuardContext | null = null;
  private readonly clock: SimClock;

  constructor(
    readonly scenario: Scenario,
    readonly options: SimulationOptions,
  ) {
    this.random = new SeededRandom(options.seed);
    const eventRandom = this.random.fork('events');
    const account = this;
    this.clock = {
      get nowSimMs() {
        return account.simMs;
      },
      get startEpochMs() {
        return account.startEpochMs;
      },
      nowEpochMs: () => this.nowEpochMs(),
      at: (timeMs, event) => this.queue.push(timeMs, event),
    };
    this.startEpochMs = Date.parse(scenario.startTime);
    this.endMs = (options.durationMin ?? scenario.durationMin) * 60_000;
    this.ec2 = new Ec2Model({
      accountId: scenario.account.accountId,
      region: scenario.account.region,
      vpcId: scenario.vpc.vpcId,
      random: this.random.fork('ec2'),
      nowMs: () => this.nowEpochMs(),
      attachBudgetPerMin: scenario.account.attachBudgetPerMin,
    });
    this.metrics = new MetricsRecorder(this);
    this.bus = new SimulatedEventBus({
      scenario,
      clock: this.clock,
      random: eventRandom,
      counter: this.metrics,
    });
    this.autoScaling = new AutoScalingModel({
      scenario,
      ec2: this.ec2,
      clock: this.clock,
      bus: this.bus,
      random: this.random,
      terminationRandom: new SeededRandom(options.seed).fork('termination'),
      observer: this.metrics,
      nodes: this,
      guardIdentityArn: options.guard?.identityArn,
    });
    this.build();
  }

  /** Simulated milliseconds since the scenario started. */
  get nowSimMs(): number {
    return this.simMs;
  }

  nowEpochMs(): number {
    return this.startEpochMs + this.simMs;
  }

  get guard(): SimulatedGuard | undefined {
    return this.options.guard;
  }

  get groups(): ReadonlyMap<string, SimGroup> {
    return this.autoScaling.groups;
  }

  /** Events the guard received, in arrival order. */
  get deliveredEvents(): readonly EventBridgeEnvelope[] {
    return this.bus.deliveredEvents;
  }

  /** Events put on the bus with PutEvents. */
  get putEvents(): readonly EventBridgeEnvelope[] {
    return this.bus.putEvents;
  }

  /** Runs the scenario to its end and returns the report. */
  async run(): Promise<SimulationReport> {
    const guard = this.options.guard;
    if (guard) {
      if (!this.options.clientsFor) {
        throw new SimulatedApiError('InvalidParameter', 'a guard needs clientsFor to build its SDK clients');
      }
      const clients = this.options.clientsFor(this, guard.identityArn);
      this.guardContext = { nowMs: () => this.nowEpochMs(), clients };
      await guard.start(this.guardContext);
      guard.schedules.forEach((schedule, index) => {
        this.queue.push(schedule.everySec * 1000, { kind: 'guard-schedule', index });
      });
    }
    let lastProgress = -1;
    for (;;) {
      const nextMs = this.queue.peekTimeMs();
      if (nextMs === undefined || nextMs > this.endMs) break;
      const entry = this.queue.pop();
      if (!entry) break;
      this.metrics.advanceTo(entry.timeMs);
      this.simMs = entry.timeMs;
      const pending = this.handle(entry.item);
      if (pending) await pending;
      this.metrics.afterEvent();
      if (this.options.onProgress) {
        const progress = Math.floor((this.simMs / this.endMs) * 100);
        if (progress !== lastProgress) {
          lastProgress = progress;
          this.options.onProgress(progress / 100);
        }
      }
    }
    this.metrics.advanceTo(this.endMs);
    this.simMs = this.endMs;
    return this.metrics.report();
  }

  /** Counts one API call (every SDK attempt) for the summary's per-identity figures. */
  countApiCall(clientName: string, action: string, identityArn: string): void {
    if (identityArn === this.options.guard?.identityArn) this.metrics.guardCall(clientName, action);
  }

  // ---- SNS and EventBridge API ----

  publishSns(
    topicArn: string,
    message: string,
    subject: string | null,
    identityArn: string,
    extra: { attributes?: Readonly<Record<string, string>>; messageStructure?: string | null } = {},
  ): string {
    const messageId = this.bus.newId();
    this.snsPublishes.push({
      atMs: this.simMs,
      topicArn,
      subject,
      message,
      messageId,
      identityArn,
      attributes: extra.attributes ?? {},
      messageStructure: extra.messageStructure ?? null,
    });
    return messageId;
  }

  // ---- internals ----

  private uniformMs(range: { min: number; max: number }): number {
    return Math.round(this.random.uniform(range.min, range.max) * 1000);
  }

  private build(): void {
    const scenario = this.scenario;
    for (const spec of scenario.vpc.subnets) {
      this.ec2.addSubnet({
        id: spec.id,
        cidr: spec.cidr,
        availabilityZone: spec.availabilityZone,
        tags: { ...spec.tags },
      });
      for (const reservation of spec.reservations)
        this.ec2.addCidrReservation(spec.id, reservation.cidr, reservation.type);
      if (spec.preAllocated && spec.preAllocated.count > 0) {
        this.ec2.subnet(spec.id).addresses.preAllocate(spec.preAllocated.count, spec.preAllocated.pattern);
      }
    }
    const setupMs = -3_600_000;
    this.simMs = setupMs;
    this.ec2.bypassLimits = true;
    for (const spec of scenario.groups) {
      const group = this.autoScaling.addGroup(spec);
      for (let i = 0; i < spec.desiredCapacity; i++) this.prewarmNode(group);
    }
    this.ec2.bypassLimits = false;
    this.simMs = 0;
    this.metrics.start();
    for (const [instanceId] of this.nodes) {
      this.queue.push(this.random.nextInt(0, IPAMD_CYCLE_MS), { kind: 'ipamd-cycle', instanceId });
    }
    for (let minute = 1; minute * 60_000 <= this.endMs; minute++)
      this.queue.push(minute * 60_000, { kind: 'sample' });
    scenario.actions.forEach((action, index) => {
      this.queue.push(Math.round(action.atSec * 1000), { kind: 'scale-action', index });
    });
    scenario.externalConsumers.forEach((consumer, index) => {
      this.externalSinks.push(null);
      if (consumer.attachesPerMin > 0) {
        this.queue.push(Math.round(consumer.fromSec * 1000) + this.externalGapMs(consumer), {
          kind: 'external-attach',
          consumer: index,
        });
      }
    });
  }

  /** A node that was already running before the scenario: its ipamd settled with all its pods. */
  private prewarmNode(group: SimGroup): void {
    const member = this.autoScaling.launchOne(group);
    if (!member)
      throw new SimulatedApiError(
        'InsufficientFreeAddressesInSubnet',
        `no address for the starting nodes of ${group.spec.name}`,
      );
    const state = this.nodes.get(member.instanceId) as NodeState;
    member.lifecycle = 'InService';
    state.ready = true;
    this.ec2.instance(member.instanceId).state = 'running';
    state.ipamd.podsBound = group.spec.podsPerNode;
    const env = this.ipamdEnv(member.instanceId);
    for (let i = 0; i < 64; i++) {
      const result = state.ipamd.step(env);
      if (result.kind === 'eni-attached') {
        this.ec2.setDeleteOnTermination(result.eniId, true);
        state.ipamd.addAttachedEni(result.eniId, result.units);
      } else if (result.kind !== 'assigned') break;
      state.ipamd.assignWaitingPods();
    }
    state.ipamd.assignWaitingPods();
    if (this.scenario.cluster.cni.podEni) {
      const instance = this.ec2.instance(member.instanceId);
      const trunk = this.ec2.createNetworkInterface({
        subnetId: instance.subnetId,
        interfaceType: 'trunk',
        description: 'trunk',
      });
      this.ec2.attachNetworkInterface(
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
      ec2: this.ec2,
      nowMs: () => this.nowEpochMs(),
      caller: instanceId,
      onAllocationFailure: (code: string, subnetId: string) => this.metrics.allocationFailure(code, subnetId),
    };
  }

  // ---- the nodes on Auto Scaling's instances (NodeHost) ----

  nodeLaunched(group: SimGroup, instance: SimInstance): void {
    const ipamd = new IpamdNode(
      instance,
      group.limits,
      this.scenario.cluster.cni,
      this.maxPodsOf(group),
      () => this.eniSubnetsFor(instance),
    );
    this.nodes.set(instance.id, { ipamd, group, ready: false, gone: false });
  }

  nodeTerminating(group: SimGroup, instanceId: string): void {
    const state = this.nodes.get(instanceId);
    if (!state) return;
    if (state.ready) this.metrics.nodeGone(group.spec.name);
    this.metrics.podsRemoved(state.ipamd.podsBound, state.ipamd.podsRunning);
    state.gone = true;
    state.ready = false;
    state.ipamd.podsBound = 0;
    state.ipamd.podsRunning = 0;
  }

  nodeGone(instanceId: string): void {
    this.nodes.delete(instanceId);
  }

  /** kubelet maxPods: the EKS formula with the managed-node-group caps (DOMAIN.md section 1). */
  private maxPodsOf(group: SimGroup): number {
    if (group.spec.maxPods !== null) return group.spec.maxPods;
    const cni = this.scenario.cluster.cni;
    const limits = group.limits;
    let enis = cni.maxEni !== null && cni.maxEni >= 1 ? Math.min(cni.maxEni, limits.maxEnis) : limits.maxEnis;
    if (cni.customNetworking) enis -= 1;
    const perEni = limits.ipv4PerEni - 1;
    const formula = cni.prefixDelegation ? enis * perEni * 16 + 2 : enis * perEni + 2;
    return applyManagedNodeGroupCap(limits, formula);
  }

  /** Where ipamd may create an ENI: ENIConfig subnet, or node subnet plus discovered ones in its AZ. */
  private eniSubnetsFor(instance: SimInstance): string[] {
    const cni = this.scenario.cluster.cni;
    const own = this.ec2.subnet(instance.subnetId);
    if (cni.customNetworking) {
      const subnetId = cni.eniConfigSubnets[own.availabilityZone];
      return subnetId ? [subnetId] : [own.id];
    }
    if (!cni.subnetDiscovery) return [own.id];
    const discovered = [...this.ec2.subnets.values()]
      .filter(
        (s) =>
          s.id !== own.id &&
          s.availabilityZone === own.availabilityZone &&
          s.tags['kubernetes.io/role/cni'] === '1',
      )
      .map((s) => s.id);
    return [own.id, ...discovered];
  }

  private handle(event: SimEvent): Promise<void> | undefined {
    switch (event.kind) {
      case 'ipamd-cycle':
        this.runIpamdCycle(event.instanceId);
        return undefined;
      case 'eni-ready': {
        const state = this.nodes.get(event.instanceId);
        if (!state || state.gone) return undefined;
        state.ipamd.addAttachedEni(event.eniId, event.units, event.isTrunk);
        this.metrics.podsStarted(state.ipamd.assignWaitingPods());
        if (!event.isTrunk)
          this.queue.push(this.simMs + IPAMD_CYCLE_MS, { kind: 'ipamd-cycle', instanceId: event.instanceId });
        return undefined;
      }
      case 'ipamd-start': {
        const state = this.nodes.get(event.instanceId);
        if (!state || state.gone) return undefined;
        this.ec2.instance(event.instanceId).state = 'running';
        const member = state.group.members.find((m) => m.instanceId === event.instanceId);
        if (member && member.lifecycle === 'Pending') member.lifecycle = 'InService';
        this.runIpamdCycle(event.instanceId);
        return undefined;
      }
      case 'node-ready':
        this.nodeReady(event.instanceId);
        return undefined;
      case 'scheduler-tick':
        this.schedulerTick();
        return undefined;
      case 'asg-reconcile':
        this.autoScaling.reconcile(this.autoScaling.group(event.group));
        return undefined;
      case 'instance-gone':
        this.autoScaling.instanceGone(event.instanceId);
        return undefined;
      case 'deliver':
        if (!this.bus.arrive(event.event)) return undefined;
        if (this.options.guard && this.guardContext)
          return this.options.guard.onEvent(event.event, this.guardContext);
        return undefined;
      case 'guard-schedule': {
        const guard = this.options.guard;
        const schedule = guard?.schedules[event.index];
        if (!schedule || !this.guardContext) return undefined;
        this.queue.push(this.simMs + schedule.everySec * 1000, event);
        if (this.bus.guardDown) return undefined;
        return schedule.run(this.guardContext);
      }
      case 'scale-action':
        this.scaleAction(event.index);
        return undefined;
      case 'external-attach':
        this.externalAttach(event.consumer);
        return undefined;
      case 'external-release':
        this.externalRelease(event.eniId, event.consumer);
        return undefined;
      case 'trunk-attach':
        this.trunkAttach(event.instanceId);
        return undefined;
      case 'lifecycle-timeout':
        this.autoScaling.lifecycleTimeout(event);
        return undefined;
      case 'instance-running': {
        const instance = this.ec2.instances.get(event.instanceId);
        if (instance?.state === 'pending') instance.state = 'running';
        return undefined;
      }
      case 'guard-up':
        this.bus.guardUp();
        return undefined;
      case 'sample':
        this.metrics.sample();
        return undefined;
      default: {
        const unreachable: never = event;
        throw new Error(`unknown simulation event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private runIpamdCycle(instanceId: string): void {
    const state = this.nodes.get(instanceId);
    if (!state || state.gone) return;
    const result = state.ipamd.step(this.ipamdEnv(instanceId));
    this.metrics.podsStarted(state.ipamd.assignWaitingPods());
    if (result.kind === 'eni-attached') {
      // ipamd blocks until the ENI shows in instance metadata (`WaitForENIAndIPsAttached`).
      this.queue.push(this.simMs + this.uniformMs(this.scenario.timing.eniReadySec), {
        kind: 'eni-ready',
        instanceId,
        eniId: result.eniId,
        units: result.units,
        isTrunk: false,
      });
      return;
    }
    this.queue.push(this.simMs + IPAMD_CYCLE_MS, { kind: 'ipamd-cycle', instanceId });
  }

  private nodeReady(instanceId: string): void {
    const state = this.nodes.get(instanceId);
    if (!state || state.gone) return;
    state.ready = true;
    this.metrics.nodeReady(state.group.spec.name);
    if (state.group.spec.podsPerNode > 0) {
      this.schedulerQueue.push({ instanceId, remaining: state.group.spec.podsPerNode });
      this.startScheduler();
    }
    if (this.scenario.cluster.cni.podEni) this.trunkAttach(instanceId);
  }

  private startScheduler(): void {
    if (this.schedulerTicking) return;
    this.schedulerTicking = true;
    this.queue.push(this.simMs, { kind: 'scheduler-tick' });
  }

  /** Binds pods to Ready nodes at the scenario's rate, oldest Ready node first. */
  private schedulerTick(): void {
    this.schedulerCarry += (this.scenario.schedulerPodsPerSec * SCHEDULER_TICK_MS) / 1000;
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
      this.metrics.podsBound(bind);
      this.metrics.podsStarted(state.ipamd.assignWaitingPods());
      head.remaining -= bind;
      budget -= bind;
      if (head.remaining === 0) this.schedulerQueue.shift();
    }
    if (this.schedulerQueue.length > 0) {
      this.queue.push(this.simMs + SCHEDULER_TICK_MS, { kind: 'scheduler-tick' });
    } else {
      this.schedulerTicking = false;
      this.schedulerCarry = 0;
    }
  }

  private scaleAction(index: number): void {
    const action = this.scenario.actions[index];
    if (!action) return;
    if (action.via === 'guard-down') {
      this.bus.takeGuardDown(Math.round(action.forSec * 1000));
      return;
    }
    const operator = this.scenario.account.operatorArn;
    if (action.via === 'scale-request' && this.options.guard) {
      this.bus.putEvent({
        source: 'capacity-guard',
        detailType: 'Scale Request',
        detail: { autoScalingGroupName: action.group, desiredCapacity: action.desired },
      });
      return;
    }
    try {
      this.autoScaling.setDesiredCapacity(action.group, action.desired, false, operator);
    } catch (error) {
      if (!isSimulatedApiError(error)) throw error;
      this.metrics.note(`scale action ${index} refused: ${error.code}: ${error.message}`);
    }
  }

  private trunkAttach(instanceId: string): void {
    const state = this.nodes.get(instanceId);
    if (!state || state.gone || state.ipamd.trunkAttached) return;
    const instance = this.ec2.instance(instanceId);
    let eniId: string | null = null;
    try {
      const eni = this.ec2.createNetworkInterface({
        subnetId: instance.subnetId,
        interfaceType: 'trunk',
        description: 'trunk',
      });
      eniId = eni.id;
      const index = instance.networkInterfaceIds.indexOf(null);
      this.ec2.attachNetworkInterface(
        eni.id,
        instanceId,
        index >= 0 ? index : instance.networkInterfaceIds.length,
        TRUNK_CALLER,
      );
      const attachment = this.ec2.networkInterface(eni.id).attachment;
      if (attachment) attachment.deleteOnTermination = true;
      state.ipamd.trunkAttached = true;
      this.queue.push(this.simMs + this.uniformMs(this.scenario.timing.eniReadySec), {
        kind: 'eni-ready',
        instanceId,
        eniId: eni.id,
        units: 0,
        isTrunk: true,
      });
    } catch (error) {
      if (!isSimulatedApiError(error)) throw error;
      if (eniId) this.ec2.deleteAfterFailedAttach(eniId);
      this.queue.push(this.simMs + TRUNK_RETRY_MS, { kind: 'trunk-attach', instanceId });
    }
  }

  private externalGapMs(consumer: ExternalConsumer): number {
    const meanMs = 60_000 / consumer.attachesPerMin;
    return Math.max(1, Math.round(meanMs * this.random.uniform(0.8, 1.2)));
  }

  /** Another workload in the account attaching one ENI (its calls spend the same buckets and budget). */
  private externalAttach(index: number): void {
    const consumer = this.scenario.externalConsumers[index];
    if (!consumer) return;
    if (consumer.toSec === null || this.simMs + 1 <= consumer.toSec * 1000) {
      this.queue.push(this.simMs + this.externalGapMs(consumer), {
        kind: 'external-attach',
        consumer: index,
      });
    }
    if (consumer.toSec !== null && this.simMs > consumer.toSec * 1000) return;
    let sink = this.externalSinks[index] ?? null;
    if (!sink) {
      const wasBypassing = this.ec2.bypassLimits;
      sink = this.ec2.runInstance({
        subnetId: consumer.subnetId,
        limits: {
          instanceType: 'c5.large',
          maxEnis: 1_000_000,
          ipv4PerEni: 10,
          vcpus: 2,
          hypervisor: 'nitro',
          bareMetal: false,
          source: 'simulator: stands for the other workload fleet',
        },
        tags: { Name: consumer.name },
      });
      this.ec2.bypassLimits = wasBypassing;
      sink.state = 'running';
      this.externalSinks[index] = sink;
    }
    let eniId: string | null = null;
    try {
      const eni = this.ec2.createNetworkInterface({
        subnetId: consumer.subnetId,
        description: consumer.name,
      });
      eniId = eni.id;
      const slot = sink.networkInterfaceIds.indexOf(null);
      this.ec2.attachNetworkInterface(
        eni.id,
        sink.id,
        slot >= 0 ? slot : sink.networkInterfaceIds.length,
        consumer.name,
      );
      this.queue.push(this.simMs + Math.round(consumer.eniLifetimeSec * 1000), {
        kind: 'external-release',
        eniId: eni.id,
        consumer: index,
      });
    } catch (error) {
      if (!isSimulatedApiError(error)) throw error;
      if (eniId) this.ec2.deleteAfterFailedAttach(eniId);
    }
  }

  private externalRelease(eniId: string, index: number): void {
    try {
      this.ec2.detachNetworkInterface(eniId);
      this.ec2.deleteNetworkInterface(eniId);
    } catch (error) {
      if (!isSimulatedApiError(error, 'RequestLimitExceeded')) throw error;
      this.queue.push(this.simMs + IPAMD_CYCLE_MS, { kind: 'external-release', eniId, consumer: index });
    }
  }
}
