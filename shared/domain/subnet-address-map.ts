/**
 * Who holds which address of one subnet, and what is left for the VPC CNI: single secondary IPs and
 * aligned /28 prefixes. Pure.
 *
 * Sources: DOMAIN.md §5 (5 AWS-reserved addresses; a /28 prefix is aligned on 16 and entirely free),
 * EC2 API reference `CreateSubnetCidrReservation` (`prefix`: AWS assigns the reserved range to prefixes;
 * `explicit`: only addresses you name explicitly), `DescribeSubnets` (`AvailableIpAddressCount` leaves out
 * unallocated reservation space, the blind spot this module makes visible).
 */

import { formatIpv4, type Ipv4Cidr, parseCidr } from './ipv4.js';
import { classifyPrefixFeasibility, type PrefixFeasibility } from './prefix-feasibility.js';

/** Addresses in one IPv4 prefix assigned to an ENI (`Ipv4Prefixes[]`), DOMAIN.md §5. */
export const PREFIX_BLOCK_SIZE = 16;

/** Subnet sizes EC2 accepts for IPv4 (VPC User Guide, "Subnet sizing"). */
export const MIN_SUBNET_PREFIX_LENGTH = 16;
export const MAX_SUBNET_PREFIX_LENGTH = 28;

export const ReservationType = { prefix: 'prefix', explicit: 'explicit' } as const;
export type ReservationType = (typeof ReservationType)[keyof typeof ReservationType];

export interface SubnetCidrReservation {
  readonly cidr: string;
  readonly type: ReservationType;
}

export interface SubnetAddressInput {
  /** The subnet's IPv4 CIDR, e.g. `10.0.0.0/24`. */
  readonly cidr: string;
  /** Every ENI private IP in the subnet (primaries and secondaries), dotted quads. */
  readonly privateIps: readonly string[];
  /** Every ENI IPv4 prefix in the subnet, as CIDRs (normally /28). */
  readonly prefixes: readonly string[];
  readonly reservations: readonly SubnetCidrReservation[];
}

export interface SubnetAddressMap {
  readonly cidr: string;
  readonly totalIpCount: number;
  /** Network, +1, +2, +3 and broadcast (fewer only if they coincide, which no EC2 subnet size allows). */
  readonly awsReservedIpCount: number;
  /** Distinct addresses held by ENI IPs or prefixes. */
  readonly usedIpCount: number;
  /**
   * What `DescribeSubnets.AvailableIpAddressCount` reports: free addresses outside every CIDR reservation.
   * Equal to `freeSecondaryIpCount` by construction; compare it with the live value to spot addresses held
   * by something this map was not told about.
   */
  readonly ec2AvailableIpCount: number;
  /** Free addresses the CNI can take as single secondary IPs: outside every reservation. */
  readonly freeSecondaryIpCount: number;
  /** Free addresses inside `prefix` reservations: usable by prefixes only, invisible to EC2's count. */
  readonly freeIpCountInPrefixReservations: number;
  /** Free addresses inside `explicit` reservations: usable only by explicit assignment, never by the CNI. */
  readonly freeIpCountInExplicitReservations: number;
  /** Aligned /28 blocks entirely free, holding no AWS-reserved and no explicit-reservation address. */
  readonly freePrefixBlocks: number;
  /** The part of `freePrefixBlocks` lying entirely inside `prefix` reservations. */
  readonly freePrefixBlocksInPrefixReservations: number;
  /** Free prefix-eligible addresses stranded in /28 blocks that are partly used. */
  readonly strandedFreeIpCount: number;
  /** Aligned /28 blocks that hold no AWS-reserved and no explicit-reservation address: free or not, a prefix could go there. */
  readonly prefixEligibleBlocks: number;
  /** Whether a /28 prefix fits now, later, or never; see `PrefixFeasibility`. */
  readonly prefixFeasibility: PrefixFeasibility;
  /**
   * Share of free prefix-eligible addresses that no /28 prefix can take, in [0, 1]:
   * `1 - 16 * freePrefixBlocks / freeEligibleIps`, where `freeEligibleIps` counts the free addresses in
   * aligned /28 blocks that hold no AWS-reserved and no explicit-reservation address. Blocks that can never
   * be a prefix are left out, so an empty subnet scores 0. Null when no free address lies in such a block:
   * there is nothing to score, and 0 would read "not fragmented" for a subnet no prefix fits in.
   */
  readonly fragmentationScore: number | null;
}

export class SubnetAddressError extends Error {
  override readonly name = 'SubnetAddressError';
}

const FREE = 0;
const USED = 1;
const AWS_RESERVED = 2;

const NOT_RESERVED = 0;
const IN_PREFIX_RESERVATION = 1;
const IN_EXPLICIT_RESERVATION = 2;

function parseSubnetCidr(text: string): Ipv4Cidr {
  let cidr: Ipv4Cidr;
  try {
    cidr = parseCidr(text);
  } catch (error) {
    throw new SubnetAddressError(`cidr '${text}' is not an IPv4 CIDR (expected a.b.c.d/n)`, { cause: error });
  }
  if (cidr.prefixLength < MIN_SUBNET_PREFIX_LENGTH || cidr.prefixLength > MAX_SUBNET_PREFIX_LENGTH) {
    throw new SubnetAddressError(
      `cidr '${text}' has prefix length ${cidr.prefixLength} (expected /${MIN_SUBNET_PREFIX_LENGTH} to /${MAX_SUBNET_PREFIX_LENGTH})`,
    );
  }
  return cidr;
}

/**
 * Dotted quad to integer without allocating: this runs once per ENI address (tens of thousands per
 * subnet). Returns -1 for anything that is not strictly `a.b.c.d` with parts 0-255.
 */
function parseIpv4Fast(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57 && digits < 3) {
      part = part * 10 + (code - 48);
      digits++;
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + part;
}

function offsetOfAddress(subnet: Ipv4Cidr, subnetText: string, field: () => string, text: string): number {
  const address = parseIpv4Fast(text);
  if (address < 0) {
    throw new SubnetAddressError(`${field()} '${text}' is not an IPv4 address (expected a.b.c.d)`);
  }
  const offset = address - subnet.base;
  if (offset < 0 || offset >= subnet.size) {
    throw new SubnetAddressError(`${field()} '${text}' is outside subnet ${subnetText}`);
  }
  return offset;
}

function rangeOfCidr(
  subnet: Ipv4Cidr,
  subnetText: string,
  field: () => string,
  text: string,
): [number, number] {
  let block: Ipv4Cidr;
  try {
    block = parseCidr(text);
  } catch (error) {
    throw new SubnetAddressError(`${field()} '${text}' is not an aligned IPv4 CIDR (expected a.b.c.d/n)`, {
      cause: error,
    });
  }
  const start = block.base - subnet.base;
  if (start < 0 || start + block.size > subnet.size) {
    throw new SubnetAddressError(`${field()} '${text}' is outside subnet ${subnetText}`);
  }
  return [start, start + block.size];
}

interface MarkedSubnet {
  readonly subnet: Ipv4Cidr;
  readonly usage: Uint8Array;
  readonly reservation: Uint8Array;
}

function markAddresses(input: SubnetAddressInput): MarkedSubnet {
  const subnet = parseSubnetCidr(input.cidr);
  const size = subnet.size;
  const usage = new Uint8Array(size);
  const reservation = new Uint8Array(size);

  // DOMAIN.md §5: network, router (+1), DNS (+2), future use (+3), broadcast (last).
  for (const offset of [0, 1, 2, 3, size - 1]) usage[offset] = AWS_RESERVED;

  input.reservations.forEach((item, index) => {
    if (item.type !== ReservationType.prefix && item.type !== ReservationType.explicit) {
      throw new SubnetAddressError(
        `reservations[${index}].type '${String(item.type)}' is not a reservation type (expected 'prefix' or 'explicit')`,
      );
    }
    const [start, end] = rangeOfCidr(subnet, input.cidr, () => `reservations[${index}].cidr`, item.cidr);
    const mark = item.type === ReservationType.prefix ? IN_PREFIX_RESERVATION : IN_EXPLICIT_RESERVATION;
    reservation.fill(mark, start, end);
  });

  input.prefixes.forEach((text, index) => {
    const [start, end] = rangeOfCidr(subnet, input.cidr, () => `prefixes[${index}]`, text);
    for (let offset = start; offset < end; offset++) {
      if (usage[offset] === AWS_RESERVED) {
        throw new SubnetAddressError(`prefixes[${index}] '${text}' covers an AWS-reserved address`);
      }
      usage[offset] = USED;
    }
  });

  const { privateIps } = input;
  for (let index = 0; index < privateIps.length; index++) {
    const text = privateIps[index] ?? '';
    const offset = offsetOfAddress(subnet, input.cidr, () => `privateIps[${index}]`, text);
    if (usage[offset] === AWS_RESERVED) {
      throw new SubnetAddressError(
        `privateIps[${index}] '${text}' is an AWS-reserved address of ${input.cidr} (expected an assignable address)`,
      );
    }
    usage[offset] = USED;
  }

  return { subnet, usage, reservation };
}

/**
 * Builds the address map of one subnet: free single IPs, free aligned /28 blocks (all, and those inside
 * `prefix` reservations), the EC2-style available count and the fragmentation score.
 *
 * One byte per address (65,536 bytes for a /16) and one pass per 16-address block: no per-address objects.
 *
 * @throws SubnetAddressError naming the field and value for a malformed CIDR, an address or block outside
 *   the subnet, or an ENI address on one of the 5 AWS-reserved addresses.
 * @example
 * mapSubnetAddresses({
 *   cidr: '10.0.0.0/24',
 *   privateIps: ['10.0.0.20'],
 *   prefixes: ['10.0.0.48/28'],
 *   reservations: [{ cidr: '10.0.0.64/27', type: 'prefix' }],
 * });
 * // freePrefixBlocks 12 (16 blocks − first and last, which hold AWS-reserved addresses, − 10.0.0.16/28,
 * //   − 10.0.0.48/28), freePrefixBlocksInPrefixReservations 2, ec2AvailableIpCount 251 − 17 − 32 = 202
 */
export function mapSubnetAddresses(input: SubnetAddressInput): SubnetAddressMap {
  const { subnet, usage, reservation } = markAddresses(input);
  const size = subnet.size;

  let usedIpCount = 0;
  let awsReservedIpCount = 0;
  let freeSecondaryIpCount = 0;
  let freeIpCountInPrefixReservations = 0;
  let freeIpCountInExplicitReservations = 0;
  let freePrefixBlocks = 0;
  let freePrefixBlocksInPrefixReservations = 0;
  let freeEligibleIps = 0;
  let prefixEligibleBlocks = 0;
  let blocksWithoutAwsReserved = 0;

  for (let blockStart = 0; blockStart < size; blockStart += PREFIX_BLOCK_SIZE) {
    let freeInBlock = 0;
    let blockedForPrefix = false;
    let holdsAwsReserved = false;
    let allInPrefixReservation = true;
    for (let offset = blockStart; offset < blockStart + PREFIX_BLOCK_SIZE; offset++) {
      const state = usage[offset];
      const reserved = reservation[offset];
      if (reserved !== IN_PREFIX_RESERVATION) allInPrefixReservation = false;
      if (reserved === IN_EXPLICIT_RESERVATION) blockedForPrefix = true;
      if (state === USED) {
        usedIpCount++;
      } else if (state === AWS_RESERVED) {
        awsReservedIpCount++;
        blockedForPrefix = true;
        holdsAwsReserved = true;
      } else if (state === FREE) {
        freeInBlock++;
        if (reserved === NOT_RESERVED) freeSecondaryIpCount++;
        else if (reserved === IN_PREFIX_RESERVATION) freeIpCountInPrefixReservations++;
        else freeIpCountInExplicitReservations++;
      }
    }
    if (!holdsAwsReserved) blocksWithoutAwsReserved++;
    if (blockedForPrefix) continue;
    prefixEligibleBlocks++;
    freeEligibleIps += freeInBlock;
    if (freeInBlock === PREFIX_BLOCK_SIZE) {
      freePrefixBlocks++;
      if (allInPrefixReservation) freePrefixBlocksInPrefixReservations++;
    }
  }

  const inBlocks = freePrefixBlocks * PREFIX_BLOCK_SIZE;
  return {
    cidr: input.cidr,
    totalIpCount: size,
    awsReservedIpCount,
    usedIpCount,
    ec2AvailableIpCount: freeSecondaryIpCount,
    freeSecondaryIpCount,
    freeIpCountInPrefixReservations,
    freeIpCountInExplicitReservations,
    freePrefixBlocks,
    freePrefixBlocksInPrefixReservations,
    strandedFreeIpCount: freeEligibleIps - inBlocks,
    prefixEligibleBlocks,
    prefixFeasibility: classifyPrefixFeasibility(
      freePrefixBlocks,
      prefixEligibleBlocks,
      blocksWithoutAwsReserved,
    ),
    fragmentationScore: freeEligibleIps === 0 ? null : 1 - inBlocks / freeEligibleIps,
  };
}

/**
 * The aligned /28 blocks of a subnet that are entirely free and prefix-eligible, as CIDR strings, in
 * address order; at most `limit`. For reports and tests that want to name the blocks.
 *
 * @example
 * listFreePrefixBlocks({ cidr: '10.0.0.0/26', privateIps: [], prefixes: [], reservations: [] })
 * // ['10.0.0.16/28', '10.0.0.32/28']
 */
export function listFreePrefixBlocks(input: SubnetAddressInput, limit = Number.POSITIVE_INFINITY): string[] {
  const { subnet, usage, reservation } = markAddresses(input);
  const result: string[] = [];
  for (
    let blockStart = 0;
    blockStart < subnet.size && result.length < limit;
    blockStart += PREFIX_BLOCK_SIZE
  ) {
    let eligible = true;
    for (let offset = blockStart; offset < blockStart + PREFIX_BLOCK_SIZE && eligible; offset++) {
      eligible = usage[offset] === FREE && reservation[offset] !== IN_EXPLICIT_RESERVATION;
    }
    if (eligible) result.push(`${formatIpv4(subnet.base + blockStart)}/28`);
  }
  return result;
}
