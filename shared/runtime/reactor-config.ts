import { ConfigError } from './config.js';

/** The scale reactor's own settings, beyond the guard's shared ones. */
export interface ReactorConfig {
  /** SCALE_DEAD_LETTER_QUEUE_URL: where invalid scale events go at once, with their reason. */
  readonly deadLetterQueueUrl: string;
}

/**
 * A standard queue's URL, `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` (or an endpoint override's host). A
 * FIFO queue is refused: its messages need a group ID the guard has no meaningful value for.
 */
const QUEUE_URL = /^https?:\/\/[^\s/]+\/\d{12}\/[A-Za-z0-9_-]{1,80}$/;

/**
 * Reads the reactor's settings; pure, like `parseConfig`: the error names the key, the value and the form.
 *
 * @example
 * parseReactorConfig({ SCALE_DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq' })
 * // { deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq' }
 */
export function parseReactorConfig(env: Readonly<Record<string, string | undefined>>): ReactorConfig {
  const key = 'SCALE_DEAD_LETTER_QUEUE_URL';
  const form = 'a standard SQS queue URL, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME';
  const url = env[key]?.trim();
  if (!url) throw new ConfigError(`${key}: missing (expected ${form})`);
  if (!QUEUE_URL.test(url)) throw new ConfigError(`${key}: '${url}' is invalid (expected ${form})`);
  return Object.freeze({ deadLetterQueueUrl: url });
}
