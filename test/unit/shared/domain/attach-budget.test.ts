import fc from 'fast-check';
import {
  BudgetPolicyError,
  effectiveBudget,
  nextRoomAtMs,
  peakInRollingWindow,
  pruneSpends,
  roomAt,
  spentInWindow,
  validateBudgetPolicy,
} from '../../../../shared/domain/attach-budget.js';

const policy = { attachesPerMin: 40, safetyMargin: 0, spreadSec: 5 };
const spend = (atMs: number, attaches: number, groupName = 'g') => ({ atMs, attaches, groupName });

describe('attach budget', () => {
  it('counts spends after now - window, those another clock dated after now included', () => {
    const spends = [spend(0, 10), spend(30_000, 5), spend(60_000, 1)];
    expect(spentInWindow(spends, 60_000, 60_000)).toBe(6);
    // The spend stamped 60 000 by a clock 1 ms ahead still counts at 59 999.
    expect(spentInWindow(spends, 59_999, 60_000)).toBe(16);
  });

  it('room subtracts own spends over the widened window and other consumers over 60 s', () => {
    const spends = [spend(0, 20)];
    expect(roomAt(spends, [], 62_000, policy)).toBe(20);
    expect(roomAt(spends, [], 65_000, policy)).toBe(40);
    expect(roomAt([], [4_000, 20_000, 30_000], 65_000, policy)).toBe(38);
  });

  it('the safety margin is taken off the budget, rounded down', () => {
    expect(effectiveBudget({ ...policy, safetyMargin: 0.1 })).toBe(36);
    expect(effectiveBudget({ ...policy, attachesPerMin: 1, safetyMargin: 0.5 })).toBe(1);
  });

  it('next room comes when the oldest spend leaves the window', () => {
    expect(nextRoomAtMs([spend(0, 40), spend(10_000, 1)], [], 20_000, policy)).toBe(65_000);
    expect(nextRoomAtMs([], [5_000], 20_000, policy)).toBe(65_000);
    expect(nextRoomAtMs([], [], 20_000, policy)).toBeNull();
  });

  it('prunes spends that no window can see any more', () => {
    expect(pruneSpends([spend(0, 1), spend(10_000, 1)], 70_000, 65_000)).toEqual([spend(10_000, 1)]);
  });

  it('validates the policy, naming the field and the range', () => {
    expect(() => validateBudgetPolicy({ ...policy, attachesPerMin: 0 })).toThrow(BudgetPolicyError);
    expect(() => validateBudgetPolicy({ ...policy, safetyMargin: 0.9 })).toThrow(
      'safetyMargin: 0.9 is out of range (expected 0..0.5)',
    );
    expect(() => validateBudgetPolicy({ ...policy, spreadSec: -1 })).toThrow(/spreadSec/);
  });

  it('peakInRollingWindow equals a brute-force count over every window start (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ atMs: fc.integer({ min: 0, max: 300_000 }), attaches: fc.integer({ min: 0, max: 5 }) }),
          {
            maxLength: 60,
          },
        ),
        (events) => {
          let brute = 0;
          for (const start of events) {
            const sum = events
              .filter((e) => e.atMs >= start.atMs && e.atMs < start.atMs + 60_000)
              .reduce((s, e) => s + e.attaches, 0);
            brute = Math.max(brute, sum);
          }
          expect(peakInRollingWindow(events)).toBe(brute);
        },
      ),
      { seed: 11 },
    );
  });
});
