import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSimulatedClients } from '../../../../shared/adapters/simulated/connect-to-simulator.js';
import {
  createSimulatedCapacityGuard,
  guardEnvFor,
} from '../../../../shared/simulation/capacity-guard-plugin.js';
import { withGuardMode } from '../../../../shared/simulator/guard-mode-variant.js';
import { parseScenario } from '../../../../shared/simulator/scenario.js';
import { RandomStreams } from '../../../../shared/simulator/seeded-random.js';
import { SimulatedAccount } from '../../../../shared/simulator/simulated-account.js';

const draws = (streams: RandomStreams, label: string, n: number) =>
  Array.from({ length: n }, () => streams.of(label).nextUint32());

describe('RandomStreams', () => {
  it('gives each label the same draws for a seed, whatever other labels drew before', () => {
    // Prepare
    const quiet = new RandomStreams(7);
    const busy = new RandomStreams(7);
    draws(busy, 'node:workers:0', 50);
    draws(busy, 'external:0', 3);
    // Act
    const alone = draws(quiet, 'node:workers:1', 5);
    const after = draws(busy, 'node:workers:1', 5);
    // Assess
    expect(after).toEqual(alone);
    expect(draws(new RandomStreams(8), 'node:workers:1', 5)).not.toEqual(alone);
    expect(draws(new RandomStreams(7), 'node:workers:2', 5)).not.toEqual(alone);
  });

  it('keeps what the scenario itself draws the same with or without a guard (common random numbers)', async () => {
    // Prepare: another workload attaches at its own pace while a group scales out, unguarded or through the gate.
    const scenario = parseScenario(
      JSON.parse(readFileSync(join(process.cwd(), 'scenarios/slow-start.json'), 'utf8')),
    );
    const withNeighbour = {
      ...scenario,
      durationMin: 5,
      externalConsumers: [
        {
          name: 'batch',
          subnetId: scenario.vpc.subnets[0]?.id ?? '',
          attachesPerMin: 10,
          eniLifetimeSec: 120,
          fromSec: 0,
          toSec: null,
          gapSpread: 0.2,
        },
      ],
    };
    const gated = withGuardMode(withNeighbour, 'gate');
    const neighbourAttempts = (account: SimulatedAccount) =>
      account.ec2.attachRecords.filter((r) => r.caller === 'batch').map((r) => r.timeMs);
    // Act
    const unguarded = new SimulatedAccount(withNeighbour, { seed: 3 });
    await unguarded.run();
    const guarded = new SimulatedAccount(gated, {
      seed: 3,
      guard: createSimulatedCapacityGuard({ env: guardEnvFor(gated) }),
      clientsFor: createSimulatedClients,
    });
    await guarded.run();
    // Assess
    expect(neighbourAttempts(unguarded).length).toBeGreaterThan(40);
    expect(neighbourAttempts(guarded)).toEqual(neighbourAttempts(unguarded));
  });
});
