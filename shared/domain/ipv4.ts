/** IPv4 arithmetic on unsigned 32-bit integers. Pure. */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefixLength: number;
  /** Number of addresses in the block (2^(32 - prefixLength)). */
  readonly size: number;
}

export class InvalidIpv4Error extends Error {
  override readonly name = 'InvalidIpv4Error';
}

/**
 * Parses a dotted-quad IPv4 address.
 *
 * @example
 * parseIpv4('10.0.0.1') // 167772161
 */
export function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new InvalidIpv4Error(`'${text}' is not an IPv4 address (expected a.b.c.d)`);
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) {
      throw new InvalidIpv4Error(`'${text}' is not an IPv4 address (expected a.b.c.d, each 0-255)`);
    }
    value = value * 256 + Number(part);
  }
  return value;
}

/**
 * Formats an unsigned 32-bit integer as a dotted quad.
 *
 * @example
 * formatIpv4(167772161) // '10.0.0.1'
 */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Parses `a.b.c.d/n`; the address must be the network address of the block.
 *
 * @example
 * parseCidr('10.0.1.0/24') // { base: 167772416, prefixLength: 24, size: 256 }
 */
export function parseCidr(text: string): Ipv4Cidr {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match?.[1] || !match[2])
    throw new InvalidIpv4Error(`'${text}' is not an IPv4 CIDR (expected a.b.c.d/n)`);
  const prefixLength = Number(match[2]);
  if (prefixLength > 32) throw new InvalidIpv4Error(`'${text}': prefix length must be 0-32`);
  const base = parseIpv4(match[1]);
  const size = 2 ** (32 - prefixLength);
  if (base % size !== 0) {
    throw new InvalidIpv4Error(`'${text}': address is not the network address of a /${prefixLength}`);
  }
  return { base, prefixLength, size };
}

/**
 * Formats a CIDR block.
 *
 * @example
 * formatCidr({ base: 167772416, prefixLength: 24, size: 256 }) // '10.0.1.0/24'
 */
export function formatCidr(cidr: Ipv4Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefixLength}`;
}
