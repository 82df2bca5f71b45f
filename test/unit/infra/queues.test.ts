import { ReactorMetricName } from '../../../shared/ports/metrics-sink.js';
import { SERVICE_NAME } from '../../../shared/runtime/logger.js';
import { type CfnResource, loadPackagedTemplate } from './packaged-template.js';

interface RedrivePolicy {
  readonly deadLetterTargetArn?: unknown;
  readonly maxReceiveCount?: number;
}

interface PolicyStatement {
  readonly Sid?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

const packaged = loadPackagedTemplate('queues.test');
const resources = packaged?.Resources ?? {};
const ofType = (type: string): [string, CfnResource][] =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);
const getAttArn = (name: string) => ({ 'Fn::GetAtt': [name, 'Arn'] });
const props = (name: string): Record<string, unknown> => resources[name]?.Properties ?? {};

(packaged ? describe : describe.skip)('queues of the packaged template', () => {
  const queues = ofType('AWS::SQS::Queue');
  const mappings = ofType('AWS::Lambda::EventSourceMapping');

  it('lets every queue with a redrive policy receive a message at least 5 times before dead-lettering it', () => {
    // Act
    const redriven = queues.flatMap(([name, queue]) => {
      const policy = queue.Properties?.RedrivePolicy as RedrivePolicy | undefined;
      return policy === undefined ? [] : [[name, policy.maxReceiveCount] as const];
    });

    // Assess
    expect(redriven.map(([name]) => name)).toEqual(
      expect.arrayContaining(['ScaleBufferQueue', 'PreflightQueue', 'LaunchGateQueue']),
    );
    for (const [name, maxReceiveCount] of redriven) {
      expect([name, maxReceiveCount]).toEqual([name, expect.any(Number)]);
      expect(maxReceiveCount).toBeGreaterThanOrEqual(5);
    }
  });

  it('gives every queue a function reads a dead-letter queue', () => {
    // Prepare
    const sources = mappings.map(([, mapping]) => JSON.stringify(mapping.Properties?.EventSourceArn));

    // Act
    const read = queues.filter(([name]) => sources.includes(JSON.stringify(getAttArn(name))));

    // Assess
    expect(read.length).toBe(mappings.length);
    for (const [name, queue] of read) {
      const policy = queue.Properties?.RedrivePolicy as RedrivePolicy | undefined;
      expect([name, policy?.deadLetterTargetArn]).toEqual([name, expect.anything()]);
    }
  });

  it('makes the burst buffer and its dead-letter queue standard queues, so no group waits behind another', () => {
    // Assess
    for (const name of ['ScaleBufferQueue', 'ScaleBufferDeadLetterQueue']) {
      expect(resources[name]?.Type).toBe('AWS::SQS::Queue');
      expect(props(name).FifoQueue).toBeUndefined();
      expect(props(name).ContentBasedDeduplication).toBeUndefined();
    }
    expect(props('ScaleBufferQueue').RedrivePolicy).toEqual(
      expect.objectContaining({ deadLetterTargetArn: getAttArn('ScaleBufferDeadLetterQueue') }),
    );
  });

  it.each([
    [
      'scale reactor',
      'ScaleReactor',
      'ScaleBufferQueue',
      'SCALE_DEAD_LETTER_QUEUE_URL',
      'ScaleBufferDeadLetterQueue',
    ],
    [
      'launch gate',
      'LaunchGate',
      'LaunchGateQueue',
      'GATE_DEAD_LETTER_QUEUE_URL',
      'LaunchGateDeadLetterQueue',
    ],
  ])(
    'lets the %s report single failures and send invalid messages to its dead-letter queue',
    (_, fn, queue, key, deadLetters) => {
      // Prepare
      const mapping = mappings.find(
        ([, m]) => JSON.stringify(m.Properties?.EventSourceArn) === JSON.stringify(getAttArn(queue)),
      );
      const environment = props(`${fn}LambdaFunction`).Environment as {
        Variables?: Record<string, unknown>;
      };
      const policies = (props(`${fn}Role`).Policies ?? []) as {
        PolicyDocument: { Statement: PolicyStatement[] };
      }[];
      const statements = policies.flatMap((p) => p.PolicyDocument.Statement);
      const redrive = props(queue).RedrivePolicy as RedrivePolicy | undefined;

      // Assess
      expect(mapping?.[1].Properties?.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(environment.Variables?.[key]).toEqual({ Ref: deadLetters });
      expect(redrive?.deadLetterTargetArn).toEqual(getAttArn(deadLetters));
      expect(statements).toContainEqual(
        expect.objectContaining({ Action: 'sqs:SendMessage', Resource: getAttArn(deadLetters) }),
      );
    },
  );

  it('alarms on the first message in any dead-letter queue', () => {
    // Prepare
    const deadLetterQueues = queues
      .map(([name]) => name)
      .filter((name) =>
        queues.some(
          ([, q]) =>
            JSON.stringify(
              (q.Properties?.RedrivePolicy as RedrivePolicy | undefined)?.deadLetterTargetArn,
            ) === JSON.stringify(getAttArn(name)),
        ),
      );
    const watched = ofType('AWS::CloudWatch::Alarm')
      .filter(([, alarm]) => alarm.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map(([, alarm]) =>
        JSON.stringify((alarm.Properties?.Dimensions as { Value: unknown }[] | undefined)?.[0]?.Value),
      );

    // Assess
    expect(deadLetterQueues).toEqual(
      expect.arrayContaining(['ScaleBufferDeadLetterQueue', 'LaunchGateDeadLetterQueue']),
    );
    for (const name of deadLetterQueues) {
      expect({
        name,
        watched: watched.includes(JSON.stringify({ 'Fn::GetAtt': [name, 'QueueName'] })),
      }).toEqual({
        name,
        watched: true,
      });
    }
  });

  it('alarms on the first invalid scale event, on the metric the reactor emits', () => {
    // Prepare
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(
      ([, alarm]) => alarm.Properties?.MetricName === ReactorMetricName.invalidEvents,
    );

    // Assess
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.[1].Properties).toEqual(
      expect.objectContaining({
        Namespace: 'CapacityGuard',
        Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: 'AlertTopic' }],
      }),
    );
  });
});
