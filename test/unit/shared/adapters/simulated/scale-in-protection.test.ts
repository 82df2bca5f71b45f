import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Mode, withMode } from '../../../../../bench/pacing-modes.js';
import { createSimulatedClients } from '../../../../../shared/adapters/simulated/connect-to-simulator.js';
import {
  createSimulatedCapacityGuard,
  guardEnvFor,
} from '../../../../../shared/simulation/capacity-guard-plugin.js';
import { parseScenario } from '../../../../../shared/simulator/scenario.js';
import { SimulatedAccount } from '../../../../../shared/simulator/simulated-account.js';

/**
 * black-friday with events 2 s late, as bench/pacing-modes.ts runs it: on seed 1 Auto Scaling has launched all 150
 * new nodes before the guard's first hold, which cuts 130 of them. Those must be nodes that attached nothing yet;
 * without scale-in protection the default termination policy took the 50 booted nodes first (closest to their
 * next billing hour).
 */
async function runBlackFriday(mode: typeof Mode.desired | typeof Mode.ceiling) {
  const raw = JSON.parse(readFileSync(join(process.cwd(), 'scenarios', 'black-friday.json'), 'utf8'));
  const scenario = withMode(parseScenario(raw), mode, 2);
  const guard = createSimulatedCapacityGuard({ env: guardEnvFor(scenario) });
  const account = new SimulatedAccount(scenario, { seed: 1, guard, clientsFor: createSimulatedClients });
  const cut: { instanceId: string; attached: boolean }[] = [];
  const terminate = account.autoScaling.terminate.bind(account.autoScaling);
  account.autoScaling.terminate = (group, member, activeBefore, reason) => {
    if (reason === undefined && group.desiredSetBy === guard.identityArn) {
      const enis = account.ec2.instances.get(member.instanceId)?.networkInterfaceIds ?? [];
      cut.push({ instanceId: member.instanceId, attached: enis.slice(1).some((id) => id !== null) });
    }
    terminate(group, member, activeBefore, reason);
  };
  const report = await account.run();
  return { report, cut, account };
}

describe.each([Mode.desired, Mode.ceiling])('black-friday, %s mode, seed 1, events 2 s late', (mode) => {
  it('no guard-caused termination hits a node that had attached, and no protection is left behind', async () => {
    // Act
    const { report, cut, account } = await runBlackFriday(mode);
    // Assess
    expect(report.summary.terminationsByGuard).toBe(cut.length);
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.filter((c) => c.attached)).toEqual([]);
    const members = [...account.groups.values()].flatMap((g) => g.members);
    expect(members.filter((m) => m.protectedFromScaleIn)).toEqual([]);
    expect(report.summary.groupsAtEnd[0]).toMatchObject({ desiredCapacity: 200, inService: 200 });
  });
});
