/**
 * The VPC CNI (aws-node / ipamd) settings that decide how many IPs, prefixes and ENIs a node holds.
 * Names follow the CNI's environment variables. Source: aws/amazon-vpc-cni-k8s `pkg/ipamd/ipamd.go`,
 * `README.md` (environment variables), shipped manifest `config/master/aws-k8s-cni.yaml`.
 */
export interface CniConfig {
  /** ENABLE_PREFIX_DELEGATION: assign /28 prefixes instead of single secondary IPs. */
  readonly prefixDelegation: boolean;
  /** WARM_ENI_TARGET: whole spare ENIs kept attached (default 1). */
  readonly warmEniTarget: number;
  /** WARM_IP_TARGET: spare IPs kept; 0 means unset. */
  readonly warmIpTarget: number;
  /** MINIMUM_IP_TARGET: floor of IPs held; 0 means unset. */
  readonly minimumIpTarget: number;
  /** WARM_PREFIX_TARGET: spare /28 prefixes kept in prefix mode (default 1). */
  readonly warmPrefixTarget: number;
  /** AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: pods get IPs from ENIConfig subnets, never from the primary ENI. */
  readonly customNetworking: boolean;
  /** ENABLE_POD_ENI: security groups for pods; a trunk ENI takes one ENI slot. */
  readonly podEni: boolean;
  /** MAX_ENI: caps the ENI count when >= 1; null when unset. */
  readonly maxEni: number | null;
}

/** Defaults of the shipped manifest and the EKS add-on. */
export const DEFAULT_CNI_CONFIG: CniConfig = Object.freeze({
  prefixDelegation: false,
  warmEniTarget: 1,
  warmIpTarget: 0,
  minimumIpTarget: 0,
  warmPrefixTarget: 1,
  customNetworking: false,
  podEni: false,
  maxEni: null,
});
