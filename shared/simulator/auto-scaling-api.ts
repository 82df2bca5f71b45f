import type { SimGroup } from './auto-scaling-group.js';
import type { SimulatedEventBus } from './event-bus.js';
import { eventTime } from './eventbridge-events.js';
import { resolveSizes, type SizeRequest } from './group-sizes.js';
import type { LaunchGate } from './launch-gate.js';
import type {
  ActionReference,
  LifecycleHook,
  LifecycleResult,
  PutLifecycleHookInput,
} from './lifecycle-hooks.js';
import type { SimClock } from './sim-event.js';
import { SimulatedApiError } from './simulated-api-error.js';

/** Lifecycle states SetInstanceProtection accepts. */
const PROTECTABLE_STATES: readonly string[] = ['InService', 'EnteringStandby', 'Standby'];
/** Instance ids one SetInstanceProtection call takes at most (API reference). */
export const MAX_PROTECTION_IDS = 50;

/**
 * A scheduled action put on a group (PutScheduledUpdateGroupAction), one-time: DescribeScheduledActions lists
 * it with its StartTime until it runs, then it is gone (user guide, "Scheduled scaling for Amazon EC2 Auto
 * Scaling": "After a one-time scheduled action runs, it is deleted").
 */
export interface ScheduledAction {
  readonly name: string;
  readonly groupName: string;
  /** When it runs (epoch ms): its StartTime. */
  readonly startMs: number;
  readonly sizes: SizeRequest;
}

/** What the API acts on: the Auto Scaling model. */
export interface AutoScalingCore {
  readonly groups: Map<string, SimGroup>;
  group(name: string): SimGroup;
  readonly gate: LaunchGate;
  reconcileAfterReaction(group: SimGroup): void;
  terminate(
    group: SimGroup,
    member: SimGroup['members'][number],
    activeBefore: number,
    reason?: string,
  ): void;
}

/**
 * Auto Scaling's API calls on the model, as the SDK bridge and the scenario's operator make them: sizes,
 * deletion, tags and lifecycle hooks. Writes by a caller become CloudTrail records (failed ones too).
 */
export class AutoScalingApi {
  constructor(
    private readonly core: AutoScalingCore,
    private readonly bus: SimulatedEventBus,
    private readonly clock: SimClock,
  ) {}

  private readonly scheduled: ScheduledAction[] = [];

  group(name: string): SimGroup {
    return this.core.group(name);
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

  /**
   * Auto Scaling `SetInstanceProtection`, recorded in CloudTrail: up to 50 instances of the group, each of which
   * must be in it (API reference, SetInstanceProtection). Removing protection lets the group terminate the
   * instances it kept above its desired capacity (user guide, "Use instance scale-in protection").
   */
  setInstanceProtection(
    groupName: string,
    instanceIds: readonly string[],
    protectedFromScaleIn: boolean,
    identityArn: string,
  ): void {
    const requestParameters = {
      autoScalingGroupName: groupName,
      instanceIds: [...instanceIds],
      protectedFromScaleIn,
    };
    try {
      if (instanceIds.length === 0 || instanceIds.length > MAX_PROTECTION_IDS) {
        throw new SimulatedApiError(
          'ValidationError',
          `1 validation error detected: Value '[${instanceIds.join(', ')}]' at 'instanceIds' failed to satisfy constraint: Member must have length ${instanceIds.length === 0 ? 'greater than or equal to 1' : `less than or equal to ${MAX_PROTECTION_IDS}`}`,
        );
      }
      const group = this.writableGroup(groupName);
      const members = instanceIds.map((id) => {
        const member = group.members.find((m) => m.instanceId === id);
        if (!member) {
          throw new SimulatedApiError(
            'ValidationError',
            `The instance ${id} is not part of Auto Scaling group ${groupName}.`,
          );
        }
        // Only these states take protection; one instance in another fails the whole call (the error Auto Scaling
        // returns, as reported in guardian/riff-raff#510 and infrahouse/infrahouse-toolkit#223).
        if (!PROTECTABLE_STATES.includes(member.lifecycle)) {
          throw new SimulatedApiError(
            'ValidationError',
            `The instance ${id} is not in InService or EnteringStandby or Standby.`,
          );
        }
        return member;
      });
      for (const member of members) member.protectedFromScaleIn = protectedFromScaleIn;
      this.bus.recordAutoScalingCall('SetInstanceProtection', identityArn, requestParameters);
      const active = group.members.filter((m) => m.lifecycle !== 'Terminating').length;
      if (!protectedFromScaleIn && active > group.desiredCapacity) this.core.reconcileAfterReaction(group);
    } catch (error) {
      this.bus.recordAutoScalingCall('SetInstanceProtection', identityArn, requestParameters, error);
      throw error;
    }
  }

  /** Puts a one-time scheduled action on a group (it replaces one of the same name on that group). */
  putScheduledAction(action: ScheduledAction): void {
    this.core.group(action.groupName);
    this.dropScheduled(action.groupName, action.name);
    this.scheduled.push(action);
  }

  /** DescribeScheduledActions: the actions not yet run, of one group or of all, in StartTime order. */
  describeScheduledActions(groupName: string | null): readonly ScheduledAction[] {
    return this.scheduled
      .filter((a) => groupName === null || a.groupName === groupName)
      .sort((a, b) => a.startMs - b.startMs || a.name.localeCompare(b.name));
  }

  /**
   * A scheduled action runs: Auto Scaling changes the sizes itself, with no CloudTrail record, under the same
   * validation as UpdateAutoScalingGroup (a desired capacity outside the bounds is refused). Run or refused, a
   * one-time action is gone afterwards.
   */
  runScheduledAction(groupName: string, name: string): void {
    const action = this.scheduled.find((a) => a.groupName === groupName && a.name === name);
    if (!action) return;
    this.dropScheduled(groupName, name);
    this.applySizes(this.writableGroup(groupName), action.sizes, 'a scheduled action', '');
  }

  private dropScheduled(groupName: string, name: string): void {
    const index = this.scheduled.findIndex((a) => a.groupName === groupName && a.name === name);
    if (index >= 0) this.scheduled.splice(index, 1);
  }

  /** `DeleteAutoScalingGroup` with ForceDelete: every instance is terminated, then the group is gone. */
  deleteAutoScalingGroup(groupName: string, identityArn: string): void {
    const requestParameters = { autoScalingGroupName: groupName, forceDelete: true };
    try {
      const group = this.writableGroup(groupName);
      group.deleting = true;
      // Deleting a group deletes its scheduled actions (DeleteAutoScalingGroup API reference).
      for (const action of this.describeScheduledActions(groupName))
        this.dropScheduled(groupName, action.name);
      group.minSize = 0;
      group.maxSize = 0;
      group.desiredCapacity = 0;
      group.desiredSetBy = identityArn;
      group.lastCause = `At ${eventTime(this.clock.nowEpochMs())} a user request deleted the AutoScalingGroup.`;
      this.bus.recordAutoScalingCall('DeleteAutoScalingGroup', identityArn, requestParameters);
      for (const member of group.members.filter((m) => m.lifecycle !== 'Terminating'))
        this.core.terminate(
          group,
          member,
          0,
          `${group.lastCause}  The instance was terminated with the group.`,
        );
      if (group.members.length === 0) this.core.groups.delete(group.spec.name);
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
    return this.core.gate.putLifecycleHook(this.core.group(groupName), input);
  }

  /** DescribeLifecycleHooks: the group's hooks, all or those named. */
  describeLifecycleHooks(groupName: string, names: readonly string[]): readonly LifecycleHook[] {
    return this.core.gate.describeLifecycleHooks(this.core.group(groupName), names);
  }

  /** CompleteLifecycleAction: ends the named hook's wait of one instance with CONTINUE or ABANDON. */
  completeLifecycleAction(
    groupName: string,
    hookName: string,
    ref: ActionReference,
    result: LifecycleResult,
  ): void {
    this.core.gate.completeLifecycleAction(this.core.group(groupName), hookName, ref, result);
  }

  /** RecordLifecycleActionHeartbeat: restarts the hook's timeout for one waiting instance. */
  recordLifecycleActionHeartbeat(groupName: string, hookName: string, ref: ActionReference): void {
    this.core.gate.recordLifecycleActionHeartbeat(this.core.group(groupName), hookName, ref);
  }

  /** A group that takes changes (not being deleted). */
  private writableGroup(name: string): SimGroup {
    const group = this.core.group(name);
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
    this.core.reconcileAfterReaction(group);
  }
}
