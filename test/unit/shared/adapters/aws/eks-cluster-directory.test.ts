import {
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  EKSClient,
  EKSServiceException,
  ListClustersCommand,
  ListNodegroupsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ClusterDirectoryError,
  EksClusterDirectory,
} from '../../../../../shared/adapters/aws/eks-cluster-directory.js';

const eksMock = mockClient(EKSClient);

function buildDirectory(): EksClusterDirectory {
  return new EksClusterDirectory(new EKSClient({ region: 'eu-west-1' }));
}

beforeEach(() => {
  eksMock.reset();
});

describe('EksClusterDirectory', () => {
  it('follows ListClusters pages', async () => {
    // Prepare
    eksMock
      .on(ListClustersCommand)
      .resolvesOnce({ clusters: ['a'], nextToken: 'n' })
      .resolvesOnce({ clusters: ['b'] });

    // Act
    const clusters = await buildDirectory().listClusters();

    // Assess
    expect(clusters).toEqual(['a', 'b']);
    expect(eksMock).toHaveReceivedCommandTimes(ListClustersCommand, 2);
  });

  it('describes every node group of every page', async () => {
    // Prepare
    eksMock
      .on(ListNodegroupsCommand)
      .resolvesOnce({ nodegroups: ['general'], nextToken: 'n' })
      .resolvesOnce({ nodegroups: ['batch'] });
    eksMock.on(DescribeNodegroupCommand).callsFake((input: { nodegroupName: string }) => ({
      nodegroup: {
        nodegroupName: input.nodegroupName,
        subnets: ['subnet-a'],
        instanceTypes: ['m5.large'],
        scalingConfig: { minSize: 1, maxSize: 5, desiredSize: 2 },
        resources: { autoScalingGroups: [{ name: `eks-${input.nodegroupName}` }] },
        health: {
          issues: [{ code: 'InsufficientFreeAddresses', message: 'no IPs', resourceIds: ['subnet-a'] }],
        },
      },
    }));

    // Act
    const groups = await buildDirectory().listNodeGroups('prod');

    // Assess
    expect(groups.map((g) => g.autoScalingGroupNames)).toEqual([['eks-general'], ['eks-batch']]);
    expect(groups[0]).toMatchObject({
      clusterName: 'prod',
      scaling: { minSize: 1, maxSize: 5, desiredSize: 2 },
      healthIssues: [{ code: 'InsufficientFreeAddresses', message: 'no IPs', resourceIds: ['subnet-a'] }],
    });
    expect(eksMock).toHaveReceivedCommandWith(DescribeNodegroupCommand, {
      clusterName: 'prod',
      nodegroupName: 'batch',
    });
  });

  it('reads the vpc-cni configuration values and answers null for a self-managed CNI', async () => {
    // Prepare
    eksMock.on(DescribeAddonCommand, { clusterName: 'managed' }).resolves({
      addon: { addonVersion: 'v1.19.0', configurationValues: '{"env":{"WARM_IP_TARGET":"2"}}' },
    });
    eksMock
      .on(DescribeAddonCommand, { clusterName: 'self' })
      .rejects(
        new ResourceNotFoundException({ message: 'No addon: vpc-cni found in cluster: self', $metadata: {} }),
      );

    // Act
    const managed = await buildDirectory().getCniAddon('managed');
    const self = await buildDirectory().getCniAddon('self');

    // Assess
    expect(managed).toEqual({
      addonVersion: 'v1.19.0',
      configurationValues: '{"env":{"WARM_IP_TARGET":"2"}}',
    });
    expect(self).toBeNull();
    expect(eksMock).toHaveReceivedCommandWith(DescribeAddonCommand, {
      clusterName: 'managed',
      addonName: 'vpc-cni',
    });
  });

  it("reads the cluster's own subnets and answers null for a cluster that does not exist", async () => {
    // Prepare
    eksMock.on(DescribeClusterCommand, { name: 'prod' }).resolves({
      cluster: { name: 'prod', resourcesVpcConfig: { subnetIds: ['subnet-a', 'subnet-b'] } },
    });
    eksMock
      .on(DescribeClusterCommand, { name: 'gone' })
      .rejects(new ResourceNotFoundException({ message: 'No cluster found for name: gone.', $metadata: {} }));

    // Act
    const prod = await buildDirectory().getClusterSubnets('prod');
    const gone = await buildDirectory().getClusterSubnets('gone');

    // Assess
    expect(prod).toEqual(['subnet-a', 'subnet-b']);
    expect(gone).toBeNull();
  });

  it('wraps other EKS errors', async () => {
    // Prepare
    const denied = new EKSServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: {},
      message: 'no',
    });
    eksMock.on(DescribeAddonCommand).rejects(denied);

    // Act
    const failure = buildDirectory().getCniAddon('prod');

    // Assess
    await expect(failure).rejects.toThrow(ClusterDirectoryError);
    await expect(failure).rejects.toMatchObject({ cause: denied });
  });
});
