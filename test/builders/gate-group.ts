import { renderGateSnippet } from '../../shared/node-gate/gate-snippet.js';
import { resolveGateWaitParams } from '../../shared/node-gate/gate-wait-params.js';
import type { GateGroup } from '../../shared/ports/lifecycle-hook-admin.js';

/** An opted-in gate-mode group launching from `lt-gate` version 3 (see `GATED_USER_DATA`). */
export function buildGateGroup(overrides: Partial<GateGroup> = {}): GateGroup {
  return {
    name: 'eks-workers',
    tags: { 'capacity-guard/enabled': 'true', 'capacity-guard/mode': 'gate' },
    launchSource: { kind: 'launch-template', id: 'lt-gate', version: '3' },
    instances: [],
    ...overrides,
  };
}

/** AL2023 user data that carries the wait. */
export const GATED_USER_DATA = renderGateSnippet('al2023', resolveGateWaitParams(), {
  managedNodeGroup: false,
});

/** AL2023 user data without it. */
export const PLAIN_USER_DATA = 'MIME-Version: 1.0\n\n#!/bin/bash\necho no wait here\n';
