import fc from 'fast-check';
import { CLOCK_SKEW_MS } from '../../../../shared/domain/attach-timing.js';
import {
  ceilingDesiredCapacity,
  ceilingInForce,
  isAtGuardCeiling,
} from '../../../../shared/domain/ceiling-pacing.js';
import type { AppliedStep, ScaleIntent } from '../../../../shared/domain/stagger-plan.js';

const steps: AppliedStep[] = [
  { atMs: 0, capacity: 70, attaches: 40 },
  { atMs: 70_000, capacity: 90, attaches: 40 },
  { atMs: 140_000, capacity: 110, attaches: 40 },
];

function intent(requestedCapacity: number, intentAtMs: number, extra: Partial<ScaleIntent> = {}) {
  return {
    requestedCapacity,
    origin: { eventId: 'e', via: 'SetDesiredCapacity', intentAtMs },
    ...extra,
  };
}

describe('ceilingDesiredCapacity', () => {
  it('is the target up to the ceiling, never below the MinSize the call leaves', () => {
    expect(ceilingDesiredCapacity({ targetCapacity: 200 }, 90, 50)).toBe(90);
    expect(ceilingDesiredCapacity({ targetCapacity: 80 }, 90, 50)).toBe(80);
    expect(ceilingDesiredCapacity({ targetCapacity: 40 }, 90, 50)).toBe(50);
    expect(ceilingDesiredCapacity({ targetCapacity: 40 }, 30, 50)).toBe(30);
  });

  it('always lies within [min(MinSize, ceiling), ceiling]', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(1000), (target, ceiling, minSize) => {
        const desired = ceilingDesiredCapacity({ targetCapacity: target }, ceiling, minSize);
        expect(desired).toBeLessThanOrEqual(ceiling);
        expect(desired).toBeGreaterThanOrEqual(Math.min(minSize, ceiling));
      }),
    );
  });
});

describe('ceilingInForce', () => {
  it('is the lowest ceiling set in the skew before the time, undefined before the first step', () => {
    expect(ceilingInForce({ steps }, -1)).toBeUndefined();
    expect(ceilingInForce({ steps }, 0)).toBe(70);
    expect(ceilingInForce({ steps }, 70_000 + CLOCK_SKEW_MS - 1)).toBe(70);
    expect(ceilingInForce({ steps }, 70_000 + CLOCK_SKEW_MS)).toBe(90);
    expect(ceilingInForce({ steps }, 1_000_000)).toBe(110);
  });
});

describe('isAtGuardCeiling', () => {
  const plan = { allowedCapacity: 110, steps };

  it('a call at the ceiling in force when it was made re-asserts it, even delivered after a higher step', () => {
    expect(isAtGuardCeiling(plan, intent(90, 100_000))).toBe(true);
    expect(isAtGuardCeiling(plan, intent(110, 200_000))).toBe(true);
    // Stamped 2 s after the step to 90 by another clock, on what was read before it.
    expect(isAtGuardCeiling(plan, intent(70, 72_000))).toBe(true);
  });

  it('a lower capacity, a call with bounds, one above the ceiling or before any step is a new intent', () => {
    expect(isAtGuardCeiling(plan, intent(80, 100_000))).toBe(false);
    expect(isAtGuardCeiling(plan, intent(90, 100_000, { maxSize: 300 }))).toBe(false);
    expect(isAtGuardCeiling(plan, intent(90, 100_000, { minSize: 10 }))).toBe(false);
    expect(isAtGuardCeiling(plan, intent(150, 200_000))).toBe(false);
    expect(isAtGuardCeiling(plan, intent(60, -10_000))).toBe(false);
  });

  it('a ceiling lowered without a step (a lower target) is one the guard set too', () => {
    expect(isAtGuardCeiling({ allowedCapacity: 80, steps }, intent(80, 200_000))).toBe(true);
    expect(isAtGuardCeiling({ allowedCapacity: 80, steps }, intent(75, 200_000))).toBe(false);
  });
});
