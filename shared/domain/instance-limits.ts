/**
 * Network limits of one EC2 instance type, as the VPC CNI sees them.
 *
 * `maxEnis` is the ENI limit of the *default* network card
 * (`NetworkInfo.NetworkCards[DefaultNetworkCardIndex].MaximumNetworkInterfaces`), not
 * `NetworkInfo.MaximumNetworkInterfaces`, which counts every card (p4d.24xlarge: 15, not 60).
 * Source: aws/amazon-vpc-cni-k8s `pkg/vpc/vpc_ip_resource_limit.go`, EC2 `DescribeInstanceTypes`.
 */
export interface InstanceLimits {
  readonly instanceType: string;
  /** ENIs the default network card accepts (E). */
  readonly maxEnis: number;
  /** IPv4 addresses per ENI, the ENI's primary included (L). */
  readonly ipv4PerEni: number;
  /**
   * Default vCPUs (`VCpuInfo.DefaultVCpus`), or null where no source the table was built from states them
   * (the CNI's own limits table has none). Only the managed-node-group cap needs them.
   */
  readonly vcpus: number | null;
  /** `nitro`, `xen`, or null where EC2 reports none (bare metal). */
  readonly hypervisor: 'nitro' | 'xen' | null;
  readonly bareMetal: boolean;
  /** Where the row came from, e.g. `ec2:DescribeInstanceTypes` or `amazon-eks-ami:instance-info.jsonl`. */
  readonly source: string;
}

/**
 * Prefix delegation needs a Nitro-based or bare-metal instance; elsewhere the CNI silently falls
 * back to secondary IPs. Source: aws/amazon-vpc-cni-k8s `docs/prefix-and-ip-target.md`, ipamd
 * `PD is supported only on Nitro instances`.
 *
 * @example
 * supportsPrefixDelegation({ hypervisor: 'nitro', bareMetal: false }) // true
 */
export function supportsPrefixDelegation(limits: Pick<InstanceLimits, 'hypervisor' | 'bareMetal'>): boolean {
  return limits.hypervisor === 'nitro' || limits.bareMetal;
}
