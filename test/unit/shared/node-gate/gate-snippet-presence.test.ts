import { renderBottlerocketSettings } from '../../../../shared/node-gate/bottlerocket-settings.js';
import { GATE_WAIT_MARKER } from '../../../../shared/node-gate/gate-defaults.js';
import { renderGateSnippet } from '../../../../shared/node-gate/gate-snippet.js';
import {
  detectGateSnippet,
  gateWaitBlockVersion,
  waitReports,
} from '../../../../shared/node-gate/gate-snippet-presence.js';
import { resolveGateWaitParams } from '../../../../shared/node-gate/gate-wait-params.js';
import { renderAl2UserData, renderAl2023UserData } from '../../../../shared/node-gate/node-user-data.js';

const params = resolveGateWaitParams();

describe('detectGateSnippet', () => {
  it.each([
    ['AL2023', renderAl2023UserData(params, { managedNodeGroup: false }), 'wait-block'],
    ['AL2', renderAl2UserData(params, { managedNodeGroup: true }), 'wait-block'],
    [
      'AL2023 without the report',
      renderAl2023UserData(resolveGateWaitParams({ report: false }), { managedNodeGroup: true }),
      'wait-block',
    ],
    ['a v2 block', '#!/bin/bash\n# capacity-guard gate-wait v2\ncapacity_guard_gate_wait\n', 'wait-block'],
    [
      'a v1 block of an old launch template',
      '#!/bin/bash\n# capacity-guard gate-wait v1\ncapacity_guard_gate_wait\n/etc/eks/bootstrap.sh c\n',
      'wait-block',
    ],
    ['a v1 block with CRLF line ends', '#!/bin/bash\r\n# capacity-guard gate-wait v1\r\n', 'wait-block'],
    [
      'Bottlerocket container',
      renderBottlerocketSettings(params, { managedNodeGroup: true }),
      'bottlerocket-container',
    ],
    [
      'Bottlerocket container without comments',
      '[settings.bootstrap-containers.capacity-guard-gate]\nmode = "once"\n',
      'bottlerocket-container',
    ],
    [
      'Bottlerocket should-wait table',
      '[settings.autoscaling]\nshould-wait = true\n',
      'bottlerocket-should-wait',
    ],
    [
      'Bottlerocket should-wait dotted',
      'settings.autoscaling.should-wait = true\n',
      'bottlerocket-should-wait',
    ],
    ['plain bootstrap', '#!/bin/bash\n/etc/eks/bootstrap.sh my-cluster\n', 'absent'],
    ['should-wait false', '[settings.autoscaling]\nshould-wait = false\n', 'absent'],
    ['should-wait commented', '# [settings.autoscaling]\n# should-wait = true\n', 'absent'],
    ['marker quoted inside a line', 'echo "# capacity-guard gate-wait v1"\n', 'absent'],
    ['marker without a version', '# capacity-guard gate-wait v\n', 'absent'],
    ['marker of version 0', '# capacity-guard gate-wait v0\n', 'absent'],
  ])('%s', (_name, userData, kind) => {
    expect(detectGateSnippet(userData).kind).toBe(kind);
  });
});

describe('gateWaitBlockVersion', () => {
  it('reads the version of the rendered block and of an old v1 block', () => {
    expect(GATE_WAIT_MARKER).toBe('# capacity-guard gate-wait v2');
    expect(gateWaitBlockVersion(renderAl2023UserData(params, { managedNodeGroup: false }))).toBe(2);
    expect(gateWaitBlockVersion('#!/bin/bash\n# capacity-guard gate-wait v1\n')).toBe(1);
    expect(gateWaitBlockVersion('#!/bin/bash\necho no wait\n')).toBeUndefined();
  });
});

describe('waitReports', () => {
  it('tells a wait that reports from one that does not, for every node OS', () => {
    for (const os of ['al2023', 'al2', 'bottlerocket'] as const) {
      for (const report of [true, false]) {
        const userData = renderGateSnippet(os, resolveGateWaitParams({ report }), {
          managedNodeGroup: false,
        });
        expect([os, report, waitReports(userData)]).toEqual([os, report, report]);
      }
    }
    expect(waitReports('#!/bin/bash\n# capacity-guard gate-wait v1\ncapacity_guard_gate_wait\n')).toBe(false);
    expect(waitReports('[settings.autoscaling]\nshould-wait = true\n')).toBe(false);
    expect(waitReports('#!/bin/bash\necho hello\n')).toBe(false);
    // A container whose user data is not inline cannot be read.
    expect(waitReports('[settings.bootstrap-containers.capacity-guard-gate]\nmode = "once"\n')).toBeNull();
  });
});
