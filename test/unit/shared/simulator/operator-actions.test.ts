import {
  DescribeAutoScalingGroupsCommand,
  DescribeScheduledActionsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { createSimulatedClients } from '../../../../shared/adapters/simulated/connect-to-simulator.js';
import type { SimulatedGuard } from '../../../../shared/simulator/guard-plugin.js';
import { parseScenario, type Scenario } from '../../../../shared/simulator/scenario.js';
import { SimulatedAccount } from '../../../../shared/simulator/simulated-account.js';
import { buildScenarioJson } from './builders.js';

const GUARD_ARN = 'arn:aws:sts::111122223333:assumed-role/capacity-guard/ops';
const TRAIL = 'AWS API Call via CloudTrail';

function buildOpsScenario(actions: unknown[], overrides: Record<string, unknown> = {}): Scenario {
  return parseScenario({ ...buildScenarioJson(), actions, ...overrides });
}

function trailNames(account: SimulatedAccount): string[] {
  return account.deliveredEvents
    .filter((e) => e['detail-type'] === TRAIL)
    .map((e) => (e.detail as { eventName: string }).eventName);
}

async function describeGroups(account: SimulatedAccount) {
  const { autoScaling } = createSimulatedClients(account, GUARD_ARN);
  return (await autoScaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? [];
}

describe('operator actions in scenarios', () => {
  it('rejects an unknown via, an empty update and a bad tag value, naming the path', () => {
    // Act
    const unknown = () => buildOpsScenario([{ via: 'resize', atSec: 1, group: 'workers' }]);
    const empty = () => buildOpsScenario([{ via: 'update-group', atSec: 1, group: 'workers' }]);
    const tag = () => buildOpsScenario([{ via: 'tag', atSec: 1, group: 'workers', key: 'k', value: 3 }]);
    const delay = () =>
      buildOpsScenario([{ atSec: 1, group: 'workers', desired: 3, eventDelaySec: { min: 5, max: 1 } }]);
    // Assess
    expect(unknown).toThrow(/\$\.actions\[0\]\.via: "resize" is not valid \(expected one of set-desired, /);
    expect(empty).toThrow(/\$\.actions\[0\]: .* \(expected at least one of minSize, maxSize, desired\)/);
    expect(tag).toThrow('$.actions[0].value: 3 is not valid (expected a string of up to 256 characters');
    expect(delay).toThrow('$.actions[0].eventDelaySec.max: 1 is not valid (expected a number >= min (5))');
  });

  it('update-group changes the sizes with a CloudTrail record of the operator', async () => {
    // Prepare
    const scenario = buildOpsScenario([
      { via: 'update-group', atSec: 10, group: 'workers', minSize: 3, maxSize: 8 },
    ]);
    const account = new SimulatedAccount(scenario, { seed: 1 });
    // Act
    const report = await account.run();
    // Assess
    expect(report.summary.groupsAtEnd).toEqual([
      { name: 'workers', minSize: 3, maxSize: 8, desiredCapacity: 3, inService: 3 },
    ]);
    const trail = account.deliveredEvents.find((e) => e['detail-type'] === TRAIL);
    expect(trail?.detail).toMatchObject({
      eventName: 'UpdateAutoScalingGroup',
      userIdentity: { arn: 'arn:aws:iam::111122223333:user/operator' },
      requestParameters: { autoScalingGroupName: 'workers', minSize: 3, maxSize: 8 },
    });
  });

  it('scheduled-action changes capacity inside Auto Scaling: launches, no CloudTrail record', async () => {
    // Prepare
    const account = new SimulatedAccount(
      buildOpsScenario([{ via: 'scheduled-action', atSec: 10, group: 'workers', desired: 4 }]),
      { seed: 1 },
    );
    // Act
    const report = await account.run();
    // Assess
    expect(trailNames(account)).toEqual([]);
    expect(report.summary.launches).toBe(2);
    const launch = account.deliveredEvents.find((e) => e['detail-type'] === 'EC2 Instance Launch Successful');
    expect(launch?.detail).toMatchObject({
      Cause: expect.stringMatching(/a scheduled action update of AutoScalingGroup/),
    });
  });

  it('delete-group terminates every instance, shows Delete in progress, then the group is gone', async () => {
    // Prepare
    const scenario = buildOpsScenario(
      [
        { via: 'delete-group', atSec: 10, group: 'workers' },
        { atSec: 20, group: 'workers', desired: 3 },
      ],
      { durationMin: 2 },
    );
    const during = new SimulatedAccount(scenario, { seed: 1, durationMin: 0.25 });
    const after = new SimulatedAccount(scenario, { seed: 1 });
    // Act
    await during.run();
    const report = await after.run();
    // Assess
    expect((await describeGroups(during))[0]).toMatchObject({
      Status: 'Delete in progress',
      DesiredCapacity: 0,
    });
    expect(await describeGroups(after)).toEqual([]);
    expect(report.summary.terminations).toBe(2);
    expect(trailNames(after)).toEqual(['DeleteAutoScalingGroup', 'SetDesiredCapacity']);
    expect(report.summary.notes).toEqual([
      expect.stringMatching(
        /scale action 1 refused: ValidationError: AutoScalingGroup workers is pending delete/,
      ),
    ]);
  });

  it('tag sets and removes a group tag with CreateOrUpdateTags / DeleteTags records', async () => {
    // Prepare
    const account = new SimulatedAccount(
      buildOpsScenario([
        { via: 'tag', atSec: 5, group: 'workers', key: 'capacity-guard/pacing', value: 'ceiling' },
        { via: 'tag', atSec: 6, group: 'workers', key: 'capacity-guard/enabled', value: null },
      ]),
      { seed: 1 },
    );
    // Act
    await account.run();
    // Assess
    const tags = (await describeGroups(account))[0]?.Tags?.map((t) => `${t.Key}=${t.Value}`);
    expect(tags).toContain('capacity-guard/pacing=ceiling');
    expect(tags?.some((t) => t.startsWith('capacity-guard/enabled='))).toBe(false);
    expect(trailNames(account)).toEqual(['CreateOrUpdateTags', 'DeleteTags']);
  });

  it('set-pods changes the pods of every node, running ones included', async () => {
    // Prepare
    const more = buildOpsScenario([{ via: 'set-pods', atSec: 10, group: 'workers', podsPerNode: 25 }]);
    const fewer = buildOpsScenario([{ via: 'set-pods', atSec: 10, group: 'workers', podsPerNode: 5 }]);
    // Act
    const grown = await new SimulatedAccount(more, { seed: 1 }).run();
    const shrunk = await new SimulatedAccount(fewer, { seed: 1 }).run();
    // Assess
    expect(grown.timeline.at(-1)?.podsRunning).toBe(2 * 25);
    expect(shrunk.timeline.at(-1)?.podsRunning).toBe(2 * 5);
    expect(shrunk.timeline.at(-1)?.podsWaitingForIp).toBe(0);
  });

  it('kill-switch is recorded on the account and readable from the guard context', async () => {
    // Prepare
    const seen: boolean[] = [];
    const guard: SimulatedGuard = {
      name: 'reader',
      identityArn: GUARD_ARN,
      start: async () => undefined,
      onEvent: async () => undefined,
      schedules: [{ name: 'read', everySec: 30, run: async (ctx) => void seen.push(ctx.killSwitchOn()) }],
    };
    const scenario = buildOpsScenario(
      [
        { via: 'kill-switch', atSec: 45, on: true },
        { via: 'kill-switch', atSec: 100, on: false },
      ],
      { durationMin: 2 },
    );
    const account = new SimulatedAccount(scenario, { seed: 1, guard, clientsFor: createSimulatedClients });
    // Act
    await account.run();
    // Assess
    expect(seen).toEqual([false, true, true, false]);
    expect(account.killSwitchOn).toBe(false);
  });

  it('a mixed-instances group launches its types in turn', async () => {
    // Prepare
    const group = {
      ...(buildScenarioJson().groups as Record<string, unknown>[])[0],
      instanceType: undefined,
      instanceTypes: ['m5.large', 'c5.xlarge'],
      desiredCapacity: 1,
    };
    const scenario = parseScenario({
      ...buildScenarioJson(),
      groups: [group],
      actions: [{ atSec: 10, group: 'workers', desired: 4 }],
    });
    const account = new SimulatedAccount(scenario, { seed: 1 });
    // Act
    await account.run();
    // Assess
    const described = (await describeGroups(account))[0];
    expect(described?.Instances?.map((i) => i.InstanceType)).toEqual([
      'm5.large',
      'c5.xlarge',
      'm5.large',
      'c5.xlarge',
    ]);
    expect(described?.MixedInstancesPolicy?.LaunchTemplate?.Overrides).toEqual([
      { InstanceType: 'm5.large' },
      { InstanceType: 'c5.xlarge' },
    ]);
  });
});

describe('event delays', () => {
  it('draws a delay per event from a {min, max} range, so events can arrive out of order', async () => {
    // Prepare
    const scenario = buildOpsScenario([{ atSec: 10, group: 'workers', desired: 10 }], {
      timing: { autoScalingEventDelaySec: { min: 0, max: 60 } },
    });
    const account = new SimulatedAccount(scenario, { seed: 1 });
    // Act
    await account.run();
    // Assess
    const arrivals = account.deliveredEvents
      .filter((e) => e['detail-type'] === 'EC2 Instance Launch Successful')
      .map((e) => (e.detail as { EC2InstanceId: string }).EC2InstanceId);
    expect(arrivals).toHaveLength(8);
    expect(arrivals).not.toEqual([...arrivals].sort());
  });

  it("an action's eventDelaySec overrides when its CloudTrail record and its launches' events arrive", async () => {
    // Prepare
    const seen: { type: string; atMs: number }[] = [];
    const guard: SimulatedGuard = {
      name: 'listener',
      identityArn: GUARD_ARN,
      start: async () => undefined,
      onEvent: async (event, ctx) => void seen.push({ type: event['detail-type'], atMs: ctx.nowMs() }),
      schedules: [],
    };
    const scenario = buildOpsScenario([{ atSec: 10, group: 'workers', desired: 3, eventDelaySec: 200 }]);
    const account = new SimulatedAccount(scenario, { seed: 1, guard, clientsFor: createSimulatedClients });
    // Act
    await account.run();
    // Assess
    const startMs = account.startEpochMs;
    const trail = seen.find((s) => s.type === TRAIL);
    const launch = seen.find((s) => s.type === 'EC2 Instance Launch Successful');
    expect(trail?.atMs).toBe(startMs + 210_000);
    expect(launch?.atMs).toBeGreaterThanOrEqual(startMs + 211_000);
  });

  it('rejects a guard-crash without a known crash point, naming the path and the points', () => {
    // Act
    const missing = () => buildOpsScenario([{ via: 'guard-crash', atSec: 1 }]);
    const unknown = () => buildOpsScenario([{ via: 'guard-crash', atSec: 1, after: 'commit' }]);
    // Assess
    expect(missing).toThrow(
      '$.actions[0].after: missing is not valid (expected one of asg-write, asg-write-ambiguous)',
    );
    expect(unknown).toThrow(
      '$.actions[0].after: "commit" is not valid (expected one of asg-write, asg-write-ambiguous)',
    );
  });

  it.each([
    ['asg-write', 'GuardInvocationDiedError'],
    ['asg-write-ambiguous', 'Error'],
  ] as const)(
    'guard-crash %s: the write takes effect, the call fails, the invocation is told once',
    async (after, name) => {
      // Prepare
      const seen: { error: string; code?: string; desired?: number; next: string; crashed: boolean }[] = [];
      const guard: SimulatedGuard = {
        name: 'writer',
        identityArn: GUARD_ARN,
        start: async () => undefined,
        onEvent: async () => undefined,
        schedules: [
          {
            name: 'write-once',
            everySec: 20,
            run: async (ctx) => {
              if (seen.length > 0) return;
              const write = new SetDesiredCapacityCommand({
                AutoScalingGroupName: 'workers',
                DesiredCapacity: 4,
              });
              const error = await ctx.clients.autoScaling.send(write).then(
                () => undefined,
                (e: Error & { code?: string }) => e,
              );
              const next = await ctx.clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({})).then(
                (out) => String(out.AutoScalingGroups?.[0]?.DesiredCapacity),
                (e: Error) => e.name,
              );
              const crashed = ctx.takeCrash();
              const groups = await ctx.clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({}));
              seen.push({
                error: error?.name ?? 'none',
                ...(error?.code ? { code: error.code } : {}),
                desired: groups.AutoScalingGroups?.[0]?.DesiredCapacity,
                next,
                crashed,
              });
            },
          },
        ],
      };
      const scenario = buildOpsScenario([{ via: 'guard-crash', atSec: 10, after }], { durationMin: 1 });
      const account = new SimulatedAccount(scenario, { seed: 1, guard, clientsFor: createSimulatedClients });
      // Act
      const report = await account.run();
      // Assess
      expect(seen).toEqual([
        after === 'asg-write'
          ? { error: name, desired: 4, next: 'GuardInvocationDiedError', crashed: true }
          : { error: name, code: 'ECONNRESET', desired: 4, next: '4', crashed: false },
      ]);
      expect(report.summary.notes).toEqual([expect.stringContaining(`guard-crash after ${after}`)]);
    },
  );
});

describe('scheduled actions in scenarios', () => {
  async function describeScheduled(account: SimulatedAccount, input: Record<string, unknown> = {}) {
    const { autoScaling } = createSimulatedClients(account, GUARD_ARN);
    return autoScaling.send(
      new DescribeScheduledActionsCommand({ AutoScalingGroupName: 'workers', ...input }),
    );
  }

  it('lists each scheduled-action entry with its StartTime and sizes until it runs, then it is gone', async () => {
    // Prepare
    const scenario = buildOpsScenario(
      [
        { via: 'scheduled-action', atSec: 90, group: 'workers', minSize: 1, maxSize: 6 },
        { via: 'set-desired', atSec: 10, group: 'workers', desired: 3 },
        { via: 'scheduled-action', atSec: 30, group: 'workers', desired: 4 },
      ],
      { durationMin: 2 },
    );
    const before = new SimulatedAccount(scenario, { seed: 1, durationMin: 0.25 });
    const between = new SimulatedAccount(scenario, { seed: 1, durationMin: 1 });
    const after = new SimulatedAccount(scenario, { seed: 1 });
    // Act
    await Promise.all([before.run(), between.run(), after.run()]);
    // Assess
    const start = Date.parse(scenario.startTime);
    expect((await describeScheduled(before)).ScheduledUpdateGroupActions).toEqual([
      expect.objectContaining({
        AutoScalingGroupName: 'workers',
        ScheduledActionName: 'scenario-scheduled-2',
        StartTime: new Date(start + 30_000),
        DesiredCapacity: 4,
      }),
      expect.objectContaining({
        ScheduledActionName: 'scenario-scheduled-0',
        StartTime: new Date(start + 90_000),
        MinSize: 1,
        MaxSize: 6,
      }),
    ]);
    const later = (await describeScheduled(between)).ScheduledUpdateGroupActions ?? [];
    expect(later.map((a) => a.ScheduledActionName)).toEqual(['scenario-scheduled-0']);
    expect(later[0]?.DesiredCapacity).toBeUndefined();
    expect((await describeScheduled(after)).ScheduledUpdateGroupActions).toEqual([]);
  });

  it('is gone once run even when Auto Scaling refuses its sizes, and pages by MaxRecords', async () => {
    // Prepare
    const scenario = buildOpsScenario(
      [
        { via: 'scheduled-action', atSec: 10, group: 'workers', desired: 500 },
        { via: 'scheduled-action', atSec: 50, group: 'workers', desired: 3 },
        { via: 'scheduled-action', atSec: 60, group: 'workers', desired: 2 },
      ],
      { durationMin: 2 },
    );
    const account = new SimulatedAccount(scenario, { seed: 1, durationMin: 0.5 });
    // Act
    const report = await account.run();
    const first = await describeScheduled(account, { MaxRecords: 1 });
    const second = await describeScheduled(account, { MaxRecords: 1, NextToken: first.NextToken });
    const tooMany = describeScheduled(account, { MaxRecords: 101 });
    // Assess
    expect(report.summary.notes).toEqual([expect.stringMatching(/scale action 0 refused: ValidationError/)]);
    expect(first.ScheduledUpdateGroupActions?.map((a) => a.ScheduledActionName)).toEqual([
      'scenario-scheduled-1',
    ]);
    expect(second.ScheduledUpdateGroupActions?.map((a) => a.ScheduledActionName)).toEqual([
      'scenario-scheduled-2',
    ]);
    expect(second.NextToken).toBeUndefined();
    await expect(tooMany).rejects.toMatchObject({ name: 'ValidationError', message: /maxRecords/ });
  });
});
