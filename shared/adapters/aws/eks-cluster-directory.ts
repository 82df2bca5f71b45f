import {
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  type EKSClient,
  type Nodegroup,
  paginateListClusters,
  paginateListNodegroups,
} from '@aws-sdk/client-eks';
import type { ClusterDirectory, CniAddon, ManagedNodeGroup } from '../../ports/cluster-directory.js';

/** Name of the VPC CNI managed add-on (DOMAIN.md §4). */
export const VPC_CNI_ADDON_NAME = 'vpc-cni';
/** Largest `maxResults` ListClusters and ListNodegroups accept. */
const PAGE_SIZE = 100;
/** DescribeNodegroup calls in flight at once: enough to be quick, few enough to stay clear of throttling. */
const DESCRIBE_CONCURRENCY = 5;

/** An EKS call made for the cluster directory failed. */
export class ClusterDirectoryError extends Error {
  override readonly name = 'ClusterDirectoryError';
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}

function toManagedNodeGroup(clusterName: string, nodegroupName: string, group: Nodegroup): ManagedNodeGroup {
  const scaling = group.scalingConfig;
  return {
    clusterName,
    nodegroupName,
    autoScalingGroupNames: (group.resources?.autoScalingGroups ?? [])
      .map((asg) => asg.name)
      .filter((name): name is string => typeof name === 'string' && name.length > 0),
    subnetIds: group.subnets ?? [],
    instanceTypes: group.instanceTypes ?? [],
    scaling:
      scaling === undefined
        ? null
        : {
            minSize: scaling.minSize ?? 0,
            maxSize: scaling.maxSize ?? 0,
            desiredSize: scaling.desiredSize ?? 0,
          },
    healthIssues: (group.health?.issues ?? []).map((issue) => ({
      code: issue.code ?? 'Unknown',
      message: issue.message ?? '',
      resourceIds: issue.resourceIds ?? [],
    })),
    ...(group.status ? { status: group.status } : {}),
    maxUnavailable: group.updateConfig?.maxUnavailable ?? null,
  };
}

/** Clusters, managed node groups and the `vpc-cni` add-on from the EKS API. */
export class EksClusterDirectory implements ClusterDirectory {
  constructor(private readonly eks: EKSClient) {}

  async listClusters(): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const page of paginateListClusters({ client: this.eks, pageSize: PAGE_SIZE }, {})) {
        names.push(...(page.clusters ?? []));
      }
    } catch (error) {
      throw new ClusterDirectoryError('EKS ListClusters failed', { cause: error });
    }
    return names;
  }

  async listNodeGroups(clusterName: string): Promise<ManagedNodeGroup[]> {
    const names: string[] = [];
    try {
      for await (const page of paginateListNodegroups(
        { client: this.eks, pageSize: PAGE_SIZE },
        { clusterName },
      )) {
        names.push(...(page.nodegroups ?? []));
      }
    } catch (error) {
      throw new ClusterDirectoryError(`EKS ListNodegroups failed for cluster ${clusterName}`, {
        cause: error,
      });
    }
    const groups: ManagedNodeGroup[] = [];
    for (let start = 0; start < names.length; start += DESCRIBE_CONCURRENCY) {
      const batch = names.slice(start, start + DESCRIBE_CONCURRENCY);
      const described = await Promise.all(batch.map((name) => this.describeNodegroup(clusterName, name)));
      for (const group of described) if (group !== null) groups.push(group);
    }
    return groups;
  }

  async getClusterSubnets(clusterName: string): Promise<string[] | null> {
    try {
      const answer = await this.eks.send(new DescribeClusterCommand({ name: clusterName }));
      return answer.cluster ? [...(answer.cluster.resourcesVpcConfig?.subnetIds ?? [])] : null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw new ClusterDirectoryError(`EKS DescribeCluster failed for cluster ${clusterName}`, {
        cause: error,
      });
    }
  }

  async getCniAddon(clusterName: string): Promise<CniAddon | null> {
    try {
      const answer = await this.eks.send(
        new DescribeAddonCommand({ clusterName, addonName: VPC_CNI_ADDON_NAME }),
      );
      return {
        addonVersion: answer.addon?.addonVersion ?? null,
        configurationValues: answer.addon?.configurationValues ?? '',
      };
    } catch (error) {
      // No vpc-cni add-on: the CNI is self-managed (DOMAIN.md §4).
      if (isNotFound(error)) return null;
      throw new ClusterDirectoryError(
        `EKS DescribeAddon ${VPC_CNI_ADDON_NAME} failed for cluster ${clusterName}`,
        {
          cause: error,
        },
      );
    }
  }

  describeNodeGroup(clusterName: string, nodegroupName: string): Promise<ManagedNodeGroup | null> {
    return this.describeNodegroup(clusterName, nodegroupName);
  }

  /** Null when the group vanished between ListNodegroups and DescribeNodegroup. */
  private async describeNodegroup(
    clusterName: string,
    nodegroupName: string,
  ): Promise<ManagedNodeGroup | null> {
    try {
      const answer = await this.eks.send(new DescribeNodegroupCommand({ clusterName, nodegroupName }));
      return answer.nodegroup ? toManagedNodeGroup(clusterName, nodegroupName, answer.nodegroup) : null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw new ClusterDirectoryError(`EKS DescribeNodegroup failed for ${clusterName}/${nodegroupName}`, {
        cause: error,
      });
    }
  }
}
