import { SimulatedApiError } from './simulated-api-error.js';

/**
 * Auto Scaling lifecycle hooks as the simulator models them. Sources: AWS Auto Scaling user guide,
 * "Amazon EC2 Auto Scaling lifecycle hooks", "How lifecycle hooks work in Auto Scaling groups" and
 * "Retrieve the target lifecycle state through instance metadata"; API reference of PutLifecycleHook,
 * CompleteLifecycleAction, RecordLifecycleActionHeartbeat and the LifecycleHook data type.
 */
export const LAUNCHING = 'autoscaling:EC2_INSTANCE_LAUNCHING';
export const TERMINATING = 'autoscaling:EC2_INSTANCE_TERMINATING';
export type LifecycleTransition = typeof LAUNCHING | typeof TERMINATING;
export type LifecycleResult = 'CONTINUE' | 'ABANDON';

/** PutLifecycleHook: HeartbeatTimeout 30..7200 s, default 3600 s; DefaultResult defaults to ABANDON. */
export const HEARTBEAT_MIN_SEC = 30;
export const HEARTBEAT_MAX_SEC = 7200;
const API_DEFAULT_HEARTBEAT_SEC = 3600;
const API_DEFAULT_RESULT: LifecycleResult = 'ABANDON';
/** GlobalTimeout: at most 172,800 s (48 h) or 100 × HeartbeatTimeout, whichever is smaller. */
const GLOBAL_TIMEOUT_CAP_SEC = 172_800;
const GLOBAL_TIMEOUT_HEARTBEATS = 100;
/** LifecycleHookName: 1..255 characters of `[A-Za-z0-9\-_\/]`. */
const HOOK_NAME_PATTERN = /^[A-Za-z0-9\-_/]{1,255}$/;

export interface LifecycleHook {
  readonly name: string;
  transition: LifecycleTransition;
  heartbeatTimeoutSec: number;
  defaultResult: LifecycleResult;
  notificationMetadata: string | null;
}

/** One instance held by one hook: `Pending:Wait` lasts until every action of the instance has a result. */
export interface LifecycleAction {
  readonly hookName: string;
  readonly token: string;
  readonly startMs: number;
  readonly defaultResult: LifecycleResult;
  readonly heartbeatTimeoutSec: number;
  /** Simulated ms when the wait ends at the latest, whatever heartbeats are recorded. */
  readonly globalDeadlineMs: number;
  /** Simulated ms when the current heartbeat period ends. */
  deadlineMs: number;
  /** Bumped by every heartbeat, so a superseded timeout is ignored. */
  generation: number;
  result: LifecycleResult | null;
  endedBy: 'complete' | 'timeout' | null;
}

/**
 * Total wait allowed for one action.
 *
 * @example
 * globalTimeoutSec(600) // 60000
 * globalTimeoutSec(7200) // 172800
 */
export function globalTimeoutSec(heartbeatTimeoutSec: number): number {
  return Math.min(GLOBAL_TIMEOUT_HEARTBEATS * heartbeatTimeoutSec, GLOBAL_TIMEOUT_CAP_SEC);
}

/** A new action for `hook`, started at `nowMs` (simulated). */
export function startAction(hook: LifecycleHook, token: string, nowMs: number): LifecycleAction {
  return {
    hookName: hook.name,
    token,
    startMs: nowMs,
    defaultResult: hook.defaultResult,
    heartbeatTimeoutSec: hook.heartbeatTimeoutSec,
    globalDeadlineMs: nowMs + globalTimeoutSec(hook.heartbeatTimeoutSec) * 1000,
    deadlineMs: nowMs + hook.heartbeatTimeoutSec * 1000,
    generation: 0,
    result: null,
    endedBy: null,
  };
}

/** RecordLifecycleActionHeartbeat: the timeout restarts, within the global timeout. */
export function recordHeartbeat(action: LifecycleAction, nowMs: number): void {
  action.deadlineMs = Math.min(nowMs + action.heartbeatTimeoutSec * 1000, action.globalDeadlineMs);
  action.generation += 1;
}

export function parseLifecycleResult(value: unknown): LifecycleResult {
  if (value === 'CONTINUE' || value === 'ABANDON') return value;
  throw new SimulatedApiError(
    'ValidationError',
    `LifecycleActionResult ${JSON.stringify(value)} is not valid: expected CONTINUE or ABANDON`,
  );
}

export interface PutLifecycleHookInput {
  readonly LifecycleHookName?: unknown;
  readonly LifecycleTransition?: unknown;
  readonly HeartbeatTimeout?: unknown;
  readonly DefaultResult?: unknown;
  readonly NotificationMetadata?: unknown;
}

/**
 * PutLifecycleHook on a group's hooks: creates the hook (LifecycleTransition required) or updates the
 * fields given. Returns the hook as stored.
 */
export function putLifecycleHook(hooks: LifecycleHook[], input: PutLifecycleHookInput): LifecycleHook {
  const name = input.LifecycleHookName;
  if (typeof name !== 'string' || !HOOK_NAME_PATTERN.test(name)) {
    throw new SimulatedApiError(
      'ValidationError',
      `LifecycleHookName ${JSON.stringify(name)} is not valid: expected 1..255 characters of A-Z a-z 0-9 - _ /`,
    );
  }
  const transition = input.LifecycleTransition;
  if (transition !== undefined && transition !== LAUNCHING && transition !== TERMINATING) {
    throw new SimulatedApiError(
      'ValidationError',
      `LifecycleTransition ${JSON.stringify(transition)} is not valid: expected ${LAUNCHING} or ${TERMINATING}`,
    );
  }
  const heartbeat = input.HeartbeatTimeout;
  if (
    heartbeat !== undefined &&
    (typeof heartbeat !== 'number' ||
      !Number.isInteger(heartbeat) ||
      heartbeat < HEARTBEAT_MIN_SEC ||
      heartbeat > HEARTBEAT_MAX_SEC)
  ) {
    throw new SimulatedApiError(
      'ValidationError',
      `HeartbeatTimeout ${JSON.stringify(heartbeat)} is not valid: expected a whole number of seconds in ${HEARTBEAT_MIN_SEC}..${HEARTBEAT_MAX_SEC}`,
    );
  }
  const defaultResult =
    input.DefaultResult === undefined ? undefined : parseDefaultResult(input.DefaultResult);
  const metadata = input.NotificationMetadata;
  if (metadata !== undefined && typeof metadata !== 'string') {
    throw new SimulatedApiError('ValidationError', 'NotificationMetadata is not valid: expected a string');
  }
  const existing = hooks.find((h) => h.name === name);
  if (existing) {
    if (transition !== undefined) existing.transition = transition;
    if (heartbeat !== undefined) existing.heartbeatTimeoutSec = heartbeat as number;
    if (defaultResult !== undefined) existing.defaultResult = defaultResult;
    if (metadata !== undefined) existing.notificationMetadata = metadata;
    return existing;
  }
  if (transition === undefined) {
    throw new SimulatedApiError(
      'ValidationError',
      'LifecycleTransition is required to create a lifecycle hook',
    );
  }
  const hook: LifecycleHook = {
    name,
    transition,
    heartbeatTimeoutSec: (heartbeat as number | undefined) ?? API_DEFAULT_HEARTBEAT_SEC,
    defaultResult: defaultResult ?? API_DEFAULT_RESULT,
    notificationMetadata: (metadata as string | undefined) ?? null,
  };
  hooks.push(hook);
  return hook;
}

function parseDefaultResult(value: unknown): LifecycleResult {
  if (value === 'CONTINUE' || value === 'ABANDON') return value;
  throw new SimulatedApiError(
    'ValidationError',
    `DefaultResult ${JSON.stringify(value)} is not valid: expected CONTINUE or ABANDON`,
  );
}

/** Who a Complete or Heartbeat call names: the token of the action or the instance. */
export interface ActionReference {
  readonly token?: string;
  readonly instanceId?: string;
}

/** Holder of lifecycle actions (an instance in the group). */
export interface ActionHolder {
  readonly instanceId: string;
  readonly actions: readonly LifecycleAction[];
}

/**
 * The open action of `hookName` the call refers to. An instance that is not waiting answers the
 * ValidationError Auto Scaling gives ("No active Lifecycle Action found with instance ID …" / "… with token …").
 */
export function findOpenAction<H extends ActionHolder>(
  holders: readonly H[],
  hookName: string,
  ref: ActionReference,
): { holder: H; action: LifecycleAction } {
  if (!ref.token && !ref.instanceId) {
    throw new SimulatedApiError('ValidationError', 'Either LifecycleActionToken or InstanceId is required');
  }
  for (const holder of holders) {
    if (ref.instanceId && holder.instanceId !== ref.instanceId) continue;
    const action = holder.actions.find(
      (a) => a.hookName === hookName && a.result === null && (!ref.token || a.token === ref.token),
    );
    if (action) return { holder, action };
  }
  const message = ref.instanceId
    ? `No active Lifecycle Action found with instance ID ${ref.instanceId}`
    : `No active Lifecycle Action found with token ${ref.token}`;
  throw new SimulatedApiError('ValidationError', message);
}
