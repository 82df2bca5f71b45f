import {
  GATE_MAX_PASS_INTERVAL_MS,
  GATE_MIN_PASS_INTERVAL_MS,
  GATE_PAUSE_PER_DESCRIBE_MS,
  nextGatePassAtMs,
} from '../../../../shared/runtime/launch-gate.js';
import type { GatePassOutcome } from '../../../../shared/use-cases/gate/run-gate-pass.js';

function outcome(overrides: Partial<GatePassOutcome>): GatePassOutcome {
  return {
    atMs: 0,
    waiting: 10,
    oldestWaitSec: 30,
    released: { budget: 0, 'max-hold': 0, retry: 0, 'kill-switch': 0, bypassed: 0, 'opt-out': 0 },
    heartbeats: 0,
    notWaiting: 0,
    observedInWindow: 40,
    pendingAttaches: 0,
    roomAfter: 0,
    backlogSec: 60,
    nextCheckAtMs: null,
    failedCalls: 0,
    describeCalls: 1,
    silentReportingGroups: [],
    ...overrides,
  };
}

const NOW = 100_000;

describe('nextGatePassAtMs', () => {
  it('stops when nothing is left waiting', () => {
    expect(
      nextGatePassAtMs(
        outcome({
          waiting: 3,
          released: { budget: 3, 'max-hold': 0, retry: 0, 'kill-switch': 0, bypassed: 0, 'opt-out': 0 },
        }),
        NOW,
      ),
    ).toBeNull();
  });

  it('passes again when room frees, not sooner than the minimum interval', () => {
    expect(nextGatePassAtMs(outcome({ nextCheckAtMs: NOW + 3_000 }), NOW)).toBe(NOW + 3_000);
    expect(nextGatePassAtMs(outcome({ nextCheckAtMs: NOW + 100 }), NOW)).toBe(
      NOW + GATE_MIN_PASS_INTERVAL_MS,
    );
    expect(nextGatePassAtMs(outcome({}), NOW)).toBe(NOW + GATE_MAX_PASS_INTERVAL_MS);
  });

  it("keeps the gate's own reads within its share of the account's Describe budget", () => {
    // An account whose ENIs take 20 pages: 20 calls a pass, so passes at least 10 s apart (120 calls a minute).
    const many = outcome({ describeCalls: 20, nextCheckAtMs: NOW + 2_000 });
    expect(nextGatePassAtMs(many, NOW)).toBe(NOW + 20 * GATE_PAUSE_PER_DESCRIBE_MS);
    expect(nextGatePassAtMs(outcome({ describeCalls: 30 }), NOW)).toBe(NOW + 30 * GATE_PAUSE_PER_DESCRIBE_MS);
    // 60 s of passes never make more than 120 calls.
    let now = 0;
    let calls = 0;
    while (now < 60_000) {
      calls += 20;
      now = nextGatePassAtMs(many, now) ?? Number.POSITIVE_INFINITY;
    }
    expect(calls).toBeLessThanOrEqual(120);
  });
});
