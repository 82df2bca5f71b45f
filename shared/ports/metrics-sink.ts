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

/** The pacing functions' per-invocation CloudWatch metrics (namespace `CapacityGuard`). */
export const PacingMetricName = {
  /** Scale intents a reactor batch carried (ignored and invalid events excluded). */
  intentsSeen: 'IntentsSeen',
  /** Explicit intents older than the one their group's plan was built from: acknowledged, not applied. */
  intentsSuperseded: 'IntentsSuperseded',
  /** Groups a reactor batch put under a plan (held below what was asked). */
  plansHeld: 'PlansHeld',
  /** Stagger plans open after a stepper tick. */
  plansOpen: 'PlansOpen',
  /** Stagger steps applied by a stepper tick. */
  stepsApplied: 'StepsApplied',
  /** Instances held at the launch hook when a gate pass ran. */
  gateWaiting: 'GateWaiting',
  /** Instances a gate pass released (every reason). */
  gateReleased: 'GateReleased',
  /** Longest wait at the hook among the instances a pass saw, in seconds. */
  gateOldestWaitSec: 'GateOldestWaitSec',
  /** Seconds the budget needs for everything booked and waiting: above the maximum hold, the gate alone is not enough. */
  gateBacklogSec: 'GateBacklogSec',
  /** ENI attaches seen in the account in the last 60 s, every consumer. */
  attachesObserved: 'AttachesObserved',
  /** Attaches still expected from released instances (booked, not yet seen). */
  attachesBooked: 'AttachesBooked',
} as const;
export type PacingMetricName = (typeof PacingMetricName)[keyof typeof PacingMetricName];

export const MetricUnitName = { count: 'Count', percent: 'Percent', none: 'None' } as const;
export type MetricUnitName = (typeof MetricUnitName)[keyof typeof MetricUnitName];

export interface MetricPoint {
  readonly name: AuditMetricName | ReactorMetricName | PacingMetricName;
  readonly unit: MetricUnitName;
  readonly value: number;
  /** E.g. `{ SubnetId: 'subnet-…' }`; points with equal dimensions are emitted together. */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Emits metric points (EMF in Lambda). */
export interface MetricsSink {
  emit(points: readonly MetricPoint[]): Promise<void>;
}
