import { readFileSync } from 'node:fs';
import { RecordingDeadLetterQueue } from '../../../../shared/adapters/memory/recording-dead-letter-queue.js';
import type { DeadLetterQueue } from '../../../../shared/ports/dead-letter-queue.js';
import { createLaunchGate, type GateWiring } from '../../../../shared/runtime/launch-gate.js';
import { nodeReport } from '../../../builders/node-report.js';
import { FailingDeadLetterQueue } from '../../../fakes/failing-dead-letter-queue.js';
import { buildGateDeps, FakeGateWorld } from '../../../fakes/gate-fakes.js';

const lifecycleAction = readFileSync(
  'test/fixtures/events/aws.autoscaling/ec2-instance-launch-lifecycle-action.json',
  'utf8',
);

/** A node's report whose instance id is not one. */
const badReport = JSON.stringify(nodeReport({ 'instance-id': 'node-7' }));

function batch(...bodies: string[]) {
  return { Records: bodies.map((body, i) => ({ messageId: `m-${i + 1}`, body })) };
}

function wiring(deadLetters?: DeadLetterQueue): { wiring: GateWiring; world: FakeGateWorld } {
  const world = new FakeGateWorld();
  world.addGroup('workers', { waiting: 2 });
  return {
    world,
    wiring: {
      deps: buildGateDeps(world).deps,
      selfRoleArns: [],
      sleep: async () => {},
      loopMs: 0,
      ...(deadLetters ? { deadLetters } : {}),
    },
  };
}

describe('createLaunchGate', () => {
  it('dead-letters an invalid message at once with its reason and body, acknowledges it, and still runs the pass', async () => {
    // Prepare
    const deadLetters = new RecordingDeadLetterQueue();
    const { wiring: gate, world } = wiring(deadLetters);
    // Act
    const answer = await createLaunchGate(gate)(batch(lifecycleAction, badReport, 'not json'));
    // Assess
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(deadLetters.letters).toEqual([
      {
        body: badReport,
        reason: 'detail.instance-id: expected an EC2 instance id (i- and 8 or 17 hex digits), got "node-7"',
        sourceMessageId: 'm-2',
      },
      { body: 'not json', reason: '(event): expected a JSON object, got "not json"', sourceMessageId: 'm-3' },
    ]);
    expect(world.waitingIds()).toEqual([]);
  });

  it('returns a message the dead-letter queue refuses as a batch item failure, so it is not lost', async () => {
    const deadLetters = new FailingDeadLetterQueue();
    const { wiring: gate } = wiring(deadLetters);
    const answer = await createLaunchGate(gate)(batch(lifecycleAction, badReport));
    expect(deadLetters.attempts.map((l) => l.sourceMessageId)).toEqual(['m-2']);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
  });

  it('without a dead-letter queue, returns invalid messages as batch item failures for the redrive policy', async () => {
    const { wiring: gate } = wiring();
    const answer = await createLaunchGate(gate)(batch(badReport, lifecycleAction));
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });

  it('dead-letters nothing when the pass fails, so the retried batch does not send its invalid messages twice', async () => {
    const deadLetters = new RecordingDeadLetterQueue();
    const { wiring: gate, world } = wiring(deadLetters);
    world.listWithTagKeys = async () => {
      throw new Error('Throttling: Rate exceeded');
    };
    await expect(createLaunchGate(gate)(batch(lifecycleAction, badReport))).rejects.toThrow('Rate exceeded');
    expect(deadLetters.letters).toEqual([]);
  });
});
