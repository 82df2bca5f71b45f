import type { AttachSpend } from '../domain/attach-budget.js';
import type { StaggerPlan } from '../domain/stagger-plan.js';

export interface Versioned<T> {
  readonly value: T;
  /** Optimistic-concurrency version; 0 when the item does not exist yet. */
  readonly version: number;
}

/** One atomic change: plan writes and budget spends succeed or fail together. */
export interface StateChange {
  readonly ledgerVersion: number;
  /** The whole ledger after the change (already pruned of spends no window can see); null leaves it untouched. */
  readonly ledger: readonly AttachSpend[] | null;
  readonly putPlans: readonly { readonly plan: StaggerPlan; readonly expectedVersion: number }[];
  readonly deletePlans: readonly { readonly groupName: string; readonly expectedVersion: number }[];
}

/** Thrown when another invocation changed the ledger or a plan first: read again and decide again. */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

/** The guard's shared state (one DynamoDB table in AWS). */
export interface GuardStateStore {
  readLedger(): Promise<Versioned<readonly AttachSpend[]>>;
  readPlan(groupName: string): Promise<Versioned<StaggerPlan> | undefined>;
  listPlans(): Promise<Versioned<StaggerPlan>[]>;
  /** Applies the change atomically or throws ConcurrentUpdateError. */
  commit(change: StateChange): Promise<void>;
}
