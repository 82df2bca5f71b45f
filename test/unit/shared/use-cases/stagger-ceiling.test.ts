import type { BoundsSetSignal } from '../../../../shared/events/scale-signal.js';
import type { ScalingGroup } from '../../../../shared/ports/scaling-groups.js';
import { desiredSet, react, stepNow, stepUntilPlansEnd } from '../../../builders/scale-signals.js';
import { buildGroup, buildWorld, type FakeWorld } from '../../../fakes/stagger-fakes.js';

/*
 * Ceiling mode: the guard paces an autoscaler-owned group through a MaxSize ceiling. Lowering MaxSize below the
 * group's size lowers its desired capacity too (UpdateAutoScalingGroup's implicit SetDesiredCapacity, which the
 * fake models), so the operator's desired capacity has to be given back by the guard, step by step and at the end.
 */

const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);
const CEILING_TAGS = { 'capacity-guard/enabled': 'true', 'capacity-guard/mode': 'ceiling' };

function boundsSet(overrides: Partial<BoundsSetSignal> = {}): BoundsSetSignal {
  return {
    kind: 'bounds-set',
    eventId: 'evt-bounds',
    groupName: 'shop-general',
    intentAtMs: T0,
    via: 'UpdateAutoScalingGroup',
    ...overrides,
  };
}

async function groupOf(world: FakeWorld): Promise<ScalingGroup> {
  const [group] = await world.groups.describe(['shop-general']);
  if (!group) throw new Error('group missing');
  return group;
}

/** What somebody other than the guard does to the group (the operator's call, applied by Auto Scaling). */
async function operatorSets(world: FakeWorld, change: Partial<ScalingGroup>): Promise<void> {
  world.groups.add({ ...(await groupOf(world)), ...change });
}

/** One stepper tick after `afterMs`, with the nodes released so far in service. */
async function tick(world: FakeWorld, afterMs = 75_000) {
  world.now += afterMs;
  return stepNow(world);
}

/** A 50 -> 200 scale-out of a ceiling group (MaxSize 300) held at 70 by the reactor. */
async function heldWorld(): Promise<FakeWorld> {
  const world = buildWorld();
  world.now = T0;
  world.groups.add(buildGroup({ desiredCapacity: 200, maxSize: 300, tags: CEILING_TAGS }));
  await react(world, desiredSet());
  return world;
}

const ceilingCalls = (world: FakeWorld) =>
  world.groups.calls.flatMap((c) => (c.op === 'bounds' && c.maxSize !== undefined ? [c] : []));

describe('ceiling mode keeps the operator desired capacity', () => {
  it('raises desired with every ceiling, in the same call, and hands back MaxSize and desired at the end', async () => {
    // Prepare
    const world = await heldWorld();
    expect(await groupOf(world)).toMatchObject({ maxSize: 70, desiredCapacity: 70 });
    // Act
    await stepUntilPlansEnd(world);
    // Assess: each ceiling below the target comes with desired at the ceiling; the last call restores MaxSize.
    const calls = ceilingCalls(world);
    for (const call of calls.slice(0, -1)) expect(call.desiredCapacity).toBe(call.maxSize);
    expect(calls.map((c) => c.maxSize)).toEqual([70, 90, 110, 130, 150, 170, 190, 200, 300]);
    expect(await groupOf(world)).toMatchObject({ maxSize: 300, desiredCapacity: 200 });
  });

  it('the kill switch hands back MaxSize and the desired capacity asked for in one call', async () => {
    const world = await heldWorld();
    await tick(world);
    world.killSwitch = true;
    const calls = world.groups.calls.length;
    // Act
    const outcomes = await tick(world, 1_000);
    // Assess
    expect(outcomes).toMatchObject([{ action: 'complete', reason: 'kill-switch', capacity: 200 }]);
    expect(world.groups.calls.slice(calls)).toEqual([
      { op: 'bounds', name: 'shop-general', maxSize: 300, desiredCapacity: 200 },
    ]);
  });

  it('past the deadline the plan fails open to MaxSize and the desired capacity asked for', async () => {
    const world = await heldWorld();
    const plan = (await world.store.readPlan('shop-general'))?.value;
    world.now = plan?.deadlineMs ?? 0;
    // Act
    const outcomes = await tick(world, 1);
    // Assess
    expect(outcomes).toMatchObject([{ action: 'complete', reason: 'deadline', capacity: 200 }]);
    expect(await groupOf(world)).toMatchObject({ maxSize: 300, desiredCapacity: 200 });
  });

  it('a hand-back whose call fails is finished by the next tick, desired included', async () => {
    const world = await heldWorld();
    world.killSwitch = true;
    world.groups.failNextMutation = new Error('Throttling');
    await expect(tick(world, 1_000)).rejects.toThrow('could not be updated');
    expect(await groupOf(world)).toMatchObject({ maxSize: 70, desiredCapacity: 70 });
    // Act
    world.killSwitch = false;
    const outcomes = await tick(world, 60_000);
    // Assess
    expect(outcomes).toMatchObject([{ action: 'complete', reason: 'target-reached' }]);
    expect(await groupOf(world)).toMatchObject({ maxSize: 300, desiredCapacity: 200 });
  });

  it('a newer, higher intent mid-plan is the new target: desired follows it up to each ceiling', async () => {
    // Prepare: the operator raises MaxSize and desired together (desired alone cannot pass the ceiling).
    const world = await heldWorld();
    await tick(world);
    await operatorSets(world, { maxSize: 400, desiredCapacity: 250 });
    // Act
    const outcome = await react(
      world,
      desiredSet({
        eventId: 'evt-2',
        desired: 250,
        maxSize: 400,
        via: 'UpdateAutoScalingGroup',
        intentAtMs: world.now,
      }),
    );
    await stepUntilPlansEnd(world);
    // Assess
    expect(outcome[0]).toMatchObject({ outcome: 'hold', target: 250 });
    expect(await groupOf(world)).toMatchObject({ maxSize: 400, desiredCapacity: 250 });
  });

  it('a lower desired capacity set under the ceiling mid-plan is the new intent, never raised again', async () => {
    // Prepare: held at 90 after a step; 10 s later the operator sets 80, which Auto Scaling applies under it.
    const world = await heldWorld();
    await tick(world);
    expect(await groupOf(world)).toMatchObject({ maxSize: 90, desiredCapacity: 90 });
    world.now += 10_000;
    await operatorSets(world, { desiredCapacity: 80 });
    // Act
    const outcome = await react(world, desiredSet({ eventId: 'evt-2', desired: 80, intentAtMs: world.now }));
    await stepUntilPlansEnd(world);
    // Assess
    expect(outcome[0]).toMatchObject({ outcome: 'hold', target: 80 });
    expect(await groupOf(world)).toMatchObject({ maxSize: 300, desiredCapacity: 80 });
  });

  it('a lower desired set between steps is kept by the next tick, before its event arrives', async () => {
    // Prepare: 10 s after the step to 90 the operator sets 80; the next tick reads 80, a value the guard never
    // wrote, as the newest intent and hands the group back before CloudTrail delivers the call.
    const world = await heldWorld();
    await tick(world);
    world.now += 10_000;
    await operatorSets(world, { desiredCapacity: 80 });
    const calledAtMs = world.now;
    await tick(world, 65_000);
    expect(await groupOf(world)).toMatchObject({ maxSize: 300, desiredCapacity: 80 });
    // Act
    world.now += 20_000;
    await react(world, desiredSet({ eventId: 'evt-2', desired: 80, intentAtMs: calledAtMs }));
    await stepUntilPlansEnd(world);
    // Assess
    expect(await groupOf(world)).toMatchObject({ maxSize: 300, desiredCapacity: 80 });
  });

  it('a scale-in below what runs cancels the plan: MaxSize and the scale-in stand', async () => {
    const world = await heldWorld();
    await tick(world);
    await operatorSets(world, { desiredCapacity: 40 });
    // Act
    const outcome = await react(world, desiredSet({ eventId: 'evt-2', desired: 40, intentAtMs: world.now }));
    // Assess
    expect(outcome).toEqual([{ groupName: 'shop-general', outcome: 'cancel' }]);
    expect(await groupOf(world)).toMatchObject({ maxSize: 300, desiredCapacity: 40 });
  });

  it('a MaxSize-only change mid-plan: the group ends at the latest desired clamped to the new MaxSize', async () => {
    // Prepare: Auto Scaling applies the operator's MaxSize 150 (above the ceiling, so desired stays at 70).
    const world = await heldWorld();
    await operatorSets(world, { maxSize: 150 });
    // Act
    const outcome = await react(world, boundsSet({ maxSize: 150, intentAtMs: world.now }));
    await stepUntilPlansEnd(world);
    // Assess
    expect(outcome[0]).toMatchObject({ outcome: 'hold', target: 150 });
    expect(await groupOf(world)).toMatchObject({ maxSize: 150, desiredCapacity: 150 });
  });

  it('the autoscaler re-asserting a ceiling it was given is no new intent', async () => {
    // Prepare: a step raises the ceiling from 70 to 90; the autoscaler's call at 70, made on what it read just
    // before, is stamped 2 s after the step by its own clock.
    const world = await heldWorld();
    await tick(world);
    const calledAtMs = world.now + 2_000;
    world.now += 20_000;
    // Act
    const late = await react(world, desiredSet({ eventId: 'ca-1', desired: 70, intentAtMs: calledAtMs }));
    const atCeiling = await react(world, desiredSet({ eventId: 'ca-2', desired: 90, intentAtMs: world.now }));
    // Assess
    expect(late).toEqual([{ groupName: 'shop-general', outcome: 'stale' }]);
    expect(atCeiling).toEqual([{ groupName: 'shop-general', outcome: 'stale' }]);
    expect((await world.store.readPlan('shop-general'))?.value.targetCapacity).toBe(200);
    expect(await groupOf(world)).toMatchObject({ maxSize: 90, desiredCapacity: 90 });
  });
});
