import { CapacityInputError, maxPodNetworkPods, nodeHoldings } from '../../domain/cni-capacity.js';
import type { InstanceLimits } from '../../domain/instance-limits.js';
import {
  type GroupSubnet,
  type NodeSubnetUsage,
  type PendingGroup,
  usageFromHoldings,
} from '../../domain/subnet-headroom.js';
import type { GuardStateStore } from '../../ports/guard-state-store.js';
import { type InstanceCatalog, UnknownInstanceTypeError } from '../../ports/instance-catalog.js';
import type { ScalingGroup } from '../../ports/scaling-groups.js';
import type { SubnetInfo } from '../../ports/subnet-inventory.js';
import { type AuditedGroup, GroupSource } from './audited-group.js';

/** A node group with what one of its nodes holds, at boot and at full density, and where. */
export interface GroupModel {
  readonly group: AuditedGroup;
  readonly limits: InstanceLimits;
  readonly subnets: readonly GroupSubnet[];
  readonly atBoot: NodeSubnetUsage;
  readonly atFullDensity: NodeSubnetUsage;
  readonly podsPerNodeAtFullDensity: number;
  readonly pendingNodes: number;
}

/** Instance limits of `types`; unknown types are left out with a warning. */
export async function loadLimits(
  catalog: InstanceCatalog,
  types: readonly string[],
  warnings: string[],
): Promise<ReadonlyMap<string, InstanceLimits>> {
  if (types.length === 0) return new Map();
  try {
    return await catalog.getLimits(types);
  } catch (error) {
    if (!(error instanceof UnknownInstanceTypeError)) throw error;
    warnings.push(`${error.message}; node groups of those types are left out`);
    const known = types.filter((type) => !error.instanceTypes.includes(type));
    return known.length === 0 ? new Map() : catalog.getLimits(known);
  }
}

function groupSubnetsOf(
  group: AuditedGroup,
  subnets: ReadonlyMap<string, SubnetInfo>,
  eniConfig: Readonly<Record<string, string>> | undefined,
  warnings: string[],
): GroupSubnet[] {
  const known = group.subnetIds.filter((id) => subnets.has(id));
  const perAz = new Map<string, number>();
  for (const instance of group.instances) {
    if (instance.availabilityZone === undefined || instance.lifecycleState.startsWith('Terminat')) continue;
    perAz.set(instance.availabilityZone, (perAz.get(instance.availabilityZone) ?? 0) + 1);
  }
  const result: GroupSubnet[] = [];
  for (const subnetId of known) {
    const az = subnets.get(subnetId)?.availabilityZone ?? '';
    // Several subnets in one AZ: the AZ's instances are counted on the first of them.
    const instanceCount = perAz.get(az) ?? 0;
    perAz.delete(az);
    const podSubnetId = group.cni.customNetworking ? eniConfig?.[az] : undefined;
    if (group.cni.customNetworking && podSubnetId === undefined) {
      warnings.push(
        `${group.name}: custom networking without an ENIConfig subnet for ${az}; pod addresses counted in ${subnetId}`,
      );
    }
    result.push({ subnetId, instanceCount, ...(podSubnetId === undefined ? {} : { podSubnetId }) });
  }
  return result;
}

function buildGroupModel(
  group: AuditedGroup,
  limits: InstanceLimits,
  subnets: readonly GroupSubnet[],
  warnings: string[],
  plannedExtraNodes: number,
): GroupModel | null {
  try {
    const podsCap = maxPodNetworkPods(limits, group.cni, group.maxPodsCap);
    const pods = Math.min(group.podsPerNodeTag ?? podsCap, podsCap);
    const atBoot = nodeHoldings(limits, group.cni, 0, group.maxPodsCap);
    const full = nodeHoldings(limits, group.cni, pods, group.maxPodsCap);
    if (atBoot.prefixDelegationFellBack) {
      warnings.push(
        `${group.name}: ${limits.instanceType} is not Nitro-based; the CNI falls back to secondary IPs`,
      );
    }
    return {
      group,
      limits,
      subnets,
      atBoot: usageFromHoldings(atBoot, group.cni.customNetworking),
      atFullDensity: usageFromHoldings(full, group.cni.customNetworking),
      podsPerNodeAtFullDensity: pods,
      pendingNodes:
        Math.max(0, group.desiredCapacity - group.inServiceCount) +
        plannedExtraNodes +
        group.updateSurgeNodes,
    };
  } catch (error) {
    if (!(error instanceof CapacityInputError)) throw error;
    warnings.push(`${group.name}: ${error.message}; left out`);
    return null;
  }
}

/** Nodes still to come per Auto Scaling group, given the group as it is now. */
export type PlannedExtraNodes = ReadonlyMap<string, (asg: ScalingGroup) => number>;

/**
 * Nodes open stagger plans will still add to each Auto Scaling group: their target less the group's desired
 * capacity now (the guard holds desired below the target while it paces the group).
 */
export async function plannedExtraNodes(
  plans: Pick<GuardStateStore, 'listPlans'> | undefined,
): Promise<PlannedExtraNodes> {
  const extra = new Map<string, (asg: ScalingGroup) => number>();
  if (!plans) return extra;
  for (const { value: plan } of await plans.listPlans()) {
    if (plan.completedAtMs !== undefined) continue;
    extra.set(plan.groupName, (asg) =>
      Math.max(0, plan.targetCapacity - Math.max(asg.desiredCapacity, plan.allowedCapacity)),
    );
  }
  return extra;
}

export interface GroupModelInput {
  readonly groups: readonly AuditedGroup[];
  readonly limitsByType: ReadonlyMap<string, InstanceLimits>;
  readonly subnetsById: ReadonlyMap<string, SubnetInfo>;
  /** Custom networking: ENIConfig subnet per cluster and AZ (configured, else seen on the nodes' ENIs). */
  readonly eniConfigSubnets: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly plannedExtra: PlannedExtraNodes;
}

/**
 * One model per group whose instance type and subnets are known; the others are left out with a warning.
 */
export function buildGroupModels(input: GroupModelInput, warnings: string[]): GroupModel[] {
  const models: GroupModel[] = [];
  for (const group of input.groups) {
    const limits = group.instanceType === null ? undefined : input.limitsByType.get(group.instanceType);
    if (limits === undefined) continue;
    const eniConfig = group.clusterName === null ? undefined : input.eniConfigSubnets[group.clusterName];
    const groupSubnets = groupSubnetsOf(group, input.subnetsById, eniConfig, warnings);
    if (groupSubnets.length === 0) {
      warnings.push(`${group.name}: none of its subnets could be read; left out`);
      continue;
    }
    const extra = group.autoScalingGroups.reduce(
      (sum, asg) => sum + (input.plannedExtra.get(asg.name)?.(asg) ?? 0),
      0,
    );
    const model = buildGroupModel(group, limits, groupSubnets, warnings, extra);
    if (model !== null) models.push(model);
  }
  return models;
}

/** Groups by the subnets `subnetsOf` names for each of their subnets, each group once per subnet, in order. */
export function groupsBySubnet(
  groups: readonly GroupModel[],
  subnetsOf: (subnet: GroupSubnet) => readonly (string | undefined)[],
): Map<string, GroupModel[]> {
  const bySubnet = new Map<string, GroupModel[]>();
  for (const group of groups) {
    const ids = new Set(group.subnets.flatMap(subnetsOf));
    for (const id of ids) {
      if (id === undefined) continue;
      const list = bySubnet.get(id) ?? [];
      list.push(group);
      bySubnet.set(id, list);
    }
  }
  return bySubnet;
}

/**
 * The in-flight demand entries of one group. Auto Scaling groups spread their pending nodes as Auto Scaling
 * balances AZs; nodes found as instances (Karpenter, standalone) are already placed, so each pending one counts
 * in the subnet of its own AZ.
 */
export function pendingGroupsOf(model: GroupModel, subnets: ReadonlyMap<string, SubnetInfo>): PendingGroup[] {
  const { group } = model;
  if (group.source !== GroupSource.karpenter && group.source !== GroupSource.standalone) {
    return [
      {
        groupName: group.name,
        pendingNodes: model.pendingNodes,
        subnets: model.subnets,
        perNode: model.atBoot,
      },
    ];
  }
  const byAz = new Map<string, GroupSubnet>();
  for (const subnet of model.subnets) {
    const az = subnets.get(subnet.subnetId)?.availabilityZone;
    if (az !== undefined && !byAz.has(az)) byAz.set(az, subnet);
  }
  const pendingBySubnet = new Map<GroupSubnet, number>();
  for (const instance of group.instances) {
    if (instance.lifecycleState !== 'Pending' || instance.availabilityZone === undefined) continue;
    const subnet = byAz.get(instance.availabilityZone);
    if (subnet !== undefined) pendingBySubnet.set(subnet, (pendingBySubnet.get(subnet) ?? 0) + 1);
  }
  return [...pendingBySubnet].map(([subnet, pendingNodes]) => ({
    groupName: group.name,
    pendingNodes,
    subnets: [subnet],
    perNode: model.atBoot,
  }));
}
