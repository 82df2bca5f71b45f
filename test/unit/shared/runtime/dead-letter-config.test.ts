import { ConfigError } from '../../../../shared/runtime/config.js';
import { parseReactorConfig } from '../../../../shared/runtime/dead-letter-config.js';

describe('parseReactorConfig', () => {
  it.each([
    'https://sqs.eu-west-1.amazonaws.com/123456789012/capacity-guard-dev-ScaleBufferDeadLetterQueue-1A2B3C',
    'http://127.0.0.1:5000/123456789012/capacity-guard-dead-letters',
  ])('accepts %s', (url) => {
    expect(parseReactorConfig({ SCALE_DEAD_LETTER_QUEUE_URL: ` ${url} ` })).toEqual({
      deadLetterQueueUrl: url,
    });
  });

  it.each([
    [undefined, 'SCALE_DEAD_LETTER_QUEUE_URL: missing (expected a standard SQS queue URL'],
    ['  ', 'SCALE_DEAD_LETTER_QUEUE_URL: missing'],
    [
      'arn:aws:sqs:eu-west-1:123456789012:dlq',
      "SCALE_DEAD_LETTER_QUEUE_URL: 'arn:aws:sqs:eu-west-1:123456789012:dlq' is invalid",
    ],
    [
      'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq.fifo',
      "SCALE_DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq.fifo' is invalid",
    ],
  ])('refuses %j', (value, message) => {
    expect(() => parseReactorConfig({ SCALE_DEAD_LETTER_QUEUE_URL: value })).toThrow(ConfigError);
    expect(() => parseReactorConfig({ SCALE_DEAD_LETTER_QUEUE_URL: value })).toThrow(message);
  });
});
