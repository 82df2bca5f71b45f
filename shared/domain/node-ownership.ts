/**
 * Which EKS cluster an EC2 instance is a node of, and what launched it, from its tags alone. Pure.
 *
 * Tags, by source:
 * - `eks:cluster-name`: EKS managed node groups tag their instances (EKS user guide, "Managed node groups";
 *   DOMAIN.md §4); `aws:eks:cluster-name`: instances EKS launches itself (EKS Auto Mode).
 * - `kubernetes.io/cluster/<name>` (`owned` or `shared`): the Kubernetes cloud provider convention, set by
 *   eksctl, the EKS AMI templates and Karpenter.
 * - `karpenter.sh/nodepool`, `karpenter.k8s.aws/ec2nodeclass`, `eks:eks-cluster-name`: Karpenter nodes
 *   (DOMAIN.md §6; aws/karpenter-provider-aws `pkg/providers/instance`). A node-pool tag without a cluster
 *   tag names no cluster: it is not attributed.
 * - `aws:autoscaling:groupName`: EC2 Auto Scaling tags every instance it launches with its group.
 */

/** Tag keys naming the cluster, in the order they are trusted. */
export const CLUSTER_NAME_TAG_KEYS = [
  'aws:eks:cluster-name',
  'eks:cluster-name',
  'eks:eks-cluster-name',
] as const;
export const CLUSTER_TAG_PREFIX = 'kubernetes.io/cluster/';
export const KARPENTER_NODEPOOL_TAG = 'karpenter.sh/nodepool';
export const KARPENTER_NODECLASS_TAG = 'karpenter.k8s.aws/ec2nodeclass';
export const AUTO_SCALING_GROUP_TAG = 'aws:autoscaling:groupName';

/** What launched a node of a cluster: an Auto Scaling group, a Karpenter node pool, or nothing known. */
export type NodeOwner =
  | { readonly kind: 'auto-scaling'; readonly clusterName: string; readonly groupName: string }
  | { readonly kind: 'karpenter'; readonly clusterName: string; readonly nodePool: string }
  | { readonly kind: 'standalone'; readonly clusterName: string }
  | { readonly kind: 'not-a-node' };

type Tags = Readonly<Record<string, string>>;

/**
 * The cluster a node's tags name; null when none does.
 *
 * @example
 * clusterOfNodeTags({ 'kubernetes.io/cluster/prod': 'owned', 'karpenter.sh/nodepool': 'default' }) // 'prod'
 */
export function clusterOfNodeTags(tags: Tags): string | null {
  for (const key of CLUSTER_NAME_TAG_KEYS) {
    const name = tags[key];
    if (name) return name;
  }
  for (const key of Object.keys(tags)) {
    if (key.startsWith(CLUSTER_TAG_PREFIX) && key.length > CLUSTER_TAG_PREFIX.length) {
      return key.slice(CLUSTER_TAG_PREFIX.length);
    }
  }
  return null;
}

/**
 * Classifies one instance by its tags. An Auto Scaling group wins over a node pool (a group's launch template
 * may carry any tag); a node pool needs a cluster tag too.
 *
 * @example
 * classifyNode({ 'eks:eks-cluster-name': 'prod', 'karpenter.sh/nodepool': 'default' })
 * // { kind: 'karpenter', clusterName: 'prod', nodePool: 'default' }
 * classifyNode({ 'aws:autoscaling:groupName': 'asg-1', 'eks:cluster-name': 'prod' })
 * // { kind: 'auto-scaling', clusterName: 'prod', groupName: 'asg-1' }
 */
export function classifyNode(tags: Tags): NodeOwner {
  const clusterName = clusterOfNodeTags(tags);
  if (clusterName === null) return { kind: 'not-a-node' };
  const groupName = tags[AUTO_SCALING_GROUP_TAG];
  if (groupName) return { kind: 'auto-scaling', clusterName, groupName };
  const nodePool = tags[KARPENTER_NODEPOOL_TAG];
  if (nodePool) return { kind: 'karpenter', clusterName, nodePool };
  return { kind: 'standalone', clusterName };
}

/**
 * The tag keys that mark a node of any of `clusterNames`: one `tag-key` filter of DescribeInstances with these
 * values (values of one filter are ORed) finds every candidate in one paginated listing.
 *
 * @example
 * nodeTagKeys(['prod']) // ['aws:eks:cluster-name', 'eks:cluster-name', 'eks:eks-cluster-name', 'kubernetes.io/cluster/prod']
 */
export function nodeTagKeys(clusterNames: readonly string[]): string[] {
  return [...CLUSTER_NAME_TAG_KEYS, ...clusterNames.map((name) => `${CLUSTER_TAG_PREFIX}${name}`)];
}
