/** One EC2 instance that may be a node of a cluster (`DescribeInstances`). */
export interface ClusterInstance {
  readonly instanceId: string;
  readonly instanceType: string | null;
  /** `State.Name`: `pending`, `running`, … */
  readonly state: string;
  readonly availabilityZone: string | null;
  /** The primary ENI's subnet. */
  readonly subnetId: string | null;
  /** Subnets of every ENI attached to the instance (custom networking puts pod ENIs in another subnet). */
  readonly networkInterfaceSubnetIds: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/** Lists the instances that are, or are launching as, nodes of EKS clusters. */
export interface ClusterInstances {
  /**
   * Pending and running instances carrying a node tag of one of `clusterNames` (`nodeTagKeys` in
   * `domain/node-ownership.ts`); the caller attributes them with `classifyNode`.
   */
  listNodeInstances(clusterNames: readonly string[]): Promise<ClusterInstance[]>;
}
