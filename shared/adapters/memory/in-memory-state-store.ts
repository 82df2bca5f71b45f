import type { AttachSpend } from '../../domain/attach-budget.js';
import type { StaggerPlan } from '../../domain/stagger-plan.js';
import {
  ConcurrentUpdateError,
  type GuardStateStore,
  type StateChange,
  type Versioned,
} from '../../ports/guard-state-store.js';

/**
 * The guard's state in memory, with the same version checks as the DynamoDB store: used by the simulator
 * (what-if runs need no AWS account) and by use-case tests.
 */
export class InMemoryStateStore implements GuardStateStore {
  private ledger: Versioned<readonly AttachSpend[]> = { value: [], version: 0 };
  private readonly plans = new Map<string, Versioned<StaggerPlan>>();
  /** Every committed change, oldest first. */
  readonly commits: StateChange[] = [];

  async readLedger(): Promise<Versioned<readonly AttachSpend[]>> {
    return structuredClone(this.ledger);
  }

  async readPlan(groupName: string): Promise<Versioned<StaggerPlan> | undefined> {
    const plan = this.plans.get(groupName);
    return plan ? structuredClone(plan) : undefined;
  }

  async listPlans(): Promise<Versioned<StaggerPlan>[]> {
    return [...this.plans.values()].map((p) => structuredClone(p));
  }

  async commit(change: StateChange): Promise<void> {
    if (change.ledger !== null && change.ledgerVersion !== this.ledger.version) {
      throw new ConcurrentUpdateError(
        `ledger version ${this.ledger.version}, expected ${change.ledgerVersion}`,
      );
    }
    for (const { plan, expectedVersion } of change.putPlans) {
      if ((this.plans.get(plan.groupName)?.version ?? 0) !== expectedVersion) {
        throw new ConcurrentUpdateError(`plan ${plan.groupName} changed`);
      }
    }
    for (const { groupName, expectedVersion } of change.deletePlans) {
      const current = this.plans.get(groupName);
      if (current && current.version !== expectedVersion)
        throw new ConcurrentUpdateError(`plan ${groupName} changed`);
    }
    if (change.ledger !== null)
      this.ledger = { value: structuredClone(change.ledger), version: this.ledger.version + 1 };
    for (const { plan, expectedVersion } of change.putPlans) {
      this.plans.set(plan.groupName, { value: structuredClone(plan), version: expectedVersion + 1 });
    }
    for (const { groupName } of change.deletePlans) this.plans.delete(groupName);
    this.commits.push(structuredClone(change));
  }
}
