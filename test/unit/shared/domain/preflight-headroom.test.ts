import {
  type PreflightInput,
  type PreflightSubnetCapacity,
  preflightHeadroom,
} from '../../../../shared/domain/preflight-headroom.js';
import { SubnetHeadroomError } from '../../../../shared/domain/subnet-headroom.js';

/** An idle m5.large under the default CNI: its primary plus one full ENI of 9 secondaries (DOMAIN.md §2). */
const M5_LARGE_AT_BOOT = { nodeSubnetIps: 1, podSubnetIps: 9, podSubnetPrefixes: 0 };

function capacity(
  subnetId: string,
  freeIpCount: number,
  freePrefixBlocks: number | null = 10,
): PreflightSubnetCapacity {
  return { subnetId, freeIpCount, freePrefixBlocks };
}

function buildInput(overrides: Partial<PreflightInput> = {}): PreflightInput {
  return {
    groupName: 'ng-1',
    fromNodes: 3,
    toNodes: 9,
    subnets: [
      { subnetId: 'subnet-a', instanceCount: 1 },
      { subnetId: 'subnet-b', instanceCount: 1 },
      { subnetId: 'subnet-c', instanceCount: 1 },
    ],
    perNode: M5_LARGE_AT_BOOT,
    capacities: [capacity('subnet-a', 200), capacity('subnet-b', 200), capacity('subnet-c', 200)],
    ...overrides,
  };
}

describe('preflightHeadroom', () => {
  it('spreads the new nodes over the AZs as Auto Scaling does and finds every subnet enough', () => {
    // Act
    const decision = preflightHeadroom(buildInput());

    // Assess: 6 new nodes, 2 per AZ, 10 addresses each.
    expect(decision.kind).toBe('fits');
    if (decision.kind !== 'fits') return;
    expect(
      decision.subnets.map((s) => [s.subnetId, s.newNodes, s.demandIps, s.shortfallIps, s.nodesThatFit]),
    ).toEqual([
      ['subnet-a', 2, 20, 0, 20],
      ['subnet-b', 2, 20, 0, 20],
      ['subnet-c', 2, 20, 0, 20],
    ]);
  });

  it('finds a burst that cannot fit in one AZ, and how many nodes all AZs together can take', () => {
    // Prepare: 30 new nodes, 10 per AZ; subnet-b has 45 free of which 15 are already in flight.
    const input = buildInput({
      toNodes: 33,
      capacities: [
        capacity('subnet-a', 60),
        { ...capacity('subnet-b', 45), inFlightIps: 15 },
        capacity('subnet-c', 150),
      ],
    });

    // Act
    const decision = preflightHeadroom(input);

    // Assess: b can take 3 of its 10 (30 of 100 addresses), a 6, c 15: 24 of 30 fit.
    expect(decision).toMatchObject({ kind: 'short', newNodes: 30, nodesThatFit: 24, nodesShort: 6 });
    if (decision.kind !== 'short') return;
    const b = decision.subnets.find((s) => s.subnetId === 'subnet-b');
    expect(b).toMatchObject({
      newNodes: 10,
      demandIps: 100,
      availableIps: 30,
      shortfallIps: 70,
      nodesThatFit: 3,
    });
  });

  it('says when one AZ is short but the others take the rest', () => {
    // Act: b takes 1 of its 2 new nodes; a and c have room for many.
    const decision = preflightHeadroom(
      buildInput({
        capacities: [capacity('subnet-a', 200), capacity('subnet-b', 15), capacity('subnet-c', 200)],
      }),
    );

    // Assess
    expect(decision.kind).toBe('fits-elsewhere');
  });

  it('under custom networking, checks node addresses in the node subnet and pod addresses in the AZ ENIConfig subnet', () => {
    // Prepare: the primary ENI holds no pods (1 address in the node subnet), one pod ENI of 10 in the pod subnet.
    const input = buildInput({
      toNodes: 7,
      subnets: [
        { subnetId: 'subnet-a', instanceCount: 1, podSubnetId: 'pods-a' },
        { subnetId: 'subnet-b', instanceCount: 1, podSubnetId: 'pods-b' },
      ],
      perNode: { nodeSubnetIps: 1, podSubnetIps: 10, podSubnetPrefixes: 0 },
      capacities: [
        capacity('subnet-a', 5),
        capacity('subnet-b', 5),
        capacity('pods-a', 500),
        capacity('pods-b', 25),
      ],
    });

    // Act
    const decision = preflightHeadroom(input);

    // Assess: 4 new nodes, 2 per AZ. pods-b takes 2 of them (20 of 25); the small node subnets are enough.
    expect(decision.kind).toBe('fits');
    if (decision.kind !== 'fits') return;
    expect(decision.subnets.map((s) => [s.subnetId, s.demandIps, s.shortfallIps])).toEqual([
      ['subnet-a', 2, 0],
      ['pods-a', 20, 0],
      ['subnet-b', 2, 0],
      ['pods-b', 20, 0],
    ]);

    // With a third node per AZ, pods-b (25) is short by 5; pods-a and its node subnet take the extra node.
    const tighter = preflightHeadroom({ ...input, toNodes: 9 });
    expect(tighter.kind).toBe('fits-elsewhere');
    if (tighter.kind === 'short' || tighter.kind === 'fits-elsewhere') {
      expect(tighter.subnets.find((s) => s.subnetId === 'pods-b')).toMatchObject({
        shortfallIps: 5,
        nodesThatFit: 2,
      });
    }
  });

  it('in prefix mode needs free aligned /28 blocks, not just free addresses', () => {
    // Prepare: each new node takes its primary and two /28 prefixes; a has addresses but only 3 free blocks.
    const input = buildInput({
      fromNodes: 2,
      toNodes: 4,
      subnets: [
        { subnetId: 'subnet-a', instanceCount: 1 },
        { subnetId: 'subnet-b', instanceCount: 1 },
      ],
      perNode: { nodeSubnetIps: 1, podSubnetIps: 0, podSubnetPrefixes: 2 },
      capacities: [capacity('subnet-a', 180, 0), capacity('subnet-b', 180, 3)],
    });

    // Act
    const decision = preflightHeadroom(input);

    // Assess: a is fragmented: 180 addresses, no block; b takes one node (2 of 3 blocks), 1 of 2 fits.
    expect(decision).toMatchObject({ kind: 'short', nodesThatFit: 1, nodesShort: 1 });
    if (decision.kind !== 'short') return;
    expect(decision.subnets.find((s) => s.subnetId === 'subnet-a')).toMatchObject({
      demandPrefixBlocks: 2,
      shortfallPrefixBlocks: 2,
      shortfallIps: 0,
      nodesThatFit: 0,
    });
  });

  it('answers no-growth for a scale-in and names a subnet it has no capacity for', () => {
    expect(preflightHeadroom(buildInput({ toNodes: 3 }))).toEqual({ kind: 'no-growth', groupName: 'ng-1' });
    expect(() => preflightHeadroom(buildInput({ capacities: [capacity('subnet-a', 10)] }))).toThrow(
      new SubnetHeadroomError('capacities has no entry for subnet-b (a subnet of ng-1)'),
    );
  });
});
