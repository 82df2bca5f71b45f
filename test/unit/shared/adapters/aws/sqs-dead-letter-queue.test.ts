import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DeadLetterSendError,
  MAX_REASON_CHARS,
  SqsDeadLetterQueue,
  toSqsText,
} from '../../../../../shared/adapters/aws/sqs-dead-letter-queue.js';

const QUEUE_URL =
  'https://sqs.eu-west-1.amazonaws.com/123456789012/capacity-guard-dev-ScaleBufferDeadLetterQueue';

describe('SqsDeadLetterQueue', () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());
  afterAll(() => sqs.restore());

  const queue = () => new SqsDeadLetterQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE_URL);

  it('sends the body untouched, with the reason and the source message ID as attributes', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
    const body = '{"id":"e-1","detail":{"requestParameters":{"desiredCapacity":"many"}}}';

    // Act
    await queue().send({ body, reason: 'detail.desiredCapacity: expected a number', sourceMessageId: 'm-1' });

    // Assess
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: QUEUE_URL,
      MessageBody: body,
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: 'detail.desiredCapacity: expected a number' },
        sourceMessageId: { DataType: 'String', StringValue: 'm-1' },
      },
    });
  });

  it('cuts a long reason at a code point and replaces characters SQS refuses', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
    const reason = `a\u0000b${'😀'.repeat(MAX_REASON_CHARS)}`;

    // Act
    await queue().send({ body: 'x', reason, sourceMessageId: 'm-1' });

    // Assess
    const sent =
      sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageAttributes?.reason?.StringValue;
    expect([...(sent ?? '')]).toHaveLength(MAX_REASON_CHARS);
    expect(sent?.startsWith('a\ufffdb😀')).toBe(true);
    expect(sent?.endsWith('😀…')).toBe(true);
  });

  it('wraps a failed send in DeadLetterSendError naming the message, with the SDK error as cause', async () => {
    // Prepare
    const failure = Object.assign(new Error('The specified queue does not exist.'), {
      name: 'QueueDoesNotExist',
    });
    sqs.on(SendMessageCommand).rejects(failure);

    // Act
    const sent = queue().send({ body: 'x', reason: 'bad', sourceMessageId: 'm-7' });

    // Assess
    await expect(sent).rejects.toThrow(DeadLetterSendError);
    await expect(sent).rejects.toThrow("message 'm-7'");
    await expect(sent).rejects.toMatchObject({ cause: failure });
  });
});

describe('toSqsText', () => {
  it.each([
    ['tab\tnewline\ncr\r', 'tab\tnewline\ncr\r'],
    ['nul\u0000bell\u0007', 'nul\ufffdbell\ufffd'],
    ['lone \ud800 surrogate', 'lone \ufffd surrogate'],
    ['\ufffe\uffff', '\ufffd\ufffd'],
    ['emoji 😀', 'emoji 😀'],
  ])('%j -> %j', (input, expected) => {
    expect(toSqsText(input)).toBe(expected);
  });
});
