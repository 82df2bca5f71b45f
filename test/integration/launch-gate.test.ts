import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DEFAULT_GUARD_SETTINGS } from '../../shared/domain/guard-defaults.js';
import { nodeReport } from '../builders/node-report.js';
import { loadEventFixture } from '../unit/shared/events/event-fixtures.js';
import { createTaggedGroup, createWorld, drainQueue, sqsEvent, tableItems } from './aws-world.js';
import { type BuiltHandler, buildDeployedHandlers, removeBundles } from './bundles.js';
import { invokeBundle } from './invoke-bundle.js';
import { MOTO_REGION, startMoto } from './moto.js';

const moto = await startMoto('launch gate integration');

const GATED_TAGS = {
  [DEFAULT_GUARD_SETTINGS.optInTagKey]: DEFAULT_GUARD_SETTINGS.optInTagValue,
  [DEFAULT_GUARD_SETTINGS.modeTagKey]: 'gate',
};

/** The lifecycle action Auto Scaling sends when `instanceId` of `groupName` starts to wait, now. */
function lifecycleAction(groupName: string, instanceId: string) {
  const event = structuredClone(
    loadEventFixture('aws.autoscaling/ec2-instance-launch-lifecycle-action'),
  ) as Record<string, unknown> & { detail: Record<string, unknown> };
  event.time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  event.region = MOTO_REGION;
  event.resources = [];
  event.detail = {
    ...event.detail,
    AutoScalingGroupName: groupName,
    EC2InstanceId: instanceId,
    LifecycleHookName: DEFAULT_GUARD_SETTINGS.gateHookName,
  };
  return event;
}

function sqsBatch(bodies: readonly string[]) {
  return sqsEvent(
    'capacity-guard-launch-gate',
    bodies.map((body, index) => ({ messageId: `m-${index + 1}`, body })),
  );
}

(moto ? describe : describe.skip)('the deployed launch gate and gate releaser against moto', () => {
  let handlers: Record<string, BuiltHandler>;

  beforeAll(async () => {
    handlers = await buildDeployedHandlers(['launchGate', 'gateReleaser']);
  }, 60_000);

  afterAll(async () => {
    await removeBundles(handlers ?? {});
    await moto?.stop();
  });

  it('books a lifecycle action in the ledger, dead-letters an invalid report with its reason, and passes again on schedule', async () => {
    // Prepare: a gated group; moto starts its instances in service (it does not hold them at a hook).
    if (!moto) return;
    await moto.reset();
    const world = await createWorld(moto);
    await createTaggedGroup(world, 'shop-gated', GATED_TAGS);
    const groups = await world.clients.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['shop-gated'] }),
    );
    const instanceId = groups.AutoScalingGroups?.[0]?.Instances?.[0]?.InstanceId ?? '';
    const badReport = JSON.stringify(nodeReport({ 'instance-id': 'node-7' }));
    const action = lifecycleAction('shop-gated', instanceId);
    const startedMs = Date.parse(action.time as string);

    // Act
    const gate = await invokeBundle(
      handlers.launchGate as BuiltHandler,
      sqsBatch([JSON.stringify(action), badReport]),
      world.functionEnv,
    );
    const releaser = await invokeBundle(handlers.gateReleaser as BuiltHandler, {}, world.functionEnv);

    // Assess
    if (!gate.ok) throw new Error(`launch gate failed: ${gate.error}\n${gate.output}`);
    expect(gate.result).toEqual({ batchItemFailures: [] });
    const letters = await drainQueue(world, world.gateDeadLetterQueueUrl);
    expect(letters).toEqual([
      {
        body: JSON.parse(badReport),
        attributes: expect.objectContaining({
          reason: expect.objectContaining({
            StringValue:
              'detail.instance-id: expected an EC2 instance id (i- and 8 or 17 hex digits), got "node-7"',
          }),
          sourceMessageId: expect.objectContaining({ StringValue: 'm-2' }),
        }),
      },
    ]);
    const ledger = (await tableItems(world)).find(
      (item) => item.pk === 'LEDGER' && item.sk === 'LAUNCH_GATE',
    );
    // Already in service (moto holds no instance at a hook): booked as gone through on its own, its attaches counted
    // from when it began to wait, predicted per its exact type from DescribeInstanceTypes (m5.large, full: 2).
    expect(ledger).toEqual(
      expect.objectContaining({
        waits: [
          expect.objectContaining({
            instanceId,
            groupName: 'shop-gated',
            hookName: DEFAULT_GUARD_SETTINGS.gateHookName,
            stage: 'released',
          }),
        ],
        released: [
          expect.objectContaining({
            instanceId,
            groupName: 'shop-gated',
            predictedAttaches: 2,
            seenSinceMs: startedMs,
          }),
        ],
        version: 2,
      }),
    );
    if (!releaser.ok) throw new Error(`gate releaser failed: ${releaser.error}\n${releaser.output}`);
    expect(releaser.result).toEqual({
      passes: [expect.objectContaining({ waiting: 0, released: expect.any(Object) })],
    });
  }, 90_000);
});
