import { spawnSync } from 'node:child_process';
import { GATE_WAIT_MARKER } from '../../../../shared/node-gate/gate-defaults.js';
import { resolveGateWaitParams } from '../../../../shared/node-gate/gate-wait-params.js';
import {
  MimeBoundaryClashError,
  renderMultipart,
  USER_DATA_BOUNDARY,
} from '../../../../shared/node-gate/mime-multipart.js';
import {
  NODE_CONFIG_CONTENT_TYPE,
  renderAl2UserData,
  renderAl2023UserData,
  SHELL_SCRIPT_CONTENT_TYPE,
} from '../../../../shared/node-gate/node-user-data.js';
import { parseMultipart } from '../../../helpers/mime.js';

const params = resolveGateWaitParams({ maxHoldSec: 600, pollSec: 10 });

function bashSyntaxOk(script: string): boolean {
  return spawnSync('bash', ['-n'], { input: script }).status === 0;
}

describe('AL2023 user data', () => {
  it('is a multipart/mixed document with a NodeConfig part and a shell part for a self-managed group', () => {
    // Act
    const document = renderAl2023UserData(params, { managedNodeGroup: false });
    const parsed = parseMultipart(document);

    // Assess
    expect(parsed.headers['mime-version']).toBe('1.0');
    expect(parsed.headers['content-type']).toBe(`multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`);
    expect(parsed.parts.map((p) => p.headers['content-type'])).toEqual([
      NODE_CONFIG_CONTENT_TYPE,
      SHELL_SCRIPT_CONTENT_TYPE,
    ]);
    const [nodeConfig, shell] = parsed.parts;
    expect(nodeConfig?.body).toMatch(/^---\napiVersion: node\.eks\.aws\/v1alpha1\nkind: NodeConfig\n/);
    expect(shell?.body.split('\n').slice(0, 2)).toEqual(['#!/bin/bash', GATE_WAIT_MARKER]);
    expect(shell?.body).toContain('local max_hold_sec=600 poll_sec=10');
    expect(bashSyntaxOk(shell?.body ?? '')).toBe(true);
    expect(parsed.epilogue).toBe('\n');
  });

  it('carries only the shell part for a managed node group, whose NodeConfig EKS merges in', () => {
    // Act
    const parsed = parseMultipart(renderAl2023UserData(params, { managedNodeGroup: true }));

    // Assess
    expect(parsed.parts.map((p) => p.headers['content-type'])).toEqual([SHELL_SCRIPT_CONTENT_TYPE]);
  });
});

describe('AL2 user data', () => {
  it('waits first, then calls bootstrap.sh, in one shell part', () => {
    // Act
    const parsed = parseMultipart(renderAl2UserData(params, { managedNodeGroup: false }));

    // Assess
    expect(parsed.parts).toHaveLength(1);
    const body = parsed.parts[0]?.body ?? '';
    expect(parsed.parts[0]?.headers['content-type']).toBe(SHELL_SCRIPT_CONTENT_TYPE);
    expect(body.indexOf('\ncapacity_guard_gate_wait\n')).toBeGreaterThan(0);
    expect(body.indexOf('/etc/eks/bootstrap.sh my-cluster')).toBeGreaterThan(
      body.indexOf('\ncapacity_guard_gate_wait\n'),
    );
    expect(bashSyntaxOk(body)).toBe(true);
  });

  it('leaves the bootstrap call to EKS in a managed node group', () => {
    // Act
    const body = parseMultipart(renderAl2UserData(params, { managedNodeGroup: true })).parts[0]?.body ?? '';

    // Assess
    expect(body).toContain(GATE_WAIT_MARKER);
    expect(body).not.toContain('bootstrap.sh');
  });
});

describe('renderMultipart', () => {
  it('refuses a body that contains the boundary delimiter', () => {
    // Act / Assess
    expect(() =>
      renderMultipart([{ contentType: 'text/plain', body: `a\n--${USER_DATA_BOUNDARY}\nb` }]),
    ).toThrow(MimeBoundaryClashError);
  });
});
