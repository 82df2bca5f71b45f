import type { AlertKind, NotificationKind, Severity } from '../../domain/alert-policy.js';
import type { PrefixFeasibility } from '../../domain/prefix-feasibility.js';
import type { Recommendation } from '../../domain/recommendations.js';
import type { GroupSource } from './audited-group.js';
import type { CoverageGap } from './coverage-gap.js';

export const AuditMode = { headroom: 'headroom', full: 'full' } as const;
export type AuditMode = (typeof AuditMode)[keyof typeof AuditMode];

export interface SubnetReport {
  readonly subnetId: string;
  readonly cidr: string;
  readonly availabilityZone: string;
  /** `AvailableIpAddressCount`. */
  readonly availableIps: number;
  /** Addresses pending nodes will take at boot (prefixes outside prefix reservations count 16 each). */
  readonly inFlightIps: number;
  readonly headroomIps: number;
  /** Free aligned /28 blocks; null when the subnet's addresses could not be mapped. */
  readonly freePrefixBlocks: number | null;
  /** Null when the addresses could not be mapped or no free address lies in a block a prefix could take. */
  readonly fragmentationScore: number | null;
  /** Whether a /28 prefix fits now, later or never; null when the addresses could not be mapped. */
  readonly prefixFeasibility: PrefixFeasibility | null;
  /** Sooner of the address and /28 forecasts, within their horizon; 0 when pending demand already exhausts it. */
  readonly minutesToExhaustion: number | null;
  readonly status: Severity;
}

export interface NodeGroupReport {
  /**
   * `<cluster>/<nodegroup>` for EKS managed node groups, `<cluster>/karpenter/<nodepool>` for Karpenter nodes,
   * `<cluster>/standalone` for nodes with neither, else the Auto Scaling group name.
   */
  readonly name: string;
  readonly cluster: string | null;
  /** How the group was found. */
  readonly source: GroupSource;
  /** Nodes pending or in service. */
  readonly nodes: number;
  readonly autoScalingGroups: readonly string[];
  readonly instanceType: string | null;
  readonly pendingNodes: number;
  /** Nodes the group can add, each filled to its expected pods, before a subnet runs out; null if unknown. */
  readonly headroomNodes: number | null;
  /** Nodes that can still boot (holding their boot-time addresses only). */
  readonly headroomNodesAtBoot: number | null;
  readonly limitingSubnetId: string | null;
  readonly status: Severity;
}

export interface AlertReport {
  readonly key: string;
  readonly kind: AlertKind;
  readonly subjectId: string;
  readonly cluster: string | null;
  readonly severity: Severity;
  readonly previousSeverity: Severity;
  /** What this run announced for the alert; null when nothing changed and no reminder was due. */
  readonly notification: NotificationKind | null;
  /** True when the notification went to the alert publisher. */
  readonly published: boolean;
  readonly headroom: number;
  readonly minutesToExhaustion: number | null;
  readonly title: string | null;
}

/**
 * The attach budget as the audited subnets show it. The budget is shared by the whole account and Region
 * (DOMAIN.md §3); attaches in other subnets or VPCs are not seen here, so these figures are a lower bound.
 */
export interface AttachBudgetReport {
  /** Secondary ENIs attached in the last 60 s on the audited subnets only. */
  readonly attachesLastMinute: number;
  readonly attachesPerMin: number;
  /** `attachesLastMinute` as a percentage of `attachesPerMin`: the audited subnets' share of the budget. */
  readonly usedPercent: number;
}

/** How much of the account the audit saw. */
export interface AuditCoverage {
  readonly clusters: readonly string[];
  /** Nodes seen (Auto Scaling group members and tagged instances), pending or in service. */
  readonly nodes: number;
  /** Of those, nodes of the groups whose headroom was computed. */
  readonly nodesModelled: number;
  readonly gaps: readonly CoverageGap[];
}

export interface AuditReport {
  readonly mode: AuditMode;
  readonly generatedAt: string;
  readonly accountId: string;
  readonly region: string;
  readonly subnets: readonly SubnetReport[];
  readonly nodeGroups: readonly NodeGroupReport[];
  readonly alerts: readonly AlertReport[];
  /** Filled in `full` mode only. */
  readonly recommendations: readonly Recommendation[];
  readonly attachBudget: AttachBudgetReport;
  readonly coverage: AuditCoverage;
  /** Things the audit had to assume. */
  readonly warnings: readonly string[];
}
