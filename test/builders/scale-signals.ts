import { coalesceSignals } from '../../shared/events/coalesce-signals.js';
import type { BoundsSetSignal, DesiredSetSignal } from '../../shared/events/scale-signal.js';
import { nextWakeMs } from '../../shared/runtime/stagger-stepper.js';
import { advanceStaggerPlans } from '../../shared/use-cases/advance-stagger-plans.js';
import { reactToScaleSignals } from '../../shared/use-cases/react-to-scale-signals.js';
import type { FakeWorld } from '../fakes/stagger-fakes.js';

/** An operator's SetDesiredCapacity to 200 on `shop-general`, 10 s before the fake world's start. */
export function desiredSet(overrides: Partial<DesiredSetSignal> = {}): DesiredSetSignal {
  return {
    kind: 'desired-set',
    eventId: 'evt-1',
    groupName: 'shop-general',
    desired: 200,
    intentAtMs: Date.UTC(2026, 10, 27, 7, 59, 50),
    via: 'SetDesiredCapacity',
    ...overrides,
  };
}

/** The scale reactor run on `signals` as its handler runs it (coalesced per group). */
export async function react(world: FakeWorld, ...signals: (DesiredSetSignal | BoundsSetSignal)[]) {
  return reactToScaleSignals(world.deps, coalesceSignals(signals));
}

/** One stepper tick at the world's time, with the nodes released so far in service. */
export async function stepNow(world: FakeWorld) {
  world.groups.settle();
  return advanceStaggerPlans(world.deps);
}

/** Stepper ticks as its handler schedules them until no plan is open (fails past an hour). */
export async function stepUntilPlansEnd(world: FakeWorld): Promise<void> {
  const start = world.now;
  const open = async () => (await world.store.listPlans()).some((p) => p.value.completedAtMs === undefined);
  while (await open()) {
    const outcomes = await stepNow(world);
    world.now = nextWakeMs(outcomes, world.now, 15_000) ?? world.now + 60_000;
    if (world.now - start > 3_600_000) throw new Error('plans did not finish');
  }
}
