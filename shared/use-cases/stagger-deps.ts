import type { AttachBudgetPolicy } from '../domain/attach-budget.js';
import type { AttachObserver } from '../ports/attach-observer.js';
import type { Clock } from '../ports/clock.js';
import type { ClusterDirectory } from '../ports/cluster-directory.js';
import type { EventPublisher } from '../ports/event-publisher.js';
import type { GuardStateStore } from '../ports/guard-state-store.js';
import type { InstanceCatalog } from '../ports/instance-catalog.js';
import type { KillSwitch } from '../ports/kill-switch.js';
import type { ScalingGroups } from '../ports/scaling-groups.js';

/** What the scale reactor and the stagger stepper need, injected by the handler (or the simulator). */
export interface StaggerDeps {
  readonly groups: ScalingGroups;
  readonly observer: AttachObserver;
  readonly store: GuardStateStore;
  readonly events: EventPublisher;
  readonly catalog: InstanceCatalog;
  readonly killSwitch: KillSwitch;
  readonly clock: Clock;
  readonly settings: StaggerSettings;
  /**
   * Resolves EKS managed node groups to their Auto Scaling groups (UpdateNodegroupConfig calls), and reads the
   * clusters' `vpc-cni` add-on settings the predictions start from.
   */
  readonly clusters?: Pick<ClusterDirectory, 'describeNodeGroup'> &
    Partial<Pick<ClusterDirectory, 'getCniAddon'>>;
}

export interface StaggerSettings {
  readonly policy: AttachBudgetPolicy;
  readonly deadlineGraceMs: number;
  readonly optInTagKey: string;
  readonly optInTagValue: string;
}

/** Attempts at a read-decide-commit cycle before giving up to Lambda's retry. */
export const MAX_COMMIT_ATTEMPTS = 8;
