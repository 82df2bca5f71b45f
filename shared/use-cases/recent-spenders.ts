import { type AttachSpend, BUDGET_WINDOW_MS, planningWindowMs } from '../domain/attach-budget.js';
import { CLOCK_SKEW_MS } from '../domain/attach-timing.js';
import type { StaggerPlan } from '../domain/stagger-plan.js';
import { type PacedInstance, unpredictedAttachTimesMs } from '../domain/unpredicted-attaches.js';
import type { ScalingGroup } from '../ports/scaling-groups.js';
import type { StaggerDeps } from './stagger-deps.js';

/**
 * Groups that spent budget recently without an open plan (changes that passed straight through): their nodes'
 * attaches are already in the ledger and must not be counted again as another consumer's.
 */
export async function describeRecentSpenders(
  deps: StaggerDeps,
  spends: readonly AttachSpend[],
  nowMs: number,
  known: ReadonlyMap<string, ScalingGroup>,
): Promise<ScalingGroup[]> {
  const windowMs = planningWindowMs(deps.settings.policy) + BUDGET_WINDOW_MS;
  const names = [...new Set(spends.filter((s) => s.atMs > nowMs - windowMs).map((s) => s.groupName))].filter(
    (name) => !known.has(name),
  );
  return names.length === 0 ? [] : deps.groups.describe(names);
}

/**
 * Times of the attaches in the last 60 s that the ledger does not predict (spend = attaches seen in the account +
 * attaches predicted and not yet seen): everything EC2 reports except the attaches of the nodes the paced groups
 * launched since the guard began releasing their capacity (`unpredictedAttachTimesMs`). `groups` are the groups
 * with plans or spends; `plans` date when the guard began with each (from the intent each paces).
 */
export async function unpredictedAttachTimes(
  deps: StaggerDeps,
  groups: readonly ScalingGroup[],
  plans: readonly Pick<StaggerPlan, 'groupName' | 'createdAtMs' | 'origin'>[],
  spends: readonly AttachSpend[],
  nowMs: number,
): Promise<number[]> {
  const since = new Map<string, number>();
  const earliest = (name: string, atMs: number) => since.set(name, Math.min(since.get(name) ?? atMs, atMs));
  // From the intent the plan paces: what Auto Scaling launched for it before the guard heard of it is the plan's
  // (its hold counts those nodes), not nodes the group had before.
  for (const plan of plans) earliest(plan.groupName, Math.min(plan.createdAtMs, plan.origin.intentAtMs));
  for (const spend of spends) earliest(spend.groupName, spend.atMs);
  // Far enough back to see the primary ENIs (launch times) of the nodes released since then.
  const sinceMs = Math.min(nowMs - BUDGET_WINDOW_MS, ...[...since.values()].map((t) => t - CLOCK_SKEW_MS));
  const seen = await deps.observer.attachesSeenSince(sinceMs);
  const paced = new Map<string, PacedInstance>();
  for (const group of groups) {
    const releasedSinceMs = since.get(group.name);
    if (releasedSinceMs === undefined) continue;
    for (const { instanceId } of group.instances) {
      paced.set(instanceId, { launchedAtMs: seen.launchedAtMs.get(instanceId) ?? null, releasedSinceMs });
    }
  }
  return unpredictedAttachTimesMs(seen.attaches, paced, nowMs);
}
