import { classifyNode, clusterOfNodeTags, nodeTagKeys } from '../../../../shared/domain/node-ownership.js';

describe('clusterOfNodeTags', () => {
  it.each([
    [{ 'aws:eks:cluster-name': 'auto' }, 'auto'],
    [{ 'eks:cluster-name': 'managed' }, 'managed'],
    [{ 'eks:eks-cluster-name': 'karp' }, 'karp'],
    [{ 'kubernetes.io/cluster/self': 'owned' }, 'self'],
    [{ 'kubernetes.io/cluster/shared-one': 'shared' }, 'shared-one'],
    [{ Name: 'web', 'karpenter.sh/nodepool': 'default' }, null],
  ])('reads %j as cluster %s', (tags, expected) => {
    expect(clusterOfNodeTags(tags)).toBe(expected);
  });

  it('trusts the EKS name tags over the Kubernetes cluster tag', () => {
    expect(clusterOfNodeTags({ 'kubernetes.io/cluster/old': 'owned', 'eks:cluster-name': 'new' })).toBe(
      'new',
    );
  });
});

describe('classifyNode', () => {
  it('attributes a Karpenter node by its node pool and cluster tags', () => {
    // Act
    const owner = classifyNode({
      'karpenter.sh/nodepool': 'default',
      'karpenter.k8s.aws/ec2nodeclass': 'default',
      'kubernetes.io/cluster/prod': 'owned',
      'eks:eks-cluster-name': 'prod',
    });

    // Assess
    expect(owner).toEqual({ kind: 'karpenter', clusterName: 'prod', nodePool: 'default' });
  });

  it('puts an Auto Scaling group before a node pool tag the launch template may carry', () => {
    expect(
      classifyNode({
        'aws:autoscaling:groupName': 'asg-1',
        'karpenter.sh/nodepool': 'x',
        'eks:cluster-name': 'prod',
      }),
    ).toEqual({ kind: 'auto-scaling', clusterName: 'prod', groupName: 'asg-1' });
  });

  it('leaves a node pool without a cluster tag unattributed, and keeps cluster nodes with neither as standalone', () => {
    expect(classifyNode({ 'karpenter.sh/nodepool': 'default' })).toEqual({ kind: 'not-a-node' });
    expect(classifyNode({ 'kubernetes.io/cluster/prod': 'owned' })).toEqual({
      kind: 'standalone',
      clusterName: 'prod',
    });
  });
});

describe('nodeTagKeys', () => {
  it('names every cluster tag key, one Kubernetes key per cluster', () => {
    expect(nodeTagKeys(['a', 'b'])).toEqual([
      'aws:eks:cluster-name',
      'eks:cluster-name',
      'eks:eks-cluster-name',
      'kubernetes.io/cluster/a',
      'kubernetes.io/cluster/b',
    ]);
  });
});
