import type { AlertPublisher } from '../../ports/alert-publisher.js';
import type { AuditStore } from '../../ports/audit-store.js';
import type { ClusterDirectory } from '../../ports/cluster-directory.js';
import type { ClusterInstances } from '../../ports/cluster-instances.js';
import type { GuardStateStore } from '../../ports/guard-state-store.js';
import type { InstanceCatalog } from '../../ports/instance-catalog.js';
import type { MetricsSink } from '../../ports/metrics-sink.js';
import type { ScalingGroups } from '../../ports/scaling-groups.js';
import type { SubnetInventory } from '../../ports/subnet-inventory.js';
import type { AuditMode } from './audit-report.js';
import type { AuditSettings } from './audit-settings.js';

/** Every port the capacity audit reads or writes. */
export interface AuditorDeps {
  readonly subnets: SubnetInventory;
  readonly clusters: ClusterDirectory;
  /** Lists the clusters' nodes by their tags; absent, nodes outside the groups found are a coverage gap. */
  readonly instances?: ClusterInstances;
  readonly scalingGroups: Pick<ScalingGroups, 'describe' | 'listTagged'>;
  readonly instanceCatalog: InstanceCatalog;
  readonly store: AuditStore;
  readonly publisher: AlertPublisher;
  readonly metrics: MetricsSink;
  readonly settings: AuditSettings;
  /** Called at each stage with a short line (the CLI prints it on stderr). */
  readonly progress?: (message: string) => void;
  /** The stagger guard's open plans: capacity they have yet to release is in-flight demand too. */
  readonly staggerPlans?: Pick<GuardStateStore, 'listPlans'>;
}

export interface AuditInput {
  readonly nowMs: number;
  readonly mode: AuditMode;
  /** Overrides `settings.accountId` (e.g. the `account` of the triggering event). */
  readonly accountId?: string;
}
