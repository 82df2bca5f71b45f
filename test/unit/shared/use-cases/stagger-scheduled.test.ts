import type { ScalingGroup, ScheduledSizes } from '../../../../shared/ports/scaling-groups.js';
import { desiredSet, react, stepNow, stepUntilPlansEnd } from '../../../builders/scale-signals.js';
import { buildGroup, buildWorld, type FakeWorld } from '../../../fakes/stagger-fakes.js';

/*
 * Ceiling mode and scheduled actions: a scheduled action whose desired capacity is above the guard's MaxSize
 * ceiling is refused by Auto Scaling and then deleted (one-time), leaving nothing on the group. The stepper reads
 * the group's scheduled actions while the plan is open, and applies one whose time has passed as the newest intent.
 */

const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);
const CEILING_TAGS = { 'capacity-guard/enabled': 'true', 'capacity-guard/mode': 'ceiling' };

async function groupOf(world: FakeWorld): Promise<ScalingGroup> {
  const [group] = await world.groups.describe(['shop-general']);
  if (!group) throw new Error('group missing');
  return group;
}

async function planOf(world: FakeWorld) {
  const plan = (await world.store.readPlan('shop-general'))?.value;
  if (!plan) throw new Error('plan missing');
  return plan;
}

/** One stepper tick at `atMs`, with the nodes released so far in service. */
async function tickAt(world: FakeWorld, atMs: number) {
  world.now = atMs;
  return stepNow(world);
}

/** A 50 -> 200 scale-out of a ceiling group (MaxSize 300) held at 70, with `scheduled` put on the group. */
async function heldWorld(...scheduled: ScheduledSizes[]): Promise<FakeWorld> {
  const world = buildWorld();
  world.now = T0;
  world.groups.add(buildGroup({ desiredCapacity: 200, maxSize: 300, tags: CEILING_TAGS }));
  world.groups.scheduled.set('shop-general', scheduled);
  await react(world, desiredSet());
  return world;
}

const NOON = { name: 'noon', startMs: T0 + 150_000, desiredCapacity: 120 };

describe('ceiling mode follows scheduled actions that run while a plan is open', () => {
  it('a scheduled desired capacity refused under the ceiling is the newest intent: the group ends at it', async () => {
    // Prepare
    const world = await heldWorld(NOON);
    await tickAt(world, T0 + 75_000);
    expect((await planOf(world)).scheduledActions).toEqual([NOON]);
    // Act: Auto Scaling runs the action under the ceiling (refused, then deleted), the stepper goes on
    world.now = NOON.startMs;
    const ran = world.groups.runScheduled('shop-general', 'noon');
    await stepUntilPlansEnd(world);
    // Assess
    expect(ran).toBe(false);
    expect(await groupOf(world)).toMatchObject({ maxSize: 300, desiredCapacity: 120 });
    const plan = await planOf(world);
    expect(plan).toMatchObject({
      targetCapacity: 120,
      origin: { via: 'ScheduledAction', intentAtMs: NOON.startMs },
    });
    expect(plan.scheduledActions).toBeUndefined();
  });

  it('a scheduled MaxSize becomes the bound the plan restores, and the target within it', async () => {
    // Prepare
    const night = { name: 'night', startMs: T0 + 150_000, maxSize: 150 };
    const world = await heldWorld(night);
    await tickAt(world, T0 + 75_000);
    // Act: Auto Scaling applies it (MaxSize above the ceiling), the stepper holds the ceiling again
    world.now = night.startMs;
    world.groups.runScheduled('shop-general', 'night');
    await stepUntilPlansEnd(world);
    // Assess
    expect(await groupOf(world)).toMatchObject({ maxSize: 150, desiredCapacity: 150 });
    expect(await planOf(world)).toMatchObject({ targetCapacity: 150, configuredMaxSize: 150 });
  });

  it('an action the operator deleted before its time, or one older than a later intent, changes nothing', async () => {
    // Prepare
    const later = { name: 'later', startMs: T0 + 400_000, desiredCapacity: 60 };
    const world = await heldWorld(NOON, later);
    await tickAt(world, T0 + 75_000);
    world.groups.scheduled.set('shop-general', [NOON]);
    world.now = T0 + 140_000;
    world.groups.settle();
    // the operator asks for 180 after the noon action was set to run, but before the stepper read it as due
    await react(world, desiredSet({ eventId: 'evt-2', desired: 180, intentAtMs: NOON.startMs + 1_000 }));
    world.groups.runScheduled('shop-general', 'noon');
    // Act
    await stepUntilPlansEnd(world);
    // Assess
    expect(await groupOf(world)).toMatchObject({ maxSize: 300, desiredCapacity: 180 });
  });

  it('keeps pacing when the scheduled actions cannot be read', async () => {
    // Prepare
    const world = await heldWorld();
    world.groups.scheduledActions = async () => {
      throw new Error('AccessDenied');
    };
    // Act
    await stepUntilPlansEnd(world);
    // Assess
    expect(await groupOf(world)).toMatchObject({ maxSize: 300, desiredCapacity: 200 });
  });

  it('does not read scheduled actions for a desired-mode plan', async () => {
    // Prepare
    const world = buildWorld();
    world.now = T0;
    world.groups.add(buildGroup({ desiredCapacity: 200, maxSize: 300 }));
    await react(world, desiredSet());
    // Act
    await tickAt(world, T0 + 75_000);
    // Assess
    expect(world.groups.scheduledReads).toEqual([]);
  });
});
