import { AutoScalingApi } from './auto-scaling-api.js';
import { AutoScalingModel, type SimGroup } from './auto-scaling-model.js';
import { ClusterNodes, type NodeState } from './cluster-nodes.js';
import { Ec2Model } from './ec2-model.js';
import { SimulatedEventBus } from './event-bus.js';
import { EventQueue } from './event-queue.js';
import type { EventBridgeEnvelope } from './eventbridge-events.js';
import { ExternalConsumers } from './external-consumers.js';
import type { SizeRequest } from './group-sizes.js';
import { GuardFaults } from './guard-faults.js';
import type { GuardClients, GuardContext, SimulatedGuard } from './guard-plugin.js';
import { isAllowed } from './iam-policy.js';
import { MetricsRecorder, type SimulationReport } from './metrics.js';
import type { Scenario, ScenarioAction, UpdateGroupAction } from './scenario.js';
import { RandomStreams, SeededRandom } from './seeded-random.js';
import type { SimClock, SimEvent } from './sim-event.js';
import { isSimulatedApiError, SimulatedApiError } from './simulated-api-error.js';

export type { GroupMember, LifecycleState, SimGroup } from './auto-scaling-model.js';

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

/**
 * One simulated AWS account and Region running an EKS cluster: EC2, Auto Scaling, the nodes' ipamd,
 * a pod scheduler, EventBridge delivery and other consumers of the attach budget, on a simulated clock.
 */
export class SimulatedAccount {
  readonly ec2: Ec2Model;
  readonly autoScaling: AutoScalingModel;
  /** Auto Scaling's API on the model (the SDK bridge and the scenario's operator call it). */
  readonly autoScalingApi: AutoScalingApi;
  readonly bus: SimulatedEventBus;
  readonly cluster: ClusterNodes;
  readonly snsPublishes: SnsPublish[] = [];
  /** Crashes the scenario's `guard-crash` actions arm; the SDK bridge applies them to the guard's calls. */
  readonly guardFaults = new GuardFaults();
  readonly metrics: MetricsRecorder;
  readonly startEpochMs: number;
  readonly endMs: number;
  private readonly random: SeededRandom;
  private readonly queue = new EventQueue<SimEvent>();
  private simMs = 0;
  private readonly externalConsumers: ExternalConsumers;
  private guardContext: GuardContext | null = null;
  /** Per schedule index, the exact instant a looping invocation asked to act next (simulated ms). */
  private readonly guardWakesMs = new Map<number, number>();
  private killSwitch = false;
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
      delayRandom: new SeededRandom(options.seed).fork('event-delays'),
      counter: this.metrics,
    });
    const streams = new RandomStreams(options.seed);
    this.cluster = new ClusterNodes({
      scenario,
      ec2: this.ec2,
      clock: this.clock,
      streams,
      metrics: this.metrics,
    });
    this.externalConsumers = new ExternalConsumers({
      scenario,
      ec2: this.ec2,
      clock: this.clock,
      streams,
    });
    this.autoScaling = new AutoScalingModel({
      scenario,
      ec2: this.ec2,
      clock: this.clock,
      bus: this.bus,
      streams,
      terminationRandom: new SeededRandom(options.seed).fork('termination'),
      observer: this.metrics,
      nodes: this.cluster,
      guardIdentityArn: options.guard?.identityArn,
    });
    this.autoScalingApi = new AutoScalingApi(this.autoScaling, this.bus, this.clock);
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

  /**
   * Refuses an Auto Scaling write by the guard that its role's policy does not allow (AccessDenied, as IAM
   * answers), judged on the group's tags at the time of the call. Other callers (the operator) are not limited.
   */
  authorizeAutoScalingWrite(
    identityArn: string,
    action: string,
    groupName: string,
    requestTagKeys: readonly string[] | null = null,
  ): void {
    const policy = this.options.guard?.autoScalingWritePolicy;
    const group = this.autoScaling.groups.get(groupName);
    if (!policy || identityArn !== this.options.guard?.identityArn || !group) return;
    if (isAllowed(policy, { action, resourceTags: group.tags, requestTagKeys })) return;
    throw new SimulatedApiError(
      'AccessDenied',
      `User: ${identityArn} is not authorized to perform: ${action} on resource: ${group.arn} because no identity-based policy allows the ${action} action`,
      403,
    );
  }

  get nodes(): ReadonlyMap<string, NodeState> {
    return this.cluster.nodes;
  }

  /** The guard's kill switch as the scenario's `kill-switch` actions left it. */
  get killSwitchOn(): boolean {
    return this.killSwitch;
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
      this.guardContext = {
        nowMs: () => this.nowEpochMs(),
        clients,
        killSwitchOn: () => this.killSwitch,
        takeCrash: () => this.guardFaults.takeCrash(),
      };
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
      for (let i = 0; i < spec.desiredCapacity; i++) {
        const member = this.autoScaling.launchOne(group);
        if (!member)
          throw new SimulatedApiError(
            'InsufficientFreeAddressesInSubnet',
            `no address for the starting nodes of ${group.spec.name}`,
          );
        this.cluster.prewarm(group, member);
      }
    }
    this.ec2.bypassLimits = false;
    this.simMs = 0;
    this.metrics.start();
    this.cluster.startIpamdCycles();
    for (let minute = 1; minute * 60_000 <= this.endMs; minute++)
      this.queue.push(minute * 60_000, { kind: 'sample' });
    scenario.actions.forEach((action, index) => {
      if (action.via === 'scheduled-action') {
        this.autoScalingApi.putScheduledAction({
          name: scheduledActionName(index),
          groupName: action.group,
          startMs: this.startEpochMs + Math.round(action.atSec * 1000),
          sizes: sizeRequestOf(action),
        });
      }
      this.queue.push(Math.round(action.atSec * 1000), { kind: 'scale-action', index });
    });
    this.externalConsumers.start();
  }

  /**
   * A looping invocation that sleeps to an exact instant (the gate releaser waits for the budget's window to free
   * room) acts then, not at its schedule's next period: each schedule's wake is queued once.
   */
  private queueGuardWakes(): void {
    this.options.guard?.schedules.forEach((schedule, index) => {
      const atEpochMs = schedule.wakeAtMs?.() ?? null;
      if (atEpochMs === null) return;
      const atMs = Math.ceil(atEpochMs - this.startEpochMs);
      if (atMs <= this.simMs || this.guardWakesMs.get(index) === atMs) return;
      this.guardWakesMs.set(index, atMs);
      this.queue.push(atMs, { kind: 'guard-wake', index });
    });
  }

  private handle(event: SimEvent): Promise<void> | undefined {
    if (this.cluster.handle(event)) return undefined;
    switch (event.kind) {
      case 'asg-reconcile':
        this.autoScaling.reconcileByName(event.group);
        return undefined;
      case 'instance-gone':
        this.autoScaling.instanceGone(event.instanceId);
        return undefined;
      case 'lifecycle-timeout':
        this.autoScaling.lifecycleTimeout(event);
        return undefined;
      case 'node-wait-point':
        this.autoScaling.nodeWaitPoint(event);
        return undefined;
      case 'deliver':
        if (!this.bus.arrive(event.event)) return undefined;
        if (this.options.guard && this.guardContext)
          return this.options.guard
            .onEvent(event.event, this.guardContext)
            .then(() => this.queueGuardWakes());
        return undefined;
      case 'guard-schedule': {
        const guard = this.options.guard;
        const schedule = guard?.schedules[event.index];
        if (!schedule || !this.guardContext) return undefined;
        this.queue.push(this.simMs + schedule.everySec * 1000, event);
        if (this.bus.guardDown) return undefined;
        return schedule.run(this.guardContext).then(() => this.queueGuardWakes());
      }
      case 'guard-wake': {
        const schedule = this.options.guard?.schedules[event.index];
        this.guardWakesMs.delete(event.index);
        if (!schedule || !this.guardContext || this.bus.guardDown) return undefined;
        return schedule.run(this.guardContext).then(() => this.queueGuardWakes());
      }
      case 'guard-up':
        this.bus.guardUp();
        return undefined;
      case 'scale-action':
        this.scaleAction(event.index);
        return undefined;
      case 'external-attach':
        this.externalConsumers.attach(event.consumer);
        return undefined;
      case 'external-release':
        this.externalConsumers.release(event.eniId, event.consumer);
        return undefined;
      case 'sample':
        this.metrics.sample();
        return undefined;
      case 'ipamd-cycle':
      case 'eni-ready':
      case 'ipamd-start':
      case 'node-ready':
      case 'scheduler-tick':
      case 'trunk-attach':
      case 'instance-running':
        throw new Error(`the cluster did not handle ${event.kind}`);
      default: {
        const unreachable: never = event;
        throw new Error(`unknown simulation event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** A scenario action; a refused call becomes a note in the report, as an operator would see it fail. */
  private scaleAction(index: number): void {
    const action = this.scenario.actions[index];
    if (!action) return;
    try {
      this.bus.withEventDelay(action.eventDelaySec, () => this.runAction(action, index));
    } catch (error) {
      if (!isSimulatedApiError(error)) throw error;
      this.metrics.note(`scale action ${index} refused: ${error.code}: ${error.message}`);
    }
  }

  private runAction(action: ScenarioAction, index: number): void {
    const operator = this.scenario.account.operatorArn;
    const autoScaling = this.autoScalingApi;
    if ('group' in action && action.eventDelaySec !== null) {
      const group = this.autoScaling.groups.get(action.group);
      if (group) group.eventDelay = action.eventDelaySec;
    }
    switch (action.via) {
      case 'guard-down':
        this.bus.takeGuardDown(Math.round(action.forSec * 1000));
        return;
      case 'kill-switch':
        this.killSwitch = action.on;
        return;
      case 'guard-crash':
        this.guardFaults.arm(action.after);
        return;
      case 'scale-request':
        if (this.options.guard) {
          this.bus.putEvent({
            source: 'capacity-guard',
            detailType: 'Scale Request',
            detail: { autoScalingGroupName: action.group, desiredCapacity: action.desired },
          });
          return;
        }
        autoScaling.setDesiredCapacity(action.group, action.desired, false, operator);
        return;
      case 'set-desired':
        autoScaling.setDesiredCapacity(action.group, action.desired, false, operator);
        return;
      case 'update-group':
        autoScaling.updateAutoScalingGroup(action.group, sizeRequestOf(action), operator);
        return;
      case 'scheduled-action':
        autoScaling.runScheduledAction(action.group, scheduledActionName(index));
        return;
      case 'delete-group':
        autoScaling.deleteAutoScalingGroup(action.group, operator);
        return;
      case 'tag':
        autoScaling.tagGroup(action.group, action.key, action.value, operator);
        return;
      case 'set-pods': {
        const group = this.autoScaling.groups.get(action.group);
        if (group) this.cluster.setPodsPerNode(group, action.podsPerNode);
        return;
      }
      default: {
        const unreachable: never = action;
        throw new Error(`unknown scenario action ${JSON.stringify(unreachable)}`);
      }
    }
  }
}

/** The name of the scheduled action a scenario's `scheduled-action` entry puts before the run starts. */
export function scheduledActionName(index: number): string {
  return `scenario-scheduled-${index}`;
}

function sizeRequestOf(action: UpdateGroupAction): SizeRequest {
  return {
    ...(action.minSize !== null ? { minSize: action.minSize } : {}),
    ...(action.maxSize !== null ? { maxSize: action.maxSize } : {}),
    ...(action.desired !== null ? { desiredCapacity: action.desired } : {}),
  };
}
