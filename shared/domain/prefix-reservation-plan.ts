/**
 * Where a `prefix` subnet CIDR reservation can go. Pure.
 *
 * A reservation is a CIDR inside the subnet that must not overlap another reservation, and to serve prefixes
 * it must hold only free addresses: EC2 keeps addresses already in use where they are (EC2 API reference,
 * `CreateSubnetCidrReservation`; DOMAIN.md §5). So the range is an aligned run of free /28 blocks outside
 * every existing reservation, never the whole subnet (its first and last blocks hold AWS-reserved addresses).
 */
import { parseCidr } from './ipv4.js';
import { listFreePrefixBlocks, PREFIX_BLOCK_SIZE, type SubnetAddressInput } from './subnet-address-map.js';

export type PrefixReservationPlan =
  | {
      readonly kind: 'reserve';
      readonly subnetId: string;
      readonly cidr: string;
      /** /28 blocks the range holds. */
      readonly blocks: number;
      /** True when the range holds every block asked for. */
      readonly covers: boolean;
      readonly command: string;
    }
  | { readonly kind: 'no-free-range'; readonly subnetId: string };

/**
 * The smallest aligned free range of at least `blocksWanted` /28 blocks, else the largest there is.
 *
 * @example
 * planPrefixReservation('subnet-a', { cidr: '10.0.0.0/24', privateIps: ['10.0.0.4'], prefixes: [], reservations: [] }, 3)
 * // { kind: 'reserve', cidr: '10.0.0.64/26', blocks: 4, covers: true, command: 'aws ec2 create-subnet-cidr-reservation …' }
 */
export function planPrefixReservation(
  subnetId: string,
  addresses: SubnetAddressInput,
  blocksWanted: number,
): PrefixReservationPlan {
  const subnet = parseCidr(addresses.cidr);
  const reserved = addresses.reservations.map((r) => parseCidr(r.cidr));
  const free = new Set<number>();
  for (const block of listFreePrefixBlocks(addresses)) {
    const start = parseCidr(block).base - subnet.base;
    const end = start + PREFIX_BLOCK_SIZE;
    const overlaps = reserved.some(
      (r) => r.base - subnet.base < end && r.base - subnet.base + r.size > start,
    );
    if (!overlaps) free.add(start / PREFIX_BLOCK_SIZE);
  }
  const blockCount = subnet.size / PREFIX_BLOCK_SIZE;
  let best: { start: number; size: number } | null = null;
  // Sizes in /28 blocks, powers of two, smaller than the subnet.
  for (let size = 1; size < blockCount; size *= 2) {
    let found: number | null = null;
    for (let start = 0; start + size <= blockCount && found === null; start += size) {
      let clear = true;
      for (let b = start; b < start + size && clear; b++) clear = free.has(b);
      if (clear) found = start;
    }
    if (found === null) break;
    best = { start: found, size };
    if (size >= blocksWanted) break;
  }
  if (best === null) return { kind: 'no-free-range', subnetId };
  const base = subnet.base + best.start * PREFIX_BLOCK_SIZE;
  const length = 28 - Math.log2(best.size);
  const cidr = `${[24, 16, 8, 0].map((shift) => (base >>> shift) & 255).join('.')}/${length}`;
  return {
    kind: 'reserve',
    subnetId,
    cidr,
    blocks: best.size,
    covers: best.size >= blocksWanted,
    command: `aws ec2 create-subnet-cidr-reservation --subnet-id ${subnetId} --cidr ${cidr} --reservation-type prefix`,
  };
}
