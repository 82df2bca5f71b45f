import { formatCidr, formatIpv4, type Ipv4Cidr, parseCidr } from '../domain/ipv4.js';
import type { SeededRandom } from './seeded-random.js';
import { SimulatedApiError } from './simulated-api-error.js';

/** What occupies one address of a subnet. */
const SLOT = { free: 0, awsReserved: 1, ip: 2, prefix: 3 } as const;
/** Subnet CIDR reservation covering one address (EC2 `CreateSubnetCidrReservation`). */
const RESERVATION = { none: 0, prefix: 1, explicit: 2 } as const;

export type ReservationType = 'prefix' | 'explicit';

export interface SubnetCidrReservation {
  readonly id: string;
  readonly cidr: string;
  readonly type: ReservationType;
}

/** /28: the IPv4 prefix the VPC CNI delegates to an ENI (DOMAIN.md section 5). */
export const PREFIX_SIZE = 16;

/**
 * Every address of one subnet. EC2 keeps the first four and the last address (DOMAIN.md section 5);
 * secondary and primary IPs go to free addresses outside any reservation, picked in no documented
 * order (modelled as seeded random picks, which is what scatters a subnet); a /28 prefix needs 16
 * aligned free addresses, taken first from `prefix` reservations, never from `explicit` ones.
 */
export class SubnetAddressMap {
  readonly cidr: Ipv4Cidr;
  private readonly slots: Uint8Array;
  private readonly reservationOf: Uint8Array;
  /** Per /28 block: addresses not free for a prefix (used, AWS-reserved, or explicitly reserved). */
  private readonly blockBusy: Uint8Array;
  private readonly reservations: SubnetCidrReservation[] = [];
  private readonly preAllocatedIps: string[] = [];
  private freeCount = 0;
  private assignableCount = 0;

  constructor(
    cidrText: string,
    private readonly random: SeededRandom,
  ) {
    this.cidr = parseCidr(cidrText);
    if (this.cidr.prefixLength < 16 || this.cidr.prefixLength > 28) {
      throw new SimulatedApiError(
        'InvalidSubnet.Range',
        `The CIDR '${cidrText}' is invalid: a subnet is /16 to /28 (expected a.b.c.d/16..28)`,
      );
    }
    const size = this.cidr.size;
    this.slots = new Uint8Array(size);
    this.reservationOf = new Uint8Array(size);
    this.blockBusy = new Uint8Array(Math.ceil(size / PREFIX_SIZE));
    for (const offset of [0, 1, 2, 3, size - 1]) this.setSlot(offset, SLOT.awsReserved);
    this.freeCount = size - 5;
    this.assignableCount = size - 5;
  }

  /** `AvailableIpAddressCount`: every address neither reserved by AWS nor assigned. */
  get availableIpCount(): number {
    return this.freeCount;
  }

  /** Addresses a primary or secondary IP may take (free and outside every subnet CIDR reservation). */
  get assignableIpCount(): number {
    return this.assignableCount;
  }

  get cidrReservations(): readonly SubnetCidrReservation[] {
    return this.reservations;
  }

  /** Addresses taken by `preAllocate`: the subnet's other users (load balancers, databases, functions). */
  get preAllocatedAddresses(): readonly string[] {
    return this.preAllocatedIps;
  }

  /** Aligned /28 blocks free for a prefix right now. */
  freePrefixBlockCount(): number {
    let count = 0;
    for (let block = 0; block < this.blockBusy.length; block++) if (this.blockBusy[block] === 0) count++;
    return count;
  }

  /** Reserves a range as EC2 `CreateSubnetCidrReservation` does; the range must be inside and unused. */
  addReservation(id: string, cidrText: string, type: ReservationType): SubnetCidrReservation {
    const block = parseCidr(cidrText);
    const start = block.base - this.cidr.base;
    if (start < 0 || start + block.size > this.cidr.size) {
      throw new SimulatedApiError(
        'InvalidParameterValue',
        `The reservation '${cidrText}' is not inside the subnet CIDR ${formatCidr(this.cidr)}`,
      );
    }
    for (let offset = start; offset < start + block.size; offset++) {
      if (
        this.slots[offset] === SLOT.ip ||
        this.slots[offset] === SLOT.prefix ||
        this.reservationOf[offset]
      ) {
        throw new SimulatedApiError(
          'InvalidParameterValue',
          `The reservation '${cidrText}' overlaps addresses in use or another reservation`,
        );
      }
    }
    const mark = type === 'prefix' ? RESERVATION.prefix : RESERVATION.explicit;
    for (let offset = start; offset < start + block.size; offset++) {
      this.reservationOf[offset] = mark;
      if (this.slots[offset] === SLOT.free) this.assignableCount--;
      if (mark === RESERVATION.explicit) this.bumpBlock(offset, 1);
    }
    const reservation = { id, cidr: formatCidr(block), type };
    this.reservations.push(reservation);
    return reservation;
  }

  /** Assigns `count` IPs or throws `InsufficientFreeAddressesInSubnet` without assigning any. */
  allocateIps(count: number): string[] {
    if (count > this.assignableCount) {
      throw new SimulatedApiError(
        'InsufficientFreeAddressesInSubnet',
        'The specified subnet does not have enough free addresses to satisfy the request.',
      );
    }
    const picked: string[] = [];
    for (let i = 0; i < count; i++) {
      const offset = this.pickAssignableOffset();
      this.setSlot(offset, SLOT.ip);
      picked.push(formatIpv4(this.cidr.base + offset));
    }
    return picked;
  }

  /** Delegates `count` aligned /28 prefixes or throws `InsufficientCidrBlocks` without taking any. */
  allocatePrefixes(count: number): string[] {
    const reserved: number[] = [];
    const open: number[] = [];
    for (let block = 0; block < this.blockBusy.length; block++) {
      if (this.blockBusy[block] !== 0) continue;
      const first = block * PREFIX_SIZE;
      if (this.reservationOf[first] === RESERVATION.prefix) reserved.push(block);
      else open.push(block);
    }
    if (reserved.length + open.length < count) {
      throw new SimulatedApiError(
        'InsufficientCidrBlocks',
        'The specified subnet does not have enough free cidr blocks to satisfy the request.',
      );
    }
    const picked: string[] = [];
    for (let i = 0; i < count; i++) {
      const pool = reserved.length > 0 ? reserved : open;
      const index = this.random.nextInt(0, pool.length);
      const block = pool[index] as number;
      pool.splice(index, 1);
      const first = block * PREFIX_SIZE;
      for (let offset = first; offset < first + PREFIX_SIZE; offset++) this.setSlot(offset, SLOT.prefix);
      picked.push(`${formatIpv4(this.cidr.base + first)}/28`);
    }
    return picked;
  }

  releaseIp(address: string): void {
    this.setSlot(this.offsetOf(address), SLOT.free);
  }

  releasePrefix(prefix: string): void {
    const first = this.offsetOf(prefix.replace(/\/28$/, ''));
    for (let offset = first; offset < first + PREFIX_SIZE; offset++) this.setSlot(offset, SLOT.free);
  }

  /**
   * Pre-existing use of the subnet before the scenario starts: `scattered` takes random addresses (a
   * fragmented subnet), `packed` the lowest free ones, `one-per-block` one address in each /28 so that no
   * aligned prefix is left while most single addresses stay free.
   */
  preAllocate(count: number, pattern: 'scattered' | 'packed' | 'one-per-block'): string[] {
    if (pattern === 'scattered') {
      const scattered = this.allocateIps(count);
      this.preAllocatedIps.push(...scattered);
      return scattered;
    }
    const picked: string[] = [];
    const step = pattern === 'packed' ? 1 : PREFIX_SIZE;
    for (let round = 0; round < step && picked.length < count; round++) {
      for (let offset = round; offset < this.cidr.size && picked.length < count; offset += step) {
        if (this.slots[offset] !== SLOT.free || this.reservationOf[offset] !== RESERVATION.none) continue;
        this.setSlot(offset, SLOT.ip);
        picked.push(formatIpv4(this.cidr.base + offset));
      }
    }
    if (picked.length < count) {
      for (const address of picked) this.releaseIp(address);
      throw new SimulatedApiError(
        'InsufficientFreeAddressesInSubnet',
        'The specified subnet does not have enough free addresses to satisfy the request.',
      );
    }
    this.preAllocatedIps.push(...picked);
    return picked;
  }

  private pickAssignableOffset(): number {
    const size = this.cidr.size;
    for (let attempt = 0; attempt < 24; attempt++) {
      const offset = this.random.nextInt(0, size);
      if (this.isAssignable(offset)) return offset;
    }
    const start = this.random.nextInt(0, size);
    for (let i = 0; i < size; i++) {
      const offset = (start + i) % size;
      if (this.isAssignable(offset)) return offset;
    }
    throw new SimulatedApiError(
      'InsufficientFreeAddressesInSubnet',
      'The specified subnet does not have enough free addresses to satisfy the request.',
    );
  }

  private isAssignable(offset: number): boolean {
    return this.slots[offset] === SLOT.free && this.reservationOf[offset] === RESERVATION.none;
  }

  private offsetOf(address: string): number {
    const [a, b, c, d] = address.split('.').map(Number);
    const value = (((a ?? 0) * 256 + (b ?? 0)) * 256 + (c ?? 0)) * 256 + (d ?? 0);
    const offset = value - this.cidr.base;
    if (offset < 0 || offset >= this.cidr.size) {
      throw new SimulatedApiError(
        'InvalidParameterValue',
        `Address '${address}' is not in subnet ${formatCidr(this.cidr)}`,
      );
    }
    return offset;
  }

  private setSlot(offset: number, slot: number): void {
    const before = this.slots[offset] as number;
    if (before === slot) return;
    const wasFree = before === SLOT.free;
    const isFree = slot === SLOT.free;
    if (before !== SLOT.awsReserved && slot !== SLOT.awsReserved && wasFree !== isFree) {
      const delta = isFree ? 1 : -1;
      this.freeCount += delta;
      if (this.reservationOf[offset] === RESERVATION.none) this.assignableCount += delta;
    }
    if (wasFree !== isFree && this.reservationOf[offset] !== RESERVATION.explicit) {
      this.bumpBlock(offset, isFree ? -1 : 1);
    }
    this.slots[offset] = slot;
  }

  private bumpBlock(offset: number, delta: number): void {
    const block = Math.floor(offset / PREFIX_SIZE);
    this.blockBusy[block] = (this.blockBusy[block] as number) + delta;
  }
}
