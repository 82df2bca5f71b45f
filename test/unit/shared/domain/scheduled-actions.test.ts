import {
  followScheduledActions,
  type ScheduledContext,
} from '../../../../shared/domain/scheduled-actions.js';
import type { StaggerPlan } from '../../../../shared/domain/stagger-plan.js';
import { buildStaggerPlan } from '../../../builders/stagger-plan.js';

const NOW = 1_000_000;
const ctx: ScheduledContext = {
  nowMs: NOW,
  policy: { attachesPerMin: 40, safetyMargin: 0, spreadSec: 10 },
  otherAttachTimesMs: [],
  deadlineGraceMs: 60_000,
};
const ceilingPlan = (overrides: Partial<StaggerPlan> = {}) =>
  buildStaggerPlan({ mode: 'ceiling', ...overrides }, NOW);

describe('followScheduledActions', () => {
  it('records the listed actions due before the deadline, and returns the same plan while nothing changes', () => {
    // Prepare
    const plan = ceilingPlan({ deadlineMs: NOW + 600_000 });
    const soon = { name: 'soon', startMs: NOW + 60_000, desiredCapacity: 120 };
    const tomorrow = { name: 'tomorrow', startMs: NOW + 86_400_000, desiredCapacity: 10 };
    // Act
    const recorded = followScheduledActions(plan, [tomorrow, soon], ctx);
    const again = followScheduledActions(recorded, [soon, tomorrow], { ...ctx, nowMs: NOW + 30_000 });
    // Assess
    expect(recorded.scheduledActions).toEqual([soon]);
    expect(recorded.targetCapacity).toBe(200);
    expect(again).toBe(recorded);
  });

  it('applies a recorded action once its time passed, even after it is no longer listed, and drops it', () => {
    // Prepare
    const plan = ceilingPlan({
      scheduledActions: [{ name: 'noon', startMs: NOW - 5_000, desiredCapacity: 60, minSize: 10 }],
    });
    // Act
    const next = followScheduledActions(plan, [], ctx);
    // Assess
    expect(next).toMatchObject({
      targetCapacity: 60,
      allowedCapacity: 60,
      configuredMinSize: 10,
      configuredMaxSize: 300,
      deadlineMs: plan.deadlineMs,
      origin: {
        eventId: `scheduled-action:noon:${NOW - 5_000}`,
        via: 'ScheduledAction',
        intentAtMs: NOW - 5_000,
      },
    });
    expect(next.scheduledActions).toBeUndefined();
  });

  it('a bounds-only action clamps the latest target; a higher target pushes the deadline out', () => {
    // Prepare
    const lower = ceilingPlan({ scheduledActions: [{ name: 'cap', startMs: NOW - 1, maxSize: 150 }] });
    const higher = ceilingPlan({
      scheduledActions: [{ name: 'up', startMs: NOW - 1, desiredCapacity: 290 }],
    });
    // Act
    const capped = followScheduledActions(lower, null, ctx);
    const raised = followScheduledActions(higher, null, ctx);
    // Assess
    expect(capped).toMatchObject({ targetCapacity: 150, configuredMaxSize: 150, allowedCapacity: 70 });
    expect(raised.targetCapacity).toBe(290);
    expect(raised.deadlineMs).toBeGreaterThan(higher.deadlineMs);
  });

  it.each([
    ['older than the plan intent', { name: 'old', startMs: NOW - 20_000, desiredCapacity: 120 }],
    ['with sizes Auto Scaling refuses', { name: 'bad', startMs: NOW - 1, desiredCapacity: 400 }],
    ['with MinSize above MaxSize', { name: 'bad', startMs: NOW - 1, minSize: 310 }],
  ])('drops an action %s without changing the intent', (_label, action) => {
    // Prepare
    const plan = ceilingPlan({ scheduledActions: [action] });
    // Act
    const next = followScheduledActions(plan, [], ctx);
    // Assess
    expect(next).toEqual({ ...plan, scheduledActions: undefined });
  });

  it('drops a recorded action no longer listed before its time (deleted), and leaves desired-mode plans alone', () => {
    // Prepare
    const deleted = ceilingPlan({
      scheduledActions: [{ name: 'later', startMs: NOW + 60_000, desiredCapacity: 90 }],
    });
    const desired = buildStaggerPlan({}, NOW);
    // Act
    const next = followScheduledActions(deleted, [], ctx);
    const untouched = followScheduledActions(
      desired,
      [{ name: 'x', startMs: NOW + 1, desiredCapacity: 5 }],
      ctx,
    );
    // Assess
    expect(next.scheduledActions).toBeUndefined();
    expect(next.targetCapacity).toBe(200);
    expect(untouched).toBe(desired);
  });
});
