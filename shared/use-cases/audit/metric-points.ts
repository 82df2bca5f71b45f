import { AuditMetricName, type MetricPoint, MetricUnitName } from '../../ports/metrics-sink.js';
import type { NodeGroupReport, SubnetReport } from './audit-report.js';

/** The audit's CloudWatch metrics: per subnet, per node group, and the attach budget used. */
export function metricPoints(
  subnets: readonly SubnetReport[],
  groups: readonly NodeGroupReport[],
  attachBudgetUsedPercent: number,
): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const subnet of subnets) {
    const dimensions = { SubnetId: subnet.subnetId };
    points.push({
      name: AuditMetricName.freeIps,
      unit: MetricUnitName.count,
      value: subnet.availableIps,
      dimensions,
    });
    if (subnet.freePrefixBlocks !== null) {
      points.push({
        name: AuditMetricName.freePrefixBlocks,
        unit: MetricUnitName.count,
        value: subnet.freePrefixBlocks,
        dimensions,
      });
    }
    if (subnet.minutesToExhaustion !== null) {
      points.push({
        name: AuditMetricName.minutesToExhaustion,
        unit: MetricUnitName.none,
        value: subnet.minutesToExhaustion,
        dimensions,
      });
    }
  }
  for (const group of groups) {
    if (group.headroomNodes === null) continue;
    points.push({
      name: AuditMetricName.headroomNodes,
      unit: MetricUnitName.count,
      value: group.headroomNodes,
      dimensions: { NodeGroup: group.name },
    });
  }
  points.push({
    name: AuditMetricName.attachBudgetUsed,
    unit: MetricUnitName.percent,
    value: attachBudgetUsedPercent,
    dimensions: {},
  });
  return points;
}
