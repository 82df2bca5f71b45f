import type { DeadLetter, DeadLetterQueue } from '../../shared/ports/dead-letter-queue.js';

/** A dead-letter queue that refuses every message, keeping what was tried. */
export class FailingDeadLetterQueue implements DeadLetterQueue {
  readonly attempts: DeadLetter[] = [];
  async send(letter: DeadLetter): Promise<void> {
    this.attempts.push(letter);
    throw new Error('SendMessage failed: AWS.SimpleQueueService.NonExistentQueue');
  }
}
