import { nodeHoldings } from '../../../../shared/domain/cni-capacity.js';
import { type CniConfig, DEFAULT_CNI_CONFIG } from '../../../../shared/domain/cni-config.js';
import type { InstanceLimits } from '../../../../shared/domain/instance-limits.js';
import {
  type ClusterRecommendationInput,
  type Recommendation,
  type RecommendationGroup,
  RecommendationInputError,
  type RecommendationKind,
  recommendForCluster,
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
/** c5.xlarge: 4 ENIs × 15, 4 vCPUs (DOMAIN.md §1: 58 max pods; 4*14*16+2 = 898 with prefixes, uncapped). */
const C5_XLARGE: InstanceLimits = {
  ...M5_LARGE,
  instanceType: 'c5.xlarge',
  maxEnis: 4,
  ipv4PerEni: 15,
  vcpus: 4,
};

function buildGroup(overrides: Partial<RecommendationGroup> = {}, limits = M5_LARGE): RecommendationGroup {
  return {
    groupName: 'ng-1',
    nodeCount: 20,
    podsPerNode: 12,
    growthNodes: 10,
    prefixDelegationSupported: true,
    maxPodsCap: 'none',
    kubeletSetting: 'nodeadm NodeConfig',
    holdings: (cni: CniConfig, pods: number, cap) => nodeHoldings(limits, cni, pods, cap),
    subnets: [
      {
        subnetId: 'subnet-a',
        freeIpCount: 1000,
        freePrefixBlocks: 40,
        fragmentationScore: 0.1,
        availabilityZone: 'eu-west-1a',
        vpcId: 'vpc-1',
      },
    ],
    ...overrides,
  };
}

function buildInput(overrides: Partial<ClusterRecommendationInput> = {}): ClusterRecommendationInput {
  return {
    clusterName: 'prod',
    cni: DEFAULT_CNI_CONFIG,
    cniSource: { kind: 'addon', clusterName: 'prod', document: { env: { WARM_ENI_TARGET: '1' } } },
    groups: [buildGroup()],
    ...overrides,
  };
}

function byKind(list: readonly Recommendation[], kind: RecommendationKind): Recommendation | undefined {
  return list.find((recommendation) => recommendation.kind === kind);
}

describe('recommendForCluster', () => {
  it('sets IP targets once for the cluster, sized over every group, with the add-on command', () => {
    // Prepare: two groups of one cluster at 12 and 20 pods per node.
    const input = buildInput({
      groups: [buildGroup(), buildGroup({ groupName: 'ng-2', nodeCount: 5, podsPerNode: 20 })],
    });

    // Act
    const recommendations = recommendForCluster(input).filter((r) => r.kind === 'warm-ip-target');

    // Assess: one change for both; the minimum is the least dense group's pods. At 12 pods WARM_ENI_TARGET=1
    // keeps 3 full ENIs (27 secondaries + 3 primaries); the targets keep 14 on 2 ENIs (16): 14 freed per node.
    // At 20 pods: 30 against 22 on 3 ENIs (25): 5.
    expect(recommendations).toHaveLength(1);
    const [warm] = recommendations;
    expect(warm?.groupNames).toEqual(['ng-1', 'ng-2']);
    expect(warm?.effect.settings).toEqual({ WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '12' });
    expect(warm?.effect.ipsFreedPerNode).toEqual({ 'ng-1': 14, 'ng-2': 5 });
    expect(warm?.effect.ipsFreed).toBe(14 * 20 + 5 * 5);
    expect(warm?.apply).toEqual([
      'aws eks update-addon --cluster-name prod --addon-name vpc-cni --resolve-conflicts PRESERVE ' +
        `--configuration-values '{"env":{"WARM_ENI_TARGET":"1","WARM_IP_TARGET":"2","MINIMUM_IP_TARGET":"12"}}'`,
    ]);
    // 1000 free addresses: 33 nodes at 30 each before; (1000 + 280) / 16 = 80 after.
    expect(warm?.effect.headroomNodes?.['ng-1']).toEqual({ before: 33, after: 80 });
  });

  it('changes a self-managed CNI through its DaemonSet', () => {
    // Act
    const [first] = recommendForCluster(
      buildInput({ cniSource: { kind: 'daemonset', clusterName: 'prod' } }),
    );

    // Assess
    expect(first?.apply[0]).toBe(
      "kubectl -n kube-system set env daemonset/aws-node 'WARM_IP_TARGET=2' 'MINIMUM_IP_TARGET=12'",
    );
  });

  it('finds the smallest MAX_ENI every group fits, and says the kubelet max pods each group must take', () => {
    // Act: 12 + 2 pods fit on 2 ENIs (18 slots).
    const maxEni = byKind(recommendForCluster(buildInput()), 'max-eni');

    // Assess
    expect(maxEni?.effect.settings).toEqual({ MAX_ENI: '2' });
    expect(maxEni?.effect.maxPodsAfter).toEqual({ 'ng-1': 20 });
    expect(maxEni?.apply[1]).toBe('ng-1: kubelet max pods 20 (nodeadm NodeConfig); replace its nodes');
    expect(maxEni?.effect.ipsFreed).toBe(10 * 20);
  });

  it('skips MAX_ENI when a group needs every ENI, and does not fail under custom networking', () => {
    // Prepare
    const dense = buildInput({ groups: [buildGroup(), buildGroup({ groupName: 'ng-2', podsPerNode: 26 })] });
    const custom = buildInput({ cni: { ...DEFAULT_CNI_CONFIG, customNetworking: true } });

    // Act / Assess
    expect(byKind(recommendForCluster(dense), 'max-eni')).toBeUndefined();
    expect(() => recommendForCluster(custom)).not.toThrow();
  });

  it('never proposes max pods above the EKS cap under prefix delegation (c5.xlarge: 110, not 898)', () => {
    // Prepare
    const input = buildInput({ groups: [buildGroup({ groupName: 'batch' }, C5_XLARGE)] });

    // Act
    const prefix = byKind(recommendForCluster(input), 'prefix-delegation');

    // Assess
    expect(prefix?.effect.maxPodsAfter).toEqual({ batch: 110 });
    expect(prefix?.apply).toContain('batch: kubelet max pods 110 (nodeadm NodeConfig); replace its nodes');
  });

  it('counts the /28 blocks prefix delegation needs and reserves a free range of the subnet for them', () => {
    // Prepare: a /24 with one ENI of 4 addresses at .4-.7 and an explicit reservation on .128/26.
    const input = buildInput({
      groups: [
        buildGroup({
          subnets: [
            {
              subnetId: 'subnet-a',
              freeIpCount: 170,
              freePrefixBlocks: 10,
              fragmentationScore: 0,
              addresses: {
                cidr: '10.0.0.0/24',
                privateIps: ['10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7'],
                prefixes: [],
                reservations: [{ cidr: '10.0.0.128/26', type: 'explicit' }],
              },
            },
          ],
        }),
      ],
    });

    // Act
    const prefix = byKind(recommendForCluster(input), 'prefix-delegation');

    // Assess: at 12 pods a node holds 1 prefix + 1 warm = 2; 30 nodes need 60 blocks, 10 are free. The largest
    // aligned free range outside the reservation and the used block is .64/26 (4 blocks).
    expect(prefix?.effect).toMatchObject({ blocksNeeded: 60, freePrefixBlocks: 10, blocksShort: 50 });
    expect(prefix?.effect.reservations).toEqual([{ subnetId: 'subnet-a', cidr: '10.0.0.64/26', blocks: 4 }]);
    expect(prefix?.apply[0]).toBe(
      'aws ec2 create-subnet-cidr-reservation --subnet-id subnet-a --cidr 10.0.0.64/26 --reservation-type prefix',
    );
    expect(prefix?.apply[1]).toMatch(/"ENABLE_PREFIX_DELEGATION":"true","WARM_PREFIX_TARGET":"1"/);
  });

  it('leaves prefix delegation out when no group can use it', () => {
    expect(
      byKind(
        recommendForCluster(buildInput({ groups: [buildGroup({ prefixDelegationSupported: false })] })),
        'prefix-delegation',
      ),
    ).toBeUndefined();
  });

  it('in prefix mode, reserves an exact free range of a fragmented subnet', () => {
    // Prepare
    const input = buildInput({
      cni: { ...DEFAULT_CNI_CONFIG, prefixDelegation: true },
      groups: [
        buildGroup({
          subnets: [
            {
              subnetId: 'subnet-a',
              freeIpCount: 200,
              freePrefixBlocks: 2,
              fragmentationScore: 0.8,
              addresses: { cidr: '10.0.0.0/26', privateIps: ['10.0.0.4'], prefixes: [], reservations: [] },
            },
          ],
        }),
      ],
    });

    // Act
    const reservation = byKind(recommendForCluster(input), 'prefix-reservation');

    // Assess: in the /26, .0/28 holds the AWS-reserved and the used addresses and .48/28 the broadcast; .16 and
    // .32 are free but not an aligned pair, so the range is one /28 at .16, never the whole subnet.
    expect(reservation?.title).toBe('Reserve 10.0.0.16/28 for prefixes in subnet-a');
    expect(reservation?.apply).toEqual([
      'aws ec2 create-subnet-cidr-reservation --subnet-id subnet-a --cidr 10.0.0.16/28 --reservation-type prefix',
    ]);
  });

  it('when addresses run short: custom networking for the cluster and a subnet per AZ for the group', () => {
    // Prepare: 10 more nodes need 300 addresses; 150 are free.
    const input = buildInput({
      groups: [
        buildGroup({
          subnets: [
            {
              subnetId: 'subnet-a',
              freeIpCount: 150,
              freePrefixBlocks: 0,
              fragmentationScore: 0,
              availabilityZone: 'eu-west-1a',
              vpcId: 'vpc-1',
            },
          ],
        }),
      ],
    });

    // Act
    const recommendations = recommendForCluster(input);
    const custom = byKind(recommendations, 'custom-networking');
    const capacity = byKind(recommendations, 'subnet-capacity');

    // Assess
    expect(custom?.effect.maxPodsAfter).toEqual({ 'ng-1': 20 });
    expect(custom?.apply[0]).toMatch(
      /^aws ec2 associate-vpc-cidr-block --vpc-id vpc-1 --cidr-block 100\.64\.0\.0\/16/,
    );
    expect(capacity?.effect).toMatchObject({ ipsShort: 150, suggestedSubnetPrefixLength: 24 });
    expect(capacity?.apply[0]).toMatch(
      /^aws ec2 create-subnet --vpc-id vpc-1 --availability-zone eu-west-1a --cidr-block <a free \/24 of the VPC>/,
    );
    // 150 free: 5 nodes at 30 addresses now; a /24 (251 usable) adds 8.
    expect(capacity?.effect.headroomNodes).toEqual({ 'ng-1': { before: 5, after: 13 } });
  });

  it('says nothing about more space or custom networking while the subnets cover the growth', () => {
    const kinds = recommendForCluster(buildInput()).map((r) => r.kind);
    expect(kinds).not.toContain('subnet-capacity');
    expect(kinds).not.toContain('custom-networking');
  });

  it('rejects negative counts naming the group and the field', () => {
    expect(() => recommendForCluster(buildInput({ groups: [buildGroup({ nodeCount: -1 })] }))).toThrow(
      new RecommendationInputError('ng-1: nodeCount is -1 (expected an integer >= 0)'),
    );
  });
});
