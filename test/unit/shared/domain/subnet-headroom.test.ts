import fc from 'fast-check';
import {
  type GroupSubnet,
  inFlightDemandBySubnet,
  type NodeGroupHeadroomInput,
  type NodeSubnetUsage,
  nodeGroupHeadroom,
  type PendingGroup,
  type SubnetCapacity,
  SubnetHeadroomError,
  spreadNodesOverSubnets,
  subnetHeadroom,
  subnetHeadrooms,
  usageFromHoldings,
} from '../../../../shared/domain/subnet-headroom.js';

function buildUsage(overrides: Partial<NodeSubnetUsage> = {}): NodeSubnetUsage {
  return { nodeSubnetIps: 1, podSubnetIps: 19, podSubnetPrefixes: 0, ...overrides };
}

function buildCapacity(overrides: Partial<SubnetCapacity> = {}): SubnetCapacity {
  return { subnetId: 'subnet-a', availableIpCount: 200, freePrefixBlocks: null, ...overrides };
}

function buildGroup(overrides: Partial<PendingGroup> = {}): PendingGroup {
  return {
    groupName: 'ng-1',
    pendingNodes: 0,
    subnets: [
      { subnetId: 'subnet-a', instanceCount: 0 },
      { subnetId: 'subnet-b', instanceCount: 0 },
    ],
    perNode: buildUsage(),
    ...overrides,
  };
}

function buildHeadroomInput(overrides: Partial<NodeGroupHeadroomInput> = {}): NodeGroupHeadroomInput {
  return {
    groupName: 'ng-1',
    subnets: [{ subnetId: 'subnet-a', instanceCount: 0 }],
    pendingNodes: 0,
    capacities: [buildCapacity({ availableIpCount: 100 })],
    inFlight: new Map(),
    perNodeAtBoot: buildUsage({ podSubnetIps: 19 }),
    perNodeAtFullDensity: buildUsage({ podSubnetIps: 29 }),
    podsPerNodeAtFullDensity: 27,
    ...overrides,
  };
}

describe('spreadNodesOverSubnets', () => {
  it('fills the subnets with the fewest instances first, ties to the earlier subnet', () => {
    // Prepare
    const subnets: GroupSubnet[] = [
      { subnetId: 'subnet-a', instanceCount: 4 },
      { subnetId: 'subnet-b', instanceCount: 2 },
      { subnetId: 'subnet-c', instanceCount: 3 },
    ];

    // Act
    const spread = spreadNodesOverSubnets(5, subnets);

    // Assess
    expect(spread).toEqual([1, 3, 1]);
  });

  it('splits evenly from equal counts with the remainder on the first subnets', () => {
    // Prepare
    const subnets = ['a', 'b', 'c'].map((id) => ({ subnetId: `subnet-${id}`, instanceCount: 2 }));

    // Act
    const spread = spreadNodesOverSubnets(8, subnets);

    // Assess
    expect(spread).toEqual([3, 3, 2]);
  });

  it('places every node and keeps the group balanced to within one instance where it can', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 6 }),
        fc.nat({ max: 200 }),
        (counts, nodes) => {
          const subnets = counts.map((instanceCount, i) => ({ subnetId: `subnet-${i}`, instanceCount }));
          const spread = spreadNodesOverSubnets(nodes, subnets);
          expect(spread.reduce((a, b) => a + b, 0)).toBe(nodes);
          const after = counts.map((c, i) => c + (spread[i] ?? 0));
          const touched = after.filter((_, i) => (spread[i] ?? 0) > 0);
          if (touched.length > 0) {
            expect(Math.max(...touched) - Math.min(...after)).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });

  it('rejects an empty subnet list and a negative count', () => {
    // Act
    const empty = () => spreadNodesOverSubnets(1, []);
    const negative = () => spreadNodesOverSubnets(-1, [{ subnetId: 'subnet-a', instanceCount: 0 }]);

    // Assess
    expect(empty).toThrow(SubnetHeadroomError);
    expect(empty).toThrow('subnets is empty');
    expect(negative).toThrow('nodeCount is -1 (expected an integer >= 0)');
  });
});

describe('inFlightDemandBySubnet', () => {
  it('puts node addresses in the node subnet and pod addresses in the ENIConfig subnet', () => {
    // Prepare
    const group = buildGroup({
      pendingNodes: 3,
      subnets: [
        { subnetId: 'subnet-a', instanceCount: 1, podSubnetId: 'subnet-pod-a' },
        { subnetId: 'subnet-b', instanceCount: 1, podSubnetId: 'subnet-pod-b' },
      ],
      perNode: buildUsage({ nodeSubnetIps: 1, podSubnetIps: 20 }),
    });

    // Act
    const demand = inFlightDemandBySubnet([group]);

    // Assess
    expect(demand.get('subnet-a')).toEqual({ ips: 2, prefixes: 0, pendingNodes: 2 });
    expect(demand.get('subnet-pod-a')).toEqual({ ips: 40, prefixes: 0, pendingNodes: 0 });
    expect(demand.get('subnet-b')).toEqual({ ips: 1, prefixes: 0, pendingNodes: 1 });
    expect(demand.get('subnet-pod-b')).toEqual({ ips: 20, prefixes: 0, pendingNodes: 0 });
  });

  it('adds up groups that share a subnet, prefixes included', () => {
    // Prepare
    const groups = [
      buildGroup({ pendingNodes: 2, perNode: buildUsage({ podSubnetIps: 1, podSubnetPrefixes: 2 }) }),
      buildGroup({
        groupName: 'ng-2',
        pendingNodes: 1,
        subnets: [{ subnetId: 'subnet-b', instanceCount: 0 }],
      }),
    ];

    // Act
    const demand = inFlightDemandBySubnet(groups);

    // Assess
    expect(demand.get('subnet-a')).toEqual({ ips: 2, prefixes: 2, pendingNodes: 1 });
    expect(demand.get('subnet-b')).toEqual({ ips: 2 + 20, prefixes: 2, pendingNodes: 2 });
  });

  it('rejects a node that takes no address in its own subnet', () => {
    // Prepare
    const group = buildGroup({ pendingNodes: 1, perNode: buildUsage({ nodeSubnetIps: 0 }) });

    // Act
    const act = () => inFlightDemandBySubnet([group]);

    // Assess
    expect(act).toThrow('groups[0].perNode.nodeSubnetIps is 0 (expected an integer >= 1)');
  });
});

describe('subnetHeadroom', () => {
  it('subtracts in-flight addresses from the EC2 count', () => {
    // Prepare
    const capacity = buildCapacity({ availableIpCount: 120 });

    // Act
    const headroom = subnetHeadroom(capacity, { ips: 45, prefixes: 0, pendingNodes: 3 });

    // Assess
    expect(headroom).toMatchObject({ inFlightIps: 45, headroomIps: 75, prefixBlocksHeadroom: null });
  });

  it('serves prefixes from prefix reservations before the space EC2 counts', () => {
    // Prepare
    const capacity = buildCapacity({
      availableIpCount: 100,
      freePrefixBlocks: 6,
      freePrefixBlocksInPrefixReservations: 2,
    });

    // Act
    const headroom = subnetHeadroom(capacity, { ips: 4, prefixes: 3, pendingNodes: 2 });

    // Assess
    expect(headroom.inFlightIps).toBe(4 + 16);
    expect(headroom.headroomIps).toBe(80);
    expect(headroom.prefixBlocksHeadroom).toBe(3);
  });

  it('goes negative when pending nodes already ask for more than is free', () => {
    // Act
    const headroom = subnetHeadroom(buildCapacity({ availableIpCount: 10, freePrefixBlocks: 1 }), {
      ips: 2,
      prefixes: 2,
      pendingNodes: 1,
    });

    // Assess
    expect(headroom.headroomIps).toBe(10 - 2 - 32);
    expect(headroom.prefixBlocksHeadroom).toBe(-1);
  });

  it('reports every subnet, with zero demand where no group is pending', () => {
    // Prepare
    const capacities = [buildCapacity(), buildCapacity({ subnetId: 'subnet-z', availableIpCount: 7 })];

    // Act
    const result = subnetHeadrooms(capacities, [buildGroup({ pendingNodes: 1 })]);

    // Assess
    expect(result.map((h) => [h.subnetId, h.headroomIps])).toEqual([
      ['subnet-a', 180],
      ['subnet-z', 7],
    ]);
  });
});

describe('nodeGroupHeadroom', () => {
  it('counts nodes at boot and at full density until the subnet runs out', () => {
    // Act
    const result = nodeGroupHeadroom(buildHeadroomInput());

    // Assess
    expect(result.atBoot).toEqual({ nodes: 5, limitingSubnetId: 'subnet-a', limitedBy: 'ips' });
    expect(result.atFullDensity).toEqual({
      nodes: 3,
      pods: 81,
      limitingSubnetId: 'subnet-a',
      limitedBy: 'ips',
    });
  });

  it('stops at the first balanced placement that does not fit, even if another subnet has room', () => {
    // Prepare
    const input = buildHeadroomInput({
      subnets: [
        { subnetId: 'subnet-a', instanceCount: 0 },
        { subnetId: 'subnet-b', instanceCount: 0 },
      ],
      capacities: [
        buildCapacity({ subnetId: 'subnet-a', availableIpCount: 40 }),
        buildCapacity({ subnetId: 'subnet-b', availableIpCount: 1000 }),
      ],
    });

    // Act
    const result = nodeGroupHeadroom(input);

    // Assess
    expect(result.atBoot).toEqual({ nodes: 4, limitingSubnetId: 'subnet-a', limitedBy: 'ips' });
  });

  it('places new nodes after the pending ones whose demand is already in flight', () => {
    // Prepare
    const group = buildGroup({ pendingNodes: 2, subnets: [{ subnetId: 'subnet-a', instanceCount: 0 }] });
    const input = buildHeadroomInput({ pendingNodes: 2, inFlight: inFlightDemandBySubnet([group]) });

    // Act
    const result = nodeGroupHeadroom(input);

    // Assess
    expect(result.atBoot.nodes).toBe(3);
  });

  it('is limited by free /28 blocks in prefix mode, in the ENIConfig subnet under custom networking', () => {
    // Prepare
    const input = buildHeadroomInput({
      subnets: [{ subnetId: 'subnet-a', instanceCount: 0, podSubnetId: 'subnet-pods' }],
      capacities: [
        buildCapacity({ subnetId: 'subnet-a', availableIpCount: 1000 }),
        buildCapacity({ subnetId: 'subnet-pods', availableIpCount: 4000, freePrefixBlocks: 7 }),
      ],
      perNodeAtBoot: buildUsage({ podSubnetIps: 1, podSubnetPrefixes: 2 }),
      perNodeAtFullDensity: buildUsage({ podSubnetIps: 2, podSubnetPrefixes: 4 }),
    });

    // Act
    const result = nodeGroupHeadroom(input);

    // Assess
    expect(result.atBoot).toEqual({ nodes: 3, limitingSubnetId: 'subnet-pods', limitedBy: 'prefix-blocks' });
    expect(result.atFullDensity.nodes).toBe(1);
  });

  it('reports zero when a subnet is already out, and the search cap when nothing runs out', () => {
    // Prepare
    const out = buildHeadroomInput({
      inFlight: new Map([['subnet-a', { ips: 101, prefixes: 0, pendingNodes: 5 }]]),
    });
    const huge = buildHeadroomInput({ capacities: [buildCapacity({ availableIpCount: 1e9 })], maxNodes: 50 });

    // Act
    const outResult = nodeGroupHeadroom(out);
    const hugeResult = nodeGroupHeadroom(huge);

    // Assess
    expect(outResult.atBoot).toEqual({ nodes: 0, limitingSubnetId: 'subnet-a', limitedBy: 'ips' });
    expect(hugeResult.atBoot).toEqual({ nodes: 50, limitingSubnetId: null, limitedBy: 'search-cap' });
  });

  it('names a subnet that has no capacity entry', () => {
    // Prepare
    const input = buildHeadroomInput({ subnets: [{ subnetId: 'subnet-x', instanceCount: 0 }] });

    // Act
    const act = () => nodeGroupHeadroom(input);

    // Assess
    expect(act).toThrow("subnet 'subnet-x' of group 'ng-1' has no capacity");
  });

  it('never counts more nodes than the free addresses allow, nor fewer than one node short of it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 3000 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 60 }),
        (available, podIps) => {
          const subnets = available.map((_, i) => ({ subnetId: `subnet-${i}`, instanceCount: 0 }));
          const capacities = available.map((a, i) =>
            buildCapacity({ subnetId: `subnet-${i}`, availableIpCount: a }),
          );
          const perNode = buildUsage({ podSubnetIps: podIps });
          const result = nodeGroupHeadroom(
            buildHeadroomInput({
              subnets,
              capacities,
              perNodeAtBoot: perNode,
              perNodeAtFullDensity: perNode,
            }),
          );
          const perNodeIps = podIps + 1;
          const fitsPerSubnet = available.map((a) => Math.floor(a / perNodeIps));
          // Balanced placement: every subnet gets floor(n / k) or one more, so the weakest subnet bounds n.
          const weakest = Math.min(...fitsPerSubnet);
          expect(result.atBoot.nodes).toBeGreaterThanOrEqual(weakest * available.length);
          expect(result.atBoot.nodes).toBeLessThanOrEqual((weakest + 1) * available.length);
        },
      ),
    );
  });
});

describe('usageFromHoldings', () => {
  it('splits prefixes out of the address counts, in the node or the ENIConfig subnet', () => {
    // Act
    const plain = usageFromHoldings({ nodeSubnetIps: 33, podSubnetIps: 0, prefixesHeld: 2 }, false);
    const custom = usageFromHoldings({ nodeSubnetIps: 1, podSubnetIps: 34, prefixesHeld: 2 }, true);
    const secondary = usageFromHoldings({ nodeSubnetIps: 30, podSubnetIps: 0, prefixesHeld: 0 }, false);

    // Assess
    expect(plain).toEqual({ nodeSubnetIps: 1, podSubnetIps: 0, podSubnetPrefixes: 2 });
    expect(custom).toEqual({ nodeSubnetIps: 1, podSubnetIps: 2, podSubnetPrefixes: 2 });
    expect(secondary).toEqual({ nodeSubnetIps: 30, podSubnetIps: 0, podSubnetPrefixes: 0 });
  });
});
