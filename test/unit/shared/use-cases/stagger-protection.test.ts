import type { ScalingGroup } from '../../../../shared/ports/scaling-groups.js';
import { advanceStaggerPlans } from '../../../../shared/use-cases/advance-stagger-plans.js';
import { desiredSet, react } from '../../../builders/scale-signals.js';
import { buildGroup, buildWorld, type FakeWorld } from '../../../fakes/stagger-fakes.js';

/*
 * Events arrive late: Auto Scaling launched toward the operator's 200 before the guard heard of it. The hold cuts
 * the surplus; the nodes whose attaches already happened are protected first, and the plan's end removes that.
 */

const GROUP = 'shop-general';

/**
 * 50 booted nodes (ENIs attached) and `pending` launched for the new intent, still Pending; of those, the first
 * `attached - 50` have attached an ENI already (ipamd runs before Auto Scaling shows them InService).
 */
function lateWorld(options: { attached?: number; pending?: number; tags?: Record<string, string> } = {}) {
  const { attached = 50, pending = 150, tags = {} } = options;
  const world = buildWorld();
  const booted = Array.from({ length: 50 }, (_, i) => ({
    instanceId: `i-old-${i}`,
    lifecycleState: 'InService',
    instanceType: 'm5.large',
  }));
  const launched = Array.from({ length: pending }, (_, i) => ({
    instanceId: `i-new-${i}`,
    lifecycleState: 'Pending',
    instanceType: 'm5.large',
  }));
  const instances = [...booted, ...launched];
  for (const i of instances.slice(0, attached)) world.observer.attachedEnis.set(i.instanceId, 1);
  world.groups.add(
    buildGroup({
      desiredCapacity: 50 + pending,
      instances,
      tags: { 'capacity-guard/enabled': 'true', ...tags },
    }),
  );
  return world;
}

/** Protection and capacity calls in the order the guard made them. */
function recordOrder(world: FakeWorld): string[] {
  const order: string[] = [];
  const groups = world.groups;
  const protect = groups.setInstanceProtection.bind(groups);
  const setDesired = groups.setDesiredCapacity.bind(groups);
  const bounds = groups.updateBounds.bind(groups);
  groups.setInstanceProtection = async (name, ids, value) => {
    await protect(name, ids, value);
    order.push(`${value ? 'protect' : 'unprotect'} ${ids.length}`);
  };
  groups.setDesiredCapacity = async (name, value) => {
    await setDesired(name, value);
    order.push(`desired ${value}`);
  };
  groups.updateBounds = async (name, b) => {
    await bounds(name, b);
    order.push(`bounds ${JSON.stringify(b)}`);
  };
  return order;
}

const planOf = async (world: FakeWorld) =>
  (await world.store.listPlans()).find((p) => p.value.groupName === GROUP)?.value;
const groupOf = (world: FakeWorld) => world.groups.groups.get(GROUP) as ScalingGroup;
const protectedIds = (world: FakeWorld) =>
  groupOf(world)
    .instances.filter((i) => i.protectedFromScaleIn)
    .map((i) => i.instanceId);
const oldIds = Array.from({ length: 50 }, (_, i) => `i-old-${i}`);

describe('desired mode: nodes whose attaches already happened are never cut', () => {
  it('protects the attached nodes, recorded on the plan, before lowering desired below the active count', async () => {
    // Prepare
    const world = lateWorld();
    const order = recordOrder(world);
    // Act
    const outcomes = await react(world, desiredSet());
    // Assess: 50 protected, then desired 70 (the pending ones are what Auto Scaling may cut)
    expect(outcomes).toMatchObject([{ outcome: 'hold', capacity: 70 }]);
    expect(order).toEqual(['protect 50', 'desired 70']);
    expect(protectedIds(world)).toEqual(oldIds);
    expect((await planOf(world))?.protectedInstanceIds).toEqual(oldIds);
  });

  it('never asks for a desired capacity below the count kept', async () => {
    // Prepare: 80 nodes have attached (30 of the new ones, still Pending); the budget allows 70
    const world = lateWorld({ attached: 80 });
    // Act
    const outcomes = await react(world, desiredSet());
    // Assess
    expect(outcomes).toMatchObject([{ outcome: 'hold', capacity: 80 }]);
    expect(groupOf(world).desiredCapacity).toBe(80);
    expect((await planOf(world))?.allowedCapacity).toBe(80);
    expect(protectedIds(world)).toHaveLength(80);
  });

  it('protects nothing when the write cuts nothing', async () => {
    // Prepare: Auto Scaling has not launched yet
    const world = lateWorld({ pending: 0 });
    world.groups.groups.set(GROUP, { ...groupOf(world), desiredCapacity: 200 });
    // Act
    await react(world, desiredSet());
    // Assess
    expect(world.groups.protectionCalls).toEqual([]);
    expect((await planOf(world))?.protectedInstanceIds).toBeUndefined();
  });

  it('leaves instances someone else protected alone, and counts them in the floor', async () => {
    // Prepare: the operator protected 20 of the new, unattached ones
    const world = lateWorld();
    const group = groupOf(world);
    world.groups.groups.set(GROUP, {
      ...group,
      instances: group.instances.map((i, n) =>
        n >= 50 && n < 70 ? { ...i, protectedFromScaleIn: true } : i,
      ),
    });
    const operators = group.instances.slice(50, 70).map((i) => i.instanceId);
    // Act
    await react(world, desiredSet());
    world.killSwitch = true;
    world.now += 1_000;
    await advanceStaggerPlans(world.deps);
    // Assess: desired never below the 70 protected; at the end only the guard's 50 lose protection
    expect(world.groups.protectionCalls.map((c) => [c.protect, c.instanceIds])).toEqual([
      [true, oldIds],
      [false, oldIds],
    ]);
    expect(protectedIds(world)).toEqual(operators);
  });
});

describe('every end of a plan removes the protection it set, after the hand-back', () => {
  it.each([
    [
      'kill switch',
      async (world: FakeWorld) => {
        world.killSwitch = true;
      },
    ],
    [
      'deadline',
      async (world: FakeWorld) => {
        world.now = ((await planOf(world))?.deadlineMs ?? 0) + 1;
      },
    ],
    [
      'opt-out',
      async (world: FakeWorld) => {
        const group = groupOf(world);
        world.groups.groups.set(GROUP, {
          ...group,
          tags: { ...group.tags, 'capacity-guard/enabled': 'false' },
        });
      },
    ],
    [
      'target reached',
      async (world: FakeWorld) => {
        world.now += 30 * 60_000 - 1;
        for (let tick = 0; tick < 12; tick++) {
          world.now += 75_000;
          if ((await planOf(world))?.allowedCapacity === 200) return;
          await advanceStaggerPlans(world.deps);
        }
      },
    ],
  ])('%s', async (_exit, end) => {
    // Prepare
    const world = lateWorld();
    const order = recordOrder(world);
    await react(world, desiredSet());
    await end(world);
    world.now += 1_000;
    // Act
    await advanceStaggerPlans(world.deps);
    // Assess: the group gets 200 back, then the 50 lose their protection; the closed plan records none
    expect(order.at(-2)).toMatch(/^(desired 200|bounds .*"desiredCapacity":200)/);
    expect(order.at(-1)).toBe('unprotect 50');
    expect(protectedIds(world)).toEqual([]);
    expect((await planOf(world))?.protectedInstanceIds).toBeUndefined();
  });

  it("cancel (a scale-in mid-plan): the operator's capacity first, then the protection goes", async () => {
    // Prepare
    const world = lateWorld();
    const order = recordOrder(world);
    await react(world, desiredSet());
    world.now += 10_000;
    // Act: the operator asks for 40
    const outcomes = await react(world, desiredSet({ eventId: 'evt-2', desired: 40, intentAtMs: world.now }));
    // Assess
    expect(outcomes).toMatchObject([{ outcome: 'cancel' }]);
    expect(order.slice(-2)).toEqual(['desired 40', 'unprotect 50']);
    expect(protectedIds(world)).toEqual([]);
  });

  it('a group deleted mid-plan: the plan ends with no call', async () => {
    // Prepare
    const world = lateWorld();
    await react(world, desiredSet());
    world.groups.groups.delete(GROUP);
    const calls = world.groups.protectionCalls.length;
    // Act
    await advanceStaggerPlans(world.deps);
    // Assess
    expect(world.groups.protectionCalls.length).toBe(calls);
    expect(await world.store.listPlans()).toEqual([]);
  });
});

describe('a crash right after the protection write', () => {
  it('leaves a plan that records the protection, so the hand-back still removes it', async () => {
    // Prepare
    const world = lateWorld();
    world.groups.failAfterNextProtection = new Error('Runtime exited after the call');
    // Act: the invocation dies before lowering desired; later the kill switch ends the plan
    const failed = await react(world, desiredSet());
    const recorded = (await planOf(world))?.protectedInstanceIds;
    world.killSwitch = true;
    world.now += 60_000;
    await advanceStaggerPlans(world.deps);
    // Assess
    expect(failed).toMatchObject([{ outcome: 'failed' }]);
    expect(recorded).toEqual(oldIds);
    expect(protectedIds(world)).toEqual([]);
    expect(groupOf(world).desiredCapacity).toBe(200);
  });

  it('the redelivered intent is stale and protects nothing twice', async () => {
    // Prepare
    const world = lateWorld();
    world.groups.failAfterNextProtection = new Error('Runtime exited after the call');
    await react(world, desiredSet());
    // Act
    const again = await react(world, desiredSet());
    // Assess
    expect(again).toEqual([{ groupName: GROUP, outcome: 'stale' }]);
    expect(world.groups.protectionCalls).toHaveLength(1);
  });
});
