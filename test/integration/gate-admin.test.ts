import { AwsLifecycleHookAdmin } from '../../shared/adapters/aws/lifecycle-hook-admin.js';
import { DEFAULT_GUARD_SETTINGS } from '../../shared/domain/guard-defaults.js';
import { resolveGateWaitParams } from '../../shared/node-gate/gate-wait-params.js';
import { renderAl2023UserData } from '../../shared/node-gate/node-user-data.js';
import { LAUNCHING_TRANSITION } from '../../shared/ports/lifecycle-hook-admin.js';
import {
  applyGateInstall,
  GroupNotFoundError,
  planGateInstall,
} from '../../shared/use-cases/gate/gate-install.js';
import { readGateStatus } from '../../shared/use-cases/gate/gate-status.js';
import { createTaggedGroup, createWorld } from './aws-world.js';
import { startMoto } from './moto.js';

const moto = await startMoto('gate admin integration');

const HOOK = DEFAULT_GUARD_SETTINGS.gateHookName;

(moto ? describe : describe.skip)(
  'gate install and gate status through the AWS adapter, against moto',
  () => {
    afterAll(async () => {
      await moto?.stop();
    });

    it('plans, creates and reads back the hook, and tells a template with the wait from one without', async () => {
      // Prepare: a gated group whose template carries the AL2023 wait, and an opted-in one whose template does not.
      if (!moto) return;
      await moto.reset();
      const world = await createWorld(moto);
      const optedIn = { [DEFAULT_GUARD_SETTINGS.optInTagKey]: DEFAULT_GUARD_SETTINGS.optInTagValue };
      await createTaggedGroup(
        world,
        'shop-gated',
        { ...optedIn, [DEFAULT_GUARD_SETTINGS.modeTagKey]: 'gate' },
        renderAl2023UserData(resolveGateWaitParams(), { managedNodeGroup: false }),
      );
      await createTaggedGroup(world, 'shop-plain', optedIn, '#!/bin/bash\n/etc/eks/bootstrap.sh shop\n');
      const admin = new AwsLifecycleHookAdmin(world.clients.autoScaling, world.clients.ec2);
      const request = { groupName: 'shop-gated', hookName: HOOK, heartbeatTimeoutSec: 600 };

      // Act
      const plan = await planGateInstall(admin, request);
      const created = await applyGateInstall(admin, plan);
      const hooks = await admin.describeHooks('shop-gated');
      const again = await planGateInstall(admin, request);
      const longer = await planGateInstall(admin, { ...request, heartbeatTimeoutSec: 900 });
      const plain = await planGateInstall(admin, { ...request, groupName: 'shop-plain' });
      const status = await readGateStatus(admin, { nowMs: Date.now(), hookName: HOOK });

      // Assess
      expect(plan).toEqual(
        expect.objectContaining({
          change: { kind: 'create' },
          mode: 'gate',
          optedIn: true,
          nodeWait: expect.objectContaining({ kind: 'present', how: 'wait-block' }),
        }),
      );
      expect(created).toBe(true);
      const wanted = {
        groupName: 'shop-gated',
        hookName: HOOK,
        transition: LAUNCHING_TRANSITION,
        heartbeatTimeoutSec: 600,
        defaultResult: 'CONTINUE',
      };
      expect(hooks).toEqual([wanted]);
      expect(again.change).toEqual({ kind: 'unchanged' });
      expect(await applyGateInstall(admin, again)).toBe(false);
      expect(longer.change).toEqual({ kind: 'update', differences: ['HeartbeatTimeout 600 -> 900'] });
      expect(plain.nodeWait.kind).toBe('missing');
      expect(
        status.map((row) => ({
          group: row.groupName,
          hook: row.hook,
          wait: row.nodeWait.kind,
          waiting: row.waitingInstances,
        })),
      ).toEqual([
        { group: 'shop-gated', hook: wanted, wait: 'present', waiting: 0 },
        { group: 'shop-plain', hook: null, wait: 'missing', waiting: 0 },
      ]);
    }, 60_000);

    it('names a group that does not exist', async () => {
      if (!moto) return;
      await moto.reset();
      const world = await createWorld(moto);
      const admin = new AwsLifecycleHookAdmin(world.clients.autoScaling, world.clients.ec2);

      // Act
      const plan = planGateInstall(admin, { groupName: 'nope', hookName: HOOK, heartbeatTimeoutSec: 600 });

      // Assess
      await expect(plan).rejects.toThrow(
        new GroupNotFoundError("--group: no Auto Scaling group named 'nope' in this Region"),
      );
    }, 60_000);
  },
);
