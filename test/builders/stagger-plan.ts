import type { StaggerPlan } from '../../shared/domain/stagger-plan.js';

/** A desired-mode plan 50 → 200 with 70 allowed, opened 10 s before `nowMs`; `overrides` replace any field. */
export function buildStaggerPlan(overrides: Partial<StaggerPlan> = {}, nowMs = 0): StaggerPlan {
  return {
    groupName: 'g',
    mode: 'desired',
    targetCapacity: 200,
    startCapacity: 50,
    allowedCapacity: 70,
    configuredMaxSize: 300,
    configuredMinSize: 0,
    attachesPerNode: 2,
    origin: { eventId: 'e', via: 'SetDesiredCapacity', intentAtMs: nowMs - 10_000 },
    createdAtMs: nowMs - 10_000,
    deadlineMs: nowMs + 600_000,
    steps: [],
    ...overrides,
  };
}
