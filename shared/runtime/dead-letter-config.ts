import { ConfigError } from './config.js';

/** A function's dead-letter queue for messages that can never be handled. */
export interface DeadLetterConfig {
  /** Where invalid messages go at once, with their reason. */
  readonly deadLetterQueueUrl: string;
}

/**
 * A standard queue's URL, `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` (or an endpoint override's host). A
 * FIFO queue is refused: its messages need a group ID the guard has no meaningful value for.
 */
const QUEUE_URL = /^https?:\/\/[^\s/]+\/\d{12}\/[A-Za-z0-9_-]{1,80}$/;

/** The dead-letter queue URL under `key`; pure, like `parseConfig`: the error names the key, the value and the form. */
function deadLetterConfigOf(
  env: Readonly<Record<string, string | undefined>>,
  key: string,
): DeadLetterConfig {
  const form = 'a standard SQS queue URL, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME';
  const url = env[key]?.trim();
  if (!url) throw new ConfigError(`${key}: missing (expected ${form})`);
  if (!QUEUE_URL.test(url)) throw new ConfigError(`${key}: '${url}' is invalid (expected ${form})`);
  return Object.freeze({ deadLetterQueueUrl: url });
}

/**
 * The scale reactor's dead-letter queue (SCALE_DEAD_LETTER_QUEUE_URL): invalid scale events.
 *
 * @example
 * parseReactorConfig({ SCALE_DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq' })
 * // { deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq' }
 */
export function parseReactorConfig(env: Readonly<Record<string, string | undefined>>): DeadLetterConfig {
  return deadLetterConfigOf(env, 'SCALE_DEAD_LETTER_QUEUE_URL');
}

/**
 * The launch gate's dead-letter queue (GATE_DEAD_LETTER_QUEUE_URL): invalid lifecycle actions and node reports.
 *
 * @example
 * parseLaunchGateConfig({ GATE_DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq' })
 * // { deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq' }
 */
export function parseLaunchGateConfig(env: Readonly<Record<string, string | undefined>>): DeadLetterConfig {
  return deadLetterConfigOf(env, 'GATE_DEAD_LETTER_QUEUE_URL');
}
