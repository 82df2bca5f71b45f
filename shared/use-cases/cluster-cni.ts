import { type CniConfig, DEFAULT_CNI_CONFIG } from '../domain/cni-config.js';
import { CniConfigError, parseAddonConfiguration } from '../domain/cni-config-parse.js';
import type { ClusterDirectory } from '../ports/cluster-directory.js';
import type { ScalingGroup } from '../ports/scaling-groups.js';
import { clusterOfTags } from './group-tags.js';

/** Reads a cluster's `vpc-cni` add-on (EKS DescribeAddon). */
export type CniAddonReader = Pick<ClusterDirectory, 'getCniAddon'>;

/** The reader, when the directory given can read add-ons. */
export function cniReaderOf(
  directory: Partial<Pick<ClusterDirectory, 'getCniAddon'>> | undefined,
): CniAddonReader | undefined {
  const getCniAddon = directory?.getCniAddon;
  return getCniAddon ? { getCniAddon: (clusterName) => getCniAddon.call(directory, clusterName) } : undefined;
}

/** What the pacing learned of the groups' clusters' CNI settings. */
export interface ClusterCniConfigs {
  /** Per group name, the CNI settings of its cluster's `vpc-cni` add-on. */
  readonly byGroup: ReadonlyMap<string, CniConfig>;
  /** Clusters whose add-on could not be read or parsed: their groups are predicted from their tags alone. */
  readonly unreadable: readonly { readonly clusterName: string; readonly reason: string }[];
}

/**
 * The CNI settings of each group's cluster, from its `vpc-cni` EKS add-on (DOMAIN.md §4): the settings that decide
 * how many ENIs a node attaches (warm targets, prefix delegation) are set there for the whole cluster, not on the
 * groups. A group's `capacity-guard/cni` tag still wins over them. A cluster with a self-managed CNI (no add-on),
 * or a group whose cluster its tags do not name, keeps the defaults; an add-on that cannot be read or parsed is
 * reported in `unreadable`, never fatal.
 */
export async function clusterCniConfigs(
  reader: CniAddonReader | undefined,
  groups: readonly ScalingGroup[],
): Promise<ClusterCniConfigs> {
  const byGroup = new Map<string, CniConfig>();
  const unreadable: { clusterName: string; reason: string }[] = [];
  if (!reader) return { byGroup, unreadable };
  const clusterOf = new Map(groups.map((g) => [g.name, clusterOfTags(g.tags)]));
  const byCluster = new Map<string, CniConfig>();
  for (const clusterName of new Set([...clusterOf.values()].filter((c): c is string => c !== null))) {
    try {
      const addon = await reader.getCniAddon(clusterName);
      byCluster.set(
        clusterName,
        addon === null ? DEFAULT_CNI_CONFIG : parseAddonConfiguration(addon.configurationValues).config,
      );
    } catch (error) {
      const reason =
        error instanceof CniConfigError ? error.message : String((error as Error).message ?? error);
      unreadable.push({ clusterName, reason });
    }
  }
  for (const [groupName, clusterName] of clusterOf) {
    const config = clusterName === null ? undefined : byCluster.get(clusterName);
    if (config) byGroup.set(groupName, config);
  }
  return { byGroup, unreadable };
}
