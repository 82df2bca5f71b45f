import { type AttachPrediction, predictNodeAttaches } from '../domain/attach-prediction.js';
import type { CniConfig } from '../domain/cni-config.js';
import { DEFAULT_GUARD_SETTINGS } from '../domain/guard-defaults.js';
import type { InstanceLimits } from '../domain/instance-limits.js';
import type { ScalingGroup } from '../ports/scaling-groups.js';
import { groupCniConfig, maxPodsCapOf, wholeTag } from './group-tags.js';

/**
 * Attaches one new node of the group will make, for one exact instance type: its cluster's CNI settings with the
 * group's CNI tag over them, the max pods and expected pods tags, or what settled peers attached. The launch gate books each held
 * instance with it, the desired/ceiling pacing each node a plan adds.
 */
export function predictForGroup(
  group: ScalingGroup,
  limits: InstanceLimits,
  peerAttaches: number | null,
  clusterCni?: CniConfig,
): AttachPrediction {
  const podsTag = wholeTag(group, DEFAULT_GUARD_SETTINGS.podsPerNodeTagKey, 0, 737);
  return predictNodeAttaches({
    limits,
    cni: groupCniConfig(group, clusterCni),
    maxPodsCap: maxPodsCapOf(group),
    podsPerNode: podsTag,
    peerAttaches,
  });
}
