import { createGroups, createWorld, drainQueue, type World } from './aws-world.js';
import { type BuiltHandler, buildDeployedHandlers, removeBundles } from './bundles.js';
import { invokeBundle } from './invoke-bundle.js';
import { startMoto } from './moto.js';

const moto = await startMoto('capacity-auditor integration');

interface SnsEnvelope {
  readonly Type: string;
  readonly Message: string;
  readonly MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

(moto ? describe : describe.skip)('the deployed capacity auditor against moto', () => {
  let handlers: Record<string, BuiltHandler>;
  let world: World;

  beforeAll(async () => {
    handlers = await buildDeployedHandlers(['capacityAuditor']);
  }, 60_000);

  afterAll(async () => {
    await removeBundles(handlers ?? {});
    await moto?.stop();
  });

  it('alerts the topic subscriber, with message attributes, when an opted-in group fills its subnet', async () => {
    // Prepare: moto places every instance in the group's first subnet, a /27 (27 usable addresses).
    if (!moto) return;
    await moto.reset();
    world = await createWorld(moto, ['10.20.0.0/27', '10.20.16.0/20']);
    await createGroups(world, [{ name: 'shop-general', desiredCapacity: 24, maxSize: 100 }]);

    // Act
    const invocation = await invokeBundle(
      handlers.capacityAuditor as BuiltHandler,
      { mode: 'headroom' },
      world.functionEnv,
    );

    // Assess
    if (!invocation.ok) throw new Error(`auditor failed: ${invocation.error}\n${invocation.output}`);
    const alerts = (await drainQueue(world, world.alertQueueUrl)).map((m) => m.body as SnsEnvelope);
    expect(alerts.length).toBeGreaterThan(0);
    const subnetAlert = alerts.find((a) => a.Message.includes(world.subnetIds[0] ?? 'subnet'));
    expect(subnetAlert?.MessageAttributes).toEqual(
      expect.objectContaining({
        severity: expect.objectContaining({ Value: expect.stringMatching(/WARNING|CRITICAL/) }),
      }),
    );
    const events = (await drainQueue(world, world.guardEventsQueueUrl)).map(
      (m) => m.body as Record<string, unknown>,
    );
    expect(events).toEqual([expect.objectContaining({ 'detail-type': 'Capacity Audit Completed' })]);
  }, 90_000);
});
