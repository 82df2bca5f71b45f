import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterQueue } from '../../ports/dead-letter-queue.js';

/** Message attributes every dead letter the guard sends carries (a redriven message has none of them). */
export const DeadLetterAttribute = { reason: 'reason', sourceMessageId: 'sourceMessageId' } as const;

/** Longest reason kept: reasons are one line; a longer one is cut rather than refused. */
export const MAX_REASON_CHARS = 1024;

/** Sending a dead letter failed; `cause` holds the SDK error. */
export class DeadLetterSendError extends Error {
  override readonly name = 'DeadLetterSendError';
  constructor(
    readonly sourceMessageId: string,
    cause: unknown,
  ) {
    super(
      `SendMessage of message '${sourceMessageId}' to the dead-letter queue failed: ${
        cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
      }`,
      { cause },
    );
  }
}

/**
 * Characters SQS refuses in a message body or string attribute are replaced by U+FFFD: a reason quotes a part of
 * the bad value, which can hold anything. Allowed: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
 * #x10000-#x10FFFF (Amazon SQS API Reference, SendMessage, MessageBody).
 */
export function toSqsText(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const allowed =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      code >= 0x10000;
    out += allowed ? char : '\ufffd';
  }
  return out;
}

/** At most MAX_REASON_CHARS code points (a surrogate pair is never split), in characters SQS accepts. */
function cutReason(reason: string): string {
  const chars = [...reason];
  const cut = chars.length > MAX_REASON_CHARS ? `${chars.slice(0, MAX_REASON_CHARS - 1).join('')}…` : reason;
  return toSqsText(cut);
}

/**
 * The body goes to the dead-letter queue untouched, so a fixed message can be moved back to the source queue
 * as it is (SQS dead-letter queue redrive); the reason and the source message ID travel as message attributes.
 */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(letter: DeadLetter): Promise<void> {
    const reason = cutReason(letter.reason.trim() || 'no reason given');
    try {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: letter.body,
          MessageAttributes: {
            [DeadLetterAttribute.reason]: {
              DataType: 'String',
              StringValue: reason,
            },
            [DeadLetterAttribute.sourceMessageId]: {
              DataType: 'String',
              StringValue: letter.sourceMessageId,
            },
          },
        }),
      );
    } catch (error) {
      throw new DeadLetterSendError(letter.sourceMessageId, error);
    }
  }
}
