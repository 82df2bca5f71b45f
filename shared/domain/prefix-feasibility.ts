/**
 * Whether the subnet can give a /28 prefix (EC2 `AssignPrivateIpAddresses` with `Ipv4PrefixCount` needs a
 * free aligned /28, else `InsufficientCidrBlocks`; DOMAIN.md §5):
 * - `free-blocks`: at least one free aligned /28 now;
 * - `none-free`: aligned /28 blocks could hold a prefix, but each has a used address now;
 * - `impossible`: none ever can. `subnet-too-small`: every block holds an AWS-reserved address (a /28 or
 *   /27 subnet: the first block holds the network address and the next three, the last the broadcast);
 *   `blocks-reserved`: every other block is in an explicit CIDR reservation.
 */
export type PrefixFeasibility =
  | { readonly kind: 'free-blocks'; readonly freeBlocks: number }
  | { readonly kind: 'none-free'; readonly eligibleBlocks: number }
  | { readonly kind: 'impossible'; readonly reason: 'subnet-too-small' | 'blocks-reserved' };

/**
 * Feasibility from the block counts of an address map (see `mapSubnetAddresses`).
 *
 * @example
 * classifyPrefixFeasibility(0, 0, 0) // { kind: 'impossible', reason: 'subnet-too-small' }
 * classifyPrefixFeasibility(0, 4, 4) // { kind: 'none-free', eligibleBlocks: 4 }
 */
export function classifyPrefixFeasibility(
  freeBlocks: number,
  eligibleBlocks: number,
  blocksWithoutAwsReserved: number,
): PrefixFeasibility {
  if (freeBlocks > 0) return { kind: 'free-blocks', freeBlocks };
  if (eligibleBlocks > 0) return { kind: 'none-free', eligibleBlocks };
  return {
    kind: 'impossible',
    reason: blocksWithoutAwsReserved === 0 ? 'subnet-too-small' : 'blocks-reserved',
  };
}

/**
 * How a report names the subnet's /28 situation: "no /28 possible" when no prefix can ever fit, so that it
 * never reads as "fragmentation 0 %"; otherwise the fragmentation as a percentage.
 *
 * @example
 * describePrefixFeasibility({ prefixFeasibility: { kind: 'impossible', reason: 'subnet-too-small' }, fragmentationScore: null })
 * // 'no /28 possible (subnet too small)'
 * describePrefixFeasibility({ prefixFeasibility: { kind: 'free-blocks', freeBlocks: 3 }, fragmentationScore: 0.25 })
 * // 'fragmentation 25 %'
 */
export function describePrefixFeasibility(map: {
  readonly prefixFeasibility: PrefixFeasibility;
  readonly fragmentationScore: number | null;
}): string {
  const feasibility = map.prefixFeasibility;
  switch (feasibility.kind) {
    case 'impossible':
      return feasibility.reason === 'subnet-too-small'
        ? 'no /28 possible (subnet too small)'
        : 'no /28 possible (every block reserved)';
    case 'none-free':
      return map.fragmentationScore === null
        ? 'no free /28 (subnet full)'
        : `no free /28 (fragmentation ${Math.round(100 * map.fragmentationScore)} %)`;
    case 'free-blocks':
      return `fragmentation ${Math.round(100 * (map.fragmentationScore ?? 0))} %`;
    default: {
      const unknown: never = feasibility;
      return String(unknown);
    }
  }
}
