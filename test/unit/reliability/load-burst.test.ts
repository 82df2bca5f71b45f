import { RecordingDeadLetterQueue } from '../../../shared/adapters/memory/recording-dead-letter-queue.js';
import { RecordingMetricsSink } from '../../../shared/adapters/memory/recording-metrics-sink.js';
import { peakInRollingWindow, planningWindowMs } from '../../../shared/domain/attach-budget.js';
import { logger } from '../../../shared/runtime/logger.js';
import { createScaleReactor } from '../../../shared/runtime/scale-reactor.js';
import { nextWakeMs } from '../../../shared/runtime/stagger-stepper.js';
import { advanceStaggerPlans } from '../../../shared/use-cases/advance-stagger-plans.js';
import { buildWorld, type FakeWorld } from '../../fakes/stagger-fakes.js';
import { GUARD_ROLE_ARN } from '../shared/events/event-fixtures.js';
import { accountFor, buildBurst, type SqsBatch, toBatches } from './burst-world.js';

/** The deployed event source mapping's maximumConcurrency (serverless.yml). */
const REACTOR_CONCURRENCY = 5;
const SEEDS = [1, 2, 3];

function uniqueSpends(world: FakeWorld) {
  const seen = new Set<string>();
  return world.store.commits
    .flatMap((commit) => commit.ledger ?? [])
    .filter((spend) => {
      const key = `${spend.groupName}@${spend.atMs}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/**
 * Hands the batches to `REACTOR_CONCURRENCY` reactor invocations at once, the clock moving through the burst; a
 * stepper tick runs beside them every simulated second. A batch whose invocation throws is delivered again later,
 * as SQS does after the visibility timeout.
 */
async function deliver(
  world: FakeWorld,
  batches: readonly SqsBatch[],
): Promise<{ retries: number; failures: string[] }> {
  const reactor = createScaleReactor({
    deps: world.deps,
    selfRoleArns: [GUARD_ROLE_ARN],
    deadLetters: new RecordingDeadLetterQueue(),
    metrics: new RecordingMetricsSink(),
  });
  const queue = [...batches];
  const failures: string[] = [];
  let retries = 0;
  let lastTickMs = world.now;
  const worker = async () => {
    for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
      world.now += 100;
      try {
        const response = await reactor(batch);
        if ('batchItemFailures' in response)
          failures.push(...response.batchItemFailures.map((f) => f.itemIdentifier));
      } catch {
        retries += 1;
        queue.push(batch);
      }
      if (world.now - lastTickMs >= 1_000) {
        lastTickMs = world.now;
        await advanceStaggerPlans(world.deps);
      }
    }
  };
  await Promise.all(Array.from({ length: REACTOR_CONCURRENCY }, worker));
  return { retries, failures };
}

/** Ticks the stepper as its handler does, nodes booting in between, until no plan is open. */
async function stepUntilDone(world: FakeWorld, limitMs = 4 * 3_600_000): Promise<void> {
  const start = world.now;
  while ((await world.store.listPlans()).length > 0) {
    world.groups.settle();
    const outcomes = await advanceStaggerPlans(world.deps);
    world.now = nextWakeMs(outcomes, world.now, 15_000) ?? world.now + 60_000;
    if (world.now - start > limitMs) throw new Error('plans did not finish within four hours');
  }
}

/** The nodes the last step asked for exist but are not InService yet (as Auto Scaling shows them). */
function markLaunchedAsPending(world: FakeWorld): void {
  for (const [name, group] of world.groups.groups) {
    const instances = Array.from({ length: group.desiredCapacity }, (_, i) => ({
      instanceId: `i-${name}-${i}`,
      lifecycleState: i < group.instances.length ? 'InService' : 'Pending',
      instanceType: 'm5.large',
    }));
    world.groups.groups.set(name, { ...group, instances });
  }
}

describe('a launch event arriving after its plan completed', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  // The Pending nodes a finished plan released must not be held back (Auto Scaling would cancel them) and
  // paced a second time when their launch events arrive.
  it('does not lower the group below the capacity the plan released', async () => {
    // Prepare
    const world = buildWorld({ spreadSec: 10 });
    const burst = buildBurst(world, 1);
    await deliver(world, toBatches(burst));
    await stepUntilDone(world);
    markLaunchedAsPending(world);
    const released = new Map([...world.groups.groups.values()].map((g) => [g.name, g.desiredCapacity]));

    // Act
    await deliver(world, toBatches(burst));

    // Assess
    const after = await world.groups.describe([...released.keys()]);
    expect(after.map((g) => [g.name, g.desiredCapacity])).toEqual([...released.entries()]);
  });
});

describe('load: a burst of 1,000 launch and CloudTrail events over 20 groups within 10 s', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  it.each(SEEDS)(
    'seed %i: within budget, every plan reaches its target, no event lost or handled twice',
    async (seed) => {
      // Prepare
      const world = buildWorld({ spreadSec: 10 });
      const burst = buildBurst(world, seed);
      const batches = toBatches(burst);

      // Act
      const delivered = await deliver(world, batches);
      await stepUntilDone(world);

      // Assess: the budget
      expect(burst.messages).toHaveLength(1000);
      const spends = uniqueSpends(world);
      expect(spends.length).toBeGreaterThan(0);
      expect(peakInRollingWindow(spends, planningWindowMs(world.deps.settings.policy))).toBeLessThanOrEqual(
        40,
      );
      // every plan reached its target
      expect(await world.store.listPlans()).toEqual([]);
      const final = await world.groups.describe(burst.groups.map((g) => g.name));
      expect(final.map((g) => [g.name, g.desiredCapacity])).toEqual(
        burst.groups.map((g) => [g.name, g.target]),
      );
      // no event lost: every id is grouped, ignored or a duplicate; none invalid
      expect(delivered.failures).toEqual([]);
      const accounted = batches.map(accountFor);
      const seen = new Set(accounted.flatMap((a) => [...a.grouped, ...a.ignored, ...a.duplicates]));
      expect([...burst.eventIds].filter((id) => !seen.has(id))).toEqual([]);
      expect(accounted.flatMap((a) => a.invalid)).toEqual([]);
      expect(accounted.flatMap((a) => a.ignored).length).toBeGreaterThan(0);

      // Act: every batch delivered once more, once the nodes have booted
      world.groups.settle();
      const ledger = await world.store.readLedger();
      const calls = world.groups.calls.length;
      const events = world.publisher.events.length;
      const again = await deliver(world, batches);

      // Assess: a duplicate delivery changes nothing
      expect(again.failures).toEqual([]);
      expect(await world.store.readLedger()).toEqual(ledger);
      // (an intent seen again long after is recorded again, closed: it paces nothing)
      const plans = await world.store.listPlans();
      expect(plans.filter((p) => p.value.completedAtMs === undefined)).toEqual([]);
      expect(world.groups.calls.length).toBe(calls);
      expect(world.publisher.events.length).toBe(events);
    },
  );
});
