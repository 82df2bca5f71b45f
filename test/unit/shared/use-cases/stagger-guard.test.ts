import { InMemoryClusterDirectory } from '../../../../shared/adapters/memory/in-memory-cluster-directory.js';
import { peakInRollingWindow } from '../../../../shared/domain/attach-budget.js';
import { coalesceSignals } from '../../../../shared/events/coalesce-signals.js';
import type { BoundsSetSignal } from '../../../../shared/events/scale-signal.js';
import { nextWakeMs } from '../../../../shared/runtime/stagger-stepper.js';
import { advanceStaggerPlans } from '../../../../shared/use-cases/advance-stagger-plans.js';
import { reactToScaleSignals } from '../../../../shared/use-cases/react-to-scale-signals.js';
import { desiredSet, react } from '../../../builders/scale-signals.js';
import { buildGroup, buildWorld, type FakeWorld } from '../../../fakes/stagger-fakes.js';

function boundsSet(overrides: Partial<BoundsSetSignal> = {}): BoundsSetSignal {
  return {
    kind: 'bounds-set',
    eventId: 'evt-bounds',
    groupName: 'shop-general',
    intentAtMs: Date.UTC(2026, 10, 27, 8, 0, 30),
    via: 'UpdateAutoScalingGroup',
    ...overrides,
  };
}

/**
 * Runs the stepper the way its handler does (next tick when the budget has room again, at least every 60 s),
 * letting nodes boot in between. Returns the seconds from start to the last step applied.
 */
async function stepUntilDone(world: FakeWorld, limitSec = 3600): Promise<number> {
  const start = world.now;
  let lastStep = start;
  let next = world.now + 1_000;
  while ((await world.store.listPlans()).length > 0) {
    world.now = next;
    world.groups.settle();
    const outcomes = await advanceStaggerPlans(world.deps);
    if (outcomes.some((o) => o.action === 'advance')) lastStep = world.now;
    next = nextWakeMs(outcomes, world.now, 15_000) ?? world.now + 60_000;
    if (world.now - start > limitSec * 1000) throw new Error('plans did not finish');
  }
  return (lastStep - start) / 1000;
}

/** Plans still pacing their group (closed ones are kept a while to date the latest intent). */
async function openPlans(world: FakeWorld) {
  return (await world.store.listPlans()).filter((p) => p.value.completedAtMs === undefined);
}

function spendsOf(world: FakeWorld) {
  return world.store.commits
    .flatMap((c) => c.ledger ?? [])
    .filter((s, i, all) => all.findIndex((o) => o.atMs === s.atMs && o.groupName === s.groupName) === i);
}

describe('scale reactor and stagger stepper', () => {
  it('holds a 50 -> 200 m5.large jump to what the budget allows and records the target before acting', async () => {
    // Prepare
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    // Act
    const outcomes = await react(world, desiredSet());
    // Assess
    expect(outcomes).toEqual([{ groupName: 'shop-general', outcome: 'hold', capacity: 70, target: 200 }]);
    expect(world.groups.calls).toEqual([{ op: 'setDesired', name: 'shop-general', value: 70 }]);
    const [plan] = await world.store.listPlans();
    expect(plan?.value).toMatchObject({
      targetCapacity: 200,
      allowedCapacity: 70,
      attachesPerNode: 2,
      mode: 'desired',
    });
    expect(world.store.commits).toHaveLength(1);
    expect(world.publisher.events.map((e) => e.detailType)).toEqual(['Stagger Plan Created']);
  });

  it("counts the attaches of the paced group's existing nodes: they spend the same budget", async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    // Pods moved onto 30 of the 50 nodes the group had: each attached one more ENI in the last minute.
    for (let i = 0; i < 30; i += 1) {
      world.observer.attaches.push({ atMs: world.now - 20_000, instanceId: `i-shop-general-${i}` });
      world.observer.launchedAtMs.set(`i-shop-general-${i}`, world.now - 3_600_000);
    }
    const outcomes = await react(world, desiredSet());
    // 40 - 30 = 10 attaches left: 5 more m5.large nodes (2 each), not 20.
    expect(outcomes).toEqual([{ groupName: 'shop-general', outcome: 'hold', capacity: 55, target: 200 }]);
  });

  it('a duplicated delivery changes nothing', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    await react(world, desiredSet());
    const outcomes = await react(world, desiredSet());
    expect(outcomes).toEqual([{ groupName: 'shop-general', outcome: 'stale' }]);
    expect(world.groups.calls).toHaveLength(1);
    expect(world.store.commits).toHaveLength(1);
  });

  it('the stepper reaches the target within 10% of the budget bound and never plans a window above 40', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    await react(world, desiredSet());
    const seconds = await stepUntilDone(world);
    const group = (await world.groups.describe(['shop-general']))[0];
    expect(group?.desiredCapacity).toBe(200);
    expect(seconds).toBeLessThanOrEqual(420 * 1.1);
    expect(peakInRollingWindow(spendsOf(world))).toBeLessThanOrEqual(40);
    expect(world.publisher.events.at(-1)?.detailType).toBe('Stagger Plan Completed');
  });

  it('the latest intent wins: a newer target replaces the plan, an older one is stale, a scale-in cancels it', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    await react(world, desiredSet());
    expect(await react(world, desiredSet({ eventId: 'evt-0', intentAtMs: 0, desired: 400 }))).toEqual([
      { groupName: 'shop-general', outcome: 'superseded' },
    ]);
    const newer = await react(world, desiredSet({ eventId: 'evt-2', intentAtMs: world.now, desired: 120 }));
    expect(newer[0]).toMatchObject({ outcome: 'hold', target: 120 });
    const cancel = await react(
      world,
      desiredSet({ eventId: 'evt-3', intentAtMs: world.now + 1, desired: 40 }),
    );
    expect(cancel).toEqual([{ groupName: 'shop-general', outcome: 'cancel' }]);
    expect(await openPlans(world)).toEqual([]);
  });

  it('intents are ordered by when they happened: a scale-out delivered after a newer scale-in is superseded', async () => {
    // Prepare: the operator asked for 200 at 08:00:00, then for 50 five seconds later; the group shows 50.
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 50 }));
    const at = Date.UTC(2026, 10, 27, 8, 0, 0);
    // Act: CloudTrail delivers the newer call first.
    const newer = await react(world, desiredSet({ eventId: 'evt-50', desired: 50, intentAtMs: at + 5_000 }));
    world.now += 30_000;
    const older = await react(world, desiredSet({ eventId: 'evt-200', desired: 200, intentAtMs: at }));
    // Assess: the scale-out is acknowledged, never applied, and nothing paces the group.
    expect(newer).toEqual([{ groupName: 'shop-general', outcome: 'pass-through', capacity: 50 }]);
    expect(older).toEqual([{ groupName: 'shop-general', outcome: 'superseded' }]);
    expect(world.groups.calls).toEqual([]);
    expect(await openPlans(world)).toEqual([]);
    expect(world.publisher.events).toEqual([]);
  });

  it('an intent older than the scale-in that cancelled a plan does not open a new one', async () => {
    // Prepare: a plan for 200 (08:00:00), cancelled by a scale-in to 50 made at 08:00:10.
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    const at = Date.UTC(2026, 10, 27, 8, 0, 0);
    await react(world, desiredSet({ eventId: 'evt-200', intentAtMs: at }));
    world.groups.add({ ...buildGroup(), desiredCapacity: 50 });
    const cancel = await react(
      world,
      desiredSet({ eventId: 'evt-50', desired: 50, intentAtMs: at + 10_000 }),
    );
    const calls = world.groups.calls.length;
    // Act: a 120 the operator asked for at 08:00:05 arrives last.
    world.now += 60_000;
    const late = await react(world, desiredSet({ eventId: 'evt-120', desired: 120, intentAtMs: at + 5_000 }));
    // Assess
    expect(cancel).toEqual([{ groupName: 'shop-general', outcome: 'cancel' }]);
    expect(late).toEqual([{ groupName: 'shop-general', outcome: 'superseded' }]);
    expect(world.groups.calls).toHaveLength(calls);
    expect(await openPlans(world)).toEqual([]);
    expect((await world.groups.describe(['shop-general']))[0]?.desiredCapacity).toBe(50);
  });

  it('marks the group it holds with its paced tag before the first write, and removes it when the plan ends', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    await react(world, desiredSet());
    expect(world.groups.pacedCalls).toEqual([{ name: 'shop-general', paced: true }]);
    expect(world.groups.groups.get('shop-general')?.tags['capacity-guard/paced']).toBe('true');
    await stepUntilDone(world);
    expect(world.groups.pacedCalls.at(-1)).toEqual({ name: 'shop-general', paced: false });
    expect(world.groups.groups.get('shop-general')?.tags['capacity-guard/paced']).toBeUndefined();
  });

  it.each([
    ['removed', null],
    ['set to false', 'false'],
  ])(
    'opting out mid-plan (tag %s) hands the latest intent back once, then leaves the group alone',
    async (_, value) => {
      // Prepare: 50 -> 200 held at 70, MinSize 100 lowered by the guard to hold the group below it.
      const world = buildWorld();
      world.groups.add(buildGroup({ desiredCapacity: 200, minSize: 100 }));
      await react(world, desiredSet());
      const held = world.groups.groups.get('shop-general');
      if (!held) throw new Error('no group');
      const { 'capacity-guard/enabled': _enabled, ...tags } = held.tags;
      world.groups.add({
        ...held,
        tags: value === null ? tags : { ...tags, 'capacity-guard/enabled': value },
      });
      const calls = world.groups.calls.length;
      // Act
      world.now += 20_000;
      const outcomes = await advanceStaggerPlans(world.deps);
      const handBack = world.groups.calls.slice(calls);
      world.now += 60_000;
      world.groups.settle();
      const later = await advanceStaggerPlans(world.deps);
      const reacted = await react(
        world,
        desiredSet({ eventId: 'evt-9', desired: 300, intentAtMs: world.now }),
      );
      // Assess: one call gives back MinSize and the desired capacity asked for; nothing follows.
      expect(outcomes).toEqual([
        { groupName: 'shop-general', action: 'complete', capacity: 200, reason: 'opt-out' },
      ]);
      expect(handBack).toEqual([{ op: 'bounds', name: 'shop-general', minSize: 100, desiredCapacity: 200 }]);
      expect(world.groups.groups.get('shop-general')?.tags['capacity-guard/paced']).toBeUndefined();
      expect(await openPlans(world)).toEqual([]);
      expect(later).toEqual([]);
      expect(reacted).toEqual([{ groupName: 'shop-general', outcome: 'not-opted-in' }]);
      expect(world.groups.calls.length).toBe(calls + 1);
    },
  );

  it('an opt-out hand-back keeps a desired capacity somebody else set after the guard', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    await react(world, desiredSet());
    const held = world.groups.groups.get('shop-general');
    if (!held) throw new Error('no group');
    const { 'capacity-guard/enabled': _enabled, ...tags } = held.tags;
    // The operator opts out and sets 120 at once; that call's event has not arrived.
    world.groups.add({ ...held, tags, desiredCapacity: 120 });
    const calls = world.groups.calls.length;
    world.now += 20_000;
    const outcomes = await advanceStaggerPlans(world.deps);
    expect(outcomes).toMatchObject([{ action: 'complete', reason: 'opt-out' }]);
    expect(world.groups.calls.slice(calls)).toEqual([]);
    expect(world.groups.groups.get('shop-general')?.desiredCapacity).toBe(120);
  });

  it("predicts from the cluster's vpc-cni add-on settings, under the group's own CNI tag", async () => {
    const addonSays = (configurationValues: string) =>
      new InMemoryClusterDirectory([], new Map([['shop', { addonVersion: 'v1.19.0', configurationValues }]]));
    const hold = async (directory: InMemoryClusterDirectory, tags: Record<string, string> = {}) => {
      const world = buildWorld();
      world.groups.add(
        buildGroup({
          desiredCapacity: 200,
          tags: { 'capacity-guard/enabled': 'true', 'eks:cluster-name': 'shop', ...tags },
        }),
      );
      const outcomes = await reactToScaleSignals(
        { ...world.deps, clusters: directory },
        coalesceSignals([desiredSet()]),
      );
      return outcomes[0];
    };
    // Defaults: an m5.large node of 27 pods attaches 2 ENIs, so 20 nodes fit the 40 attaches.
    expect(await hold(addonSays(''))).toMatchObject({ outcome: 'hold', capacity: 70 });
    // Prefix delegation on the cluster, max pods 29: no node attaches a second ENI, nothing is held back.
    expect(
      await hold(addonSays('{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}'), {
        'capacity-guard/max-pods': '29',
      }),
    ).toMatchObject({ outcome: 'pass-through', capacity: 200 });
    // The group's own tag wins over the cluster's setting.
    expect(
      await hold(addonSays('{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}'), {
        'capacity-guard/max-pods': '29',
        'capacity-guard/cni': 'ENABLE_PREFIX_DELEGATION=false',
      }),
    ).toMatchObject({ outcome: 'hold', capacity: 70 });
  });

  it("an UpdateNodegroupConfig call is paced on the node group's Auto Scaling group", async () => {
    // Prepare
    const world = buildWorld();
    world.groups.add(buildGroup({ name: 'eks-general-1a2b', desiredCapacity: 200 }));
    const directory = new InMemoryClusterDirectory([
      {
        clusterName: 'shop',
        nodegroupName: 'general',
        autoScalingGroupNames: ['eks-general-1a2b'],
        subnetIds: [],
        instanceTypes: ['m5.large'],
        scaling: { minSize: 0, maxSize: 300, desiredSize: 200 },
        healthIssues: [],
      },
    ]);
    const deps = { ...world.deps, clusters: directory };
    const signal = {
      kind: 'nodegroup-scaling-set' as const,
      eventId: 'ng-1',
      clusterName: 'shop',
      nodegroupName: 'general',
      desired: 200,
      intentAtMs: world.now - 5_000,
    };
    const unknown = { ...signal, eventId: 'ng-2', nodegroupName: 'gone' };
    // Act
    const outcomes = await reactToScaleSignals(deps, coalesceSignals([signal, unknown]));
    // Assess
    expect(outcomes).toEqual([
      { groupName: 'shop/gone', outcome: 'not-found' },
      { groupName: 'eks-general-1a2b', outcome: 'hold', capacity: 70, target: 200 },
    ]);
    expect(world.groups.calls).toEqual([{ op: 'setDesired', name: 'eks-general-1a2b', value: 70 }]);
  });

  it('holds a group whose MinSize was raised by lowering MinSize with it, and restores it at the end', async () => {
    // Prepare: an UpdateAutoScalingGroup raised MinSize and desired to 200.
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200, minSize: 200 }));
    // Act
    await react(world, desiredSet({ via: 'UpdateAutoScalingGroup', minSize: 200 }));
    await stepUntilDone(world);
    // Assess
    expect(world.groups.calls[0]).toEqual({
      op: 'bounds',
      name: 'shop-general',
      minSize: 70,
      desiredCapacity: 70,
    });
    expect(world.groups.calls.at(-1)).toEqual({ op: 'bounds', name: 'shop-general', minSize: 200 });
    const group = (await world.groups.describe(['shop-general']))[0];
    expect(group).toMatchObject({ minSize: 200, desiredCapacity: 200 });
  });

  it('a MaxSize-only change mid-plan keeps the latest desired capacity, clamped to the new bounds', async () => {
    // Prepare: 50 -> 200 held at 70; then the operator lowers MaxSize to 150 (desired untouched).
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200, maxSize: 300 }));
    await react(world, desiredSet());
    const held = (await world.groups.describe(['shop-general']))[0];
    if (!held) throw new Error('no group');
    world.groups.add({ ...held, maxSize: 150 });
    // Act
    const outcome = await react(world, boundsSet({ maxSize: 150 }));
    await stepUntilDone(world);
    // Assess: the plan's target is 150, not the 70 the guard was holding.
    expect(outcome[0]).toMatchObject({ outcome: 'hold', target: 150 });
    expect((await world.groups.describe(['shop-general']))[0]).toMatchObject({
      desiredCapacity: 150,
      maxSize: 150,
    });
  });

  it('a scale-to-zero mid-plan stands: the hand-back restores the bounds the operator last set', async () => {
    // Prepare: MinSize raised to 200 with desired, held at 70 by lowering MinSize with it.
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200, minSize: 200, maxSize: 300 }));
    await react(world, desiredSet({ via: 'UpdateAutoScalingGroup', minSize: 200 }));
    const held = (await world.groups.describe(['shop-general']))[0];
    if (!held) throw new Error('no group');
    world.groups.add({ ...held, minSize: 0, maxSize: 0, desiredCapacity: 0 });
    // Act: the operator's UpdateAutoScalingGroup to zero.
    const outcome = await react(
      world,
      desiredSet({
        eventId: 'evt-zero',
        desired: 0,
        minSize: 0,
        maxSize: 0,
        via: 'UpdateAutoScalingGroup',
        intentAtMs: world.now,
      }),
    );
    // Assess
    expect(outcome).toEqual([{ groupName: 'shop-general', outcome: 'cancel' }]);
    expect((await world.groups.describe(['shop-general']))[0]).toMatchObject({
      minSize: 0,
      maxSize: 0,
      desiredCapacity: 0,
    });
    expect(await openPlans(world)).toEqual([]);
  });

  it('a scale-in seen by the stepper before its event arrives is kept, and the late event changes nothing', async () => {
    // Prepare: held at 70 with 50 running; the operator sets 40. The tick reads 40, a value the guard never set,
    // as the newest intent before CloudTrail delivers the operator's call.
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    await react(world, desiredSet());
    const held = (await world.groups.describe(['shop-general']))[0];
    if (!held) throw new Error('no group');
    world.groups.add({ ...held, desiredCapacity: 40 });
    const calledAtMs = world.now;
    world.now += 5_000;
    await advanceStaggerPlans(world.deps);
    expect((await world.groups.describe(['shop-general']))[0]?.desiredCapacity).toBe(40);
    expect(await openPlans(world)).toEqual([]);
    // Act
    world.now += 25_000;
    await react(world, desiredSet({ eventId: 'evt-in', desired: 40, intentAtMs: calledAtMs }));
    // Assess
    expect((await world.groups.describe(['shop-general']))[0]?.desiredCapacity).toBe(40);
    expect(await openPlans(world)).toEqual([]);
  });

  it('the plan of a deleted group ends at the next step and spends nothing more', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    await react(world, desiredSet());
    world.groups.groups.delete('shop-general');
    world.now += 65_000;
    const spendsBefore = spendsOf(world).length;
    expect(await advanceStaggerPlans(world.deps)).toEqual([]);
    expect(await world.store.listPlans()).toEqual([]);
    expect(spendsOf(world)).toHaveLength(spendsBefore);
  });

  it('groups not opted in are never touched', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200, tags: {} }));
    expect(await react(world, desiredSet())).toEqual([
      { groupName: 'shop-general', outcome: 'not-opted-in' },
    ]);
    expect(world.groups.calls).toEqual([]);
  });

  it('a crash between the plan write and the Auto Scaling call is repaired by the next tick', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 50 }));
    world.groups.failNextMutation = new Error('Lambda killed');
    expect(await react(world, desiredSet())).toMatchObject([
      { groupName: 'shop-general', outcome: 'failed', eventIds: ['evt-1'] },
    ]);
    expect((await world.store.listPlans())[0]?.value.allowedCapacity).toBe(70);
    world.now += 5_000;
    await advanceStaggerPlans(world.deps);
    expect(world.groups.calls).toContainEqual({ op: 'setDesired', name: 'shop-general', value: 70 });
    await stepUntilDone(world);
    expect((await world.groups.describe(['shop-general']))[0]?.desiredCapacity).toBe(200);
  });

  it('fails open: the kill switch sets the target at once', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    await react(world, desiredSet());
    world.killSwitch = true;
    world.now += 1_000;
    const outcomes = await advanceStaggerPlans(world.deps);
    expect(outcomes).toEqual([
      { groupName: 'shop-general', action: 'complete', capacity: 200, reason: 'kill-switch' },
    ]);
    expect(world.groups.calls.at(-1)).toEqual({ op: 'setDesired', name: 'shop-general', value: 200 });
  });

  it('fails open past the deadline', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    await react(world, desiredSet());
    const plan = (await world.store.listPlans())[0]?.value;
    world.now = (plan?.deadlineMs ?? 0) + 1;
    const outcomes = await advanceStaggerPlans(world.deps);
    expect(outcomes[0]).toMatchObject({ action: 'complete', reason: 'deadline', capacity: 200 });
  });

  it('ceiling mode for an autoscaler-owned group: steps MaxSize, restores it at the end', async () => {
    const world = buildWorld();
    world.groups.add(
      buildGroup({
        desiredCapacity: 80,
        maxSize: 300,
        tags: { 'capacity-guard/enabled': 'true', 'k8s.io/cluster-autoscaler/enabled': 'true' },
      }),
    );
    await react(world, desiredSet({ desired: 80 }));
    expect(world.groups.calls[0]).toEqual({
      op: 'bounds',
      name: 'shop-general',
      maxSize: 70,
      desiredCapacity: 70,
    });
    await stepUntilDone(world);
    expect(world.groups.calls.at(-1)).toEqual({ op: 'bounds', name: 'shop-general', maxSize: 300 });
  });

  it('two groups scaling at once share the budget and never exceed it together', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ name: 'a', desiredCapacity: 100 }));
    world.groups.add(buildGroup({ name: 'b', desiredCapacity: 100 }));
    await react(
      world,
      desiredSet({ groupName: 'a', desired: 100, eventId: 'ea' }),
      desiredSet({ groupName: 'b', desired: 100, eventId: 'eb' }),
    );
    await stepUntilDone(world);
    expect(peakInRollingWindow(spendsOf(world))).toBeLessThanOrEqual(40);
    const a = world.groups.calls.filter((c) => c.name === 'a').length;
    const b = world.groups.calls.filter((c) => c.name === 'b').length;
    expect(Math.abs(a - b)).toBeLessThanOrEqual(2);
  });

  it('concurrent reactors never overspend the budget (optimistic concurrency)', async () => {
    const world = buildWorld();
    const names = Array.from({ length: 12 }, (_, i) => `g${i}`);
    for (const name of names) world.groups.add(buildGroup({ name, desiredCapacity: 60 }));
    await Promise.all(
      names.map((name) => react(world, desiredSet({ groupName: name, desired: 60, eventId: `e-${name}` }))),
    );
    const spends = (await world.store.readLedger()).value;
    expect(spends.reduce((sum, s) => sum + s.attaches, 0)).toBeLessThanOrEqual(40);
    expect(await openPlans(world)).toHaveLength(names.length - 2);
  });

  it('a reactor that retries after another committed counts that spend, though it read the clock first', async () => {
    // Prepare: every clock read is 1 ms later; g0 reads the clock first but its first commit waits until the
    // others have had every chance to commit, so it must retry against spends stamped after its first reading.
    const world = buildWorld();
    const names = Array.from({ length: 12 }, (_, i) => `g${i}`);
    for (const name of names) world.groups.add(buildGroup({ name, desiredCapacity: 60 }));
    const store = world.store;
    let g0Commits = 0;
    const yieldToOthers = async () => {
      for (let i = 0; i < 200; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    };
    const deps = {
      ...world.deps,
      clock: { nowMs: () => (world.now += 1) },
      store: {
        readLedger: () => store.readLedger(),
        readPlan: (groupName: string) => store.readPlan(groupName),
        listPlans: () => store.listPlans(),
        commit: async (change: Parameters<typeof store.commit>[0]) => {
          const isG0 = [
            ...change.putPlans.map((p) => p.plan.groupName),
            ...(change.ledger ?? []).map((s) => s.groupName),
          ].includes('g0');
          if (isG0 && g0Commits++ === 0) await yieldToOthers();
          return store.commit(change);
        },
      },
    };

    // Act
    await Promise.all(
      names.map((name) =>
        reactToScaleSignals(
          deps,
          coalesceSignals([desiredSet({ groupName: name, desired: 60, eventId: `e-${name}` })]),
        ),
      ),
    );

    // Assess
    const spends = (await store.readLedger()).value;
    expect(g0Commits).toBeGreaterThan(0);
    expect(peakInRollingWindow(spends)).toBeLessThanOrEqual(40);
  });
});
