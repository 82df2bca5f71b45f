import { renderBottlerocketSettings } from '../../../../shared/node-gate/bottlerocket-settings.js';
import { detectGateSnippet } from '../../../../shared/node-gate/gate-snippet-presence.js';
import { resolveGateWaitParams } from '../../../../shared/node-gate/gate-wait-params.js';
import { renderAl2UserData, renderAl2023UserData } from '../../../../shared/node-gate/node-user-data.js';

const params = resolveGateWaitParams();

describe('detectGateSnippet', () => {
  it.each([
    ['AL2023', renderAl2023UserData(params, { managedNodeGroup: false }), 'wait-block'],
    ['AL2', renderAl2UserData(params, { managedNodeGroup: true }), 'wait-block'],
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
  ])('%s', (_name, userData, kind) => {
    expect(detectGateSnippet(userData).kind).toBe(kind);
  });
});
