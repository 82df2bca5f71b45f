import type { GatePolicy, WaitingInstance } from '../../shared/domain/launch-gate.js';

/** The gate's policy in the domain tests: a budget of 40, a 600 s hold and hook timeout, the default settling. */
export const TEST_GATE_POLICY: GatePolicy = {
  attachesPerWindow: 40,
  maxHoldMs: 600_000,
  heartbeatTimeoutMs: 600_000,
  settleQuietMs: 90_000,
  settleMaxMs: 300_000,
};

/** An instance of group `workers` waiting since 0, expected to make 2 attaches, nothing learned yet. */
export function buildWaitingInstance(id: string, overrides: Partial<WaitingInstance> = {}): WaitingInstance {
  return {
    instanceId: id,
    groupName: 'workers',
    waitingSinceMs: 0,
    heartbeatAtMs: null,
    predictedAttaches: 2,
    weight: 1,
    attachDelayMs: 0,
    attachGapMs: 0,
    ...overrides,
  };
}
