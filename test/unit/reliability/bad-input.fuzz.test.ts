import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { RecordingDeadLetterQueue } from '../../../shared/adapters/memory/recording-dead-letter-queue.js';
import { RecordingMetricsSink } from '../../../shared/adapters/memory/recording-metrics-sink.js';
import {
  loadAwsCliSnapshot,
  SnapshotError,
  SnapshotFile,
} from '../../../shared/adapters/snapshot/load-aws-cli-snapshot.js';
import { InvalidEventError } from '../../../shared/events/invalid-event-error.js';
import { isNodeReportEvent, parseNodeReport } from '../../../shared/events/node-report.js';
import { parseScaleEvent } from '../../../shared/events/registry.js';
import { ConfigError, parseConfig } from '../../../shared/runtime/config.js';
import { createLaunchGate } from '../../../shared/runtime/launch-gate.js';
import { logger } from '../../../shared/runtime/logger.js';
import { createScaleReactor } from '../../../shared/runtime/scale-reactor.js';
import { parseScenario, ScenarioValidationError } from '../../../shared/simulator/scenario.js';
import { nodeReport } from '../../builders/node-report.js';
import { buildGateDeps, FakeGateWorld } from '../../fakes/gate-fakes.js';
import { buildGroup, buildWorld } from '../../fakes/stagger-fakes.js';
import { runCapacityGuard } from '../../helpers/cli.js';
import {
  buildEvent,
  GUARD_ROLE_ARN,
  type Json,
  type JsonObject,
  setPath,
} from '../shared/events/event-fixtures.js';

const SEED = 7;
const STACK_FRAME = '\n    at ';

function pathsOf(value: Json, prefix: readonly string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [[...prefix]];
  const entries = Array.isArray(value)
    ? value.map((item, i) => [String(i), item] as const)
    : Object.entries(value);
  return [[...prefix], ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))].filter(
    (p) => p.length > 0,
  );
}

/** A copy of `base` with one field (anywhere in the tree) replaced by arbitrary JSON or removed. */
const mutationOf = (base: JsonObject) =>
  fc
    .tuple(fc.constantFrom(...pathsOf(base)), fc.option(fc.jsonValue(), { nil: undefined }))
    .map(([path, value]) => {
      const copy = structuredClone(base);
      setPath(copy, path, value as Json | undefined);
      return copy;
    });

describe('bad input: the SQS reactor path', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  it('sends every invalid message to the dead-letter queue with a reason, never back to the queue', async () => {
    const world = buildWorld();
    world.groups.add(buildGroup({ name: 'shop-general', desiredCapacity: 60 }));
    const deadLetters = new RecordingDeadLetterQueue();
    const metrics = new RecordingMetricsSink();
    const reactor = createScaleReactor({
      deps: world.deps,
      selfRoleArns: [GUARD_ROLE_ARN],
      deadLetters,
      metrics,
    });
    const valid = buildEvent('aws.autoscaling/ec2-instance-launch-successful');
    const body = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      mutationOf(valid).map((v) => JSON.stringify(v)),
      fc.constant(JSON.stringify(valid)),
    );

    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 10 }), async (bodies) => {
        const batch = { Records: bodies.map((b, i) => ({ messageId: `m-${i}`, body: b, attributes: {} })) };
        const invalid = bodies.flatMap((b, i) => {
          let decoded: unknown = b;
          try {
            decoded = JSON.parse(b);
          } catch {}
          try {
            parseScaleEvent(decoded, { selfIdentityArns: [GUARD_ROLE_ARN] });
            return [];
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidEventError);
            expect((error as Error).message.length).toBeGreaterThan(0);
            return [`m-${i}`];
          }
        });

        deadLetters.letters.length = 0;
        metrics.points.length = 0;

        const first = await reactor(batch);
        const again = await reactor(batch);

        expect(first).toEqual({ batchItemFailures: [] });
        expect(again).toEqual(first);
        const letters = deadLetters.letters.slice(0, deadLetters.letters.length / 2);
        expect(letters.map((l) => l.sourceMessageId)).toEqual(invalid);
        for (const letter of letters) {
          expect(letter.body).toBe(bodies[Number(letter.sourceMessageId.slice(2))]);
          expect(letter.reason).toMatch(/: expected /);
        }
        const invalidCounted = metrics.points.filter((p) => p.name === 'InvalidEvents');
        expect(invalidCounted.reduce((sum, p) => sum + p.value, 0)).toBe(2 * invalid.length);
      }),
      { numRuns: 150, seed: SEED },
    );
  });
});

/** Whether the launch gate takes `body` (a launch lifecycle action or a node report), by the parsers alone. */
function gateTakes(body: string): boolean {
  let decoded: unknown = body;
  try {
    decoded = JSON.parse(body);
  } catch {}
  try {
    if (isNodeReportEvent(decoded)) {
      parseNodeReport(decoded);
      return true;
    }
    return (
      parseScaleEvent(decoded, { selfIdentityArns: [GUARD_ROLE_ARN] }).kind === 'launch-lifecycle-action'
    );
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return false;
  }
}

describe('bad input: the launch gate path', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  it('sends every message it cannot take to the dead-letter queue with a reason, never back to the queue', async () => {
    const world = new FakeGateWorld();
    world.addGroup('shop-general', { waiting: 3 });
    const deadLetters = new RecordingDeadLetterQueue();
    const gate = createLaunchGate({
      deps: buildGateDeps(world).deps,
      selfRoleArns: [GUARD_ROLE_ARN],
      sleep: async () => {},
      loopMs: 0,
      deadLetters,
    });
    const action = buildEvent('aws.autoscaling/ec2-instance-launch-lifecycle-action');
    const report = nodeReport({ 'instance-id': 'i-0123456789abcdef0' }) as JsonObject;
    const other = buildEvent('aws.autoscaling/ec2-instance-launch-successful');
    const body = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      mutationOf(action).map((v) => JSON.stringify(v)),
      mutationOf(report).map((v) => JSON.stringify(v)),
      fc.constantFrom(action, report, other).map((v) => JSON.stringify(v)),
    );

    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 10 }), async (bodies) => {
        const batch = { Records: bodies.map((b, i) => ({ messageId: `m-${i}`, body: b, attributes: {} })) };
        const setAside = bodies.flatMap((b, i) => (gateTakes(b) ? [] : [`m-${i}`]));
        deadLetters.letters.length = 0;

        const answer = await gate(batch);

        expect(answer).toEqual({ batchItemFailures: [] });
        expect(deadLetters.letters.map((l) => l.sourceMessageId)).toEqual(setAside);
        for (const letter of deadLetters.letters) {
          expect(letter.body).toBe(bodies[Number(letter.sourceMessageId.slice(2))]);
          expect(letter.reason).toMatch(/: expected /);
        }
      }),
      { numRuns: 150, seed: SEED },
    );
  });
});

describe('bad input: CLI arguments', () => {
  const word = fc.oneof(
    fc.constantFrom(
      'max-pods',
      'node-ips',
      'plan',
      '--instance-type',
      'm5.large',
      't3.small,p5.48xlarge',
      '--from',
      '--to',
      '--pods',
      '--pods-per-node',
      '--budget',
      '--cni',
      'WARM_IP_TARGET=5',
      'ENABLE_PREFIX_DELEGATION=maybe',
      '--json',
      '--prefix-delegation',
      '--cap',
      '--max-eni',
      '-1',
      '0',
      '1e9',
      '--',
      '=',
      '--help',
    ),
    fc.string({ maxLength: 12 }),
  );

  it('exits 0, 1 or 2 and never shows a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 8 }), async (argv) => {
        const run = await runCapacityGuard(...argv);
        expect([0, 1, 2]).toContain(run.code);
        expect(run.stderr).not.toContain(STACK_FRAME);
        if (run.code === 2) expect(run.stderr.length + run.stdout.length).toBeGreaterThan(0);
      }),
      { numRuns: 200, seed: SEED },
    );
  });
});

describe('bad input: scenario files', () => {
  const blackFriday = JSON.parse(
    readFileSync(new URL('../../../scenarios/black-friday.json', import.meta.url), 'utf8'),
  ) as JsonObject;

  it('a mutated scenario parses or fails with a ScenarioValidationError naming the path', () => {
    fc.assert(
      fc.property(mutationOf(blackFriday), (scenario) => {
        try {
          parseScenario(scenario);
        } catch (error) {
          expect(error).toBeInstanceOf(ScenarioValidationError);
          expect((error as Error).message).toMatch(/\S/);
        }
      }),
      { numRuns: 400, seed: SEED },
    );
  });
});

describe('bad input: snapshot files', () => {
  const fixtures = new URL('../../fixtures/snapshots/scattered/', import.meta.url);
  const files = Object.values(SnapshotFile);

  it('a damaged snapshot file loads or fails with a SnapshotError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapshot-fuzz-'));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...files),
          fc.oneof(
            fc.string(),
            fc.jsonValue().map((v) => JSON.stringify(v)),
          ),
          async (file, content) => {
            for (const name of files) copyFileSync(new URL(name, fixtures), join(dir, name));
            writeFileSync(join(dir, file), content);
            try {
              await loadAwsCliSnapshot(dir);
            } catch (error) {
              expect(error).toBeInstanceOf(SnapshotError);
            }
          },
        ),
        { numRuns: 120, seed: SEED },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bad input: configuration', () => {
  const KEYS = [
    'STATE_TABLE_NAME',
    'EVENT_BUS_NAME',
    'ALERT_TOPIC_ARN',
    'ATTACH_BUDGET_PER_MIN',
    'ATTACH_SAFETY_MARGIN',
    'ATTACH_SPREAD_SEC',
    'ATTACH_OTHERS_BURST_FACTOR',
    'PLAN_DEADLINE_GRACE_SEC',
    'OPT_IN_TAG',
    'KILL_SWITCH_PARAMETER',
    'GUARD_ROLE_ARNS',
    'STEP_INTERVAL_SEC',
    'CLUSTER_NAMES',
    'ASG_NAMES',
    'CNI_OVERRIDES',
    'ENI_CONFIG_SUBNETS',
    'ALERT_SUBNET_WARNING_PERCENT',
    'ALERT_SUBNET_CRITICAL_PERCENT',
    'ALERT_SUBNET_CRITICAL_IPS',
    'ALERT_PREFIX_WARNING_BLOCKS',
    'ALERT_WARNING_MINUTES',
    'FORECAST_WINDOW_MIN',
    'REMINDER_INTERVAL_MIN',
    'SAMPLE_TTL_DAYS',
  ] as const;
  const value = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer({ min: -1000, max: 100_000 }).map(String),
    fc.double({ noNaN: false }).map(String),
    fc.jsonValue().map((v) => JSON.stringify(v)),
  );

  it('a random environment parses or fails with a ConfigError that names the key', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), value), (env) => {
        try {
          parseConfig(env);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          const named = KEYS.filter((key) => (error as Error).message.includes(key));
          expect(named.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500, seed: SEED },
    );
  });
});
