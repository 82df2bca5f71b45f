/** Scaling bounds of an EKS managed node group (`scalingConfig`). */
export interface NodeGroupScaling {
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
}

/** A problem EKS reports on a managed node group (`health.issues[]`), e.g. `InsufficientFreeAddresses`. */
export interface NodeGroupHealthIssue {
  readonly code: string;
  readonly message: string;
  readonly resourceIds: readonly string[];
}

/** An EKS managed node group (`DescribeNodegroup`). */
export interface ManagedNodeGroup {
  readonly clusterName: string;
  readonly nodegroupName: string;
  /** `resources.autoScalingGroups[].name`: empty while the group is being created. */
  readonly autoScalingGroupNames: readonly string[];
  readonly subnetIds: readonly string[];
  readonly instanceTypes: readonly string[];
  readonly scaling: NodeGroupScaling | null;
  readonly healthIssues: readonly NodeGroupHealthIssue[];
  /** `status`, e.g. `ACTIVE` or `UPDATING`; absent when unknown. */
  readonly status?: string;
  /** `updateConfig.maxUnavailable`, when set as a node count. */
  readonly maxUnavailable?: number | null;
}

/** The `vpc-cni` EKS add-on of one cluster (`DescribeAddon`). */
export interface CniAddon {
  readonly addonVersion: string | null;
  /** `configurationValues`, a JSON or YAML string; empty when the add-on runs on its defaults. */
  readonly configurationValues: string;
}

/** Finds EKS clusters, their managed node groups and their VPC CNI add-on settings. */
export interface ClusterDirectory {
  listClusters(): Promise<string[]>;
  listNodeGroups(clusterName: string): Promise<ManagedNodeGroup[]>;
  /** One managed node group, or null when it does not exist. */
  describeNodeGroup(clusterName: string, nodegroupName: string): Promise<ManagedNodeGroup | null>;
  /**
   * The subnets given to the cluster itself (`DescribeCluster` → `resourcesVpcConfig.subnetIds`: control plane
   * ENIs, and often nodes); null when the cluster does not exist or the source cannot tell.
   */
  getClusterSubnets(clusterName: string): Promise<string[] | null>;
  /** The cluster's `vpc-cni` add-on, or null when the CNI is self-managed (no such add-on). */
  getCniAddon(clusterName: string): Promise<CniAddon | null>;
}
