import { InvalidEventError } from '../../../../shared/events/invalid-event-error.js';
import { parseScaleEvent } from '../../../../shared/events/registry.js';
import { parseSqsRecords } from '../../../../shared/events/sqs-records.js';
import { loadEventFixture } from './event-fixtures.js';

function buildSqsRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
    receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
    body: JSON.stringify(loadEventFixture('aws.autoscaling/ec2-instance-launch-successful')),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1732867241000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1732867241010',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:capacity-guard-scale-events',
    awsRegion: 'eu-west-1',
    ...overrides,
  };
}

describe('parseSqsRecords', () => {
  it('decodes each body and keeps the message id and the body as received', () => {
    // Prepare
    const raw = '{ "id": "e-2" }';
    const event = { Records: [buildSqsRecord(), buildSqsRecord({ messageId: 'm-2', body: raw })] };

    // Act
    const messages = parseSqsRecords(event);

    // Assess
    expect(messages.map((m) => m.messageId)).toEqual(['059f36b4-87a3-44ab-83d2-661975830a7d', 'm-2']);
    expect(messages[1]).toEqual({ messageId: 'm-2', body: { id: 'e-2' }, rawBody: raw });
    expect(parseScaleEvent(messages[0]?.body, { selfIdentityArns: [] })).toMatchObject({
      kind: 'instance-launched',
      instanceId: 'i-0a1b2c3d4e5f60718',
    });
  });

  it('keeps a non-JSON body as its text, so only that message fails to parse', () => {
    // Prepare
    const event = { Records: [buildSqsRecord({ body: '{ truncated' })] };

    // Act
    const [message] = parseSqsRecords(event);

    // Assess
    expect(message?.body).toBe('{ truncated');
    expect(() => parseScaleEvent(message?.body, { selfIdentityArns: [] })).toThrow(
      '(event): expected a JSON object, got "{ truncated"',
    );
  });

  it('returns nothing for an empty batch', () => {
    expect(parseSqsRecords({ Records: [] })).toEqual([]);
  });

  it.each([
    [{}, 'Records: expected an array of SQS records, got undefined'],
    [{ Records: [42] }, 'Records[0]: expected a JSON object, got 42'],
    [
      { Records: [buildSqsRecord({ messageId: '' })] },
      'Records[0].messageId: expected a non-empty string, got ""',
    ],
    [
      { Records: [buildSqsRecord(), buildSqsRecord({ body: { a: 1 } })] },
      'Records[1].body: expected a string, got {"a":1}',
    ],
  ])('rejects a malformed batch %j', (event, message) => {
    expect(() => parseSqsRecords(event)).toThrow(InvalidEventError);
    expect(() => parseSqsRecords(event)).toThrow(message);
  });
});
