import { runCapacityAudit } from '../../../../shared/use-cases/run-capacity-audit.js';
import { buildAuditWorld, buildClusterInstance, buildScalingGroup } from './audit-world.js';

const NOW_MS = Date.parse('2025-03-01T12:00:00Z');

/** Two running Karpenter m5.large nodes (one per AZ) and one still pending, in cluster prod. */
const karpenterNodes = () => [
  buildClusterInstance({ instanceId: 'i-k1' }),
  buildClusterInstance({ instanceId: 'i-k2', subnetId: 'subnet-b', availabilityZone: 'eu-west-1b' }),
  buildClusterInstance({ instanceId: 'i-k3', state: 'pending' }),
];

describe('runCapacityAudit coverage', () => {
  it('audits a cluster whose nodes are all Karpenter nodes: one group per node pool, its subnets, no gap', async () => {
    // Prepare: no Auto Scaling group at all.
    const world = buildAuditWorld({ groups: [], clusterNames: ['prod'], nodes: karpenterNodes() });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'full' });

    // Assess: the pending node takes 10 boot addresses (DOMAIN.md §2) from subnet-a, the subnet it launched in.
    expect(report.nodeGroups).toEqual([
      expect.objectContaining({
        name: 'prod/karpenter/default',
        source: 'karpenter',
        cluster: 'prod',
        nodes: 3,
        pendingNodes: 1,
        instanceType: 'm5.large',
      }),
    ]);
    expect(report.nodeGroups[0]?.headroomNodes).toEqual(expect.any(Number));
    expect(report.subnets.map((s) => [s.subnetId, s.inFlightIps])).toEqual([
      ['subnet-a', 10],
      ['subnet-b', 0],
    ]);
    expect(report.coverage).toEqual({ clusters: ['prod'], nodes: 3, nodesModelled: 3, gaps: [] });
    expect(report.recommendations.length).toBeGreaterThan(0);
  });

  it('says so when the nodes cannot be listed, instead of an empty all-clear', async () => {
    // Prepare: the same account, but no instance listing.
    const world = buildAuditWorld({ groups: [], clusterNames: ['prod'], nodes: null });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess
    expect(report.subnets).toEqual([]);
    expect(report.coverage.gaps.map((gap) => [gap.kind, gap.subjectId])).toEqual([
      ['nodes-not-listed', 'prod'],
      ['no-nodes', 'prod'],
    ]);
  });

  it('reports an account with no cluster and no group as not audited', async () => {
    // Prepare
    const world = buildAuditWorld({ groups: [] });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess
    expect(report.coverage.gaps.map((gap) => gap.kind)).toEqual(['nothing-audited']);
  });

  it('audits managed, self-managed, Karpenter and standalone nodes of one cluster, each once', async () => {
    // Prepare: the tagged group's members are listed by EC2 too; a second Auto Scaling group is found through
    // its members only; one node has neither a group nor a node pool.
    const asg = buildScalingGroup();
    const hidden = buildScalingGroup({
      name: 'ng-hidden',
      tags: { 'eks:cluster-name': 'prod' },
      instances: [
        {
          instanceId: 'i-h1',
          lifecycleState: 'InService',
          instanceType: 'm5.large',
          availabilityZone: 'eu-west-1a',
        },
      ],
    });
    const asgTags = (name: string) => ({ 'aws:autoscaling:groupName': name, 'eks:cluster-name': 'prod' });
    const world = buildAuditWorld({
      groups: [asg, hidden],
      clusterNames: ['prod'],
      nodes: [
        buildClusterInstance({ instanceId: 'i-1', tags: asgTags(asg.name) }),
        buildClusterInstance({ instanceId: 'i-h1', tags: asgTags('ng-hidden') }),
        buildClusterInstance({ instanceId: 'i-k1' }),
        buildClusterInstance({
          instanceId: 'i-s1',
          subnetId: 'subnet-b',
          availabilityZone: 'eu-west-1b',
          tags: { 'kubernetes.io/cluster/prod': 'owned' },
        }),
      ],
    });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess
    expect(report.nodeGroups.map((g) => [g.name, g.source, g.nodes])).toEqual([
      ['ng-workers', 'tag', 2],
      ['ng-hidden', 'nodes', 1],
      ['prod/karpenter/default', 'karpenter', 1],
      ['prod/standalone', 'standalone', 1],
    ]);
    expect(report.coverage).toMatchObject({ nodes: 5, nodesModelled: 5, gaps: [] });
  });

  it("audits the cluster's own subnets and the pod subnets its nodes' ENIs use under custom networking", async () => {
    // Prepare: custom networking with no ENIConfig configured; the nodes' second ENIs sit in the pod subnets.
    const world = buildAuditWorld({
      groups: [],
      clusterNames: ['prod'],
      subnets: [
        { subnetId: 'subnet-a' },
        { subnetId: 'subnet-b', cidr: '10.0.1.0/24', availabilityZone: 'eu-west-1b' },
        { subnetId: 'subnet-pods-a', cidr: '100.64.0.0/24' },
        { subnetId: 'subnet-pods-b', cidr: '100.64.1.0/24', availabilityZone: 'eu-west-1b' },
        { subnetId: 'subnet-cp', cidr: '10.0.255.0/27' },
      ],
      clusterSubnets: new Map([['prod', ['subnet-a', 'subnet-cp']]]),
      addons: new Map([
        [
          'prod',
          {
            addonVersion: null,
            configurationValues: '{"env":{"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG":"true"}}',
          },
        ],
      ]),
      nodes: [
        buildClusterInstance({ networkInterfaceSubnetIds: ['subnet-a', 'subnet-pods-a'] }),
        buildClusterInstance({
          instanceId: 'i-k2',
          state: 'pending',
          subnetId: 'subnet-b',
          availabilityZone: 'eu-west-1b',
          networkInterfaceSubnetIds: ['subnet-b', 'subnet-pods-b'],
        }),
      ],
    });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess: the pending node's pod addresses (one ENI of 10) go to subnet-pods-b, its primary to subnet-b.
    expect(report.subnets.map((s) => [s.subnetId, s.inFlightIps])).toEqual([
      ['subnet-a', 0],
      ['subnet-b', 1],
      ['subnet-pods-a', 0],
      ['subnet-pods-b', 10],
      ['subnet-cp', 0],
    ]);
    expect(report.nodeGroups[0]?.limitingSubnetId).toMatch(/^subnet-pods-/);
    expect(report.coverage.gaps).toEqual([]);
  });

  it('counts a group it could not model as a coverage gap', async () => {
    // Prepare: an instance type the catalog does not know.
    const world = buildAuditWorld({
      groups: [],
      clusterNames: ['prod'],
      nodes: [buildClusterInstance({ instanceType: 'zz9.huge' })],
    });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess
    expect(report.coverage).toMatchObject({ nodes: 1, nodesModelled: 0 });
    expect(report.coverage.gaps).toEqual([
      expect.objectContaining({ kind: 'group-not-modelled', subjectId: 'prod/karpenter/default' }),
    ]);
  });
});
