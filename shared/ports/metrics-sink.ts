/** The auditor's CloudWatch metrics (namespace `CapacityGuard`). */
export const AuditMetricName = {
  freeIps: 'FreeIps',
  freePrefixBlocks: 'FreePrefixBlocks',
  headroomNodes: 'HeadroomNodes',
  minutesToExhaustion: 'MinutesToExhaustion',
  /** Percent of the attach budget used in the last 60 s by ENIs on the audited subnets (not Region-wide). */
  attachBudgetUsed: 'AttachBudgetUsed',
} as const;
export type AuditMetricName = (typeof AuditMetricName)[keyof typeof AuditMetricName];

/** The scale reactor's CloudWatch metrics (namespace `CapacityGuard`). */
export const ReactorMetricName = {
  /** Messages of the burst buffer that are not valid scale events (sent to its dead-letter queue). */
  invalidEvents: 'InvalidEvents',
} as const;
export type ReactorMetricName = (typeof ReactorMetricName)[keyof typeof ReactorMetricName];

export const MetricUnitName = { count: 'Count', percent: 'Percent', none: 'None' } as const;
export type MetricUnitName = (typeof MetricUnitName)[keyof typeof MetricUnitName];

export interface MetricPoint {
  readonly name: AuditMetricName | ReactorMetricName;
  readonly unit: MetricUnitName;
  readonly value: number;
  /** E.g. `{ SubnetId: 'subnet-…' }`; points with equal dimensions are emitted together. */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Emits metric points (EMF in Lambda). */
export interface MetricsSink {
  emit(points: readonly MetricPoint[]): Promise<void>;
}
