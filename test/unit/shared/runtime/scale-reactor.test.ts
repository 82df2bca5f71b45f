import { RecordingDeadLetterQueue } from '../../../../shared/adapters/memory/recording-dead-letter-queue.js';
import { RecordingMetricsSink } from '../../../../shared/adapters/memory/recording-metrics-sink.js';
import { logger } from '../../../../shared/runtime/logger.js';
import { createScaleReactor } from '../../../../shared/runtime/scale-reactor.js';
import { FailingDeadLetterQueue } from '../../../fakes/failing-dead-letter-queue.js';
import { buildGroup, buildWorld, FakeScalingGroups, type FakeWorld } from '../../../fakes/stagger-fakes.js';
import { buildEvent, GUARD_ROLE_ARN } from '../events/event-fixtures.js';

const OPERATOR_ARN = 'arn:aws:iam::123456789012:user/operator';

function setDesiredEvent(world: FakeWorld, id: string, group: string, desired: number | string) {
  const at = new Date(world.now - 30_000).toISOString();
  return buildEvent('aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity', [
    [['id'], id],
    [['time'], at],
    [['detail', 'eventTime'], at],
    [['detail', 'eventID'], `ct-${id}`],
    [['detail', 'userIdentity', 'arn'], OPERATOR_ARN],
    [['detail', 'userIdentity', 'sessionContext'], undefined],
    [['detail', 'requestParameters', 'autoScalingGroupName'], group],
    [['detail', 'requestParameters', 'desiredCapacity'], desired],
  ]);
}

/** The Lambda event of a standard queue: message ID `m-<index>`, each body as given. */
function sqsBatch(bodies: readonly string[]) {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `m-${index}`,
      receiptHandle: `r-${index}`,
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1764230400000' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:capacity-guard-dev-ScaleBufferQueue',
      awsRegion: 'eu-west-1',
    })),
  };
}

/** Auto Scaling refuses every write to one group (throttled), as long as the test wants. */
class ThrottledGroups extends FakeScalingGroups {
  constructor(private readonly throttled: string) {
    super();
  }

  override async setDesiredCapacity(name: string, desiredCapacity: number): Promise<void> {
    if (name === this.throttled) {
      throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    }
    return super.setDesiredCapacity(name, desiredCapacity);
  }
}

/** Two opted-in groups the operator has just scaled from 50 to 200 nodes (Auto Scaling already applied it). */
function buildScaledWorld(groups: FakeScalingGroups = new FakeScalingGroups()) {
  const world = buildWorld({ spreadSec: 10 });
  const deps = { ...world.deps, groups };
  for (const name of ['shop-general', 'shop-batch']) {
    groups.add(buildGroup({ name, inService: 50, desiredCapacity: 200 }));
  }
  return { world, deps, groups };
}

describe('the scale reactor on an SQS batch', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  it('handles the valid events, sends a poison message to the dead-letter queue with its reason and acknowledges it', async () => {
    // Prepare
    const { world, deps, groups } = buildScaledWorld();
    const deadLetters = new RecordingDeadLetterQueue();
    const metrics = new RecordingMetricsSink();
    const reactor = createScaleReactor({ deps, selfRoleArns: [GUARD_ROLE_ARN], deadLetters, metrics });
    const poison = JSON.stringify(setDesiredEvent(world, 'e-poison', 'shop-batch', 'many'));
    const bodies = [
      JSON.stringify(setDesiredEvent(world, 'e-1', 'shop-general', 200)),
      poison,
      JSON.stringify(setDesiredEvent(world, 'e-2', 'shop-batch', 200)),
    ];

    // Act
    const response = await reactor(sqsBatch(bodies));

    // Assess: nothing goes back to the queue
    expect(response).toEqual({ batchItemFailures: [] });
    // the valid events were handled: both groups are held under a plan to their target
    const plans = await world.store.listPlans();
    expect(plans.map((p) => [p.value.groupName, p.value.targetCapacity]).sort()).toEqual([
      ['shop-batch', 200],
      ['shop-general', 200],
    ]);
    expect(
      groups.calls
        .filter((c) => c.op === 'setDesired')
        .map((c) => c.name)
        .sort(),
    ).toEqual(['shop-batch', 'shop-general']);
    // the poison message is dead-lettered once, body intact, with the field, value and expected form
    expect(deadLetters.letters).toEqual([
      {
        body: poison,
        sourceMessageId: 'm-1',
        reason: expect.stringMatching(
          /^detail\.requestParameters\.desiredCapacity: expected .*, got "many"$/,
        ),
      },
    ]);
    expect(metrics.points).toEqual([
      { name: 'IntentsSeen', unit: 'Count', value: 2, dimensions: {} },
      { name: 'PlansHeld', unit: 'Count', value: 2, dimensions: {} },
      { name: 'IntentsSuperseded', unit: 'Count', value: 0, dimensions: {} },
      { name: 'InvalidEvents', unit: 'Count', value: 1, dimensions: {} },
    ]);
  });

  it('dead-letters a body that is not JSON as it came', async () => {
    // Prepare
    const { deps } = buildScaledWorld();
    const deadLetters = new RecordingDeadLetterQueue();
    const reactor = createScaleReactor({
      deps,
      selfRoleArns: [GUARD_ROLE_ARN],
      deadLetters,
      metrics: new RecordingMetricsSink(),
    });

    // Act
    const response = await reactor(sqsBatch(['{ "id": "e-1", truncated']));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.letters.map((l) => [l.sourceMessageId, l.body])).toEqual([
      ['m-0', '{ "id": "e-1", truncated'],
    ]);
    expect(deadLetters.letters[0]?.reason).toContain('expected a JSON object');
  });

  it('returns the messages of a transient failure and only those', async () => {
    // Prepare: writes to shop-batch are throttled
    const { world, deps } = buildScaledWorld(new ThrottledGroups('shop-batch'));
    const deadLetters = new RecordingDeadLetterQueue();
    const reactor = createScaleReactor({
      deps,
      selfRoleArns: [GUARD_ROLE_ARN],
      deadLetters,
      metrics: new RecordingMetricsSink(),
    });
    const bodies = [
      JSON.stringify(setDesiredEvent(world, 'e-1', 'shop-general', 200)),
      JSON.stringify(setDesiredEvent(world, 'e-2', 'shop-batch', 200)),
      'not an event',
    ];

    // Act
    const response = await reactor(sqsBatch(bodies));

    // Assess: the throttled group's event is retried; the valid one and the poison one are not
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(deadLetters.letters.map((l) => l.sourceMessageId)).toEqual(['m-2']);
  });

  it('returns a poison message as a failure when the dead-letter queue cannot take it, so nothing is lost', async () => {
    // Prepare
    const { world, deps } = buildScaledWorld();
    const deadLetters = new FailingDeadLetterQueue();
    const metrics = new RecordingMetricsSink();
    const reactor = createScaleReactor({ deps, selfRoleArns: [GUARD_ROLE_ARN], deadLetters, metrics });
    const bodies = [
      JSON.stringify(setDesiredEvent(world, 'e-1', 'shop-general', 200)),
      JSON.stringify(setDesiredEvent(world, 'e-poison', 'shop-general', -3)),
    ];

    // Act
    const response = await reactor(sqsBatch(bodies));

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(deadLetters.attempts.map((l) => l.sourceMessageId)).toEqual(['m-1']);
    expect((await world.store.listPlans()).map((p) => p.value.groupName)).toEqual(['shop-general']);
    expect(metrics.points.filter((p) => p.name === 'InvalidEvents').map((p) => p.value)).toEqual([1]);
  });

  it('counts no invalid event for a batch without one', async () => {
    // Prepare
    const { world, deps } = buildScaledWorld();
    const metrics = new RecordingMetricsSink();
    const deadLetters = new RecordingDeadLetterQueue();
    const reactor = createScaleReactor({ deps, selfRoleArns: [GUARD_ROLE_ARN], deadLetters, metrics });

    // Act
    const response = await reactor(
      sqsBatch([JSON.stringify(setDesiredEvent(world, 'e-1', 'shop-general', 200))]),
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.letters).toEqual([]);
    expect(metrics.points.filter((p) => p.name === 'InvalidEvents')).toEqual([]);
  });
});
