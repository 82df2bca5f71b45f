import fc from 'fast-check';
import { coalesceSignals } from '../../../../shared/events/coalesce-signals.js';
import type { GuardStateStore } from '../../../../shared/ports/guard-state-store.js';
import { advanceStaggerPlans } from '../../../../shared/use-cases/advance-stagger-plans.js';
import { reactToScaleSignals } from '../../../../shared/use-cases/react-to-scale-signals.js';
import { desiredSet } from '../../../builders/scale-signals.js';
import { buildGroup, buildWorld } from '../../../fakes/stagger-fakes.js';

const GROUPS = ['g0', 'g1', 'g2', 'g3'];

/**
 * Reactors and steppers running at once (each invocation on its own clock, up to 5 s off) explored
 * deterministically: fast-check's scheduler decides the order in which every awaited state-store call resolves.
 * Four groups each ask for 10 more m5.large nodes (20 attaches each, 80 in all): whatever the order, what the
 * invocations of one moment commit to the ledger never exceeds the 40 attaches of the budget, and no group is
 * allowed more than it asked for.
 */
describe('desired-mode pacing under interleaved reactors and steppers', () => {
  it('never commits more than the budget in one moment, whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.integer({ min: -5_000, max: 5_000 }), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 0, max: 3 }),
        async (s, skews, steppers) => {
          const world = buildWorld();
          for (const name of GROUPS) world.groups.add(buildGroup({ name, desiredCapacity: 60 }));
          const inner = world.store;
          const store: GuardStateStore = {
            readLedger: s.scheduleFunction(() => inner.readLedger()),
            readPlan: s.scheduleFunction((groupName: string) => inner.readPlan(groupName)),
            listPlans: s.scheduleFunction(() => inner.listPlans()),
            commit: s.scheduleFunction((change: Parameters<GuardStateStore['commit']>[0]) =>
              inner.commit(change),
            ),
          };
          const clockOf = (i: number) => ({ nowMs: () => world.now + (skews[i] ?? 0) });
          const runs = [
            ...GROUPS.map((name, i) =>
              reactToScaleSignals(
                { ...world.deps, store, clock: clockOf(i) },
                coalesceSignals([
                  desiredSet({
                    eventId: `e-${name}`,
                    groupName: name,
                    desired: 60,
                    intentAtMs: world.now - 2_000,
                  }),
                ]),
              ),
            ),
            ...Array.from({ length: steppers }, (_, i) =>
              advanceStaggerPlans({ ...world.deps, store, clock: clockOf(GROUPS.length + i) }),
            ),
          ];
          await s.waitFor(Promise.all(runs.map((run) => run.catch(() => null))));
          // Time does not move here: every spend committed is still in the ledger's window.
          const spent = (await inner.readLedger()).value;
          expect(spent.reduce((sum, x) => sum + x.attaches, 0)).toBeLessThanOrEqual(40);
          for (const { value: plan } of await inner.listPlans()) {
            expect(plan.allowedCapacity).toBeLessThanOrEqual(plan.targetCapacity);
            const [group] = await world.groups.describe([plan.groupName]);
            expect(group?.desiredCapacity ?? 0).toBeLessThanOrEqual(60);
          }
        },
      ),
      { numRuns: 1000, seed: 11 },
    );
  }, 180_000);
});
