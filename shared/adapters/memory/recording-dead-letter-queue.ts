import type { DeadLetter, DeadLetterQueue } from '../../ports/dead-letter-queue.js';

/** Keeps dead letters in memory: the simulator and tests read them back. */
export class RecordingDeadLetterQueue implements DeadLetterQueue {
  readonly letters: DeadLetter[] = [];

  async send(letter: DeadLetter): Promise<void> {
    this.letters.push(letter);
  }
}
