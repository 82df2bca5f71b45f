import { runGatePass } from '../../../../../shared/use-cases/gate/run-gate-pass.js';
import { buildGateDeps, FakeGateWorld } from '../../../../fakes/gate-fakes.js';

/** A group with `inService` settled nodes of two attaches each (so new nodes are predicted two) and `waiting`. */
function worldOf(inService: number, waiting: number): FakeGateWorld {
  const w = new FakeGateWorld();
  w.addGroup('workers', { inService, waiting });
  for (let i = 0; i < inService; i += 1) w.eniCounts.set(`workers-svc-${i}`, 2);
  return w;
}

const protectedIds = (world: FakeGateWorld, name = 'workers') =>
  (world.groups.get(name)?.instances ?? [])
    .filter((i) => i.protectedFromScaleIn === true)
    .map((i) => i.instanceId);

describe('runGatePass scale-in protection', () => {
  it("protects the group's nodes in service while instances wait, and takes that protection off once none waits", async () => {
    // Prepare: 3 nodes in service (one protected by its owner) and 30 waiting; the budget takes 20 at once.
    const world = worldOf(3, 30);
    await world.setInstanceProtection('workers', ['workers-svc-2'], true);
    const { deps, store } = buildGateDeps(world);
    // Act: the first pass releases 20; the released attach, the window moves, the second releases the rest.
    await runGatePass(deps);
    const afterFirst = protectedIds(world);
    const recordedFirst = (await store.readGate()).value.protectedInstances;
    world.releasedAttachAt(20_000, 25_000);
    world.nowMs = 85_001;
    await runGatePass(deps);
    const afterSecond = protectedIds(world);
    world.nowMs = 90_000;
    await runGatePass(deps);
    const afterThird = protectedIds(world);
    world.nowMs = 95_000;
    await runGatePass(deps);
    // Assess
    expect(afterFirst).toEqual(['workers-svc-0', 'workers-svc-1', 'workers-svc-2']);
    expect(recordedFirst).toEqual([
      { groupName: 'workers', instanceIds: ['workers-svc-0', 'workers-svc-1'] },
    ]);
    // The 20 released in the first pass are in service by the second, while 10 still wait.
    expect(afterSecond).toHaveLength(3 + 20);
    // Nothing waits any more: only the owner's protection is left, and the ledger forgets the rest.
    expect(afterThird).toEqual(['workers-svc-2']);
    expect((await store.readGate()).value.protectedInstances).toEqual([]);
  });

  it('takes its protection off a group opted out while instances wait', async () => {
    // Prepare
    const world = worldOf(2, 30);
    const { deps } = buildGateDeps(world);
    await runGatePass(deps);
    expect(protectedIds(world)).toEqual(['workers-svc-0', 'workers-svc-1']);
    world.optOut('workers');
    // Act
    world.nowMs = 5_000;
    const outcome = await runGatePass(deps);
    // Assess
    expect(outcome.released['opt-out']).toBe(10);
    expect(protectedIds(world)).toEqual([]);
  });

  it('keeps the paced mark of an opted-out group until its protection is off, so its role may still remove it', async () => {
    // Prepare: protection set while instances wait; then the opt-in tag goes and the first unprotect call fails.
    const world = worldOf(2, 30);
    const { deps } = buildGateDeps(world);
    await runGatePass(deps);
    const group = () => world.groups.get('workers');
    world.optOut('workers');
    const setProtection = world.setInstanceProtection.bind(world);
    let failures = 1;
    world.setInstanceProtection = async (name, ids, protect) => {
      if (!protect && failures-- > 0) throw new Error('Throttling: Rate exceeded');
      return setProtection(name, ids, protect);
    };
    // Act and assess, pass by pass
    world.nowMs = 5_000;
    await runGatePass(deps);
    expect(protectedIds(world)).toEqual(['workers-svc-0', 'workers-svc-1']);
    expect(group()?.tags['capacity-guard/paced']).toBe('true');
    world.nowMs = 6_000;
    await runGatePass(deps);
    expect(protectedIds(world)).toEqual([]);
    expect(group()?.tags['capacity-guard/paced']).toBe('true');
    world.nowMs = 7_000;
    await runGatePass(deps);
    expect(group()?.tags['capacity-guard/paced']).toBeUndefined();
  });

  it('protects again on the next pass what a failed call left unprotected', async () => {
    // Prepare
    const world = worldOf(2, 30);
    const { deps } = buildGateDeps(world);
    const setProtection = world.setInstanceProtection.bind(world);
    let failures = 1;
    world.setInstanceProtection = async (name, ids, protect) => {
      if (failures-- > 0) throw new Error('Throttling: Rate exceeded');
      return setProtection(name, ids, protect);
    };
    // Act
    const first = await runGatePass(deps);
    world.nowMs = 2_000;
    await runGatePass(deps);
    // Assess
    expect(first.failedCalls).toBe(1);
    // The two nodes the failed call left out, and the 20 released by the first pass, now in service.
    expect(protectedIds(world)).toEqual(expect.arrayContaining(['workers-svc-0', 'workers-svc-1']));
    expect(protectedIds(world)).toHaveLength(22);
  });
});
