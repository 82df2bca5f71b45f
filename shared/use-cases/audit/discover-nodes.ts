import type { CniConfig } from '../../domain/cni-config.js';
import { classifyNode } from '../../domain/node-ownership.js';
import type { ClusterDirectory } from '../../ports/cluster-directory.js';
import type { ClusterInstance, ClusterInstances } from '../../ports/cluster-instances.js';
import type { ScalingGroups } from '../../ports/scaling-groups.js';
import {
  type AuditedGroup,
  type GroupInstance,
  GroupSource,
  mostCommon,
  selfManagedGroup,
} from './audited-group.js';
import { type CoverageGap, CoverageGapKind } from './coverage-gap.js';

export interface NodeDiscoveryDeps {
  readonly instances?: ClusterInstances;
  readonly clusters: Pick<ClusterDirectory, 'getClusterSubnets'>;
  readonly scalingGroups: Pick<ScalingGroups, 'describe'>;
  readonly resolveCni: (clusterName: string | null) => Promise<CniConfig>;
}

export interface NodeDiscoveryInput {
  readonly clusterNames: readonly string[];
  /** Groups found so far (managed node groups, tagged or configured Auto Scaling groups). */
  readonly groups: readonly AuditedGroup[];
  /** Auto Scaling groups already audited: their instances are covered. */
  readonly auditedAsgNames: ReadonlySet<string>;
}

export interface NodeDiscovery {
  readonly groups: readonly AuditedGroup[];
  readonly clusterNames: readonly string[];
  readonly instances: readonly ClusterInstance[] | null;
  readonly clusterSubnets: ReadonlyMap<string, readonly string[]>;
  readonly gaps: readonly CoverageGap[];
}

/** EC2 states as the Auto Scaling lifecycle states the rest of the audit reads. */
function toGroupInstance(instance: ClusterInstance): GroupInstance {
  return {
    instanceId: instance.instanceId,
    lifecycleState: instance.state === 'running' ? 'InService' : 'Pending',
    ...(instance.instanceType === null ? {} : { instanceType: instance.instanceType }),
    ...(instance.availabilityZone === null ? {} : { availabilityZone: instance.availabilityZone }),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * Nodes of a Karpenter node pool, or a cluster's standalone nodes, as one group. Their bounds are not in EC2:
 * desired is the nodes there are, pending the ones still `pending`, and no growth is assumed (a node pool's
 * `limits` live in Kubernetes). Karpenter sizes max pods with the ENI-limited formula unless the EC2NodeClass
 * sets `kubelet.maxPods` (aws/karpenter-provider-aws `pkg/providers/instancetype/types.go`, `ENILimitedPods`;
 * its "Control Pod Density" page).
 */
async function instanceGroup(
  name: string,
  clusterName: string,
  source: GroupSource,
  nodes: readonly ClusterInstance[],
  resolveCni: NodeDiscoveryDeps['resolveCni'],
  warnings: string[],
): Promise<AuditedGroup> {
  const types = nodes.map((n) => n.instanceType).filter((t): t is string => t !== null);
  const distinctTypes = [...new Set(types)];
  if (distinctTypes.length > 1) {
    warnings.push(
      `${name}: several instance types (${distinctTypes.join(', ')}); headroom is counted with the most common one`,
    );
  }
  const running = nodes.filter((n) => n.state === 'running').length;
  return {
    name,
    clusterName,
    source,
    autoScalingGroups: [],
    instances: nodes.map(toGroupInstance),
    instanceType: mostCommon(types),
    subnetIds: [...new Set(nodes.map((n) => n.subnetId).filter((id): id is string => id !== null))],
    desiredCapacity: nodes.length,
    inServiceCount: running,
    maxSize: nodes.length,
    cni: await resolveCni(clusterName),
    maxPodsCap: source === GroupSource.karpenter ? 'eni-limited' : 'none',
    podsPerNodeTag: null,
    healthIssueCodes: [],
    updateSurgeNodes: 0,
  };
}

/**
 * Every node of the clusters that the groups found so far do not cover, found by its tags (`classifyNode`):
 * members of Auto Scaling groups not yet audited (the group is read and audited), Karpenter nodes (one group
 * per cluster and node pool), and nodes with neither (one group per cluster). Also reads each cluster's own
 * subnets. What cannot be seen is returned as coverage gaps: no instance listing, or a cluster with no node at all.
 */
export async function discoverNodeGroups(
  deps: NodeDiscoveryDeps,
  input: NodeDiscoveryInput,
  warnings: string[],
): Promise<NodeDiscovery> {
  const gaps: CoverageGap[] = [];
  const clusterSubnets = new Map<string, readonly string[]>();
  for (const clusterName of input.clusterNames) {
    const subnets = await deps.clusters.getClusterSubnets(clusterName);
    if (subnets === null) warnings.push(`${clusterName}: the cluster's own subnets are unknown; not audited`);
    else clusterSubnets.set(clusterName, subnets);
  }

  const groups: AuditedGroup[] = [];
  let instances: ClusterInstance[] | null = null;
  if (deps.instances === undefined) {
    gaps.push({
      kind: CoverageGapKind.nodesNotListed,
      subjectId: input.clusterNames.join(',') || '*',
      message:
        'EC2 instances were not listed: Karpenter nodes and nodes outside the audited groups are not seen',
    });
  } else if (input.clusterNames.length > 0) {
    instances = await deps.instances.listNodeInstances(input.clusterNames);
    const unknownAsgs = new Map<string, ClusterInstance[]>();
    const pools = new Map<string, ClusterInstance[]>();
    const standalone = new Map<string, ClusterInstance[]>();
    for (const instance of instances) {
      const owner = classifyNode(instance.tags);
      if (owner.kind === 'auto-scaling' && !input.auditedAsgNames.has(owner.groupName)) {
        push(unknownAsgs, owner.groupName, instance);
      } else if (owner.kind === 'karpenter') {
        push(pools, `${owner.clusterName}/karpenter/${owner.nodePool}`, instance);
      } else if (owner.kind === 'standalone') {
        push(standalone, owner.clusterName, instance);
      }
    }
    const names = [...unknownAsgs.keys()];
    const described = names.length > 0 ? await deps.scalingGroups.describe(names) : [];
    for (const asg of described) {
      unknownAsgs.delete(asg.name);
      groups.push(await selfManagedGroup(asg, GroupSource.nodes, deps.resolveCni, warnings));
    }
    // Instances whose Auto Scaling group is gone are audited with the cluster's standalone nodes.
    for (const orphans of unknownAsgs.values()) {
      for (const instance of orphans) {
        const owner = classifyNode(instance.tags);
        if (owner.kind !== 'not-a-node') push(standalone, owner.clusterName, instance);
      }
    }
    for (const [name, nodes] of pools) {
      const clusterName = name.slice(0, name.indexOf('/karpenter/'));
      groups.push(
        await instanceGroup(name, clusterName, GroupSource.karpenter, nodes, deps.resolveCni, warnings),
      );
    }
    for (const [clusterName, nodes] of standalone) {
      groups.push(
        await instanceGroup(
          `${clusterName}/standalone`,
          clusterName,
          GroupSource.standalone,
          nodes,
          deps.resolveCni,
          warnings,
        ),
      );
    }
  }

  const withGroups = new Set([...input.groups, ...groups].map((g) => g.clusterName));
  for (const clusterName of input.clusterNames) {
    if (withGroups.has(clusterName)) continue;
    gaps.push({
      kind: CoverageGapKind.noNodes,
      subjectId: clusterName,
      message:
        `${clusterName}: no node group, Auto Scaling group, Karpenter node pool or tagged node found; ` +
        'its nodes, if any, are not audited',
    });
  }
  return { groups, clusterNames: input.clusterNames, instances, clusterSubnets, gaps };
}
