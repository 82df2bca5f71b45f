import { gatePassMetrics } from '../../../../shared/runtime/launch-gate.js';
import { stepperTickMetrics } from '../../../../shared/runtime/stagger-stepper.js';

describe('per-invocation pacing metrics', () => {
  it('a gate pass reports what waits, what it released, the oldest wait and the ledger', () => {
    const points = gatePassMetrics({
      atMs: 0,
      waiting: 12,
      oldestWaitSec: 95,
      released: { budget: 3, 'max-hold': 1, retry: 1, 'kill-switch': 0, bypassed: 0, 'opt-out': 0 },
      heartbeats: 0,
      notWaiting: 0,
      observedInWindow: 31,
      pendingAttaches: 8,
      roomAfter: 1,
      backlogSec: 480,
      nextCheckAtMs: null,
      failedCalls: 0,
      describeCalls: 1,
      silentReportingGroups: [],
    });
    expect(points.map((p) => [p.name, p.value, p.unit])).toEqual([
      ['GateWaiting', 12, 'Count'],
      ['GateReleased', 5, 'Count'],
      ['GateOldestWaitSec', 95, 'None'],
      ['GateBacklogSec', 480, 'None'],
      ['AttachesObserved', 31, 'Count'],
      ['AttachesBooked', 8, 'Count'],
    ]);
  });

  it('a stepper tick reports the plans still open and the steps it applied', () => {
    const points = stepperTickMetrics([
      { groupName: 'a', action: 'advance', capacity: 90 },
      { groupName: 'b', action: 'wait', nextCheckAtMs: null },
      { groupName: 'c', action: 'complete', capacity: 20, reason: 'target-reached' },
    ]);
    expect(points.map((p) => [p.name, p.value])).toEqual([
      ['PlansOpen', 2],
      ['StepsApplied', 1],
    ]);
  });
});
