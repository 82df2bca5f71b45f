import { NODE_REPORT_DETAIL_TYPE, NODE_REPORT_SOURCE } from '../events/node-report.js';
import type { GroupMember, SimGroup } from './auto-scaling-group.js';
import type { SimulatedEventBus } from './event-bus.js';
import { eventTime, launchLifecycleActionEvent } from './eventbridge-events.js';
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
import type { Scenario } from './scenario.js';
import type { RandomStreams } from './seeded-random.js';
import type { SimClock, SimEvent } from './sim-event.js';
import { SimulatedApiError } from './simulated-api-error.js';

/** What the gate needs from the Auto Scaling model around it. */
export interface GateHost {
  /** Terminates `member` (ABANDON) with `reason` as the activity's cause. */
  abandon(group: SimGroup, member: GroupMember, reason: string): void;
  /** The launch activity of `member` completed (`EC2 Instance Launch Successful`). */
  launchActivityDone(group: SimGroup, member: GroupMember): void;
}

export interface LaunchGateEnv {
  readonly scenario: Scenario;
  readonly clock: SimClock;
  readonly bus: SimulatedEventBus;
  /** Per-group streams (how long after its release each node's wait loop reads InService). */
  readonly streams: RandomStreams;
  readonly observer: { gateWait(durationMs: number, timedOut: boolean): void };
  readonly host: GateHost;
}

/**
 * Launch lifecycle hooks acting on a group's new instances: `Pending:Wait`, the lifecycle action event,
 * heartbeat and global timeouts, CompleteLifecycleAction, and the node's own wait for `InService` (AWS Auto
 * Scaling user guide, "How lifecycle hooks work in Auto Scaling groups" and "Retrieve the target lifecycle
 * state through instance metadata").
 */
export class LaunchGate {
  constructor(private readonly env: LaunchGateEnv) {}

  /** PutLifecycleHook: creates or updates a hook of the group (new launches use it). */
  putLifecycleHook(group: SimGroup, input: PutLifecycleHookInput): LifecycleHook {
    return putLifecycleHook(group.hooks, input);
  }

  /** DescribeLifecycleHooks: the group's hooks, all or those named. */
  describeLifecycleHooks(group: SimGroup, names: readonly string[]): readonly LifecycleHook[] {
    return names.length === 0 ? group.hooks : group.hooks.filter((h) => names.includes(h.name));
  }

  /** CompleteLifecycleAction: ends the named hook's wait of one instance with CONTINUE or ABANDON. */
  completeLifecycleAction(
    group: SimGroup,
    hookName: string,
    ref: ActionReference,
    result: LifecycleResult,
  ): void {
    this.hookOf(group, hookName);
    const { holder, action } = findOpenAction(this.waitingMembers(group), hookName, ref);
    this.endAction(group, holder, action, result, 'complete');
  }

  /** RecordLifecycleActionHeartbeat: restarts the hook's timeout for one waiting instance. */
  recordLifecycleActionHeartbeat(group: SimGroup, hookName: string, ref: ActionReference): void {
    this.hookOf(group, hookName);
    const { holder, action } = findOpenAction(this.waitingMembers(group), hookName, ref);
    recordHeartbeat(action, this.env.clock.nowSimMs);
    this.pushTimeout(group, holder, action);
  }

  launchHooksOf(group: SimGroup): LifecycleHook[] {
    return group.hooks.filter((h) => h.transition === LAUNCHING);
  }

  /**
   * A new instance meets the group's launch hooks. With `nodeWaits` the node boots to its user data's wait
   * point (`waitPointMs`) and goes no further until it reads InService; otherwise it boots through.
   * Returns false when no hook holds it.
   */
  admit(group: SimGroup, member: GroupMember, waitPointMs: number): boolean {
    const hooks = this.launchHooksOf(group);
    if (hooks.length === 0) return false;
    this.enterWait(group, member, hooks);
    if (!group.nodeWaits) return false;
    member.waitPointMs = waitPointMs;
    this.env.clock.at(waitPointMs, { kind: 'instance-running', instanceId: member.instanceId });
    if (group.nodeReports) {
      this.env.clock.at(waitPointMs, {
        kind: 'node-wait-point',
        group: group.spec.name,
        instanceId: member.instanceId,
      });
    }
    return true;
  }

  /**
   * The node reached its wait point and its first IMDS read is not InService: it reports with one PutEvents on
   * the default bus (the wait block's report, `capacity-guard gate snippet`). A node already released, or gone,
   * reads InService (or nothing) and sends nothing.
   */
  nodeWaitPoint(group: SimGroup, instanceId: string): void {
    const member = group.members.find((m) => m.instanceId === instanceId);
    if (member?.lifecycle !== 'Pending:Wait') return;
    this.env.bus.putEvent({
      source: NODE_REPORT_SOURCE,
      detailType: NODE_REPORT_DETAIL_TYPE,
      detail: { 'instance-id': instanceId, 'reached-at': eventTime(this.env.clock.nowEpochMs()) },
    });
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
    member.waitStartMs = this.env.clock.nowSimMs;
    for (const hook of hooks) {
      const action = startAction(hook, this.env.bus.newId(), this.env.clock.nowSimMs);
      member.actions.push(action);
      this.pushTimeout(group, member, action);
      this.env.bus.emit(
        launchLifecycleActionEvent(this.env.bus.context(), {
          groupName: group.spec.name,
          hookName: hook.name,
          instanceId: member.instanceId,
          token: action.token,
          notificationMetadata: hook.notificationMetadata,
        }),
        this.env.scenario.timing.autoScalingEventDelaySec,
      );
    }
  }

  private pushTimeout(group: SimGroup, member: GroupMember, action: LifecycleAction): void {
    this.env.clock.at(action.deadlineMs, {
      kind: 'lifecycle-timeout',
      group: group.spec.name,
      instanceId: member.instanceId,
      hookName: action.hookName,
      generation: action.generation,
    });
  }

  /** A heartbeat period ended: a still-open action gets the hook's DefaultResult. */
  lifecycleTimeout(group: SimGroup, event: Extract<SimEvent, { kind: 'lifecycle-timeout' }>): void {
    const member = group.members.find(
      (m) => m.instanceId === event.instanceId && m.lifecycle === 'Pending:Wait',
    );
    if (!member) return;
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
      this.env.host.abandon(
        group,
        member,
        `At ${eventTime(this.env.clock.nowEpochMs())} the lifecycle action of hook ${action.hookName} ended with ABANDON (${endedBy === 'timeout' ? 'heartbeat timeout' : 'CompleteLifecycleAction'}); the instance was terminated.`,
      );
      return;
    }
    if (member.actions.some((a) => a.result === null)) return;
    const timedOut = member.actions.some((a) => a.endedBy === 'timeout');
    this.endWait(member, timedOut);
    member.lifecycle = 'InService';
    this.env.host.launchActivityDone(group, member);
    if (member.waitPointMs === null) return;
    // The wait loop reads IMDS every gatePollSec: it sees InService up to one poll after the change.
    const timing = this.env.scenario.timing;
    const seenMs =
      this.env.clock.nowSimMs +
      Math.round(this.env.streams.of(`gate-poll:${group.spec.name}`).uniform(0, timing.gatePollSec) * 1000);
    const ipamdAtMs = Math.max(member.waitPointMs, seenMs);
    this.env.clock.at(ipamdAtMs, { kind: 'ipamd-start', instanceId: member.instanceId });
    this.env.clock.at(ipamdAtMs + Math.round(timing.ipamdLeadSec * 1000), {
      kind: 'node-ready',
      instanceId: member.instanceId,
    });
  }

  /** Records the end of `Pending:Wait` (proceeded, abandoned or terminated while waiting). */
  endWait(member: GroupMember, timedOut = false): void {
    if (member.lifecycle !== 'Pending:Wait' || member.waitStartMs === null) return;
    for (const action of member.actions) if (action.result === null) action.result = 'ABANDON';
    this.env.observer.gateWait(this.env.clock.nowSimMs - member.waitStartMs, timedOut);
  }
}
