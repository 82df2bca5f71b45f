import type { AuditSettings } from './audit-settings.js';
import { mostCommon } from './audited-group.js';
import type { Discovery } from './discover-groups.js';

/** Everything the audit reads subnets for, and which cluster each subnet serves. */
export interface AuditScope {
  readonly subnetIds: readonly string[];
  /** Cluster of subnets no group names (the cluster's own subnets, subnets of nodes' other ENIs). */
  readonly clusterBySubnet: ReadonlyMap<string, string>;
  /** ENIConfig subnet per cluster and AZ: the configured ones, completed from the nodes' pod ENIs. */
  readonly eniConfigSubnets: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * The subnets where the clusters' nodes and pods live: every group's subnets, the ENIConfig subnets of
 * custom networking, the clusters' own subnets (`resourcesVpcConfig.subnetIds`) and the subnets of every ENI
 * on the clusters' nodes (pod ENIs under custom networking or CNI subnet discovery).
 *
 * Under custom networking, a cluster and AZ without a configured ENIConfig subnet takes the subnet most of
 * its nodes' secondary ENIs sit in (the CNI puts every pod ENI in the ENIConfig subnet, DOMAIN.md §2).
 */
export function auditScope(
  discovery: Discovery,
  settings: Pick<AuditSettings, 'eniConfigSubnets'>,
): AuditScope {
  const clusterBySubnet = new Map<string, string>();
  for (const [clusterName, subnets] of discovery.clusterSubnets) {
    for (const id of subnets) clusterBySubnet.set(id, clusterName);
  }
  const customClusters = new Set(
    discovery.groups
      .filter((g) => g.cni.customNetworking && g.clusterName !== null)
      .map((g) => g.clusterName),
  );
  const seenPodSubnets = new Map<string, string[]>();
  const groupOfInstance = new Map(
    discovery.groups.flatMap((g) => g.instances.map((i) => [i.instanceId, g.clusterName] as const)),
  );
  for (const instance of discovery.nodeInstances ?? []) {
    const clusterName = groupOfInstance.get(instance.instanceId);
    if (clusterName === undefined || clusterName === null) continue;
    for (const id of instance.networkInterfaceSubnetIds) {
      if (!clusterBySubnet.has(id)) clusterBySubnet.set(id, clusterName);
      if (id === instance.subnetId || instance.availabilityZone === null || !customClusters.has(clusterName))
        continue;
      const key = `${clusterName}\n${instance.availabilityZone}`;
      seenPodSubnets.set(key, [...(seenPodSubnets.get(key) ?? []), id]);
    }
  }
  const eniConfigSubnets: Record<string, Record<string, string>> = {};
  for (const [key, ids] of seenPodSubnets) {
    const [clusterName = '', az = ''] = key.split('\n');
    const subnetId = mostCommon(ids);
    if (subnetId !== null)
      eniConfigSubnets[clusterName] = { ...eniConfigSubnets[clusterName], [az]: subnetId };
  }
  for (const [clusterName, perAz] of Object.entries(settings.eniConfigSubnets)) {
    eniConfigSubnets[clusterName] = { ...eniConfigSubnets[clusterName], ...perAz };
  }

  const audited = new Set(discovery.clusterNames);
  for (const g of discovery.groups) if (g.clusterName !== null) audited.add(g.clusterName);
  const eniConfigIds = [...audited].flatMap((name) => Object.values(eniConfigSubnets[name] ?? {}));
  for (const name of audited) {
    for (const id of Object.values(eniConfigSubnets[name] ?? {})) {
      if (!clusterBySubnet.has(id)) clusterBySubnet.set(id, name);
    }
  }
  const subnetIds = [
    ...new Set([...discovery.groups.flatMap((g) => g.subnetIds), ...eniConfigIds, ...clusterBySubnet.keys()]),
  ];
  return { subnetIds, clusterBySubnet, eniConfigSubnets };
}
