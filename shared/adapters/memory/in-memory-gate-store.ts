import { EMPTY_GATE_STATE, type GateState, type GateStateStore } from '../../ports/gate-state-store.js';
import { ConcurrentUpdateError, type Versioned } from '../../ports/guard-state-store.js';

/** The gate's ledger in memory, with the DynamoDB store's version check (simulator and use-case tests). */
export class InMemoryGateStore implements GateStateStore {
  private state: Versioned<GateState> = { value: EMPTY_GATE_STATE, version: 0 };
  /** Every committed ledger, oldest first. */
  readonly commits: GateState[] = [];

  async readGate(): Promise<Versioned<GateState>> {
    return structuredClone(this.state);
  }

  async commitGate(next: GateState, expectedVersion: number): Promise<void> {
    if (expectedVersion !== this.state.version) {
      throw new ConcurrentUpdateError(
        `gate ledger version ${this.state.version}, expected ${expectedVersion}`,
      );
    }
    this.state = { value: structuredClone(next), version: this.state.version + 1 };
    this.commits.push(structuredClone(next));
  }
}
