import { InMemoryAuditStore } from '../../../shared/adapters/memory/in-memory-audit-store.js';
import { RecordingDeadLetterQueue } from '../../../shared/adapters/memory/recording-dead-letter-queue.js';
import { RecordingMetricsSink } from '../../../shared/adapters/memory/recording-metrics-sink.js';
import { peakInRollingWindow, planningWindowMs } from '../../../shared/domain/attach-budget.js';
import type { AlertMessage } from '../../../shared/domain/chatbot-message.js';
import type { AlertPublisher } from '../../../shared/ports/alert-publisher.js';
import { logger } from '../../../shared/runtime/logger.js';
import { createScaleReactor } from '../../../shared/runtime/scale-reactor.js';
import { nextWakeMs } from '../../../shared/runtime/stagger-stepper.js';
import { SeededRandom } from '../../../shared/simulator/seeded-random.js';
import { advanceStaggerPlans } from '../../../shared/use-cases/advance-stagger-plans.js';
import { runCapacityAudit } from '../../../shared/use-cases/run-capacity-audit.js';
import type { StaggerDeps } from '../../../shared/use-cases/stagger-deps.js';
import { buildWorld, type FakeWorld } from '../../fakes/stagger-fakes.js';
import { GUARD_ROLE_ARN } from '../shared/events/event-fixtures.js';
import { buildAuditWorld, buildScalingGroup } from '../shared/use-cases/audit-world.js';
import { buildBurst, type SqsBatch, toBatches } from './burst-world.js';

/** Errors an AWS call meets: throttling, a server error, a timeout (the write may or may not have landed). */
const FAULTS = [
  () => Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded' }),
  () =>
    Object.assign(new Error('We encountered an internal error.'), {
      name: 'InternalFailure',
      $fault: 'server',
    }),
  () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
];
const MAX_INVOCATIONS = 200;

/** Calls the port's methods through, failing `rate` of them (seeded): before the call, or after it landed. */
function flaky<T extends object>(port: T, random: SeededRandom, rate: number): T {
  return new Proxy(port, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const fail = random.nextFloat() < rate;
        const fault = FAULTS[random.nextInt(0, FAULTS.length)] as () => Error;
        if (fail && random.nextFloat() < 0.5) throw fault();
        const result = await value.apply(target, args);
        if (fail) throw fault();
        return result;
      };
    },
  });
}

/** Lambda's retries: the same input again until the function succeeds. */
async function untilItSucceeds<T>(invoke: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await invoke();
    } catch (error) {
      if (attempt >= MAX_INVOCATIONS) throw error;
    }
  }
}

function spendsOf(world: FakeWorld) {
  const seen = new Map<string, { atMs: number; attaches: number }>();
  for (const spend of world.store.commits.flatMap((c) => c.ledger ?? [])) {
    seen.set(`${spend.groupName}@${spend.atMs}`, spend);
  }
  return [...seen.values()];
}

interface RunOptions {
  readonly deps: StaggerDeps;
  /** Probability that a scheduled stepper invocation does not happen. */
  readonly missTickRate?: number;
  readonly random: SeededRandom;
}

/** Every batch through the reactor (re-invoked until it succeeds), then stepper ticks until no plan is open. */
async function runToCompletion(world: FakeWorld, batches: readonly SqsBatch[], options: RunOptions) {
  const reactor = createScaleReactor({
    deps: options.deps,
    selfRoleArns: [GUARD_ROLE_ARN],
    deadLetters: new RecordingDeadLetterQueue(),
    metrics: new RecordingMetricsSink(),
  });
  for (const batch of batches) {
    world.now += 50;
    await untilItSucceeds(() => reactor(batch));
  }
  const start = world.now;
  while ((await world.store.listPlans()).length > 0) {
    world.groups.settle();
    if (options.random.nextFloat() < (options.missTickRate ?? 0)) {
      world.now += 60_000;
      continue;
    }
    const outcomes = await untilItSucceeds(() => advanceStaggerPlans(options.deps));
    world.now = nextWakeMs(outcomes, world.now, 15_000) ?? world.now + 60_000;
    if (world.now - start > 3 * 3_600_000) throw new Error('plans did not finish');
  }
  world.groups.settle();
}

async function expectTargetsWithinBudget(world: FakeWorld, burst: ReturnType<typeof buildBurst>) {
  expect(await world.store.listPlans()).toEqual([]);
  const final = await world.groups.describe(burst.groups.map((g) => g.name));
  expect(final.map((g) => [g.name, g.desiredCapacity])).toEqual(burst.groups.map((g) => [g.name, g.target]));
  expect(
    peakInRollingWindow(spendsOf(world), planningWindowMs(world.deps.settings.policy)),
  ).toBeLessThanOrEqual(40);
}

/** A smaller burst keeps the kill-at-every-write sweep quick. */
const smallBurst = (world: FakeWorld, seed: number) => buildBurst(world, seed, 120, 4, 10_000);

describe('faults in the stagger path', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  // Seeds 1 and 3 fail the Auto Scaling call of the tick that completes a plan: the plan must stay open until
  // the group has its target.
  it.each([1, 3])(
    'seed %i: 10%% of port calls fail (throttling, 5xx, timeouts): every plan still reaches its target',
    async (seed) => {
      // Prepare
      const world = buildWorld({ spreadSec: 10 });
      const burst = buildBurst(world, seed, 300, 8);
      const random = new SeededRandom(seed);
      const deps: StaggerDeps = {
        ...world.deps,
        groups: flaky(world.groups, random, 0.1),
        store: flaky(world.store, random, 0.1),
        observer: flaky(world.observer, random, 0.1),
        events: flaky(world.publisher, random, 0.1),
      };

      // Act
      await runToCompletion(world, toBatches(burst), { deps, random });

      // Assess
      await expectTargetsWithinBudget(world, burst);
    },
  );

  it('a stepper that misses half its ticks still brings every plan to its target within budget', async () => {
    const world = buildWorld({ spreadSec: 10 });
    const burst = buildBurst(world, 4, 300, 8);
    const random = new SeededRandom(4);

    // A generous grace: this is about missed ticks, not about failing open (which releases nodes unpaced).
    const deps = { ...world.deps, settings: { ...world.deps.settings, deadlineGraceMs: 3_600_000 } };
    await runToCompletion(world, toBatches(burst), { deps, random, missTickRate: 0.5 });

    await expectTargetsWithinBudget(world, burst);
  });

  it('a function killed after any one of its writes: the retry and the stepper repair it', async () => {
    // Prepare: count the writes of a clean run
    const reference = buildWorld({ spreadSec: 10 });
    const referenceBurst = smallBurst(reference, 5);
    let writes = 0;
    const countWrites = <T extends object>(port: T, methods: readonly string[]): T =>
      new Proxy(port, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (typeof value !== 'function' || !methods.includes(String(key))) return value;
          return async (...args: unknown[]) => {
            const result = await value.apply(target, args);
            writes++;
            if (writes === killAt) throw new Error('Runtime exited: the function was killed');
            return result;
          };
        },
      });
    let killAt = -1;
    const wrap = (world: FakeWorld): StaggerDeps => ({
      ...world.deps,
      store: countWrites(world.store, ['commit']),
      groups: countWrites(world.groups, ['setDesiredCapacity', 'updateBounds']),
      events: countWrites(world.publisher, ['publish']),
    });
    await runToCompletion(reference, toBatches(referenceBurst), {
      deps: wrap(reference),
      random: new SeededRandom(5),
    });
    const totalWrites = writes;
    expect(totalWrites).toBeGreaterThan(10);

    // Act and assess: killed after write k, for every k
    for (killAt = 1; killAt <= totalWrites; killAt++) {
      writes = 0;
      const world = buildWorld({ spreadSec: 10 });
      const burst = smallBurst(world, 5);
      await runToCompletion(world, toBatches(burst), { deps: wrap(world), random: new SeededRandom(5) });
      await expectTargetsWithinBudget(world, burst);
    }
  });
});

/** Fails `rate` of publishes (seeded), before or after SNS accepted the message. */
class FlakyPublisher implements AlertPublisher {
  readonly delivered: AlertMessage[] = [];
  /** Messages SNS accepted although the call reported a failure (a timeout after the request landed). */
  readonly deliveredButFailed: AlertMessage[] = [];

  constructor(
    private readonly random: SeededRandom,
    private readonly rate: number,
  ) {}

  async publish(message: AlertMessage) {
    const fail = this.random.nextFloat() < this.rate;
    if (fail && this.random.nextFloat() < 0.5) throw new Error('SNS: Rate exceeded');
    this.delivered.push(message);
    if (fail) {
      this.deliveredButFailed.push(message);
      throw new Error('SNS: socket hang up');
    }
    return { messageId: `m-${this.delivered.length}` };
  }
}

describe('faults in the alert path', () => {
  const MINUTE_MS = 60_000;
  const NOW_MS = Date.parse('2025-03-01T12:00:00Z');

  it.each([1, 2, 3])(
    'seed %i: with a publisher failing 30%% of the time, every state change is delivered, repeated only after an ambiguous failure',
    async (seed) => {
      // Prepare: subnet-a runs down then recovers: WARNING (raised), CRITICAL (escalated), OK (resolved)
      const store = new InMemoryAuditStore();
      const publisher = new FlakyPublisher(new SeededRandom(seed), 0.3);
      const world = (usedIpCount: number) => {
        const built = buildAuditWorld(
          {
            groups: [buildScalingGroup({ desiredCapacity: 4 })],
            subnets: [
              { subnetId: 'subnet-a', usedIpCount },
              { subnetId: 'subnet-b', cidr: '10.0.1.0/24', availabilityZone: 'eu-west-1b' },
            ],
          },
          store,
        );
        return { ...built.deps, publisher };
      };
      const usage = [0, 200, 200, 240, 240, 0, 0];

      // Act: one audit every 5 minutes, each re-invoked until it succeeds
      for (const [index, used] of usage.entries()) {
        const deps = world(used);
        await untilItSucceeds(() =>
          runCapacityAudit(deps, { nowMs: NOW_MS + index * 5 * MINUTE_MS, mode: 'headroom' }),
        );
      }

      // Assess: every change reaches people, in order. A publish that failed after SNS accepted it cannot be
      // told from one that never landed, so that one message is sent again (SNS standard topics do not
      // deduplicate); a message that went through cleanly is never repeated.
      const ofSubnetA = (messages: readonly AlertMessage[]) =>
        messages
          .filter((m) => m.attributes.subnetId?.StringValue === 'subnet-a')
          .map((m) => m.attributes.notification?.StringValue);
      const notifications = ofSubnetA(publisher.delivered);
      const distinct = notifications.filter((kind, index) => kind !== notifications[index - 1]);
      expect(distinct).toEqual(['raised', 'escalated', 'resolved']);
      expect(notifications.length - distinct.length).toBe(ofSubnetA(publisher.deliveredButFailed).length);
    },
  );
});
