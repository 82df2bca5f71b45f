import { createSimulatedClients } from '../../../../../shared/adapters/simulated/connect-to-simulator.js';
import {
  createSimulatedCapacityGuard,
  guardEnvFor,
} from '../../../../../shared/simulation/capacity-guard-plugin.js';
import { withGuardMode } from '../../../../../shared/simulator/guard-mode-variant.js';
import { parseScenario } from '../../../../../shared/simulator/scenario.js';
import { SimulatedAccount } from '../../../../../shared/simulator/simulated-account.js';

/** 10 → 40 full m5.large nodes (2 attaches each) against a budget of 20 a minute: 60 attaches to pace. */
function scenarioJson(overrides: Record<string, unknown> = {}, hook: Record<string, unknown> = {}) {
  const base = withGuardMode(
    parseScenario({
      name: 'gate-burst',
      durationMin: 20,
      account: { attachBudgetPerMin: 20 },
      cluster: { name: 'shop', cni: {} },
      vpc: { subnets: [{ id: 'subnet-a', cidr: '10.0.0.0/20', availabilityZone: 'us-east-1a' }] },
      groups: [
        {
          name: 'workers',
          instanceType: 'm5.large',
          subnets: ['subnet-a'],
          minSize: 10,
          maxSize: 60,
          desiredCapacity: 10,
          podsPerNode: 27,
          tags: { 'capacity-guard/enabled': 'true' },
        },
      ],
      actions: [{ atSec: 60, group: 'workers', desired: 40, via: 'set-desired' }],
      ...overrides,
    }),
    'gate',
  );
  return {
    ...base,
    groups: base.groups.map((g) => ({
      ...g,
      launchHook: g.launchHook ? { ...g.launchHook, ...hook } : null,
    })),
  };
}

async function run(scenario: ReturnType<typeof scenarioJson>) {
  const account = new SimulatedAccount(scenario, {
    seed: 1,
    guard: createSimulatedCapacityGuard({ auditor: false, env: guardEnvFor(scenario) }),
    clientsFor: createSimulatedClients,
  });
  const report = await account.run();
  return { account, summary: report.summary };
}

describe('gate mode in the simulated account, with the deployed guard', () => {
  it('keeps every 60 s window within the budget without touching the group, and reaches the target', async () => {
    const { summary } = await run(scenarioJson());
    expect(summary.peakAttachCallsIn60s).toBeLessThanOrEqual(20);
    expect(summary.throttledAttaches).toBe(0);
    expect(summary.terminationsByGuard).toBe(0);
    expect(summary.gateTimeouts).toBe(0);
    expect(summary.groupsAtEnd).toEqual([
      { name: 'workers', minSize: 10, maxSize: 60, desiredCapacity: 40, inService: 40 },
    ]);
    expect(summary.guardCallsByAction.SetDesiredCapacity ?? 0).toBe(0);
    expect(summary.guardCallsByAction.UpdateAutoScalingGroup ?? 0).toBe(0);
  });

  it('stays within the budget when launch events come 2 minutes late (the pass reads the groups itself)', async () => {
    const late = scenarioJson({ timing: { autoScalingEventDelaySec: 120, cloudTrailDelaySec: 120 } });
    const { summary } = await run(late);
    expect(summary.throttledAttaches).toBe(0);
    expect(summary.nodesReadyAtEnd).toBe(40);
  });

  it('keeps the nodes in service through a scale-in while instances wait, and leaves none protected', async () => {
    // Prepare: 10 -> 40, then MaxSize 25 at 90 s while most new instances still wait at the hook.
    const scaleIn = scenarioJson({
      actions: [
        { atSec: 60, group: 'workers', desired: 40, via: 'set-desired' },
        { atSec: 90, group: 'workers', maxSize: 25, via: 'update-group' },
      ],
    });
    // Act
    const { account, summary } = await run(scaleIn);
    // Assess: Auto Scaling's policy alone cuts the 10 oldest nodes (closest to their billing hour).
    const original = [...account.ec2.instances.values()].filter(
      (i) => i.launchTimeMs < account.startEpochMs + 60_000,
    );
    expect(original).toHaveLength(10);
    expect(original.every((i) => i.state === 'running')).toBe(true);
    expect(summary.groupsAtEnd).toEqual([
      { name: 'workers', minSize: 10, maxSize: 25, desiredCapacity: 25, inService: 25 },
    ]);
    expect(summary.throttledAttaches).toBe(0);
    expect(summary.guardCallsByAction.SetInstanceProtection).toBeGreaterThan(0);
    expect(account.groups.get('workers')?.members.filter((m) => m.protectedFromScaleIn)).toEqual([]);
  });

  it('fails open with the guard down: every instance proceeds at the hook timeout', async () => {
    const down = scenarioJson(
      {
        actions: [
          { atSec: 0, via: 'guard-down', forSec: 1200 },
          { atSec: 60, group: 'workers', desired: 40, via: 'set-desired' },
        ],
      },
      { heartbeatTimeoutSec: 120 },
    );
    const { summary } = await run(down);
    expect(summary.gateTimeouts).toBe(30);
    expect(summary.gateWaits.maxSec).toBeGreaterThanOrEqual(120);
    expect(summary.nodesReadyAtEnd).toBe(40);
  });

  it('lets through and reports nodes whose user data does not wait at the hook', async () => {
    const { account, summary } = await run(scenarioJson({}, { nodeWaits: false }));
    const bypassed = account.putEvents.filter((e) => e['detail-type'] === 'Launch Gate Bypassed');
    expect(bypassed.length).toBeGreaterThan(0);
    expect(summary.nodesReadyAtEnd).toBe(40);
  });
});
