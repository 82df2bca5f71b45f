import type { ReleasedInstance } from '../../domain/attach-timing.js';
import type { ScalingGroup } from '../../ports/scaling-groups.js';
import { isMarkedPaced } from '../group-profile.js';
import type { GateDeps } from './gate-deps.js';
import { gatedGroups, PENDING_WAIT } from './gate-ledger.js';

/** What the pass did about marks and opted-out groups. */
export interface GateOptOutOutcome {
  /** Instances of groups opted out while they waited, released at once. */
  readonly released: number;
  /** Tag writes and releases that failed (tried again on the next pass). */
  readonly failedCalls: number;
}

/**
 * The gate's side of opting out. While instances of a gated group wait, the gate marks the group with its own
 * paced tag (and removes the mark once nothing of it waits or is still expected to attach): the opt-in tag alone
 * decides what the gate paces, the mark only what its role may still release. A group that lost its opt-in tag
 * while marked has every instance still waiting at the hook released at once (the operator asked the guard to
 * stop holding it; holding on would make each wait the hook's whole heartbeat timeout), then loses the mark and is
 * never touched again. `tagged`: the pass's listing of groups carrying the opt-in tag or the mark. A group whose
 * nodes the gate still records as protected from scale-in keeps its mark until that protection is off, so the
 * gate's role may still remove it (see gate-protection.ts).
 */
export async function handOverOptedOut(
  deps: GateDeps,
  tagged: readonly ScalingGroup[],
  optedIn: readonly ScalingGroup[],
  inFlight: readonly ReleasedInstance[],
  stillProtected: ReadonlySet<string> = new Set(),
): Promise<GateOptOutOutcome> {
  let failedCalls = 0;
  const attempt = async (call: () => Promise<unknown>): Promise<boolean> => {
    try {
      await call();
      return true;
    } catch {
      failedCalls += 1;
      return false;
    }
  };
  const expecting = new Set(inFlight.map((r) => r.groupName));
  for (const group of gatedGroups(optedIn)) {
    const waiting = group.instances.some((i) => i.lifecycleState === PENDING_WAIT);
    if (waiting && !isMarkedPaced(group)) await attempt(() => deps.groups.markPaced(group.name, true));
    else if (
      !waiting &&
      !expecting.has(group.name) &&
      !stillProtected.has(group.name) &&
      isMarkedPaced(group)
    )
      await attempt(() => deps.groups.markPaced(group.name, false));
  }
  const optedInNames = new Set(optedIn.map((g) => g.name));
  let released = 0;
  const markedOut = tagged.filter((g) => isMarkedPaced(g) && !optedInNames.has(g.name));
  for (const group of gatedGroups(markedOut)) {
    let left = 0;
    for (const instance of group.instances.filter((i) => i.lifecycleState === PENDING_WAIT)) {
      const ok = await attempt(() =>
        deps.actions.release({
          groupName: group.name,
          hookName: deps.settings.hookName,
          instanceId: instance.instanceId,
        }),
      );
      if (ok) released += 1;
      else left += 1;
    }
    if (left === 0 && !stillProtected.has(group.name))
      await attempt(() => deps.groups.markPaced(group.name, false));
  }
  return { released, failedCalls };
}
