/** A message set aside for a person to look at, with why. */
export interface DeadLetter {
  /** The message body exactly as it was received. */
  readonly body: string;
  /** Why it was set aside (for an invalid event: the JSON path, the value and the expected form). */
  readonly reason: string;
  /** The ID the message had on the queue it came from. */
  readonly sourceMessageId: string;
}

/** Sends a message to a dead-letter queue at once, without waiting for the source queue's redrive. */
export interface DeadLetterQueue {
  send(letter: DeadLetter): Promise<void>;
}
