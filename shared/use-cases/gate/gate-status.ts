import { DEFAULT_GUARD_SETTINGS } from '../../domain/guard-defaults.js';
import type { LifecycleHookAdmin, LifecycleHookSpec } from '../../ports/lifecycle-hook-admin.js';
import { PENDING_WAIT, reportsTagOf } from './gate-ledger.js';
import { checkNodeWait, describeGuardMode, type NodeWaitCheck } from './node-wait-check.js';

export interface GateStatusRow {
  readonly groupName: string;
  /** The mode the guard paces the group in (`gate`, `ceiling`, `desired`), or why its tag is invalid. */
  readonly mode: string;
  /** Gate mode's hook on this group, null when absent. */
  readonly hook: LifecycleHookSpec | null;
  readonly nodeWait: NodeWaitCheck;
  /** The group carries `capacity-guard/gate-reports=true`: the gate holds its booting nodes for their report. */
  readonly reportsTagged: boolean;
  readonly waitingInstances: number;
  /**
   * Instances shown protected from scale-in (by anyone): in gate mode, while instances wait, the gate protects the
   * nodes in service so that a scale-in takes waiting instances first.
   */
  readonly protectedInstances: number;
  /** The instance waiting longest and since when (epoch ms); null when none waits or none has a known start. */
  readonly oldestWait: {
    readonly instanceId: string;
    readonly sinceMs: number;
    readonly ageSec: number;
  } | null;
}

/**
 * Gate mode across the opted-in groups of a Region: mode tag, hook, node-side wait, instances held in
 * `Pending:Wait` and the oldest of them (its launch activity's start time). Read-only.
 */
export async function readGateStatus(
  admin: LifecycleHookAdmin,
  options: { readonly nowMs: number; readonly hookName: string },
): Promise<GateStatusRow[]> {
  const groups = await admin.listTaggedGroups(
    DEFAULT_GUARD_SETTINGS.optInTagKey,
    DEFAULT_GUARD_SETTINGS.optInTagValue,
  );
  const rows: GateStatusRow[] = [];
  for (const group of [...groups].sort((a, b) => a.name.localeCompare(b.name))) {
    const hooks = await admin.describeHooks(group.name);
    const waiting = group.instances.filter((i) => i.lifecycleState === PENDING_WAIT).map((i) => i.instanceId);
    const starts = await admin.launchStartTimes(group.name, waiting);
    let oldest: GateStatusRow['oldestWait'] = null;
    for (const [instanceId, sinceMs] of starts) {
      if (!oldest || sinceMs < oldest.sinceMs) {
        oldest = { instanceId, sinceMs, ageSec: Math.max(0, Math.round((options.nowMs - sinceMs) / 1000)) };
      }
    }
    rows.push({
      groupName: group.name,
      mode: describeGuardMode(group),
      hook: hooks.find((h) => h.hookName === options.hookName) ?? null,
      nodeWait: await checkNodeWait(admin, group),
      reportsTagged: reportsTagOf(group) === true,
      waitingInstances: waiting.length,
      protectedInstances: group.instances.filter((i) => i.protectedFromScaleIn === true).length,
      oldestWait: oldest,
    });
  }
  return rows;
}
