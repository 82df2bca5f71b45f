import type { AlertState } from '../domain/alert-policy.js';
import type { CapacitySample } from '../domain/exhaustion-forecast.js';
import type { Versioned } from './guard-state-store.js';

export type { Versioned } from './guard-state-store.js';
export { ConcurrentUpdateError } from './guard-state-store.js';

/** One capacity sample of one subnet, kept until `expiresAtMs`. */
export interface SubnetSample {
  readonly subnetId: string;
  readonly sample: CapacitySample;
  readonly expiresAtMs: number;
}

/** What the capacity auditor remembers between runs: subnet samples and alert states. */
export interface AuditStore {
  /** Samples of one subnet taken at or after `sinceMs`, oldest first. */
  readSamples(subnetId: string, sinceMs: number): Promise<CapacitySample[]>;
  putSamples(samples: readonly SubnetSample[]): Promise<void>;
  /** Every stored alert state with its version. */
  listAlertStates(): Promise<Versioned<AlertState>[]>;
  /**
   * Writes one alert state if its stored version is still `expectedVersion` (0: must not exist yet);
   * otherwise throws `ConcurrentUpdateError`. `expiresAtMs` (optional) lets the store forget it.
   */
  putAlertState(state: AlertState, expectedVersion: number, expiresAtMs?: number): Promise<void>;
}
