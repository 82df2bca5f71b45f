import fc from 'fast-check';
import { InMemoryGateStore } from '../../../../../shared/adapters/memory/in-memory-gate-store.js';
import type { GateStateStore } from '../../../../../shared/ports/gate-state-store.js';
import type { GateDeps } from '../../../../../shared/use-cases/gate/gate-deps.js';
import { runGatePass } from '../../../../../shared/use-cases/gate/run-gate-pass.js';
import { buildGateDeps, FakeGateWorld } from '../../../../fakes/gate-fakes.js';

/**
 * Concurrent gate passes (the event-driven function and the scheduled releaser, each on its own clock up to 5 s
 * apart) explored deterministically: fast-check's scheduler decides the order in which every awaited store call
 * resolves. Whatever the order, the instances released for the budget never predict more attaches than the room
 * the ledger had, and no instance is booked twice.
 */
/** 2 to 4 passes at once, each on its own clock up to 5 s off. */
const PASSES = fc.integer({ min: 2, max: 4 });
const SKEWS = fc.array(fc.integer({ min: -5_000, max: 5_000 }), { minLength: 4, maxLength: 4 });

/** The store with its calls resolved in the order fast-check's scheduler picks. */
function scheduledStore(s: fc.Scheduler, inner: GateStateStore): GateStateStore {
  return {
    readGate: s.scheduleFunction(() => inner.readGate()),
    commitGate: s.scheduleFunction((next, version) => inner.commitGate(next, version)),
  };
}

/** `passes` gate passes at once over `store`, pass i on the world's clock plus `skews[i]`. */
function racingPasses(
  deps: GateDeps,
  store: GateStateStore,
  world: FakeGateWorld,
  passes: number,
  skews: readonly number[],
) {
  return Promise.all(
    Array.from({ length: passes }, (_, i) =>
      runGatePass({ ...deps, store, clock: { nowMs: () => world.nowMs + (skews[i] ?? 0) } }),
    ),
  );
}

describe('launch gate under interleaved passes', () => {
  it('never books more than the budget, whatever the order of concurrent passes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        PASSES,
        SKEWS,
        fc.integer({ min: 0, max: 30 }),
        async (s, passes, skews, alreadySeen) => {
          const world = new FakeGateWorld();
          world.addGroup('a', { waiting: 25 });
          world.addGroup('b', { waiting: 25, tags: { 'capacity-guard/gate-weight': '2' } });
          world.nowMs = 100_000;
          world.attaches.push(
            ...Array.from({ length: alreadySeen }, () => ({ atMs: 90_000, instanceId: 'i-x' })),
          );
          const inner = new InMemoryGateStore();
          const store = scheduledStore(s, inner);
          const { deps } = buildGateDeps(world);
          await s.waitFor(racingPasses(deps, store, world, passes, skews));
          const state = (await inner.readGate()).value;
          const ids = state.released.map((r) => r.instanceId);
          expect(new Set(ids).size).toBe(ids.length);
          const booked = state.released.reduce((sum, r) => sum + r.predictedAttaches, 0);
          expect(booked).toBeLessThanOrEqual(Math.max(0, 40 - alreadySeen));
          // Whatever was released at AWS is in the ledger (a release without a booking would be a blind spot).
          const releasedAtAws = new Set(world.releases.map((r) => r.instanceId));
          for (const id of releasedAtAws) expect(ids).toContain(id);
        },
      ),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('never leaves scale-in protection it did not record, and takes it all off once nothing waits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), PASSES, SKEWS, async (s, passes, skews) => {
        const world = new FakeGateWorld();
        world.addGroup('a', { inService: 4, waiting: 30 });
        for (let i = 0; i < 4; i += 1) world.eniCounts.set(`a-svc-${i}`, 2);
        world.nowMs = 100_000;
        const inner = new InMemoryGateStore();
        const store = scheduledStore(s, inner);
        const { deps } = buildGateDeps(world);
        const protectedAtAws = () =>
          (world.groups.get('a')?.instances ?? [])
            .filter((i) => i.protectedFromScaleIn === true)
            .map((i) => i.instanceId);
        const recorded = async () =>
          ((await inner.readGate()).value.protectedInstances ?? []).flatMap((g) => g.instanceIds);
        await s.waitFor(racingPasses(deps, store, world, passes, skews));
        const afterRace = await recorded();
        for (const id of protectedAtAws()) expect(afterRace).toContain(id);
        expect(protectedAtAws()).toEqual(
          expect.arrayContaining(['a-svc-0', 'a-svc-1', 'a-svc-2', 'a-svc-3']),
        );
        // Every instance goes on (the hook's timeout, say); the next passes find nothing waiting.
        const group = world.groups.get('a');
        if (!group) throw new Error('no group');
        world.groups.set('a', {
          ...group,
          instances: group.instances.map((i) => ({ ...i, lifecycleState: 'InService' })),
        });
        const sequential = { ...deps, store: inner };
        world.nowMs = 200_000;
        await runGatePass(sequential);
        world.nowMs = 201_000;
        await runGatePass(sequential);
        expect(protectedAtAws()).toEqual([]);
        expect(await recorded()).toEqual([]);
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
