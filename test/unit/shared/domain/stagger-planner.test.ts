import fc from 'fast-check';
import { peakInRollingWindow } from '../../../../shared/domain/attach-budget.js';
import { planStagger, StaggerInputError } from '../../../../shared/domain/stagger-planner.js';

const policy = (
  overrides: Partial<{ attachesPerMin: number; safetyMargin: number; spreadSec: number }> = {},
) => ({
  attachesPerMin: 40,
  safetyMargin: 0,
  spreadSec: 0,
  ...overrides,
});

describe('planStagger', () => {
  it('reaches the lower bound exactly when no spread is allowed: 300 attaches at 40/min, last step at 420 s', () => {
    const schedule = planStagger({ fromDesired: 50, toDesired: 200, attachesPerNode: 2, policy: policy() });
    expect(schedule.durationSec).toBe(420);
    expect(schedule.lowerBoundSec).toBe(420);
    expect(schedule.steps.map((s) => s.desired)).toEqual([70, 90, 110, 130, 150, 170, 190, 200]);
  });

  it('the spread allowance keeps steps 60 s + spread apart', () => {
    const schedule = planStagger({
      fromDesired: 50,
      toDesired: 200,
      attachesPerNode: 2,
      policy: policy({ spreadSec: 5 }),
    });
    expect(schedule.steps.map((s) => s.atSec)).toEqual([0, 65, 130, 195, 260, 325, 390, 455]);
  });

  it('a node that alone exceeds the budget still goes, one per window', () => {
    const schedule = planStagger({ fromDesired: 0, toDesired: 3, attachesPerNode: 50, policy: policy() });
    expect(schedule.steps.map((s) => [s.atSec, s.desired])).toEqual([
      [0, 1],
      [60, 2],
      [120, 3],
    ]);
  });

  it('zero attaches per node (pods fit on the primary ENI) is a single step', () => {
    const schedule = planStagger({ fromDesired: 0, toDesired: 500, attachesPerNode: 0, policy: policy() });
    expect(schedule.steps).toEqual([{ atSec: 0, desired: 500, attaches: 0 }]);
  });

  it('rejects inputs that cannot be planned, naming the field', () => {
    expect(() =>
      planStagger({ fromDesired: -1, toDesired: 5, attachesPerNode: 2, policy: policy() }),
    ).toThrow(StaggerInputError);
    expect(() =>
      planStagger({
        fromDesired: 0,
        toDesired: 5,
        attachesPerNode: 2,
        policy: policy(),
        otherAttachesPerMin: 40,
      }),
    ).toThrow(/otherAttachesPerMin: 40 leaves no budget/);
  });

  it('never plans a 60 s window above the budget, always ends at the target, within one window of the bound (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 5, max: 60 }),
        fc.integer({ min: 0, max: 10 }),
        (from, to, attachesPerNode, attachesPerMin, spreadSec) => {
          fc.pre(attachesPerNode <= attachesPerMin);
          const schedule = planStagger({
            fromDesired: from,
            toDesired: to,
            attachesPerNode,
            policy: policy({ attachesPerMin, spreadSec }),
          });
          const events = schedule.steps.map((s) => ({ atMs: s.atSec * 1000, attaches: s.attaches }));
          expect(peakInRollingWindow(events)).toBeLessThanOrEqual(attachesPerMin);
          expect(peakInRollingWindow(events, 60_000 + spreadSec * 1000)).toBeLessThanOrEqual(attachesPerMin);
          expect(schedule.steps.at(-1)?.desired).toBe(to);
          expect(schedule.steps.reduce((sum, s) => sum + s.attaches, 0)).toBe(
            Math.max(0, to - from) * attachesPerNode,
          );
          const windows = Math.ceil(
            schedule.totalAttaches / (Math.floor(attachesPerMin / attachesPerNode) * attachesPerNode),
          );
          expect(schedule.durationSec).toBeLessThanOrEqual(Math.max(0, windows - 1) * (60 + spreadSec));
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });
});
