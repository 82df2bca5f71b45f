import {
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
  PutLifecycleHookCommand,
  RecordLifecycleActionHeartbeatCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { createSimulatedClients } from '../../../../shared/adapters/simulated/connect-to-simulator.js';
import { GATE_DEFAULTS } from '../../../../shared/node-gate/gate-defaults.js';
import type {
  EventBridgeEnvelope,
  GuardContext,
  SimulatedGuard,
} from '../../../../shared/simulator/guard-plugin.js';
import { parseScenario, type Scenario } from '../../../../shared/simulator/scenario.js';
import { SimulatedAccount } from '../../../../shared/simulator/simulated-account.js';
import { buildScenarioJson } from './builders.js';

const GUARD_ARN = 'arn:aws:sts::111122223333:assumed-role/capacity-guard/gate';
const LIFECYCLE_EVENT = 'EC2 Instance-launch Lifecycle Action';

interface LifecycleDetail {
  LifecycleActionToken: string;
  AutoScalingGroupName: string;
  LifecycleHookName: string;
  EC2InstanceId: string;
}

/** A workers group (2 nodes, 20 pods each, scaled to 6 at 30 s) with a launch hook. */
function buildGatedScenario(
  hook: Record<string, unknown> = {},
  overrides: Record<string, unknown> = {},
): Scenario {
  const base = buildScenarioJson();
  const group = { ...(base.groups as Record<string, unknown>[])[0], launchHook: hook };
  return parseScenario({ ...base, groups: [group], ...overrides });
}

/**
 * A test guard: records every event with its arrival time and, on its schedule, calls what `act` asks for
 * each lifecycle action it has seen (through the real Auto Scaling client).
 */
function buildGateGuard(options: {
  everySec: number;
  act: (nowSec: number) => 'complete' | 'abandon' | 'heartbeat' | 'none';
  byInstanceId?: boolean;
}) {
  const seen: { atMs: number; event: EventBridgeEnvelope }[] = [];
  const scheduleRunsMs: number[] = [];
  const open: LifecycleDetail[] = [];
  let startMs = 0;
  const guard: SimulatedGuard = {
    name: 'gate-test',
    identityArn: GUARD_ARN,
    start: async (ctx) => {
      startMs = ctx.nowMs();
    },
    onEvent: async (event, ctx) => {
      seen.push({ atMs: ctx.nowMs() - startMs, event });
      if (event['detail-type'] === LIFECYCLE_EVENT) open.push(event.detail as unknown as LifecycleDetail);
    },
    schedules: [
      {
        name: 'gate',
        everySec: options.everySec,
        run: async (ctx: GuardContext) => {
          const nowMs = ctx.nowMs() - startMs;
          scheduleRunsMs.push(nowMs);
          const what = options.act(nowMs / 1000);
          if (what === 'none') return;
          for (const detail of [...open]) {
            const target = {
              AutoScalingGroupName: detail.AutoScalingGroupName,
              LifecycleHookName: detail.LifecycleHookName,
              ...(options.byInstanceId
                ? { InstanceId: detail.EC2InstanceId }
                : { LifecycleActionToken: detail.LifecycleActionToken }),
            };
            if (what === 'heartbeat') {
              // Once the wait has ended (the global timeout), Auto Scaling refuses the heartbeat.
              await ctx.clients.autoScaling
                .send(new RecordLifecycleActionHeartbeatCommand(target))
                .catch(() => open.splice(open.indexOf(detail), 1));
              continue;
            }
            await ctx.clients.autoScaling.send(
              new CompleteLifecycleActionCommand({
                ...target,
                LifecycleActionResult: what === 'complete' ? 'CONTINUE' : 'ABANDON',
              }),
            );
            open.splice(open.indexOf(detail), 1);
          }
        },
      },
    ],
  };
  return { guard, seen, scheduleRunsMs };
}

function runAccount(scenario: Scenario, guard?: SimulatedGuard, seed = 1) {
  const account = new SimulatedAccount(scenario, {
    seed,
    clientsFor: createSimulatedClients,
    ...(guard ? { guard } : {}),
  });
  return { account, run: () => account.run() };
}

/** Instances launched during the run (not among the starting ones). */
function launchedIds(account: SimulatedAccount, before: ReadonlySet<string>): string[] {
  return [...account.ec2.instances.keys()].filter((id) => !before.has(id) && id.startsWith('i-'));
}

describe('scenario launchHook and guard-down', () => {
  it('fills the hook defaults and gatePollSec', () => {
    // Act
    const scenario = buildGatedScenario();
    // Assess
    expect(scenario.groups[0]?.launchHook).toEqual({
      name: 'capacity-guard-launch-gate',
      heartbeatTimeoutSec: 600,
      defaultResult: 'CONTINUE',
      nodeWaits: true,
      nodeReports: false,
    });
    expect(scenario.timing.gatePollSec).toBe(GATE_DEFAULTS.pollSec);
  });

  it('names the field, the value and the expected form of a bad hook', () => {
    // Act
    const short = () => buildGatedScenario({ heartbeatTimeoutSec: 20 });
    const result = () => buildGatedScenario({ defaultResult: 'continue' });
    const typo = () => buildGatedScenario({ nodeWait: false });
    const guardDown = () =>
      parseScenario({ ...buildScenarioJson(), actions: [{ via: 'guard-down', atSec: 10 }] });
    // Assess
    expect(short).toThrow(
      '$.groups[0].launchHook.heartbeatTimeoutSec: 20 is not valid (expected a whole number in 30..7200)',
    );
    expect(result).toThrow(
      `$.groups[0].launchHook.defaultResult: "continue" is not valid (expected 'CONTINUE' or 'ABANDON')`,
    );
    expect(typo).toThrow(/\$\.groups\[0\]\.launchHook\.nodeWait: unknown key/);
    expect(() => buildGatedScenario({ nodeWaits: false, nodeReports: true })).toThrow(
      '$.groups[0].launchHook.nodeReports: true is not valid (expected false when nodeWaits is false (only a waiting node reports))',
    );
    expect(guardDown).toThrow(
      '$.actions[0].forSec: missing is not valid (expected a number in 1..1000000000)',
    );
  });
});

describe('launch lifecycle hook', () => {
  it('holds new instances in Pending:Wait, announces each with a token, and attaches nothing before release', async () => {
    // Prepare
    const scenario = buildGatedScenario({ heartbeatTimeoutSec: 7200 }, { durationMin: 4 });
    const { account, run } = runAccount(scenario);
    const before = new Set(account.ec2.instances.keys());
    // Act
    await run();
    const { autoScaling } = createSimulatedClients(account, GUARD_ARN);
    const groups = await autoScaling.send(new DescribeAutoScalingGroupsCommand({}));
    // Assess
    const instances = groups.AutoScalingGroups?.[0]?.Instances ?? [];
    const waiting = instances.filter((i) => i.LifecycleState === 'Pending:Wait');
    expect(waiting).toHaveLength(4);
    expect(waiting[0]).toMatchObject({ InstanceType: 'm5.large', AvailabilityZone: 'us-east-1a' });
    const actions = account.deliveredEvents.filter((e) => e['detail-type'] === LIFECYCLE_EVENT);
    expect(actions.map((e) => e.detail)).toEqual(
      waiting.map((i) =>
        expect.objectContaining({
          LifecycleActionToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
          AutoScalingGroupName: 'workers',
          LifecycleHookName: 'capacity-guard-launch-gate',
          EC2InstanceId: i.InstanceId,
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
          Origin: 'EC2',
          Destination: 'AutoScalingGroup',
        }),
      ),
    );
    const launched = new Set(launchedIds(account, before));
    expect(launched.size).toBe(4);
    expect(account.ec2.attachRecords.filter((r) => launched.has(r.caller))).toEqual([]);
    expect(account.deliveredEvents.some((e) => e['detail-type'] === 'EC2 Instance Launch Successful')).toBe(
      false,
    );
  });

  it('lets an instance proceed on CompleteLifecycleAction CONTINUE: ipamd starts only after the release', async () => {
    // Prepare
    const { guard } = buildGateGuard({ everySec: 60, act: (sec) => (sec >= 120 ? 'complete' : 'none') });
    const scenario = buildGatedScenario({ heartbeatTimeoutSec: 7200 });
    const { account, run } = runAccount(scenario, guard);
    const before = new Set(account.ec2.instances.keys());
    // Act
    const report = await run();
    // Assess
    const releaseMs = account.startEpochMs + 120_000;
    const launched = new Set(launchedIds(account, before));
    const attaches = account.ec2.attachRecords.filter((r) => launched.has(r.caller));
    expect(attaches.length).toBeGreaterThan(0);
    expect(Math.min(...attaches.map((r) => r.timeMs))).toBeGreaterThanOrEqual(releaseMs);
    expect(report.summary.gateWaits.count).toBe(4);
    expect(report.summary.gateTimeouts).toBe(0);
    expect(report.summary.nodesReadyAtEnd).toBe(6);
    expect(report.summary.groupsAtEnd).toEqual([
      { name: 'workers', minSize: 1, maxSize: 10, desiredCapacity: 6, inService: 6 },
    ]);
    const successes = account.deliveredEvents.filter(
      (e) => e['detail-type'] === 'EC2 Instance Launch Successful',
    );
    expect(successes).toHaveLength(4);
    for (const success of successes)
      expect(Date.parse((success.detail as { EndTime: string }).EndTime)).toBe(releaseMs);
    expect(report.summary.guardCallsByAction).toEqual({ CompleteLifecycleAction: 4 });
  });

  it('a reporting node says when it reaches its wait point, once, with PutEvents; a node released before says nothing', async () => {
    // Prepare: released at 75 s, while some of the 4 new nodes (launched about 32 s, at their wait point 35-65 s
    // later) still boot.
    const releaseSec = 75;
    const { guard, seen } = buildGateGuard({
      everySec: 5,
      act: (sec) => (sec >= releaseSec ? 'complete' : 'none'),
    });
    const scenario = buildGatedScenario({ heartbeatTimeoutSec: 7200, nodeReports: true }, { durationMin: 4 });
    const { account, run } = runAccount(scenario, guard);
    const before = new Set(account.ec2.instances.keys());
    // Act
    await run();
    // Assess
    const launched = launchedIds(account, before);
    const reports = seen.filter((s) => s.event.source === 'capacity-guard.node');
    const reported = reports.map((r) => (r.event.detail as { 'instance-id': string })['instance-id']);
    expect(new Set(reported).size).toBe(reported.length);
    for (const id of reported) expect(launched).toContain(id);
    for (const r of reports) {
      expect(r.event['detail-type']).toBe('Launch Gate Node Waiting');
      // Sent at its wait point (before the release), delivered after the custom event delay.
      expect(r.atMs).toBeLessThanOrEqual((releaseSec + scenario.timing.customEventDelaySec.max) * 1000);
    }
    const firstAttachMs = (id: string) =>
      Math.min(...account.ec2.attachRecords.filter((a) => a.caller === id).map((a) => a.timeMs));
    // Nodes that had not reached the wait point by the release read InService at once: no report.
    const silent = launched.filter((id) => !reported.includes(id));
    expect(reported.length).toBeGreaterThan(0);
    expect(silent.length).toBeGreaterThan(0);
    expect(reported.length + silent.length).toBe(4);
    for (const id of launched)
      expect(firstAttachMs(id)).toBeGreaterThanOrEqual(account.startEpochMs + releaseSec * 1000);
    expect(account.putEvents.filter((e) => e.source === 'capacity-guard.node')).toHaveLength(reported.length);
  });

  it('accepts CompleteLifecycleAction by InstanceId', async () => {
    // Prepare
    const { guard } = buildGateGuard({ everySec: 60, act: () => 'complete', byInstanceId: true });
    // Act
    const report = await runAccount(buildGatedScenario({ heartbeatTimeoutSec: 7200 }), guard).run();
    // Assess
    expect(report.summary.gateWaits.count).toBe(4);
    expect(report.summary.nodesReadyAtEnd).toBe(6);
  });

  it('proceeds at the heartbeat timeout with DefaultResult CONTINUE', async () => {
    // Act
    const report = await runAccount(buildGatedScenario({ heartbeatTimeoutSec: 60 })).run();
    // Assess
    expect(report.summary.gateTimeouts).toBe(4);
    expect(report.summary.gateWaits).toEqual({ count: 4, medianSec: 60, maxSec: 60 });
    expect(report.summary.nodesReadyAtEnd).toBe(6);
  });

  it('restarts the timeout on RecordLifecycleActionHeartbeat, up to 100 heartbeat timeouts in all', async () => {
    // Prepare
    const { guard } = buildGateGuard({ everySec: 20, act: () => 'heartbeat' });
    const scenario = buildGatedScenario({ heartbeatTimeoutSec: 30 }, { durationMin: 60 });
    // Act
    const report = await runAccount(scenario, guard).run();
    // Assess
    expect(report.summary.gateTimeouts).toBe(4);
    expect(report.summary.gateWaits).toEqual({ count: 4, medianSec: 3000, maxSec: 3000 });
  });

  it('keeps the instance waiting while heartbeats arrive', async () => {
    // Prepare
    const { guard } = buildGateGuard({ everySec: 20, act: () => 'heartbeat' });
    const scenario = buildGatedScenario({ heartbeatTimeoutSec: 30 }, { durationMin: 5 });
    // Act
    const report = await runAccount(scenario, guard).run();
    // Assess
    expect(report.summary.gateTimeouts).toBe(0);
    expect(report.summary.nodesReadyAtEnd).toBe(2);
    expect(report.summary.groupsAtEnd[0]?.inService).toBe(2);
  });

  it('terminates an abandoned instance and launches a replacement', async () => {
    // Prepare
    let abandoned = false;
    const { guard } = buildGateGuard({
      everySec: 60,
      act: () => {
        if (abandoned) return 'complete';
        abandoned = true;
        return 'abandon';
      },
    });
    // Act
    const { account, run } = runAccount(buildGatedScenario({ heartbeatTimeoutSec: 7200 }), guard);
    const report = await run();
    // Assess
    expect(report.summary.terminations).toBe(4);
    expect(report.summary.terminationsByGuard).toBe(0);
    expect(report.summary.launches).toBe(8);
    expect(report.summary.nodesReadyAtEnd).toBe(6);
    expect(
      account.deliveredEvents.filter((e) => e['detail-type'] === 'EC2 Instance Terminate Successful'),
    ).toHaveLength(4);
  });

  it('terminates at the timeout with DefaultResult ABANDON', async () => {
    // Act
    const scenario = buildGatedScenario(
      { heartbeatTimeoutSec: 30, defaultResult: 'ABANDON' },
      { durationMin: 2 },
    );
    const report = await runAccount(scenario).run();
    // Assess
    expect(report.summary.terminations).toBeGreaterThanOrEqual(4);
    expect(report.summary.gateTimeouts).toBe(0);
    expect(report.summary.nodesReadyAtEnd).toBe(2);
  });

  it('boots through the wait when the node does not wait (a hook without the user data snippet)', async () => {
    // Prepare
    const scenario = buildGatedScenario({ heartbeatTimeoutSec: 7200, nodeWaits: false }, { durationMin: 4 });
    const { account, run } = runAccount(scenario);
    const before = new Set(account.ec2.instances.keys());
    // Act
    const report = await run();
    // Assess
    const launched = new Set(launchedIds(account, before));
    expect(account.ec2.attachRecords.filter((r) => launched.has(r.caller)).length).toBeGreaterThan(0);
    expect(report.summary.nodesReadyAtEnd).toBe(6);
    expect(report.summary.groupsAtEnd[0]?.inService).toBe(2);
  });

  it('answers the real ValidationError for an instance that is not waiting or a hook that does not exist', async () => {
    // Prepare
    const account = new SimulatedAccount(buildGatedScenario(), { seed: 1 });
    const { autoScaling } = createSimulatedClients(account, GUARD_ARN);
    const running = [...account.groups.values()][0]?.members[0]?.instanceId ?? '';
    const complete = (hook: string, ref: { InstanceId?: string; LifecycleActionToken?: string }) =>
      autoScaling
        .send(
          new CompleteLifecycleActionCommand({
            AutoScalingGroupName: 'workers',
            LifecycleHookName: hook,
            LifecycleActionResult: 'CONTINUE',
            ...ref,
          }),
        )
        .catch((error: unknown) => error);
    // Act
    const byInstance = await complete('capacity-guard-launch-gate', { InstanceId: running });
    const byToken = await complete('capacity-guard-launch-gate', { LifecycleActionToken: 'a-token' });
    const noHook = await complete('other', { InstanceId: running });
    // Assess
    expect(byInstance).toBeInstanceOf(AutoScalingServiceException);
    expect(byInstance).toMatchObject({
      name: 'ValidationError',
      message: `No active Lifecycle Action found with instance ID ${running}`,
    });
    expect(byToken).toMatchObject({ message: 'No active Lifecycle Action found with token a-token' });
    expect(noHook).toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/other/) });
  });

  it('answers PutLifecycleHook and DescribeLifecycleHooks, validating HeartbeatTimeout and DefaultResult', async () => {
    // Prepare
    const account = new SimulatedAccount(parseScenario(buildScenarioJson()), { seed: 1 });
    const { autoScaling } = createSimulatedClients(account, GUARD_ARN);
    const put = (input: Record<string, unknown>) =>
      autoScaling
        .send(
          new PutLifecycleHookCommand({
            AutoScalingGroupName: 'workers',
            LifecycleHookName: 'gate',
            LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
            ...input,
          }),
        )
        .catch((error: unknown) => error);
    // Act
    const tooShort = await put({ HeartbeatTimeout: 20 });
    const badResult = await put({ DefaultResult: 'MAYBE' });
    await put({ HeartbeatTimeout: 300, DefaultResult: 'CONTINUE' });
    const described = await autoScaling.send(
      new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'workers' }),
    );
    // Assess
    expect(tooShort).toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/30\.\.7200/) });
    expect(badResult).toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/CONTINUE or ABANDON/),
    });
    expect(described.LifecycleHooks).toEqual([
      {
        LifecycleHookName: 'gate',
        AutoScalingGroupName: 'workers',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
        HeartbeatTimeout: 300,
        GlobalTimeout: 30_000,
        DefaultResult: 'CONTINUE',
      },
    ]);
  });

  it('a hook put during the run holds the launches that follow', async () => {
    // Prepare
    const account = new SimulatedAccount(parseScenario(buildScenarioJson()), { seed: 1 });
    const { autoScaling } = createSimulatedClients(account, GUARD_ARN);
    await autoScaling.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: 'workers',
        LifecycleHookName: 'gate',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
        HeartbeatTimeout: 7200,
      }),
    );
    // Act
    const report = await account.run();
    // Assess
    expect(report.summary.eventsEmitted[LIFECYCLE_EVENT]).toBe(4);
    expect(report.summary.groupsAtEnd[0]?.inService).toBe(2);
  });

  it('scales in waiting instances like any other: the default policy picks the instances closest to their billing hour', async () => {
    // Prepare: the starting nodes ran for an hour before second 0, the new ones wait at the gate
    const scenario = buildGatedScenario(
      { heartbeatTimeoutSec: 7200 },
      {
        durationMin: 3,
        actions: [
          { atSec: 30, group: 'workers', desired: 6 },
          { atSec: 90, group: 'workers', desired: 4 },
        ],
      },
    );
    const { account, run } = runAccount(scenario);
    const starting = new Set(account.ec2.instances.keys());
    // Act
    const report = await run();
    // Assess
    const members = [...account.groups.values()][0]?.members ?? [];
    expect(report.summary.terminations).toBe(2);
    expect(members.filter((m) => m.lifecycle === 'Pending:Wait')).toHaveLength(4);
    expect(members.filter((m) => starting.has(m.instanceId))).toHaveLength(0);
  });
});

describe('guard-down', () => {
  it('runs no schedule and delivers no event while down; the held events arrive when it is back', async () => {
    // Prepare
    const { guard, seen, scheduleRunsMs } = buildGateGuard({ everySec: 10, act: () => 'none' });
    const scenario = buildGatedScenario(
      { heartbeatTimeoutSec: 7200 },
      {
        durationMin: 3,
        actions: [
          { atSec: 30, group: 'workers', desired: 6 },
          { via: 'guard-down', atSec: 25, forSec: 95 },
        ],
      },
    );
    // Act
    await runAccount(scenario, guard).run();
    // Assess
    expect(scheduleRunsMs.filter((ms) => ms >= 25_000 && ms < 120_000)).toEqual([]);
    expect(scheduleRunsMs).toContain(120_000);
    const arrivals = seen.map((s) => s.atMs);
    expect(arrivals.length).toBeGreaterThan(4);
    expect(arrivals.every((ms) => ms >= 120_000)).toBe(true);
    const trail = seen.find((s) => s.event['detail-type'] === 'AWS API Call via CloudTrail');
    expect(trail?.atMs).toBe(120_000);
  });
});

describe('guard call figures', () => {
  it('counts the guard calls by action, its peak EC2 Describe calls in 60 s and terminations it caused', async () => {
    // Prepare
    const guard: SimulatedGuard = {
      name: 'shrinker',
      identityArn: GUARD_ARN,
      start: async () => undefined,
      onEvent: async () => undefined,
      schedules: [
        {
          name: 'poll',
          everySec: 20,
          run: async (ctx) => {
            await ctx.clients.ec2.send(new DescribeSubnetsCommand({}));
            await ctx.clients.ec2.send(new DescribeSubnetsCommand({}));
            if (ctx.nowMs() % 120_000 === 0)
              await ctx.clients.autoScaling.send(
                new SetDesiredCapacityCommand({ AutoScalingGroupName: 'workers', DesiredCapacity: 1 }),
              );
          },
        },
      ],
    };
    // Act
    const report = await runAccount(
      parseScenario({ ...buildScenarioJson(), actions: [], durationMin: 3 }),
      guard,
    ).run();
    // Assess
    expect(report.summary.guardCallsByAction).toEqual({ DescribeSubnets: 18, SetDesiredCapacity: 1 });
    expect(report.summary.peakGuardDescribeCallsPerMin).toBe(6);
    expect(report.summary.terminationsByGuard).toBe(1);
    expect(report.summary.terminations).toBe(1);
  });
});
