import fc from 'fast-check';
import {
  type AlertObservation,
  type AlertPolicy,
  AlertPolicyError,
  type AlertState,
  type AlertSubject,
  alertKey,
  classifyObservation,
  DEFAULT_ALERT_POLICIES,
  evaluateAlert,
  type Notification,
} from '../../../../shared/domain/alert-policy.js';

const MINUTE_MS = 60_000;
const T0 = Date.UTC(2025, 0, 1);

function buildSubject(overrides: Partial<AlertSubject> = {}): AlertSubject {
  return {
    accountId: '111122223333',
    region: 'eu-west-1',
    subjectId: 'subnet-0abc',
    kind: 'subnet-ips',
    clusterName: 'prod',
    ...overrides,
  };
}

function buildObservation(overrides: Partial<AlertObservation> = {}): AlertObservation {
  return { subject: buildSubject(), headroom: 200, capacity: 251, minutesToExhaustion: null, ...overrides };
}

function buildPolicy(overrides: Partial<AlertPolicy> = {}): AlertPolicy {
  return {
    warning: { headroomBelow: 50, minutesToExhaustionBelow: 120 },
    critical: { headroomBelow: 20, minutesToExhaustionBelow: 30 },
    clearMargin: { headroom: 10, headroomPercent: 0, minutes: 30 },
    renotifyIntervalMs: 60 * MINUTE_MS,
    ...overrides,
  };
}

/** Runs observations (headroom values) one per `stepMin` minutes; returns states and notifications. */
function run(headrooms: readonly number[], policy = buildPolicy(), stepMin = 5) {
  let state: AlertState | undefined;
  const notifications: Notification[] = [];
  const states: AlertState[] = [];
  headrooms.forEach((headroom, i) => {
    const result = evaluateAlert(state, buildObservation({ headroom }), policy, T0 + i * stepMin * MINUTE_MS);
    state = result.next;
    states.push(result.next);
    if (result.notification) notifications.push(result.notification);
  });
  return { states, notifications };
}

describe('alertKey', () => {
  it('joins account, region, subject and kind', () => {
    // Act
    const key = alertKey(buildSubject({ subjectId: 'prod/ng-1', kind: 'node-group-headroom' }));

    // Assess
    expect(key).toBe('111122223333:eu-west-1:prod/ng-1:node-group-headroom');
  });
});

describe('evaluateAlert', () => {
  it('stays silent while OK, including the first evaluation', () => {
    // Act
    const { states, notifications } = run([200, 150, 90]);

    // Assess
    expect(notifications).toEqual([]);
    expect(states.map((s) => s.severity)).toEqual(['OK', 'OK', 'OK']);
  });

  it('raises, escalates, de-escalates and resolves once each, with hysteresis', () => {
    // Act: 45 raises WARNING; 55 is inside the margin (50 + 10) and holds; 15 escalates; 25 is inside
    // the critical margin (20 + 10) and holds; 35 de-escalates; 58 holds; 61 resolves.
    const { states, notifications } = run([100, 45, 55, 15, 25, 35, 58, 61, 100]);

    // Assess
    expect(states.map((s) => s.severity)).toEqual([
      'OK',
      'WARNING',
      'WARNING',
      'CRITICAL',
      'CRITICAL',
      'WARNING',
      'WARNING',
      'OK',
      'OK',
    ]);
    expect(notifications.map((n) => [n.kind, n.severity])).toEqual([
      ['raised', 'WARNING'],
      ['escalated', 'CRITICAL'],
      ['de-escalated', 'WARNING'],
      ['resolved', 'OK'],
    ]);
  });

  it('names what holds the severity and how long the alert was active when it resolves', () => {
    // Act
    const { notifications } = run([45, 48, 70]);

    // Assess
    expect(notifications[0]?.reasons).toEqual([{ metric: 'headroom', value: 45, threshold: 50 }]);
    const resolved = notifications[1];
    expect(resolved?.kind).toBe('resolved');
    if (resolved?.kind === 'resolved') {
      expect(resolved.from).toBe('WARNING');
      expect(resolved.atMs - resolved.activeSinceMs).toBe(10 * MINUTE_MS);
      expect(resolved.reasons).toEqual([]);
    }
  });

  it('reminds while active once the interval has passed since the last notification', () => {
    // Prepare
    const policy = buildPolicy({ renotifyIntervalMs: 30 * MINUTE_MS });

    // Act: one observation every 10 minutes, WARNING throughout
    const { notifications } = run(Array(10).fill(40), policy, 10);

    // Assess
    expect(notifications.map((n) => [n.kind, (n.atMs - T0) / MINUTE_MS])).toEqual([
      ['raised', 0],
      ['reminder', 30],
      ['reminder', 60],
      ['reminder', 90],
    ]);
  });

  it('never reminds when the interval is 0', () => {
    // Act
    const { notifications } = run(Array(20).fill(10), buildPolicy({ renotifyIntervalMs: 0 }), 60);

    // Assess
    expect(notifications.map((n) => n.kind)).toEqual(['raised']);
  });

  it('uses minutes to exhaustion and percent thresholds when given, and ignores them when unknown', () => {
    // Prepare
    const policy = buildPolicy({ warning: { headroomPercentBelow: 20, minutesToExhaustionBelow: 120 } });

    // Act
    const byMinutes = evaluateAlert(undefined, buildObservation({ minutesToExhaustion: 90 }), policy, T0);
    const byPercent = evaluateAlert(undefined, buildObservation({ headroom: 40 }), policy, T0);
    const noCapacity = evaluateAlert(
      undefined,
      buildObservation({ headroom: 40, capacity: null }),
      policy,
      T0,
    );

    // Assess
    expect(byMinutes.notification?.reasons).toEqual([
      { metric: 'minutes-to-exhaustion', value: 90, threshold: 120 },
    ]);
    expect(byPercent.next.severity).toBe('WARNING');
    expect(byPercent.notification?.reasons[0]?.metric).toBe('headroom-percent');
    expect(noCapacity.next.severity).toBe('OK');
  });

  it('goes straight from OK to CRITICAL and from CRITICAL to OK', () => {
    // Act
    const { notifications } = run([100, 5, 100]);

    // Assess
    expect(notifications.map((n) => `${n.kind}:${n.severity}`)).toEqual(['raised:CRITICAL', 'resolved:OK']);
  });

  it('ignores an observation older than the stored state', () => {
    // Prepare
    const first = evaluateAlert(undefined, buildObservation({ headroom: 10 }), buildPolicy(), T0);

    // Act
    const late = evaluateAlert(first.next, buildObservation({ headroom: 200 }), buildPolicy(), T0 - 1);

    // Assess
    expect(late.next).toBe(first.next);
    expect(late.notification).toBeNull();
  });

  it('rejects a state of another alert and a negative margin', () => {
    // Prepare
    const other = evaluateAlert(
      undefined,
      buildObservation({ subject: buildSubject({ subjectId: 'subnet-x' }) }),
      buildPolicy(),
      T0,
    );

    // Act
    const mismatch = () => evaluateAlert(other.next, buildObservation(), buildPolicy(), T0 + 1);
    const negative = () =>
      evaluateAlert(
        undefined,
        buildObservation(),
        buildPolicy({ clearMargin: { headroom: -1, headroomPercent: 0, minutes: 0 } }),
        T0,
      );

    // Assess
    expect(mismatch).toThrow(AlertPolicyError);
    expect(mismatch).toThrow("previous.key '111122223333:eu-west-1:subnet-x:subnet-ips'");
    expect(negative).toThrow('policy.clearMargin.headroom is -1 (expected a finite number >= 0)');
  });

  it('classifies with the default prefix-block policy and its margin', () => {
    // Prepare
    const policy = DEFAULT_ALERT_POLICIES['subnet-prefix-blocks'];
    const observation = buildObservation({
      headroom: 9,
      subject: buildSubject({ kind: 'subnet-prefix-blocks' }),
    });

    // Act
    const fromOk = classifyObservation(policy, observation, 'OK');
    const fromWarning = classifyObservation(policy, observation, 'WARNING');

    // Assess
    expect(fromOk.severity).toBe('OK');
    expect(fromWarning.severity).toBe('WARNING');
  });

  it('is CRITICAL when no capacity is possible, whatever the thresholds, and says why', () => {
    // Prepare: thresholds that a headroom of 0 breaches at no level
    const policy = buildPolicy({ warning: { headroomBelow: 0 }, critical: { headroomBelow: 0 } });
    const observation = buildObservation({
      headroom: 0,
      subject: buildSubject({ kind: 'subnet-prefix-blocks' }),
      noCapacityPossible: true,
    });

    // Act
    const result = classifyObservation(policy, observation, 'OK');
    const without = classifyObservation(policy, { ...observation, noCapacityPossible: false }, 'OK');

    // Assess
    expect(result).toEqual({
      severity: 'CRITICAL',
      reasons: [{ metric: 'no-capacity-possible', value: 0, threshold: 0 }],
    });
    expect(without.severity).toBe('OK');
  });

  it('for any sequence: one notification per state change, and no repeat within the interval', () => {
    const step = fc.record({
      headroom: fc.integer({ min: -5, max: 120 }),
      minutes: fc.option(fc.integer({ min: 0, max: 300 })),
      gapMin: fc.integer({ min: 0, max: 45 }),
    });
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 80 }),
        fc.integer({ min: 0, max: 120 }),
        (steps, intervalMin) => {
          const policy = buildPolicy({ renotifyIntervalMs: intervalMin * MINUTE_MS });
          let state: AlertState | undefined;
          let nowMs = T0;
          let lastNotifiedAt: number | null = null;
          for (const s of steps) {
            nowMs += s.gapMin * MINUTE_MS;
            const before = state?.severity ?? 'OK';
            const result = evaluateAlert(
              state,
              buildObservation({ headroom: s.headroom, minutesToExhaustion: s.minutes }),
              policy,
              nowMs,
            );
            const changed = result.next.severity !== before;
            if (changed) {
              expect(result.notification).not.toBeNull();
              expect(result.notification?.kind).not.toBe('reminder');
              expect(result.notification?.severity).toBe(result.next.severity);
            } else if (result.notification !== null) {
              expect(result.notification.kind).toBe('reminder');
              expect(intervalMin).toBeGreaterThan(0);
              expect(lastNotifiedAt).not.toBeNull();
              expect(nowMs - (lastNotifiedAt ?? nowMs)).toBeGreaterThanOrEqual(intervalMin * MINUTE_MS);
            }
            if (result.notification !== null) lastNotifiedAt = nowMs;
            state = result.next;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
