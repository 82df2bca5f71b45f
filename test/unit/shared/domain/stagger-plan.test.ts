import fc from 'fast-check';
import { planningWindowMs, spentInWindow } from '../../../../shared/domain/attach-budget.js';
import {
  decideIntent,
  decideSteps,
  type GroupSnapshot,
  RELEASE_MEMORY_MS,
  reconcileWithGroup,
  type StaggerPlan,
} from '../../../../shared/domain/stagger-plan.js';
import { buildStaggerPlan } from '../../../builders/stagger-plan.js';

const policy = { attachesPerMin: 40, safetyMargin: 0, spreadSec: 10, othersBurstFactor: 1.5 };
const NOW = 1_000_000;

const buildPlan = (overrides: Partial<StaggerPlan> = {}) => buildStaggerPlan(overrides, NOW);

function buildSnapshot(overrides: Partial<GroupSnapshot> = {}): GroupSnapshot {
  return {
    groupName: 'g',
    desiredCapacity: 200,
    minSize: 0,
    maxSize: 300,
    inServiceCount: 50,
    ...overrides,
  };
}

const ctx = (
  spends = [] as { atMs: number; attaches: number; groupName: string }[],
  others: number[] = [],
) => ({
  nowMs: NOW,
  policy,
  spends,
  otherAttachTimesMs: others,
  deadlineGraceMs: 60_000,
});

describe('decideIntent', () => {
  it('passes a change the budget can absorb straight through', () => {
    const decision = decideIntent(
      undefined,
      { groupName: 'g', requestedCapacity: 60, origin: { eventId: 'e', via: 'x', intentAtMs: NOW } },
      buildSnapshot(),
      'desired',
      2,
      ctx(),
    );
    expect(decision).toMatchObject({
      kind: 'pass-through',
      reason: 'within budget',
      spend: { attaches: 20 },
    });
  });

  it('records an explicit pass-through as a closed plan dated by its intent, an observed one not at all', () => {
    const explicit = decideIntent(
      undefined,
      { groupName: 'g', requestedCapacity: 40, origin: { eventId: 'in', via: 'x', intentAtMs: NOW - 5_000 } },
      buildSnapshot({ desiredCapacity: 40 }),
      'desired',
      2,
      ctx(),
    );
    const observed = decideIntent(
      undefined,
      { groupName: 'g', requestedCapacity: 40, origin: { eventId: 'o', via: 'observed', intentAtMs: NOW } },
      buildSnapshot({ desiredCapacity: 40 }),
      'desired',
      2,
      ctx(),
    );
    expect(explicit).toMatchObject({
      kind: 'pass-through',
      record: { targetCapacity: 40, completedAtMs: NOW, origin: { eventId: 'in', intentAtMs: NOW - 5_000 } },
    });
    expect(observed).toMatchObject({ kind: 'pass-through', record: null });
  });

  it('an explicit intent older than a closed plan is superseded; an observed one is stale', () => {
    const closed = buildPlan({ completedAtMs: NOW - 1_000, targetCapacity: 50, allowedCapacity: 50 });
    const older = (via: string) =>
      decideIntent(
        closed,
        { groupName: 'g', requestedCapacity: 200, origin: { eventId: 'old', via, intentAtMs: NOW - 15_000 } },
        buildSnapshot({ desiredCapacity: 50 }),
        'desired',
        2,
        ctx(),
      ).kind;
    expect(older('SetDesiredCapacity')).toBe('superseded');
    expect(older('observed')).toBe('stale');
  });

  it('a cancel closes the plan with the intent that ended it and the latest bounds', () => {
    const decision = decideIntent(
      buildPlan(),
      {
        groupName: 'g',
        requestedCapacity: 0,
        minSize: 0,
        maxSize: 0,
        origin: { eventId: 'zero', via: 'UpdateAutoScalingGroup', intentAtMs: NOW },
      },
      buildSnapshot({ desiredCapacity: 0, maxSize: 0 }),
      'desired',
      2,
      ctx(),
    );
    expect(decision).toMatchObject({
      kind: 'cancel',
      plan: {
        targetCapacity: 0,
        configuredMaxSize: 0,
        completedAtMs: NOW,
        origin: { eventId: 'zero' },
        startCapacity: 50,
      },
    });
  });

  it('caps the target at the configured MaxSize', () => {
    const decision = decideIntent(
      undefined,
      { groupName: 'g', requestedCapacity: 900, origin: { eventId: 'e', via: 'x', intentAtMs: NOW } },
      buildSnapshot(),
      'desired',
      2,
      ctx(),
    );
    expect(decision.kind === 'hold' && decision.plan.targetCapacity).toBe(300);
  });

  it('reserves other consumers times the burst factor', () => {
    const others = Array.from({ length: 10 }, (_, i) => NOW - i * 1000);
    const decision = decideIntent(
      undefined,
      { groupName: 'g', requestedCapacity: 200, origin: { eventId: 'e', via: 'x', intentAtMs: NOW } },
      buildSnapshot(),
      'desired',
      2,
      ctx([], others),
    );
    expect(decision.kind === 'hold' && decision.capacityNow).toBe(50 + Math.floor((40 - 15) / 2));
  });
});

describe('a finished plan', () => {
  const finished = buildPlan({ allowedCapacity: 200, completedAtMs: NOW - 60_000 });
  const observed = (requestedCapacity: number, eventId = 'launch-1') => ({
    groupName: 'g',
    requestedCapacity,
    origin: { eventId, via: 'observed', intentAtMs: NOW },
  });

  it('recognises the launches of the nodes it released', () => {
    const decision = decideIntent(
      finished,
      observed(200),
      buildSnapshot({ inServiceCount: 180 }),
      'desired',
      2,
      ctx(),
    );
    expect(decision).toEqual({ kind: 'stale', reason: 'capacity released by a finished plan' });
  });

  it('no longer governs a new, larger intent', () => {
    const decision = decideIntent(
      finished,
      observed(260),
      buildSnapshot({ inServiceCount: 200 }),
      'desired',
      2,
      ctx(),
    );
    expect(decision).toMatchObject({ kind: 'hold', created: true, plan: { targetCapacity: 260 } });
  });

  it('is forgotten after the release memory, and never stepped', () => {
    expect(decideSteps([finished], ctx(), false)).toEqual([]);
    const old = buildPlan({ completedAtMs: NOW - RELEASE_MEMORY_MS });
    expect(decideSteps([old], ctx(), false)).toEqual([{ kind: 'forget', plan: old }]);
  });
});

describe('decideSteps', () => {
  it('completes the plan of an opted-out group at its target and spends what that releases', () => {
    const actions = decideSteps(
      [buildPlan(), buildPlan({ groupName: 'h' })],
      ctx([], []),
      false,
      new Set(['g']),
    );
    expect(actions.find((a) => a.plan.groupName === 'g')).toMatchObject({
      kind: 'complete',
      reason: 'opt-out',
      capacity: 200,
      restoreMaxSize: null,
      spend: { atMs: NOW, attaches: 260, groupName: 'g' },
    });
    expect(actions.find((a) => a.plan.groupName === 'h')?.kind).not.toBe('complete');
  });

  it('waits while the window is full and says when room comes back', () => {
    const [action] = decideSteps(
      [buildPlan()],
      ctx([{ atMs: NOW - 5_000, attaches: 40, groupName: 'g' }]),
      false,
    );
    expect(action).toMatchObject({ kind: 'wait', nextCheckAtMs: NOW - 5_000 + planningWindowMs(policy) });
  });

  it('never grants more than the room, whatever the plans, spends and other consumers (property)', () => {
    const planArb = fc.record({
      groupName: fc.string({ minLength: 1, maxLength: 4 }),
      need: fc.integer({ min: 1, max: 100 }),
      attachesPerNode: fc.integer({ min: 1, max: 6 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(planArb, { selector: (p) => p.groupName, minLength: 1, maxLength: 5 }),
        fc.array(
          fc.record({ ago: fc.integer({ min: 0, max: 120_000 }), attaches: fc.integer({ min: 1, max: 20 }) }),
          {
            maxLength: 5,
          },
        ),
        fc.array(fc.integer({ min: 0, max: 59_000 }), { maxLength: 20 }),
        (plans, spendSpecs, otherAgo) => {
          const spends = spendSpecs.map((s) => ({ atMs: NOW - s.ago, attaches: s.attaches, groupName: 'x' }));
          const others = otherAgo.map((ago) => NOW - ago);
          const built = plans.map((p) =>
            buildPlan({
              groupName: p.groupName,
              allowedCapacity: 0,
              targetCapacity: p.need,
              attachesPerNode: p.attachesPerNode,
            }),
          );
          const actions = decideSteps(built, ctx(spends, others), false);
          const granted = actions.reduce((sum, a) => sum + (a.kind === 'advance' ? a.spend.attaches : 0), 0);
          const own = spentInWindow(spends, NOW, planningWindowMs(policy));
          const reserved = Math.ceil(others.length * 1.5);
          const room = Math.max(0, 40 - own - reserved);
          const loneAllowed = own === 0 && room > 0 ? Math.max(...built.map((p) => p.attachesPerNode)) : 0;
          expect(granted).toBeLessThanOrEqual(Math.max(room, loneAllowed));
          for (const action of actions) {
            if (action.kind === 'advance')
              expect(action.capacity).toBeLessThanOrEqual(action.plan.targetCapacity);
          }
          expect(actions).toHaveLength(built.length);
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('reconcileWithGroup', () => {
  it('follows a MaxSize somebody else changed: the target and the hand-back take the new bound', () => {
    const plan = buildPlan({ targetCapacity: 200, allowedCapacity: 70, configuredMaxSize: 300 });
    expect(reconcileWithGroup(plan, { minSize: 0, maxSize: 150 })).toMatchObject({
      targetCapacity: 150,
      allowedCapacity: 70,
      configuredMaxSize: 150,
    });
    expect(reconcileWithGroup(plan, { minSize: 0, maxSize: 50 })).toMatchObject({
      targetCapacity: 50,
      allowedCapacity: 50,
    });
  });

  it('tells the MinSize the guard set from one somebody else lowered', () => {
    const plan = buildPlan({ configuredMinSize: 200, startCapacity: 50, allowedCapacity: 90 });
    // The guard held the group at 70 by lowering MinSize to 70: that is the guard's.
    expect(reconcileWithGroup(plan, { minSize: 70, maxSize: 300 })).toBe(plan);
    expect(reconcileWithGroup(plan, { minSize: 0, maxSize: 300 })?.configuredMinSize).toBe(0);
  });

  it('takes a desired capacity the guard did not set as the newest intent, and its own (or a clamp) as nothing new', () => {
    const plan = buildPlan({
      targetCapacity: 200,
      allowedCapacity: 110,
      configuredMinSize: 50,
      configuredMaxSize: 300,
      steps: [{ atMs: 0, capacity: 90, attaches: 40 }],
    });
    const at = (desiredCapacity: number, minSize = 50, maxSize = 300) =>
      reconcileWithGroup(plan, { minSize, maxSize, desiredCapacity });
    // A scheduled action between what the guard allows and the target: the target follows it.
    expect(at(120)).toMatchObject({ targetCapacity: 120, allowedCapacity: 110 });
    // One below what the guard allows: the plan is at its new target and hands back.
    expect(at(80)).toMatchObject({ targetCapacity: 80, allowedCapacity: 80 });
    // The guard's own values: the allowed capacity, a recorded step (a write cut short), the start (a Scale
    // Request the guard has not written yet), the target.
    expect(at(110)).toBe(plan);
    expect(at(50)).toBe(plan);
    expect(at(90)).toBe(plan);
    expect(at(200)).toBe(plan);
    // Auto Scaling raising desired to a MinSize somebody raised is the bound, not a desired intent.
    expect(at(130, 130)).toMatchObject({ targetCapacity: 200 });
  });

  it("ends the plan of a group that is gone; in ceiling mode MaxSize is the guard's, a lower desired is an intent", () => {
    expect(reconcileWithGroup(buildPlan(), undefined)).toBeNull();
    const ceiling = buildPlan({
      mode: 'ceiling',
      targetCapacity: 200,
      allowedCapacity: 70,
      configuredMaxSize: 300,
    });
    expect(reconcileWithGroup(ceiling, { minSize: 0, maxSize: 70, desiredCapacity: 70 })).toBe(ceiling);
    expect(reconcileWithGroup(ceiling, { minSize: 0, maxSize: 70, desiredCapacity: 60 })).toMatchObject({
      targetCapacity: 60,
      allowedCapacity: 60,
      configuredMaxSize: 300,
    });
  });
});
