import { join } from 'node:path';
import { loadScenario } from '../../../../../cli/commands/simulate.js';
import { createSimulatedClients } from '../../../../../shared/adapters/simulated/connect-to-simulator.js';
import {
  createSimulatedCapacityGuard,
  guardEnvFor,
} from '../../../../../shared/simulation/capacity-guard-plugin.js';
import { withGuardMode } from '../../../../../shared/simulator/guard-mode-variant.js';
import type { Scenario } from '../../../../../shared/simulator/scenario.js';
import { SimulatedAccount } from '../../../../../shared/simulator/simulated-account.js';

async function reportOf(scenario: Scenario) {
  const account = new SimulatedAccount(scenario, {
    seed: 1,
    guard: createSimulatedCapacityGuard({ auditor: false, env: guardEnvFor(scenario) }),
    clientsFor: createSimulatedClients,
  });
  return account.run();
}

async function summaryOf(scenario: Scenario) {
  return (await reportOf(scenario)).summary;
}

function operatorScenario(name: string, mode: 'desired' | 'ceiling' | 'gate'): Scenario {
  return withGuardMode(loadScenario(join(process.cwd(), 'scenarios', 'operator', `${name}.json`)), mode);
}

/** Scenarios where the operator acts mid-plan: the group ends as the operator last left it, in every mode. */
async function runGuarded(name: string, mode: 'desired' | 'ceiling' | 'gate') {
  return reportOf(operatorScenario(name, mode));
}

async function groupsAtEnd(name: string, mode: 'desired' | 'ceiling' | 'gate') {
  return (await summaryOf(operatorScenario(name, mode))).groupsAtEnd;
}

describe('operator acts mid-plan (scenarios/operator)', () => {
  it.each(['desired', 'ceiling', 'gate'] as const)(
    'max-size-mid-plan (%s): the group ends at the new MaxSize',
    async (mode) => {
      expect(await groupsAtEnd('max-size-mid-plan', mode)).toEqual([
        { name: 'shop-workers', minSize: 50, maxSize: 150, desiredCapacity: 150, inService: 150 },
      ]);
    },
    60_000,
  );

  it.each(['desired', 'ceiling', 'gate'] as const)(
    'scheduled-action-mid-plan (%s): the scheduled desired capacity is the newest intent',
    async (mode) => {
      const { summary } = await runGuarded('scheduled-action-mid-plan', mode);
      expect(summary.groupsAtEnd).toEqual([
        { name: 'shop-workers', minSize: 50, maxSize: 300, desiredCapacity: 120, inService: 120 },
      ]);
      expect(summary.peakAttachesIn60s).toBeLessThanOrEqual(summary.attachBudgetPerMin);
    },
    60_000,
  );

  it.each(['desired', 'ceiling', 'gate'] as const)(
    'scale-to-zero-mid-plan (%s): the group stays at zero',
    async (mode) => {
      expect(await groupsAtEnd('scale-to-zero-mid-plan', mode)).toEqual([
        { name: 'shop-workers', minSize: 0, maxSize: 0, desiredCapacity: 0, inService: 0 },
      ]);
    },
    60_000,
  );

  it.each([
    ['crash-after-asg-write', 'desired'],
    ['crash-after-asg-write-ambiguous', 'desired'],
    ['crash-after-asg-write', 'ceiling'],
    ['crash-after-asg-write-ambiguous', 'ceiling'],
  ] as const)(
    '%s (%s): paced again, ends at 200, launches as many nodes as without the crashes',
    async (name, mode) => {
      const scenario = operatorScenario(name, mode);
      const crashed = await summaryOf(scenario);
      const calm = await summaryOf({
        ...scenario,
        actions: scenario.actions.filter((a) => a.via !== 'guard-crash'),
      });
      expect(crashed.notes.filter((n) => n.includes('guard-crash'))).toHaveLength(3);
      expect(crashed.groupsAtEnd).toEqual([
        { name: 'shop-workers', minSize: 50, maxSize: 300, desiredCapacity: 200, inService: 200 },
      ]);
      expect(crashed.peakAttachesIn60s).toBeLessThanOrEqual(scenario.account.attachBudgetPerMin);
      expect(crashed.launches).toBeLessThanOrEqual(calm.launches);
      expect(crashed.terminationsByGuard).toBeLessThanOrEqual(calm.terminationsByGuard);
    },
    120_000,
  );

  it.each(['desired', 'ceiling', 'gate'] as const)(
    "desired-changes-mid-plan (%s): the group ends at the operator's last desired capacity",
    async (mode) => {
      const scenario = operatorScenario('desired-changes-mid-plan', mode);
      const summary = await summaryOf(scenario);
      expect(summary.notes).toEqual([]);
      expect(summary.groupsAtEnd).toEqual([
        { name: 'shop-workers', minSize: 50, maxSize: 300, desiredCapacity: 140, inService: 140 },
      ]);
      expect(summary.peakAttachesIn60s).toBeLessThanOrEqual(scenario.account.attachBudgetPerMin);
    },
    60_000,
  );

  it('black-friday (ceiling): the group ends at the 200 nodes asked for, not at the first ceiling', async () => {
    const scenario = withGuardMode(loadScenario('black-friday'), 'ceiling');
    const summary = await summaryOf(scenario);
    expect(summary.groupsAtEnd).toEqual([
      { name: 'shop-workers', minSize: 50, maxSize: 200, desiredCapacity: 200, inService: 200 },
    ]);
    expect(summary.nodesReadyAtEnd).toBe(200);
    expect(summary.peakAttachesIn60s).toBeLessThanOrEqual(scenario.account.attachBudgetPerMin);
  }, 60_000);

  it.each(['desired', 'ceiling', 'gate'] as const)(
    'reordered-intents (%s): a scale-out delivered after the newer correction is not revived',
    async (mode) => {
      const { summary } = await runGuarded('reordered-intents', mode);
      expect(summary.groupsAtEnd).toEqual([
        { name: 'shop-workers', minSize: 50, maxSize: 300, desiredCapacity: 60, inService: 60 },
      ]);
      expect(summary.peakAttachCallsIn60s).toBeLessThanOrEqual(summary.attachBudgetPerMin);
    },
    60_000,
  );

  it.each(['desired', 'ceiling'] as const)(
    'opt-out-mid-plan (%s): the simulated IAM lets the one hand-back through and the group ends at 200',
    async (mode) => {
      const { summary, timeline } = await runGuarded('opt-out-mid-plan', mode);
      expect(summary.groupsAtEnd).toEqual([
        { name: 'shop-workers', minSize: 50, maxSize: 300, desiredCapacity: 200, inService: 200 },
      ]);
      // While the guard paced the group (before the opt-out at 150 s), no minute went above the budget; the
      // hand-back then releases the rest at once, as the operator asked by opting out.
      const paced = timeline.filter((m) => m.minute <= 2);
      expect(paced.length).toBe(2);
      expect(Math.max(...paced.map((m) => m.attachCalls))).toBeLessThanOrEqual(summary.attachBudgetPerMin);
    },
    60_000,
  );
});
