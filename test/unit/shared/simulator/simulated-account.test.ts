import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSimulatedClients } from '../../../../shared/adapters/simulated/connect-to-simulator.js';
import type { SimulatedGuard } from '../../../../shared/simulator/guard-plugin.js';
import { parseScenario, ScenarioValidationError } from '../../../../shared/simulator/scenario.js';
import { SimulatedAccount } from '../../../../shared/simulator/simulated-account.js';
import { buildScenario, buildScenarioJson } from './builders.js';

const scenariosDir = join(process.cwd(), 'scenarios');
const loadBundled = (name: string) =>
  parseScenario(JSON.parse(readFileSync(join(scenariosDir, `${name}.json`), 'utf8')));

describe('SimulatedAccount', () => {
  it('gives byte-identical reports for the same seed and different ones for another seed', async () => {
    // Prepare
    const scenario = buildScenario();
    // Act
    const first = JSON.stringify(await new SimulatedAccount(scenario, { seed: 42 }).run());
    const second = JSON.stringify(await new SimulatedAccount(scenario, { seed: 42 }).run());
    const other = JSON.stringify(await new SimulatedAccount(scenario, { seed: 43 }).run());
    // Assess
    expect(second).toBe(first);
    expect(other).not.toBe(first);
  });

  it('launches to the new desired capacity, emits launch and CloudTrail events, and runs every pod', async () => {
    // Prepare
    const scenario = buildScenario();
    const account = new SimulatedAccount(scenario, { seed: 1 });
    // Act
    const report = await account.run();
    // Assess
    expect(report.summary.nodesReadyAtEnd).toBe(6);
    expect(report.summary.eventsEmitted['EC2 Instance Launch Successful']).toBe(4);
    expect(report.timeline.at(-1)?.podsRunning).toBe(6 * 20);
    const trail = account.deliveredEvents.find((e) => e['detail-type'] === 'AWS API Call via CloudTrail');
    expect(trail?.detail).toMatchObject({
      eventName: 'SetDesiredCapacity',
      userIdentity: { arn: 'arn:aws:iam::111122223333:user/operator' },
      requestParameters: { autoScalingGroupName: 'workers', desiredCapacity: 6 },
    });
  });

  it('notes when each launched node first runs all its pods: the last of them is when all pods run', async () => {
    // Prepare
    const scenario = buildScenario();
    const account = new SimulatedAccount(scenario, { seed: 1 });
    // Act
    const report = await account.run();
    // Assess
    const times = [...account.nodes.keys()].map((id) => account.cluster.allPodsRunningAtMs.get(id));
    const firstActionMs = account.startEpochMs + 30_000;
    const scaledOut = times.filter((t) => t !== undefined && t > firstActionMs) as number[];
    expect(times).toHaveLength(6);
    expect(times.every((t) => t !== undefined)).toBe(true);
    expect(scaledOut).toHaveLength(4);
    expect(Math.round((Math.max(...scaledOut) - firstActionMs) / 1000)).toBe(
      report.summary.timeUntilAllPodsRunSec,
    );
  });

  it('emits EC2 Instance Launch Unsuccessful with the out-of-addresses StatusMessage', async () => {
    // Prepare
    const scenario = buildScenario({
      vpc: { subnets: [{ id: 'subnet-a', cidr: '10.0.0.0/28', availabilityZone: 'us-east-1a' }] },
      groups: [{ ...(buildScenarioJson().groups as object[])[0], desiredCapacity: 1, podsPerNode: 0 }],
    });
    const account = new SimulatedAccount(scenario, { seed: 1 });
    // Act
    const report = await account.run();
    // Assess
    const failure = account.deliveredEvents.find(
      (e) => e['detail-type'] === 'EC2 Instance Launch Unsuccessful',
    );
    expect(failure?.detail).toMatchObject({
      StatusCode: 'Failed',
      StatusMessage:
        "There are not enough free addresses in subnet 'subnet-a' to satisfy the requested number of instances. Launching EC2 instance failed.",
    });
    expect(report.summary.firstAllocationFailureSec).not.toBeNull();
  });

  it('terminates on scale-in and frees the node addresses', async () => {
    // Prepare
    const scenario = buildScenario({
      groups: [{ ...(buildScenarioJson().groups as object[])[0], desiredCapacity: 4 }],
      actions: [{ atSec: 30, group: 'workers', desired: 1 }],
    });
    const account = new SimulatedAccount(scenario, { seed: 3 });
    const freeBefore = account.ec2.subnet('subnet-a').addresses.availableIpCount;
    // Act
    const report = await account.run();
    // Assess
    expect(report.summary.eventsEmitted['EC2 Instance Terminate Successful']).toBe(3);
    expect(account.ec2.subnet('subnet-a').addresses.availableIpCount).toBeGreaterThan(freeBefore + 3 * 20);
  });

  it('unguarded black-friday goes over 40 attach calls in a 60 s window, throttles attaches and leaves pods waiting', async () => {
    // Act
    const report = await new SimulatedAccount(loadBundled('black-friday'), { seed: 1 }).run();
    // Assess
    expect(report.summary.peakAttachCallsIn60s).toBeGreaterThan(40);
    expect(report.summary.peakAttachesIn60s).toBeLessThanOrEqual(40);
    expect(report.summary.throttledAttaches).toBeGreaterThan(0);
    expect(report.summary.podMinutesWaitingForIp).toBeGreaterThan(0);
    expect(report.summary.totalAttaches).toBe(300);
  });

  it('prefix-fragmented fails prefixes with InsufficientCidrBlocks although single IPs are free', async () => {
    // Act
    const report = await new SimulatedAccount(loadBundled('prefix-fragmented'), { seed: 1 }).run();
    // Assess
    expect(report.summary.firstAllocationFailure).toMatch(/^InsufficientCidrBlocks/);
    expect(report.timeline[0]?.subnets[0]?.freeIps).toBeGreaterThan(100);
  });

  it('counts other consumers against the same attach budget', async () => {
    // Act
    const report = await new SimulatedAccount(loadBundled('two-groups-noisy-neighbour'), {
      seed: 1,
      durationMin: 3,
    }).run();
    // Assess
    expect(report.timeline[0]?.attachesOk).toBeGreaterThanOrEqual(13);
    expect(report.summary.throttledAttaches).toBeGreaterThan(0);
  });

  it("runs a looping guard function again at the instant it sleeps to, between its schedule's periods", async () => {
    // Prepare: a function ticked every 10 s that, on its first run, asks to act again 2.5 s later.
    const scenario = buildScenario({ durationMin: 1 });
    const runsAtMs: number[] = [];
    let wakeAtMs: number | null = null;
    let startEpochMs = 0;
    const guard: SimulatedGuard = {
      name: 'looping',
      identityArn: 'arn:aws:iam::111122223333:role/looping',
      start: async () => {},
      onEvent: async () => {},
      schedules: [
        {
          name: 'loop',
          everySec: 10,
          run: async (ctx) => {
            runsAtMs.push(ctx.nowMs() - startEpochMs);
            wakeAtMs = runsAtMs.length === 1 ? ctx.nowMs() + 2_500 : null;
          },
          wakeAtMs: () => wakeAtMs,
        },
      ],
    };
    const account = new SimulatedAccount(scenario, { seed: 1, guard, clientsFor: createSimulatedClients });
    startEpochMs = account.startEpochMs;
    // Act
    await account.run();
    // Assess
    expect(runsAtMs.slice(0, 4)).toEqual([10_000, 12_500, 20_000, 30_000]);
  });

  it('validates every bundled scenario', () => {
    // Act
    const names = readdirSync(scenariosDir).filter((f) => f.endsWith('.json'));
    // Assess
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) expect(() => loadBundled(name.replace(/\.json$/, ''))).not.toThrow();
  });
});

describe('external consumers', () => {
  const attachTimesSec = async (gapSpread: number) => {
    const scenario = buildScenario({
      durationMin: 2,
      actions: [],
      externalConsumers: [{ name: 'batch', subnetId: 'subnet-a', attachesPerMin: 6, gapSpread }],
    });
    const account = new SimulatedAccount(scenario, { seed: 5 });
    await account.run();
    return account.ec2.attachRecords
      .filter((r) => r.caller === 'batch' && r.outcome === 'ok')
      .map((r) => (r.timeMs - account.startEpochMs) / 1000);
  };
  const gapsOf = (times: readonly number[]) => times.slice(1).map((t, i) => t - (times[i] as number));

  it('attach at a steady pace with no gap spread, and within the spread around the mean gap otherwise', async () => {
    // Act
    const steady = await attachTimesSec(0);
    const spread = gapsOf(await attachTimesSec(0.5));
    // Assess
    expect(steady).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
    expect(spread.length).toBeGreaterThanOrEqual(8);
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...spread)).toBeLessThanOrEqual(15);
    expect(new Set(spread).size).toBeGreaterThan(1);
  });
});

describe('parseScenario', () => {
  it('names the JSON path, the value and the expected form', () => {
    // Act
    const act = () => parseScenario(buildScenarioJson({ durationMin: -3 }));
    // Assess
    expect(act).toThrow(
      new ScenarioValidationError('$.durationMin: -3 is not valid (expected a whole number in 1..10080)'),
    );
  });

  it('rejects unknown keys', () => {
    // Act
    const act = () =>
      parseScenario(
        buildScenarioJson({ actions: [{ atSec: 1, group: 'workers', desired: 3, vai: 'set-desired' }] }),
      );
    // Assess
    expect(act).toThrow(/\$\.actions\[0\]\.vai: unknown key/);
  });

  it("takes an external consumer's gap spread, ±20 % unless said, and names the field when it is out of range", () => {
    // Prepare
    const consumer = { name: 'batch', subnetId: 'subnet-a', attachesPerMin: 6 };
    // Act
    const byDefault = parseScenario(buildScenarioJson({ externalConsumers: [consumer] }));
    const steady = parseScenario(buildScenarioJson({ externalConsumers: [{ ...consumer, gapSpread: 0 }] }));
    const act = () =>
      parseScenario(buildScenarioJson({ externalConsumers: [{ ...consumer, gapSpread: 1 }] }));
    // Assess
    expect(byDefault.externalConsumers.map((c) => c.gapSpread)).toEqual([0.2]);
    expect(steady.externalConsumers.map((c) => c.gapSpread)).toEqual([0]);
    expect(act).toThrow(
      /\$\.externalConsumers\[0\]\.gapSpread: 1 is not valid \(expected a number in 0\.\.0\.99\)/,
    );
  });

  it('rejects an action naming an unknown group', () => {
    // Act
    const act = () =>
      parseScenario(buildScenarioJson({ actions: [{ atSec: 1, group: 'nope', desired: 3 }] }));
    // Assess
    expect(act).toThrow(/\$\.actions\[0\]\.group: "nope" is not valid \(expected one of workers\)/);
  });
});
