import { parseAddonConfiguration } from '../domain/addon-configuration.js';
import { type CniConfig, DEFAULT_CNI_CONFIG } from '../domain/cni-config.js';
import type { ClusterDirectory } from '../ports/cluster-directory.js';
import type { ScalingGroup } from '../ports/scaling-groups.js';
import { documentReaderFor } from './addon-document-reader.js';
import { clusterOfTags } from './group-tags.js';

/** Reads a cluster's `vpc-cni` add-on (EKS DescribeAddon). */
export type CniAddonReader = Pick<ClusterDirectory, 'getCniAddon'>;

/**
 * Per group name, the CNI settings of its cluster, from its `vpc-cni` EKS add-on (DOMAIN.md §4): the settings that
 * decide how many ENIs a node attaches (warm targets, prefix delegation) are set there for the whole cluster, not on
 * the groups. A group's `capacity-guard/cni` tag still wins over them. A cluster with a self-managed CNI (no add-on)
 * keeps the defaults; a group whose cluster its tags do not name, or whose add-on cannot be read (the runtime's
 * reader logs why) or parsed (the audit reports it), is absent: its tags alone decide. Never fatal.
 */
export async function clusterCniConfigs(
  reader: Partial<CniAddonReader> | undefined,
  groups: readonly ScalingGroup[],
): Promise<ReadonlyMap<string, CniConfig>> {
  const byGroup = new Map<string, CniConfig>();
  if (!reader?.getCniAddon) return byGroup;
  const clusterOf = new Map(groups.map((g) => [g.name, clusterOfTags(g.tags)]));
  const byCluster = new Map<string, CniConfig>();
  for (const clusterName of new Set([...clusterOf.values()].filter((c): c is string => c !== null))) {
    try {
      const addon = await reader.getCniAddon(clusterName);
      byCluster.set(
        clusterName,
        addon === null
          ? DEFAULT_CNI_CONFIG
          : parseAddonConfiguration(
              addon.configurationValues,
              DEFAULT_CNI_CONFIG,
              await documentReaderFor(addon.configurationValues),
            ).config,
      );
    } catch {
      // Left to the group's tags (see above).
    }
  }
  for (const [groupName, clusterName] of clusterOf) {
    const config = clusterName === null ? undefined : byCluster.get(clusterName);
    if (config) byGroup.set(groupName, config);
  }
  return byGroup;
}
