import { classifyNode } from '../../domain/node-ownership.js';
import type { ClusterInstance, ClusterInstances } from '../../ports/cluster-instances.js';

/** Cluster nodes held in memory; answers like the EC2 adapter (pending and running nodes of the clusters). */
export class InMemoryClusterInstances implements ClusterInstances {
  constructor(private readonly instances: readonly ClusterInstance[] = []) {}

  async listNodeInstances(clusterNames: readonly string[]): Promise<ClusterInstance[]> {
    return this.instances.filter((instance) => {
      const owner = classifyNode(instance.tags);
      return (
        owner.kind !== 'not-a-node' &&
        clusterNames.includes(owner.clusterName) &&
        (instance.state === 'pending' || instance.state === 'running')
      );
    });
  }
}
