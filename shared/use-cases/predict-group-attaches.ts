import { type AttachPrediction, predictNodeAttaches } from '../domain/attach-prediction.js';
import { DEFAULT_GUARD_SETTINGS } from '../domain/guard-defaults.js';
import type { InstanceLimits } from '../domain/instance-limits.js';
import type { ScalingGroup } from '../ports/scaling-groups.js';
import { groupCniConfig, maxPodsCapOf, wholeTag } from './group-tags.js';

/**
 * Attaches one new node of the group will make, for one exact instance type: the CNI settings and max pods of
 * the group's tags, the expected pods (tag) or what settled peers attached. The launch gate books each held
 * instance with it, the desired/ceiling pacing each node a plan adds.
 */
export function predictForGroup(
  group: ScalingGroup,
  limits: InstanceLimits,
  peerAttaches: number | null,
): AttachPrediction {
  const podsTag = wholeTag(group, DEFAULT_GUARD_SETTINGS.podsPerNodeTagKey, 0, 737);
  return predictNodeAttaches({
    limits,
    cni: groupCniConfig(group),
    maxPodsCap: maxPodsCapOf(group),
    podsPerNode: podsTag,
    peerAttaches,
  });
}
