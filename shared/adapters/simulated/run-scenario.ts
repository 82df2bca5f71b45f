import type { SimulatedGuard } from '../../simulator/guard-plugin.js';
import type { SimulationReport } from '../../simulator/metrics.js';
import type { Scenario } from '../../simulator/scenario.js';
import { SimulatedAccount } from '../../simulator/simulated-account.js';
import { createSimulatedClients } from './connect-to-simulator.js';

export interface RunScenarioOptions {
  readonly seed: number;
  readonly guard?: SimulatedGuard;
  readonly durationMin?: number;
  /** Fraction of simulated time done, 0..1. */
  readonly onProgress?: (fraction: number) => void;
}

/**
 * Runs a validated scenario to its end (optionally with a guard whose SDK clients are bridged to the
 * simulated account) and returns the report. Same scenario and seed, same report.
 *
 * @example
 * const report = await runScenario(parseScenario(json), { seed: 1 });
 */
export async function runScenario(
  scenario: Scenario,
  options: RunScenarioOptions,
): Promise<SimulationReport> {
  const account = new SimulatedAccount(scenario, {
    seed: options.seed,
    ...(options.guard ? { guard: options.guard } : {}),
    clientsFor: createSimulatedClients,
    ...(options.durationMin !== undefined ? { durationMin: options.durationMin } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return account.run();
}
