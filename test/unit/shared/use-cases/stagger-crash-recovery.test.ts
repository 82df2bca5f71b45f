import { advanceStaggerPlans } from '../../../../shared/use-cases/advance-stagger-plans.js';
import { desiredSet, react } from '../../../builders/scale-signals.js';
import { buildGroup, buildWorld, type FakeWorld } from '../../../fakes/stagger-fakes.js';

/*
 * A write to the group takes effect, then the invocation dies before recording anything (the handler throws,
 * the trigger brings the work back), or the answer is lost and the SDK throws although the write happened.
 */
const CRASH_POINTS = [
  ['asg-write', () => new Error('Runtime exited after the call')],
  [
    'asg-write-ambiguous',
    () => Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' }),
  ],
] as const;

async function groupOf(world: FakeWorld) {
  const [group] = await world.groups.describe(['shop-general']);
  if (!group) throw new Error('group missing');
  return group;
}

/** Desired capacities the guard set after call `from` (setDesired, or the desired of an UpdateAutoScalingGroup). */
function desiredSetSince(world: FakeWorld, from: number): number[] {
  return world.groups.calls.slice(from).flatMap((c) => {
    if (c.op === 'setDesired') return [c.value];
    return c.desiredCapacity === undefined ? [] : [c.desiredCapacity];
  });
}

/** A 50 -> 200 scale-out held at 70 by the reactor (nodes not booted yet). */
async function heldWorld(tags: Record<string, string> = {}) {
  const world = buildWorld();
  world.groups.add(buildGroup({ desiredCapacity: 200, tags: { 'capacity-guard/enabled': 'true', ...tags } }));
  await react(world, desiredSet());
  return world;
}

describe.each(CRASH_POINTS)('crash after the write (%s)', (_point, crash) => {
  it('in the reactor: the redelivered event finds the group held as the plan says; steps go on from there', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200 }));
    world.groups.failAfterNextMutation = crash();
    expect(await react(world, desiredSet())).toMatchObject([{ outcome: 'failed', eventIds: ['evt-1'] }]);
    expect((await groupOf(world)).desiredCapacity).toBe(70);
    const calls = world.groups.calls.length;

    world.now += 30_000;
    expect(await react(world, desiredSet())).toEqual([{ groupName: 'shop-general', outcome: 'stale' }]);
    world.now += 45_000;
    expect(await advanceStaggerPlans(world.deps)).toMatchObject([{ action: 'advance', capacity: 90 }]);
    expect(desiredSetSince(world, calls)).toEqual([90]);
  });

  it('in a step: the next tick goes on from the capacity written, spending it once', async () => {
    const world = await heldWorld();
    world.now += 75_000;
    world.groups.failAfterNextMutation = crash();
    await expect(advanceStaggerPlans(world.deps)).rejects.toThrow();
    expect((await groupOf(world)).desiredCapacity).toBe(90);
    const calls = world.groups.calls.length;

    world.now += 75_000;
    expect(await advanceStaggerPlans(world.deps)).toMatchObject([{ action: 'advance', capacity: 110 }]);
    expect(desiredSetSince(world, calls)).toEqual([110]);
    const spends = new Map(
      world.store.commits.flatMap((c) => c.ledger ?? []).map((s) => [`${s.groupName}@${s.atMs}`, s.attaches]),
    );
    expect([...spends.values()]).toEqual([40, 40, 40]);
  });

  it('in a kill-switch hand-back: once the switch is off again, nothing released is cut back', async () => {
    const world = await heldWorld();
    world.killSwitch = true;
    world.now += 1_000;
    world.groups.failAfterNextMutation = crash();
    await expect(advanceStaggerPlans(world.deps)).rejects.toThrow();
    expect((await groupOf(world)).desiredCapacity).toBe(200);
    const calls = world.groups.calls.length;

    world.killSwitch = false;
    world.now += 60_000;
    expect(await advanceStaggerPlans(world.deps)).toMatchObject([
      { action: 'complete', capacity: 200, reason: 'target-reached' },
    ]);
    expect(desiredSetSince(world, calls)).toEqual([]);
    expect((await groupOf(world)).desiredCapacity).toBe(200);
    expect((await world.store.readPlan('shop-general'))?.value.completedAtMs).toBe(world.now);
  });

  it("in a scale-in's hand-back: the scale-in stands, the plan ends, the redelivered event changes nothing", async () => {
    const world = await heldWorld();
    world.now += 20_000;
    const scaleIn = desiredSet({
      eventId: 'evt-in',
      desired: 40,
      intentAtMs: world.now,
      via: 'ScaleRequest',
    });
    world.groups.failAfterNextMutation = crash();
    expect(await react(world, scaleIn)).toMatchObject([{ outcome: 'failed', eventIds: ['evt-in'] }]);
    expect((await groupOf(world)).desiredCapacity).toBe(40);
    const calls = world.groups.calls.length;

    world.now += 60_000;
    await advanceStaggerPlans(world.deps);
    world.now += 300_000;
    expect(await react(world, scaleIn)).toEqual([{ groupName: 'shop-general', outcome: 'stale' }]);
    world.now += 60_000;
    await advanceStaggerPlans(world.deps);
    expect(desiredSetSince(world, calls)).toEqual([]);
    expect((await groupOf(world)).desiredCapacity).toBe(40);
    expect((await world.store.readPlan('shop-general'))?.value.completedAtMs).toBeDefined();
  });

  it('in a ceiling hand-back: the configured MaxSize stays, the plan completes, nothing is cut', async () => {
    const world = await heldWorld({ 'k8s.io/cluster-autoscaler/enabled': 'true' });
    expect(await groupOf(world)).toMatchObject({ maxSize: 70, desiredCapacity: 70 });
    world.killSwitch = true;
    world.now += 1_000;
    world.groups.failAfterNextMutation = crash();
    await expect(advanceStaggerPlans(world.deps)).rejects.toThrow();
    expect((await groupOf(world)).maxSize).toBe(500);
    const calls = world.groups.calls.length;

    world.killSwitch = false;
    world.now += 60_000;
    expect(await advanceStaggerPlans(world.deps)).toMatchObject([
      { action: 'complete', reason: 'target-reached' },
    ]);
    expect(world.groups.calls.slice(calls)).toEqual([]);
    expect((await groupOf(world)).maxSize).toBe(500);
  });
});
