import { InMemoryLifecycleHookAdmin } from '../../../../../shared/adapters/memory/in-memory-lifecycle-hook-admin.js';
import { LAUNCHING_TRANSITION } from '../../../../../shared/ports/lifecycle-hook-admin.js';
import {
  applyGateInstall,
  GroupNotFoundError,
  planGateInstall,
} from '../../../../../shared/use-cases/gate/gate-install.js';
import { buildGateGroup, GATED_USER_DATA, PLAIN_USER_DATA } from '../../../../builders/gate-group.js';

const request = {
  groupName: 'eks-workers',
  hookName: 'capacity-guard-launch-gate',
  heartbeatTimeoutSec: 600,
};

describe('planGateInstall / applyGateInstall', () => {
  it('plans a CONTINUE launch hook and confirms the node-side wait, changing nothing', async () => {
    // Prepare
    const admin = new InMemoryLifecycleHookAdmin([buildGateGroup()], { 'lt-gate@3': GATED_USER_DATA });

    // Act
    const plan = await planGateInstall(admin, request);

    // Assess
    expect(plan.hook).toEqual({
      groupName: 'eks-workers',
      hookName: 'capacity-guard-launch-gate',
      transition: LAUNCHING_TRANSITION,
      heartbeatTimeoutSec: 600,
      defaultResult: 'CONTINUE',
    });
    expect(plan.change).toEqual({ kind: 'create' });
    expect(plan.nodeWait).toEqual({
      kind: 'present',
      how: 'wait-block',
      source: 'launch template lt-gate version 3',
      reports: true,
    });
    expect(plan.optedIn).toBe(true);
    expect(plan.mode).toBe('gate');
    expect(admin.puts).toEqual([]);
  });

  it('puts the hook on apply, then finds nothing to change', async () => {
    // Prepare
    const admin = new InMemoryLifecycleHookAdmin([buildGateGroup()], { 'lt-gate@3': GATED_USER_DATA });

    // Act
    const first = await applyGateInstall(admin, await planGateInstall(admin, request));
    const again = await planGateInstall(admin, request);

    // Assess
    expect(first).toBe(true);
    expect(admin.puts).toHaveLength(1);
    expect(again.change).toEqual({ kind: 'unchanged' });
    expect(await applyGateInstall(admin, again)).toBe(false);
    expect(admin.puts).toHaveLength(1);
  });

  it('lists what an update changes, and other launch hooks that also hold instances', async () => {
    // Prepare
    const admin = new InMemoryLifecycleHookAdmin([buildGateGroup()], { 'lt-gate@3': PLAIN_USER_DATA }, {}, [
      {
        ...request,
        transition: LAUNCHING_TRANSITION,
        heartbeatTimeoutSec: 3600,
        defaultResult: 'ABANDON',
        groupName: 'eks-workers',
      },
      {
        groupName: 'eks-workers',
        hookName: 'warm-up',
        transition: LAUNCHING_TRANSITION,
        heartbeatTimeoutSec: 300,
        defaultResult: 'CONTINUE',
      },
      {
        groupName: 'eks-workers',
        hookName: 'drain',
        transition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        heartbeatTimeoutSec: 300,
        defaultResult: 'CONTINUE',
      },
    ]);

    // Act
    const plan = await planGateInstall(admin, request);

    // Assess
    expect(plan.change).toEqual({
      kind: 'update',
      differences: ['HeartbeatTimeout 3600 -> 600', 'DefaultResult ABANDON -> CONTINUE'],
    });
    expect(plan.otherLaunchHooks.map((h) => h.hookName)).toEqual(['warm-up']);
    expect(plan.nodeWait).toEqual({ kind: 'missing', source: 'launch template lt-gate version 3' });
  });

  it('reports a launch configuration as unchecked and an untagged group as not opted in', async () => {
    // Prepare
    const group = buildGateGroup({
      tags: {},
      launchSource: { kind: 'launch-configuration', name: 'old-lc' },
    });
    const admin = new InMemoryLifecycleHookAdmin([group]);

    // Act
    const plan = await planGateInstall(admin, request);

    // Assess
    expect(plan.nodeWait).toEqual({
      kind: 'unchecked',
      reason: 'launch configuration old-lc: only launch templates are checked',
    });
    expect(plan.optedIn).toBe(false);
    expect(plan.mode).toBe('desired');
  });

  it('reads the mode as the guard does: earlier pacing tag, autoscaler default, invalid value named', async () => {
    // Prepare
    const groups = [
      buildGateGroup({ name: 'pacing', tags: { 'capacity-guard/pacing': 'gate' } }),
      buildGateGroup({ name: 'autoscaled', tags: { 'k8s.io/cluster-autoscaler/enabled': 'true' } }),
      buildGateGroup({ name: 'typo', tags: { 'capacity-guard/mode': 'gated' } }),
    ];
    const admin = new InMemoryLifecycleHookAdmin(groups, { 'lt-gate@3': GATED_USER_DATA });

    // Act
    const modes = [];
    for (const group of groups)
      modes.push((await planGateInstall(admin, { ...request, groupName: group.name })).mode);

    // Assess
    expect(modes).toEqual([
      'gate',
      'ceiling',
      "invalid: typo: tag capacity-guard/mode='gated' is invalid (expected gate, ceiling or desired)",
    ]);
  });

  it('names the missing group', async () => {
    // Act / Assess
    await expect(planGateInstall(new InMemoryLifecycleHookAdmin([]), request)).rejects.toThrow(
      new GroupNotFoundError("--group: no Auto Scaling group named 'eks-workers' in this Region"),
    );
  });
});
