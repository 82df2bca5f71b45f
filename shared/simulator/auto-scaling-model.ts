import type { InstanceLimits } from '../domain/instance-limits.js';
import { createGroup, type GroupMember, type SimGroup } from './auto-scaling-group.js';
import type { Ec2Model, SimInstance } from './ec2-model.js';
import type { SimulatedEventBus } from './event-bus.js';
import {
  eventTime,
  launchSuccessfulEvent,
  launchUnsuccessfulEvent,
  terminateSuccessfulEvent,
} from './eventbridge-events.js';
import { pickVictim } from './group-sizes.js';
import { LaunchGate } from './launch-gate.js';
import type { Scenario, ScenarioGroup } from './scenario.js';
import type { RandomStreams, SeededRandom } from './seeded-random.js';
import type { SimClock, SimEvent } from './sim-event.js';
import { isSimulatedApiError, SimulatedApiError } from './simulated-api-error.js';

export type { GroupMember, LifecycleState, SimGroup } from './auto-scaling-group.js';

/** What Auto Scaling reports to the run's figures. */
export interface AutoScalingObserver {
  launched(): void;
  terminated(byGuard: boolean): void;
  gateWait(durationMs: number, timedOut: boolean): void;
  allocationFailure(code: string, subnetId: string): void;
}

/** The nodes running on the group's instances (the cluster side of the account). */
export interface NodeHost {
  nodeLaunched(group: SimGroup, instance: SimInstance, limits: InstanceLimits): void;
  /** Termination began: the node leaves the cluster and its pods go. */
  nodeTerminating(group: SimGroup, instanceId: string): void;
  nodeGone(instanceId: string): void;
}

export interface AutoScalingEnv {
  readonly scenario: Scenario;
  readonly ec2: Ec2Model;
  readonly clock: SimClock;
  readonly bus: SimulatedEventBus;
  /** Per-group streams: boot times (one draw per launch, in launch order) and reaction times. */
  readonly streams: RandomStreams;
  /** Scale-in choices, apart so that they do not shift the main stream. */
  readonly terminationRandom: SeededRandom;
  readonly observer: AutoScalingObserver;
  readonly nodes: NodeHost;
  /** Identity of the guard's calls, to count the terminations its writes cause. */
  readonly guardIdentityArn: string | undefined;
}

/**
 * EC2 Auto Scaling in one account: groups and their sizes, launches across AZs, the launch gate, scale-in
 * by the default termination policy, and the events and CloudTrail records all of that produces.
 */
export class AutoScalingModel {
  readonly groups = new Map<string, SimGroup>();
  private readonly clock: SimClock;
  private readonly bus: SimulatedEventBus;
  private readonly observer: AutoScalingObserver;
  readonly gate: LaunchGate;

  constructor(private readonly env: AutoScalingEnv) {
    this.clock = env.clock;
    this.bus = env.bus;
    this.observer = env.observer;
    this.gate = new LaunchGate({
      scenario: env.scenario,
      clock: env.clock,
      bus: env.bus,
      streams: env.streams,
      observer: env.observer,
      host: this,
    });
  }

  /** Creates a group as the scenario describes it (no instance yet). */
  addGroup(spec: ScenarioGroup): SimGroup {
    const group = createGroup(spec, this.env.scenario);
    this.groups.set(spec.name, group);
    return group;
  }

  /** The group and member of an instance, if a group has it. */
  memberOf(instanceId: string): { group: SimGroup; member: GroupMember } | undefined {
    for (const group of this.groups.values()) {
      const member = group.members.find((m) => m.instanceId === instanceId);
      if (member) return { group, member };
    }
    return undefined;
  }

  group(name: string): SimGroup {
    const group = this.groups.get(name);
    if (!group) throw new SimulatedApiError('ValidationError', `AutoScalingGroup name not found - ${name}`);
    return group;
  }

  /** A heartbeat period of a launch hook ended. */
  lifecycleTimeout(event: Extract<SimEvent, { kind: 'lifecycle-timeout' }>): void {
    const group = this.groups.get(event.group);
    if (group) this.gate.lifecycleTimeout(group, event);
  }

  /** A held node reached its user data's wait point. */
  nodeWaitPoint(event: Extract<SimEvent, { kind: 'node-wait-point' }>): void {
    const group = this.groups.get(event.group);
    if (group) this.gate.nodeWaitPoint(group, event.instanceId);
  }

  /** Auto Scaling acts on a desired-capacity change after its reaction time. */
  reconcileAfterReaction(group: SimGroup): void {
    this.scheduleReconcile(
      group,
      this.uniformMs(`reaction:${group.spec.name}`, this.env.scenario.timing.scalingReactionSec),
    );
  }

  private scheduleReconcile(group: SimGroup, delayMs: number): void {
    const atMs = this.clock.nowSimMs + delayMs;
    if (
      group.reconcileAtMs !== null &&
      group.reconcileAtMs <= atMs &&
      group.reconcileAtMs >= this.clock.nowSimMs
    )
      return;
    group.reconcileAtMs = atMs;
    this.clock.at(atMs, { kind: 'asg-reconcile', group: group.spec.name });
  }

  private uniformMs(stream: string, range: { min: number; max: number }): number {
    return Math.round(this.env.streams.of(stream).uniform(range.min, range.max) * 1000);
  }

  /** Launches one instance in the AZ the group has fewest in; on no address, tries the next AZ. */
  launchOne(group: SimGroup): GroupMember | null {
    const active = group.members.filter((m) => m.lifecycle !== 'Terminating');
    const countByAz = new Map<string, number>();
    for (const member of active)
      countByAz.set(member.availabilityZone, (countByAz.get(member.availabilityZone) ?? 0) + 1);
    const ordered = group.spec.subnets
      .map((subnetId, index) => ({ subnetId, index, az: this.env.ec2.subnet(subnetId).availabilityZone }))
      .sort((a, b) => (countByAz.get(a.az) ?? 0) - (countByAz.get(b.az) ?? 0) || a.index - b.index);
    // Mixed instances: launches cycle through the group's instance types in order.
    const limits = group.instanceLimits[group.launchCount % group.instanceLimits.length] as InstanceLimits;
    for (const candidate of ordered) {
      try {
        const instance = this.env.ec2.runInstance({
          subnetId: candidate.subnetId,
          limits,
          tags: { 'aws:autoscaling:groupName': group.spec.name, ...group.tags },
        });
        const member: GroupMember = {
          instanceId: instance.id,
          instanceType: limits.instanceType,
          subnetId: candidate.subnetId,
          availabilityZone: candidate.az,
          launchMs: this.clock.nowSimMs,
          lifecycle: 'Pending',
          actions: [],
          waitStartMs: null,
          waitPointMs: null,
          launchCause: `${group.lastCause}  At ${eventTime(this.clock.nowEpochMs())} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${active.length} to ${group.desiredCapacity}.`,
          // New instances take the group's NewInstancesProtectedFromScaleIn, false unless set (user guide).
          protectedFromScaleIn: false,
        };
        group.members.push(member);
        group.launchCount += 1;
        this.env.nodes.nodeLaunched(group, instance, limits);
        if (!this.env.ec2.bypassLimits) {
          this.observer.launched();
          // With a launch hook the activity completes when the wait ends (launchActivityDone).
          if (this.gate.launchHooksOf(group).length === 0) this.launchActivityDone(group, member);
        }
        return member;
      } catch (error) {
        if (!isSimulatedApiError(error, 'InsufficientFreeAddressesInSubnet')) throw error;
        this.observer.allocationFailure(error.code, candidate.subnetId);
        if (!this.env.ec2.bypassLimits) {
          this.bus.emit(
            launchUnsuccessfulEvent(this.bus.context(), {
              groupName: group.spec.name,
              availabilityZone: candidate.az,
              subnetId: candidate.subnetId,
              startMs: this.clock.nowEpochMs(),
              cause: group.lastCause,
            }),
            this.env.scenario.timing.autoScalingEventDelaySec,
          );
        }
      }
    }
    return null;
  }

  /** The reconcile scheduled for `groupName` (a group deleted since does nothing). */
  reconcileByName(groupName: string): void {
    const group = this.groups.get(groupName);
    if (!group || (group.reconcileAtMs !== null && group.reconcileAtMs !== this.clock.nowSimMs)) return;
    group.reconcileAtMs = null;
    // The events of the activities a change starts arrive as the change asked (an action's eventDelaySec).
    const delay = group.eventDelay;
    group.eventDelay = null;
    this.bus.withEventDelay(delay, () => this.reconcile(group));
  }

  /**
   * Launches or terminates until the group matches its desired capacity. Protected instances are never picked:
   * with more of them than the desired capacity, the group keeps them (its desired capacity stays as set) until
   * their protection is removed (Auto Scaling user guide, "Use instance scale-in protection").
   */
  private reconcile(group: SimGroup): void {
    const timing = this.env.scenario.timing;
    let active = group.members.filter((m) => m.lifecycle !== 'Terminating');
    const missing = group.desiredCapacity - active.length;
    for (let i = 0; i < missing; i++) {
      const member = this.launchOne(group);
      if (!member) {
        this.scheduleReconcile(group, timing.launchRetrySec * 1000);
        break;
      }
      const bootMs = this.uniformMs(`boot:${group.spec.name}`, timing.bootSec);
      const waitPointMs = this.clock.nowSimMs + bootMs - Math.round(timing.ipamdLeadSec * 1000);
      // A node held by its own user data starts kubelet and ipamd once it reads InService (LaunchGate).
      if (this.gate.admit(group, member, waitPointMs)) continue;
      this.clock.at(waitPointMs, { kind: 'ipamd-start', instanceId: member.instanceId });
      this.clock.at(this.clock.nowSimMs + bootMs, { kind: 'node-ready', instanceId: member.instanceId });
    }
    active = group.members.filter((m) => m.lifecycle !== 'Terminating');
    for (let excess = active.length - group.desiredCapacity; excess > 0; excess--) {
      const victim = pickVictim(group.members, this.clock.nowSimMs, this.env.terminationRandom);
      if (!victim) break;
      this.terminate(group, victim, active.length);
      active = group.members.filter((m) => m.lifecycle !== 'Terminating');
    }
  }

  /** Starts terminating `member`; `reason` replaces the scale-in cause (ABANDON, group deletion). */
  terminate(group: SimGroup, member: GroupMember, activeBefore: number, reason?: string): void {
    this.gate.endWait(member);
    member.lifecycle = 'Terminating';
    const byGuard = reason === undefined && group.desiredSetBy === this.env.guardIdentityArn;
    this.observer.terminated(byGuard);
    this.env.nodes.nodeTerminating(group, member.instanceId);
    const instance = this.env.ec2.instances.get(member.instanceId);
    if (instance) instance.state = 'shutting-down';
    const cause =
      reason ??
      `${group.lastCause}  At ${eventTime(this.clock.nowEpochMs())} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${activeBefore} to ${group.desiredCapacity}.`;
    this.pendingTerminations.set(member.instanceId, { cause, startMs: this.clock.nowEpochMs() });
    this.clock.at(this.clock.nowSimMs + Math.round(this.env.scenario.timing.terminateSec * 1000), {
      kind: 'instance-gone',
      instanceId: member.instanceId,
    });
  }

  private readonly pendingTerminations = new Map<string, { cause: string; startMs: number }>();

  /** The instance is terminated: its addresses are free and Auto Scaling reports the activity. */
  instanceGone(instanceId: string): void {
    const found = this.memberOf(instanceId);
    this.env.ec2.terminateInstance(instanceId);
    this.env.nodes.nodeGone(instanceId);
    if (!found) return;
    const { group, member } = found;
    group.members.splice(group.members.indexOf(member), 1);
    if (group.deleting && group.members.length === 0) this.groups.delete(group.spec.name);
    const pending = this.pendingTerminations.get(instanceId);
    this.pendingTerminations.delete(instanceId);
    this.bus.emit(
      terminateSuccessfulEvent(this.bus.context(), {
        groupName: group.spec.name,
        instanceId,
        availabilityZone: member.availabilityZone,
        subnetId: member.subnetId,
        startMs: pending?.startMs ?? this.clock.nowEpochMs(),
        cause: pending?.cause ?? group.lastCause,
      }),
      this.env.scenario.timing.autoScalingEventDelaySec,
    );
  }

  /** ABANDON: the instance is terminated and Auto Scaling launches a replacement. */
  abandon(group: SimGroup, member: GroupMember, reason: string): void {
    const active = group.members.filter((m) => m.lifecycle !== 'Terminating').length;
    this.terminate(group, member, active, reason);
    this.scheduleReconcile(
      group,
      this.uniformMs(`reaction:${group.spec.name}`, this.env.scenario.timing.scalingReactionSec),
    );
  }

  /** The launch activity completed: `EC2 Instance Launch Successful`. */
  launchActivityDone(group: SimGroup, member: GroupMember): void {
    this.bus.emit(
      launchSuccessfulEvent(this.bus.context(), {
        groupName: group.spec.name,
        instanceId: member.instanceId,
        availabilityZone: member.availabilityZone,
        subnetId: member.subnetId,
        startMs: this.clock.startEpochMs + member.launchMs,
        cause: member.launchCause,
      }),
      this.env.scenario.timing.autoScalingEventDelaySec,
    );
  }
}
