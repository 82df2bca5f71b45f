import {
  type AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetInstanceProtectionCommand,
} from '@aws-sdk/client-auto-scaling';
import { createSimulatedClients } from '../../../../shared/adapters/simulated/connect-to-simulator.js';
import { GUARD_AUTO_SCALING_WRITE_POLICY } from '../../../../shared/adapters/simulated/guard-iam-policy.js';
import type { GuardContext, SimulatedGuard } from '../../../../shared/simulator/guard-plugin.js';
import { parseScenario } from '../../../../shared/simulator/scenario.js';
import { SimulatedAccount } from '../../../../shared/simulator/simulated-account.js';
import { buildScenarioJson } from './builders.js';

const GUARD_ARN = 'arn:aws:sts::111122223333:assumed-role/capacity-guard/ops';

type Step = (autoScaling: AutoScalingClient, account: SimulatedAccount) => Promise<void>;

/** A guard that runs one scripted step every 20 s (20 s, 40 s, …), and nothing else. */
function scriptedGuard(account: () => SimulatedAccount, steps: readonly Step[]): SimulatedGuard {
  let tick = 0;
  return {
    name: 'scripted',
    identityArn: GUARD_ARN,
    autoScalingWritePolicy: GUARD_AUTO_SCALING_WRITE_POLICY,
    start: async () => undefined,
    onEvent: async () => undefined,
    schedules: [
      {
        name: 'script',
        everySec: 20,
        run: async (ctx: GuardContext) => {
          const step = steps[tick];
          tick += 1;
          if (step) await step(ctx.clients.autoScaling, account());
        },
      },
    ],
  };
}

function buildAccount(
  steps: readonly Step[],
  actions: unknown[],
  tags: Record<string, string> = { 'capacity-guard/enabled': 'true' },
) {
  const json = buildScenarioJson({ actions, durationMin: 4 });
  const [group] = json.groups as Record<string, unknown>[];
  const scenario = parseScenario({ ...json, groups: [{ ...group, desiredCapacity: 4, tags }] });
  let account: SimulatedAccount | undefined;
  account = new SimulatedAccount(scenario, {
    seed: 1,
    guard: scriptedGuard(() => account as SimulatedAccount, steps),
    clientsFor: createSimulatedClients,
  });
  return account;
}

const ids = (account: SimulatedAccount) =>
  account.groups.get('workers')?.members.map((m) => m.instanceId) ?? [];
const active = (account: SimulatedAccount) =>
  account.groups.get('workers')?.members.filter((m) => m.lifecycle !== 'Terminating') ?? [];
const protect = (instanceIds: string[], value: boolean) =>
  new SetInstanceProtectionCommand({
    AutoScalingGroupName: 'workers',
    InstanceIds: instanceIds,
    ProtectedFromScaleIn: value,
  });

describe('SetInstanceProtection (simulated Auto Scaling)', () => {
  it('keeps protected instances through a scale-in below them, then terminates down to desired once removed', async () => {
    // Prepare: the guard protects 3 of 4 at 20 s; the operator asks for 1 at 30 s; protection goes at 100 s
    const seen: { desired: number; active: number; protectedShown: number }[] = [];
    const look: Step = async (autoScaling) => {
      const [group] =
        (await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['workers'] })))
          .AutoScalingGroups ?? [];
      seen.push({
        desired: group?.DesiredCapacity ?? -1,
        active: (group?.Instances ?? []).filter((i) => i.LifecycleState !== 'Terminating').length,
        protectedShown: (group?.Instances ?? []).filter((i) => i.ProtectedFromScaleIn).length,
      });
    };
    let kept: string[] = [];
    const account = buildAccount(
      [
        async (autoScaling, acc) => {
          kept = ids(acc).slice(0, 3);
          await autoScaling.send(protect(kept, true));
        },
        async () => undefined,
        async () => undefined,
        look,
        async (autoScaling) => {
          await autoScaling.send(protect(kept, false));
        },
      ],
      [{ atSec: 30, group: 'workers', desired: 1, via: 'set-desired' }],
    );
    // Act
    const report = await account.run();
    // Assess: at 80 s the group kept its 3 protected instances with desired 1; at the end it runs 1
    expect(seen).toEqual([{ desired: 1, active: 3, protectedShown: 3 }]);
    expect(report.summary.groupsAtEnd[0]).toMatchObject({ desiredCapacity: 1, inService: 1 });
    expect(kept).toContain(active(account)[0]?.instanceId);
  });

  it('refuses a call naming an instance not in service (waiting at a launch hook), whole', async () => {
    // Prepare
    const account = buildAccount([], []);
    const group = account.groups.get('workers');
    const [waiting, inService] = group?.members ?? [];
    if (!waiting || !inService) throw new Error('no members');
    waiting.lifecycle = 'Pending:Wait';
    const { autoScaling } = createSimulatedClients(account, GUARD_ARN);
    // Act
    const call = autoScaling.send(protect([inService.instanceId, waiting.instanceId], true));
    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'ValidationError',
      message: `The instance ${waiting.instanceId} is not in InService or EnteringStandby or Standby.`,
    });
    expect(inService.protectedFromScaleIn).not.toBe(true);
  });

  it.each([
    ['an unknown group', { AutoScalingGroupName: 'nope' }, /AutoScalingGroup name not found - nope/],
    ['an instance of no group', { InstanceIds: ['i-0fffffffffffffff0'] }, /not part of Auto Scaling group/],
    [
      'more than 50 instances',
      { InstanceIds: Array.from({ length: 51 }, (_, i) => `i-${i}`) },
      /less than or equal to 50/,
    ],
  ])('refuses %s with a ValidationError naming it', async (_case, input, message) => {
    // Prepare
    const account = buildAccount([], []);
    const { autoScaling } = createSimulatedClients(account, GUARD_ARN);
    const command = new SetInstanceProtectionCommand({
      AutoScalingGroupName: 'workers',
      InstanceIds: ids(account).slice(0, 1),
      ProtectedFromScaleIn: true,
      ...input,
    });
    // Act
    const call = autoScaling.send(command);
    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(message),
    });
    expect(account.groups.get('workers')?.members.some((m) => m.protectedFromScaleIn)).toBe(false);
  });

  it("refuses the guard's call on a group its role does not cover, and records the attempt", async () => {
    // Prepare
    const account = buildAccount([], [], { team: 'shop' });
    const { autoScaling } = createSimulatedClients(account, GUARD_ARN);
    // Act
    const call = autoScaling.send(protect(ids(account).slice(0, 1), true));
    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('autoscaling:SetInstanceProtection'),
    });
    expect(account.groups.get('workers')?.members.some((m) => m.protectedFromScaleIn)).toBe(false);
  });
});
