import type { ClusterDirectory, CniAddon, ManagedNodeGroup } from '../../ports/cluster-directory.js';

/** Clusters, managed node groups and `vpc-cni` add-ons held in memory. */
export class InMemoryClusterDirectory implements ClusterDirectory {
  constructor(
    private readonly nodeGroups: readonly ManagedNodeGroup[] = [],
    /** Add-on per cluster name; the key `*` answers for any cluster without its own entry. */
    private readonly addons: ReadonlyMap<string, CniAddon> = new Map(),
    private readonly clusterNames: readonly string[] = [
      ...new Set(nodeGroups.map((group) => group.clusterName)),
    ],
    /** `resourcesVpcConfig.subnetIds` per cluster; a cluster without an entry answers null. */
    private readonly clusterSubnets: ReadonlyMap<string, readonly string[]> = new Map(),
  ) {}

  async getClusterSubnets(clusterName: string): Promise<string[] | null> {
    const subnets = this.clusterSubnets.get(clusterName);
    return subnets === undefined ? null : [...subnets];
  }

  async listClusters(): Promise<string[]> {
    return [...this.clusterNames];
  }

  async listNodeGroups(clusterName: string): Promise<ManagedNodeGroup[]> {
    return this.nodeGroups.filter((group) => group.clusterName === clusterName);
  }

  async describeNodeGroup(clusterName: string, nodegroupName: string): Promise<ManagedNodeGroup | null> {
    return (
      this.nodeGroups.find((g) => g.clusterName === clusterName && g.nodegroupName === nodegroupName) ?? null
    );
  }

  async getCniAddon(clusterName: string): Promise<CniAddon | null> {
    return this.addons.get(clusterName) ?? this.addons.get('*') ?? null;
  }
}
