import { type EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { classifyNode, nodeTagKeys } from '../../domain/node-ownership.js';
import type { ClusterInstance, ClusterInstances } from '../../ports/cluster-instances.js';
import { toClusterInstance } from './ec2-describe-mappers.js';

/** Largest `MaxResults` DescribeInstances accepts. */
const PAGE_SIZE = 1000;
/** EC2 accepts at most 200 values in one filter (EC2 API reference, "Filter"). */
const MAX_FILTER_VALUES = 200;
/** Instances that hold, or are about to hold, subnet addresses. */
const LIVE_STATES = ['pending', 'running'];

/** A DescribeInstances call made to list cluster nodes failed. */
export class ClusterInstancesError extends Error {
  override readonly name = 'ClusterInstancesError';
}

/**
 * Cluster nodes from EC2: one paginated DescribeInstances filtered on the node tag keys (values of one filter
 * are ORed, filters ANDed) and on the pending and running states, for up to 200 keys per call; instances of
 * other clusters that share a tag key are dropped.
 */
export class Ec2ClusterInstances implements ClusterInstances {
  constructor(private readonly ec2: EC2Client) {}

  async listNodeInstances(clusterNames: readonly string[]): Promise<ClusterInstance[]> {
    const keys = nodeTagKeys([...new Set(clusterNames)]);
    // `eks:cluster-name` and its kin match every cluster's nodes: keep those of the asked clusters.
    const wanted = (node: ClusterInstance) => {
      const owner = classifyNode(node.tags);
      return owner.kind !== 'not-a-node' && clusterNames.includes(owner.clusterName);
    };
    const found = new Map<string, ClusterInstance>();
    for (let start = 0; start < keys.length; start += MAX_FILTER_VALUES) {
      const Filters = [
        { Name: 'tag-key', Values: keys.slice(start, start + MAX_FILTER_VALUES) },
        { Name: 'instance-state-name', Values: LIVE_STATES },
      ];
      try {
        for await (const page of paginateDescribeInstances(
          { client: this.ec2, pageSize: PAGE_SIZE },
          { Filters },
        )) {
          for (const reservation of page.Reservations ?? []) {
            for (const instance of reservation.Instances ?? []) {
              const node = toClusterInstance(instance);
              if (node !== null && wanted(node)) found.set(node.instanceId, node);
            }
          }
        }
      } catch (error) {
        throw new ClusterInstancesError('EC2 DescribeInstances (cluster nodes) failed', { cause: error });
      }
    }
    return [...found.values()];
  }
}
