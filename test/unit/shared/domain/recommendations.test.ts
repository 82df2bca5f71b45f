import { nodeHoldings } from '../../../../shared/domain/cni-capacity.js';
import { type CniConfig, DEFAULT_CNI_CONFIG } from '../../../../shared/domain/cni-config.js';
import type { InstanceLimits } from '../../../../shared/domain/instance-limits.js';
import {
  type Recommendation,
  type RecommendationInput,
  RecommendationInputError,
  type RecommendationKind,
  recommend,
} from '../../../../shared/domain/recommendations.js';

/** m5.large: 3 ENIs × 10 IPv4 addresses, Nitro (DOMAIN.md §1: 29 max pods). */
const M5_LARGE: InstanceLimits = {
  instanceType: 'm5.large',
  maxEnis: 3,
  ipv4PerEni: 10,
  vcpus: 2,
  hypervisor: 'nitro',
  bareMetal: false,
  source: 'test',
};

function buildInput(overrides: Partial<RecommendationInput> = {}): RecommendationInput {
  return {
    groupName: 'ng-1',
    cni: DEFAULT_CNI_CONFIG,
    nodeCount: 20,
    podsPerNode: 12,
    growthNodes: 10,
    prefixDelegationSupported: true,
    holdings: (cni: CniConfig, pods: number) => nodeHoldings(M5_LARGE, cni, pods),
    subnets: [{ subnetId: 'subnet-a', freeIpCount: 1000, freePrefixBlocks: 40, fragmentationScore: 0.1 }],
    ...overrides,
  };
}

function byKind(list: readonly Recommendation[], kind: RecommendationKind): Recommendation | undefined {
  return list.find((recommendation) => recommendation.kind === kind);
}

describe('recommend', () => {
  it('sizes IP targets for the observed density and counts the addresses they free', () => {
    // Act
    const result = recommend(buildInput());

    // Assess: WARM_ENI_TARGET=1 at 12 pods holds 3 ENIs = 30 addresses; targets 2/12 hold 2 ENIs with
    // 14 secondaries + 2 primaries = 16.
    expect(byKind(result, 'warm-ip-target')?.effect).toEqual({
      ipsFreedPerNode: 14,
      ipsFreed: 280,
      settings: { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '12' },
    });
  });

  it('finds the smallest MAX_ENI that still hosts the observed pods plus the burst', () => {
    // Act
    const result = recommend(buildInput());

    // Assess
    expect(byKind(result, 'max-eni')?.effect).toEqual({
      ipsFreedPerNode: 10,
      ipsFreed: 200,
      maxPodsAfter: 20,
      settings: { MAX_ENI: '2' },
    });
  });

  it('skips MAX_ENI when the observed density needs every ENI', () => {
    // Act
    const result = recommend(buildInput({ podsPerNode: 26 }));

    // Assess
    expect(byKind(result, 'max-eni')).toBeUndefined();
  });

  it('counts the /28 blocks prefix delegation needs and the reservation size', () => {
    // Act
    const result = recommend(
      buildInput({
        subnets: [
          { subnetId: 'subnet-a', freeIpCount: 500, freePrefixBlocks: 20, fragmentationScore: 0.2 },
          { subnetId: 'subnet-b', freeIpCount: 500, freePrefixBlocks: 4, fragmentationScore: 0.9 },
        ],
      }),
    );

    // Assess: 2 prefixes per node × 30 nodes; 30 blocks per subnet round up to 32 → a /23.
    expect(byKind(result, 'prefix-delegation')?.effect).toMatchObject({
      blocksNeeded: 60,
      freePrefixBlocks: 24,
      blocksShort: 36,
      reservationPrefixLength: 23,
      settings: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' },
    });
  });

  it('leaves prefix delegation out on instances that cannot use it', () => {
    // Act
    const result = recommend(buildInput({ prefixDelegationSupported: false }));

    // Assess
    expect(byKind(result, 'prefix-delegation')).toBeUndefined();
  });

  it('advises a prefix reservation in prefix mode for fragmented subnets or missing blocks', () => {
    // Prepare
    const cni = { ...DEFAULT_CNI_CONFIG, prefixDelegation: true };
    const fragmented = buildInput({
      cni,
      subnets: [
        { subnetId: 'subnet-a', freeIpCount: 900, freePrefixBlocks: 40, fragmentationScore: 0.2 },
        { subnetId: 'subnet-b', freeIpCount: 900, freePrefixBlocks: 3, fragmentationScore: 0.8 },
      ],
    });
    const healthy = buildInput({ cni });

    // Act
    const advised = byKind(recommend(fragmented), 'prefix-reservation');
    const none = byKind(recommend(healthy), 'prefix-reservation');

    // Assess
    expect(advised?.title).toBe('Reserve a /24 for prefixes in subnet-b');
    expect(advised?.effect).toMatchObject({ blocksNeeded: 20, freePrefixBlocks: 43, blocksShort: 0 });
    expect(none).toBeUndefined();
    expect(byKind(recommend(healthy), 'warm-ip-target')).toBeUndefined();
  });

  it('when addresses run short: custom networking and more subnet space, with the shortfall', () => {
    // Prepare
    const input = buildInput({
      subnets: [
        { subnetId: 'subnet-a', freeIpCount: 100, freePrefixBlocks: 2, fragmentationScore: 0.5 },
        { subnetId: 'subnet-b', freeIpCount: 50, freePrefixBlocks: 1, fragmentationScore: 0.5 },
      ],
    });

    // Act
    const result = recommend(input);

    // Assess: 10 more nodes × 30 addresses = 300 needed, 150 free.
    expect(byKind(result, 'subnet-capacity')?.effect).toEqual({
      ipsShort: 150,
      suggestedSubnetPrefixLength: 25,
    });
    expect(byKind(result, 'custom-networking')?.effect).toMatchObject({
      ipsFreedPerNode: 29,
      ipsFreed: 580,
      maxPodsAfter: 20,
    });
    expect(byKind(result, 'custom-networking')?.title).toContain('100.64.0.0/10');
  });

  it('says nothing about more space or custom networking while the subnets cover the growth', () => {
    // Act
    const kinds = recommend(buildInput()).map((r) => r.kind);

    // Assess
    expect(kinds).toEqual(['warm-ip-target', 'max-eni', 'prefix-delegation']);
  });

  it('rejects negative counts naming the field', () => {
    // Act
    const act = () => recommend(buildInput({ growthNodes: -1 }));

    // Assess
    expect(act).toThrow(RecommendationInputError);
    expect(act).toThrow('growthNodes is -1 (expected an integer >= 0)');
  });
});
