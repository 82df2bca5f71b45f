import { InvalidEventError } from './invalid-event-error.js';
import { asObject, fieldValue, indexPath, requireString } from './json-fields.js';

/** One message of an SQS batch, its body decoded. */
export interface SqsMessage {
  readonly messageId: string;
  /**
   * The body parsed as JSON (an EventBridge event when the queue is a rule's target). A body that is not
   * JSON stays the raw string, so the event parser rejects that one message and the rest of the batch
   * goes on: report its `messageId` as a batch item failure.
   */
  readonly body: unknown;
  /** The body as received, to go to a dead-letter queue unchanged. */
  readonly rawBody: string;
}

/**
 * Unwraps a Lambda SQS event (`{ Records: [{ messageId, body }] }`).
 *
 * @throws InvalidEventError when the batch itself is malformed (no `Records` array, a record without
 *   `messageId` or string `body`): that is not a bad message but a wrong trigger.
 * @example
 * parseSqsRecords({ Records: [{ messageId: 'm-1', body: '{"id":"e-1"}' }] })
 * // [{ messageId: 'm-1', body: { id: 'e-1' }, rawBody: '{"id":"e-1"}' }]
 */
export function parseSqsRecords(sqsEvent: unknown): readonly SqsMessage[] {
  const batch = asObject(sqsEvent, '');
  const records = fieldValue(batch, 'Records');
  if (!Array.isArray(records)) throw new InvalidEventError('Records', 'an array of SQS records', records);
  return records.map((item: unknown, index) => {
    const record = asObject(item, indexPath('Records', index));
    const messageId = requireString(record, 'messageId');
    const rawBody = fieldValue(record, 'body');
    if (typeof rawBody !== 'string') {
      throw new InvalidEventError(`${record.path}.body`, 'a string', rawBody);
    }
    return { messageId, body: decodeBody(rawBody), rawBody };
  });
}

function decodeBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
