import type { AlertMessage } from '../../domain/chatbot-message.js';
import type { AlertPublisher, PublishedAlert } from '../../ports/alert-publisher.js';

/** Keeps alerts instead of sending them: read-only audits and tests. */
export class RecordingAlertPublisher implements AlertPublisher {
  readonly messages: AlertMessage[] = [];

  async publish(message: AlertMessage): Promise<PublishedAlert> {
    this.messages.push(message);
    return { messageId: null };
  }
}
