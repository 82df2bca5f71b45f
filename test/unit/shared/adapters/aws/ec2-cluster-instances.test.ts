import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ClusterInstancesError,
  Ec2ClusterInstances,
} from '../../../../../shared/adapters/aws/ec2-cluster-instances.js';

const ec2Mock = mockClient(EC2Client);

function buildInstance(
  id: string,
  tags: Record<string, string>,
  overrides: Partial<Instance> = {},
): Instance {
  return {
    InstanceId: id,
    InstanceType: 'm5.large',
    State: { Name: 'running', Code: 16 },
    Placement: { AvailabilityZone: 'eu-west-1a' },
    SubnetId: 'subnet-node',
    NetworkInterfaces: [
      { SubnetId: 'subnet-pods', Attachment: { DeviceIndex: 1 } },
      { SubnetId: 'subnet-node', Attachment: { DeviceIndex: 0 } },
    ],
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    ...overrides,
  };
}

beforeEach(() => {
  ec2Mock.reset();
});

describe('Ec2ClusterInstances', () => {
  it('lists pending and running nodes by tag key over every page, keeping the asked clusters only', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [
          {
            Instances: [
              buildInstance('i-karpenter', {
                'karpenter.sh/nodepool': 'default',
                'eks:eks-cluster-name': 'prod',
              }),
            ],
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Reservations: [{ Instances: [buildInstance('i-other', { 'eks:cluster-name': 'staging' })] }],
      });

    // Act
    const nodes = await new Ec2ClusterInstances(new EC2Client({ region: 'eu-west-1' })).listNodeInstances([
      'prod',
    ]);

    // Assess
    expect(nodes).toEqual([
      {
        instanceId: 'i-karpenter',
        instanceType: 'm5.large',
        state: 'running',
        availabilityZone: 'eu-west-1a',
        subnetId: 'subnet-node',
        networkInterfaceSubnetIds: ['subnet-node', 'subnet-pods'],
        tags: { 'karpenter.sh/nodepool': 'default', 'eks:eks-cluster-name': 'prod' },
      },
    ]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2);
    expect(ec2Mock).toHaveReceivedNthCommandWith(1, DescribeInstancesCommand, {
      Filters: [
        {
          Name: 'tag-key',
          Values: [
            'aws:eks:cluster-name',
            'eks:cluster-name',
            'eks:eks-cluster-name',
            'kubernetes.io/cluster/prod',
          ],
        },
        { Name: 'instance-state-name', Values: ['pending', 'running'] },
      ],
      MaxResults: 1000,
    });
    expect(ec2Mock).toHaveReceivedNthCommandWith(2, DescribeInstancesCommand, { NextToken: 'page-2' });
  });

  it('names the call when EC2 fails, with the SDK error as cause', async () => {
    // Prepare
    const cause = new Error('UnauthorizedOperation');
    ec2Mock.on(DescribeInstancesCommand).rejects(cause);

    // Act
    const listing = new Ec2ClusterInstances(new EC2Client({ region: 'eu-west-1' })).listNodeInstances([
      'prod',
    ]);

    // Assess
    await expect(listing).rejects.toBeInstanceOf(ClusterInstancesError);
    await expect(listing).rejects.toMatchObject({ message: expect.stringContaining('DescribeInstances') });
  });
});
