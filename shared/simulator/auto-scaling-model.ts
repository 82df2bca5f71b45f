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
import { pickVictim, resolveSizes, type SizeRequest } from './group-sizes.js';
import { LaunchGate } from './launch-gate.js';
import type {
  ActionReference,
  LifecycleHook,
  LifecycleResult,
  PutLifecycleHookInput,
} from './lifecycle-hooks.js';
import type { Scenario, ScenarioGroup } from './scenario.js';
import type { SeededRandom } from './seeded-random.js';
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
  /** The simulation's main stream (reaction and boot times). */
  readonly random: SeededRandom;
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
  private readonly gate: LaunchGate;

  constructor(private readonly env: AutoScalingEnv) {
    this.clock = env.clock;
    this.bus = env.bus;
    this.observer = env.observer;
    this.gate = new LaunchGate({
      scenario: env.scenario,
      clock: env.clock,
      bus: env.bus,
      random: env.random,
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

  /** Auto Scaling `SetDesiredCapacity`; every call (failed or not) becomes a CloudTrail event. */
  setDesiredCapacity(groupName: string, desired: number, honorCooldown: boolean, identityArn: string): void {
    const requestParameters = { autoScalingGroupName: groupName, desiredCapacity: desired, honorCooldown };
    try {
      const group = this.writableGroup(groupName);
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
      this.bus.recordAutoScalingCall('SetDesiredCapacity', identityArn, requestParameters);
    } catch (error) {
      this.bus.recordAutoScalingCall('SetDesiredCapacity', identityArn, requestParameters, error);
      throw error;
    }
  }

  /** Auto Scaling `UpdateAutoScalingGroup` (sizes only), recorded in CloudTrail. */
  updateAutoScalingGroup(groupName: string, sizes: SizeRequest, identityArn: string): void {
    const requestParameters: Record<string, unknown> = { autoScalingGroupName: groupName };
    if (sizes.minSize !== undefined) requestParameters.minSize = sizes.minSize;
    if (sizes.maxSize !== undefined) requestParameters.maxSize = sizes.maxSize;
    if (sizes.desiredCapacity !== undefined) requestParameters.desiredCapacity = sizes.desiredCapacity;
    try {
      this.applySizes(this.writableGroup(groupName), sizes, 'a user request', identityArn);
      this.bus.recordAutoScalingCall('UpdateAutoScalingGroup', identityArn, requestParameters);
    } catch (error) {
      this.bus.recordAutoScalingCall('UpdateAutoScalingGroup', identityArn, requestParameters, error);
      throw error;
    }
  }

  /** A scheduled action: Auto Scaling changes the sizes itself, with no CloudTrail record. */
  runScheduledAction(groupName: string, sizes: SizeRequest): void {
    this.applySizes(this.writableGroup(groupName), sizes, 'a scheduled action', '');
  }

  /** `DeleteAutoScalingGroup` with ForceDelete: every instance is terminated, then the group is gone. */
  deleteAutoScalingGroup(groupName: string, identityArn: string): void {
    const requestParameters = { autoScalingGroupName: groupName, forceDelete: true };
    try {
      const group = this.writableGroup(groupName);
      group.deleting = true;
      group.minSize = 0;
      group.maxSize = 0;
      group.desiredCapacity = 0;
      group.desiredSetBy = identityArn;
      group.lastCause = `At ${eventTime(this.clock.nowEpochMs())} a user request deleted the AutoScalingGroup.`;
      this.bus.recordAutoScalingCall('DeleteAutoScalingGroup', identityArn, requestParameters);
      for (const member of group.members.filter((m) => m.lifecycle !== 'Terminating'))
        this.terminate(group, member, 0, `${group.lastCause}  The instance was terminated with the group.`);
      if (group.members.length === 0) this.groups.delete(group.spec.name);
    } catch (error) {
      this.bus.recordAutoScalingCall('DeleteAutoScalingGroup', identityArn, requestParameters, error);
      throw error;
    }
  }

  /** `CreateOrUpdateTags` (a value) or `DeleteTags` (null) on one group, recorded in CloudTrail. */
  tagGroup(groupName: string, key: string, value: string | null, identityArn: string): void {
    const eventName = value === null ? 'DeleteTags' : 'CreateOrUpdateTags';
    const tag = { resourceId: groupName, resourceType: 'auto-scaling-group', key, propagateAtLaunch: true };
    const requestParameters = { tags: [value === null ? tag : { ...tag, value }] };
    try {
      const group = this.writableGroup(groupName);
      if (value === null) delete group.tags[key];
      else group.tags[key] = value;
      this.bus.recordAutoScalingCall(eventName, identityArn, requestParameters);
    } catch (error) {
      this.bus.recordAutoScalingCall(eventName, identityArn, requestParameters, error);
      throw error;
    }
  }

  /** PutLifecycleHook: creates or updates a hook of the group (new launches use it). */
  putLifecycleHook(groupName: string, input: PutLifecycleHookInput): LifecycleHook {
    return this.gate.putLifecycleHook(this.group(groupName), input);
  }

  /** DescribeLifecycleHooks: the group's hooks, all or those named. */
  describeLifecycleHooks(groupName: string, names: readonly string[]): readonly LifecycleHook[] {
    return this.gate.describeLifecycleHooks(this.group(groupName), names);
  }

  /** CompleteLifecycleAction: ends the named hook's wait of one instance with CONTINUE or ABANDON. */
  completeLifecycleAction(
    groupName: string,
    hookName: string,
    ref: ActionReference,
    result: LifecycleResult,
  ): void {
    this.gate.completeLifecycleAction(this.group(groupName), hookName, ref, result);
  }

  /** RecordLifecycleActionHeartbeat: restarts the hook's timeout for one waiting instance. */
  recordLifecycleActionHeartbeat(groupName: string, hookName: string, ref: ActionReference): void {
    this.gate.recordLifecycleActionHeartbeat(this.group(groupName), hookName, ref);
  }

  /** A heartbeat period of a launch hook ended. */
  lifecycleTimeout(event: Extract<SimEvent, { kind: 'lifecycle-timeout' }>): void {
    const group = this.groups.get(event.group);
    if (group) this.gate.lifecycleTimeout(group, event);
  }

  /** A group that takes changes (not being deleted). */
  private writableGroup(name: string): SimGroup {
    const group = this.group(name);
    if (group.deleting)
      throw new SimulatedApiError('ValidationError', `AutoScalingGroup ${name} is pending delete.`);
    return group;
  }

  private applySizes(group: SimGroup, request: SizeRequest, who: string, identityArn: string): void {
    const sizes = resolveSizes(group, request);
    group.minSize = sizes.minSize;
    group.maxSize = sizes.maxSize;
    const desired = sizes.desiredCapacity;
    if (desired === group.desiredCapacity) return;
    this.changeDesired(
      group,
      desired,
      `${who} update of AutoScalingGroup constraints to min: ${sizes.minSize}, max: ${sizes.maxSize}, desired: ${desired} changing the desired capacity from ${group.desiredCapacity} to ${desired}`,
      identityArn,
    );
  }

  private changeDesired(group: SimGroup, desired: number, cause: string, identityArn: string): void {
    group.desiredCapacity = desired;
    group.desiredSetBy = identityArn;
    group.lastCause = `At ${eventTime(this.clock.nowEpochMs())} ${cause}.`;
    this.scheduleReconcile(group, this.uniformMs(this.env.scenario.timing.scalingReactionSec));
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

  private uniformMs(range: { min: number; max: number }): number {
    return Math.round(this.env.random.uniform(range.min, range.max) * 1000);
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

  /** Launches or terminates until the group matches its desired capacity. */
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
      const bootMs = this.uniformMs(timing.bootSec);
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

  private terminate(group: SimGroup, member: GroupMember, activeBefore: number, reason?: string): void {
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
    this.scheduleReconcile(group, this.uniformMs(this.env.scenario.timing.scalingReactionSec));
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
