import { addonDocument, parseAddonConfiguration } from '../../domain/addon-configuration.js';
import type { CniSource } from '../../domain/cni-change.js';
import type { CniConfig } from '../../domain/cni-config.js';
import { applyCniSettings, CniConfigError } from '../../domain/cni-config-parse.js';
import type { ClusterDirectory, ManagedNodeGroup } from '../../ports/cluster-directory.js';
import type { ClusterInstance, ClusterInstances } from '../../ports/cluster-instances.js';
import type { ScalingGroup, ScalingGroups } from '../../ports/scaling-groups.js';
import { documentReaderFor } from '../addon-document-reader.js';
import type { AuditSettings } from './audit-settings.js';
import {
  type AuditedGroup,
  GroupSource,
  inService,
  mostCommon,
  podsPerNodeOf,
  selfManagedGroup,
} from './audited-group.js';
import type { CoverageGap } from './coverage-gap.js';
import { discoverNodeGroups } from './discover-nodes.js';

export interface DiscoveryDeps {
  readonly clusters: ClusterDirectory;
  readonly scalingGroups: Pick<ScalingGroups, 'describe' | 'listTagged'>;
  readonly settings: AuditSettings;
  /** Absent: nodes outside the groups found above are not seen (a coverage gap). */
  readonly instances?: ClusterInstances;
}

export interface Discovery {
  readonly groups: readonly AuditedGroup[];
  readonly warnings: readonly string[];
  /** Every cluster audited: listed or configured, and those the groups name. */
  readonly clusterNames: readonly string[];
  /** The clusters' nodes as EC2 lists them; null when no instance listing was available. */
  readonly nodeInstances: readonly ClusterInstance[] | null;
  /** `resourcesVpcConfig.subnetIds` per cluster, where known. */
  readonly clusterSubnets: ReadonlyMap<string, readonly string[]>;
  /** Where each audited cluster's CNI settings live (the add-on or the DaemonSet). */
  readonly cniSources: ReadonlyMap<string, CniSource>;
  readonly gaps: readonly CoverageGap[];
}

class CniResolver {
  private readonly cache = new Map<string, Promise<CniConfig>>();
  /** Where each cluster's settings live, keyed by cluster name ('' for no cluster). */
  readonly sources = new Map<string, CniSource>();

  constructor(
    private readonly deps: DiscoveryDeps,
    private readonly warnings: string[],
  ) {}

  resolve(clusterName: string | null): Promise<CniConfig> {
    const key = clusterName ?? '';
    let found = this.cache.get(key);
    if (found === undefined) {
      found = this.load(clusterName);
      this.cache.set(key, found);
    }
    return found;
  }

  private async load(clusterName: string | null): Promise<CniConfig> {
    const { settings, clusters } = this.deps;
    const overrides =
      (clusterName === null ? undefined : settings.cniOverrides[clusterName]) ?? settings.cniOverrides['*'];
    let parsed = applyCniSettings({});
    if (clusterName !== null) {
      const addon = await clusters.getCniAddon(clusterName);
      const readDocument = await documentReaderFor(addon?.configurationValues);
      this.sources.set(
        clusterName,
        addon === null
          ? { kind: 'daemonset', clusterName }
          : { kind: 'addon', clusterName, document: addonDocument(addon.configurationValues, readDocument) },
      );
      if (addon === null) {
        if (overrides === undefined) {
          this.warnings.push(
            `${clusterName}: no vpc-cni add-on (self-managed CNI) and no CNI override; assuming the CNI defaults`,
          );
        }
      } else {
        try {
          parsed = parseAddonConfiguration(addon.configurationValues, undefined, readDocument);
        } catch (error) {
          if (!(error instanceof CniConfigError)) throw error;
          this.warnings.push(`${clusterName}: vpc-cni ${error.message}; assuming the CNI defaults`);
        }
      }
    } else if (overrides === undefined) {
      // No cluster: nothing to read the settings from.
      parsed = applyCniSettings({});
    }
    if (overrides !== undefined) {
      try {
        parsed = applyCniSettings(overrides, parsed.config);
      } catch (error) {
        if (!(error instanceof CniConfigError)) throw error;
        this.warnings.push(`${clusterName ?? '*'}: CNI override ${error.message}; override ignored`);
      }
    }
    for (const warning of parsed.warnings) this.warnings.push(`${clusterName ?? '*'}: ${warning.message}`);
    return parsed.config;
  }
}

function groupsByName(groups: readonly ScalingGroup[]): Map<string, ScalingGroup> {
  return new Map(groups.map((group) => [group.name, group]));
}

/**
 * Finds the node groups to audit: EKS managed node groups of the configured (or every) cluster, Auto
 * Scaling groups with the opt-in tag, Auto Scaling groups named in the settings, then every other node of
 * those clusters found by its tags (`discoverNodeGroups`: Auto Scaling groups not yet seen, Karpenter node
 * pools, standalone nodes). An Auto Scaling group behind a managed node group is audited once, as that node
 * group. Each group gets its cluster's CNI settings: the `vpc-cni` add-on's `configurationValues`, then the
 * configured overrides.
 */
export async function discoverGroups(deps: DiscoveryDeps): Promise<Discovery> {
  const { settings, clusters, scalingGroups } = deps;
  const warnings: string[] = [];
  const cni = new CniResolver(deps, warnings);

  const clusterNames =
    settings.clusterNames.length > 0 ? settings.clusterNames : await clusters.listClusters();
  const managed: ManagedNodeGroup[] = [];
  for (const clusterName of clusterNames) managed.push(...(await clusters.listNodeGroups(clusterName)));

  const tagged = settings.optInTag
    ? await scalingGroups.listTagged(settings.optInTag.key, settings.optInTag.value)
    : [];
  const managedAsgNames = managed.flatMap((group) => group.autoScalingGroupNames);
  const taggedNames = new Set(tagged.map((group) => group.name));
  const toDescribe = [...new Set([...managedAsgNames, ...settings.autoScalingGroupNames])].filter(
    (name) => !taggedNames.has(name),
  );
  const described = toDescribe.length > 0 ? await scalingGroups.describe(toDescribe) : [];
  const asgs = groupsByName([...tagged, ...described]);
  for (const name of settings.autoScalingGroupNames) {
    if (!asgs.has(name)) warnings.push(`Auto Scaling group ${name} (configured) does not exist; skipped`);
  }

  const groups: AuditedGroup[] = [];
  const claimed = new Set<string>();
  for (const node of managed) {
    const owned = node.autoScalingGroupNames
      .map((name) => asgs.get(name))
      .filter((group): group is ScalingGroup => group !== undefined);
    for (const group of owned) claimed.add(group.name);
    const instanceTypes = owned.flatMap((group) =>
      group.instances.map((i) => i.instanceType).filter((t): t is string => t !== undefined),
    );
    if (node.instanceTypes.length > 1) {
      warnings.push(
        `${node.clusterName}/${node.nodegroupName}: several instance types (${node.instanceTypes.join(', ')}); ` +
          'headroom is counted with the most common one',
      );
    }
    const subnetIds =
      node.subnetIds.length > 0 ? node.subnetIds : [...new Set(owned.flatMap((group) => group.subnetIds))];
    groups.push({
      name: `${node.clusterName}/${node.nodegroupName}`,
      clusterName: node.clusterName,
      source: GroupSource.eks,
      autoScalingGroups: owned,
      instances: owned.flatMap((group) => group.instances),
      instanceType: mostCommon(instanceTypes) ?? node.instanceTypes[0] ?? null,
      subnetIds,
      desiredCapacity:
        owned.length > 0
          ? owned.reduce((sum, group) => sum + group.desiredCapacity, 0)
          : (node.scaling?.desiredSize ?? 0),
      inServiceCount: inService(owned),
      maxSize:
        owned.length > 0
          ? owned.reduce((sum, group) => sum + group.maxSize, 0)
          : (node.scaling?.maxSize ?? 0),
      cni: await cni.resolve(node.clusterName),
      maxPodsCap: 'mng',
      podsPerNodeTag: podsPerNodeOf(owned, warnings),
      healthIssueCodes: node.healthIssues.map((issue) => issue.code),
      updateSurgeNodes: updateSurgeOf(node, subnetIds.length),
    });
  }

  for (const group of asgs.values()) {
    if (claimed.has(group.name)) continue;
    const source = taggedNames.has(group.name) ? GroupSource.tag : GroupSource.config;
    groups.push(await selfManagedGroup(group, source, (name) => cni.resolve(name), warnings));
  }

  const nodes = await discoverNodeGroups(
    {
      ...(deps.instances === undefined ? {} : { instances: deps.instances }),
      clusters,
      scalingGroups,
      resolveCni: (name) => cni.resolve(name),
    },
    {
      clusterNames: [
        ...new Set([
          ...clusterNames,
          ...groups.map((g) => g.clusterName).filter((n): n is string => n !== null),
        ]),
      ],
      groups,
      auditedAsgNames: new Set(asgs.keys()),
    },
    warnings,
  );
  return {
    groups: [...groups, ...nodes.groups],
    warnings,
    clusterNames: nodes.clusterNames,
    nodeInstances: nodes.instances,
    clusterSubnets: nodes.clusterSubnets,
    cniSources: cni.sources,
    gaps: nodes.gaps,
  };
}

/**
 * A managed node group update launches up to max(2 × AZs, maxUnavailable) extra nodes before it drains old ones
 * (EKS "managed node update behavior"; EVENTS.md): while one runs, they are in-flight demand. AZs are counted as the
 * group's subnets (one per AZ in the usual layout).
 */
export function updateSurgeOf(node: ManagedNodeGroup, subnetCount: number): number {
  if (node.status !== 'UPDATING') return 0;
  return Math.max(2 * Math.max(1, subnetCount), node.maxUnavailable ?? 0);
}
