import fc from 'fast-check';
import {
  CapacityInputError,
  effectiveNetworking,
  MAX_PODS_CAPS,
  maxPodNetworkPods,
  maxPods,
  nodeHoldings,
} from '../../../../shared/domain/cni-capacity.js';
import type { CniConfig } from '../../../../shared/domain/cni-config.js';
import { buildCniConfig, buildInstanceLimits } from '../../../builders/instance-limits.js';

const t3small = buildInstanceLimits({ instanceType: 't3.small' });
const p3dn = buildInstanceLimits({ instanceType: 'p3dn.24xlarge' });

describe('maxPods', () => {
  it.each([
    ['t3.small', 11],
    ['m5.large', 29],
    ['m5.xlarge', 58],
    ['c5.xlarge', 58],
    ['m5.4xlarge', 234],
  ])('secondary-IP mode: %s runs %i pods (E*(L-1)+2)', (instanceType, expected) => {
    expect(maxPods(buildInstanceLimits({ instanceType }), buildCniConfig())).toBe(expected);
  });

  it('prefix delegation multiplies the slots by 16', () => {
    expect(maxPods(buildInstanceLimits(), buildCniConfig({ prefixDelegation: true }))).toBe(3 * 9 * 16 + 2);
  });

  it('falls back to secondary IPs on a Xen instance, and says so', () => {
    const m4 = buildInstanceLimits({ instanceType: 'm4.large' });
    const cni = buildCniConfig({ prefixDelegation: true });
    expect(maxPods(m4, cni)).toBe(2 * 9 + 2);
    expect(effectiveNetworking(m4, cni).prefixDelegationFellBack).toBe(true);
  });

  it('accepts prefix delegation on bare metal', () => {
    const metal = buildInstanceLimits({ instanceType: 'm5.metal' });
    expect(maxPods(metal, buildCniConfig({ prefixDelegation: true }))).toBe(15 * 49 * 16 + 2);
  });

  it('custom networking and the pod-ENI trunk each take one ENI', () => {
    const m5 = buildInstanceLimits();
    expect(maxPods(m5, buildCniConfig({ customNetworking: true }))).toBe(2 * 9 + 2);
    expect(maxPods(m5, buildCniConfig({ podEni: true }))).toBe(2 * 9 + 2);
    expect(maxPods(m5, buildCniConfig({ customNetworking: true, podEni: true }))).toBe(1 * 9 + 2);
  });

  it('MAX_ENI caps the ENI count only when it is >= 1 and lower than the limit', () => {
    const m54 = buildInstanceLimits({ instanceType: 'm5.4xlarge' });
    expect(maxPods(m54, buildCniConfig({ maxEni: 2 }))).toBe(2 * 29 + 2);
    expect(maxPods(m54, buildCniConfig({ maxEni: 0 }))).toBe(234);
    expect(maxPods(m54, buildCniConfig({ maxEni: 50 }))).toBe(234);
  });

  it('managed node group cap: 110 up to 30 vCPUs, 250 above', () => {
    const pd = buildCniConfig({ prefixDelegation: true });
    expect(maxPods(buildInstanceLimits(), pd, 'mng')).toBe(110);
    expect(maxPods(buildInstanceLimits({ instanceType: 'm5.24xlarge' }), pd, 'mng')).toBe(250);
    expect(maxPods(buildInstanceLimits(), buildCniConfig(), 'mng')).toBe(29);
    expect(maxPods(buildInstanceLimits({ instanceType: 'm5.4xlarge' }), buildCniConfig(), 'mng')).toBe(110);
  });

  it('managed node group cap with vCPUs unknown: the formula up to 110, else a named error', () => {
    const unknownSmall = buildInstanceLimits({ instanceType: 'm5.large', vcpus: null });
    const unknownLarge = buildInstanceLimits({ instanceType: 'm5.24xlarge', vcpus: null });
    expect(maxPods(unknownSmall, buildCniConfig(), 'mng')).toBe(29);
    expect(maxPods(unknownLarge, buildCniConfig(), 'none')).toBe(737);
    expect(() => maxPods(unknownLarge, buildCniConfig(), 'mng')).toThrow(CapacityInputError);
    expect(() => maxPods(unknownLarge, buildCniConfig(), 'mng')).toThrow(/m5\.24xlarge: vCPUs unknown/);
  });

  it('Auto Mode: min(110, E*(L-1))', () => {
    expect(maxPods(buildInstanceLimits(), buildCniConfig(), 'auto-mode')).toBe(27);
    expect(maxPods(buildInstanceLimits({ instanceType: 'm5.4xlarge' }), buildCniConfig(), 'auto-mode')).toBe(
      110,
    );
  });

  it("Karpenter's ENI-limited default: the secondary-IP formula even under prefix delegation", () => {
    const pd = buildCniConfig({ prefixDelegation: true });
    expect(maxPods(buildInstanceLimits(), pd, 'eni-limited')).toBe(29);
    expect(maxPods(buildInstanceLimits(), buildCniConfig(), 'eni-limited')).toBe(29);
    expect(maxPods(buildInstanceLimits(), buildCniConfig({ customNetworking: true }), 'eni-limited')).toBe(
      20,
    );
  });
});

describe('nodeHoldings: VPC CNI docs/eni-and-ip-target.md examples', () => {
  // Columns: WARM_ENI_TARGET, WARM_IP_TARGET, MINIMUM_IP_TARGET, pods, attached ENIs, attached secondary IPs.
  it.each([
    [t3small, 1, 0, 0, 0, 1, 3],
    [t3small, 1, 0, 0, 5, 3, 9],
    [t3small, 1, 0, 0, 9, 3, 9],
    [t3small, 1, 1, 1, 0, 1, 1],
    [t3small, 1, 1, 1, 5, 2, 6],
    [t3small, 1, 1, 1, 9, 3, 9],
    [t3small, 1, 2, 5, 0, 2, 5],
    [t3small, 1, 2, 5, 5, 3, 7],
    [t3small, 1, 2, 5, 9, 3, 9],
    [p3dn, 1, 0, 0, 0, 1, 49],
    [p3dn, 1, 0, 0, 3, 2, 98],
    [p3dn, 1, 0, 0, 95, 3, 147],
    [p3dn, 1, 5, 10, 0, 1, 10],
    [p3dn, 1, 5, 10, 7, 1, 12],
    [p3dn, 1, 5, 10, 15, 1, 20],
    [p3dn, 1, 5, 10, 45, 2, 50],
  ])(
    '%# W=%i w=%i m=%i pods=%i → %i ENIs, %i IPs',
    (limits, warmEniTarget, warmIpTarget, minimumIpTarget, pods, enis, ips) => {
      const holdings = nodeHoldings(
        limits,
        buildCniConfig({ warmEniTarget, warmIpTarget, minimumIpTarget }),
        pods,
      );
      expect(holdings.enis).toBe(enis);
      expect(holdings.ipsHeld).toBe(ips);
      expect(holdings.attaches).toBe(enis - 1);
    },
  );
});

describe('nodeHoldings: VPC CNI docs/prefix-and-ip-target.md examples', () => {
  // Columns: WARM_PREFIX_TARGET, WARM_IP_TARGET, MINIMUM_IP_TARGET, pods, ENIs, attached prefixes.
  it.each([
    [t3small, 1, 0, 0, 0, 1, 1],
    [t3small, 1, 0, 0, 5, 1, 2],
    [t3small, 1, 0, 0, 16, 1, 2],
    [t3small, 1, 0, 0, 17, 1, 3],
    [t3small, 1, 0, 0, 58, 2, 5],
    [t3small, 1, 1, 1, 0, 1, 1],
    [t3small, 1, 1, 1, 5, 1, 1],
    [t3small, 1, 1, 1, 17, 1, 2],
    [t3small, 1, 1, 1, 58, 2, 4],
    // The doc's pods=0 row for w=7/m=20 lists 1 prefix but "0,0" pods per prefix and 2 prefixes per ENI:
    // ceil(20/16) = 2, as ipamd's datastoreTargetState computes.
    [t3small, 1, 7, 20, 0, 1, 2],
    [t3small, 1, 7, 20, 5, 1, 2],
    [t3small, 1, 7, 20, 17, 1, 2],
    [t3small, 1, 7, 20, 58, 2, 5],
    // p3dn rows: prefixes as the doc lists; ENIs follow the doc's own rule ("a new ENI only after the prefixes of
    // existing ENIs are exhausted": 49 prefixes per ENI), not its ENI column, which repeats the secondary-IP table.
    [p3dn, 1, 0, 0, 0, 1, 1],
    [p3dn, 1, 0, 0, 3, 1, 2],
    [p3dn, 1, 0, 0, 95, 1, 7],
    [p3dn, 1, 5, 10, 0, 1, 1],
    [p3dn, 1, 5, 10, 7, 1, 1],
    [p3dn, 1, 5, 10, 15, 1, 2],
    [p3dn, 1, 5, 10, 45, 1, 4],
  ])(
    '%# p=%i w=%i m=%i pods=%i → %i ENIs, %i prefixes',
    (limits, warmPrefixTarget, warmIpTarget, minimumIpTarget, pods, enis, prefixes) => {
      const cni = buildCniConfig({ prefixDelegation: true, warmPrefixTarget, warmIpTarget, minimumIpTarget });
      const holdings = nodeHoldings(limits, cni, pods);
      expect(holdings.enis).toBe(enis);
      expect(holdings.prefixesHeld).toBe(prefixes);
      expect(holdings.ipsHeld).toBe(prefixes * 16);
    },
  );
});

describe('nodeHoldings: cases read from the VPC CNI source', () => {
  // pkg/ipamd/ipamd.go isDatastorePoolTooLow: with WARM_PREFIX_TARGET=0 the pool is low when
  // `warmTarget == 0 && available == 0`, so a prefix filled by its 16th pod brings the next one.
  it.each([
    [0, 1, 1],
    [15, 1, 1],
    [16, 1, 2],
    [17, 1, 2],
    [32, 1, 3],
    [47, 1, 3],
    [48, 2, 4],
  ])(
    'prefix mode, WARM_PREFIX_TARGET=0, t3.small, %i pods → %i ENIs, %i prefixes',
    (pods, enis, prefixes) => {
      const cni = buildCniConfig({ prefixDelegation: true, warmPrefixTarget: 0 });
      const holdings = nodeHoldings(t3small, cni, pods);
      expect(holdings.enis).toBe(enis);
      expect(holdings.prefixesHeld).toBe(prefixes);
    },
  );

  // pkg/ipamd/ipamd.go shouldRemoveExtraENIs (CheckFreeableENIexists) and pkg/ipamd/datastore/data_store.go
  // getDeletableENI (no WARM_PREFIX_TARGET check when it is 0): the empty ENI that 48 pods on t3.small
  // bring is freed after 60 s, the pool is low again, and a new one is attached.
  it('flags the ENI ipamd keeps freeing and re-attaching with WARM_PREFIX_TARGET=0', () => {
    const cni = buildCniConfig({ prefixDelegation: true, warmPrefixTarget: 0 });
    expect(nodeHoldings(t3small, cni, 48).eniChurn).toBe(true);
    expect(nodeHoldings(t3small, cni, 49).eniChurn).toBe(false);
    expect(nodeHoldings(t3small, cni, 0).eniChurn).toBe(false);
    expect(nodeHoldings(t3small, { ...cni, warmPrefixTarget: 1 }, 48).eniChurn).toBe(false);
  });

  // Same mechanism in secondary-IP mode with WARM_ENI_TARGET=0: `k = floor(n/M) + 1`, the last ENI empty
  // whenever n is a multiple of M (shouldRemoveExtraENIs: available >= (0 + 1) * maxIPsPerENI).
  it('flags the churning ENI with WARM_ENI_TARGET=0 when pods fill whole ENIs', () => {
    const m5large = buildInstanceLimits();
    const cni = buildCniConfig({ warmEniTarget: 0 });
    expect(nodeHoldings(m5large, cni, 9)).toMatchObject({ enis: 2, eniChurn: true });
    expect(nodeHoldings(m5large, cni, 10)).toMatchObject({ enis: 2, eniChurn: false });
    expect(nodeHoldings(m5large, buildCniConfig(), 9).eniChurn).toBe(false);
  });

  // pkg/ipamd/ipamd.go datastoreTargetState: short = max(WARM_IP_TARGET - available, MINIMUM_IP_TARGET - TotalIPs),
  // so with WARM_IP_TARGET=0 the pool stops growing at the minimum and further pods get no address.
  it.each([
    ['prefix mode', true, 16, 16],
    ['prefix mode', true, 20, 32],
    ['secondary IPs', false, 10, 10],
  ])(
    '%s, WARM_IP_TARGET=0 MINIMUM_IP_TARGET=%i: m5.large runs at most %i pods',
    (_mode, prefixDelegation, minimumIpTarget, ceiling) => {
      const m5large = buildInstanceLimits();
      const cni = buildCniConfig({ prefixDelegation, warmIpTarget: 0, minimumIpTarget });
      expect(maxPodNetworkPods(m5large, cni)).toBe(ceiling);
      expect(nodeHoldings(m5large, cni, ceiling).ipsHeld).toBe(
        prefixDelegation ? Math.ceil(minimumIpTarget / 16) * 16 : minimumIpTarget,
      );
      expect(() => nodeHoldings(m5large, cni, ceiling + 1)).toThrow(CapacityInputError);
      expect(() => nodeHoldings(m5large, cni, ceiling + 1)).toThrow(/ipamd stops at MINIMUM_IP_TARGET=/);
    },
  );
});

describe('nodeHoldings: subnets and attachments', () => {
  it('an idle m5.large holds one ENI with 9 secondary IPs; its first pod brings a second ENI', () => {
    const m5 = buildInstanceLimits();
    expect(nodeHoldings(m5, buildCniConfig(), 0)).toMatchObject({
      enis: 1,
      attaches: 0,
      ipsHeld: 9,
      nodeSubnetIps: 10,
    });
    expect(nodeHoldings(m5, buildCniConfig(), 1)).toMatchObject({
      enis: 2,
      attaches: 1,
      ipsHeld: 18,
      nodeSubnetIps: 20,
    });
  });

  it('a full m5.large (27 pods) makes 2 attachments and takes 30 node-subnet addresses', () => {
    expect(nodeHoldings(buildInstanceLimits(), buildCniConfig(), 27)).toMatchObject({
      enis: 3,
      attaches: 2,
      ipsHeld: 27,
      nodeSubnetIps: 30,
      podSubnetIps: 0,
    });
  });

  it('custom networking: the node subnet gives only the primary address, pods come from the ENIConfig subnet', () => {
    const holdings = nodeHoldings(buildInstanceLimits(), buildCniConfig({ customNetworking: true }), 0);
    expect(holdings).toMatchObject({ enis: 2, attaches: 1, nodeSubnetIps: 1, podSubnetIps: 10 });
    const full = nodeHoldings(buildInstanceLimits(), buildCniConfig({ customNetworking: true }), 18);
    expect(full).toMatchObject({ enis: 3, attaches: 2, nodeSubnetIps: 1, podSubnetIps: 20 });
  });

  it('the pod-ENI trunk is one more attachment and one more node-subnet address', () => {
    const holdings = nodeHoldings(buildInstanceLimits(), buildCniConfig({ podEni: true }), 0);
    expect(holdings).toMatchObject({ enis: 2, attaches: 1, nodeSubnetIps: 11 });
  });

  it('prefix mode: each prefix takes 16 addresses plus the ENI primaries', () => {
    const holdings = nodeHoldings(t3small, buildCniConfig({ prefixDelegation: true }), 58);
    expect(holdings).toMatchObject({ enis: 2, attaches: 1, prefixesHeld: 5, nodeSubnetIps: 1 + 1 + 5 * 16 });
  });

  it('WARM_ENI_TARGET=0 adds an ENI only when the last one is full', () => {
    const m5 = buildInstanceLimits();
    const cni = buildCniConfig({ warmEniTarget: 0 });
    expect(nodeHoldings(m5, cni, 8).enis).toBe(1);
    expect(nodeHoldings(m5, cni, 9).enis).toBe(2);
  });

  it('rejects pods above what the node can address, naming the limit', () => {
    expect(() => nodeHoldings(buildInstanceLimits(), buildCniConfig(), 28)).toThrow(CapacityInputError);
    expect(() => nodeHoldings(buildInstanceLimits(), buildCniConfig(), 28)).toThrow(
      /expected a whole number 0\.\.27/,
    );
    expect(() => nodeHoldings(buildInstanceLimits(), buildCniConfig(), -1)).toThrow(CapacityInputError);
  });
});

describe('nodeHoldings invariants (property)', () => {
  const instance = fc.record({
    instanceType: fc.constant('generated'),
    maxEnis: fc.integer({ min: 2, max: 16 }),
    ipv4PerEni: fc.integer({ min: 2, max: 50 }),
    vcpus: fc.integer({ min: 1, max: 192 }),
    hypervisor: fc.constantFrom('nitro' as const, 'xen' as const, null),
    bareMetal: fc.boolean(),
    source: fc.constant('generated'),
  });
  const cni: fc.Arbitrary<CniConfig> = fc.record({
    prefixDelegation: fc.boolean(),
    warmEniTarget: fc.integer({ min: 0, max: 4 }),
    warmIpTarget: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
    minimumIpTarget: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 80 })),
    warmPrefixTarget: fc.integer({ min: 0, max: 3 }),
    customNetworking: fc.boolean(),
    podEni: fc.boolean(),
    maxEni: fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 20 })),
  });
  const cap = fc.constantFrom(...MAX_PODS_CAPS);

  it('never more ENIs than the limit, never more pods than max pods, holdings monotone in pods', () => {
    fc.assert(
      fc.property(instance, cni, cap, (limits, config, capPolicy) => {
        const net = effectiveNetworking(limits, config);
        fc.pre(net.podEnis > 0);
        const podLimit = maxPodNetworkPods(limits, config, capPolicy);
        const step = Math.max(1, Math.floor(podLimit / 60));
        const samples = [
          ...Array.from({ length: Math.floor(podLimit / step) + 1 }, (_, i) => i * step),
          podLimit,
        ];
        let previous = nodeHoldings(limits, config, 0, capPolicy);
        for (const pods of samples) {
          const current = nodeHoldings(limits, config, pods, capPolicy);
          expect(current.enis).toBeLessThanOrEqual(net.maxEnis);
          expect(current.pods).toBeLessThanOrEqual(current.maxPods);
          expect(current.ipsHeld).toBeGreaterThanOrEqual(pods);
          expect(current.enis).toBeGreaterThanOrEqual(previous.enis);
          expect(current.ipsHeld).toBeGreaterThanOrEqual(previous.ipsHeld);
          expect(current.nodeSubnetIps + current.podSubnetIps).toBeGreaterThanOrEqual(
            previous.nodeSubnetIps + previous.podSubnetIps,
          );
          previous = current;
        }
        expect(() => nodeHoldings(limits, config, podLimit + 1, capPolicy)).toThrow(CapacityInputError);
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });
});
