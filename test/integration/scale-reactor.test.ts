import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { loadEventFixture } from '../unit/shared/events/event-fixtures.js';
import {
  createGroups,
  createWorld,
  desiredCapacity,
  drainQueue,
  KILL_SWITCH_PARAMETER,
  sqsEvent,
  tableItems,
  type World,
} from './aws-world.js';
import { type BuiltHandler, buildDeployedHandlers, removeBundles } from './bundles.js';
import { invokeBundle } from './invoke-bundle.js';
import { startMoto } from './moto.js';

const SUITE = 'scale-reactor integration';
const moto = await startMoto(SUITE);
const BUDGET_PER_MIN = 40;

interface LedgerSpend {
  readonly atMs: number;
  readonly attaches: number;
  readonly groupName: string;
}

/** The CloudTrail record of a SetDesiredCapacity call by the cluster autoscaler, now, for `groupName`. */
function setDesiredCapacityEvent(groupName: string, desired: number, eventId: string) {
  const event = structuredClone(
    loadEventFixture('aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity'),
  ) as Record<string, unknown> & { detail: Record<string, unknown> };
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  event.id = eventId;
  event.time = now;
  event.region = 'us-east-1';
  event.detail.eventTime = now;
  event.detail.eventID = `${eventId}-trail`;
  event.detail.awsRegion = 'us-east-1';
  event.detail.requestParameters = {
    autoScalingGroupName: groupName,
    desiredCapacity: desired,
    honorCooldown: false,
  };
  return event;
}

/** The Lambda event the SQS burst buffer hands the reactor. */
function sqsBatch(events: readonly unknown[]) {
  return sqsEvent(
    'capacity-guard-buffer',
    events.map((event, index) => ({
      messageId: `m-${index}-${(event as { id: string }).id}`,
      body: JSON.stringify(event),
    })),
  );
}

const spendsOf = (items: Record<string, unknown>[]): LedgerSpend[] =>
  (items.find((item) => item.pk === 'LEDGER')?.spends as LedgerSpend[] | undefined) ?? [];
const planOf = (items: Record<string, unknown>[], groupName: string) =>
  items.find((item) => item.pk === 'PLAN' && item.sk === groupName)?.plan as
    | { targetCapacity: number; attachesPerNode: number }
    | undefined;

(moto ? describe : describe.skip)('the deployed scale reactor against moto', () => {
  let handlers: Record<string, BuiltHandler>;
  let world: World;

  beforeAll(async () => {
    handlers = await buildDeployedHandlers(['scaleReactor', 'staggerStepper']);
  }, 60_000);

  beforeEach(async () => {
    await moto?.reset();
    if (!moto) return;
    world = await createWorld(moto);
  }, 30_000);

  afterAll(async () => {
    await removeBundles(handlers ?? {});
    await moto?.stop();
  });

  async function react(events: readonly unknown[]) {
    const invocation = await invokeBundle(handlers.scaleReactor as BuiltHandler, sqsBatch(events), {
      ...world.functionEnv,
      ATTACH_BUDGET_PER_MIN: String(BUDGET_PER_MIN),
    });
    if (!invocation.ok) throw new Error(`reactor failed: ${invocation.error}\n${invocation.output}`);
    return invocation.result as { batchItemFailures: unknown[] };
  }

  it('paces a scale-out over the attach budget: steps the group, writes plan and ledger, announces the plan', async () => {
    // Prepare
    await createGroups(world, [{ name: 'shop-general', desiredCapacity: 2, maxSize: 300 }]);

    // Act
    const result = await react([setDesiredCapacityEvent('shop-general', 200, 'evt-over-budget')]);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    const desired = await desiredCapacity(world, 'shop-general');
    expect(desired).toBeGreaterThan(2);
    expect(desired).toBeLessThan(200);
    const items = await tableItems(world);
    const plan = planOf(items, 'shop-general');
    expect(plan?.targetCapacity).toBe(200);
    const spent = spendsOf(items).reduce((sum, s) => sum + s.attaches, 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(BUDGET_PER_MIN);
    expect(((desired ?? 0) - 2) * (plan?.attachesPerNode ?? Number.NaN)).toBeLessThanOrEqual(BUDGET_PER_MIN);
    const events = await drainQueue(world, world.guardEventsQueueUrl);
    expect(events.map((e) => e.body)).toEqual([
      expect.objectContaining({
        source: 'capacity-guard',
        'detail-type': 'Stagger Plan Created',
        detail: expect.objectContaining({ autoScalingGroupName: 'shop-general', targetCapacity: 200 }),
      }),
    ]);
    expect(moto?.droppedFilterCount()).toBeGreaterThan(0);
  }, 60_000);

  it('sends an invalid event to the dead-letter queue with its reason and handles the rest of the batch', async () => {
    // Prepare
    await createGroups(world, [{ name: 'shop-general', desiredCapacity: 2, maxSize: 300 }]);
    const poison = setDesiredCapacityEvent('shop-general', 200, 'evt-poison');
    poison.detail.requestParameters = { autoScalingGroupName: 'shop-general', desiredCapacity: 'lots' };

    // Act
    const result = await react([poison, setDesiredCapacityEvent('shop-general', 200, 'evt-valid')]);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(planOf(await tableItems(world), 'shop-general')?.targetCapacity).toBe(200);
    const letters = await drainQueue(world, world.scaleDeadLetterQueueUrl);
    expect(letters).toEqual([
      {
        body: poison,
        attributes: {
          reason: expect.objectContaining({
            StringValue: expect.stringContaining('requestParameters.desiredCapacity: expected'),
          }),
          sourceMessageId: expect.objectContaining({ StringValue: 'm-0-evt-poison' }),
        },
      },
    ]);
  }, 60_000);

  it('changes nothing when the same event arrives again', async () => {
    // Prepare
    await createGroups(world, [{ name: 'shop-general', desiredCapacity: 2, maxSize: 300 }]);
    const event = setDesiredCapacityEvent('shop-general', 200, 'evt-duplicate');
    await react([event]);
    const desiredBefore = await desiredCapacity(world, 'shop-general');
    const itemsBefore = await tableItems(world);
    await drainQueue(world, world.guardEventsQueueUrl);

    // Act
    const result = await react([event]);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(await desiredCapacity(world, 'shop-general')).toBe(desiredBefore);
    expect(await tableItems(world)).toEqual(itemsBefore);
    expect(await drainQueue(world, world.guardEventsQueueUrl)).toEqual([]);
  }, 60_000);

  it('never spends more than the budget with many reactors at once', async () => {
    // Prepare
    const groups = Array.from({ length: 8 }, (_, i) => ({
      name: `burst-${i}`,
      desiredCapacity: 1,
      maxSize: 300,
    }));
    await createGroups(world, groups);

    // Act
    const results = await Promise.all(
      groups.map((group, i) => react([setDesiredCapacityEvent(group.name, 150, `evt-burst-${i}`)])),
    );

    // Assess
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    const items = await tableItems(world);
    // Only this burst's spends: an earlier test's spend may still sit in the ledger, outside the guard's window.
    const burst = new Set(groups.map((g) => g.name));
    const spends = spendsOf(items).filter((s) => burst.has(s.groupName));
    // On a loaded machine the eight cold starts can span more than one budget window: the budget holds per
    // rolling 60 s, so check every window that starts at a spend.
    const peakInAnyWindow = Math.max(
      ...spends.map((first) =>
        spends
          .filter((s) => s.atMs >= first.atMs && s.atMs < first.atMs + 60_000)
          .reduce((sum, s) => sum + s.attaches, 0),
      ),
    );
    expect(peakInAnyWindow).toBeLessThanOrEqual(BUDGET_PER_MIN);
    let attachesStarted = 0;
    for (const group of groups) {
      const added = ((await desiredCapacity(world, group.name)) ?? 0) - group.desiredCapacity;
      attachesStarted += added * (planOf(items, group.name)?.attachesPerNode ?? 0);
    }
    expect(attachesStarted).toBeGreaterThan(0);
    // Every attach the reactors started is covered by a recorded spend.
    expect(attachesStarted).toBeLessThanOrEqual(spends.reduce((sum, s) => sum + s.attaches, 0));
  }, 120_000);

  it('lets a held plan go to its target once the kill switch is on, without a redeploy', async () => {
    // Prepare
    await createGroups(world, [{ name: 'shop-general', desiredCapacity: 2, maxSize: 300 }]);
    await react([setDesiredCapacityEvent('shop-general', 120, 'evt-kill-switch')]);
    await world.clients.ssm.send(
      new PutParameterCommand({ Name: KILL_SWITCH_PARAMETER, Value: 'on', Type: 'String', Overwrite: true }),
    );

    // Act
    const invocation = await invokeBundle(handlers.staggerStepper as BuiltHandler, {}, world.functionEnv);

    // Assess
    expect(invocation.error).toBeUndefined();
    expect(await desiredCapacity(world, 'shop-general')).toBe(120);
  }, 90_000);
});
