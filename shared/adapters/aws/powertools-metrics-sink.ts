import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type MetricPoint,
  type MetricsSink,
  type MetricUnitName,
  MetricUnitName as Unit,
} from '../../ports/metrics-sink.js';

/** Namespace of every guard metric. */
export const METRICS_NAMESPACE = 'CapacityGuard';

function toUnit(unit: MetricUnitName): (typeof MetricUnit)[keyof typeof MetricUnit] {
  switch (unit) {
    case Unit.count:
      return MetricUnit.Count;
    case Unit.percent:
      return MetricUnit.Percent;
    case Unit.none:
      return MetricUnit.NoUnit;
    default: {
      const unknown: never = unit;
      throw new Error(`unit '${String(unknown)}' is not a metric unit`);
    }
  }
}

function dimensionKey(dimensions: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * CloudWatch metrics as EMF lines through Powertools Metrics: one line per dimension set (a subnet, a node
 * group, the account), since EMF dimensions apply to every metric of a line. A name repeated within one
 * dimension set becomes one metric with several values, which EMF allows.
 */
export class PowertoolsMetricsSink implements MetricsSink {
  constructor(private readonly metrics: Metrics) {}

  async emit(points: readonly MetricPoint[]): Promise<void> {
    const groups = new Map<string, MetricPoint[]>();
    for (const point of points) {
      const key = dimensionKey(point.dimensions);
      const group = groups.get(key) ?? [];
      group.push(point);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      const first = group[0];
      if (first === undefined) continue;
      this.metrics.addDimensions({ ...first.dimensions });
      for (const point of group) this.metrics.addMetric(point.name, toUnit(point.unit), point.value);
      this.metrics.publishStoredMetrics();
    }
  }
}
