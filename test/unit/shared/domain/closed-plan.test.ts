import { closedPlan, handBackDesiredCapacity } from '../../../../shared/domain/closed-plan.js';
import type { StaggerPlan } from '../../../../shared/domain/stagger-plan.js';

const NOW = 2_000_000;

const shape = {
  group: { groupName: 'g', inServiceCount: 50 },
  mode: 'desired' as const,
  attachesPerNode: 2,
  target: 80,
  configuredMaxSize: 100,
  configuredMinSize: 10,
};

const origin = { eventId: 'e-2', via: 'SetDesiredCapacity', intentAtMs: NOW - 5_000 };

describe('closedPlan', () => {
  it('without an open plan: closed now, at the target, dated by the intent', () => {
    expect(closedPlan(undefined, { origin }, shape, NOW)).toEqual({
      groupName: 'g',
      mode: 'desired',
      targetCapacity: 80,
      startCapacity: 50,
      allowedCapacity: 80,
      configuredMaxSize: 100,
      configuredMinSize: 10,
      attachesPerNode: 2,
      origin,
      createdAtMs: NOW,
      deadlineMs: NOW,
      steps: [],
      completedAtMs: NOW,
    });
  });

  it("closing an open plan keeps its history and mode but takes the intent's origin and bounds", () => {
    const open: StaggerPlan = {
      ...closedPlan(undefined, { origin: { ...origin, eventId: 'e-1', intentAtMs: 0 } }, shape, 0),
      mode: 'ceiling',
      startCapacity: 40,
      attachesPerNode: 3,
      steps: [{ atMs: 1, capacity: 60, attaches: 30 }],
      completedAtMs: undefined,
    };
    const closed = closedPlan(open, { origin }, { ...shape, target: 0, configuredMaxSize: 0 }, NOW);
    expect(closed).toMatchObject({
      mode: 'ceiling',
      startCapacity: 40,
      attachesPerNode: 3,
      steps: open.steps,
      createdAtMs: 0,
      targetCapacity: 0,
      allowedCapacity: 0,
      configuredMaxSize: 0,
      origin,
      completedAtMs: NOW,
    });
  });
});

describe('handBackDesiredCapacity', () => {
  const plan = {
    targetCapacity: 200,
    allowedCapacity: 90,
    steps: [
      { atMs: 1, capacity: 70, attaches: 40 },
      { atMs: 2, capacity: 90, attaches: 40 },
    ],
  };

  it('gives the target back while the group shows a capacity the guard set', () => {
    expect(handBackDesiredCapacity(plan, 90)).toBe(200);
    expect(handBackDesiredCapacity(plan, 70)).toBe(200);
  });

  it('keeps any other capacity: somebody set it after the guard', () => {
    expect(handBackDesiredCapacity(plan, 120)).toBeNull();
    expect(handBackDesiredCapacity(plan, 0)).toBeNull();
  });
});
