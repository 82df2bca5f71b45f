import { shortestAttachDelaysMs } from '../../../../shared/domain/attach-timing.js';
import {
  BOOT_GRACE_MS,
  decideGate,
  FIRST_REPORT_GRACE_MS,
  type GatePolicy,
  type ReleasedInstance,
  type WaitingInstance,
} from '../../../../shared/domain/launch-gate.js';
import { buildWaitingInstance, TEST_GATE_POLICY } from '../../../builders/gate-policy.js';

const policy: GatePolicy = TEST_GATE_POLICY;

/** A node of a group whose nodes report reaching the wait point; `readyAtMs` null: still booting. */
function node(
  id: string,
  readyAtMs: number | null,
  overrides: Partial<WaitingInstance> = {},
): WaitingInstance {
  return buildWaitingInstance(id, { readyAtMs, reportsReady: true, ...overrides });
}

const ids = (decision: ReturnType<typeof decideGate>) => decision.release.map((r) => r.instance.instanceId);

describe('decideGate with nodes that report reaching the wait point', () => {
  it('releases reported nodes first and keeps booting ones waiting when not everything fits', () => {
    // 30 nodes of 2 attaches (60) against a budget of 40: the 5 that reported go first, soonest report first.
    const booting = Array.from({ length: 25 }, (_, i) => node(`i-b${String(i).padStart(2, '0')}`, null));
    const ready = [node('i-r2', 40_000), node('i-r1', 30_000), node('i-r3', 45_000)];
    const decision = decideGate({
      nowMs: 50_000,
      policy,
      waiting: [...booting, ...ready],
      released: [],
      observed: [],
    });
    expect(ids(decision)).toEqual(['i-r1', 'i-r2', 'i-r3']);
    // The booting ones are looked at again when their grace ends at the latest.
    expect(decision.nextCheckAtMs).toBe(BOOT_GRACE_MS);
    // A released reported node is marked so, and teaches the start-up delay.
    expect(decision.inFlight.every((r) => r.readyAtRelease === true)).toBe(true);
  });

  it('does not hold booting nodes when everything waiting fits the budget', () => {
    const decision = decideGate({
      nowMs: 5_000,
      policy,
      waiting: [node('i-a', null), node('i-b', null), node('i-c', 4_000)],
      released: [],
      observed: [],
    });
    expect(ids(decision).sort()).toEqual(['i-a', 'i-b', 'i-c']);
    expect(decision.inFlight.filter((r) => r.readyAtRelease === true).map((r) => r.instanceId)).toEqual([
      'i-c',
    ]);
  });

  it('treats an unreported node like any waiting node once its grace is over', () => {
    const late = node('i-late', null, { waitingSinceMs: 0 });
    const others = Array.from({ length: 25 }, (_, i) =>
      node(`i-n${String(i).padStart(2, '0')}`, null, { waitingSinceMs: BOOT_GRACE_MS }),
    );
    const decision = decideGate({
      nowMs: BOOT_GRACE_MS,
      policy,
      waiting: [late, ...others],
      released: [],
      observed: [],
    });
    expect(ids(decision)).toEqual(['i-late']);
  });

  it('holds a tagged group whose nodes never reported only until the first report is overdue, and says so', () => {
    const silent = Array.from({ length: 30 }, (_, i) => node(`i-s${String(i).padStart(2, '0')}`, null));
    const early = decideGate({ nowMs: 60_000, policy, waiting: silent, released: [], observed: [] });
    expect(early.release).toHaveLength(0);
    expect(early.nextCheckAtMs).toBe(FIRST_REPORT_GRACE_MS);
    expect(early.silentReportingGroups).toEqual([]);
    const overdue = decideGate({
      nowMs: FIRST_REPORT_GRACE_MS,
      policy,
      waiting: silent,
      released: [],
      observed: [],
    });
    expect(overdue.release).toHaveLength(20);
    expect(overdue.silentReportingGroups).toEqual(['workers']);
    // Once one node of the group has reported, the others get the whole boot grace.
    const reported = decideGate({
      nowMs: FIRST_REPORT_GRACE_MS,
      policy,
      waiting: [...silent, node('i-r', 80_000)],
      released: [],
      observed: [],
    });
    expect(ids(reported)).toEqual(['i-r']);
    expect(reported.silentReportingGroups).toEqual([]);
  });

  it('holds nothing for groups whose nodes do not report', () => {
    const silent = Array.from({ length: 30 }, (_, i) =>
      node(`i-s${String(i).padStart(2, '0')}`, null, { reportsReady: false }),
    );
    const decision = decideGate({ nowMs: 1_000, policy, waiting: silent, released: [], observed: [] });
    expect(decision.release).toHaveLength(20);
  });

  it('a report not yet due (a later time than now) does not count as ready', () => {
    const decision = decideGate({
      nowMs: 1_000,
      policy,
      waiting: [...Array.from({ length: 25 }, (_, i) => node(`i-b${i}`, null)), node('i-future', 2_000)],
      released: [],
      observed: [],
    });
    expect(decision.release).toHaveLength(0);
  });
});

describe('shortestAttachDelaysMs with reports', () => {
  const releasedNode = (id: string, overrides: Partial<ReleasedInstance>): ReleasedInstance => ({
    instanceId: id,
    groupName: 'workers',
    releasedAtMs: 100_000,
    predictedAttaches: 2,
    earliestAttachMs: 100_000,
    waitedMs: 10_000,
    attachGapMs: 0,
    ...overrides,
  });

  it('learns from nodes that had reported when released, whatever they waited', () => {
    const released = [
      releasedNode('i-1', { readyAtRelease: true }),
      releasedNode('i-2', {}),
      releasedNode('i-3', { readyAtRelease: true }),
    ];
    const observed = [
      { atMs: 114_000, instanceId: 'i-1' },
      // Still booting when released: its delay is the rest of its boot, not the start-up.
      { atMs: 105_000, instanceId: 'i-2' },
      { atMs: 116_000, instanceId: 'i-3' },
    ];
    expect(shortestAttachDelaysMs(released, observed).get('workers')).toEqual({
      shortestMs: 14_000,
      samples: 2,
    });
  });
});
