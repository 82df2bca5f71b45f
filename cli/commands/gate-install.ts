import { GATE_DEFAULTS, GATE_WAIT_LIMITS } from '../../shared/node-gate/gate-defaults.js';
import type { LifecycleHookAdmin } from '../../shared/ports/lifecycle-hook-admin.js';
import {
  applyGateInstall,
  type GateInstallPlan,
  GroupNotFoundError,
  planGateInstall,
} from '../../shared/use-cases/gate/gate-install.js';
import { reportsTagOf } from '../../shared/use-cases/gate/gate-ledger.js';
import { parseFlags, parseIntegerFlag } from '../args.js';
import { type CliIo, UsageError } from '../command.js';
import { parseRegionFlag } from '../region-flag.js';
import { liveHookAdmin, nodeWaitText, reportsText } from './gate-admin.js';

export type HookAdminFactory = (
  region: string | undefined,
  profile: string | undefined,
) => LifecycleHookAdmin;

function hookLines(plan: GateInstallPlan): string[] {
  const { hook, change } = plan;
  const request = {
    AutoScalingGroupName: hook.groupName,
    LifecycleHookName: hook.hookName,
    LifecycleTransition: hook.transition,
    HeartbeatTimeout: hook.heartbeatTimeoutSec,
    DefaultResult: hook.defaultResult,
  };
  const verb = { create: 'create', update: 'update', unchanged: 'keep (already as wanted)' }[change.kind];
  return [
    `Lifecycle hook ${hook.hookName}: ${verb}`,
    ...(change.kind === 'update' ? change.differences.map((d) => `  ${d}`) : []),
    ...(change.kind === 'unchanged' ? [] : [`  PutLifecycleHook ${JSON.stringify(request)}`]),
  ];
}

function nodeLines(plan: GateInstallPlan): string[] {
  const { detail } = nodeWaitText(plan.nodeWait);
  if (plan.nodeWait.kind === 'present') {
    const reports = reportsText(plan.nodeWait, reportsTagOf(plan.group) === true);
    return [
      `Node-side wait: ${detail}`,
      `Node reports: ${reports.cell}`,
      ...(reports.detail === null ? [] : [`  ${reports.detail}`]),
    ];
  }
  return [
    `Node-side wait: ${detail}`,
    '  Without it a held instance still boots kubelet and the CNI attaches its ENIs: the hook only delays',
    '  InService. Put the wait before kubelet, in a new launch template version, then roll the group:',
    '    capacity-guard gate snippet --os al2023|al2|bottlerocket [--managed-node-group]',
  ];
}

function groupNotes(plan: GateInstallPlan): string[] {
  const notes: string[] = [];
  if (!plan.optedIn)
    notes.push(
      'the group is not opted in: tag it capacity-guard/enabled=true or the guard never releases it early',
    );
  if (plan.mode !== 'gate') {
    notes.push(
      `tag ${GATE_DEFAULTS.modeTagKey}=gate so the guard releases held instances (now: ${plan.mode})`,
    );
  }
  for (const other of plan.otherLaunchHooks) {
    notes.push(
      `launch hook ${other.hookName} also holds new instances (Auto Scaling waits for every launch hook)`,
    );
  }
  return notes.map((n) => `  note: ${n}`);
}

/** `gate install`: dry run by default; `--apply` creates or updates the hook. */
export async function runGateInstall(
  args: readonly string[],
  io: CliIo,
  admin: HookAdminFactory = liveHookAdmin,
): Promise<number> {
  const { values } = parseFlags('gate install', args, {
    group: { type: 'string' },
    region: { type: 'string' },
    profile: { type: 'string' },
    'heartbeat-timeout-sec': { type: 'string' },
    apply: { type: 'boolean' },
  });
  if (values.group === undefined || values.group.trim() === '') {
    throw new UsageError("gate install: --group is required (see 'gate --help')");
  }
  const { min, max } = GATE_WAIT_LIMITS.heartbeatTimeoutSec;
  const heartbeatTimeoutSec =
    values['heartbeat-timeout-sec'] === undefined
      ? GATE_DEFAULTS.heartbeatTimeoutSec
      : parseIntegerFlag('heartbeat-timeout-sec', values['heartbeat-timeout-sec'], min, max);
  const hookAdmin = admin(parseRegionFlag(values.region), values.profile);
  let plan: GateInstallPlan;
  try {
    plan = await planGateInstall(hookAdmin, {
      groupName: values.group,
      hookName: GATE_DEFAULTS.hookName,
      heartbeatTimeoutSec,
    });
  } catch (error) {
    if (error instanceof GroupNotFoundError) throw new UsageError(error.message);
    throw error;
  }
  const lines = [
    `Auto Scaling group ${plan.group.name}`,
    ...groupNotes(plan),
    ...hookLines(plan),
    ...nodeLines(plan),
  ];
  if (!values.apply) {
    lines.push(
      '',
      plan.change.kind === 'unchanged'
        ? 'Nothing to change.'
        : 'Dry run: nothing changed. Re-run with --apply to put the hook.',
    );
  } else {
    const changed = await applyGateInstall(hookAdmin, plan);
    lines.push('', changed ? `Hook ${plan.hook.hookName} put on ${plan.group.name}.` : 'Nothing to change.');
  }
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
