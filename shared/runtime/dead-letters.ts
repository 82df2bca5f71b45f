import type { DeadLetterQueue } from '../ports/dead-letter-queue.js';
import { errorText, logger } from './logger.js';

/** A message of a batch that can never be handled, and why. */
export interface InvalidMessage {
  readonly messageId: string;
  /** The body exactly as received. */
  readonly rawBody: string;
  /** The JSON path, the value and the expected form. */
  readonly reason: string;
}

/**
 * Sends each invalid message to the dead-letter queue at once with its reason (retrying cannot make it valid) and
 * logs it once as an invalid `what`. Returns the IDs of the messages that could not be sent: they go back to their
 * queue as batch item failures, so nothing is lost.
 */
export async function deadLetterInvalid(
  deadLetters: DeadLetterQueue,
  invalid: readonly InvalidMessage[],
  what: string,
): Promise<string[]> {
  const sent = await Promise.allSettled(
    invalid.map((m) => deadLetters.send({ body: m.rawBody, reason: m.reason, sourceMessageId: m.messageId })),
  );
  const unsent: string[] = [];
  for (const [index, result] of sent.entries()) {
    const { messageId, reason } = invalid[index] as InvalidMessage;
    if (result.status === 'fulfilled') {
      logger.error(`invalid ${what} dead-lettered`, { messageId, reason });
    } else {
      logger.error(`invalid ${what} not dead-lettered`, {
        messageId,
        reason,
        error: errorText(result.reason),
      });
      unsent.push(messageId);
    }
  }
  return unsent;
}
