import { applyManagedNodeGroupCap } from '../domain/cni-capacity.js';
import type { InstanceLimits } from '../domain/instance-limits.js';
import { Ec2Model, type SimInstance } from './ec2-model.js';
import { EventQueue } from './event-queue.js';
import {
  autoScalingGroupArn,
  cloudTrailApiCallEvent,
  type EventBridgeEnvelope,
  type EventContext,
  eventTime,
  launchLifecycleActionEvent,
  launchSuccessfulEvent,
  launchUnsuccessfulEvent,
  terminateSuccessfulEvent,
  uuidFrom,
} from './eventbridge-events.js';
import type { GuardClients, GuardContext, SimulatedGuard } from './guard-plugin.js';
import { findSimulatorInstanceLimits } from './instance-catalog.js';
import { IPAMD_CYCLE_MS, IpamdNode } from './ipamd-node.js';
import {
  type ActionReference,
  findOpenAction,
  LAUNCHING,
  type LifecycleAction,
  type LifecycleHook,
  type LifecycleResult,
  type PutLifecycleHookInput,
  putLifecycleHook,
  recordHeartbeat,
  startAction,
} from './lifecycle-hooks.js';
import { MetricsRecorder, type SimulationReport } from './metrics.js';
import type { ExternalConsumer, Scenario, ScenarioGroup } from './scenario.js';
import { SeededRandom } from './seeded-random.js';
import { isSimulatedApiError, SimulatedApiError } from './simulated-api-error.js';

export type LifecycleState = 'Pending' | 'Pending:Wait' | 'InService' | 'Terminating';

export interface GroupMember {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly launchMs: number;
  lifecycle: LifecycleState;
  /** Launch lifecycle actions holding the instance in `Pending:Wait`. */
  readonly actions: LifecycleAction[];
  /** When `Pending:Wait` began (simulated ms); null: never waited. */
  waitStartMs: number | null;
  /** When the node's user data reaches its wait for `InService` (simulated ms); null: it does not wait. */
  waitPointMs: number | null;
  /** The cause of the launch activity, reported when the activity completes. */
  launchCause: string;
}

/** One Auto Scaling group. */
export interface SimGroup {
  readonly spec: ScenarioGroup;
  readonly arn: string;
  readonly limits: InstanceLimits;
  readonly tags: Record<string, string>;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  readonly members: GroupMember[];
  reconcileAtMs: number | null;
  lastCause: string;
  /** Who last set the desired capacity (identity ARN); '' for Auto Scaling itself. */
  desiredSetBy: string;
  readonly hooks: LifecycleHook[];
  /** The launch template's user data waits for IMDS `target-lifecycle-state` = InService before kubelet. */
  readonly nodeWaits: boolean;
}

interface NodeState {
  readonly ipamd: IpamdNode;
  readonly group: SimGroup;
  ready: boolean;
  gone: boolean;
}

type SimEvent =
  | { readonly kind: 'ipamd-cycle'; readonly instanceId: string }
  | {
      readonly kind: 'eni-ready';
      readonly instanceId: string;
      readonly eniId: string;
      readonly units: number;
      readonly isTrunk: boolean;
    }
  | { readonly kind: 'ipamd-start'; readonly instanceId: string }
  | { readonly kind: 'node-ready'; readonly instanceId: string }
  | { readonly kind: 'scheduler-tick' }
  | { readonly kind: 'asg-reconcile'; readonly group: string }
  | { readonly kind: 'instance-gone'; readonly instanceId: string }
  | { readonly kind: 'deliver'; readonly event: EventBridgeEnvelope }
  | { readonly kind: 'guard-schedule'; readonly index: number }
  | { readonly kind: 'scale-action'; readonly index: number }
  | { readonly kind: 'external-attach'; readonly consumer: number }
  | { readonly kind: 'external-release'; readonly eniId: string; readonly consumer: number }
  | { readonly kind: 'trunk-attach'; readonly instanceId: string }
  | {
      readonly kind: 'lifecycle-timeout';
      readonly group: string;
      readonly instanceId: string;
      readonly hookName: string;
      readonly generation: number;
    }
  | { readonly kind: 'instance-running'; readonly instanceId: string }
  | { readonly kind: 'guard-up' }
  | { readonly kind: 'sample' };

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
export class SimulatedAccount {
  readonly ec2: Ec2Model;
  readonly groups = new Map<string, SimGroup>();
  readonly nodes = new Map<string, NodeState>();
  readonly snsPublishes: SnsPublish[] = [];
  readonly putEvents: EventBridgeEnvelope[] = [];
  readonly deliveredEvents: EventBridgeEnvelope[] = [];
  readonly metrics: MetricsRecorder;
  readonly startEpochMs: number;
  readonly endMs: number;
  private readonly random: SeededRandom;
  private readonly eventRandom: SeededRandom;
  private readonly queue = new EventQueue<SimEvent>();
  private simMs = 0;
  private readonly schedulerQueue: { instanceId: string; remaining: number }[] = [];
  private schedulerCarry = 0;
  private schedulerTicking = false;
  private readonly externalSinks: (SimInstance | null)[] = [];
  private guardContext: GuardContext | null = null;
  /** Until when (simulated ms) the guard is down; events meanwhile wait in `heldEvents`. */
  private guardDownUntilMs = Number.NEGATIVE_INFINITY;
  private readonly heldEvents: EventBridgeEnvelope[] = [];
  /** Its own stream, so scale-in choices do not shift the draws of boots and attaches. */
  private readonly terminationRandom: SeededRandom;

  constructor(
    readonly scenario: Scenario,
    readonly options: SimulationOptions,
  ) {
    this.random = new SeededRandom(options.seed);
    this.eventRandom = this.random.fork('events');
    this.terminationRandom = new SeededRandom(options.seed).fork('termination');
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

  // ---- Auto Scaling API (also used by the SDK bridge) ----

  group(name: string): SimGroup {
    const group = this.groups.get(name);
    if (!group) throw new SimulatedApiError('ValidationError', `AutoScalingGroup name not found - ${name}`);
    return group;
  }

  /** Auto Scaling `SetDesiredCapacity`; every call (failed or not) becomes a CloudTrail event. */
  setDesiredCapacity(groupName: string, desired: number, honorCooldown: boolean, identityArn: string): void {
    const requestParameters = { autoScalingGroupName: groupName, desiredCapacity: desired, honorCooldown };
    try {
      const group = this.group(groupName);
      if (desired > group.maxSize) {
        throw new SimulatedApiError(
          'ValidationError',
          `New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`,
        );
      }
      if (desired < group.minSize) {
        throw new SimulatedApiError(
          'ValidationError',
          `New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`,
        );
      }
      this.changeDesired(
        group,
        desired,
        `a user request explicitly set group desired capacity changing the desired capacity from ${group.desiredCapacity} to ${desired}`,
        identityArn,
      );
      this.recordApiCall('SetDesiredCapacity', identityArn, requestParameters);
    } catch (error) {
      this.recordApiCall('SetDesiredCapacity', identityArn, requestParameters, error);
      throw error;
    }
  }

  /**
   * Auto Scaling `UpdateAutoScalingGroup` (sizes only). A new MinSize above the group's size raises
   * desired to it; a new MaxSize below lowers desired to it (UpdateAutoScalingGroup API reference).
   */
  updateAutoScalingGroup(
    groupName: string,
    sizes: { minSize?: number; maxSize?: number; desiredCapacity?: number },
    identityArn: string,
  ): void {
    const requestParameters: Record<string, unknown> = { autoScalingGroupName: groupName };
    if (sizes.minSize !== undefined) requestParameters.minSize = sizes.minSize;
    if (sizes.maxSize !== undefined) requestParameters.maxSize = sizes.maxSize;
    if (sizes.desiredCapacity !== undefined) requestParameters.desiredCapacity = sizes.desiredCapacity;
    try {
      const group = this.group(groupName);
      const minSize = sizes.minSize ?? group.minSize;
      const maxSize = sizes.maxSize ?? group.maxSize;
      if (minSize > maxSize) {
        throw new SimulatedApiError(
          'ValidationError',
          `Max bound, ${maxSize}, must be greater than or equal to min bound, ${minSize}`,
        );
      }
      let desired = sizes.desiredCapacity ?? group.desiredCapacity;
      if (sizes.desiredCapacity !== undefined && (desired < minSize || desired > maxSize)) {
        throw new SimulatedApiError(
          'ValidationError',
          `Desired capacity:${desired} must be between the specified min size:${minSize} and max size:${maxSize}`,
        );
      }
      desired = Math.min(Math.max(desired, minSize), maxSize);
      group.minSize = minSize;
      group.maxSize = maxSize;
      if (desired !== group.desiredCapacity) {
        this.changeDesired(
          group,
          desired,
          `a user request update of AutoScalingGroup constraints to min: ${minSize}, max: ${maxSize}, desired: ${desired} changing the desired capacity from ${group.desiredCapacity} to ${desired}`,
          identityArn,
        );
      }
      this.recordApiCall('UpdateAutoScalingGroup', identityArn, requestParameters);
    } catch (error) {
      this.recordApiCall('UpdateAutoScalingGroup', identityArn, requestParameters, error);
      throw error;
    }
  }

  /** PutLifecycleHook: creates or updates a hook of the group (new launches use it). */
  putLifecycleHook(groupName: string, input: PutLifecycleHookInput): LifecycleHook {
    return putLifecycleHook(this.group(groupName).hooks, input);
  }

  /** DescribeLifecycleHooks: the group's hooks, all or those named. */
  describeLifecycleHooks(groupName: string, names: readonly string[]): readonly LifecycleHook[] {
    const hooks = this.group(groupName).hooks;
    return names.length === 0 ? hooks : hooks.filter((h) => names.includes(h.name));
  }

  /** CompleteLifecycleAction: ends the named hook's wait of one instance with CONTINUE or ABANDON. */
  completeLifecycleAction(
    groupName: string,
    hookName: string,
    ref: ActionReference,
    result: LifecycleResult,
  ): void {
    const group = this.group(groupName);
    this.hookOf(group, hookName);
    const { holder, action } = findOpenAction(this.waitingMembers(group), hookName, ref);
    this.endAction(group, holder, action, result, 'complete');
  }

  /** RecordLifecycleActionHeartbeat: restarts the hook's timeout for one waiting instance. */
  recordLifecycleActionHeartbeat(groupName: string, hookName: string, ref: ActionReference): void {
    const group = this.group(groupName);
    this.hookOf(group, hookName);
    const { holder, action } = findOpenAction(this.waitingMembers(group), hookName, ref);
    recordHeartbeat(action, this.simMs);
    this.pushTimeout(group, holder, action);
  }

  /** Counts one API call (every SDK attempt) for the summary's per-identity figures. */
  countApiCall(clientName: string, action: string, identityArn: string): void {
    if (identityArn === this.options.guard?.identityArn) this.metrics.guardCall(clientName, action);
  }

  /** Whether the guard is down now (a `guard-down` action). */
  get guardDown(): boolean {
    return this.simMs < this.guardDownUntilMs;
  }

  // ---- SNS and EventBridge API ----

  publishSns(
    topicArn: string,
    message: string,
    subject: string | null,
    identityArn: string,
    extra: { attributes?: Readonly<Record<string, string>>; messageStructure?: string | null } = {},
  ): string {
    const messageId = uuidFrom(this.eventRandom);
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

  /** EventBridge `PutEvents` on the default bus: recorded and delivered to the guard. */
  putEvent(entry: {
    source: string;
    detailType: string;
    detail: Record<string, unknown>;
    resources?: string[];
  }): string {
    const event: EventBridgeEnvelope = {
      version: '0',
      id: uuidFrom(this.eventRandom),
      'detail-type': entry.detailType,
      source: entry.source,
      account: this.scenario.account.accountId,
      time: eventTime(this.nowEpochMs()),
      region: this.scenario.account.region,
      resources: entry.resources ?? [],
      detail: entry.detail,
    };
    this.putEvents.push(event);
    this.emit(event, this.scenario.timing.customEventDelaySec);
    return event.id;
  }

  // ---- internals ----

  private eventContext(): EventContext {
    return {
      accountId: this.scenario.account.accountId,
      region: this.scenario.account.region,
      random: this.eventRandom,
      epochMs: this.nowEpochMs(),
    };
  }

  private emit(event: EventBridgeEnvelope, delaySec: number): void {
    this.metrics.countEvent(event['detail-type']);
    this.queue.push(this.simMs + Math.round(delaySec * 1000), { kind: 'deliver', event });
  }

  private recordApiCall(
    eventName: string,
    identityArn: string,
    requestParameters: Record<string, unknown>,
    error?: unknown,
  ) {
    const failure = error instanceof SimulatedApiError ? error : undefined;
    const event = cloudTrailApiCallEvent(this.eventContext(), {
      eventSource: 'autoscaling.amazonaws.com',
      eventName,
      identityArn,
      requestParameters,
      ...(failure ? { errorCode: failure.code, errorMessage: failure.message } : {}),
    });
    this.emit(event, this.scenario.timing.cloudTrailDelaySec);
  }

  private changeDesired(group: SimGroup, desired: number, cause: string, identityArn: string): void {
    group.desiredCapacity = desired;
    group.desiredSetBy = identityArn;
    group.lastCause = `At ${eventTime(this.nowEpochMs())} ${cause}.`;
    this.scheduleReconcile(group, this.uniformMs(this.scenario.timing.scalingReactionSec));
  }

  private scheduleReconcile(group: SimGroup, delayMs: number): void {
    const atMs = this.simMs + delayMs;
    if (group.reconcileAtMs !== null && group.reconcileAtMs <= atMs && group.reconcileAtMs >= this.simMs)
      return;
    group.reconcileAtMs = atMs;
    this.queue.push(atMs, { kind: 'asg-reconcile', group: group.spec.name });
  }

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
      const limits = findSimulatorInstanceLimits(spec.instanceType) as InstanceLimits;
      const tags: Record<string, string> = { ...spec.tags };
      if (spec.nodegroupName) tags['eks:nodegroup-name'] = spec.nodegroupName;
      tags['eks:cluster-name'] = scenario.cluster.name;
      tags[`kubernetes.io/cluster/${scenario.cluster.name}`] = 'owned';
      const group: SimGroup = {
        spec,
        arn: autoScalingGroupArn(scenario.account, spec.name),
        limits,
        tags,
        minSize: spec.minSize,
        maxSize: spec.maxSize,
        desiredCapacity: spec.desiredCapacity,
        members: [],
        reconcileAtMs: null,
        lastCause: '',
        desiredSetBy: '',
        hooks: spec.launchHook
          ? [
              {
                name: spec.launchHook.name,
                transition: LAUNCHING,
                heartbeatTimeoutSec: spec.launchHook.heartbeatTimeoutSec,
                defaultResult: spec.launchHook.defaultResult,
                notificationMetadata: null,
              },
            ]
          : [],
        nodeWaits: spec.launchHook?.nodeWaits ?? false,
      };
      this.groups.set(spec.name, group);
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
    const member = this.launchOne(group);
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

  /** Launches one instance in the AZ the group has fewest in; on no address, tries the next AZ. */
  private launchOne(group: SimGroup): GroupMember | null {
    const active = group.members.filter((m) => m.lifecycle !== 'Terminating');
    const countByAz = new Map<string, number>();
    for (const member of active)
      countByAz.set(member.availabilityZone, (countByAz.get(member.availabilityZone) ?? 0) + 1);
    const ordered = group.spec.subnets
      .map((subnetId, index) => ({ subnetId, index, az: this.ec2.subnet(subnetId).availabilityZone }))
      .sort((a, b) => (countByAz.get(a.az) ?? 0) - (countByAz.get(b.az) ?? 0) || a.index - b.index);
    for (const candidate of ordered) {
      try {
        const instance = this.ec2.runInstance({
          subnetId: candidate.subnetId,
          limits: group.limits,
          tags: { 'aws:autoscaling:groupName': group.spec.name, ...group.tags },
        });
        const member: GroupMember = {
          instanceId: instance.id,
          instanceType: group.limits.instanceType,
          subnetId: candidate.subnetId,
          availabilityZone: candidate.az,
          launchMs: this.simMs,
          lifecycle: 'Pending',
          actions: [],
          waitStartMs: null,
          waitPointMs: null,
          launchCause: `${group.lastCause}  At ${eventTime(this.nowEpochMs())} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${active.length} to ${group.desiredCapacity}.`,
        };
        group.members.push(member);
        const ipamd = new IpamdNode(
          instance,
          group.limits,
          this.scenario.cluster.cni,
          this.maxPodsOf(group),
          () => this.eniSubnetsFor(instance),
        );
        this.nodes.set(instance.id, { ipamd, group, ready: false, gone: false });
        if (!this.ec2.bypassLimits) {
          this.metrics.launched();
          // With a launch hook the activity completes when the wait ends (launchActivityDone).
          if (this.launchHooksOf(group).length === 0) this.launchActivityDone(group, member);
        }
        return member;
      } catch (error) {
        if (!isSimulatedApiError(error, 'InsufficientFreeAddressesInSubnet')) throw error;
        this.metrics.allocationFailure(error.code, candidate.subnetId);
        if (!this.ec2.bypassLimits) {
          this.emit(
            launchUnsuccessfulEvent(this.eventContext(), {
              groupName: group.spec.name,
              availabilityZone: candidate.az,
              subnetId: candidate.subnetId,
              startMs: this.nowEpochMs(),
              cause: group.lastCause,
            }),
            this.scenario.timing.autoScalingEventDelaySec,
          );
        }
      }
    }
    return null;
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
        this.reconcile(this.group(event.group));
        return undefined;
      case 'instance-gone':
        this.instanceGone(event.instanceId);
        return undefined;
      case 'deliver':
        if (this.guardDown) {
          this.heldEvents.push(event.event);
          return undefined;
        }
        this.deliveredEvents.push(event.event);
        if (this.options.guard && this.guardContext)
          return this.options.guard.onEvent(event.event, this.guardContext);
        return undefined;
      case 'guard-schedule': {
        const guard = this.options.guard;
        const schedule = guard?.schedules[event.index];
        if (!schedule || !this.guardContext) return undefined;
        this.queue.push(this.simMs + schedule.everySec * 1000, event);
        if (this.guardDown) return undefined;
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
        this.lifecycleTimeout(event);
        return undefined;
      case 'instance-running': {
        const instance = this.ec2.instances.get(event.instanceId);
        if (instance?.state === 'pending') instance.state = 'running';
        return undefined;
      }
      case 'guard-up':
        // Events held while the guard was down arrive now, in their original order.
        if (this.guardDown) return undefined;
        for (const held of this.heldEvents.splice(0))
          this.queue.push(this.simMs, { kind: 'deliver', event: held });
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

  /** Launches or terminates until the group matches its desired capacity. */
  private reconcile(group: SimGroup): void {
    if (group.reconcileAtMs !== null && group.reconcileAtMs !== this.simMs) return;
    group.reconcileAtMs = null;
    const timing = this.scenario.timing;
    let active = group.members.filter((m) => m.lifecycle !== 'Terminating');
    const missing = group.desiredCapacity - active.length;
    for (let i = 0; i < missing; i++) {
      const member = this.launchOne(group);
      if (!member) {
        this.scheduleReconcile(group, timing.launchRetrySec * 1000);
        break;
      }
      const bootMs = this.uniformMs(timing.bootSec);
      const waitPointMs = this.simMs + bootMs - Math.round(timing.ipamdLeadSec * 1000);
      const hooks = this.launchHooksOf(group);
      if (hooks.length > 0) this.enterWait(group, member, hooks);
      if (hooks.length > 0 && group.nodeWaits) {
        // The node boots to its user data's wait loop; kubelet and ipamd start once it reads InService.
        member.waitPointMs = waitPointMs;
        this.queue.push(waitPointMs, { kind: 'instance-running', instanceId: member.instanceId });
        continue;
      }
      this.queue.push(waitPointMs, { kind: 'ipamd-start', instanceId: member.instanceId });
      this.queue.push(this.simMs + bootMs, { kind: 'node-ready', instanceId: member.instanceId });
    }
    active = group.members.filter((m) => m.lifecycle !== 'Terminating');
    for (let excess = active.length - group.desiredCapacity; excess > 0; excess--) {
      const victim = this.pickVictim(group);
      if (!victim) break;
      this.terminate(group, victim, active.length);
      active = group.members.filter((m) => m.lifecycle !== 'Terminating');
    }
  }

  /**
   * Auto Scaling's default termination policy (user guide, "Configure termination policies"): among the
   * instances of the AZ(s) with the most instances, those closest to their next billing hour, then one at
   * random. One launch template here, so its "oldest launch template" step never decides. Pending and
   * waiting instances get no preference (EVENTS.md).
   */
  private pickVictim(group: SimGroup): GroupMember | undefined {
    const active = group.members.filter((m) => m.lifecycle !== 'Terminating');
    const countByAz = new Map<string, number>();
    for (const member of active)
      countByAz.set(member.availabilityZone, (countByAz.get(member.availabilityZone) ?? 0) + 1);
    const most = Math.max(0, ...countByAz.values());
    const inBusiest = active.filter((m) => countByAz.get(m.availabilityZone) === most);
    const intoHour = (m: GroupMember) => (this.simMs - m.launchMs) % 3_600_000;
    const closest = Math.max(...inBusiest.map(intoHour));
    const candidates = inBusiest.filter((m) => intoHour(m) === closest);
    return candidates[this.terminationRandom.nextInt(0, candidates.length)];
  }

  private terminate(group: SimGroup, member: GroupMember, activeBefore: number, reason?: string): void {
    this.endWait(member);
    member.lifecycle = 'Terminating';
    const byGuard = reason === undefined && group.desiredSetBy === this.options.guard?.identityArn;
    this.metrics.terminated(byGuard);
    const state = this.nodes.get(member.instanceId);
    if (state) {
      if (state.ready) this.metrics.nodeGone(group.spec.name);
      this.metrics.podsRemoved(state.ipamd.podsBound, state.ipamd.podsRunning);
      state.gone = true;
      state.ready = false;
      state.ipamd.podsBound = 0;
      state.ipamd.podsRunning = 0;
    }
    const instance = this.ec2.instances.get(member.instanceId);
    if (instance) instance.state = 'shutting-down';
    const cause =
      reason ??
      `${group.lastCause}  At ${eventTime(this.nowEpochMs())} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${activeBefore} to ${group.desiredCapacity}.`;
    this.pendingTerminations.set(member.instanceId, { cause, startMs: this.nowEpochMs() });
    this.queue.push(this.simMs + Math.round(this.scenario.timing.terminateSec * 1000), {
      kind: 'instance-gone',
      instanceId: member.instanceId,
    });
  }

  private readonly pendingTerminations = new Map<string, { cause: string; startMs: number }>();

  private instanceGone(instanceId: string): void {
    const state = this.nodes.get(instanceId);
    const group = state?.group;
    const member = group?.members.find((m) => m.instanceId === instanceId);
    this.ec2.terminateInstance(instanceId);
    this.nodes.delete(instanceId);
    if (!group || !member) return;
    group.members.splice(group.members.indexOf(member), 1);
    const pending = this.pendingTerminations.get(instanceId);
    this.pendingTerminations.delete(instanceId);
    this.emit(
      terminateSuccessfulEvent(this.eventContext(), {
        groupName: group.spec.name,
        instanceId,
        availabilityZone: member.availabilityZone,
        subnetId: member.subnetId,
        startMs: pending?.startMs ?? this.nowEpochMs(),
        cause: pending?.cause ?? group.lastCause,
      }),
      this.scenario.timing.autoScalingEventDelaySec,
    );
  }

  private launchHooksOf(group: SimGroup): LifecycleHook[] {
    return group.hooks.filter((h) => h.transition === LAUNCHING);
  }

  private hookOf(group: SimGroup, hookName: string): LifecycleHook {
    const hook = group.hooks.find((h) => h.name === hookName);
    if (!hook) {
      throw new SimulatedApiError(
        'ValidationError',
        `No Lifecycle Hook found with name ${hookName} for group ${group.spec.name}`,
      );
    }
    return hook;
  }

  private waitingMembers(group: SimGroup): GroupMember[] {
    return group.members.filter((m) => m.lifecycle === 'Pending:Wait');
  }

  /** `Pending:Wait`: one action per launch hook, each announced by an EventBridge event. */
  private enterWait(group: SimGroup, member: GroupMember, hooks: readonly LifecycleHook[]): void {
    member.lifecycle = 'Pending:Wait';
    member.waitStartMs = this.simMs;
    for (const hook of hooks) {
      const action = startAction(hook, uuidFrom(this.eventRandom), this.simMs);
      member.actions.push(action);
      this.pushTimeout(group, member, action);
      this.emit(
        launchLifecycleActionEvent(this.eventContext(), {
          groupName: group.spec.name,
          hookName: hook.name,
          instanceId: member.instanceId,
          token: action.token,
          notificationMetadata: hook.notificationMetadata,
        }),
        this.scenario.timing.autoScalingEventDelaySec,
      );
    }
  }

  private pushTimeout(group: SimGroup, member: GroupMember, action: LifecycleAction): void {
    this.queue.push(action.deadlineMs, {
      kind: 'lifecycle-timeout',
      group: group.spec.name,
      instanceId: member.instanceId,
      hookName: action.hookName,
      generation: action.generation,
    });
  }

  private lifecycleTimeout(event: Extract<SimEvent, { kind: 'lifecycle-timeout' }>): void {
    const group = this.groups.get(event.group);
    const member = group?.members.find((m) => m.instanceId === event.instanceId);
    if (!group || !member || member.lifecycle !== 'Pending:Wait') return;
    const action = member.actions.find((a) => a.hookName === event.hookName && a.result === null);
    if (!action || action.generation !== event.generation) return;
    this.endAction(group, member, action, action.defaultResult, 'timeout');
  }

  /** One action gets its result: ABANDON terminates; the last CONTINUE lets the launch proceed. */
  private endAction(
    group: SimGroup,
    member: GroupMember,
    action: LifecycleAction,
    result: LifecycleResult,
    endedBy: 'complete' | 'timeout',
  ): void {
    action.result = result;
    action.endedBy = endedBy;
    if (result === 'ABANDON') {
      const active = group.members.filter((m) => m.lifecycle !== 'Terminating').length;
      this.terminate(
        group,
        member,
        active,
        `At ${eventTime(this.nowEpochMs())} the lifecycle action of hook ${action.hookName} ended with ABANDON (${endedBy === 'timeout' ? 'heartbeat timeout' : 'CompleteLifecycleAction'}); the instance was terminated.`,
      );
      // Auto Scaling replaces the abandoned instance.
      this.scheduleReconcile(group, this.uniformMs(this.scenario.timing.scalingReactionSec));
      return;
    }
    if (member.actions.some((a) => a.result === null)) return;
    const timedOut = member.actions.some((a) => a.endedBy === 'timeout');
    this.endWait(member, timedOut);
    member.lifecycle = 'InService';
    this.launchActivityDone(group, member);
    if (member.waitPointMs === null) return;
    // The wait loop reads IMDS every gatePollSec: it sees InService up to one poll after the change.
    const timing = this.scenario.timing;
    const seenMs = this.simMs + Math.round(this.random.uniform(0, timing.gatePollSec) * 1000);
    const ipamdAtMs = Math.max(member.waitPointMs, seenMs);
    this.queue.push(ipamdAtMs, { kind: 'ipamd-start', instanceId: member.instanceId });
    this.queue.push(ipamdAtMs + Math.round(timing.ipamdLeadSec * 1000), {
      kind: 'node-ready',
      instanceId: member.instanceId,
    });
  }

  /** Records the end of `Pending:Wait` (proceeded, abandoned or terminated while waiting). */
  private endWait(member: GroupMember, timedOut = false): void {
    if (member.lifecycle !== 'Pending:Wait' || member.waitStartMs === null) return;
    for (const action of member.actions) if (action.result === null) action.result = 'ABANDON';
    this.metrics.gateWait(this.simMs - member.waitStartMs, timedOut);
  }

  /** The launch activity completed: `EC2 Instance Launch Successful`. */
  private launchActivityDone(group: SimGroup, member: GroupMember): void {
    this.emit(
      launchSuccessfulEvent(this.eventContext(), {
        groupName: group.spec.name,
        instanceId: member.instanceId,
        availabilityZone: member.availabilityZone,
        subnetId: member.subnetId,
        startMs: this.startEpochMs + member.launchMs,
        cause: member.launchCause,
      }),
      this.scenario.timing.autoScalingEventDelaySec,
    );
  }

  private scaleAction(index: number): void {
    const action = this.scenario.actions[index];
    if (!action) return;
    if (action.via === 'guard-down') {
      const untilMs = this.simMs + Math.round(action.forSec * 1000);
      this.guardDownUntilMs = Math.max(this.guardDownUntilMs, untilMs);
      this.queue.push(untilMs, { kind: 'guard-up' });
      return;
    }
    const operator = this.scenario.account.operatorArn;
    if (action.via === 'scale-request' && this.options.guard) {
      this.putEvent({
        source: 'capacity-guard',
        detailType: 'Scale Request',
        detail: { autoScalingGroupName: action.group, desiredCapacity: action.desired },
      });
      return;
    }
    try {
      this.setDesiredCapacity(action.group, action.desired, false, operator);
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
