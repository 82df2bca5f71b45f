import { DEFAULT_GUARD_SETTINGS } from '../../domain/guard-defaults.js';
import {
  type GateGroup,
  LAUNCHING_TRANSITION,
  type LifecycleHookAdmin,
  type LifecycleHookSpec,
} from '../../ports/lifecycle-hook-admin.js';
import { checkNodeWait, describeGuardMode, type NodeWaitCheck } from './node-wait-check.js';

export interface GateInstallRequest {
  readonly groupName: string;
  readonly hookName: string;
  readonly heartbeatTimeoutSec: number;
}

/** What PutLifecycleHook would change. */
export type HookChange =
  | { readonly kind: 'create' }
  | { readonly kind: 'update'; readonly differences: readonly string[] }
  | { readonly kind: 'unchanged' };

export interface GateInstallPlan {
  readonly group: GateGroup;
  readonly hook: LifecycleHookSpec;
  readonly change: HookChange;
  readonly nodeWait: NodeWaitCheck;
  readonly optedIn: boolean;
  /** The mode the guard paces the group in (`gate`, `ceiling`, `desired`), or why its tag is invalid. */
  readonly mode: string;
  /** Other launch hooks on the group: Auto Scaling waits for every one of them. */
  readonly otherLaunchHooks: readonly LifecycleHookSpec[];
}

/** The group named on the command line does not exist in the Region. */
export class GroupNotFoundError extends Error {
  override readonly name = 'GroupNotFoundError';
}

function differences(existing: LifecycleHookSpec, wanted: LifecycleHookSpec): string[] {
  const found: string[] = [];
  if (existing.transition !== wanted.transition)
    found.push(`LifecycleTransition ${existing.transition} -> ${wanted.transition}`);
  if (existing.heartbeatTimeoutSec !== wanted.heartbeatTimeoutSec) {
    found.push(`HeartbeatTimeout ${existing.heartbeatTimeoutSec} -> ${wanted.heartbeatTimeoutSec}`);
  }
  if (existing.defaultResult !== wanted.defaultResult)
    found.push(`DefaultResult ${existing.defaultResult} -> ${wanted.defaultResult}`);
  return found;
}

/**
 * Reads the group, its hooks and its launch template and works out what installing gate mode would do.
 * Nothing is changed. The hook always continues by default: a guard that is down must not stop launches.
 */
export async function planGateInstall(
  admin: LifecycleHookAdmin,
  request: GateInstallRequest,
): Promise<GateInstallPlan> {
  const [group] = await admin.describeGroups([request.groupName]);
  if (!group)
    throw new GroupNotFoundError(
      `--group: no Auto Scaling group named '${request.groupName}' in this Region`,
    );
  const hook: LifecycleHookSpec = {
    groupName: group.name,
    hookName: request.hookName,
    transition: LAUNCHING_TRANSITION,
    heartbeatTimeoutSec: request.heartbeatTimeoutSec,
    defaultResult: 'CONTINUE',
  };
  const hooks = await admin.describeHooks(group.name);
  const existing = hooks.find((h) => h.hookName === hook.hookName);
  const diff = existing ? differences(existing, hook) : [];
  const change: HookChange = !existing
    ? { kind: 'create' }
    : diff.length > 0
      ? { kind: 'update', differences: diff }
      : { kind: 'unchanged' };
  return {
    group,
    hook,
    change,
    nodeWait: await checkNodeWait(admin, group),
    optedIn: group.tags[DEFAULT_GUARD_SETTINGS.optInTagKey] === DEFAULT_GUARD_SETTINGS.optInTagValue,
    mode: describeGuardMode(group),
    otherLaunchHooks: hooks.filter(
      (h) => h.hookName !== hook.hookName && h.transition === LAUNCHING_TRANSITION,
    ),
  };
}

/** Creates or updates the hook the plan describes; returns false when it was already as wanted. */
export async function applyGateInstall(admin: LifecycleHookAdmin, plan: GateInstallPlan): Promise<boolean> {
  if (plan.change.kind === 'unchanged') return false;
  await admin.putHook(plan.hook);
  return true;
}
