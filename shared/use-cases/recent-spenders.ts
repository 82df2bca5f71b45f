import { type AttachSpend, BUDGET_WINDOW_MS, planningWindowMs } from '../domain/attach-budget.js';
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
