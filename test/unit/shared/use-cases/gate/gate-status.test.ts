import { InMemoryLifecycleHookAdmin } from '../../../../../shared/adapters/memory/in-memory-lifecycle-hook-admin.js';
import { LAUNCHING_TRANSITION } from '../../../../../shared/ports/lifecycle-hook-admin.js';
import { readGateStatus } from '../../../../../shared/use-cases/gate/gate-status.js';
import { buildGateGroup, GATED_USER_DATA, PLAIN_USER_DATA } from '../../../../builders/gate-group.js';

const NOW = Date.UTC(2026, 11, 2, 9, 0, 0);
const HOOK = 'capacity-guard-launch-gate';

describe('readGateStatus', () => {
  it('reports mode, hook, node wait, the count in Pending:Wait and the oldest wait, per opted-in group', async () => {
    // Prepare
    const gated = buildGateGroup({
      name: 'b-gated',
      instances: [
        { instanceId: 'i-0000000000000000a', lifecycleState: 'Pending:Wait' },
        { instanceId: 'i-0000000000000000b', lifecycleState: 'Pending:Wait' },
        { instanceId: 'i-0000000000000000c', lifecycleState: 'InService', protectedFromScaleIn: true },
      ],
    });
    const plain = buildGateGroup({
      name: 'a-plain',
      tags: { 'capacity-guard/enabled': 'true', 'capacity-guard/mode': 'ceiling' },
      launchSource: { kind: 'launch-template', name: 'plain', version: '$Latest' },
    });
    const notOptedIn = buildGateGroup({ name: 'c-other', tags: {} });
    const admin = new InMemoryLifecycleHookAdmin(
      [gated, plain, notOptedIn],
      { 'lt-gate@3': GATED_USER_DATA, 'plain@$Latest': PLAIN_USER_DATA },
      { 'i-0000000000000000a': NOW - 95_000, 'i-0000000000000000b': NOW - 30_000 },
      [
        {
          groupName: 'b-gated',
          hookName: HOOK,
          transition: LAUNCHING_TRANSITION,
          heartbeatTimeoutSec: 600,
          defaultResult: 'CONTINUE',
        },
      ],
    );

    // Act
    const rows = await readGateStatus(admin, { nowMs: NOW, hookName: HOOK });

    // Assess
    expect(rows.map((r) => r.groupName)).toEqual(['a-plain', 'b-gated']);
    const [a, b] = rows;
    expect(a).toMatchObject({
      mode: 'ceiling',
      hook: null,
      waitingInstances: 0,
      protectedInstances: 0,
      oldestWait: null,
    });
    expect(a?.nodeWait.kind).toBe('missing');
    expect(b).toMatchObject({
      mode: 'gate',
      hook: { heartbeatTimeoutSec: 600, defaultResult: 'CONTINUE' },
      nodeWait: { kind: 'present', how: 'wait-block' },
      waitingInstances: 2,
      protectedInstances: 1,
      oldestWait: { instanceId: 'i-0000000000000000a', sinceMs: NOW - 95_000, ageSec: 95 },
    });
  });

  it('keeps going when a launch template cannot be read', async () => {
    // Prepare: no user data known for lt-gate@3, so the fake throws
    const admin = new InMemoryLifecycleHookAdmin([buildGateGroup()]);

    // Act
    const [row] = await readGateStatus(admin, { nowMs: NOW, hookName: HOOK });

    // Assess
    expect(row?.nodeWait).toEqual({
      kind: 'unchecked',
      reason: 'launch template lt-gate version 3: no launch template lt-gate@3 in memory',
    });
  });
});
