import {
  type GateGroupView,
  type GateProtectedInstance,
  type GateProtectionChange,
  gateProtection,
} from '../../domain/gate-protection.js';
import type { ProtectedGroup } from '../../ports/gate-state-store.js';
import type { ScalingGroup } from '../../ports/scaling-groups.js';
import type { GateDeps } from './gate-deps.js';
import { PENDING_WAIT } from './gate-ledger.js';

/**
 * The protection one pass sets and removes (see `gate-protection.ts`): gated groups hold while instances of them
 * wait; a group the ledger protected nodes of that is no longer gated (opted out, another mode, tags removed) is
 * read by name if the pass's listing does not show it, and its protection comes off.
 */
export async function protectionChange(
  deps: Pick<GateDeps, 'groups'>,
  tagged: readonly ScalingGroup[],
  gated: readonly ScalingGroup[],
  recorded: readonly GateProtectedInstance[],
): Promise<GateProtectionChange> {
  const gatedNames = new Set(gated.map((g) => g.name));
  const recordedNames = new Set(recorded.map((r) => r.groupName));
  const listed = new Map(tagged.map((g) => [g.name, g]));
  const unlisted = [...recordedNames].filter((name) => !listed.has(name));
  const read = unlisted.length === 0 ? [] : await deps.groups.describe(unlisted);
  const views: GateGroupView[] = [
    ...gated.map((g) => ({
      name: g.name,
      instances: g.instances,
      holding: g.instances.some((i) => i.lifecycleState === PENDING_WAIT),
    })),
    ...[...tagged, ...read]
      .filter((g) => !gatedNames.has(g.name) && recordedNames.has(g.name))
      .map((g) => ({ name: g.name, instances: g.instances, holding: false })),
  ];
  // A recorded group that no longer exists has nothing left to unprotect.
  const found = new Set([...listed.keys(), ...read.map((g) => g.name)]);
  const live = recorded.filter((r) => found.has(r.groupName));
  return gateProtection(views, live);
}

/** The ledger's per-group ids as one entry per instance. */
export function protectedEntries(groups: readonly ProtectedGroup[]): GateProtectedInstance[] {
  return groups.flatMap((g) => g.instanceIds.map((instanceId) => ({ instanceId, groupName: g.groupName })));
}

/** Entries as the ledger keeps them: ids per group, in first-seen order. */
export function protectedGroups(entries: readonly GateProtectedInstance[]): ProtectedGroup[] {
  const byGroup = new Map<string, string[]>();
  for (const e of entries) {
    const ids = byGroup.get(e.groupName);
    if (ids) ids.push(e.instanceId);
    else byGroup.set(e.groupName, [e.instanceId]);
  }
  return [...byGroup].map(([groupName, instanceIds]) => ({ groupName, instanceIds }));
}

/** Makes the protection calls of a committed change (50 ids per call in the adapter); returns the calls that failed. */
export async function applyProtection(
  deps: Pick<GateDeps, 'groups'>,
  change: Pick<GateProtectionChange, 'protect' | 'unprotect'>,
): Promise<number> {
  let failed = 0;
  for (const [protect, entries] of [
    [true, change.protect],
    [false, change.unprotect],
  ] as const) {
    for (const { groupName, instanceIds: ids } of protectedGroups(entries)) {
      try {
        await deps.groups.setInstanceProtection(groupName, ids, protect);
      } catch {
        failed += 1;
      }
    }
  }
  return failed;
}
