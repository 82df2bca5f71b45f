import { coalesceSignals } from '../../shared/events/coalesce-signals.js';
import type { BoundsSetSignal, DesiredSetSignal } from '../../shared/events/scale-signal.js';
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
