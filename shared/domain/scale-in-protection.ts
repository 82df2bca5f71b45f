import type { StaggerPlan } from './stagger-plan.js';

/*
 * Scale-in protection in the desired and ceiling modes. Lowering a group's desired capacity (or its MaxSize) below
 * the instances it has makes Auto Scaling terminate the surplus by its termination policy, which prefers no
 * pending instance over a booted one. A node whose ENI attaches already happened saves no budget when cut (the
 * attaches are spent) and its pods have to move: before such a write the guard protects those nodes from scale-in
 * (Auto Scaling user guide, "Use instance scale-in protection") and asks for no fewer than the protected count, so
 * only nodes that have attached nothing yet are cut. The guard records the ids it protects on the plan before it
 * protects them, and removes that protection once the plan hands the group back.
 */

/** An instance as the group shows it. */
export interface GroupInstance {
  readonly instanceId: string;
  readonly lifecycleState: string;
  readonly protectedFromScaleIn?: boolean;
}

/** What keeps attached nodes through a write: instances to protect now, and the capacity floor. */
export interface KeptInstances {
  /** Instances to protect before the write: attached, not protected yet. */
  readonly protect: readonly string[];
  /** Active instances protected once they are (the guard's and anybody else's): the write never goes below. */
  readonly floor: number;
}

/** Whether an instance still counts towards the group's capacity (not on its way out). */
export function isActiveInstance(instance: Pick<GroupInstance, 'lifecycleState'>): boolean {
  return !/^(Terminat|Detach)/.test(instance.lifecycleState);
}

/**
 * The instances a write down to `capacity` must keep: none when the group has no more active instances than that
 * (nothing is cut); otherwise the attached ones (an ENI attached beyond the primary: ipamd has run, its attaches
 * are spent) not protected yet, and the floor, every active instance protected once they are. Instances someone
 * else protected are counted in the floor and never listed.
 *
 * @example
 * instancesToKeep([{ instanceId: 'i-1', lifecycleState: 'InService' }, { instanceId: 'i-2', lifecycleState: 'Pending' }],
 *   1, new Set(['i-1'])) // { protect: ['i-1'], floor: 1 }
 */
export function instancesToKeep(
  instances: readonly GroupInstance[],
  capacity: number,
  attached: ReadonlySet<string>,
): KeptInstances {
  const active = instances.filter(isActiveInstance);
  if (active.length <= capacity) return { protect: [], floor: 0 };
  const protect = active
    .filter((i) => i.protectedFromScaleIn !== true && attached.has(i.instanceId))
    .map((i) => i.instanceId);
  const alreadyProtected = active.filter((i) => i.protectedFromScaleIn === true).length;
  return { protect, floor: alreadyProtected + protect.length };
}

/**
 * The plan and the capacity of a write that keeps `kept`: the ids recorded on the plan (before they are
 * protected), and the capacity (and the plan's allowed capacity) raised to the floor, never past the target.
 *
 * @example
 * keepOnPlan(plan({ allowedCapacity: 70, targetCapacity: 200 }), 70, { protect: ['i-1'], floor: 80 })
 * // { plan: { allowedCapacity: 80, protectedInstanceIds: ['i-1'], … }, capacity: 80 }
 */
export function keepOnPlan(
  plan: StaggerPlan,
  capacity: number,
  kept: KeptInstances,
): { readonly plan: StaggerPlan; readonly capacity: number } {
  const floored = Math.max(capacity, Math.min(kept.floor, plan.targetCapacity));
  const recorded = plan.protectedInstanceIds ?? [];
  const added = kept.protect.filter((id) => !recorded.includes(id));
  if (floored === capacity && added.length === 0) return { plan, capacity };
  return {
    plan: {
      ...plan,
      allowedCapacity: Math.max(plan.allowedCapacity, floored),
      protectedInstanceIds: [...recorded, ...added],
    },
    capacity: floored,
  };
}

/**
 * The instances whose protection the guard removes when a plan ends: those it recorded that are still in the
 * group and shown protected (an instance gone, or not protected, needs no call).
 *
 * @example
 * protectionToRemove(plan({ protectedInstanceIds: ['i-1', 'i-gone'] }), [{ instanceId: 'i-1', lifecycleState: 'InService', protectedFromScaleIn: true }])
 * // ['i-1']
 */
export function protectionToRemove(
  plan: Pick<StaggerPlan, 'protectedInstanceIds'>,
  instances: readonly GroupInstance[],
): string[] {
  const recorded = new Set(plan.protectedInstanceIds ?? []);
  return instances
    .filter((i) => recorded.has(i.instanceId) && i.protectedFromScaleIn === true)
    .map((i) => i.instanceId);
}
