import type { ReleasedInstance } from '../domain/launch-gate.js';
import type { Versioned } from './guard-state-store.js';

/**
 * Where the guard last saw an instance at the hook: `recorded` from its lifecycle action event only, `waiting`
 * seen in `Pending:Wait` by a pass, `released` by the guard.
 */
export type WaitStage = 'recorded' | 'waiting' | 'released';

/** When an instance began to wait, as the lifecycle action (or the first pass that saw it) says. */
export interface WaitRecord {
  readonly instanceId: string;
  readonly groupName: string;
  readonly sinceMs: number;
  readonly hookName: string | null;
  readonly heartbeatAtMs: number | null;
  readonly stage: WaitStage;
}

/** What settled nodes of one group and instance type attached (a learned prediction), and when it was read. */
export interface PeerEstimate {
  readonly groupName: string;
  readonly instanceType: string;
  readonly attaches: number;
  readonly atMs: number;
}

/** The shortest time seen from a release to a node's first attach, per group (see `shortestAttachDelaysMs`). */
export interface AttachDelay {
  readonly groupName: string;
  readonly shortestMs: number;
  readonly samples: number;
  readonly atMs: number;
}

/** A node reported reaching its wait point (see `shared/events/node-report.ts`). */
export interface ReadyReport {
  readonly instanceId: string;
  readonly atMs: number;
}

/** The gate's ledger: one item, changed only under its version. */
export interface GateState {
  readonly released: readonly ReleasedInstance[];
  readonly waits: readonly WaitRecord[];
  readonly peers: readonly PeerEstimate[];
  readonly delays: readonly AttachDelay[];
  /** The shortest time seen between two attaches of one node, per group (see `shortestAttachGapsMs`). */
  readonly gaps: readonly AttachDelay[];
  /** Nodes that reported reaching their wait point, while they wait (absent in ledgers written before reports). */
  readonly reports?: readonly ReadyReport[];
  /** Groups whose nodes have reported, with the last time one did (see `learnReportingGroups`). */
  readonly reportingGroups?: readonly ReportingGroup[];
  /**
   * Nodes the gate protected from scale-in while their group's instances waited, per group (see
   * `gate-protection.ts`); ids only, so that a ledger of thousands of nodes stays far under DynamoDB's 400 KB item.
   */
  readonly protectedInstances?: readonly ProtectedGroup[];
}

/** The instances of one group the gate protected from scale-in. */
export interface ProtectedGroup {
  readonly groupName: string;
  readonly instanceIds: readonly string[];
}

/** A group one of whose nodes reported reaching the wait point, and when the last one did. */
export interface ReportingGroup {
  readonly groupName: string;
  readonly atMs: number;
}

export const EMPTY_GATE_STATE: GateState = Object.freeze({
  released: [],
  waits: [],
  peers: [],
  delays: [],
  gaps: [],
});

/** The gate's ledger store (one DynamoDB item in AWS). */
export interface GateStateStore {
  readGate(): Promise<Versioned<GateState>>;
  /** Writes the ledger if its version is still `expectedVersion`, else throws ConcurrentUpdateError. */
  commitGate(next: GateState, expectedVersion: number): Promise<void>;
}
