import type { AlertKind } from '../../domain/alert-policy.js';
import type { NodeGroupHeadroom, SubnetHeadroom } from '../../domain/subnet-headroom.js';
import type { AlertReport, NodeGroupReport, SubnetReport } from './audit-report.js';
import type { AuditedGroup } from './audited-group.js';
import type { SubnetForecast } from './forecast-subnets.js';
import type { GroupModel } from './group-models.js';
import { minOrNull, round, roundOrNull, worst } from './report-numbers.js';
import type { SubnetModel } from './subnet-models.js';

function severityOf(alerts: readonly AlertReport[], subjectId: string, kinds: readonly AlertKind[]) {
  return worst(
    alerts.filter((a) => a.subjectId === subjectId && kinds.includes(a.kind)).map((a) => a.severity),
  );
}

/** One report row per audited subnet, with the worst of its alerts as its status. */
export function subnetReports(
  models: readonly SubnetModel[],
  headrooms: ReadonlyMap<string, SubnetHeadroom>,
  forecasts: ReadonlyMap<string, SubnetForecast>,
  alerts: readonly AlertReport[],
): SubnetReport[] {
  return models.map((model) => {
    const headroom = headrooms.get(model.info.subnetId) as SubnetHeadroom;
    const forecast = forecasts.get(model.info.subnetId);
    return {
      subnetId: model.info.subnetId,
      cidr: model.info.cidr,
      availabilityZone: model.info.availabilityZone,
      availableIps: model.info.availableIpCount,
      inFlightIps: headroom.inFlightIps,
      headroomIps: headroom.headroomIps,
      freePrefixBlocks: model.map?.freePrefixBlocks ?? null,
      fragmentationScore:
        model.map?.fragmentationScore == null ? null : round(model.map.fragmentationScore, 3),
      prefixFeasibility: model.map?.prefixFeasibility ?? null,
      minutesToExhaustion: roundOrNull(
        minOrNull([forecast?.ips.minutesToExhaustion ?? null, forecast?.blocks?.minutesToExhaustion ?? null]),
      ),
      status: severityOf(alerts, model.info.subnetId, ['subnet-ips', 'subnet-prefix-blocks']),
    };
  });
}

/** One report row per discovered group, modelled or not (its headroom is then unknown). */
export function groupReports(
  groups: readonly AuditedGroup[],
  models: readonly GroupModel[],
  headrooms: ReadonlyMap<string, NodeGroupHeadroom>,
  alerts: readonly AlertReport[],
): NodeGroupReport[] {
  return groups.map((group) => {
    const model = models.find((m) => m.group === group);
    const headroom = headrooms.get(group.name);
    return {
      name: group.name,
      cluster: group.clusterName,
      source: group.source,
      nodes: group.instances.filter((i) => !i.lifecycleState.startsWith('Terminat')).length,
      autoScalingGroups: group.autoScalingGroups.map((asg) => asg.name),
      instanceType: group.instanceType,
      pendingNodes: model?.pendingNodes ?? Math.max(0, group.desiredCapacity - group.inServiceCount),
      headroomNodes: headroom?.atFullDensity.nodes ?? null,
      headroomNodesAtBoot: headroom?.atBoot.nodes ?? null,
      limitingSubnetId: headroom?.atFullDensity.limitingSubnetId ?? null,
      status: severityOf(alerts, group.name, ['node-group-headroom']),
    };
  });
}
