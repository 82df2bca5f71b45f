import fc from 'fast-check';
import { formatIpv4, parseCidr } from '../../../../shared/domain/ipv4.js';
import {
  listFreePrefixBlocks,
  mapSubnetAddresses,
  SubnetAddressError,
  type SubnetAddressInput,
  type SubnetCidrReservation,
} from '../../../../shared/domain/subnet-address-map.js';

function buildSubnetAddressInput(overrides: Partial<SubnetAddressInput> = {}): SubnetAddressInput {
  return { cidr: '10.0.0.0/24', privateIps: [], prefixes: [], reservations: [], ...overrides };
}

/** Independent per-address count, written the slow and obvious way. */
function countByHand(input: SubnetAddressInput) {
  const subnet = parseCidr(input.cidr);
  const awsReserved = new Set([0, 1, 2, 3, subnet.size - 1]);
  const used = new Set<number>();
  for (const ip of input.privateIps) used.add(parseCidr(`${ip}/32`).base - subnet.base);
  for (const prefix of input.prefixes) {
    const block = parseCidr(prefix);
    for (let i = 0; i < block.size; i++) used.add(block.base - subnet.base + i);
  }
  const reservedAs = new Map<number, string>();
  for (const r of input.reservations) {
    const block = parseCidr(r.cidr);
    for (let i = 0; i < block.size; i++) reservedAs.set(block.base - subnet.base + i, r.type);
  }
  const isFree = (o: number) => !awsReserved.has(o) && !used.has(o);
  let freeOutside = 0;
  let freeInPrefix = 0;
  let freeInExplicit = 0;
  for (let o = 0; o < subnet.size; o++) {
    if (!isFree(o)) continue;
    const type = reservedAs.get(o);
    if (type === undefined) freeOutside++;
    else if (type === 'prefix') freeInPrefix++;
    else freeInExplicit++;
  }
  let blocks = 0;
  let blocksInPrefix = 0;
  for (let start = 0; start < subnet.size; start += 16) {
    const offsets = Array.from({ length: 16 }, (_, i) => start + i);
    if (offsets.every((o) => isFree(o) && reservedAs.get(o) !== 'explicit')) {
      blocks++;
      if (offsets.every((o) => reservedAs.get(o) === 'prefix')) blocksInPrefix++;
    }
  }
  return { freeOutside, freeInPrefix, freeInExplicit, blocks, blocksInPrefix, used: used.size };
}

describe('mapSubnetAddresses', () => {
  it('counts an empty /24: 251 available, 14 free /28 blocks (first and last hold AWS-reserved addresses)', () => {
    // Prepare
    const input = buildSubnetAddressInput();

    // Act
    const map = mapSubnetAddresses(input);

    // Assess
    expect(map).toMatchObject({
      totalIpCount: 256,
      awsReservedIpCount: 5,
      usedIpCount: 0,
      ec2AvailableIpCount: 251,
      freeSecondaryIpCount: 251,
      freePrefixBlocks: 14,
      strandedFreeIpCount: 0,
      fragmentationScore: 0,
    });
  });

  it('finds no /28 possible in a /28 subnet: its only block holds the reserved addresses, and scores nothing', () => {
    // Prepare
    const input = buildSubnetAddressInput({ cidr: '10.0.5.16/28', privateIps: ['10.0.5.20'] });

    // Act
    const map = mapSubnetAddresses(input);

    // Assess
    expect(map.freePrefixBlocks).toBe(0);
    expect(map.ec2AvailableIpCount).toBe(10);
    expect(map.prefixEligibleBlocks).toBe(0);
    expect(map.prefixFeasibility).toEqual({ kind: 'impossible', reason: 'subnet-too-small' });
    expect(map.fragmentationScore).toBeNull();
    expect(listFreePrefixBlocks(input)).toEqual([]);
  });

  it('finds no /28 possible in an empty /27: its two blocks hold the network and the broadcast addresses', () => {
    // Act
    const map = mapSubnetAddresses(buildSubnetAddressInput({ cidr: '10.0.5.32/27' }));

    // Assess
    expect(map.ec2AvailableIpCount).toBe(27);
    expect(map.prefixFeasibility).toEqual({ kind: 'impossible', reason: 'subnet-too-small' });
    expect(map.fragmentationScore).toBeNull();
  });

  it('finds no /28 possible when explicit reservations cover every block without a reserved address', () => {
    // Prepare: a /26 has two such blocks, .16/28 and .32/28
    const input = buildSubnetAddressInput({
      cidr: '10.0.5.0/26',
      reservations: [
        { cidr: '10.0.5.16/28', type: 'explicit' },
        { cidr: '10.0.5.32/28', type: 'explicit' },
      ],
    });

    // Act
    const map = mapSubnetAddresses(input);

    // Assess
    expect(map.prefixFeasibility).toEqual({ kind: 'impossible', reason: 'blocks-reserved' });
    expect(map.fragmentationScore).toBeNull();
  });

  it('tells a subnet whose prefix blocks are all partly used (none free now) from one that can never hold a /28', () => {
    // Prepare: one address used in each of the /26's two eligible blocks
    const input = buildSubnetAddressInput({ cidr: '10.0.5.0/26', privateIps: ['10.0.5.20', '10.0.5.40'] });

    // Act
    const map = mapSubnetAddresses(input);

    // Assess
    expect(map.prefixFeasibility).toEqual({ kind: 'none-free', eligibleBlocks: 2 });
    expect(map.fragmentationScore).toBe(1);
  });

  it('separates EC2-visible space from prefix-reservation space and scores the stranded addresses', () => {
    // Prepare
    const input = buildSubnetAddressInput({
      privateIps: ['10.0.0.20'],
      prefixes: ['10.0.0.48/28'],
      reservations: [{ cidr: '10.0.0.64/27', type: 'prefix' }],
    });

    // Act
    const map = mapSubnetAddresses(input);

    // Assess
    expect(map.usedIpCount).toBe(17);
    expect(map.ec2AvailableIpCount).toBe(256 - 5 - 17 - 32);
    expect(map.freeIpCountInPrefixReservations).toBe(32);
    expect(map.freePrefixBlocks).toBe(12);
    expect(map.freePrefixBlocksInPrefixReservations).toBe(2);
    expect(map.strandedFreeIpCount).toBe(15);
    expect(map.fragmentationScore).toBeCloseTo(15 / (15 + 12 * 16), 12);
  });

  it('keeps explicit-reservation space away from both secondary IPs and prefixes', () => {
    // Prepare
    const input = buildSubnetAddressInput({
      reservations: [
        { cidr: '10.0.0.32/28', type: 'explicit' },
        { cidr: '10.0.0.200/29', type: 'explicit' },
      ],
    });

    // Act
    const map = mapSubnetAddresses(input);

    // Assess
    expect(map.freeIpCountInExplicitReservations).toBe(24);
    expect(map.ec2AvailableIpCount).toBe(251 - 24);
    expect(map.freePrefixBlocks).toBe(12);
    expect(listFreePrefixBlocks(input)).not.toContain('10.0.0.192/28');
  });

  it('counts a duplicate address and an IP inside an ENI prefix once', () => {
    // Prepare
    const input = buildSubnetAddressInput({
      privateIps: ['10.0.0.100', '10.0.0.100', '10.0.0.50'],
      prefixes: ['10.0.0.48/28'],
    });

    // Act
    const map = mapSubnetAddresses(input);

    // Assess
    expect(map.usedIpCount).toBe(17);
  });

  it('lists free blocks in address order, up to a limit', () => {
    // Prepare
    const input = buildSubnetAddressInput({ cidr: '10.0.0.0/26', privateIps: ['10.0.0.17'] });

    // Act
    const blocks = listFreePrefixBlocks(input);
    const first = listFreePrefixBlocks(buildSubnetAddressInput(), 2);

    // Assess
    expect(blocks).toEqual(['10.0.0.32/28']);
    expect(first).toEqual(['10.0.0.16/28', '10.0.0.32/28']);
  });

  it.each([
    [{ privateIps: ['10.0.1.7'] }, "privateIps[0] '10.0.1.7' is outside subnet 10.0.0.0/24"],
    [{ privateIps: ['10.0.0.9', 'ten'] }, "privateIps[1] 'ten'"],
    [{ privateIps: ['10.0.0.255'] }, "'10.0.0.255' is an AWS-reserved address"],
    [{ prefixes: ['10.0.1.0/28'] }, "prefixes[0] '10.0.1.0/28' is outside subnet"],
    [{ prefixes: ['10.0.0.8/28'] }, "prefixes[0] '10.0.0.8/28' is not an aligned IPv4 CIDR"],
    [{ prefixes: ['10.0.0.0/28'] }, 'covers an AWS-reserved address'],
    [{ reservations: [{ cidr: '10.0.0.0/23', type: 'prefix' }] }, "reservations[0].cidr '10.0.0.0/23'"],
    [{ cidr: '10.0.0.0/29' }, "cidr '10.0.0.0/29' has prefix length 29 (expected /16 to /28)"],
    [{ cidr: '10.0.0.0/15' }, 'has prefix length 15'],
    [{ cidr: '10.0.0.0' }, "cidr '10.0.0.0' is not an IPv4 CIDR"],
  ] as [Partial<SubnetAddressInput>, string][])(
    'rejects bad input %j naming the field and value',
    (overrides, message) => {
      // Prepare
      const input = buildSubnetAddressInput(overrides);

      // Act
      const act = () => mapSubnetAddresses(input);

      // Assess
      expect(act).toThrow(SubnetAddressError);
      expect(act).toThrow(message);
    },
  );

  it('rejects an unknown reservation type', () => {
    // Prepare
    const reservation = { cidr: '10.0.0.16/28', type: 'pool' } as unknown as SubnetCidrReservation;

    // Act
    const act = () => mapSubnetAddresses(buildSubnetAddressInput({ reservations: [reservation] }));

    // Assess
    expect(act).toThrow("reservations[0].type 'pool'");
  });

  it('agrees with a per-address count on random subnets, addresses, prefixes and reservations', () => {
    const arbitraryInput = fc
      .record({
        prefixLength: fc.integer({ min: 24, max: 28 }),
        ipOffsets: fc.array(fc.nat(), { maxLength: 60 }),
        prefixBlocks: fc.array(fc.nat(), { maxLength: 6 }),
        reservations: fc.array(
          fc.record({ block: fc.nat(), length: fc.integer({ min: 26, max: 30 }), prefix: fc.boolean() }),
          { maxLength: 3 },
        ),
      })
      .map(({ prefixLength, ipOffsets, prefixBlocks, reservations }): SubnetAddressInput => {
        const size = 2 ** (32 - prefixLength);
        const base = parseCidr('10.1.0.0/16').base + 256 * 7;
        const blockCount = size / 16;
        const prefixes = [
          ...new Set(
            prefixBlocks.map((b) => (b % blockCount) * 16).filter((o) => o !== 0 && o !== size - 16),
          ),
        ].map((o) => `${formatIpv4(base + o)}/28`);
        const privateIps = ipOffsets.map((o) => 4 + (o % (size - 5))).map((o) => formatIpv4(base + o));
        const builtReservations = reservations
          .filter((r) => 32 - r.length <= 32 - prefixLength)
          .map((r) => {
            const rSize = 2 ** (32 - r.length);
            const start = (r.block % (size / rSize)) * rSize;
            return {
              cidr: `${formatIpv4(base + start)}/${r.length}`,
              type: r.prefix ? 'prefix' : 'explicit',
            };
          }) as SubnetCidrReservation[];
        return {
          cidr: `${formatIpv4(base)}/${prefixLength}`,
          privateIps,
          prefixes,
          reservations: builtReservations,
        };
      });

    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const map = mapSubnetAddresses(input);
        const expected = countByHand(input);
        expect(map.ec2AvailableIpCount).toBe(expected.freeOutside);
        expect(map.freeIpCountInPrefixReservations).toBe(expected.freeInPrefix);
        expect(map.freeIpCountInExplicitReservations).toBe(expected.freeInExplicit);
        expect(map.freePrefixBlocks).toBe(expected.blocks);
        expect(map.freePrefixBlocksInPrefixReservations).toBe(expected.blocksInPrefix);
        expect(map.usedIpCount).toBe(expected.used);
        expect(listFreePrefixBlocks(input)).toHaveLength(expected.blocks);
        const score = map.fragmentationScore;
        if (score !== null) {
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(1);
        }
        expect(map.prefixFeasibility.kind === 'free-blocks').toBe(expected.blocks > 0);
        if (map.prefixFeasibility.kind === 'impossible') expect(score).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});
