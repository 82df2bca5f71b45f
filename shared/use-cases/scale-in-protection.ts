import {
  type GroupInstance,
  instancesToKeep,
  isActiveInstance,
  keepOnPlan,
  protectionToRemove,
} from '../domain/scale-in-protection.js';
import type { StaggerPlan } from '../domain/stagger-plan.js';
import type { StaggerDeps } from './stagger-deps.js';

/** A plan and capacity to write, and the instances to protect first. */
export interface KeptWrite {
  readonly plan: StaggerPlan;
  readonly capacity: number;
  readonly protect: readonly string[];
}

/**
 * What a write of `capacity` (desired, or the MaxSize ceiling) under `plan` keeps: when it would make Auto Scaling
 * terminate instances (the group has more active ones), the unprotected instances with an ENI attached beyond the
 * primary (EC2's view of the attachments the ledger counts: their attaches already happened, so cutting them saves
 * no budget) are to be protected, recorded on the plan, and the capacity never goes below the protected count.
 * One DescribeNetworkInterfaces by instance id, and only before a write that cuts.
 */
export async function keepAttachedInstances(
  deps: Pick<StaggerDeps, 'observer'>,
  instances: readonly GroupInstance[],
  plan: StaggerPlan,
  capacity: number,
): Promise<KeptWrite> {
  const active = instances.filter(isActiveInstance);
  if (active.length <= capacity) return { plan, capacity, protect: [] };
  const candidates = active.filter((i) => i.protectedFromScaleIn !== true).map((i) => i.instanceId);
  const counts = candidates.length === 0 ? new Map() : await deps.observer.attachedEniCounts(candidates);
  const kept = instancesToKeep(instances, capacity, new Set(counts.keys()));
  return { ...keepOnPlan(plan, capacity, kept), protect: kept.protect };
}

/** Protects the instances a write keeps; call only once the plan that records them is committed. */
export async function protectKept(
  deps: Pick<StaggerDeps, 'groups'>,
  groupName: string,
  instanceIds: readonly string[],
): Promise<void> {
  if (instanceIds.length > 0) await deps.groups.setInstanceProtection(groupName, instanceIds, true);
}

/**
 * Removes the protection the plan recorded from the instances still in the group and shown protected; call once
 * the hand-back has restored the group's desired capacity and bounds, so that Auto Scaling cuts nothing it would
 * not cut at the plan's end.
 */
export async function releaseKept(
  deps: Pick<StaggerDeps, 'groups'>,
  plan: Pick<StaggerPlan, 'groupName' | 'protectedInstanceIds'>,
  instances: readonly GroupInstance[],
): Promise<void> {
  const ids = protectionToRemove(plan, instances);
  if (ids.length > 0) await deps.groups.setInstanceProtection(plan.groupName, ids, false);
}

/** The plan as stored once its protection is gone. */
export function withoutKept(plan: StaggerPlan): StaggerPlan {
  const { protectedInstanceIds: _ids, ...rest } = plan;
  return rest;
}
