import type { AlertState } from '../../domain/alert-policy.js';
import type { CapacitySample } from '../../domain/exhaustion-forecast.js';
import {
  type AuditStore,
  ConcurrentUpdateError,
  type SubnetSample,
  type Versioned,
} from '../../ports/audit-store.js';

/** The audit store in process memory: for one-off audits (the CLI), the simulator and tests. */
export class InMemoryAuditStore implements AuditStore {
  readonly samples = new Map<string, CapacitySample[]>();
  readonly alertStates = new Map<string, Versioned<AlertState>>();

  async readSamples(subnetId: string, sinceMs: number): Promise<CapacitySample[]> {
    return (this.samples.get(subnetId) ?? []).filter((sample) => sample.atMs >= sinceMs);
  }

  async putSamples(samples: readonly SubnetSample[]): Promise<void> {
    for (const { subnetId, sample } of samples) {
      const list = (this.samples.get(subnetId) ?? []).filter((other) => other.atMs !== sample.atMs);
      list.push(sample);
      list.sort((a, b) => a.atMs - b.atMs);
      this.samples.set(subnetId, list);
    }
  }

  async listAlertStates(): Promise<Versioned<AlertState>[]> {
    return [...this.alertStates.values()];
  }

  async putAlertState(state: AlertState, expectedVersion: number): Promise<void> {
    const current = this.alertStates.get(state.key)?.version ?? 0;
    if (current !== expectedVersion) {
      throw new ConcurrentUpdateError(
        `alert state ${state.key} is at version ${current}, not ${expectedVersion} (read it again)`,
      );
    }
    this.alertStates.set(state.key, { value: state, version: current + 1 });
  }
}
