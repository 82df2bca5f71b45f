import fc from 'fast-check';
import { SeededRandom } from '../../../../shared/simulator/seeded-random.js';
import { SubnetAddressMap } from '../../../../shared/simulator/subnet-address-map.js';

const buildMap = (cidr = '10.0.0.0/24', seed = 1) => new SubnetAddressMap(cidr, new SeededRandom(seed));

describe('SubnetAddressMap', () => {
  it('keeps the five addresses AWS reserves out of every allocation', () => {
    // Prepare
    const map = buildMap('10.0.0.0/28');
    // Act
    const ips = map.allocateIps(11);
    // Assess
    expect(map.availableIpCount).toBe(0);
    expect(ips).not.toEqual(expect.arrayContaining(['10.0.0.0']));
    for (const reserved of ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.15']) {
      expect(ips).not.toContain(reserved);
    }
  });

  it('answers InsufficientFreeAddressesInSubnet when asked for more IPs than are free, taking none', () => {
    // Prepare
    const map = buildMap('10.0.0.0/28');
    map.allocateIps(9);
    // Act
    const act = () => map.allocateIps(3);
    // Assess
    expect(act).toThrow(expect.objectContaining({ code: 'InsufficientFreeAddressesInSubnet' }));
    expect(map.availableIpCount).toBe(2);
  });

  it('delegates only aligned, entirely free /28 prefixes', () => {
    // Prepare
    const map = buildMap('10.0.0.0/24');
    // Act
    const prefixes = map.allocatePrefixes(5);
    // Assess
    for (const prefix of prefixes) {
      const last = Number(prefix.split('/')[0]?.split('.')[3]);
      expect(last % 16).toBe(0);
      expect(prefix).not.toBe('10.0.0.0/28');
      expect(prefix).not.toBe('10.0.0.240/28');
    }
    expect(map.freePrefixBlockCount()).toBe(14 - 5);
  });

  it('answers InsufficientCidrBlocks when single IPs are free but no aligned /28 is', () => {
    // Prepare
    const map = buildMap('10.0.0.0/24');
    map.preAllocate(16, 'one-per-block');
    // Act
    const act = () => map.allocatePrefixes(1);
    // Assess
    expect(map.availableIpCount).toBeGreaterThan(200);
    expect(map.freePrefixBlockCount()).toBe(0);
    expect(act).toThrow(expect.objectContaining({ code: 'InsufficientCidrBlocks' }));
  });

  it('takes prefixes from a prefix reservation first and never gives its addresses to single IPs', () => {
    // Prepare
    const map = buildMap('10.0.0.0/24');
    map.addReservation('scr-1', '10.0.0.64/27', 'prefix');
    // Act
    const prefixes = map.allocatePrefixes(2);
    const ips = map.allocateIps(map.assignableIpCount);
    // Assess
    expect([...prefixes].sort()).toEqual(['10.0.0.64/28', '10.0.0.80/28']);
    for (const ip of ips) {
      const last = Number(ip.split('.')[3]);
      expect(last < 64 || last >= 96).toBe(true);
    }
  });

  it('keeps explicit reservations away from both IPs and prefixes', () => {
    // Prepare
    const map = buildMap('10.0.0.0/26');
    map.addReservation('scr-1', '10.0.0.16/28', 'explicit');
    // Act
    const prefixes = map.allocatePrefixes(map.freePrefixBlockCount());
    // Assess
    expect(prefixes).toEqual(['10.0.0.32/28']);
    expect(() => map.allocatePrefixes(1)).toThrow(
      expect.objectContaining({ code: 'InsufficientCidrBlocks' }),
    );
  });

  it('frees addresses and prefixes on release', () => {
    // Prepare
    const map = buildMap('10.0.0.0/26');
    const [prefix] = map.allocatePrefixes(1);
    const ips = map.allocateIps(4);
    // Act
    map.releasePrefix(prefix as string);
    for (const ip of ips) map.releaseIp(ip);
    // Assess
    expect(map.availableIpCount).toBe(64 - 5);
  });

  it('keeps the free count equal to size - 5 - used for any allocation sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 20 }),
        fc.integer(),
        (counts, seed) => {
          const map = buildMap('10.0.0.0/24', seed);
          let used = 0;
          for (const count of counts) {
            try {
              used += map.allocateIps(count).length;
            } catch {
              // exhaustion is allowed; nothing was taken
            }
          }
          expect(map.availableIpCount).toBe(256 - 5 - used);
        },
      ),
    );
  });
});
