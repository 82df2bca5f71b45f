import { runScenario } from '../../shared/adapters/simulated/run-scenario.js';
import { createSimulatedCapacityGuard, guardEnvFor } from '../../shared/simulation/capacity-guard-plugin.js';
import type { SimulatedGuard } from '../../shared/simulator/guard-plugin.js';
import type { SimulationReport } from '../../shared/simulator/metrics.js';
import type { Scenario } from '../../shared/simulator/scenario.js';
import type { CliIo } from '../command.js';

function progressReporter(
  io: CliIo,
  label: string,
): { onProgress?: (fraction: number) => void; done: () => void } {
  if (!io.stderrIsTty) return { done: () => undefined };
  const startedMs = performance.now();
  let drawn = false;
  return {
    onProgress: (fraction) => {
      if (performance.now() - startedMs < 1000) return;
      drawn = true;
      io.stderr(`\r${label} ${Math.round(fraction * 100)}%`);
    },
    done: () => {
      if (drawn) io.stderr('\r\x1b[K');
    },
  };
}

async function runOnce(
  io: CliIo,
  scenario: Scenario,
  seed: number,
  durationMin: number | undefined,
  guard: SimulatedGuard | undefined,
) {
  const progress = progressReporter(io, `simulating ${scenario.name}${guard ? ' (guarded)' : ''}`);
  try {
    return await runScenario(scenario, {
      seed,
      ...(guard ? { guard } : {}),
      ...(durationMin !== undefined ? { durationMin } : {}),
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
  } finally {
    progress.done();
  }
}

/** Runs a scenario guarded (the capacity guard's real handlers) or unguarded; loaded only by `simulate`. */
export function simulateScenario(
  io: CliIo,
  scenario: Scenario,
  seed: number,
  durationMin: number | undefined,
  guarded: boolean,
): Promise<SimulationReport> {
  return runOnce(
    io,
    scenario,
    seed,
    durationMin,
    guarded ? createSimulatedCapacityGuard({ env: guardEnvFor(scenario) }) : undefined,
  );
}
