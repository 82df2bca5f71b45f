import { type GroupInstance, isActiveInstance } from './scale-in-protection.js';

/*
 * Scale-in protection in gate mode. While instances of a gated group wait at the hook, a scale-in (an operator,
 * a scheduled action, Cluster Autoscaler) lets Auto Scaling pick by its termination policy, which prefers no
 * waiting instance: the instance closest to its next billing hour goes, usually one of the oldest nodes, whose
 * pods then move and whose attaches are spent, while the waiting ones stay to spend the budget again. So while
 * instances wait, the gate protects the group's nodes in service (Auto Scaling user guide, "Use instance scale-in
 * protection"): a scale-in meanwhile takes waiting instances first. It records what it protects before protecting
 * it, and takes that protection off once nothing of the group waits, or the group leaves the gate. Protection
 * someone else set is never touched.
 */

/** A node the gate protected while instances of its group waited. */
export interface GateProtectedInstance {
  readonly instanceId: string;
  readonly groupName: string;
}

/** A group as one gate pass sees it. */
export interface GateGroupView {
  readonly name: string;
  readonly instances: readonly GroupInstance[];
  /** The group is gated and instances of it wait at the hook. */
  readonly holding: boolean;
}

/** What one pass does about protection: calls to make, and the record to commit before making them. */
export interface GateProtectionChange {
  readonly protect: readonly GateProtectedInstance[];
  readonly unprotect: readonly GateProtectedInstance[];
  readonly recorded: readonly GateProtectedInstance[];
}

const IN_SERVICE = 'InService';

/**
 * The protection a pass sets and removes. In a holding group, every instance in service not shown protected is
 * protected (again, if a call failed or someone took it off) and recorded. An instance the gate recorded is
 * unprotected once its group no longer holds (or left the listing: `groups` must then include it, read by name),
 * and forgotten once it is gone, on its way out, or shown unprotected. A recorded group absent from `groups` keeps
 * its record until it is seen.
 *
 * @example
 * gateProtection([{ name: 'g', holding: true, instances: [{ instanceId: 'i-1', lifecycleState: 'InService' }] }], [])
 * // { protect: [{ instanceId: 'i-1', groupName: 'g' }], unprotect: [], recorded: [{ instanceId: 'i-1', groupName: 'g' }] }
 */
export function gateProtection(
  groups: readonly GateGroupView[],
  recorded: readonly GateProtectedInstance[],
): GateProtectionChange {
  const byName = new Map(groups.map((g) => [g.name, g]));
  const protect: GateProtectedInstance[] = [];
  const unprotect: GateProtectedInstance[] = [];
  const kept: GateProtectedInstance[] = [];
  for (const entry of recorded) {
    const group = byName.get(entry.groupName);
    if (!group) {
      kept.push(entry);
      continue;
    }
    const instance = group.instances.find((i) => i.instanceId === entry.instanceId);
    if (!instance || !isActiveInstance(instance)) continue;
    if (group.holding) {
      kept.push(entry);
      continue;
    }
    if (instance.protectedFromScaleIn === true) {
      unprotect.push(entry);
      kept.push(entry);
    }
  }
  const keptIds = new Set(kept.map((e) => e.instanceId));
  for (const group of groups) {
    if (!group.holding) continue;
    for (const instance of group.instances) {
      if (instance.lifecycleState !== IN_SERVICE || instance.protectedFromScaleIn === true) continue;
      const entry = { instanceId: instance.instanceId, groupName: group.name };
      protect.push(entry);
      if (!keptIds.has(entry.instanceId)) kept.push(entry);
    }
  }
  return { protect, unprotect, recorded: kept };
}
