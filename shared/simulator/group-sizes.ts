import type { GroupMember } from './auto-scaling-group.js';
import type { SeededRandom } from './seeded-random.js';
import { SimulatedApiError } from './simulated-api-error.js';

export interface SizeRequest {
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly desiredCapacity?: number;
}

export interface GroupSizes {
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
}

/**
 * The sizes an UpdateAutoScalingGroup (or a scheduled action) leaves: a new MinSize above the group's size
 * raises desired to it, a new MaxSize below lowers desired to it; an explicit desired capacity outside the
 * bounds is refused (UpdateAutoScalingGroup API reference).
 *
 * @example
 * resolveSizes({ minSize: 1, maxSize: 10, desiredCapacity: 6 }, { maxSize: 4 })
 * // { minSize: 1, maxSize: 4, desiredCapacity: 4 }
 */
export function resolveSizes(current: GroupSizes, request: SizeRequest): GroupSizes {
  const minSize = request.minSize ?? current.minSize;
  const maxSize = request.maxSize ?? current.maxSize;
  if (minSize > maxSize) {
    throw new SimulatedApiError(
      'ValidationError',
      `Max bound, ${maxSize}, must be greater than or equal to min bound, ${minSize}`,
    );
  }
  const desired = request.desiredCapacity ?? current.desiredCapacity;
  if (request.desiredCapacity !== undefined && (desired < minSize || desired > maxSize)) {
    throw new SimulatedApiError(
      'ValidationError',
      `Desired capacity:${desired} must be between the specified min size:${minSize} and max size:${maxSize}`,
    );
  }
  return { minSize, maxSize, desiredCapacity: Math.min(Math.max(desired, minSize), maxSize) };
}

const HOUR_MS = 3_600_000;

/**
 * Auto Scaling's default termination policy (user guide, "Configure termination policies"): among the
 * instances of the AZ(s) with the most instances, those closest to their next billing hour, then one at
 * random. The "oldest launch template" and allocation-strategy steps never decide here (one launch template,
 * no Spot). Pending and waiting instances get no preference (EVENTS.md). An instance protected from scale-in
 * is never picked (user guide, "Use instance scale-in protection"); undefined when every active instance is
 * protected.
 *
 * @example
 * pickVictim(members, nowMs, random) // the member to terminate, or undefined when none is active
 */
export function pickVictim(
  members: readonly GroupMember[],
  nowMs: number,
  random: SeededRandom,
): GroupMember | undefined {
  const active = members.filter((m) => m.lifecycle !== 'Terminating');
  const countByAz = new Map<string, number>();
  for (const member of active)
    countByAz.set(member.availabilityZone, (countByAz.get(member.availabilityZone) ?? 0) + 1);
  // "The Availability Zones that have the most instances and at least one instance that is not protected from
  // scale in" (user guide, "Configure termination policies"): protected instances count towards their AZ.
  const unprotected = active.filter((m) => !m.protectedFromScaleIn);
  if (unprotected.length === 0) return undefined;
  const most = Math.max(0, ...unprotected.map((m) => countByAz.get(m.availabilityZone) ?? 0));
  const inBusiest = unprotected.filter((m) => countByAz.get(m.availabilityZone) === most);
  const intoHour = (m: GroupMember) => (((nowMs - m.launchMs) % HOUR_MS) + HOUR_MS) % HOUR_MS;
  const closest = Math.max(...inBusiest.map(intoHour));
  const candidates = inBusiest.filter((m) => intoHour(m) === closest);
  return candidates[random.nextInt(0, candidates.length)];
}
