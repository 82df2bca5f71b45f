import type { MetricPoint, MetricsSink } from '../../ports/metrics-sink.js';

/** Keeps metric points instead of emitting them: read-only audits and tests. */
export class RecordingMetricsSink implements MetricsSink {
  readonly points: MetricPoint[] = [];

  async emit(points: readonly MetricPoint[]): Promise<void> {
    this.points.push(...points);
  }
}
