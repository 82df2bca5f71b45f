import {
  instancesToKeep,
  keepOnPlan,
  protectionToRemove,
} from '../../../../shared/domain/scale-in-protection.js';
import type { StaggerPlan } from '../../../../shared/domain/stagger-plan.js';
import { buildStaggerPlan } from '../../../builders/stagger-plan.js';

const buildPlan = (overrides: Partial<StaggerPlan> = {}) => buildStaggerPlan(overrides);

const instance = (instanceId: string, lifecycleState = 'InService', protectedFromScaleIn = false) => ({
  instanceId,
  lifecycleState,
  protectedFromScaleIn,
});

describe('instancesToKeep', () => {
  it('keeps nothing when the write cuts nothing (terminating instances do not count)', () => {
    // Prepare
    const instances = [instance('i-1'), instance('i-2'), instance('i-3', 'Terminating')];
    // Act
    const kept = instancesToKeep(instances, 2, new Set(['i-1', 'i-2']));
    // Assess
    expect(kept).toEqual({ protect: [], floor: 0 });
  });

  it('lists attached, unprotected instances; the floor counts those protected by anyone', () => {
    // Prepare
    const instances = [
      instance('i-att'),
      instance('i-pending', 'Pending'),
      instance('i-operator', 'Pending', true),
      instance('i-gone', 'Terminating:Wait'),
    ];
    // Act
    const kept = instancesToKeep(instances, 1, new Set(['i-att', 'i-operator', 'i-gone']));
    // Assess
    expect(kept).toEqual({ protect: ['i-att'], floor: 2 });
  });
});

describe('keepOnPlan', () => {
  it('records the new ids after those already recorded and raises the capacity to the floor, up to the target', () => {
    // Prepare
    const plan = buildPlan({ protectedInstanceIds: ['i-a'], targetCapacity: 75 });
    // Act
    const result = keepOnPlan(plan, 70, { protect: ['i-a', 'i-b'], floor: 80 });
    // Assess
    expect(result.capacity).toBe(75);
    expect(result.plan.allowedCapacity).toBe(75);
    expect(result.plan.protectedInstanceIds).toEqual(['i-a', 'i-b']);
  });

  it('returns the plan itself when nothing changes', () => {
    // Prepare
    const plan = buildPlan();
    // Act
    const result = keepOnPlan(plan, 70, { protect: [], floor: 10 });
    // Assess
    expect(result.plan).toBe(plan);
    expect(result.capacity).toBe(70);
  });
});

describe('protectionToRemove', () => {
  it('names only recorded instances still in the group and shown protected', () => {
    // Prepare
    const plan = buildPlan({ protectedInstanceIds: ['i-1', 'i-2', 'i-gone'] });
    const instances = [
      instance('i-1', 'InService', true),
      instance('i-2'),
      instance('i-other', 'InService', true),
    ];
    // Act
    const ids = protectionToRemove(plan, instances);
    // Assess
    expect(ids).toEqual(['i-1']);
  });
});
