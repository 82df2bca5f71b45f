import { DEFAULT_GUARD_SETTINGS } from '../../domain/guard-defaults.js';
import type { ScalingGroup } from '../../ports/scaling-groups.js';
import { wholeTag } from '../group-tags.js';

/** A gated group's share when several groups wait at once (tag, default 1). */
export function gateWeightOf(group: ScalingGroup): number {
  return wholeTag(group, DEFAULT_GUARD_SETTINGS.gateWeightTagKey, 1, 100) ?? 1;
}
